/*
 * store_tx.c — the transaction runner: BEGIN (pipelined with the first
 * statement), the caller's function, COMMIT; retries after serialization
 * failures, deadlocks and connections lost before COMMIT was sent; and the
 * chase of a COMMIT whose answer was lost, which is never sent twice: the
 * database is asked whether the transaction committed.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/socket.h>

#include <sodium.h>

#include "db/listen.h"
#include "db/store_int.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/util.h"

/* What the test-only fault hook does to one COMMIT. */
enum store_fault {
	FAULT_NONE,
	FAULT_BEFORE,		/* break the connection, then send COMMIT */
	FAULT_AFTER		/* send COMMIT, flush, break the connection */
};

/* A transaction's status as pg_xact_status tells it. */
enum store_xact {
	XACT_COMMITTED,
	XACT_ABORTED,		/* or too old to know: NULL */
	XACT_IN_PROGRESS,
	XACT_LOST,		/* not handed out (again) since a crash */
	XACT_UNKNOWN		/* the question failed */
};

/* An in-doubt transaction is asked about this often, at most. */
#define STORE_ASK_MS		50
/* Asked "in progress" this many times, its orphaned backend is ended. */
#define STORE_ASKS_BEFORE_END	3

/*
 * An xid not below a new one (this question takes one: rare, and the only
 * way to read the next xid; a snapshot's xmax is the next *completed* one)
 * was lost with its WAL in a crash, and asking pg_xact_status about it
 * would be an error.  The incarnation says whether a crash or restart came
 * in between.
 */
static struct store_stmt st_xact_status = {
	"xact_status",
	"SELECT CASE WHEN $1::xid8 >= pg_current_xact_id()"
	" THEN 'lost' ELSE pg_xact_status($1::xid8) END, "
	STORE_INCARNATION_SQL, 1, 0
};

/*
 * The backend that held the in-doubt transaction, if it still runs it: a
 * backend whose client vanished without a FIN (a silent network) would
 * keep it "in progress" until its TCP keepalive gives up.  Matching the
 * xid too means a recycled pid is never hit.
 */
static struct store_stmt st_xact_end = {
	"xact_end",
	"SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	" WHERE pid = $1 AND backend_xid = xid($2::xid8)", 2, 0
};

static atomic_ulong	store_retries;
static atomic_ulong	store_tx_counts[TXR_COUNT];	/* by enum tx_result */

/* Sleep for ms milliseconds. */
static void
store_sleep_ms(long ms)
{
	struct timespec	ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* Whether the fault hook breaks this COMMIT, and how (enum store_fault). */
int
store_fault_pick(const struct store *s)
{
	double	p = store_gate_fault(s);

	if (p <= 0 || !s->want_xid ||
	    (double)randombytes_uniform(1000000) / 1000000 >= p)
		return FAULT_NONE;
	return randombytes_uniform(2) == 0 ? FAULT_BEFORE : FAULT_AFTER;
}

/* Break the connection under libpq's feet, as a network fault would. */
void
store_fault_break(struct store *s)
{
	int	fd = PQsocket(s->conn);

	if (fd >= 0)
		(void)shutdown(fd, SHUT_RDWR);
}

/*
 * How a COMMIT's first result reads.  An error with an SQLSTATE of its own
 * on a live connection (a deferred constraint, a serialization failure) is
 * a definite "no"; a lost connection's error (or 57P01 from a terminated
 * backend, which may come just after the commit) is no answer at all.
 */
enum store_commit
store_commit_verdict(struct store *s, PGresult *res)
{
	if (res == NULL) {
		store_set_result_error(s, NULL);
		return COMMIT_IN_DOUBT;
	}
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		if (strcmp(PQcmdStatus(res), "COMMIT") == 0)
			return COMMIT_DONE;
		store_set_error(s, "25P02", "COMMIT rolled back: a statement in"
		    " the transaction had failed");
		return COMMIT_REFUSED;
	}
	store_set_result_error(s, res);
	if (PQresultErrorField(res, PG_DIAG_SQLSTATE) != NULL && !store_lost(s))
		return COMMIT_REFUSED;
	return COMMIT_IN_DOUBT;
}

/*
 * COMMIT, and make sure it committed: a transaction in which a statement
 * failed answers COMMIT with "ROLLBACK" and no error, and acknowledging that
 * as a success would break the first rule.  Sent and read by hand, not with
 * PQexec, to know whether it was sent at all; the read is bounded (one
 * result and its NULL), whatever the connection does.
 */
