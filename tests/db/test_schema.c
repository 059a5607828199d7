/*
 * test_schema.c — what migration 0009 makes the schema say: a database
 * made by 0001-0008 keeps its data when 0009 is applied (the gear arrays
 * become npc_proto_gear rows in their order); deleting an item or NPC
 * prototype with instances, or a room with items on its floor, is refused
 * and changes nothing; a room's area and a gear line's prototype must
 * exist; the wear slots are one list that C and SQL agree on; and
 * load-world still loads over a world whose items players carry.
 *
 * The migration test makes a database of its own on the test cluster; the
 * others use the test database with fresh prototype ids and private rooms,
 * and delete what they made.
 */
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/migrate.h"
#include "db/store.h"
#include "db/wear_slot.h"
#include "db/world.h"
#include "db_test.h"
#include "keep_test.h"
#include "ops/util.h"

#define SCH_MIGRATIONS	"db/migrations"

/* A database of the test's own on the test cluster. */
struct sdb {
	char		 name[48];
	struct store	*s;
};

/* Create a fresh, empty database and open a store on it. */
static void
sdb_open(struct sdb *d)
{
	const char	*url = test_db_url(), *q = strchr(url, '?');
	char		 u[512], err[256];

	ck_assert(q != NULL);
	snprintf(d->name, sizeof d->name, "keep_schema_%d_%d", (int)getpid(),
	    (int)(rand31() % 100000));
	sqlf("CREATE DATABASE %s", d->name);
	snprintf(u, sizeof u, "postgresql:///%s%s", d->name, q);
	d->s = store_open(u, "keep-tests", 10000, err, sizeof err);
	ck_assert_msg(d->s != NULL, "%s", err);
}

/* Close and drop the database. */
static void
sdb_close(struct sdb *d)
{
	store_close(d->s);
	sqlf("DROP DATABASE %s WITH (FORCE)", d->name);
}

/*
 * Apply the migrations numbered up to upto, from a directory of links to
 * the real files (so their checksums are the real ones); upto 0: all of
 * them, from the real directory.
 */
static void
sdb_migrate_to(struct sdb *d, int upto)
{
	char	dir[] = "/tmp/keep-mig-XXXXXX", real[PATH_MAX];
	char	link[PATH_MAX], err[1024];
	glob_t	g;

	if (upto == 0) {
		ck_assert_msg(migrate_apply(d->s, SCH_MIGRATIONS, err,
		    sizeof err), "%s", err);
		return;
	}
	ck_assert(mkdtemp(dir) != NULL);
	ck_assert(glob(SCH_MIGRATIONS "/[0-9][0-9][0-9][0-9]_*.sql", 0, NULL,
	    &g) == 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char	*base = strrchr(g.gl_pathv[i], '/') + 1;

		if (atoi(base) > upto)
			continue;
		ck_assert(realpath(g.gl_pathv[i], real) != NULL);
		snprintf(link, sizeof link, "%s/%s", dir, base);
		ck_assert(symlink(real, link) == 0);
	}
	ck_assert_msg(migrate_apply(d->s, dir, err, sizeof err), "%s", err);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		snprintf(link, sizeof link, "%s/%s", dir,
		    strrchr(g.gl_pathv[i], '/') + 1);
		unlink(link);
	}
	globfree(&g);
	ck_assert(rmdir(dir) == 0);
}

/* Run SQL built with printf on a store; whether it succeeded. */
static bool __attribute__((format(printf, 2, 3)))
sch_try(struct store *s, const char *f, ...)
{
	va_list	ap;
	char	sql[4096];

	va_start(ap, f);
	vsnprintf(sql, sizeof sql, f, ap);
	va_end(ap);
	return store_exec_script(s, sql);
}

/* The first value of a query built with printf on a store, as text. */
static const char * __attribute__((format(printf, 2, 3)))
sch_text(struct store *s, const char *f, ...)
{
	static char	out[4][4096];
	static int	n;
	va_list		ap;
	char		sql[4096];
	char		*o = out[n++ % 4];

	va_start(ap, f);
	vsnprintf(sql, sizeof sql, f, ap);
	va_end(ap);
	ck_assert_msg(store_exec_value(s, sql, o, sizeof out[0]), "%s: %s",
	    sql, store_error(s));
	return o;
}

