/*
 * cmd_shop.c — placeholder, being written.
 */
#include "game/cmd.h"

/* cmd_list: not yet. */
enum tx_rc
cmd_list(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_buy: not yet. */
enum tx_rc
cmd_buy(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_sell: not yet. */
enum tx_rc
cmd_sell(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_value: not yet. */
enum tx_rc
cmd_value(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_heal: not yet. */
enum tx_rc
cmd_heal(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}
