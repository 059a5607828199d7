/*
 * test_world.c — world files and area resets against the test database:
 * the loader's checks (every error names the file and the field, and a bad
 * file changes nothing), idempotent and --overwrite loads, resets (NPCs with
 * their gear, items in rooms, shop stock, each capped at its count), the
 * ticker's claim of due areas, and the real content in db/world.
 *
 * Each test writes its own small world into a temporary directory, with a
 * fresh area id, prototype ids prefixed by it and room and reset ids in a
 * private range (above 1100000000), and deletes it afterwards, so the shared
 * test database keeps only the real world.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/store.h"
#include "db/world.h"
#include "cmd/reset.h"
#include "cmd/tick.h"
#include "keep_test.h"
#include "test_world.h"

/* A private test world: directory, area, prototype prefix, id base. */
struct tw {
	struct store	*s;
	char		 dir[64];
	char		 area[16];
	int32_t		 base;
};

/* Make a fresh test world: temp dir, area id, id base. */
static void
tw_open(struct tw *w)
{
	uint32_t	v;

	rand_bytes(&v, sizeof v);
	memset(w, 0, sizeof *w);
	w->s = test_store();
	snprintf(w->dir, sizeof w->dir, "/tmp/keep-world-XXXXXX");
	ck_assert(mkdtemp(w->dir) != NULL);
	snprintf(w->area, sizeof w->area, "tw");
	for (int i = 2; i < 12; i++, v /= 26)
		w->area[i] = (char)('a' + (v % 26));
	w->base = (int32_t)(1100000000 + (rand31() % 1000000) * 1000);
}

/* Delete the test world's rows and files. */
static void
tw_close(struct tw *w)
{
	DIR		*d = opendir(w->dir);
	struct dirent	*de;
	char		 path[512];

	/*
	 * Live things first: a prototype or room with instances cannot be
	 * deleted.  Then the rooms, and the areas (cascading to NPC
	 * prototypes, resets, shops).
	 */
	sqlf("DELETE FROM characters WHERE proto_id LIKE '%s\\_%%'", w->area);
	sqlf("DELETE FROM items WHERE proto_id LIKE '%s\\_%%' OR room_id IN"
	    " (SELECT id FROM rooms WHERE area LIKE '%s%%')", w->area, w->area);
	sqlf("DELETE FROM rooms WHERE area LIKE '%s%%'", w->area);
	sqlf("DELETE FROM areas WHERE id LIKE '%s%%'", w->area);
	sqlf("DELETE FROM item_protos WHERE id LIKE '%s\\_%%'", w->area);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", w->dir, de->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(w->dir);
	store_close(w->s);
}

/*
 * Write a world file from a template: $A is the area id, $P the prototype
 * prefix (area_), $R<n> the id base plus n.
 */
static void
tw_file(const struct tw *w, const char *name, const char *tmpl)
{
	char	path[512];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", w->dir, name);
	ck_assert((f = fopen(path, "w")) != NULL);
	for (const char *t = tmpl; *t != '\0'; t++) {
		if (t[0] == '$' && t[1] == 'A') {
			fputs(w->area, f);
			t++;
		} else if (t[0] == '$' && t[1] == 'P') {
			fprintf(f, "%s_", w->area);
			t++;
		} else if (t[0] == '$' && t[1] == 'R') {
			char	*end;
			long	 n = strtol(t + 2, &end, 10);

			fprintf(f, "%ld", (long)w->base + n);
			t = end - 1;
		} else
			fputc(*t, f);
	}
	fclose(f);
}

/* Load the test world's directory; err gets the error, if any. */
static bool
tw_load(struct tw *w, bool overwrite, struct world_counts *c, char *err,
    size_t errsz)
{
	return world_load(w->s, w->dir, overwrite, c, err, errsz);
}

struct tw_reset {
	const char			*areas;
	struct store_reset_counts	 c;
};

