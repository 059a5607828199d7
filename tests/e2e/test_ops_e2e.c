/*
 * test_ops_e2e.c — the cluster-wide shutdown with real keepd (suite "ops"):
 * two keepd on one database, a player on each; a cancelled shutdown
 * changes nothing; a scheduled one counts down on both, and both drain
 * (every session gets the goodbye and is logged out) and exit 0; a keepd
 * started after the time does not shut down again; in the last minute
 * players cannot log in; an owner's `shutdown
 * now` stops it at once.  And the slow-command log (slow_command_ms).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include <libpq-fe.h>

#include "keep_test.h"

#define OPS_PASSWORD	"correct horse"
#define OPS_WAIT_MS	15000

/* Wait up to ms for keepd to exit by itself; its status, or fail. */
static int
ops_wait_exit(struct keepd *k, int ms)
{
	long long	end = now_ms() + ms;
	int		status = 0;

	while (now_ms() < end) {
		if (waitpid(k->pid, &status, WNOHANG) == k->pid) {
			k->pid = 0;
			return status;
		}
		usleep(50 * 1000);
	}
	ck_abort_msg("keepd %d still running %d ms later", (int)k->pid, ms);
	return -1;
}

/* Wait for each countdown line in order on c, then the goodbye and EOF. */
static void
ops_countdown(struct client *c, const char *first)
{
	static const char	*lines[] = { "in 10 seconds. ***",
				    "in 5 seconds. ***", "in 4 seconds. ***",
				    "in 3 seconds. ***", "in 2 seconds. ***",
				    "in 1 second. ***" };

	client_want(c, first, OPS_WAIT_MS, NULL, 0);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		client_want(c, fmt("*** The game shuts down %s\r\n", lines[i]),
		    OPS_WAIT_MS, NULL, 0);
	client_want(c, "*** The game is shutting down now. Your character is "
	    "saved. Goodbye. ***\r\n", OPS_WAIT_MS, NULL, 0);
	ck_assert_msg(client_wait_closed(c, OPS_WAIT_MS),
	    "the connection stayed open after the goodbye");
}

