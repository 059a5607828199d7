/*
 * bot.c — one bot: a telnet connection to keepd, the login dialog, the walk
 * to where it starts, and the command mix.
 *
 * bot_read.c turns what keepd sends into blocks (the text between two
 * prompts) with flags for the lines they hold.  When IAC GA or IAC EOR ends
 * a block, it is matched against the oldest command still waiting:
 *
 *   - an error line ("The world resists", "Huh?") makes it an error;
 *   - the command's own marker ("Exits:", "You say, '", "HP: " ...) an
 *     answer, a known refusal ("You can't go that way.") a refusal;
 *   - a block that starts with CR LF right after the previous prompt and
 *     has neither is a notification keepd sent on its own (someone spoke,
 *     arrived, left): the command is still waiting;
 *   - anything else is an unexpected answer, counted as an error.
 *
 * Notifications that come while a command runs are sent before its answer,
 * in the same block, so they do not disturb the matching.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <event2/buffer.h>

#include "bench.h"

#define BOT_TRIES	3		/* connection attempts in a row */
#define BOT_BACKOFF_MS	500
#define BOT_LOGIN_STEP_US	30000000ULL	/* one step of the dialog */
#define BOT_CROWD_STEPS	30		/* walking to a crowd room */

/* What answers each kind, and what refuses it. */
static const uint32_t bot_ok[KIND_N + 1] = {
	[KIND_LOOK] = BLK_ROOM, [KIND_MOVE] = BLK_ROOM, [KIND_SAY] = BLK_SAY,
	[KIND_SCORE] = BLK_SCORE, [KIND_WHO] = BLK_WHO, [KIND_GIVE] = BLK_GIVE,
	[KIND_INV] = BLK_INV, [KIND_GET] = BLK_GET,
	[KIND_FLEE] = BLK_FLEE | BLK_ROOM,
	[KIND_DBSTATS] = BLK_DBSTATS,
};
static const uint32_t bot_refused[KIND_N + 1] = {
	[KIND_MOVE] = BLK_REF_MOVE, [KIND_GIVE] = BLK_REF_GIVE,
	[KIND_GET] = BLK_REF_GET, [KIND_FLEE] = BLK_REF_FLEE,
};

static void	bot_read_cb(struct bufferevent *, void *);
static void	bot_event_cb(struct bufferevent *, short, void *);
static void	bot_timer_cb(evutil_socket_t, short, void *);
static void	bot_setup_step(struct bot *);
static void	bot_next(struct bot *);

/* Set a bot up (no connection yet). */
void
bot_init(struct bot *bot, struct bench *b, uint32_t idx, const char *name,
    bool admin)
{
	memset(bot, 0, sizeof *bot);
	bot->bench = b;
	bot->idx = idx;
	bot->admin = admin;
	bot->qnext = BENCH_NONE;
	bot->rng = b->seed ^ ((uint64_t)(idx + 1) * 0x9e3779b97f4a7c15ULL);
	if (b->nrooms > 0)
		bot->target = b->rooms[idx % (uint32_t)b->nrooms];
	snprintf(bot->name, sizeof bot->name, "%s", name);
	evtimer_assign(&bot->timer, b->base, bot_timer_cb, bot);
}

/* The bot is no longer connecting or logging in (counted once). */
void
bot_login_over(struct bot *bot)
{
	if (bot->in_login) {
		bot->in_login = false;
		bot->bench->inlogin--;
	}
}

/* Free the connection (not the bot); the bot is offline afterwards. */
static void
bot_drop_conn(struct bot *bot)
{
	bot_login_over(bot);
	evtimer_del(&bot->timer);
	if (bot->bev != NULL) {
		bufferevent_free(bot->bev);
		bot->bev = NULL;
	}
	if (bot->online) {
		bot->online = false;
		bot->bench->online--;
	}
}

/* Give up on this bot for good. */
static void
bot_give_up(struct bot *bot, const char *why)
{
	bot_drop_conn(bot);
	bot->state = BOT_GONE;
	bench_bot_failed(bot->bench, bot, why);
}

