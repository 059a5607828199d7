/*
 * test_build.c — the building commands (goto, stat, dig, link, unlink,
 * redit, desc+, find) at the database tier: each command's effect, its
 * refusals (role, area scope, bad arguments, missing targets, bounds), and
 * concurrent digs and appends.  The e2e half is tests/e2e/test_build_e2e.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_test.h"
#include "keep_test.h"

#define OK	TXR_COMMITTED
#define NO	TXR_ROLLED_BACK

/* A fresh area of the test's own: "bld" and random letters. */
static void
fresh_area(char area[16])
{
	snprintf(area, 16, "bld%c%c%c%c%c%c", 'a' + rand31() % 26,
	    'a' + rand31() % 26, 'a' + rand31() % 26, 'a' + rand31() % 26,
	    'a' + rand31() % 26, 'a' + rand31() % 26);
	test_area(area);
}

/* An online character of role in room. */
static void
staff(struct world *w, const char *role, int32_t room, struct store_char *c)
{
	new_char(w, "Bld", room, c);
	sqlf("UPDATE characters SET role = '%s' WHERE id = %lld", role,
	    (long long)c->id);
}

/* How many exits lead from room dir to `to`. */
static long long
exit_to(int32_t room, const char *dir, int32_t to)
{
	return sqlv("SELECT count(*) FROM exits WHERE room_id = %d AND"
	    " direction = '%s' AND to_room = %d", room, dir, to);
}

/* The room a character is in. */
static long long
room_of(int64_t id)
{
	return sqlv("SELECT room_id FROM characters WHERE id = %lld",
	    (long long)id);
}

/* A player trying every building command reads Huh? and changes nothing. */
START_TEST(test_build_player_huh)
{
	static const char	*cmds[][2] = {
		{ "goto", "1000" }, { "stat", "" }, { "stat", "room 1000" },
		{ "dig", "up A Loft" }, { "link", "up 1000" },
		{ "unlink", "north" }, { "redit", "title Owned" },
		{ "redit", "delete evacuate" }, { "desc+", "More." },
		{ "find", "room a" }, { "find", "problems" },
	};
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	char			 area[16];
	int32_t			 room, other;
	long long		 rooms;

	world_open(&w);
	fresh_area(area);
	room = sql_room(area, "Player Room", "A plain room.");
	other = sql_room(area, "Other Room", "Another room.");
	sqlf("INSERT INTO exits VALUES (%d, 'north', %d)", room, other);
	new_char(&w, "Plr", room, &me);
	rooms = sqlv("SELECT count(*) FROM rooms");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		run_want(w.s, me.id, cmds[i][0], cmds[i][1],
		    huh_of(cmds[i][0], ROLE_PLAYER), NO);
	run(w.s, me.id, "help", "", &r);
	ck_assert_msg(strstr(r.out, "  goto ") == NULL && strstr(r.out,
	    "  dig ") == NULL, "%s", r.out);
	sqlf("UPDATE characters SET role = 'builder' WHERE id = %lld",
	    (long long)me.id);
	run(w.s, me.id, "help", "", &r);
	ck_assert_msg(strstr(r.out, "  goto <room id>|<name>") != NULL &&
	    strstr(r.out, "  find room|item|npc <text>") != NULL, "%s", r.out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms"), rooms);
	ck_assert_int_eq(room_of(me.id), room);
	ck_assert_int_eq(exit_to(room, "north", other), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " title = 'Player Room' AND description = 'A plain room.'", room),
	    1);
	world_close(&w);
}
END_TEST

