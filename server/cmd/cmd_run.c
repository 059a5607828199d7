/*
 * cmd_run.c — one command as one transaction: the body the dispatcher runs
 * on a worker for every command, and the database tests run for theirs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_gate.h"
#include "cmd/cmd_talk.h"
#include "cmd/cmd_util.h"
#include "db/store_gate_audit.h"
#include "ops/util.h"

#define CMD_ELSEWHERE	"You have logged in from somewhere else; this " \
			"connection is closed.\n"

/*
 * The staff command's audit entry: every row above player that writes
 * opens one in its own transaction, so what it changes is recorded (and
 * a rolled-back command leaves nothing).  Player commands send nothing
 * more than before.
 */
static enum tx_rc
cmd_run_audit(struct cmd_ctx *ctx, const struct cmd_call *call)
{
	struct store_audit_actor	 a = { .id = ctx->me.id,
					    .name = ctx->me.name,
					    .role = ctx->me.role,
					    .addr = call->addr,
					    .instance = call->instance,
					    .action = call->cmd->name };
	char				 line[600];
	int64_t				 id;

	if (call->cmd->min_role == ROLE_PLAYER ||
	    (call->cmd->flags & (CMD_READ | CMD_NOAUDIT)) != 0)
		return TX_COMMIT;
	snprintf(line, sizeof line, "%s%s%s", call->cmd->name,
	    call->args[0] != '\0' ? " " : "", call->args);
	a.command = line;
	if (store_audit_begin(ctx->store, &a, &id) != STORE_OK)
		return TX_ERROR;
	return TX_COMMIT;
}

/* Whether a command changes what its actor carries (Char.Items.List). */
static bool
cmd_run_moves_items(const struct cmd_entry *cmd)
{
	static const cmd_fn	fns[] = { cmd_get, cmd_drop, cmd_put, cmd_give,
				    cmd_wear, cmd_wield, cmd_remove, cmd_buy,
				    cmd_sell, cmd_inventory };

	for (size_t i = 0; i < nitems(fns); i++) {
		if (cmd->handler == fns[i])
			return true;
	}
	return false;
}

/*
 * Whether a write command leaves its actor's row as it was (only its room
 * changes on a move, and a move's Room.Info says which): the hot ones,
 * spared the second read of the row.
 */
static bool
cmd_run_keeps_me(const struct cmd_entry *cmd)
{
	return cmd->handler == cmd_say || cmd->handler == cmd_move;
}

/*
 * The screen after the handler: a write that committed may have changed
 * the actor (hp, coins, room, settings), so its row is read again for the
 * prompt and Char.*; a read, or a refusal, shows the row it loaded.
 * Without GMCP that read is the transaction's last statement, so COMMIT
 * rides in its pipeline (with any room messages still queued).
 */
static enum tx_rc
cmd_run_screen(struct cmd_ctx *ctx, struct cmd_call *call, enum tx_rc rc)
{
	enum tx_rc	src;

	if (rc == TX_COMMIT && !(call->cmd->flags & CMD_READ) &&
	    !cmd_run_keeps_me(call->cmd)) {
		if (ctx->gmcp_want == 0)
			store_commit_with_next(ctx->store);
		if (store_char_load(ctx->store, ctx->me.id, &ctx->me) ==
		    STORE_ERR)
			return TX_ERROR;
	}
	src = cmd_screen_end(ctx, &call->screen, call->last_room,
	    rc == TX_COMMIT && cmd_run_moves_items(call->cmd),
	    call->cmd->handler == cmd_gmcp_state);
	return src == TX_COMMIT ? rc : src;
}

/*
 * The reads whose statements depend on nothing the actor's row says but
 * its id (or the room it was in): all go out with BEGIN and COMMIT, one
 * round trip.  With GMCP, the screen may read more: COMMIT waits.
 */
static bool
cmd_run_spec_read(struct store *st, const struct cmd_call *call)
{
	cmd_fn	fn = call->cmd->handler;

	if (fn != cmd_score && fn != cmd_who && fn != cmd_inventory &&
	    fn != cmd_equipment && (fn != cmd_exits || call->guess_room == 0))
		return false;
	store_char_load_spec(st, call->char_id);
	if (fn == cmd_who)
		store_char_who_spec(st);
	else if (fn == cmd_inventory)
		store_item_inventory_spec(st, call->char_id);
	else if (fn == cmd_equipment)
		store_item_equipment_spec(st, call->char_id);
	else if (fn == cmd_exits) {
		store_talk_exits_spec(st, call->guess_room);
		store_talk_exits_spec(st, call->guess_room);
	}
	if (call->gmcp_want == 0)
		store_spec_commit(st);
	return true;
}