/* Transaction body: reset the named areas now. */
static enum tx_rc
tw_reset_tx(struct store *s, void *arg)
{
	struct tw_reset	*r = arg;

	return reset_areas(s, r->areas, &r->c) == STORE_OK ? TX_COMMIT :
	    TX_ERROR;
}

/* Reset the test world's area in a transaction; returns what it made. */
static struct store_reset_counts
tw_reset(struct tw *w)
{
	char		areas[32];
	struct tw_reset	r = { .areas = areas };

	snprintf(areas, sizeof areas, "{%s}", w->area);
	ck_assert_msg(store_tx(w->s, false, 3, tw_reset_tx, &r) ==
	    TXR_COMMITTED, "reset failed: %s", store_error(w->s));
	return r.c;
}

/*
 * The standard test world: three rooms in a row, a guard (two per reset)
 * with a sword and helm worn and bread carried, a shopkeeper who sells
 * swords and bread, and three loaves that reset in the middle room.
 */
static const char tw_world[] =
"{ \"area\": \"$A\", \"name\": \"Test Area\", \"reset_secs\": 60,\n"
"  \"rooms\": [\n"
"    { \"id\": $R0, \"title\": \"West Room\", \"description\": \"West.\",\n"
"      \"exits\": { \"east\": $R1 } },\n"
"    { \"id\": $R1, \"title\": \"Middle Room\", \"description\": \"Mid.\",\n"
"      \"exits\": { \"west\": $R0, \"east\": $R2 } },\n"
"    { \"id\": $R2, \"title\": \"East Room\", \"description\": \"East.\",\n"
"      \"exits\": { \"west\": $R1 } } ],\n"
"  \"items\": [\n"
"    { \"id\": \"$Psword\", \"name\": \"a test sword\",\n"
"      \"keywords\": \"test sword\", \"long_desc\": \"A sword.\",\n"
"      \"description\": \"Sharp.\", \"type\": \"weapon\",\n"
"      \"wear_slot\": \"wield\", \"damage_min\": 2, \"damage_max\": 5,\n"
"      \"value\": 50 },\n"
"    { \"id\": \"$Phelm\", \"name\": \"a test helm\", \"keywords\": \"helm\",\n"
"      \"long_desc\": \"A helm.\", \"description\": \"Iron.\",\n"
"      \"type\": \"armor\", \"wear_slot\": \"head\", \"armor\": 2 },\n"
"    { \"id\": \"$Pbread\", \"name\": \"a test loaf\",\n"
"      \"keywords\": \"loaf\",\n"
"      \"long_desc\": \"A loaf.\", \"description\": \"Bread.\",\n"
"      \"type\": \"food\", \"value\": 3 } ],\n"
"  \"npcs\": [\n"
"    { \"id\": \"$Pguard\", \"name\": \"a test guard\",\n"
"      \"keywords\": \"guard\",\n"
"      \"long_desc\": \"A guard stands here.\", \"description\": \"Stern.\",\n"
"      \"level\": 3, \"max_hp\": 30, \"coins\": 7,\n"
"      \"equipment\": [ \"$Psword\", \"$Phelm\" ],\n"
"      \"inventory\": [ \"$Pbread\" ] },\n"
"    { \"id\": \"$Pkeeper\", \"name\": \"a test keeper\",\n"
"      \"keywords\": \"keeper\", \"long_desc\": \"A keeper waits here.\",\n"
"      \"description\": \"Patient.\", \"coins\": 100,\n"
"      \"equipment\": [ \"$Psword\" ] } ],\n"
"  \"resets\": [\n"
"    { \"id\": $R0, \"npc\": \"$Pguard\", \"room\": $R0, \"max\": 2 },\n"
"    { \"id\": $R1, \"item\": \"$Pbread\", \"room\": $R1, \"max\": 3 },\n"
"    { \"id\": $R2, \"npc\": \"$Pkeeper\", \"room\": $R2 } ],\n"
"  \"shops\": [\n"
"    { \"npc\": \"$Pkeeper\", \"buys_types\": [ \"food\" ],\n"
"      \"stock\": [ { \"item\": \"$Psword\", \"max\": 2 },\n"
"                 { \"item\": \"$Pbread\", \"max\": 3 } ] } ]\n"
"}\n";