/* goto a room or someone: moved, both rooms told; and its refusals. */
START_TEST(test_build_goto)
{
	struct world		 w;
	struct store_char	 me, them, watcher;
	struct run		 r;
	char			 area[16];
	int32_t			 a, b, c;

	world_open(&w);
	fresh_area(area);
	a = sql_room(area, "Goto From", "From here.");
	b = sql_room(area, "Goto To", "To here.");
	c = sql_room(area, "Goto Third", "Third.");
	staff(&w, "builder", a, &me);
	new_char(&w, "Wat", a, &watcher);
	new_char(&w, "Tgt", c, &them);
	run(w.s, me.id, "goto", fmt("%d", b), &r);
	ck_assert_int_eq(r.result, OK);
	ck_assert_msg(strncmp(r.out, "Goto To\n", 8) == 0, "%s", r.out);
	ck_assert_int_eq(room_of(me.id), b);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE text ="
	    " '%s vanishes.' AND %lld = ANY (recipients)", me.name,
	    (long long)watcher.id), 1);
	run(w.s, me.id, "goto", them.name, &r);
	ck_assert_int_eq(r.result, OK);
	ck_assert_int_eq(room_of(me.id), c);
	run_want(w.s, me.id, "goto", fmt("%d", c), "You are already there.\n",
	    NO);
	run_want(w.s, me.id, "goto", "2000000000",
	    "There is no room 2000000000.\n", NO);
	run_want(w.s, me.id, "goto", "Zzqxyw",
	    "There is no one called Zzqxyw.\n", NO);
	ck_assert_int_eq(room_of(me.id), c);
	world_close(&w);
}
END_TEST

/* dig: a new room above the area's highest, exits both ways; refusals. */
START_TEST(test_build_dig)
{
	static const char	*inj = "Robert'); DROP TABLE rooms;--";
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	char			 area[16], other[16], longt[90];
	int32_t			 a, id;
	long long		 top, rooms;

	world_open(&w);
	fresh_area(area);
	fresh_area(other);
	a = sql_room(area, "Dig Base", "Base.");
	staff(&w, "builder", a, &me);
	top = sqlv("SELECT max(id) FROM rooms WHERE area = '%s'", area);
	run(w.s, me.id, "dig", "up A Dusty Loft", &r);
	ck_assert_int_eq(r.result, OK);
	id = (int32_t)sqlv("SELECT id FROM rooms WHERE area = '%s' AND"
	    " title = 'A Dusty Loft'", area);
	ck_assert_int_gt(id, top);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id > %lld"
	    " AND id < %d", top, id), 0);
	ck_assert_str_eq(r.out, fmt("You dig up to room %d 'A Dusty Loft' (%s)."
	    " The way back is down.\n", id, area));
	ck_assert_int_eq(exit_to(a, "up", id), 1);
	ck_assert_int_eq(exit_to(id, "down", a), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " description = 'You are in an unfinished room.'", id), 1);

	rooms = sqlv("SELECT count(*) FROM rooms");
	run_want(w.s, me.id, "dig", "up Again",
	    fmt("There is already an exit up (to %d).\n", id), NO);
	run_want(w.s, me.id, "dig", "sideways Nope",
	    "Directions: north, east, south, west, up, down.\n", NO);
	run_want(w.s, me.id, "dig", "north", "Usage: dig <direction> <title>\n",
	    NO);
	memset(longt, 'x', 81);
	longt[81] = '\0';
	run_want(w.s, me.id, "dig", fmt("north %s", longt),
	    "A title is 1 to 80 characters.\n", NO);
	run_want(w.s, me.id, "dig", "north Bad\033[31mRed",
	    "Text can't contain control characters.\n", NO);
	sqlf("UPDATE characters SET build_areas = '{%s}' WHERE id = %lld",
	    other, (long long)me.id);
	run_want(w.s, me.id, "dig", "north Not Mine",
	    fmt("You can't build in area %s.\n", area), NO);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms"), rooms);

	sqlf("UPDATE characters SET build_areas = '{%s}' WHERE id = %lld",
	    area, (long long)me.id);
	run(w.s, me.id, "dig", fmt("n %s", inj), &r);
	ck_assert_int_eq(r.result, OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE area = '%s'"
	    " AND title = 'Robert''); DROP TABLE rooms;--'", area), 1);
	world_close(&w);
}
END_TEST

/* One builder of a race: its command, its own connection. */
struct racer {
	struct run	r;
	struct store	*s;
	char		args[64];
	pthread_barrier_t *go;
};

/* Run one racer's command when every racer is ready. */
static void *
racer_thread(void *arg)
{
	struct racer	*d = arg;

	pthread_barrier_wait(d->go);
	(void)run_call(d->s, &d->r, 10);
	return NULL;
}

