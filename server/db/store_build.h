/*
 * store_build.h — the statements of the building commands (goto, dig,
 * link, unlink, redit, stat, find; server/cmd/cmd_build*.c).  Each write
 * changes only the field it names (no read-modify-write in C), so two
 * builders editing different fields of a room never clobber each other.
 */
#ifndef KEEP_STORE_BUILD_H
#define KEEP_STORE_BUILD_H

#include "db/store.h"

struct buf;
struct store_stmt;

#define STORE_AREA_MAX	32
/* What a new room's description is until a builder writes one. */
#define STORE_BUILD_UNFINISHED	"You are in an unfinished room."

/* A room as the building commands see it. */
struct store_build_room {
	int32_t	 id;
	char	 area[STORE_AREA_MAX + 1];
	char	 title[STORE_TITLE_MAX + 1];
	int	 desc_len;		/* characters */
	bool	 is_start;
	int64_t	 coins;
};

/* The room id (FOR UPDATE when lock); STORE_NONE if there is none. */
enum store_rc	store_build_room(struct store *, int32_t id, bool lock,
		    struct store_build_room *) STORE_MUST_CHECK;
/* The start room's id; STORE_NONE if there is none. */
enum store_rc	store_build_start(struct store *, int32_t *id)
		    STORE_MUST_CHECK;
/*
 * Run st and append the text column 0 of every row to out, one line each
 * (*rows: how many, if not NULL); STORE_NONE when there were none.
 */
enum store_rc	store_build_lines(struct store *, struct store_stmt *,
		    const char *const *, struct buf *out, int *rows)
		    STORE_MUST_CHECK;
/* Whether the area exists. */
enum store_rc	store_build_area_exists(struct store *, const char *area,
		    bool *exists) STORE_MUST_CHECK;
/* Where the exit room/dir leads; STORE_NONE if there is no such exit. */
enum store_rc	store_build_exit(struct store *, int32_t room,
		    const char *dir, int32_t *to) STORE_MUST_CHECK;
/*
 * Someone to go to: a player by name (any case), else the NPC of lowest
 * id one of whose keywords is name.  Its room and shown name.
 */
enum store_rc	store_build_whereis(struct store *, const char *name,
		    int32_t *room, char *shown, size_t shownsz)
		    STORE_MUST_CHECK;
/* Put character id in room (no exit needed). */
enum store_rc	store_build_goto(struct store *, int64_t id, int32_t room)
		    STORE_MUST_CHECK;
/*
 * A new room of area with title and the unfinished description, its id
 * the lowest free one above the area's highest (under a transaction
 * advisory lock, so concurrent digs never pick the same id).
 */
enum store_rc	store_build_dig(struct store *, const char *area,
		    const char *title, int32_t *id) STORE_MUST_CHECK;
/* Add the exit room/dir -> to; STORE_NONE if room already has one. */
enum store_rc	store_build_exit_add(struct store *, int32_t room,
		    const char *dir, int32_t to) STORE_MUST_CHECK;
/* Remove the exit room/dir if it leads to `to` (0: wherever it leads);
 * STORE_NONE if there is no such exit. */
enum store_rc	store_build_exit_del(struct store *, int32_t room,
		    const char *dir, int32_t to) STORE_MUST_CHECK;
/* Set a room's title; the old one into old. */
enum store_rc	store_build_set_title(struct store *, int32_t room,
		    const char *title, char *old, size_t oldsz)
		    STORE_MUST_CHECK;
/*
 * Replace a room's description with text, or append text to it after a
 * space (append).  *was and *now get the lengths in characters; a result
 * over STORE_DESC_MAX changes nothing and is STORE_NONE (*now says what it
 * would have been).
 */
enum store_rc	store_build_set_desc(struct store *, int32_t room,
		    const char *text, bool append, int *was, int *now)
		    STORE_MUST_CHECK;
/* Move a room to another area; STORE_NONE if the area does not exist. */
enum store_rc	store_build_set_area(struct store *, int32_t room,
		    const char *area) STORE_MUST_CHECK;
/*
 * Who and what is in a room: "Alice (online), Bob (offline), a goblin"
 * into list, and the counts.
 */
enum store_rc	store_build_occupants(struct store *, int32_t room,
		    char *list, size_t listsz, int *players, int *npcs,
		    int *items) STORE_MUST_CHECK;
/* What deleting a room did. */
struct store_build_deleted {
	int	 exits;
	int	 resets;
	int	 players;	/* moved to the start room */
	int	 npcs;		/* purged */
	int	 items;		/* moved to the start room's floor */
	char	 names[512];	/* the players moved, ", "-separated */
};
/*
 * Delete a locked room.  With evacuate, first move its players (online
 * ones told), the items on its floor and its coins to room start and purge
 * its NPCs; without, a room holding anything is refused by the foreign
 * keys, so check with store_build_occupants first.
 */
enum store_rc	store_build_delete(struct store *, int32_t room,
		    int32_t start, bool evacuate, struct store_build_deleted *)
		    STORE_MUST_CHECK;

/* --- read-only: stat and find (store_build_info.c) --- */

/* stat room: the room's fields, exits, occupants and resets as lines. */
enum store_rc	store_build_stat_room(struct store *, int32_t room,
		    struct buf *) STORE_MUST_CHECK;
/* stat char: a player by name or an NPC by keyword, as lines. */
enum store_rc	store_build_stat_char(struct store *, const char *name,
		    bool addresses, struct buf *) STORE_MUST_CHECK;
/* stat item: item #id as lines. */
enum store_rc	store_build_stat_item(struct store *, int64_t id,
		    struct buf *) STORE_MUST_CHECK;
/* stat iproto / nproto: a prototype as lines (npc: an NPC prototype). */
enum store_rc	store_build_stat_proto(struct store *, const char *id,
		    bool npc, struct buf *) STORE_MUST_CHECK;
/*
 * "Last change: ..." for a row of tbl whose primary key is pk (JSON), from
 * the audit (migration 0011); nothing when it has none.
 */
enum store_rc	store_build_last_change(struct store *, const char *tbl,
		    const char *pk, struct buf *) STORE_MUST_CHECK;
/* find room|item|npc: what matches text literally, 50 at most, as lines;
 * *n gets how many were listed (STORE_NONE: none matched). */
enum store_rc	store_build_find(struct store *, const char *what,
		    const char *text, struct buf *, int *n) STORE_MUST_CHECK;
/* find problems: the world's lint (in area, or everywhere when NULL), as
 * lines; *n gets how many there are in all. */
enum store_rc	store_build_problems(struct store *, const char *area,
		    struct buf *, int *n) STORE_MUST_CHECK;

#endif
