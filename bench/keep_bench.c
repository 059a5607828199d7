/*
 * keep_bench.c — keep-bench: a load generator for keepd.
 *
 * Opens --bots telnet connections at a bounded rate, logs in (or creates)
 * characters named PREFIX + letters, spreads them over the world (or walks
 * them to --rooms), runs a command mix closed-loop (next command when the
 * prompt comes) or open-loop (--rate per bot), and reports the latency of
 * every command from send to prompt, per kind.  One libevent loop; every
 * bot's state is in one array allocated at start.  See bench/run.sh and
 * --help for the options.
 */
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "bench.h"

#define BENCH_TICK_MS	10	/* the login rate limiter */
#define BENCH_SWEEP_MS	100	/* deadlines, phases, progress */
#define BENCH_GIVE_UP	6	/* failed connects, none working: stop */

const char *const bench_kind_names[KIND_N] = {
	"look", "move", "say", "score", "who", "give", "inv", "get", "flee"
};

/* Microseconds on the monotonic clock. */
uint64_t
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* xorshift64*: a bot's own random numbers. */
uint64_t
bench_rand(uint64_t *s)
{
	uint64_t	x = *s ? *s : 0x2545f4914f6cdd1dULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/*
 * Bot i's name: the prefix and letters from its index, two letters for the
 * first 676 bots (aa..zz), then three, and so on, so a bot keeps its name
 * (and character) whatever --bots is.
 */
bool
bench_bot_name(const char *prefix, uint32_t idx, char out[BOT_NAME])
{
	uint64_t	base = 0, span = 26 * 26, v;
	size_t		letters = 2, n = strlen(prefix);

	while (idx >= base + span) {
		base += span;
		span *= 26;
		letters++;
	}
	if (n + letters > 16)
		return false;
	memcpy(out, prefix, n);
	v = idx - base;
	for (size_t i = 0; i < letters; i++) {
		out[n + letters - 1 - i] = (char)('a' + v % 26);
		v /= 26;
	}
	out[n + letters] = '\0';
	return true;
}

/* Put a bot in line for a connection. */
void
bench_enqueue(struct bench *b, struct bot *bot)
{
	uint32_t	i = (uint32_t)(bot - b->bots);

	bot->state = BOT_QUEUED;
	bot->qnext = BENCH_NONE;
	if (b->qtail == BENCH_NONE)
		b->qhead = i;
	else
		b->bots[b->qtail].qnext = i;
	b->qtail = i;
}

/* A bot is ready: count it once. */
void
bench_bot_ready(struct bench *b, struct bot *bot)
{
	if (bot->settled)
		return;
	bot->settled = true;
	b->settled++;
}

/* A bot gave up: count it once; say why for the first few. */
void
bench_bot_failed(struct bench *b, struct bot *bot, const char *why)
{
	snprintf(b->why, sizeof b->why, "%s", why);
	if (b->gave_up++ < 3 || bot->admin)
		fprintf(stderr, "keep-bench: %s: %s\n", bot->name, why);
	if (bot->settled)
		return;
	bot->settled = true;
	b->settled++;
	if (!bot->admin)
		b->login_failed++;
}

/* Count one outcome into a kind's counters. */
static void
bench_count(struct kind_stats *ks, enum outcome out, uint64_t lat)
{
	switch (out) {
	case OUT_REFUSED:
		ks->refused++;
		/* FALLTHROUGH */
	case OUT_OK:
		ks->count++;
		hist_add(&ks->h, lat);
		break;
	case OUT_ERROR:
		ks->errors++;
		break;
	case OUT_TIMEOUT:
		ks->timeouts++;
		break;
	}
}

/* Wall-clock µs since the epoch of a monotonic time. */
uint64_t
bench_wall(const struct bench *b, uint64_t mono)
{
	return b->wall0 + mono - b->mono0;
}

/*
 * Keep v among the BENCH_SLOW largest: fill, then replace the smallest
 * kept when v is larger (a rescan of 20 only then, which is rare once the
 * list holds the window's tail).
 */
void
bench_slow_add(struct slowest *s, const struct slow *v)
{
	if (s->n < BENCH_SLOW) {
		s->s[s->n++] = *v;
		if (s->n < BENCH_SLOW)
			return;
	} else if (v->lat <= s->s[s->min].lat)
		return;
	else
		s->s[s->min] = *v;
	s->min = 0;
	for (int i = 1; i < s->n; i++) {
		if (s->s[i].lat < s->s[s->min].lat)
			s->min = i;
	}
}

/* Whether a bot sends commands (--active): the admin never does. */
bool
bench_active(const struct bench *b, const struct bot *bot)
{
	return !bot->admin && bot->idx < (uint32_t)b->active;
}

/* Account one command's end; the slowest measured ones are kept. */
void
bench_record(struct bench *b, const struct bot *bot, const struct pend *p,
    uint64_t now, enum outcome out)
{
	uint64_t	lat = now > p->t ? now - p->t : 0;
	struct slow	v;

	if (out == OUT_OK || out == OUT_REFUSED) {
		hist_add(&b->ivl, lat);
		b->ivl_count++;
	} else if (out == OUT_ERROR)
		b->all_errors++;
	else
		b->all_timeouts++;
	if (!p->measured || p->kind >= KIND_N)
		return;
	v.lat = lat;
	v.sent = bench_wall(b, p->t);
	v.bot = bot->idx;
	v.kind = p->kind;
	v.outcome = (uint8_t)out;
	bench_slow_add(&b->slow, &v);
	bench_count(&b->kinds[p->kind], out, lat);
	bench_count(&b->total, out, lat);
}

/* Keep the first few unexpected answers. */
void
bench_unexpected(struct bench *b, const struct bot *bot, const char *text)
{
	b->unexpected++;
	if (b->nsamples < 3)
		snprintf(b->samples[b->nsamples++], sizeof b->samples[0],
		    "%s: \"%s\"", bot->pend[bot->head].kind < KIND_N ?
		    bench_kind_names[bot->pend[bot->head].kind] : "dbstats",
		    text);
}

/* Whether bots should send commands now. */
bool
bench_sending(const struct bench *b)
{
	return b->phase >= PHASE_WARMUP && b->phase <= PHASE_MEASURE;
}

/* Pick a command kind from the mix. */
enum kind
bench_pick(const struct bench *b, uint64_t *rng)
{
	uint64_t	r = bench_rand(rng) % b->wsum;

	for (int k = 0; k < KIND_N; k++) {
		if (r < b->weight[k])
			return (enum kind)k;
		r -= b->weight[k];
	}
	return KIND_LOOK;
}

/* Whether a room is one of --rooms. */
bool
bench_crowd_room(const struct bench *b, int32_t id)
{
	for (int i = 0; i < b->nrooms; i++) {
		if (b->rooms[i] == id)
			return true;
	}
	return false;
}

/* Move to another phase. */
static void
bench_phase(struct bench *b, enum phase p, uint64_t now)
{
	b->phase = p;
	b->phase_t = now;
	if (p == PHASE_DONE)
		event_base_loopbreak(b->base);
}

static void	bench_progress(struct bench *, uint64_t);

/* The measured window opens. */
static void
bench_window_open(struct bench *b, uint64_t now)
{
	if (b->phase != PHASE_LOGIN)
		bench_progress(b, now);	/* the rest of the warm-up */
	b->win_start = now;
	b->ivl_t = now;
	b->ivl_count = 0;
	getrusage(RUSAGE_SELF, &b->ru0);
	bench_phase(b, PHASE_MEASURE, now);
}

/* The measured window closes. */
static void
bench_window_close(struct bench *b, uint64_t now)
{
	bench_progress(b, now);
	b->win_end = now;
	getrusage(RUSAGE_SELF, &b->ru1);
	bench_phase(b, b->mode == MODE_IDLE ? PHASE_DONE : PHASE_DRAIN, now);
}

/* Ask the admin for dbstats into snap; false if there is no admin. */
static bool
bench_db_ask(struct bench *b, struct db_snap *snap)
{
	memset(snap, 0, sizeof *snap);
	if (b->db_refused || !bot_dbstats(b->admin))
		return false;
	b->dbcur = snap;
	return true;
}

/* The admin's dbstats answer ended (ok or not). */
void
bench_db_done(struct bench *b, bool ok)
{
	uint64_t	now = bench_now();

	if (b->dbcur != NULL) {
		b->dbcur->ok = ok;
		if (!ok && !b->db_refused)
			fprintf(stderr, "keep-bench: dbstats failed; is %s an "
			    "admin? (keepd role %s admin)\n", b->admin_name,
			    b->admin_name);
	}
	b->db_refused |= !ok;
	b->dbcur = NULL;
	if (b->phase == PHASE_SYNC)
		bench_window_open(b, now);
	else if (b->phase == PHASE_SYNC_END)
		bench_phase(b, PHASE_DONE, now);
}

/* The login phase is over: start the mix, or hold the idle bots. */
static void
bench_logins_done(struct bench *b, uint64_t now)
{
	b->login_end = now;
	if (b->logins == 0) {
		fprintf(stderr, "keep-bench: no bot could log in to %s port "
		    "%d (%s)\n", b->host, b->port, b->why[0] ? b->why :
		    "no answer");
		b->exit_code = 1;
		bench_phase(b, PHASE_DONE, now);
		return;
	}
	if (b->mode == MODE_IDLE) {
		bench_window_open(b, now);
		return;
	}
	bench_phase(b, PHASE_WARMUP, now);
	for (int i = 0; i < b->nbots; i++) {
		if (b->bots[i].state == BOT_READY &&
		    bench_active(b, &b->bots[i]))
			bot_start(&b->bots[i]);
	}
}

/* Move the run along; outstanding is what the bots still wait for. */
static void
bench_advance(struct bench *b, uint64_t now, unsigned outstanding)
{
	uint64_t	limit = (uint64_t)b->timeout_ms * 1000 + 1000000;

	switch (b->phase) {
	case PHASE_LOGIN:
		/* Nothing listens: do not go through every bot's retries. */
		if (b->settled == b->nall || (b->connects == 0 &&
		    b->connect_fails >= BENCH_GIVE_UP))
			bench_logins_done(b, now);
		break;
	case PHASE_WARMUP:
		if (now - b->phase_t < (uint64_t)(b->warmup * 1e6))
			break;
		if (bench_db_ask(b, &b->db0))
			bench_phase(b, PHASE_SYNC, now);
		else
			bench_window_open(b, now);
		break;
	case PHASE_MEASURE:
		if (now - b->win_start >= (uint64_t)(b->duration * 1e6))
			bench_window_close(b, now);
		break;
	case PHASE_DRAIN:
		if (outstanding > 0 && now - b->phase_t < limit)
			break;
		if (bench_db_ask(b, &b->db1))
			bench_phase(b, PHASE_SYNC_END, now);
		else
			bench_phase(b, PHASE_DONE, now);
		break;
	case PHASE_SYNC:
	case PHASE_SYNC_END:
		if (now - b->phase_t > limit)
			bench_db_done(b, false);
		break;
	case PHASE_DONE:
		break;
	}
}

/* The progress line of the last second, on stderr. */
static void
bench_progress(struct bench *b, uint64_t now)
{
	double	secs = (double)(now - b->ivl_t) / 1e6;
	double	t = (double)(now - (b->phase >= PHASE_MEASURE ? b->win_start :
		    b->phase_t)) / 1e6;

	if (b->phase == PHASE_LOGIN)
		fprintf(stderr, "login t=%.0fs online=%d/%d failed=%llu\n",
		    (double)(now - b->t0) / 1e6, b->online, b->nbots,
		    (unsigned long long)b->login_failed);
	else if (b->mode == MODE_IDLE)
		fprintf(stderr, "t=%.0fs online=%d/%d disconnects=%llu\n", t,
		    b->online, b->nbots, (unsigned long long)b->disconnects);
	else
		fprintf(stderr, "%st=%.0fs cmds=%llu (%.0f/s) p50=%.2fms "
		    "p99=%.2fms errors=%llu timeouts=%llu\n",
		    b->phase < PHASE_MEASURE ? "warmup " : "", t,
		    (unsigned long long)b->ivl_count,
		    secs > 0 ? (double)b->ivl.n / secs : 0,
		    hist_quantile(&b->ivl, 0.5) / 1000,
		    hist_quantile(&b->ivl, 0.99) / 1000,
		    (unsigned long long)b->all_errors,
		    (unsigned long long)b->all_timeouts);
	hist_reset(&b->ivl);
	b->ivl_t = now;
}

/* Ten times a second: deadlines, phases, and the progress line. */
static void
bench_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bench	*b = arg;
	uint64_t	 now = bench_now();
	unsigned	 outstanding = 0;

	(void)fd;
	(void)what;
	/* The loop itself late by more than 5 ms: keep-bench stalled. */
	if (b->phase == PHASE_MEASURE && b->sweep_t != 0 &&
	    now > b->sweep_t + BENCH_SWEEP_MS * 1000 + 5000) {
		struct slow	v = { .lat = now - b->sweep_t -
				    BENCH_SWEEP_MS * 1000, .bot = BENCH_NONE,
				    .sent = bench_wall(b, b->sweep_t +
				    BENCH_SWEEP_MS * 1000) };

		bench_slow_add(&b->stalls, &v);
	}
	b->sweep_t = now;
	for (int i = 0; i < b->nall; i++) {
		bot_sweep(&b->bots[i], now);
		if (!b->bots[i].admin)
			outstanding += b->bots[i].npend;
	}
	bench_advance(b, now, outstanding);
	if (now - b->ivl_t >= 1000000 && b->phase != PHASE_DONE)
		bench_progress(b, now);
}

