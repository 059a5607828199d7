/*
 * test_shop_fixture.c — fixtures of the shop tests, made with SQL: the
 * area "shoptest" (whose resets never come due) and its item prototypes,
 * private rooms (900000 and up), keeper NPCs (characters rows with a
 * proto_id and no password) with a shops row, players online on the
 * test's own instance, and items in anyone's inventory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keep_test.h"
#include "test_shop.h"

static int32_t
shopt_rand31(void)
{
	uint32_t	 v = 0;
	FILE		*f = fopen("/dev/urandom", "r");

	ck_assert(f != NULL && fread(&v, sizeof v, 1, f) == 1);
	fclose(f);
	return (int32_t)(v & 0x7fffffff);
}

/* Run formatted SQL on its own connection. */
void
shopt_sqlf(const char *fmt, ...)
{
	char	sql[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	test_sql(sql);
}

/* Run formatted SQL on its own connection; the first value as a number. */
long long
shopt_sqlv(const char *fmt, ...)
{
	char	sql[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return test_sql_value(sql);
}

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

/* A random version-4 UUID. */
static void
shopt_rand_uuid(char out[STORE_UUID_LEN + 1])
{
	snprintf(out, STORE_UUID_LEN + 1, "%08x-%04x-4%03x-8%03x-%08x%04x",
	    (unsigned)shopt_rand31(), (unsigned)shopt_rand31() & 0xffff,
	    (unsigned)shopt_rand31() & 0xfff, (unsigned)shopt_rand31() & 0xfff,
	    (unsigned)shopt_rand31(), (unsigned)shopt_rand31() & 0xffff);
}

/* Open a store and register a fresh instance for the test's sessions. */
void
shopt_world_open(struct world *w)
{
	shopt_protos();
	w->s = test_store();
	shopt_rand_uuid(w->inst);
	ck_assert_int_eq(store_instance_register(w->s, w->inst, "keep-tests",
	    (int)getpid()), STORE_OK);
}

/* Create a room in the private range; returns its id. */
int32_t
shopt_room(struct store *s)
{
	bool	created = false;
	int32_t	id;

	do {
		id = 900000 + shopt_rand31() % 100000000;
		ck_assert_int_eq(store_room_upsert(s, id, "shoptest", "A Shop",
		    "A room made by a shop test.", false, false, &created),
		    STORE_OK);
	} while (!created);
	return id;
}

/* Create an online player in room with coins. */
void
shopt_char(struct world *w, int32_t room, long long coins,
    struct store_char *c)
{
	char	name[17];

	test_name(name, "Shp");
	ck_assert_int_eq(store_char_create(w->s, name, "hash-of-test",
	    w->inst, shopt_rand31(), c), STORE_OK);
	shopt_sqlf("UPDATE characters SET room_id = %d, coins = %lld"
	    " WHERE id = %lld", room, coins, (long long)c->id);
	c->room_id = room;
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
	shopt_sqlf("INSERT INTO npc_protos (id, area, name, keywords, "
	    "long_desc, description) VALUES ('%s', 'shoptest', '%s', 'keeper',"
	    " 'A keeper stands here.', 'A keeper of a test shop.');"
	    "INSERT INTO shops (npc_proto, buy_percent, sell_percent,"
	    " buys_types, heals, heal_price) VALUES ('%s', %d, %d, '%s', %s,"
	    " %d)", sh->proto, name, sh->proto, buy, sell, types,
	    heals ? "true" : "false", heal_price);
	sh->keeper = shopt_sqlv("INSERT INTO characters (name, room_id, "
	    "proto_id, coins) VALUES ('%s', %d, '%s', %lld) RETURNING id", name,
	    sh->room, sh->proto, coins);
}

/* A plain shop: 120% to buy, 50% to sell, every type, no healing. */
void
shopt_plain_shop(struct world *w, struct shop *sh, long long coins)
{
	shopt_shop(w, sh, "the shopkeeper", coins, 120, 50, "{}", false, 0);
}

/* Give a character n new items of proto. */
void
shopt_stock(int64_t who, const char *proto, int n)
{
	shopt_sqlf("INSERT INTO items (proto_id, carrier_id) SELECT '%s', %lld"
	    " FROM generate_series(1, %d)", proto, (long long)who, n);
}

/* How many items of proto a character carries ("" for any). */
long long
shopt_items_of(int64_t who, const char *proto)
{
	return shopt_sqlv("SELECT count(*) FROM items WHERE carrier_id = %lld"
	    " AND ('%s' = '' OR proto_id = '%s')", (long long)who, proto,
	    proto);
}

/* A character's coins, read on another connection. */
long long
shopt_coins_of(int64_t id)
{
	return shopt_sqlv("SELECT coins FROM characters WHERE id = %lld",
	    (long long)id);
}

/* The transaction: load the actor, run the handler, keep what it said. */
enum tx_rc
shopt_run_tx(struct store *s, void *arg)
{
	struct run	*r = arg;
	struct buf	 out = { 0 };
	struct cmd_ctx	 ctx = { .store = s, .out = &out };

	if (store_char_load(s, r->id, &ctx.me) != STORE_OK)
		return TX_ERROR;
	r->rc = r->fn(&ctx, r->args);
	snprintf(r->out, sizeof r->out, "%s", buf_str(&out));
	buf_free(&out);
	return r->rc;
}

/* Run fn for character id in one transaction, as the dispatcher does. */
void
shopt_run(struct store *s, int64_t id, cmd_fn fn, const char *args,
    struct run *r)
{
	memset(r, 0, sizeof *r);
	r->fn = fn;
	r->args = args;
	r->id = id;
	r->result = store_tx(s, fn == cmd_list || fn == cmd_value, 3,
	    shopt_run_tx, r);
	ck_assert_msg(r->result != TXR_FAILED, "transaction failed: %s (%s)",
	    store_error(s), store_sqlstate(s));
}

/* Run fn and check it was refused with exactly want. */
void
shopt_refused(struct store *s, int64_t id, cmd_fn fn, const char *args,
    const char *want)
{
	struct run	r;

	shopt_run(s, id, fn, args, &r);
	ck_assert_str_eq(r.out, want);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
}

/* Run fn and check it committed with exactly want. */
void
shopt_done(struct store *s, int64_t id, cmd_fn fn, const char *args,
    const char *want)
{
	struct run	r;

	shopt_run(s, id, fn, args, &r);
	ck_assert_str_eq(r.out, want);
	ck_assert_int_eq(r.rc, TX_COMMIT);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
}

/* A fingerprint of every item's place and every purse involved. */
long long
shopt_fingerprint(const struct shop *sh, int64_t player)
{
	return shopt_sqlv("SELECT (SELECT coalesce(sum(hashtext(id || ':' ||"
	    " coalesce(carrier_id, 0) || ':' || coalesce(container_id, 0) ||"
	    " ':' || coalesce(worn_slot, '-') || ':' || coins)), 0)"
	    " FROM items WHERE carrier_id IN (%lld, %lld) OR container_id IN"
	    " (SELECT id FROM items WHERE carrier_id IN (%lld, %lld)))"
	    " + (SELECT sum(coins * (1 + (id %% 7))) FROM characters"
	    " WHERE id IN (%lld, %lld))", (long long)sh->keeper,
	    (long long)player, (long long)sh->keeper, (long long)player,
	    (long long)sh->keeper, (long long)player);
}
