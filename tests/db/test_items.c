/*
 * test_items.c — the item commands against the real test database: each
 * handler runs inside store_tx as the dispatcher runs it, and what it did
 * is read back with SQL on another connection.  Every test makes its own
 * item prototypes (tst_<tag>_<random>), rooms (900000 and up), characters
 * and NPCs, so tests never depend on each other or on the world files.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "db/store.h"
#include "db/store_item.h"
#include "cmd/cmd.h"
#include "db_test.h"
#include "keep_test.h"

/*
 * Create an item prototype "tst_<tag>_<n>"; its long description is the
 * name capitalised and " lies here.", its description "It is <name>.".
 */
static void
new_proto(char id[49], const char *tag, const char *name, const char *kw,
    const char *type, int weight, const char *slot, int capacity)
{
	char	cap[96];

	snprintf(id, 49, "tst_%s_%d", tag, rand31());
	snprintf(cap, sizeof cap, "%s", name);
	cap[0] = (char)(cap[0] >= 'a' && cap[0] <= 'z' ? cap[0] - 32 : cap[0]);
	sqlf("INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, weight, wear_slot, capacity) VALUES"
	    " ('%s', '%s', '%s', '%s lies here.', 'It is %s.', '%s', %d,"
	    " %s%s%s, %d)", id, name, kw, cap, name, type, weight,
	    slot ? "'" : "", slot ? slot : "NULL", slot ? "'" : "", capacity);
}

/* An item of proto on the floor of room. */
static int64_t
item_on_floor(const char *proto, int32_t room)
{
	return sqlv("INSERT INTO items (proto_id, room_id) VALUES ('%s', %d)"
	    " RETURNING id", proto, room);
}

/* An item of proto inside container. */
static int64_t
item_inside(const char *proto, int64_t container)
{
	return sqlv("INSERT INTO items (proto_id, container_id) VALUES"
	    " ('%s', %lld) RETURNING id", proto, (long long)container);
}

/* A column of an item, as a number (0 for NULL). */
static long long
item_col(int64_t id, const char *col)
{
	return sqlv("SELECT coalesce(%s, 0) FROM items WHERE id = %lld", col,
	    (long long)id);
}

/* Whether an item is worn on slot. */
static bool
item_worn(int64_t id, const char *slot)
{
	return sqlv("SELECT count(*) FROM items WHERE id = %lld AND"
	    " worn_slot = '%s'", (long long)id, slot) == 1;
}

/* An NPC of a fresh prototype in room; its id. */
static int64_t
new_proto_npc(int32_t room, const char *name, const char *kw,
    const char *ldesc, char proto[49])
{
	snprintf(proto, 49, "tst_npc_%d", rand31());
	sqlf("INSERT INTO areas (id, name) VALUES ('tstitems', 'Test items')"
	    " ON CONFLICT DO NOTHING");
	sqlf("INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description) VALUES ('%s', 'tstitems', '%s', '%s', '%s',"
	    " 'A creature made by a test.')", proto, name, kw, ldesc);
	return sqlv("INSERT INTO characters (name, room_id, proto_id) VALUES"
	    " ('%s', %d, '%s') RETURNING id", name, room, proto);
}

/* Another NPC of an existing prototype in room. */
static int64_t
more_npc(int32_t room, const char *name, const char *proto)
{
	return sqlv("INSERT INTO characters (name, room_id, proto_id) VALUES"
	    " ('%s', %d, '%s') RETURNING id", name, room, proto);
}

/* A room's coins. */
static long long
room_coins(int32_t room)
{
	return sqlv("SELECT coins FROM rooms WHERE id = %d", room);
}

/* Run cmd and check its whole reply and that it committed. */
static void
run_ok(struct store *s, int64_t id, const char *cmd, const char *args,
    const char *want)
{
	(void)run_want(s, id, cmd, args, want, TXR_COMMITTED);
}

/* Run cmd and check its whole reply and that it rolled back. */
static void
run_no(struct store *s, int64_t id, const char *cmd, const char *args,
    const char *want)
{
	(void)run_want(s, id, cmd, args, want, TXR_ROLLED_BACK);
}

