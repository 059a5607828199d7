/*
 * store_item.c — items and where they are.  Reads are one query each;
 * every move is one conditional UPDATE over an array of ids whose
 * RETURNING says what really moved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_item.h"
#include "ops/util.h"

/* An item's weight with its contents: only containers can hold anything. */
#define ITEM_TOTAL "CASE WHEN p.type IN ('container', 'corpse')" \
	" THEN item_weight(i.id) ELSE p.weight END"

/* Free a set's rows. */
void
store_item_set_free(struct store_item_set *set)
{
	for (int i = 0; i < set->n; i++)
		free(set->v[i].description);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

/* Format an id as a decimal string. */
static void
store_item_id(char *out, size_t outsz, int64_t id)
{
	snprintf(out, outsz, "%lld", (long long)id);
}

/* An array literal "{1,2,3}" of ids; the caller frees it. */
static char *
store_item_array(const int64_t *ids, int n)
{
	size_t	 sz = (size_t)n * 22 + 3, o = 0;
	char	*out = xmalloc(sz);

	out[o++] = '{';
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, sz - o, "%s%lld", i ? "," : "",
		    (long long)ids[i]);
	out[o++] = '}';
	out[o] = '\0';
	return out;
}

/*
 * The scan: items on the floor, on the actor, inside containers of either,
 * and the characters present.  One query; the flags in $3 choose parts.
 */
static struct store_stmt st_item_scan = {
	"item_scan",
	"WITH near AS ("
	"  SELECT id FROM items WHERE room_id = $1 AND ($3::int & 1) <> 0"
	"  UNION ALL"
	"  SELECT id FROM items WHERE carrier_id = $2 AND ($3::int & 2) <> 0"
	"  UNION ALL"
	"  SELECT i.id FROM items c JOIN items i ON i.container_id = c.id"
	"   WHERE (c.room_id = $1 OR c.carrier_id = $2)"
	"   AND ($3::int & 4) <> 0)"
	" SELECT 'i', CASE WHEN i.room_id IS NOT NULL THEN 'r'"
	"   WHEN i.worn_slot IS NOT NULL THEN 'w'"
	"   WHEN i.carrier_id IS NOT NULL THEN 'c' ELSE 'i' END,"
	"  i.id, coalesce(i.container_id, 0), i.proto_id,"
	"  coalesce(i.name, p.name), coalesce(i.keywords, p.keywords), p.type,"
	"  coalesce(p.wear_slot, ''), coalesce(i.worn_slot, ''), p.weight,"
	"  " ITEM_TOTAL ", p.capacity, i.coins, 0,"
	"  CASE WHEN i.name IS NULL THEN p.long_desc"
	"   ELSE upper(left(i.name, 1)) || substr(i.name, 2) || ' lies here.'"
	"   END, p.description"
	" FROM near n JOIN items i ON i.id = n.id"
	" JOIN item_protos p ON p.id = i.proto_id"
	" UNION ALL"
	" SELECT CASE WHEN c.proto_id IS NULL THEN 'p' ELSE 'n' END, 'r',"
	"  c.id, 0, coalesce(c.proto_id, ''), coalesce(np.name, c.name),"
	"  coalesce(np.keywords, lower(c.name)), '', '', '', 0, 0, 0, 0,"
	"  c.level, coalesce(np.long_desc, c.name || ' is here.'),"
	"  coalesce(np.description, '')"
	" FROM characters c LEFT JOIN npc_protos np ON np.id = c.proto_id"
	" WHERE c.room_id = $1 AND c.id <> $2 AND ($3::int & 8) <> 0"
	"  AND (c.proto_id IS NOT NULL OR c.session_instance IS NOT NULL)"
	" ORDER BY 1, 3", 3, 0
};