/* A builder in room for racer d, to run cmd args. */
static void
racer_init(struct racer *d, struct world *w, int32_t room, const char *cmd,
    const char *args, pthread_barrier_t *go)
{
	struct store_char	c;

	memset(d, 0, sizeof *d);
	staff(w, "builder", room, &c);
	d->r.cmd = cmd;
	snprintf(d->args, sizeof d->args, "%s", args);
	d->r.args = d->args;
	d->r.id = c.id;
	snprintf(d->r.inst, sizeof d->r.inst, "%s", c.session_instance);
	d->r.sid = c.session_id;
	d->s = test_store();
	d->go = go;
}

/* Start n racers at once and wait for them all to end, each committed. */
static void
race(struct racer *d, int n)
{
	pthread_t	t[32];

	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, racer_thread, &d[i]);
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		ck_assert_msg(d[i].r.result == OK, "%s %s: %s (%s)",
		    d[i].r.cmd, d[i].args, d[i].r.out, store_error(d[i].s));
		store_close(d[i].s);
	}
}

/* 20 builders dig at once from 20 rooms of one area: 20 distinct rooms. */
START_TEST(test_build_dig_concurrent)
{
	enum { N = 20 };
	struct world		 w;
	struct racer		 d[N];
	pthread_barrier_t	 go;
	char			 area[16];

	world_open(&w);
	fresh_area(area);
	pthread_barrier_init(&go, NULL, N);
	for (int i = 0; i < N; i++)
		racer_init(&d[i], &w, sql_room(area, "Dig Race", "Race."),
		    "dig", "east A Raced Room", &go);
	race(d, N);
	for (int i = 0; i < N; i++)
		ck_assert_msg(strstr(d[i].r.out, "You dig east to room ") !=
		    NULL, "%s", d[i].r.out);
	ck_assert_int_eq(sqlv("SELECT count(DISTINCT id) FROM rooms WHERE"
	    " area = '%s' AND title = 'A Raced Room'", area), N);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM exits e JOIN rooms r ON"
	    " r.id = e.to_room WHERE r.title = 'A Raced Room' AND r.area ="
	    " '%s' AND e.direction = 'east'", area), N);
	pthread_barrier_destroy(&go);
	world_close(&w);
}
END_TEST

/* link and unlink, both ways and one way; refusals. */
START_TEST(test_build_link)
{
	struct world		 w;
	struct store_char	 me;
	char			 area[16], other[16];
	int32_t			 a, b, c, d, x;

	world_open(&w);
	fresh_area(area);
	fresh_area(other);
	a = sql_room(area, "Link A", "A.");
	b = sql_room(area, "Link B", "B.");
	c = sql_room(area, "Link C", "C.");
	d = sql_room(area, "Link D", "D.");
	x = sql_room(other, "Link X", "X.");
	staff(&w, "builder", a, &me);
	run_want(w.s, me.id, "link", fmt("east %d", b), fmt("Exit east now "
	    "leads to %d Link B, and west from there leads back here.\n", b),
	    OK);
	ck_assert_int_eq(exit_to(a, "east", b) + exit_to(b, "west", a), 2);
	run_want(w.s, me.id, "link", fmt("east %d", c), fmt("There is already"
	    " an exit east (to %d); 'unlink east' first.\n", b), NO);
	run_want(w.s, me.id, "link", fmt("north %d oneway", c),
	    fmt("Exit north now leads to %d Link C.\n", c), OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM exits WHERE room_id = %d",
	    c), 0);
	sqlf("INSERT INTO exits VALUES (%d, 'north', %d)", d, c);
	run_want(w.s, me.id, "link", fmt("south %d", d), fmt("Exit south now "
	    "leads to %d Link D, but %d's north exit leads to %d, so the way "
	    "is one-way.\n", d, d, c), OK);
	run_want(w.s, me.id, "link", "up 2000000000",
	    "There is no room 2000000000.\n", NO);
	run_want(w.s, me.id, "link", "up", "Usage: link <direction> <room id> "
	    "[oneway]\n", NO);
	sqlf("UPDATE characters SET build_areas = '{%s}' WHERE id = %lld",
	    area, (long long)me.id);
	run_want(w.s, me.id, "link", fmt("up %d", x),
	    fmt("You can't build in area %s.\n", other), NO);
	ck_assert_int_eq(exit_to(a, "up", x), 0);
	run_want(w.s, me.id, "link", fmt("up %d oneway", x),
	    fmt("Exit up now leads to %d Link X.\n", x), OK);

	run_want(w.s, me.id, "unlink", "east", fmt("Exit east (to %d) "
	    "removed, and the way back west.\n", b), OK);
	ck_assert_int_eq(exit_to(a, "east", b) + exit_to(b, "west", a), 0);
	run_want(w.s, me.id, "unlink", "south", fmt("Exit south (to %d) "
	    "removed.\n", d), OK);
	ck_assert_int_eq(exit_to(d, "north", c), 1);
	run_want(w.s, me.id, "unlink", "east", "There is no exit east.\n", NO);
	run_want(w.s, me.id, "unlink", "north sideways",
	    "Usage: unlink <direction> [oneway]\n", NO);
	sqlf("INSERT INTO exits VALUES (%d, 'down', %d)", x, a);
	run_want(w.s, me.id, "unlink", "up",
	    fmt("You can't build in area %s.\n", other), NO);
	run_want(w.s, me.id, "unlink", "up oneway", fmt("Exit up (to %d) "
	    "removed.\n", x), OK);
	ck_assert_int_eq(exit_to(x, "down", a), 1);
	world_close(&w);
}
END_TEST

