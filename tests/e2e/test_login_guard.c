/*
 * test_login_guard.c — hostile clients at the door, against the real keepd
 * over TCP: password guessing locked out per character and per address
 * (held in the database, so across restarts and instances), a guessing
 * storm that must not slow a player in the game, the per-address
 * connection cap and new-character limit, and passwords normalised to NFC.
 *
 * Each test starts its own keepd with the limits it tests.  Tests that act
 * as another client address bind their sockets to 127.0.0.x (loopback
 * accepts any of them), and clear that address's counts first.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include "keep_test.h"

#define PASSWORD	"correct horse"
#define WRONG		"battery staple"
#define WAIT_MS		10000
#define GA		"\xff\xf9"
#define LOCKED		"Too many wrong passwords; try again in "

/* Cheap hashing and the test limits, with extra keys (each after a
 * comma); tests of one limit set it in full instead (no duplicate keys). */
#define LG_BASE		"{\"listen_address\": \"127.0.0.1\", \"workers\": 4," \
			" \"log_level\": \"info\""
#define LG_CHEAP	", \"argon2_ops\": 1, \"argon2_mem_kib\": 64"
#define LG_CONFIG(extra) LG_BASE LG_CHEAP TEST_LIMITS extra "}"

/* The storm: sockets guessing, and how long. */
#define STORM_SOCKETS	32
#define STORM_SECS	6
/* A player's look during the storm: the p99 it must stay under, in ms.
 * Before the guard, a storm like this one put look's p50 at 0.5-1.2 s. */
#define STORM_P99_MS	100

/* Connect from addr (NULL: 127.0.0.1), or fail. */
static void
connect_from(struct client *c, int port, const char *addr)
{
	ck_assert_msg(client_try_connect_from(c, port, addr),
	    "cannot connect from %s", addr != NULL ? addr : "127.0.0.1");
}

/*
 * One login attempt on a fresh connection from addr: name, password, and
 * what came back up to the next prompt ("Name: " or the game's), into out.
 * Returns true if it logged in.
 */
static bool
attempt(int port, const char *addr, const char *name, const char *password,
    char *out, size_t outsz)
{
	struct client	c;
	bool		in;

	connect_from(&c, port, addr);
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send_want(&c, name, "Password: " GA, WAIT_MS);
	client_send(&c, password);
	client_want(&c, GA, 20000, out, outsz);
	in = strstr(out, "Welcome back") != NULL;
	if (!in)
		ck_assert_msg(strstr(out, "Name: ") != NULL ||
		    strstr(out, "Goodbye") != NULL,
		    "odd answer to a password: %s", printable(out));
	client_close(&c);
	return in;
}

/* The seconds in "try again in N seconds", or fail if out is not that. */
static int
locked_secs(const char *out)
{
	const char	*p = strstr(out, LOCKED);

	ck_assert_msg(p != NULL, "not locked: \"%s\"", printable(out));
	return atoi(p + strlen(LOCKED));
}

/* A wrong password: told so, nothing else. */
static void
wrong_once(int port, const char *addr, const char *name)
{
	char	out[4096];

	ck_assert(!attempt(port, addr, name, WRONG, out, sizeof out));
	ck_assert_msg(strstr(out, "Wrong password.") != NULL,
	    "expected Wrong password., got \"%s\"", printable(out));
}

/* Create a character (from 127.0.0.1) and leave the game. */
static void
make_char(int port, char name[17], const char *prefix)
{
	struct client	c;

	client_player(&c, port, name, prefix, PASSWORD);
	client_send_want(&c, "quit", "Goodbye.", WAIT_MS);
	client_close(&c);
}

/* The wrong-password count of a character (0 without a row). */
static long long
char_failures(const char *name)
{
	return sqlv("SELECT coalesce(sum(failures), 0) FROM login_guard g"
	    " JOIN characters c ON g.scope = 'character'"
	    " AND g.key = c.id::text WHERE c.name = '%s'", name);
}

/*
 * Guessing one character: three failures are free, then each locks it for
 * 2, 4, ... seconds; while locked even the right password is refused at
 * once, and it is accepted after, which clears the count.
 */
