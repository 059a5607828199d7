/*
 * cmd_mod_state.c — moderation by state: freeze/unfreeze, mute/unmute
 * (columns of the character, read by the dispatcher and by say), wall,
 * and what admins look at: users, last, wizlock (docs/admin.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_mod.h"
#include "cmd/cmd_util.h"
#include "game/text.h"
#include "ops/util.h"

/* freeze/mute <name> <duration>|perm [reason] */
static enum tx_rc
mod_restrict(struct cmd_ctx *ctx, const char *args, bool mute)
{
	struct store_mod_target	 t;
	char			 name[STORE_NAME_MAX + 8], dur[16], text[320];
	char			 until[STORE_MOD_UNTIL_MAX];
	const char		*verb = mute ? "muted" : "frozen";
	int64_t			 secs;
	enum store_rc		 rc;

	if (!cmd_word(&args, name, sizeof name))
		return TX_ROLLBACK;
	if (!cmd_word(&args, dur, sizeof dur) || !mod_duration(dur, &secs))
		return cmd_refuse_rc(ctx, STORE_NONE, "Give a duration (30s, "
		    "10m, 2h, 7d or perm), then a reason if you like.");
	while (*args == ' ')
		args++;
	if (!mod_reason_ok(ctx, args))
		return TX_ROLLBACK;
	if ((rc = mod_target(ctx, name, &t)) != STORE_OK ||
	    (rc = store_mod_restrict(ctx->store, mute, t.id, secs, args,
	    until)) != STORE_OK)
		return cmd_tx_rc(rc);
	snprintf(text, sizeof text, "You are %s%s%s (%s).", verb,
	    *args != '\0' ? ": " : "", args, until);
	if (store_notify_char(ctx->store, t.id, text) != STORE_OK)
		return TX_ERROR;
	if (secs < 0)
		buf_printf(ctx->out, "%s is %s until lifted", t.name, verb);
	else
		buf_printf(ctx->out, "%s is %s for %s (%s)", t.name, verb, dur,
		    until);
	buf_printf(ctx->out, "%s%s.\n", *args != '\0' ? ": " : "", args);
	return TX_COMMIT;
}

