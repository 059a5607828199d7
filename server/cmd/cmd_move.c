/*
 * cmd_move.c — walking through exits: one handler for the six direction
 * rows of the table, each naming its direction in its data.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_util.h"

/* Where someone arriving through dir came from, as others see it. */
static const char *
cmd_move_from(const char *dir)
{
	static const char	*pairs[][2] = {
		{ "north", "the south" }, { "south", "the north" },
		{ "east", "the west" }, { "west", "the east" },
		{ "up", "below" }, { "down", "above" },
	};

	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		if (strcmp(dir, pairs[i][0]) == 0)
			return pairs[i][1];
	}
	return "somewhere";
}

/* Move the actor through an exit, tell both rooms, and look. */
static enum tx_rc
cmd_move_dir(struct cmd_ctx *ctx, const char *dir)
{
	int32_t		from = ctx->me.room_id, to;
	char		msg[128];
	enum store_rc	rc;

	/* Walking away would end the fight for free; flee is the way out. */
	if (ctx->me.fighting_id != 0) {
		buf_add(ctx->out, "You are fighting for your life! Try to "
		    "flee.\n");
		return TX_ROLLBACK;
	}
	rc = store_char_move(ctx->store, ctx->me.id, from, dir, &to);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "You can't go that way.");
	snprintf(msg, sizeof msg, "%s leaves %s.", ctx->me.name, dir);
	if (store_notify_room(ctx->store, from, ctx->me.id, msg) != STORE_OK)
		return TX_ERROR;
	snprintf(msg, sizeof msg, "%s arrives from %s.", ctx->me.name,
	    cmd_move_from(dir));
	if (store_notify_room(ctx->store, to, ctx->me.id, msg) != STORE_OK)
		return TX_ERROR;
	ctx->me.room_id = to;
	/* Without GMCP the look is the last statement: COMMIT rides. */
	if (ctx->gmcp_want == 0)
		store_commit_with_next(ctx->store);
	return cmd_show_room(ctx, to);
}

/* north, east, south, west, up, down: the row's data is the direction. */
enum tx_rc
cmd_move(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	return cmd_move_dir(ctx, ctx->cmd->data);
}
