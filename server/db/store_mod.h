/*
 * store_mod.h — the moderation tools' rows (migration 0012): freeze and
 * mute on the character, the session's address and the login history
 * (logins), bans by name or network, and the game's lock (wizlock).
 * Addresses and networks are parsed by PostgreSQL (mod_network()), never
 * in C.
 */
#ifndef KEEP_STORE_MOD_H
#define KEEP_STORE_MOD_H

#include "db/store.h"

#define STORE_MOD_ADDR_MAX	64	/* an inet or cidr as text */
#define STORE_MOD_UNTIL_MAX	32	/* "until 2026-11-23 02:14 UTC" */
#define STORE_MOD_REASON_MAX	200
#define STORE_MOD_SESSIONS	64	/* sessions one ban kicks, at most */
#define STORE_MOD_SESSIONS_SQL	"64"

/* A character a moderation command acts on. */
struct store_mod_target {
	int64_t	 id;
	char	 name[STORE_NAME_MAX + 1];
	char	 role[8];
	char	 instance[STORE_UUID_LEN + 1];	/* "" when offline */
	int64_t	 sid;
};

/* A ban that refuses a login. */
struct store_mod_ban {
	char	 reason[STORE_MOD_REASON_MAX + 1];
	char	 until[STORE_MOD_UNTIL_MAX];
	bool	 by_name;	/* a ban of the character, not the address */
};

/* A network as PostgreSQL parsed it. */
struct store_mod_net {
	char	 cidr[STORE_MOD_ADDR_MAX];
	int	 masklen;
	int	 family;	/* 4 or 6 */
	bool	 covers_me;	/* holds the given own address */
};

/* One row of a listing: its columns as text. */
typedef void (*store_mod_row_fn)(void *arg, const char *const *cols,
    int ncols);

/* Heartbeat: characters ids[i] of this instance last typed ago[i] seconds
 * before now (one UPDATE; n may be 0). */
enum store_rc	store_mod_idle(struct store *, const char *instance,
		    const int64_t *ids, const int64_t *ago, size_t n)
		    STORE_MUST_CHECK;
/* Find a player character by name (any case), its row locked. */
enum store_rc	store_mod_find(struct store *, const char *name,
		    struct store_mod_target *) STORE_MUST_CHECK;
/* The address of a character's session ("" if none) into addr. */
enum store_rc	store_mod_my_addr(struct store *, int64_t id, char *addr)
		    STORE_MUST_CHECK;
/* Parse text as a network (own: an address to test, or NULL); NONE if none. */
enum store_rc	store_mod_network(struct store *, const char *text,
		    const char *own, struct store_mod_net *) STORE_MUST_CHECK;

/* At login: record the session's address, and an 'ok' row in logins. */
enum store_rc	store_mod_session_start(struct store *, int64_t id,
		    const char *name, const char *addr, const char *instance)
		    STORE_MUST_CHECK;
/* A logins row (id 0: no character) with outcome (wrong_password, ...). */
enum store_rc	store_mod_login_log(struct store *, int64_t id,
		    const char *name, const char *addr, const char *instance,
		    const char *outcome) STORE_MUST_CHECK;
/*
 * The active ban refusing a login by character id (0: none) or from addr
 * (NULL: none); new_char also counts bans of scope 'new'.  STORE_OK with
 * *b filled if one applies, STORE_NONE if none.
 */
enum store_rc	store_mod_ban_check(struct store *, int64_t id,
		    const char *addr, bool new_char, struct store_mod_ban *b)
		    STORE_MUST_CHECK;
/* The game's lock: "open", "new" or "staff". */
enum store_rc	store_mod_lock(struct store *, char lock[8]) STORE_MUST_CHECK;
/* Set the game's lock. */
enum store_rc	store_mod_set_lock(struct store *, const char *lock)
		    STORE_MUST_CHECK;

/*
 * Add a ban of a character (id, cidr NULL) or a network (id 0); secs < 0
 * is permanent.  Its id and end ("until ...") come back.
 */
enum store_rc	store_mod_ban_add(struct store *, int64_t id, const char *cidr,
		    bool new_only, const char *reason, int64_t by_id,
		    const char *by_name, int64_t secs, int *ban_id,
		    char until[STORE_MOD_UNTIL_MAX]) STORE_MUST_CHECK;
/*
 * The online sessions of character id, or (id 0) from network cidr, their
 * rows locked: up to STORE_MOD_SESSIONS into ids/instances/sids/roles; *n.
 */
enum store_rc	store_mod_sessions(struct store *, int64_t id, const char *cidr,
		    int64_t *ids, char (*instances)[STORE_UUID_LEN + 1],
		    int64_t *sids, char (*roles)[8], int *n) STORE_MUST_CHECK;
/*
 * Lift the active bans with id ban_id, or of character id, or of network
 * cidr (the others 0/NULL); *lifted counts them, *first is the lowest id.
 */
enum store_rc	store_mod_unban(struct store *, int ban_id, int64_t id,
		    const char *cidr, const char *by_name, int *lifted,
		    int *first) STORE_MUST_CHECK;

/*
 * Freeze (mute false) or mute a character for secs (< 0: until lifted)
 * with reason; its end comes back in until.  A freeze ends the
 * character's fight, both sides.
 */
enum store_rc	store_mod_restrict(struct store *, bool mute, int64_t id,
		    int64_t secs, const char *reason,
		    char until[STORE_MOD_UNTIL_MAX]) STORE_MUST_CHECK;
/* Lift a freeze or mute; STORE_NONE if there was none. */
enum store_rc	store_mod_unrestrict(struct store *, bool mute, int64_t id)
		    STORE_MUST_CHECK;
/* Tell every online character text (wall). */
enum store_rc	store_mod_wall(struct store *, const char *text)
		    STORE_MUST_CHECK;

/* The active bans: id, kind, target, scope, until, by, reason. */
enum store_rc	store_mod_bans(struct store *, store_mod_row_fn, void *)
		    STORE_MUST_CHECK;
/* Online sessions: name, role, address, instance (6), host, since. */
enum store_rc	store_mod_users(struct store *, store_mod_row_fn, void *)
		    STORE_MUST_CHECK;
/*
 * Login history of a name or (cidr non-NULL) a network, newest first, at
 * most limit rows: at, address, name, outcome.
 */
enum store_rc	store_mod_last(struct store *, const char *name,
		    const char *cidr, int limit, store_mod_row_fn, void *)
		    STORE_MUST_CHECK;

#endif
