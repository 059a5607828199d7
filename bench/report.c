/*
 * report.c — keep-bench's final report: a table for people, or one JSON
 * object (jansson) for scripts such as bench/run.sh.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "bench.h"

static const char *const report_modes[] = { "closed", "open", "idle" };

/* Seconds of the measured window (0 if it never opened). */
static double
report_window(const struct bench *b)
{
	if (b->win_start == 0 || b->win_end <= b->win_start)
		return 0;
	return (double)(b->win_end - b->win_start) / 1e6;
}

/* Seconds of CPU between two rusage samples. */
static double
report_cpu(const struct timeval *a, const struct timeval *z)
{
	return (double)(z->tv_sec - a->tv_sec) +
	    (double)(z->tv_usec - a->tv_usec) / 1e6;
}

/* A quantile in milliseconds, rounded to the microsecond. */
static double
report_ms(const struct hist *h, double q)
{
	return round(hist_quantile(h, q)) / 1000;
}

/* Whether a kind belongs in the report. */
static bool
report_shown(const struct bench *b, int k)
{
	const struct kind_stats	*ks = &b->kinds[k];

	return b->weight[k] > 0 || ks->count > 0 || ks->errors > 0 ||
	    ks->timeouts > 0;
}

/* One table row. */
static void
report_row(FILE *f, const char *name, const struct kind_stats *ks,
    double secs)
{
	fprintf(f, "%-6s %9llu %8llu %7llu %8llu %9.1f %8.3f %8.3f %8.3f "
	    "%8.3f %8.3f\n", name, (unsigned long long)ks->count,
	    (unsigned long long)ks->refused, (unsigned long long)ks->errors,
	    (unsigned long long)ks->timeouts,
	    secs > 0 ? (double)ks->count / secs : 0, report_ms(&ks->h, 0.5),
	    report_ms(&ks->h, 0.9), report_ms(&ks->h, 0.99),
	    report_ms(&ks->h, 0.999), report_ms(&ks->h, 1));
}

/* The login line and the CPU line, shared by every mode. */
static void
report_login(const struct bench *b, FILE *f)
{
	double	ls = b->login_end > b->t0 ?
		    (double)(b->login_end - b->t0) / 1e6 : 0;

	fprintf(f, "login: %llu bots in %.1f s (%.1f/s), %llu failed, "
	    "%llu reconnects; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
	    (unsigned long long)b->logins, ls,
	    ls > 0 ? (double)b->logins / ls : 0,
	    (unsigned long long)b->login_failed,
	    (unsigned long long)b->reconnects, report_ms(&b->login, 0.5),
	    report_ms(&b->login, 0.99), report_ms(&b->login, 1));
}

