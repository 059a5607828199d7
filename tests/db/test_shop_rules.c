/*
 * test_shop_rules.c — the shop price rules (pure functions, no database)
 * and each store_shop function against the test database.
 */
#include <stdint.h>
#include <string.h>

#include "db/store_shop.h"
#include "game/rules_item.h"
#include "game/rules_shop.h"
#include "game/text.h"
#include "keep_test.h"
#include "test_shop.h"

/* ---------------------------------------------------------------------
 * The rules.
 */

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

/* ---------------------------------------------------------------------
 * The store.
 */

/* find: none, a trader before a healer, a healer only when asked. */
START_TEST(test_store_find)
{
	struct world		w;
	struct shop		sh, heal;
	struct store_shop	f;

	shopt_world_open(&w);
	ck_assert_int_eq(store_shop_find(w.s, shopt_room(w.s), false, &f),
	    STORE_NONE);
	shopt_shop(&w, &heal, "the healer", 7, 100, 10, "{}", true, 20);
	ck_assert_int_eq(store_shop_find(w.s, heal.room, false, &f), STORE_OK);
	ck_assert(!f.trades && f.heals);
	ck_assert_int_eq(store_shop_find(w.s, heal.room, true, &f), STORE_OK);
	ck_assert_int_eq(f.keeper_id, heal.keeper);
	ck_assert_int_eq(f.heal_price, 20);
	shopt_plain_shop(&w, &sh, 500);
	sqlf("UPDATE shops SET buys_types = '{weapon,food}' WHERE "
	    "npc_proto = '%s'", sh.proto);
	ck_assert_int_eq(store_shop_find(w.s, sh.room, true, &f), STORE_NONE);
	/* The healer moves in with the trader: list and buy mean the trader. */
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld",
	    sh.room, (long long)heal.keeper);
	ck_assert_int_eq(store_shop_find(w.s, sh.room, false, &f), STORE_OK);
	ck_assert_int_eq(f.keeper_id, sh.keeper);
	ck_assert_str_eq(f.keeper, "the shopkeeper");
	ck_assert_str_eq(f.proto, sh.proto);
	ck_assert_int_eq(f.coins, 500);
	ck_assert_int_eq(f.buy_percent, 120);
	ck_assert_int_eq(f.sell_percent, 50);
	ck_assert_str_eq(f.buys_types, "weapon food");
	ck_assert(f.trades && !f.heals);
	ck_assert_int_eq(store_shop_find(w.s, sh.room, true, &f), STORE_OK);
	ck_assert_int_eq(f.keeper_id, heal.keeper);
	/* A healer with stock rows trades too. */
	sqlf("INSERT INTO shop_stock VALUES ('%s', 'shpt_bread', 2)",
	    heal.proto);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld",
	    heal.room, (long long)heal.keeper);
	ck_assert_int_eq(store_shop_find(w.s, heal.room, false, &f), STORE_OK);
	ck_assert(f.trades && f.heals);
	store_close(w.s);
}
END_TEST

