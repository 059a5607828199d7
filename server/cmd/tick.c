/*
 * tick.c — the world ticker.  A loop timer queues one tick job at a time;
 * on a worker it runs each due task in its own transaction.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "db/pool.h"
#include "cmd/tick.h"
#include "cmd/cmd_util.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/util.h"

/* How often the loop asks whether a task is due. */
#define TICK_POLL_MS	500
/* A task's transaction this slow is logged (warn): what the bench's
 * stalls listing lines up with the slowest commands. */
#define TICK_SLOW_MS	50
/* Messages pruned at most per run of the messages task. */
#define TICK_PRUNE_BATCH	20000

struct tick_task {
	const char	*name;
	int		 period_ms;
	store_tx_fn	 fn;
};

static const struct tick_task tick_tasks[] = {
	{ "combat", 2000, combat_round_tx },
	{ "npcs", 5000, npc_tick_tx },
	{ "resets", 5000, reset_tick_tx },
	{ "decay", 10000, decay_tick_tx },
	{ "messages", 1000, message_prune_tx },
};

struct tick_run {
	const struct tick_task	*task;
	int64_t			 runs;
	int			 skip;	/* enum metrics_tick_skip, or -1 */
};

static struct pool		*tick_pool;
static const struct config	*tick_cfg;
static struct event		*tick_ev;
static bool			 tick_busy;

/*
 * Prune messages older than message_retention, one bounded batch a run
 * (a second apart), so a delete never holds locks or bloats a
 * transaction; a batch a second outpaces any say rate keepd sustains.
 */
enum tx_rc
message_prune_tx(struct store *s, void *arg)
{
	int64_t	deleted;

	(void)arg;
	if (store_message_prune(s, tick_cfg->message_retention,
	    TICK_PRUNE_BATCH, &deleted) != STORE_OK)
		return TX_ERROR;
	if (deleted > 0)
		log_debug("tick: pruned %lld messages", (long long)deleted);
	return TX_COMMIT;
}

/* One task's transaction: elected ticker, task due, then its body. */
static enum tx_rc
tick_task_tx(struct store *s, void *arg)
{
	struct tick_run	*r = arg;
	enum store_rc	 rc;

	r->skip = METRICS_TICK_NOT_ELECTED;
	if ((rc = store_tick_lock(s)) != STORE_OK)
		return cmd_tx_rc(rc);
	r->skip = METRICS_TICK_CLAIMED;
	if ((rc = store_clock_claim(s, r->task->name, r->task->period_ms,
	    &r->runs)) != STORE_OK)
		return cmd_tx_rc(rc);
	r->skip = -1;
	return r->task->fn(s, r);
}

/* Whether name is in the list of due tasks. */
static bool
tick_is_due(const char *name, char due[][32], int n)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(due[i], name) == 0)
			return true;
	}
	return false;
}

/*
 * Worker: run every task that is due.  One cheap read finds them, so an
 * idle world costs one statement a poll; the claim in tick_task_tx is what
 * makes a run exclusive.
 */
static void
tick_run(struct job *job, struct store *s)
{
	char	due[16][32];
	int	n;

	(void)job;
	if (store_clock_due(s, due, 16, &n) != STORE_OK) {
		/* An outage is logged once, by the store. */
		if (!store_unavailable(s))
			log_warn("tick: %s", store_error(s));
		return;
	}
	for (size_t i = 0; i < nitems(tick_tasks); i++) {
		struct tick_run	r = { .task = &tick_tasks[i] };
		enum tx_result	res;
		uint64_t	t0, ms;

		if (!tick_is_due(tick_tasks[i].name, due, n))
			continue;
		t0 = util_now_us();
		res = store_tx(s, false, tick_cfg->tx_retries, tick_task_tx,
		    &r);
		if ((ms = (util_now_us() - t0) / 1000) >= TICK_SLOW_MS)
			log_warn("tick: %s took %llu ms", tick_tasks[i].name,
			    (unsigned long long)ms);
		if (res == TXR_FAILED)
			log_error("tick %s failed: %s (SQLSTATE %s)",
			    tick_tasks[i].name, store_error(s),
			    store_sqlstate(s));
		else if (res == TXR_COMMITTED && r.skip < 0)
			metrics_tick_run(i);
		else if (r.skip >= 0)
			metrics_tick_skip((enum metrics_tick_skip)r.skip);
	}
}

/* Loop: the tick finished. */
static void
tick_done(struct job *job)
{
	free(job);
	tick_busy = false;
}

/* Loop timer: queue a tick unless one is running. */
static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job	*j;

	(void)fd;
	(void)what;
	(void)arg;
	if (tick_busy) {
		metrics_tick_skip(METRICS_TICK_BUSY);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->run = tick_run;
	j->done = tick_done;
	tick_busy = true;
	pool_submit(tick_pool, j);
}

/* The tasks' names, in keep_ticker_runs_total's order. */
void
tick_task_names(const char **names, size_t max, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < nitems(tick_tasks) && i < max; i++)
		names[(*n)++] = tick_tasks[i].name;
}

/* Start the tick timer on the loop. */
void
tick_start(struct event_base *base, struct pool *pool,
    const struct config *cfg)
{
	struct timeval	tv = { 0, TICK_POLL_MS * 1000 };

	tick_pool = pool;
	tick_cfg = cfg;
	tick_ev = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	event_add(tick_ev, &tv);
}

/* Stop queueing ticks. */
void
tick_stop(void)
{
	if (tick_ev != NULL) {
		event_free(tick_ev);
		tick_ev = NULL;
	}
}
