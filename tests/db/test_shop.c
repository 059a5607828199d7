/*
 * test_shop.c — the shop handlers list, buy, sell, value and heal, run in
 * store_tx as the dispatcher runs them, against the real test database;
 * the rules and store functions are in test_shop_rules.c, the fixtures in
 * test_shop_fixture.c.
 *
 * Every test builds its own shop with SQL: a keeper NPC (a characters row
 * with proto_id set and no password) of a fresh npc_protos row in the
 * area "shoptest" (whose resets never come due), a shops row, and items in
 * the keeper's inventory, in a private room (900000 and up).  Refusals are
 * checked to change nothing: every purse and every item stays put.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "db/store.h"
#include "cmd/cmd.h"
#include "game/rules_item.h"
#include "keep_test.h"
#include "test_shop.h"

/* ---------------------------------------------------------------------
 * The handlers.
 */

/* list: one line per prototype with count and price, exactly. */
START_TEST(test_list)
{
	struct world		w;
	struct shop		sh, heal;
	struct store_char	me;

	shopt_world_open(&w);
	shopt_plain_shop(&w, &sh, 0);
	shopt_char(&w, sh.room, 0, &me);
	shopt_done(w.s, me.id, "list", "", "The shopkeeper has nothing for "
	    "sale right now.\n");
	give_items(sh.keeper, "shpt_long", 3);
	give_items(sh.keeper, "shpt_bread", 1);
	shopt_done(w.s, me.id, "list", "", "The shopkeeper sells:\n"
	    "  a loaf of bread        x1      4 coins\n"
	    "  a long sword           x3    120 coins\n");
	/* A longer name widens the column for every line. */
	sqlf("INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, value) VALUES ('shpt_gloves', 'a pair of"
	    " leather gloves', 'leather gloves', 'Gloves.', 'Gloves.', 'misc',"
	    " 15) ON CONFLICT DO NOTHING");
	give_items(sh.keeper, "shpt_gloves", 12);
	shopt_done(w.s, me.id, "list", "", "The shopkeeper sells:\n"
	    "  a loaf of bread          x1      4 coins\n"
	    "  a pair of leather gloves x12    18 coins\n"
	    "  a long sword             x3    120 coins\n");
	sqlf("UPDATE characters SET room_id = 1000 WHERE id = %lld",
	    (long long)me.id);
	shopt_refused(w.s, me.id, "list", "", "There is no shop here.\n");
	shopt_shop(&w, &heal, "the healer", 0, 100, 10, "{}", true, 20);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld",
	    heal.room, (long long)me.id);
	shopt_done(w.s, me.id, "list", "", "The healer will mend your wounds "
	    "for up to 20 coins ('heal').\n");
	sqlf("UPDATE shops SET heal_price = 0 WHERE npc_proto = '%s'",
	    heal.proto);
	shopt_done(w.s, me.id, "list", "", "The healer will mend your wounds "
	    "for free ('heal').\n");
	store_close(w.s);
}
END_TEST

/* Sum of calls of every statement this process has run. */
static unsigned long long
statements(void)
{
	struct store_stat	st[256];
	size_t			n = store_stats(st, 256);
	unsigned long long	calls = 0;

	for (size_t i = 0; i < n && i < 256; i++)
		calls += st[i].calls;
	return calls;
}

/* list runs the same few statements whatever the size of the stock. */
START_TEST(test_list_one_query)
{
	struct world		w;
	struct shop		sh;
	struct store_char	me;
	struct run		r;
	unsigned long long	small, big;
	const char		*all[] = { "shpt_dagger", "shpt_short",
				    "shpt_long", "shpt_bread", "shpt_sack" };

	shopt_world_open(&w);
	shopt_plain_shop(&w, &sh, 0);
	shopt_char(&w, sh.room, 0, &me);
	give_items(sh.keeper, "shpt_dagger", 1);
	shopt_run(w.s, me.id, "list", "", &r);
	small = statements();
	shopt_run(w.s, me.id, "list", "", &r);
	small = statements() - small;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		give_items(sh.keeper, all[i], 20);
	big = statements();
	shopt_run(w.s, me.id, "list", "", &r);
	big = statements() - big;
	ck_assert_msg(strstr(r.out, "x20") != NULL, "%s", r.out);
	ck_assert_int_eq(small, big);
	ck_assert_int_le(big, 3);
	store_close(w.s);
}
END_TEST

