/*
 * store.c — the store's engine: connections, prepared statements, counters
 * and errors, and the parameter writers and column readers every
 * store_*.c uses.  The transaction runner is store_tx.c, the pool-wide gate
 * store_gate.c; the SQL itself lives in the themed store_*.c files.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>

#include "db/listen.h"
#include "db/store_int.h"
#include "ops/buf.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/util.h"

struct store_counter {
	const char	*name;
	atomic_ulong	 calls;
	atomic_ulong	 errors;
	atomic_ulong	 rows;
	atomic_ulong	 usec;
	bool		 notifies;	/* writes a message to players */
};

static struct store_counter	 store_counters[STORE_MAX_STMTS + 1];
static atomic_int		 store_nstmts;
static atomic_ulong		 store_round_trips;
static pthread_mutex_t		 store_id_lock = PTHREAD_MUTEX_INITIALIZER;

/* Count a round trip (for dbstats). */
void
store_count_round_trip(void)
{
	atomic_fetch_add(&store_round_trips, 1);
}

/* Round trips to the database so far. */
uint64_t
store_round_trips_total(void)
{
	return atomic_load(&store_round_trips);
}

/* Record an error that did not come from a PGresult. */
void
store_set_error(struct store *s, const char *sqlstate, const char *msg)
{
	util_strlcpy(s->sqlstate, sqlstate, sizeof s->sqlstate);
	util_strlcpy(s->error, msg, sizeof s->error);
	/* libpq messages end in a newline; log lines should not. */
	s->error[strcspn(s->error, "\n")] = '\0';
}

/* Record the error carried by a failed result (or the connection's). */
void
store_set_result_error(struct store *s, const PGresult *res)
{
	const char	*state = NULL, *msg = NULL;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = PQresultErrorMessage(res);
	}
	if (s->conn == NULL) {
		store_set_error(s, "08003", "not connected to the database");
		return;
	}
	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(s->conn);
	/* No SQLSTATE means the connection itself failed (class 08). */
	store_set_error(s, state != NULL ? state : "08006", msg);
}

/* Apply the per-connection settings every store connection needs. */
static bool
store_setup(struct store *s)
{
	char	sql[160];

	memset(s->prepared, 0, sizeof s->prepared);
	/* keep.audit = off: play fires no audit trigger body (0011_audit). */
	snprintf(sql, sizeof sql, "SET statement_timeout = %d; "
	    "SET synchronous_commit = on; SET lock_timeout = %d; "
	    "SET keep.audit = 'off'", s->timeout_ms, s->timeout_ms);
	return store_exec_simple(s, sql);
}

/* Route server notices (NOTICE, WARNING) into the log, not stderr. */
static void
store_notice_cb(void *arg, const char *msg)
{
	(void)arg;
	log_debug("database: %.*s", (int)strcspn(msg, "\n"), msg);
}

/*
 * Open a connection the way every keepd connection is opened: bounded
 * connect, TCP keepalives and a TCP user timeout, so that a database that
 * goes silent (packets dropped, no RST) breaks the connection in seconds
 * instead of hanging a thread.  The URL comes after these defaults, so a
 * setting in it wins.  Always returns a PGconn; check PQstatus.
 */
PGconn *
store_connect(const char *url, const char *app)
{
	const char	*keys[] = { "connect_timeout", "keepalives",
			    "keepalives_idle", "keepalives_interval",
			    "keepalives_count", "tcp_user_timeout", "dbname",
			    "application_name", NULL };
	const char	*vals[] = { "3", "1", "5", "2", "2", "5000", url, app,
			    NULL };
	PGconn		*conn = PQconnectdbParams(keys, vals, 1);

	PQsetNoticeProcessor(conn, store_notice_cb, NULL);
	return conn;
}

/* Connect; sets statement_timeout and synchronous_commit; NULL on failure. */
struct store *
store_open(const char *url, const char *app, int timeout_ms, char *err,
    size_t errsz)
{
	struct store	*s = xcalloc(1, sizeof *s);

	s->url = xstrdup(url);
	s->app = xstrdup(app);
	s->timeout_ms = timeout_ms;
	s->conn = store_connect(url, app);
	if (PQstatus(s->conn) != CONNECTION_OK || !store_setup(s)) {
		snprintf(err, errsz, "cannot connect to the database: %s",
		    PQerrorMessage(s->conn));
		err[strcspn(err, "\n")] = '\0';
		store_close(s);
		return NULL;
	}
	return s;
}