/* Load the standard test world; it must succeed. */
static void
tw_load_standard(struct tw *w)
{
	struct world_counts	c;
	char			err[1024];

	tw_file(w, "world.json", tw_world);
	ck_assert_msg(tw_load(w, false, &c, err, sizeof err), "%s", err);
	/* Only explicit resets in these tests, never the ticker's. */
	sqlf("UPDATE areas SET next_reset_at = now() + interval '1 day'"
	    " WHERE id = '%s'", w->area);
}

/* Rows of the test world in every table it loads, for comparisons. */
static long long
tw_rows(const struct tw *w)
{
	return sqlv("SELECT (SELECT count(*) FROM areas WHERE id = '%s')"
	    " + (SELECT count(*) FROM rooms WHERE area = '%s')"
	    " + (SELECT count(*) FROM exits WHERE room_id BETWEEN %d AND %d)"
	    " + (SELECT count(*) FROM item_protos WHERE id LIKE '%s\\_%%')"
	    " + (SELECT count(*) FROM npc_protos WHERE area = '%s')"
	    " + (SELECT count(*) FROM npc_proto_gear g JOIN npc_protos p ON"
	    "    p.id = g.npc_proto WHERE p.area = '%s')"
	    " + (SELECT count(*) FROM resets WHERE area = '%s')"
	    " + (SELECT count(*) FROM shops WHERE npc_proto LIKE '%s\\_%%')"
	    " + (SELECT count(*) FROM shop_stock WHERE npc_proto LIKE"
	    "    '%s\\_%%')", w->area, w->area, w->base, w->base + 999,
	    w->area, w->area, w->area, w->area, w->area, w->area);
}

/* A load counts every row; loading again, even overwriting, changes nothing. */
START_TEST(test_load_counts_and_idempotent)
{
	struct tw		w;
	struct world_counts	c;
	char			err[1024];
	long long		rows;

	tw_open(&w);
	tw_file(&w, "world.json", tw_world);
	ck_assert_msg(tw_load(&w, false, &c, err, sizeof err), "%s", err);
	ck_assert_int_eq(c.files, 1);
	ck_assert_int_eq(c.areas, 1);
	ck_assert_int_eq(c.rooms, 3);
	ck_assert_int_eq(c.created, 3);
	ck_assert_int_eq(c.exits, 4);
	ck_assert_int_eq(c.items, 3);
	ck_assert_int_eq(c.npcs, 2);
	ck_assert_int_eq(c.resets, 3);
	ck_assert_int_eq(c.shops, 1);
	ck_assert_int_eq(c.stock, 2);
	/* 1 area + 3 rooms + 4 exits + 3 items + 2 NPCs + 4 gear lines
	 * + 3 resets + 1 shop + 2 stock lines. */
	ck_assert_int_eq(c.inserted, 23);
	ck_assert_int_eq(c.updated, 0);
	rows = tw_rows(&w);
	ck_assert_int_eq(rows, 23);
	ck_assert_int_eq(sqlv("SELECT reset_secs FROM areas WHERE id = '%s'",
	    w.area), 60);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM npc_protos WHERE id ="
	    " '%s_guard' AND coins = 7 AND level = 3 AND NOT aggressive",
	    w.area), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM (SELECT string_agg(kind"
	    " || ':' || item_proto, ' ' ORDER BY kind, ord) AS g FROM"
	    " npc_proto_gear WHERE npc_proto = '%s_guard') x WHERE g ="
	    " 'equipment:%s_sword equipment:%s_helm inventory:%s_bread'",
	    w.area, w.area, w.area, w.area), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM item_protos WHERE id ="
	    " '%s_helm' AND wear_slot = 'head' AND armor = 2 AND weight = 1",
	    w.area), 1);
	ck_assert_int_eq(sqlv("SELECT buy_percent + sell_percent FROM shops"
	    " WHERE npc_proto = '%s_keeper'", w.area), 170);

	/* Twice, and overwriting with the same content: nothing changes. */
	ck_assert_msg(tw_load(&w, false, &c, err, sizeof err), "%s", err);
	ck_assert_int_eq(c.inserted, 0);
	ck_assert_int_eq(c.updated, 0);
	ck_assert_int_eq(c.created, 0);
	ck_assert_msg(tw_load(&w, true, &c, err, sizeof err), "%s", err);
	ck_assert_int_eq(c.inserted, 0);
	ck_assert_int_eq(c.updated, 0);
	ck_assert_int_eq(tw_rows(&w), rows);
	tw_close(&w);
}
END_TEST