/* Fill one scanned row. */
static void
store_item_fill(const PGresult *res, int row, struct store_item *it)
{
	memset(it, 0, sizeof *it);
	it->kind = PQgetvalue(res, row, 0)[0];
	it->place = PQgetvalue(res, row, 1)[0];
	it->id = store_get_int(res, row, 2);
	it->container_id = store_get_int(res, row, 3);
	store_get_str(res, row, 4, it->proto, sizeof it->proto);
	store_get_str(res, row, 5, it->name, sizeof it->name);
	store_get_str(res, row, 6, it->keywords, sizeof it->keywords);
	store_get_str(res, row, 7, it->type, sizeof it->type);
	store_get_str(res, row, 8, it->wear_slot, sizeof it->wear_slot);
	store_get_str(res, row, 9, it->worn_slot, sizeof it->worn_slot);
	it->weight = store_get_int(res, row, 10);
	it->total = store_get_int(res, row, 11);
	it->capacity = store_get_int(res, row, 12);
	it->coins = store_get_int(res, row, 13);
	it->level = (int32_t)store_get_int(res, row, 14);
	store_get_str(res, row, 15, it->long_desc, sizeof it->long_desc);
	it->description = xstrdup(PQgetvalue(res, row, 16));
}

/* Everything in scope around the actor. */
enum store_rc
store_item_scan(struct store *s, int32_t room, int64_t me, int scope,
    struct store_item_set *set)
{
	char		 rooms[16], ids[24], scopes[16];
	const char	*p[] = { rooms, ids, scopes };
	PGresult	*res;

