/*
 * test_rules_shop.c — the shop rules (server/game/rules_shop.c): buying and
 * selling prices, healing, what a shop buys and sells.  Pure functions: no
 * database.
 */
#include <stdint.h>
#include <string.h>

#include "game/rules_item.h"
#include "game/rules_shop.h"
#include "game/text.h"
#include "keep_test.h"

/* Buying rounds up and costs at least 1; selling rounds down. */
START_TEST(test_rules_prices)
{
	ck_assert_int_eq(shop_buy_price(100, 120), 120);
	ck_assert_int_eq(shop_buy_price(3, 120), 4);		/* 3.6 */
	ck_assert_int_eq(shop_buy_price(10, 150), 15);
	ck_assert_int_eq(shop_buy_price(1, 100), 1);
	ck_assert_int_eq(shop_buy_price(0, 500), 1);
	ck_assert_int_eq(shop_buy_price(100000000, 1000), 1000000000);
	ck_assert_int_eq(shop_sell_offer(10, 50), 5);
	ck_assert_int_eq(shop_sell_offer(3, 50), 1);		/* 1.5 */
	ck_assert_int_eq(shop_sell_offer(1, 50), 0);
	ck_assert_int_eq(shop_sell_offer(0, 100), 0);
	ck_assert_int_eq(shop_sell_offer(100, 100), 100);
	ck_assert_int_eq(shop_sell_offer(-5, 50), 0);
	ck_assert_int_eq(shop_sell_offer(100000000, 100), 100000000);
	/* A shop never pays more than it charges. */
	for (int v = 0; v < 500; v += 7)
		ck_assert(shop_sell_offer(v, 100) <= shop_buy_price(v, 100));
}
END_TEST

/* Healing scales with the share of hit points missing, rounding up. */
START_TEST(test_rules_heal)
{
	int64_t	price;

	ck_assert_int_eq(shop_heal_price(20, 10, 20), 10);
	ck_assert_int_eq(shop_heal_price(20, 0, 20), 20);
	ck_assert_int_eq(shop_heal_price(20, -3, 20), 20);
	ck_assert_int_eq(shop_heal_price(20, 19, 20), 1);
	ck_assert_int_eq(shop_heal_price(20, 23, 30), 5);	/* 4.67 */
	ck_assert_int_eq(shop_heal_price(1, 99, 100), 1);
	ck_assert_int_eq(shop_heal_price(20, 20, 20), 0);
	ck_assert_int_eq(shop_heal_price(0, 1, 20), 0);
	ck_assert_int_eq(shop_heal_check(20, 5, 20, false, 15, &price),
	    SHOP_OK);
	ck_assert_int_eq(price, 15);
	ck_assert_int_eq(shop_heal_check(20, 5, 20, false, 14, &price),
	    SHOP_POOR);
	ck_assert_int_eq(shop_heal_check(20, 20, 20, false, 99, &price),
	    SHOP_NOT_HURT);
	ck_assert_int_eq(shop_heal_check(20, 5, 20, true, 99, &price),
	    SHOP_FIGHTING);
	ck_assert_int_eq(shop_heal_check(0, 5, 20, false, 0, &price), SHOP_OK);
	ck_assert_int_eq(price, 0);
}
END_TEST

/* Which types a shop buys, and the order of the sell refusals. */
START_TEST(test_rules_sell)
{
	struct shop_offer	o = { .value = 10, .type = "weapon" };
	int64_t			pay;

	ck_assert(shop_buys_type("", "food"));
	ck_assert(shop_buys_type("  ", "food"));
	ck_assert(shop_buys_type("weapon armor", "armor"));
	ck_assert(shop_buys_type("weapon armor", "weapon"));
	ck_assert(!shop_buys_type("weapon armor", "food"));
	ck_assert(!shop_buys_type("weapon armor", "arm"));
	ck_assert(!shop_buys_type("weapons", "weapon"));
	ck_assert_int_eq(shop_sell_check(&o, 50, "", 5, &pay), SHOP_OK);
	ck_assert_int_eq(pay, 5);
	ck_assert_int_eq(shop_sell_check(&o, 50, "", 4, &pay),
	    SHOP_KEEPER_POOR);
	ck_assert_int_eq(shop_sell_check(&o, 50, "food", 99, &pay),
	    SHOP_WRONG_TYPE);
	o.worn = true;
	ck_assert_int_eq(shop_sell_check(&o, 50, "", 99, &pay), SHOP_WORN);
	o.worn = false;
	o.has_contents = true;
	ck_assert_int_eq(shop_sell_check(&o, 50, "", 99, &pay), SHOP_NOT_EMPTY);
	o.value = 1;
	ck_assert_int_eq(shop_sell_check(&o, 50, "", 99, &pay), SHOP_WORTHLESS);
}
END_TEST

/* Buying needs the coins, a free hand and the strength (rules_item.h). */
START_TEST(test_rules_buy)
{
	struct rules_burden	b = { .level = 1 };
	int64_t			most = rules_item_max_count(1);

	ck_assert_int_eq(shop_buy_check(120, 120, &b, 4), SHOP_OK);
	ck_assert_int_eq(shop_buy_check(120, 119, &b, 4), SHOP_POOR);
	b.count = most - 1;
	ck_assert_int_eq(shop_buy_check(1, 99, &b, 1), SHOP_OK);
	b.count = most;
	ck_assert_int_eq(shop_buy_check(1, 99, &b, 1), SHOP_FULL);
	/* Coins are checked first: the poor hear that they are poor. */
	ck_assert_int_eq(shop_buy_check(100, 99, &b, 1), SHOP_POOR);
	b.count = 0;
	b.weight = rules_item_max_weight(1) - 4;
	ck_assert_int_eq(shop_buy_check(1, 99, &b, 4), SHOP_OK);
	ck_assert_int_eq(shop_buy_check(1, 99, &b, 5), SHOP_HEAVY);
	b.level = 2;
	ck_assert_int_eq(shop_buy_check(1, 99, &b, 5), SHOP_OK);
}
END_TEST

/*
 * Keeper and item names start a sentence capitalised: the one capitaliser
 * (text_capitalise) touches only an ASCII first letter, and works in place.
 */
START_TEST(test_rules_capitalise)
{
	char	out[8], line[16] = "a goblin";

	text_capitalise("the shopkeeper", out, sizeof out);
	ck_assert_str_eq(out, "The sho");
	text_capitalise("Bob", out, sizeof out);
	ck_assert_str_eq(out, "Bob");
	text_capitalise("", out, sizeof out);
	ck_assert_str_eq(out, "");
	text_capitalise("[2] a", out, sizeof out);
	ck_assert_str_eq(out, "[2] a");
	text_capitalise("\xc3\xa9t\xc3\xa9", out, sizeof out);
	ck_assert_str_eq(out, "\xc3\xa9t\xc3\xa9");
	text_capitalise(line, line, sizeof line);
	ck_assert_str_eq(line, "A goblin");
}
END_TEST

/* The shop rules' test case, for the rules suite. */
TCase *
rules_shop_tcase(void)
{
	TCase	*tc = tcase_create("shop");

	tcase_add_test(tc, test_rules_prices);
	tcase_add_test(tc, test_rules_heal);
	tcase_add_test(tc, test_rules_sell);
	tcase_add_test(tc, test_rules_buy);
	tcase_add_test(tc, test_rules_capitalise);
	return tc;
}