/* Plain loads keep edited rows; --overwrite updates the ones that differ. */
START_TEST(test_load_overwrite)
{
	struct tw		w;
	struct world_counts	c;
	char			err[1024];
	char			*edited = strdup(tw_world);
	char			*p;

	tw_open(&w);
	tw_file(&w, "world.json", tw_world);
	ck_assert_msg(tw_load(&w, false, &c, err, sizeof err), "%s", err);
	/* An edit made in the game or with psql. */
	sqlf("UPDATE item_protos SET value = 999 WHERE id = '%s_bread'",
	    w.area);
	/* The file changes a room's title and the guard's level. */
	p = strstr(edited, "West Room");
	memcpy(p, "Weft Room", 9);
	p = strstr(edited, "\"level\": 3");
	p[9] = '7';
	tw_file(&w, "world.json", edited);
	free(edited);

	ck_assert_msg(tw_load(&w, false, &c, err, sizeof err), "%s", err);
	ck_assert_int_eq(c.inserted + c.updated, 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " title = 'West Room'", w.base), 1);
	ck_assert_int_eq(sqlv("SELECT value FROM item_protos WHERE id ="
	    " '%s_bread'", w.area), 999);

	ck_assert_msg(tw_load(&w, true, &c, err, sizeof err), "%s", err);
	ck_assert_int_eq(c.inserted, 0);
	ck_assert_int_eq(c.updated, 3);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " title = 'Weft Room'", w.base), 1);
	ck_assert_int_eq(sqlv("SELECT level FROM npc_protos WHERE id ="
	    " '%s_guard'", w.area), 7);
	ck_assert_int_eq(sqlv("SELECT value FROM item_protos WHERE id ="
	    " '%s_bread'", w.area), 3);
	tw_close(&w);
}
END_TEST

/* A broken world: its files (name, template) and the expected error. */
struct tw_bad {
	const char	*name;
	const char	*files[2][2];
	const char	*expect;
};

#define TW_ROOM(id, exits)						\
	"{ \"id\": $R" #id ", \"title\": \"T\","			\
	" \"description\": \"D.\", \"exits\": { " exits " } }"
#define TW_FILE(rooms, rest)						\
	"{ \"area\": \"$A\", \"name\": \"N\", \"rooms\": [ " rooms " ]"	\
	rest " }"
#define TW_ITEM(id, extra)						\
	"{ \"id\": \"$P" id "\", \"name\": \"n\", \"keywords\": \"k\","	\
	" \"long_desc\": \"L.\", \"description\": \"D.\"" extra " }"
#define TW_NPC(id, extra)						\
	"{ \"id\": \"$P" id "\", \"name\": \"n\", \"keywords\": \"k\","	\
	" \"long_desc\": \"L.\", \"description\": \"D.\"" extra " }"