static enum store_commit
store_commit(struct store *s)
{
	enum store_fault	 fault = (enum store_fault)store_fault_pick(s);
	enum store_commit	 rc;
	PGresult		*res, *first = NULL;
	int			 n = 0;

	if (PQstatus(s->conn) != CONNECTION_OK) {
		store_set_result_error(s, NULL);
		return COMMIT_UNSENT;
	}
	store_count_round_trip();
	if (fault == FAULT_BEFORE)
		store_fault_break(s);
	if (!PQsendQuery(s->conn, "COMMIT")) {
		store_set_result_error(s, NULL);
		store_drop(s);
		return COMMIT_IN_DOUBT;
	}
	if (fault == FAULT_AFTER) {
		(void)PQflush(s->conn);
		store_fault_break(s);
	}
	while (n++ < 3 && (res = store_get_result(s)) != NULL) {
		if (first == NULL)
			first = res;
		else
			PQclear(res);
	}
	rc = store_commit_verdict(s, first);
	PQclear(first);
	if (n > 3 || rc == COMMIT_IN_DOUBT)
		store_drop(s);
	return rc;
}

/*
 * Ask the database what became of transaction xid; *reborn tells whether
 * the server restarted or crashed since the xid was taken (incarnation).
 */
static enum store_xact
store_xact_ask(struct store *s, const char *xid, const char *incarnation,
    bool *reborn)
{
	const char	*p[] = { xid };
	PGresult	*res = store_exec(s, &st_xact_status, p);
	enum store_xact	 x = XACT_ABORTED;
	const char	*v;

	if (res == NULL)
		return XACT_UNKNOWN;
	*reborn = strcmp(PQgetvalue(res, 0, 1), incarnation) != 0;
	if (!PQgetisnull(res, 0, 0)) {
		v = PQgetvalue(res, 0, 0);
		if (strcmp(v, "committed") == 0)
			x = XACT_COMMITTED;
		else if (strcmp(v, "in progress") == 0)
			x = XACT_IN_PROGRESS;
		else if (strcmp(v, "lost") == 0)
			x = XACT_LOST;
	}
	PQclear(res);
	return x;
}

/* End the orphaned backend still running transaction xid, if any. */
static void
store_xact_end(struct store *s, int pid, const char *xid)
{
	const char	*p[] = { STORE_NUM(pid), xid };
	PGresult	*res;

	if ((res = store_exec(s, &st_xact_end, p)) == NULL)
		return;
	if (PQntuples(res) > 0)
		log_info("store: in-doubt COMMIT of transaction %s: ended its "
		    "orphaned backend %d", xid, pid);
	PQclear(res);
}

/* Log how an in-doubt COMMIT was resolved (tests count these lines). */
static enum tx_result
store_resolved(const char *xid, enum tx_result r, uint64_t start)
{
	log_info("store: in-doubt COMMIT of transaction %s resolved: %s "
	    "(%.2f s)", xid, r == TXR_COMMITTED ? "committed" :
	    r == TXR_ABORTED ? "aborted" : "unknown (no answer, or the "
	    "server crashed meanwhile)", (double)(util_now_us() - start) / 1e6);
	return r;
}

/*
 * The answer to COMMIT was lost.  A read-only transaction changed nothing
 * either way: what it read stands.  A write transaction's fate is asked of
 * the database by its xid (taken in its first pipeline), reconnecting as
 * the gate allows, until the wait for in-doubt COMMITs runs out; it is
 * never run again.
 *
 * After a crash of the server itself (its incarnation changed), xids that
 * never reached WAL are handed out again, so "committed" may be another
 * transaction's: only "aborted" and "lost" are certain then (a commit that
 * survived the crash is in WAL, so its xid cannot have been reused).
 */
static enum tx_result
store_resolve(struct store *s, bool read_only)
{
	char		 xid[STORE_XID_MAX], inc[STORE_INCARNATION_MAX];
	int		 pid = s->xid_pid, asks = 0;
	uint64_t	 start = util_now_us(), deadline;
	enum store_xact	 x;
	bool		 reborn = false;

	store_drop(s);
	if (read_only)
		return TXR_COMMITTED;
	util_strlcpy(xid, s->xid, sizeof xid);
	util_strlcpy(inc, s->incarnation, sizeof inc);
	if (xid[0] == '\0')
		return store_resolved("(none)", TXR_IN_DOUBT, start);
	deadline = start + (uint64_t)store_gate_in_doubt_ms(s) * 1000;
	while (util_now_us() < deadline && !store_gate_stopping(s)) {
		long	left = (long)((deadline - util_now_us()) / 1000);

		if (PQstatus(s->conn) != CONNECTION_OK && !store_reconnect(s)) {
			int	wait = store_gate_wait_ms(s);

			store_sleep_ms(wait < STORE_ASK_MS ? STORE_ASK_MS :
			    wait < left ? wait : left);
			continue;
		}
		x = store_xact_ask(s, xid, inc, &reborn);
		if (x == XACT_ABORTED || x == XACT_LOST)
			return store_resolved(xid, TXR_ABORTED, start);
		if (x == XACT_COMMITTED)
			return store_resolved(xid, reborn ? TXR_IN_DOUBT :
			    TXR_COMMITTED, start);
		if (x == XACT_IN_PROGRESS && !reborn &&
		    ++asks == STORE_ASKS_BEFORE_END)
			store_xact_end(s, pid, xid);
		store_sleep_ms(STORE_ASK_MS < left ? STORE_ASK_MS : left);
	}
	return store_resolved(xid, TXR_IN_DOUBT, start);
}