/* Every item, where it is, in id order. */
#define SCH_ITEMS							\
	"SELECT string_agg(concat_ws(':', id, proto_id, room_id,"	\
	" carrier_id, container_id, worn_slot), ' ' ORDER BY id)"	\
	" FROM items"
/* One kind of an NPC prototype p's gear, in order. */
#define SCH_GEAR_KIND(k)						\
	"coalesce((SELECT string_agg(item_proto, ',' ORDER BY ord)"	\
	" FROM npc_proto_gear WHERE npc_proto = p.id AND kind = '" k	\
	"'), '')"
/* Every NPC prototype's equipment and inventory, in order. */
#define SCH_GEAR_NOW							\
	"SELECT string_agg(p.id || ':' || " SCH_GEAR_KIND("equipment")	\
	" || '/' || " SCH_GEAR_KIND("inventory") ", ' ' ORDER BY p.id)"	\
	" FROM npc_protos p"

/*
 * A database made by 0001-0008 with rooms (one in an area with no areas
 * row), NPC prototypes with gear arrays (one naming a prototype that is
 * gone), a player with a wielded sword and bread in the pack, a guard
 * wearing a helm and a helm on a floor keeps all of it through 0009.
 */
START_TEST(test_migrate_keeps_data)
{
	struct sdb	d;
	char		items[4096];
	int64_t		alice;

	sdb_open(&d);
	sdb_migrate_to(&d, 8);
	ck_assert_msg(sch_try(d.s,
	    "INSERT INTO areas (id, name) VALUES ('vale', 'The Vale');"
	    "INSERT INTO rooms (id, area, title, description, is_start) VALUES"
	    " (1, 'vale', 'Green', 'Grass.', true),"
	    " (2, 'nowhere', 'Grey', 'Fog.', false);"
	    "INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, wear_slot, damage_min, damage_max) VALUES"
	    " ('sword', 'a sword', 'sword', 'A sword.', 'Sharp.', 'weapon',"
	    "  'wield', 1, 3),"
	    " ('helm', 'a helm', 'helm', 'A helm.', 'Iron.', 'armor', 'head',"
	    "  0, 0),"
	    " ('bread', 'a loaf', 'loaf', 'A loaf.', 'Bread.', 'food', NULL,"
	    "  0, 0);"
	    "INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description, equipment, inventory) VALUES"
	    " ('guard', 'vale', 'a guard', 'guard', 'A guard.', 'Stern.',"
	    "  '{sword,helm}', '{bread,bread}'),"
	    " ('hermit', 'vale', 'a hermit', 'hermit', 'A hermit.', 'Old.',"
	    "  '{}', '{bread,ghost}'),"
	    " ('rat', 'vale', 'a rat', 'rat', 'A rat.', 'Small.', '{}', '{}');"
	    "INSERT INTO characters (name, password_hash, room_id) VALUES"
	    " ('Alice', 'hash', 1);"
	    "INSERT INTO characters (name, proto_id, room_id) VALUES"
	    " ('a guard', 'guard', 1);"
	    "INSERT INTO items (proto_id, carrier_id, worn_slot) SELECT"
	    " 'sword', id, 'wield' FROM characters WHERE name = 'Alice';"
	    "INSERT INTO items (proto_id, carrier_id) SELECT 'bread', id FROM"
	    " characters WHERE name = 'Alice';"
	    "INSERT INTO items (proto_id, carrier_id, worn_slot) SELECT"
	    " 'helm', id, 'head' FROM characters WHERE name = 'a guard';"
	    "INSERT INTO items (proto_id, room_id) VALUES ('helm', 2);"),
	    "%s", store_error(d.s));
	util_strlcpy(items, sch_text(d.s, SCH_ITEMS), sizeof items);
	alice = strtoll(sch_text(d.s, "SELECT id FROM characters WHERE name ="
	    " 'Alice'"), NULL, 10);

	sdb_migrate_to(&d, 0);

	/* Every item where it was; the gear arrays as rows, in order. */
	ck_assert_str_eq(sch_text(d.s, SCH_ITEMS), items);
	ck_assert_str_eq(sch_text(d.s, SCH_GEAR_NOW),
	    "guard:sword,helm/bread,bread hermit:/bread rat:/");
	ck_assert_str_eq(sch_text(d.s, "SELECT count(*) FROM"
	    " information_schema.columns WHERE table_name = 'npc_protos' AND"
	    " column_name IN ('equipment', 'inventory')"), "0");
	/* The area that had no row has one now, and the rooms are kept. */
	ck_assert_str_eq(sch_text(d.s, "SELECT string_agg(id || '=' || name,"
	    " ' ' ORDER BY id) FROM areas"), "nowhere=nowhere vale=The Vale");
	ck_assert_str_eq(sch_text(d.s, "SELECT string_agg(id || area, ' '"
	    " ORDER BY id) FROM rooms"), "1vale 2nowhere");
	/* The player still has both things, and still cannot lose them. */
	ck_assert_str_eq(sch_text(d.s, "SELECT string_agg(proto_id, ','"
	    " ORDER BY id) FROM items WHERE carrier_id = %lld",
	    (long long)alice), "sword,bread");
	ck_assert(!sch_try(d.s, "DELETE FROM item_protos WHERE id = 'bread'"));
	ck_assert_str_eq(store_sqlstate(d.s), "23503");
	sdb_close(&d);
}
END_TEST

