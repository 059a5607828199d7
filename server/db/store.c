/*
 * store.c — the store's engine: connections, prepared statements, counters,
 * errors and the transaction runner.  The SQL itself lives in the themed
 * store_*.c files.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/store_int.h"
#include "ops/log.h"
#include "ops/util.h"

struct store {
	PGconn		*conn;
	char		*url;
	char		*app;
	int		 timeout_ms;
	bool		 prepared[STORE_MAX_STMTS + 1];
	const char	*begin;		/* BEGIN not sent yet (see store_tx) */
	char		 error[512];
	char		 sqlstate[6];
};

struct store_counter {
	const char	*name;
	atomic_ulong	 calls;
	atomic_ulong	 errors;
	atomic_ulong	 rows;
	atomic_ulong	 usec;
};

static struct store_counter	 store_counters[STORE_MAX_STMTS + 1];
static atomic_int		 store_nstmts;
static atomic_ulong		 store_retries;
static atomic_ulong		 store_round_trips;
static atomic_ulong		 store_tx_counts[3];	/* by enum tx_result */
static pthread_mutex_t		 store_id_lock = PTHREAD_MUTEX_INITIALIZER;

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
static void
store_set_result_error(struct store *s, const PGresult *res)
{
	const char	*state = NULL, *msg = NULL;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = PQresultErrorMessage(res);
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
	char	sql[128];

	memset(s->prepared, 0, sizeof s->prepared);
	snprintf(sql, sizeof sql, "SET statement_timeout = %d; "
	    "SET synchronous_commit = on; SET lock_timeout = %d",
	    s->timeout_ms, s->timeout_ms);
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

/* Re-establish a broken connection; prepared statements are redone lazily. */
bool
store_reconnect(struct store *s)
{
	PQreset(s->conn);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		store_set_result_error(s, NULL);
		return false;
	}
	return store_setup(s);
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
		atomic_store(&store_nstmts, id);
		__atomic_store_n(&st->id, id, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&store_id_lock);
	return id;
}

/*
 * The first statement of a transaction travels with its BEGIN (and its
 * PREPARE, the first time) in one pipeline: one round trip instead of two
 * or three.  Returns the statement's result, or NULL with the first error.
 */
static PGresult *
store_exec_pipelined(struct store *s, struct store_stmt *st, int id,
    const char *const *params)
{
	PGresult	*res, *out = NULL;
	int		 query = 0, exec_query = s->prepared[id] ? 1 : 2;
	bool		 failed = false, prepared = false;

	if (!PQenterPipelineMode(s->conn)) {
		store_set_result_error(s, NULL);
		return NULL;
	}
	(void)PQsendQueryParams(s->conn, s->begin, 0, NULL, NULL, NULL, NULL,
	    0);
	s->begin = NULL;
	if (!s->prepared[id])
		(void)PQsendPrepare(s->conn, st->name, st->sql, st->nparams,
		    NULL);
	(void)PQsendQueryPrepared(s->conn, st->name, st->nparams, params, NULL,
	    NULL, 0);
	if (!PQpipelineSync(s->conn)) {
		store_set_result_error(s, NULL);
		(void)PQexitPipelineMode(s->conn);
		return NULL;
	}
	/* Results come per query, each followed by NULL, then the sync. */
	while (PQstatus(s->conn) == CONNECTION_OK) {
		if ((res = PQgetResult(s->conn)) == NULL) {
			query++;
			continue;
		}
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (PQresultStatus(res) == PGRES_FATAL_ERROR ||
		    PQresultStatus(res) == PGRES_PIPELINE_ABORTED) {
			if (!failed)
				store_set_result_error(s, res);
			failed = true;
			PQclear(res);
			continue;
		}
		if (query == 1 && exec_query == 2)
			prepared = true;
		if (query == exec_query && !failed && out == NULL)
			out = res;
		else
			PQclear(res);
	}
	(void)PQexitPipelineMode(s->conn);
	if (prepared)
		s->prepared[id] = true;
	if (PQstatus(s->conn) != CONNECTION_OK && !failed) {
		store_set_result_error(s, NULL);
		failed = true;
	}
	if (failed) {
		PQclear(out);
		return NULL;
	}
	return out;
}

