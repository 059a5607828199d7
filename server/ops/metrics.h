/*
 * metrics.h — keepd's Prometheus counters, gauges and histograms.
 *
 * Every series is a fixed slot of atomics, so any thread (the loop, a
 * worker, the LISTEN thread) counts without a lock or an allocation; the
 * label values are bounded by construction (a command's canonical name, an
 * enum), never raw input.  metrics_write renders them in the text
 * exposition format 0.0.4; what is read at scrape time (sessions, queue
 * depth, the store's counters) is written by the /metrics handler with
 * metrics_family and metrics_sample.
 */
#ifndef KEEP_METRICS_H
#define KEEP_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Bucket bounds in seconds: .001 .0025 .005 .01 .025 .05 .1 .25 .5 1 2.5 5
 * 10, and +Inf. */
#define METRICS_BUCKETS	13

struct metrics_hist {
	atomic_uint_fast64_t	n[METRICS_BUCKETS + 1];	/* per bucket */
	atomic_uint_fast64_t	sum_us;
};

/* How a command line ended (keep_commands_total's result). */
enum metrics_cmd_result {
	METRICS_CMD_OK,			/* committed, or a read's rollback */
	METRICS_CMD_ERROR,		/* the transaction failed */
	METRICS_CMD_UNAVAILABLE,	/* the database was out of reach */
	METRICS_CMD_ABORTED,		/* lost COMMIT found aborted */
	METRICS_CMD_IN_DOUBT,		/* lost COMMIT not resolved */
	METRICS_CMD_REFUSED,		/* refused before a transaction */
	METRICS_CMD_DENIED,		/* the role gate said no */
	METRICS_CMD_UNKNOWN,		/* no such command */
	METRICS_CMD_RESULTS
};

/* How a login attempt ended (keep_logins_total's result). */
enum metrics_login {
	METRICS_LOGIN_OK,
	METRICS_LOGIN_NEW,
	METRICS_LOGIN_WRONG_PASSWORD,
	METRICS_LOGIN_LOCKED,
	METRICS_LOGIN_LIMIT,
	METRICS_LOGIN_REFUSED,
	METRICS_LOGIN_TAKEN,
	METRICS_LOGIN_UNAVAILABLE,
	METRICS_LOGIN_ERROR,
	METRICS_LOGIN_BUSY,
	METRICS_LOGIN_RESULTS
};

/* The worker pools (keep_pool_*{pool=...}). */
enum metrics_pool { METRICS_POOL_GAME, METRICS_POOL_LOGIN, METRICS_POOLS };

/* Why the ticker did not run a task (keep_ticker_skips_total's reason). */
enum metrics_tick_skip {
	METRICS_TICK_BUSY,		/* the last tick still running */
	METRICS_TICK_NOT_ELECTED,	/* another keepd holds the tick lock */
	METRICS_TICK_CLAIMED,		/* another keepd ran the task */
	METRICS_TICK_SKIPS
};

/* Record the process start and the command and ticker task names (static
 * strings, kept); call once before anything counts. */
void	metrics_init(const char *const *commands, size_t ncommands,
	    const char *const *tasks, size_t ntasks);
/* One command line answered after us microseconds; slot is the command's
 * index among the names given to metrics_init, -1 for "unknown". */
void	metrics_command(int slot, enum metrics_cmd_result, uint64_t us);
/* One login attempt ended. */
void	metrics_login(enum metrics_login);
/* A job waited us microseconds on a pool before a worker took it. */
void	metrics_pool_wait(enum metrics_pool, uint64_t us);
/* n messages to players committed by this keepd. */
void	metrics_notify_sent(uint64_t n);
/* One cluster bell (NOTIFY) rung by the listen thread. */
void	metrics_bell_rung(void);
/* A message delivered here, us microseconds after it was written (0 when
 * unknown: counted, not timed). */
void	metrics_notify_received(uint64_t us);
/* The ticker ran task (metrics_init's index), or skipped. */
void	metrics_tick_run(size_t task);
void	metrics_tick_skip(enum metrics_tick_skip);
/* Register an HTTP route's path for keep_http_requests_total (loop
 * thread, before it is served; at most 32). */
void	metrics_http_route(const char *path);
/* The slot of a request's path: a registered route's, or -1 ("other"). */
int	metrics_http_path(const char *path);
/* An HTTP request answered with code. */
void	metrics_http(int path_slot, int code);

/* Add us to a histogram. */
void	metrics_hist_observe(struct metrics_hist *, uint64_t us);
/* Write every series this module holds. */
void	metrics_write(struct buf *);
/* Write a family's HELP and TYPE lines. */
void	metrics_family(struct buf *, const char *name, const char *type,
	    const char *help);
/* Write one sample: name{label="value"} v (label NULL: no labels). */
void	metrics_sample(struct buf *, const char *name, const char *label,
	    const char *value, double v);

#endif
