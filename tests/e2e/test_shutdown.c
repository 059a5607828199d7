/*
 * test_shutdown.c — SIGTERM: commands in flight finish and their replies
 * reach the players before the goodbye, and keepd always ends within
 * shutdown_timeout, whether the database is up, down, crashed under load
 * or behind a network that went silent.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include <libpq-fe.h>

#include "fault.h"
#include "fault_proxy.h"
#include "keep_test.h"

#define PLAYERS		20
#define TIMEOUT_S	15	/* shutdown_timeout's default */
/* The test configuration with a shorter shutdown_timeout. */
#define SHORT_S		5
#define SHORT_CONFIG	TEST_CONFIG(", \"shutdown_timeout\": 5")
#define GOODBYE		"The server is restarting; please reconnect.\r\n"

/* SIGTERM keepd; its exit status, failing unless it ends within bound_ms
 * (plus a second of slack for a loaded machine). */
static int
shutdown_within(struct keepd *k, int bound_ms, const char *why)
{
	long long	start = now_ms(), took;
	int		status = 0;

	kill(k->pid, SIGTERM);
	while (waitpid(k->pid, &status, WNOHANG) == 0) {
		if (now_ms() - start > bound_ms + 5000) {
			kill(k->pid, SIGKILL);
			waitpid(k->pid, &status, 0);
			k->pid = 0;
			ck_abort_msg("%s: keepd still running %lld ms after "
			    "SIGTERM", why, now_ms() - start);
		}
		usleep(20 * 1000);
	}
	k->pid = 0;
	took = now_ms() - start;
	fprintf(stderr, "shutdown: %s: keepd ended %lld ms after SIGTERM "
	    "(status %d)\n", why, took, status);
	ck_assert_msg(took <= bound_ms + 1000, "%s: keepd took %lld ms to end"
	    " after SIGTERM (bound %d ms)", why, took, bound_ms);
	return status;
}

/* Wait until n backends wait for a lock, up to ms. */
static bool
shutdown_waiters(int n, int ms)
{
	long long	end = now_ms() + ms;

	while (now_ms() < end) {
		if (sqlv("SELECT count(*) FROM pg_stat_activity WHERE"
		    " wait_event_type = 'Lock' AND application_name LIKE"
		    " 'keepd-worker-%%'") >= n)
			return true;
		usleep(20 * 1000);
	}
	return false;
}

/* Lock a character's row in a transaction of the test's own, which holds
 * it until committed. */
static PGconn *
shutdown_lock_char(const char *name)
{
	PGconn		*lock = PQconnectdb(test_db_url());
	PGresult	*res;
	char		 sql[128];

	ck_assert(PQstatus(lock) == CONNECTION_OK);
	res = PQexec(lock, "BEGIN");
	PQclear(res);
	snprintf(sql, sizeof sql, "SELECT 1 FROM characters WHERE name = "
	    "'%s' FOR UPDATE", name);
	res = PQexec(lock, sql);
	ck_assert(PQresultStatus(res) == PGRES_TUPLES_OK);
	PQclear(res);
	return lock;
}

/* Commit the locking transaction and close it. */
static void
shutdown_unlock(PGconn *lock)
{
	PQclear(PQexec(lock, "COMMIT"));
	PQfinish(lock);
}

/*
 * 20 players each give a coin to one sink whose row a test transaction
 * holds locked, so every command is in flight when SIGTERM comes; then
 * the lock goes.  Every gift commits, every giver reads its reply and
 * then the goodbye, and a line queued behind a command never runs.
 */
START_TEST(test_sigterm_replies_before_goodbye)
{
	static struct client	c[PLAYERS];
	struct client		sink;
	struct keepd		k;
	char			names[PLAYERS][17], sname[17], line[128];
	char			mine[64], got[4096];
	PGconn			*lock;
	int			 status;

	keepd_start(&k, NULL);
	client_player(&sink, k.port, sname, "Sink", "patient one");
	for (int i = 0; i < PLAYERS; i++)
		client_player(&c[i], k.port, names[i], "Term", "patient one");
	for (int i = 0; i < PLAYERS; i++)
		client_quiet(&c[i], 20);
	lock = shutdown_lock_char(sname);

	snprintf(line, sizeof line, "give 1 coin to %s", sname);
	snprintf(mine, sizeof mine, "You give 1 coin to %s.\r\n", sname);
	for (int i = 0; i < PLAYERS; i++)
		client_send(&c[i], line);
	/* A second line, queued behind the first: it must not run. */
	client_send(&c[0], line);
	ck_assert_msg(shutdown_waiters(4, 5000), "the gifts never waited on "
	    "the lock");
	usleep(300 * 1000);
	kill(k.pid, SIGTERM);
	usleep(500 * 1000);
	shutdown_unlock(lock);

	for (int i = 0; i < PLAYERS; i++) {
		ck_assert_msg(client_expect(&c[i], mine, 10000, got, sizeof got),
		    "player %d: no reply to a command in flight at SIGTERM "
		    "(got \"%s\")", i, printable(got));
		ck_assert_msg(client_expect(&c[i], GOODBYE, 10000, got,
		    sizeof got), "player %d: no goodbye after the reply (got "
		    "\"%s\")", i, printable(got));
		ck_assert(client_wait_closed(&c[i], 10000));
		ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE name"
		    " = '%s'", names[i]), 99);
		client_close(&c[i]);
	}
	ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE name ="
	    " '%s'", sname), 100 + PLAYERS);
	client_close(&sink);
	status = shutdown_within(&k, TIMEOUT_S * 1000, "20 in flight");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "exit status %d", status);
}
END_TEST

