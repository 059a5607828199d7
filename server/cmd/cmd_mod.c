/*
 * cmd_mod.c — moderation by session and address: kick, ban, unban, bans
 * (admins; docs/admin.md).  A kick or a ban clears the character's
 * session and queues a kick message in the command's transaction, so a
 * session on any keepd closes when it commits, and a lost notification
 * still ends it at its next command (the ownership check).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_gate.h"
#include "cmd/cmd_mod.h"
#include "cmd/cmd_util.h"
#include "game/text.h"
#include "ops/util.h"

/* Parse a duration: N[smhd] or perm. */
bool
mod_duration(const char *word, int64_t *secs)
{
	static const struct { char unit; int64_t secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char		*end;
	long long	 n;

	if (strcmp(word, "perm") == 0) {
		*secs = -1;
		return true;
	}
	if (!isdigit((unsigned char)word[0]) || strlen(word) > 8)
		return false;
	n = strtoll(word, &end, 10);
	if (n <= 0 || end[0] == '\0' || end[1] != '\0')
		return false;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (units[i].unit == end[0]) {
			*secs = n * units[i].secs;
			return *secs <= MOD_DURATION_MAX;
		}
	}
	return false;
}

/* Find the target by name and check the rank rules. */
enum store_rc
mod_target(struct cmd_ctx *ctx, const char *name,
    struct store_mod_target *t)
{
	enum store_rc	rc;

	if ((rc = store_mod_find(ctx->store, name, t)) == STORE_NONE)
		buf_printf(ctx->out, "There is no player called %s.\n", name);
	if (rc != STORE_OK)
		return rc;
	if (t->id == ctx->me.id) {
		buf_add(ctx->out, "Not on yourself.\n");
		return STORE_NONE;
	}
	if (!cmd_may_act_on(ctx, t->role)) {
		buf_printf(ctx->out, "You can't do that to %s (%s): only to "
		    "lower roles.\n", t->name, t->role);
		return STORE_NONE;
	}
	return STORE_OK;
}

/* Check a reason's length (control characters are stripped already). */
bool
mod_reason_ok(struct cmd_ctx *ctx, const char *reason)
{
	if (strlen(reason) <= STORE_MOD_REASON_MAX)
		return true;
	buf_printf(ctx->out, "A reason is at most %d characters.\n",
	    STORE_MOD_REASON_MAX);
	return false;
}

/* End one session (if it is still that one) and close it with text. */
static enum store_rc
mod_kick_session(struct cmd_ctx *ctx, int64_t id, const char *instance,
    int64_t sid, const char *text)
{
	if (store_char_end_session(ctx->store, id, instance, sid) ==
	    STORE_ERR)
		return STORE_ERR;
	return store_notify_kick(ctx->store, instance, sid, text);
}

/* kick <name> [reason]: close the character's session, on any keepd. */
enum tx_rc
cmd_kick(struct cmd_ctx *ctx, const char *args)
{
	struct store_mod_target	 t;
	char			 name[STORE_NAME_MAX + 8], text[320];
	enum store_rc		 rc;

	if (!cmd_word(&args, name, sizeof name))
		return TX_ROLLBACK;
	while (*args == ' ')
		args++;
	if (!mod_reason_ok(ctx, args))
		return TX_ROLLBACK;
	if ((rc = mod_target(ctx, name, &t)) != STORE_OK)
		return cmd_tx_rc(rc);
	if (t.instance[0] == '\0')
		return cmd_refuse_rc(ctx, STORE_NONE, "%s is not online.",
		    t.name);
	if (*args != '\0')
		snprintf(text, sizeof text, "You have been disconnected by "
		    "%s: %s\n", ctx->me.name, args);
	else
		snprintf(text, sizeof text, "You have been disconnected by "
		    "%s.\n", ctx->me.name);
	if (mod_kick_session(ctx, t.id, t.instance, t.sid, text) != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "You kick %s (keepd %.6s).\n", t.name,
	    t.instance);
	return TX_COMMIT;
}

/* A ban being made: what it covers, and what the reply says of it. */
struct mod_ban {
	int64_t			 char_id;	/* or 0 */
	struct store_mod_net	 net;		/* when char_id is 0 */
	char			 what[80];	/* "name Spammer" */
	bool			 new_only;
	int64_t			 secs;
	char			 dur[16];
};