/* Fresh ids for one test's prototypes, room and player. */
struct sfx {
	struct world		w;
	struct store_char	pc;
	char			item[40], npc[40];
	int32_t			room;
};

/* A room, an item and an NPC prototype, and a player in another room. */
static void
sfx_open(struct sfx *f)
{
	int	r = rand31() % 100000000;

	world_open(&f->w);
	snprintf(f->item, sizeof f->item, "sch_item_%d", r);
	snprintf(f->npc, sizeof f->npc, "sch_npc_%d", r);
	f->room = sql_room("schematest", "A Store Room", "Shelves.");
	sqlf("INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type) VALUES ('%s', 'a trinket', 'trinket',"
	    " 'A trinket.', 'Shiny.', 'treasure');"
	    "INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description) VALUES ('%s', 'schematest', 'a pedlar', 'pedlar',"
	    " 'A pedlar.', 'Busy.')", f->item, f->npc);
	new_char(&f->w, "Sch", 0, &f->pc);
}

/* Delete what sfx_open made, instances first. */
static void
sfx_close(struct sfx *f)
{
	sqlf("DELETE FROM characters WHERE proto_id = '%s' OR id = %lld;"
	    "DELETE FROM items WHERE proto_id = '%s' OR room_id = %d;"
	    "DELETE FROM rooms WHERE id = %d;"
	    "DELETE FROM npc_protos WHERE id = '%s';"
	    "DELETE FROM item_protos WHERE id = '%s'", f->npc,
	    (long long)f->pc.id, f->item, f->room, f->room, f->npc, f->item);
	world_close(&f->w);
}

/* Expect sql to be refused by a foreign key (23503). */
static void
sch_refused(struct store *s, const char *sql)
{
	ck_assert_msg(!store_exec_script(s, sql), "not refused: %s", sql);
	ck_assert_msg(strcmp(store_sqlstate(s), "23503") == 0,
	    "%s: %s (%s)", sql, store_error(s), store_sqlstate(s));
}

/*
 * An item prototype with an instance in a player's pack cannot be deleted
 * (before 0009 the delete took the player's item with it); once the
 * instance is gone, it can.
 */
START_TEST(test_delete_item_proto_refused)
{
	struct sfx	f;
	int64_t		it;

	sfx_open(&f);
	it = item_on(f.item, f.pc.id, NULL);
	sch_refused(f.w.s, fmt("DELETE FROM item_protos WHERE id = '%s'",
	    f.item));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld AND"
	    " carrier_id = %lld", (long long)it, (long long)f.pc.id), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM item_protos WHERE id ="
	    " '%s'", f.item), 1);
	/* Deleting the instance (as decay does) works, then the prototype. */
	sqlf("DELETE FROM items WHERE id = %lld", (long long)it);
	sqlf("DELETE FROM item_protos WHERE id = '%s'", f.item);
	sfx_close(&f);
}
END_TEST

/*
 * An NPC prototype with a live NPC cannot be deleted, nor its area; the
 * NPC and what it carries stay.  A dead NPC's row is deleted as before.
 */
