/*
 * cmd_gate.h — the role gate of issue 9 (docs/admin.md, "Roles"): what a
 * role may see and run, the rank rules between characters, a builder's
 * areas, and the staff commands of the audit (audit, undo, dry, at,
 * wiznet, role).
 */
#ifndef KEEP_CMD_GATE_H
#define KEEP_CMD_GATE_H

#include <stdbool.h>

#include "cmd/cmd.h"

struct buf;

/* The answer to a command that does not exist for role: "Huh? ...",
 * with a suggestion among the names role may run. */
void		cmd_huh(struct buf *, const char *word, enum role);
/* The actor's role, as the transaction read it (unknown: player). */
enum role	cmd_ctx_role(const struct cmd_ctx *);
/*
 * Whether the actor may act on a character of target_role: never on an
 * equal or higher role; owners on anyone (the caller refuses themselves).
 */
bool		cmd_may_act_on(const struct cmd_ctx *, const char *target_role);
/*
 * Whether the actor may build in area: admins and owners everywhere,
 * builders where characters.build_areas allows (NULL: every area).  A
 * database error counts as no (the caller's refusal rolls back).
 */
bool		cmd_may_build(const struct cmd_ctx *, const char *area);

/* The staff commands (cmd_gate_cmd.c, cmd_gate_audit.c). */
enum tx_rc	cmd_audit(struct cmd_ctx *, const char *);
enum tx_rc	cmd_undo(struct cmd_ctx *, const char *);
enum tx_rc	cmd_dry(struct cmd_ctx *, const char *);
enum tx_rc	cmd_at(struct cmd_ctx *, const char *);
enum tx_rc	cmd_wiznet(struct cmd_ctx *, const char *);
enum tx_rc	cmd_role(struct cmd_ctx *, const char *);

#endif
