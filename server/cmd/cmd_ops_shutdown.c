/*
 * cmd_ops_shutdown.c — `shutdown`: a shutdown of the whole cluster at a
 * time kept in the database (shutdown_schedule, migration 0015), and the
 * watcher every keepd runs on its pool: it broadcasts the countdown (each
 * line once in the cluster) and, at the time, starts the same clean drain
 * as SIGTERM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cmd/cmd_gate.h"
#include "cmd/cmd_ops.h"
#include "cmd/cmd_util.h"
#include "db/store_mod.h"
#include "db/store_ops.h"
#include "ops/log.h"
#include "ops/util.h"

#define OPS_SHUTDOWN_MAX	86400
#define OPS_ADMIN_MIN		10
#define OPS_WATCH_MS		500
/* Seconds before a shutdown when players can no longer log in. */
#define OPS_LOGIN_CLOSED	60

/* "5 minutes", "1 minute 30 seconds", "45 seconds" into out. */
static void
ops_duration_long(int32_t secs, char *out, size_t outsz)
{
	int32_t	m = secs / 60, s = secs % 60;

	if (m == 0)
		snprintf(out, outsz, "%d second%s", s, s == 1 ? "" : "s");
	else if (s == 0)
		snprintf(out, outsz, "%d minute%s", m, m == 1 ? "" : "s");
	else
		snprintf(out, outsz, "%d minute%s %d second%s", m,
		    m == 1 ? "" : "s", s, s == 1 ? "" : "s");
}

/* "5m", "4m 10s", "30s", "2h 5m" into out. */
static void
ops_duration_short(int32_t secs, char *out, size_t outsz)
{
	int32_t	h = secs / 3600, m = secs / 60 % 60, s = secs % 60;

	if (h > 0)
		snprintf(out, outsz, m > 0 ? "%dh %dm" : "%dh", h, m);
	else if (m > 0)
		snprintf(out, outsz, s > 0 ? "%dm %ds" : "%dm", m, s);
	else
		snprintf(out, outsz, "%ds", s);
}

/* Write the schedule as `shutdown` shows it. */
static void
ops_shutdown_show(struct cmd_ctx *ctx, const struct store_shutdown *sd)
{
	char	in[32];

	ops_duration_short(sd->left > 0 ? sd->left : 0, in, sizeof in);
	buf_printf(ctx->out, "Shutdown at %s UTC (in %s) by %s: %s.\n", sd->at,
	    in, sd->by, sd->reason);
}

