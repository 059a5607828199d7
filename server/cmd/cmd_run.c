/*
 * cmd_run.c — one command as one transaction: the body the dispatcher runs
 * on a worker for every command, and the database tests run for theirs.
 */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_util.h"

#define CMD_ELSEWHERE	"You have logged in from somewhere else; this " \
			"connection is closed.\n"
#define CMD_NOT_ALLOWED	"Huh? (type 'help' for the commands)\n"

/*
 * The command's transaction: load the actor, check that this session still
 * owns the character and that its role allows the command, then run the
 * handler with its row.
 */
static enum tx_rc
cmd_run_tx(struct store *st, void *arg)
{
	struct cmd_call	*call = arg;
	struct cmd_ctx	 ctx = { .cmd = call->cmd, .store = st,
			    .out = call->out };
	enum role	 role = ROLE_PLAYER;
	enum tx_rc	 rc;
	enum store_rc	 src;

	buf_reset(call->out);
	call->close = false;
	if ((src = store_char_load(st, call->char_id, &ctx.me)) != STORE_OK) {
		call->close = src == STORE_NONE;
		return cmd_refuse_rc(&ctx, src,
		    "Your character no longer exists.");
	}
	if (strcmp(ctx.me.session_instance, call->instance) != 0 ||
	    ctx.me.session_id != (int64_t)call->sid) {
		buf_add(call->out, CMD_ELSEWHERE);
		call->close = true;
		return TX_ROLLBACK;
	}
	(void)cmd_role_parse(ctx.me.role, &role);
	if (role < call->cmd->min_role) {
		buf_add(call->out, CMD_NOT_ALLOWED);
		return TX_ROLLBACK;
	}
	if (ctx.me.frozen[0] != '\0' && call->cmd->handler != cmd_quit) {
		buf_printf(call->out, "You are frozen and can't do that (%s).\n",
		    ctx.me.frozen);
		return TX_ROLLBACK;
	}
	rc = call->cmd->handler(&ctx, call->args);
	call->close = ctx.close;
	return rc;
}

/* Run a command as one transaction, READ ONLY if its row says CMD_READ. */
enum tx_result
cmd_run(struct store *st, struct cmd_call *call, int retries)
{
	return store_tx(st, (call->cmd->flags & CMD_READ) != 0, retries,
	    cmd_run_tx, call);
}
