/*
 * rules_shop.h — what shops charge and pay, and when they refuse: plain
 * functions on plain values, unit-tested without a database.  The store
 * (store_shop.c) reads the facts, cmd_shop.c asks these functions for a
 * verdict and words the answer.
 */
#ifndef KEEP_RULES_SHOP_H
#define KEEP_RULES_SHOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "game/rules_item.h"

/* What a shop needs to know about an item a player offers to sell. */
struct shop_offer {
	int64_t		 value;		/* the prototype's value */
	const char	*type;		/* the prototype's type */
	bool		 worn;
	bool		 has_contents;	/* items or coins inside */
};

enum shop_verdict {
	SHOP_OK,
	SHOP_POOR,		/* the buyer lacks the coins */
	SHOP_FULL,		/* the buyer has too many things in hand */
	SHOP_HEAVY,		/* the buyer can carry no more weight */
	SHOP_WORTHLESS,		/* the shop pays nothing for it */
	SHOP_WRONG_TYPE,	/* the shop does not buy that type */
	SHOP_WORN,		/* remove it first */
	SHOP_NOT_EMPTY,		/* empty it first */
	SHOP_KEEPER_POOR,	/* the keeper lacks the coins */
	SHOP_NOT_HURT,		/* nothing to heal */
	SHOP_FIGHTING		/* no healing in a fight */
};

/* What a shop charges for an item of this value: rounded up, at least 1. */
int64_t			shop_buy_price(int64_t value, int buy_percent);
/* What a shop pays for an item of this value: rounded down, at least 0. */
int64_t			shop_sell_offer(int64_t value, int sell_percent);
/*
 * What healing costs: heal_price scaled by the share of hit points missing,
 * rounded up, at least 1 when anything is missing and heal_price > 0.
 */
int64_t			shop_heal_price(int heal_price, int hp, int max_hp);
/* Whether a shop buying the space-separated types buys type ("" = all). */
bool			shop_buys_type(const char *buys_types,
			    const char *type);
/*
 * Whether a buyer with coins and burden (rules_item.h) may buy an item of
 * weight (with its contents) at price.
 */
enum shop_verdict	shop_buy_check(int64_t price, int64_t coins,
			    const struct rules_burden *, int64_t weight);
/*
 * Whether the shop buys the offered item, and for how much (*pay).  The
 * keeper's purse is checked last, so value tells the offer regardless.
 */
enum shop_verdict	shop_sell_check(const struct shop_offer *,
			    int sell_percent, const char *buys_types,
			    int64_t keeper_coins, int64_t *pay);
/* Whether a healer heals this patient, and for how much (*price). */
enum shop_verdict	shop_heal_check(int heal_price, int hp, int max_hp,
			    bool fighting, int64_t coins, int64_t *price);

#endif
