/*
 * store_combat.h — the SQL of combat, NPC behaviour and decay.  Every
 * statement works on sets: a round loads all fights in one query, applies
 * all damage in one UPDATE over arrays, handles all deaths with a fixed
 * number of statements, and sends all its messages in one.
 */
#ifndef KEEP_STORE_COMBAT_H
#define KEEP_STORE_COMBAT_H

#include "db/store.h"

#define STORE_FIGHTER_NAME	80
#define STORE_TITLE_LEN		80
#define STORE_KEYWORDS_LEN	200

/* A character as combat sees it (player or NPC). */
struct store_fighter {
	int64_t	 id;
	int64_t	 fighting_id;		/* 0 when not fighting */
	int32_t	 room_id;
	bool	 npc;
	bool	 online;		/* a player with a session */
	bool	 peaceful;		/* a shopkeeper: cannot be attacked */
	char	 name[STORE_FIGHTER_NAME + 1];	/* "Alice", "a goblin" */
	int32_t	 level;
	int32_t	 hp;			/* as of now (regeneration counted) */
	int32_t	 max_hp;
	int32_t	 dam_min;		/* wielded weapon, NPC, or bare hands */
	int32_t	 dam_max;
	int32_t	 armor;
	int64_t	 xp;
	char	 keywords[STORE_KEYWORDS_LEN + 1];	/* store_combat_room */
};

/* What happens to one character in a batch. */
struct store_combat_change {
	int64_t	 id;
	int32_t	 damage;		/* 0 for none */
	int64_t	 fight;			/* 0 keep, -1 stop, else fight that id */
};

/* One death: filled in by store_combat_deaths. */
struct store_death {
	int64_t	 victim;
	int64_t	 corpse;		/* the new corpse item */
	int32_t	 respawn_room;		/* players: the start room; NPCs: 0 */
	char	 respawn_title[STORE_TITLE_LEN + 1];
};

/* Experience, level and kills to write for one character. */
struct store_progress {
	int64_t	 id;
	int64_t	 xp;
	int32_t	 level;
	int32_t	 hp_gain;		/* added to max_hp */
	int32_t	 kills;			/* added to kills */
};

/* A message: to one character (to != 0), or to a room but three. */
struct store_combat_msg {
	int32_t	 room;
	int64_t	 to;
	int64_t	 except[3];		/* 0 for none */
	char	*text;			/* owned by the caller */
};

/* What an NPC did in a tick: attacked someone, or walked. */
struct store_npc_act {
	int64_t	 npc;
	char	 name[STORE_FIGHTER_NAME + 1];
	int32_t	 room;			/* where it was */
	int64_t	 victim;		/* attacked: the player */
	char	 victim_name[STORE_NAME_MAX + 1];
	int32_t	 to_room;		/* walked: where to, and which way */
	char	 dir[8];
};

/* An item that decayed. */
struct store_decayed {
	int64_t	 id;
	int32_t	 room;			/* where it was (or its carrier) */
	bool	 corpse;
	char	 name[STORE_FIGHTER_NAME + 1];
};

/*
 * Every character fighting or fought, locked in id order; *out is
 * allocated (free it), *n its length.
 */
enum store_rc	 store_combat_load_fights(struct store *,
		    struct store_fighter **out, size_t *n) STORE_MUST_CHECK;
/* The given characters, locked in id order; missing ones are left out. */
enum store_rc	 store_combat_load_ids(struct store *, const int64_t *ids,
		    size_t nids, struct store_fighter *out, size_t *n)
		    STORE_MUST_CHECK;
/*
 * Every NPC and online player in the room but me, NPCs first, each by id,
 * with keywords filled in; *out is allocated (free it).
 */
enum store_rc	 store_combat_room(struct store *, int32_t room, int64_t me,
		    struct store_fighter **out, size_t *n) STORE_MUST_CHECK;
/*
 * Apply damage and fight changes (sorted by id) in one UPDATE;
 * regeneration is counted first.  hp_out[i] gets each character's new hp,
 * or -1 if it is gone.
 */
enum store_rc	 store_combat_apply(struct store *,
		    const struct store_combat_change *, size_t n,
		    int32_t *hp_out) STORE_MUST_CHECK;
/*
 * Deaths: a corpse per victim in its room holding everything it carried
 * and wore and its coins; players go to the start room with full hp;
 * NPCs are deleted; everyone fighting a victim stops.
 */
enum store_rc	 store_combat_deaths(struct store *, struct store_death *,
		    size_t n) STORE_MUST_CHECK;
/* Write experience, levels, max_hp and kills. */
enum store_rc	 store_combat_progress(struct store *,
		    const struct store_progress *, size_t n) STORE_MUST_CHECK;
/* Stop everyone fighting id (they are left as they are otherwise). */
enum store_rc	 store_combat_stop_against(struct store *, int64_t id)
		    STORE_MUST_CHECK;
/*
 * Write the messages in one statement: each online recipient gets its
 * lines joined, in order, as one text; recipients of the same text share
 * one message row.
 */
enum store_rc	 store_combat_notify(struct store *,
		    const struct store_combat_msg *, size_t n) STORE_MUST_CHECK;
/* A random exit of the room; STORE_NONE if it has none. */
enum store_rc	 store_combat_random_exit(struct store *, int32_t room,
		    char *dir, size_t dirsz) STORE_MUST_CHECK;

/* Aggressive idle NPCs each start a fight with an online player present. */
enum store_rc	 store_combat_aggro(struct store *,
		    struct store_npc_act **out, size_t *n) STORE_MUST_CHECK;
/* Idle wanderers move, with pct% chance each, to a room of their area. */
enum store_rc	 store_combat_wander(struct store *, int pct,
		    struct store_npc_act **out, size_t *n) STORE_MUST_CHECK;
/*
 * Items past decay_at (not inside a container) spill their contents and
 * coins where they lie and are deleted.
 */
enum store_rc	 store_combat_decay(struct store *,
		    struct store_decayed **out, size_t *n) STORE_MUST_CHECK;

#endif
