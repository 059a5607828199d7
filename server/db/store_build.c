/*
 * store_build.c — the writes of the building commands: goto, dig, link,
 * unlink and redit.  Every statement changes only the column it names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_build.h"
#include "ops/util.h"

static struct store_stmt st_build_room = {
	"build_room",
	"SELECT id, area, title, length(description), is_start, coins"
	" FROM rooms WHERE id = $1", 1, 0
};

static struct store_stmt st_build_room_lock = {
	"build_room_lock",
	"SELECT id, area, title, length(description), is_start, coins"
	" FROM rooms WHERE id = $1 FOR UPDATE", 1, 0
};

/* The room id (locked when lock); STORE_NONE if there is none. */
enum store_rc
store_build_room(struct store *s, int32_t id, bool lock,
    struct store_build_room *r)
{
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	res = store_exec(s, lock ? &st_build_room_lock : &st_build_room, p);
	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		r->id = (int32_t)store_get_int(res, 0, 0);
		store_get_str(res, 0, 1, r->area, sizeof r->area);
		store_get_str(res, 0, 2, r->title, sizeof r->title);
		r->desc_len = (int)store_get_int(res, 0, 3);
		r->is_start = store_get_bool(res, 0, 4);
		r->coins = store_get_int(res, 0, 5);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/* Run a statement returning one integer; STORE_NONE without a row. */
static enum store_rc
store_build_int(struct store *s, struct store_stmt *st,
    const char *const *p, int64_t *v)
{
	PGresult	*res = store_exec(s, st, p);
	enum store_rc	 rc = STORE_NONE;

	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		*v = store_get_int(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_build_start = {
	"build_start", "SELECT id FROM rooms WHERE is_start", 0, 0
};

/* The start room's id. */
enum store_rc
store_build_start(struct store *s, int32_t *id)
{
	int64_t		v = 0;
	enum store_rc	rc = store_build_int(s, &st_build_start, NULL, &v);

	*id = (int32_t)v;
	return rc;
}

static struct store_stmt st_build_area_exists = {
	"build_area_exists",
	"SELECT count(*) FROM areas WHERE id = $1", 1, 0
};

/* Whether the area exists. */
enum store_rc
store_build_area_exists(struct store *s, const char *area, bool *exists)
{
	const char	*p[] = { area };
	int64_t		 v = 0;
	enum store_rc	 rc = store_build_int(s, &st_build_area_exists, p, &v);

	*exists = v > 0;
	return rc == STORE_ERR ? rc : STORE_OK;
}

static struct store_stmt st_build_exit = {
	"build_exit",
	"SELECT to_room FROM exits WHERE room_id = $1 AND direction = $2",
	2, 0
};

/* Where the exit room/dir leads. */
enum store_rc
store_build_exit(struct store *s, int32_t room, const char *dir,
    int32_t *to)
{
	const char	*p[] = { STORE_NUM(room), dir };
	int64_t		 v = 0;
	enum store_rc	 rc = store_build_int(s, &st_build_exit, p, &v);

	*to = (int32_t)v;
	return rc;
}

static struct store_stmt st_build_whereis = {
	"build_whereis",
	"(SELECT room_id, name FROM characters WHERE lower(name) = lower($1)"
	"  AND proto_id IS NULL)"
	" UNION ALL"
	" (SELECT c.room_id, p.name FROM characters c"
	"  JOIN npc_protos p ON p.id = c.proto_id"
	"  WHERE lower($1) = ANY (string_to_array(p.keywords, ' '))"
	"  ORDER BY c.id LIMIT 1)"
	" LIMIT 1", 1, 0
};

/* Someone to go to: a player by name, else an NPC by keyword. */
enum store_rc
store_build_whereis(struct store *s, const char *name, int32_t *room,
    char *shown, size_t shownsz)
{
	const char	*p[] = { name };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_build_whereis, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		*room = (int32_t)store_get_int(res, 0, 0);
		store_get_str(res, 0, 1, shown, shownsz);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_build_goto = {
	"build_goto",
	"UPDATE characters SET room_id = $2 WHERE id = $1", 2, 0
};

/* Put character id in room. */
enum store_rc
store_build_goto(struct store *s, int64_t id, int32_t room)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(room) };

	return store_exec_changed(s, &st_build_goto, p);
}

/*
 * Digs take one transaction-scoped advisory lock (the key is "dig" in
 * ASCII), so two of them never pick the same id; a room inserted some
 * other way (psql, load-world) meanwhile only makes the insert find
 * nothing and the next free id is tried.
 */
static struct store_stmt st_build_dig_lock = {
	"build_dig_lock", "SELECT pg_advisory_xact_lock(6580583)", 0, 0
};

/* The lowest free id above the area's highest (above 0 for a new area). */
static struct store_stmt st_build_dig_id = {
	"build_dig_id",
	"WITH top AS (SELECT coalesce(max(id), 0) AS id FROM rooms"
	"  WHERE area = $1)"
	" SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM rooms r, top"
	"   WHERE r.id = top.id + 1) THEN (SELECT id + 1 FROM top)"
	"  ELSE (SELECT min(r.id) + 1 FROM rooms r, top WHERE r.id > top.id"
	"   AND NOT EXISTS (SELECT 1 FROM rooms n WHERE n.id = r.id + 1)) END",
	1, 0
};

static struct store_stmt st_build_dig_insert = {
	"build_dig_insert",
	"INSERT INTO rooms (id, area, title, description) VALUES ($1, $2, $3,"
	" '" STORE_BUILD_UNFINISHED "') ON CONFLICT (id) DO NOTHING"
	" RETURNING id", 3, 0
};

/* A new room of area, its id allocated under the dig lock. */
enum store_rc
store_build_dig(struct store *s, const char *area, const char *title,
    int32_t *id)
{
	PGresult	*res;
	enum store_rc	 rc;
	int64_t		 v;

	if ((res = store_exec(s, &st_build_dig_lock, NULL)) == NULL)
		return STORE_ERR;
	PQclear(res);
	for (int tries = 0; tries < 10; tries++) {
		const char	*a[] = { area };

		if ((rc = store_build_int(s, &st_build_dig_id, a, &v)) !=
		    STORE_OK)
			return rc == STORE_NONE ? STORE_ERR : rc;
		{
			const char	*p[] = { STORE_NUM(v), area, title };

			rc = store_build_int(s, &st_build_dig_insert, p, &v);
		}
		if (rc != STORE_NONE) {
			*id = (int32_t)v;
			return rc;
		}
	}
	store_set_error(s, "23505", "no free room id after 10 tries");
	return STORE_ERR;
}

static struct store_stmt st_build_exit_add = {
	"build_exit_add",
	"INSERT INTO exits (room_id, direction, to_room) VALUES ($1, $2, $3)"
	" ON CONFLICT (room_id, direction) DO NOTHING", 3, 0
};

/* Add an exit; STORE_NONE if the room has one that way already. */
enum store_rc
store_build_exit_add(struct store *s, int32_t room, const char *dir,
    int32_t to)
{
	const char	*p[] = { STORE_NUM(room), dir, STORE_NUM(to) };

	return store_exec_changed(s, &st_build_exit_add, p);
}

static struct store_stmt st_build_exit_del = {
	"build_exit_del",
	"DELETE FROM exits WHERE room_id = $1 AND direction = $2"
	" AND ($3 = 0 OR to_room = $3)", 3, 0
};

/* Remove an exit (if it leads to `to`, unless 0). */
enum store_rc
store_build_exit_del(struct store *s, int32_t room, const char *dir,
    int32_t to)
{
	const char	*p[] = { STORE_NUM(room), dir, STORE_NUM(to) };

	return store_exec_changed(s, &st_build_exit_del, p);
}

static struct store_stmt st_build_set_title = {
	"build_set_title",
	"UPDATE rooms r SET title = $2 FROM (SELECT id, title FROM rooms"
	"  WHERE id = $1 FOR UPDATE) o WHERE r.id = o.id RETURNING o.title",
	2, 0
};

/* Set a room's title; the old one into old. */
enum store_rc
store_build_set_title(struct store *s, int32_t room, const char *title,
    char *old, size_t oldsz)
{
	const char	*p[] = { STORE_NUM(room), title };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_build_set_title, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		store_get_str(res, 0, 0, old, oldsz);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/*
 * One statement each, so two appends never lose each other's text: the
 * new description is computed from the row as it is when locked.
 */
static struct store_stmt st_build_set_desc = {
	"build_set_desc",
	"WITH o AS (SELECT id, length(description) AS was,"
	"  CASE WHEN $3 THEN description || ' ' || $2 ELSE $2 END AS d"
	"  FROM rooms WHERE id = $1 FOR UPDATE),"
	" u AS (UPDATE rooms r SET description = o.d FROM o"
	"  WHERE r.id = o.id AND length(o.d) <= 4000"	/* STORE_DESC_MAX */
	"  RETURNING r.id)"
	" SELECT o.was, length(o.d), EXISTS (SELECT 1 FROM u) FROM o", 3, 0
};

/* Replace or append to a room's description. */
enum store_rc
store_build_set_desc(struct store *s, int32_t room, const char *text,
    bool append, int *was, int *now)
{
	const char	*p[] = { STORE_NUM(room), text, append ? "t" : "f" };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_build_set_desc, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		*was = (int)store_get_int(res, 0, 0);
		*now = (int)store_get_int(res, 0, 1);
		rc = store_get_bool(res, 0, 2) ? STORE_OK : STORE_NONE;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_build_set_area = {
	"build_set_area",
	"UPDATE rooms SET area = $2 WHERE id = $1"
	" AND EXISTS (SELECT 1 FROM areas WHERE id = $2)", 2, 0
};

/* Move a room to another area. */
enum store_rc
store_build_set_area(struct store *s, int32_t room, const char *area)
{
	const char	*p[] = { STORE_NUM(room), area };

	return store_exec_changed(s, &st_build_set_area, p);
}

static struct store_stmt st_build_occupants = {
	"build_occupants",
	"SELECT coalesce((SELECT string_agg(x.n, ', ' ORDER BY x.k, x.n) FROM"
	"  (SELECT 0 AS k, c.name || CASE WHEN c.session_instance IS NULL"
	"    THEN ' (offline)' ELSE ' (online)' END AS n FROM characters c"
	"    WHERE c.room_id = $1 AND c.proto_id IS NULL"
	"   UNION ALL SELECT 1, p.name FROM characters c"
	"    JOIN npc_protos p ON p.id = c.proto_id WHERE c.room_id = $1"
	"   ORDER BY 1, 2 LIMIT 20) x), ''),"
	" (SELECT count(*) FROM characters WHERE room_id = $1"
	"  AND proto_id IS NULL),"
	" (SELECT count(*) FROM characters WHERE room_id = $1"
	"  AND proto_id IS NOT NULL),"
	" (SELECT count(*) FROM items WHERE room_id = $1)", 1, 0
};

/* Who and what is in a room. */
enum store_rc
store_build_occupants(struct store *s, int32_t room, char *list,
    size_t listsz, int *players, int *npcs, int *items)
{
	const char	*p[] = { STORE_NUM(room) };
	PGresult	*res;

	if ((res = store_exec(s, &st_build_occupants, p)) == NULL)
		return STORE_ERR;
	store_get_str(res, 0, 0, list, listsz);
	*players = (int)store_get_int(res, 0, 1);
	*npcs = (int)store_get_int(res, 0, 2);
	*items = (int)store_get_int(res, 0, 3);
	PQclear(res);
	return STORE_OK;
}

/* Players to the start room (online ones told), their names. */
static struct store_stmt st_build_evacuate_players = {
	"build_evacuate_players",
	"WITH m AS (UPDATE characters SET room_id = $2, fighting_id = NULL"
	"  WHERE room_id = $1 AND proto_id IS NULL"
	"  RETURNING id, name, session_instance IS NOT NULL AS online),"
	" n AS (INSERT INTO messages (kind, recipients, text)"
	"  SELECT 'char', array_agg(id), 'The room dissolves around you.'"
	"  FROM m WHERE online HAVING count(*) > 0 RETURNING 1),"
	" b AS (SELECT 1 WHERE EXISTS (SELECT 1 FROM n))"
	" SELECT count(*), coalesce(string_agg(name, ', ' ORDER BY name), ''),"
	"  (SELECT count(*) FROM b) FROM m", 2, 0
};

/* NPCs purged (what they carry goes with them: not a player's). */
static struct store_stmt st_build_evacuate_npcs = {
	"build_evacuate_npcs",
	"DELETE FROM characters WHERE room_id = $1 AND proto_id IS NOT NULL",
	1, 0
};

/* The floor's items (their contents with them) and coins to the start. */
static struct store_stmt st_build_evacuate_items = {
	"build_evacuate_items",
	"WITH i AS (UPDATE items SET room_id = $2 WHERE room_id = $1"
	"  RETURNING 1),"
	" c AS (UPDATE rooms SET coins = coins + (SELECT coins FROM rooms"
	"  WHERE id = $1) WHERE id = $2 RETURNING 1)"
	" SELECT count(*), (SELECT count(*) FROM c) FROM i", 2, 0
};

static struct store_stmt st_build_delete = {
	"build_delete",
	"WITH x AS (SELECT (SELECT count(*) FROM exits WHERE room_id = $1"
	"   OR to_room = $1) AS e,"
	"  (SELECT count(*) FROM resets WHERE room_id = $1) AS r)"
	" , d AS (DELETE FROM rooms WHERE id = $1 RETURNING id)"
	" SELECT x.e, x.r FROM x, d", 1, 0
};

/* Delete a locked room, evacuating it first when asked. */
enum store_rc
store_build_delete(struct store *s, int32_t room, int32_t start,
    bool evacuate, struct store_build_deleted *d)
{
	const char	*p[] = { STORE_NUM(room), STORE_NUM(start) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	memset(d, 0, sizeof *d);
	if (evacuate) {
		res = store_exec(s, &st_build_evacuate_players, p);
		if (res == NULL)
			return STORE_ERR;
		d->players = (int)store_get_int(res, 0, 0);
		store_get_str(res, 0, 1, d->names, sizeof d->names);
		PQclear(res);
		if ((res = store_exec(s, &st_build_evacuate_npcs, p)) == NULL)
			return STORE_ERR;
		d->npcs = atoi(PQcmdTuples(res));
		PQclear(res);
		if ((res = store_exec(s, &st_build_evacuate_items, p)) == NULL)
			return STORE_ERR;
		d->items = (int)store_get_int(res, 0, 0);
		PQclear(res);
	}
	if ((res = store_exec(s, &st_build_delete, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		d->exits = (int)store_get_int(res, 0, 0);
		d->resets = (int)store_get_int(res, 0, 1);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}
