/*
 * store_proto.c — item and NPC prototypes for iedit and medit: read,
 * create, change one field, gear lines, delete; and the builder's scope.
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_proto.h"
#include "ops/util.h"

static struct store_stmt st_proto_room_area = {
	"proto_room_area", "SELECT area FROM rooms WHERE id = $1", 1, 0
};

/* The area of a room. */
enum store_rc
store_proto_room_area(struct store *s, int32_t room,
    char area[STORE_PROTO_AREA_MAX + 1])
{
	const char	*p[] = { STORE_NUM(room) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	area[0] = '\0';
	if ((res = store_exec(s, &st_proto_room_area, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		store_get_str(res, 0, 0, area, STORE_PROTO_AREA_MAX + 1);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_proto_get_item = {
	"proto_get_item",
	"SELECT id, coalesce(area, ''), name, keywords, long_desc,"
	" description, type, coalesce(wear_slot, ''), weight, value, capacity,"
	" 0, 0, 0, false, false, damage_min, damage_max, armor, '', '',"
	" (SELECT count(*) FROM items i WHERE i.proto_id = p.id)"
	" FROM item_protos p WHERE id = $1 FOR UPDATE", 1, 0
};

static struct store_stmt st_proto_get_npc = {
	"proto_get_npc",
	"SELECT id, area, name, keywords, long_desc, description, '', '',"
	" 0, 0, 0, level, max_hp, coins, aggressive, wanders, damage_min,"
	" damage_max, armor,"
	" coalesce((SELECT string_agg(item_proto, ' ' ORDER BY ord)"
	"  FROM npc_proto_gear g WHERE g.npc_proto = p.id"
	"  AND g.kind = 'equipment'), ''),"
	" coalesce((SELECT string_agg(item_proto, ' ' ORDER BY ord)"
	"  FROM npc_proto_gear g WHERE g.npc_proto = p.id"
	"  AND g.kind = 'inventory'), ''),"
	" (SELECT count(*) FROM characters c WHERE c.proto_id = p.id)"
	" FROM npc_protos p WHERE id = $1 FOR UPDATE", 1, 0
};

/* Read and lock an item or NPC prototype. */
enum store_rc
store_proto_get(struct store *s, bool npc, const char *id,
    struct store_proto *pr)
{
	const char	*p[] = { id };
	PGresult	*res;

	memset(pr, 0, sizeof *pr);
	res = store_exec(s, npc ? &st_proto_get_npc : &st_proto_get_item, p);
	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return STORE_NONE;
	}
	store_get_str(res, 0, 0, pr->id, sizeof pr->id);
	store_get_str(res, 0, 1, pr->area, sizeof pr->area);
	store_get_str(res, 0, 2, pr->name, sizeof pr->name);
	store_get_str(res, 0, 3, pr->keywords, sizeof pr->keywords);
	store_get_str(res, 0, 4, pr->long_desc, sizeof pr->long_desc);
	store_get_str(res, 0, 5, pr->description, sizeof pr->description);
	store_get_str(res, 0, 6, pr->type, sizeof pr->type);
	store_get_str(res, 0, 7, pr->wear_slot, sizeof pr->wear_slot);
	pr->weight = store_get_int(res, 0, 8);
	pr->value = store_get_int(res, 0, 9);
	pr->capacity = store_get_int(res, 0, 10);
	pr->level = store_get_int(res, 0, 11);
	pr->max_hp = store_get_int(res, 0, 12);
	pr->coins = store_get_int(res, 0, 13);
	pr->aggressive = store_get_bool(res, 0, 14);
	pr->wanders = store_get_bool(res, 0, 15);
	pr->damage_min = store_get_int(res, 0, 16);
	pr->damage_max = store_get_int(res, 0, 17);
	pr->armor = store_get_int(res, 0, 18);
	store_get_str(res, 0, 19, pr->equipment, sizeof pr->equipment);
	store_get_str(res, 0, 20, pr->inventory, sizeof pr->inventory);
	pr->instances = store_get_int(res, 0, 21);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_proto_item_new = {
	"proto_item_new",
	"INSERT INTO item_protos (id, area, name, keywords, long_desc,"
	" description, type, wear_slot, capacity)"
	" VALUES ($1, nullif($2, ''), $3, $4, $5, $6, $7, nullif($8, ''),"
	"  $9::integer)"
	" ON CONFLICT (id) DO NOTHING", 9, 0
};

/* Create an item prototype; STORE_NONE if the id is taken. */
enum store_rc
store_proto_item_new(struct store *s, const struct store_proto *pr)
{
	const char	*p[] = { pr->id, pr->area, pr->name, pr->keywords,
	    pr->long_desc, pr->description, pr->type, pr->wear_slot,
	    STORE_NUM(pr->capacity) };

	return store_exec_changed(s, &st_proto_item_new, p);
}

static struct store_stmt st_proto_npc_new = {
	"proto_npc_new",
	"INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	" description) VALUES ($1, $2, $3, $4, $5, $6)"
	" ON CONFLICT (id) DO NOTHING", 6, 0
};

/* Create an NPC prototype; STORE_NONE if the id is taken. */
enum store_rc
store_proto_npc_new(struct store *s, const struct store_proto *pr)
{
	const char	*p[] = { pr->id, pr->area, pr->name, pr->keywords,
	    pr->long_desc, pr->description };

	return store_exec_changed(s, &st_proto_npc_new, p);
}

#define PF_ITEMS	"(SELECT count(*) FROM items WHERE proto_id = $1)"
#define PF_NPCS		"(SELECT count(*) FROM characters WHERE proto_id = $1)"
/* One field's UPDATE: old value (locked), new value, instances. */
#define PF(name, tbl, col, cast, count)					\
	[name] = { "proto_set_" #name,					\
	    "WITH o AS (SELECT " col "::text AS v FROM " tbl		\
	    " WHERE id = $1 FOR UPDATE) UPDATE " tbl " t SET " col	\
	    " = $2::" cast " FROM o WHERE t.id = $1"			\
	    " RETURNING coalesce(o.v, ''), coalesce(t." col "::text, ''), "\
	    count, 2, 0 }

static struct store_stmt st_proto_set[SPF_COUNT] = {
	PF(SPF_I_NAME, "item_protos", "name", "text", PF_ITEMS),
	PF(SPF_I_KEYWORDS, "item_protos", "keywords", "text", PF_ITEMS),
	PF(SPF_I_LONG, "item_protos", "long_desc", "text", PF_ITEMS),
	PF(SPF_I_DESC, "item_protos", "description", "text", PF_ITEMS),
	PF(SPF_I_TYPE, "item_protos", "type", "text", PF_ITEMS),
	PF(SPF_I_WEIGHT, "item_protos", "weight", "integer", PF_ITEMS),
	PF(SPF_I_VALUE, "item_protos", "value", "integer", PF_ITEMS),
	PF(SPF_I_SLOT, "item_protos", "wear_slot", "wear_slot", PF_ITEMS),
	PF(SPF_I_ARMOR, "item_protos", "armor", "integer", PF_ITEMS),
	PF(SPF_I_CAPACITY, "item_protos", "capacity", "integer", PF_ITEMS),
	PF(SPF_I_AREA, "item_protos", "area", "text", PF_ITEMS),
	PF(SPF_N_NAME, "npc_protos", "name", "text", PF_NPCS),
	PF(SPF_N_KEYWORDS, "npc_protos", "keywords", "text", PF_NPCS),
	PF(SPF_N_LONG, "npc_protos", "long_desc", "text", PF_NPCS),
	PF(SPF_N_DESC, "npc_protos", "description", "text", PF_NPCS),
	PF(SPF_N_LEVEL, "npc_protos", "level", "integer", PF_NPCS),
	PF(SPF_N_HP, "npc_protos", "max_hp", "integer", PF_NPCS),
	PF(SPF_N_ARMOR, "npc_protos", "armor", "integer", PF_NPCS),
	PF(SPF_N_COINS, "npc_protos", "coins", "integer", PF_NPCS),
	PF(SPF_N_AGGRESSIVE, "npc_protos", "aggressive", "boolean", PF_NPCS),
	PF(SPF_N_WANDERS, "npc_protos", "wanders", "boolean", PF_NPCS),
	PF(SPF_N_AREA, "npc_protos", "area", "text", PF_NPCS),
};

/*
 * Live NPCs carry a copy of their prototype's name (characters.name): a
 * new name reaches them in the same transaction.
 */
static struct store_stmt st_proto_npc_rename = {
	"proto_npc_rename",
	"UPDATE characters SET name = $2 WHERE proto_id = $1", 2, 0
};

/* Run an edit that returns (old, new, instances); STORE_NONE if no row. */
static enum store_rc
store_proto_old_new(struct store *s, struct store_stmt *st,
    const char *const *p, char *old, char *new, size_t sz, int64_t *count)
{
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, st, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		store_get_str(res, 0, 0, old, sz);
		store_get_str(res, 0, 1, new, sz);
		*count = store_get_int(res, 0, 2);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/* Set one field of a prototype; old and new values as text. */
enum store_rc
store_proto_set(struct store *s, enum store_pfield f, const char *id,
    const char *value, char *old, char *new, size_t sz, int64_t *count)
{
	const char	*p[] = { id, value };
	PGresult	*res;
	enum store_rc	 rc;

	rc = store_proto_old_new(s, &st_proto_set[f], p, old, new, sz, count);
	if (rc == STORE_OK && f == SPF_N_NAME) {
		if ((res = store_exec(s, &st_proto_npc_rename, p)) == NULL)
			return STORE_ERR;
		PQclear(res);
	}
	return rc;
}

#define PF_DAMAGE(tbl, count)						\
	"WITH o AS (SELECT damage_min || '-' || damage_max AS v FROM "	\
	tbl " WHERE id = $1 FOR UPDATE) UPDATE " tbl " t SET"		\
	" damage_min = $2::integer, damage_max = $3::integer FROM o"	\
	" WHERE t.id = $1 RETURNING o.v, t.damage_min || '-' ||"	\
	" t.damage_max, " count
static struct store_stmt st_proto_damage[2] = {
	{ "proto_damage_item", PF_DAMAGE("item_protos", PF_ITEMS), 3, 0 },
	{ "proto_damage_npc", PF_DAMAGE("npc_protos", PF_NPCS), 3, 0 },
};

/* Set damage_min and damage_max together. */
enum store_rc
store_proto_set_damage(struct store *s, bool npc, const char *id,
    int64_t min, int64_t max, char *old, char *new, size_t sz)
{
	const char	*p[] = { id, STORE_NUM(min), STORE_NUM(max) };
	int64_t		 count;

	return store_proto_old_new(s, &st_proto_damage[npc], p, old, new, sz,
	    &count);
}

static struct store_stmt st_proto_item_busy = {
	"proto_item_busy",
	"SELECT (SELECT count(*) FROM items i WHERE i.proto_id = $1 AND"
	"  EXISTS (SELECT 1 FROM items c WHERE c.container_id = i.id)),"
	" (SELECT count(*) FROM items WHERE proto_id = $1"
	"  AND worn_slot IS NOT NULL)", 1, 0
};

/* Items of a prototype that hold things, and that are worn. */
enum store_rc
store_proto_item_busy(struct store *s, const char *id, int64_t *holding,
    int64_t *worn)
{
	const char	*p[] = { id };
	PGresult	*res;

	if ((res = store_exec(s, &st_proto_item_busy, p)) == NULL)
		return STORE_ERR;
	*holding = store_get_int(res, 0, 0);
	*worn = store_get_int(res, 0, 1);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_proto_uses[2] = {
	{ "proto_uses_item",
	  "SELECT (SELECT count(*) FROM resets WHERE item_proto = $1),"
	  " (SELECT count(*) FROM npc_proto_gear WHERE item_proto = $1),"
	  " (SELECT count(*) FROM shop_stock WHERE item_proto = $1)", 1, 0 },
	{ "proto_uses_npc",
	  "SELECT (SELECT count(*) FROM resets WHERE npc_proto = $1), 0,"
	  " (SELECT count(*) FROM shops WHERE npc_proto = $1)", 1, 0 },
};

/* What refers to a prototype. */
enum store_rc
store_proto_uses(struct store *s, bool npc, const char *id, int64_t *resets,
    int64_t *gear, int64_t *shops)
{
	const char	*p[] = { id };
	PGresult	*res;

	if ((res = store_exec(s, &st_proto_uses[npc], p)) == NULL)
		return STORE_ERR;
	*resets = store_get_int(res, 0, 0);
	*gear = store_get_int(res, 0, 1);
	*shops = store_get_int(res, 0, 2);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_proto_delete[2] = {
	{ "proto_delete_item", "DELETE FROM item_protos WHERE id = $1", 1, 0 },
	{ "proto_delete_npc", "DELETE FROM npc_protos WHERE id = $1", 1, 0 },
};

/* Delete a prototype. */
enum store_rc
store_proto_delete(struct store *s, bool npc, const char *id)
{
	const char	*p[] = { id };

	return store_exec_changed(s, &st_proto_delete[npc], p);
}

/* The NPC prototype row is locked (store_proto_get), so ord is safe. */
static struct store_stmt st_proto_gear_add = {
	"proto_gear_add",
	"INSERT INTO npc_proto_gear (npc_proto, kind, ord, item_proto)"
	" SELECT $1, $2, coalesce(max(ord), 0) + 1, $3 FROM npc_proto_gear"
	" WHERE npc_proto = $1 AND kind = $2", 3, 0
};

static struct store_stmt st_proto_gear_del = {
	"proto_gear_del",
	"DELETE FROM npc_proto_gear g USING (SELECT ord FROM npc_proto_gear"
	" WHERE npc_proto = $1 AND kind = $2 AND item_proto = $3"
	" ORDER BY ord DESC LIMIT 1) x"
	" WHERE g.npc_proto = $1 AND g.kind = $2 AND g.ord = x.ord", 3, 0
};

/* Add an item to an NPC prototype's gear, or take the last one off. */
enum store_rc
store_proto_gear(struct store *s, bool add, const char *npc,
    const char *kind, const char *item)
{
	const char	*p[] = { npc, kind, item };

	return store_exec_changed(s, add ? &st_proto_gear_add :
	    &st_proto_gear_del, p);
}
