/*
 * cmd_gate_audit.c — audit (read the entries staff commands, psql and
 * the CLI left) and undo (revert one, in one transaction, refused when a
 * row changed since).  Builders see world entries without addresses and
 * undo only their own; admins and owners see and undo everything.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_gate.h"
#include "cmd/cmd_util.h"
#include "db/store_gate_audit.h"
#include "ops/buf.h"
#include "ops/util.h"

#define AUDIT_DEFAULT	20
#define AUDIT_MAX	100
#define AUDIT_LINES	50	/* changes audit #N lists */

/* Parse "#815" or "815"; false unless it is a positive number. */
static bool
cmd_audit_id(const char *p, int64_t *id)
{
	char	*end;
	long long v;

	if (*p == '#')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	v = strtoll(p, &end, 10);
	if (*end != '\0' || v <= 0)
		return false;
	*id = v;
	return true;
}

/* One entry as a line of the list. */
static void
cmd_audit_line(struct buf *out, const struct store_audit_row *r)
{
	char	cmd[40];

	if (strlen(r->command) > 34)
		snprintf(cmd, sizeof cmd, "%.31s...", r->command);
	else
		util_strlcpy(cmd, r->command, sizeof cmd);
	buf_printf(out, "#%-5lld %s  %-18s %-34s %s", (long long)r->id, r->at,
	    r->who, cmd, r->summary);
	if (r->undone_by != 0)
		buf_printf(out, "   (undone by #%lld)", (long long)r->undone_by);
	buf_add(out, "\n");
}

/* audit #N: one entry and every row it changed. */
static enum tx_rc
cmd_audit_one(struct cmd_ctx *ctx, int64_t id, bool admin)
{
	struct store_audit_row	r;
	char			summary[160];
	enum store_rc		src;

	src = store_audit_get(ctx->store, id, &r);
	if (src == STORE_OK && !admin && !r.world)
		src = STORE_NONE;
	if (src != STORE_OK)
		return cmd_refuse_rc(ctx, src, "There is no audit entry #%lld.",
		    (long long)id);
	buf_printf(ctx->out, "#%lld %s UTC, %s", (long long)r.id, r.at, r.who);
	if (admin && r.addr[0] != '\0')
		buf_printf(ctx->out, " from %s", r.addr);
	buf_printf(ctx->out, ":\n  %s\n", r.command);
	if (store_audit_changes(ctx->store, id, AUDIT_LINES, ctx->out,
	    summary) != STORE_OK)
		return TX_ERROR;
	if (r.undoes != 0)
		buf_printf(ctx->out, "Undoes #%lld.\n", (long long)r.undoes);
	if (r.undone_by != 0)
		buf_printf(ctx->out, "Undone by #%lld.\n",
		    (long long)r.undone_by);
	return TX_COMMIT;
}

/* audit room|item|npc|proto <id>: the history of one row. */
static enum tx_rc
cmd_audit_row(struct cmd_ctx *ctx, const char *kind, const char *id,
    struct store_audit_filter *f)
{
	char		pk[128];
	enum store_rc	src;
	int64_t		n;

	f->count = AUDIT_MAX;
	if (strcmp(kind, "proto") == 0) {
		/* A prototype id is [a-z][a-z0-9_]*: nothing to escape. */
		for (const char *c = id; *c != '\0'; c++) {
			if (!isalnum((unsigned char)*c) && *c != '_')
				goto none;
		}
		snprintf(pk, sizeof pk, "{\"id\": \"%.48s\"}", id);
		f->pk = pk;
		buf_printf(ctx->out, "History of prototype %s:\n", id);
		f->tbl = "item_protos";
		if ((src = store_audit_history(ctx->store, f, ctx->out)) !=
		    STORE_NONE)
			return src == STORE_OK ? TX_COMMIT : TX_ERROR;
		f->tbl = "npc_protos";
	} else {
		if (!cmd_audit_id(id, &n))
			goto none;
		snprintf(pk, sizeof pk, "{\"id\": %lld}", (long long)n);
		f->pk = pk;
		f->tbl = strcmp(kind, "room") == 0 ? "rooms" :
		    strcmp(kind, "item") == 0 ? "items" : "characters";
		/* Characters are not world rows: admins only. */
		if (f->world_only && strcmp(f->tbl, "characters") == 0)
			goto none;
		buf_printf(ctx->out, "History of %s %lld:\n", kind,
		    (long long)n);
	}
	if ((src = store_audit_history(ctx->store, f, ctx->out)) == STORE_OK)
		return TX_COMMIT;
	if (src == STORE_ERR)
		return TX_ERROR;
none:
	buf_reset(ctx->out);
	buf_add(ctx->out, "No entries.\n");
	return TX_ROLLBACK;
}

