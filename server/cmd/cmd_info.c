/*
 * cmd_info.c — commands that only read: look, score, who, help, dbstats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_proto.h"
#include "cmd/cmd_util.h"
#include "game/rules_combat.h"
#include "game/text.h"
#include "ops/util.h"
#include "net/color.h"

/*
 * Write '\n'-separated lines in colour cm, then "... and N more <what>." if
 * more > 0.
 */
static void
cmd_show_lines(struct cmd_ctx *ctx, const char *lines, int more,
    const char *what, const char *cm)
{
	const char	*line, *nl;

	for (line = lines; *line != '\0'; line = nl + (*nl != '\0')) {
		nl = line + strcspn(line, "\n");
		buf_printf(ctx->out, "%s%.*s" CM_RESET "\n", cm,
		    (int)(nl - line), line);
	}
	if (more > 0)
		buf_printf(ctx->out, "... and %d more %s.\n", more, what);
}

/* Write a room as look shows it. */
enum tx_rc
cmd_show_room(struct cmd_ctx *ctx, int32_t room)
{
	struct store_look	 l;
	const char		*name, *nl;
	enum store_rc		 rc;

	if ((rc = store_room_look(ctx->store, room, ctx->me.id, &l)) ==
	    STORE_NONE) {
		buf_add(ctx->out, "You are floating in a formless void.\n");
		return TX_COMMIT;
	}
	if (rc != STORE_OK)
		return cmd_tx_rc(rc);
	buf_printf(ctx->out, CM_BCYAN "%s" CM_RESET "\n", l.title);
	text_wrap(ctx->out, l.description, TEXT_WIDTH, 3);
	buf_printf(ctx->out, CM_GREEN "Exits: %s" CM_RESET "\n",
	    l.exits[0] ? l.exits : "none");
	for (name = l.names; *name != '\0'; name = nl + (*nl != '\0')) {
		nl = name + strcspn(name, "\n");
		buf_printf(ctx->out, "%.*s is here.\n", (int)(nl - name), name);
	}
	if (l.others > STORE_LOOK_NAMES)
		buf_printf(ctx->out, "... and %d others are here.\n",
		    l.others - STORE_LOOK_NAMES);
	cmd_show_lines(ctx, l.npcs, l.npc_groups - STORE_LOOK_THINGS,
	    "creatures are here", CM_YELLOW);
	cmd_show_lines(ctx, l.items, l.item_groups - STORE_LOOK_THINGS,
	    "kinds of things lie here", CM_CYAN);
	if (l.coins > 0)
		buf_printf(ctx->out, "There %s %lld coin%s here.\n",
		    l.coins == 1 ? "is" : "are", (long long)l.coins,
		    l.coins == 1 ? "" : "s");
	return cmd_screen_room(ctx, room);
}

/* look [<target> | at <target> | in <container>] */
enum tx_rc
cmd_look(struct cmd_ctx *ctx, const char *args)
{
	if (args != NULL && args[strspn(args, " ")] != '\0')
		return cmd_examine(ctx, args);
	return cmd_show_room(ctx, ctx->me.room_id);
}

/* score: who you are, hit points, coins, level and experience. */
enum tx_rc
cmd_score(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_printf(ctx->out, "You are %s, a %s.\n", ctx->me.name, ctx->me.role);
	buf_printf(ctx->out, "HP: %d/%d\n", ctx->me.hp, ctx->me.max_hp);
	buf_printf(ctx->out, "Coins: %lld\n", (long long)ctx->me.coins);
	buf_printf(ctx->out, "Level: %d\n", ctx->me.level);
	if (ctx->me.level >= RULES_COMBAT_MAX_LEVEL)
		buf_printf(ctx->out, "XP: %lld (maximum level)\n",
		    (long long)ctx->me.xp);
	else
		buf_printf(ctx->out, "XP: %lld (next level at %lld)\n",
		    (long long)ctx->me.xp,
		    (long long)rules_combat_xp_for_level(ctx->me.level + 1));
	return TX_COMMIT;
}

/* who */
enum tx_rc
cmd_who(struct cmd_ctx *ctx, const char *args)
{
	/* A line: a name, " [AFK: <80 characters>]", " (idle 99d)". */
	const size_t	 linesz = STORE_NAME_MAX + 10 + 80 * 4 + 16;
	char		*names = xmalloc(200 * linesz + 1);
	const char	*name, *nl;
	int		 n;

	(void)args;
	if (store_char_who(ctx->store, names, 200 * linesz + 1, &n) !=
	    STORE_OK) {
		free(names);
		return TX_ERROR;
	}
	buf_printf(ctx->out, "Players online: %d\n", n);
	for (name = names; *name != '\0'; name = nl + (*nl != '\0')) {
		nl = name + strcspn(name, "\n");
		buf_printf(ctx->out, "  %.*s\n", (int)(nl - name), name);
	}
	free(names);
	return TX_COMMIT;
}

/*
 * help: the commands this character's role allows, in the table's order;
 * an alias reads "Same as <command>.".
 */
enum tx_rc
cmd_help(struct cmd_ctx *ctx, const char *args)
{
	struct cmd_cursor	 c = CMD_CURSOR_INIT;
	const struct cmd_entry	*cmd;
	const char		*name;
	char			 usage[128];
	enum role		 role = ROLE_PLAYER;

	if (*args != '\0')
		return cmd_help_topic(ctx, args);
	(void)cmd_role_parse(ctx->me.role, &role);
	buf_add(ctx->out, "Commands:\n");
	while (cmd_next(&c, &name, &cmd)) {
		if (cmd->min_role > role)
			continue;
		buf_printf(ctx->out, "  %-32s ", cmd_usage(cmd, name, usage,
		    sizeof usage));
		if (name == cmd->name)
			buf_printf(ctx->out, "%s\n", cmd->help);
		else
			buf_printf(ctx->out, "Same as %s.\n", cmd->name);
	}
	return TX_COMMIT;
}

/* dbstats: per-statement counters of this process (admins). */
enum tx_rc
cmd_dbstats(struct cmd_ctx *ctx, const char *args)
{
	struct store_stat	st[256];
	size_t			n = store_stats(st, 256);
	uint64_t		rt, ok, rb, failed, down, lost, doubt;

	(void)args;
	buf_printf(ctx->out, "%-22s %10s %8s %10s %10s\n", "statement", "calls",
	    "errors", "rows", "avg us");
	for (size_t i = 0; i < n && i < 256; i++)
		buf_printf(ctx->out, "%-22s %10llu %8llu %10llu %10llu\n",
		    st[i].name, (unsigned long long)st[i].calls,
		    (unsigned long long)st[i].errors,
		    (unsigned long long)st[i].rows,
		    (unsigned long long)(st[i].calls ?
		    st[i].usec / st[i].calls : 0));
	store_totals(&rt, &ok, &rb, &failed);
	buf_printf(ctx->out, "transactions: %llu committed, %llu rolled back, "
	    "%llu failed\n", (unsigned long long)ok, (unsigned long long)rb,
	    (unsigned long long)failed);
	store_fault_totals(&down, &lost, &doubt);
	buf_printf(ctx->out, "database faults: %llu out of reach, %llu lost at "
	    "COMMIT, %llu left in doubt\n", (unsigned long long)down,
	    (unsigned long long)lost, (unsigned long long)doubt);
	buf_printf(ctx->out, "round trips: %llu\n", (unsigned long long)rt);
	buf_printf(ctx->out, "transaction retries: %llu\n",
	    (unsigned long long)store_tx_retries());
	return TX_COMMIT;
}
