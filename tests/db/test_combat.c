/*
 * test_combat.c — combat: the kill/flee/consider handlers,
 * combat rounds, deaths and corpses, experience, regeneration, NPC ticks,
 * decay, and the ticker's once-per-period guarantee, against the real test
 * database.
 *
 * Fixtures live in the area "cmbtest": NPC and item prototypes named cmb_*
 * (created once, idempotently), and rooms in a private id range (900000 and
 * up) made per test.  NPC characters are inserted with SQL, as a reset
 * would, and deleted again at the end of each test.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "db/store.h"
#include "cmd/cmd.h"
#include "game/rules_combat.h"
#include "cmd/tick.h"
#include "db_test.h"
#include "keep_test.h"

#define START_ROOM	1000		/* The Village Square */

/* Make the fixtures, open a store and register a fresh instance. */
static void
cmb_open(struct world *w)
{
	combat_fixtures();
	world_open(w);
}

/* Delete the test's NPCs (their fights end) and close the store. */
static void
cmb_close(struct world *w)
{
	test_sql("DELETE FROM characters WHERE proto_id LIKE 'cmb\\_%'");
	world_close(w);
}

/* Create a room of the test area in the private range. */
static int32_t
cmb_room(struct store *s, const char *title)
{
	return new_area_room(s, "cmbtest", title,
	    "A room made by a combat test.");
}

/* Make two characters fight each other. */
static void
set_fight(int64_t a, int64_t b)
{
	sqlf("UPDATE characters SET fighting_id = CASE id WHEN %lld THEN"
	    " %lld ELSE %lld END WHERE id IN (%lld, %lld)", (long long)a,
	    (long long)b, (long long)a, (long long)a, (long long)b);
}

/* Run one world tick body in its own transaction; it must commit. */
static void
tick(struct store *s, store_tx_fn fn)
{
	ck_assert_msg(store_tx(s, false, 3, fn, NULL) == TXR_COMMITTED,
	    "tick failed: %s (%s)", store_error(s), store_sqlstate(s));
}

/* A number about a character, read on another connection. */
static long long
char_num(const char *col, int64_t id)
{
	return sqlv("SELECT %s FROM characters WHERE id = %lld", col,
	    (long long)id);
}

/* --- the handlers --- */

/* kill refuses what it cannot attack, and changes nothing. */
START_TEST(test_kill_refusals)
{
	struct world		w;
	struct store_char	me, other;
	struct run		r;
	int32_t			room;
	int64_t			keeper, dummy;

	cmb_open(&w);
	room = cmb_room(w.s, "Refusal Hall");
	new_char(&w, "Kre", room, &me);
	new_char(&w, "Kro", room, &other);
	keeper = new_npc("cmb_keeper", room);
	dummy = new_npc("cmb_dummy", room);
	run(w.s, me.id, "kill", "nobody", &r);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	ck_assert_str_eq(r.out, "You don't see that here.\n");
	run(w.s, me.id, "kill", "2.dummy", &r);
	ck_assert_str_eq(r.out, "You don't see that here.\n");
	run(w.s, me.id, "kill", other.name, &r);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	ck_assert_str_eq(r.out, "You can't attack other players here.\n");
	run(w.s, me.id, "kill", "shopkeeper", &r);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	ck_assert_str_eq(r.out, "A shopkeeper is under the protection of the "
	    "town.\n");
	run(w.s, me.id, "kill", "all", &r);
	ck_assert_str_eq(r.out, "One at a time, please.\n");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id IN"
	    " (%lld, %lld, %lld, %lld) AND fighting_id IS NOT NULL",
	    (long long)me.id, (long long)other.id, (long long)keeper,
	    (long long)dummy), 0);
	set_fight(me.id, dummy);
	run(w.s, me.id, "kill", "dummy", &r);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	ck_assert_str_eq(r.out, "You are already fighting!\n");
	cmb_close(&w);
}
END_TEST