/* Print the human report. */
void
report_text(const struct bench *b, FILE *f)
{
	double	secs = report_window(b);
	double	cpu = report_cpu(&b->ru0.ru_utime, &b->ru1.ru_utime) +
		    report_cpu(&b->ru0.ru_stime, &b->ru1.ru_stime);

	fprintf(f, "keep-bench: %s mode, %d bots on %s port %d",
	    report_modes[b->mode], b->nbots, b->host, b->port);
	if (b->mode == MODE_OPEN)
		fprintf(f, ", %g commands/s each", b->rate);
	fprintf(f, ", %.1f s measured\n", secs);
	report_login(b, f);
	if (b->win_start == 0) {
		/* Nothing was measured: no table of zeros. */
	} else if (b->mode == MODE_IDLE) {
		fprintf(f, "idle: %d of %d bots online at the end, %llu "
		    "disconnects\n", b->online, b->nbots,
		    (unsigned long long)b->disconnects);
	} else {
		fprintf(f, "\n%-6s %9s %8s %7s %8s %9s %8s %8s %8s %8s %8s\n",
		    "kind", "count", "refused", "errors", "timeouts", "cmd/s",
		    "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
		for (int k = 0; k < KIND_N; k++) {
			if (report_shown(b, k))
				report_row(f, bench_kind_names[k],
				    &b->kinds[k], secs);
		}
		report_row(f, "total", &b->total, secs);
		fprintf(f, "\n");
	}
	fprintf(f, "notifications: %llu prompts keepd sent unasked (whole "
	    "run)\n", (unsigned long long)b->notes);
	if (b->skipped > 0)
		fprintf(f, "skipped: %llu commands not sent, %d already in "
		    "flight (overload)\n", (unsigned long long)b->skipped,
		    BOT_PIPELINE);
	if (b->gave_up > 0)
		fprintf(f, "gave up: %llu bots could not connect or log in "
		    "(again)\n", (unsigned long long)b->gave_up);
	if (b->lost > 0)
		fprintf(f, "lost: %llu bots could not reach their --rooms\n",
		    (unsigned long long)b->lost);
	if (b->unexpected > 0) {
		fprintf(f, "unexpected answers (counted as errors): %llu, "
		    "e.g.\n", (unsigned long long)b->unexpected);
		for (int i = 0; i < b->nsamples; i++)
			fprintf(f, "  %s\n", b->samples[i]);
	}
	if (b->stalls.n > 0) {
		uint64_t	worst = 0;

		for (int i = 0; i < b->stalls.n; i++)
			worst = b->stalls.s[i].lat > worst ?
			    b->stalls.s[i].lat : worst;
		fprintf(f, "keep-bench stalls: its loop ran late by over 5 ms "
		    "%d%s times in the window, at worst %.1f ms (its own "
		    "latency figures include those)\n", b->stalls.n,
		    b->stalls.n == BENCH_SLOW ? " or more" : "",
		    (double)worst / 1000);
	}
	if (b->db0.ok && b->db1.ok) {
		uint64_t	st = b->db1.statements - b->db0.statements;
		uint64_t	rt = b->db1.round_trips - b->db0.round_trips;
		double		n = b->total.count ? (double)b->total.count : 1;

		fprintf(f, "db (dbstats deltas): %llu statements, %llu "
		    "transactions, %llu round trips; %.2f statements and %.2f "
		    "round trips per command\n", (unsigned long long)st,
		    (unsigned long long)(b->db1.transactions -
		    b->db0.transactions), (unsigned long long)rt,
		    (double)st / n, (double)rt / n);
	}
	fprintf(f, "keep-bench cpu: %.2f s in all, %.2f s in the window "
	    "(%.0f%% of one core)\n",
	    report_cpu(&(struct timeval){ 0, 0 }, &b->ru_end.ru_utime) +
	    report_cpu(&(struct timeval){ 0, 0 }, &b->ru_end.ru_stime), cpu,
	    secs > 0 ? 100 * cpu / secs : 0);
}

/* A kind's counters as JSON. */
static json_t *
report_kind_json(const struct kind_stats *ks)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f,s:f,s:f}",
	    "count", (json_int_t)ks->count,
	    "refused", (json_int_t)ks->refused,
	    "errors", (json_int_t)ks->errors,
	    "timeouts", (json_int_t)ks->timeouts,
	    "p50_ms", report_ms(&ks->h, 0.5),
	    "p90_ms", report_ms(&ks->h, 0.9),
	    "p99_ms", report_ms(&ks->h, 0.99),
	    "p999_ms", report_ms(&ks->h, 0.999),
	    "max_ms", report_ms(&ks->h, 1),
	    "mean_ms", round(hist_mean(&ks->h)) / 1000);
}

static const char *const report_outcomes[] = {
	"ok", "refused", "error", "timeout"
};

/*
 * The slowest commands (or the loop's stalls) as a JSON array, slowest
 * first: latency, wall-clock send time (ms since the epoch), kind, bot.
 */