/* get and drop one thing: it moves, both ways, and the room hears. */
START_TEST(test_get_drop_one)
{
	struct world		w;
	struct store_char	me, bob;
	struct run		r;
	PGconn			*lc = listen_open();
	char			sword[49], text[128];
	int32_t			room;
	int64_t			s1;

	world_open(&w);
	room = new_room(w.s, "Get Room");
	new_char(&w, "Gta", room, &me);
	new_char(&w, "Gtb", room, &bob);
	new_proto(sword, "sword", "a long sword", "long sword", "weapon", 5,
	    "wield", 0);
	s1 = item_on_floor(sword, room);
	run_ok(w.s, me.id, "get", "sword", "You get a long sword.\n");
	ck_assert_int_eq(item_col(s1, "carrier_id"), me.id);
	ck_assert_int_eq(item_col(s1, "room_id"), 0);
	snprintf(text, sizeof text, "%s gets a long sword.", me.name);
	expect_notify(lc, text, &bob.id, 1);
	/* Now it is no longer there to get, and is there to drop. */
	run_no(w.s, me.id, "get", "sword", "You don't see that here.\n");
	run_no(w.s, bob.id, "drop", "sword", "You aren't carrying that.\n");
	run_ok(w.s, me.id, "drop", "long", "You drop a long sword.\n");
	ck_assert_int_eq(item_col(s1, "room_id"), room);
	ck_assert_int_eq(item_col(s1, "carrier_id"), 0);
	snprintf(text, sizeof text, "%s drops a long sword.", me.name);
	expect_notify(lc, text, &bob.id, 1);
	/* take is get. */
	run_ok(w.s, bob.id, "take", "LONG SW", "You get a long sword.\n");
	ck_assert_int_eq(item_col(s1, "carrier_id"), bob.id);
	run(w.s, me.id, "get", "sword", &r);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* get all.KW, get all (coins too), 2.sword, and drop all. */
START_TEST(test_get_all_and_nth)
{
	struct world		w;
	struct store_char	me;
	char			sword[49], dagger[49], want[512];
	int32_t			room;
	int64_t			s1, s2, s3, d1, d2;

	world_open(&w);
	room = new_room(w.s, "All Room");
	new_char(&w, "Gal", room, &me);
	new_proto(sword, "sword", "a long sword", "long sword", "weapon", 5,
	    "wield", 0);
	new_proto(dagger, "dagger", "a dagger", "dagger", "weapon", 1,
	    "wield", 0);
	s1 = item_on_floor(sword, room);
	d1 = item_on_floor(dagger, room);
	s2 = item_on_floor(sword, room);
	d2 = item_on_floor(dagger, room);
	s3 = item_on_floor(sword, room);
	sqlf("UPDATE rooms SET coins = 15 WHERE id = %d", room);
	run_ok(w.s, me.id, "get", "2.sword", "You get a long sword.\n");
	ck_assert_int_eq(item_col(s2, "carrier_id"), me.id);
	ck_assert_int_eq(item_col(s1, "room_id"), room);
	ck_assert_int_eq(item_col(s3, "room_id"), room);
	run_ok(w.s, me.id, "get", "all.dagger",
	    "You get a dagger.\nYou get a dagger.\n");
	ck_assert_int_eq(item_col(d1, "carrier_id"), me.id);
	ck_assert_int_eq(item_col(d2, "carrier_id"), me.id);
	ck_assert_int_eq(room_coins(room), 15);
	run_ok(w.s, me.id, "get", "all",
	    "You get a long sword.\nYou get a long sword.\n"
	    "You get 15 coins.\n");
	ck_assert_int_eq(coins_of(me.id), 115);
	ck_assert_int_eq(room_coins(room), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE carrier_id ="
	    " %lld", (long long)me.id), 5);
	run_no(w.s, me.id, "get", "all", "There is nothing here.\n");
	run_no(w.s, me.id, "get", "all.sword", "You don't see that here.\n");
	/* 3.sword counts in the inventory's order. */
	run_ok(w.s, me.id, "drop", "3.sword", "You drop a long sword.\n");
	ck_assert_int_eq(item_col(s3, "room_id"), room);
	snprintf(want, sizeof want, "You drop a long sword.\nYou drop a "
	    "dagger.\nYou drop a long sword.\nYou drop a dagger.\n");
	run_ok(w.s, me.id, "drop", "all", want);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE room_id = %d",
	    room), 5);
	run_no(w.s, me.id, "drop", "all", "You aren't carrying anything.\n");
	run_no(w.s, me.id, "drop", "all.axe", "You aren't carrying that.\n");
	store_close(w.s);
}
END_TEST

/* Carry limits refuse clearly and change nothing; get all stops at them. */
START_TEST(test_get_limits)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	char			pebble[49], rock[49], bag[49];
	int32_t			room;
	int64_t			heavy, p, bg;

	world_open(&w);
	room = new_room(w.s, "Heavy Room");
	new_char(&w, "Glm", room, &me);
	new_proto(pebble, "pebble", "a pebble", "pebble", "misc", 1, NULL, 0);
	new_proto(rock, "rock", "a huge rock", "huge rock", "misc", 61, NULL,
	    0);
	new_proto(bag, "bag", "a bag", "bag", "container", 1, NULL, 100);
	/* Level 1: 12 things, 60 weight. */
	heavy = item_on_floor(rock, room);
	run_no(w.s, me.id, "get", "rock",
	    "That is too heavy for you to carry.\n");
	ck_assert_int_eq(item_col(heavy, "room_id"), room);
	/* At level 2 it is 70: light enough. */
	sqlf("UPDATE characters SET level = 2 WHERE id = %lld",
	    (long long)me.id);
	run_ok(w.s, me.id, "get", "rock", "You get a huge rock.\n");
	run_ok(w.s, me.id, "drop", "rock", "You drop a huge rock.\n");
	sqlf("UPDATE characters SET level = 1 WHERE id = %lld",
	    (long long)me.id);
	/* Eleven in hand, one more is fine, two more are not. */
	for (int i = 0; i < 11; i++)
		item_on(pebble, me.id, NULL);
	p = item_on_floor(pebble, room);
	item_on_floor(pebble, room);
	run(w.s, me.id, "get", "all.pebble", &r);
	ck_assert_str_eq(r.out, "You get a pebble.\n"
	    "You can't carry that many items.\n");
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(item_col(p, "carrier_id"), me.id);
	run_no(w.s, me.id, "get", "pebble",
	    "You can't carry that many items.\n");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE room_id = %d"
	    " AND proto_id = '%s'", room, pebble), 1);
	/* Worn things do not count; a bag counts once, its contents weigh. */
	sqlf("DELETE FROM items WHERE carrier_id = %lld", (long long)me.id);
	bg = item_on(bag, me.id, NULL);
	for (int i = 0; i < 30; i++)
		item_inside(pebble, bg);
	run_ok(w.s, me.id, "get", "pebble", "You get a pebble.\n");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE proto_id ="
	    " '%s' AND room_id = %d", pebble, room), 0);
	for (int i = 0; i < 27; i++)
		item_inside(pebble, bg);
	/* Bag 1 + 57 inside + 1 in hand = 59: one pebble more is 60. */
	item_on_floor(pebble, room);
	run_ok(w.s, me.id, "get", "pebble", "You get a pebble.\n");
	item_on_floor(pebble, room);
	run_no(w.s, me.id, "get", "pebble",
	    "That is too heavy for you to carry.\n");
	/* Out of a bag already carried, only the count matters. */
	run_ok(w.s, me.id, "get", "pebble from bag",
	    "You get a pebble from a bag.\n");
	store_close(w.s);
}
END_TEST

