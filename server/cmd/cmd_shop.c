/*
 * cmd_shop.c — shops run by shopkeeper NPCs: list, buy, sell, value, and
 * heal at a healer.  A deal is one transaction: the player and the keeper
 * are locked in id order first (store_shop_lock), then the item moves with
 * a conditional UPDATE and the coins with one UPDATE of both purses, so two
 * buyers racing for the last item queue and exactly one gets it.  Prices
 * and refusals come from rules_shop.c.  Shops never make or destroy coins
 * or items: they only move them between characters.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "db/store_item.h"
#include "db/store_shop.h"
#include "cmd/cmd.h"
#include "cmd/cmd_util.h"
#include "game/rules_shop.h"
#include "game/target.h"
#include "game/text.h"

#define SHOP_LIST_MAX	40
/* list's name column: at least this wide, wider for longer names. */
#define SHOP_NAME_COLS		22
#define SHOP_NAME_COLS_MAX	40

/* A shop found in the actor's room, with its keeper's name capitalised. */
struct shop_here {
	struct store_shop	shop;
	char			keeper[STORE_SHOP_NAME_MAX + 1];
};

/* "s" unless n is 1. */
static const char *
shop_plural(int64_t n)
{
	return n == 1 ? "" : "s";
}

/*
 * Find the shop in the actor's room (a healer when healer).  False with
 * *rc set (and the reason written) when there is none to deal with.
 */
static bool
shop_find(struct cmd_ctx *ctx, bool healer, struct shop_here *h,
    enum tx_rc *rc)
{
	enum store_rc	src;

	*rc = TX_ROLLBACK;
	if ((src = store_shop_find(ctx->store, ctx->me.room_id, healer,
	    &h->shop)) != STORE_OK) {
		*rc = cmd_refuse_rc(ctx, src, "There is no %s here.",
		    healer ? "healer" : "shop");
		return false;
	}
	text_capitalise(h->shop.keeper, h->keeper, sizeof h->keeper);
	if (h->shop.fighting_id != 0) {
		buf_printf(ctx->out, "%s is too busy fighting.\n", h->keeper);
		return false;
	}
	return true;
}

/* Find a trading shop; a healer that only heals says so. */
static bool
shop_find_trader(struct cmd_ctx *ctx, struct shop_here *h, enum tx_rc *rc)
{
	if (!shop_find(ctx, false, h, rc))
		return false;
	if (!h->shop.trades) {
		buf_printf(ctx->out, "%s does not trade; try 'heal'.\n",
		    h->keeper);
		return false;
	}
	return true;
}

/*
 * Lock the actor and the keeper; false with *rc set when the keeper has
 * gone meanwhile.
 */
static bool
shop_lock(struct cmd_ctx *ctx, const struct shop_here *h,
    struct store_shop_party *me, struct store_shop_party *keeper,
    enum tx_rc *rc)
{
	enum store_rc	src;

	src = store_shop_lock(ctx->store, ctx->me.id, h->shop.keeper_id, me,
	    keeper);
	if (src == STORE_OK && keeper->room_id == me->room_id)
		return true;
	/* Locked, but no longer in the actor's room: gone all the same. */
	*rc = cmd_refuse_rc(ctx, src == STORE_OK ? STORE_NONE : src,
	    "%s is no longer here.", h->keeper);
	return false;
}

/* The line list shows for a healer. */
static void
shop_list_healing(struct cmd_ctx *ctx, const struct shop_here *h)
{
	if (h->shop.heal_price > 0)
		buf_printf(ctx->out, "%s will mend your wounds for up to %d "
		    "coin%s ('heal').\n", h->keeper, h->shop.heal_price,
		    shop_plural(h->shop.heal_price));
	else
		buf_printf(ctx->out, "%s will mend your wounds for free "
		    "('heal').\n", h->keeper);
}

/*
 * list: the keeper's wares, by prototype, with count and price; the names
 * make one column, as wide as the longest (within bounds).
 */
