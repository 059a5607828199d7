/*
 * store_proto.h — the SQL behind the builders' prototype, spawn, purge,
 * reset and help commands (iedit, medit, spawn, purge, reset, hedit, help
 * <topic>).  A prototype field is changed by one UPDATE that returns the
 * old and the new value (never read into C and written back), so two
 * builders editing different fields never clobber each other.
 *
 * A constraint violation comes back as STORE_ERR with a 23xxx SQLSTATE on
 * the store; the commands answer it in words (cmd_proto.c).
 */
#ifndef KEEP_STORE_PROTO_H
#define KEEP_STORE_PROTO_H

#include "db/store.h"

#define STORE_PROTO_ID_MAX	48
#define STORE_PROTO_AREA_MAX	32
#define STORE_PROTO_TEXT_MAX	2000
#define STORE_PROTO_LIST_MAX	200	/* lines of `reset list` */
#define STORE_HELP_BODY_MAX	8000
#define STORE_HELP_KW_MAX	200

/* An item or NPC prototype as iedit and medit show it. */
struct store_proto {
	char	 id[STORE_PROTO_ID_MAX + 1];
	char	 area[STORE_PROTO_AREA_MAX + 1];	/* "" if none */
	char	 name[81];
	char	 keywords[201];
	char	 long_desc[201];
	char	 description[STORE_PROTO_TEXT_MAX + 1];
	char	 type[12];		/* items */
	char	 wear_slot[8];		/* items; "" if none */
	int64_t	 weight, value, capacity;	/* items */
	int64_t	 level, max_hp, coins;		/* NPCs */
	bool	 aggressive, wanders;		/* NPCs */
	int64_t	 damage_min, damage_max, armor;
	char	 equipment[256];	/* NPCs: item ids, space-separated */
	char	 inventory[256];
	int64_t	 instances;		/* items, or live NPCs, of it */
};

/* The fields a prototype edit changes one at a time. */
enum store_pfield {
	SPF_I_NAME, SPF_I_KEYWORDS, SPF_I_LONG, SPF_I_DESC, SPF_I_TYPE,
	SPF_I_WEIGHT, SPF_I_VALUE, SPF_I_SLOT, SPF_I_ARMOR, SPF_I_CAPACITY,
	SPF_I_AREA,
	SPF_N_NAME, SPF_N_KEYWORDS, SPF_N_LONG, SPF_N_DESC, SPF_N_LEVEL,
	SPF_N_HP, SPF_N_ARMOR, SPF_N_COINS, SPF_N_AGGRESSIVE, SPF_N_WANDERS,
	SPF_N_AREA,
	SPF_COUNT
};
/* The area of a room. */
enum store_rc	 store_proto_room_area(struct store *, int32_t room,
		    char area[STORE_PROTO_AREA_MAX + 1]) STORE_MUST_CHECK;
/* Read and lock (FOR UPDATE) an item (npc false) or NPC prototype. */
enum store_rc	 store_proto_get(struct store *, bool npc, const char *id,
		    struct store_proto *) STORE_MUST_CHECK;
/* Create an item prototype; STORE_NONE if the id is taken. */
enum store_rc	 store_proto_item_new(struct store *,
		    const struct store_proto *) STORE_MUST_CHECK;
/* Create an NPC prototype; STORE_NONE if the id is taken. */
enum store_rc	 store_proto_npc_new(struct store *,
		    const struct store_proto *) STORE_MUST_CHECK;
/*
 * Set one field (value NULL: SQL NULL) of prototype id; old and new get
 * the values as text ("" for NULL), *count the instances.
 */
enum store_rc	 store_proto_set(struct store *, enum store_pfield,
		    const char *id, const char *value, char *old, char *new,
		    size_t sz, int64_t *count) STORE_MUST_CHECK;
/* Set damage_min and damage_max together; old/new as "min-max". */
enum store_rc	 store_proto_set_damage(struct store *, bool npc,
		    const char *id, int64_t min, int64_t max, char *old,
		    char *new, size_t sz) STORE_MUST_CHECK;
/* Items of an item prototype that hold things, and that are worn. */
enum store_rc	 store_proto_item_busy(struct store *, const char *id,
		    int64_t *holding, int64_t *worn) STORE_MUST_CHECK;
/* What refers to a prototype: resets, gear lines, shops/stock lines. */
enum store_rc	 store_proto_uses(struct store *, bool npc, const char *id,
		    int64_t *resets, int64_t *gear, int64_t *shops)
		    STORE_MUST_CHECK;