/* kill starts the fight both ways and strikes at once; the room sees it. */
START_TEST(test_kill_starts_fight)
{
	struct world		w;
	struct store_char	me, by;
	struct run		r;
	PGconn			*l = listen_open();
	int32_t			room;
	int64_t			dummy;
	char			want[128];

	cmb_open(&w);
	room = cmb_room(w.s, "Training Yard");
	new_char(&w, "Ksf", room, &me);
	new_char(&w, "Ksb", room, &by);
	dummy = new_npc("cmb_dummy", room);
	run(w.s, me.id, "kill", "train", &r);
	ck_assert_int_eq(r.rc, TX_COMMIT);
	ck_assert_msg(strncmp(r.out, "You attack a training dummy!\n", 29) == 0,
	    "%s", r.out);
	ck_assert_msg(strstr(r.out, "You miss a training dummy.") != NULL ||
	    strstr(r.out, " a training dummy") != NULL, "%s", r.out);
	ck_assert_int_eq(char_num("fighting_id", me.id), dummy);
	ck_assert_int_eq(char_num("fighting_id", dummy), me.id);
	snprintf(want, sizeof want, "%s attacks a training dummy!", me.name);
	expect_to(l, by.id, want, NULL, 0);
	PQfinish(l);
	cmb_close(&w);
}
END_TEST

/* While fighting, walking away and quitting are refused; nothing moves. */
START_TEST(test_fighting_pins_you)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	int32_t			room, next;
	int64_t			dummy;

	cmb_open(&w);
	room = cmb_room(w.s, "Arena");
	next = cmb_room(w.s, "Arena Gate");
	sqlf("INSERT INTO exits (room_id, direction, to_room) VALUES "
	    "(%d, 'north', %d), (%d, 'south', %d)", room, next, next, room);
	new_char(&w, "Pin", room, &me);
	dummy = new_npc("cmb_dummy", room);
	set_fight(me.id, dummy);
	run(w.s, me.id, "north", "", &r);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	ck_assert_str_eq(r.out, "You are fighting for your life! Try to "
	    "flee.\n");
	ck_assert_int_eq(char_num("room_id", me.id), room);
	run(w.s, me.id, "quit", "", &r);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	ck_assert_str_eq(r.out, "No way! You are fighting for your life!\n");
	ck_assert_int_ne(char_num("(session_id IS NOT NULL)::int", me.id), 0);
	cmb_close(&w);
}
END_TEST

/* A first blow that kills: corpse with the NPC's things, xp, NPC gone. */
START_TEST(test_kill_first_blow_kills)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	int32_t			room;
	int64_t			rat, trinket, helm, corpse;

	cmb_open(&w);
	room = cmb_room(w.s, "Rat Hole");
	new_char(&w, "Kfb", room, &me);
	sqlf("UPDATE characters SET level = 10, xp = 5000 WHERE id = %lld",
	    (long long)me.id);
	rat = new_npc("cmb_rat", room);
	sqlf("UPDATE characters SET coins = 7 WHERE id = %lld",
	    (long long)rat);
	trinket = item_on("cmb_trinket", rat, NULL);
	helm = item_on("cmb_helm", rat, "head");
	run(w.s, me.id, "kill", "rat", &r);
	ck_assert_int_eq(r.rc, TX_COMMIT);
	ck_assert_msg(strstr(r.out, "A sickly rat is dead! R.I.P.\n") != NULL,
	    "%s", r.out);
	ck_assert_msg(strstr(r.out, "You receive 2 experience points.\n") !=
	    NULL, "%s", r.out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id ="
	    " %lld", (long long)rat), 0);
	corpse = sqlv("SELECT id FROM items WHERE room_id = %d AND proto_id ="
	    " 'corpse' AND name = 'the corpse of a sickly rat' AND keywords ="
	    " 'corpse sickly rat' AND coins = 7 AND decay_at > now() +"
	    " interval '4 minutes'", room);
	ck_assert_msg(corpse > 0, "no corpse of the rat");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id IN (%lld,"
	    " %lld) AND container_id = %lld AND worn_slot IS NULL",
	    (long long)trinket, (long long)helm, (long long)corpse), 2);
	ck_assert_int_eq(char_num("xp", me.id), 5002);
	ck_assert_int_eq(char_num("kills", me.id), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND fighting_id IS NULL", (long long)me.id), 1);
	cmb_close(&w);
}
END_TEST