/* Connecting or logging in failed: try again after a pause, or give up. */
static void
bot_retry(struct bot *bot, const char *why)
{
	struct bench	*b = bot->bench;
	struct timeval	 tv;

	bot_drop_conn(bot);
	if (++bot->attempts >= BOT_TRIES || b->phase >= PHASE_DRAIN) {
		bot_give_up(bot, why);
		return;
	}
	bot->state = BOT_BACKOFF;
	tv.tv_sec = 0;
	tv.tv_usec = BOT_BACKOFF_MS * 1000L;
	evtimer_add(&bot->timer, &tv);
}

/*
 * The connection ended under a logged-in bot: count what was waiting as
 * outcome, and log in again while the run goes on.
 */
static void
bot_lost(struct bot *bot, enum outcome outcome, const char *why)
{
	struct bench	*b = bot->bench;
	uint64_t	 now = bench_now();

	if (bot->state == BOT_CONNECTING || bot->state == BOT_LOGIN) {
		bot_retry(bot, why);
		return;
	}
	while (bot->npend > 0) {
		struct pend	p = bot->pend[bot->head];

		bot->head = (uint8_t)((bot->head + 1) % BOT_RING);
		bot->npend--;
		if (p.kind == KIND_DBSTATS)
			bench_db_done(b, false);
		else
			bench_record(b, bot, &p, now, outcome);
	}
	bot_drop_conn(bot);
	if (b->phase != PHASE_DONE)
		b->disconnects++;
	if (b->phase >= PHASE_DRAIN) {
		bot->state = BOT_GONE;
		return;
	}
	bench_enqueue(b, bot);
}

/* Open the connection and start the login dialog. */
void
bot_connect(struct bot *bot)
{
	struct bench	*b = bot->bench;

	bot_read_reset(bot);
	bot->state = BOT_CONNECTING;
	bot->in_login = true;
	b->inlogin++;
	bot->step_t = bot->login_t = bench_now();
	bot->bev = bufferevent_socket_new(b->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bot->bev == NULL) {
		bot_retry(bot, "cannot make a socket");
		return;
	}
	bufferevent_setcb(bot->bev, bot_read_cb, NULL, bot_event_cb, bot);
	bufferevent_enable(bot->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(bot->bev, (struct sockaddr *)&b->addr,
	    (int)b->addrlen) != 0)
		bot_retry(bot, strerror(errno));
}

/* Close the connection for good (end of the run). */
void
bot_close(struct bot *bot)
{
	bot_drop_conn(bot);
	bot->state = BOT_GONE;
}

/* Send one line; for a command, remember it as waiting. */
static void
bot_send(struct bot *bot, char *buf, size_t len, int kind, bool measured)
{
	struct pend	*p;

	if (bot->bev == NULL)
		return;
	buf[len++] = '\r';
	buf[len++] = '\n';
	if (kind >= 0) {
		if (bot->npend == BOT_RING)
			return;
		p = &bot->pend[(bot->head + bot->npend) % BOT_RING];
		p->t = bench_now();
		p->kind = (uint8_t)kind;
		p->measured = measured;
		bot->npend++;
	}
	bufferevent_write(bot->bev, buf, len);
}

/* Send a line of the login dialog. */
static void
bot_say_line(struct bot *bot, const char *text)
{
	char	buf[BOT_LINE + 2];
	size_t	len = strnlen(text, BOT_LINE - 1);

	memcpy(buf, text, len);
	bot_send(bot, buf, len, -1, false);
}

/*
 * A random direction among the exits of the last room seen, or -1.  In
 * crowd mode only exits to another of --rooms count.
 */
