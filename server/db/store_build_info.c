/*
 * store_build_info.c — the read-only statements of stat and find: each
 * answers with its lines already written (format() in SQL), so the
 * handlers only print them.
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_build.h"
#include "ops/buf.h"

/* Append the text column 0 of every row to out (each ends its line). */
enum store_rc
store_build_lines(struct store *s, struct store_stmt *st,
    const char *const *p, struct buf *out, int *rows)
{
	PGresult	*res = store_exec(s, st, p);
	int		 n;

	if (res == NULL)
		return STORE_ERR;
	n = PQntuples(res);
	for (int i = 0; i < n; i++)
		buf_printf(out, "%s\n", PQgetvalue(res, i, 0));
	if (rows != NULL)
		*rows = n;
	PQclear(res);
	return n > 0 ? STORE_OK : STORE_NONE;
}

static struct store_stmt st_build_stat_room = {
	"build_stat_room",
	"SELECT format('Room %s ''%s'' (area %s)%s, %s coins on the floor.',"
	"  r.id, r.title, r.area, CASE WHEN r.is_start THEN ', start room'"
	"  ELSE '' END, r.coins)"
	" || E'\\nDescription (' || length(r.description) || ' characters): '"
	" || r.description"
	" || E'\\nExits: ' || coalesce((SELECT string_agg(e.direction || ' '"
	"   || e.to_room || ' ' || t.title, ', ' ORDER BY array_position("
	"   ARRAY['north','east','south','west','up','down'], e.direction))"
	"   FROM exits e JOIN rooms t ON t.id = e.to_room"
	"   WHERE e.room_id = r.id), 'none') || '.'"
	" || E'\\nCharacters: ' || coalesce((SELECT string_agg(x.t, ', '"
	"   ORDER BY x.id) FROM (SELECT c.id, CASE WHEN c.proto_id IS NULL"
	"   THEN c.name || ' (' || c.role || CASE WHEN c.session_instance"
	"   IS NULL THEN ', offline)' ELSE ', online)' END"
	"   ELSE p.name || ' (NPC #' || c.id || coalesce(', reset #'"
	"   || c.reset_id, '') || ')' END AS t FROM characters c"
	"   LEFT JOIN npc_protos p ON p.id = c.proto_id"
	"   WHERE c.room_id = r.id ORDER BY c.id LIMIT 30) x), 'none') || '.'"
	" || E'\\nItems: ' || (SELECT count(*) FROM items WHERE room_id = r.id)"
	" || coalesce(' (' || (SELECT string_agg(x.t, ', ' ORDER BY x.id)"
	"   FROM (SELECT i.id, '#' || i.id || ' ' || coalesce(i.name, p.name)"
	"   AS t FROM items i JOIN item_protos p ON p.id = i.proto_id"
	"   WHERE i.room_id = r.id ORDER BY i.id LIMIT 20) x) || ')', '') || '.'"
	" || E'\\nResets here: ' || coalesce((SELECT string_agg('#' || z.id"
	"   || ' ' || z.kind || ' ' || coalesce(z.npc_proto, z.item_proto)"
	"   || ' max ' || z.max_count, ', ' ORDER BY z.id) FROM resets z"
	"   WHERE z.room_id = r.id), 'none') || '.'"
	" FROM rooms r WHERE r.id = $1", 1, 0
};

/* stat room: the room's lines. */
enum store_rc
store_build_stat_room(struct store *s, int32_t room, struct buf *out)
{
	const char	*p[] = { STORE_NUM(room) };

	return store_build_lines(s, &st_build_stat_room, p, out, NULL);
}

