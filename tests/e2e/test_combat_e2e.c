/*
 * test_combat_e2e.c — combat through the real daemon over TCP: killing a
 * weak NPC, dying to a strong one and looting the corpse afterwards, what a
 * kill -9 keeps of fights and deaths, and two keepd processes on one
 * database running each combat round once.
 *
 * Players are created through the login dialog and then placed with SQL in
 * private rooms (900000 and up) holding NPCs inserted with SQL.  The NPC
 * prototypes come from the combat db suite's fixtures (area "cmbtest"),
 * made here too so this suite runs on its own.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/wait.h>

#include "db/store.h"
#include "db_test.h"
#include "keep_test.h"

#define START_ROOM	1000
#define PASSWORD	"combat e2e"
#define WAIT_MS		10000
#define POUNDER_HIT	15	/* cmb_pounder on an unarmored player */
#define NPC_COINS	100	/* an NPC's purse here, not its prototype's */

/* Connect, create a fresh character, and return its id. */
static long long
player(struct client *c, int port, char name[17], const char *prefix)
{
	client_player(c, port, name, prefix, PASSWORD);
	return sqlv("SELECT id FROM characters WHERE name = '%s'", name);
}

/* Send a command and return its reply (up to the prompt). */
static void
cmd(struct client *c, const char *line, char *out, size_t outsz)
{
	ck_assert_msg(client_cmd(c, line, out, outsz), "no prompt after %s",
	    line);
}