/*
 * Parse the ban's target: a character (by name) or a network; STORE_NONE
 * with the refusal written.
 */
static enum store_rc
mod_ban_target(struct cmd_ctx *ctx, const char *word, struct mod_ban *b)
{
	struct store_mod_target	 t;
	char			 mine[STORE_MOD_ADDR_MAX], norm[STORE_NAME_MAX + 1];
	enum store_rc		 rc;

	if (text_name_normalise(word, norm, sizeof norm)) {
		if ((rc = mod_target(ctx, norm, &t)) != STORE_OK)
			return rc;
		b->char_id = t.id;
		snprintf(b->what, sizeof b->what, "name %s", t.name);
		return STORE_OK;
	}
	if (store_mod_my_addr(ctx->store, ctx->me.id, mine) != STORE_OK)
		return STORE_ERR;
	if ((rc = store_mod_network(ctx->store, word, mine, &b->net)) ==
	    STORE_NONE)
		buf_printf(ctx->out, "That is not a name, an address or a "
		    "network: %s.\n", word);
	if (rc != STORE_OK)
		return rc;
	if (strcmp(ctx->me.role, "owner") != 0 && b->net.masklen <
	    (b->net.family == 4 ? 16 : 32)) {
		buf_printf(ctx->out, "That network is too wide (/%d); only an "
		    "owner can ban more than a /16 (IPv4) or /32 (IPv6).\n",
		    b->net.masklen);
		return STORE_NONE;
	}
	snprintf(b->what, sizeof b->what, "address %s", b->net.cidr);
	return STORE_OK;
}

/*
 * Kick the sessions a new ban covers, but those of equal or higher roles;
 * the count kicked in *n.
 */
static enum store_rc
mod_ban_kick(struct cmd_ctx *ctx, const struct mod_ban *b, const char *reason,
    int *n)
{
	int64_t	 ids[STORE_MOD_SESSIONS], sids[STORE_MOD_SESSIONS];
	char	 inst[STORE_MOD_SESSIONS][STORE_UUID_LEN + 1], text[320];
	char	 roles[STORE_MOD_SESSIONS][8];
	int	 found;

	*n = 0;
	if (b->new_only)
		return STORE_OK;
	if (store_mod_sessions(ctx->store, b->char_id, b->char_id != 0 ? NULL :
	    b->net.cidr, ids, inst, sids, roles, &found) != STORE_OK)
		return STORE_ERR;
	snprintf(text, sizeof text, "You have been banned by %s: %s\n",
	    ctx->me.name, reason);
	for (int i = 0; i < found; i++) {
		/* The rank rule: equal or higher roles stay online. */
		if (!cmd_may_act_on(ctx, roles[i]))
			continue;
		if (mod_kick_session(ctx, ids[i], inst[i], sids[i], text) !=
		    STORE_OK)
			return STORE_ERR;
		(*n)++;
	}
	return STORE_OK;
}

