/*
 * store_room.c — rooms and exits: what look shows, single rooms and exits
 * written one by one (tests and tools), and the world's counts.  The
 * world files load through store_world.c.
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"

/*
 * Everything look needs in one round trip: the room, its exits in compass
 * order, the online characters present other than the viewer, the NPCs
 * and the items on the floor (identical ones grouped, "[2] " in front,
 * first come first), and the coins on the floor.
 */
static struct store_stmt st_room_look = {
	"room_look",
	"SELECT r.id, r.title, r.description,"
	" coalesce((SELECT string_agg(e.direction, ', ' ORDER BY"
	"   array_position(ARRAY['north','east','south','west','up','down'],"
	"   e.direction)) FROM exits e WHERE e.room_id = r.id), ''),"
	" coalesce((SELECT string_agg(n.name, E'\\n' ORDER BY n.name) FROM"
	"   (SELECT c.name FROM characters c WHERE c.room_id = r.id"
	"    AND c.id <> $2 AND c.session_instance IS NOT NULL"
	"    ORDER BY c.name LIMIT 50) n), ''),"
	" (SELECT count(*) FROM characters c WHERE c.room_id = r.id"
	"    AND c.id <> $2 AND c.session_instance IS NOT NULL),"
	" coalesce((SELECT string_agg(CASE WHEN g.n > 1 THEN"
	"   '[' || g.n || '] ' ELSE '' END || g.d, E'\\n' ORDER BY g.first)"
	"   FROM (SELECT np.long_desc AS d, count(*) AS n, min(c.id) AS first"
	"    FROM characters c JOIN npc_protos np ON np.id = c.proto_id"
	"    WHERE c.room_id = r.id GROUP BY c.proto_id, np.long_desc"
	"    ORDER BY min(c.id) LIMIT 50) g), ''),"
	" (SELECT count(DISTINCT c.proto_id) FROM characters c"
	"    WHERE c.room_id = r.id AND c.proto_id IS NOT NULL),"
	" coalesce((SELECT string_agg(CASE WHEN g.n > 1 THEN"
	"   '[' || g.n || '] ' ELSE '' END || g.d, E'\\n' ORDER BY g.first)"
	"   FROM (SELECT CASE WHEN i.name IS NULL THEN p.long_desc"
	"     ELSE upper(left(i.name, 1)) || substr(i.name, 2) ||"
	"     ' lies here.' END AS d, count(*) AS n, min(i.id) AS first"
	"    FROM items i JOIN item_protos p ON p.id = i.proto_id"
	"    WHERE i.room_id = r.id GROUP BY i.proto_id, i.name, p.long_desc"
	"    ORDER BY min(i.id) LIMIT 50) g), ''),"
	" (SELECT count(*) FROM (SELECT 1 FROM items i WHERE i.room_id = r.id"
	"    GROUP BY i.proto_id, i.name) g),"
	" r.coins"
	" FROM rooms r WHERE r.id = $1", 2, 0
};

/* Everything look shows of a room, as seen by a character. */
enum store_rc
store_room_look(struct store *s, int32_t room, int64_t viewer,
    struct store_look *l)
{
	const char	*p[] = { STORE_NUM(room), STORE_NUM(viewer) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_room_look, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		l->id = (int32_t)store_get_int(res, 0, 0);
		store_get_str(res, 0, 1, l->title, sizeof l->title);
		store_get_str(res, 0, 2, l->description, sizeof l->description);
		store_get_str(res, 0, 3, l->exits, sizeof l->exits);
		store_get_str(res, 0, 4, l->names, sizeof l->names);
		l->others = (int)store_get_int(res, 0, 5);
		store_get_str(res, 0, 6, l->npcs, sizeof l->npcs);
		l->npc_groups = (int)store_get_int(res, 0, 7);
		store_get_str(res, 0, 8, l->items, sizeof l->items);
		l->item_groups = (int)store_get_int(res, 0, 9);
		l->coins = store_get_int(res, 0, 10);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/* Send store_room_look's statement early, with the transaction's BEGIN. */
void
store_room_look_spec(struct store *s, int32_t room, int64_t viewer)
{
	const char	*p[] = { STORE_NUM(room), STORE_NUM(viewer) };

	store_exec_spec(s, &st_room_look, p, false);
}

static struct store_stmt st_room_insert = {
	"room_insert",
	"INSERT INTO rooms (id, area, title, description, is_start)"
	" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING", 5, 0
};

static struct store_stmt st_room_update = {
	"room_update",
	"INSERT INTO rooms (id, area, title, description, is_start)"
	" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET"
	" area = excluded.area, title = excluded.title,"
	" description = excluded.description, is_start = excluded.is_start"
	" RETURNING xmax = 0", 5, 0
};

/* Insert a room unless it exists (update it when overwrite). */
enum store_rc
store_room_upsert(struct store *s, int32_t id, const char *area,
    const char *title, const char *desc, bool start, bool overwrite,
    bool *created)
{
	const char	*p[] = { STORE_NUM(id), area, title, desc,
			    start ? "t" : "f" };
	PGresult	*res;

	res = store_exec(s, overwrite ? &st_room_update : &st_room_insert, p);
	if (res == NULL)
		return STORE_ERR;
	/*
	 * An upsert that updated reports one row too; a row version made by
	 * the update carries the updating transaction in xmax, a fresh
	 * insert has xmax = 0.
	 */
	if (overwrite)
		*created = PQntuples(res) == 1 &&
		    store_get_bool(res, 0, 0);
	else
		*created = strcmp(PQcmdTuples(res), "1") == 0;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_exit_insert = {
	"exit_insert",
	"INSERT INTO exits (room_id, direction, to_room) VALUES ($1, $2, $3)"
	" ON CONFLICT (room_id, direction) DO NOTHING", 3, 0
};

static struct store_stmt st_exit_update = {
	"exit_update",
	"INSERT INTO exits (room_id, direction, to_room) VALUES ($1, $2, $3)"
	" ON CONFLICT (room_id, direction) DO UPDATE SET"
	" to_room = excluded.to_room", 3, 0
};

/* Insert an exit unless it exists (update it when overwrite). */
enum store_rc
store_exit_upsert(struct store *s, int32_t room, const char *dir, int32_t to,
    bool overwrite)
{
	const char	*p[] = { STORE_NUM(room), dir, STORE_NUM(to) };
	PGresult	*res;

	res = store_exec(s, overwrite ? &st_exit_update : &st_exit_insert, p);
	if (res == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_world_counts = {
	"world_counts",
	"SELECT (SELECT count(*) FROM rooms), (SELECT count(*) FROM exits),"
	" EXISTS (SELECT 1 FROM rooms WHERE is_start)", 0, 0
};

/* Count rooms and exits, and whether a start room exists. */
enum store_rc
store_world_counts(struct store *s, int *rooms, int *exits, bool *has_start)
{
	PGresult	*res;

	if ((res = store_exec(s, &st_world_counts, NULL)) == NULL)
		return STORE_ERR;
	*rooms = (int)store_get_int(res, 0, 0);
	*exits = (int)store_get_int(res, 0, 1);
	*has_start = store_get_bool(res, 0, 2);
	PQclear(res);
	return STORE_OK;
}
