/*
 * test_proto.c — the "proto" suite, database tier: iedit, medit, spawn and
 * purge (this file); reset, help and hedit (test_proto_reset.c).  Every
 * command's effect, its refusals (role, scope, bad arguments, missing
 * target, bounds, constraint violations answered in words), and a player
 * trying each one getting Huh? with nothing changed.
 */
#include <string.h>

#include <check.h>

#include "db_test.h"
#include "keep_test.h"
#include "test_proto.h"


/* An online character of role in room (0: the start room). */
void
proto_char(struct world *w, const char *prefix, const char *role,
    int32_t room, struct store_char *me)
{
	new_char(w, prefix, room, me);
	sqlf("UPDATE characters SET role = '%s' WHERE id = %lld", role,
	    (long long)me->id);
}

/* A count of the rows the staff commands could touch, as one number. */
long long
proto_fingerprint(void)
{
	return sqlv("SELECT (SELECT count(*) FROM item_protos) * 1000003 +"
	    " (SELECT count(*) FROM npc_protos) * 10007 +"
	    " (SELECT count(*) FROM resets) * 101 +"
	    " (SELECT count(*) FROM help) * 7 +"
	    " (SELECT count(*) FROM items) * 3 +"
	    " (SELECT count(*) FROM characters) +"
	    " (SELECT coalesce(sum(weight + value), 0) FROM item_protos) +"
	    " (SELECT coalesce(sum(extract(epoch FROM next_reset_at)), 0)::bigint"
	    "  FROM areas)");
}

/* A player trying every proto command reads Huh? and changes nothing. */
START_TEST(test_proto_player_huh)
{
	static const char *const tries[][2] = {
		{ "iedit", "ptp_x new key a key" }, { "iedit", "corpse" },
		{ "medit", "ptp_y new a thing" }, { "spawn", "item corpse" },
		{ "purge", "" }, { "purge", "room" }, { "reset", "" },
		{ "reset", "now" }, { "reset", "add item corpse" },
		{ "hedit", "ptp_topic text hello" }, { "hedit", "look delete" },
	};
	struct world		w;
	struct store_char	me;
	int32_t			room = sql_room("prototst", "Huh room", "A room.");
	long long		before;

	world_open(&w);
	proto_char(&w, "Ppl", "player", room, &me);
	before = proto_fingerprint();
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++)
		run_want(w.s, me.id, tries[i][0], tries[i][1],
		    huh_of(tries[i][0], ROLE_PLAYER),
		    TXR_ROLLED_BACK);
	ck_assert_int_eq(proto_fingerprint(), before);
	world_close(&w);
}
END_TEST