/* Refusals of get say why and change nothing. */
START_TEST(test_get_refused)
{
	struct world		w;
	struct store_char	me;
	int32_t			room;
	int64_t			c;

	world_open(&w);
	room = new_room(w.s, "Refusal Room");
	new_char(&w, "Grf", room, &me);
	c = sqlv("INSERT INTO items (proto_id, room_id, name, keywords, coins)"
	    " VALUES ('corpse', %d, 'the corpse of a rat', 'corpse rat', 3)"
	    " RETURNING id", room);
	run_no(w.s, me.id, "get", "sword", "You don't see that here.\n");
	run_no(w.s, me.id, "get", "0.sword", "You don't see that here.\n");
	run_no(w.s, me.id, "get", "corpse", "You can't take that.\n");
	run_no(w.s, me.id, "get", "all.corpse", "You can't take that.\n");
	run_no(w.s, me.id, "get", "coins", "There are no coins here.\n");
	run_no(w.s, me.id, "get", "0 coins",
	    "You can only take a positive number of coins.\n");
	sqlf("UPDATE rooms SET coins = 15 WHERE id = %d", room);
	run_no(w.s, me.id, "get", "16 coins",
	    "There aren't that many coins here.\n");
	run_no(w.s, me.id, "get", "sword from corpse",
	    "You don't see that in the corpse of a rat.\n");
	run_no(w.s, me.id, "get", "all from bag",
	    "You don't see that here.\n");
	ck_assert_int_eq(item_col(c, "room_id"), room);
	ck_assert_int_eq(item_col(c, "coins"), 3);
	ck_assert_int_eq(room_coins(room), 15);
	ck_assert_int_eq(coins_of(me.id), 100);
	/* Coins: some, one, the rest. */
	run_ok(w.s, me.id, "get", "10 coins", "You get 10 coins.\n");
	run_ok(w.s, me.id, "get", "1 coin", "You get 1 coin.\n");
	run_ok(w.s, me.id, "get", "coins", "You get 4 coins.\n");
	ck_assert_int_eq(coins_of(me.id), 115);
	ck_assert_int_eq(room_coins(room), 0);
	store_close(w.s);
}
END_TEST