START_TEST(test_ops_shutdown_cluster)
{
	struct keepd	a, b;
	struct client	ca, cb, adm, late;
	char		na[17], nb[17], nadm[17], nlate[17], nnew[17];
	char		out[4096];
	int		status;
	PGconn		*lock;

	test_sql("DELETE FROM shutdown_schedule");
	keepd_start(&a, NULL);
	keepd_start(&b, NULL);
	client_player(&ca, a.port, na, "Oea", OPS_PASSWORD);
	client_player(&cb, b.port, nb, "Oeb", OPS_PASSWORD);
	client_player(&adm, b.port, nadm, "Oem", OPS_PASSWORD);
	sqlf("UPDATE characters SET role = 'admin' WHERE name = '%s'", nadm);
	client_player(&late, a.port, nlate, "Oel", OPS_PASSWORD);
	client_send_want(&late, "quit", "Goodbye.", OPS_WAIT_MS);
	client_close(&late);

	/* A player is answered Huh?; cancelled, nothing happens. */
	client_send_want(&ca, "shutdown 10 nope", "Huh?", OPS_WAIT_MS);
	client_send_want(&adm, "shutdown 10 testing",
	    fmt("(in 10s) by %s: testing.", nadm), OPS_WAIT_MS);
	client_want(&ca, fmt("*** The game shuts down in 10 seconds (%s: "
	    "testing). ***", nadm), OPS_WAIT_MS, NULL, 0);
	client_send_want(&adm, "shutdown now testing",
	    "Only an owner can shut down now.", OPS_WAIT_MS);
	client_send_want(&adm, "shutdown cancel", "Shutdown cancelled.",
	    OPS_WAIT_MS);
	client_want(&ca, fmt("*** Shutdown cancelled by %s. ***", nadm),
	    OPS_WAIT_MS, NULL, 0);
	client_want(&cb, fmt("*** Shutdown cancelled by %s. ***", nadm),
	    OPS_WAIT_MS, NULL, 0);
	sleep(11);
	ck_assert(client_cmd(&ca, "look", out, sizeof out));
	ck_assert(client_cmd(&cb, "look", out, sizeof out));
	ck_assert_msg(waitpid(a.pid, &status, WNOHANG) == 0 &&
	    waitpid(b.pid, &status, WNOHANG) == 0, "a keepd exited");

	/* Scheduled: both count down, drain and exit 0. */
	client_quiet(&ca, 200);
	client_quiet(&cb, 200);
	client_send_want(&adm, "shutdown 12 e2e test", "(in 12s) by",
	    OPS_WAIT_MS);
	/* In the last minute players can no longer come in, old or new. */
	client_connect(&late, a.port);
	client_want(&late, "Name: ", OPS_WAIT_MS, NULL, 0);
	client_send(&late, nlate);
	client_want(&late, "Password: ", OPS_WAIT_MS, NULL, 0);
	client_send(&late, OPS_PASSWORD);
	client_want(&late, "; please come back in a few minutes.\r\n",
	    OPS_WAIT_MS, NULL, 0);
	client_want(&late, "Name: ", OPS_WAIT_MS, NULL, 0);
	test_name(nnew, "Oen");
	client_send(&late, nnew);
	client_want(&late, "; please come back in a few minutes.\r\n",
	    OPS_WAIT_MS, NULL, 0);
	client_close(&late);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE name IN"
	    " ('%s', '%s') AND session_instance IS NOT NULL", nlate, nnew), 0);
	/*
	 * A command in flight at zero finishes and answers before the
	 * goodbye: the admin's set waits on a row lock until b is draining.
	 */
	client_want(&adm, "*** The game shuts down in 2 seconds. ***\r\n",
	    OPS_WAIT_MS, NULL, 0);
	lock = PQconnectdb(test_db_url());
	PQclear(PQexec(lock, "BEGIN"));
	PQclear(PQexec(lock, fmt("SELECT 1 FROM characters WHERE name = '%s'"
	    " FOR UPDATE", nb)));
	client_send(&adm, fmt("set %s coins 7", nb));
	for (int i = 0; i < 100 &&
	    keepd_log_lines(&b, "scheduled shutdown:") == 0; i++)
		usleep(50 * 1000);
	ck_assert_int_eq(keepd_log_lines(&b, "scheduled shutdown:"), 1);
	usleep(300 * 1000);
	PQclear(PQexec(lock, "COMMIT"));
	PQfinish(lock);
	client_want(&adm, fmt("%s coins: 100 -> 7.\r\n", nb), OPS_WAIT_MS,
	    NULL, 0);
	client_want(&adm, "*** The game is shutting down now. Your character is"
	    " saved. Goodbye. ***\r\n", OPS_WAIT_MS, NULL, 0);
	ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE name = '%s'",
	    nb), 7);
	ops_countdown(&ca, fmt("*** The game shuts down in 12 seconds (%s: "
	    "e2e test). ***\r\n", nadm));
	ops_countdown(&cb, fmt("*** The game shuts down in 12 seconds (%s: "
	    "e2e test). ***\r\n", nadm));
	ck_assert_int_eq(ops_wait_exit(&a, OPS_WAIT_MS), 0);
	ck_assert_int_eq(ops_wait_exit(&b, OPS_WAIT_MS), 0);
	ck_assert_int_eq(keepd_log_lines(&a, "scheduled shutdown"), 1);
	ck_assert_int_eq(keepd_log_lines(&b, "keepd stopped"), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE name IN"
	    " ('%s', '%s', '%s') AND session_instance IS NOT NULL", na, nb,
	    nadm), 0);
	/* Each countdown line was written once for the cluster. */
	ck_assert_int_eq(test_sql_value("SELECT count(*) FROM messages WHERE"
	    " text = '*** The game shuts down in 5 seconds. ***' AND"
	    " created_at > now() - interval '1 minute'"), 1);
	client_close(&ca);
	client_close(&cb);
	client_close(&adm);

	/* Restarted after the time: the past schedule does not fire. */
	keepd_start(&a, NULL);
	client_connect(&ca, a.port);
	client_login(&ca, na, OPS_PASSWORD);
	sleep(2);
	ck_assert(client_cmd(&ca, "look", out, sizeof out));
	ck_assert_msg(waitpid(a.pid, &status, WNOHANG) == 0,
	    "the restarted keepd shut down again");
	ck_assert_int_eq(keepd_log_lines(&a, "cleared a scheduled shutdown"),
	    1);
	ck_assert_int_eq(test_sql_value("SELECT count(*) FROM "
	    "shutdown_schedule"), 0);

	/* An owner's "now": the goodbye at once, and exit 0. */
	sqlf("UPDATE characters SET role = 'owner' WHERE name = '%s'", na);
	client_send(&ca, "shutdown now owner test");
	client_want(&ca, fmt("*** The game shuts down now (%s: owner test). "
	    "***\r\n", na), OPS_WAIT_MS, NULL, 0);
	client_want(&ca, "*** The game is shutting down now. Your character is "
	    "saved. Goodbye. ***\r\n", OPS_WAIT_MS, NULL, 0);
	ck_assert(client_wait_closed(&ca, OPS_WAIT_MS));
	ck_assert_int_eq(ops_wait_exit(&a, OPS_WAIT_MS), 0);
	client_close(&ca);
	test_sql("DELETE FROM shutdown_schedule");
}
END_TEST

