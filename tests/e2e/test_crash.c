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
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include "keep_test.h"

#define PAIRS		8
#define RICH		1000000LL	/* a giver's coins: never runs out */
#define PASSWORD	"durable coins"

struct pair {
	pthread_t	 thread;
	struct client	*giver, *sink;
	char		 gname[17], sname[17];
	long		 sent;		/* give lines sent */
	long		 confirmed;	/* "You give 1 coin to S." received */
	long		 told;		/* "G gives you 1 coin." received by S */
	long		 other;		/* replies that were not a gift */
	atomic_bool	*stop;
};

/* Read what the sink has been sent so far without waiting; count gifts. */
static void
sink_read(struct pair *p, bool to_eof)
{
	struct client	*c = p->sink;
	char		 told[64];

	snprintf(told, sizeof told, "%s gives you 1 coin.", p->gname);
	for (;;) {
		ssize_t	n;

		if (c->len == sizeof c->buf)
			break;
		n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len,
		    to_eof ? 0 : MSG_DONTWAIT);
		if (n <= 0)
			break;
		c->len += (size_t)n;
	}
	while (client_expect(c, told, 0, NULL, 0))
		p->told++;
}

/* Client thread: give 1 coin at a time until keepd dies or we are told. */
static void *
giver_main(void *arg)
{
	struct pair	*p = arg;
	char		*out = malloc(65536);
	char		 line[64], mine[64];

	if (out == NULL)
		return NULL;

	snprintf(line, sizeof line, "give 1 coin to %s", p->sname);
	snprintf(mine, sizeof mine, "You give 1 coin to %s.", p->sname);
	while (!atomic_load(p->stop)) {
		bool	ok;
		long	n;

		client_send(p->giver, line);
		p->sent++;
		ok = client_expect(p->giver, PROMPT, 5000, out, 65536);
		/* A confirmation counts even if the prompt never came. */
		n = str_count(out, mine);
		p->confirmed += n;
		if (ok && n == 0)
			p->other++;
		sink_read(p, false);
		if (!ok)
			break;
	}
	free(out);
	return NULL;
}

/* One number from SQL about a character. */
static long long
char_value(const char *column, const char *name)
{
	return sqlv("SELECT %s FROM characters WHERE name = '%s'", column,
	    name);
}

/*
 * The whole scenario: PAIRS pairs give under load, keepd is killed after
 * kill_ms (plus jitter), restarted, and everything is checked.
 */