/*
 * The login rate limiter: start queued connections as tokens allow, and
 * no more than --login-inflight logging in at once, so that keepd's login
 * queue never holds a login longer than the dialog's step timeout.
 */
static void
bench_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bench	*b = arg;
	uint64_t	 now = bench_now();
	double		 cap = b->login_rate / 20 > 1 ? b->login_rate / 20 : 1;
	struct bot	*bot;

	(void)fd;
	(void)what;
	b->tokens += (double)(now - b->tok_t) * b->login_rate / 1e6;
	b->tok_t = now;
	if (b->tokens > cap)
		b->tokens = cap;
	while (b->tokens >= 1 && b->qhead != BENCH_NONE &&
	    b->inlogin < b->login_inflight) {
		bot = &b->bots[b->qhead];
		b->qhead = bot->qnext;
		if (b->qhead == BENCH_NONE)
			b->qtail = BENCH_NONE;
		b->tokens -= 1;
		bot_connect(bot);
	}
}

/* SIGINT or SIGTERM: end the window now; a second one stops at once. */
static void
bench_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct bench	*b = arg;
	uint64_t	 now = bench_now();

	(void)sig;
	(void)what;
	if (++b->interrupts == 1 && b->phase == PHASE_MEASURE) {
		fprintf(stderr, "keep-bench: interrupted; finishing\n");
		bench_window_close(b, now);
		return;
	}
	if (b->phase == PHASE_LOGIN && b->logins == 0)
		b->exit_code = 1;
	bench_phase(b, PHASE_DONE, now);
}

