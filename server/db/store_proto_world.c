/*
 * store_proto_world.c — spawn, purge, the resets of an area (list, add,
 * change, delete, claim for `reset now`) and help topics.
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_proto.h"
#include "ops/util.h"

/* Copy a one-row, one-column text result (ids) into out. */
static enum store_rc
store_proto_ids(struct store *s, struct store_stmt *st,
    const char *const *p, char *out, size_t outsz)
{
	PGresult	*res;

	out[0] = '\0';
	if ((res = store_exec(s, st, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0)
		store_get_str(res, 0, 0, out, outsz);
	PQclear(res);
	return out[0] != '\0' ? STORE_OK : STORE_NONE;
}

static struct store_stmt st_proto_spawn_items = {
	"proto_spawn_items",
	"WITH ins AS (INSERT INTO items (proto_id, carrier_id)"
	" SELECT $1, $2 FROM generate_series(1, $3::integer) RETURNING id)"
	" SELECT string_agg('#' || id, ', ' ORDER BY id) FROM ins", 3, 0
};

/* Spawn n items of proto carried by who. */
enum store_rc
store_proto_spawn_items(struct store *s, const char *proto, int64_t who,
    int n, char *ids, size_t idsz)
{
	const char	*p[] = { proto, STORE_NUM(who), STORE_NUM(n) };

	return store_proto_ids(s, &st_proto_spawn_items, p, ids, idsz);
}

/*
 * NPCs as a reset makes them (store_reset_npcs), without a reset: full hp,
 * the prototype's coins, its equipment worn and inventory carried.
 */
static struct store_stmt st_proto_spawn_npcs = {
	"proto_spawn_npcs",
	"WITH sp AS ("
	"  INSERT INTO characters (name, proto_id, room_id, level, hp, max_hp,"
	"   coins)"
	"  SELECT p.name, p.id, $2, p.level, p.max_hp, p.max_hp, p.coins"
	"  FROM npc_protos p CROSS JOIN generate_series(1, $3::integer)"
	"  WHERE p.id = $1 RETURNING id, proto_id),"
	STORE_NPC_GEAR_SQL
	" SELECT string_agg('#' || id, ', ' ORDER BY id) FROM sp", 3, 0
};

/* Spawn n NPCs of proto in room with their gear. */
enum store_rc
store_proto_spawn_npcs(struct store *s, const char *proto, int32_t room,
    int n, char *ids, size_t idsz)
{
	const char	*p[] = { proto, STORE_NUM(room), STORE_NUM(n) };

	return store_proto_ids(s, &st_proto_spawn_npcs, p, ids, idsz);
}

/*
 * A player's corpse is named after the player ("the corpse of Alice", see
 * store_combat.c); it holds a player's things and is left.
 */
#define PLAYER_CORPSE(i)						\
	"(" i ".proto_id = 'corpse' AND EXISTS (SELECT 1 FROM characters"\
	" pc WHERE pc.proto_id IS NULL AND " i ".name ="		\
	" left('the corpse of ' || pc.name, 80)))"

static struct store_stmt st_proto_purge_room = {
	"proto_purge_room",
	"WITH n AS (DELETE FROM characters WHERE room_id = $1"
	"  AND proto_id IS NOT NULL RETURNING 1),"
	" i AS (DELETE FROM items i WHERE i.room_id = $1"
	"  AND NOT " PLAYER_CORPSE("i") " RETURNING 1),"
	" o AS (SELECT coins FROM rooms WHERE id = $1 FOR UPDATE),"
	" c AS (UPDATE rooms r SET coins = 0 FROM o WHERE r.id = $1"
	"  AND o.coins > 0 RETURNING o.coins)"
	" SELECT (SELECT count(*) FROM n), (SELECT count(*) FROM i),"
	"  coalesce((SELECT coins FROM c), 0),"
	"  (SELECT count(*) FROM items i WHERE i.room_id = $1"
	"   AND " PLAYER_CORPSE("i") ")", 1, 0
};

/* Purge a room of NPCs, items (not players' corpses) and coins. */
enum store_rc
store_proto_purge_room(struct store *s, int32_t room, int64_t *npcs,
    int64_t *items, int64_t *coins, int64_t *kept)
{
	const char	*p[] = { STORE_NUM(room) };
	PGresult	*res;

	if ((res = store_exec(s, &st_proto_purge_room, p)) == NULL)
		return STORE_ERR;
	*npcs = store_get_int(res, 0, 0);
	*items = store_get_int(res, 0, 1);
	*coins = store_get_int(res, 0, 2);
	*kept = store_get_int(res, 0, 3);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_proto_purge_one[2] = {
	{ "proto_purge_item",
	  "DELETE FROM items WHERE id = $1 AND room_id = $2", 2, 0 },
	{ "proto_purge_npc",
	  "DELETE FROM characters WHERE id = $1 AND room_id = $2"
	  " AND proto_id IS NOT NULL", 2, 0 },
};

/* Purge one NPC or item on the floor. */
enum store_rc
store_proto_purge_one(struct store *s, bool npc, int64_t id, int32_t room)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(room) };

	return store_exec_changed(s, &st_proto_purge_one[npc], p);
}

#define RESET_COLS							\
	"r.id, r.kind, coalesce(r.npc_proto, r.item_proto), r.room_id,"	\
	" r.max_count, CASE r.kind WHEN 'npc' THEN (SELECT count(*)"	\
	" FROM characters c WHERE c.reset_id = r.id) ELSE (SELECT"	\
	" count(*) FROM items i WHERE i.reset_id = r.id AND"		\
	" i.room_id = r.room_id) END, r.area"

/* Fill a reset row from RESET_COLS at row. */
static void
store_proto_reset_fill(const PGresult *res, int row,
    struct store_reset_row *r)
{
	r->id = (int32_t)store_get_int(res, row, 0);
	store_get_str(res, row, 1, r->kind, sizeof r->kind);
	store_get_str(res, row, 2, r->proto, sizeof r->proto);
	r->room = (int32_t)store_get_int(res, row, 3);
	r->max = (int32_t)store_get_int(res, row, 4);
	r->live = store_get_int(res, row, 5);
	store_get_str(res, row, 6, r->area, sizeof r->area);
}

static struct store_stmt st_proto_area_clock = {
	"proto_area_clock",
	"SELECT reset_secs, greatest(0, ceil(extract(epoch FROM"
	" next_reset_at - now())))::bigint FROM areas WHERE id = $1", 1, 0
};

static struct store_stmt st_proto_resets = {
	"proto_resets",
	"SELECT " RESET_COLS " FROM resets r WHERE r.area = $1"
	" ORDER BY r.id LIMIT $2", 2, 0
};

/* The resets of an area, with its period and next reset. */
enum store_rc
store_proto_resets(struct store *s, const char *area,
    struct store_reset_row *v, int max, int *n, int64_t *every, int64_t *next)
{
	const char	*p[] = { area, STORE_NUM(max) };
	PGresult	*res;

	*n = 0;
	if ((res = store_exec(s, &st_proto_area_clock, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return STORE_NONE;
	}
	*every = store_get_int(res, 0, 0);
	*next = store_get_int(res, 0, 1);
	PQclear(res);
	if ((res = store_exec(s, &st_proto_resets, p)) == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res) && i < max; i++)
		store_proto_reset_fill(res, i, &v[(*n)++]);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_proto_reset_get = {
	"proto_reset_get",
	"SELECT " RESET_COLS " FROM resets r WHERE r.id = $1 FOR UPDATE", 1, 0
};

/* One reset by id. */
enum store_rc
store_proto_reset_get(struct store *s, int32_t id, struct store_reset_row *r)
{
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_proto_reset_get, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		store_proto_reset_fill(res, 0, r);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/*
 * resets.id has no default: new ids are max + 1 under a transaction lock,
 * taken in its own statement so that the INSERT's snapshot sees the ids
 * committed by whoever held the lock before.
 */
static struct store_stmt st_proto_reset_lock = {
	"proto_reset_lock",
	"SELECT pg_advisory_xact_lock(hashtext('keep.resets.id'))", 0, 0
};

static struct store_stmt st_proto_reset_add = {
	"proto_reset_add",
	"INSERT INTO resets (id, area, kind, npc_proto, item_proto, room_id,"
	" max_count) SELECT coalesce((SELECT max(id) FROM resets), 0) + 1,"
	" $1, $2, CASE WHEN $2 = 'npc' THEN $3 END,"
	" CASE WHEN $2 = 'item' THEN $3 END, $4::integer, $5::integer"
	" RETURNING id", 5, 0
};

/* Add a reset; *id gets its id. */
enum store_rc
store_proto_reset_add(struct store *s, const char *area, const char *kind,
    const char *proto, int32_t room, int32_t max, int32_t *id)
{
	const char	*p[] = { area, kind, proto, STORE_NUM(room),
	    STORE_NUM(max) };
	PGresult	*res;

	if ((res = store_exec(s, &st_proto_reset_lock, NULL)) == NULL)
		return STORE_ERR;
	PQclear(res);
	if ((res = store_exec(s, &st_proto_reset_add, p)) == NULL)
		return STORE_ERR;
	*id = (int32_t)store_get_int(res, 0, 0);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_proto_reset_change[3] = {
	{ "proto_reset_max",
	  "UPDATE resets SET max_count = $2::integer WHERE id = $1", 2, 0 },
	{ "proto_reset_room",
	  "UPDATE resets SET room_id = $2::integer WHERE id = $1", 2, 0 },
	{ "proto_reset_proto",
	  "UPDATE resets SET npc_proto = CASE kind WHEN 'npc' THEN $2 END,"
	  " item_proto = CASE kind WHEN 'item' THEN $2 END WHERE id = $1",
	  2, 0 },
};

/* Change a reset's max, room or prototype. */
enum store_rc
store_proto_reset_change(struct store *s, int32_t id, const char *field,
    const char *value)
{
	const char	*p[] = { STORE_NUM(id), value };
	int		 f;

	if (strcmp(field, "max") == 0)
		f = 0;
	else if (strcmp(field, "room") == 0)
		f = 1;
	else
		f = 2;
	return store_exec_changed(s, &st_proto_reset_change[f], p);
}

static struct store_stmt st_proto_reset_delete = {
	"proto_reset_delete",
	"WITH d AS (DELETE FROM resets WHERE id = $1 RETURNING id)"
	" SELECT count(*), (SELECT count(*) FROM characters"
	"  WHERE reset_id = $1) + (SELECT count(*) FROM items"
	"  WHERE reset_id = $1) FROM d", 1, 0
};

/* Delete a reset; what it spawned stays (reset_id becomes NULL). */
enum store_rc
store_proto_reset_delete(struct store *s, int32_t id, int64_t *live)
{
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;
	enum store_rc	 rc;

	if ((res = store_exec(s, &st_proto_reset_delete, p)) == NULL)
		return STORE_ERR;
	rc = store_get_int(res, 0, 0) > 0 ? STORE_OK : STORE_NONE;
	*live = store_get_int(res, 0, 1);
	PQclear(res);
	return rc;
}

/*
 * The same row lock as the ticker's claim (store_reset_claim): whichever
 * comes second waits for the first to commit; the ticker then finds the
 * area not due, and `reset now` counts what the ticker spawned.
 */
static struct store_stmt st_proto_reset_claim = {
	"proto_reset_claim",
	"UPDATE areas SET next_reset_at = now() +"
	" make_interval(secs => reset_secs) WHERE id = $1", 1, 0
};

/* Claim an area's reset for now. */
enum store_rc
store_proto_reset_claim(struct store *s, const char *area)
{
	const char	*p[] = { area };

	return store_exec_changed(s, &st_proto_reset_claim, p);
}

#define HELP_RANK(col)							\
	"array_position(ARRAY['player', 'builder', 'admin', 'owner'], "	\
	col ") - 1"

static struct store_stmt st_help_find = {
	"help_find",
	"SELECT topic, keywords, min_role, body FROM help"
	" WHERE " HELP_RANK("min_role") " <= $2::integer AND (topic = $1 OR"
	"  EXISTS (SELECT 1 FROM unnest(string_to_array(keywords, ' ')) k"
	"   WHERE left(k, length($1)) = $1))"
	" ORDER BY topic = $1 DESC, $1 = ANY (string_to_array(keywords, ' '))"
	"  DESC, topic LIMIT 1", 2, 0
};

static struct store_stmt st_help_get = {
	"help_get",
	"SELECT topic, keywords, min_role, body FROM help WHERE topic = $1"
	" FOR UPDATE", 1, 0
};

/* Run a help lookup into h. */
static enum store_rc
store_help_one(struct store *s, struct store_stmt *st, const char *const *p,
    struct store_help *h)
{
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, st, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		store_get_str(res, 0, 0, h->topic, sizeof h->topic);
		store_get_str(res, 0, 1, h->keywords, sizeof h->keywords);
		store_get_str(res, 0, 2, h->role, sizeof h->role);
		store_get_str(res, 0, 3, h->body, sizeof h->body);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/* A topic by name or keyword prefix, within the reader's role. */
enum store_rc
store_help_find(struct store *s, const char *word, int rank,
    struct store_help *h)
{
	const char	*p[] = { word, STORE_NUM(rank) };

	return store_help_one(s, &st_help_find, p, h);
}

/* Read and lock a topic. */
enum store_rc
store_help_get(struct store *s, const char *topic, struct store_help *h)
{
	const char	*p[] = { topic };

	return store_help_one(s, &st_help_get, p, h);
}

static struct store_stmt st_help_create = {
	"help_create",
	"INSERT INTO help (topic, keywords, body) VALUES ($1, $1, $2)"
	" ON CONFLICT (topic) DO NOTHING", 2, 0
};

/* Create a topic. */
enum store_rc
store_help_create(struct store *s, const char *topic, const char *body)
{
	const char	*p[] = { topic, body };

	return store_exec_changed(s, &st_help_create, p);
}

#define HELP_SET(name, set)						\
	{ "help_set_" name, "UPDATE help SET " set " WHERE topic = $1"	\
	  " RETURNING array_length(string_to_array(body, E'\\n'), 1)", 2, 0 }
static struct store_stmt st_help_set[4] = {
	HELP_SET("body", "body = $2"),
	HELP_SET("append", "body = body || E'\\n' || $2"),
	HELP_SET("keywords", "keywords = $2"),
	HELP_SET("role", "min_role = $2"),
};

/* Change a topic's body, keywords or role, or append a line. */
enum store_rc
store_help_set(struct store *s, const char *topic, const char *what,
    const char *value, int64_t *lines)
{
	static const char *const whats[] = { "body", "body+", "keywords",
	    "role" };
	const char	*p[] = { topic, value };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;
	size_t		 f;

	for (f = 0; f < nitems(whats) - 1; f++) {
		if (strcmp(what, whats[f]) == 0)
			break;
	}
	if ((res = store_exec(s, &st_help_set[f], p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		*lines = store_get_int(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_help_delete = {
	"help_delete", "DELETE FROM help WHERE topic = $1", 1, 0
};

/* Delete a topic. */
enum store_rc
store_help_delete(struct store *s, const char *topic)
{
	const char	*p[] = { topic };

	return store_exec_changed(s, &st_help_delete, p);
}