static json_t *
report_slow_json(const struct bench *b, const struct slowest *s)
{
	json_t		*a = json_array();
	struct slow	 v[BENCH_SLOW];
	int		 n = s->n;
	char		 name[BOT_NAME];

	memcpy(v, s->s, sizeof v[0] * (size_t)n);
	for (int i = 1; i < n; i++) {	/* insertion sort, 20 at most */
		struct slow	t = v[i];
		int		j = i;

		for (; j > 0 && v[j - 1].lat < t.lat; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	for (int i = 0; i < n; i++) {
		json_t	*o = json_pack("{s:f,s:I}", "ms",
			    (double)v[i].lat / 1000, "sent_ms",
			    (json_int_t)(v[i].sent / 1000));

		if (v[i].bot != BENCH_NONE) {
			(void)bench_bot_name(b->prefix, v[i].bot, name);
			json_object_set_new(o, "kind", json_string(
			    bench_kind_names[v[i].kind]));
			json_object_set_new(o, "outcome", json_string(
			    report_outcomes[v[i].outcome]));
			json_object_set_new(o, "bot", json_string(name));
		}
		json_array_append_new(a, o);
	}
	return a;
}

/* The dbstats deltas as JSON. */
static json_t *
report_db_json(const struct bench *b)
{
	uint64_t	st = b->db1.statements - b->db0.statements;
	uint64_t	rt = b->db1.round_trips - b->db0.round_trips;
	double		n = b->total.count ? (double)b->total.count : 1;

	return json_pack("{s:I,s:I,s:I,s:f,s:f}",
	    "statements", (json_int_t)st,
	    "transactions", (json_int_t)(b->db1.transactions -
	    b->db0.transactions),
	    "round_trips", (json_int_t)rt,
	    "per_command_statements", (double)st / n,
	    "per_command_round_trips", (double)rt / n);
}

/* Print the one JSON object. */
void
report_json(const struct bench *b, FILE *f)
{
	double	 secs = report_window(b);
	double	 ls = b->login_end > b->t0 ?
		    (double)(b->login_end - b->t0) / 1e6 : 0;
	json_t	*o, *kinds = json_object();

	for (int k = 0; k < KIND_N; k++) {
		if (report_shown(b, k))
			json_object_set_new(kinds, bench_kind_names[k],
			    report_kind_json(&b->kinds[k]));
	}
	o = json_pack("{s:i,s:s,s:o,s:f,s:f,s:f,s:o,s:o}",
	    "bots", b->nbots, "mode", report_modes[b->mode],
	    "rate", b->mode == MODE_OPEN ? json_real(b->rate) : json_null(),
	    "duration", secs, "warmup", b->warmup,
	    "throughput", secs > 0 ? (double)b->total.count / secs : 0.0,
	    "total", report_kind_json(&b->total), "kinds", kinds);
	json_object_set_new(o, "login", json_pack(
	    "{s:I,s:I,s:I,s:f,s:f,s:f,s:f,s:f,s:f}",
	    "count", (json_int_t)b->logins,
	    "failed", (json_int_t)b->login_failed,
	    "reconnects", (json_int_t)b->reconnects, "seconds", ls,
	    "p50_ms", report_ms(&b->login, 0.5),
	    "p90_ms", report_ms(&b->login, 0.9),
	    "p99_ms", report_ms(&b->login, 0.99),
	    "p999_ms", report_ms(&b->login, 0.999),
	    "max_ms", report_ms(&b->login, 1)));
	json_object_set_new(o, "online", json_integer(b->online));
	json_object_set_new(o, "active", json_integer(b->active));
	json_object_set_new(o, "slowest", report_slow_json(b, &b->slow));
	json_object_set_new(o, "stalls", report_slow_json(b, &b->stalls));
	json_object_set_new(o, "disconnects", json_integer(
	    (json_int_t)b->disconnects));
	json_object_set_new(o, "skipped", json_integer(
	    (json_int_t)b->skipped));
	json_object_set_new(o, "unexpected", json_integer(
	    (json_int_t)b->unexpected));
	json_object_set_new(o, "lost", json_integer((json_int_t)b->lost));
	json_object_set_new(o, "gave_up", json_integer(
	    (json_int_t)b->gave_up));
	json_object_set_new(o, "notifications", json_integer(
	    (json_int_t)b->notes));
	json_object_set_new(o, "cpu", json_pack("{s:f,s:f,s:f,s:f}",
	    "user_s", report_cpu(&(struct timeval){ 0, 0 },
	    &b->ru_end.ru_utime),
	    "sys_s", report_cpu(&(struct timeval){ 0, 0 },
	    &b->ru_end.ru_stime),
	    "window_user_s", report_cpu(&b->ru0.ru_utime, &b->ru1.ru_utime),
	    "window_sys_s", report_cpu(&b->ru0.ru_stime, &b->ru1.ru_stime)));
	if (b->db0.ok && b->db1.ok)
		json_object_set_new(o, "db", report_db_json(b));
	json_dumpf(o, f, JSON_COMPACT | JSON_REAL_PRECISION(9));
	fputc('\n', f);
	json_decref(o);
}