/* audit [...]: see docs/admin.md ("audit"). */
enum tx_rc
cmd_audit(struct cmd_ctx *ctx, const char *args)
{
	struct store_audit_row		*rows;
	struct store_audit_filter	 f = { .count = AUDIT_DEFAULT };
	char				 w1[40] = "", w2[60] = "";
	bool				 admin = cmd_ctx_role(ctx) >= ROLE_ADMIN;
	int64_t				 n;
	int				 got;
	enum store_rc			 src;

	f.world_only = !admin;
	(void)sscanf(args, "%39s %59s", w1, w2);
	for (char *c = w1; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	if (w1[0] == '#' && w2[0] == '\0') {
		if (!cmd_audit_id(w1, &n)) {
			buf_add(ctx->out, "There is no audit entry like that.\n");
			return TX_ROLLBACK;
		}
		return cmd_audit_one(ctx, n, admin);
	}
	if (w2[0] != '\0' && (strcmp(w1, "room") == 0 ||
	    strcmp(w1, "item") == 0 || strcmp(w1, "npc") == 0 ||
	    strcmp(w1, "proto") == 0))
		return cmd_audit_row(ctx, w1, w2, &f);
	if (w1[0] != '\0' && cmd_audit_id(w1, &n)) {
		f.count = (int)(n < AUDIT_MAX ? n : AUDIT_MAX);
	} else if (w1[0] != '\0') {
		if (strcmp(w1, "sql") == 0 || strcmp(w1, "load-world") == 0 ||
		    strcmp(w1, "cli") == 0 || strcmp(w1, "game") == 0)
			f.source = w1;
		else
			f.actor = w1;
		if (w2[0] != '\0') {
			if (!cmd_audit_id(w2, &n)) {
				buf_printf(ctx->out, "Usage: %s\n",
				    ctx->cmd->usage);
				return TX_ROLLBACK;
			}
			f.count = (int)(n < AUDIT_MAX ? n : AUDIT_MAX);
		}
	}
	rows = xcalloc(AUDIT_MAX, sizeof *rows);
	src = store_audit_list(ctx->store, &f, rows, AUDIT_MAX, &got);
	for (int i = 0; src == STORE_OK && i < got; i++)
		cmd_audit_line(ctx->out, &rows[i]);
	free(rows);
	return src == STORE_OK ? TX_COMMIT : cmd_refuse_rc(ctx, src,
	    "No entries.");
}

/* Whether an entry's action has no inverse (moderation, movement). */
static bool
cmd_undo_never(const struct store_audit_row *r)
{
	static const char	*names[] = { "goto", "transfer", "kick",
	    "ban", "unban", "freeze", "mute", "role", "wiznet", "wall",
	    "shutdown", "wizlock" };

	if (strcmp(r->source, "game") != 0)
		return false;
	for (size_t i = 0; i < nitems(names); i++) {
		if (strcmp(r->action, names[i]) == 0)
			return true;
	}
	return false;
}

/* undo [#N]: revert an entry (your latest by default). */
enum tx_rc
cmd_undo(struct cmd_ctx *ctx, const char *args)
{
	struct store_audit_row	r;
	struct buf		lines = { 0 };
	char			why[256], summary[160];
	int64_t			id;
	enum role		role = cmd_ctx_role(ctx);
	enum store_rc		src;

	if (*args != '\0') {
		if (!cmd_audit_id(args, &id)) {
			buf_printf(ctx->out, "Usage: %s\n", ctx->cmd->usage);
			return TX_ROLLBACK;
		}
	} else if ((src = store_audit_last_own(ctx->store, ctx->me.id,
	    &id)) != STORE_OK)
		return cmd_refuse_rc(ctx, src, "Nothing of yours to undo.");
	if ((src = store_audit_get(ctx->store, id, &r)) != STORE_OK)
		return cmd_refuse_rc(ctx, src, "There is no audit entry #%lld.",
		    (long long)id);
	if (role < ROLE_ADMIN && r.actor_id != ctx->me.id) {
		buf_add(ctx->out, "You can undo only your own changes.\n");
		return TX_ROLLBACK;
	}
	if (r.undone_by != 0) {
		buf_printf(ctx->out, "#%lld was already undone by #%lld.\n",
		    (long long)id, (long long)r.undone_by);
		return TX_ROLLBACK;
	}
	if (cmd_undo_never(&r)) {
		buf_printf(ctx->out, "#%lld (%s) can't be undone.\n",
		    (long long)id, r.action);
		return TX_ROLLBACK;
	}
	/* Roles are granted by the rank rules only, not brought back. */
	if (r.roles && role < ROLE_OWNER) {
		buf_printf(ctx->out, "#%lld changed a role; use 'role'.\n",
		    (long long)id);
		return TX_ROLLBACK;
	}
	if (r.summary[0] == '\0') {
		buf_printf(ctx->out, "#%lld changed nothing.\n", (long long)id);
		return TX_ROLLBACK;
	}
	if ((src = store_audit_undo(ctx->store, id, why)) != STORE_OK)
		return cmd_refuse_rc(ctx, src, "Undo refused: %s", why);
	if (store_audit_changes(ctx->store, 0, 0, &lines, summary) !=
	    STORE_OK) {
		buf_free(&lines);
		return TX_ERROR;
	}
	buf_free(&lines);
	buf_printf(ctx->out, "Undone #%lld (%s): %s.\n", (long long)id,
	    r.command, summary);
	return TX_COMMIT;
}
