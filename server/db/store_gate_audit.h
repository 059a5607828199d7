/*
 * store_gate_audit.h — the audit of staff work (migration 0011_audit):
 * the dispatcher's entry for a staff command, the source of a CLI run,
 * reading entries and their changes, undo, and the rank and scope checks
 * that need the database.
 */
#ifndef KEEP_STORE_GATE_AUDIT_H
#define KEEP_STORE_GATE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "db/store.h"

struct buf;

/* Who ran a staff command, from where, and what it was. */
struct store_audit_actor {
	int64_t		 id;
	const char	*name;
	const char	*role;
	const char	*addr;		/* the session's address, or NULL */
	const char	*instance;	/* the keepd, or NULL */
	const char	*action;	/* the command row's name */
	const char	*command;	/* the line */
};

/*
 * Open the audit entry of this transaction for a staff command and turn
 * the triggers on for it (keep.audit, keep.audit_id: transaction-local);
 * online admins and owners but the actor get the feed line, delivered
 * only if the transaction commits.  Sets *id.
 */
enum store_rc	store_audit_begin(struct store *,
		    const struct store_audit_actor *, int64_t *id)
		    STORE_MUST_CHECK;
/*
 * Record this connection's later transactions as source ("load-world",
 * "cli") by actor: the trigger makes one entry per transaction.
 */
enum store_rc	store_audit_source(struct store *, const char *source,
		    const char *actor) STORE_MUST_CHECK;
/*
 * Whether the character may build in area: its role is admin or owner,
 * or build_areas is NULL or holds area.
 */
enum store_rc	store_audit_may_build(struct store *, int64_t char_id,
		    const char *area, bool *ok) STORE_MUST_CHECK;

#endif