/* Resolve --host and --port once. */
static bool
bench_resolve(struct bench *b)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *res;
	char		 port[16];
	int		 rc;

	snprintf(port, sizeof port, "%d", b->port);
	if ((rc = getaddrinfo(b->host, port, &hints, &res)) != 0) {
		fprintf(stderr, "keep-bench: %s: %s\n", b->host,
		    gai_strerror(rc));
		return false;
	}
	memcpy(&b->addr, res->ai_addr, res->ai_addrlen);
	b->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

/* Allow a descriptor per bot and some spare. */
static void
bench_nofile(int need)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= (rlim_t)need)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < (rlim_t)need)
		fprintf(stderr, "keep-bench: only %llu descriptors for %d "
		    "bots\n", (unsigned long long)rl.rlim_cur, need - 32);
}

/* Make the bots (and the admin) and put them in line to connect. */
static bool
bench_make_bots(struct bench *b)
{
	char	name[BOT_NAME];

	b->nall = b->nbots + (b->admin_name[0] != '\0');
	b->bots = calloc((size_t)b->nall, sizeof *b->bots);
	if (b->bots == NULL)
		return false;
	b->qhead = b->qtail = BENCH_NONE;
	if (b->admin_name[0] != '\0') {
		b->admin = &b->bots[b->nbots];
		bot_init(b->admin, b, (uint32_t)b->nbots, b->admin_name, true);
		bench_enqueue(b, b->admin);
	}
	for (int i = 0; i < b->nbots; i++) {
		(void)bench_bot_name(b->prefix, (uint32_t)i, name);
		bot_init(&b->bots[i], b, (uint32_t)i, name, false);
		bench_enqueue(b, &b->bots[i]);
	}
	return true;
}