/* Whether the last error is worth running the transaction again for. */
static bool
store_retryable(const struct store *s)
{
	return strcmp(s->sqlstate, "40001") == 0 ||
	    strcmp(s->sqlstate, "40P01") == 0;
}

/* Leave a failed transaction; drop the connection if it broke. */
static void
store_abort(struct store *s)
{
	char	state[6], msg[sizeof s->error];

	s->begin = NULL;
	/* Keep the error that made us abort, not ROLLBACK's. */
	memcpy(state, s->sqlstate, sizeof state);
	memcpy(msg, s->error, sizeof msg);
	if (PQstatus(s->conn) != CONNECTION_OK ||
	    !store_exec_simple(s, "ROLLBACK"))
		store_drop(s);
	memcpy(s->sqlstate, state, sizeof state);
	memcpy(s->error, msg, sizeof msg);
}

/* Sleep a little before a retry, longer each time, with jitter. */
static void
store_backoff(int attempt)
{
	struct timespec	ts;
	long		us = (1000L << (attempt < 6 ? attempt : 6)) +
			    (long)randombytes_uniform(1000);

	ts.tv_sec = 0;
	ts.tv_nsec = us * 1000;
	nanosleep(&ts, NULL);
}

/* Count how a transaction ended, for dbstats. */
static enum tx_result
store_tx_count(const struct store *s, enum tx_result r)
{
	atomic_fetch_add(&store_tx_counts[r], 1);
	if (r == TXR_COMMITTED && s->notified > 0) {
		metrics_notify_sent(s->notified);
		listen_bell();
	}
	if (r == TXR_UNAVAILABLE)
		store_gate_answered(s);
	return r;
}

/* Whether a guess that writes went out and was never asked for. */
static bool
store_spec_unused(const struct store *s)
{
	for (int i = 0; i < s->nq; i++) {
		if (s->q[i].kind == Q_SPEC && s->q[i].sent && !s->q[i].taken &&
		    s->q[i].writes)
			return true;
	}
	return false;
}

/* Whether the queue holds statements not sent yet. */
static bool
store_q_unsent(const struct store *s)
{
	return s->nq > 0 && !s->q[s->nq - 1].sent;
}

/*
 * Send COMMIT: with the statements still queued in one pipeline, or on its
 * own.  A write whose BEGIN has not gone out sends it (and takes its xid)
 * first, so the in-doubt chase always knows the xid of a COMMIT whose
 * answer may be lost.
 */
static enum store_commit
store_commit_queued(struct store *s, bool read_only)
{
	if (!store_q_unsent(s))
		return store_commit(s);
	if (s->begin != NULL && !read_only && !store_q_flush(s))
		return COMMIT_UNSENT;
	s->commit_next = true;
	if (!store_q_flush(s) && s->commit_sent == COMMIT_NONE)
		return COMMIT_UNSENT;
	return s->commit_sent;
}

/*
 * How a try ends once fn returned rc: the COMMIT that rode in a pipeline
 * (commit_sent) decides a write whatever fn said, since it may have
 * committed; otherwise COMMIT or ROLLBACK as fn asked.
 */
static enum tx_result
store_tx_end(struct store *s, bool read_only, enum tx_rc rc, bool *lost)
{
	enum store_commit	v = s->commit_sent;

	if (v == COMMIT_NONE && rc == TX_COMMIT && store_spec_unused(s))
		s->spec_miss = true;
	else if (v == COMMIT_NONE && rc == TX_COMMIT)
		v = store_commit_queued(s, read_only);
	else if (v == COMMIT_NONE && rc == TX_ROLLBACK) {
		/* What fn read to refuse was read: the refusal stands. */
		if (!store_exec_simple(s, "ROLLBACK"))
			store_abort(s);
		return TXR_ROLLED_BACK;
	}
	if (v == COMMIT_DONE && !read_only) {
		if (rc != TX_COMMIT)
			log_error("store: a statement ran after its "
			    "transaction's COMMIT was sent: %s", s->error);
		return TXR_COMMITTED;
	}
	if (v == COMMIT_IN_DOUBT && (!read_only || rc == TX_COMMIT))
		return store_resolve(s, read_only);
	if (v == COMMIT_DONE && !s->spec_miss && rc != TX_ERROR)
		return rc == TX_COMMIT ? TXR_COMMITTED : TXR_ROLLED_BACK;
	*lost = store_lost(s) || v == COMMIT_IN_DOUBT;
	store_abort(s);
	return TXR_FAILED;
}