START_TEST(test_delete_npc_proto_refused)
{
	struct sfx	f;
	int64_t		npc, it;

	sfx_open(&f);
	npc = new_npc(f.npc, f.room);
	it = item_on(f.item, npc, NULL);
	sch_refused(f.w.s, fmt("DELETE FROM npc_protos WHERE id = '%s'",
	    f.npc));
	sch_refused(f.w.s, "DELETE FROM areas WHERE id = 'schematest'");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id ="
	    " %lld AND proto_id = '%s'", (long long)npc, f.npc), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld",
	    (long long)it), 1);
	sqlf("DELETE FROM characters WHERE id = %lld", (long long)npc);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld",
	    (long long)it), 0);
	sqlf("DELETE FROM npc_protos WHERE id = '%s'", f.npc);
	sfx_close(&f);
}
END_TEST

/* A room with an item on its floor cannot be deleted; the item stays. */
START_TEST(test_delete_room_refused)
{
	struct sfx	f;
	int64_t		it;

	sfx_open(&f);
	it = sqlv("INSERT INTO items (proto_id, room_id) VALUES ('%s', %d)"
	    " RETURNING id", f.item, f.room);
	sch_refused(f.w.s, fmt("DELETE FROM rooms WHERE id = %d", f.room));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld AND"
	    " room_id = %d", (long long)it, f.room), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d",
	    f.room), 1);
	sfx_close(&f);
}
END_TEST

/* A room must name an area that exists, made or moved. */
START_TEST(test_room_unknown_area_refused)
{
	struct sfx	f;
	int32_t		id = 900000 + rand31() % 100000000;

	sfx_open(&f);
	sch_refused(f.w.s, fmt("INSERT INTO rooms (id, area, title,"
	    " description) VALUES (%d, 'sch_no_such_area', 'Lost', 'Lost.')",
	    id));
	sch_refused(f.w.s, fmt("UPDATE rooms SET area = 'sch_no_such_area'"
	    " WHERE id = %d", f.room));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d", id),
	    0);
	sfx_close(&f);
}
END_TEST

/* A gear line must name an item prototype that exists. */
START_TEST(test_gear_unknown_proto_refused)
{
	struct sfx	f;

	sfx_open(&f);
	sch_refused(f.w.s, fmt("INSERT INTO npc_proto_gear (npc_proto, kind,"
	    " ord, item_proto) VALUES ('%s', 'equipment', 1,"
	    " 'sch_no_such_item')", f.npc));
	/* A real one is accepted, and goes with its NPC prototype. */
	sqlf("INSERT INTO npc_proto_gear (npc_proto, kind, ord, item_proto)"
	    " VALUES ('%s', 'inventory', 1, '%s')", f.npc, f.item);
	sqlf("DELETE FROM npc_protos WHERE id = '%s'", f.npc);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM npc_proto_gear WHERE"
	    " item_proto = '%s'", f.item), 0);
	sfx_close(&f);
}
END_TEST

/* C's wear slots are SQL's, in the same order; other names are refused. */
START_TEST(test_wear_slots_one_list)
{
	struct store	*s = test_store();
	char		 c[256] = "";

	for (int i = 0; i < WEAR_COUNT; i++) {
		if (i > 0)
			strcat(c, ",");
		strcat(c, wear_slot_names[i]);
	}
	ck_assert_ptr_null(wear_slot_names[WEAR_COUNT]);
	ck_assert_str_eq(sch_text(s, "SELECT array_to_string(wear_slots(),"
	    " ',')"), c);
	ck_assert_str_eq(sch_text(s, "SELECT string_agg(table_name || '.' ||"
	    " column_name, ' ' ORDER BY table_name) FROM"
	    " information_schema.columns WHERE domain_name = 'wear_slot'"),
	    "item_protos.wear_slot items.worn_slot");
	ck_assert(!store_exec_script(s, "SELECT 'tail'::wear_slot"));
	ck_assert_str_eq(store_sqlstate(s), "23514");
	ck_assert_int_eq(wear_slot_find("wield"), WEAR_WIELD);
	ck_assert_int_eq(wear_slot_find("tail"), -1);
	store_close(s);
}
END_TEST

