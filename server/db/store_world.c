/*
 * store_world.c — world content in the database: loading the world files'
 * tables in one statement each, and area resets in a handful of set-based
 * statements per tick.
 */
#include <stdlib.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_world.h"
#include "ops/util.h"

/*
 * One loader statement: the rows come as one JSON array ($1) and are
 * unpacked by jsonb_to_recordset.  The result is (inserted, updated): a row
 * made by an insert has xmax = 0, one an upsert updated carries the
 * updating transaction in xmax.  The overwrite form updates only rows that
 * differ, so loading the same files twice changes nothing.
 */
#define SW_HEAD(tbl, cols, rec)						\
	"WITH w AS (INSERT INTO " tbl " AS t (" cols ") SELECT " cols	\
	" FROM jsonb_to_recordset($1::jsonb) AS x(" rec ")"
#define SW_TAIL								\
	" RETURNING xmax = 0 AS ins) SELECT"				\
	" count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins)"	\
	" FROM w"
#define SW_KEEP(tbl, cols, rec, key)					\
	SW_HEAD(tbl, cols, rec) " ON CONFLICT (" key ") DO NOTHING" SW_TAIL
#define SW_OVER(tbl, cols, rec, key, set, cur, ex)			\
	SW_HEAD(tbl, cols, rec) " ON CONFLICT (" key ")"		\
	" DO UPDATE SET (" set ") = ROW(" ex ")"			\
	" WHERE ROW(" cur ") IS DISTINCT FROM ROW(" ex ")" SW_TAIL
#define SW_PAIR(name, tbl, cols, rec, key, set, cur, ex)		\
	{ { "world_keep_" name, SW_KEEP(tbl, cols, rec, key), 1, 0 },	\
	  { "world_over_" name, SW_OVER(tbl, cols, rec, key, set, cur,	\
	    ex), 1, 0 } }

/*
 * NPC gear: the rows are one per NPC prototype with its two lists, made
 * into (npc_proto, kind, ord, item_proto) lines.  The overwrite form also
 * deletes the lines of those prototypes that the files no longer have.
 */
#define SW_GEAR								\
	"WITH x AS (SELECT x.npc_proto, g.kind, g.ord::integer,"	\
	" g.item_proto FROM jsonb_to_recordset($1::jsonb) AS"		\
	" x(npc_proto text, equipment text[], inventory text[])"	\
	" CROSS JOIN LATERAL (SELECT 'equipment', e.item, e.ord"	\
	" FROM unnest(x.equipment) WITH ORDINALITY e(item, ord)"	\
	" UNION ALL SELECT 'inventory', i.item, i.ord"			\
	" FROM unnest(x.inventory) WITH ORDINALITY i(item, ord))"	\
	" g(kind, item_proto, ord))"
#define SW_GEAR_DEL							\
	"DELETE FROM npc_proto_gear d WHERE d.npc_proto IN"		\
	" (SELECT npc_proto FROM jsonb_to_recordset($1::jsonb) AS"	\
	" p(npc_proto text)) AND NOT EXISTS (SELECT 1 FROM x WHERE"	\
	" x.npc_proto = d.npc_proto AND x.kind = d.kind AND"		\
	" x.ord = d.ord) RETURNING 1"
#define SW_GEAR_INS							\
	", w AS (INSERT INTO npc_proto_gear AS t (npc_proto, kind,"	\
	" ord, item_proto) SELECT npc_proto, kind, ord, item_proto"	\
	" FROM x ON CONFLICT (npc_proto, kind, ord)"