/* Close the connection and free the store. */
void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	PQfinish(s->conn);
	free(s->url);
	free(s->app);
	free(s);
}

/* The last database error's message. */
const char *
store_error(const struct store *s)
{
	return s->error;
}

/* The last database error's SQLSTATE. */
const char *
store_sqlstate(const struct store *s)
{
	return s->sqlstate;
}

/* Whether the connection is still usable. */
bool
store_connected(const struct store *s)
{
	return PQstatus(s->conn) == CONNECTION_OK;
}

/* Close a broken connection; the next transaction opens a new one. */
void
store_drop(struct store *s)
{
	if (s->conn == NULL)
		return;
	if (s->error[0] == '\0')
		store_set_result_error(s, NULL);
	PQfinish(s->conn);
	s->conn = NULL;
}

/* Let a healthy connection go too (the pool's spare, between outages). */
void
store_disconnect(struct store *s)
{
	PQfinish(s->conn);
	s->conn = NULL;
}

/*
 * Wait until libpq can hand out a result without blocking, at most the
 * statement timeout and STORE_NET_GRACE_MS more.  PostgreSQL ends a
 * statement itself at the timeout, so silence past it means the network
 * ate the answer: packets dropped where something in between still
 * acknowledges them, so TCP keepalives and tcp_user_timeout never fire.
 * Then the socket is shut down, so the libpq call that follows fails at
 * once as a lost connection instead of holding the worker forever.
 */
static bool
store_await(struct store *s)
{
	uint64_t	deadline = util_now_us() + (uint64_t)(s->timeout_ms +
			    STORE_NET_GRACE_MS) * 1000;
	struct pollfd	pfd = { .fd = PQsocket(s->conn), .events = POLLIN };
	int		rc;

	if (pfd.fd < 0)
		return false;
	while (PQisBusy(s->conn)) {
		uint64_t	now = util_now_us();

		if (now >= deadline) {
			store_set_error(s, "08006", "no answer from the "
			    "database within the statement timeout; the "
			    "connection is given up");
			log_debug("store: %s", s->error);
			shutdown(pfd.fd, SHUT_RDWR);
			return false;
		}
		rc = poll(&pfd, 1, (int)((deadline - now + 999) / 1000));
		if (rc < 0 && errno != EINTR)
			return false;
		if (rc > 0 && !PQconsumeInput(s->conn))
			return false;
	}
	return true;
}

/* PQgetResult, but never waiting past store_await's deadline. */
PGresult *
store_get_result(struct store *s)
{
	if (s->conn == NULL)
		return NULL;
	(void)store_await(s);
	return PQgetResult(s->conn);
}

/*
 * The outcome of a query sent with a PQsend* call (false if the send
 * failed), as PQexec would give it: the first error, or else the last
 * result.  Bounded: a broken connection gives an error and then NULL.
 */
static PGresult *
store_collect(struct store *s, bool sent)
{
	PGresult	*res, *keep = NULL;

	if (!sent)
		return NULL;
	for (int n = 0; n < 64 && (res = store_get_result(s)) != NULL; n++) {
		if (keep != NULL &&
		    PQresultStatus(keep) == PGRES_FATAL_ERROR) {
			PQclear(res);
			continue;
		}
		PQclear(keep);
		keep = res;
	}
	return keep;
}

/* PQexec with store_await's deadline. */
static PGresult *
store_query(struct store *s, const char *sql)
{
	return store_collect(s, PQsendQuery(s->conn, sql) == 1);
}

/* Whether the last error means the connection was lost. */
bool
store_lost(const struct store *s)
{
	return PQstatus(s->conn) != CONNECTION_OK ||
	    strncmp(s->sqlstate, "08", 2) == 0 ||
	    strcmp(s->sqlstate, "57P01") == 0 ||
	    strcmp(s->sqlstate, "57P02") == 0 ||
	    strcmp(s->sqlstate, "57P03") == 0;
}

/* Whether the last error was the database being out of reach. */
bool
store_unavailable(const struct store *s)
{
	return strncmp(s->sqlstate, "08", 2) == 0 ||
	    strncmp(s->sqlstate, "57P0", 4) == 0;
}

/*
 * Re-establish a broken connection: a new one, not PQreset, so nothing of
 * the old one's state (a pipeline, a result half read) survives.  Prepared
 * statements are redone lazily.
 */