/* Run a prepared statement with text parameters; NULL on error. */
PGresult *
store_exec(struct store *s, struct store_stmt *st, const char *const *params)
{
	int			 id = store_stmt_id(st);
	struct store_counter	*c = &store_counters[id];
	uint64_t		 start = util_now_us();
	PGresult		*res;
	ExecStatusType		 status;

	atomic_fetch_add(&store_round_trips, 1);
	if (s->begin != NULL)
		res = store_exec_pipelined(s, st, id, params);
	else {
		if (!s->prepared[id]) {
			atomic_fetch_add(&store_round_trips, 1);
			res = PQprepare(s->conn, st->name, st->sql,
			    st->nparams, NULL);
			if (PQresultStatus(res) != PGRES_COMMAND_OK) {
				store_set_result_error(s, res);
				log_error("store: prepare %s: %s", st->name,
				    s->error);
				PQclear(res);
				atomic_fetch_add(&c->errors, 1);
				return NULL;
			}
			PQclear(res);
			s->prepared[id] = true;
		}
		res = PQexecPrepared(s->conn, st->name, st->nparams, params,
		    NULL, NULL, 0);
	}
	status = PQresultStatus(res);
	atomic_fetch_add(&c->calls, 1);
	atomic_fetch_add(&c->usec, util_now_us() - start);
	if (res == NULL ||
	    (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)) {
		if (res != NULL)
			store_set_result_error(s, res);
		atomic_fetch_add(&c->errors, 1);
		PQclear(res);
		return NULL;
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

/* Run plain SQL text through the simple protocol. */
bool
store_exec_simple(struct store *s, const char *sql)
{
	PGresult	*res;
	ExecStatusType	 status;
	bool		 ok;

	if (s->begin != NULL) {
		const char	*begin = s->begin;

		s->begin = NULL;
		if (!store_exec_simple(s, begin))
			return false;
	}
	atomic_fetch_add(&store_round_trips, 1);
	res = PQexec(s->conn, sql);
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

	if (s->begin != NULL && !store_exec_simple(s, ""))
		return false;
	res = PQexec(s->conn, sql);
	status = PQresultStatus(res);

	out[0] = '\0';
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

/*
 * COMMIT, and make sure it committed: a transaction in which a statement
 * failed answers COMMIT with "ROLLBACK" and no error, and acknowledging that
 * as a success would break the first rule.
 */
static bool
store_commit(struct store *s)
{
	PGresult	*res;
	bool		 ok;

	atomic_fetch_add(&store_round_trips, 1);
	res = PQexec(s->conn, "COMMIT");
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		store_set_result_error(s, res);
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		store_set_error(s, "25P02", "COMMIT rolled back: a statement in"
		    " the transaction had failed");
		ok = false;
	}
	PQclear(res);
	return ok;
}

/* Whether the last error is worth running the transaction again for. */
static bool
store_retryable(const struct store *s)
{
	return strcmp(s->sqlstate, "40001") == 0 ||
	    strcmp(s->sqlstate, "40P01") == 0;
}

/* Leave a failed transaction; reconnect if the connection broke. */
static void
store_abort(struct store *s)
{
	char	state[6], msg[sizeof s->error];

	s->begin = NULL;
	/* Keep the error that made us abort, not ROLLBACK's. */
	memcpy(state, s->sqlstate, sizeof state);
	memcpy(msg, s->error, sizeof msg);
	if (PQstatus(s->conn) != CONNECTION_OK ||
	    !store_exec_simple(s, "ROLLBACK")) {
		if (!store_reconnect(s))
			log_error("store: reconnect failed: %s", s->error);
	}
	memcpy(s->sqlstate, state, sizeof state);
	memcpy(s->error, msg, sizeof msg);
}

/* Sleep a little before a retry, longer each time, with jitter. */
static void
store_backoff(int attempt)
{
	struct timespec	ts;
	long		us = (1000L << (attempt < 6 ? attempt : 6)) +
			    (long)(random() % 1000);

	ts.tv_sec = 0;
	ts.tv_nsec = us * 1000;
	nanosleep(&ts, NULL);
}

/* Count how a transaction ended, for dbstats. */
static enum tx_result
store_tx_count(enum tx_result r)
{
	atomic_fetch_add(&store_tx_counts[r], 1);
	return r;
}

/* Run fn in a transaction, retrying on serialization failure and deadlock. */
enum tx_result
store_tx(struct store *s, bool read_only, int retries, store_tx_fn fn,
    void *arg)
{
	enum tx_rc	rc;

	for (int attempt = 0;; attempt++) {
		s->error[0] = '\0';
		s->sqlstate[0] = '\0';
		if (PQstatus(s->conn) != CONNECTION_OK && !store_reconnect(s))
			return store_tx_count(TXR_FAILED);
		/*
		 * BEGIN goes out with the first statement (store_exec).  Reads
		 * see one snapshot: REPEATABLE READ costs nothing read-only.
		 */
		s->begin = read_only ?
		    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
		rc = fn(s, arg);
		if (s->begin != NULL) {
			/* No statement ran: there is nothing to end. */
			s->begin = NULL;
			if (rc == TX_COMMIT)
				return store_tx_count(TXR_COMMITTED);
			if (rc == TX_ROLLBACK)
				return store_tx_count(TXR_ROLLED_BACK);
			return store_tx_count(TXR_FAILED);
		}
		if (rc == TX_COMMIT && store_commit(s))
			return store_tx_count(TXR_COMMITTED);
		if (rc == TX_ROLLBACK) {
			if (!store_exec_simple(s, "ROLLBACK"))
				store_abort(s);
			return store_tx_count(TXR_ROLLED_BACK);
		}
		store_abort(s);
		if (!store_retryable(s) || attempt >= retries)
			return store_tx_count(TXR_FAILED);
		atomic_fetch_add(&store_retries, 1);
		log_debug("store: retrying transaction (%s: %s)", s->sqlstate,
		    s->error);
		store_backoff(attempt);
	}
}

/* Round trips to the database so far, and transactions by outcome. */
void
store_totals(uint64_t *round_trips, uint64_t *committed, uint64_t *rolled_back,
    uint64_t *failed)
{
	*round_trips = atomic_load(&store_round_trips);
	*committed = atomic_load(&store_tx_counts[TXR_COMMITTED]);
	*rolled_back = atomic_load(&store_tx_counts[TXR_ROLLED_BACK]);
	*failed = atomic_load(&store_tx_counts[TXR_FAILED]);
}

/* How many retries store_tx has made in all. */
uint64_t
store_tx_retries(void)
{
	return atomic_load(&store_retries);
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