/* shutdown cancel */
static enum tx_rc
ops_shutdown_cancel(struct cmd_ctx *ctx)
{
	char		msg[96];
	enum store_rc	rc;

	if ((rc = store_ops_shutdown_cancel(ctx->store)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "No shutdown is scheduled.");
	snprintf(msg, sizeof msg, "*** Shutdown cancelled by %s. ***",
	    ctx->me.name);
	if (store_mod_wall(ctx->store, msg) != STORE_OK)
		return TX_ERROR;
	buf_add(ctx->out, "Shutdown cancelled.\n");
	return TX_COMMIT;
}

/* How many seconds "now" or a number asks for; -1 with a refusal. */
static int
ops_shutdown_secs(struct cmd_ctx *ctx, const char *word)
{
	enum role	 role = cmd_ctx_role(ctx);
	char		*end;
	long		 n;

	if (strcmp(word, "now") == 0) {
		if (role < ROLE_OWNER) {
			buf_add(ctx->out, "Only an owner can shut down now.\n");
			return -1;
		}
		return 0;
	}
	errno = 0;
	n = strtol(word, &end, 10);
	if (*end != '\0' || end == word || errno != 0 || n < 1 ||
	    n > OPS_SHUTDOWN_MAX) {
		buf_add(ctx->out, "Usage: shutdown <seconds>|now|cancel "
		    "[<reason>] (seconds: 10 to 86400).\n");
		return -1;
	}
	if (n < OPS_ADMIN_MIN && role < ROLE_OWNER) {
		buf_printf(ctx->out, "Give the players at least %d seconds.\n",
		    OPS_ADMIN_MIN);
		return -1;
	}
	return (int)n;
}

/* shutdown [<seconds>|now|cancel [<reason>]] */
enum tx_rc
cmd_shutdown(struct cmd_ctx *ctx, const char *args)
{
	struct store_shutdown	 sd;
	char			 word[32], in[48], msg[400];
	const char		*reason;
	enum store_rc		 rc;
	int			 secs;

	cmd_split(args, word, sizeof word, &reason);
	if (word[0] == '\0') {
		if ((rc = store_ops_shutdown_get(ctx->store, &sd)) != STORE_OK)
			return cmd_refuse_rc(ctx, rc,
			    "No shutdown is scheduled.");
		ops_shutdown_show(ctx, &sd);
		/* Only a look: rolled back, so the audit keeps no entry. */
		return TX_ROLLBACK;
	}
	if (strcmp(word, "cancel") == 0)
		return ops_shutdown_cancel(ctx);
	if ((secs = ops_shutdown_secs(ctx, word)) < 0)
		return TX_ROLLBACK;
	if (*reason == '\0') {
		buf_add(ctx->out, "Give a reason.\n");
		return TX_ROLLBACK;
	}
	if (strlen(reason) > STORE_OPS_REASON_MAX) {
		buf_printf(ctx->out, "Keep the reason to %d characters.\n",
		    STORE_OPS_REASON_MAX);
		return TX_ROLLBACK;
	}
	rc = store_ops_shutdown_set(ctx->store, secs, ctx->me.name, reason,
	    &sd);
	if (rc == STORE_NONE) {
		buf_printf(ctx->out, "A shutdown is already scheduled at %s UTC"
		    " by %s; 'shutdown cancel' first.\n", sd.at, sd.by);
		return TX_ROLLBACK;
	}
	if (rc != STORE_OK)
		return TX_ERROR;
	if (secs == 0)
		snprintf(in, sizeof in, "now");
	else {
		ops_duration_long(secs, in + 3, sizeof in - 3);
		memcpy(in, "in ", 3);
	}
	snprintf(msg, sizeof msg, "*** The game shuts down %s (%s: %s). ***",
	    in, ctx->me.name, reason);
	if (store_mod_wall(ctx->store, msg) != STORE_OK)
		return TX_ERROR;
	sd.left = secs;
	ops_shutdown_show(ctx, &sd);
	return TX_COMMIT;
}

/* A login in the last minute: the refusal in why (STORE_OK), or none. */
enum store_rc
ops_shutdown_login_refusal(struct store *s, char *why, size_t whysz)
{
	char		in[48];
	int32_t		left;
	enum store_rc	rc;

	if ((rc = store_ops_shutdown_soon(s, OPS_LOGIN_CLOSED, &left)) !=
	    STORE_OK)
		return rc;
	ops_duration_long(left, in, sizeof in);
	snprintf(why, whysz, "The game shuts down in %s; please come back in "
	    "a few minutes.\n", in);
	return STORE_OK;
}

/* --- the watcher --- */

static struct {
	struct event	*ev;
	struct pool	*pool;
	void		(*fire)(void *);
	void		*arg;
	bool		 busy;
	bool		 stopped;
	bool		 fired;
	char		 started[64];	/* this keepd's start, database clock */
} ops_watch;

struct ops_watch_job {
	struct job			job;
	struct store_shutdown_watch	w;
	enum tx_result			result;
};

/* At start-up: clear a past schedule; remember the database's clock. */
bool
ops_shutdown_preflight(struct store *s)
{
	bool	cleared;

	if (store_ops_shutdown_clear_stale(s, &cleared, ops_watch.started,
	    sizeof ops_watch.started) != STORE_OK)
		return false;
	if (cleared)
		log_info("shutdown: cleared a scheduled shutdown whose time "
		    "had passed");
	return true;
}

/* The watcher's transaction: look, and claim a countdown mark if due. */
static enum tx_rc
ops_watch_tx(struct store *st, void *arg)
{
	struct ops_watch_job	*j = arg;

	return cmd_tx_rc(store_ops_shutdown_watch(st, ops_watch.started,
	    &j->w));
}

/* Worker: one look at the schedule. */
static void
ops_watch_run(struct job *job, struct store *st)
{
	struct ops_watch_job	*j = (struct ops_watch_job *)job;

	j->result = store_tx(st, false, 3, ops_watch_tx, j);
}

/* Loop thread: the look is done; fire when the time has come. */
static void
ops_watch_done(struct job *job)
{
	struct ops_watch_job	*j = (struct ops_watch_job *)job;

	ops_watch.busy = false;
	if (j->result == TXR_COMMITTED && j->w.announced > 0)
		log_info("shutdown: announced %d s to go", j->w.announced);
	if (j->result == TXR_COMMITTED && j->w.scheduled && j->w.mine &&
	    j->w.left <= 0 && !ops_watch.fired && !ops_watch.stopped) {
		ops_watch.fired = true;
		log_info("shutdown: the scheduled time has come");
		ops_watch.fire(ops_watch.arg);
	}
	free(j);
}

/* Timer: queue a look unless one is still running. */
static void
ops_watch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ops_watch_job	*j;

	(void)fd;
	(void)what;
	(void)arg;
	if (ops_watch.busy || ops_watch.stopped)
		return;
	j = xcalloc(1, sizeof *j);
	j->job.run = ops_watch_run;
	j->job.done = ops_watch_done;
	ops_watch.busy = true;
	pool_submit(ops_watch.pool, &j->job);
}

/* Watch the schedule on the pool; fire(arg) once when its time comes. */
void
ops_shutdown_watch_start(struct event_base *base, struct pool *pool,
    void (*fire)(void *), void *arg)
{
	struct timeval	tv = { 0, OPS_WATCH_MS * 1000 };

	ops_watch.pool = pool;
	ops_watch.fire = fire;
	ops_watch.arg = arg;
	ops_watch.ev = event_new(base, -1, EV_PERSIST, ops_watch_cb, NULL);
	event_add(ops_watch.ev, &tv);
}

/* Stop watching; a look in flight finishes without firing. */
void
ops_shutdown_watch_stop(void)
{
	ops_watch.stopped = true;
	if (ops_watch.ev != NULL) {
		event_free(ops_watch.ev);
		ops_watch.ev = NULL;
	}
}