	set->v = NULL;
	set->n = 0;
	snprintf(rooms, sizeof rooms, "%d", room);
	store_item_id(ids, sizeof ids, me);
	snprintf(scopes, sizeof scopes, "%d", scope);
	if ((res = store_exec(s, &st_item_scan, p)) == NULL)
		return STORE_ERR;
	set->n = PQntuples(res);
	set->v = set->n > 0 ? xcalloc((size_t)set->n, sizeof *set->v) : NULL;
	for (int i = 0; i < set->n; i++)
		store_item_fill(res, i, &set->v[i]);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_item_lock_char = {
	"item_lock_char",
	"SELECT c.room_id, c.level, c.coins, r.coins"
	" FROM characters c JOIN rooms r ON r.id = c.room_id"
	" WHERE c.id = $1 AND ($2::int = 0 OR (c.room_id = $2"
	"  AND (c.proto_id IS NOT NULL OR c.session_instance IS NOT NULL)))"
	" FOR UPDATE OF c", 2, 0
};

/* Lock a character's row before reading what it carries. */
enum store_rc
store_item_lock_char(struct store *s, int64_t id, int32_t room,
    struct store_item_holder *h)
{
	char		 ids[24], rooms[16];
	const char	*p[] = { ids, rooms };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	store_item_id(ids, sizeof ids, id);
	snprintf(rooms, sizeof rooms, "%d", room);
	if ((res = store_exec(s, &st_item_lock_char, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		h->room_id = (int32_t)store_get_int(res, 0, 0);
		h->level = (int32_t)store_get_int(res, 0, 1);
		h->coins = store_get_int(res, 0, 2);
		h->room_coins = store_get_int(res, 0, 3);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_item_burden = {
	"item_burden",
	"SELECT count(*) FILTER (WHERE i.worn_slot IS NULL),"
	" coalesce(sum(" ITEM_TOTAL "), 0)"
	" FROM items i JOIN item_protos p ON p.id = i.proto_id"
	" WHERE i.carrier_id = $1", 1, 0
};

/* What a character carries: things in hand, weight of everything. */
enum store_rc
store_item_burden(struct store *s, int64_t id, int64_t *count,
    int64_t *weight)
{
	char		 ids[24];
	const char	*p[] = { ids };
	PGresult	*res;

	store_item_id(ids, sizeof ids, id);
	if ((res = store_exec(s, &st_item_burden, p)) == NULL)
		return STORE_ERR;
	*count = store_get_int(res, 0, 0);
	*weight = store_get_int(res, 0, 1);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_item_lock_container = {
	"item_lock_container",
	"SELECT id FROM items WHERE id = $1"
	" AND (room_id = $2 OR carrier_id = $3) FOR UPDATE", 3, 0
};

/* Lock a container still on the floor of room or carried by me. */
enum store_rc
store_item_lock_container(struct store *s, int64_t id, int32_t room,
    int64_t me)
{
	char		 ids[24], rooms[16], mes[24];
	const char	*p[] = { ids, rooms, mes };
	PGresult	*res;
	enum store_rc	 rc;

	store_item_id(ids, sizeof ids, id);
	snprintf(rooms, sizeof rooms, "%d", room);
	store_item_id(mes, sizeof mes, me);
	if ((res = store_exec(s, &st_item_lock_container, p)) == NULL)
		return STORE_ERR;
	rc = PQntuples(res) == 1 ? STORE_OK : STORE_NONE;
	PQclear(res);
	return rc;
}

static struct store_stmt st_item_contents_weight = {
	"item_contents_weight",
	"SELECT coalesce(sum(item_weight(id)), 0) FROM items"
	" WHERE container_id = $1", 1, 0
};

/* The weight of what is inside an item. */
enum store_rc
store_item_contents_weight(struct store *s, int64_t id, int64_t *weight)
{
	char		 ids[24];
	const char	*p[] = { ids };
	PGresult	*res;

	store_item_id(ids, sizeof ids, id);
	if ((res = store_exec(s, &st_item_contents_weight, p)) == NULL)
		return STORE_ERR;
	*weight = store_get_int(res, 0, 0);
	PQclear(res);
	return STORE_OK;
}

/* The moves, indexed by enum store_item_move: $1 ids, $2 from, $3 to. */
static struct store_stmt st_item_moves[] = {
	{ "item_room_to_char",
	  "UPDATE items SET room_id = NULL, carrier_id = $3"
	  " WHERE id = ANY($1::bigint[]) AND room_id = $2"
	  " RETURNING id", 3, 0 },
	/* The container is locked and must not have left ($4: the room). */
	{ "item_inside_to_char",
	  "WITH c AS (SELECT id FROM items WHERE id = $2"
	  "  AND (room_id = $4 OR carrier_id = $3) FOR UPDATE)"
	  " UPDATE items SET container_id = NULL, carrier_id = $3 FROM c"
	  " WHERE items.id = ANY($1::bigint[]) AND items.container_id = c.id"
	  " RETURNING items.id", 4, 0 },
	{ "item_char_to_room",
	  "UPDATE items SET carrier_id = NULL, room_id = $3"
	  " WHERE id = ANY($1::bigint[]) AND carrier_id = $2"
	  " AND worn_slot IS NULL RETURNING id", 3, 0 },
	{ "item_char_to_inside",
	  "UPDATE items SET carrier_id = NULL, container_id = $3"
	  " WHERE id = ANY($1::bigint[]) AND carrier_id = $2"
	  " AND worn_slot IS NULL AND id <> $3 RETURNING id", 3, 0 },
	{ "item_char_to_char",
	  "UPDATE items SET carrier_id = $3"
	  " WHERE id = ANY($1::bigint[]) AND carrier_id = $2"
	  " AND worn_slot IS NULL RETURNING id", 3, 0 },
};

/* Collect the ids a moving statement returned. */
static enum store_rc
store_item_returned(PGresult *res, int64_t *moved, int max, int *nmoved)
{
	*nmoved = 0;
	if (res == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res) && i < max; i++)
		moved[(*nmoved)++] = store_get_int(res, i, 0);
	PQclear(res);
	return STORE_OK;
}

/* Move the items that are still where the move takes them from. */
enum store_rc
store_item_move(struct store *s, enum store_item_move how,
    const int64_t *ids, int n, int64_t from, int64_t to, int32_t room,
    int64_t *moved, int *nmoved)
{
	char		*arr, froms[24], tos[24], rooms[16];
	const char	*p[] = { NULL, froms, tos, rooms };
	enum store_rc	 rc;

	*nmoved = 0;
	if (n <= 0)
		return STORE_OK;
	arr = store_item_array(ids, n);
	p[0] = arr;
	store_item_id(froms, sizeof froms, from);
	store_item_id(tos, sizeof tos, to);
	snprintf(rooms, sizeof rooms, "%d", room);
	rc = store_item_returned(store_exec(s, &st_item_moves[how], p), moved,
	    n, nmoved);
	free(arr);
	return rc;
}

/* One slot per item; a slot taken meanwhile (or twice in ids) is skipped. */
static struct store_stmt st_item_wear = {
	"item_wear",
	"UPDATE items i SET worn_slot = v.slot"
	" FROM unnest($2::bigint[], $3::text[]) AS v(id, slot)"
	" WHERE i.id = v.id AND i.carrier_id = $1 AND i.worn_slot IS NULL"
	"  AND NOT EXISTS (SELECT 1 FROM items w WHERE w.carrier_id = $1"
	"   AND w.worn_slot = v.slot)"
	" RETURNING i.id", 3, 0
};

/* Wear ids[i] on slots[i]. */
enum store_rc
store_item_wear(struct store *s, int64_t me, const int64_t *ids,
    const char *const *slots, int n, int64_t *moved, int *nmoved)
{
	char		 mes[24], *arr, *sl;
	const char	*p[3];
	size_t		 o = 0, sz = (size_t)n * 10 + 3;
	enum store_rc	 rc;

	*nmoved = 0;
	if (n <= 0)
		return STORE_OK;
	store_item_id(mes, sizeof mes, me);
	arr = store_item_array(ids, n);
	sl = xmalloc(sz);
	sl[o++] = '{';
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(sl + o, sz - o, "%s%.8s", i ? "," : "",
		    slots[i]);
	sl[o++] = '}';
	sl[o] = '\0';
	p[0] = mes;
	p[1] = arr;
	p[2] = sl;
	rc = store_item_returned(store_exec(s, &st_item_wear, p), moved, n,
	    nmoved);
	free(arr);
	free(sl);
	return rc;
}

static struct store_stmt st_item_unwear = {
	"item_unwear",
	"UPDATE items SET worn_slot = NULL"
	" WHERE id = ANY($2::bigint[]) AND carrier_id = $1"
	" AND worn_slot IS NOT NULL RETURNING id", 2, 0
};

/* Take off worn ids. */
enum store_rc
store_item_unwear(struct store *s, int64_t me, const int64_t *ids, int n,
    int64_t *moved, int *nmoved)
{
	char		 mes[24], *arr;
	const char	*p[2];
	enum store_rc	 rc;

	*nmoved = 0;
	if (n <= 0)
		return STORE_OK;
	store_item_id(mes, sizeof mes, me);
	arr = store_item_array(ids, n);
	p[0] = mes;
	p[1] = arr;
	rc = store_item_returned(store_exec(s, &st_item_unwear, p), moved, n,
	    nmoved);
	free(arr);
	return rc;
}

/* Coin moves, indexed by enum store_item_coins: $1 from, $2 to, $3 n. */
static struct store_stmt st_item_coins[] = {
	{ "coins_room_to_char",
	  "WITH r AS (UPDATE rooms SET coins = coins - $3"
	  "  WHERE id = $1 AND coins >= $3 RETURNING id)"
	  " UPDATE characters c SET coins = c.coins + $3 FROM r"
	  " WHERE c.id = $2 RETURNING c.coins", 3, 0 },
	{ "coins_char_to_room",
	  "WITH c AS (UPDATE characters SET coins = coins - $3"
	  "  WHERE id = $1 AND coins >= $3 RETURNING id)"
	  " UPDATE rooms r SET coins = r.coins + $3 FROM c"
	  " WHERE r.id = $2 RETURNING r.coins", 3, 0 },
	/* The item must still be on the floor ($4) or on the taker. */
	{ "coins_item_to_char",
	  "WITH i AS (UPDATE items SET coins = coins - $3"
	  "  WHERE id = $1 AND coins >= $3"
	  "  AND (room_id = $4 OR carrier_id = $2) RETURNING id)"
	  " UPDATE characters c SET coins = c.coins + $3 FROM i"
	  " WHERE c.id = $2 RETURNING c.coins", 4, 0 },
};

/* Move amount coins; STORE_NONE when the source has fewer. */
enum store_rc
store_item_coins(struct store *s, enum store_item_coins how, int64_t from,
    int64_t to, int32_t room, int64_t amount)
{
	char		 froms[24], tos[24], ns[24], rooms[16];
	const char	*p[] = { froms, tos, ns, rooms };
	PGresult	*res;
	enum store_rc	 rc;

	if (amount <= 0)
		return STORE_NONE;
	store_item_id(froms, sizeof froms, from);
	store_item_id(tos, sizeof tos, to);
	store_item_id(ns, sizeof ns, amount);
	snprintf(rooms, sizeof rooms, "%d", room);
	if ((res = store_exec(s, &st_item_coins[how], p)) == NULL)
		return STORE_ERR;
	rc = PQntuples(res) == 1 ? STORE_OK : STORE_NONE;
	PQclear(res);
	return rc;
}

/* Fill a set from a listing whose columns are slot, name, count, id. */
static enum store_rc
store_item_listing(PGresult *res, struct store_item_set *set)
{
	set->v = NULL;
	set->n = 0;
	if (res == NULL)
		return STORE_ERR;
	set->n = PQntuples(res);
	set->v = set->n > 0 ? xcalloc((size_t)set->n, sizeof *set->v) : NULL;
	for (int i = 0; i < set->n; i++) {
		struct store_item	*it = &set->v[i];

		it->kind = 'i';
		store_get_str(res, i, 0, it->worn_slot, sizeof it->worn_slot);
		store_get_str(res, i, 1, it->name, sizeof it->name);
		it->count = (int32_t)store_get_int(res, i, 2);
		it->id = store_get_int(res, i, 3);
	}
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_item_inventory = {
	"item_inventory",
	"SELECT '', coalesce(i.name, p.name), count(*), min(i.id)"
	" FROM items i JOIN item_protos p ON p.id = i.proto_id"
	" WHERE i.carrier_id = $1 AND i.worn_slot IS NULL"
	" GROUP BY i.proto_id, coalesce(i.name, p.name)"
	" ORDER BY min(i.id)", 1, 0
};

/* A character's inventory, identical things grouped. */
enum store_rc
store_item_inventory(struct store *s, int64_t id, struct store_item_set *set)
{
	char		 ids[24];
	const char	*p[] = { ids };

	store_item_id(ids, sizeof ids, id);
	return store_item_listing(store_exec(s, &st_item_inventory, p), set);
}

static struct store_stmt st_item_equipment = {
	"item_equipment",
	"SELECT i.worn_slot, coalesce(i.name, p.name), 1, i.id"
	" FROM items i JOIN item_protos p ON p.id = i.proto_id"
	" WHERE i.carrier_id = $1 AND i.worn_slot IS NOT NULL"
	" ORDER BY array_position(wear_slots(), i.worn_slot)", 1, 0
};

/* A character's worn and wielded things, in slot order. */
enum store_rc
store_item_equipment(struct store *s, int64_t id, struct store_item_set *set)
{
	char		 ids[24];
	const char	*p[] = { ids };

	store_item_id(ids, sizeof ids, id);
	return store_item_listing(store_exec(s, &st_item_equipment, p), set);
}