/* redit title, desc, desc+, area: one column each; bounds and scope. */
START_TEST(test_build_redit)
{
	static const char	*inj = "x'; UPDATE rooms SET title = 'pwned';--";
	struct world		 w;
	struct store_char	 me, boss;
	char			 area[16], other[16], big[600];
	int32_t			 a, b;

	world_open(&w);
	fresh_area(area);
	fresh_area(other);
	a = sql_room(area, "Old Title", "Old words.");
	b = sql_room(other, "Far Title", "Far.");
	staff(&w, "builder", a, &me);
	run_want(w.s, me.id, "redit", "title New Title", fmt("Room %d title: "
	    "'Old Title' -> 'New Title'.\n", a), OK);
	run_want(w.s, me.id, "redit", "desc+ More words.", fmt("Room %d "
	    "description: 10 -> 22 characters.\n", a), OK);
	run_want(w.s, me.id, "desc+", "Even more.", fmt("Room %d description:"
	    " 22 -> 33 characters.\n", a), OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " title = 'New Title' AND description = 'Old words. More words."
	    " Even more.'", a), 1);
	run_want(w.s, me.id, "redit", fmt("%d desc %s", a, inj), fmt("Room %d"
	    " description: 33 -> %d characters.\n", a, (int)strlen(inj)), OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " description = 'x''; UPDATE rooms SET title = ''pwned'';--'", a),
	    1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE title ="
	    " 'pwned'"), 0);
	memset(big, 'y', 500);
	big[500] = '\0';
	sqlf("UPDATE rooms SET description = repeat('z', 3900) WHERE id = %d",
	    a);
	run_want(w.s, me.id, "desc+", big, "A description is at most 4000 "
	    "characters (this would make 4401).\n", NO);
	run_want(w.s, me.id, "redit", "title", "A title is 1 to 80 "
	    "characters.\n", NO);
	run_want(w.s, me.id, "redit", "title Bell\007", "Text can't contain "
	    "control characters.\n", NO);
	run_want(w.s, me.id, "redit", "desc", "Usage: redit [<room id>] desc "
	    "<text>\n", NO);
	run_want(w.s, me.id, "redit", "colour red", "Usage: redit [<room id>] "
	    "title|desc|desc+|area <text> | delete [evacuate]\n", NO);
	run_want(w.s, me.id, "redit", "2000000000 title X",
	    "There is no room 2000000000.\n", NO);
	sqlf("UPDATE characters SET build_areas = '{%s}' WHERE id = %lld",
	    area, (long long)me.id);
	run_want(w.s, me.id, "redit", fmt("%d area %s", a, other),
	    fmt("You can't build in area %s.\n", other), NO);
	run_want(w.s, me.id, "redit", fmt("%d title Mine Now", b),
	    fmt("You can't build in area %s.\n", other), NO);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " title = 'Far Title'", b), 1);

	staff(&w, "admin", a, &boss);
	run_want(w.s, boss.id, "redit", "area nosuchareaq",
	    "There is no area 'nosuchareaq'.\n", NO);
	run_want(w.s, boss.id, "redit", fmt("area %s", other), fmt("Room %d "
	    "area: %s -> %s.\n", a, area, other), OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " area = '%s'", a, other), 1);
	world_close(&w);
}
END_TEST

