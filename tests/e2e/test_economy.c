/*
 * test_economy.c — shops and the economy end to end, over TCP: a race for
 * the last items of a stock, conservation of coins and items under a
 * concurrent mix of trade, and purchases surviving a kill -9.
 *
 * Each test builds a private shop with SQL: a room (900000 and up) in the
 * area "econtest", whose resets never come due and which has no shop_stock
 * rows, so nothing restocks or respawns there; a keeper NPC with a purse;
 * its wares as items in its inventory.  Players are created over telnet
 * and moved into the room with SQL.  Conservation is measured over that
 * closed world: the characters of the test, the room, and every item
 * carried by them, lying in the room, or inside one of those, however deep.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "db/store.h"
#include "db_test.h"
#include "keep_test.h"

#define PASSWORD	"economy test"
#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#define WAIT_MS		10000

/* A private shop and the players trading there. */
struct econ {
	int32_t		 room;
	long long	 keeper;
	char		 proto[32];
	int		 n;
	long long	 ids[16];	/* players, then nothing else */
	char		 names[16][17];
	struct client	*c[16];
};

/* The test area, item prototypes, a room, and a keeper with coins. */
static void
econ_shop(struct econ *e, long long coins)
{
	char	n[17];

	memset(e, 0, sizeof *e);
	test_sql("INSERT INTO areas (id, name, next_reset_at) VALUES"
	    " ('econtest', 'Economy tests', now() + interval '10 years')"
	    " ON CONFLICT DO NOTHING;"
	    "INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, weight, value, wear_slot, damage_min,"
	    " damage_max, capacity) VALUES"
	    " ('econ_dagger', 'a dagger', 'dagger', 'A dagger lies here.',"
	    "  'A short blade.', 'weapon', 1, 10, 'wield', 1, 4, 0),"
	    " ('econ_sword', 'a long sword', 'long sword', 'A sword.',"
	    "  'A long sword.', 'weapon', 4, 100, 'wield', 3, 8, 0),"
	    " ('econ_bread', 'a loaf of bread', 'loaf bread', 'Bread.',"
	    "  'A loaf.', 'food', 1, 6, NULL, 0, 0, 0),"
	    " ('econ_sack', 'a burlap sack', 'burlap sack', 'A sack.',"
	    "  'A sack.', 'container', 1, 4, NULL, 0, 0, 20)"
	    " ON CONFLICT DO NOTHING");
	e->room = sql_room("econtest", "A Busy Shop",
	    "Coins and goods change hands here.");
	test_name(n, "e");
	for (char *p = n; *p != '\0'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	snprintf(e->proto, sizeof e->proto, "econk_%s", n);
	sqlf("INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description) VALUES ('%s', 'econtest', 'the shopkeeper',"
	    " 'shopkeeper', 'A shopkeeper waits here.', 'A busy keeper.');"
	    "INSERT INTO shops (npc_proto) VALUES ('%s')", e->proto, e->proto);
	e->keeper = sqlv("INSERT INTO characters (name, room_id, proto_id,"
	    " coins) VALUES ('the shopkeeper', %d, '%s', %lld) RETURNING id",
	    e->room, e->proto, coins);
}

/*
 * Add n players on port with coins, each created over telnet and moved
 * into the shop with SQL at level 100 (so carry limits stay out of the
 * way); wait until each has seen the room.
 */
static void
econ_players(struct econ *e, int port, int n, long long coins)
{
	for (int i = 0; i < n; i++) {
		int	k = e->n++;

		e->c[k] = calloc(1, sizeof *e->c[k]);
		ck_assert(e->c[k] != NULL);
		client_player(e->c[k], port, e->names[k], "Eco", PASSWORD);
		e->ids[k] = sqlv("UPDATE characters SET room_id = %d, coins ="
		    " %lld, level = 100 WHERE name = '%s' RETURNING id",
		    e->room, coins, e->names[k]);
		client_send(e->c[k], "look");
		ck_assert(client_expect(e->c[k], "A Busy Shop", WAIT_MS, NULL,
		    0));
		ck_assert(client_expect(e->c[k], PROMPT, WAIT_MS, NULL, 0));
	}
	for (int i = 0; i < e->n; i++)
		client_quiet(e->c[i], 20);
}

/* Close and free every player's connection. */
static void
econ_close(struct econ *e)
{
	for (int i = 0; i < e->n; i++) {
		client_close(e->c[i]);
		free(e->c[i]);
		e->c[i] = NULL;
	}
}

/* "id,id,..." of the keeper and the players, for SQL. */
static void
econ_ids(const struct econ *e, char *out, size_t outsz)
{
	size_t	o = (size_t)snprintf(out, outsz, "%lld", e->keeper);

	for (int i = 0; i < e->n && o < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, ",%lld", e->ids[i]);
}

/* Every item of the closed world, however deep inside containers. */
#define SCOPE "WITH RECURSIVE s(id) AS (SELECT id FROM items" \
	" WHERE carrier_id IN (%s) OR room_id = %d UNION SELECT i.id" \
	" FROM items i JOIN s ON i.container_id = s.id)"

/* All coins of the closed world: purses, the floor, inside items. */
static long long
econ_coins(const struct econ *e)
{
	char	ids[512];

	econ_ids(e, ids, sizeof ids);
	return sqlv(SCOPE " SELECT (SELECT sum(coins) FROM characters WHERE"
	    " id IN (%s)) + (SELECT coins FROM rooms WHERE id = %d) +"
	    " (SELECT coalesce(sum(coins), 0) FROM items WHERE id IN"
	    " (SELECT id FROM s))", ids, e->room, ids, e->room);
}

/* The ids of every item of the closed world, "id,id,..." in order. */
static void
econ_items(const struct econ *e, char *out, size_t outsz)
{
	char		 ids[512], sql[2048];
	struct store	*s = test_store();

	econ_ids(e, ids, sizeof ids);
	snprintf(sql, sizeof sql, SCOPE " SELECT coalesce(string_agg(id::text,"
	    " ',' ORDER BY id), '') FROM s", ids, e->room);
	ck_assert_msg(store_exec_value(s, sql, out, outsz), "%s",
	    store_error(s));
	ck_assert_msg(strlen(out) + 1 < outsz, "item list truncated");
	store_close(s);
}

/* ---------------------------------------------------------------------
 * (a) Ten buyers, three swords, at the same moment.
 */
START_TEST(test_race_last_items)
{
	struct keepd	 k;
	struct econ	 e;
	static char	 before[65536], after[65536], got[10][8192];
	long long	 coins0;
	int		 won = 0, lost = 0;

	keepd_start(&k, NULL);
	econ_shop(&e, 50);
	give_items(e.keeper, "econ_sword", 3);
	econ_players(&e, k.port, 10, 200);
	coins0 = econ_coins(&e);
	econ_items(&e, before, sizeof before);
	for (int i = 0; i < 10; i++)
		client_send(e.c[i], "buy sword");
	for (int i = 0; i < 10; i++) {
		client_send(e.c[i], "say race over");
		ck_assert_msg(client_expect(e.c[i], "You say, 'race over'",
		    WAIT_MS, got[i], sizeof got[i]), "no reply for %d", i);
	}
	for (int i = 0; i < 10; i++) {
		long long	swords = sqlv("SELECT count(*) FROM items WHERE"
				    " carrier_id = %lld", e.ids[i]);

		if (str_count(got[i],
		    "You buy a long sword for 120 coins.") == 1) {
			won++;
			ck_assert_int_eq(swords, 1);
			ck_assert_int_eq(sqlv("SELECT coins FROM characters"
			    " WHERE id = %lld", e.ids[i]), 80);
		} else {
			lost++;
			ck_assert_msg(strstr(got[i], "The shopkeeper doesn't "
			    "sell that.") != NULL, "%d got \"%s\"", i, got[i]);
			ck_assert_int_eq(swords, 0);
			ck_assert_int_eq(sqlv("SELECT coins FROM characters"
			    " WHERE id = %lld", e.ids[i]), 200);
		}
	}
	ck_assert_int_eq(won, 3);
	ck_assert_int_eq(lost, 7);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE carrier_id ="
	    " %lld", e.keeper), 0);
	ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE id = %lld",
	    e.keeper), 50 + 3 * 120);
	ck_assert_int_eq(econ_coins(&e), coins0);
	econ_items(&e, after, sizeof after);
	ck_assert_str_eq(after, before);
	econ_close(&e);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* ---------------------------------------------------------------------
 * (b) A mix of trade from several clients at once conserves everything.
 */