/* Coins are dropped to the floor and picked up again. */
START_TEST(test_coins_drop_get)
{
	struct world		w;
	struct store_char	me, bob;
	PGconn			*lc = listen_open();
	char			text[96], want[96];
	int32_t			room;

	world_open(&w);
	room = new_room(w.s, "Coin Room");
	new_char(&w, "Cda", room, &me);
	new_char(&w, "Cdb", room, &bob);
	run_ok(w.s, me.id, "drop", "10 coins", "You drop 10 coins.\n");
	ck_assert_int_eq(coins_of(me.id), 90);
	ck_assert_int_eq(room_coins(room), 10);
	snprintf(text, sizeof text, "%s drops 10 coins.", me.name);
	expect_notify(lc, text, &bob.id, 1);
	run_ok(w.s, me.id, "drop", "1 coin", "You drop 1 coin.\n");
	run_no(w.s, me.id, "drop", "90 coins",
	    "You don't have that many coins.\n");
	run_no(w.s, me.id, "drop", "0 coins",
	    "You can only drop a positive number of coins.\n");
	ck_assert_int_eq(coins_of(me.id), 89);
	run_ok(w.s, bob.id, "get", "coins", "You get 11 coins.\n");
	snprintf(text, sizeof text, "%s gets 11 coins.", bob.name);
	expect_notify(lc, text, &me.id, 1);
	ck_assert_int_eq(coins_of(bob.id), 111);
	ck_assert_int_eq(room_coins(room), 0);
	run_ok(w.s, me.id, "drop", "coins", "You drop 89 coins.\n");
	run_no(w.s, me.id, "drop", "coins", "You don't have any coins.\n");
	ck_assert_int_eq(room_coins(room), 89);
	/* give N coins still goes to the coins handler. */
	snprintf(text, sizeof text, "5 coins to %s", me.name);
	snprintf(want, sizeof want, "You give 5 coins to %s.\n", me.name);
	run_ok(w.s, bob.id, "give", text, want);
	ck_assert_int_eq(coins_of(me.id), 5);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* put into a container, look in it, take out of it; capacity by weight. */
START_TEST(test_put_and_containers)
{
	struct world		w;
	struct store_char	me, bob;
	PGconn			*lc = listen_open();
	char			sack[49], dagger[49], rock[49], cap[49];
	char			text[128];
	int32_t			room;
	int64_t			sk, d1, d2, rk, box, cp;
	struct run		r;

	world_open(&w);
	room = new_room(w.s, "Sack Room");
	new_char(&w, "Pta", room, &me);
	new_char(&w, "Ptb", room, &bob);
	new_proto(sack, "sack", "a leather sack", "leather sack", "container",
	    2, NULL, 10);
	new_proto(dagger, "dagger", "a dagger", "dagger", "weapon", 2,
	    "wield", 0);
	new_proto(rock, "rock", "a rock", "rock", "misc", 7, NULL, 0);
	new_proto(cap, "cap", "a leather cap", "leather cap", "armor", 2,
	    "head", 0);
	sk = item_on(sack, me.id, NULL);
	d1 = item_on(dagger, me.id, NULL);
	d2 = item_on(dagger, me.id, NULL);
	rk = item_on(rock, me.id, NULL);
	cp = item_on(cap, me.id, NULL);
	run_ok(w.s, me.id, "put", "dagger in sack",
	    "You put a dagger in a leather sack.\n");
	ck_assert_int_eq(item_col(d1, "container_id"), sk);
	ck_assert_int_eq(item_col(d1, "carrier_id"), 0);
	snprintf(text, sizeof text, "%s puts a dagger in a leather sack.",
	    me.name);
	expect_notify(lc, text, &bob.id, 1);
	/* 2 + 7 would be 9 of 10 ... */
	run_ok(w.s, me.id, "put", "rock into leather",
	    "You put a rock in a leather sack.\n");
	/* ... and another dagger would make 11. */
	run_no(w.s, me.id, "put", "dagger sack", "It won't fit.\n");
	ck_assert_int_eq(item_col(d2, "carrier_id"), me.id);
	run(w.s, me.id, "put", "all in sack", &r);
	ck_assert_str_eq(r.out, "A dagger won't fit.\nA leather cap won't fit."
	    "\n");
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	run_no(w.s, me.id, "put", "sack in sack",
	    "You can't put something in itself.\n");
	run_no(w.s, me.id, "put", "cap in dagger",
	    "That isn't a container.\n");
	run_no(w.s, me.id, "put", "cap in chest", "You don't see that here."
	    "\n");
	run_no(w.s, me.id, "put", "sword in sack",
	    "You aren't carrying that.\n");
	run_no(w.s, me.id, "put", "cap", "Put what in what?\n");
	ck_assert_int_eq(item_col(cp, "carrier_id"), me.id);
	/* What is in it: look in, examine (description then contents). */
	run(w.s, me.id, "look", "in sack", &r);
	ck_assert_str_eq(r.out, "A leather sack contains:\n  a dagger\n"
	    "  a rock\n");
	run(w.s, me.id, "examine", "sack", &r);
	ck_assert_str_eq(r.out, "It is a leather sack.\nA leather sack "
	    "contains:\n  a dagger\n  a rock\n");
	run_no(w.s, me.id, "look", "in cap", "That isn't a container.\n");
	/* Out again, one by one and all. */
	run_ok(w.s, me.id, "get", "rock from sack",
	    "You get a rock from a leather sack.\n");
	ck_assert_int_eq(item_col(rk, "carrier_id"), me.id);
	run_ok(w.s, me.id, "put", "all.dagger in sack",
	    "You put a dagger in a leather sack.\n");
	run_ok(w.s, me.id, "get", "all from sack",
	    "You get a dagger from a leather sack.\n"
	    "You get a dagger from a leather sack.\n");
	run_no(w.s, me.id, "get", "all from sack",
	    "A leather sack is empty.\n");
	run(w.s, me.id, "look", "in sack", &r);
	ck_assert_str_eq(r.out, "A leather sack is empty.\n");
	/* A container on the floor works the same; nothing in a worn cap. */
	run_ok(w.s, me.id, "drop", "sack", "You drop a leather sack.\n");
	run_ok(w.s, bob.id, "get", "sack", "You get a leather sack.\n");
	run_ok(w.s, bob.id, "drop", "sack", "You drop a leather sack.\n");
	run_ok(w.s, me.id, "put", "dagger in sack",
	    "You put a dagger in a leather sack.\n");
	ck_assert_int_eq(item_col(sk, "room_id"), room);
	run_ok(w.s, bob.id, "get", "dagger from sack",
	    "You get a dagger from a leather sack.\n");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE carrier_id ="
	    " %lld AND proto_id = '%s'", (long long)bob.id, dagger), 1);
	box = sqlv("INSERT INTO items (proto_id, room_id, name, keywords)"
	    " VALUES ('corpse', %d, 'the corpse of a rat', 'corpse rat')"
	    " RETURNING id", room);
	run_no(w.s, me.id, "put", "cap in corpse",
	    "You can't put anything in the corpse of a rat.\n");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE container_id"
	    " = %lld", (long long)box), 0);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* get all corpse: items and coins; the corpse shows on the floor. */
