/*
 * test_crash.c — the durability promise: whatever a player was told has
 * happened survives a kill -9 of keepd at any moment.
 *
 * N givers, each paired with a sink that only it pays, stand in the Village
 * Square and give 1 coin at a time (one command in flight each) while keepd
 * is killed mid-traffic.  Each pair's coins only move between its two
 * characters, so after the crash the sink's gain is exactly the number of
 * gifts that committed, which must lie between the number confirmed to the
 * giver ("You give 1 coin to X.") and the number sent.  Then keepd starts
 * again on the same database and every character logs in and plays on.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "fault.h"
#include "keep_test.h"

#define PAIRS		8
#define PASSWORD	"durable coins"

/* One number from SQL about a character. */
static long long
char_value(const char *column, const char *name)
{
	return sqlv("SELECT %s FROM characters WHERE name = '%s'", column,
	    name);
}

/* Start again after a kill: no session of the dead instance is left,
 * every character logs in, sees its coins and gives once more. */
static void
crash_replay(struct keepd *k, struct load *l)
{
	for (int i = 0; i < l->n; i++) {
		ck_assert_int_eq(sqlv("SELECT count(*) FROM characters"
		    " WHERE name IN ('%s', '%s') AND session_instance IS NOT"
		    " NULL", l->pairs[i].gname, l->pairs[i].sname), 0);
	}
	for (int i = 0; i < l->n; i++) {
		struct load_pair	*p = &l->pairs[i];

		client_close(p->giver);
		client_close(p->sink);
		client_connect(p->sink, k->port);
		client_login(p->sink, p->sname, PASSWORD);
		client_connect(p->giver, k->port);
		client_login(p->giver, p->gname, PASSWORD);
	}
	for (int i = 0; i < l->n; i++) {
		struct load_pair	*p = &l->pairs[i];
		char			 line[64], mine[64];
		long long		 s = char_value("coins", p->sname);

		ck_assert_int_eq(client_coins(p->sink, 5000), s);
		ck_assert_int_eq(client_coins(p->giver, 5000), l->rich + 100 -
		    s);
		snprintf(line, sizeof line, "give 1 coin to %s", p->sname);
		snprintf(mine, sizeof mine, "You give 1 coin to %s.", p->sname);
		client_send(p->giver, line);
		ck_assert(client_expect(p->giver, mine, 5000, NULL, 0));
		ck_assert_int_eq(char_value("coins", p->sname), s + 1);
	}
}

/*
 * The whole scenario: n pairs give under load, keepd is killed after
 * kill_ms (plus jitter), restarted, and everything is checked.
 */
void
crash_run(int n, int kill_ms, const char *tag)
{
	struct load	 l;
	struct keepd	 k;
	long long	 started, killed_at;
	int		 status;

	srand((unsigned)(getpid() ^ (int)now_ms()));
	kill_ms += rand() % 400;
	keepd_start(&k, NULL);
	load_open(&l, k.port, n, tag, true);
	started = now_ms();
	load_go(&l);
	usleep((useconds_t)kill_ms * 1000);
	killed_at = now_ms();
	status = keepd_stop(&k, SIGKILL);
	load_halt(&l, true);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "keepd was not killed by SIGKILL (status %d)", status);

	/* Every confirmed gift committed; nothing committed that was not
	 * sent; no coin was made or lost. */
	load_check(&l, false);
	/* The kill landed mid-traffic, not before or after it. */
	ck_assert_msg(load_confirmed(&l) >= n, "only %ld gifts in %lld ms",
	    load_confirmed(&l), killed_at - started);
	for (int i = 0; i < n; i++)
		ck_assert_msg(l.pairs[i].confirmed > 0, "pair %d: no gift "
		    "confirmed in %lld ms", i, killed_at - started);

	keepd_start(&k, NULL);
	crash_replay(&k, &l);
	status = keepd_stop(&k, SIGTERM);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "keepd exit status %d after the restart", status);
	/* The restarted keepd ended the dead one's sessions, and said so. */
	ck_assert_int_ge(keepd_log_lines(&k, "reaped: its process is gone;"),
	    1);
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(sqlv("SELECT count(*) FROM characters"
		    " WHERE name IN ('%s', '%s') AND session_instance IS NOT"
		    " NULL", l.pairs[i].gname, l.pairs[i].sname), 0);
	}
	load_close(&l);
}