/* redit delete: refused while occupied; evacuate moves players and items
 * to the start room, purges NPCs; the start room is never deleted. */
START_TEST(test_build_delete)
{
	struct world		 w;
	struct store_char	 me, off;
	char			 area[16];
	int32_t			 a, b, start;
	int64_t			 item;
	long long		 floor;

	world_open(&w);
	combat_fixtures();
	fresh_area(area);
	a = sql_room(area, "Keep Room", "Stays.");
	b = sql_room(area, "Doomed Room", "Goes.");
	start = (int32_t)sqlv("SELECT id FROM rooms WHERE is_start");
	sqlf("INSERT INTO exits VALUES (%d, 'east', %d), (%d, 'west', %d)",
	    a, b, b, a);
	staff(&w, "builder", a, &me);
	new_char(&w, "Off", b, &off);
	sqlf("UPDATE characters SET session_instance = NULL WHERE id = %lld",
	    (long long)off.id);
	item = sqlv("INSERT INTO items (proto_id, room_id) VALUES"
	    " ('cmb_trinket', %d) RETURNING id", b);
	(void)new_npc("cmb_rat", b);
	sqlf("UPDATE rooms SET coins = 7 WHERE id = %d", b);
	run_want(w.s, me.id, "redit", fmt("%d delete", b), fmt("Room %d holds "
	    "%s (offline), a sickly rat and 1 items; 'redit %d delete "
	    "evacuate' moves the players and the items to the start room and "
	    "purges the NPCs.\n", b, off.name, b), NO);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d", b),
	    1);
	run_want(w.s, me.id, "redit", fmt("%d delete now", b), "Usage: redit "
	    "[<room id>] title|desc|desc+|area <text> | delete [evacuate]\n",
	    NO);
	floor = sqlv("SELECT coins FROM rooms WHERE id = %d", start);
	run_want(w.s, me.id, "redit", fmt("%d delete evacuate", b),
	    fmt("Room %d 'Doomed Room' deleted with 2 exits and 0 resets; %s "
	    "moved to %d; 1 NPCs purged; 1 items moved to %d.\n", b, off.name,
	    start, start), OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d", b),
	    0);
	ck_assert_int_eq(room_of(off.id), start);
	ck_assert_int_eq(sqlv("SELECT room_id FROM items WHERE id = %lld",
	    (long long)item), start);
	ck_assert_int_ge(sqlv("SELECT coins FROM rooms WHERE id = %d", start),
	    floor + 7);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM exits WHERE room_id = %d"
	    " OR to_room = %d", a, b), 0);
	run_want(w.s, me.id, "redit", fmt("%d delete", start), "The start room"
	    " can't be deleted; make another room the start room first.\n", NO);
	run_want(w.s, me.id, "redit", fmt("%d delete", b),
	    fmt("There is no room %d.\n", b), NO);
	/* An empty room goes at once, exits with it. */
	run_want(w.s, me.id, "dig", "north Brief Room", fmt("You dig north to"
	    " room %lld 'Brief Room' (%s). The way back is south.\n",
	    sqlv("SELECT max(id) + 1 FROM rooms WHERE area = '%s'", area),
	    area), OK);
	run_want(w.s, me.id, "redit", fmt("%lld delete", sqlv("SELECT id FROM"
	    " rooms WHERE title = 'Brief Room' AND area = '%s'", area)),
	    fmt("Room %lld 'Brief Room' deleted with 2 exits and 0 resets.\n",
	    sqlv("SELECT id FROM rooms WHERE title = 'Brief Room' AND area ="
	    " '%s'", area)), OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM exits WHERE room_id = %d",
	    a), 0);
	world_close(&w);
}
END_TEST