/* buy: the item and the coins move together; others hear of it. */
START_TEST(test_buy)
{
	struct world		w;
	struct shop		sh;
	struct store_char	me, other;
	PGconn			*lc = listen_open();
	char			text[128];

	shopt_world_open(&w);
	shopt_plain_shop(&w, &sh, 10);
	shopt_char(&w, sh.room, 300, &me);
	shopt_char(&w, sh.room, 0, &other);
	give_items(sh.keeper, "shpt_long", 2);
	give_items(sh.keeper, "shpt_short", 1);
	give_items(sh.keeper, "shpt_bread", 1);
	shopt_done(w.s, me.id, "buy", "long", "You buy a long sword for 120 "
	    "coins.\n");
	snprintf(text, sizeof text, "%s buys a long sword.", me.name);
	expect_notify(lc, text, &other.id, 1);
	ck_assert_int_eq(coins_of(me.id), 180);
	ck_assert_int_eq(coins_of(sh.keeper), 130);
	ck_assert_int_eq(shopt_items_of(me.id, "shpt_long"), 1);
	ck_assert_int_eq(shopt_items_of(sh.keeper, "shpt_long"), 1);
	/* "sword" is the cheapest sword in the list, "2.sword" the next. */
	shopt_done(w.s, me.id, "buy", "2.SWORD", "You buy a long sword for "
	    "120 coins.\n");
	shopt_done(w.s, me.id, "buy", "sword", "You buy a short sword for 60 "
	    "coins.\n");
	ck_assert_int_eq(coins_of(me.id), 0);
	ck_assert_int_eq(coins_of(sh.keeper), 310);
	ck_assert_int_eq(shopt_items_of(me.id, ""), 3);
	ck_assert_int_eq(shopt_items_of(sh.keeper, ""), 1);
	shopt_refused(w.s, me.id, "buy", "loaf", "You can't afford a loaf of "
	    "bread (4 coins).\n");
	sqlf("UPDATE characters SET coins = 4 WHERE id = %lld",
	    (long long)me.id);
	shopt_done(w.s, me.id, "buy", "bread", "You buy a loaf of bread for "
	    "4 coins.\n");
	ck_assert_int_eq(coins_of(me.id), 0);
	ck_assert_int_eq(coins_of(sh.keeper), 314);
	ck_assert_int_eq(shopt_items_of(sh.keeper, ""), 0);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* buy refusals: each has its answer and nothing moves. */
START_TEST(test_buy_refused)
{
	struct world		w;
	struct shop		sh, heal;
	struct store_char	me;
	long long		fp;

	shopt_world_open(&w);
	shopt_plain_shop(&w, &sh, 10);
	shopt_char(&w, sh.room, 1000, &me);
	give_items(sh.keeper, "shpt_long", 1);
	give_items(sh.keeper, "shpt_dagger", 1);
	sqlf("UPDATE items SET worn_slot = 'wield' WHERE carrier_id = "
	    "%lld AND proto_id = 'shpt_dagger'", (long long)sh.keeper);
	sqlf("INSERT INTO shop_stock VALUES ('%s', 'shpt_bread', 3)",
	    sh.proto);
	fp = shopt_fingerprint(&sh, me.id);
	shopt_refused(w.s, me.id, "buy", "pebble", "The shopkeeper doesn't "
	    "sell that.\n");
	shopt_refused(w.s, me.id, "buy", "dagger", "The shopkeeper doesn't "
	    "sell that.\n");
	shopt_refused(w.s, me.id, "buy", "2.sword", "The shopkeeper doesn't "
	    "sell that.\n");
	shopt_refused(w.s, me.id, "buy", "sword;drop", "The shopkeeper "
	    "doesn't sell that.\n");
	shopt_refused(w.s, me.id, "buy", "'", "The shopkeeper doesn't sell "
	    "that.\n");
	shopt_refused(w.s, me.id, "buy", "0.sword", "Buy what?\n");
	shopt_refused(w.s, me.id, "buy", "all.sword", "You can only buy one "
	    "thing at a time.\n");
	shopt_refused(w.s, me.id, "buy", "bread", "A loaf of bread is sold "
	    "out.\n");
	/* Only one kind of sword: the second is not "sold out". */
	sqlf("INSERT INTO shop_stock VALUES ('%s', 'shpt_long', 3)",
	    sh.proto);
	shopt_refused(w.s, me.id, "buy", "2.long", "The shopkeeper doesn't "
	    "sell that.\n");
	give_items(me.id, "shpt_pebble", (int)rules_item_max_count(1));
	shopt_refused(w.s, me.id, "buy", "sword", "You can't carry that many "
	    "items.\n");
	sqlf("DELETE FROM items WHERE carrier_id = %lld",
	    (long long)me.id);
	sqlf("INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, weight, value) VALUES ('shpt_anvil',"
	    " 'an anvil', 'anvil', 'An anvil.', 'An anvil.', 'misc', %lld, 1)"
	    " ON CONFLICT DO NOTHING", (long long)rules_item_max_weight(1) - 3);
	give_items(me.id, "shpt_anvil", 1);
	shopt_refused(w.s, me.id, "buy", "sword", "That is too heavy for you "
	    "to carry.\n");
	sqlf("DELETE FROM items WHERE carrier_id = %lld",
	    (long long)me.id);
	sqlf("UPDATE characters SET fighting_id = %lld WHERE id = %lld",
	    (long long)me.id, (long long)sh.keeper);
	shopt_refused(w.s, me.id, "buy", "sword", "The shopkeeper is too "
	    "busy fighting.\n");
	sqlf("UPDATE characters SET fighting_id = NULL WHERE id = %lld",
	    (long long)sh.keeper);
	ck_assert_int_eq(shopt_fingerprint(&sh, me.id), fp);
	ck_assert_int_eq(coins_of(me.id), 1000);
	shopt_shop(&w, &heal, "the healer", 0, 100, 10, "{}", true, 20);
	give_items(heal.keeper, "shpt_dagger", 1);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld",
	    heal.room, (long long)me.id);
	shopt_refused(w.s, me.id, "buy", "dagger", "The healer does not "
	    "trade; try 'heal'.\n");
	shopt_refused(w.s, me.id, "sell", "dagger", "The healer does not "
	    "trade; try 'heal'.\n");
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld",
	    shopt_room(w.s), (long long)me.id);
	shopt_refused(w.s, me.id, "buy", "sword", "There is no shop here.\n");
	shopt_refused(w.s, me.id, "sell", "sword", "There is no shop "
	    "here.\n");
	shopt_refused(w.s, me.id, "value", "sword", "There is no shop "
	    "here.\n");
	ck_assert_int_eq(coins_of(me.id), 1000);
	ck_assert_int_eq(shopt_items_of(heal.keeper, ""), 1);
	store_close(w.s);
}
END_TEST