static int
bot_random_exit(struct bot *bot)
{
	struct bench		*b = bot->bench;
	const struct map_room	*r;
	int			 dirs[MAP_DIRS], n = 0;

	if (b->nrooms > 0) {
		if ((r = map_room(&b->map, bot->room)) == NULL)
			return -1;
		if (!bench_crowd_room(b, r->id))	/* fled: walk back */
			return map_step(&b->map, r->id, bot->target);
		for (int d = 0; d < MAP_DIRS; d++) {
			if (r->exit[d] != 0 && bench_crowd_room(b, r->exit[d]))
				dirs[n++] = d;
		}
	} else {
		for (int d = 0; d < MAP_DIRS; d++) {
			if (bot->exits & (1u << d))
				dirs[n++] = d;
		}
	}
	if (n == 0)
		return -1;
	return dirs[bench_rand(&bot->rng) % (uint64_t)n];
}

/* Send a move in direction d. */
static void
bot_send_move(struct bot *bot, int d, bool measured)
{
	char	buf[16];
	size_t	len = strlen(map_dirs[d]);

	memcpy(buf, map_dirs[d], len);
	bot_send(bot, buf, len, KIND_MOVE, measured);
}

/* Choose the next command from the mix and send it. */
static void
bot_next(struct bot *bot)
{
	struct bench	*b = bot->bench;
	bool		 measured = b->phase == PHASE_MEASURE;
	char		 buf[64];
	int		 kind, d = -1, len;
	const char	*text = "look";

	kind = bot->must_flee ? KIND_FLEE : (int)bench_pick(b, &bot->rng);
	bot->must_flee = false;
	switch (kind) {
	case KIND_MOVE:
		if ((d = bot_random_exit(bot)) >= 0) {
			bot_send_move(bot, d, measured);
			return;
		}
		kind = KIND_LOOK;
		break;
	case KIND_SAY:
		text = "say hello from the bench";
		break;
	case KIND_SCORE:
		text = "score";
		break;
	case KIND_WHO:
		text = "who";
		break;
	case KIND_INV:
		text = "inventory";
		break;
	case KIND_GET:
		text = bot->get_drop ? "drop all" : "get all";
		bot->get_drop = !bot->get_drop;
		break;
	case KIND_FLEE:
		text = "flee";
		break;
	case KIND_GIVE:
		if (bot->nnames > 0) {
			len = snprintf(buf, sizeof buf - 2,
			    "give 1 coins to %s",
			    bot->names[bench_rand(&bot->rng) % bot->nnames]);
			bot_send(bot, buf, (size_t)len, KIND_GIVE, measured);
			return;
		}
		kind = KIND_LOOK;	/* nobody to give to: look instead */
		break;
	default:
		kind = KIND_LOOK;
		break;
	}
	len = (int)strlen(text);
	memcpy(buf, text, (size_t)len);
	bot_send(bot, buf, (size_t)len, kind, measured);
}

/*
 * Schedule the next open-loop command: exponential gaps (a Poisson stream)
 * added to the time the last one was due, not to when its timer fired, so
 * that late timers do not lower the rate.
 */
static void
bot_pace(struct bot *bot, bool first)
{
	struct bench	*b = bot->bench;
	double		 u = (double)(bench_rand(&bot->rng) >> 11) /
			    (double)(1ULL << 53), gap;
	uint64_t	 now = bench_now(), wait;
	struct timeval	 tv;

	gap = first ? u / b->rate : -log(1 - u) / b->rate;
	if (gap > 60)
		gap = 60;
	if (first || bot->due + 1000000 < now)
		bot->due = now;		/* start, or a second behind: resync */
	bot->due += (uint64_t)(gap * 1e6);
	wait = bot->due > now ? bot->due - now : 0;
	tv.tv_sec = (time_t)(wait / 1000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000);
	evtimer_add(&bot->timer, &tv);
}

/* The run started: a ready bot starts sending. */
void
bot_start(struct bot *bot)
{
	struct bench	*b = bot->bench;

	bot->state = BOT_RUNNING;
	if (b->mode == MODE_CLOSED && bot->npend == 0)
		bot_next(bot);
	else if (b->mode == MODE_OPEN)
		bot_pace(bot, true);
}

