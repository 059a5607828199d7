/*
 * cmd_talk.c — talking beyond say: tell and reply (to a player on any
 * keepd, or kept for one who is offline), emote, shout (the area), chat
 * (everyone with it on), afk, and the read-only exits and save.
 *
 * Every line to others is a messages row written in this transaction
 * (store_talk.c), so it reaches them only if the command commits; the
 * speaker's own copy, and its GMCP Comm.Channel.Text, are the reply.  A
 * character may send CMD_TALK_RATE tells, shouts and chat lines a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_talk.h"
#include "cmd/cmd_util.h"
#include "db/store_talk.h"
#include "net/color.h"
#include "ops/util.h"

#define TALK_TOO_FAST	"You are talking too fast; wait a moment."

/* The body of Comm.Channel.Text for a line as shown (markup removed). */
json_t *
cmd_talk_channel_json(const char *channel, const char *talker,
    const char *line)
{
	char	*plain = xstrdup(line);
	json_t	*body;

	color_strip(plain);
	body = json_pack("{s:s,s:s,s:s}", "channel", channel, "talker",
	    talker, "text", plain);
	free(plain);
	return body;
}

/* Queue Comm.Channel.Text for the speaker, if its client wants it. */
void
cmd_talk_gmcp(struct cmd_ctx *ctx, const char *channel, const char *talker,
    const char *line)
{
	json_t	*body;

	if ((ctx->gmcp_want & CMD_GMCP_COMM) == 0)
		return;
	if ((body = cmd_talk_channel_json(channel, talker, line)) != NULL)
		cmd_gmcp(ctx, "Comm.Channel.Text", body);
}

/* Write line (with its markup) and queue its GMCP for the speaker. */
static void
talk_echo(struct cmd_ctx *ctx, const char *channel, const char *line)
{
	buf_printf(ctx->out, "%s\n", line);
	cmd_talk_gmcp(ctx, channel, ctx->me.name, line);
}

/* Refuse when the actor sent CMD_TALK_RATE lines in the last second. */
static enum tx_rc
talk_rate(struct cmd_ctx *ctx)
{
	enum store_rc	rc = store_talk_rate(ctx->store, ctx->me.id,
			    CMD_TALK_RATE);

	return rc == STORE_OK ? TX_COMMIT : cmd_refuse_rc(ctx, rc,
	    TALK_TOO_FAST);
}

/* Tell the character called name text: the body of tell and reply. */
static enum tx_rc
talk_tell(struct cmd_ctx *ctx, const char *name, const char *text)
{
	struct store_talk_who	 to;
	enum store_rc		 rc;
	enum tx_rc		 trc;
	char			*line;
	bool			 online;

	if (cmd_muted(ctx))
		return TX_ROLLBACK;
	if ((rc = store_talk_find(ctx->store, name, &to)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no one called %s.",
		    name);
	if (to.id == ctx->me.id)
		return cmd_refuse_rc(ctx, STORE_NONE, "You can't tell "
		    "yourself anything.");
	if ((trc = talk_rate(ctx)) != TX_COMMIT)
		return trc;
	line = xasprintf(CM_MAGENTA "%s tells you, '%s'" CM_RESET,
	    ctx->me.name, text);
	rc = store_talk_tell(ctx->store, ctx->me.id, ctx->me.name, to.id,
	    line, &online);
	free(line);
	if (rc != STORE_OK)
		return cmd_tx_rc(rc == STORE_NONE ? STORE_ERR : rc);
	/* Offline: kept for their next login, unless too many wait. */
	if (!online && (rc = store_talk_keep(ctx->store, ctx->me.id,
	    ctx->me.name, to.id, text)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "%s has too many messages "
		    "waiting; try again later.", to.name);
	line = xasprintf(CM_MAGENTA "You tell %s, '%s'" CM_RESET, to.name,
	    text);
	talk_echo(ctx, "tell", line);
	free(line);
	if (!online)
		buf_printf(ctx->out, "%s is not online; they will read it "
		    "when they come back.\n", to.name);
	else if (to.afk)
		buf_printf(ctx->out, "%s is away%s%s\n", to.name,
		    to.afk_msg[0] != '\0' ? ": " : ".", to.afk_msg);
	return TX_COMMIT;
}

/* tell <name> <text> */
enum tx_rc
cmd_tell(struct cmd_ctx *ctx, const char *args)
{
	char	name[64];

	if (!cmd_word(&args, name, sizeof name) ||
	    args[strspn(args, " ")] == '\0')
		return cmd_refuse_rc(ctx, STORE_NONE, "Usage: tell <name> "
		    "<text>");
	return talk_tell(ctx, name, args + strspn(args, " "));
}

/* reply <text>: tell the one who told you something last. */
enum tx_rc
cmd_reply(struct cmd_ctx *ctx, const char *args)
{
	char		name[STORE_NAME_MAX + 1];
	enum store_rc	rc;

	rc = store_talk_reply_to(ctx->store, ctx->me.id, name, sizeof name);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "Nobody has told you anything "
		    "yet.");
	return talk_tell(ctx, name, args);
}

/*
 * Room talk (say, emote): others reads the line the room gets, self the
 * speaker's; both counted by the room rate.
 */
enum tx_rc
cmd_talk_room(struct cmd_ctx *ctx, const char *channel, const char *others,
    const char *self)
{
	enum store_rc	rc;

	if (cmd_muted(ctx))
		return TX_ROLLBACK;
	rc = store_notify_say(ctx->store, ctx->me.room_id, ctx->me.id, channel,
	    ctx->me.name, others, cmd_comm_room_rate());
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc,
		    "It is too noisy here; wait a moment.");
	talk_echo(ctx, channel, self);
	return TX_COMMIT;
}

