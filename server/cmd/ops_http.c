/*
 * ops_http.c — /readyz and /metrics on the HTTP port (ops/http.c).
 *
 * /readyz asks the database on a worker of the game pool, never on the
 * loop: one probe at a time, and every request that comes while it runs
 * waits for the same answer, each for at most OPS_READY_WAIT_MS (then 503)
 * and at most OPS_READY_WAITERS of them.  /metrics renders ops/metrics.c's
 * series and what is read at scrape time: sessions, pool queues, and the
 * store's own counters (the ones dbstats shows).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/http.h>

#include "db/pool.h"
#include "db/store.h"
#include "cmd/login.h"
#include "cmd/ops_http.h"
#include "net/session.h"
#include "ops/buf.h"
#include "ops/http.h"
#include "ops/metrics.h"
#include "ops/util.h"

/* How long a /readyz waits for the database's answer. */
#define OPS_READY_WAIT_MS	2000
/* How many /readyz may wait at once; more are answered 503 at once. */
#define OPS_READY_WAITERS	64
/* Migrations read at most. */
#define OPS_MIGRATIONS_MAX	1024
#define OPS_TEXT		"text/plain; charset=utf-8"
#define OPS_PROMETHEUS		"text/plain; version=0.0.4; charset=utf-8"

struct ops_waiter {
	struct evhttp_request	*req;
	struct event		*timer;
	struct ops_waiter	*next;
};

struct ops_probe {
	struct job	 job;
	bool		 ok;
	char		 reason[320];
};

static struct event_base *ops_base;
static struct pool	*ops_pool, *ops_login_pool;
static int		*ops_versions;
static int		 ops_nversions;
static bool		 ops_probing;
static struct ops_waiter *ops_waiters;
static size_t		 ops_nwaiters;

/* Unlink a waiter, answer it, free it. */
static void
ops_waiter_answer(struct ops_waiter *w, int code, const char *body)
{
	struct ops_waiter	**p = &ops_waiters;

	while (*p != NULL && *p != w)
		p = &(*p)->next;
	if (*p != NULL)
		*p = w->next;
	ops_nwaiters--;
	http_reply(w->req, code, OPS_TEXT, body);
	event_free(w->timer);
	free(w);
}

/* Timer: the database did not answer this request in time. */
static void
ops_waiter_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ops_waiter_answer(arg, 503, "database: no answer within 2 s\n");
}

/* How many of the known migrations applied (n of them) lacks, and how many
 * it has that keepd does not know. */
static void
ops_migrations_compare(const struct store_migration *applied, int n,
    int *pending, int *unknown)
{
	*pending = 0;
	*unknown = 0;
	for (int i = 0; i < ops_nversions; i++) {
		int	k = 0;

		while (k < n && applied[k].version != ops_versions[i])
			k++;
		*pending += k == n;
	}
	*unknown = n - (ops_nversions - *pending);
}

/* Worker: read the applied migrations, which also proves the database
 * answers. */
static void
ops_probe_run(struct job *job, struct store *st)
{
	struct ops_probe	*p = (struct ops_probe *)job;
	struct store_migration	*applied;
	int			 n, pending, unknown;

	applied = xcalloc(OPS_MIGRATIONS_MAX, sizeof *applied);
	n = store_migrations_applied(st, applied, OPS_MIGRATIONS_MAX);
	if (n < 0) {
		snprintf(p->reason, sizeof p->reason - 1, "database: %s%s",
		    store_unavailable(st) ? "out of reach: " : "",
		    store_error(st));
		/* One line, whatever the error text holds. */
		p->reason[strcspn(p->reason, "\r\n")] = '\0';
		strcat(p->reason, "\n");
	} else {
		n = n < OPS_MIGRATIONS_MAX ? n : OPS_MIGRATIONS_MAX;
		ops_migrations_compare(applied, n, &pending, &unknown);
		if (pending > 0)
			snprintf(p->reason, sizeof p->reason,
			    "migrations: %d pending\n", pending);
		else if (unknown > 0)
			snprintf(p->reason, sizeof p->reason, "migrations: %d "
			    "applied that this keepd does not know\n", unknown);
		else
			p->ok = true;
	}
	free(applied);
}

/* Loop: the probe is back; answer everyone waiting. */
static void
ops_probe_done(struct job *job)
{
	struct ops_probe	*p = (struct ops_probe *)job;

	ops_probing = false;
	while (ops_waiters != NULL) {
		if (http_draining())
			ops_waiter_answer(ops_waiters, 503, "draining\n");
		else if (p->ok)
			ops_waiter_answer(ops_waiters, 200, "ready\n");
		else
			ops_waiter_answer(ops_waiters, 503, p->reason);
	}
	free(p);
}

/* GET /readyz: wait for the probe (starting one if none runs). */
static void
ops_readyz(struct evhttp_request *req, void *arg)
{
	struct timeval		 tv = { OPS_READY_WAIT_MS / 1000,
				    (OPS_READY_WAIT_MS % 1000) * 1000 };
	struct ops_waiter	*w;
	struct ops_probe	*p;

	(void)arg;
	if (http_draining()) {
		http_reply(req, 503, OPS_TEXT, "draining\n");
		return;
	}
	if (ops_nwaiters >= OPS_READY_WAITERS) {
		http_reply(req, 503, OPS_TEXT, "busy: too many readiness "
		    "checks waiting\n");
		return;
	}
	w = xcalloc(1, sizeof *w);
	w->req = req;
	w->timer = evtimer_new(ops_base, ops_waiter_timeout_cb, w);
	w->next = ops_waiters;
	ops_waiters = w;
	ops_nwaiters++;
	evtimer_add(w->timer, &tv);
	if (ops_probing)
		return;
	p = xcalloc(1, sizeof *p);
	p->job.run = ops_probe_run;
	p->job.done = ops_probe_done;
	ops_probing = true;
	pool_submit(ops_pool, &p->job);
}

