/*
 * cmd_gate_cmd.c — the role gate's wrappers and channels: at and dry run
 * another command through the same gate (rows above the role answer as
 * unknown; they cannot wrap each other, quit or shutdown), wiznet talks
 * to the staff online, role promotes and demotes by the rank rules
 * (docs/admin.md, "Roles").
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

#define GATE_DRY_LINES	20	/* changes a dry run lists */

/* Whether a row may not be wrapped by at or dry. */
static bool
cmd_gate_unwrappable(const struct cmd_entry *cmd)
{
	static const char	*names[] = { "at", "dry", "quit", "shutdown" };

	for (size_t i = 0; i < nitems(names); i++) {
		if (strcmp(cmd->name, names[i]) == 0)
			return true;
	}
	return false;
}

/*
 * Run line as the actor's command inside this transaction, through the
 * gate the dispatcher applies: what the role does not allow answers as an
 * unknown word.  The handler sees its own row in ctx->cmd.
 */
static enum tx_rc
cmd_gate_inner(struct cmd_ctx *ctx, const char *line)
{
	const struct cmd_entry	*cmd, *outer = ctx->cmd;
	const char		*args, *name;
	char			 word[32], usage[128];
	bool			 refused;
	enum role		 role = cmd_ctx_role(ctx);
	enum tx_rc		 rc;

	cmd_split(line, word, sizeof word, &args);
	if (word[0] == '\0') {
		buf_printf(ctx->out, "Usage: %s\n", outer->usage);
		return TX_ROLLBACK;
	}
	if ((cmd = cmd_lookup_role(word, role, &name, &refused)) == NULL) {
		cmd_huh(ctx->out, word, role);
		return TX_ROLLBACK;
	}
	if (cmd_gate_unwrappable(cmd)) {
		buf_printf(ctx->out, "You can't use '%s' with that.\n",
		    outer->name);
		return TX_ROLLBACK;
	}
	if (refused) {
		buf_printf(ctx->out, "To %s, type the whole word.\n", name);
		return TX_ROLLBACK;
	}
	if ((cmd->flags & CMD_ARGS) && *args == '\0') {
		buf_printf(ctx->out, "Usage: %s\n", cmd_usage(cmd, name, usage,
		    sizeof usage));
		return TX_ROLLBACK;
	}
	ctx->cmd = cmd;
	rc = cmd->handler(ctx, args);
	ctx->cmd = outer;
	return rc;
}

/* dry <command>: run it, report what it would change, roll it back. */
enum tx_rc
cmd_dry(struct cmd_ctx *ctx, const char *args)
{
	struct buf	lines = { 0 };
	char		summary[160];
	enum tx_rc	rc;

	if ((rc = cmd_gate_inner(ctx, args)) != TX_COMMIT)
		return rc;
	if (store_audit_changes(ctx->store, 0, GATE_DRY_LINES, &lines,
	    summary) != STORE_OK) {
		buf_free(&lines);
		return TX_ERROR;
	}
	buf_printf(ctx->out, "(dry run, rolled back: it would have changed "
	    "%s.)\n", summary[0] != '\0' ? summary : "nothing");
	if (lines.len > 0)
		buf_add(ctx->out, buf_str(&lines));
	buf_free(&lines);
	return TX_ROLLBACK;
}

/* at <room> <command>: run it as if standing in that room. */
enum tx_rc
cmd_at(struct cmd_ctx *ctx, const char *args)
{
	char		*end;
	long		 room = strtol(args, &end, 10);
	int32_t		 from = ctx->me.room_id;
	enum tx_rc	 rc;
	enum store_rc	 src;

	if (end == args || room <= 0 || room > INT32_MAX || *end != ' ') {
		buf_add(ctx->out, "Usage: at <room> <command>\n");
		return TX_ROLLBACK;
	}
	if ((src = store_gate_place(ctx->store, ctx->me.id, (int32_t)room)) !=
	    STORE_OK)
		return cmd_refuse_rc(ctx, src, "There is no room %ld.", room);
	ctx->me.room_id = (int32_t)room;
	rc = cmd_gate_inner(ctx, end + 1);
	ctx->me.room_id = from;
	if (rc != TX_COMMIT)
		return rc;
	/* Back where it stood, unless the command moved it on. */
	if (store_gate_return(ctx->store, ctx->me.id, (int32_t)room, from) !=
	    STORE_OK)
		return TX_ERROR;
	return TX_COMMIT;
}