/* stat: a room, a character, an item, prototypes; and what is missing. */
START_TEST(test_build_stat)
{
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	char			 area[16];
	int32_t			 a, b;
	int64_t			 item;

	world_open(&w);
	combat_fixtures();
	fresh_area(area);
	a = sql_room(area, "Stat Room", "Statted.");
	b = sql_room(area, "Stat East", "East.");
	sqlf("INSERT INTO exits VALUES (%d, 'east', %d)", a, b);
	staff(&w, "builder", a, &me);
	item = sqlv("INSERT INTO items (proto_id, room_id) VALUES"
	    " ('cmb_trinket', %d) RETURNING id", a);
	run(w.s, me.id, "stat", "", &r);
	ck_assert_int_eq(r.result, OK);
	ck_assert_msg(strstr(r.out, fmt("Room %d 'Stat Room' (area %s), 0 "
	    "coins on the floor.\nDescription (8 characters): Statted.\n"
	    "Exits: east %d Stat East.\nCharacters: %s (builder, online).\n"
	    "Items: 1 (#%lld a test trinket).\nResets here: none.\n", a, area,
	    b, me.name, (long long)item)) == r.out, "%s", r.out);
	run(w.s, me.id, "stat", fmt("room %d", b), &r);
	ck_assert_msg(strstr(r.out, "'Stat East'") != NULL, "%s", r.out);
	run(w.s, me.id, "stat", fmt("char %s", me.name), &r);
	ck_assert_msg(strstr(r.out, fmt("%s (builder #%lld) in %d Stat Room.",
	    me.name, (long long)me.id, a)) == r.out, "%s", r.out);
	ck_assert_msg(strstr(r.out, "Builds in: every area.") != NULL, "%s",
	    r.out);
	run(w.s, me.id, "stat", fmt("item #%lld", (long long)item), &r);
	ck_assert_msg(strstr(r.out, fmt("Item #%lld a test trinket (prototype"
	    " cmb_trinket, treasure", (long long)item)) == r.out, "%s", r.out);
	ck_assert_msg(strstr(r.out, fmt("On the floor of %d Stat Room", a)) !=
	    NULL, "%s", r.out);
	run(w.s, me.id, "stat", "iproto cmb_sword", &r);
	ck_assert_msg(strstr(r.out, "Item prototype cmb_sword: a test sword, "
	    "weapon, slot wield") == r.out, "%s", r.out);
	run(w.s, me.id, "stat", "nproto cmb_rat", &r);
	ck_assert_msg(strstr(r.out, "NPC prototype cmb_rat (area cmbtest): a "
	    "sickly rat") == r.out, "%s", r.out);
	run_want(w.s, me.id, "stat", "room 2000000000",
	    "There is no room 2000000000.\n", NO);
	run_want(w.s, me.id, "stat", "char Zzqxyw",
	    "There is no one called Zzqxyw.\n", NO);
	run_want(w.s, me.id, "stat", "item 0", "There is no item 0.\n", NO);
	run_want(w.s, me.id, "stat", "item 9000000000000",
	    "There is no item #9000000000000.\n", NO);
	run_want(w.s, me.id, "stat", "iproto dagr",
	    "There is no prototype 'dagr'.\n", NO);
	run_want(w.s, me.id, "stat", "thing x", "Usage: stat [room [<id>]] | "
	    "char <name> | item <id> | iproto <id> | nproto <id>\n", NO);
	world_close(&w);
}
END_TEST