/*
 * Run fn once in a transaction.  *lost tells whether it failed because the
 * connection was lost before COMMIT went out (so running it again is safe);
 * returns TXR_FAILED for "maybe retry".
 */
static enum tx_result
store_tx_once(struct store *s, bool read_only, store_tx_fn fn, void *arg,
    bool *lost)
{
	enum tx_rc	rc;
	enum tx_result	r;

	*lost = false;
	s->error[0] = '\0';
	s->sqlstate[0] = '\0';
	/*
	 * BEGIN goes out with the first statement (store_exec).  Reads see
	 * one snapshot: REPEATABLE READ costs nothing read-only.
	 */
	s->begin = read_only ?
	    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
	s->want_xid = !read_only;
	s->xid[0] = '\0';
	s->spec_miss = false;
	store_q_reset(s);
	s->in_tx = true;
	rc = fn(s, arg);
	s->in_tx = false;
	if (s->begin != NULL && (!store_q_unsent(s) || rc != TX_COMMIT)) {
		/* No statement ran: there is nothing to end. */
		s->begin = NULL;
		store_q_reset(s);
		if (rc == TX_COMMIT)
			return TXR_COMMITTED;
		if (rc == TX_ROLLBACK)
			return TXR_ROLLED_BACK;
		*lost = store_lost(s);
		return TXR_FAILED;
	}
	r = store_tx_end(s, read_only, rc, lost);
	store_q_reset(s);
	return r;
}

/*
 * Run fn in a transaction, retrying on serialization failure, deadlock and
 * a connection lost before COMMIT was sent (reconnecting at once: a
 * terminated backend or a restarted server costs the player nothing).
 */
enum tx_result
store_tx(struct store *s, bool read_only, int retries, store_tx_fn fn,
    void *arg)
{
	enum tx_result	r;
	bool		lost;

	s->spec_off = false;
	for (int attempt = 0;; attempt++) {
		if (PQstatus(s->conn) != CONNECTION_OK && !store_reconnect(s))
			return store_tx_count(s, TXR_UNAVAILABLE);
		s->notified = 0;
		r = store_tx_once(s, read_only, fn, arg, &lost);
		/* A wrong guess costs a try without guesses, not a retry. */
		if (r == TXR_FAILED && s->spec_miss && !s->spec_off && !lost) {
			s->spec_off = true;
			attempt--;
			continue;
		}
		if (r != TXR_FAILED)
			return store_tx_count(s, r);
		if (attempt >= retries)
			return store_tx_count(s, lost ? TXR_UNAVAILABLE :
			    TXR_FAILED);
		if (lost) {
			if (!store_reconnect(s))
				return store_tx_count(s, TXR_UNAVAILABLE);
		} else if (!store_retryable(s))
			return store_tx_count(s, TXR_FAILED);
		atomic_fetch_add(&store_retries, 1);
		log_debug("store: retrying transaction (%s: %s)", s->sqlstate,
		    s->error);
		if (!lost)
			store_backoff(attempt);
	}
}

/* COMMIT rides with the guesses of a read-only transaction. */
void
store_spec_commit(struct store *s)
{
	if (s->in_tx && s->begin != NULL && !s->want_xid && !s->spec_off &&
	    s->nq > 0)
		s->commit_next = true;
}

/* COMMIT rides with the next statement (after the first pipeline). */
void
store_commit_with_next(struct store *s)
{
	if (s->in_tx && s->begin == NULL && s->commit_sent == COMMIT_NONE &&
	    !store_spec_unused(s))
		s->commit_next = true;
}

/* Round trips to the database so far, and transactions by outcome. */
void
store_totals(uint64_t *round_trips, uint64_t *committed, uint64_t *rolled_back,
    uint64_t *failed)
{
	*round_trips = store_round_trips_total();
	*committed = atomic_load(&store_tx_counts[TXR_COMMITTED]);
	*rolled_back = atomic_load(&store_tx_counts[TXR_ROLLED_BACK]);
	*failed = atomic_load(&store_tx_counts[TXR_FAILED]);
}

/* Transactions that ended by a database fault, by how (for dbstats). */
void
store_fault_totals(uint64_t *unavailable, uint64_t *aborted,
    uint64_t *in_doubt)
{
	*unavailable = atomic_load(&store_tx_counts[TXR_UNAVAILABLE]);
	*aborted = atomic_load(&store_tx_counts[TXR_ABORTED]);
	*in_doubt = atomic_load(&store_tx_counts[TXR_IN_DOUBT]);
}

/* How many retries store_tx has made in all. */
uint64_t
store_tx_retries(void)
{
	return atomic_load(&store_retries);
}