enum tx_rc
cmd_list(struct cmd_ctx *ctx, const char *args)
{
	struct shop_here	h;
	struct store_shop_item	wares[SHOP_LIST_MAX];
	enum tx_rc		rc;
	int			n = 0, more = 0, width = SHOP_NAME_COLS;

	(void)args;
	if (!shop_find(ctx, false, &h, &rc))
		return rc;
	if (h.shop.trades && store_shop_wares(ctx->store, h.shop.keeper_id,
	    wares, SHOP_LIST_MAX, &n, &more) != STORE_OK)
		return TX_ERROR;
	if (h.shop.trades && n == 0)
		buf_printf(ctx->out, "%s has nothing for sale right now.\n",
		    h.keeper);
	else if (n > 0)
		buf_printf(ctx->out, "%s sells:\n", h.keeper);
	for (int i = 0; i < n; i++) {
		int	len = (int)strlen(wares[i].name);

		if (len > width)
			width = len < SHOP_NAME_COLS_MAX ? len :
			    SHOP_NAME_COLS_MAX;
	}
	for (int i = 0; i < n; i++) {
		int64_t	price = shop_buy_price(wares[i].value,
			    h.shop.buy_percent);

		buf_printf(ctx->out, "  %-*s x%-2d %5lld coin%s\n", width,
		    wares[i].name, wares[i].count, (long long)price,
		    shop_plural(price));
	}
	if (more > 0)
		buf_printf(ctx->out, "  ... and %d more.\n", more);
	if (h.shop.heals)
		shop_list_healing(ctx, &h);
	return TX_COMMIT;
}

/* Say why there is nothing to buy matching the target. */
static enum tx_rc
shop_not_sold(struct cmd_ctx *ctx, const struct shop_here *h,
    const struct target *t)
{
	char		name[STORE_SHOP_NAME_MAX + 1];
	enum store_rc	rc;

	rc = store_shop_sold_out(ctx->store, h->shop.proto, h->shop.keeper_id,
	    t->words, name, sizeof name);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "%s doesn't sell that.",
		    h->keeper);
	text_capitalise(name, name, sizeof name);
	buf_printf(ctx->out, "%s is sold out.\n", name);
	return TX_ROLLBACK;
}

/*
 * Settle a deal whose item has moved: coins from payer to payee, the room
 * told ("Alice buys a dagger."), the actor answered ("You buy a dagger for
 * 25 coins.").
 */
static enum tx_rc
shop_settle(struct cmd_ctx *ctx, int64_t payer, int64_t payee,
    int64_t coins, const char *verb, const char *what)
{
	char	msg[256];

	if (store_shop_pay(ctx->store, payer, payee, coins) != STORE_OK)
		return TX_ERROR;
	snprintf(msg, sizeof msg, "%s %ss %s.", ctx->me.name, verb, what);
	if (store_notify_room(ctx->store, ctx->me.room_id, ctx->me.id, msg) !=
	    STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "You %s %s for %lld coin%s.\n", verb, what,
	    (long long)coins, shop_plural(coins));
	return TX_COMMIT;
}

/*
 * Parse a target naming one thing; false with the refusal written (and
 * *rc set) otherwise.
 */
static bool
shop_target(struct cmd_ctx *ctx, const char *args, const char *verb,
    struct target *t, enum tx_rc *rc)
{
	char	cap[16];

	*rc = TX_ROLLBACK;
	if (!target_parse(args, t)) {
		text_capitalise(verb, cap, sizeof cap);
		buf_printf(ctx->out, "%s what?\n", cap);
		return false;
	}
	if (t->kind != TARGET_ONE) {
		buf_printf(ctx->out, "You can only %s one thing at a time.\n",
		    verb);
		return false;
	}
	return true;
}

