/*
 * test_shop_fixture.c — fixtures of the shop tests, made with SQL: the
 * area "shoptest" (whose resets never come due) and its item prototypes,
 * private rooms (900000 and up), keeper NPCs (characters rows with a
 * proto_id and no password) with a shops row, players online on the
 * test's own instance, and items in anyone's inventory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep_test.h"
#include "test_shop.h"

/* The shared test area and item prototypes (idempotent). */
static void
shopt_protos(void)
{
	test_sql("INSERT INTO areas (id, name, next_reset_at) VALUES"
	    " ('shoptest', 'Shop tests', now() + interval '10 years')"
	    " ON CONFLICT DO NOTHING;"
	    "INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, weight, value, wear_slot, damage_min,"
	    " damage_max, capacity) VALUES"
	    " ('shpt_dagger', 'a dagger', 'dagger', 'A dagger lies here.',"
	    "  'A short blade.', 'weapon', 1, 10, 'wield', 1, 4, 0),"
	    " ('shpt_short', 'a short sword', 'short sword', 'A sword.',"
	    "  'A short sword.', 'weapon', 3, 50, 'wield', 2, 6, 0),"
	    " ('shpt_long', 'a long sword', 'long sword', 'A sword.',"
	    "  'A long sword.', 'weapon', 4, 100, 'wield', 3, 8, 0),"
	    " ('shpt_bread', 'a loaf of bread', 'loaf bread', 'Bread.',"
	    "  'A loaf.', 'food', 1, 3, NULL, 0, 0, 0),"
	    " ('shpt_pebble', 'a smooth pebble', 'smooth pebble', 'A pebble.',"
	    "  'A pebble.', 'misc', 1, 0, NULL, 0, 0, 0),"
	    " ('shpt_sack', 'a burlap sack', 'burlap sack', 'A sack.',"
	    "  'A sack.', 'container', 1, 4, NULL, 0, 0, 10)"
	    " ON CONFLICT DO NOTHING");
}

/* Make the shared prototypes, open a store, register an instance. */
void
shopt_world_open(struct world *w)
{
	shopt_protos();
	world_open(w);
}

/* Create a room in the private range; returns its id. */
int32_t
shopt_room(struct store *s)
{
	return new_area_room(s, "shoptest", "A Shop",
	    "A room made by a shop test.");
}

/* Create an online player in room with coins. */
void
shopt_char(struct world *w, int32_t room, long long coins,
    struct store_char *c)
{
	new_char(w, "Shp", room, c);
	sqlf("UPDATE characters SET coins = %lld WHERE id = %lld", coins,
	    (long long)c->id);
	c->coins = coins;
}

/*
 * A shop in a new room: a keeper NPC called name with coins, and a shops
 * row with the given terms (types is an array literal like '{weapon}').
 */
void
shopt_shop(struct world *w, struct shop *sh, const char *name,
    long long coins, int buy, int sell, const char *types, bool heals,
    int heal_price)
{
	char	n[17];

	test_name(n, "k");
	for (char *p = n; *p != '\0'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	snprintf(sh->proto, sizeof sh->proto, "shpk_%s", n);
	sh->room = shopt_room(w->s);
	sqlf("INSERT INTO npc_protos (id, area, name, keywords, "
	    "long_desc, description) VALUES ('%s', 'shoptest', '%s', 'keeper',"
	    " 'A keeper stands here.', 'A keeper of a test shop.');"
	    "INSERT INTO shops (npc_proto, buy_percent, sell_percent,"
	    " buys_types, heals, heal_price) VALUES ('%s', %d, %d, '%s', %s,"
	    " %d)", sh->proto, name, sh->proto, buy, sell, types,
	    heals ? "true" : "false", heal_price);
	sh->keeper = sqlv("INSERT INTO characters (name, room_id, "
	    "proto_id, coins) VALUES ('%s', %d, '%s', %lld) RETURNING id", name,
	    sh->room, sh->proto, coins);
}

/* A plain shop: 120% to buy, 50% to sell, every type, no healing. */
void
shopt_plain_shop(struct world *w, struct shop *sh, long long coins)
{
	shopt_shop(w, sh, "the shopkeeper", coins, 120, 50, "{}", false, 0);
}

/* How many items of proto a character carries ("" for any). */
long long
shopt_items_of(int64_t who, const char *proto)
{
	return sqlv("SELECT count(*) FROM items WHERE carrier_id = %lld"
	    " AND ('%s' = '' OR proto_id = '%s')", (long long)who, proto,
	    proto);
}

/* Run cmd for character id in one transaction, as the dispatcher does. */
void
shopt_run(struct store *s, int64_t id, const char *cmd, const char *args,
    struct run *r)
{
	run(s, id, cmd, args, r);
}

/* Run cmd and check its whole reply, what it returned and the result. */
static void
shopt_want(struct store *s, int64_t id, const char *cmd, const char *args,
    const char *want, enum tx_rc rc, enum tx_result result)
{
	enum tx_rc	got;

	got = run_want(s, id, cmd, args, want, result);
	ck_assert_int_eq(got, rc);
}

/* Run cmd and check it was refused with exactly want. */
void
shopt_refused(struct store *s, int64_t id, const char *cmd, const char *args,
    const char *want)
{
	shopt_want(s, id, cmd, args, want, TX_ROLLBACK, TXR_ROLLED_BACK);
}

/* Run cmd and check it committed with exactly want. */
void
shopt_done(struct store *s, int64_t id, const char *cmd, const char *args,
    const char *want)
{
	shopt_want(s, id, cmd, args, want, TX_COMMIT, TXR_COMMITTED);
}

/* A fingerprint of every item's place and every purse involved. */
long long
shopt_fingerprint(const struct shop *sh, int64_t player)
{
	return sqlv("SELECT (SELECT coalesce(sum(hashtext(id || ':' ||"
	    " coalesce(carrier_id, 0) || ':' || coalesce(container_id, 0) ||"
	    " ':' || coalesce(worn_slot, '-') || ':' || coins)), 0)"
	    " FROM items WHERE carrier_id IN (%lld, %lld) OR container_id IN"
	    " (SELECT id FROM items WHERE carrier_id IN (%lld, %lld)))"
	    " + (SELECT sum(coins * (1 + (id %% 7))) FROM characters"
	    " WHERE id IN (%lld, %lld))", (long long)sh->keeper,
	    (long long)player, (long long)sh->keeper, (long long)player,
	    (long long)sh->keeper, (long long)player);
}
