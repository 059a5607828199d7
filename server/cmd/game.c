/*
 * game.c — the dispatcher: turns input lines into jobs (one in flight per
 * session), runs each command as one transaction on a worker, and shows the
 * result only after COMMIT.  Also delivers committed messages to sessions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pool.h"
#include "db/store.h"
#include "cmd/cmd.h"
#include "cmd/cmd_gate.h"
#include "cmd/cmd_talk.h"
#include "cmd/cmd_mssp.h"
#include "cmd/dash.h"
#include "cmd/game.h"
#include "cmd/login.h"
#include "game/text.h"
#include "net/color.h"
#include "net/session.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/util.h"

static const struct config	*game_cfg;
static struct pool		*game_pool;
static char			 game_instance_id[STORE_UUID_LEN + 1];

#define GAME_RESISTS	"The world resists; try again.\n"
#define GAME_UNAVAILABLE "The world is out of reach for a moment; nothing " \
			"you did was lost. Try again shortly.\n"
#define GAME_ABORTED	"That did not happen: the world went out of reach " \
			"before it was saved. Nothing changed.\n"
#define GAME_IN_DOUBT	"The world went out of reach just as that was " \
			"saved; it may or may not have happened. Look again " \
			"in a moment.\n"

struct cmd_job {
	struct job		 job;
	uint64_t		 sid;
	int64_t			 char_id;
	const struct cmd_entry	*cmd;
	char			*args;
	char			 word[32];	/* as typed */
	char			 addr[64];	/* the session's peer */
	struct buf		 out;
	json_t			*gmcp;		/* [[package, body], ...] */
	bool			 close;
	enum role		 role;		/* the role the tx read */
	enum tx_result		 result;
	unsigned		 gmcp_want;	/* snapshot on the loop */
	int32_t			 last_room;	/* of the last Room.Info */
	int32_t			 guess_room;	/* the last command's room */
	char			 guess_name[STORE_NAME_MAX + 1];
	bool			 quiet;		/* gmcp_ready's: no text, no
						 * prompt, not the session's
						 * one job in flight */
	struct cmd_screen	 screen;	/* prompt, colour */
	bool			 gated;		/* refused by the role gate */
	uint64_t		 started;	/* the line's receipt */
	uint64_t		 run_start;	/* a worker took it */
	uint64_t		 run_end;	/* its transaction ended */
};

/* The row gmcp_ready runs: GMCP only, read-only, never typed. */
static const struct cmd_entry game_gmcp_row = {
	.name = "gmcp", .handler = cmd_gmcp_state, .flags = CMD_READ,
	.usage = "gmcp", .help = ""
};

/* Wire the game to the worker pool and configuration. */
void
game_init(const struct config *cfg, struct pool *pool, const char *instance)
{
	game_cfg = cfg;
	game_pool = pool;
	util_strlcpy(game_instance_id, instance, sizeof game_instance_id);
	login_init(cfg, pool, instance);
	cmd_mssp_init(cfg, pool);
	cmd_comm_init(cfg->room_message_rate);
}

/* A new connection: greet it and ask for a name. */
static void
game_session_start(struct session *s)
{
	login_start(s);
}