bool
store_reconnect(struct store *s)
{
	bool	ok;

	if (!store_gate_enter(s->gate)) {
		store_set_error(s, "08001", "the database is unreachable "
		    "(waiting to try again)");
		return false;
	}
	PQfinish(s->conn);
	s->conn = store_connect(s->url, s->app);
	ok = PQstatus(s->conn) == CONNECTION_OK;
	if (!ok)
		store_set_error(s, "08001", PQerrorMessage(s->conn));
	else
		ok = store_setup(s);
	if (!ok) {
		PQfinish(s->conn);
		s->conn = NULL;
	}
	store_gate_leave(s->gate, ok, s->error);
	return ok;
}

/* The store's connection. */
PGconn *
store_conn(struct store *s)
{
	return s->conn;
}

/* Give a statement its counter slot the first time it runs. */
static int
store_stmt_id(struct store_stmt *st)
{
	int	id = __atomic_load_n(&st->id, __ATOMIC_ACQUIRE);

	if (id != 0)
		return id;
	pthread_mutex_lock(&store_id_lock);
	if ((id = st->id) == 0) {
		id = atomic_load(&store_nstmts) + 1;
		if (id > STORE_MAX_STMTS)
			fatal("store: more than %d statements", STORE_MAX_STMTS);
		store_counters[id].name = st->name;
		store_counters[id].notifies = strstr(st->sql,
		    "INSERT INTO messages") != NULL;
		atomic_store(&store_nstmts, id);
		__atomic_store_n(&st->id, id, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&store_id_lock);
	return id;
}

const char	store_xid_sql[] = "SELECT pg_current_xact_id(), "
		    STORE_INCARNATION_SQL;

/*
 * Record the transaction id (its backend, the server's incarnation) that
 * the first pipeline of a write transaction asked for: the in-doubt chase
 * needs them.
 */
static void
store_keep_xid(struct store *s, const PGresult *res)
{
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		store_get_str(res, 0, 0, s->xid, sizeof s->xid);
		store_get_str(res, 0, 1, s->incarnation,
		    sizeof s->incarnation);
		s->xid_pid = PQbackendPID(s->conn);
	}
}

static bool	store_ready(struct store *);

/* What one query of a pipeline is. */
struct store_slot {
	enum { SLOT_BEGIN, SLOT_XID, SLOT_PREP, SLOT_EXEC, SLOT_COMMIT } kind;
	struct store_q	*q;
};

/* Whether a queued statement is st with these parameters. */
static bool
store_q_match(const struct store_q *q, const struct store_stmt *st,
    const char *const *params)
{
	if (q->st != st)
		return false;
	for (int i = 0; i < st->nparams; i++) {
		if ((q->params[i] == NULL) != (params[i] == NULL) ||
		    (params[i] != NULL && strcmp(q->params[i], params[i]) != 0))
			return false;
	}
	return true;
}

/* Queue st with copies of its parameters; NULL when the queue is full. */
static struct store_q *
store_q_add(struct store *s, struct store_stmt *st, const char *const *params,
    int kind)
{
	struct store_q	*q;

	if (s->nq == STORE_MAX_QUEUE)
		return NULL;
	q = &s->q[s->nq++];
	memset(q, 0, sizeof *q);
	q->st = st;
	q->kind = kind;
	for (int i = 0; i < st->nparams; i++)
		q->params[i] = params[i] != NULL ? xstrdup(params[i]) : NULL;
	(void)store_stmt_id(st);
	return q;
}

/* Free one queued statement (from i) and close the gap. */
static void
store_q_remove(struct store *s, int i)
{
	struct store_q	*q = &s->q[i];

	for (int k = 0; k < q->st->nparams; k++)
		free(q->params[k]);
	PQclear(q->res);
	memmove(q, q + 1, (size_t)(s->nq - i - 1) * sizeof *q);
	s->nq--;
}

/* Drop what went out and is done with: all but guesses not yet taken. */
static void
store_q_compact(struct store *s)
{
	for (int i = s->nq - 1; i >= 0; i--) {
		if (s->q[i].sent && (s->q[i].kind != Q_SPEC || s->q[i].taken))
			store_q_remove(s, i);
	}
}

/* Forget the queue and whatever answers in it were not taken. */
void
store_q_reset(struct store *s)
{
	while (s->nq > 0)
		store_q_remove(s, s->nq - 1);
	s->commit_next = false;
	s->commit_sent = COMMIT_NONE;
}

