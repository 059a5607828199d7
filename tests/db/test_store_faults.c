/*
 * test_store_faults.c — the transaction runner against a database that
 * fails under it: a backend terminated between transactions, a COMMIT
 * whose connection breaks (the test-only fault hook), a database that
 * cannot be reached.  Part of the tx_faults suite.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/store_int.h"
#include "db_test.h"
#include "keep_test.h"

/* One coin from one character to another, as give does it. */
struct move {
	int64_t	 from, to;
	int	 runs;		/* how often the function ran */
};

/* Transaction: move one coin. */
static enum tx_rc
move_tx(struct store *s, void *arg)
{
	struct move	*m = arg;
	int64_t		 left;

	m->runs++;
	switch (store_char_transfer_coins(s, m->from, m->to, 1, &left)) {
	case STORE_OK:
		return TX_COMMIT;
	case STORE_NONE:
		return TX_ROLLBACK;
	case STORE_ERR:
		break;
	}
	return TX_ERROR;
}

/* Read-only transaction: load a character. */
static enum tx_rc
load_tx(struct store *s, void *arg)
{
	struct store_char	ch;

	return store_char_load(s, *(int64_t *)arg, &ch) == STORE_OK ?
	    TX_COMMIT : TX_ERROR;
}

/* Read-only transaction: SELECT 1 (needs no table). */
static enum tx_rc
one_tx(struct store *s, void *arg)
{
	char	v[8];

	(void)arg;
	return store_exec_value(s, "SELECT 1", v, sizeof v) ? TX_COMMIT :
	    TX_ERROR;
}

/* CPU time this process has used, in ms. */
static long long
cpu_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Terminate the store's backend from another connection; wait till gone. */
static void
terminate_backend(struct store *s)
{
	char		pid[16];
	long long	deadline = now_ms() + 5000;

	ck_assert(store_exec_value(s, "SELECT pg_backend_pid()", pid,
	    sizeof pid));
	sqlf("SELECT pg_terminate_backend(%s)", pid);
	while (sqlv("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
	    pid) > 0)
		ck_assert_msg(now_ms() < deadline, "backend %s lives on", pid);
}

/*
 * A write transaction on a connection whose backend was terminated runs
 * once, on a new connection, and commits: no error, no spin, and the coin
 * moves exactly once.
 */
START_TEST(test_tx_backend_terminated)
{
	struct world		w;
	struct store_char	a, b;
	struct move		m;
	long long		t0, c0;
	enum tx_result		r;

	world_open(&w);
	new_char(&w, "Tka", 0, &a);
	new_char(&w, "Tkb", 0, &b);
	m = (struct move){ .from = a.id, .to = b.id };
	for (int i = 0; i < 3; i++) {
		terminate_backend(w.s);
		t0 = now_ms();
		c0 = cpu_ms();
		r = store_tx(w.s, false, 3, move_tx, &m);
		ck_assert_msg(r == TXR_COMMITTED, "round %d: result %d (%s)",
		    i, r, store_error(w.s));
		ck_assert_msg(now_ms() - t0 < 3000, "took %lld ms",
		    now_ms() - t0);
		ck_assert_msg(cpu_ms() - c0 < 500, "burned %lld ms of CPU",
		    cpu_ms() - c0);
	}
	ck_assert_int_eq(coins_of(a.id), a.coins - 3);
	ck_assert_int_eq(coins_of(b.id), b.coins + 3);
	/* A read-only transaction recovers the same way. */
	terminate_backend(w.s);
	ck_assert_int_eq(store_tx(w.s, true, 3, load_tx, &a.id),
	    TXR_COMMITTED);
	world_close(&w);
}
END_TEST

/*
 * Every COMMIT broken by the fault hook (probability 1): half before it is
 * sent, half after.  Each is resolved by asking the database, never run
 * twice: the coins moved equal the transactions reported committed, and
 * both outcomes occur.
 */
START_TEST(test_tx_commit_dropped)
{
	struct world		 w;
	struct store_char	 a, b;
	struct store_gate	*g;
	struct move		 m;
	int			 committed = 0, aborted = 0;

	world_open(&w);
	new_char(&w, "Cda", 0, &a);
	new_char(&w, "Cdb", 0, &b);
	setenv("KEEP_FAULT_COMMIT_DROP", "1", 1);
	g = store_gate_new(5000);
	unsetenv("KEEP_FAULT_COMMIT_DROP");
	store_set_gate(w.s, g);
	for (int i = 0; i < 40; i++) {
		enum tx_result	r;

		m = (struct move){ .from = a.id, .to = b.id };
		r = store_tx(w.s, false, 3, move_tx, &m);
		ck_assert_msg(r == TXR_COMMITTED || r == TXR_ABORTED,
		    "result %d (%s)", r, store_error(w.s));
		ck_assert_int_eq(m.runs, 1);
		if (r == TXR_COMMITTED)
			committed++;
		else
			aborted++;
		ck_assert_int_eq(coins_of(b.id), b.coins + committed);
	}
	ck_assert_int_eq(coins_of(a.id), a.coins - committed);
	ck_assert_msg(committed > 0 && aborted > 0, "committed %d, aborted %d",
	    committed, aborted);
	/* Read-only transactions are not in doubt: what they read stands. */
	ck_assert_int_eq(store_tx(w.s, true, 3, load_tx, &a.id),
	    TXR_COMMITTED);
	store_set_gate(w.s, NULL);
	world_close(&w);
	store_gate_free(g);
}
END_TEST