/* Worker: run the command's transaction. */
static void
game_cmd_run(struct job *job, struct store *st)
{
	struct cmd_job	*j = (struct cmd_job *)job;
	struct cmd_call	 call = { .cmd = j->cmd, .char_id = j->char_id,
			    .instance = game_instance_id, .sid = j->sid,
			    .args = j->args, .word = j->word,
			    .addr = j->addr, .out = &j->out,
			    .role = ROLE_PLAYER, .gmcp_want = j->gmcp_want,
			    .last_room = j->last_room,
			    .guess_room = j->guess_room,
			    .guess_name = j->guess_name };

	j->run_start = util_now_us();
	j->result = cmd_run(st, &call, game_cfg->tx_retries);
	j->run_end = util_now_us();
	j->close = call.close;
	j->screen = call.screen;
	/* Only what committed is shown (or a read-only look's rollback). */
	if (j->result == TXR_COMMITTED || j->result == TXR_ROLLED_BACK)
		j->gmcp = call.gmcp;
	else
		json_decref(call.gmcp);
	j->role = call.role;
	/* Probing staff commands leaves a trace (answered as unknown). */
	j->gated = call.gated && j->result == TXR_ROLLED_BACK;
	if (j->gated)
		log_session(LOG_INFO, j->sid, "%s refused by the role gate",
		    j->cmd->name);
	if (j->result == TXR_FAILED)
		log_session(LOG_ERROR, j->sid, "%s failed: %s (SQLSTATE %s)",
		    j->cmd->name, store_error(st), store_sqlstate(st));
}

/*
 * What the player reads when the transaction did not end as the command
 * meant: NULL when it did (its own output stands).
 */
static const char *
game_tx_message(enum tx_result r)
{
	switch (r) {
	case TXR_COMMITTED:
	case TXR_ROLLED_BACK:
		return NULL;
	case TXR_FAILED:
		return GAME_RESISTS;
	case TXR_UNAVAILABLE:
		return GAME_UNAVAILABLE;
	case TXR_ABORTED:
		return GAME_ABORTED;
	case TXR_IN_DOUBT:
		return GAME_IN_DOUBT;
	}
	return GAME_RESISTS;
}

/*
 * Whether a GMCP message repeats the last one of its package sent on the
 * session (Char.Vitals, Char.Status: sent only when they change); if not,
 * it becomes the last one.
 */
static bool
game_gmcp_repeat(struct session *s, const char *package, json_t *body)
{
	struct login_screen	*ls = login_screen(s);
	json_t			**last;

	if (ls == NULL)
		return false;
	if (strcmp(package, "Char.Vitals") == 0)
		last = &ls->vitals;
	else if (strcmp(package, "Char.Status") == 0)
		last = &ls->status;
	else
		return false;
	if (*last != NULL && json_equal(*last, body))
		return true;
	json_decref(*last);
	*last = json_incref(body);
	return false;
}

/* Send a command's GMCP messages ([[package, body], ...]) the session wants. */
static void
game_send_gmcp(struct session *s, json_t *msgs)
{
	size_t	 i;
	json_t	*m;

	json_array_foreach(msgs, i, m) {
		const char	*package = json_string_value(json_array_get(m,
				    0));
		json_t		*body = json_array_get(m, 1);

		if (package == NULL || !session_gmcp_wants(s, package) ||
		    game_gmcp_repeat(s, package, body))
			continue;
		session_gmcp(s, package, json_incref(body));
	}
}

/* The GMCP packages the session wants now (enum cmd_gmcp_want bits). */
unsigned
game_gmcp_want(const struct session *s)
{
	unsigned	w = 0;

	if (session_gmcp_wants(s, "Room.Info"))
		w |= CMD_GMCP_ROOM;
	if (session_gmcp_wants(s, "Char.Vitals"))
		w |= CMD_GMCP_VITALS;
	if (session_gmcp_wants(s, "Char.Status"))
		w |= CMD_GMCP_STATUS;
	if (session_gmcp_wants(s, "Char.Items.List"))
		w |= CMD_GMCP_ITEMS;
	if (session_gmcp_wants(s, "Comm.Channel.Text"))
		w |= CMD_GMCP_COMM;
	return w;
}

/*
 * The session's colour from the stored setting and what the client said
 * (docs/protocol.md, "Colour"): on is colour at the client's best depth,
 * off none, auto colour only for an ANSI terminal without a screen reader.
 */
static void
game_apply_color(struct session *s, const char *setting)
{
	const struct session_caps	*c = session_caps(s);
	enum color_mode			 best = c->xterm256 ? COLOR_256 :
					    COLOR_16;

	if (strcmp(setting, "on") == 0)
		session_set_color(s, best);
	else if (strcmp(setting, "auto") == 0 && c->ansi && !c->screenreader)
		session_set_color(s, best);
	else
		session_set_color(s, COLOR_OFF);
}