/* Run the loop: timers, signals, then dispatch until done. */
static void
bench_run(struct bench *b)
{
	struct timeval	tick = { 0, BENCH_TICK_MS * 1000 };
	struct timeval	sweep = { 0, BENCH_SWEEP_MS * 1000 };

	b->tick = event_new(b->base, -1, EV_PERSIST, bench_tick_cb, b);
	b->sweep = event_new(b->base, -1, EV_PERSIST, bench_sweep_cb, b);
	b->sigint = evsignal_new(b->base, SIGINT, bench_signal_cb, b);
	b->sigterm = evsignal_new(b->base, SIGTERM, bench_signal_cb, b);
	event_add(b->tick, &tick);
	event_add(b->sweep, &sweep);
	event_add(b->sigint, NULL);
	event_add(b->sigterm, NULL);
	b->t0 = b->phase_t = b->tok_t = b->ivl_t = bench_now();
	b->tokens = 1;
	b->phase = PHASE_LOGIN;
	event_base_dispatch(b->base);
	getrusage(RUSAGE_SELF, &b->ru_end);
	if (b->win_end == 0 && b->win_start != 0) {
		b->win_end = bench_now();
		b->ru1 = b->ru_end;
	}
}

/* Close everything the run opened. */
static void
bench_free(struct bench *b)
{
	for (int i = 0; i < b->nall; i++)
		bot_close(&b->bots[i]);
	event_free(b->tick);
	event_free(b->sweep);
	event_free(b->sigint);
	event_free(b->sigterm);
	free(b->bots);
	map_free(&b->map);
	event_base_free(b->base);
}