static struct store_stmt st_world_upsert[SWT_COUNT][2] = {
	[SWT_AREAS] = SW_PAIR("areas", "areas", "id, name, reset_secs",
	    "id text, name text, reset_secs integer", "id",
	    "name, reset_secs", "t.name, t.reset_secs",
	    "excluded.name, excluded.reset_secs"),
	[SWT_ITEM_PROTOS] = SW_PAIR("items", "item_protos",
	    "id, area, name, keywords, long_desc, description, type, weight,"
	    " value, wear_slot, damage_min, damage_max, armor, capacity",
	    "id text, area text, name text, keywords text, long_desc text,"
	    " description text, type text, weight integer, value integer,"
	    " wear_slot text, damage_min integer, damage_max integer,"
	    " armor integer, capacity integer", "id",
	    "area, name, keywords, long_desc, description, type, weight, value,"
	    " wear_slot, damage_min, damage_max, armor, capacity",
	    "t.area, t.name, t.keywords, t.long_desc, t.description, t.type,"
	    " t.weight, t.value, t.wear_slot, t.damage_min, t.damage_max,"
	    " t.armor, t.capacity",
	    "excluded.area, excluded.name, excluded.keywords,"
	    " excluded.long_desc, excluded.description, excluded.type,"
	    " excluded.weight, excluded.value, excluded.wear_slot,"
	    " excluded.damage_min, excluded.damage_max, excluded.armor,"
	    " excluded.capacity"),
	[SWT_NPC_PROTOS] = SW_PAIR("npcs", "npc_protos",
	    "id, area, name, keywords, long_desc, description, level, max_hp,"
	    " damage_min, damage_max, armor, coins, aggressive, wanders",
	    "id text, area text, name text, keywords text, long_desc text,"
	    " description text, level integer, max_hp integer,"
	    " damage_min integer, damage_max integer, armor integer,"
	    " coins integer, aggressive boolean, wanders boolean", "id",
	    "area, name, keywords, long_desc, description, level, max_hp,"
	    " damage_min, damage_max, armor, coins, aggressive, wanders",
	    "t.area, t.name, t.keywords, t.long_desc, t.description, t.level,"
	    " t.max_hp, t.damage_min, t.damage_max, t.armor, t.coins,"
	    " t.aggressive, t.wanders",
	    "excluded.area, excluded.name, excluded.keywords,"
	    " excluded.long_desc, excluded.description, excluded.level,"
	    " excluded.max_hp, excluded.damage_min, excluded.damage_max,"
	    " excluded.armor, excluded.coins, excluded.aggressive,"
	    " excluded.wanders"),
	[SWT_NPC_GEAR] = {
	    { "world_keep_gear", SW_GEAR SW_GEAR_INS " DO NOTHING" SW_TAIL,
	      1, 0 },
	    { "world_over_gear", SW_GEAR ", gone AS (" SW_GEAR_DEL ")"
	      SW_GEAR_INS " DO UPDATE SET item_proto = excluded.item_proto"
	      " WHERE t.item_proto <> excluded.item_proto"
	      " RETURNING xmax = 0 AS ins) SELECT count(*) FILTER (WHERE ins),"
	      " count(*) FILTER (WHERE NOT ins) + (SELECT count(*) FROM gone)"
	      " FROM w", 1, 0 } },
	[SWT_ROOMS] = SW_PAIR("rooms", "rooms",
	    "id, area, title, description, is_start",
	    "id integer, area text, title text, description text,"
	    " is_start boolean", "id",
	    "area, title, description, is_start",
	    "t.area, t.title, t.description, t.is_start",
	    "excluded.area, excluded.title, excluded.description,"
	    " excluded.is_start"),
	[SWT_EXITS] = SW_PAIR("exits", "exits", "room_id, direction, to_room",
	    "room_id integer, direction text, to_room integer",
	    "room_id, direction", "to_room", "t.to_room", "excluded.to_room"),
	[SWT_RESETS] = SW_PAIR("resets", "resets",
	    "id, area, kind, npc_proto, item_proto, room_id, max_count",
	    "id integer, area text, kind text, npc_proto text,"
	    " item_proto text, room_id integer, max_count integer", "id",
	    "area, kind, npc_proto, item_proto, room_id, max_count",
	    "t.area, t.kind, t.npc_proto, t.item_proto, t.room_id,"
	    " t.max_count",
	    "excluded.area, excluded.kind, excluded.npc_proto,"
	    " excluded.item_proto, excluded.room_id, excluded.max_count"),
	[SWT_SHOPS] = SW_PAIR("shops", "shops",
	    "npc_proto, buy_percent, sell_percent, buys_types, heals,"
	    " heal_price",
	    "npc_proto text, buy_percent integer, sell_percent integer,"
	    " buys_types text[], heals boolean, heal_price integer",
	    "npc_proto",
	    "buy_percent, sell_percent, buys_types, heals, heal_price",
	    "t.buy_percent, t.sell_percent, t.buys_types, t.heals,"
	    " t.heal_price",
	    "excluded.buy_percent, excluded.sell_percent,"
	    " excluded.buys_types, excluded.heals, excluded.heal_price"),
	[SWT_SHOP_STOCK] = SW_PAIR("stock", "shop_stock",
	    "npc_proto, item_proto, max_count",
	    "npc_proto text, item_proto text, max_count integer",
	    "npc_proto, item_proto", "max_count", "t.max_count",
	    "excluded.max_count"),
};

/* Write one table's rows from the world files. */
enum store_rc
store_world_upsert(struct store *s, enum store_world_table table,
    const char *rows_json, bool overwrite, int *inserted, int *updated)
{
	const char	*p[] = { rows_json };
	PGresult	*res;

	*inserted = *updated = 0;
	res = store_exec(s, &st_world_upsert[table][overwrite ? 1 : 0], p);
	if (res == NULL)
		return STORE_ERR;
	*inserted = (int)store_get_int(res, 0, 0);
	*updated = (int)store_get_int(res, 0, 1);
	PQclear(res);
	return STORE_OK;
}

/*
 * Claim the due areas.  The next reset counts from now, not from when it
 * was due, so a world that was down for a day resets once, not 700 times.
 */
static struct store_stmt st_reset_claim = {
	"reset_claim",
	"WITH due AS (UPDATE areas SET next_reset_at = now() +"
	"  make_interval(secs => reset_secs) WHERE next_reset_at <= now()"
	"  RETURNING id)"
	" SELECT count(*), coalesce(array_agg(id ORDER BY id), '{}')::text"
	" FROM due", 0, 0
};

