/*
 * cmd_proto_help.c — help topics in the database: `help <word>` reads the
 * help table (by topic, or a keyword prefix; topics above the reader's
 * role are hidden) and falls back to the command table, so a command added
 * without a help row is still explained; `hedit` edits the topics.
 */
#include <ctype.h>
#include <string.h>

#include "cmd/cmd_proto.h"
#include "cmd/cmd_util.h"
#include "db/store_proto.h"
#include "ops/util.h"

#define HELP_BAD_TOPIC	"A help topic is a letter, then letters, digits, _ " \
			"or -, 32 at most."
#define HELP_BAD_KW	"Keywords are words of a-z, 0-9, _ or -, one space " \
			"apart, 200 characters at most."
#define HELP_BAD_BODY	"A help text is 1 to 8000 characters."

/*
 * Whether s is a help topic, [a-z][a-z0-9_-]{0,31} (lower-cased in place);
 * with plus, '+' may stand in it too, as in command names ("desc+").
 */
static bool
help_word_ok(char *s, bool plus)
{
	size_t	n = strlen(s);

	for (char *c = s; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	if (n == 0 || n > 32 || !islower((unsigned char)s[0]))
		return false;
	for (; *s != '\0'; s++) {
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '_' && *s != '-' &&
		    (!plus || *s != '+'))
			return false;
	}
	return true;
}

/* The actor's role as a rank (0 player .. 3 owner). */
static int
help_rank(const struct cmd_ctx *ctx)
{
	enum role	role = ROLE_PLAYER;

	(void)cmd_role_parse(ctx->me.role, &role);
	return (int)role;
}

/*
 * A command the role allows whose name starts with word, from the table:
 * what `help` says of a command without a help row.
 */
static bool
help_from_table(struct cmd_ctx *ctx, const char *word, bool exact)
{
	struct cmd_cursor	 c = CMD_CURSOR_INIT;
	const struct cmd_entry	*cmd;
	const char		*name;
	char			 usage[128];

	/* The command of that exact name first, then the first by prefix. */
	for (int pass = 0; pass < (exact ? 1 : 2); pass++) {
		c = (struct cmd_cursor)CMD_CURSOR_INIT;
		while (cmd_next(&c, &name, &cmd)) {
			if ((int)cmd->min_role > help_rank(ctx) ||
			    (pass == 0 ? strcmp(name, word) :
			    strncmp(name, word, strlen(word))) != 0)
				continue;
			buf_printf(ctx->out, "Usage: %s\n", cmd_usage(cmd,
			    name, usage, sizeof usage));
			if (name == cmd->name)
				buf_printf(ctx->out, "%s\n", cmd->help);
			else
				buf_printf(ctx->out, "Same as %s.\n",
				    cmd->name);
			return true;
		}
	}
	return false;
}

/* help <word>: a topic, else a command's usage. */
enum tx_rc
cmd_help_topic(struct cmd_ctx *ctx, const char *args)
{
	struct store_help	h;
	char			word[64];
	enum store_rc		src;

	if (!proto_word(&args, word, sizeof word) ||
	    !help_word_ok(word, true)) {
		buf_add(ctx->out, "There is no help on that.\n");
		return TX_ROLLBACK;
	}
	/*
	 * The topic of that name, else the command of that name (one added
	 * after the topics were seeded: "at" is not "attack"), else the
	 * first topic or command the word starts.
	 */
	src = store_help_find(ctx->store, word, help_rank(ctx), &h);
	if (src == STORE_ERR)
		return TX_ERROR;
	if (src == STORE_OK && strcmp(h.topic, word) != 0 &&
	    help_from_table(ctx, word, true))
		return TX_COMMIT;
	if (src == STORE_OK) {
		buf_printf(ctx->out, "%s\n", h.body);
		return TX_COMMIT;
	}
	if (help_from_table(ctx, word, false))
		return TX_COMMIT;
	buf_printf(ctx->out, "There is no help on '%s'.\n", word);
	return TX_ROLLBACK;
}

/* hedit <topic> body|text <text>: replace, or create the topic. */
static enum tx_rc
hedit_body(struct cmd_ctx *ctx, const char *topic, bool exists,
    int64_t before, const char *text)
{
	int64_t		lines;
	enum store_rc	src;

	if (*text == '\0' || strlen(text) > STORE_HELP_BODY_MAX)
		return cmd_refuse_rc(ctx, STORE_NONE, HELP_BAD_BODY);
	if (!exists) {
		if ((src = store_help_create(ctx->store, topic, text)) !=
		    STORE_OK)
			return proto_refuse(ctx, src, HELP_BAD_BODY);
		buf_printf(ctx->out, "Help topic '%s' created (keywords: %s; "
		    "role player).\n", topic, topic);
		return TX_COMMIT;
	}
	if ((src = store_help_set(ctx->store, topic, "body", text, &lines)) !=
	    STORE_OK)
		return proto_refuse(ctx, src, HELP_BAD_BODY);
	buf_printf(ctx->out, "Help topic '%s': %lld -> %lld lines.\n", topic,
	    (long long)before, (long long)lines);
	return TX_COMMIT;
}

