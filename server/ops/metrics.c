/*
 * metrics.c — fixed slots of atomics for every series, and their text
 * exposition (Prometheus format 0.0.4).  Counting is one or three relaxed
 * atomic adds; nothing locks or allocates except the scrape.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ops/buf.h"
#include "ops/metrics.h"
#include "ops/util.h"
#include "ops/version.h"

#define METRICS_MAX_COMMANDS	160
#define METRICS_MAX_TASKS	16
#define METRICS_MAX_PATHS	32

static const double	metrics_bounds[METRICS_BUCKETS] = {
	.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10
};
static const char *const metrics_cmd_results[METRICS_CMD_RESULTS] = {
	"ok", "error", "unavailable", "aborted", "in_doubt", "refused",
	"denied", "unknown"
};
static const char *const metrics_login_results[METRICS_LOGIN_RESULTS] = {
	"ok", "new", "wrong_password", "locked", "limit", "refused", "taken",
	"unavailable", "error", "busy"
};
static const char *const metrics_pool_names[METRICS_POOLS] = {
	"game", "login"
};
static const char *const metrics_skip_names[METRICS_TICK_SKIPS] = {
	"busy", "not_elected", "claimed"
};
/* The HTTP codes counted by their number; any other is "other". */
static const int	metrics_codes[] = {
	200, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405, 408, 413, 429,
	500, 503
};
#define METRICS_NCODES	(nitems(metrics_codes) + 1)

static double			 metrics_started;	/* Unix seconds */
static const char *const	*metrics_cmd_names;
static size_t			 metrics_ncmds;	/* the "unknown" slot */
static const char *const	*metrics_task_names;
static size_t			 metrics_ntasks;

static atomic_uint_fast64_t	 metrics_cmds[METRICS_MAX_COMMANDS + 1]
				    [METRICS_CMD_RESULTS];
static struct metrics_hist	 metrics_cmd_time[METRICS_MAX_COMMANDS + 1];
static atomic_uint_fast64_t	 metrics_logins[METRICS_LOGIN_RESULTS];
static struct metrics_hist	 metrics_pool_time[METRICS_POOLS];
static atomic_uint_fast64_t	 metrics_sent, metrics_received;
static atomic_uint_fast64_t	 metrics_bells;
static struct metrics_hist	 metrics_notify_time;
static atomic_uint_fast64_t	 metrics_runs[METRICS_MAX_TASKS];
static atomic_uint_fast64_t	 metrics_skips[METRICS_TICK_SKIPS];
/* Paths are registered on the loop thread before requests are served. */
static const char		*metrics_paths[METRICS_MAX_PATHS];
static size_t			 metrics_npaths;
static atomic_uint_fast64_t	 metrics_http_n[METRICS_MAX_PATHS + 1]
				    [METRICS_NCODES];

/* Count one in a counter, relaxed: a scrape needs no ordering. */
static inline void
metrics_inc(atomic_uint_fast64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* Read a counter. */
static inline uint64_t
metrics_get(atomic_uint_fast64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* Record the start time and the command and task names. */
void
metrics_init(const char *const *commands, size_t ncommands,
    const char *const *tasks, size_t ntasks)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	metrics_started = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	metrics_cmd_names = commands;
	metrics_ncmds = ncommands < METRICS_MAX_COMMANDS ? ncommands :
	    METRICS_MAX_COMMANDS;
	metrics_task_names = tasks;
	metrics_ntasks = ntasks < METRICS_MAX_TASKS ? ntasks :
	    METRICS_MAX_TASKS;
}

/* The index of name among n names, or -1. */
static int
metrics_find(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return (int)i;
	}
	return -1;
}

/* Count us in its bucket (not cumulative; the scrape adds up). */
void
metrics_hist_observe(struct metrics_hist *h, uint64_t us)
{
	double	s = (double)us / 1e6;
	size_t	i = 0;

	while (i < METRICS_BUCKETS && s > metrics_bounds[i])
		i++;
	metrics_inc(&h->n[i], 1);
	metrics_inc(&h->sum_us, us);
}

/* Count a command line and its duration. */
void
metrics_command(int slot, enum metrics_cmd_result r, uint64_t us)
{
	size_t	i = slot < 0 || (size_t)slot >= metrics_ncmds ? metrics_ncmds :
		    (size_t)slot;

	metrics_inc(&metrics_cmds[i][r], 1);
	metrics_hist_observe(&metrics_cmd_time[i], us);
}

/* Count a login attempt's outcome. */
void
metrics_login(enum metrics_login r)
{
	metrics_inc(&metrics_logins[r], 1);
}

/* Time a job's wait for a worker. */
void
metrics_pool_wait(enum metrics_pool p, uint64_t us)
{
	metrics_hist_observe(&metrics_pool_time[p], us);
}

/* Count committed messages. */
void
metrics_notify_sent(uint64_t n)
{
	metrics_inc(&metrics_sent, n);
}