START_TEST(test_corpse)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	char			sword[49], dagger[49];
	int32_t			room;
	int64_t			c, s1, d1;

	world_open(&w);
	room = new_room(w.s, "Battlefield");
	new_char(&w, "Cor", room, &me);
	new_proto(sword, "sword", "a long sword", "long sword", "weapon", 5,
	    "wield", 0);
	new_proto(dagger, "dagger", "a dagger", "dagger", "weapon", 1,
	    "wield", 0);
	c = sqlv("INSERT INTO items (proto_id, room_id, name, keywords, coins)"
	    " VALUES ('corpse', %d, 'the corpse of a goblin', 'corpse goblin',"
	    " 15) RETURNING id", room);
	d1 = item_inside(dagger, c);
	s1 = item_inside(sword, c);
	run_show(w.s, me.id, room, &r);
	ck_assert_msg(strstr(r.out, "\nThe corpse of a goblin lies here.\n") !=
	    NULL, "%s", r.out);
	run(w.s, me.id, "examine", "corpse", &r);
	ck_assert_str_eq(r.out, "A lifeless body, already growing cold.\n"
	    "The corpse of a goblin contains:\n  a dagger\n  a long sword\n"
	    "  15 coins\n");
	run_ok(w.s, me.id, "get", "all corpse",
	    "You get a dagger from the corpse of a goblin.\n"
	    "You get a long sword from the corpse of a goblin.\n"
	    "You get 15 coins from the corpse of a goblin.\n");
	ck_assert_int_eq(item_col(d1, "carrier_id"), me.id);
	ck_assert_int_eq(item_col(s1, "carrier_id"), me.id);
	ck_assert_int_eq(item_col(c, "coins"), 0);
	ck_assert_int_eq(coins_of(me.id), 115);
	run_no(w.s, me.id, "get", "all corpse",
	    "The corpse of a goblin is empty.\n");
	sqlf("UPDATE items SET coins = 4 WHERE id = %lld", (long long)c);
	run_ok(w.s, me.id, "get", "coins from goblin",
	    "You get 4 coins from the corpse of a goblin.\n");
	run_no(w.s, me.id, "get", "coins from corpse",
	    "There are no coins here.\n");
	store_close(w.s);
}
END_TEST