/* consider gives the verdict by level difference. */
START_TEST(test_consider)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	int32_t			room;

	cmb_open(&w);
	room = cmb_room(w.s, "Judging Room");
	new_char(&w, "Con", room, &me);
	(void)new_npc("cmb_rat", room);
	(void)new_npc("cmb_brute", room);
	(void)new_npc("cmb_keeper", room);
	run(w.s, me.id, "consider", "brute", &r);
	ck_assert_int_eq(r.rc, TX_COMMIT);
	ck_assert_str_eq(r.out, "You would need a lot of luck!\n");
	run(w.s, me.id, "consider", "rat", &r);
	ck_assert_str_eq(r.out, "It would be a fair fight.\n");
	run(w.s, me.id, "consider", "shop", &r);
	ck_assert_str_eq(r.out, "You would need some luck.\n");
	sqlf("UPDATE characters SET level = 8 WHERE id = %lld",
	    (long long)me.id);
	run(w.s, me.id, "consider", "sick rat", &r);
	ck_assert_str_eq(r.out, "You would win easily.\n");
	run(w.s, me.id, "consider", "shopkeeper", &r);
	ck_assert_str_eq(r.out, "You should win without much trouble.\n");
	run(w.s, me.id, "consider", "goblin", &r);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	ck_assert_str_eq(r.out, "You don't see that here.\n");
	cmb_close(&w);
}
END_TEST

/* score keeps its lines and adds level and experience. */
START_TEST(test_score_level)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	char			want[256];

	cmb_open(&w);
	new_char(&w, "Scx", 0, &me);
	run(w.s, me.id, "score", "", &r);
	snprintf(want, sizeof want, "You are %s, a player.\nHP: 20/20\n"
	    "Coins: 100\nLevel: 1\nXP: 0 (next level at 100)\n", me.name);
	ck_assert_str_eq(r.out, want);
	sqlf("UPDATE characters SET level = 3, xp = 450 WHERE id = %lld",
	    (long long)me.id);
	run(w.s, me.id, "score", "", &r);
	ck_assert_msg(strstr(r.out, "\nLevel: 3\nXP: 450 (next level at 600)\n")
	    != NULL, "%s", r.out);
	cmb_close(&w);
}
END_TEST

/* --- rounds, deaths, experience --- */

/* A round applies damage (fixed by the fixture) and tells the victim. */
START_TEST(test_round_damage)
{
	struct world		w;
	struct store_char	me;
	PGconn			*l = listen_open();
	int32_t			room;
	int64_t			pounder;
	char			got[4096];

	cmb_open(&w);
	room = cmb_room(w.s, "Pounding Room");
	new_char(&w, "Rdm", room, &me);
	sqlf("UPDATE characters SET max_hp = 1000, hp = 1000 WHERE id = %lld",
	    (long long)me.id);
	pounder = new_npc("cmb_pounder", room);
	set_fight(me.id, pounder);
	tick(w.s, combat_round_tx);
	ck_assert_int_eq(char_num("hp", me.id), 985);
	expect_to(l, me.id, "A steady pounder scratches you.", got,
	    sizeof got);
	ck_assert_msg(strncmp(got, "You ", 4) == 0, "the player's own blow "
	    "comes first: %s", got);
	tick(w.s, combat_round_tx);
	ck_assert_int_eq(char_num("hp", me.id), 970);
	ck_assert_int_eq(char_num("fighting_id", me.id), pounder);
	PQfinish(l);
	cmb_close(&w);
}
END_TEST

/* A player's death: corpse with everything, respawn whole at the start. */
START_TEST(test_round_player_death)
{
	struct world		w;
	struct store_char	me, by;
	PGconn			*l = listen_open();
	int32_t			room;
	int64_t			brute, sword, helm, corpse;
	char			want[128];

	cmb_open(&w);
	room = cmb_room(w.s, "Killing Floor");
	new_char(&w, "Rpd", room, &me);
	new_char(&w, "Rpb", room, &by);
	sword = item_on("cmb_sword", me.id, "wield");
	helm = item_on("cmb_helm", me.id, NULL);
	brute = new_npc("cmb_brute", room);
	set_fight(me.id, brute);
	tick(w.s, combat_round_tx);
	corpse = sqlv("SELECT id FROM items WHERE room_id = %d AND proto_id ="
	    " 'corpse' AND name = 'the corpse of %s' AND coins = 100 AND"
	    " decay_at > now() + interval '14 minutes'", room, me.name);
	ck_assert_msg(corpse > 0, "no corpse holding the coins");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id IN (%lld,"
	    " %lld) AND container_id = %lld AND worn_slot IS NULL",
	    (long long)sword, (long long)helm, (long long)corpse), 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND room_id = %d AND hp = max_hp AND coins = 0 AND deaths = 1"
	    " AND fighting_id IS NULL", (long long)me.id, START_ROOM), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND fighting_id IS NULL AND kills = 1", (long long)brute), 1);
	expect_to(l, me.id, "You have been KILLED!", NULL, 0);
	snprintf(want, sizeof want, "%s is dead! R.I.P.", me.name);
	expect_to(l, by.id, want, NULL, 0);
	/* The next round has nothing left to do with them. */
	tick(w.s, combat_round_tx);
	ck_assert_int_eq(char_num("deaths", me.id), 1);
	PQfinish(l);
	cmb_close(&w);
}
END_TEST