/* Claim every area whose reset is due; *areas is an array literal. */
enum store_rc
store_reset_claim(struct store *s, char **areas, int *n)
{
	PGresult	*res;

	*areas = NULL;
	if ((res = store_exec(s, &st_reset_claim, NULL)) == NULL)
		return STORE_ERR;
	*n = (int)store_get_int(res, 0, 0);
	*areas = xstrdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	return STORE_OK;
}

/*
 * Spawn missing NPCs and give them their gear (npc_proto_gear: equipment
 * first, then inventory, each in its order), in one statement.  A reset is
 * short of max_count minus the characters still carrying its id (wherever
 * they wandered).  Equipment is worn in its prototype's slot; equipment
 * without a slot, or a second item for a slot already taken (a psql edit
 * the loader would have refused), goes into the inventory instead of
 * breaking the reset.
 */
static struct store_stmt st_reset_npcs = {
	"reset_npcs",
	"WITH sp AS ("
	"  INSERT INTO characters (name, proto_id, reset_id, room_id, level,"
	"   hp, max_hp, coins)"
	"  SELECT p.name, p.id, r.id, r.room_id, p.level, p.max_hp, p.max_hp,"
	"   p.coins"
	"  FROM resets r JOIN npc_protos p ON p.id = r.npc_proto"
	"  CROSS JOIN LATERAL generate_series(1, r.max_count -"
	"   (SELECT count(*) FROM characters c WHERE c.reset_id = r.id)::int)"
	"  WHERE r.kind = 'npc' AND r.area = ANY ($1::text[])"
	"  RETURNING id, proto_id),"
	STORE_NPC_GEAR_SQL
	" SELECT (SELECT count(*) FROM sp), (SELECT count(*) FROM given)", 1, 0
};

/* Spawn the missing NPCs of the areas' resets. */
enum store_rc
store_reset_npcs(struct store *s, const char *areas, int *npcs, int *gear)
{
	const char	*p[] = { areas };
	PGresult	*res;

	if ((res = store_exec(s, &st_reset_npcs, p)) == NULL)
		return STORE_ERR;
	*npcs = (int)store_get_int(res, 0, 0);
	*gear = (int)store_get_int(res, 0, 1);
	PQclear(res);
	return STORE_OK;
}

/*
 * Put back missing items: only those still lying in the reset's room count,
 * so an item a player picked up is replaced, but a room never holds more
 * than max_count of one reset.
 */
static struct store_stmt st_reset_items = {
	"reset_items",
	"WITH ins AS ("
	"  INSERT INTO items (proto_id, room_id, reset_id)"
	"  SELECT r.item_proto, r.room_id, r.id FROM resets r"
	"  CROSS JOIN LATERAL generate_series(1, r.max_count -"
	"   (SELECT count(*) FROM items i WHERE i.reset_id = r.id"
	"    AND i.room_id = r.room_id)::int)"
	"  WHERE r.kind = 'item' AND r.area = ANY ($1::text[])"
	"  RETURNING id)"
	" SELECT count(*) FROM ins", 1, 0
};

/* Put the missing items of the areas' item resets back. */
enum store_rc
store_reset_items(struct store *s, const char *areas, int *n)
{
	const char	*p[] = { areas };
	PGresult	*res;

	if ((res = store_exec(s, &st_reset_items, p)) == NULL)
		return STORE_ERR;
	*n = (int)store_get_int(res, 0, 0);
	PQclear(res);
	return STORE_OK;
}

/*
 * Restock every live shopkeeper whose prototype belongs to the areas: top
 * up each stock line to max_count items of that prototype in its inventory
 * (carried, not worn; what players sold it counts too).
 */
static struct store_stmt st_reset_stock = {
	"reset_stock",
	"WITH ins AS ("
	"  INSERT INTO items (proto_id, carrier_id)"
	"  SELECT ss.item_proto, c.id FROM npc_protos p"
	"  JOIN shop_stock ss ON ss.npc_proto = p.id"
	"  JOIN characters c ON c.proto_id = p.id"
	"  CROSS JOIN LATERAL generate_series(1, ss.max_count -"
	"   (SELECT count(*) FROM items i WHERE i.carrier_id = c.id"
	"    AND i.proto_id = ss.item_proto AND i.worn_slot IS NULL)::int)"
	"  WHERE p.area = ANY ($1::text[])"
	"  ORDER BY c.id, ss.item_proto"
	"  RETURNING id)"
	" SELECT count(*) FROM ins", 1, 0
};

/* Restock the live shopkeepers of the areas. */
enum store_rc
store_reset_stock(struct store *s, const char *areas, int *n)
{
	const char	*p[] = { areas };
	PGresult	*res;

	if ((res = store_exec(s, &st_reset_stock, p)) == NULL)
		return STORE_ERR;
	*n = (int)store_get_int(res, 0, 0);
	PQclear(res);
	return STORE_OK;
}