/* iedit: create, show, change fields, bounds and constraints, delete. */
START_TEST(test_proto_iedit)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	int32_t			room = sql_room("prototst", "Forge", "Hot.");
	int64_t			item;

	world_open(&w);
	proto_char(&w, "Pbi", "builder", room, &me);
	run_want(w.s, me.id, "iedit", "pti_key new key a Rusty key",
	    "Item prototype pti_key created: a Rusty key (key), keywords "
	    "'rusty key', long 'A Rusty key lies here.'.\n", TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM item_protos WHERE id ="
	    " 'pti_key' AND area = 'prototst' AND description = 'a Rusty key'"),
	    1);
	run_want(w.s, me.id, "iedit", "pti_key new key again",
	    "Prototype pti_key already exists.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "Bad!id value 3",
	    "A prototype id is a letter, then letters, digits or _, 48 at "
	    "most.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "pti_new new sword x",
	    "Types: weapon, armor, container, food, treasure, light, key, "
	    "misc.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "pti_none value 3",
	    "There is no item prototype 'pti_none'.\n", TXR_ROLLED_BACK);

	item = item_on("pti_key", me.id, NULL);
	run_want(w.s, me.id, "iedit", "pti_key value 12",
	    "pti_key value: 0 -> 12 (1 items of it exist; they show the "
	    "change at once).\n", TXR_COMMITTED);
	run_want(w.s, me.id, "iedit", "pti_key weight 10001",
	    "The weight is a number from 0 to 10000.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "pti_key weight lots",
	    "The weight is a number from 0 to 10000.\n", TXR_ROLLED_BACK);
	/* The database's CHECKs, answered in words. */
	run_want(w.s, me.id, "iedit", "pti_key type weapon",
	    "A weapon must have slot 'wield'.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "pti_key type container",
	    "A container needs a capacity above 0.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "pti_key keywords rusty 2key",
	    "Keywords are words of letters a-z, one space apart, 200 "
	    "characters at most.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "pti_key area nowhere_area",
	    "There is no such area.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "pti_key damage 5 2",
	    "Damage is <min> <max>, 0 to 10000, min not above max.\n",
	    TXR_ROLLED_BACK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM item_protos WHERE id ="
	    " 'pti_key' AND type = 'key' AND weight = 1 AND value = 12"
	    " AND keywords = 'rusty key' AND area = 'prototst'"), 1);

	/* The instance reads its prototype: a new name shows at once. */
	run_want(w.s, me.id, "iedit", "pti_key name a shiny key",
	    "pti_key name: a Rusty key -> a shiny key (1 items of it exist; "
	    "they show the change at once).\n", TXR_COMMITTED);
	run(w.s, me.id, "inventory", "", &r);
	ck_assert_msg(strstr(r.out, "a shiny key") != NULL, "%s", r.out);
	run_want(w.s, me.id, "iedit", "pti_key slot head",
	    "pti_key slot: none -> head (1 items of it exist; they show the "
	    "change at once).\n", TXR_COMMITTED);
	sqlf("UPDATE items SET worn_slot = 'head' WHERE id = %lld",
	    (long long)item);
	run_want(w.s, me.id, "iedit", "pti_key slot neck",
	    "pti_key: 1 of its items are worn; its slot can't change while "
	    "they are.\n", TXR_ROLLED_BACK);

	run(w.s, me.id, "iedit", "pti_key", &r);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);	/* a look */
	ck_assert_msg(strncmp(r.out, "Item prototype pti_key (area prototst): "
	    "a shiny key\n  type key, slot head, weight 1, value 12,", 80) ==
	    0, "%s", r.out);
	run_want(w.s, me.id, "iedit", "pti_key delete",
	    "pti_key: 1 items exist; purge them before deleting the "
	    "prototype.\n", TXR_ROLLED_BACK);
	sqlf("DELETE FROM items WHERE id = %lld", (long long)item);
	run_want(w.s, me.id, "iedit", "pti_key delete",
	    "Item prototype pti_key deleted.\n", TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM item_protos WHERE id ="
	    " 'pti_key'"), 0);
	world_close(&w);
}
END_TEST

/* A builder limited to other areas edits nothing here. */
START_TEST(test_proto_scope)
{
	struct world		w;
	struct store_char	me, all;
	int32_t			room = sql_room("prototst", "Scope", "A room.");
	long long		before;

	world_open(&w);
	test_area("protoother");
	proto_char(&w, "Pbs", "builder", room, &me);
	proto_char(&w, "Pba", "builder", room, &all);
	sqlf("UPDATE characters SET build_areas = '{protoother}' WHERE id ="
	    " %lld", (long long)me.id);
	run_want(w.s, all.id, "iedit", "pts_gem new treasure a gem",
	    "Item prototype pts_gem created: a gem (treasure), keywords "
	    "'gem', long 'A gem lies here.'.\n", TXR_COMMITTED);
	before = proto_fingerprint();
	run_want(w.s, me.id, "iedit", "pts_gem value 5",
	    "You can't build in area prototst.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "pts_gem2 new treasure a gem",
	    "You can't build in area prototst.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "medit", "pts_imp new an imp",
	    "You can't build in area prototst.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "spawn", "item pts_gem",
	    "You can't build in area prototst.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "purge", "",
	    "You can't build in area prototst.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "reset", "now",
	    "You can't build in area prototst.\n", TXR_ROLLED_BACK);
	/* A prototype of no area: only builders of every area. */
	run_want(w.s, me.id, "iedit", "corpse weight 5",
	    "You can't build things of no area.\n", TXR_ROLLED_BACK);
	ck_assert_int_eq(proto_fingerprint(), before);
	world_close(&w);
}
END_TEST