/* Killing earns experience, a level and max_hp. */
START_TEST(test_level_up)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	int32_t			room;
	int64_t			rat;
	int			rounds = 0;

	cmb_open(&w);
	room = cmb_room(w.s, "Rat Run");
	new_char(&w, "Lvu", room, &me);
	sqlf("UPDATE characters SET xp = 90 WHERE id = %lld",
	    (long long)me.id);
	rat = new_npc("cmb_rat", room);
	run(w.s, me.id, "kill", "rat", &r);
	ck_assert_int_eq(r.rc, TX_COMMIT);
	while (sqlv("SELECT count(*) FROM characters WHERE id = %lld",
	    (long long)rat) == 1 && rounds++ < 80)
		tick(w.s, combat_round_tx);
	ck_assert_msg(rounds < 80, "the rat never died");
	ck_assert_int_eq(char_num("xp", me.id), 115);
	ck_assert_int_eq(char_num("level", me.id), 2);
	ck_assert_int_eq(char_num("max_hp", me.id), 30);
	ck_assert_int_eq(char_num("kills", me.id), 1);
	ck_assert_int_eq(char_num("hp", me.id), 20);	/* the rat never hits */
	cmb_close(&w);
}
END_TEST

/* Fights end when the sides part or a player goes offline. */
START_TEST(test_fight_ends)
{
	struct world		w;
	struct store_char	me, off;
	int32_t			room, other;
	int64_t			d1, d2;

	cmb_open(&w);
	room = cmb_room(w.s, "Parting Room");
	other = cmb_room(w.s, "Elsewhere");
	new_char(&w, "Fea", room, &me);
	new_char(&w, "Feo", room, &off);
	d1 = new_npc("cmb_dummy", other);
	d2 = new_npc("cmb_dummy", room);
	set_fight(me.id, d1);
	set_fight(off.id, d2);
	ck_assert_int_eq(store_char_end_session(w.s, off.id,
	    off.session_instance, off.session_id), STORE_OK);
	tick(w.s, combat_round_tx);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id IN"
	    " (%lld, %lld, %lld, %lld) AND fighting_id IS NOT NULL",
	    (long long)me.id, (long long)off.id, (long long)d1,
	    (long long)d2), 0);
	ck_assert_int_eq(char_num("hp", me.id), 20);
	cmb_close(&w);
}
END_TEST