/* find: literal text (% and _ are not patterns); find problems. */
START_TEST(test_build_find)
{
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	char			 area[16], title[64];
	int32_t			 a, b, c;

	world_open(&w);
	fresh_area(area);
	snprintf(title, sizeof title, "Findable %s_100%% Hall", area);
	a = sql_room(area, title, "Found.");
	b = sql_room(area, "Lonely", "You are in an unfinished room.");
	c = sql_room(area, "Start Link", "Linked.");
	sqlf("INSERT INTO exits VALUES (%d, 'north', %d)", a, b);
	staff(&w, "builder", a, &me);
	run_want(w.s, me.id, "find", fmt("room %s_100%%", area),
	    fmt("  %d %s (%s)\n1 found.\n", a, title, area), OK);
	run_want(w.s, me.id, "find", fmt("room %s_1_0", area),
	    fmt("Nothing matches '%s_1_0'.\n", area), OK);
	run(w.s, me.id, "find", "item test sword", &r);
	ck_assert_msg(strstr(r.out, "  cmb_sword: a test sword (test sword)\n")
	    != NULL, "%s", r.out);
	run_want(w.s, me.id, "find", "monster x", "Usage: find room|item|npc "
	    "<text> | find problems [<area>]\n", NO);
	run(w.s, me.id, "find", fmt("problems %s", area), &r);
	ck_assert_int_eq(r.result, OK);
	ck_assert_msg(strstr(r.out, fmt("  exit %d north -> %d has no way back"
	    " (%d has no south exit)\n", a, b, b)) != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, fmt("  room %d can't be reached from the "
	    "start room\n", c)) != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, fmt("  room %d has the unfinished "
	    "description\n", b)) != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "5 problems.\n") != NULL, "%s", r.out);
	world_close(&w);
}
END_TEST

/* Ten builders append at once while others retitle: no text is lost. */
START_TEST(test_build_concurrent_edits)
{
	enum { N = 12 };
	struct world		 w;
	struct racer		 d[N];
	pthread_barrier_t	 go;
	char			 area[16];
	int32_t			 a;

	world_open(&w);
	fresh_area(area);
	a = sql_room(area, "Busy Room", "Start.");
	pthread_barrier_init(&go, NULL, N);
	for (int i = 0; i < N; i++) {
		if (i < N - 2)
			racer_init(&d[i], &w, a, "desc+", fmt("word%d.", i),
			    &go);
		else
			racer_init(&d[i], &w, a, "redit", fmt("title Title %d",
			    i), &go);
	}
	race(d, N);
	for (int i = 0; i < N - 2; i++)
		ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d"
		    " AND description LIKE '%% word%d.%%'", a, i), 1);
	ck_assert_int_eq(sqlv("SELECT length(description) FROM rooms WHERE"
	    " id = %d", a), 6 + 7 * (N - 2));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " title IN ('Title %d', 'Title %d')", a, N - 2, N - 1), 1);
	pthread_barrier_destroy(&go);
	world_close(&w);
}
END_TEST

/* psql cannot store control characters in room text either (0013):
 * titles none, descriptions newline only. */
START_TEST(test_build_text_checks)
{
	struct store	*s = test_store();
	char		 area[16];
	int32_t		 a;
	static const char *bad[][2] = {
		{ "title", "Red\\x1b[31m" }, { "title", "Two\\nLines" },
		{ "description", "Bell\\x07" }, { "description", "Tab\\there" },
	};

	fresh_area(area);
	a = sql_room(area, "Checked", "Checked.");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(!store_exec_script(s, fmt("UPDATE rooms SET %s ="
		    " E'%s' WHERE id = %d", bad[i][0], bad[i][1], a)), "%s",
		    bad[i][1]);
		ck_assert_str_eq(store_sqlstate(s), "23514");
	}
	sqlf("UPDATE rooms SET description = E'Two\\nparagraphs.' WHERE id ="
	    " %d", a);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " title = 'Checked'", a), 1);
	store_close(s);
}
END_TEST

/*
 * area: list, new, name, reset; refusals (player, restricted builder,
 * duplicate, bad id, bounds); and the walk-through: an unrestricted
 * builder creates crypt<random>, digs from a town room and moves the new
 * room into it.  The audit keeps the areas insert.
 */
