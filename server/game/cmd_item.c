/*
 * cmd_item.c — placeholder, being written.
 */
#include "game/cmd.h"

/* cmd_inventory: not yet. */
enum tx_rc
cmd_inventory(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_get: not yet. */
enum tx_rc
cmd_get(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_drop: not yet. */
enum tx_rc
cmd_drop(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_put: not yet. */
enum tx_rc
cmd_put(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_equipment: not yet. */
enum tx_rc
cmd_equipment(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_examine: not yet. */
enum tx_rc
cmd_examine(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_wear: not yet. */
enum tx_rc
cmd_wear(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_wield: not yet. */
enum tx_rc
cmd_wield(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_remove: not yet. */
enum tx_rc
cmd_remove(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}

/* cmd_give_item: not yet. */
enum tx_rc
cmd_give_item(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	buf_add(ctx->out, "That is not possible yet.\n");
	return TX_ROLLBACK;
}
