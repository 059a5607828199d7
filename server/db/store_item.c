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
#include "ops/buf.h"
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

/* An empty batch with room for max ids. */
void
store_item_batch_init(struct store_item_batch *b, int max)
{
	b->ids = xcalloc((size_t)max + 1, sizeof *b->ids);
	b->slots = xcalloc((size_t)max + 1, sizeof *b->slots);
	b->moved = xcalloc((size_t)max + 1, sizeof *b->moved);
	b->n = b->nmoved = 0;
	b->max = max;
}

/* Ask for id to move (slot: where to wear it, or NULL). */
void
store_item_batch_add(struct store_item_batch *b, int64_t id,
    const char *slot)
{
	if (b->n >= b->max)
		return;
	b->ids[b->n] = id;
	b->slots[b->n++] = slot;
}

/* Whether id is among the moved. */
bool
store_item_batch_moved(const struct store_item_batch *b, int64_t id)
{
	for (int i = 0; i < b->nmoved; i++) {
		if (b->moved[i] == id)
			return true;
	}
	return false;
}

/* Free a batch's arrays. */
void
store_item_batch_free(struct store_item_batch *b)
{
	free(b->ids);
	free(b->slots);
	free(b->moved);
	memset(b, 0, sizeof *b);
}

/* The batch's ids as an array parameter, in a; returns its text. */
static const char *
store_item_ids(struct buf *a, const struct store_item_batch *b)
{
	store_arr_open(a);
	for (int i = 0; i < b->n; i++)
		store_arr_num(a, b->ids[i]);
	return store_arr_close(a);
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
	const char	*p[] = { STORE_NUM(room), STORE_NUM(me),
			    STORE_NUM(scope) };
	PGresult	*res;

	set->v = NULL;
	set->n = 0;
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
	const char	*p[] = { STORE_NUM(id), STORE_NUM(room) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

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
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;

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
	const char	*p[] = { STORE_NUM(id), STORE_NUM(room),
			    STORE_NUM(me) };
	PGresult	*res;
	enum store_rc	 rc;

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
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;

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

/*
 * Run a moving statement with parameters p, whose p[at] is set here to the
 * batch's ids, and collect the ids it returned into the batch.
 */
static enum store_rc
store_item_batch_run(struct store *s, struct store_stmt *st,
    struct store_item_batch *b, const char **p, int at)
{
	struct buf	 a = { 0 };
	PGresult	*res;

	b->nmoved = 0;
	if (b->n <= 0)
		return STORE_OK;
	p[at] = store_item_ids(&a, b);
	res = store_exec(s, st, p);
	buf_free(&a);
	if (res == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res) && i < b->n; i++)
		b->moved[b->nmoved++] = store_get_int(res, i, 0);
	PQclear(res);
	return STORE_OK;
}

/* Move the batch's items that are still where the move takes them from. */
enum store_rc
store_item_move(struct store *s, enum store_item_move how,
    struct store_item_batch *b, int64_t from, int64_t to, int32_t room)
{
	const char	*p[] = { NULL, STORE_NUM(from), STORE_NUM(to),
			    STORE_NUM(room) };

	return store_item_batch_run(s, &st_item_moves[how], b, p, 0);
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

/* Wear each of the batch's ids on its slot. */
enum store_rc
store_item_wear(struct store *s, int64_t me, struct store_item_batch *b)
{
	struct buf	 sl = { 0 };
	const char	*p[] = { STORE_NUM(me), NULL, NULL };
	enum store_rc	 rc;

	store_arr_open(&sl);
	for (int i = 0; i < b->n; i++)
		store_arr_text(&sl, b->slots[i]);
	p[2] = store_arr_close(&sl);
	rc = store_item_batch_run(s, &st_item_wear, b, p, 1);
	buf_free(&sl);
	return rc;
}

static struct store_stmt st_item_unwear = {
	"item_unwear",
	"UPDATE items SET worn_slot = NULL"
	" WHERE id = ANY($2::bigint[]) AND carrier_id = $1"
	" AND worn_slot IS NOT NULL RETURNING id", 2, 0
};

/* Take off the batch's worn ids. */
enum store_rc
store_item_unwear(struct store *s, int64_t me, struct store_item_batch *b)
{
	const char	*p[] = { STORE_NUM(me), NULL };

	return store_item_batch_run(s, &st_item_unwear, b, p, 1);
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
	const char	*p[] = { STORE_NUM(from), STORE_NUM(to),
			    STORE_NUM(amount), STORE_NUM(room) };
	PGresult	*res;
	enum store_rc	 rc;

	if (amount <= 0)
		return STORE_NONE;
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
	const char	*p[] = { STORE_NUM(id) };

	return store_item_listing(store_exec(s, &st_item_inventory, p), set);
}

/* Send store_item_inventory's statement early, with BEGIN. */
void
store_item_inventory_spec(struct store *s, int64_t id)
{
	const char	*p[] = { STORE_NUM(id) };

	store_exec_spec(s, &st_item_inventory, p, false);
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
	const char	*p[] = { STORE_NUM(id) };

	return store_item_listing(store_exec(s, &st_item_equipment, p), set);
}

/* Send store_item_equipment's statement early, with BEGIN. */
void
store_item_equipment_spec(struct store *s, int64_t id)
{
	const char	*p[] = { STORE_NUM(id) };

	store_exec_spec(s, &st_item_equipment, p, false);
}