/*
 * Read the answers of a pipeline's n queries and its sync.  Each query
 * gives one result (an error, or PIPELINE_ABORTED after one) and then NULL;
 * a NULL where a result is due means the pipeline is broken (the connection
 * died, or libpq gave up on it), and nothing more will come: the loop ends
 * there instead of waiting for results that never arrive.  False when the
 * pipeline did not end in its sync.
 */
static bool
store_pipeline_results(struct store *s, struct store_slot *slot, int n,
    bool *failed)
{
	PGresult	*res;
	bool		 synced;

	for (int i = 0; i < n; i++) {
		int	got = 0;

		while ((res = store_get_result(s)) != NULL) {
			ExecStatusType	st = PQresultStatus(res);

			if (++got > 2) {	/* one result, at most an echo */
				PQclear(res);
				return false;
			}
			/*
			 * Skipped after a statement failed: a "no".  Any
			 * other error (a lost connection) is no answer.
			 */
			if (slot[i].kind == SLOT_COMMIT && got == 1)
				s->commit_sent = st == PGRES_PIPELINE_ABORTED ?
				    COMMIT_REFUSED : store_commit_verdict(s, res);
			else if (st == PGRES_FATAL_ERROR ||
			    st == PGRES_PIPELINE_ABORTED) {
				if (!*failed)
					store_set_result_error(s, res);
				*failed = true;
			} else if (slot[i].kind == SLOT_XID)
				store_keep_xid(s, res);
			else if (slot[i].kind == SLOT_PREP)
				s->prepared[slot[i].q->st->id] = true;
			else if (slot[i].kind == SLOT_EXEC &&
			    slot[i].q->res == NULL && !*failed) {
				slot[i].q->res = res;
				continue;
			}
			PQclear(res);
		}
		if (got == 0)
			return false;
	}
	res = store_get_result(s);
	synced = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
	PQclear(res);
	return synced;
}

/* Count what a pipeline's statements (from) did, as store_exec would. */
static void
store_q_count(struct store *s, int from, uint64_t usec)
{
	for (int i = from; i < s->nq; i++) {
		struct store_q		*q = &s->q[i];
		struct store_counter	*c = &store_counters[q->st->id];
		ExecStatusType		 status = PQresultStatus(q->res);

		atomic_fetch_add(&c->calls, 1);
		atomic_fetch_add(&c->usec, usec);
		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
			atomic_fetch_add(&c->errors, 1);
			continue;
		}
		if (c->notifies)
			s->notified++;
		atomic_fetch_add(&c->rows, status == PGRES_TUPLES_OK ?
		    (unsigned long)PQntuples(q->res) :
		    strtoul(PQcmdTuples(q->res), NULL, 10));
	}
}

/* Put the unsent queue (and BEGIN, the xid, COMMIT) in a pipeline. */
static int
store_q_send(struct store *s, struct store_slot *slot, bool *sent)
{
	PGconn		*c = s->conn;
	int		 n = 0;
	bool		 prepping[STORE_MAX_STMTS + 1] = { 0 };

	if (s->begin != NULL) {
		slot[n++].kind = SLOT_BEGIN;
		*sent = *sent && PQsendQueryParams(c, s->begin, 0, NULL, NULL,
		    NULL, NULL, 0);
		if (s->want_xid) {
			slot[n++].kind = SLOT_XID;
			*sent = *sent && PQsendQueryParams(c, store_xid_sql, 0,
			    NULL, NULL, NULL, NULL, 0);
		}
		s->begin = NULL;
	}
	for (int i = 0; i < s->nq; i++) {
		struct store_q	*q = &s->q[i];

		if (q->sent)
			continue;
		q->sent = true;
		if (!s->prepared[q->st->id] && !prepping[q->st->id]) {
			prepping[q->st->id] = true;
			slot[n].q = q;
			slot[n++].kind = SLOT_PREP;
			*sent = *sent && PQsendPrepare(c, q->st->name,
			    q->st->sql, q->st->nparams, NULL);
		}
		slot[n].q = q;
		slot[n++].kind = SLOT_EXEC;
		*sent = *sent && PQsendQueryPrepared(c, q->st->name,
		    q->st->nparams, (const char *const *)q->params, NULL, NULL,
		    0);
	}
	return n;
}