/* flee: refusals, failure changes nothing, success moves and costs xp. */
START_TEST(test_flee)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	int32_t			room, out, dead_end;
	int64_t			brute, rat;
	int			tries = 0;

	cmb_open(&w);
	room = cmb_room(w.s, "Fleeing Room");
	out = cmb_room(w.s, "Way Out");
	dead_end = cmb_room(w.s, "Dead End");
	ck_assert_int_eq(store_exit_upsert(w.s, room, "east", out, false),
	    STORE_OK);
	new_char(&w, "Fle", room, &me);
	run(w.s, me.id, "flee", "", &r);
	ck_assert_int_eq(r.rc, TX_ROLLBACK);
	ck_assert_str_eq(r.out, "You aren't fighting anyone.\n");
	/* Level 1 against 100: 10% to get away; a failure changes nothing. */
	brute = new_npc("cmb_brute", room);
	for (tries = 0; tries < 50; tries++) {
		set_fight(me.id, brute);
		sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", room,
		    (long long)me.id);
		run(w.s, me.id, "flee", "", &r);
		if (strstr(r.out, "You flee") == NULL)
			break;
	}
	ck_assert_str_eq(r.out, "You panic but can't get away!\n");
	ck_assert_int_eq(r.rc, TX_COMMIT);
	ck_assert_int_eq(char_num("room_id", me.id), room);
	ck_assert_int_eq(char_num("fighting_id", me.id), brute);
	sqlf("DELETE FROM characters WHERE id = %lld", (long long)brute);
	/* Level 10 against 1: 90%; success moves east and costs 100 xp. */
	sqlf("UPDATE characters SET level = 10, xp = 5000 WHERE id = %lld",
	    (long long)me.id);
	rat = new_npc("cmb_rat", room);
	for (tries = 0; tries < 50; tries++) {
		set_fight(me.id, rat);
		run(w.s, me.id, "flee", "", &r);
		if (strstr(r.out, "You flee") != NULL)
			break;
	}
	ck_assert_msg(strncmp(r.out, "You flee east!\nYou lose 100 experience "
	    "points.\nWay Out\n", 55) == 0, "%s", r.out);
	ck_assert_int_eq(char_num("room_id", me.id), out);
	ck_assert_int_eq(char_num("xp", me.id), 4900);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id IN"
	    " (%lld, %lld) AND fighting_id IS NULL", (long long)me.id,
	    (long long)rat), 2);
	/* Nowhere to run. */
	sqlf("UPDATE characters SET room_id = %d WHERE id IN (%lld, %lld)",
	    dead_end, (long long)me.id, (long long)rat);
	for (tries = 0; tries < 50; tries++) {
		set_fight(me.id, rat);
		run(w.s, me.id, "flee", "", &r);
		if (strstr(r.out, "nowhere") != NULL)
			break;
	}
	ck_assert_str_eq(r.out, "You panic, but there is nowhere to run!\n");
	ck_assert_int_eq(char_num("room_id", me.id), dead_end);
	cmb_close(&w);
}
END_TEST

/* --- regeneration --- */

/* hp regenerates from timestamps: 1 per 3 s, not while fighting. */
START_TEST(test_regen)
{
	struct world		w;
	struct store_char	me, c;
	int32_t			room;
	int64_t			dummy;

	cmb_open(&w);
	room = cmb_room(w.s, "Resting Room");
	new_char(&w, "Reg", room, &me);
	sqlf("UPDATE characters SET hp = 5, hp_at = now() - interval '30 s'"
	    " WHERE id = %lld", (long long)me.id);
	ck_assert_int_eq(store_char_load(w.s, me.id, &c), STORE_OK);
	ck_assert_int_eq(c.hp, 15);
	sqlf("UPDATE characters SET hp = 5, hp_at = now() - interval '1 hour'"
	    " WHERE id = %lld", (long long)me.id);
	ck_assert_int_eq(store_char_load(w.s, me.id, &c), STORE_OK);
	ck_assert_int_eq(c.hp, 20);
	/* Entering a fight keeps what was regained... */
	dummy = new_npc("cmb_dummy", room);
	sqlf("UPDATE characters SET hp = 5, hp_at = now() - interval '30 s'"
	    " WHERE id = %lld", (long long)me.id);
	sqlf("UPDATE characters SET fighting_id = %lld WHERE id = %lld",
	    (long long)dummy, (long long)me.id);
	ck_assert_int_eq(store_char_load(w.s, me.id, &c), STORE_OK);
	ck_assert_int_eq(c.hp, 15);
	/* ...nothing regenerates while fighting... */
	sqlf("UPDATE characters SET hp = 5, hp_at = now() - interval '60 s'"
	    " WHERE id = %lld", (long long)me.id);
	ck_assert_int_eq(store_char_load(w.s, me.id, &c), STORE_OK);
	ck_assert_int_eq(c.hp, 5);
	/* ...and leaving it does not credit the time spent fighting. */
	sqlf("UPDATE characters SET fighting_id = NULL WHERE id = %lld",
	    (long long)me.id);
	ck_assert_int_eq(store_char_load(w.s, me.id, &c), STORE_OK);
	ck_assert_int_eq(c.hp, 5);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND hp_at > now() - interval '5 s'", (long long)me.id), 1);
	cmb_close(&w);
}
END_TEST

/* --- NPC behaviour and decay --- */