/* give ITEM to a player or an NPC; the room hears, limits hold. */
START_TEST(test_give_item)
{
	struct world		w;
	struct store_char	me, bob, eve;
	PGconn			*lc = listen_open();
	char			dagger[49], rock[49], npcp[49], args[96];
	char			want[256];
	int32_t			room;
	int64_t			d1, d2, rk, gob;
	struct run		r;

	world_open(&w);
	room = new_room(w.s, "Gift Room");
	new_char(&w, "Gva", room, &me);
	new_char(&w, "Gvb", room, &bob);
	new_char(&w, "Gve", room, &eve);
	new_proto(dagger, "dagger", "a dagger", "dagger", "weapon", 1,
	    "wield", 0);
	new_proto(rock, "rock", "a boulder", "boulder", "misc", 50, NULL, 0);
	d1 = item_on(dagger, me.id, NULL);
	d2 = item_on(dagger, me.id, NULL);
	rk = item_on(rock, me.id, NULL);
	gob = new_proto_npc(room, "a goblin", "goblin",
	    "A goblin snarls at you.", npcp);
	snprintf(args, sizeof args, "dagger to %s", bob.name);
	snprintf(want, sizeof want, "You give a dagger to %s.\n", bob.name);
	run_ok(w.s, me.id, "give", args, want);
	ck_assert_int_eq(item_col(d1, "carrier_id"), bob.id);
	snprintf(want, sizeof want, "%s gives you a dagger.", me.name);
	expect_notify(lc, want, &bob.id, 1);
	snprintf(want, sizeof want, "%s gives a dagger to %s.", me.name,
	    bob.name);
	expect_notify(lc, want, &eve.id, 1);
	/* To an NPC, by keyword; the short form without "to". */
	run_ok(w.s, me.id, "give", "dagger goblin",
	    "You give a dagger to a goblin.\n");
	ck_assert_int_eq(item_col(d2, "carrier_id"), gob);
	/* Refusals. */
	run_no(w.s, me.id, "give", "dagger to goblin",
	    "You aren't carrying that.\n");
	run_no(w.s, me.id, "give", "boulder to nobody",
	    "There is no one called nobody here.\n");
	run_no(w.s, me.id, "give", "boulder", "Give what to whom?\n");
	/* Bob carries a dagger (1) and can take 59 more, not 60. */
	sqlf("UPDATE item_protos SET weight = 60 WHERE id = '%s'", rock);
	snprintf(args, sizeof args, "boulder to %s", bob.name);
	snprintf(want, sizeof want, "%s can't carry that much weight.\n",
	    bob.name);
	run_no(w.s, me.id, "give", args, want);
	ck_assert_int_eq(item_col(rk, "carrier_id"), me.id);
	for (int i = 0; i < 11; i++)
		item_on(dagger, bob.id, NULL);
	sqlf("UPDATE item_protos SET weight = 1 WHERE id = '%s'", rock);
	snprintf(want, sizeof want, "%s can't carry that many items.\n",
	    bob.name);
	run_no(w.s, me.id, "give", args, want);
	ck_assert_int_eq(item_col(rk, "carrier_id"), me.id);
	/* An offline player is not there to give to. */
	sqlf("UPDATE characters SET session_instance = NULL WHERE id = %lld",
	    (long long)eve.id);
	snprintf(args, sizeof args, "boulder to %s", eve.name);
	run(w.s, me.id, "give", args, &r);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	ck_assert_int_eq(item_col(rk, "carrier_id"), me.id);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* wear, wield, remove, equipment; slots one each; weapons are wielded. */
START_TEST(test_wear_wield_remove)
{
	struct world		w;
	struct store_char	me, bob;
	PGconn			*lc = listen_open();
	char			cap[49], helm[49], sword[49], rock[49];
	char			boots[49];
	char			text[128];
	int32_t			room;
	int64_t			cp, hm, sw, bt;
	struct run		r;

	world_open(&w);
	room = new_room(w.s, "Armoury");
	new_char(&w, "Wra", room, &me);
	new_char(&w, "Wrb", room, &bob);
	new_proto(cap, "cap", "a leather cap", "leather cap", "armor", 1,
	    "head", 0);
	new_proto(helm, "helm", "an iron helm", "iron helm", "armor", 3,
	    "head", 0);
	new_proto(sword, "sword", "a long sword", "long sword", "weapon", 5,
	    "wield", 0);
	new_proto(rock, "rock", "a rock", "rock", "misc", 1, NULL, 0);
	new_proto(boots, "boots", "a pair of boots", "pair boots", "armor", 2,
	    "feet", 0);
	cp = item_on(cap, me.id, NULL);
	hm = item_on(helm, me.id, NULL);
	sw = item_on(sword, me.id, NULL);
	item_on(rock, me.id, NULL);
	bt = item_on(boots, me.id, NULL);
	run_ok(w.s, me.id, "equipment", "", "You are not using anything.\n");
	run_ok(w.s, me.id, "wear", "cap",
	    "You wear a leather cap on your head.\n");
	ck_assert(item_worn(cp, "head"));
	snprintf(text, sizeof text, "%s wears a leather cap.", me.name);
	expect_notify(lc, text, &bob.id, 1);
	run_no(w.s, me.id, "wear", "helm",
	    "You are already wearing something on your head.\n");
	run_no(w.s, me.id, "wear", "sword", "You need to wield that.\n");
	run_no(w.s, me.id, "wear", "rock", "You can't wear that.\n");
	run_no(w.s, me.id, "wear", "cap", "You aren't carrying that.\n");
	run_no(w.s, me.id, "wield", "rock", "You can't wield that.\n");
	run_ok(w.s, me.id, "wield", "sword", "You wield a long sword.\n");
	ck_assert(item_worn(sw, "wield"));
	snprintf(text, sizeof text, "%s wields a long sword.", me.name);
	expect_notify(lc, text, &bob.id, 1);
	/* wear all: boots go on; the helm's slot is taken; rock ignored. */
	run(w.s, me.id, "wear", "all", &r);
	ck_assert_str_eq(r.out, "You are already wearing something on your "
	    "head.\nYou wear a pair of boots on your feet.\n");
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert(item_worn(bt, "feet"));
	ck_assert(!item_worn(hm, "head"));
	run_ok(w.s, me.id, "equipment", "", "You are using:\n"
	    "  <worn on head>        a leather cap\n"
	    "  <worn on feet>        a pair of boots\n"
	    "  <wielded>             a long sword\n");
	run_ok(w.s, me.id, "inventory", "", "You are carrying:\n"
	    "  an iron helm\n  a rock\n");
	/* Worn things cannot be dropped or given. */
	run_no(w.s, me.id, "drop", "cap", "You aren't carrying that.\n");
	run_ok(w.s, me.id, "remove", "cap",
	    "You stop using a leather cap.\n");
	ck_assert_int_eq(item_col(cp, "carrier_id"), me.id);
	ck_assert(!item_worn(cp, "head"));
	snprintf(text, sizeof text, "%s stops using a leather cap.", me.name);
	expect_notify(lc, text, &bob.id, 1);
	run_no(w.s, me.id, "remove", "cap", "You aren't using that.\n");
	/* Removing needs a free hand: at 12 in hand it is refused. */
	for (int i = 0; i < 9; i++)
		item_on(rock, me.id, NULL);
	run_no(w.s, me.id, "remove", "sword",
	    "You can't carry that many items.\n");
	ck_assert(item_worn(sw, "wield"));
	sqlf("DELETE FROM items WHERE carrier_id = %lld AND proto_id = '%s'",
	    (long long)me.id, rock);
	run_ok(w.s, me.id, "remove", "all", "You stop using a long sword.\n"
	    "You stop using a pair of boots.\n");
	run_no(w.s, me.id, "remove", "all", "You aren't using anything.\n");
	run_no(w.s, me.id, "wield", "all", "You can wield only one weapon."
	    "\n");
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* inventory groups identical things, in the order first acquired. */
START_TEST(test_inventory)
{
	struct world		w;
	struct store_char	me;
	char			dagger[49], sack[49];
	int32_t			room;
	int64_t			sk;

	world_open(&w);
	room = new_room(w.s, "Pack Room");
	new_char(&w, "Inv", room, &me);
	run_ok(w.s, me.id, "inventory", "", "You are carrying nothing.\n");
	new_proto(dagger, "dagger", "a dagger", "dagger", "weapon", 1,
	    "wield", 0);
	new_proto(sack, "sack", "a leather sack", "leather sack", "container",
	    2, NULL, 10);
	item_on(dagger, me.id, NULL);
	sk = item_on(sack, me.id, NULL);
	item_on(dagger, me.id, NULL);
	item_on(dagger, me.id, "wield");
	item_inside(dagger, sk);
	run_ok(w.s, me.id, "inventory", "", "You are carrying:\n"
	    "  a dagger (x2)\n  a leather sack\n");
	store_close(w.s);
}
END_TEST

/* examine and look at: items, NPCs and players with their equipment. */
START_TEST(test_examine)
{
	struct world		w;
	struct store_char	me, bob;
	char			cap[49], npcp[49], args[64], want[512];
	int32_t			room;
	int64_t			gob;
	struct run		r;

	world_open(&w);
	room = new_room(w.s, "Gallery");
	new_char(&w, "Exa", room, &me);
	new_char(&w, "Exb", room, &bob);
	new_proto(cap, "cap", "a leather cap", "leather cap", "armor", 1,
	    "head", 0);
	gob = new_proto_npc(room, "a goblin", "goblin",
	    "A goblin snarls at you.", npcp);
	item_on(cap, gob, "head");
	item_on(cap, bob.id, "head");
	item_on_floor(cap, room);
	run(w.s, me.id, "examine", "goblin", &r);
	ck_assert_str_eq(r.out, "A creature made by a test.\nA goblin is "
	    "using:\n  <worn on head>        a leather cap\n");
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	snprintf(args, sizeof args, "%s", bob.name);
	args[0] = (char)(args[0] + 32);
	snprintf(want, sizeof want, "You see nothing special about %s.\n"
	    "%s is using:\n  <worn on head>        a leather cap\n", bob.name,
	    bob.name);
	run(w.s, me.id, "examine", args, &r);
	ck_assert_str_eq(r.out, want);
	/* look <target> and look at <target> are examine. */
	run(w.s, me.id, "look", args, &r);
	ck_assert_str_eq(r.out, want);
	snprintf(args, sizeof args, "at %s", bob.name);
	run(w.s, me.id, "look", args, &r);
	ck_assert_str_eq(r.out, want);
	snprintf(want, sizeof want, "You see nothing special about %s.\n",
	    me.name);
	snprintf(args, sizeof args, "%s", me.name);
	run(w.s, bob.id, "examine", args, &r);
	ck_assert_str_eq(r.out, want);
	run(w.s, me.id, "look", "cap", &r);
	ck_assert_str_eq(r.out, "It is a leather cap.\n");
	run(w.s, me.id, "examine", "nothing", &r);
	ck_assert_str_eq(r.out, "You don't see that here.\n");
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	run(w.s, me.id, "look", "in goblin", &r);
	ck_assert_str_eq(r.out, "You don't see that here.\n");
	store_close(w.s);
}
END_TEST

/* look lists NPCs, items (grouped) and coins after the players. */
START_TEST(test_look_contents)
{
	struct world		w;
	struct store_char	me, bob;
	char			dagger[49], sword[49], npcp[49], ratp[49];
	char			want[1024];
	int32_t			room;
	struct run		r;

	world_open(&w);
	room = new_room(w.s, "Busy Room");
	new_char(&w, "Lka", room, &me);
	new_char(&w, "Lkb", room, &bob);
	new_proto(dagger, "dagger", "a dagger", "dagger", "weapon", 1,
	    "wield", 0);
	new_proto(sword, "sword", "a long sword", "long sword", "weapon", 5,
	    "wield", 0);
	new_proto_npc(room, "a goblin", "goblin", "A goblin snarls at you.",
	    npcp);
	new_proto_npc(room, "a rat", "rat", "A rat scurries about.", ratp);
	more_npc(room, "a goblin", npcp);
	item_on_floor(dagger, room);
	item_on_floor(sword, room);
	item_on_floor(dagger, room);
	sqlf("UPDATE rooms SET coins = 15 WHERE id = %d", room);
	run_show(w.s, me.id, room, &r);
	snprintf(want, sizeof want, "Busy Room\n   A room made by a test.\n"
	    "Exits: none\n%s is here.\n[2] A goblin snarls at you.\n"
	    "A rat scurries about.\n[2] A dagger lies here.\n"
	    "A long sword lies here.\nThere are 15 coins here.\n", bob.name);
	ck_assert_str_eq(r.out, want);
	sqlf("UPDATE rooms SET coins = 1 WHERE id = %d", room);
	sqlf("DELETE FROM characters WHERE room_id = %d AND proto_id IS NOT"
	    " NULL", room);
	sqlf("DELETE FROM items WHERE room_id = %d", room);
	run(w.s, me.id, "look", "", &r);
	snprintf(want, sizeof want, "Busy Room\n   A room made by a test.\n"
	    "Exits: none\n%s is here.\nThere is 1 coin here.\n", bob.name);
	ck_assert_str_eq(r.out, want);
	store_close(w.s);
}
END_TEST

struct racer {
	pthread_t		 thread;
	struct store		*s;
	const struct store_char	*c;
	const char		*args;
	pthread_barrier_t	*start;
	struct run		 r;
};

/* Thread: wait for the others, then get at the same moment. */
static void *
racer_main(void *arg)
{
	struct racer	*rc = arg;

	memset(&rc->r, 0, sizeof rc->r);
	rc->r.cmd = "get";
	rc->r.args = rc->args;
	rc->r.id = rc->c->id;
	snprintf(rc->r.inst, sizeof rc->r.inst, "%s", rc->c->session_instance);
	rc->r.sid = rc->c->session_id;
	pthread_barrier_wait(rc->start);
	(void)run_call(rc->s, &rc->r, 3);
	return NULL;
}

#define RACERS	8
#define ROUNDS	25

/* Players grabbing the same thing at once: exactly one gets it. */
START_TEST(test_get_race)
{
	struct world		w;
	struct store_char	c[RACERS];
	struct racer		rc[RACERS];
	pthread_barrier_t	start;
	char			gem[49];
	int32_t			room;
	int			wins[RACERS] = { 0 };

	world_open(&w);
	room = new_room(w.s, "Race Room");
	new_proto(gem, "gem", "a gem", "gem", "treasure", 0, NULL, 0);
	for (int i = 0; i < RACERS; i++) {
		new_char(&w, "Race", room, &c[i]);
		/* Room for every gem: one racer may win all ROUNDS rounds. */
		sqlf("UPDATE characters SET level = 10 WHERE id = %lld",
		    (long long)c[i].id);
		rc[i].s = test_store();
		rc[i].c = &c[i];
		rc[i].args = "gem";
		rc[i].start = &start;
	}
	for (int round = 0; round < ROUNDS; round++) {
		int64_t	g = item_on_floor(gem, room);
		int	got = 0;

		pthread_barrier_init(&start, NULL, RACERS);
		for (int i = 0; i < RACERS; i++)
			pthread_create(&rc[i].thread, NULL, racer_main, &rc[i]);
		for (int i = 0; i < RACERS; i++)
			pthread_join(rc[i].thread, NULL);
		pthread_barrier_destroy(&start);
		for (int i = 0; i < RACERS; i++) {
			struct run	*r = &rc[i].r;

			ck_assert_int_ne(r->result, TXR_FAILED);
			if (r->result == TXR_COMMITTED) {
				ck_assert_str_eq(r->out, "You get a gem.\n");
				ck_assert_int_eq(item_col(g, "carrier_id"),
				    c[i].id);
				wins[i]++;
				got++;
			} else
				ck_assert_str_eq(r->out,
				    "You don't see that here.\n");
		}
		ck_assert_int_eq(got, 1);
	}
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE proto_id ="
	    " '%s'", gem), ROUNDS);
	for (int i = 0; i < RACERS; i++) {
		ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE"
		    " carrier_id = %lld", (long long)c[i].id), wins[i]);
		store_close(rc[i].s);
	}
	store_close(w.s);
}
END_TEST