/* Parse the options, run the bots, print the report. */
int
main(int argc, char **argv)
{
	static struct bench	b;
	char			err[512];
	struct timespec		ts;

	options_parse(&b, argc, argv);
	if (b.names) {
		char	name[BOT_NAME];

		for (int i = 0; i < b.nbots; i++) {
			(void)bench_bot_name(b.prefix, (uint32_t)i, name);
			printf("%s\n", name);
		}
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (b.nrooms > 0 && !map_load(&b.map, b.world, err, sizeof err)) {
		fprintf(stderr, "keep-bench: --rooms: %s\n", err);
		return 2;
	}
	for (int i = 0; i < b.nrooms; i++) {
		if (map_room(&b.map, b.rooms[i]) == NULL) {
			fprintf(stderr, "keep-bench: --rooms: no room %d in "
			    "%s\n", b.rooms[i], b.world);
			return 2;
		}
	}
	if (!bench_resolve(&b))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	bench_nofile(b.nbots + 32);
	clock_gettime(CLOCK_REALTIME, &ts);
	b.wall0 = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	b.mono0 = bench_now();
	b.seed = bench_now() ^ ((uint64_t)getpid() << 32);
	if ((b.base = event_base_new()) == NULL || !bench_make_bots(&b)) {
		fprintf(stderr, "keep-bench: out of memory\n");
		return 1;
	}
	bench_run(&b);
	if (b.json)
		report_json(&b, stdout);
	else
		report_text(&b, stdout);
	bench_free(&b);
	return b.exit_code;
}