/* Whether the buyer can pay for and carry the ware; says why not. */
static bool
shop_can_buy(struct cmd_ctx *ctx, const struct store_shop_party *me,
    const struct store_shop_item *ware, int64_t price, enum tx_rc *rc)
{
	struct rules_burden	b = { .level = me->level };

	*rc = TX_ROLLBACK;
	if (store_item_burden(ctx->store, me->id, &b.count, &b.weight) !=
	    STORE_OK) {
		*rc = TX_ERROR;
		return false;
	}
	switch (shop_buy_check(price, me->coins, &b, ware->weight)) {
	case SHOP_OK:
		return true;
	case SHOP_FULL:
		buf_add(ctx->out, "You can't carry that many items.\n");
		break;
	case SHOP_HEAVY:
		buf_add(ctx->out, "That is too heavy for you to carry.\n");
		break;
	default:
		buf_printf(ctx->out, "You can't afford %s (%lld coin%s).\n",
		    ware->name, (long long)price, shop_plural(price));
		break;
	}
	return false;
}

/* buy ITEM: one of the keeper's wares for its price. */
enum tx_rc
cmd_buy(struct cmd_ctx *ctx, const char *args)
{
	struct shop_here	h;
	struct target		t;
	struct store_shop_item	ware;
	struct store_shop_party	me, keeper;
	int64_t			price;
	enum tx_rc		rc;
	enum store_rc		src;

	if (!shop_find_trader(ctx, &h, &rc) ||
	    !shop_target(ctx, args, "buy", &t, &rc) ||
	    !shop_lock(ctx, &h, &me, &keeper, &rc))
		return rc;
	if ((src = store_shop_ware(ctx->store, h.shop.keeper_id, t.words,
	    t.nth, &ware)) != STORE_OK)
		return src == STORE_NONE ? shop_not_sold(ctx, &h, &t) :
		    cmd_tx_rc(src);
	price = shop_buy_price(ware.value, h.shop.buy_percent);
	if (!shop_can_buy(ctx, &me, &ware, price, &rc))
		return rc;
	if ((src = store_shop_hand_over(ctx->store, keeper.id, ware.item_id,
	    me.id)) != STORE_OK)
		return src == STORE_NONE ? shop_not_sold(ctx, &h, &t) :
		    cmd_tx_rc(src);
	return shop_settle(ctx, me.id, keeper.id, price, "buy", ware.name);
}

/* Find the item the actor means; false with *rc set if there is none. */
static bool
shop_find_own(struct cmd_ctx *ctx, const char *args, const char *verb,
    struct store_shop_item *it, enum tx_rc *rc)
{
	struct target	t;
	enum store_rc	src;

	if (!shop_target(ctx, args, verb, &t, rc))
		return false;
	if ((src = store_shop_carried(ctx->store, ctx->me.id, t.words, t.nth,
	    it)) == STORE_OK)
		return true;
	*rc = cmd_refuse_rc(ctx, src, "You aren't carrying that.");
	return false;
}

/* Word a refusal of the sell rules; TX_ROLLBACK. */
static enum tx_rc
shop_sell_refused(struct cmd_ctx *ctx, const struct shop_here *h,
    const struct store_shop_item *it, enum shop_verdict v)
{
	switch (v) {
	case SHOP_WRONG_TYPE:
		buf_printf(ctx->out, "%s doesn't deal in that kind of thing.\n",
		    h->keeper);
		break;
	case SHOP_WORN:
		buf_printf(ctx->out, "You'll have to remove %s first.\n",
		    it->name);
		break;
	case SHOP_NOT_EMPTY:
		buf_printf(ctx->out, "You'll have to empty %s first.\n",
		    it->name);
		break;
	case SHOP_KEEPER_POOR:
		buf_printf(ctx->out, "%s can't afford that.\n", h->keeper);
		break;
	default:
		buf_printf(ctx->out, "%s isn't interested in that.\n",
		    h->keeper);
		break;
	}
	return TX_ROLLBACK;
}