/* Count a cluster bell (one NOTIFY) rung by this keepd. */
void
metrics_bell_rung(void)
{
	metrics_inc(&metrics_bells, 1);
}

/* Count a delivered message and time its delay. */
void
metrics_notify_received(uint64_t us)
{
	metrics_inc(&metrics_received, 1);
	if (us > 0)
		metrics_hist_observe(&metrics_notify_time, us);
}

/* Count a task run here. */
void
metrics_tick_run(size_t task)
{
	if (task < metrics_ntasks)
		metrics_inc(&metrics_runs[task], 1);
}

/* Count a tick or task not run here. */
void
metrics_tick_skip(enum metrics_tick_skip why)
{
	metrics_inc(&metrics_skips[why], 1);
}

/* A path's route slot, or -1. */
int
metrics_http_path(const char *path)
{
	return metrics_find(metrics_paths, metrics_npaths, path);
}

/* Register a route's path. */
void
metrics_http_route(const char *path)
{
	if (metrics_http_path(path) < 0 && metrics_npaths < METRICS_MAX_PATHS)
		metrics_paths[metrics_npaths++] = xstrdup(path);
}

/* Count an HTTP answer. */
void
metrics_http(int path_slot, int code)
{
	size_t	p = path_slot < 0 ? METRICS_MAX_PATHS : (size_t)path_slot;
	size_t	c = 0;

	while (c < nitems(metrics_codes) && metrics_codes[c] != code)
		c++;
	metrics_inc(&metrics_http_n[p][c], 1);
}