/* The bot's timer: the back-off ended, or an open-loop command is due. */
static void
bot_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bot	*bot = arg;
	struct bench	*b = bot->bench;

	(void)fd;
	(void)what;
	if (bot->state == BOT_BACKOFF) {
		bench_enqueue(b, bot);
		return;
	}
	if (bot->state != BOT_RUNNING || !bench_sending(b))
		return;
	bot_pace(bot, false);
	if (bot->npend >= BOT_PIPELINE) {
		/* keepd would call this a flood; the run is overloaded. */
		if (b->phase == PHASE_MEASURE)
			b->skipped++;
		return;
	}
	bot_next(bot);
}

/* The admin runs dbstats; false if it cannot. */
bool
bot_dbstats(struct bot *bot)
{
	char	buf[16] = "dbstats";

	if (bot == NULL || bot->bev == NULL || bot->state != BOT_READY)
		return false;
	bot_send(bot, buf, 7, KIND_DBSTATS, false);
	return true;
}

/* Logged in: walk to the start, wait for the run, or rejoin it. */
static void
bot_logged_in(struct bot *bot)
{
	struct bench	*b = bot->bench;

	bot->attempts = 0;
	bot_login_over(bot);
	if (!bot->admin) {
		bot->online = true;
		b->online++;
	}
	if (!bot->ever_in) {
		bot->ever_in = true;
		if (!bot->admin) {
			hist_add(&b->login, bench_now() - bot->login_t);
			b->logins++;
		}
	} else
		b->reconnects++;
	bot->state = BOT_READY;
	/* The admin and the idle (--active) stay where they logged in. */
	if (!bench_active(b, bot) || (b->mode == MODE_IDLE &&
	    b->nrooms == 0)) {
		bench_bot_ready(b, bot);
		return;
	}
	if (b->phase != PHASE_LOGIN) {
		if (bench_sending(b) && b->mode != MODE_IDLE)
			bot_start(bot);
		return;
	}
	bot->state = BOT_SETUP;
	if (b->nrooms > 0)
		bot->setup_left = BOT_CROWD_STEPS;
	else
		bot->setup_left = (uint8_t)(2 + bench_rand(&bot->rng) % 5);
	bot_setup_step(bot);
}

/* One step of the walk to where the bot starts, or ready. */
static void
bot_setup_step(struct bot *bot)
{
	struct bench	*b = bot->bench;
	char		 buf[16] = "flee";
	int		 d = -1;

	if (bot->setup_left > 0 && bot->must_flee) {
		bot->setup_left--;
		bot->must_flee = false;
		bot_send(bot, buf, 4, KIND_FLEE, false);
		return;
	}
	if (bot->setup_left > 0) {
		bot->setup_left--;
		if (b->nrooms == 0)
			d = bot_random_exit(bot);
		else if (bot->room != bot->target &&
		    (d = map_step(&b->map, bot->room, bot->target)) < 0)
			b->lost++;
	} else if (b->nrooms > 0 && bot->room != bot->target)
		b->lost++;
	if (d < 0) {
		bot->state = BOT_READY;
		bench_bot_ready(b, bot);
		return;
	}
	bot_send_move(bot, d, false);
}

/*
 * Whether a block's trailing text is the game's prompt: it ends in "> "
 * (the default `<20/20hp> `, or the old `> `; issue 10).
 */
static bool
bot_game_prompt(const char *p, size_t n)
{
	return n >= 2 && strcmp(p + n - 2, "> ") == 0;
}

/* A prompt of the login dialog. */
static void
bot_login_prompt(struct bot *bot, const char *p, size_t n, uint32_t flags)
{
	struct bench	*b = bot->bench;

	bot->step_t = bench_now();
	if (n >= 6 && strcmp(p + n - 6, "Name: ") == 0) {
		if (flags & BLK_BADPW)
			bot_give_up(bot, "wrong password");
		else if (flags & BLK_BADNAME)
			bot_give_up(bot, "name refused");
		else if (++bot->name_prompts > 3)
			bot_give_up(bot, "the login dialog went round");
		else
			bot_say_line(bot, bot->name);
	} else if (strstr(p, "(yes/no)") != NULL)
		bot_say_line(bot, "yes");
	else if (n >= 9 && strcmp(p + n - 9, "assword: ") == 0)
		bot_say_line(bot, bot->admin ? b->admin_pw : b->password);
	else if (bot_game_prompt(p, n))
		bot_logged_in(bot);
}