/* emote <text> (:<text>): the room reads "Alice smiles." */
enum tx_rc
cmd_emote(struct cmd_ctx *ctx, const char *args)
{
	char		*line;
	enum tx_rc	 rc;

	line = xasprintf(CM_CYAN "%s %s" CM_RESET, ctx->me.name, args);
	rc = cmd_talk_room(ctx, "emote", line, line);
	free(line);
	return rc;
}

/* A channel beyond the room: shout, chat. */
struct talk_channel {
	const char	*name;		/* "shout": "You shout", "Al shouts" */
	const char	*color;
	enum store_rc	(*send)(struct store *, int64_t, const char *,
			    const char *);
	const char	*refusal;	/* when send is STORE_NONE */
};

/* Send args on a channel: mute, rate, the row, the speaker's line. */
static enum tx_rc
talk_channel(struct cmd_ctx *ctx, const struct talk_channel *ch,
    const char *args)
{
	char		*line;
	enum tx_rc	 trc;
	enum store_rc	 rc;

	if (cmd_muted(ctx))
		return TX_ROLLBACK;
	if ((trc = talk_rate(ctx)) != TX_COMMIT)
		return trc;
	line = xasprintf("%s%s %ss, '%s'" CM_RESET, ch->color, ctx->me.name,
	    ch->name, args);
	rc = ch->send(ctx->store, ctx->me.id, ctx->me.name, line);
	free(line);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "%s", ch->refusal);
	line = xasprintf("%sYou %s, '%s'" CM_RESET, ch->color, ch->name, args);
	talk_echo(ctx, ch->name, line);
	free(line);
	return TX_COMMIT;
}

/* shout <text>: everyone online in this area hears it. */
enum tx_rc
cmd_shout(struct cmd_ctx *ctx, const char *args)
{
	static const struct talk_channel	shout = { "shout", CM_YELLOW,
						    store_talk_shout, "" };

	return talk_channel(ctx, &shout, args);
}

/* chat on|off: whether the chat channel reaches you. */
static enum tx_rc
talk_chat_set(struct cmd_ctx *ctx, bool on)
{
	enum store_rc	rc = store_talk_set_chat(ctx->store, ctx->me.id, on);

	if (rc != STORE_OK)
		return cmd_tx_rc(rc == STORE_NONE ? STORE_ERR : rc);
	buf_printf(ctx->out, "Chat is %s.\n", on ? "on: you hear the chat "
	    "channel" : "off: you no longer hear the chat channel");
	return TX_COMMIT;
}

/* chat <text> | chat on | chat off: the channel of everyone online. */
enum tx_rc
cmd_chat(struct cmd_ctx *ctx, const char *args)
{
	static const struct talk_channel	chat = { "chat", CM_GREEN,
						    store_talk_chat,
						    "You have chat off, so you "
						    "can't chat; type chat on "
						    "to hear and use it." };

	if (strcmp(args, "on") == 0 || strcmp(args, "off") == 0)
		return talk_chat_set(ctx, strcmp(args, "on") == 0);
	return talk_channel(ctx, &chat, args);
}