/* How often the world ticker has run the messages task (due every second). */
static long long
shutdown_tick_runs(void)
{
	return sqlv("SELECT runs FROM world_clock WHERE name = 'messages'");
}

/*
 * World ticks stop when shutdown begins (tick_stop): while a command in
 * flight keeps keepd draining for three seconds, the messages task, due
 * every second, runs at most once more (a tick already under way at the
 * signal), where a ticker left running would run it about three times.
 */
START_TEST(test_sigterm_stops_ticks)
{
	struct client	 c, sink;
	struct keepd	 k;
	char		 name[17], sname[17], line[128], got[4096];
	PGconn		*lock;
	long long	 before, after, end;

	keepd_start(&k, NULL);
	client_player(&sink, k.port, sname, "Sink", "patient one");
	client_player(&c, k.port, name, "Tock", "patient one");
	end = now_ms() + 5000;
	before = shutdown_tick_runs();
	while (shutdown_tick_runs() < before + 2 && now_ms() < end)
		usleep(100 * 1000);
	ck_assert_msg(shutdown_tick_runs() >= before + 2, "the world ticker "
	    "never ran");
	lock = shutdown_lock_char(sname);
	snprintf(line, sizeof line, "give 1 coin to %s", sname);
	client_send(&c, line);
	ck_assert_msg(shutdown_waiters(1, 5000), "the gift never waited on "
	    "the lock");
	before = shutdown_tick_runs();
	kill(k.pid, SIGTERM);
	usleep(3000 * 1000);
	after = shutdown_tick_runs();
	shutdown_unlock(lock);
	ck_assert_msg(client_expect(&c, GOODBYE, 10000, got, sizeof got),
	    "no goodbye (got \"%s\")", printable(got));
	client_close(&c);
	client_close(&sink);
	(void)shutdown_within(&k, TIMEOUT_S * 1000, "ticks stopped");
	fprintf(stderr, "shutdown: the messages task ran %lld times in the "
	    "3 s after SIGTERM\n", after - before);
	ck_assert_msg(after - before <= 1, "the world ticker ran the messages "
	    "task %lld times after SIGTERM", after - before);
}
END_TEST

/* Players mid-command on a keepd whose database just went away. */
static void
shutdown_busy_players(struct keepd *k, struct client *c, int n)
{
	char	name[17];

	for (int i = 0; i < n; i++)
		client_player(&c[i], k->port, name, "Busy", "patient one");
	for (int i = 0; i < n; i++)
		client_quiet(&c[i], 20);
}

/* Send every player a command and close them all. */
static void
shutdown_poke_and_close(struct client *c, int n, bool poke)
{
	for (int i = 0; i < n; i++) {
		if (poke)
			client_send(&c[i], "score");
		else
			client_close(&c[i]);
	}
}

/* SIGTERM with the database stopped: keepd still ends in time. */
START_TEST(test_sigterm_database_down)
{
	struct keepd	k;
	struct client	c[4];
	int		status;

	keepd_start(&k, NULL);
	shutdown_busy_players(&k, c, 4);
	pg_stop("fast");
	shutdown_poke_and_close(c, 4, true);
	usleep(500 * 1000);
	status = shutdown_within(&k, TIMEOUT_S * 1000, "database down");
	shutdown_poke_and_close(c, 4, false);
	/* A stop without a database to deregister from is still a clean
	 * stop: the instance row is reaped later. */
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "exit status %d with the database down", status);
	(void)pg_start();
}
END_TEST

/* SIGTERM after PostgreSQL crashed under load and came back. */
START_TEST(test_sigterm_after_crash_under_load)
{
	struct keepd	k;
	struct load	l;

	keepd_start(&k, NULL);
	load_open(&l, k.port, 6, "t", false);
	load_go(&l);
	usleep(800 * 1000);
	pg_stop("immediate");
	usleep(1500 * 1000);
	(void)pg_start();
	usleep(1000 * 1000);
	(void)shutdown_within(&k, TIMEOUT_S * 1000, "after a crash");
	load_halt(&l, true);
	load_close(&l);
}
END_TEST

/* SIGTERM while the network to the database is silent: keepd ends within
 * the configured shutdown_timeout (5 s here), saying why. */
START_TEST(test_sigterm_network_silent)
{
	struct fault_proxy	*px;
	struct keepd		 k;
	struct client		 c[4];
	char			 sock[256], url[256];
	int			 status;

	pg_socket_path(sock, sizeof sock);
	px = fault_proxy_start(sock);
	pg_tcp_url(url, sizeof url, fault_proxy_port(px));
	keepd_start_url(&k, SHORT_CONFIG, url);
	shutdown_busy_players(&k, c, 4);
	fault_proxy_set(px, FAULT_SILENT);
	shutdown_poke_and_close(c, 4, true);
	usleep(500 * 1000);
	status = shutdown_within(&k, SHORT_S * 1000, "network silent");
	/* The drain ended on time without the database: a clean stop. */
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "exit status %d with the network silent", status);
	shutdown_poke_and_close(c, 4, false);
	fault_proxy_stop(px);
}
END_TEST

/* The shutdown suite. */
Suite *
shutdown_suite(void)
{
	Suite	*s = suite_create("shutdown");
	TCase	*tc = tcase_create("shutdown");

	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, pg_ensure_up, NULL);
	tcase_add_test(tc, test_sigterm_replies_before_goodbye);
	tcase_add_test(tc, test_sigterm_stops_ticks);
	tcase_add_test(tc, test_sigterm_database_down);
	tcase_add_test(tc, test_sigterm_after_crash_under_load);
	tcase_add_test(tc, test_sigterm_network_silent);
	suite_add_tcase(s, tc);
	return s;
}