/* After a committed transaction: prompt, colour and GMCP, on the loop. */
void
game_screen_done(struct session *s, const struct cmd_screen *scr,
    unsigned want, json_t *gmcp)
{
	struct login_screen	*ls = login_screen(s);

	if (ls != NULL && scr->prompt[0] != '\0') {
		util_strlcpy(ls->prompt, scr->prompt, sizeof ls->prompt);
		/* The client has the Room.Info of this room by now. */
		if (want & CMD_GMCP_ROOM)
			ls->room = scr->room;
		/* The next command's guesses (cmd_run_spec). */
		ls->guess_room = scr->room;
		util_strlcpy(ls->guess_name, scr->name,
		    sizeof ls->guess_name);
		game_apply_color(s, scr->color);
	}
	game_send_gmcp(s, gmcp);
}

/* Show the session's last computed prompt ("> " before the first). */
void
game_prompt(struct session *s)
{
	const struct login_screen	*ls = login_screen(s);

	session_prompt(s, ls != NULL && ls->prompt[0] != '\0' ? ls->prompt :
	    "> ");
}

/* keep_commands_total's result for a transaction's outcome. */
static enum metrics_cmd_result
game_metrics_result(const struct cmd_job *j)
{
	static const enum metrics_cmd_result	by_tx[TXR_COUNT] = {
		[TXR_COMMITTED] = METRICS_CMD_OK,
		[TXR_ROLLED_BACK] = METRICS_CMD_OK,
		[TXR_FAILED] = METRICS_CMD_ERROR,
		[TXR_UNAVAILABLE] = METRICS_CMD_UNAVAILABLE,
		[TXR_ABORTED] = METRICS_CMD_ABORTED,
		[TXR_IN_DOUBT] = METRICS_CMD_IN_DOUBT
	};

	return j->gated ? METRICS_CMD_DENIED : by_tx[j->result];
}

/*
 * A command slower than slow_command_ms, logged with where its time went:
 * behind the session's previous command (from the line's arrival to its
 * job's submission), waiting for a worker, in its transaction (retries
 * included), and handed back to the loop.  The stalls p99.9 shows.
 */
static void
game_slow(const struct cmd_job *j, uint64_t now)
{
	uint64_t	total = now - j->started;

	if (game_cfg->slow_command_ms == 0 ||
	    total < (uint64_t)game_cfg->slow_command_ms * 1000 ||
	    j->run_start == 0)
		return;
	log_session(LOG_WARN, j->sid, "slow command %s: %.1f ms (behind the "
	    "previous %.1f, queued %.1f, transaction %.1f, hand-back %.1f; "
	    "%zu jobs queued now)", j->cmd->name, (double)total / 1000,
	    (double)(j->job.submitted - j->started) / 1000,
	    (double)(j->run_start - j->job.submitted) / 1000,
	    (double)(j->run_end - j->run_start) / 1000,
	    (double)(now - j->run_end) / 1000, pool_queued(game_pool));
}