/* A move whose connection goes silent before COMMIT (see orphan_tx). */
struct orphan {
	struct move	 m;
	int		 server_end;	/* keeps the server's socket open */
};

/*
 * Move a coin, then orphan the backend as a silent network would: the
 * server's end of the connection stays open (a dup of the socket, so no
 * FIN is ever sent) while libpq's descriptor becomes /dev/null, so COMMIT
 * cannot be sent and the answer never comes.  The backend sits idle in
 * the transaction, which pg_xact_status calls "in progress".
 */
static enum tx_rc
orphan_tx(struct store *s, void *arg)
{
	struct orphan	*o = arg;
	enum tx_rc	 rc = move_tx(s, &o->m);
	int		 fd = PQsocket(store_conn(s)), nul;

	if (rc != TX_COMMIT || o->server_end >= 0)
		return rc;
	o->server_end = dup(fd);
	nul = open("/dev/null", O_RDONLY);
	ck_assert(o->server_end >= 0 && nul >= 0 && dup2(nul, fd) == fd);
	close(nul);
	return rc;
}

/*
 * A COMMIT lost behind a silent network leaves its backend holding the
 * transaction open: "in progress" for as long as the server's keepalive
 * takes.  The runner ends that orphan (matched by pid and xid) and reports
 * the truth, aborted, within a second instead of waiting out its bound.
 */
START_TEST(test_tx_orphan_ended)
{
	struct world		w;
	struct store_char	a, b;
	struct orphan		o;
	long long		t0;
	enum tx_result		r;

	world_open(&w);
	new_char(&w, "Ora", 0, &a);
	new_char(&w, "Orb", 0, &b);
	o = (struct orphan){ .m = { .from = a.id, .to = b.id },
	    .server_end = -1 };
	t0 = now_ms();
	r = store_tx(w.s, false, 3, orphan_tx, &o);
	ck_assert_msg(r == TXR_ABORTED, "result %d (%s)", r, store_error(w.s));
	ck_assert_msg(now_ms() - t0 < 3000, "took %lld ms", now_ms() - t0);
	ck_assert_int_eq(o.m.runs, 1);
	ck_assert_int_eq(coins_of(a.id), a.coins);
	ck_assert_int_eq(coins_of(b.id), b.coins);
	close(o.server_end);
	world_close(&w);
}
END_TEST

/* A URL for database db on the test cluster. */
static void
db_url(char *out, size_t outsz, const char *db)
{
	const char	*url = test_db_url(), *q = strchr(url, '?');

	ck_assert(q != NULL);
	snprintf(out, outsz, "postgresql:///%s%s", db, q);
}

/*
 * A database that cannot be reached: store_tx answers TXR_UNAVAILABLE at
 * once, tries to connect no more often than the gate's probe interval,
 * and succeeds within a second of the database accepting connections.
 */
START_TEST(test_tx_unreachable)
{
	struct store		*s;
	struct store_gate	*g = store_gate_new(1000);
	char			 db[32], url[512], err[256];
	long long		 t0, back;

	snprintf(db, sizeof db, "keep_gone_%d", (int)getpid());
	sqlf("CREATE DATABASE %s", db);
	db_url(url, sizeof url, db);
	s = store_open(url, "keep-tests", 5000, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	store_set_gate(s, g);
	ck_assert_int_eq(store_tx(s, true, 3, one_tx, NULL), TXR_COMMITTED);
	sqlf("ALTER DATABASE %s ALLOW_CONNECTIONS false", db);
	sqlf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	    " WHERE datname = '%s'", db);
	usleep(100 * 1000);
	t0 = now_ms();
	ck_assert_int_eq(store_tx(s, true, 3, one_tx, NULL), TXR_UNAVAILABLE);
	ck_assert(store_unavailable(s));
	/*
	 * Between probes nothing is tried: 300 answers cost a few probes,
	 * not 300 connection attempts (a backend start each, 3 ms or more).
	 */
	for (int i = 0; i < 300; i++)
		ck_assert_int_eq(store_tx(s, true, 3, one_tx, NULL),
		    TXR_UNAVAILABLE);
	ck_assert_msg(now_ms() - t0 < 500, "301 answers took %lld ms",
	    now_ms() - t0);
	/* Commands every 10 ms for a while: still answered. */
	while (now_ms() - t0 < 1500) {
		ck_assert_int_eq(store_tx(s, true, 3, one_tx, NULL),
		    TXR_UNAVAILABLE);
		usleep(10 * 1000);
	}
	sqlf("ALTER DATABASE %s ALLOW_CONNECTIONS true", db);
	back = now_ms();
	while (store_tx(s, true, 3, one_tx, NULL) != TXR_COMMITTED) {
		ck_assert_msg(now_ms() - back < 1000, "not back after 1 s");
		usleep(10 * 1000);
	}
	store_close(s);
	store_gate_free(g);
	sqlf("DROP DATABASE %s WITH (FORCE)", db);
}
END_TEST

/* The database-tier cases of the tx_faults suite. */
TCase *
tx_faults_db_tcase(void)
{
	TCase	*tc = tcase_create("store");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tx_backend_terminated);
	tcase_add_test(tc, test_tx_commit_dropped);
	tcase_add_test(tc, test_tx_unreachable);
	tcase_add_test(tc, test_tx_orphan_ended);
	return tc;
}