/* A block answered (or not) the oldest command waiting. */
static void
bot_answer(struct bot *bot, uint32_t flags)
{
	struct bench	*b = bot->bench;
	struct pend	 p;
	enum outcome	 out;

	if (bot->npend == 0) {
		b->notes++;	/* a notification; nothing waits */
		return;
	}
	p = bot->pend[bot->head];
	if (flags & BLK_ERROR)
		out = OUT_ERROR;
	else if (flags & bot_ok[p.kind])
		out = OUT_OK;
	else if (flags & bot_refused[p.kind])
		out = OUT_REFUSED;
	else if (flags & BLK_LEAD_BLANK) {
		b->notes++;	/* a notification before the answer */
		return;
	}
	else {
		out = OUT_ERROR;
		bench_unexpected(b, bot, bot->first);
	}
	bot->head = (uint8_t)((bot->head + 1) % BOT_RING);
	bot->npend--;
	if (flags & BLK_FIGHTING)
		bot->must_flee = true;
	if (p.kind == KIND_DBSTATS) {
		bench_db_done(b, out == OUT_OK);
		return;
	}
	bench_record(b, bot, &p, bench_now(), out);
	if (bot->state == BOT_SETUP)
		bot_setup_step(bot);
	else if (bot->state == BOT_RUNNING && b->mode == MODE_CLOSED &&
	    bench_sending(b) && bot->npend == 0)
		bot_next(bot);
}

/* A block ended with a prompt: one of the login dialog, or a command's. */
void
bot_block(struct bot *bot, uint32_t flags, const char *prompt, size_t n)
{
	if (bot->state == BOT_LOGIN)
		bot_login_prompt(bot, prompt, n, flags);
	else if (bot_game_prompt(prompt, n))
		bot_answer(bot, flags);
}

/* Readable socket: parse everything that came. */
static void
bot_read_cb(struct bufferevent *bev, void *arg)
{
	struct bot	*bot = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	uint8_t		 buf[8192];
	int		 n;

	while (bot->bev == bev && (n = evbuffer_remove(in, buf,
	    sizeof buf)) > 0)
		bot_read_feed(bot, buf, (size_t)n);
}

/* Connected, or the connection ended. */
static void
bot_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct bot	*bot = arg;
	char		 why[128];
	int		 one = 1;

	if (what & BEV_EVENT_CONNECTED) {
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY,
		    &one, sizeof one);
		bot->state = BOT_LOGIN;
		bot->step_t = bench_now();
		bot->bench->connects++;
		return;
	}
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	if (bot->state == BOT_CONNECTING) {
		bot->bench->connect_fails++;
		snprintf(why, sizeof why, "cannot connect: %s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		snprintf(bot->bench->why, sizeof bot->bench->why, "%s", why);
		bot_retry(bot, why);
	} else
		bot_lost(bot, OUT_ERROR, (what & BEV_EVENT_EOF) ?
		    "closed by keepd" : "connection error");
}

/* Check the bot's deadlines. */
void
bot_sweep(struct bot *bot, uint64_t now)
{
	struct bench	*b = bot->bench;
	uint64_t	 limit = (uint64_t)b->timeout_ms * 1000;

	switch (bot->state) {
	case BOT_CONNECTING:
	case BOT_LOGIN:
		if (limit < BOT_LOGIN_STEP_US)
			limit = BOT_LOGIN_STEP_US;
		if (now - bot->step_t > limit)
			bot_retry(bot, bot->state == BOT_CONNECTING ?
			    "connecting timed out" : "login timed out");
		break;
	case BOT_SETUP:
	case BOT_READY:
	case BOT_RUNNING:
		if (bot->npend > 0 && now - bot->pend[bot->head].t > limit)
			bot_lost(bot, OUT_TIMEOUT, "timeout");
		break;
	default:
		break;
	}
}
