/*
 * test_world_content.c — the real world in db/world, as loaded into the
 * test database by tests/run.sh: the map (one start room, every exit
 * reciprocal, every room reachable), the NPCs, items and shops the game
 * needs, and what a reset makes of it (checked in a transaction that is
 * rolled back).  Part of the "world" suite.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db/store.h"
#include "db/world.h"
#include "cmd/reset.h"
#include "keep_test.h"
#include "test_world.h"

/*
 * The real world's area ids and item prototype ids, read from db/world, as
 * PostgreSQL array literals (the database may hold other tests' rows too).
 */
static void
real_ids(char *areas, size_t areassz, char *items, size_t itemssz)
{
	DIR		*d = opendir("db/world");
	struct dirent	*de;
	json_t		*doc, *item;
	json_error_t	 je;
	char		 path[512];
	size_t		 i, len;

	ck_assert_msg(d != NULL, "run from the repository root");
	snprintf(areas, areassz, "{");
	snprintf(items, itemssz, "{");
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "db/world/%s", de->d_name);
		doc = json_load_file(path, 0, &je);
		ck_assert_msg(doc != NULL, "%s: %s", path, je.text);
		snprintf(areas + strlen(areas), areassz - strlen(areas), "%s%s",
		    areas[1] != '\0' ? "," : "", json_string_value(
		    json_object_get(doc, "area")));
		json_array_foreach(json_object_get(doc, "items"), i, item) {
			snprintf(items + strlen(items), itemssz - strlen(items),
			    "%s%s", items[1] != '\0' ? "," : "",
			    json_string_value(json_object_get(item, "id")));
		}
		json_decref(doc);
	}
	closedir(d);
	strcat(areas, "}");
	strcat(items, "}");
}

/* A text value of a query on s, built with printf. */
static void __attribute__((format(printf, 4, 5)))
sqls(struct store *s, char *out, size_t outsz, const char *fmt, ...)
{
	char	sql[4096];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	ck_assert_msg(store_exec_value(s, sql, out, outsz), "%s: %s", sql,
	    store_error(s));
}

/* The real world loads, is big enough, and reloading inserts nothing. */
START_TEST(test_content_loads)
{
	struct store		*s = test_store();
	struct world_counts	 c;
	char			 err[1024];

	/* tests/run.sh loaded it already: loading again changes nothing. */
	ck_assert_msg(world_load(s, "db/world", false, &c, err, sizeof err),
	    "%s", err);
	ck_assert_int_ge(c.files, 2);
	ck_assert_int_ge(c.areas, 2);
	ck_assert_int_ge(c.rooms, 30);
	ck_assert_int_ge(c.npcs, 5);
	ck_assert_int_ge(c.items, 15);
	ck_assert_int_ge(c.shops, 3);
	ck_assert_int_eq(c.inserted, 0);
	ck_assert_int_eq(c.updated, 0);
	store_close(s);
}
END_TEST

