/*
 * cmd_session.c — leaving the game.
 */
#include <stdio.h>

#include "cmd/cmd.h"
#include "cmd/game.h"

/* quit: end the session in the database, tell the room, say goodbye. */
enum tx_rc
cmd_quit(struct cmd_ctx *ctx, const char *args)
{
	char	msg[64];

	(void)args;
	if (ctx->me.fighting_id != 0) {
		buf_add(ctx->out, "No way! You are fighting for your life!\n");
		return TX_ROLLBACK;
	}
	if (store_char_end_session(ctx->store, ctx->me.id,
	    ctx->me.session_instance, ctx->me.session_id) == STORE_ERR ||
	    cmd_trade_leave(ctx->store, ctx->me.id, ctx->me.name,
	    "left the game") != STORE_OK)
		return TX_ERROR;
	snprintf(msg, sizeof msg, "%s has left the game.", ctx->me.name);
	if (store_notify_room(ctx->store, ctx->me.room_id, ctx->me.id, msg) !=
	    STORE_OK)
		return TX_ERROR;
	buf_add(ctx->out, "Goodbye. Your character is saved.\n");
	ctx->close = true;
	return TX_COMMIT;
}