/*
 * Guesses for the first pipeline: the hot commands' statements, with the
 * room and name the session's last command left the actor with, go out
 * with BEGIN and the actor's row (docs/architecture.md, "Round trips").
 * look is then one round trip (its COMMIT rides too, without GMCP), say
 * and a move two.  A guess the command does not make exactly is rolled
 * back and the command run again without guesses (store_tx), so a wrong
 * one costs time, never a different outcome.
 */
static void
cmd_run_spec(struct store *st, const struct cmd_call *call)
{
	cmd_fn		 fn = call->cmd->handler;
	const char	*args = call->args != NULL ? call->args : "", *why;
	char		*others, name[STORE_NAME_MAX + 1];
	int64_t		 amount;

	if (cmd_run_spec_read(st, call))
		return;
	if (call->guess_room == 0 || call->guess_name == NULL ||
	    call->guess_name[0] == '\0')
		return;
	if (fn == cmd_look && args[strspn(args, " ")] == '\0') {
		store_char_load_spec(st, call->char_id);
		store_room_look_spec(st, call->guess_room, call->char_id);
		if (call->gmcp_want == 0)
			store_spec_commit(st);
	} else if (fn == cmd_say && args[0] != '\0') {
		others = cmd_say_others(call->guess_name, args);
		store_char_load_spec(st, call->char_id);
		store_notify_say_spec(st, call->guess_room, call->char_id,
		    "say", call->guess_name, others, cmd_comm_room_rate());
		free(others);
	} else if (fn == cmd_give && cmd_give_is_coins(args) &&
	    cmd_parse_give(args, &amount, name, sizeof name, &why)) {
		store_char_load_spec(st, call->char_id);
		store_char_in_room_spec(st, call->guess_room, name);
	} else if (fn == cmd_move) {
		store_char_load_spec(st, call->char_id);
		store_char_move_spec(st, call->char_id, call->guess_room,
		    call->cmd->data);
	}
}

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
			    .out = call->out, .gmcp_want = call->gmcp_want };
	enum role	 role = ROLE_PLAYER;
	enum tx_rc	 rc;
	enum store_rc	 src;

	buf_reset(call->out);
	json_decref(call->gmcp);
	call->gmcp = NULL;
	call->close = false;
	call->gated = false;
	call->screen.prompt[0] = '\0';
	cmd_run_spec(st, call);
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
	/* Any command but afk itself ends an away state (cmd_run). */
	call->afk = ctx.me.afk && call->cmd->handler != cmd_afk;
	(void)cmd_role_parse(ctx.me.role, &role);
	call->role = role;
	/* Above the role, the command does not exist: answer as unknown. */
	call->gated = role < call->cmd->min_role;
	if (call->gated) {
		cmd_huh(call->out, call->word != NULL ? call->word :
		    call->cmd->name, role);
		return TX_ROLLBACK;
	}
	/* What the loop could not check with a role it did not know yet. */
	if ((call->cmd->flags & CMD_FULLNAME) && call->word != NULL &&
	    strcmp(call->word, call->cmd->name) != 0) {
		buf_printf(call->out, "To %s, type the whole word.\n",
		    call->cmd->name);
		return TX_ROLLBACK;
	}
	if ((call->cmd->flags & CMD_ARGS) && call->args[0] == '\0') {
		buf_printf(call->out, "Usage: %s\n", call->cmd->usage);
		return TX_ROLLBACK;
	}
	if (ctx.me.frozen[0] != '\0' && call->cmd->handler != cmd_quit) {
		buf_printf(call->out, "You are frozen and can't do that (%s).\n",
		    ctx.me.frozen);
		return TX_ROLLBACK;
	}
	if ((rc = cmd_run_audit(&ctx, call)) != TX_COMMIT)
		return rc;
	rc = call->cmd->handler(&ctx, call->args);
	call->close = ctx.close;
	if (!ctx.close && (rc == TX_COMMIT || rc == TX_ROLLBACK))
		rc = cmd_run_screen(&ctx, call, rc);
	call->gmcp = ctx.gmcp;
	return rc;
}

/* Queue a GMCP message for after COMMIT. */
void
cmd_gmcp(struct cmd_ctx *ctx, const char *package, json_t *body)
{
	if (ctx->gmcp == NULL)
		ctx->gmcp = json_array();
	json_array_append_new(ctx->gmcp, json_pack("[so]", package,
	    body != NULL ? body : json_null()));
}

/* Run a command as one transaction, READ ONLY if its row says CMD_READ. */
enum tx_result
cmd_run(struct store *st, struct cmd_call *call, int retries)
{
	enum tx_result	r;

	call->afk = false;
	r = store_tx(st, (call->cmd->flags & CMD_READ) != 0, retries,
	    cmd_run_tx, call);
	/*
	 * An away character is back: in a transaction of its own, since the
	 * command's may be read-only or refused.  Only away characters pay
	 * for it.
	 */
	if (call->afk && (r == TXR_COMMITTED || r == TXR_ROLLED_BACK))
		cmd_talk_back(st, call->char_id, call->out, retries);
	return r;
}