/* A one-file world: a room, a trinket, a pedlar carrying gear. */
static void
sch_world_file(const char *dir, const char *area, int32_t room,
    const char *gear)
{
	char	path[256];
	FILE	*f;

	snprintf(path, sizeof path, "%s/w.json", dir);
	ck_assert((f = fopen(path, "w")) != NULL);
	fprintf(f, "{ \"area\": \"%s\", \"name\": \"Schema\", \"rooms\": ["
	    " { \"id\": %d, \"title\": \"Stall\", \"description\": \"A stall.\""
	    " } ], \"items\": ["
	    " { \"id\": \"%s_ring\", \"name\": \"a ring\", \"keywords\":"
	    " \"ring\", \"long_desc\": \"A ring.\", \"description\": \"Gold.\","
	    " \"type\": \"armor\", \"wear_slot\": \"finger\" },"
	    " { \"id\": \"%s_coin\", \"name\": \"a coin\", \"keywords\":"
	    " \"coin\", \"long_desc\": \"A coin.\", \"description\": \"Old.\","
	    " \"type\": \"treasure\" } ], \"npcs\": ["
	    " { \"id\": \"%s_pedlar\", \"name\": \"a pedlar\", \"keywords\":"
	    " \"pedlar\", \"long_desc\": \"A pedlar.\", \"description\":"
	    " \"Busy.\"%s } ] }\n", area, room, area, area, area, gear);
	fclose(f);
}

/*
 * load-world over a world whose items a player carries and whose NPC is
 * alive: a plain load and an --overwrite that changes the pedlar's gear
 * both work; the overwrite replaces the gear lists; nothing live is lost.
 */
START_TEST(test_load_world_over_belongings)
{
	struct world		w;
	struct store_char	pc;
	struct world_counts	c;
	char			dir[] = "/tmp/keep-sch-XXXXXX", area[16];
	char			err[1024];
	int32_t			room = (int32_t)(1100000000 + rand31() %
				    1000000 * 1000);
	int64_t			ring;

	snprintf(area, sizeof area, "sch%d", (int)(rand31() % 10000000));
	ck_assert(mkdtemp(dir) != NULL);
	world_open(&w);
	sch_world_file(dir, area, room, fmt(", \"equipment\": [ \"%s_ring\" ],"
	    " \"inventory\": [ \"%s_coin\", \"%s_coin\" ]", area, area, area));
	ck_assert_msg(world_load(w.s, dir, false, &c, err, sizeof err), "%s",
	    err);
	new_char(&w, "Sch", room, &pc);
	ring = item_on(fmt("%s_ring", area), pc.id, "finger");
	new_npc(fmt("%s_pedlar", area), room);

	ck_assert_msg(world_load(w.s, dir, true, &c, err, sizeof err), "%s",
	    err);
	ck_assert_int_eq(c.inserted + c.updated, 0);
	/* The pedlar now carries one coin and wears nothing. */
	sch_world_file(dir, area, room, fmt(", \"inventory\": [ \"%s_coin\" ]",
	    area));
	ck_assert_msg(world_load(w.s, dir, true, &c, err, sizeof err), "%s",
	    err);
	ck_assert_int_eq(c.inserted, 0);
	ck_assert_int_eq(c.updated, 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM npc_proto_gear WHERE"
	    " npc_proto = '%s_pedlar' AND kind = 'inventory' AND ord = 1 AND"
	    " item_proto = '%s_coin'", area, area), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM npc_proto_gear WHERE"
	    " npc_proto = '%s_pedlar'", area), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld AND"
	    " carrier_id = %lld AND worn_slot = 'finger'", (long long)ring,
	    (long long)pc.id), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " proto_id = '%s_pedlar'", area), 1);

	sqlf("DELETE FROM characters WHERE proto_id = '%s_pedlar' OR id ="
	    " %lld; DELETE FROM rooms WHERE id = %d; DELETE FROM areas WHERE"
	    " id = '%s'; DELETE FROM item_protos WHERE id LIKE '%s\\_%%'",
	    area, (long long)pc.id, room, area, area);
	ck_assert(unlink(fmt("%s/w.json", dir)) == 0 && rmdir(dir) == 0);
	world_close(&w);
}
END_TEST

/* The schema suite: every test above, in one case. */
Suite *
schema_suite(void)
{
	const TTest	*tests[] = {
		test_migrate_keeps_data, test_delete_item_proto_refused,
		test_delete_npc_proto_refused, test_delete_room_refused,
		test_room_unknown_area_refused, test_gear_unknown_proto_refused,
		test_wear_slots_one_list, test_load_world_over_belongings
	};
	Suite		*s = suite_create("schema");
	TCase		*tc = tcase_create("schema");

	tcase_set_timeout(tc, 60);
	for (size_t i = 0; i < nitems(tests); i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return s;
}