/* sell ITEM: hand an item over to the keeper for its offer. */
enum tx_rc
cmd_sell(struct cmd_ctx *ctx, const char *args)
{
	struct shop_here	h;
	struct store_shop_item	it;
	struct store_shop_party	me, keeper;
	struct shop_offer	o;
	enum shop_verdict	v;
	int64_t			pay;
	enum tx_rc		rc;
	enum store_rc		src;

	if (!shop_find_trader(ctx, &h, &rc))
		return rc;
	if (!shop_lock(ctx, &h, &me, &keeper, &rc))
		return rc;
	if (!shop_find_own(ctx, args, "sell", &it, &rc))
		return rc;
	o = (struct shop_offer){ .value = it.value, .type = it.type,
	    .worn = it.worn, .has_contents = it.has_contents };
	v = shop_sell_check(&o, h.shop.sell_percent, h.shop.buys_types,
	    keeper.coins, &pay);
	if (v != SHOP_OK)
		return shop_sell_refused(ctx, &h, &it, v);
	if ((src = store_shop_take_in(ctx->store, me.id, it.item_id,
	    keeper.id)) != STORE_OK)
		return cmd_refuse_rc(ctx, src, "You aren't carrying that.");
	return shop_settle(ctx, keeper.id, me.id, pay, "sell", it.name);
}

/* value ITEM: what the keeper would pay (reads only). */
enum tx_rc
cmd_value(struct cmd_ctx *ctx, const char *args)
{
	struct shop_here	h;
	struct store_shop_item	it;
	struct shop_offer	o;
	enum shop_verdict	v;
	int64_t			pay;
	enum tx_rc		rc;

	if (!shop_find_trader(ctx, &h, &rc))
		return rc;
	if (!shop_find_own(ctx, args, "value", &it, &rc))
		return rc;
	/* Worn, full, or the keeper short of coins: the offer stands. */
	o = (struct shop_offer){ .value = it.value, .type = it.type };
	v = shop_sell_check(&o, h.shop.sell_percent, h.shop.buys_types,
	    INT64_MAX, &pay);
	if (v != SHOP_OK)
		return shop_sell_refused(ctx, &h, &it, v);
	buf_printf(ctx->out, "%s would pay you %lld coin%s for %s.\n",
	    h.keeper, (long long)pay, shop_plural(pay), it.name);
	return TX_COMMIT;
}

/* heal: a healer restores every hit point for a price. */
enum tx_rc
cmd_heal(struct cmd_ctx *ctx, const char *args)
{
	struct shop_here	h;
	struct store_shop_party	me, healer;
	char			msg[256];
	int64_t			price;
	enum tx_rc		rc;

	(void)args;
	if (!shop_find(ctx, true, &h, &rc))
		return rc;
	if (!shop_lock(ctx, &h, &me, &healer, &rc))
		return rc;
	switch (shop_heal_check(h.shop.heal_price, me.hp, me.max_hp,
	    me.fighting_id != 0, me.coins, &price)) {
	case SHOP_OK:
		break;
	case SHOP_FIGHTING:
		buf_add(ctx->out, "Not while you are fighting!\n");
		return TX_ROLLBACK;
	case SHOP_NOT_HURT:
		buf_add(ctx->out, "You are not hurt.\n");
		return TX_ROLLBACK;
	default:
		buf_printf(ctx->out, "You can't afford that. It would cost "
		    "%lld coin%s.\n", (long long)price, shop_plural(price));
		return TX_ROLLBACK;
	}
	if (store_shop_heal(ctx->store, me.id, healer.id, price) != STORE_OK)
		return TX_ERROR;
	snprintf(msg, sizeof msg, "%s lays hands on %s.", h.keeper,
	    ctx->me.name);
	if (store_notify_room(ctx->store, ctx->me.room_id, ctx->me.id, msg) !=
	    STORE_OK)
		return TX_ERROR;
	if (price > 0)
		buf_printf(ctx->out, "%s lays hands on you. You feel much "
		    "better. (%lld coin%s)\n", h.keeper, (long long)price,
		    shop_plural(price));
	else
		buf_printf(ctx->out, "%s lays hands on you. You feel much "
		    "better. (free)\n", h.keeper);
	return TX_COMMIT;
}
