/*
 * store_ops_dump.c — the world as world files (`keepd world dump`): one
 * statement builds, for every area, the JSON document `keepd load-world`
 * reads (docs/world.md), with its keys in the documented order, defaults
 * that carry no information left out (false, no wear slot, empty lists),
 * and every list in a stable order (ids; exits north, east, south, west,
 * up, down; gear in its order).  An item prototype goes to its area's
 * file; one of no area (made before migration 0014) to the first area (by
 * id) whose resets, NPC gear or shop stock use it, an unused one to the
 * first area; the built-in corpse is never dumped.
 */
#include <stdio.h>

#include "db/store_int.h"
#include "db/store_ops.h"

/* The area each item prototype is written with (owner). */
#define DUMP_ITEM_AREA \
	"WITH uses AS (" \
	"  SELECT item_proto AS item, area FROM resets" \
	"   WHERE item_proto IS NOT NULL" \
	"  UNION ALL SELECT g.item_proto, n.area FROM npc_proto_gear g" \
	"   JOIN npc_protos n ON n.id = g.npc_proto" \
	"  UNION ALL SELECT s.item_proto, n.area FROM shop_stock s" \
	"   JOIN npc_protos n ON n.id = s.npc_proto)," \
	" owner AS (SELECT i.id AS item, coalesce(i.area, (SELECT min(u.area)" \
	"   FROM uses u WHERE u.item = i.id)," \
	"   (SELECT min(id) FROM areas)) AS area" \
	"  FROM item_protos i WHERE i.type <> 'corpse')"

static struct store_stmt st_dump = {
	"ops_world_dump",
	DUMP_ITEM_AREA
	" SELECT a.id, json_strip_nulls(json_build_object("
	"  'area', a.id, 'name', a.name, 'reset_secs', a.reset_secs,"
	"  'rooms', coalesce((SELECT json_agg(json_strip_nulls("
	"   json_build_object('id', r.id, 'title', r.title,"
	"   'description', r.description,"
	"   'start', CASE WHEN r.is_start THEN true END,"
	"   'exits', (SELECT json_object_agg(e.direction, e.to_room"
	"    ORDER BY array_position(ARRAY['north', 'east', 'south', 'west',"
	"    'up', 'down'], e.direction)) FROM exits e"
	"    WHERE e.room_id = r.id))) ORDER BY r.id)"
	"   FROM rooms r WHERE r.area = a.id), '[]'::json),"
	"  'items', (SELECT json_agg(json_strip_nulls(json_build_object("
	"   'id', i.id, 'name', i.name, 'keywords', i.keywords,"
	"   'long_desc', i.long_desc, 'description', i.description,"
	"   'type', i.type, 'weight', i.weight, 'value', i.value,"
	"   'wear_slot', i.wear_slot, 'damage_min', i.damage_min,"
	"   'damage_max', i.damage_max, 'armor', i.armor,"
	"   'capacity', i.capacity)) ORDER BY i.id)"
	"   FROM item_protos i JOIN owner o ON o.item = i.id"
	"   WHERE o.area = a.id),"
	"  'npcs', (SELECT json_agg(json_strip_nulls(json_build_object("
	"   'id', n.id, 'name', n.name, 'keywords', n.keywords,"
	"   'long_desc', n.long_desc, 'description', n.description,"
	"   'level', n.level, 'max_hp', n.max_hp,"
	"   'damage_min', n.damage_min, 'damage_max', n.damage_max,"
	"   'armor', n.armor, 'coins', n.coins,"
	"   'aggressive', CASE WHEN n.aggressive THEN true END,"
	"   'wanders', CASE WHEN n.wanders THEN true END,"
	"   'inventory', (SELECT json_agg(g.item_proto ORDER BY g.ord)"
	"    FROM npc_proto_gear g WHERE g.npc_proto = n.id"
	"    AND g.kind = 'inventory'),"
	"   'equipment', (SELECT json_agg(g.item_proto ORDER BY g.ord)"
	"    FROM npc_proto_gear g WHERE g.npc_proto = n.id"
	"    AND g.kind = 'equipment'))) ORDER BY n.id)"
	"   FROM npc_protos n WHERE n.area = a.id),"
	"  'resets', (SELECT json_agg(json_strip_nulls(json_build_object("
	"   'id', r.id, 'npc', r.npc_proto, 'item', r.item_proto,"
	"   'room', r.room_id, 'max', r.max_count)) ORDER BY r.id)"
	"   FROM resets r WHERE r.area = a.id),"
	"  'shops', (SELECT json_agg(json_strip_nulls(json_build_object("
	"   'npc', s.npc_proto, 'buy_percent', s.buy_percent,"
	"   'sell_percent', s.sell_percent,"
	"   'buys_types', CASE WHEN cardinality(s.buys_types) > 0"
	"    THEN to_json(s.buys_types) END,"
	"   'heals', CASE WHEN s.heals THEN true END,"
	"   'heal_price', s.heal_price,"
	"   'stock', (SELECT json_agg(json_build_object('item', k.item_proto,"
	"    'max', k.max_count) ORDER BY k.item_proto) FROM shop_stock k"
	"    WHERE k.npc_proto = s.npc_proto))) ORDER BY s.npc_proto)"
	"   FROM shops s JOIN npc_protos n ON n.id = s.npc_proto"
	"   WHERE n.area = a.id)))::text"
	" FROM areas a ORDER BY a.id", 0, 0
};

/* Every area as a world file document: fn(area, json, arg) for each. */
enum store_rc
store_ops_world_dump(struct store *s, bool (*fn)(const char *, const char *,
    void *), void *arg)
{
	PGresult	*res;
	enum store_rc	 rc = STORE_OK;

	if ((res = store_exec(s, &st_dump, NULL)) == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res) && rc == STORE_OK; i++) {
		if (!fn(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), arg))
			rc = STORE_NONE;
	}
	PQclear(res);
	return rc;
}