/* A weak NPC dies to a player, who sees it and earns experience. */
START_TEST(test_kill_weak_npc)
{
	struct keepd	 k;
	struct client	*c = calloc(1, sizeof *c);
	char		 name[17], out[8192];
	int		 room;
	long long	 me, rat;

	combat_fixtures();
	keepd_start(&k, NULL);
	me = player(c, k.port, name, "Kwn");
	room = sql_room("cmbtest", "Rat Pit", "A combat arena.");
	rat = new_npc_coins("cmb_rat", room, NPC_COINS);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", room, me);
	cmd(c, "consider rat", out, sizeof out);
	ck_assert_msg(strstr(out, "It would be a fair fight.\r\n") != NULL,
	    "%s", printable(out));
	cmd(c, "kill rat", out, sizeof out);
	ck_assert_msg(strstr(out, "You attack a sickly rat!\r\n") != NULL, "%s",
	    printable(out));
	/* The first blow, or a round soon after, kills it. */
	if (strstr(out, "A sickly rat is dead! R.I.P.") == NULL) {
		client_want(c, "A sickly rat is dead! R.I.P.", 30000, NULL, 0);
		/* The notification's prompt. */
		client_want(c, PROMPT, WAIT_MS, NULL, 0);
	}
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id ="
	    " %lld", rat), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE room_id = %d"
	    " AND name = 'the corpse of a sickly rat'", room), 1);
	usleep(200 * 1000);
	cmd(c, "score", out, sizeof out);
	ck_assert_msg(strstr(out, "Level: 1\r\nXP: 25 (next level at 100)\r\n")
	    != NULL, "%s", printable(out));
	client_close(c);
	free(c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * A strong NPC kills a player, who wakes at the start room whole and
 * penniless, goes back and gets everything from the corpse.
 */
START_TEST(test_die_and_loot)
{
	struct keepd	 k;
	struct client	*c = calloc(1, sizeof *c);
	char		 name[17], out[8192];
	int		 room;
	long long	 me, sword, trinket, corpse;

	combat_fixtures();
	keepd_start(&k, NULL);
	me = player(c, k.port, name, "Dal");
	room = sql_room("cmbtest", "Brute Den", "A combat arena.");
	(void)new_npc_coins("cmb_brute", room, NPC_COINS);
	sword = sqlv("INSERT INTO items (proto_id, carrier_id, worn_slot)"
	    " VALUES ('cmb_sword', %lld, 'wield') RETURNING id", me);
	trinket = sqlv("INSERT INTO items (proto_id, carrier_id) VALUES"
	    " ('cmb_trinket', %lld) RETURNING id", me);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", room, me);
	cmd(c, "kill brute", out, sizeof out);
	ck_assert_msg(strstr(out, "You attack a hulking brute!") != NULL, "%s",
	    printable(out));
	client_want(c, "You have been KILLED!\r\n", WAIT_MS, NULL, 0);
	client_want(c, "You wake up in The Village Square, whole again.\r\n",
	    WAIT_MS, NULL, 0);
	client_want(c, PROMPT, WAIT_MS, NULL, 0);
	cmd(c, "score", out, sizeof out);
	ck_assert_msg(strstr(out, "HP: 20/20\r\nCoins: 0\r\n") != NULL, "%s",
	    printable(out));
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE id ="
	    " %lld", me), START_ROOM);
	corpse = sqlv("SELECT id FROM items WHERE room_id = %d AND name ="
	    " 'the corpse of %s' AND coins = 100", room, name);
	ck_assert_msg(corpse > 0, "no corpse with the coins");
	/* Back to the den (the brute is not aggressive) to loot. */
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", room, me);
	cmd(c, "get all corpse", out, sizeof out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id IN (%lld,"
	    " %lld) AND carrier_id = %lld", sword, trinket, me), 2);
	ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE id = %lld",
	    me), 100);
	ck_assert_int_eq(sqlv("SELECT coins FROM items WHERE id = %lld",
	    corpse), 0);
	client_close(c);
	free(c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * kill -9 right after a player was told of damage, and another of their
 * death: both are in the database, nothing twice, coins conserved; the
 * dead one plays on after a restart.
 */
START_TEST(test_sigkill_durability)
{
	struct keepd	 k;
	struct client	*a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	char		 an[17], bn[17], out[8192];
	int		 room1, room2;
	long long	 ida, idb, pounder, brute, sword;

	combat_fixtures();
	keepd_start(&k, NULL);
	ida = player(a, k.port, an, "Sda");
	idb = player(b, k.port, bn, "Sdb");
	room1 = sql_room("cmbtest", "Pound Pit", "A combat arena.");
	room2 = sql_room("cmbtest", "Death Pit", "A combat arena.");
	pounder = new_npc_coins("cmb_pounder", room1, NPC_COINS);
	brute = new_npc_coins("cmb_brute", room2, NPC_COINS);
	sword = sqlv("INSERT INTO items (proto_id, carrier_id) VALUES"
	    " ('cmb_sword', %lld) RETURNING id", idb);
	sqlf("UPDATE characters SET room_id = %d, max_hp = 1000, hp = 1000"
	    " WHERE id = %lld", room1, ida);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", room2, idb);
	sqlf("UPDATE characters SET fighting_id = CASE id"
	    " WHEN %lld THEN %lld WHEN %lld THEN %lld"
	    " WHEN %lld THEN %lld ELSE %lld END"
	    " WHERE id IN (%lld, %lld, %lld, %lld)", ida, pounder, pounder,
	    ida, idb, brute, idb, ida, pounder, idb, brute);
	client_want(b, "You have been KILLED!", WAIT_MS, NULL, 0);
	client_want(a, "A steady pounder scratches you.", WAIT_MS, NULL, 0);
	ck_assert_int_eq(keepd_stop(&k, SIGKILL) & 0x7f, SIGKILL);
	client_close(a);
	client_close(b);
	ck_assert_int_le(sqlv("SELECT hp FROM characters WHERE id = %lld",
	    ida), 1000 - POUNDER_HIT);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND room_id = %d AND deaths = 1 AND coins = 0 AND hp = max_hp",
	    idb, START_ROOM), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE name ="
	    " 'the corpse of %s'", bn), 1);
	ck_assert_int_eq(sqlv("SELECT sum(coins) FROM items WHERE name ="
	    " 'the corpse of %s'", bn) + sqlv("SELECT coins FROM characters"
	    " WHERE id = %lld", idb), 100);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items i JOIN items c ON"
	    " c.id = i.container_id WHERE i.id = %lld AND c.name ="
	    " 'the corpse of %s'", sword, bn), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE proto_id ="
	    " 'cmb_sword' AND (carrier_id = %lld OR container_id IN (SELECT id"
	    " FROM items WHERE name = 'the corpse of %s'))", idb, bn), 1);
	keepd_start(&k, NULL);
	client_connect(b, k.port);
	client_login(b, bn, PASSWORD);
	cmd(b, "score", out, sizeof out);
	ck_assert_msg(strstr(out, "HP: 20/20\r\nCoins: 0\r\n") != NULL, "%s",
	    printable(out));
	cmd(b, "look", out, sizeof out);
	ck_assert_msg(strstr(out, "The Village Square") != NULL, "%s",
	    printable(out));
	client_close(b);
	free(a);
	free(b);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* runs of the combat clock and the player's hp, read in one snapshot. */