/* One start room, reciprocal exits, every room reachable, ASCII prose. */
START_TEST(test_content_map)
{
	struct store	*s = test_store();
	char		 areas[256], items[4096], v[256];

	real_ids(areas, sizeof areas, items, sizeof items);
	ck_assert_int_ge(sqlv("SELECT count(DISTINCT area) FROM rooms WHERE"
	    " area = ANY ('%s')", areas), 2);
	ck_assert_int_ge(sqlv("SELECT count(*) FROM rooms WHERE area = ANY"
	    " ('%s')", areas), 30);
	/* One start room, the square, unchanged for the e2e tests. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE is_start"), 1);
	sqls(s, v, sizeof v, "SELECT id || ' ' || title FROM rooms WHERE"
	    " is_start");
	ck_assert_str_eq(v, "1000 The Village Square");
	sqls(s, v, sizeof v, "SELECT string_agg(direction || '>' || to_room,"
	    " ' ' ORDER BY direction) FROM exits WHERE room_id = 1000");
	ck_assert_str_eq(v, "east>1007 north>1001 south>1011 west>1010");
	sqls(s, v, sizeof v, "SELECT title FROM rooms WHERE id = 1001");
	ck_assert_str_eq(v, "Market Street");
	/* Every exit has its way back, and none leaves the real world. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM exits e JOIN rooms r ON"
	    " r.id = e.room_id WHERE r.area = ANY ('%s') AND NOT EXISTS"
	    " (SELECT 1 FROM exits b WHERE b.room_id = e.to_room AND"
	    " b.to_room = e.room_id AND b.direction = CASE e.direction"
	    " WHEN 'north' THEN 'south' WHEN 'south' THEN 'north'"
	    " WHEN 'east' THEN 'west' WHEN 'west' THEN 'east'"
	    " WHEN 'up' THEN 'down' ELSE 'up' END)", areas), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM exits e JOIN rooms r ON"
	    " r.id = e.room_id JOIN rooms t ON t.id = e.to_room WHERE"
	    " r.area = ANY ('%s') AND NOT t.area = ANY ('%s')", areas,
	    areas), 0);
	/* Every room can be reached from the start room. */
	ck_assert_int_eq(sqlv("WITH RECURSIVE reach(id) AS (SELECT id FROM"
	    " rooms WHERE is_start UNION SELECT e.to_room FROM exits e JOIN"
	    " reach ON e.room_id = reach.id) SELECT count(*) FROM rooms WHERE"
	    " area = ANY ('%s') AND id NOT IN (SELECT id FROM reach)", areas),
	    0);
	/* Plain ASCII prose. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE area = ANY"
	    " ('%s') AND title || description ~ '[^ -~]'", areas), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM npc_protos WHERE area ="
	    " ANY ('%s') AND name || long_desc || description ~ '[^ -~]'",
	    areas), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM item_protos WHERE id ="
	    " ANY ('%s') AND name || long_desc || description ~ '[^ -~]'",
	    items), 0);
	store_close(s);
}
END_TEST

/* The NPCs, items and shops the game needs, where and as they should be. */
START_TEST(test_content_npcs_items_shops)
{
	char	areas[256], items[4096];

	real_ids(areas, sizeof areas, items, sizeof items);
	ck_assert_int_ge(sqlv("SELECT count(*) FROM npc_protos WHERE area ="
	    " ANY ('%s')", areas), 5);
	ck_assert_int_ge(sqlv("SELECT count(*) FROM item_protos WHERE id ="
	    " ANY ('%s')", items), 15);
	/* Levels: town 1-5, wilds 2-6, dungeon 4-10 (the boss is 10). */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM npc_protos WHERE"
	    " (area = 'millbrook' AND level NOT BETWEEN 1 AND 5) OR"
	    " (area = 'wilds' AND level NOT BETWEEN 2 AND 6) OR"
	    " (area = 'warren' AND level NOT BETWEEN 4 AND 10)"), 0);
	/* Nothing spawns in the square or Market Street, nothing in town
	 * wanders or attacks. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM resets WHERE room_id IN"
	    " (1000, 1001)"), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM npc_protos WHERE area ="
	    " 'millbrook' AND (wanders OR aggressive)"), 0);
	/* The dungeon: aggressive NPCs and a boss that carries loot. */
	ck_assert_int_ge(sqlv("SELECT count(*) FROM resets r JOIN npc_protos"
	    " p ON p.id = r.npc_proto JOIN rooms m ON m.id = r.room_id WHERE"
	    " m.area = 'warren' AND p.aggressive"), 3);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM resets r JOIN npc_protos"
	    " p ON p.id = r.npc_proto JOIN rooms m ON m.id = r.room_id WHERE"
	    " m.area = 'warren' AND p.level >= 10 AND p.max_hp >= 100 AND"
	    " EXISTS (SELECT 1 FROM npc_proto_gear g WHERE g.npc_proto = p.id"
	    " AND g.kind = 'inventory') AND EXISTS (SELECT 1 FROM"
	    " npc_proto_gear g WHERE g.npc_proto = p.id AND g.kind ="
	    " 'equipment')"),
	    1);
	/* Wanderers in the wilds, and a wolf that bites. */
	ck_assert_int_ge(sqlv("SELECT count(*) FROM npc_protos WHERE area ="
	    " 'wilds' AND wanders"), 2);
	ck_assert_int_ge(sqlv("SELECT count(*) FROM npc_protos WHERE area ="
	    " 'wilds' AND wanders AND aggressive"), 1);
	/* Items: weapons, armour for several slots, containers, food,
	 * treasure, light. */
	ck_assert_int_ge(sqlv("SELECT count(*) FROM item_protos WHERE id ="
	    " ANY ('%s') AND type = 'weapon' AND damage_min > 0 AND"
	    " damage_max > damage_min", items), 4);
	ck_assert_int_ge(sqlv("SELECT count(DISTINCT wear_slot) FROM"
	    " item_protos WHERE id = ANY ('%s') AND type = 'armor' AND"
	    " armor > 0", items), 5);
	ck_assert_int_eq(sqlv("SELECT count(DISTINCT type) FROM item_protos"
	    " WHERE id = ANY ('%s') AND type IN ('container', 'food',"
	    " 'treasure', 'light')", items), 4);
	/* Shops: a store, a smith selling weapons and armour, a healer in
	 * the alcove; every keeper has coins to buy with. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM shops s JOIN resets r ON"
	    " r.npc_proto = s.npc_proto WHERE r.room_id = 1005 AND EXISTS"
	    " (SELECT 1 FROM shop_stock k WHERE k.npc_proto = s.npc_proto)"),
	    1);
	ck_assert_int_eq(sqlv("SELECT count(DISTINCT i.type) FROM shops s JOIN"
	    " resets r ON r.npc_proto = s.npc_proto JOIN shop_stock k ON"
	    " k.npc_proto = s.npc_proto JOIN item_protos i ON"
	    " i.id = k.item_proto WHERE r.room_id = 1006 AND i.type IN"
	    " ('weapon', 'armor')"), 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM shops s JOIN resets r ON"
	    " r.npc_proto = s.npc_proto WHERE r.room_id = 1009 AND s.heals"
	    " AND s.heal_price > 0"), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM shops s JOIN npc_protos p"
	    " ON p.id = s.npc_proto WHERE p.area = ANY ('%s') AND"
	    " p.coins < 50", areas), 0);
}
END_TEST

struct real_reset {
	const char	*areas;
	char		 err[256];
};

/* Check one count inside the populating transaction. */
static bool
real_check(struct store *s, struct real_reset *r, const char *what,
    const char *sql, long long want)
{
	char	v[64];

	if (!store_exec_value(s, sql, v, sizeof v))
		return false;
	if (strtoll(v, NULL, 10) != want) {
		snprintf(r->err, sizeof r->err, "%s: %s, not %lld", what, v,
		    want);
		return false;
	}
	return true;
}