/*
 * Send in one pipeline what the transaction has queued: the pending BEGIN
 * (and the xid of a write), the queued statements in order, and COMMIT
 * when commit_next says this is the transaction's last.  One round trip.
 * The COMMIT's verdict is kept in commit_sent (the runner reads it; the
 * fault hook may break the connection around it, as around store_commit).
 * False, with the first error, when a statement failed or the pipeline
 * broke (then the connection is dropped).
 */
bool
store_q_flush(struct store *s)
{
	struct store_slot	 slot[2 * STORE_MAX_QUEUE + 3];
	uint64_t		 start = util_now_us();
	int			 n, fault = 0, from = 0;
	bool			 sent = true, failed = false, commit;

	while (from < s->nq && s->q[from].sent)
		from++;
	commit = s->commit_next;
	s->commit_next = false;
	store_count_round_trip();
	if (!store_ready(s)) {
		if (commit)
			s->commit_sent = COMMIT_UNSENT;
		return false;
	}
	if (!PQenterPipelineMode(s->conn)) {
		store_set_result_error(s, NULL);
		store_drop(s);
		return false;
	}
	n = store_q_send(s, slot, &sent);
	if (commit) {
		fault = store_fault_pick(s);
		if (fault == 1)
			store_fault_break(s);
		slot[n++].kind = SLOT_COMMIT;
		sent = sent && PQsendQueryParams(s->conn, "COMMIT", 0, NULL,
		    NULL, NULL, NULL, 0);
		s->commit_sent = COMMIT_IN_DOUBT;
	}
	sent = sent && PQpipelineSync(s->conn);
	if (sent && fault == 2) {
		(void)PQflush(s->conn);
		store_fault_break(s);
	}
	if (!sent || !store_pipeline_results(s, slot, n, &failed) ||
	    !PQexitPipelineMode(s->conn)) {
		if (!failed)
			store_set_result_error(s, NULL);
		if (commit && s->commit_sent != COMMIT_DONE)
			s->commit_sent = COMMIT_IN_DOUBT;
		store_drop(s);
		failed = true;
	}
	store_q_count(s, from, util_now_us() - start);
	return !failed;
}

/*
 * Take the answer of a statement that went out early, if it is the one the
 * transaction asks for now; a guess that went out and is not asked for
 * marks the try for a rerun without guesses (spec_miss).  Returns whether
 * st was in the queue (*res its answer, or NULL on error).
 */
static bool
store_q_take(struct store *s, struct store_stmt *st, const char *const *params,
    PGresult **res)
{
	int	i;

	*res = NULL;
	for (i = 0; i < s->nq && (s->q[i].kind != Q_SPEC || s->q[i].taken);
	    i++)
		;
	if (i == s->nq || !s->q[i].sent) {
		if (s->commit_sent == COMMIT_NONE)
			return false;
	} else if (store_q_match(&s->q[i], st, params)) {
		s->q[i].taken = true;
		*res = s->q[i].res;
		s->q[i].res = NULL;
		if (*res == NULL && s->error[0] == '\0')
			store_set_error(s, "08006", "no answer in the pipeline");
		return true;
	}
	s->spec_miss = true;
	store_set_error(s, "KS000", "a statement sent early was not the one "
	    "run: running the transaction again");
	return true;
}

/*
 * Run st inside a transaction whose next pipeline has something in it
 * (BEGIN, guesses, deferred statements or COMMIT): the answer of a guess
 * that matches, or st sent with all of them in one round trip.  Guesses
 * not yet sent that st does not match are dropped (free).
 */
static PGresult *
store_q_exec(struct store *s, struct store_stmt *st, const char *const *params)
{
	struct store_q	*q = NULL;
	PGresult	*res;

	if (store_q_take(s, st, params, &res)) {
		store_q_compact(s);
		return res;
	}
	for (int i = 0; i < s->nq && q == NULL;) {
		if (s->q[i].kind != Q_SPEC || s->q[i].sent)
			i++;
		else if (store_q_match(&s->q[i], st, params))
			q = &s->q[i];
		else		/* a guess gone wrong before it went out */
			store_q_remove(s, i);
	}
	if (q == NULL && (q = store_q_add(s, st, params, Q_NOW)) == NULL) {
		store_set_error(s, "54000", "store: statement queue full");
		return NULL;
	}
	q->taken = true;
	q->kind = Q_NOW;
	if (!store_q_flush(s))
		res = NULL;
	else {
		res = q->res;
		q->res = NULL;
	}
	store_q_compact(s);
	return res;
}