/* An aggressive NPC picks a fight with an online player, not an offline. */
START_TEST(test_aggro)
{
	struct world		w;
	struct store_char	me, off, frozen;
	PGconn			*l = listen_open();
	int32_t			room, lonely, cell;
	int64_t			shade, shade2, shade3;

	cmb_open(&w);
	room = cmb_room(w.s, "Shadowy Room");
	lonely = cmb_room(w.s, "Lonely Room");
	cell = cmb_room(w.s, "Frozen Cell");
	new_char(&w, "Agg", room, &me);
	new_char(&w, "Ago", lonely, &off);
	/* A frozen player (who could not flee) is not attacked. */
	new_char(&w, "Agf", cell, &frozen);
	sqlf("UPDATE characters SET frozen_until = 'infinity' WHERE id = %lld",
	    (long long)frozen.id);
	ck_assert_int_eq(store_char_end_session(w.s, off.id,
	    off.session_instance, off.session_id), STORE_OK);
	shade = new_npc("cmb_lurker", room);
	shade2 = new_npc("cmb_lurker", lonely);
	shade3 = new_npc("cmb_lurker", cell);
	tick(w.s, npc_tick_tx);
	ck_assert_int_eq(char_num("fighting_id", shade), me.id);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id"
	    " IN (%lld, %lld) AND fighting_id IS NULL", (long long)shade2,
	    (long long)shade3), 2);
	expect_to(l, me.id, "A lurking shade attacks you!", NULL, 0);
	/* The next round it strikes, and the player fights back. */
	tick(w.s, combat_round_tx);
	ck_assert_int_eq(char_num("fighting_id", me.id), shade);
	PQfinish(l);
	cmb_close(&w);
}
END_TEST

/* A wanderer moves, in time, but never out of its area. */
START_TEST(test_wander)
{
	struct world	w;
	PGconn		*l = listen_open();
	int32_t		a, b, foreign;
	int64_t		walker;
	bool		moved = false;
	bool		created;

	cmb_open(&w);
	a = cmb_room(w.s, "Wander A");
	b = cmb_room(w.s, "Wander B");
	test_area("elsewhere");
	do {
		foreign = 900000 + rand31() % 100000000;
		ck_assert_int_eq(store_room_upsert(w.s, foreign, "elsewhere",
		    "Foreign", "Not the walker's area.", false, false,
		    &created), STORE_OK);
	} while (!created);
	ck_assert_int_eq(store_exit_upsert(w.s, a, "north", b, false),
	    STORE_OK);
	ck_assert_int_eq(store_exit_upsert(w.s, b, "south", a, false),
	    STORE_OK);
	ck_assert_int_eq(store_exit_upsert(w.s, a, "west", foreign, false),
	    STORE_OK);
	ck_assert_int_eq(store_exit_upsert(w.s, b, "west", foreign, false),
	    STORE_OK);
	walker = new_npc("cmb_walker", a);
	for (int i = 0; i < 40; i++) {
		long long	at;

		tick(w.s, npc_tick_tx);
		at = char_num("room_id", walker);
		ck_assert_msg(at == a || at == b, "wandered out of its area");
		moved |= at == b;
	}
	ck_assert_msg(moved, "the wanderer never moved in 40 ticks");
	PQfinish(l);
	cmb_close(&w);
}
END_TEST

/* Decay spills a corpse's contents and coins into the room, then rots it. */
START_TEST(test_decay)
{
	struct world		w;
	struct store_char	me;
	PGconn			*l = listen_open();
	int32_t			room;
	int64_t			corpse, fresh, sword;
	long long		coins0;

	cmb_open(&w);
	room = cmb_room(w.s, "Graveyard");
	new_char(&w, "Dec", room, &me);
	coins0 = sqlv("SELECT coins FROM rooms WHERE id = %d", room);
	corpse = sqlv("INSERT INTO items (proto_id, room_id, name, keywords,"
	    " coins, decay_at) VALUES ('corpse', %d, 'the corpse of a test',"
	    " 'corpse test', 7, now() - interval '1 s') RETURNING id", room);
	fresh = sqlv("INSERT INTO items (proto_id, room_id, name, keywords,"
	    " decay_at) VALUES ('corpse', %d, 'the corpse of a fresh one',"
	    " 'corpse fresh', now() + interval '5 minutes') RETURNING id",
	    room);
	sword = sqlv("INSERT INTO items (proto_id, container_id) VALUES"
	    " ('cmb_sword', %lld) RETURNING id", (long long)corpse);
	tick(w.s, decay_tick_tx);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld",
	    (long long)corpse), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld AND"
	    " room_id = %d", (long long)sword, room), 1);
	ck_assert_int_eq(sqlv("SELECT coins FROM rooms WHERE id = %d", room),
	    coins0 + 7);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld",
	    (long long)fresh), 1);
	expect_to(l, me.id, "The corpse of a test rots away.", NULL, 0);
	sqlf("DELETE FROM items WHERE id IN (%lld, %lld)", (long long)fresh,
	    (long long)sword);
	PQfinish(l);
	cmb_close(&w);
}
END_TEST