/* medit: create, live and copied fields, gear, bounds, delete. */
START_TEST(test_proto_medit)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	int32_t			room = sql_room("prototst", "Den", "Dark.");
	int64_t			npc;

	world_open(&w);
	proto_char(&w, "Pbm", "builder", room, &me);
	run_want(w.s, me.id, "medit", "ptm_imp new a tiny test imp",
	    "NPC prototype ptm_imp created: a tiny test imp (level 1, hp 10, "
	    "area prototst), long 'A tiny test imp is here.'.\n",
	    TXR_COMMITTED);
	npc = new_npc("ptm_imp", room);
	run_want(w.s, me.id, "medit", "ptm_imp level 4",
	    "ptm_imp level: 1 -> 4 (new ones only: 1 live NPCs keep level 1; "
	    "'purge' and 'reset now' to respawn them).\n", TXR_COMMITTED);
	run_want(w.s, me.id, "medit", "ptm_imp level 101",
	    "The level is a number from 1 to 100.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "medit", "ptm_imp aggressive maybe",
	    "aggressive is yes or no.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "medit", "ptm_imp wanders yes",
	    "ptm_imp wanders: false -> true (1 live NPCs show the change at "
	    "once).\n", TXR_COMMITTED);
	run_want(w.s, me.id, "medit", "ptm_imp name a big imp",
	    "ptm_imp name: a tiny test imp -> a big imp (1 live NPCs show the "
	    "change at once).\n", TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND name = 'a big imp' AND level = 1", (long long)npc), 1);
	run(w.s, me.id, "look", "", &r);
	ck_assert_msg(strstr(r.out, "A tiny test imp is here.") != NULL, "%s",
	    r.out);

	run_want(w.s, me.id, "iedit", "ptm_cap new armor a red cap",
	    "Item prototype ptm_cap created: a red cap (armor), keywords "
	    "'red cap', long 'A red cap lies here.'.\n", TXR_COMMITTED);
	run_want(w.s, me.id, "medit", "ptm_imp equipment +ptm_cap",
	    "ptm_cap has no wear slot; give it as inventory.\n",
	    TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "ptm_cap slot head",
	    "ptm_cap slot: none -> head (0 items of it exist; they show the "
	    "change at once).\n", TXR_COMMITTED);
	run_want(w.s, me.id, "medit", "ptm_imp equipment +ptm_cap",
	    "ptm_imp equipment: ptm_cap (new ones only: 1 live NPCs keep what "
	    "they have).\n", TXR_COMMITTED);
	run_want(w.s, me.id, "medit", "ptm_imp inventory +ptm_nothing",
	    "There is no item prototype 'ptm_nothing'.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "medit", "ptm_imp inventory -ptm_cap",
	    "ptm_imp has no ptm_cap inventory.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "iedit", "ptm_cap delete",
	    "ptm_cap is used by 0 resets, 1 NPC gear lines and 0 shop stock "
	    "lines; remove those first.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "medit", "ptm_imp delete",
	    "ptm_imp: 1 live NPCs exist; purge them before deleting the "
	    "prototype.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "medit", "ptm_imp equipment -ptm_cap",
	    "ptm_imp equipment: none (new ones only: 1 live NPCs keep what "
	    "they have).\n", TXR_COMMITTED);
	sqlf("DELETE FROM characters WHERE id = %lld", (long long)npc);
	run_want(w.s, me.id, "medit", "ptm_imp delete",
	    "NPC prototype ptm_imp deleted.\n", TXR_COMMITTED);
	world_close(&w);
}
END_TEST

/* spawn: items into the inventory, NPCs (with gear) into the room. */
START_TEST(test_proto_spawn)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	int32_t			room = sql_room("prototst", "Spawn", "A room.");

	world_open(&w);
	proto_char(&w, "Pbp", "builder", room, &me);
	test_sql("INSERT INTO item_protos (id, area, name, keywords, long_desc,"
	    " description, type, wear_slot) VALUES ('ptp_hat', 'prototst',"
	    " 'a hat', 'hat', 'A hat.', 'A hat.', 'armor', 'head')"
	    " ON CONFLICT DO NOTHING;"
	    "INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description) VALUES ('ptp_elf', 'prototst', 'an elf', 'elf',"
	    " 'An elf is here.', 'An elf.') ON CONFLICT DO NOTHING;"
	    "INSERT INTO npc_proto_gear VALUES ('ptp_elf', 'equipment', 1,"
	    " 'ptp_hat') ON CONFLICT DO NOTHING");
	run(w.s, me.id, "spawn", "item ptp_hat 3", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_msg(strncmp(r.out, "You conjure a hat (x3): #", 25) == 0,
	    "%s", r.out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE proto_id ="
	    " 'ptp_hat' AND carrier_id = %lld AND reset_id IS NULL",
	    (long long)me.id), 3);
	run(w.s, me.id, "spawn", "npc ptp_elf", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_msg(strncmp(r.out, "You conjure an elf (#", 21) == 0, "%s",
	    r.out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters c JOIN items i"
	    " ON i.carrier_id = c.id AND i.worn_slot = 'head' WHERE c.proto_id"
	    " = 'ptp_elf' AND c.room_id = %d AND c.reset_id IS NULL", room), 1);
	run_want(w.s, me.id, "spawn", "item ptp_hat 101",
	    "You can conjure 1 to 100 at a time.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "spawn", "item ptp_nope",
	    "There is no item prototype 'ptp_nope'.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "spawn", "npc ptp_hat",
	    "There is no NPC prototype 'ptp_hat'.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "spawn", "thing ptp_hat",
	    "Usage: spawn item|npc <proto> [<count>]\n", TXR_ROLLED_BACK);
	world_close(&w);
}
END_TEST

