/*
 * store_shop.c — shops: the keeper in a room, its wares, and the moves of
 * a sale.  A deal locks the player and the keeper in id order in one
 * statement first, so every sale of one keeper queues behind the last and
 * sees the stock and purses it left; the item then moves with a
 * conditional UPDATE, and the coins with one UPDATE of both rows, whose
 * CHECK (coins >= 0) is the last guard of every purse.
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_shop.h"

/*
 * Every word of the target ($words, space-separated) begins a keyword of
 * kw (space-separated too).
 */
#define SHOP_MATCH(kw, words) \
	" NOT EXISTS (SELECT 1 FROM unnest(string_to_array(" words ", ' '))" \
	"  w WHERE NOT EXISTS (SELECT 1 FROM" \
	"  unnest(string_to_array(" kw ", ' ')) k WHERE starts_with(k, w)))"

#define SHOP_COLS "c.id, c.name, s.npc_proto, c.coins," \
	" coalesce(c.fighting_id, 0), s.buy_percent, s.sell_percent," \
	" array_to_string(s.buys_types, ' '), s.heals, s.heal_price," \
	" (NOT s.heals OR EXISTS (SELECT 1 FROM shop_stock k" \
	"  WHERE k.npc_proto = s.npc_proto))"

static struct store_stmt st_shop_find = {
	"shop_find",
	"SELECT " SHOP_COLS " FROM characters c"
	" JOIN shops s ON s.npc_proto = c.proto_id"
	" WHERE c.room_id = $1 ORDER BY 11 DESC, c.id LIMIT 1", 1, 0
};

static struct store_stmt st_shop_find_healer = {
	"shop_find_healer",
	"SELECT " SHOP_COLS " FROM characters c"
	" JOIN shops s ON s.npc_proto = c.proto_id"
	" WHERE c.room_id = $1 AND s.heals ORDER BY c.id LIMIT 1", 1, 0
};