/* wiznet [<text>]: talk to the staff online, or list them. */
enum tx_rc
cmd_wiznet(struct cmd_ctx *ctx, const char *args)
{
	char	line[600], who[2048];
	int	n;

	if (*args == '\0') {
		if (store_gate_staff_online(ctx->store, who, sizeof who) !=
		    STORE_OK)
			return TX_ERROR;
		buf_printf(ctx->out, "Staff online: %s.\n", who);
		return TX_COMMIT;
	}
	/* A muted builder or admin is muted here too (issue 9). */
	if (cmd_muted(ctx))
		return TX_ROLLBACK;
	snprintf(line, sizeof line, "[wiz] %s: %s", ctx->me.name, args);
	if (store_gate_wiznet(ctx->store, ctx->me.id, line, &n) != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "%s\n", line);
	return TX_COMMIT;
}

/* "a builder", "an admin". */
static const char *
cmd_gate_article(const char *role)
{
	return strchr("aeiou", role[0]) != NULL ? "an" : "a";
}

/* The areas after the role as "wilds, warren" into list (lower case). */
static void
cmd_gate_areas(const char *p, char *list, size_t listsz)
{
	size_t	o = 0;

	for (; *p != '\0' && o + 3 < listsz; p++) {
		if (*p == ' ') {
			while (p[1] == ' ')
				p++;
			if (p[1] != '\0') {
				list[o++] = ',';
				list[o++] = ' ';
			}
			continue;
		}
		list[o++] = (char)tolower((unsigned char)*p);
	}
	list[o] = '\0';
}

/* role <name> <role> [<area> ...]: promote or demote by the rank rules. */
enum tx_rc
cmd_role(struct cmd_ctx *ctx, const char *args)
{
	struct store_gate_pair	 pair;
	char			 name[STORE_NAME_MAX + 2], rname[16];
	char			 areas[256], bad[33], msg[400];
	const char		*p = args, *areas_arg = NULL;
	enum role		 want, me;
	enum store_rc		 src;
	int			 len;

	if (sscanf(p, "%17s %15s%n", name, rname, &len) != 2) {
		buf_printf(ctx->out, "Usage: %s\n", ctx->cmd->usage);
		return TX_ROLLBACK;
	}
	for (p += len; *p == ' '; p++)
		;
	for (char *c = rname; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	if (!cmd_role_parse(rname, &want)) {
		buf_add(ctx->out, "Roles: player, builder, admin.\n");
		return TX_ROLLBACK;
	}
	if (want == ROLE_OWNER) {
		buf_add(ctx->out, "Owners are made on the server: keepd role "
		    "NAME owner.\n");
		return TX_ROLLBACK;
	}
	if (*p != '\0' && want != ROLE_BUILDER) {
		buf_add(ctx->out, "Only builders have areas.\n");
		return TX_ROLLBACK;
	}
	/* Both rows locked in id order; the actor's role read again. */
	if ((src = store_gate_lock_pair(ctx->store, ctx->me.id, name,
	    &pair)) != STORE_OK)
		return cmd_refuse_rc(ctx, src, "There is no player called %s.",
		    name);
	util_strlcpy(ctx->me.role, pair.my_role, sizeof ctx->me.role);
	me = cmd_ctx_role(ctx);
	if (me < ctx->cmd->min_role) {
		cmd_huh(ctx->out, ctx->cmd->name, me);
		return TX_ROLLBACK;
	}
	if (pair.them_id == ctx->me.id) {
		buf_add(ctx->out, "You can't change your own role.\n");
		return TX_ROLLBACK;
	}
	if (want >= me) {
		buf_printf(ctx->out, "You can grant only roles below your own "
		    "(%s).\n", ctx->me.role);
		return TX_ROLLBACK;
	}
	if (!cmd_may_act_on(ctx, pair.them_role)) {
		buf_printf(ctx->out, "You can't do that to %s (%s).\n",
		    pair.them_name, pair.them_role);
		return TX_ROLLBACK;
	}
	cmd_gate_areas(p, areas, sizeof areas);
	if (*p != '\0') {
		areas_arg = p;
		if ((src = store_gate_bad_area(ctx->store, areas_arg, bad)) ==
		    STORE_OK) {
			buf_printf(ctx->out, "There is no area '%s'.\n", bad);
			return TX_ROLLBACK;
		}
		if (src == STORE_ERR)
			return TX_ERROR;
	}
	if (store_gate_set_role(ctx->store, pair.them_id, rname, areas_arg) ==
	    STORE_ERR)
		return TX_ERROR;
	snprintf(msg, sizeof msg, "%s made you %s %s%s%s%s.", ctx->me.name,
	    cmd_gate_article(rname), rname, areas_arg != NULL ? " (areas: " :
	    "", areas_arg != NULL ? areas : "", areas_arg != NULL ? ")" : "");
	if (store_notify_char(ctx->store, pair.them_id, msg) != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "%s is now %s %s%s%s%s.\n", pair.them_name,
	    cmd_gate_article(rname), rname, areas_arg != NULL ? " (areas: " :
	    "", areas_arg != NULL ? areas : "", areas_arg != NULL ? ")" : "");
	return TX_COMMIT;
}
