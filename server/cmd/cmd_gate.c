/*
 * cmd_gate.c — the role gate: a command above the actor's role answers
 * exactly as an unknown word does, and the rank and scope rules staff
 * commands share (docs/admin.md, "Roles").
 */
#include <string.h>

#include "cmd/cmd_gate.h"
#include "db/store_gate_audit.h"
#include "ops/buf.h"

/* The answer to a word no row of role's answers to. */
void
cmd_huh(struct buf *out, const char *word, enum role role)
{
	const char	*hint = cmd_suggest_role(word, role);

	if (hint != NULL)
		buf_printf(out, "Huh? Did you mean '%s'?\n", hint);
	else
		buf_add(out, "Huh? (type 'help' for the commands)\n");
}

/* The actor's role as its transaction read it. */
enum role
cmd_ctx_role(const struct cmd_ctx *ctx)
{
	enum role	role = ROLE_PLAYER;

	(void)cmd_role_parse(ctx->me.role, &role);
	return role;
}

/* Whether the actor outranks a character of target_role. */
bool
cmd_may_act_on(const struct cmd_ctx *ctx, const char *target_role)
{
	enum role	me = cmd_ctx_role(ctx), them = ROLE_PLAYER;

	(void)cmd_role_parse(target_role, &them);
	return me == ROLE_OWNER || them < me;
}

/* Whether the actor may build in area. */
bool
cmd_may_build(const struct cmd_ctx *ctx, const char *area)
{
	bool	ok = false;

	if (cmd_ctx_role(ctx) >= ROLE_ADMIN)
		return true;
	if (store_audit_may_build(ctx->store, ctx->me.id, area, &ok) !=
	    STORE_OK)
		return false;
	return ok;
}