/* purge: NPCs, floor items and coins go; players and their things stay. */
START_TEST(test_proto_purge)
{
	struct world		w;
	struct store_char	me, pl;
	int32_t			room = sql_room("prototst", "Purge", "A room.");
	int64_t			npc, carried;

	world_open(&w);
	proto_char(&w, "Pbu", "builder", room, &me);
	proto_char(&w, "Ppu", "player", room, &pl);
	test_sql("INSERT INTO item_protos (id, area, name, keywords, long_desc,"
	    " description, type) VALUES ('ptu_rock', 'prototst', 'a rock',"
	    " 'rock', 'A rock.', 'A rock.', 'misc') ON CONFLICT DO NOTHING;"
	    "INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description) VALUES ('ptu_rat', 'prototst', 'a rat', 'rat',"
	    " 'A rat is here.', 'A rat.') ON CONFLICT DO NOTHING");
	npc = new_npc("ptu_rat", room);
	(void)new_npc("ptu_rat", room);
	item_on("ptu_rock", npc, NULL);
	carried = item_on("ptu_rock", pl.id, NULL);
	sqlf("INSERT INTO items (proto_id, room_id) VALUES ('ptu_rock', %d),"
	    " ('ptu_rock', %d)", room, room);
	sqlf("INSERT INTO items (proto_id, room_id, name, keywords) VALUES"
	    " ('corpse', %d, 'the corpse of %s', 'corpse')", room, pl.name);
	sqlf("UPDATE rooms SET coins = 30 WHERE id = %d", room);

	/* purge empties a room: it is never an abbreviation. */
	{
		const char	*name;
		bool		 refused;

		ck_assert_ptr_nonnull(cmd_lookup("purg", &name, &refused));
		ck_assert(refused);
	}
	run_want(w.s, me.id, "purge", pl.name,
	    "Players can't be purged; use 'kick' or 'transfer'.\n",
	    TXR_ROLLED_BACK);
	run_want(w.s, me.id, "purge", "unicorn", "You don't see that here.\n",
	    TXR_ROLLED_BACK);
	run_want(w.s, me.id, "purge", "rat", "You purge a rat.\n",
	    TXR_COMMITTED);
	run_want(w.s, me.id, "purge", "",
	    "You purge the room: 1 NPCs, 2 items, 30 coins.\n"
	    "1 player corpses were left: they hold players' things.\n",
	    TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE room_id ="
	    " %d AND proto_id IS NOT NULL", room), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id IN"
	    " (%lld, %lld)", (long long)me.id, (long long)pl.id), 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld AND"
	    " carrier_id = %lld", (long long)carried, (long long)pl.id), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE room_id = %d"
	    " AND proto_id = 'corpse'", room), 1);
	ck_assert_int_eq(sqlv("SELECT coins FROM rooms WHERE id = %d", room),
	    0);
	run_want(w.s, me.id, "purge", "room",
	    "There is nothing here to purge.\n"
	    "1 player corpses were left: they hold players' things.\n",
	    TXR_ROLLED_BACK);
	world_close(&w);
}
END_TEST

/* The proto suite (database tier, and its e2e case). */
Suite *
proto_suite(void)
{
	Suite	*s = suite_create("proto");
	TCase	*tc = tcase_create("protos");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_proto_player_huh);
	tcase_add_test(tc, test_proto_iedit);
	tcase_add_test(tc, test_proto_scope);
	tcase_add_test(tc, test_proto_medit);
	tcase_add_test(tc, test_proto_spawn);
	tcase_add_test(tc, test_proto_purge);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, proto_reset_tcase());
	suite_add_tcase(s, proto_e2e_tcase());
	return s;
}