/* Reset the real world, look at it, and roll it all back. */
static enum tx_rc
real_reset_tx(struct store *s, void *arg)
{
	struct real_reset		*r = arg;
	struct store_reset_counts	 c;

	if (reset_areas(s, r->areas, &c) != STORE_OK)
		return TX_ERROR;
	if (!real_check(s, r, "the chieftain", "SELECT count(*) FROM"
	    " characters WHERE proto_id = 'goblin_chieftain' AND reset_id IS"
	    " NOT NULL", 1) ||
	    !real_check(s, r, "the chieftain's worn gear", "SELECT count(*)"
	    " FROM items i JOIN characters c ON c.id = i.carrier_id WHERE"
	    " c.proto_id = 'goblin_chieftain' AND c.reset_id IS NOT NULL AND"
	    " i.worn_slot IS NOT NULL", 3)
	    || !real_check(s, r, "the chieftain's treasure", "SELECT count(*)"
	    " FROM items i JOIN characters c ON c.id = i.carrier_id WHERE"
	    " c.proto_id = 'goblin_chieftain' AND c.reset_id IS NOT NULL AND"
	    " i.worn_slot IS NULL", 2) ||
	    !real_check(s, r, "spawns in the square and Market Street",
	    "SELECT (SELECT count(*) FROM characters WHERE reset_id IS NOT"
	    " NULL AND room_id IN (1000, 1001)) + (SELECT count(*) FROM items"
	    " WHERE reset_id IS NOT NULL AND room_id IN (1000, 1001))", 0) ||
	    !real_check(s, r, "the smith's stock lines", "SELECT count(DISTINCT"
	    " i.proto_id) FROM items i JOIN characters c ON c.id ="
	    " i.carrier_id WHERE c.proto_id = 'bryn' AND i.worn_slot IS NULL"
	    " AND i.proto_id IN (SELECT item_proto FROM shop_stock WHERE"
	    " npc_proto = 'bryn')", 13))
		return r->err[0] != '\0' ? TX_ROLLBACK : TX_ERROR;
	snprintf(r->err, sizeof r->err, "ok");
	return TX_ROLLBACK;
}

/* A reset of the real world makes the boss, his loot, the smith's stock. */
START_TEST(test_content_populates)
{
	struct store		*s = test_store();
	char			 areas[256], items[4096];
	struct real_reset	 r = { .areas = areas };

	real_ids(areas, sizeof areas, items, sizeof items);
	ck_assert_int_ne(store_tx(s, false, 3, real_reset_tx, &r),
	    TXR_FAILED);
	ck_assert_msg(strcmp(r.err, "ok") == 0, "%s", r.err);
	store_close(s);
}
END_TEST

/* Add the content tests to the world suite's case. */
void
world_content_tests(TCase *tc)
{
	tcase_add_test(tc, test_content_loads);
	tcase_add_test(tc, test_content_map);
	tcase_add_test(tc, test_content_npcs_items_shops);
	tcase_add_test(tc, test_content_populates);
}