/* session_foreach visitor: count the sessions that play. */
static void
ops_count_playing(struct session *s, void *arg)
{
	if (login_playing(s))
		(*(int *)arg)++;
}

/* A gauge of both pools, read with fn. */
static void
ops_metrics_pools(struct buf *b, const char *name, const char *help,
    size_t (*fn)(struct pool *))
{
	metrics_family(b, name, "gauge", help);
	metrics_sample(b, name, "pool", "game", (double)fn(ops_pool));
	metrics_sample(b, name, "pool", "login", (double)fn(ops_login_pool));
}

/* The sessions and the pools, read now. */
static void
ops_metrics_live(struct buf *b)
{
	int	playing = 0;

	session_foreach(ops_count_playing, &playing);
	metrics_family(b, "keep_sessions", "gauge", "Open telnet sessions "
	    "(connected: all of them; playing: logged in).");
	metrics_sample(b, "keep_sessions", "state", "connected",
	    session_count());
	metrics_sample(b, "keep_sessions", "state", "playing", playing);
	ops_metrics_pools(b, "keep_pool_queue_depth", "Jobs waiting for a "
	    "worker, by pool.", pool_queued);
	ops_metrics_pools(b, "keep_pool_jobs", "Jobs queued or running, not "
	    "yet answered, by pool.", pool_busy);
}

/* One per-statement family of the store's counters. */
static void
ops_metrics_stmt(struct buf *b, const struct store_stat *st, size_t n,
    const char *name, const char *help, size_t field)
{
	metrics_family(b, name, "counter", help);
	for (size_t i = 0; i < n; i++) {
		const uint64_t	*v = (const uint64_t *)(const void *)
				    ((const char *)&st[i] + field);

		metrics_sample(b, name, "statement", st[i].name,
		    field == offsetof(struct store_stat, usec) ?
		    (double)*v / 1e6 : (double)*v);
	}
}

/* The store's counters (the same ones dbstats shows). */
static void
ops_metrics_store(struct buf *b)
{
	static struct store_stat	 st[600];
	size_t				 n = store_stats(st, nitems(st));
	uint64_t			 v[TXR_COUNT], rt;
	const char			*names[TXR_COUNT] = { "committed",
					    "rolled_back", "failed",
					    "unavailable", "aborted",
					    "in_doubt" };

	n = n < nitems(st) ? n : nitems(st);
	ops_metrics_stmt(b, st, n, "keep_store_statements_total",
	    "Statements run, by statement.", offsetof(struct store_stat,
	    calls));
	ops_metrics_stmt(b, st, n, "keep_store_statement_errors_total",
	    "Statements that failed, by statement.",
	    offsetof(struct store_stat, errors));
	ops_metrics_stmt(b, st, n, "keep_store_rows_total", "Rows returned "
	    "or changed, by statement.", offsetof(struct store_stat, rows));
	ops_metrics_stmt(b, st, n, "keep_store_statement_seconds_total",
	    "Time spent in statements, by statement.",
	    offsetof(struct store_stat, usec));
	store_totals(&rt, &v[TXR_COMMITTED], &v[TXR_ROLLED_BACK],
	    &v[TXR_FAILED]);
	store_fault_totals(&v[TXR_UNAVAILABLE], &v[TXR_ABORTED],
	    &v[TXR_IN_DOUBT]);
	metrics_family(b, "keep_store_round_trips_total", "counter",
	    "Round trips to the database.");
	metrics_sample(b, "keep_store_round_trips_total", NULL, NULL,
	    (double)rt);
	metrics_family(b, "keep_store_retries_total", "counter",
	    "Transactions retried (serialization failure, deadlock, lost "
	    "connection before COMMIT).");
	metrics_sample(b, "keep_store_retries_total", NULL, NULL,
	    (double)store_tx_retries());
	metrics_family(b, "keep_store_transactions_total", "counter",
	    "Transactions by outcome.");
	for (size_t i = 0; i < TXR_COUNT; i++)
		metrics_sample(b, "keep_store_transactions_total", "result",
		    names[i], (double)v[i]);
}

/* GET /metrics. */
static void
ops_metrics(struct evhttp_request *req, void *arg)
{
	struct buf	b = { 0 };

	(void)arg;
	metrics_write(&b);
	ops_metrics_live(&b);
	ops_metrics_store(&b);
	http_reply(req, 200, OPS_PROMETHEUS, buf_str(&b));
	buf_free(&b);
}

/* Route /readyz and /metrics; remember the start-up migrations. */
void
ops_http_start(struct event_base *base, struct pool *pool,
    struct pool *login_pool, const int *versions, int n)
{
	ops_base = base;
	ops_pool = pool;
	ops_login_pool = login_pool;
	ops_versions = xcalloc((size_t)n + 1, sizeof *ops_versions);
	memcpy(ops_versions, versions, (size_t)n * sizeof *versions);
	ops_nversions = n;
	http_route("/readyz", ops_readyz, NULL);
	http_route("/metrics", ops_metrics, NULL);
}

/* Answer the waiting /readyz requests; forget the migrations. */
void
ops_http_stop(void)
{
	while (ops_waiters != NULL)
		ops_waiter_answer(ops_waiters, 503, "draining\n");
	free(ops_versions);
	ops_versions = NULL;
}