/* Characters of s (UTF-8), not bytes. */
static size_t
talk_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* afk [message]: away (shown in who and to those who tell you), or back. */
enum tx_rc
cmd_afk(struct cmd_ctx *ctx, const char *args)
{
	enum store_rc	rc;

	if (*args == '\0' && ctx->me.afk) {
		rc = store_talk_set_afk(ctx->store, ctx->me.id, NULL);
		if (rc == STORE_ERR)
			return TX_ERROR;
		buf_add(ctx->out, "You are back.\n");
		return TX_COMMIT;
	}
	if (talk_chars(args) > 80)
		return cmd_refuse_rc(ctx, STORE_NONE, "An away message is at "
		    "most 80 characters.");
	rc = store_talk_set_afk(ctx->store, ctx->me.id, args);
	if (rc != STORE_OK)
		return cmd_tx_rc(rc == STORE_NONE ? STORE_ERR : rc);
	buf_printf(ctx->out, "You are away%s%s%s Your next command ends it.\n",
	    *args != '\0' ? ": " : ".", args, *args != '\0' ? "." : "");
	return TX_COMMIT;
}

/* One line of exits: "  north - Market Street". */
static void
talk_exit_line(void *arg, const char *const *c, int n)
{
	struct buf	*b = arg;

	if (n >= 2)
		buf_printf(b, "  %-5s - %s\n", c[0], c[1]);
}

/* One direction of the Exits: line. */
static void
talk_exit_name(void *arg, const char *const *c, int n)
{
	struct buf	*b = arg;

	if (n >= 1)
		buf_printf(b, "%s%s", buf_str(b)[0] != '\0' ? ", " : "", c[0]);
}

/* exits: the Exits: line look shows, then where each leads. */
enum tx_rc
cmd_exits(struct cmd_ctx *ctx, const char *args)
{
	struct buf	names = { 0 }, lines = { 0 };
	enum store_rc	rc;

	(void)args;
	buf_add(&names, "");
	buf_add(&lines, "");
	rc = store_talk_exits(ctx->store, ctx->me.room_id, talk_exit_name,
	    &names);
	if (rc == STORE_OK)
		rc = store_talk_exits(ctx->store, ctx->me.room_id,
		    talk_exit_line, &lines);
	if (rc == STORE_OK)
		buf_printf(ctx->out, "Exits: %s\n%s", buf_str(&names)[0] !=
		    '\0' ? buf_str(&names) : "none", buf_str(&lines));
	buf_free(&names);
	buf_free(&lines);
	return cmd_tx_rc(rc);
}

/* save: nothing to do, and why. */
enum tx_rc
cmd_save(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "You don't need to save: everything you do is saved "
	    "as you do it.\n");
	return TX_COMMIT;
}

/* What the login's "While you were away" writes into. */
struct talk_missed {
	struct cmd_ctx	*ctx;
	int		 n;
};

/* One kept tell: "  2026-12-02 09:55 UTC  Alice told you, 'hello'". */
static void
talk_missed_line(void *arg, const char *const *c, int n)
{
	struct talk_missed	*m = arg;

	if (n < 3)
		return;
	if (m->n++ == 0)
		buf_add(m->ctx->out, "While you were away\xe2\x80\xa6\n");
	buf_printf(m->ctx->out, "  %s  " CM_MAGENTA "%s told you, '%s'"
	    CM_RESET "\n", c[0], c[1], c[2]);
}

/* Show and delete the tells kept for the actor; end its away state. */
enum tx_rc
cmd_talk_missed(struct cmd_ctx *ctx)
{
	struct talk_missed	m = { .ctx = ctx };

	return cmd_tx_rc(store_talk_missed(ctx->store, ctx->me.id,
	    talk_missed_line, &m));
}

/* The transaction that ends an away state. */
static enum tx_rc
talk_back_tx(struct store *st, void *arg)
{
	const int64_t	*id = arg;
	enum store_rc	 rc = store_talk_set_afk(st, *id, NULL);

	return rc == STORE_ERR ? TX_ERROR : rc == STORE_OK ? TX_COMMIT :
	    TX_ROLLBACK;
}

/* End the away state after a command, and say so. */
void
cmd_talk_back(struct store *st, int64_t id, struct buf *out, int retries)
{
	if (store_tx(st, false, retries, talk_back_tx, &id) == TXR_COMMITTED)
		buf_add(out, "You are back.\n");
}