static const struct tw_bad tw_bads[] = {
	{ "bad item type", { { "a.json", TW_FILE(TW_ROOM(0, ""),
	    ", \"items\": [ " TW_ITEM("x", ", \"type\": \"sword\"") " ]") } },
	    "a.json: items[0] (\"$Px\"): \"type\" must be one of: weapon, "
	    "armor, container, food, treasure, light, key, misc" },
	{ "unknown item in inventory", { { "a.json", TW_FILE(TW_ROOM(0, ""),
	    ", \"npcs\": [ " TW_NPC("n", ", \"inventory\": [ \"$Pnope\" ]")
	    " ]") } },
	    "a.json: npcs[0] (\"$Pn\"): \"inventory\" names item \"$Pnope\", "
	    "which no world file defines" },
	{ "bad exit direction", { { "a.json", TW_FILE(TW_ROOM(0,
	    "\"sideways\": $R0"), "") } },
	    "a.json: rooms[0] (id $R0): bad exit \"sideways\"" },
	{ "exit to nowhere", { { "a.json", TW_FILE(TW_ROOM(0, "\"east\": $R5"),
	    "") } },
	    "a.json: rooms[0] (id $R0): bad exit \"east\": room $R5 is in no "
	    "world file" },
	{ "missing title", { { "a.json", TW_FILE("{ \"id\": $R0, "
	    "\"description\": \"D.\" }", "") } },
	    "a.json: rooms[0] (id $R0): \"title\" is missing" },
	{ "missing rooms", { { "a.json", "{ \"area\": \"$A\", \"name\": \"N\" }"
	    } }, "a.json: \"rooms\" is missing" },
	{ "unknown field", { { "a.json", TW_FILE(TW_ROOM(0, ""),
	    ", \"items\": [ " TW_ITEM("x", ", \"type\": \"weapon\", "
	    "\"wear_slot\": \"wield\", \"damge_max\": 3") " ]") } },
	    "a.json: items[0] (\"$Px\"): unknown field \"damge_max\"" },
	{ "weapon not wielded", { { "a.json", TW_FILE(TW_ROOM(0, ""),
	    ", \"items\": [ " TW_ITEM("x", ", \"type\": \"weapon\"") " ]") } },
	    "a.json: items[0] (\"$Px\"): a weapon needs \"wear_slot\": "
	    "\"wield\"" },
	{ "level out of range", { { "a.json", TW_FILE(TW_ROOM(0, ""),
	    ", \"npcs\": [ " TW_NPC("n", ", \"level\": 0") " ]") } },
	    "a.json: npcs[0] (\"$Pn\"): \"level\" must be an integer from 1 "
	    "to 100" },
	{ "bad keywords", { { "a.json", TW_FILE(TW_ROOM(0, ""),
	    ", \"npcs\": [ { \"id\": \"$Pn\", \"name\": \"n\", "
	    "\"keywords\": \"Big  Guy\", \"long_desc\": \"L.\", "
	    "\"description\": \"D.\" } ]") } },
	    "\"keywords\" must be lower-case words separated by single "
	    "spaces" },
	{ "two weapons wielded", { { "a.json", TW_FILE(TW_ROOM(0, ""),
	    ", \"items\": [ " TW_ITEM("x", ", \"type\": \"weapon\", "
	    "\"wear_slot\": \"wield\"") ", " TW_ITEM("y", ", \"type\": "
	    "\"weapon\", \"wear_slot\": \"wield\"") " ], \"npcs\": [ "
	    TW_NPC("n", ", \"equipment\": [ \"$Px\", \"$Py\" ]") " ]") } },
	    "\"equipment\" items \"$Px\" and \"$Py\" are both worn in slot "
	    "wield" },
	{ "reset with npc and item", { { "a.json", TW_FILE(TW_ROOM(0, ""),
	    ", \"items\": [ " TW_ITEM("x", ", \"type\": \"misc\"") " ], "
	    "\"npcs\": [ " TW_NPC("n", "") " ], \"resets\": [ { \"id\": $R0, "
	    "\"npc\": \"$Pn\", \"item\": \"$Px\", \"room\": $R0 } ]") } },
	    "a.json: resets[0] (id $R0): a reset needs either \"npc\" or "
	    "\"item\", not both" },
	{ "stock of an unknown item", { { "a.json", TW_FILE(TW_ROOM(0, ""),
	    ", \"npcs\": [ " TW_NPC("n", "") " ], \"shops\": [ { \"npc\": "
	    "\"$Pn\", \"stock\": [ { \"item\": \"$Pnope\" } ] } ]") } },
	    "a.json: shops[0] (\"$Pn\"): \"stock\" names item \"$Pnope\"" },
	{ "duplicate room across files", {
	    { "a.json", TW_FILE(TW_ROOM(0, ""), "") },
	    { "b.json", "{ \"area\": \"$Ab\", \"name\": \"N\", \"rooms\": [ "
	    TW_ROOM(0, "") " ] }" } },
	    "b.json: rooms[0] (id $R0): room $R0 is also defined in" },
	{ "bad second file", {
	    { "a.json", TW_FILE(TW_ROOM(0, ""), "") },
	    { "b.json", "{ \"area\": \"$Ab\", \"name\": \"N\", \"rooms\": [ "
	    TW_ROOM(1, "") ", ] }" } },
	    "b.json: line 1:" },
};