/* ban <name>|<address>|<cidr> [new] <duration>|perm <reason> */
enum tx_rc
cmd_ban(struct cmd_ctx *ctx, const char *args)
{
	struct mod_ban	 b = { 0 };
	char		 word[80], until[STORE_MOD_UNTIL_MAX];
	int		 id, n;
	enum store_rc	 rc;

	if (!cmd_word(&args, word, sizeof word))
		return TX_ROLLBACK;
	if ((rc = mod_ban_target(ctx, word, &b)) != STORE_OK)
		return cmd_tx_rc(rc);
	if (!cmd_word(&args, b.dur, sizeof b.dur))
		b.dur[0] = '\0';
	else if (strcmp(b.dur, "new") == 0) {
		if (b.char_id != 0)
			return cmd_refuse_rc(ctx, STORE_NONE, "A name ban "
			    "covers every login; 'new' is for addresses.");
		b.new_only = true;
		if (!cmd_word(&args, b.dur, sizeof b.dur))
			b.dur[0] = '\0';
	}
	while (*args == ' ')
		args++;
	if (!mod_duration(b.dur, &b.secs) || *args == '\0')
		return cmd_refuse_rc(ctx, STORE_NONE, "Give a duration (30m, "
		    "12h, 7d or perm) and a reason.");
	if (!mod_reason_ok(ctx, args))
		return TX_ROLLBACK;
	if (b.char_id == 0 && !b.new_only && b.net.covers_me)
		return cmd_refuse_rc(ctx, STORE_NONE, "That network holds your "
		    "own address.");
	if (store_mod_ban_add(ctx->store, b.char_id, b.char_id != 0 ? NULL :
	    b.net.cidr, b.new_only, args, ctx->me.id, ctx->me.name, b.secs,
	    &id, until) != STORE_OK ||
	    mod_ban_kick(ctx, &b, args, &n) != STORE_OK)
		return TX_ERROR;
	if (b.secs < 0)
		buf_printf(ctx->out, "Ban #%d: %s, %s, permanent: %s.", id,
		    b.what, b.new_only ? "new characters only" : "every login",
		    args);
	else
		buf_printf(ctx->out, "Ban #%d: %s, %s, for %s (%s): %s.", id,
		    b.what, b.new_only ? "new characters only" : "every login",
		    b.dur, until, args);
	if (!b.new_only)
		buf_printf(ctx->out, " %d session%s kicked.", n,
		    n == 1 ? "" : "s");
	buf_add(ctx->out, "\n");
	return TX_COMMIT;
}

/* unban <id>|<name>|<address>: lift the matching active bans. */
enum tx_rc
cmd_unban(struct cmd_ctx *ctx, const char *args)
{
	struct store_mod_target	 t = { 0 };
	struct store_mod_net	 net;
	char			 word[80], norm[STORE_NAME_MAX + 1];
	const char		*cidr = NULL;
	int			 ban_id = 0, lifted, first;
	enum store_rc		 rc;

	if (!cmd_word(&args, word, sizeof word))
		return TX_ROLLBACK;
	if (word[0] == '#' || isdigit((unsigned char)word[0])) {
		ban_id = atoi(word + (word[0] == '#'));
		if (ban_id <= 0 || strlen(word) > 10 ||
		    strspn(word + (word[0] == '#'), "0123456789") !=
		    strlen(word + (word[0] == '#')))
			ban_id = 0;
	}
	if (ban_id == 0 && text_name_normalise(word, norm, sizeof norm)) {
		if ((rc = store_mod_find(ctx->store, norm, &t)) != STORE_OK)
			return cmd_refuse_rc(ctx, rc, "There is no player "
			    "called %s.", norm);
	} else if (ban_id == 0) {
		if ((rc = store_mod_network(ctx->store, word, NULL, &net)) !=
		    STORE_OK)
			return cmd_refuse_rc(ctx, rc, "That is not a ban id, "
			    "a name, an address or a network: %s.", word);
		cidr = net.cidr;
	}
	rc = store_mod_unban(ctx->store, ban_id, t.id, cidr, ctx->me.name,
	    &lifted, &first);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, ban_id != 0 ? "There is no active "
		    "ban #%s." : "There is no active ban of %s.", ban_id != 0 ?
		    word + (word[0] == '#') : word);
	if (lifted == 1)
		buf_printf(ctx->out, "Ban #%d lifted.\n", first);
	else
		buf_printf(ctx->out, "%d bans lifted.\n", lifted);
	return TX_COMMIT;
}

/* One line of the bans listing. */
static void
mod_ban_line(void *arg, const char *const *c, int n)
{
	struct cmd_ctx	*ctx = arg;

	if (n < 7)
		return;
	buf_printf(ctx->out, "  #%-4s %s %-18s %-3s  %-28s by %s: %s\n",
	    c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
}

/* bans: the active bans. */
enum tx_rc
cmd_bans(struct cmd_ctx *ctx, const char *args)
{
	size_t	at;

	(void)args;
	buf_add(ctx->out, "Active bans:\n");
	at = ctx->out->len;
	if (store_mod_bans(ctx->store, mod_ban_line, ctx) != STORE_OK)
		return TX_ERROR;
	if (ctx->out->len == at)
		buf_add(ctx->out, "  none.\n");
	return TX_COMMIT;
}