/* --- the ticker runs each period once --- */

struct racer {
	pthread_t		 thread;
	pthread_barrier_t	*go;
	bool			 use_lock;
	bool			 claimed;
	enum tx_result		 result;
};

/* The tick path: elected by the advisory lock, claim the clock, run. */
static enum tx_rc
racer_tx(struct store *s, void *arg)
{
	struct racer	*r = arg;
	int64_t		 runs;

	r->claimed = false;
	if (r->use_lock) {
		switch (store_tick_lock(s)) {
		case STORE_ERR:
			return TX_ERROR;
		case STORE_NONE:
			return TX_ROLLBACK;
		case STORE_OK:
			break;
		}
	}
	switch (store_clock_claim(s, "combat", 2000, &runs)) {
	case STORE_ERR:
		return TX_ERROR;
	case STORE_NONE:
		return TX_ROLLBACK;
	case STORE_OK:
		break;
	}
	r->claimed = true;
	return combat_round_tx(s, NULL);
}

/* One racer: its own connection, started with the other. */
static void *
racer_main(void *arg)
{
	struct racer	*r = arg;
	struct store	*s = test_store();

	pthread_barrier_wait(r->go);
	r->result = store_tx(s, false, 3, racer_tx, r);
	store_close(s);
	return NULL;
}

/*
 * Two stores take the tick path at the same moment, with and without the
 * advisory lock: exactly one claims the due round, and the clock counts
 * one run.
 */
START_TEST(test_tick_once)
{
	pthread_barrier_t	go;
	struct racer		r[2];

	combat_fixtures();
	for (int i = 0; i < 10; i++) {
		long long	runs0;
		int		claimed = 0;

		test_sql("UPDATE world_clock SET next_at = now() -"
		    " interval '1 s' WHERE name = 'combat'");
		runs0 = sqlv("SELECT runs FROM world_clock WHERE"
		    " name = 'combat'");
		pthread_barrier_init(&go, NULL, 2);
		for (int k = 0; k < 2; k++) {
			memset(&r[k], 0, sizeof r[k]);
			r[k].go = &go;
			r[k].use_lock = i % 2 == 0;
			ck_assert(pthread_create(&r[k].thread, NULL,
			    racer_main, &r[k]) == 0);
		}
		for (int k = 0; k < 2; k++) {
			pthread_join(r[k].thread, NULL);
			ck_assert_int_ne(r[k].result, TXR_FAILED);
			claimed += r[k].claimed && r[k].result ==
			    TXR_COMMITTED;
		}
		pthread_barrier_destroy(&go);
		ck_assert_int_eq(claimed, 1);
		ck_assert_int_eq(sqlv("SELECT runs FROM world_clock WHERE"
		    " name = 'combat'"), runs0 + 1);
	}
}
END_TEST

/* The combat suite: handlers, rounds, regeneration, ticks. */
Suite *
combat_suite(void)
{
	Suite	*s = suite_create("combat");
	TCase	*tc;

	tc = tcase_create("combat");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kill_refusals);
	tcase_add_test(tc, test_kill_starts_fight);
	tcase_add_test(tc, test_fighting_pins_you);
	tcase_add_test(tc, test_kill_first_blow_kills);
	tcase_add_test(tc, test_consider);
	tcase_add_test(tc, test_score_level);
	tcase_add_test(tc, test_round_damage);
	tcase_add_test(tc, test_round_player_death);
	tcase_add_test(tc, test_level_up);
	tcase_add_test(tc, test_fight_ends);
	tcase_add_test(tc, test_flee);
	tcase_add_test(tc, test_regen);
	tcase_add_test(tc, test_aggro);
	tcase_add_test(tc, test_wander);
	tcase_add_test(tc, test_decay);
	tcase_add_test(tc, test_tick_once);
	suite_add_tcase(s, tc);
	return s;
}
