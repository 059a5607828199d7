/*
 * test_ops_dump.c — `keepd world dump` (suite "ops"): the world loaded
 * from db/world into an empty database, with edits made as a builder
 * would (a new room and exit, a new unused item, text with quotes and
 * non-ASCII letters), dumped; the dump loaded into another empty database
 * and dumped again gives the same files byte for byte, and both databases
 * hold the same world, table by table.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "db/migrate.h"
#include "db/store.h"
#include "db/world.h"
#include "db/world_dump.h"
#include "db_test.h"
#include "keep_test.h"

/* A database of the test's own, and a store on it. */
struct odb {
	char		 name[48];
	char		 url[512];
	struct store	*s;
};

/* Create a fresh database, migrate it and open a store on it. */
static void
odb_open(struct odb *d)
{
	const char	*url = test_db_url(), *q = strchr(url, '?');
	char		 err[1024];

	ck_assert(q != NULL);
	snprintf(d->name, sizeof d->name, "keep_ops_%d_%d", (int)getpid(),
	    (int)(rand31() % 100000));
	sqlf("CREATE DATABASE %s", d->name);
	snprintf(d->url, sizeof d->url, "postgresql:///%s%s", d->name, q);
	d->s = store_open(d->url, "keep-tests", 10000, err, sizeof err);
	ck_assert_msg(d->s != NULL, "%s", err);
	ck_assert_msg(migrate_apply(d->s, "db/migrations", err, sizeof err),
	    "%s", err);
}

/* Close and drop the database. */
static void
odb_close(struct odb *d)
{
	store_close(d->s);
	sqlf("DROP DATABASE %s WITH (FORCE)", d->name);
}

/* Load the world files of dir into d. */
static void
odb_load(struct odb *d, const char *dir)
{
	struct world_counts	c;
	char			err[1024];

	ck_assert_msg(world_load(d->s, dir, false, &c, err, sizeof err),
	    "%s", err);
}

/* Dump d's world into dir; how many files. */
static int
odb_dump(struct odb *d, const char *dir)
{
	char	err[1024];
	int	files;

	ck_assert_msg(world_dump(d->s, dir, &files, err, sizeof err), "%s",
	    err);
	return files;
}

/* A digest of one query's rows on d (every row, in a stable order). */
static void
odb_digest(struct odb *d, const char *rows, char *out, size_t outsz)
{
	char	sql[1024];

	snprintf(sql, sizeof sql, "SELECT count(*) || ' ' || coalesce(md5("
	    "string_agg(x::text, E'\\n' ORDER BY x::text)), '') FROM (%s) x",
	    rows);
	ck_assert_msg(store_exec_value(d->s, sql, out, outsz), "%s: %s", sql,
	    store_error(d->s));
}

/* Whether two files hold the same bytes (false if either is missing). */
static bool
odb_same(const char *p1, const char *p2)
{
	FILE	*f1 = fopen(p1, "r"), *f2 = fopen(p2, "r");
	int	 c1 = 0, c2 = 0;

	while (f1 != NULL && f2 != NULL && c1 == c2 && c1 != EOF) {
		c1 = getc(f1);
		c2 = getc(f2);
	}
	if (f1 != NULL)
		fclose(f1);
	if (f2 != NULL)
		fclose(f2);
	return f1 != NULL && f2 != NULL && c1 == c2;
}

/* Remove a dump directory's files and the directory. */
static void
odb_rmdir(const char *dir)
{
	DIR		*dp = opendir(dir);
	struct dirent	*de;
	char		 path[4096];

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

START_TEST(test_ops_world_dump)
{
	static const char	*tables[] = {
		"SELECT id, name, reset_secs FROM areas",
		"SELECT id, area, title, description, is_start FROM rooms",
		"SELECT * FROM exits", "SELECT * FROM item_protos",
		"SELECT * FROM npc_protos", "SELECT * FROM npc_proto_gear",
		"SELECT * FROM resets", "SELECT * FROM shops",
		"SELECT * FROM shop_stock",
	};
	static const char	*areas[] = { "millbrook", "warren", "wilds" };
	struct odb		 a, b;
	char			 d1[] = "/tmp/keep-dump1-XXXXXX";
	char			 d2[] = "/tmp/keep-dump2-XXXXXX";
	char			 d3[] = "/tmp/keep-dump3-XXXXXX";
	char			 da[128], db[128], p1[4200], p2[4200], *text;
	json_t			*j;
	json_error_t		 je;
	int			 files;
	struct store		*t = test_store();

	ck_assert(mkdtemp(d1) != NULL && mkdtemp(d2) != NULL &&
	    mkdtemp(d3) != NULL);
	odb_open(&a);
	odb_load(&a, "db/world");
	/* What a builder might have done in the game since. */
	ck_assert(store_exec_script(a.s,
	    "INSERT INTO rooms (id, area, title, description) VALUES (1099,"
	    " 'millbrook', 'Hob''s \"Back\" Room', 'Smells of ale and"
	    " crème brûlée.');"
	    "INSERT INTO exits VALUES (1099, 'down', 1000), (1099, 'up', 2000);"
	    "INSERT INTO item_protos (id, area, name, keywords, long_desc,"
	    " description, type) VALUES ('ops_trinket', 'warren', 'a trinket',"
	    " 'trinket', 'A trinket lies here.', 'Tiny.', 'misc');"
	    "UPDATE npc_protos SET wanders = NOT wanders, coins = coins + 7;"));

	files = odb_dump(&a, d1);
	ck_assert_int_eq(files, 3);
	for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
		snprintf(p1, sizeof p1, "%s/%s.json", d1, areas[i]);
		ck_assert_msg((j = json_load_file(p1, 0, &je)) != NULL,
		    "%s: %s", p1, je.text);
		ck_assert_str_eq(json_string_value(json_object_get(j, "area")),
		    areas[i]);
		/* An unused item prototype is in its own area's file. */
		text = json_dumps(j, 0);
		ck_assert_int_eq(strstr(text, "ops_trinket") != NULL,
		    strcmp(areas[i], "warren") == 0);
		free(text);
		json_decref(j);
	}

	odb_open(&b);
	odb_load(&b, d1);
	ck_assert_int_eq(odb_dump(&b, d2), files);
	for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
		snprintf(p1, sizeof p1, "%s/%s.json", d1, areas[i]);
		snprintf(p2, sizeof p2, "%s/%s.json", d2, areas[i]);
		ck_assert_msg(odb_same(p1, p2), "%s and %s differ", p1, p2);
	}
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		odb_digest(&a, tables[i], da, sizeof da);
		odb_digest(&b, tables[i], db, sizeof db);
		ck_assert_msg(strcmp(da, db) == 0, "%s: %s in the world "
		    "loaded from db/world, %s in the one loaded from the dump",
		    tables[i], da, db);
		ck_assert_msg(strncmp(da, "0 ", 2) != 0, "%s: no rows",
		    tables[i]);
	}

	/* The test database's own world dumps too (whatever tests added). */
	ck_assert_msg(world_dump(t, d3, &files, p1, sizeof p1), "%s", p1);
	ck_assert_int_ge(files, 3);
	store_close(t);
	odb_close(&a);
	odb_close(&b);
	odb_rmdir(d1);
	odb_rmdir(d2);
	odb_rmdir(d3);
}
END_TEST

/* The world dump case of the ops suite. */
TCase *
ops_dump_tcase(void)
{
	TCase	*tc = tcase_create("ops_dump");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ops_world_dump);
	return tc;
}