#define TRADERS		6
#define TRADE_MS	3000

struct trader {
	pthread_t	 thread;
	struct econ	*e;
	int		 me;
	unsigned	 seed;
	long		 sent, resists, bought, sold, given;
	bool		 stuck;
};

/* Thread: random trade commands, each awaited through a said marker. */
static void *
trader_main(void *arg)
{
	/* A command ending in " to" gets a random player's name. */
	static const char	*cmds[] = {
		"give 3 coins to", "give dagger to", "give bread to",
		"buy dagger", "buy bread", "buy sack", "sell dagger",
		"sell bread", "sell sack", "drop bread", "get bread",
		"drop 2 coins", "get all", "put bread in sack",
		"get bread from sack", "value dagger", "list"
	};
	struct trader	*t = arg;
	char		*out = malloc(65536), line[128], mark[64];
	long long	 end = now_ms() + TRADE_MS;

	if (out == NULL)
		return NULL;
	while (now_ms() < end) {
		int	c = rand_r(&t->seed) % (int)nitems(cmds);
		int	peer = rand_r(&t->seed) % t->e->n;

		snprintf(line, sizeof line, "%s %s", cmds[c],
		    strstr(cmds[c], " to") != NULL ? t->e->names[peer] : "");
		snprintf(mark, sizeof mark, "say mark %ld", t->sent++);
		client_send(t->e->c[t->me], line);
		client_send(t->e->c[t->me], mark);
		snprintf(mark, sizeof mark, "You say, 'mark %ld'", t->sent - 1);
		if (!client_expect(t->e->c[t->me], mark, WAIT_MS, out,
		    65536)) {
			t->stuck = true;
			break;
		}
		t->resists += str_count(out, "The world resists");
		t->bought += str_count(out, "You buy ");
		t->sold += str_count(out, "You sell ");
		t->given += str_count(out, "You give ");
	}
	free(out);
	return NULL;
}