/* Racers for the last items, one store and one transaction each. */
struct racer {
	pthread_t		 thread;
	pthread_barrier_t	*go;
	struct run		 r;	/* id and session set by the test */
};

/* Thread: wait for the others, then buy once. */
static void *
racer_main(void *arg)
{
	struct racer	*x = arg;
	char		 err[256];
	struct store	*s = store_open(test_db_url(), "keep-tests", 10000,
			    err, sizeof err);

	pthread_barrier_wait(x->go);
	if (s == NULL)
		return NULL;
	x->r.cmd = "buy";
	x->r.args = "sword";
	(void)run_call(s, &x->r, 10);
	store_close(s);
	return NULL;
}

/* Eight buyers, three swords, at once: exactly three buy one each. */
START_TEST(test_buy_race)
{
	struct world		w;
	struct shop		sh;
	struct store_char	c;
	struct racer		x[8];
	pthread_barrier_t	go;
	int			won = 0;

	shopt_world_open(&w);
	shopt_plain_shop(&w, &sh, 0);
	give_items(sh.keeper, "shpt_long", 3);
	pthread_barrier_init(&go, NULL, 8);
	for (int i = 0; i < 8; i++) {
		shopt_char(&w, sh.room, 200, &c);
		memset(&x[i], 0, sizeof x[i]);
		x[i].r.id = c.id;
		snprintf(x[i].r.inst, sizeof x[i].r.inst, "%s",
		    c.session_instance);
		x[i].r.sid = c.session_id;
		x[i].go = &go;
	}
	for (int i = 0; i < 8; i++)
		ck_assert(pthread_create(&x[i].thread, NULL, racer_main,
		    &x[i]) == 0);
	for (int i = 0; i < 8; i++)
		pthread_join(x[i].thread, NULL);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < 8; i++) {
		ck_assert_int_ne(x[i].r.result, TXR_FAILED);
		if (x[i].r.result == TXR_COMMITTED) {
			ck_assert_str_eq(x[i].r.out, "You buy a long sword "
			    "for 120 coins.\n");
			ck_assert_int_eq(coins_of(x[i].r.id), 80);
			ck_assert_int_eq(shopt_items_of(x[i].r.id, ""), 1);
			won++;
		} else {
			ck_assert_str_eq(x[i].r.out, "The shopkeeper doesn't "
			    "sell that.\n");
			ck_assert_int_eq(coins_of(x[i].r.id), 200);
			ck_assert_int_eq(shopt_items_of(x[i].r.id, ""), 0);
		}
	}
	ck_assert_int_eq(won, 3);
	ck_assert_int_eq(coins_of(sh.keeper), 360);
	ck_assert_int_eq(shopt_items_of(sh.keeper, ""), 0);
	store_close(w.s);
}
END_TEST