START_TEST(test_build_area)
{
	struct world		 w;
	struct store_char	 me, plr, boxed;
	struct run		 r;
	char			 town[16], crypt[24];
	int32_t			 a, dug;

	world_open(&w);
	fresh_area(town);
	snprintf(crypt, sizeof crypt, "crypt%s", town + 3);
	a = sql_room(town, "Town Square", "A square.");
	new_char(&w, "Plr", a, &plr);
	run_want(w.s, plr.id, "area", fmt("new %s Crypt", crypt),
	    huh_of("area", ROLE_PLAYER), NO);
	staff(&w, "builder", a, &boxed);
	sqlf("UPDATE characters SET build_areas = '{%s}' WHERE id = %lld",
	    town, (long long)boxed.id);
	run_want(w.s, boxed.id, "area", fmt("new %s Crypt", crypt), "Only a "
	    "builder of every area (or an admin) can create areas.\n", NO);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM areas WHERE id = '%s'",
	    crypt), 0);

	staff(&w, "builder", a, &me);
	run_want(w.s, me.id, "area", fmt("new %s The Old Crypt", crypt),
	    fmt("Area %s created: The Old Crypt (reset every 120s). Move a "
	    "room in with: redit area %s\n", crypt, crypt), OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_change WHERE"
	    " tbl = 'areas' AND op = 'I' AND pk = '{\"id\": \"%s\"}'",
	    crypt), 1);
	run_want(w.s, me.id, "area", fmt("new %s Again", crypt),
	    fmt("Area %s already exists.\n", crypt), NO);
	run_want(w.s, me.id, "area", "new 9bad Bad", "An area id is a "
	    "lowercase letter, then up to 31 of a-z, 0-9 and _ (not "
	    "\"new\").\n", NO);
	run_want(w.s, me.id, "area", "new bad-id Bad", "An area id is a "
	    "lowercase letter, then up to 31 of a-z, 0-9 and _ (not "
	    "\"new\").\n", NO);
	run_want(w.s, me.id, "area", fmt("%s name %s", crypt,
	    "n123456789n123456789n123456789n123456789n123456789n123456789"
	    "n123456789n123456789x"), "An area name is 1 to 80 characters.\n",
	    NO);
	run_want(w.s, me.id, "area", fmt("%s name Bell\007", crypt),
	    "Text can't contain control characters.\n", NO);
	run_want(w.s, me.id, "area", fmt("%s reset 4", crypt),
	    "A reset interval is 5 to 86400 seconds.\n", NO);
	run_want(w.s, me.id, "area", fmt("%s reset 86401", crypt),
	    "A reset interval is 5 to 86400 seconds.\n", NO);
	run_want(w.s, me.id, "area", "nosuchareaq reset 60",
	    "There is no area nosuchareaq.\n", NO);
	run_want(w.s, boxed.id, "area", fmt("%s reset 60", crypt),
	    fmt("You can't build in area %s.\n", crypt), NO);
	run_want(w.s, me.id, "area", fmt("%s name The Crypt", crypt),
	    fmt("Area %s is now called: The Crypt\n", crypt), OK);
	run_want(w.s, me.id, "area", fmt("%s reset 600", crypt),
	    fmt("Area %s resets every 600s.\n", crypt), OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM areas WHERE id = '%s' AND"
	    " name = 'The Crypt' AND reset_secs = 600", crypt), 1);

	/* The walk-through: dig from town, move the room into the crypt. */
	run(w.s, me.id, "dig", "down Crypt Stairs", &r);
	ck_assert_int_eq(r.result, OK);
	dug = (int32_t)sqlv("SELECT to_room FROM exits WHERE room_id = %d AND"
	    " direction = 'down'", a);
	run_want(w.s, me.id, "redit", fmt("%d area %s", dug, crypt),
	    fmt("Room %d area: %s -> %s.\n", dug, town, crypt), OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " area = '%s' AND title = 'Crypt Stairs'", dug, crypt), 1);
	run(w.s, me.id, "area", "", &r);
	ck_assert_ptr_nonnull(strstr(r.out, fmt("  %-16s %-30s reset   600s"
	    "  1 rooms\n", crypt, "The Crypt")));
	world_close(&w);
}
END_TEST

/* The database-tier cases of the build suite. */
TCase *
build_db_tcase(void)
{
	TCase	*tc = tcase_create("db");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_build_player_huh);
	tcase_add_test(tc, test_build_goto);
	tcase_add_test(tc, test_build_dig);
	tcase_add_test(tc, test_build_dig_concurrent);
	tcase_add_test(tc, test_build_link);
	tcase_add_test(tc, test_build_redit);
	tcase_add_test(tc, test_build_delete);
	tcase_add_test(tc, test_build_stat);
	tcase_add_test(tc, test_build_find);
	tcase_add_test(tc, test_build_concurrent_edits);
	tcase_add_test(tc, test_build_text_checks);
	tcase_add_test(tc, test_build_area);
	return tc;
}