static void
sample(long long id, long long *runs, long long *hp)
{
	long long	v = sqlv("SELECT (SELECT runs FROM world_clock WHERE"
			    " name = 'combat') * 1000000 + hp FROM characters"
			    " WHERE id = %lld", id);

	*runs = v / 1000000;
	*hp = v % 1000000;
}

/*
 * Two keepd on one database: over ten seconds the combat clock runs at
 * most once per period, and the damage taken is exactly one fixed blow
 * per run, so no round ran twice (or was lost).
 */
START_TEST(test_two_keepd_one_round)
{
	struct keepd	 k1, k2;
	struct client	*c = calloc(1, sizeof *c);
	char		 name[17];
	int		 room;
	long long	 me, pounder, runs0, hp0, runs1, hp1, t0, t1;

	combat_fixtures();
	keepd_start(&k1, NULL);
	keepd_start(&k2, NULL);
	me = player(c, k1.port, name, "Two");
	room = sql_room("cmbtest", "Twin Arena", "A combat arena.");
	pounder = new_npc_coins("cmb_pounder", room, NPC_COINS);
	sqlf("UPDATE characters SET room_id = %d, max_hp = 100000,"
	    " hp = 100000 WHERE id = %lld", room, me);
	sqlf("UPDATE characters SET fighting_id = CASE id WHEN %lld THEN %lld"
	    " ELSE %lld END WHERE id IN (%lld, %lld)", me, pounder, me, me,
	    pounder);
	client_want(c, "A steady pounder scratches you.", WAIT_MS, NULL, 0);
	t0 = now_ms();
	sample(me, &runs0, &hp0);
	sleep(10);
	sample(me, &runs1, &hp1);
	t1 = now_ms();
	ck_assert_int_ge(runs1 - runs0, 3);
	ck_assert_msg(runs1 - runs0 <= (t1 - t0) / 2000 + 1, "%lld rounds in"
	    " %lld ms", runs1 - runs0, t1 - t0);
	ck_assert_msg(hp0 - hp1 == POUNDER_HIT * (runs1 - runs0), "lost %lld"
	    " hp in %lld rounds", hp0 - hp1, runs1 - runs0);
	sqlf("DELETE FROM characters WHERE id = %lld", pounder);
	client_close(c);
	free(c);
	keepd_stop(&k1, SIGTERM);
	keepd_stop(&k2, SIGTERM);
}
END_TEST

/* The combat end-to-end suite. */
Suite *
combat_e2e_suite(void)
{
	Suite	*s = suite_create("combat_e2e");
	TCase	*tc = tcase_create("combat_e2e");

	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kill_weak_npc);
	tcase_add_test(tc, test_die_and_loot);
	tcase_add_test(tc, test_sigkill_durability);
	tcase_add_test(tc, test_two_keepd_one_round);
	suite_add_tcase(s, tc);
	return s;
}