/* The number after key on keepd's first log line holding line; -1 if none. */
static double
ops_log_number(const struct keepd *k, const char *line, const char *key)
{
	FILE	*f = fopen(k->log, "r");
	char	 buf[1024];
	double	 v = -1;

	ck_assert(f != NULL);
	while (v < 0 && fgets(buf, sizeof buf, f) != NULL) {
		const char	*p;

		if (strstr(buf, line) != NULL && (p = strstr(buf, key)) != NULL)
			v = strtod(p + strlen(key), NULL);
	}
	fclose(f);
	return v;
}

/*
 * slow_command_ms: a command held 400 ms on a row lock is logged with its
 * time and where it went (the transaction); a fast one is not.
 */
START_TEST(test_ops_slow_command_logged)
{
	struct keepd	 k;
	struct client	 c;
	char		 name[17], sql[160], out[4096];
	double		 tx;
	PGconn		*lock;
	PGresult	*res;

	keepd_start(&k, TEST_CONFIG(", \"slow_command_ms\": 200"));
	client_player(&c, k.port, name, "Slow", OPS_PASSWORD);
	ck_assert(client_cmd(&c, "look", out, sizeof out));
	ck_assert_int_eq(keepd_log_lines(&k, "slow command"), 0);

	lock = PQconnectdb(test_db_url());
	ck_assert(PQstatus(lock) == CONNECTION_OK);
	PQclear(PQexec(lock, "BEGIN"));
	snprintf(sql, sizeof sql, "SELECT 1 FROM characters WHERE name = '%s'"
	    " FOR UPDATE", name);
	res = PQexec(lock, sql);
	ck_assert(PQresultStatus(res) == PGRES_TUPLES_OK);
	PQclear(res);
	client_send(&c, "color on");
	usleep(400 * 1000);
	PQclear(PQexec(lock, "COMMIT"));
	PQfinish(lock);
	client_want(&c, "Colour is ", 5000, NULL, 0);
	client_quiet(&c, 100);
	ck_assert_int_eq(keepd_log_lines(&k, "slow command color: "), 1);
	tx = ops_log_number(&k, "slow command color: ", "transaction ");
	ck_assert_msg(tx >= 300 && tx < 5000, "transaction %.1f ms", tx);
	client_close(&c);
	ck_assert_int_eq(keepd_stop(&k, SIGTERM), 0);
}
END_TEST

/* The end-to-end cases of the ops suite. */
TCase *
ops_e2e_tcase(void)
{
	TCase	*tc = tcase_create("ops_e2e");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ops_shutdown_cluster);
	tcase_add_test(tc, test_ops_slow_command_logged);
	return tc;
}