/* Loop thread: show the committed result, then the prompt. */
static void
game_cmd_done(struct job *job)
{
	struct cmd_job	*j = (struct cmd_job *)job;
	struct session	*s = session_find(j->sid);
	const char	*msg = game_tx_message(j->result);

	if (s != NULL && j->quiet) {
		if (msg == NULL && login_playing(s))
			game_screen_done(s, &j->screen, j->gmcp_want, j->gmcp);
	} else if (s != NULL) {
		/* The role is the transaction's; the loop keeps it only to
		 * look the next word up (cmd_run checks it every time). */
		if (j->result == TXR_COMMITTED || j->result == TXR_ROLLED_BACK)
			login_set_role(s, (int)j->role);
		if (msg == NULL)
			game_screen_done(s, &j->screen, j->gmcp_want, j->gmcp);
		session_write(s, msg != NULL ? msg : buf_str(&j->out));
		/* A command that did not happen does not end the session. */
		if (msg != NULL && j->result != TXR_FAILED)
			j->close = false;
		/* At shutdown the goodbye follows the reply, not a prompt. */
		if (j->close)
			session_close(s, NULL);
		else if (!session_shutting_down())
			game_prompt(s);
		session_job_done(s);
	}
	if (!j->quiet) {
		uint64_t	now = util_now_us();

		metrics_command(cmd_index(j->cmd),
		    game_metrics_result(j), now - j->started);
		game_slow(j, now);
	}
	buf_free(&j->out);
	json_decref(j->gmcp);
	free(j->args);
	free(j);
}

/* Refuse a line without a transaction, and prompt again. */
static void __attribute__((format(printf, 2, 3)))
game_refuse(struct session *s, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	session_vprintf(s, fmt, ap);
	va_end(ap);
	game_prompt(s);
}

/* A command job for a playing session, its GMCP wishes snapshot. */
static struct cmd_job *
game_job(struct session *s, const struct cmd_entry *cmd, const char *args)
{
	struct cmd_job			*j = xcalloc(1, sizeof *j);
	const struct login_screen	*ls = login_screen(s);

	j->job.run = game_cmd_run;
	j->job.done = game_cmd_done;
	j->sid = s->id;
	j->char_id = s->key;		/* the login set it */
	j->cmd = cmd;
	j->args = xstrdup(args);
	util_strlcpy(j->addr, s->peer, sizeof j->addr);
	j->gmcp_want = game_gmcp_want(s);
	j->last_room = ls != NULL ? ls->room : 0;
	if (ls != NULL) {
		j->guess_room = ls->guess_room;
		util_strlcpy(j->guess_name, ls->guess_name,
		    sizeof j->guess_name);
	}
	return j;
}

/*
 * A client enabled GMCP packages (Core.Supports.Set/Add): send their
 * state at once, from a read-only job of its own (no text, no prompt).
 */
static void
game_gmcp_ready(struct session *s)
{
	struct cmd_job	*j;

	if (!login_playing(s) || s->key == 0)
		return;
	j = game_job(s, &game_gmcp_row, "");
	j->quiet = true;
	j->last_room = 0;
	pool_submit(game_pool, &j->job);
}

/* Count a line refused before any transaction (usage, abbreviation). */
static void
game_count_refused(const struct cmd_entry *cmd, uint64_t started)
{
	metrics_command(cmd_index(cmd), METRICS_CMD_REFUSED,
	    util_now_us() - started);
}

/*
 * A playing session's line: clean it, look the command up, check it, queue
 * the job.  The cleaning happens here, once, so no handler ever sees (and
 * no other player is ever sent) a character their terminal would obey.
 */