/* Coins and item ids of the closed world are the same after the trade. */
START_TEST(test_conservation)
{
	struct keepd	 k;
	struct econ	 e;
	struct trader	 t[TRADERS];
	static char	 before[65536], after[65536];
	long long	 coins0;
	long		 bought = 0, sold = 0, given = 0;

	keepd_start(&k, NULL);
	econ_shop(&e, 400);
	give_items(e.keeper, "econ_dagger", 10);
	give_items(e.keeper, "econ_bread", 10);
	give_items(e.keeper, "econ_sack", 3);
	econ_players(&e, k.port, TRADERS, 300);
	for (int i = 0; i < TRADERS; i++) {
		give_items(e.ids[i], "econ_dagger", 2);
		give_items(e.ids[i], "econ_bread", 2);
	}
	sqlf("UPDATE rooms SET coins = 25 WHERE id = %d", e.room);
	coins0 = econ_coins(&e);
	econ_items(&e, before, sizeof before);
	ck_assert_int_eq(coins0, 400 + TRADERS * 300 + 25);

	for (int i = 0; i < TRADERS; i++) {
		memset(&t[i], 0, sizeof t[i]);
		t[i].e = &e;
		t[i].me = i;
		t[i].seed = (unsigned)(getpid() * 31 + i);
		ck_assert(pthread_create(&t[i].thread, NULL, trader_main,
		    &t[i]) == 0);
	}
	for (int i = 0; i < TRADERS; i++)
		pthread_join(t[i].thread, NULL);
	for (int i = 0; i < TRADERS; i++) {
		ck_assert_msg(!t[i].stuck, "trader %d got no reply", i);
		ck_assert_msg(t[i].resists == 0, "trader %d: %ld commands "
		    "failed", i, t[i].resists);
		bought += t[i].bought;
		sold += t[i].sold;
		given += t[i].given;
	}
	/* Every command has been answered, so every transaction is over. */
	ck_assert_int_eq(econ_coins(&e), coins0);
	econ_items(&e, after, sizeof after);
	ck_assert_str_eq(after, before);
	/* The trade did happen. */
	ck_assert_msg(bought > 0 && sold > 0 && given > 0, "bought %ld, sold "
	    "%ld, given %ld", bought, sold, given);
	econ_close(&e);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* ---------------------------------------------------------------------
 * (c) Purchases a buyer was told about survive kill -9; none is doubled.
 */

#define BUYERS		6
#define RICH		1000000LL
#define STOCK		3000

struct buyer {
	pthread_t	 thread;
	struct client	*c;
	long		 sent, confirmed;
	atomic_bool	*stop;
};

/* Thread: buy a dagger at a time until keepd dies or we are told. */
static void *
buyer_main(void *arg)
{
	struct buyer	*b = arg;

	while (!atomic_load(b->stop)) {
		client_send(b->c, "buy dagger");
		b->sent++;
		if (!client_expect(b->c, "You buy a dagger for 12 coins.", 5000,
		    NULL, 0))
			break;
		b->confirmed++;
	}
	return NULL;
}

/* Kill keepd mid-purchases; check, restart, log in and buy again. */
START_TEST(test_purchases_survive_kill)
{
	struct keepd	 k;
	struct econ	 e;
	struct buyer	 b[BUYERS];
	atomic_bool	 stop = false;
	long long	 total = 0, coins0, held, keeper_coins;
	long		 confirmed = 0;
	int		 status;
	char		 line[64], ids[512];

	keepd_start(&k, NULL);
	econ_shop(&e, 0);
	give_items(e.keeper, "econ_dagger", STOCK);
	econ_players(&e, k.port, BUYERS, RICH);
	coins0 = econ_coins(&e);
	for (int i = 0; i < BUYERS; i++) {
		memset(&b[i], 0, sizeof b[i]);
		b[i].c = e.c[i];
		b[i].stop = &stop;
		ck_assert(pthread_create(&b[i].thread, NULL, buyer_main,
		    &b[i]) == 0);
	}
	usleep((useconds_t)(800 + rand() % 600) * 1000);
	status = keepd_stop(&k, SIGKILL);
	atomic_store(&stop, true);
	for (int i = 0; i < BUYERS; i++)
		pthread_join(b[i].thread, NULL);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	for (int i = 0; i < BUYERS; i++) {
		held = sqlv("SELECT count(*) FROM items WHERE carrier_id ="
		    " %lld AND proto_id = 'econ_dagger'", e.ids[i]);
		ck_assert_msg(held >= b[i].confirmed, "buyer %d: told of %ld "
		    "purchases, holds %lld", i, b[i].confirmed, held);
		ck_assert_msg(held <= b[i].sent, "buyer %d: holds %lld, sent "
		    "%ld", i, held, b[i].sent);
		ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE"
		    " id = %lld", e.ids[i]), RICH - 12 * held);
		total += held;
		confirmed += b[i].confirmed;
	}
	ck_assert_msg(confirmed >= BUYERS, "only %ld purchases before the "
	    "kill", confirmed);
	keeper_coins = sqlv("SELECT coins FROM characters WHERE id = %lld",
	    e.keeper);
	ck_assert_int_eq(keeper_coins, 12 * total);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE carrier_id ="
	    " %lld", e.keeper), STOCK - total);
	econ_ids(&e, ids, sizeof ids);
	ck_assert_int_eq(sqlv("SELECT count(DISTINCT id) FROM items WHERE"
	    " carrier_id IN (%s)", ids), STOCK);
	ck_assert_int_eq(econ_coins(&e), coins0);

	/* Start again: everyone logs in, sees the coins, buys once more. */
	keepd_start(&k, NULL);
	for (int i = 0; i < BUYERS; i++) {
		client_close(e.c[i]);
		client_connect(e.c[i], k.port);
		client_login(e.c[i], e.names[i], PASSWORD);
		client_send(e.c[i], "score");
		ck_assert(client_expect(e.c[i], "Coins: ", WAIT_MS, NULL, 0));
		ck_assert(client_expect(e.c[i], "\r\n", WAIT_MS, line,
		    sizeof line));
		ck_assert_int_eq(strtoll(line, NULL, 10), sqlv("SELECT coins"
		    " FROM characters WHERE id = %lld", e.ids[i]));
		client_send(e.c[i], "buy dagger");
		ck_assert(client_expect(e.c[i], "You buy a dagger for 12 "
		    "coins.", WAIT_MS, NULL, 0));
	}
	ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE id = %lld",
	    e.keeper), keeper_coins + 12 * BUYERS);
	ck_assert_int_eq(econ_coins(&e), coins0);
	econ_close(&e);
	status = keepd_stop(&k, SIGTERM);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* The economy suite: race, conservation, durability. */
Suite *
economy_suite(void)
{
	Suite	*s = suite_create("economy");
	TCase	*tc = tcase_create("economy");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_race_last_items);
	tcase_add_test(tc, test_conservation);
	tcase_add_test(tc, test_purchases_survive_kill);
	suite_add_tcase(s, tc);
	return s;
}