/* The shopkeeper in a room, with its shop's terms. */
enum store_rc
store_shop_find(struct store *s, int32_t room, bool healer,
    struct store_shop *sh)
{
	const char	*p[] = { STORE_NUM(room) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	res = store_exec(s, healer ? &st_shop_find_healer : &st_shop_find, p);
	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		memset(sh, 0, sizeof *sh);
		sh->keeper_id = store_get_int(res, 0, 0);
		store_get_str(res, 0, 1, sh->keeper, sizeof sh->keeper);
		store_get_str(res, 0, 2, sh->proto, sizeof sh->proto);
		sh->coins = store_get_int(res, 0, 3);
		sh->fighting_id = store_get_int(res, 0, 4);
		sh->buy_percent = (int32_t)store_get_int(res, 0, 5);
		sh->sell_percent = (int32_t)store_get_int(res, 0, 6);
		store_get_str(res, 0, 7, sh->buys_types,
		    sizeof sh->buys_types);
		sh->heals = store_get_bool(res, 0, 8);
		sh->heal_price = (int32_t)store_get_int(res, 0, 9);
		sh->trades = store_get_bool(res, 0, 10);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/* Fill an item from columns id, proto, name, type, value, count, worn,
 * has_contents, weight of a row. */
static void
store_shop_item_fill(const PGresult *res, int row, struct store_shop_item *it)
{
	memset(it, 0, sizeof *it);
	it->item_id = store_get_int(res, row, 0);
	store_get_str(res, row, 1, it->proto, sizeof it->proto);
	store_get_str(res, row, 2, it->name, sizeof it->name);
	store_get_str(res, row, 3, it->type, sizeof it->type);
	it->value = store_get_int(res, row, 4);
	it->count = (int32_t)store_get_int(res, row, 5);
	it->worn = store_get_bool(res, row, 6);
	it->has_contents = store_get_bool(res, row, 7);
	it->weight = store_get_int(res, row, 8);
}

#define SHOP_WARE_COLS "min(i.id), p.id, p.name, p.type, p.value," \
	" count(*), false, false"

static struct store_stmt st_shop_wares = {
	"shop_wares",
	"SELECT " SHOP_WARE_COLS ", 0, count(*) OVER ()"
	" FROM items i JOIN item_protos p ON p.id = i.proto_id"
	" WHERE i.carrier_id = $1 AND i.worn_slot IS NULL"
	" GROUP BY p.id ORDER BY p.value, p.name, p.id LIMIT $2", 2, 0
};

/* A keeper's wares grouped by prototype, cheapest first, in one query. */
enum store_rc
store_shop_wares(struct store *s, int64_t keeper, struct store_shop_item *out,
    int max, int *n, int *more)
{
	const char	*p[] = { STORE_NUM(keeper), STORE_NUM(max) };
	PGresult	*res;

	*n = 0;
	*more = 0;
	if ((res = store_exec(s, &st_shop_wares, p)) == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res) && i < max; i++)
		store_shop_item_fill(res, i, &out[(*n)++]);
	if (PQntuples(res) > 0)
		*more = (int)store_get_int(res, 0, 9) - *n;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_shop_ware = {
	"shop_ware",
	"SELECT " SHOP_WARE_COLS ", item_weight(min(i.id))"
	" FROM items i JOIN item_protos p ON p.id = i.proto_id"
	" WHERE i.carrier_id = $1 AND i.worn_slot IS NULL AND"
	SHOP_MATCH("coalesce(i.keywords, p.keywords)", "$2")
	" GROUP BY p.id ORDER BY p.value, p.name, p.id"
	" OFFSET $3 LIMIT 1", 3, 0
};

/* Run a one-item query with (owner, words, nth). */
static enum store_rc
store_shop_one(struct store *s, struct store_stmt *st, int64_t owner,
    const char *words, int nth, struct store_shop_item *it)
{
	const char	*p[] = { STORE_NUM(owner), words,
			    STORE_NUM(nth > 1 ? nth - 1 : 0) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, st, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		store_shop_item_fill(res, 0, it);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/* The nth ware (in list order) matching words. */
enum store_rc
store_shop_ware(struct store *s, int64_t keeper, const char *words, int nth,
    struct store_shop_item *it)
{
	return store_shop_one(s, &st_shop_ware, keeper, words, nth, it);
}

static struct store_stmt st_shop_sold_out = {
	"shop_sold_out",
	"SELECT p.name FROM shop_stock k JOIN item_protos p"
	"  ON p.id = k.item_proto"
	" WHERE k.npc_proto = $1 AND" SHOP_MATCH("p.keywords", "$2")
	"  AND NOT EXISTS (SELECT 1 FROM items i WHERE i.carrier_id = $3"
	"  AND i.proto_id = p.id AND i.worn_slot IS NULL)"
	" ORDER BY p.value, p.name, p.id LIMIT 1", 3, 0
};

/* The name of a stocked prototype matching words that the keeper lacks. */
enum store_rc
store_shop_sold_out(struct store *s, const char *shop_proto, int64_t keeper,
    const char *words, char *name, size_t namesz)
{
	const char	*p[] = { shop_proto, words, STORE_NUM(keeper) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_shop_sold_out, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		store_get_str(res, 0, 0, name, namesz);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_shop_carried = {
	"shop_carried",
	"SELECT i.id, p.id, coalesce(i.name, p.name), p.type, p.value, 1,"
	"  i.worn_slot IS NOT NULL, (i.coins > 0 OR EXISTS (SELECT 1"
	"  FROM items x WHERE x.container_id = i.id)), item_weight(i.id)"
	" FROM items i JOIN item_protos p ON p.id = i.proto_id"
	" WHERE i.carrier_id = $1 AND"
	SHOP_MATCH("coalesce(i.keywords, p.keywords)", "$2")
	" ORDER BY i.worn_slot IS NOT NULL, i.id OFFSET $3 LIMIT 1", 3, 0
};

/* The nth item a character carries matching words. */
enum store_rc
store_shop_carried(struct store *s, int64_t owner, const char *words,
    int nth, struct store_shop_item *it)
{
	return store_shop_one(s, &st_shop_carried, owner, words, nth, it);
}

/*
 * Both rows are locked in one statement, in id order, as char_lock_pair
 * does, so deals and gifts between the same two queue instead of
 * deadlocking.
 */
static struct store_stmt st_shop_lock = {
	"shop_lock",
	"SELECT id, coins, room_id, char_hp(hp, max_hp, hp_at, fighting_id),"
	"  max_hp, coalesce(fighting_id, 0), level"
	" FROM characters WHERE id = $1 OR id = $2"
	" ORDER BY id FOR UPDATE", 2, 0
};

/* Lock a player and a keeper in id order and read both. */
enum store_rc
store_shop_lock(struct store *s, int64_t player, int64_t keeper,
    struct store_shop_party *pl, struct store_shop_party *kp)
{
	const char	*p[] = { STORE_NUM(player), STORE_NUM(keeper) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_shop_lock, p)) == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res) && PQntuples(res) == 2; i++) {
		struct store_shop_party	*x;

		x = store_get_int(res, i, 0) == player ? pl : kp;
		x->id = store_get_int(res, i, 0);
		x->coins = store_get_int(res, i, 1);
		x->room_id = (int32_t)store_get_int(res, i, 2);
		x->hp = (int32_t)store_get_int(res, i, 3);
		x->max_hp = (int32_t)store_get_int(res, i, 4);
		x->fighting_id = store_get_int(res, i, 5);
		x->level = (int32_t)store_get_int(res, i, 6);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_shop_hand_over = {
	"shop_hand_over",
	"UPDATE items SET carrier_id = $3"
	" WHERE id = $2 AND carrier_id = $1 AND worn_slot IS NULL", 3, 0
};

/* Move an item from the keeper's inventory to the buyer's. */
enum store_rc
store_shop_hand_over(struct store *s, int64_t keeper, int64_t item,
    int64_t buyer)
{
	const char	*p[] = { STORE_NUM(keeper), STORE_NUM(item),
			    STORE_NUM(buyer) };

	return store_exec_changed(s, &st_shop_hand_over, p);
}

static struct store_stmt st_shop_take_in = {
	"shop_take_in",
	"UPDATE items SET carrier_id = $3"
	" WHERE id = $2 AND carrier_id = $1 AND worn_slot IS NULL"
	"  AND coins = 0 AND NOT EXISTS (SELECT 1 FROM items x"
	"  WHERE x.container_id = $2)", 3, 0
};

/* Move an item from the seller's inventory to the keeper's. */
enum store_rc
store_shop_take_in(struct store *s, int64_t seller, int64_t item,
    int64_t keeper)
{
	const char	*p[] = { STORE_NUM(seller), STORE_NUM(item),
			    STORE_NUM(keeper) };

	return store_exec_changed(s, &st_shop_take_in, p);
}

/* Run a two-row update of (from, to, amount); STORE_NONE unless both. */
static enum store_rc
store_shop_pair_update(struct store *s, struct store_stmt *st, int64_t from,
    int64_t to, int64_t amount)
{
	const char	*p[] = { STORE_NUM(from), STORE_NUM(to),
			    STORE_NUM(amount) };
	PGresult	*res;
	enum store_rc	 rc;

	if ((res = store_exec(s, st, p)) == NULL)
		return STORE_ERR;
	rc = strcmp(PQcmdTuples(res), "2") == 0 ? STORE_OK : STORE_NONE;
	PQclear(res);
	return rc;
}

/* Both characters exist (and are two): a coin never moves one way only. */
#define SHOP_BOTH "(SELECT count(*) FROM characters" \
	" WHERE id = $1 OR id = $2) = 2"

static struct store_stmt st_shop_pay = {
	"shop_pay",
	"UPDATE characters SET coins = coins +"
	"  CASE WHEN id = $1 THEN -$3::bigint ELSE $3::bigint END"
	" WHERE (id = $1 OR id = $2) AND " SHOP_BOTH, 3, 0
};

/* Move amount coins from one locked character to another. */
enum store_rc
store_shop_pay(struct store *s, int64_t from, int64_t to, int64_t amount)
{
	return store_shop_pair_update(s, &st_shop_pay, from, to, amount);
}

static struct store_stmt st_shop_heal = {
	"shop_heal",
	"UPDATE characters SET coins = coins +"
	"  CASE WHEN id = $1 THEN -$3::bigint ELSE $3::bigint END,"
	"  hp = CASE WHEN id = $1 THEN max_hp ELSE hp END,"
	"  hp_at = CASE WHEN id = $1 THEN now() ELSE hp_at END"
	" WHERE (id = $1 OR id = $2) AND " SHOP_BOTH, 3, 0
};

/* Move price coins from patient to healer and restore the patient's hp. */
enum store_rc
store_shop_heal(struct store *s, int64_t patient, int64_t healer,
    int64_t price)
{
	return store_shop_pair_update(s, &st_shop_heal, patient, healer,
	    price);
}