static struct store_stmt st_build_stat_char = {
	"build_stat_char",
	"SELECT CASE WHEN c.proto_id IS NULL THEN format('%s (%s #%s) in %s %s.',"
	"   c.name, c.role, c.id, c.room_id, r.title)"
	"  ELSE format('%s (NPC #%s of prototype %s%s) in %s %s.', p.name,"
	"  c.id, c.proto_id, coalesce(', reset #' || c.reset_id, ''),"
	"  c.room_id, r.title) END"
	" || format(E'\\nLevel %s, XP %s, HP %s/%s, coins %s, kills %s, deaths %s%s.',"
	"   c.level, c.xp, char_hp(c.hp, c.max_hp, c.hp_at,"
	"  c.fighting_id), c.max_hp, c.coins, c.kills, c.deaths,"
	"  coalesce(', fighting #' || c.fighting_id, ''))"
	" || CASE WHEN c.proto_id IS NOT NULL THEN ''"
	"  ELSE E'\\n' || CASE WHEN c.session_instance IS NULL THEN 'Offline'"
	"  ELSE 'Online on keepd ' || left(c.session_instance::text, 8)"
	"  || coalesce(' (' || i.host || ')', '') END"
	"  || CASE WHEN $2 THEN coalesce(', created from '"
	"  || host(c.created_from), '') ELSE '' END || '.'"
	"  || format(E'\\nCreated %s, last login %s.',"
	"  to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),"
	"  coalesce(to_char(c.last_login_at AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD HH24:MI'), 'never'))"
	"  || CASE WHEN c.role = 'builder' THEN E'\\nBuilds in: ' ||"
	"  coalesce(array_to_string(c.build_areas, ', '), 'every area') || '.'"
	"  ELSE '' END END"
	" || E'\\nCarries ' || (SELECT count(*) FROM items x"
	"  WHERE x.carrier_id = c.id AND x.worn_slot IS NULL)"
	" || ' items, wears ' || (SELECT count(*) FROM items x"
	"  WHERE x.carrier_id = c.id AND x.worn_slot IS NOT NULL) || '.',"
	" c.proto_id IS NULL, c.id"
	" FROM characters c JOIN rooms r ON r.id = c.room_id"
	" LEFT JOIN npc_protos p ON p.id = c.proto_id"
	" LEFT JOIN instances i ON i.id = c.session_instance"
	" WHERE (c.proto_id IS NULL AND lower(c.name) = lower($1))"
	"  OR (c.proto_id IS NOT NULL AND lower($1) = ANY"
	"  (string_to_array(p.keywords, ' ')))"
	" ORDER BY c.proto_id IS NOT NULL, c.id LIMIT 1", 2, 0
};

/* stat char: a player by name, else an NPC by keyword. */
enum store_rc
store_build_stat_char(struct store *s, const char *name, bool addresses,
    struct buf *out)
{
	const char	*p[] = { name, addresses ? "t" : "f" };
	PGresult	*res;
	char		 pk[64];
	enum store_rc	 rc;

