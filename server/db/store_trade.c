/*
 * store_trade.c — the trade tables: asking, joining, offers, acceptances,
 * and the swap that moves everything or nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_trade.h"
#include "ops/buf.h"
#include "ops/util.h"

/* Whether offer o's item i is still where it was offered from. */
#define TRADE_THERE "coalesce(i.carrier_id = o.char_id, false)" \
	" AND i.worn_slot IS NULL AND i.coins = 0" \
	" AND NOT EXISTS (SELECT 1 FROM items x WHERE x.container_id = i.id)"

/* Free a trade's offers. */
void
store_trade_free(struct store_trade *t)
{
	free(t->offers);
	t->offers = NULL;
	t->noffers = 0;
}

/* The one id a statement returns (STORE_NONE: no row). */
static enum store_rc
store_trade_id(struct store *s, struct store_stmt *st, const char **p,
    int64_t *id)
{
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, st, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		*id = store_get_int(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_trade_of = {
	"trade_of",
	"SELECT trade_id FROM trade_sides WHERE char_id = $1", 1, 0
};

/* The id of the trade me takes part in. */
enum store_rc
store_trade_of(struct store *s, int64_t me, int64_t *id)
{
	const char	*p[] = { STORE_NUM(me) };

	return store_trade_id(s, &st_trade_of, p, id);
}

static struct store_stmt st_trade_asked_by = {
	"trade_asked_by",
	"SELECT id FROM trades WHERE asker_id = $1 AND asked_id = $2"
	" AND opened_at IS NULL AND room_id = $3", 3, 0
};

/* The trade asker asked of asked in room, not yet opened. */
enum store_rc
store_trade_asked_by(struct store *s, int64_t asker, int64_t asked,
    int32_t room, int64_t *id)
{
	const char	*p[] = { STORE_NUM(asker), STORE_NUM(asked),
			    STORE_NUM(room) };

	return store_trade_id(s, &st_trade_asked_by, p, id);
}

static struct store_stmt st_trade_lock = {
	"trade_lock",
	"SELECT room_id, asker_id, asked_id, opened_at IS NOT NULL"
	" FROM trades WHERE id = $1 FOR UPDATE", 1, 0
};

/* Both characters of a trade, with their sides if they have joined. */
static struct store_stmt st_trade_people = {
	"trade_people",
	"SELECT c.id, c.name, c.room_id, c.session_instance IS NOT NULL,"
	" c.coins, s.char_id IS NOT NULL, coalesce(s.coins, 0),"
	" coalesce(s.accepted, false), c.level"
	" FROM characters c LEFT JOIN trade_sides s"
	"  ON s.char_id = c.id AND s.trade_id = $1"
	" WHERE c.id IN ($2, $3)", 3, 0
};

static struct store_stmt st_trade_offers = {
	"trade_offers",
	"SELECT o.item_id, o.char_id, coalesce(i.name, p.name),"
	" coalesce(i.keywords, p.keywords), " TRADE_THERE ", item_weight(i.id)"
	" FROM trade_offers o JOIN items i ON i.id = o.item_id"
	" JOIN item_protos p ON p.id = i.proto_id"
	" WHERE o.trade_id = $1 ORDER BY o.created_at, o.item_id", 1, 0
};

/* Read both sides of trade t (ids known) into t->side. */
static enum store_rc
store_trade_people(struct store *s, struct store_trade *t, int64_t other)
{
	const char	*p[] = { STORE_NUM(t->id), STORE_NUM(t->side[0].id),
			    STORE_NUM(other) };
	PGresult	*res;

	if ((res = store_exec(s, &st_trade_people, p)) == NULL)
		return STORE_ERR;
	t->side[1].id = other;
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t			 id = store_get_int(res, i, 0);
		struct store_trade_side	*sd = &t->side[id == other ? 1 : 0];

		sd->id = id;
		store_get_str(res, i, 1, sd->name, sizeof sd->name);
		sd->room_id = (int32_t)store_get_int(res, i, 2);
		sd->online = store_get_bool(res, i, 3);
		sd->purse = store_get_int(res, i, 4);
		sd->joined = store_get_bool(res, i, 5);
		sd->coins = store_get_int(res, i, 6);
		sd->accepted = store_get_bool(res, i, 7);
		sd->level = (int32_t)store_get_int(res, i, 8);
	}
	PQclear(res);
	return STORE_OK;
}

/* Read the offers of trade t. */
static enum store_rc
store_trade_offers(struct store *s, struct store_trade *t)
{
	const char	*p[] = { STORE_NUM(t->id) };
	PGresult	*res;

	store_trade_free(t);
	if ((res = store_exec(s, &st_trade_offers, p)) == NULL)
		return STORE_ERR;
	t->noffers = PQntuples(res);
	t->offers = xcalloc((size_t)t->noffers + 1, sizeof *t->offers);
	for (int i = 0; i < t->noffers; i++) {
		struct store_trade_offer	*o = &t->offers[i];

		o->item_id = store_get_int(res, i, 0);
		o->char_id = store_get_int(res, i, 1);
		store_get_str(res, i, 2, o->name, sizeof o->name);
		store_get_str(res, i, 3, o->keywords, sizeof o->keywords);
		o->there = store_get_bool(res, i, 4);
		o->weight = store_get_int(res, i, 5);
	}
	PQclear(res);
	return STORE_OK;
}

/* Lock trade id and read it as me sees it. */
enum store_rc
store_trade_lock(struct store *s, int64_t id, int64_t me,
    struct store_trade *t)
{
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;
	int64_t		 asker, asked;

	memset(t, 0, sizeof *t);
	if ((res = store_exec(s, &st_trade_lock, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return STORE_NONE;
	}
	t->id = id;
	t->room_id = (int32_t)store_get_int(res, 0, 0);
	asker = store_get_int(res, 0, 1);
	asked = store_get_int(res, 0, 2);
	t->open = store_get_bool(res, 0, 3);
	PQclear(res);
	if (me != asker && me != asked)
		return STORE_NONE;
	t->asker_id = asker;
	t->side[0].id = me;
	if (store_trade_people(s, t, me == asker ? asked : asker) != STORE_OK ||
	    store_trade_offers(s, t) != STORE_OK)
		return STORE_ERR;
	return STORE_OK;
}

static struct store_stmt st_trade_lock_pair = {
	"trade_lock_pair",
	"SELECT id FROM characters WHERE id IN ($1, $2) ORDER BY id"
	" FOR UPDATE", 2, 0
};

/* Lock two characters in id order. */
enum store_rc
store_trade_lock_pair(struct store *s, int64_t a, int64_t b)
{
	const char	*p[] = { STORE_NUM(a), STORE_NUM(b) };
	PGresult	*res;

	if ((res = store_exec(s, &st_trade_lock_pair, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_trade_lock_items = {
	"trade_lock_items",
	"SELECT id FROM items WHERE id IN (SELECT item_id FROM trade_offers"
	" WHERE trade_id = $1) ORDER BY id FOR UPDATE", 1, 0
};

/*
 * Lock both characters, then the offered items, in id order, and read the
 * trade again: each statement after the locks sees every change committed
 * before them (READ COMMITTED), and nobody can change those rows now.
 */
enum store_rc
store_trade_lock_goods(struct store *s, struct store_trade *t)
{
	const char	*p[] = { STORE_NUM(t->id) };
	PGresult	*res;

	if (store_trade_lock_pair(s, t->side[0].id, t->side[1].id) !=
	    STORE_OK)
		return STORE_ERR;
	if ((res = store_exec(s, &st_trade_lock_items, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	if (store_trade_people(s, t, t->side[1].id) != STORE_OK ||
	    store_trade_offers(s, t) != STORE_OK)
		return STORE_ERR;
	return STORE_OK;
}

static struct store_stmt st_trade_ask = {
	"trade_ask",
	"WITH t AS (INSERT INTO trades (asker_id, asked_id, room_id)"
	"  VALUES ($1, $2, $3) RETURNING id)"
	" INSERT INTO trade_sides (char_id, trade_id) SELECT $1, id FROM t"
	" ON CONFLICT (char_id) DO NOTHING RETURNING trade_id", 3, 0
};

/* Ask them to trade: a trade and my side. */
enum store_rc
store_trade_ask(struct store *s, int64_t me, int64_t them, int32_t room,
    int64_t *id)
{
	const char	*p[] = { STORE_NUM(me), STORE_NUM(them),
			    STORE_NUM(room) };

	return store_trade_id(s, &st_trade_ask, p, id);
}

static struct store_stmt st_trade_join = {
	"trade_join",
	"WITH t AS (UPDATE trades SET opened_at = now() WHERE id = $1"
	"  AND asked_id = $2 AND opened_at IS NULL RETURNING id)"
	" INSERT INTO trade_sides (char_id, trade_id) SELECT $2, id FROM t"
	" ON CONFLICT (char_id) DO NOTHING RETURNING trade_id", 2, 0
};

/* The asked one agrees. */
enum store_rc
store_trade_join(struct store *s, int64_t id, int64_t me)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(me) };
	int64_t		 got;

	return store_trade_id(s, &st_trade_join, p, &got);
}

static struct store_stmt st_trade_close = {
	"trade_close",
	"DELETE FROM trades WHERE id = $1", 1, 0
};

/* Delete a trade, its sides and offers. */
enum store_rc
store_trade_close(struct store *s, int64_t id)
{
	const char	*p[] = { STORE_NUM(id) };

	return store_exec_changed(s, &st_trade_close, p);
}

static struct store_stmt st_trade_leave = {
	"trade_leave",
	"DELETE FROM trades WHERE asker_id = $1 OR asked_id = $1"
	" RETURNING CASE WHEN asker_id = $1 THEN asked_id ELSE asker_id END",
	1, 0
};

/* Delete every trade me is part of; the others into others. */
enum store_rc
store_trade_leave(struct store *s, int64_t me, int64_t *others, int max,
    int *n)
{
	const char	*p[] = { STORE_NUM(me) };
	PGresult	*res;

	*n = 0;
	if ((res = store_exec(s, &st_trade_leave, p)) == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res) && *n < max; i++)
		others[(*n)++] = store_get_int(res, i, 0);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_trade_offer = {
	"trade_offer",
	"INSERT INTO trade_offers (item_id, trade_id, char_id)"
	" VALUES ($3, $1, $2) ON CONFLICT (item_id) DO NOTHING", 3, 0
};

/* Offer an item. */
enum store_rc
store_trade_offer(struct store *s, int64_t id, int64_t me, int64_t item)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(me),
			    STORE_NUM(item) };

	return store_exec_changed(s, &st_trade_offer, p);
}

static struct store_stmt st_trade_withdraw = {
	"trade_withdraw",
	"DELETE FROM trade_offers WHERE char_id = $1"
	" AND ($2::bigint[] IS NULL OR item_id = ANY($2::bigint[]))", 2, 0
};

/* Withdraw me's offers of the listed items (NULL: all). */
enum store_rc
store_trade_withdraw(struct store *s, int64_t me, const int64_t *items,
    int n)
{
	struct buf	 a = { 0 };
	const char	*p[] = { STORE_NUM(me), NULL };
	enum store_rc	 rc;

	if (items != NULL) {
		store_arr_open(&a);
		for (int i = 0; i < n; i++)
			store_arr_num(&a, items[i]);
		p[1] = store_arr_close(&a);
	}
	rc = store_exec_changed(s, &st_trade_withdraw, p);
	buf_free(&a);
	return rc;
}

static struct store_stmt st_trade_coins = {
	"trade_coins",
	"UPDATE trade_sides SET coins = $2 WHERE char_id = $1", 2, 0
};

/* Set the coins me offers. */
enum store_rc
store_trade_coins(struct store *s, int64_t me, int64_t coins)
{
	const char	*p[] = { STORE_NUM(me), STORE_NUM(coins) };

	return store_exec_changed(s, &st_trade_coins, p);
}

static struct store_stmt st_trade_accept = {
	"trade_accept",
	"UPDATE trade_sides SET accepted = $2 WHERE char_id = $1", 2, 0
};

/* Set whether me accepts. */
enum store_rc
store_trade_accept(struct store *s, int64_t me, bool accepted)
{
	const char	*p[] = { STORE_NUM(me), accepted ? "true" : "false" };

	return store_exec_changed(s, &st_trade_accept, p);
}

/* Withdrawing a stale offer clears the acceptances too (the trigger). */
static struct store_stmt st_trade_refuse = {
	"trade_refuse",
	"WITH gone AS (DELETE FROM trade_offers o USING items i"
	"  WHERE o.trade_id = $1 AND i.id = o.item_id AND NOT (" TRADE_THERE ")"
	"  RETURNING o.item_id)"
	" UPDATE trade_sides SET accepted = false WHERE trade_id = $1"
	"  AND accepted", 1, 0
};

/* Clear both acceptances and withdraw offers no longer there. */
enum store_rc
store_trade_refuse(struct store *s, int64_t id)
{
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;

	if ((res = store_exec(s, &st_trade_refuse, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

/* Every offered item to the other side, if still on its offerer. */
static struct store_stmt st_trade_swap_items = {
	"trade_swap_items",
	"UPDATE items i SET carrier_id = CASE o.char_id WHEN $2 THEN $3"
	"  ELSE $2 END"
	" FROM trade_offers o WHERE o.trade_id = $1 AND i.id = o.item_id"
	"  AND o.char_id IN ($2, $3) AND " TRADE_THERE
	" RETURNING i.id", 3, 0
};

/* Both coin offers at once: each purse loses its offer, gains the other. */
static struct store_stmt st_trade_swap_coins = {
	"trade_swap_coins",
	"UPDATE characters c SET coins = c.coins - s.coins + o.coins"
	" FROM trade_sides s JOIN trade_sides o ON o.trade_id = s.trade_id"
	"  AND o.char_id <> s.char_id"
	" WHERE s.trade_id = $1 AND c.id = s.char_id AND c.coins >= s.coins"
	" RETURNING c.id", 1, 0
};

/* The swap: everything, or STORE_NONE and the caller rolls back. */
enum store_rc
store_trade_swap(struct store *s, const struct store_trade *t)
{
	const char	*p[] = { STORE_NUM(t->id), STORE_NUM(t->side[0].id),
			    STORE_NUM(t->side[1].id) };
	PGresult	*res;
	int		 n;

	if ((res = store_exec(s, &st_trade_swap_items, p)) == NULL)
		return STORE_ERR;
	n = PQntuples(res);
	PQclear(res);
	if (n != t->noffers)
		return STORE_NONE;
	if ((res = store_exec(s, &st_trade_swap_coins, p)) == NULL)
		return STORE_ERR;
	n = PQntuples(res);
	PQclear(res);
	if (n != 2)
		return STORE_NONE;
	return store_trade_close(s, t->id);
}