/* unfreeze/unmute <name> */
static enum tx_rc
mod_unrestrict(struct cmd_ctx *ctx, const char *args, bool mute)
{
	struct store_mod_target	 t;
	char			 name[STORE_NAME_MAX + 8];
	const char		*verb = mute ? "muted" : "frozen";
	enum store_rc		 rc;

	if (!cmd_word(&args, name, sizeof name))
		return TX_ROLLBACK;
	if ((rc = mod_target(ctx, name, &t)) != STORE_OK)
		return cmd_tx_rc(rc);
	if ((rc = store_mod_unrestrict(ctx->store, mute, t.id)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "%s is not %s.", t.name, verb);
	if (store_notify_char(ctx->store, t.id, mute ? "You can speak again." :
	    "You can move again.") != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "%s is no longer %s.\n", t.name, verb);
	return TX_COMMIT;
}

/* freeze <name> <duration>|perm [reason] */
enum tx_rc
cmd_freeze(struct cmd_ctx *ctx, const char *args)
{
	return mod_restrict(ctx, args, false);
}

/* unfreeze <name> */
enum tx_rc
cmd_unfreeze(struct cmd_ctx *ctx, const char *args)
{
	return mod_unrestrict(ctx, args, false);
}

/* mute <name> <duration>|perm [reason] */
enum tx_rc
cmd_mute(struct cmd_ctx *ctx, const char *args)
{
	return mod_restrict(ctx, args, true);
}

/* unmute <name> */
enum tx_rc
cmd_unmute(struct cmd_ctx *ctx, const char *args)
{
	return mod_unrestrict(ctx, args, true);
}

/* wall <text>: to everyone online, on every keepd. */
enum tx_rc
cmd_wall(struct cmd_ctx *ctx, const char *args)
{
	char		*text;
	enum store_rc	 rc;

	/* A muted admin is muted here too, as for say (issue 9). */
	if (cmd_muted(ctx))
		return TX_ROLLBACK;
	text = xasprintf("[announcement] %s: %s", ctx->me.name, args);
	rc = store_mod_wall(ctx->store, text);
	free(text);
	return cmd_tx_rc(rc);
}

/* What the users listing counts. */
struct mod_users {
	struct cmd_ctx	*ctx;
	int		 n;
	char		 procs[32][8];
	int		 nprocs;
};

/* An idle time in seconds, rounded down to its largest unit: 0s, 42s, 5m,
 * 2h, 3d. */
static void
mod_idle_text(long long secs, char *out, size_t outsz)
{
	if (secs < 60)
		snprintf(out, outsz, "%llds", secs < 0 ? 0 : secs);
	else if (secs < 3600)
		snprintf(out, outsz, "%lldm", secs / 60);
	else if (secs < 86400)
		snprintf(out, outsz, "%lldh", secs / 3600);
	else
		snprintf(out, outsz, "%lldd", secs / 86400);
}

/* One line of users. */
static void
mod_user_line(void *arg, const char *const *c, int n)
{
	struct mod_users	*u = arg;
	char			 idle[32];
	int			 i;

	if (n < 6)
		return;
	mod_idle_text(strtoll(c[5], NULL, 10), idle, sizeof idle);
	buf_printf(u->ctx->out, "%-16s %-7s %-15s %-5s %s (%s)\n", c[0], c[1],
	    c[2], idle, c[3], c[4]);
	u->n++;
	for (i = 0; i < u->nprocs; i++)
		if (strcmp(u->procs[i], c[3]) == 0)
			break;
	if (i == u->nprocs && u->nprocs < 32)
		snprintf(u->procs[u->nprocs++], sizeof u->procs[0], "%s", c[3]);
}

/* users: every session of the cluster. */
enum tx_rc
cmd_users(struct cmd_ctx *ctx, const char *args)
{
	struct mod_users	u = { .ctx = ctx };

	(void)args;
	buf_printf(ctx->out, "%-16s %-7s %-15s %-5s %s\n", "Name", "Role",
	    "Address", "Idle", "Process (host)");
	if (store_mod_users(ctx->store, mod_user_line, &u) != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "%d online on %d process%s.\n", u.n, u.nprocs,
	    u.nprocs == 1 ? "" : "es");
	return TX_COMMIT;
}

/* One line of last. */
static void
mod_last_line(void *arg, const char *const *c, int n)
{
	struct cmd_ctx	*ctx = arg;

	if (n < 4)
		return;
	buf_printf(ctx->out, "  %s  %-15s %-16s %s\n", c[0], c[1], c[2],
	    c[3]);
}

/* last <name>|<address>|<cidr> [count]: login history with outcome. */
enum tx_rc
cmd_last(struct cmd_ctx *ctx, const char *args)
{
	struct store_mod_net	 net;
	char			 word[80], num[16], norm[STORE_NAME_MAX + 1];
	const char		*cidr = NULL;
	int			 count = 10;
	size_t			 at;
	enum store_rc		 rc;

	if (!cmd_word(&args, word, sizeof word))
		return TX_ROLLBACK;
	if (cmd_word(&args, num, sizeof num)) {
		count = atoi(num);
		if (count < 1 || count > 100 || strspn(num, "0123456789") !=
		    strlen(num))
			return cmd_refuse_rc(ctx, STORE_NONE, "Give a count "
			    "from 1 to 100.");
	}
	if (!text_name_normalise(word, norm, sizeof norm)) {
		norm[0] = '\0';	/* no name: what the failed parse left */
		if ((rc = store_mod_network(ctx->store, word, NULL, &net)) !=
		    STORE_OK)
			return cmd_refuse_rc(ctx, rc, "That is not a name, an "
			    "address or a network: %s.", word);
		cidr = net.cidr;
		buf_printf(ctx->out, "Logins from %s:\n", cidr);
	} else
		buf_printf(ctx->out, "Logins of %s:\n", norm);
	at = ctx->out->len;
	if (store_mod_last(ctx->store, norm, cidr, count, mod_last_line,
	    ctx) != STORE_OK)
		return TX_ERROR;
	if (ctx->out->len == at)
		buf_add(ctx->out, "  none recorded.\n");
	return TX_COMMIT;
}

/* wizlock [open|new|staff]: show or set who may log in. */
enum tx_rc
cmd_wizlock(struct cmd_ctx *ctx, const char *args)
{
	static const char	*says[][2] = {
		{ "open", "The game is open." },
		{ "new", "The game is closed to new characters." },
		{ "staff", "Only staff can log in." } };
	char			 lock[8], word[16];
	bool			 set = cmd_word(&args, word, sizeof word);

	if (!set) {
		if (store_mod_lock(ctx->store, lock) != STORE_OK)
			return TX_ERROR;
		util_strlcpy(word, lock, sizeof word);
	}
	for (size_t i = 0; i < nitems(says); i++) {
		if (strcmp(word, says[i][0]) != 0)
			continue;
		if (set && store_mod_set_lock(ctx->store, word) != STORE_OK)
			return TX_ERROR;
		buf_printf(ctx->out, "%s\n", says[i][1]);
		/* A look changes nothing: no audit entry is kept for it. */
		return set ? TX_COMMIT : TX_ROLLBACK;
	}
	return cmd_refuse_rc(ctx, STORE_NONE, "Say wizlock open, new or "
	    "staff.");
}