static void
crash_run(int kill_ms, const char *tag)
{
	static struct pair	 pairs[PAIRS];
	struct keepd		 k;
	atomic_bool		 stop = false;
	char			 gp[9], sp[9];
	long long		 started, killed_at, g, s, total = 0, committed;
	long			 confirmed = 0;
	int			 status;

	srand((unsigned)(getpid() ^ (int)now_ms()));
	kill_ms += rand() % 400;
	snprintf(gp, sizeof gp, "g%s", tag);
	snprintf(sp, sizeof sp, "s%s", tag);
	keepd_start(&k, NULL);
	for (int i = 0; i < PAIRS; i++) {
		struct pair	*p = &pairs[i];

		memset(p, 0, sizeof *p);
		p->stop = &stop;
		p->giver = calloc(1, sizeof *p->giver);
		p->sink = calloc(1, sizeof *p->sink);
		ck_assert(p->giver != NULL && p->sink != NULL);
		client_player(p->sink, k.port, p->sname, sp, PASSWORD);
		client_player(p->giver, k.port, p->gname, gp, PASSWORD);
		sqlf("UPDATE characters SET coins = %lld WHERE name = '%s'",
		    RICH, p->gname);
	}
	/* Let the arrival notices settle, so replies are all that is left. */
	for (int i = 0; i < PAIRS; i++) {
		client_quiet(pairs[i].giver, 50);
		client_quiet(pairs[i].sink, 10);
	}

	started = now_ms();
	for (int i = 0; i < PAIRS; i++)
		ck_assert(pthread_create(&pairs[i].thread, NULL, giver_main,
		    &pairs[i]) == 0);
	usleep((useconds_t)kill_ms * 1000);
	killed_at = now_ms();
	status = keepd_stop(&k, SIGKILL);
	atomic_store(&stop, true);
	for (int i = 0; i < PAIRS; i++) {
		pthread_join(pairs[i].thread, NULL);
		sink_read(&pairs[i], true);
	}
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "keepd was not killed by SIGKILL (status %d)", status);

	/* Every confirmed gift committed; nothing committed that was not
	 * sent; no coin was made or lost. */
	for (int i = 0; i < PAIRS; i++) {
		struct pair	*p = &pairs[i];

		g = char_value("coins", p->gname);
		s = char_value("coins", p->sname);
		committed = s - 100;
		ck_assert_msg(g + s == RICH + 100, "pair %d: %lld + %lld coins",
		    i, g, s);
		ck_assert_msg(committed >= p->confirmed, "pair %d: %ld gifts "
		    "confirmed but only %lld committed", i, p->confirmed,
		    committed);
		ck_assert_msg(committed >= p->told, "pair %d: sink told of %ld "
		    "gifts but only %lld committed", i, p->told, committed);
		ck_assert_msg(committed <= p->sent, "pair %d: %lld committed "
		    "but %ld sent", i, committed, p->sent);
		ck_assert_msg(p->other == 0, "pair %d: %ld replies were not a "
		    "gift", i, p->other);
		confirmed += p->confirmed;
		total += g + s;
	}
	ck_assert_int_eq(total, PAIRS * (RICH + 100));
	/* The kill landed mid-traffic, not before or after it. */
	ck_assert_msg(confirmed >= PAIRS, "only %ld gifts in %lld ms",
	    confirmed, killed_at - started);
	for (int i = 0; i < PAIRS; i++)
		ck_assert_msg(pairs[i].confirmed > 0, "pair %d: no gift "
		    "confirmed in %lld ms", i, killed_at - started);

	/* Start again on the same database: the dead instance's sessions are
	 * ended, and every character logs in (taking over nothing alive). */
	keepd_start(&k, NULL);
	for (int i = 0; i < PAIRS; i++) {
		ck_assert_int_eq(sqlv("SELECT count(*) FROM characters"
		    " WHERE name IN ('%s', '%s') AND session_instance IS NOT"
		    " NULL", pairs[i].gname, pairs[i].sname), 0);
	}
	for (int i = 0; i < PAIRS; i++) {
		struct pair	*p = &pairs[i];

		client_close(p->giver);
		client_close(p->sink);
		client_connect(p->sink, k.port);
		client_login(p->sink, p->sname, PASSWORD);
		client_connect(p->giver, k.port);
		client_login(p->giver, p->gname, PASSWORD);
	}
	for (int i = 0; i < PAIRS; i++) {
		struct pair	*p = &pairs[i];
		char		 line[64], mine[64];

		s = char_value("coins", p->sname);
		ck_assert_int_eq(client_coins(p->sink, 5000), s);
		ck_assert_int_eq(client_coins(p->giver, 5000), RICH + 100 - s);
		snprintf(line, sizeof line, "give 1 coin to %s", p->sname);
		snprintf(mine, sizeof mine, "You give 1 coin to %s.", p->sname);
		client_send(p->giver, line);
		ck_assert(client_expect(p->giver, mine, 5000, NULL, 0));
		ck_assert_int_eq(char_value("coins", p->sname), s + 1);
	}
	status = keepd_stop(&k, SIGTERM);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "keepd exit status %d after the restart", status);
	for (int i = 0; i < PAIRS; i++) {
		client_close(pairs[i].giver);
		client_close(pairs[i].sink);
		free(pairs[i].giver);
		free(pairs[i].sink);
		ck_assert_int_eq(sqlv("SELECT count(*) FROM characters"
		    " WHERE name IN ('%s', '%s') AND session_instance IS NOT"
		    " NULL", pairs[i].gname, pairs[i].sname), 0);
	}
}

/* Killed soon after the traffic starts. */
START_TEST(test_crash_early)
{
	crash_run(600, "e");
}
END_TEST

/* Killed after the traffic has run a while. */
START_TEST(test_crash_late)
{
	crash_run(2200, "l");
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