START_TEST(test_character_lockout)
{
	struct keepd	k;
	char		name[17], out[4096];
	int		first, second;

	keepd_start(&k, LG_CONFIG(", \"login_free_failures\": 3"));
	make_char(k.port, name, "guard");
	for (int i = 0; i < 4; i++)
		wrong_once(k.port, NULL, name);
	ck_assert_int_eq(char_failures(name), 4);

	ck_assert(!attempt(k.port, NULL, name, PASSWORD, out, sizeof out));
	first = locked_secs(out);
	ck_assert_msg(first >= 1 && first <= 2, "first lock %d s", first);
	ck_assert_int_eq(char_failures(name), 4);	/* not counted */

	usleep((useconds_t)first * 1000000 + 300000);
	wrong_once(k.port, NULL, name);
	ck_assert(!attempt(k.port, NULL, name, PASSWORD, out, sizeof out));
	second = locked_secs(out);
	ck_assert_msg(second > first && second <= 4, "second lock %d s after "
	    "%d s", second, first);

	usleep((useconds_t)second * 1000000 + 300000);
	ck_assert_msg(attempt(k.port, NULL, name, PASSWORD, out, sizeof out),
	    "right password refused after the lock: \"%s\"", printable(out));
	ck_assert_int_eq(char_failures(name), 0);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The lock is in the database: it holds after a restart of keepd and on a
 * second keepd of the same database. */
START_TEST(test_lockout_shared)
{
	struct keepd	k, k2;
	char		name[17], out[4096];
	const char	*cfg = LG_CONFIG(", \"login_free_failures\": 3");

	keepd_start(&k, cfg);
	make_char(k.port, name, "shared");
	/* Six earlier failures, as test_character_lockout makes them, then
	 * one more here: the seventh locks for 16 s, long enough to restart
	 * keepd and start a second one. */
	sqlf("INSERT INTO login_guard (scope, key, failures, last_failure_at)"
	    " SELECT 'character', id::text, 6, now() FROM characters"
	    " WHERE name = '%s'", name);
	wrong_once(k.port, NULL, name);
	keepd_stop(&k, SIGTERM);
	keepd_start(&k, cfg);
	keepd_start(&k2, cfg);
	ck_assert(!attempt(k.port, NULL, name, PASSWORD, out, sizeof out));
	ck_assert_int_ge(locked_secs(out), 1);
	ck_assert(!attempt(k2.port, NULL, name, PASSWORD, out, sizeof out));
	ck_assert_int_ge(locked_secs(out), 1);
	ck_assert_int_eq(char_failures(name), 7);
	keepd_stop(&k2, SIGTERM);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* Guessing across characters from one address locks the address: its
 * right passwords are refused too, while other addresses get in. */
START_TEST(test_address_lockout)
{
	struct keepd	k;
	char		a[17], b[17], c[17], out[4096];

	test_sql("DELETE FROM login_guard WHERE key IN ('127.0.0.3',"
	    " '127.0.0.8')");
	keepd_start(&k, LG_BASE LG_CHEAP
	    ", \"max_connections_per_address\": 100000,"
	    " \"max_new_characters_per_address\": 100000,"
	    " \"login_free_failures\": 100,"
	    " \"login_address_free_failures\": 2}");
	make_char(k.port, a, "addra");
	make_char(k.port, b, "addrb");
	make_char(k.port, c, "addrc");
	wrong_once(k.port, "127.0.0.3", a);
	wrong_once(k.port, "127.0.0.3", b);
	wrong_once(k.port, "127.0.0.3", c);	/* the third: locked */
	ck_assert(!attempt(k.port, "127.0.0.3", a, PASSWORD, out,
	    sizeof out));
	ck_assert_int_ge(locked_secs(out), 1);
	ck_assert_int_eq(sqlv("SELECT failures FROM login_guard WHERE"
	    " scope = 'address' AND key = '127.0.0.3'"), 3);
	ck_assert_msg(attempt(k.port, "127.0.0.8", a, PASSWORD, out,
	    sizeof out), "another address refused: \"%s\"", printable(out));
	keepd_stop(&k, SIGTERM);
	test_sql("DELETE FROM login_guard WHERE key = '127.0.0.3'");
}
END_TEST

/* Microseconds on the monotonic clock. */
static long long
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct guesser {
	struct client	c;
	bool		open;
};

/* (Re)connect a guesser from 127.0.0.4. */
static void
guesser_open(struct guesser *g, int port)
{
	g->open = client_try_connect_from(&g->c, port, "127.0.0.4");
}

/*
 * Child process: STORM_SOCKETS connections guessing victim's password as
 * fast as keepd answers, reconnecting when closed, for secs seconds.
 */
static void __attribute__((noreturn))
storm(int port, const char *victim, int secs)
{
	static struct guesser	g[STORM_SOCKETS];
	struct pollfd		pfd[STORM_SOCKETS];
	long long		end = now_ms() + secs * 1000LL;
	char			line[64];
	ssize_t			n;

	for (int i = 0; i < STORM_SOCKETS; i++)
		guesser_open(&g[i], port);
	while (now_ms() < end) {
		for (int i = 0; i < STORM_SOCKETS; i++) {
			if (!g[i].open)
				guesser_open(&g[i], port);
			pfd[i].fd = g[i].open ? g[i].c.fd : -1;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, STORM_SOCKETS, 100) <= 0)
			continue;
		for (int i = 0; i < STORM_SOCKETS; i++) {
			struct client	*c = &g[i].c;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = recv(c->fd, c->buf + c->len,
			    sizeof c->buf - c->len - 1, 0);
			if (n <= 0) {
				client_close(c);
				g[i].open = false;
				continue;
			}
			c->len += (size_t)n;
			if (memmem(c->buf, c->len, "Password: " GA, 12)) {
				snprintf(line, sizeof line, "%s%d", WRONG, i);
				client_send(c, line);
				c->len = 0;
			} else if (memmem(c->buf, c->len, "Name: " GA, 8)) {
				client_send(c, victim);
				c->len = 0;
			} else if (c->len > sizeof c->buf / 2)
				c->len = 0;
		}
	}
	_exit(0);
}

/* Compare two latencies, for qsort. */
static int
cmp_ll(const void *a, const void *b)
{
	long long	x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/*
 * Run look on p for ms milliseconds, 5 ms apart; sort the latencies (µs) into lat
 * (room for max) and return how many.
 */
static int
look_loop(struct client *p, int ms, long long *lat, int max)
{
	static char	out[65536];
	long long	end = now_ms() + ms, t;
	int		n = 0;

	while (now_ms() < end && n < max) {
		t = now_us();
		/* One send: line and CR LF apart would wait for Nagle. */
		client_send_raw(p, "look\r\n", 6);
		ck_assert_msg(client_expect(p, PROMPT, 10000, out, sizeof out),
		    "look did not answer in 10 s");
		lat[n++] = now_us() - t;
		usleep(5000);	/* a quick player, not a flood */
	}
	qsort(lat, (size_t)n, sizeof lat[0], cmp_ll);
	return n;
}

/*
 * A guessing storm at production hashing cost: STORM_SOCKETS connections
 * guessing one character (never locked here, so every guess is hashed)
 * while a player runs look in a loop.  Hashing has workers of its own, so
 * the player's look stays fast.
 */
START_TEST(test_guessing_storm)
{
	static long long	lat[20000], base[20000];
	struct keepd		k;
	struct client		p;
	char			victim[17], player[17];
	long long		before, guesses;
	int			n, nb;
	pid_t			pid;

	test_sql("DELETE FROM login_guard WHERE key = '127.0.0.4'");
	/* The looker runs 200 commands a second: lift the command rate. */
	keepd_start(&k, LG_BASE ", \"max_connections_per_address\": 100,"
	    " \"command_rate\": 1000000, \"command_burst\": 1000000,"
	    " \"max_new_characters_per_address\": 100000,"
	    " \"login_free_failures\": 1000000,"
	    " \"login_address_free_failures\": 1000000}");
	make_char(k.port, victim, "victim");
	client_player(&p, k.port, player, "looker", PASSWORD);
	nb = look_loop(&p, 1500, base, 20000);
	before = char_failures(victim);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0)
		storm(k.port, victim, STORM_SECS);
	usleep(1000 * 1000);	/* the storm is under way */
	n = look_loop(&p, (STORM_SECS - 2) * 1000, lat, 20000);
	waitpid(pid, NULL, 0);
	guesses = char_failures(victim) - before;
	fprintf(stderr, "guessing storm: %lld guesses hashed in %d s; look "
	    "before: n=%d p50 %.1f ms p99 %.1f ms; during: n=%d p50 %.1f ms "
	    "p99 %.1f ms max %.1f ms\n", guesses, STORM_SECS, nb,
	    base[nb / 2] / 1000.0, base[nb * 99 / 100] / 1000.0, n,
	    lat[n / 2] / 1000.0, lat[n * 99 / 100] / 1000.0,
	    lat[n - 1] / 1000.0);
	ck_assert_msg(guesses >= 10, "the storm hashed only %lld guesses",
	    guesses);
	ck_assert_int_ge(n, 20);
	ck_assert_msg(lat[n * 99 / 100] < STORM_P99_MS * 1000LL,
	    "look p99 %.1f ms during the storm (bound %d ms)",
	    lat[n * 99 / 100] / 1000.0, STORM_P99_MS);
	client_close(&p);
	keepd_stop(&k, SIGTERM);
	test_sql("DELETE FROM login_guard WHERE key = '127.0.0.4'");
}
END_TEST

/* A full login queue answers at once instead of making the login wait. */
START_TEST(test_login_queue_full)
{
	struct keepd	k;
	struct client	c[8];
	char		name[17], out[4096];
	int		busy = 0, other = 0;

	keepd_start(&k, LG_BASE ", \"argon2_ops\": 4" TEST_LIMITS
	    ", \"login_workers\": 1, \"login_queue\": 2}");
	make_char(k.port, name, "queue");
	for (int i = 0; i < 8; i++) {
		connect_from(&c[i], k.port, NULL);
		client_want(&c[i], "Name: " GA, WAIT_MS, NULL, 0);
		client_send_want(&c[i], name, "Password: " GA, WAIT_MS);
	}
	for (int i = 0; i < 8; i++)
		client_send(&c[i], WRONG);
	for (int i = 0; i < 8; i++) {
		client_want(&c[i], "Name: " GA, 20000, out, sizeof out);
		if (strstr(out, "Keep is busy; try again in a moment.") != NULL)
			busy++;
		else
			other++;
		client_close(&c[i]);
	}
	ck_assert_msg(busy >= 1 && other >= 2, "%d busy, %d hashed", busy,
	    other);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* One address may hold max_connections_per_address connections; the next
 * is refused with the reason, while another address still gets in. */
START_TEST(test_connection_cap)
{
	struct keepd	k;
	struct client	c[6], other;
	char		out[1024];

	keepd_start(&k, LG_BASE LG_CHEAP ", \"max_connections_per_address\":"
	    " 5}");
	usleep(200 * 1000);	/* keepd_start's probe has gone */
	for (int i = 0; i < 5; i++) {
		connect_from(&c[i], k.port, NULL);
		client_want(&c[i], "Name: " GA, WAIT_MS, NULL, 0);
	}
	connect_from(&c[5], k.port, NULL);
	ck_assert_msg(client_wait_closed(&c[5], WAIT_MS), "sixth not closed");
	c[5].buf[c[5].len] = '\0';
	ck_assert_msg(strstr(c[5].buf, "Too many connections from your "
	    "address") != NULL, "sixth got \"%s\"", printable(c[5].buf));
	client_close(&c[5]);

	connect_from(&other, k.port, "127.0.0.2");
	client_want(&other, "Name: " GA, WAIT_MS, out, sizeof out);
	client_close(&other);

	/* A slot freed is a slot again. */
	client_close(&c[0]);
	usleep(300 * 1000);
	connect_from(&c[0], k.port, NULL);
	client_want(&c[0], "Name: " GA, WAIT_MS, NULL, 0);

	/* A flood of refused connections is a line and a summary in the
	 * log, not a line each. */
	for (int i = 0; i < 300; i++) {
		connect_from(&c[5], k.port, NULL);
		ck_assert(client_wait_closed(&c[5], WAIT_MS));
		client_close(&c[5]);
	}
	for (int i = 0; i < 5; i++)
		client_close(&c[i]);
	keepd_stop(&k, SIGTERM);
	ck_assert_int_le(keepd_log_lines(&k, "connections from it (the "
	    "maximum)"), 2);
	ck_assert_int_ge(keepd_log_lines(&k, "more connections refused"), 1);
}
END_TEST

/* Create a character from addr through the dialog; out gets the answer
 * to the name. */
static bool
create_from(int port, const char *addr, const char *name, char *out,
    size_t outsz)
{
	struct client	c;
	bool		ok;

	connect_from(&c, port, addr);
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send(&c, name);
	client_want(&c, GA, WAIT_MS, out, outsz);
	if ((ok = strstr(out, "(yes/no)") != NULL)) {
		client_send_want(&c, "yes", "Choose a password: " GA, WAIT_MS);
		client_send_want(&c, PASSWORD, "Repeat the password: " GA,
		    WAIT_MS);
		client_send_want(&c, PASSWORD, PROMPT, 20000);
	}
	client_close(&c);
	return ok;
}

/* New characters per address and hour: past the limit an unknown name is
 * refused at once, other addresses are not affected; the creating address
 * is recorded; two creations racing past the name question are counted
 * one after the other. */
START_TEST(test_new_character_limit)
{
	struct keepd	k;
	struct client	r[2];
	char		name[17], out[4096];
	int		made = 0;

	test_sql("UPDATE characters SET created_from = NULL WHERE"
	    " created_from IN ('127.0.0.5', '127.0.0.6', '127.0.0.7')");
	keepd_start(&k, LG_BASE LG_CHEAP
	    ", \"max_new_characters_per_address\": 2}");
	for (int i = 0; i < 2; i++) {
		test_name(name, "limit");
		ck_assert_msg(create_from(k.port, "127.0.0.5", name, out,
		    sizeof out), "creation %d refused: %s", i, printable(out));
	}
	test_name(name, "limit");
	ck_assert(!create_from(k.port, "127.0.0.5", name, out, sizeof out));
	ck_assert_msg(strstr(out, "Too many new characters from your address"
	    " this hour; please try again later.") != NULL, "got \"%s\"",
	    printable(out));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " created_from = '127.0.0.5'"), 2);
	ck_assert_msg(create_from(k.port, "127.0.0.6", name, out, sizeof out),
	    "another address refused: %s", printable(out));

	/* Limit 2 at .7: one made, then two racing for the last place. */
	test_name(name, "limit");
	ck_assert(create_from(k.port, "127.0.0.7", name, out, sizeof out));
	for (int i = 0; i < 2; i++) {
		connect_from(&r[i], k.port, "127.0.0.7");
		client_want(&r[i], "Name: " GA, WAIT_MS, NULL, 0);
		test_name(name, "racer");
		client_send_want(&r[i], name, "(yes/no) " GA, WAIT_MS);
		client_send_want(&r[i], "yes", "Choose a password: " GA,
		    WAIT_MS);
		client_send_want(&r[i], PASSWORD, "Repeat the password: " GA,
		    WAIT_MS);
	}
	for (int i = 0; i < 2; i++)
		client_send(&r[i], PASSWORD);
	for (int i = 0; i < 2; i++) {
		client_want(&r[i], GA, 20000, out, sizeof out);
		if (strstr(out, "Welcome, ") != NULL)
			made++;
		else
			ck_assert_msg(strstr(out, "Too many new characters") !=
			    NULL, "racer got \"%s\"", printable(out));
		client_close(&r[i]);
	}
	ck_assert_int_eq(made, 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " created_from = '127.0.0.7'"), 2);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* Passwords are NFC: made with a precomposed é, the decomposed one (e and
 * U+0301) logs in; "é" is one character of the eight needed. */
