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

/* One audit entry as the audit command lists it. */
struct store_audit_row {
	int64_t	 id;
	char	 at[24];		/* "2026-11-22 02:14" UTC */
	char	 who[64];		/* "Bob (builder)", "sql (keep)" */
	char	 command[200];
	char	 summary[160];		/* "+1 rooms, ~2 exits" */
	int64_t	 undone_by;		/* 0: not undone */
	int64_t	 undoes;		/* 0: not an undo */
	int64_t	 actor_id;		/* 0: not a character's */
	char	 source[16];
	char	 addr[64];		/* "" when none */
	char	 action[24];		/* the command row's name, or source */
	bool	 world;			/* changed a world row */
	bool	 roles;			/* changed a character's role */
};

/* Which entries to list (NULL / false: no filter). */
struct store_audit_filter {
	const char	*actor;		/* actor_name, any case */
	const char	*source;	/* 'sql', 'load-world', 'cli', 'game' */
	const char	*tbl;		/* with pk: one row's history */
	const char	*pk;		/* jsonb text, e.g. {"id": 1000} */
	bool		 world_only;	/* builders: world rows only */
	int		 count;
};

/* The latest entries matching f, newest first; *n of at most max. */
enum store_rc	store_audit_list(struct store *,
		    const struct store_audit_filter *,
		    struct store_audit_row *, int max, int *n)
		    STORE_MUST_CHECK;
/*
 * A row's history (f->tbl, f->pk): one line per change, oldest first,
 * "#813 2026-11-22 02:11  sql (keep)  title 'a' -> 'b'" into out.
 */
enum store_rc	store_audit_history(struct store *,
		    const struct store_audit_filter *, struct buf *out)
		    STORE_MUST_CHECK;
/* One entry; STORE_NONE if there is none with that id. */
enum store_rc	store_audit_get(struct store *, int64_t id,
		    struct store_audit_row *) STORE_MUST_CHECK;
/*
 * The changes of an entry (0: this transaction's), one "  label: what"
 * line each into out (at most max lines, then "  ... and N more"); sets
 * *summary (160 bytes) to the counted summary.
 */
enum store_rc	store_audit_changes(struct store *, int64_t id, int max,
		    struct buf *out, char *summary) STORE_MUST_CHECK;
/*
 * The actor's latest game entry that changed rows, is neither undone nor
 * an undo itself, and is not this transaction's; STORE_NONE if none.
 */
enum store_rc	store_audit_last_own(struct store *, int64_t actor_id,
		    int64_t *id) STORE_MUST_CHECK;
/*
 * Undo entry id in this transaction and mark this transaction's entry as
 * its undo.  STORE_NONE with why (256 bytes) when refused: the caller
 * rolls back.
 */
enum store_rc	store_audit_undo(struct store *, int64_t id, char *why)
		    STORE_MUST_CHECK;

/* --- store_gate_staff.c: at, wiznet, role --- */

/* Put a character in room (at); STORE_NONE if there is no such room. */
enum store_rc	store_gate_place(struct store *, int64_t id, int32_t room)
		    STORE_MUST_CHECK;
/* Put the character back in from if it is still in room (after at). */
enum store_rc	store_gate_return(struct store *, int64_t id, int32_t room,
		    int32_t from) STORE_MUST_CHECK;
/*
 * Send text to every online staff character (builder and up) but except;
 * *n is how many it reached.
 */
enum store_rc	store_gate_wiznet(struct store *, int64_t except,
		    const char *text, int *n) STORE_MUST_CHECK;
/* "Ann (admin), Bob (builder)": the 40 staff online who logged in last,
 * and how many more, into out (outsz). */
enum store_rc	store_gate_staff_online(struct store *, char *out,
		    size_t outsz) STORE_MUST_CHECK;

/* The two characters of a role change, locked in id order. */
struct store_gate_pair {
	char	 my_role[8];		/* re-read under the lock */
	int64_t	 them_id;
	char	 them_name[STORE_NAME_MAX + 1];
	char	 them_role[8];
};
/*
 * Lock the actor and the player named name (any case) in id order and
 * read both roles; STORE_NONE if there is no such player.
 */
enum store_rc	store_gate_lock_pair(struct store *, int64_t me,
		    const char *name, struct store_gate_pair *)
		    STORE_MUST_CHECK;
/*
 * The first of areas ("wilds warren") that is not an area, into bad
 * (33 bytes); STORE_NONE when every one is.
 */
enum store_rc	store_gate_bad_area(struct store *, const char *areas,
		    char *bad) STORE_MUST_CHECK;
/* Set a character's role and build_areas ("wilds warren"; NULL: every
 * area). */
enum store_rc	store_gate_set_role(struct store *, int64_t id,
		    const char *role, const char *areas) STORE_MUST_CHECK;