/* sell: the item goes to the keeper and its offer to the seller. */
START_TEST(test_sell)
{
	struct world		w;
	struct shop		sh;
	struct store_char	me, other;
	PGconn			*lc = listen_open();
	char			text[128];

	shopt_world_open(&w);
	shopt_plain_shop(&w, &sh, 100);
	shopt_char(&w, sh.room, 0, &me);
	shopt_char(&w, sh.room, 0, &other);
	give_items(me.id, "shpt_dagger", 2);
	give_items(me.id, "shpt_long", 1);
	shopt_done(w.s, me.id, "sell", "dagger", "You sell a dagger for 5 "
	    "coins.\n");
	snprintf(text, sizeof text, "%s sells a dagger.", me.name);
	expect_notify(lc, text, &other.id, 1);
	ck_assert_int_eq(coins_of(me.id), 5);
	ck_assert_int_eq(coins_of(sh.keeper), 95);
	ck_assert_int_eq(shopt_items_of(me.id, "shpt_dagger"), 1);
	ck_assert_int_eq(shopt_items_of(sh.keeper, "shpt_dagger"), 1);
	shopt_done(w.s, me.id, "sell", "long sword", "You sell a long sword "
	    "for 50 coins.\n");
	ck_assert_int_eq(coins_of(me.id) + coins_of(sh.keeper),
	    100);
	/* What was sold is for sale again, at the shop's price. */
	shopt_done(w.s, me.id, "list", "", "The shopkeeper sells:\n"
	    "  a dagger               x1     12 coins\n"
	    "  a long sword           x1    120 coins\n");
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* sell refusals: each has its answer and nothing moves. */
START_TEST(test_sell_refused)
{
	struct world		w;
	struct shop		sh;
	struct store_char	me;
	long long		fp;
	int64_t			sack;

	shopt_world_open(&w);
	shopt_shop(&w, &sh, "a grumpy trader", 4, 120, 50,
	    "{weapon,container}", false, 0);
	shopt_char(&w, sh.room, 0, &me);
	give_items(me.id, "shpt_bread", 1);
	give_items(me.id, "shpt_long", 1);
	give_items(me.id, "shpt_dagger", 1);
	give_items(me.id, "shpt_sack", 1);
	sqlf("INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, value, wear_slot) VALUES ('shpt_stick',"
	    " 'a stick', 'stick', 'A stick.', 'A stick.', 'weapon', 1,"
	    " 'wield') ON CONFLICT DO NOTHING");
	give_items(me.id, "shpt_stick", 1);
	sack = sqlv("SELECT id FROM items WHERE carrier_id = %lld AND"
	    " proto_id = 'shpt_sack'", (long long)me.id);
	sqlf("UPDATE items SET carrier_id = NULL, container_id = %lld "
	    "WHERE"
	    " carrier_id = %lld AND proto_id = 'shpt_bread'", (long long)sack,
	    (long long)me.id);
	sqlf("UPDATE items SET worn_slot = 'wield' WHERE carrier_id = "
	    "%lld AND proto_id = 'shpt_dagger'", (long long)me.id);
	fp = shopt_fingerprint(&sh, me.id);
	shopt_refused(w.s, me.id, "sell", "bread", "You aren't carrying "
	    "that.\n");
	shopt_refused(w.s, me.id, "sell", "2.sword", "You aren't "
	    "carrying that.\n");
	shopt_refused(w.s, me.id, "sell", "sword!", "You aren't carrying "
	    "that.\n");
	shopt_refused(w.s, me.id, "sell", "all", "You can only sell one "
	    "thing at a time.\n");
	shopt_refused(w.s, me.id, "sell", "stick", "A grumpy trader isn't "
	    "interested in that.\n");
	shopt_refused(w.s, me.id, "sell", "dagger", "You'll have to remove a "
	    "dagger first.\n");
	shopt_refused(w.s, me.id, "sell", "sack", "You'll have to empty a "
	    "burlap sack first.\n");
	shopt_refused(w.s, me.id, "sell", "sword", "A grumpy trader can't "
	    "afford that.\n");
	sqlf("UPDATE items SET container_id = NULL, carrier_id = %lld "
	    "WHERE container_id = %lld", (long long)me.id, (long long)sack);
	shopt_refused(w.s, me.id, "sell", "bread", "A grumpy trader doesn't "
	    "deal in that kind of thing.\n");
	sqlf("UPDATE items SET carrier_id = NULL, container_id = %lld "
	    "WHERE"
	    " carrier_id = %lld AND proto_id = 'shpt_bread'", (long long)sack,
	    (long long)me.id);
	ck_assert_int_eq(shopt_fingerprint(&sh, me.id), fp);
	/* Coins inside count as contents too. */
	sqlf("DELETE FROM items WHERE container_id = %lld; UPDATE items "
	    "SET coins = 1 WHERE id = %lld", (long long)sack, (long long)sack);
	shopt_refused(w.s, me.id, "sell", "sack", "You'll have to empty a "
	    "burlap sack first.\n");
	sqlf("UPDATE items SET coins = 0 WHERE id = %lld",
	    (long long)sack);
	shopt_done(w.s, me.id, "sell", "sack", "You sell a burlap sack for 2 "
	    "coins.\n");
	ck_assert_int_eq(coins_of(sh.keeper), 2);
	store_close(w.s);
}
END_TEST

/* value: the offer, read only; worn items have one too. */
START_TEST(test_value)
{
	struct world		w;
	struct shop		sh;
	struct store_char	me;
	long long		fp;

	shopt_world_open(&w);
	shopt_shop(&w, &sh, "the shopkeeper", 0, 120, 50, "{weapon}", false, 0);
	shopt_char(&w, sh.room, 7, &me);
	give_items(me.id, "shpt_dagger", 1);
	give_items(me.id, "shpt_long", 1);
	give_items(me.id, "shpt_bread", 1);
	sqlf("UPDATE items SET worn_slot = 'wield' WHERE carrier_id = "
	    "%lld AND proto_id = 'shpt_long'", (long long)me.id);
	fp = shopt_fingerprint(&sh, me.id);
	shopt_done(w.s, me.id, "value", "dagger", "The shopkeeper would pay "
	    "you 5 coins for a dagger.\n");
	shopt_done(w.s, me.id, "value", "long", "The shopkeeper would pay "
	    "you 50 coins for a long sword.\n");
	shopt_refused(w.s, me.id, "value", "bread", "The shopkeeper doesn't "
	    "deal in that kind of thing.\n");
	shopt_refused(w.s, me.id, "value", "pebble", "You aren't "
	    "carrying that.\n");
	ck_assert_int_eq(shopt_fingerprint(&sh, me.id), fp);
	store_close(w.s);
}
END_TEST

/* heal: full hit points for a share of the price; coins to the healer. */
START_TEST(test_heal)
{
	struct world		w;
	struct shop		heal;
	struct store_char	me, other;
	PGconn			*lc = listen_open();
	char			text[128];

	shopt_world_open(&w);
	shopt_shop(&w, &heal, "the healer", 0, 100, 10, "{}", true, 20);
	shopt_char(&w, heal.room, 100, &me);
	shopt_char(&w, heal.room, 0, &other);
	sqlf("UPDATE characters SET hp = 5, hp_at = now() WHERE id = "
	    "%lld", (long long)me.id);
	shopt_done(w.s, me.id, "heal", "", "The healer lays hands on you. "
	    "You feel much better. (15 coins)\n");
	snprintf(text, sizeof text, "The healer lays hands on %s.", me.name);
	expect_notify(lc, text, &other.id, 1);
	ck_assert_int_eq(coins_of(me.id), 85);
	ck_assert_int_eq(coins_of(heal.keeper), 15);
	ck_assert_int_eq(sqlv("SELECT char_hp(hp, max_hp, hp_at, "
	    "fighting_id)"
	    " FROM characters WHERE id = %lld", (long long)me.id), 20);
	shopt_refused(w.s, me.id, "heal", "", "You are not hurt.\n");
	sqlf("UPDATE characters SET hp = 0, hp_at = now() WHERE id = "
	    "%lld", (long long)me.id);
	sqlf("UPDATE characters SET coins = 19 WHERE id = %lld",
	    (long long)me.id);
	shopt_refused(w.s, me.id, "heal", "", "You can't afford that. It "
	    "would cost 20 coins.\n");
	sqlf("UPDATE characters SET fighting_id = %lld WHERE id = %lld",
	    (long long)heal.keeper, (long long)me.id);
	shopt_refused(w.s, me.id, "heal", "", "Not while you are "
	    "fighting!\n");
	sqlf("UPDATE characters SET fighting_id = NULL, coins = 0 WHERE"
	    " id = %lld", (long long)me.id);
	ck_assert_int_eq(coins_of(heal.keeper), 15);
	sqlf("UPDATE shops SET heal_price = 0 WHERE npc_proto = '%s'",
	    heal.proto);
	shopt_done(w.s, me.id, "heal", "", "The healer lays hands on you. "
	    "You feel much better. (free)\n");
	ck_assert_int_eq(sqlv("SELECT hp FROM characters WHERE id = %lld",
	    (long long)me.id), 20);
	ck_assert_int_eq(coins_of(heal.keeper), 15);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld",
	    shopt_room(w.s), (long long)me.id);
	shopt_refused(w.s, me.id, "heal", "", "There is no healer here.\n");
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* The shop suite: store functions, handlers. */
Suite *
shop_suite(void)
{
	Suite	*s = suite_create("shop");
	TCase	*tc;

	suite_add_tcase(s, shop_store_tcase());
	tc = tcase_create("handlers");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_list_one_query);
	tcase_add_test(tc, test_buy);
	tcase_add_test(tc, test_buy_refused);
	tcase_add_test(tc, test_buy_race);
	tcase_add_test(tc, test_sell);
	tcase_add_test(tc, test_sell_refused);
	tcase_add_test(tc, test_value);
	tcase_add_test(tc, test_heal);
	suite_add_tcase(s, tc);
	return s;
}