/* A broken world is refused, naming file and field; nothing is written. */
START_TEST(test_load_errors)
{
	const struct tw_bad	*b = &tw_bads[_i];
	struct tw		 w;
	struct world_counts	 c;
	char			 err[1024], expect[1024];
	FILE			*f;

	tw_open(&w);
	for (int i = 0; i < 2 && b->files[i][0] != NULL; i++)
		tw_file(&w, b->files[i][0], b->files[i][1]);
	/* The expected message, with the template's ids filled in. */
	tw_file(&w, "expect.txt", b->expect);
	snprintf(err, sizeof err, "%s/expect.txt", w.dir);
	ck_assert((f = fopen(err, "r")) != NULL);
	expect[fread(expect, 1, sizeof expect - 1, f)] = '\0';
	fclose(f);
	unlink(err);

	ck_assert_msg(!tw_load(&w, false, &c, err, sizeof err),
	    "%s: loaded", b->name);
	ck_assert_msg(strstr(err, w.dir) != NULL, "%s: no file in \"%s\"",
	    b->name, err);
	ck_assert_msg(strstr(err, expect) != NULL, "%s: \"%s\" lacks \"%s\"",
	    b->name, err, expect);
	/* Nothing of any file was written, not even the good one. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM areas WHERE id LIKE"
	    " '%s%%'", w.area), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id BETWEEN"
	    " %d AND %d", w.base, w.base + 999), 0);
	tw_close(&w);
}
END_TEST

/* Prototypes may be used from another file of the same directory. */
START_TEST(test_load_across_files)
{
	struct tw		w;
	struct world_counts	c;
	char			err[1024];

	tw_open(&w);
	/* b.json's NPC and reset use an item that a.json defines. */
	tw_file(&w, "a.json", TW_FILE(TW_ROOM(0, "\"down\": $R1"),
	    ", \"items\": [ " TW_ITEM("x", ", \"type\": \"treasure\"") " ]"));
	tw_file(&w, "b.json", "{ \"area\": \"$Ab\", \"name\": \"B\", "
	    "\"rooms\": [ " TW_ROOM(1, "\"up\": $R0") " ], \"npcs\": [ "
	    TW_NPC("n", ", \"inventory\": [ \"$Px\" ]") " ], \"resets\": [ "
	    "{ \"id\": $R1, \"item\": \"$Px\", \"room\": $R1 } ] }");
	ck_assert_msg(tw_load(&w, false, &c, err, sizeof err), "%s", err);
	ck_assert_int_eq(c.files, 2);
	ck_assert_int_eq(c.areas, 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM resets WHERE id = %d AND"
	    " area = '%sb' AND kind = 'item'", w.base + 1, w.area), 1);
	tw_close(&w);
}
END_TEST

