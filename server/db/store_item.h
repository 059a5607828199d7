/*
 * store_item.h — items and where they are: the store functions behind get,
 * drop, put, give, wear, wield, remove, inventory, equipment and examine.
 *
 * An item is in exactly one place (a room, a character's inventory or
 * equipment, or a container), which the schema enforces.  Commands read
 * what is around the actor in one query (store_item_scan), choose in C,
 * and move with one conditional UPDATE over the chosen ids that reports,
 * through RETURNING, what actually moved: a thing someone else took first
 * is simply not among the moved.
 */
#ifndef KEEP_STORE_ITEM_H
#define KEEP_STORE_ITEM_H

#include "db/store.h"

#define STORE_ITEM_NAME_MAX	80
#define STORE_ITEM_KW_MAX	200
#define STORE_ITEM_LONG_MAX	200

/* What store_item_scan reads; or them together. */
enum store_item_scope {
	STORE_SCAN_ROOM		= 1 << 0,	/* items on the floor */
	STORE_SCAN_MINE		= 1 << 1,	/* inventory and equipment */
	STORE_SCAN_INSIDE	= 1 << 2,	/* in containers of those two */
	STORE_SCAN_CHARS	= 1 << 3	/* NPCs, online players */
};

/* Where a scanned thing is. */
enum store_item_place {
	STORE_PLACE_ROOM	= 'r',		/* on the floor; characters */
	STORE_PLACE_CARRIED	= 'c',		/* in the actor's inventory */
	STORE_PLACE_WORN	= 'w',		/* in the actor's equipment */
	STORE_PLACE_INSIDE	= 'i'		/* in container_id */
};

/* One item, or one character (kind 'n' NPC, 'p' player) in the room. */
struct store_item {
	char	 kind;			/* 'i', 'n' or 'p' */
	char	 place;			/* enum store_item_place */
	int64_t	 id;
	int64_t	 container_id;		/* 0 unless STORE_PLACE_INSIDE */
	char	 proto[49];		/* item or NPC prototype ("" player) */
	char	 name[STORE_ITEM_NAME_MAX + 1];
	char	 keywords[STORE_ITEM_KW_MAX + 1];
	char	 type[12];		/* item type */
	char	 wear_slot[8];		/* where it can be worn, "" if not */
	char	 worn_slot[8];		/* where it is worn, "" if not */
	int64_t	 weight;		/* its own */
	int64_t	 total;			/* with everything inside it */
	int64_t	 capacity;
	int64_t	 coins;			/* coins inside (corpses) */
	int32_t	 level;			/* characters */
	int32_t	 count;			/* grouped listings: how many */
	char	 long_desc[STORE_ITEM_LONG_MAX + 1];
	char	*description;		/* owned by the set */
};

/* Rows of a scan or a listing; free with store_item_set_free. */
struct store_item_set {
	struct store_item	*v;
	int			 n;
};

/* A character as locked for a change to what it carries. */
struct store_item_holder {
	int32_t	 room_id;
	int32_t	 level;
	int64_t	 coins;
	int64_t	 room_coins;		/* coins on the floor of its room */
};

/* Free a set's rows. */
void		 store_item_set_free(struct store_item_set *);
/*
 * Everything in scope around the actor me in room, items ordered by id
 * (so "2.sword" is stable), then characters by name.
 */
enum store_rc	 store_item_scan(struct store *, int32_t room, int64_t me,
		    int scope, struct store_item_set *) STORE_MUST_CHECK;
/*
 * Lock a character's row (FOR UPDATE) before reading what it carries, so
 * two changes to one character's burden queue behind each other.  With
 * room != 0, STORE_NONE when it is not in that room (or is an offline
 * player).
 */
enum store_rc	 store_item_lock_char(struct store *, int64_t id, int32_t room,
		    struct store_item_holder *) STORE_MUST_CHECK;
/* What a character carries: things in hand, weight of everything. */
enum store_rc	 store_item_burden(struct store *, int64_t id, int64_t *count,
		    int64_t *weight) STORE_MUST_CHECK;
