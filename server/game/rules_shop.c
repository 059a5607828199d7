/*
 * rules_shop.c — shop prices and refusals, as pure functions.
 *
 * Values are clamped to SHOP_VALUE_MAX first so that value * percent can
 * not overflow 64 bits whatever the database holds (the schema allows
 * values up to 10^8 and percentages up to 1000).
 */
#include <string.h>

#include "game/rules_shop.h"

#define SHOP_VALUE_MAX	1000000000000LL	/* 10^12: * 10^6 still fits */
#define SHOP_PERCENT_MAX	1000000

/* What a shop charges for an item of this value: rounded up, at least 1. */
int64_t
shop_buy_price(int64_t value, int buy_percent)
{
	int64_t	p;

	if (value < 0)
		value = 0;
	if (value > SHOP_VALUE_MAX)
		value = SHOP_VALUE_MAX;
	if (buy_percent < 0)
		buy_percent = 0;
	if (buy_percent > SHOP_PERCENT_MAX)
		buy_percent = SHOP_PERCENT_MAX;
	p = (value * buy_percent + 99) / 100;
	return p < 1 ? 1 : p;
}

/* What a shop pays for an item of this value: rounded down, at least 0. */
int64_t
shop_sell_offer(int64_t value, int sell_percent)
{
	if (value <= 0 || sell_percent <= 0)
		return 0;
	if (value > SHOP_VALUE_MAX)
		value = SHOP_VALUE_MAX;
	if (sell_percent > SHOP_PERCENT_MAX)
		sell_percent = SHOP_PERCENT_MAX;
	return value * sell_percent / 100;
}

/* What healing costs: heal_price scaled by the hit points missing. */
int64_t
shop_heal_price(int heal_price, int hp, int max_hp)
{
	int64_t	missing, p;

	if (max_hp <= 0 || hp >= max_hp || heal_price <= 0)
		return 0;
	if (hp < 0)
		hp = 0;
	/* Both factors are below 2^31, so the product fits. */
	missing = (int64_t)max_hp - hp;
	p = (missing * heal_price + max_hp - 1) / max_hp;
	return p < 1 ? 1 : p;
}

/* Whether a shop buying the space-separated types buys type. */
bool
shop_buys_type(const char *buys_types, const char *type)
{
	size_t		 tlen = strlen(type);
	const char	*p = buys_types;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return true;
	while (*p != '\0') {
		size_t	n = strcspn(p, " ");

		if (n == tlen && n > 0 && strncmp(p, type, n) == 0)
			return true;
		p += n;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* Whether a buyer may buy an item of weight at price. */
enum shop_verdict
shop_buy_check(int64_t price, int64_t coins, const struct rules_burden *b,
    int64_t weight)
{
	if (coins < price)
		return SHOP_POOR;
	switch (rules_item_can_carry(b, 1, weight)) {
	case RULES_CARRY_COUNT:
		return SHOP_FULL;
	case RULES_CARRY_WEIGHT:
		return SHOP_HEAVY;
	default:
		return SHOP_OK;
	}
}

/* Whether the shop buys the offered item, and for how much. */
enum shop_verdict
shop_sell_check(const struct shop_offer *o, int sell_percent,
    const char *buys_types, int64_t keeper_coins, int64_t *pay)
{
	*pay = shop_sell_offer(o->value, sell_percent);
	if (!shop_buys_type(buys_types, o->type))
		return SHOP_WRONG_TYPE;
	if (*pay <= 0)
		return SHOP_WORTHLESS;
	if (o->worn)
		return SHOP_WORN;
	if (o->has_contents)
		return SHOP_NOT_EMPTY;
	if (keeper_coins < *pay)
		return SHOP_KEEPER_POOR;
	return SHOP_OK;
}

/* Whether a healer heals this patient, and for how much. */
enum shop_verdict
shop_heal_check(int heal_price, int hp, int max_hp, bool fighting,
    int64_t coins, int64_t *price)
{
	*price = shop_heal_price(heal_price, hp, max_hp);
	if (fighting)
		return SHOP_FIGHTING;
	if (hp >= max_hp)
		return SHOP_NOT_HURT;
	if (coins < *price)
		return SHOP_POOR;
	return SHOP_OK;
}
