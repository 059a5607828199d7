/*
 * cmd_util.c — the one mapping from a store call's outcome to a handler's.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "cmd/cmd_util.h"
#include "ops/util.h"

/* A store call's outcome as a transaction's. */
enum tx_rc
cmd_tx_rc(enum store_rc rc)
{
	return rc == STORE_OK ? TX_COMMIT : rc == STORE_NONE ? TX_ROLLBACK :
	    TX_ERROR;
}

/* Is the actor muted?  Then say so (the mute's reason and end). */
bool
cmd_muted(struct cmd_ctx *ctx)
{
	if (ctx->me.muted[0] == '\0')
		return false;
	(void)cmd_refuse_rc(ctx, STORE_NONE, "You are muted and can't speak "
	    "(%s).", ctx->me.muted);
	return true;
}

/* TX_ERROR for STORE_ERR; otherwise write the refusal and roll back. */
enum tx_rc
cmd_refuse_rc(struct cmd_ctx *ctx, enum store_rc rc, const char *fmt, ...)
{
	va_list	ap;
	char	*line;

	if (rc == STORE_ERR)
		return TX_ERROR;
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	buf_printf(ctx->out, "%s\n", line);
	free(line);
	return TX_ROLLBACK;
}