/*
 * Lock a container that must still be on the floor of room or carried by
 * me; STORE_NONE when it is not.  Read its contents after this.
 */
enum store_rc	 store_item_lock_container(struct store *, int64_t id,
		    int32_t room, int64_t me) STORE_MUST_CHECK;
/* The weight of what is inside an item (read after locking it). */
enum store_rc	 store_item_contents_weight(struct store *, int64_t id,
		    int64_t *weight) STORE_MUST_CHECK;

/* Where store_item_move takes things from and puts them. */
enum store_item_move {
	STORE_MOVE_ROOM_TO_CHAR,	/* from: room id; to: character */
	STORE_MOVE_INSIDE_TO_CHAR,	/* from: container near to; to: char */
	STORE_MOVE_CHAR_TO_ROOM,	/* from: character; to: room */
	STORE_MOVE_CHAR_TO_INSIDE,	/* from: character; to: container */
	STORE_MOVE_CHAR_TO_CHAR		/* from: character; to: character */
};

/*
 * The one shape of a batch of items to move: the ids asked for (with, for
 * store_item_wear, the slot of each), and after the move the ids that
 * really moved.  A thing someone else took first is not among the moved.
 */
struct store_item_batch {
	int64_t		*ids;
	const char	**slots;	/* store_item_wear: where ids[i] goes */
	int		 n;
	int64_t		*moved;
	int		 nmoved;
	int		 max;
};

/* An empty batch with room for max ids. */
void		 store_item_batch_init(struct store_item_batch *, int max);
/* Ask for id to move (slot: where to wear it, or NULL). */
void		 store_item_batch_add(struct store_item_batch *, int64_t id,
		    const char *slot);
/* Whether id is among the moved. */
bool		 store_item_batch_moved(const struct store_item_batch *,
		    int64_t id) STORE_MUST_CHECK;
/* Free a batch's arrays. */
void		 store_item_batch_free(struct store_item_batch *);

/*
 * Move the batch's items that are still where the move takes them from
 * (carried ones not worn); the batch gets the ids that moved.  For
 * STORE_MOVE_INSIDE_TO_CHAR the container is locked and must still be in
 * room or carried by to, or nothing moves.
 */
enum store_rc	 store_item_move(struct store *, enum store_item_move,
		    struct store_item_batch *, int64_t from, int64_t to,
		    int32_t room) STORE_MUST_CHECK;
/*
 * Wear each of the batch's ids on its slot (items still carried, not worn,
 * slot free); the batch gets the ids that were put on.
 */
enum store_rc	 store_item_wear(struct store *, int64_t me,
		    struct store_item_batch *) STORE_MUST_CHECK;
/* Take off the batch's worn ids; the batch gets the ids taken off. */
enum store_rc	 store_item_unwear(struct store *, int64_t me,
		    struct store_item_batch *) STORE_MUST_CHECK;

/* Where store_item_coins moves coins. */
enum store_item_coins {
	STORE_COINS_ROOM_TO_CHAR,	/* from: room; to: character */
	STORE_COINS_CHAR_TO_ROOM,	/* from: character; to: room */
	STORE_COINS_ITEM_TO_CHAR	/* from: item in room or on to */
};

/*
 * Move amount coins; STORE_NONE (nothing moves) when the source has fewer.
 * For STORE_COINS_ITEM_TO_CHAR the item must be in room or carried by to.
 */
enum store_rc	 store_item_coins(struct store *, enum store_item_coins,
		    int64_t from, int64_t to, int32_t room, int64_t amount)
		    STORE_MUST_CHECK;

/*
 * A character's inventory (not worn), identical things grouped: name and
 * count, in the order first acquired.
 */
enum store_rc	 store_item_inventory(struct store *, int64_t id,
		    struct store_item_set *) STORE_MUST_CHECK;
/* A character's worn and wielded things: worn_slot and name. */
enum store_rc	 store_item_equipment(struct store *, int64_t id,
		    struct store_item_set *) STORE_MUST_CHECK;
/*
 * Tell every online character in a room except two (a giver and a
 * receiver; 0 for none).
 */

#endif
