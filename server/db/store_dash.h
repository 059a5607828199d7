/*
 * store_dash.h — the admin dashboard's statements: its sign-in sessions
 * (dash_sessions, only a hash of each token) and what its pages show (the
 * map, who is online, NPCs per room, recent audit entries), built as JSON
 * by PostgreSQL in one round trip each.
 */
#ifndef KEEP_STORE_DASH_H
#define KEEP_STORE_DASH_H

#include <stdint.h>

#include "db/store.h"

/* A token hash as hex (crypto_generichash, 32 bytes). */
#define STORE_DASH_HASH_HEX	64

/* Who a dashboard session belongs to. */
struct store_dash_who {
	int64_t	 id;
	char	 name[STORE_NAME_MAX + 1];
	char	 role[16];
};

/*
 * A new session for character id from addr, valid for secs; expired rows
 * are pruned on the way.
 */
enum store_rc	 store_dash_session_new(struct store *, const char *hash_hex,
		    int64_t id, const char *addr, int secs) STORE_MUST_CHECK;
/*
 * The unexpired session with this token hash and its character (role as
 * the row says now); last_seen is refreshed at most every 30 s.
 * STORE_NONE when there is none.
 */
enum store_rc	 store_dash_session_get(struct store *, const char *hash_hex,
		    struct store_dash_who *) STORE_MUST_CHECK;
/* Delete a session (sign-out); STORE_NONE when there was none. */
enum store_rc	 store_dash_session_end(struct store *, const char *hash_hex)
		    STORE_MUST_CHECK;
/* What the pages show, as JSON built by PostgreSQL. */
enum store_dash_view {
	/* {"areas":[{id,name}], "rooms":[{id,area,title,start}],
	 * "exits":[{from,dir,to}]} */
	STORE_DASH_MAP,
	/* {"online":[{name,role,room,idle,addr,instance,host,pid}],
	 * "npcs":{room: count}, "audit":[{id,at,source,actor,role,action,
	 * command}] (the last 20), "instances":[{id,host,pid,seen}]} */
	STORE_DASH_LIVE
};
/* One of the views as JSON (malloc'd into *json). */
enum store_rc	 store_dash_read(struct store *, enum store_dash_view,
		    char **json) STORE_MUST_CHECK;

#endif