/* Killed soon after the traffic starts. */
START_TEST(test_crash_early)
{
	crash_run(PAIRS, 600, "e");
}
END_TEST

/* Killed after the traffic has run a while. */
START_TEST(test_crash_late)
{
	crash_run(PAIRS, 2200, "l");
}
END_TEST

/* The crash suite: kill -9 under load, twice. */
/* The room a move's output shows: its first line, the title. */
static long long
crash_room_of(const char *out)
{
	static const struct {
		const char	*title;
		long long	 id;
	} rooms[] = {
		{ "The Village Square\r\n", 1000 },
		{ "Market Street\r\n", 1001 },
		{ "North End of Market Street\r\n", 1002 },
	};

	for (size_t i = 0; i < sizeof rooms / sizeof rooms[0]; i++) {
		if (strncmp(out, rooms[i].title, strlen(rooms[i].title)) == 0)
			return rooms[i].id;
	}
	return -1;
}

/*
 * After a kill -9, wait (at most 5 s) until PostgreSQL has ended the dead
 * keepd's backends: one may still be finishing a transaction whose COMMIT
 * was sent before the kill, and a read before it ends would miss it.
 */
static void
crash_settle(void)
{
	for (int i = 0; i < 100 && sqlv("SELECT count(*) FROM pg_stat_activity"
	    " WHERE application_name LIKE 'keepd-%%'") > 0; i++)
		usleep(50 * 1000);
}

/*
 * Walk n, n, s, s through rooms 1000, 1001, 1002 while keepd is killed:
 * after the restart the character is where the last confirmed move put it,
 * or one step further (the move in flight may have committed unseen).
 */
START_TEST(test_crash_movement)
{
	static const char	*steps[] = { "north", "north", "south", "south" };
	static const long long	 after[] = { 1001, 1002, 1001, 1000 };
	struct keepd		 k;
	struct client		 c;
	char			 name[17], out[8192];
	long long		 confirmed = 1000, room;
	int			 moves = 0, status;
	pid_t			 killer;

	keepd_start(&k, NULL);
	client_player(&c, k.port, name, "Walk", "walker123");
	killer = fork();
	ck_assert(killer >= 0);
	if (killer == 0) {
		usleep((useconds_t)(700 + rand() % 600) * 1000);
		kill(k.pid, SIGKILL);
		_exit(0);
	}
	for (;; moves++) {
		if (!client_cmd(&c, steps[moves % 4], out, sizeof out))
			break;
		room = crash_room_of(out);
		ck_assert_msg(room == after[moves % 4], "move %d to %s showed "
		    "\"%s\"", moves, steps[moves % 4], printable(out));
		confirmed = room;
	}
	waitpid(killer, NULL, 0);
	status = keepd_stop(&k, SIGKILL);
	(void)status;
	client_close(&c);
	ck_assert_int_gt(moves, 3);
	crash_settle();
	room = char_value("room_id", name);
	ck_assert_msg(room == confirmed || room == after[moves % 4],
	    "after %d confirmed moves the last confirmed room is %lld (next "
	    "%lld) but the database says %lld", moves, confirmed,
	    after[moves % 4], room);
	keepd_start(&k, NULL);
	client_connect(&c, k.port);
	client_login(&c, name, "walker123");
	ck_assert(client_cmd(&c, "look", out, sizeof out));
	ck_assert_int_eq(crash_room_of(out), room);
	client_close(&c);
	ck_assert_int_eq(keepd_stop(&k, SIGTERM), 0);
}
END_TEST

Suite *
crash_suite(void)
{
	Suite	*s = suite_create("crash");
	TCase	*tc = tcase_create("crash");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_crash_early);
	tcase_add_test(tc, test_crash_late);
	tcase_add_test(tc, test_crash_movement);
	suite_add_tcase(s, tc);
	return s;
}