/* wares: grouped, cheapest first, worn items not for sale, bounded. */
START_TEST(test_store_wares)
{
	struct world		w;
	struct shop		sh;
	struct store_shop_item	it[3];
	int			n, more;

	shopt_world_open(&w);
	shopt_plain_shop(&w, &sh, 0);
	ck_assert_int_eq(store_shop_wares(w.s, sh.keeper, it, 3, &n, &more),
	    STORE_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(more, 0);
	give_items(sh.keeper, "shpt_long", 3);
	give_items(sh.keeper, "shpt_dagger", 2);
	give_items(sh.keeper, "shpt_bread", 1);
	give_items(sh.keeper, "shpt_short", 1);
	sqlf("UPDATE items SET worn_slot = 'wield' WHERE id = (SELECT "
	    "min(id)"
	    " FROM items WHERE carrier_id = %lld AND proto_id = 'shpt_short')",
	    (long long)sh.keeper);
	ck_assert_int_eq(store_shop_wares(w.s, sh.keeper, it, 3, &n, &more),
	    STORE_OK);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(more, 0);
	ck_assert_str_eq(it[0].name, "a loaf of bread");
	ck_assert_int_eq(it[0].count, 1);
	ck_assert_int_eq(it[0].value, 3);
	ck_assert_str_eq(it[1].proto, "shpt_dagger");
	ck_assert_int_eq(it[1].count, 2);
	ck_assert_str_eq(it[2].name, "a long sword");
	ck_assert_int_eq(it[2].count, 3);
	ck_assert_str_eq(it[2].type, "weapon");
	ck_assert_int_eq(store_shop_wares(w.s, sh.keeper, it, 2, &n, &more),
	    STORE_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(more, 1);
	store_close(w.s);
}
END_TEST

/* ware and carried: keyword prefixes, every word, nth, worn last. */
START_TEST(test_store_match)
{
	struct world		w;
	struct shop		sh;
	struct store_shop_item	it;
	struct store_char	me;
	char			name[64];
	int64_t			first;

	shopt_world_open(&w);
	shopt_plain_shop(&w, &sh, 0);
	give_items(sh.keeper, "shpt_long", 2);
	give_items(sh.keeper, "shpt_short", 1);
	ck_assert_int_eq(store_shop_ware(w.s, sh.keeper, "sword", 1, &it),
	    STORE_OK);
	ck_assert_str_eq(it.proto, "shpt_short");
	ck_assert_int_eq(store_shop_ware(w.s, sh.keeper, "sw", 2, &it),
	    STORE_OK);
	ck_assert_str_eq(it.proto, "shpt_long");
	ck_assert_int_eq(it.count, 2);
	ck_assert_int_eq(store_shop_ware(w.s, sh.keeper, "sword", 3, &it),
	    STORE_NONE);
	ck_assert_int_eq(store_shop_ware(w.s, sh.keeper, "lo sw", 1, &it),
	    STORE_OK);
	ck_assert_str_eq(it.proto, "shpt_long");
	ck_assert_int_eq(store_shop_ware(w.s, sh.keeper, "long dagger", 1,
	    &it), STORE_NONE);
	ck_assert_int_eq(store_shop_ware(w.s, sh.keeper, "word", 1, &it),
	    STORE_NONE);
	/* sold_out names a stocked prototype only. */
	ck_assert_int_eq(store_shop_sold_out(w.s, sh.proto, sh.keeper,
	    "dagger", name, sizeof name), STORE_NONE);
	sqlf("INSERT INTO shop_stock VALUES ('%s', 'shpt_dagger', 3),"
	    " ('%s', 'shpt_long', 1)", sh.proto, sh.proto);
	ck_assert_int_eq(store_shop_sold_out(w.s, sh.proto, sh.keeper, "dag",
	    name, sizeof name), STORE_OK);
	ck_assert_str_eq(name, "a dagger");
	/* Not sold out while the keeper has one. */
	ck_assert_int_eq(store_shop_sold_out(w.s, sh.proto, sh.keeper,
	    "long", name, sizeof name), STORE_NONE);
	/* carried: loose first, then worn, each by id; instance keywords. */
	shopt_char(&w, sh.room, 0, &me);
	give_items(me.id, "shpt_long", 2);
	first = sqlv("SELECT min(id) FROM items WHERE carrier_id = %lld",
	    (long long)me.id);
	sqlf("UPDATE items SET worn_slot = 'wield' WHERE id = %lld",
	    (long long)first);
	ck_assert_int_eq(store_shop_carried(w.s, me.id, "sword", 1, &it),
	    STORE_OK);
	ck_assert(!it.worn && it.item_id != first);
	ck_assert_int_eq(store_shop_carried(w.s, me.id, "sword", 2, &it),
	    STORE_OK);
	ck_assert(it.worn && it.item_id == first);
	ck_assert(!it.has_contents);
	sqlf("UPDATE items SET name = 'Excalibur', keywords = 'excalibur'"
	    " WHERE id = %lld", (long long)first);
	ck_assert_int_eq(store_shop_carried(w.s, me.id, "exc", 1, &it),
	    STORE_OK);
	ck_assert_str_eq(it.name, "Excalibur");
	ck_assert_int_eq(store_shop_carried(w.s, me.id, "sword", 2, &it),
	    STORE_NONE);
	store_close(w.s);
}
END_TEST

/* lock, hand_over, take_in, pay, heal: each moves exactly what it says. */
START_TEST(test_store_moves)
{
	struct world		w;
	struct shop		sh;
	struct store_char	me;
	struct store_shop_party	p, k;
	int64_t			item, sack, bread;

	shopt_world_open(&w);
	shopt_plain_shop(&w, &sh, 40);
	shopt_char(&w, sh.room, 100, &me);
	give_items(sh.keeper, "shpt_dagger", 1);
	give_items(me.id, "shpt_bread", 2);
	ck_assert_int_eq(store_shop_lock(w.s, me.id, sh.keeper, &p, &k),
	    STORE_OK);
	ck_assert_int_eq(p.id, me.id);
	ck_assert_int_eq(p.coins, 100);
	ck_assert_int_eq(p.level, 1);
	ck_assert_int_eq(p.max_hp, 20);
	ck_assert_int_eq(p.hp, 20);
	ck_assert_int_eq(k.id, sh.keeper);
	ck_assert_int_eq(k.coins, 40);
	ck_assert_int_eq(k.room_id, sh.room);
	ck_assert_int_eq(store_shop_lock(w.s, me.id, 1LL << 60, &p, &k),
	    STORE_NONE);
	/* hand_over: only what the keeper has, loose. */
	item = sqlv("SELECT id FROM items WHERE carrier_id = %lld",
	    (long long)sh.keeper);
	bread = sqlv("SELECT min(id) FROM items WHERE carrier_id = %lld",
	    (long long)me.id);
	ck_assert_int_eq(store_shop_hand_over(w.s, sh.keeper, bread, me.id),
	    STORE_NONE);
	sqlf("UPDATE items SET worn_slot = 'wield' WHERE id = %lld",
	    (long long)item);
	ck_assert_int_eq(store_shop_hand_over(w.s, sh.keeper, item, me.id),
	    STORE_NONE);
	sqlf("UPDATE items SET worn_slot = NULL WHERE id = %lld",
	    (long long)item);
	ck_assert_int_eq(store_shop_hand_over(w.s, sh.keeper, item, me.id),
	    STORE_OK);
	ck_assert_int_eq(shopt_items_of(me.id, "shpt_dagger"), 1);
	ck_assert_int_eq(shopt_items_of(sh.keeper, ""), 0);
	/* take_in: not from someone else, not worn, not full. */
	ck_assert_int_eq(store_shop_take_in(w.s, sh.keeper, item, me.id),
	    STORE_NONE);
	sqlf("UPDATE items SET worn_slot = 'wield' WHERE id = %lld",
	    (long long)item);
	ck_assert_int_eq(store_shop_take_in(w.s, me.id, item, sh.keeper),
	    STORE_NONE);
	sqlf("UPDATE items SET worn_slot = NULL WHERE id = %lld",
	    (long long)item);
	give_items(me.id, "shpt_sack", 1);
	sack = sqlv("SELECT id FROM items WHERE carrier_id = %lld AND"
	    " proto_id = 'shpt_sack'", (long long)me.id);
	sqlf("UPDATE items SET carrier_id = NULL, container_id = %lld "
	    "WHERE id = %lld", (long long)sack, (long long)item);
	ck_assert_int_eq(store_shop_take_in(w.s, me.id, sack, sh.keeper),
	    STORE_NONE);
	sqlf("UPDATE items SET container_id = NULL, carrier_id = %lld "
	    "WHERE id = %lld", (long long)me.id, (long long)item);
	sqlf("UPDATE items SET coins = 3 WHERE id = %lld",
	    (long long)sack);
	ck_assert_int_eq(store_shop_take_in(w.s, me.id, sack, sh.keeper),
	    STORE_NONE);
	ck_assert_int_eq(store_shop_take_in(w.s, me.id, item, sh.keeper),
	    STORE_OK);
	ck_assert_int_eq(shopt_items_of(sh.keeper, "shpt_dagger"), 1);
	/* pay and heal move coins both ways and conserve them. */
	ck_assert_int_eq(store_shop_pay(w.s, me.id, sh.keeper, 30), STORE_OK);
	ck_assert_int_eq(coins_of(me.id), 70);
	ck_assert_int_eq(coins_of(sh.keeper), 70);
	ck_assert_int_eq(store_shop_pay(w.s, me.id, 1LL << 60, 5), STORE_NONE);
	ck_assert_int_eq(store_shop_pay(w.s, me.id, sh.keeper, 71), STORE_ERR);
	ck_assert_int_eq(coins_of(me.id), 70);
	sqlf("UPDATE characters SET hp = CASE WHEN id = %lld THEN 4 ELSE "
	    "10 END WHERE id IN (%lld, %lld)", (long long)me.id,
	    (long long)me.id, (long long)sh.keeper);
	ck_assert_int_eq(store_shop_heal(w.s, me.id, sh.keeper, 10), STORE_OK);
	ck_assert_int_eq(coins_of(me.id), 60);
	ck_assert_int_eq(coins_of(sh.keeper), 80);
	ck_assert_int_eq(sqlv("SELECT hp FROM characters WHERE id = %lld",
	    (long long)me.id), 20);
	ck_assert_int_eq(sqlv("SELECT hp FROM characters WHERE id = %lld",
	    (long long)sh.keeper), 10);
	store_close(w.s);
}
END_TEST

/* The rules: prices, healing, refusals, names. */
TCase *
shop_rules_tcase(void)
{
	TCase	*tc = tcase_create("rules");

	tcase_add_test(tc, test_rules_prices);
	tcase_add_test(tc, test_rules_heal);
	tcase_add_test(tc, test_rules_sell);
	tcase_add_test(tc, test_rules_buy);
	tcase_add_test(tc, test_rules_capitalise);
	return tc;
}

/* The store functions. */
TCase *
shop_store_tcase(void)
{
	TCase	*tc = tcase_create("store");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_store_find);
	tcase_add_test(tc, test_store_wares);
	tcase_add_test(tc, test_store_match);
	tcase_add_test(tc, test_store_moves);
	return tc;
}