/* A reset spawns NPCs and items up to max_count, and no more when rerun. */
START_TEST(test_reset_spawns_up_to_max)
{
	struct tw			w;
	struct store_reset_counts	r;

	tw_open(&w);
	tw_load_standard(&w);
	r = tw_reset(&w);
	ck_assert_int_eq(r.npcs, 3);		/* two guards, one keeper */
	ck_assert_int_eq(r.items, 3);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " reset_id = %d AND room_id = %d AND hp = 30 AND max_hp = 30 AND"
	    " coins = 7 AND level = 3 AND name = 'a test guard' AND"
	    " password_hash IS NULL AND proto_id = '%s_guard'", w.base,
	    w.base, w.area), 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE reset_id = %d"
	    " AND room_id = %d", w.base + 1, w.base + 1), 3);

	/* Again: everything is there, nothing more is made. */
	r = tw_reset(&w);
	ck_assert_int_eq(r.npcs + r.gear + r.items + r.stock, 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " reset_id = %d", w.base), 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE reset_id ="
	    " %d", w.base + 1), 3);
	tw_close(&w);
}
END_TEST

/* A spawned NPC carries its inventory and wears its equipment. */
START_TEST(test_reset_gear)
{
	struct tw			w;
	struct store_reset_counts	r;

	tw_open(&w);
	tw_load_standard(&w);
	r = tw_reset(&w);
	/* Guards: sword, helm, bread each; keeper: sword. */
	ck_assert_int_eq(r.gear, 7);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items i JOIN characters c"
	    " ON c.id = i.carrier_id WHERE c.reset_id = %d AND"
	    " ((i.proto_id = '%s_sword' AND i.worn_slot = 'wield') OR"
	    " (i.proto_id = '%s_helm' AND i.worn_slot = 'head') OR"
	    " (i.proto_id = '%s_bread' AND i.worn_slot IS NULL))", w.base,
	    w.area, w.area, w.area), 6);
	ck_assert_int_eq(sqlv("SELECT count(DISTINCT i.carrier_id) FROM items"
	    " i JOIN characters c ON c.id = i.carrier_id WHERE c.reset_id ="
	    " %d", w.base), 2);
	tw_close(&w);
}
END_TEST

/* A dead NPC is replaced at the next reset; a wanderer still counts. */
START_TEST(test_reset_respawns_dead_npc)
{
	struct tw			w;
	struct store_reset_counts	r;
	long long			gone;

	tw_open(&w);
	tw_load_standard(&w);
	(void)tw_reset(&w);
	/* One guard dies (its row goes, and its gear with it). */
	gone = sqlv("SELECT min(id) FROM characters WHERE reset_id = %d",
	    w.base);
	sqlf("DELETE FROM characters WHERE id = %lld", gone);
	/* The other wanders off: it still counts. */
	sqlf("UPDATE characters SET room_id = %d WHERE reset_id = %d",
	    w.base + 2, w.base);
	r = tw_reset(&w);
	ck_assert_int_eq(r.npcs, 1);
	ck_assert_int_eq(r.gear, 3);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " reset_id = %d", w.base), 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " reset_id = %d AND room_id = %d AND id > %lld", w.base, w.base,
	    gone), 1);
	r = tw_reset(&w);
	ck_assert_int_eq(r.npcs, 0);
	tw_close(&w);
}
END_TEST

/* Items taken from their room (picked up or moved) are replaced. */
START_TEST(test_reset_replaces_taken_items)
{
	struct tw			w;
	struct store_reset_counts	r;
	long long			guard;

	tw_open(&w);
	tw_load_standard(&w);
	(void)tw_reset(&w);
	guard = sqlv("SELECT min(id) FROM characters WHERE reset_id = %d",
	    w.base);
	/* Someone picks up one loaf, another is carried off to a room. */
	sqlf("UPDATE items SET room_id = NULL, carrier_id = %lld WHERE id ="
	    " (SELECT min(id) FROM items WHERE reset_id = %d)", guard,
	    w.base + 1);
	sqlf("UPDATE items SET room_id = %d WHERE id = (SELECT max(id) FROM"
	    " items WHERE reset_id = %d)", w.base, w.base + 1);
	r = tw_reset(&w);
	ck_assert_int_eq(r.items, 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE reset_id = %d"
	    " AND room_id = %d", w.base + 1, w.base + 1), 3);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE reset_id ="
	    " %d", w.base + 1), 5);
	r = tw_reset(&w);
	ck_assert_int_eq(r.items, 0);
	tw_close(&w);
}
END_TEST