/* The lines of a body. */
static int64_t
hedit_lines(const char *body)
{
	int64_t	n = 1;

	for (; *body != '\0'; body++)
		n += *body == '\n';
	return n;
}

/* hedit <topic> [body|text|body+|text+|keywords|role <value>|delete]. */
enum tx_rc
cmd_hedit(struct cmd_ctx *ctx, const char *args)
{
	struct store_help	h;
	char			topic[64], what[16];
	int64_t			lines;
	enum role		role;
	enum store_rc		src;
	bool			exists;

	if (!proto_word(&args, topic, sizeof topic) ||
	    !help_word_ok(topic, false))
		return cmd_refuse_rc(ctx, STORE_NONE, HELP_BAD_TOPIC);
	if ((src = store_help_get(ctx->store, topic, &h)) == STORE_ERR)
		return TX_ERROR;
	/* A topic above the editor's role is not there for them. */
	exists = src == STORE_OK && cmd_role_parse(h.role, &role) &&
	    (int)role <= help_rank(ctx);
	if (src == STORE_OK && !exists)
		return cmd_refuse_rc(ctx, STORE_NONE, "Help topic '%s' is not "
		    "yours to edit.", topic);
	if (!proto_word(&args, what, sizeof what)) {
		if (!exists)
			return cmd_refuse_rc(ctx, STORE_NONE, "There is no "
			    "help topic '%s'.", topic);
		buf_printf(ctx->out, "Help topic '%s' (keywords: %s; role %s):"
		    "\n%s\n", h.topic, h.keywords, h.role, h.body);
		/* A look changes nothing: no audit entry is kept for it. */
		return TX_ROLLBACK;
	}
	if (strcmp(what, "body") == 0 || strcmp(what, "text") == 0)
		return hedit_body(ctx, topic, exists, exists ?
		    hedit_lines(h.body) : 0, args);
	if (!exists)
		return cmd_refuse_rc(ctx, STORE_NONE, "There is no help topic "
		    "'%s'.", topic);
	if (strcmp(what, "delete") == 0 && *args == '\0') {
		if ((src = store_help_delete(ctx->store, topic)) != STORE_OK)
			return cmd_tx_rc(src == STORE_NONE ? STORE_ERR : src);
		buf_printf(ctx->out, "Help topic '%s' deleted.\n", topic);
		return TX_COMMIT;
	}
	if (*args == '\0')
		return cmd_refuse_rc(ctx, STORE_NONE, "Usage: %s",
		    ctx->cmd->usage);
	if (strcmp(what, "body+") == 0 || strcmp(what, "text+") == 0) {
		if ((src = store_help_set(ctx->store, topic, "body+", args,
		    &lines)) != STORE_OK)
			return proto_refuse(ctx, src, HELP_BAD_BODY);
		buf_printf(ctx->out, "Help topic '%s': %lld -> %lld lines.\n",
		    topic, (long long)hedit_lines(h.body), (long long)lines);
		return TX_COMMIT;
	}
	if (strcmp(what, "keywords") == 0) {
		char	kw[STORE_HELP_KW_MAX + 2];

		util_strlcpy(kw, args, sizeof kw);
		for (char *c = kw; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
		if (strlen(args) > STORE_HELP_KW_MAX)
			return cmd_refuse_rc(ctx, STORE_NONE, HELP_BAD_KW);
		if ((src = store_help_set(ctx->store, topic, "keywords", kw,
		    &lines)) != STORE_OK)
			return proto_refuse(ctx, src, HELP_BAD_KW);
		buf_printf(ctx->out, "Help topic '%s' keywords: %s.\n", topic,
		    kw);
		return TX_COMMIT;
	}
	if (strcmp(what, "role") == 0) {
		if (!cmd_role_parse(args, &role) || (int)role >
		    help_rank(ctx))
			return cmd_refuse_rc(ctx, STORE_NONE, "The role is "
			    "player, builder, admin or owner, and not above "
			    "your own.");
		if ((src = store_help_set(ctx->store, topic, "role", args,
		    &lines)) != STORE_OK)
			return cmd_tx_rc(src == STORE_NONE ? STORE_ERR : src);
		buf_printf(ctx->out, "Help topic '%s' role: %s.\n", topic,
		    args);
		return TX_COMMIT;
	}
	buf_printf(ctx->out, "Usage: %s\n", ctx->cmd->usage);
	return TX_ROLLBACK;
}