/* Delete a prototype (after store_proto_uses found nothing). */
enum store_rc	 store_proto_delete(struct store *, bool npc, const char *id)
		    STORE_MUST_CHECK;
/*
 * Add an item to an NPC prototype's gear (kind "equipment"/"inventory"),
 * or (add false) take the last such item off; STORE_NONE if not on it.
 */
enum store_rc	 store_proto_gear(struct store *, bool add, const char *npc,
		    const char *kind, const char *item) STORE_MUST_CHECK;

/* Spawn n items of proto carried by who; ids gets "#1, #2". */
enum store_rc	 store_proto_spawn_items(struct store *, const char *proto,
		    int64_t who, int n, char *ids, size_t idsz)
		    STORE_MUST_CHECK;
/* Spawn n NPCs of proto in room with their gear; ids gets "#1, #2". */
enum store_rc	 store_proto_spawn_npcs(struct store *, const char *proto,
		    int32_t room, int n, char *ids, size_t idsz)
		    STORE_MUST_CHECK;
/*
 * Purge a room: its NPCs (with what they carry), the items on its floor
 * (with their contents) but players' corpses, and its coins.  Never a
 * player or what a player carries.
 */
enum store_rc	 store_proto_purge_room(struct store *, int32_t room,
		    int64_t *npcs, int64_t *items, int64_t *coins,
		    int64_t *kept) STORE_MUST_CHECK;
/* Purge one NPC (npc) or item on the floor of room; STORE_NONE if gone. */
enum store_rc	 store_proto_purge_one(struct store *, bool npc, int64_t id,
		    int32_t room) STORE_MUST_CHECK;

/* One reset as `reset list` shows it. */
struct store_reset_row {
	int32_t	 id;
	char	 kind[8];
	char	 proto[STORE_PROTO_ID_MAX + 1];
	int32_t	 room;
	int32_t	 max;
	int64_t	 live;
	char	 area[STORE_PROTO_AREA_MAX + 1];
};

/*
 * The resets of an area (up to max rows), with *every (reset_secs) and
 * *next (seconds to its next reset).
 */
enum store_rc	 store_proto_resets(struct store *, const char *area,
		    struct store_reset_row *, int max, int *n, int64_t *every,
		    int64_t *next) STORE_MUST_CHECK;
/* One reset by id. */
enum store_rc	 store_proto_reset_get(struct store *, int32_t id,
		    struct store_reset_row *) STORE_MUST_CHECK;
/* Add a reset (ids are allocated under a lock); *id gets its id. */
enum store_rc	 store_proto_reset_add(struct store *, const char *area,
		    const char *kind, const char *proto, int32_t room,
		    int32_t max, int32_t *id) STORE_MUST_CHECK;
/* Change a reset's max ("max"), room ("room") or prototype ("proto"). */
enum store_rc	 store_proto_reset_change(struct store *, int32_t id,
		    const char *field, const char *value) STORE_MUST_CHECK;
/* Delete a reset; *live gets what it had spawned that is still there. */
enum store_rc	 store_proto_reset_delete(struct store *, int32_t id,
		    int64_t *live) STORE_MUST_CHECK;
/*
 * Claim an area's reset for now: lock its row and move next_reset_at a
 * period ahead, as the ticker's claim does, so the two never both run.
 */
enum store_rc	 store_proto_reset_claim(struct store *, const char *area)
		    STORE_MUST_CHECK;

/* A help topic. */
struct store_help {
	char	 topic[33];
	char	 keywords[STORE_HELP_KW_MAX + 1];
	char	 role[8];
	char	 body[STORE_HELP_BODY_MAX + 1];
};

/*
 * The topic named word, or else the first (by topic) with a keyword that
 * starts with word, among those whose role is at most rank (0 player ..
 * 3 owner).
 */
enum store_rc	 store_help_find(struct store *, const char *word, int rank,
		    struct store_help *) STORE_MUST_CHECK;
/* Read and lock a topic by its exact name. */
enum store_rc	 store_help_get(struct store *, const char *topic,
		    struct store_help *) STORE_MUST_CHECK;
/* Create a topic (keywords: its name; role player) with body. */
enum store_rc	 store_help_create(struct store *, const char *topic,
		    const char *body) STORE_MUST_CHECK;
/*
 * Change a topic: what is "body", "body+" (append a line), "keywords" or
 * "role"; *lines gets the body's lines after.
 */
enum store_rc	 store_help_set(struct store *, const char *topic,
		    const char *what, const char *value, int64_t *lines)
		    STORE_MUST_CHECK;
/* Delete a topic. */
enum store_rc	 store_help_delete(struct store *, const char *topic)
		    STORE_MUST_CHECK;

#endif