/* Stock is topped up to max, counting what the keeper carries unworn. */
START_TEST(test_reset_restocks_shop)
{
	struct tw			w;
	struct store_reset_counts	r;
	long long			keeper;

	tw_open(&w);
	tw_load_standard(&w);
	r = tw_reset(&w);
	ck_assert_int_eq(r.stock, 5);
	keeper = sqlv("SELECT id FROM characters WHERE reset_id = %d",
	    w.base + 2);
	ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE id = %lld",
	    keeper), 100);
	/* The sword it wears is not for sale: two more are in stock. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE carrier_id ="
	    " %lld AND proto_id = '%s_sword' AND worn_slot IS NULL", keeper,
	    w.area), 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE carrier_id ="
	    " %lld AND proto_id = '%s_bread'", keeper, w.area), 3);
	r = tw_reset(&w);
	ck_assert_int_eq(r.stock, 0);

	/* A sword sold, a loaf bought from a player: only the sword returns. */
	sqlf("DELETE FROM items WHERE id = (SELECT min(id) FROM items WHERE"
	    " carrier_id = %lld AND proto_id = '%s_sword' AND worn_slot IS"
	    " NULL)", keeper, w.area);
	sqlf("INSERT INTO items (proto_id, carrier_id) VALUES ('%s_bread',"
	    " %lld)", w.area, keeper);
	r = tw_reset(&w);
	ck_assert_int_eq(r.stock, 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE carrier_id ="
	    " %lld AND worn_slot IS NULL", keeper), 6);
	tw_close(&w);
}
END_TEST

/* The tick resets only due areas, and moves their next reset ahead. */
START_TEST(test_tick_claims_due_areas)
{
	struct tw	w;
	int64_t		runs = 0;

	tw_open(&w);
	tw_load_standard(&w);
	/* Not due: the tick leaves the area alone. */
	ck_assert(store_tx(w.s, false, 3, reset_tick_tx, &runs) ==
	    TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " proto_id LIKE '%s\\_%%'", w.area), 0);
	/* Due: it resets the area and moves the next reset ahead. */
	sqlf("UPDATE areas SET next_reset_at = now() - interval '1 second'"
	    " WHERE id = '%s'", w.area);
	ck_assert(store_tx(w.s, false, 3, reset_tick_tx, &runs) ==
	    TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " proto_id LIKE '%s\\_%%'", w.area), 3);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM areas WHERE id = '%s' AND"
	    " next_reset_at BETWEEN now() + interval '50 seconds' AND"
	    " now() + interval '61 seconds'", w.area), 1);
	/* Claimed: a second tick right away does nothing. */
	sqlf("DELETE FROM characters WHERE proto_id LIKE '%s\\_%%'", w.area);
	ck_assert(store_tx(w.s, false, 3, reset_tick_tx, &runs) ==
	    TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " proto_id LIKE '%s\\_%%'", w.area), 0);
	tw_close(&w);
}
END_TEST

Suite *
world_suite(void)
{
	Suite	*s = suite_create("world");
	TCase	*tc = tcase_create("world");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_load_counts_and_idempotent);
	tcase_add_test(tc, test_load_overwrite);
	tcase_add_loop_test(tc, test_load_errors, 0, (int)(sizeof tw_bads /
	    sizeof tw_bads[0]));
	tcase_add_test(tc, test_load_across_files);
	tcase_add_test(tc, test_reset_spawns_up_to_max);
	tcase_add_test(tc, test_reset_gear);
	tcase_add_test(tc, test_reset_respawns_dead_npc);
	tcase_add_test(tc, test_reset_replaces_taken_items);
	tcase_add_test(tc, test_reset_restocks_shop);
	tcase_add_test(tc, test_tick_claims_due_areas);
	world_content_tests(tc);
	suite_add_tcase(s, tc);
	return s;
}