/* The schema keeps an item in one place whatever SQL tries. */
START_TEST(test_schema_one_place)
{
	struct world		w;
	struct store_char	me;
	char			sack[49], rock[49], cap[49], sql[512], v[32];
	char			bad[7][256];
	int32_t			room;
	int64_t			a, b, rk, c1;

	world_open(&w);
	room = new_room(w.s, "Schema Room");
	new_char(&w, "Sch", room, &me);
	new_proto(sack, "sack", "a sack", "sack", "container", 2, NULL, 100);
	new_proto(rock, "rock", "a rock", "rock", "misc", 7, NULL, 0);
	new_proto(cap, "cap", "a cap", "cap", "armor", 1, "head", 0);
	a = item_on(sack, me.id, NULL);
	b = item_inside(sack, a);
	rk = item_inside(rock, b);
	c1 = item_on(cap, me.id, "head");
	/* Weight counts everything inside, however deep. */
	snprintf(sql, sizeof sql, "SELECT item_weight(%lld)", (long long)a);
	ck_assert(store_exec_value(w.s, sql, v, sizeof v));
	ck_assert_str_eq(v, "11");
	/* Two places, no place, worn off the body, two on one slot. */
	snprintf(bad[0], sizeof bad[0], "UPDATE items SET room_id = %d"
	    " WHERE id = %lld", room, (long long)a);
	snprintf(bad[1], sizeof bad[1], "UPDATE items SET carrier_id = NULL"
	    " WHERE id = %lld", (long long)a);
	snprintf(bad[2], sizeof bad[2], "UPDATE items SET carrier_id = NULL,"
	    " room_id = %d WHERE id = %lld", room, (long long)c1);
	snprintf(bad[3], sizeof bad[3], "INSERT INTO items (proto_id,"
	    " carrier_id, worn_slot) VALUES ('%s', %lld, 'head')", cap,
	    (long long)me.id);
	/* Into a non-container, into what is inside it, into itself. */
	snprintf(bad[4], sizeof bad[4], "UPDATE items SET container_id = %lld,"
	    " carrier_id = NULL WHERE id = %lld", (long long)rk, (long long)a);
	snprintf(bad[5], sizeof bad[5], "UPDATE items SET container_id = %lld,"
	    " carrier_id = NULL WHERE id = %lld", (long long)b, (long long)a);
	snprintf(bad[6], sizeof bad[6], "UPDATE items SET container_id = %lld"
	    " WHERE id = %lld", (long long)b, (long long)b);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!store_exec_script(w.s, bad[i]), "allowed: %s",
		    bad[i]);
	ck_assert_int_eq(item_col(a, "carrier_id"), me.id);
	ck_assert_int_eq(item_col(b, "container_id"), a);
	ck_assert(item_worn(c1, "head"));
	store_close(w.s);
}
END_TEST

/* The items suite. */
Suite *
items_suite(void)
{
	Suite	*s = suite_create("items");
	TCase	*tc = tcase_create("items");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_get_drop_one);
	tcase_add_test(tc, test_get_all_and_nth);
	tcase_add_test(tc, test_get_limits);
	tcase_add_test(tc, test_get_refused);
	tcase_add_test(tc, test_coins_drop_get);
	tcase_add_test(tc, test_put_and_containers);
	tcase_add_test(tc, test_corpse);
	tcase_add_test(tc, test_give_item);
	tcase_add_test(tc, test_wear_wield_remove);
	tcase_add_test(tc, test_inventory);
	tcase_add_test(tc, test_examine);
	tcase_add_test(tc, test_look_contents);
	tcase_add_test(tc, test_get_race);
	tcase_add_test(tc, test_schema_one_place);
	suite_add_tcase(s, tc);
	return s;
}