/* Queue a statement whose answer is only checked (see store_int.h). */
enum store_rc
store_exec_defer(struct store *s, struct store_stmt *st,
    const char *const *params)
{
	PGresult	*res;

	if (s->in_tx && s->nq < STORE_MAX_QUEUE - 1 &&
	    s->commit_sent == COMMIT_NONE) {
		(void)store_q_add(s, st, params, Q_DEFER);
		return STORE_OK;
	}
	if ((res = store_exec(s, st, params)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

/* Queue a guess for the first pipeline (see store_int.h). */
void
store_exec_spec(struct store *s, struct store_stmt *st,
    const char *const *params, bool writes)
{
	struct store_q	*q;

	if (!s->in_tx || s->begin == NULL || s->spec_off ||
	    s->nq >= STORE_MAX_QUEUE - 1)
		return;
	if ((q = store_q_add(s, st, params, Q_SPEC)) != NULL)
		q->writes = writes;
}

/* Prepare a statement on this connection unless it is already. */
static bool
store_prepare(struct store *s, struct store_stmt *st, int id)
{
	PGresult	*res;

	if (s->prepared[id])
		return true;
	store_count_round_trip();
	res = store_collect(s, PQsendPrepare(s->conn, st->name, st->sql,
	    st->nparams, NULL) == 1);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		store_set_result_error(s, res);
		if (!store_lost(s))
			log_error("store: prepare %s: %s", st->name, s->error);
		PQclear(res);
		return false;
	}
	PQclear(res);
	s->prepared[id] = true;
	return true;
}

/*
 * Whether a statement may run: outside a transaction, a pool's store whose
 * connection broke reconnects first (the gate keeps that cheap during an
 * outage), so periodic work recovers by itself.  Stores without a gate
 * (tools, migrations) never reconnect behind their caller's back.
 */
static bool
store_ready(struct store *s)
{
	if (PQstatus(s->conn) == CONNECTION_OK)
		return true;
	if (s->gate != NULL && !s->in_tx && s->begin == NULL)
		return store_reconnect(s);
	store_set_result_error(s, NULL);
	return false;
}

/* Run a prepared statement with text parameters; NULL on error. */
PGresult *
store_exec(struct store *s, struct store_stmt *st, const char *const *params)
{
	int			 id = store_stmt_id(st);
	struct store_counter	*c = &store_counters[id];
	uint64_t		 start = util_now_us();
	PGresult		*res = NULL;
	ExecStatusType		 status;

	/* In a transaction, a first PREPARE rides with its statement too. */
	if (s->in_tx && (s->begin != NULL || s->nq > 0 || s->commit_next ||
	    s->commit_sent != COMMIT_NONE || !s->prepared[id])) {
		res = store_q_exec(s, st, params);
		if (res == NULL) {
			if (s->error[0] == '\0')
				store_set_result_error(s, NULL);
			return NULL;
		}
		return res;
	}
	store_count_round_trip();
	if (!store_ready(s))
		res = NULL;
	else if (store_prepare(s, st, id))
		res = store_collect(s, PQsendQueryPrepared(s->conn, st->name,
		    st->nparams, params, NULL, NULL, 0) == 1);
	status = PQresultStatus(res);
	atomic_fetch_add(&c->calls, 1);
	atomic_fetch_add(&c->usec, util_now_us() - start);
	if (res == NULL ||
	    (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)) {
		if (res != NULL || s->error[0] == '\0')
			store_set_result_error(s, res);
		atomic_fetch_add(&c->errors, 1);
		PQclear(res);
		return NULL;
	}
	/* A message counts as sent when its transaction commits. */
	if (c->notifies && s->in_tx)
		s->notified++;
	else if (c->notifies) {
		metrics_notify_sent(1);
		listen_bell();
	}
	if (status == PGRES_TUPLES_OK)
		atomic_fetch_add(&c->rows, (unsigned long)PQntuples(res));
	else
		atomic_fetch_add(&c->rows,
		    strtoul(PQcmdTuples(res), NULL, 10));
	return res;
}

/* Run a statement that changes rows; STORE_NONE if it changed none. */
enum store_rc
store_exec_changed(struct store *s, struct store_stmt *st,
    const char *const *params)
{
	PGresult	*res = store_exec(s, st, params);
	enum store_rc	 rc;

	if (res == NULL)
		return STORE_ERR;
	rc = strtoul(PQcmdTuples(res), NULL, 10) > 0 ? STORE_OK : STORE_NONE;
	PQclear(res);
	return rc;
}

/* The first column of the first row as text; STORE_NONE if no row. */
enum store_rc
store_exec_str(struct store *s, struct store_stmt *st,
    const char *const *params, char *out, size_t outsz)
{
	PGresult	*res = store_exec(s, st, params);
	enum store_rc	 rc = STORE_NONE;

	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		store_get_str(res, 0, 0, out, outsz);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/* Send a pending BEGIN on its own, taking the xid of a write transaction. */
bool
store_begin_now(struct store *s)
{
	const char	*begin = s->begin;
	PGresult	*res;
	bool		 ok;

	s->begin = NULL;
	if (begin == NULL)
		return true;
	if (!store_exec_simple(s, begin))
		return false;
	if (!s->want_xid)
		return true;
	store_count_round_trip();
	res = store_query(s, store_xid_sql);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	if (ok)
		store_keep_xid(s, res);
	else
		store_set_result_error(s, res);
	PQclear(res);
	return ok;
}

/* Run plain SQL text through the simple protocol. */
bool
store_exec_simple(struct store *s, const char *sql)
{
	PGresult	*res;
	ExecStatusType	 status;
	bool		 ok;

	if (s->begin != NULL && !store_begin_now(s))
		return false;
	store_count_round_trip();
	res = store_query(s, sql);
	status = PQresultStatus(res);

	ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ||
	    status == PGRES_EMPTY_QUERY;
	if (!ok)
		store_set_result_error(s, res);
	PQclear(res);
	return ok;
}

/* Execute a script for tests and tools. */
bool
store_exec_script(struct store *s, const char *sql)
{
	return store_exec_simple(s, sql);
}

/* Run one query (tests and tools only); first value of the first row. */
bool
store_exec_value(struct store *s, const char *sql, char *out, size_t outsz)
{
	PGresult	*res;
	ExecStatusType	 status;

	out[0] = '\0';
	if (s->begin != NULL && !store_begin_now(s))
		return false;
	res = store_query(s, sql);
	status = PQresultStatus(res);
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		store_set_result_error(s, res);
		PQclear(res);
		return false;
	}
	if (status == PGRES_TUPLES_OK && PQntuples(res) > 0 &&
	    PQnfields(res) > 0)
		store_get_str(res, 0, 0, out, outsz);
	PQclear(res);
	return true;
}

/* Copy a text column into a bounded buffer. */
void
store_get_str(const PGresult *res, int row, int col, char *out, size_t outsz)
{
	util_strlcpy(out, PQgetvalue(res, row, col), outsz);
}

/* Read an integer column (0 for NULL). */
int64_t
store_get_int(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return 0;
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* Read a boolean column (false for NULL). */
bool
store_get_bool(const PGresult *res, int row, int col)
{
	return strcmp(PQgetvalue(res, row, col), "t") == 0;
}

/* Write a number in decimal for a text parameter; returns buf. */
const char *
store_num(char *buf, int64_t v)
{
	snprintf(buf, STORE_NUM_LEN, "%lld", (long long)v);
	return buf;
}

/* Start an array literal. */
void
store_arr_open(struct buf *b)
{
	buf_reset(b);
	buf_add(b, "{");
}

/* Append a number to an array literal. */
void
store_arr_num(struct buf *b, int64_t v)
{
	buf_printf(b, "%s%lld", b->len > 1 ? "," : "", (long long)v);
}

/* Append a word (no quoting: slot names and the like) to an array literal. */
void
store_arr_text(struct buf *b, const char *s)
{
	buf_printf(b, "%s%s", b->len > 1 ? "," : "", s);
}

/* Close an array literal; its text, owned by the buf. */
const char *
store_arr_close(struct buf *b)
{
	buf_add(b, "}");
	return buf_str(b);
}

/* Copy out up to max statement counters; returns how many there are. */
size_t
store_stats(struct store_stat *out, size_t max)
{
	size_t	n = (size_t)atomic_load(&store_nstmts);

	for (size_t i = 0; i < n && i < max; i++) {
		struct store_counter	*c = &store_counters[i + 1];

		out[i].name = c->name;
		out[i].calls = atomic_load(&c->calls);
		out[i].errors = atomic_load(&c->errors);
		out[i].rows = atomic_load(&c->rows);
		out[i].usec = atomic_load(&c->usec);
	}
	return n;
}