static void
game_command(struct session *s, const char *raw)
{
	const struct cmd_entry	*cmd;
	const char		*args, *name;
	char			 word[32], line[TELNET_MAX_LINE + 1];
	char			 usage[128];
	bool			 refused;
	uint64_t		 started;
	struct cmd_job		*j;
	struct buf		 huh = { 0 };
	enum role		 role = (enum role)login_role(s);

	util_strlcpy(line, raw, sizeof line);
	text_strip_controls(line);
	cmd_split(line, word, sizeof word, &args);
	if (word[0] == '\0') {
		game_prompt(s);
		return;
	}
	started = s->line_at != 0 ? s->line_at : util_now_us();
	/*
	 * Rows above the role the last command read are not offered here
	 * (suggestions, usage); a word only such a row answers goes to the
	 * transaction, which reads the role and answers "Huh?" exactly as
	 * for an unknown word if it is still too low (so a promotion counts
	 * at once).
	 */
	if ((cmd = cmd_lookup_role(word, role, &name, &refused)) == NULL &&
	    (cmd = cmd_lookup_role(word, ROLE_OWNER, &name, &refused)) ==
	    NULL) {
		cmd_huh(&huh, word, role);
		game_refuse(s, "%s", buf_str(&huh));
		buf_free(&huh);
		metrics_command(-1, METRICS_CMD_UNKNOWN, util_now_us() -
		    started);
		return;
	}
	if (cmd->min_role > role)
		refused = false;	/* cmd_run checks, after the role */
	else if (refused) {
		game_refuse(s, "To %s, type the whole word.\n", name);
		game_count_refused(cmd, started);
		return;
	}
	if ((cmd->flags & CMD_ARGS) && *args == '\0' &&
	    cmd->min_role <= role) {
		game_refuse(s, "Usage: %s\n", cmd_usage(cmd, name, usage,
		    sizeof usage));
		game_count_refused(cmd, started);
		return;
	}
	j = game_job(s, cmd, args);
	j->started = started;
	util_strlcpy(j->word, word, sizeof j->word);
	session_job_start(s);
	pool_submit(game_pool, &j->job);
}

/* One input line when no job is running. */
static void
game_input(struct session *s, const char *line)
{
	if (login_playing(s))
		game_command(s, line);
	else
		login_input(s, line);
}

/* Show the prompt the session is waiting at again. */
static void
game_reprompt(struct session *s)
{
	if (login_playing(s))
		game_prompt(s);
	else
		login_reprompt(s);
}

/* The session is going away: end it in the database. */
static void
game_session_end(struct session *s)
{
	login_end(s);
}

/* What the network layer calls in the game (session_listen). */
const struct session_cbs game_session_cbs = {
	.open = game_session_start,
	.line = game_input,
	.reprompt = game_reprompt,
	.close = game_session_end,
	.mssp = cmd_mssp_telnet,
	.gmcp_ready = game_gmcp_ready,
};

/*
 * Write a message to each of its recipients playing on this process
 * (a session's key is its character's id once it plays).  A talk line's
 * Comm.Channel.Text is the same for every recipient: built once, for the
 * first that wants it; the text's bytes are rendered once per colour mode
 * and width (session_batch_text), the prompt comes at the batch's end.
 */
static void
game_deliver_to(const struct store_message *m)
{
	json_t	*comm = NULL;

	session_batch_message(m->text);
	for (size_t i = 0; i < m->nto; i++) {
		struct session	*s = session_find_key(m->to[i]);

		if (s == NULL || !login_playing(s))
			continue;
		if (m->channel[0] != '\0' &&
		    session_gmcp_wants(s, "Comm.Channel.Text")) {
			if (comm == NULL)
				comm = cmd_talk_channel_json(m->channel,
				    m->talker, m->text);
			session_gmcp(s, "Comm.Channel.Text", json_incref(comm));
		}
		session_batch_text(s);
	}
	json_decref(comm);
}

/* A kick: close that session if it is one of this process's. */
static void
game_deliver_kick(const struct store_message *m)
{
	struct session	*s;

	if (strcmp(m->kick_instance, game_instance_id) != 0)
		return;
	s = session_find((uint64_t)m->kick_session);
	if (s == NULL || s->closing)
		return;
	log_session(LOG_INFO, s->id, "taken over by a new login");
	if (s->at_prompt)
		session_write(s, "\n");
	/* The new session owns the character now; do not end it on close. */
	session_unset_key(s);
	session_close(s, m->text);
}

/*
 * Committed messages from the listener, in order: deliver them to local
 * sessions; each session that got any shows its prompt once, at the end.
 */
void
game_deliver(const struct store_message *msgs, size_t n, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < n; i++) {
		const struct store_message	*m = &msgs[i];

		dash_event(m);
		if (m->kick_instance[0] != '\0')
			game_deliver_kick(m);
		else
			game_deliver_to(m);
	}
	session_batch_end();
}
