/*
 * cmd_combat.c — placeholder, being written.
 */
#include "game/cmd.h"

/* cmd_kill: not yet. */
enum tx_rc
cmd_kill(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_flee: not yet. */
enum tx_rc
cmd_flee(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_consider: not yet. */
enum tx_rc
cmd_consider(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}
