/*
 * store_ops.h — the statements of the ops commands (issue 9): the
 * cluster-wide shutdown schedule, and set, restore and transfer of a
 * character by staff.
 */
#ifndef KEEP_STORE_OPS_H
#define KEEP_STORE_OPS_H

#include "db/store.h"

#define STORE_OPS_REASON_MAX	200

/* The scheduled shutdown, as the `shutdown` command shows it. */
struct store_shutdown {
	char	at[16];			/* "02:20:00" (UTC) */
	int32_t	left;			/* seconds until then (<= 0: past) */
	char	by[STORE_NAME_MAX + 1];
	char	reason[STORE_OPS_REASON_MAX + 1];
};

/* What a keepd's watcher saw (store_ops_shutdown_watch). */
struct store_shutdown_watch {
	bool	scheduled;		/* there is a row */
	int32_t	left;			/* seconds until it */
	bool	mine;			/* it falls after this keepd started */
	int32_t	announced;		/* the mark this call broadcast, or 0 */
};

/* --- the shutdown schedule (store_ops.c) --- */

/* The scheduled shutdown; STORE_NONE if there is none (or it has passed). */
enum store_rc	 store_ops_shutdown_get(struct store *, struct store_shutdown *)
		    STORE_MUST_CHECK;
/* Whether a shutdown comes within secs (STORE_NONE if not); *left: when. */
enum store_rc	 store_ops_shutdown_soon(struct store *, int secs,
		    int32_t *left) STORE_MUST_CHECK;
/*
 * Schedule a shutdown secs from now (a past one is replaced); STORE_NONE
 * when one is already scheduled (then *sd is that one).
 */
enum store_rc	 store_ops_shutdown_set(struct store *, int secs,
		    const char *by, const char *reason, struct store_shutdown *)
		    STORE_MUST_CHECK;
/* Cancel the scheduled shutdown; STORE_NONE if none is. */
enum store_rc	 store_ops_shutdown_cancel(struct store *) STORE_MUST_CHECK;
/*
 * At start-up: delete a schedule whose time has passed (its keepd have
 * gone), so a restart does not shut down again; *cleared says whether one
 * was.  *started gets the database's clock, for store_ops_shutdown_watch.
 */
enum store_rc	 store_ops_shutdown_clear_stale(struct store *, bool *cleared,
		    char *started, size_t startedsz) STORE_MUST_CHECK;
/*
 * The watcher's look at the schedule: how long is left, whether it is for
 * a keepd started at started, and, when a countdown mark has come, claim
 * it and broadcast its line (once in the cluster: the first to claim).
 */
enum store_rc	 store_ops_shutdown_watch(struct store *, const char *started,
		    struct store_shutdown_watch *) STORE_MUST_CHECK;

/* --- characters (store_ops_char.c) --- */

/* The fields `set` may change. */
enum store_ops_field {
	OPS_FIELD_HP,
	OPS_FIELD_MAX_HP,
	OPS_FIELD_LEVEL,
	OPS_FIELD_XP,
	OPS_FIELD_COINS,
	OPS_FIELD_ROOM
};

/*
 * Set a character's field to value (text, cast by the database): its old
 * and new values in old/now.  STORE_NONE when the database refused the
 * value (a CHECK, a foreign key, not a number of the column's type).
 */
enum store_rc	 store_ops_set(struct store *, int64_t id,
		    enum store_ops_field, const char *value, char *old,
		    char *now, size_t sz) STORE_MUST_CHECK;
/* Full hp: hp before in *old, and the max in *max. */
enum store_rc	 store_ops_restore(struct store *, int64_t id, int32_t *old,
		    int32_t *max) STORE_MUST_CHECK;
/* A room's title; STORE_NONE if there is no such room. */
enum store_rc	 store_ops_room_title(struct store *, int32_t room,
		    char *title, size_t titlesz) STORE_MUST_CHECK;
/* Move a character to a room, ending its fights. */
enum store_rc	 store_ops_transfer(struct store *, int64_t id, int32_t room)
		    STORE_MUST_CHECK;

/* --- the world as files (store_ops_dump.c) --- */

/*
 * Every area, in id order, as the JSON document of its world file:
 * fn(area, json, arg) for each; STORE_NONE when fn returned false.
 */
enum store_rc	 store_ops_world_dump(struct store *, bool (*fn)(const char *,
		    const char *, void *), void *arg) STORE_MUST_CHECK;

#endif