/* Write HELP and TYPE. */
void
metrics_family(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Append a label value, escaped as the format wants (\\, \", \n). */
static void
metrics_label_value(struct buf *b, const char *v)
{
	char	c[2] = { 0, 0 };

	for (; *v != '\0'; v++) {
		if (*v == '\\')
			buf_add(b, "\\\\");
		else if (*v == '"')
			buf_add(b, "\\\"");
		else if (*v == '\n')
			buf_add(b, "\\n");
		else {
			c[0] = *v;
			buf_add(b, c);
		}
	}
}

/* Write name{labels} v, labels being pairs up to a NULL key. */
static void
metrics_line(struct buf *b, const char *name, const char *const *labels,
    double v)
{
	buf_add(b, name);
	for (size_t i = 0; labels != NULL && labels[i] != NULL; i += 2) {
		buf_printf(b, "%s%s=\"", i == 0 ? "{" : ",", labels[i]);
		metrics_label_value(b, labels[i + 1]);
		buf_add(b, "\"");
	}
	if (labels != NULL && labels[0] != NULL)
		buf_add(b, "}");
	buf_printf(b, " %.15g\n", v);
}

/* Write one sample with at most one label. */
void
metrics_sample(struct buf *b, const char *name, const char *label,
    const char *value, double v)
{
	const char	*l[] = { label, value, NULL };

	metrics_line(b, name, label != NULL ? l : NULL, v);
}

/* Write a histogram's buckets, sum and count under one label (or none). */
static void
metrics_hist_write(struct buf *b, const char *name, const char *label,
    const char *value, struct metrics_hist *h)
{
	char		 n[96], le[16];
	const char	*l[] = { label, value, "le", le, NULL };
	const char	*const *ls = label != NULL ? l : l + 2;
	uint64_t	 cum = 0;

	snprintf(n, sizeof n, "%s_bucket", name);
	for (size_t i = 0; i <= METRICS_BUCKETS; i++) {
		cum += metrics_get(&h->n[i]);
		if (i < METRICS_BUCKETS)
			snprintf(le, sizeof le, "%g", metrics_bounds[i]);
		else
			snprintf(le, sizeof le, "+Inf");
		metrics_line(b, n, ls, (double)cum);
	}
	l[2] = NULL;
	snprintf(n, sizeof n, "%s_sum", name);
	metrics_line(b, n, label != NULL ? l : NULL,
	    (double)metrics_get(&h->sum_us) / 1e6);
	snprintf(n, sizeof n, "%s_count", name);
	metrics_line(b, n, label != NULL ? l : NULL, (double)cum);
}

/* The name of command slot i ("unknown" past the table). */
static const char *
metrics_cmd_name(size_t i)
{
	return i < metrics_ncmds ? metrics_cmd_names[i] : "unknown";
}

/* keep_commands_total and keep_command_duration_seconds: the commands
 * that ran at least once. */
static void
metrics_write_commands(struct buf *b)
{
	const char	*l[] = { "command", NULL, "result", NULL, NULL };

	metrics_family(b, "keep_commands_total", "counter", "Command lines "
	    "answered, by canonical command name and result.");
	for (size_t i = 0; i <= metrics_ncmds; i++) {
		for (size_t r = 0; r < METRICS_CMD_RESULTS; r++) {
			uint64_t	v = metrics_get(&metrics_cmds[i][r]);

			if (v == 0)
				continue;
			l[1] = metrics_cmd_name(i);
			l[3] = metrics_cmd_results[r];
			metrics_line(b, "keep_commands_total", l, (double)v);
		}
	}
	metrics_family(b, "keep_command_duration_seconds", "histogram",
	    "From a command line's receipt to its reply written to the "
	    "session.");
	for (size_t i = 0; i <= metrics_ncmds; i++) {
		uint64_t	n = 0;

		for (size_t k = 0; k <= METRICS_BUCKETS; k++)
			n += metrics_get(&metrics_cmd_time[i].n[k]);
		if (n > 0)
			metrics_hist_write(b, "keep_command_duration_seconds",
			    "command", metrics_cmd_name(i),
			    &metrics_cmd_time[i]);
	}
}

/* Write a counter family with one label over fixed values. */
static void
metrics_write_vec(struct buf *b, const char *name, const char *help,
    const char *label, const char *const *values, atomic_uint_fast64_t *v,
    size_t n)
{
	metrics_family(b, name, "counter", help);
	for (size_t i = 0; i < n; i++)
		metrics_sample(b, name, label, values[i],
		    (double)metrics_get(&v[i]));
}

/* keep_http_requests_total{path,code}: the pairs seen. */
static void
metrics_write_http(struct buf *b)
{
	char		 code[8];
	const char	*l[] = { "path", NULL, "code", code, NULL };

	metrics_family(b, "keep_http_requests_total", "counter",
	    "HTTP requests answered, by path (registered ones; \"other\") "
	    "and status code.");
	for (size_t p = 0; p <= METRICS_MAX_PATHS; p++) {
		if (p >= metrics_npaths && p < METRICS_MAX_PATHS)
			continue;
		for (size_t c = 0; c < METRICS_NCODES; c++) {
			uint64_t	v = metrics_get(&metrics_http_n[p][c]);

			if (v == 0)
				continue;
			l[1] = p < metrics_npaths ? metrics_paths[p] : "other";
			if (c < nitems(metrics_codes))
				snprintf(code, sizeof code, "%d",
				    metrics_codes[c]);
			else
				snprintf(code, sizeof code, "other");
			metrics_line(b, "keep_http_requests_total", l,
			    (double)v);
		}
	}
}

/* Write every series of this module. */
void
metrics_write(struct buf *b)
{
	metrics_family(b, "keep_build_info", "gauge", "The version of this "
	    "keepd (always 1).");
	metrics_sample(b, "keep_build_info", "version", KEEP_VERSION, 1);
	metrics_family(b, "keep_process_start_time_seconds", "gauge",
	    "When this keepd started, in Unix seconds.");
	metrics_sample(b, "keep_process_start_time_seconds", NULL, NULL,
	    metrics_started);
	metrics_write_vec(b, "keep_logins_total", "Login attempts (password "
	    "or new character) by outcome.", "result", metrics_login_results,
	    metrics_logins, METRICS_LOGIN_RESULTS);
	metrics_write_commands(b);
	metrics_family(b, "keep_pool_wait_seconds", "histogram", "From a "
	    "job's submission to a worker taking it, by pool.");
	for (size_t i = 0; i < METRICS_POOLS; i++)
		metrics_hist_write(b, "keep_pool_wait_seconds", "pool",
		    metrics_pool_names[i], &metrics_pool_time[i]);
	metrics_family(b, "keep_notifications_sent_total", "counter",
	    "Messages to players committed by this keepd.");
	metrics_sample(b, "keep_notifications_sent_total", NULL, NULL,
	    (double)metrics_get(&metrics_sent));
	metrics_family(b, "keep_bells_total", "counter",
	    "NOTIFYs rung by this keepd's listen thread for other keepds.");
	metrics_sample(b, "keep_bells_total", NULL, NULL,
	    (double)metrics_get(&metrics_bells));
	metrics_family(b, "keep_notifications_received_total", "counter",
	    "Committed messages read by this keepd's listener and delivered.");
	metrics_sample(b, "keep_notifications_received_total", NULL, NULL,
	    (double)metrics_get(&metrics_received));
	metrics_family(b, "keep_notification_delay_seconds", "histogram",
	    "From the writing transaction's start (the message row's "
	    "created_at) to delivery on this keepd.");
	metrics_hist_write(b, "keep_notification_delay_seconds", NULL, NULL,
	    &metrics_notify_time);
	metrics_write_vec(b, "keep_ticker_runs_total", "World tick tasks "
	    "run by this keepd.", "task", metrics_task_names, metrics_runs,
	    metrics_ntasks);
	metrics_write_vec(b, "keep_ticker_skips_total", "Ticks or due tasks "
	    "this keepd did not run, by reason.", "reason",
	    metrics_skip_names, metrics_skips, METRICS_TICK_SKIPS);
	metrics_write_http(b);
}