	if ((res = store_exec(s, &st_build_stat_char, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return STORE_NONE;
	}
	buf_printf(out, "%s\n", PQgetvalue(res, 0, 0));
	snprintf(pk, sizeof pk, "{\"id\": %s}", PQgetvalue(res, 0, 2));
	PQclear(res);
	rc = store_build_last_change(s, "characters", pk, out);
	return rc == STORE_ERR ? rc : STORE_OK;
}

static struct store_stmt st_build_stat_item = {
	"build_stat_item",
	"SELECT format('Item #%s %s (prototype %s, %s, weight %s, value %s).',"
	"  i.id, coalesce(i.name, p.name), p.id, p.type, p.weight, p.value)"
	" || E'\\n' || CASE"
	"  WHEN i.room_id IS NOT NULL THEN 'On the floor of ' || i.room_id"
	"   || ' ' || (SELECT title FROM rooms WHERE id = i.room_id)"
	"  WHEN i.worn_slot IS NOT NULL THEN 'Worn by ' || (SELECT name FROM"
	"   characters WHERE id = i.carrier_id) || ' (#' || i.carrier_id"
	"   || ') on ' || i.worn_slot"
	"  WHEN i.carrier_id IS NOT NULL THEN 'Carried by ' || (SELECT"
	"   coalesce(np.name, c.name) FROM characters c LEFT JOIN npc_protos"
	"   np ON np.id = c.proto_id WHERE c.id = i.carrier_id) || ' (#'"
	"   || i.carrier_id || ')'"
	"  ELSE 'In #' || i.container_id END"
	" || coalesce(', from reset #' || i.reset_id, '')"
	" || CASE WHEN i.coins > 0 THEN ', ' || i.coins || ' coins' ELSE '' END"
	" || coalesce(', decays ' || to_char(i.decay_at AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD HH24:MI'), '') || '.'"
	" || CASE WHEN EXISTS (SELECT 1 FROM items x WHERE x.container_id ="
	"  i.id) THEN E'\\nHolds ' || (SELECT count(*) FROM items x WHERE"
	"  x.container_id = i.id) || ' items.' ELSE '' END"
	" FROM items i JOIN item_protos p ON p.id = i.proto_id"
	" WHERE i.id = $1", 1, 0
};

/* stat item #id. */
enum store_rc
store_build_stat_item(struct store *s, int64_t id, struct buf *out)
{
	const char	*p[] = { STORE_NUM(id) };

	return store_build_lines(s, &st_build_stat_item, p, out, NULL);
}

static struct store_stmt st_build_stat_iproto = {
	"build_stat_iproto",
	"SELECT format('Item prototype %s: %s, %s%s, weight %s, value %s%s%s.',"
	"  p.id, p.name, p.type, coalesce(', slot ' || p.wear_slot, ''),"
	"  p.weight, p.value, CASE WHEN p.damage_max > 0 THEN ', damage '"
	"  || p.damage_min || '-' || p.damage_max ELSE '' END,"
	"  CASE WHEN p.capacity > 0 THEN ', capacity ' || p.capacity"
	"  ELSE '' END)"
	" || E'\\nKeywords: ' || p.keywords || '. Long: ' || p.long_desc"
	" || E'\\nDescription: ' || p.description"
	" || format(E'\\nInstances: %s. Used by: %s resets, %s shop stock.',"
	"  (SELECT count(*) FROM items WHERE proto_id = p.id),"
	"  (SELECT count(*) FROM resets WHERE item_proto = p.id),"
	"  (SELECT count(*) FROM shop_stock WHERE item_proto = p.id))"
	" FROM item_protos p WHERE p.id = $1", 1, 0
};

static struct store_stmt st_build_stat_nproto = {
	"build_stat_nproto",
	"SELECT format('NPC prototype %s (area %s): %s, level %s, hp %s, damage %s-%s, armor %s, coins %s%s%s.', p.id, p.area, p.name,"
	"  p.level, p.max_hp, p.damage_min, p.damage_max, p.armor, p.coins,"
	"  CASE WHEN p.aggressive THEN ', aggressive' ELSE '' END,"
	"  CASE WHEN p.wanders THEN ', wanders' ELSE '' END)"
	" || E'\\nKeywords: ' || p.keywords || '. Long: ' || p.long_desc"
	" || E'\\nDescription: ' || p.description"
	" || format(E'\\nInstances: %s. Used by: %s resets.',"
	"  (SELECT count(*) FROM characters WHERE proto_id = p.id),"
	"  (SELECT count(*) FROM resets WHERE npc_proto = p.id))"
	" FROM npc_protos p WHERE p.id = $1", 1, 0
};

/* stat iproto / nproto. */
enum store_rc
store_build_stat_proto(struct store *s, const char *id, bool npc,
    struct buf *out)
{
	const char	*p[] = { id };
	char		 pk[128];
	enum store_rc	 rc;

	rc = store_build_lines(s, npc ? &st_build_stat_nproto :
	    &st_build_stat_iproto, p, out, NULL);
	if (rc != STORE_OK)
		return rc;
	snprintf(pk, sizeof pk, "{\"id\": \"%s\"}", id);
	rc = store_build_last_change(s, npc ? "npc_protos" : "item_protos",
	    pk, out);
	return rc == STORE_ERR ? rc : STORE_OK;
}

/* The latest audit entry (migration 0011) that changed the row. */
static struct store_stmt st_build_last_change = {
	"build_last_change",
	"SELECT format('Last change: #%s by %s, %s UTC (%s).', l.id,"
	"  l.actor_name, to_char(l.at AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD HH24:MI'), l.action)"
	" FROM audit_change c JOIN audit_log l ON l.id = c.audit_id"
	" WHERE c.tbl = $1 AND c.pk = $2::jsonb"
	" ORDER BY l.id DESC LIMIT 1", 2, 0
};

/* "Last change: ..." when the audit knows the row. */
enum store_rc
store_build_last_change(struct store *s, const char *tbl, const char *pk,
    struct buf *out)
{
	const char	*p[] = { tbl, pk };

	return store_build_lines(s, &st_build_last_change, p, out, NULL);
}

/*
 * find: text is matched literally (ILIKE with \, % and _ escaped), 50
 * rows at most; the second column counts every match.
 */
#define FIND_PATTERN	"'%' || replace(replace(replace($1, '\\', '\\\\'),"  \
			" '%', '\\%'), '_', '\\_') || '%'"

static struct store_stmt st_build_find_room = {
	"build_find_room",
	"SELECT format('  %s %s (%s)', id, title, area) FROM rooms"
	" WHERE title ILIKE " FIND_PATTERN " ORDER BY id LIMIT 50", 1, 0
};

static struct store_stmt st_build_find_item = {
	"build_find_item",
	"SELECT format('  %s: %s (%s)', id, name, keywords) FROM item_protos"
	" WHERE id ILIKE " FIND_PATTERN " OR name ILIKE " FIND_PATTERN
	"  OR keywords ILIKE " FIND_PATTERN " ORDER BY id LIMIT 50", 1, 0
};

static struct store_stmt st_build_find_npc = {
	"build_find_npc",
	"SELECT format('  %s: %s (%s, area %s)', id, name, keywords, area)"
	" FROM npc_protos WHERE id ILIKE " FIND_PATTERN " OR name ILIKE "
	FIND_PATTERN " OR keywords ILIKE " FIND_PATTERN " ORDER BY id LIMIT 50",
	1, 0
};

/* find room|item|npc <text>. */
enum store_rc
store_build_find(struct store *s, const char *what, const char *text,
    struct buf *out, int *n)
{
	const char		*p[] = { text };
	struct store_stmt	*st;

	*n = 0;
	if (strcmp(what, "room") == 0)
		st = &st_build_find_room;
	else if (strcmp(what, "item") == 0)
		st = &st_build_find_item;
	else
		st = &st_build_find_npc;
	return store_build_lines(s, st, p, out, n);
}

/*
 * The world's lint, in one statement: one-way exits, rooms the start room
 * cannot reach, descriptions empty or still unfinished, resets naming a
 * prototype that is gone or a room of another area.  Limited to area $1
 * (NULL: everywhere), 100 lines.
 */
static struct store_stmt st_build_problems = {
	"build_problems",
	"WITH RECURSIVE reach(id) AS (SELECT id FROM rooms WHERE is_start"
	"  UNION SELECT e.to_room FROM exits e JOIN reach r ON r.id = e.room_id),"
	" opp(d, o) AS (VALUES ('north','south'), ('south','north'),"
	"  ('east','west'), ('west','east'), ('up','down'), ('down','up')),"
	" p(k, a, line) AS ("
	"  SELECT 1, f.area, format('exit %s %s -> %s has no way back (%s)',"
	"   e.room_id, e.direction, e.to_room, CASE WHEN b.to_room IS NULL"
	"   THEN e.to_room || ' has no ' || opp.o || ' exit' ELSE e.to_room"
	"   || ' ' || opp.o || ' leads to ' || b.to_room END)"
	"  FROM exits e JOIN opp ON opp.d = e.direction"
	"  JOIN rooms f ON f.id = e.room_id"
	"  LEFT JOIN exits b ON b.room_id = e.to_room AND b.direction = opp.o"
	"  WHERE b.to_room IS DISTINCT FROM e.room_id"
	"  UNION ALL SELECT 2, r.area, format("
	"   'room %s can''t be reached from the start room', r.id) FROM rooms r"
	"  WHERE NOT EXISTS (SELECT 1 FROM reach WHERE reach.id = r.id)"
	"  UNION ALL SELECT 3, r.area, format('room %s has %s description',"
	"   r.id, CASE WHEN btrim(r.description) = '' THEN 'an empty'"
	"   ELSE 'the unfinished' END) FROM rooms r"
	"  WHERE btrim(r.description) = '' OR r.description = '"
	STORE_BUILD_UNFINISHED "'"
	"  UNION ALL SELECT 4, z.area, format('reset #%s (area %s) names %s',"
	"   z.id, z.area, CASE WHEN z.kind = 'npc' AND NOT EXISTS (SELECT 1"
	"   FROM npc_protos WHERE id = z.npc_proto) THEN"
	"   'missing NPC prototype ' || z.npc_proto WHEN z.kind = 'item' AND NOT EXISTS"
	"   (SELECT 1 FROM item_protos WHERE id = z.item_proto) THEN"
	"   'missing item prototype ' || z.item_proto ELSE 'room ' || r.id"
	"   || ' of area ' || r.area END) FROM resets z"
	"  JOIN rooms r ON r.id = z.room_id WHERE r.area <> z.area"
	"   OR (z.kind = 'npc' AND NOT EXISTS (SELECT 1 FROM npc_protos"
	"   WHERE id = z.npc_proto)) OR (z.kind = 'item' AND NOT EXISTS"
	"   (SELECT 1 FROM item_protos WHERE id = z.item_proto))),"
	" q AS (SELECT * FROM p WHERE $1::text IS NULL OR a = $1)"
	" SELECT '  ' || line, (SELECT count(*) FROM q) FROM q"
	" ORDER BY k, line LIMIT 100", 1, 0
};

/* find problems [<area>]. */
enum store_rc
store_build_problems(struct store *s, const char *area, struct buf *out,
    int *n)
{
	const char	*p[] = { area };
	PGresult	*res;
	int		 rows;

	*n = 0;
	if ((res = store_exec(s, &st_build_problems, p)) == NULL)
		return STORE_ERR;
	rows = PQntuples(res);
	for (int i = 0; i < rows; i++)
		buf_printf(out, "%s\n", PQgetvalue(res, i, 0));
	if (rows > 0)
		*n = (int)store_get_int(res, 0, 1);
	PQclear(res);
	return STORE_OK;
}
