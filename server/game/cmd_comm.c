/*
 * cmd_comm.c — talking to others: say.
 */
#include <stdio.h>
#include <stdlib.h>

#include "game/cmd.h"
#include "ops/util.h"

/* say <text>: everyone online in the room hears it. */
enum tx_rc
cmd_say(struct cmd_ctx *ctx, const char *args)
{
	char	*msg = xasprintf("%s says, '%s'", ctx->me.name, args);
	bool	 ok;

	ok = store_notify_room(ctx->store, ctx->me.room_id, ctx->me.id,
	    msg) == STORE_OK;
	free(msg);
	if (!ok)
		return TX_ERROR;
	buf_printf(ctx->out, "You say, '%s'\n", args);
	return TX_COMMIT;
}
