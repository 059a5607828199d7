/*
 * cmd_comm.c — talking to others: say.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "cmd/cmd_util.h"
#include "ops/util.h"

/* Says a room may hear in a second (room_message_rate; set at start). */
static int	cmd_room_rate = 20;

/* Set the per-room say rate (from the configuration). */
void
cmd_comm_init(int room_message_rate)
{
	cmd_room_rate = room_message_rate;
}

/* say <text>: everyone online in the room hears it, unless it is noisy. */
enum tx_rc
cmd_say(struct cmd_ctx *ctx, const char *args)
{
	char		*msg;
	enum store_rc	 rc;

	if (cmd_muted(ctx))
		return TX_ROLLBACK;
	msg = xasprintf("%s says, '%s'", ctx->me.name, args);
	rc = store_notify_say(ctx->store, ctx->me.room_id, ctx->me.id, msg,
	    cmd_room_rate);
	free(msg);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc,
		    "It is too noisy here; wait a moment.");
	buf_printf(ctx->out, "You say, '%s'\n", args);
	return TX_COMMIT;
}