START_TEST(test_password_nfc)
{
	struct keepd	k;
	struct client	c;
	char		name[17], out[4096];
	const char	*pre = "caf\xc3\xa9 au lait";
	const char	*dec = "cafe\xcc\x81 au lait";

	keepd_start(&k, LG_CONFIG(""));
	client_player(&c, k.port, name, "nfc", pre);
	client_send_want(&c, "quit", "Goodbye.", WAIT_MS);
	client_close(&c);
	ck_assert_msg(attempt(k.port, NULL, name, dec, out, sizeof out),
	    "decomposed password refused: \"%s\"", printable(out));

	test_name(name, "nfcmin");
	connect_from(&c, k.port, NULL);
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send_want(&c, name, "(yes/no) " GA, WAIT_MS);
	client_send_want(&c, "yes", "Choose a password: " GA, WAIT_MS);
	/* Seven é: 14 bytes but 7 characters, one too few. */
	client_send_want(&c, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9", "A password needs at least 8 characters.", WAIT_MS);
	client_want(&c, "Choose a password: " GA, WAIT_MS, NULL, 0);
	client_send_want(&c, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9", "Repeat the password: " GA, WAIT_MS);
	client_send_want(&c, "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81"
	    "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81", PROMPT, 20000);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The login guard suite. */
Suite *
login_guard_suite(void)
{
	Suite	*s = suite_create("login_guard");
	TCase	*tc = tcase_create("door");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_character_lockout);
	tcase_add_test(tc, test_lockout_shared);
	tcase_add_test(tc, test_address_lockout);
	tcase_add_test(tc, test_guessing_storm);
	tcase_add_test(tc, test_login_queue_full);
	tcase_add_test(tc, test_connection_cap);
	tcase_add_test(tc, test_new_character_limit);
	tcase_add_test(tc, test_password_nfc);
	suite_add_tcase(s, tc);
	return s;
}
