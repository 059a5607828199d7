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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/wait.h>

#include "db/store.h"
#include "keep_test.h"

#define START_ROOM	1000
#define PASSWORD	"combat e2e"
#define WAIT_MS		10000
#define POUNDER_HIT	15	/* cmb_pounder on an unarmored player */

/* Run formatted SQL on its own connection. */
static void __attribute__((format(printf, 1, 2)))
sqlf(const char *fmt, ...)
{
	char	sql[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	test_sql(sql);
}

/* Run formatted SQL on its own connection; the first value as a number. */
static long long __attribute__((format(printf, 1, 2)))
sqlv(const char *fmt, ...)
{
	char	sql[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return test_sql_value(sql);
}

/* The prototypes and the area the tests use (idempotent). */
static void
fixtures(void)
{
	test_sql("INSERT INTO areas (id, name) VALUES ('cmbtest', 'Combat"
	    " tests') ON CONFLICT DO NOTHING;"
	    "INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description, level, max_hp, damage_min, damage_max) VALUES"
	    " ('cmb_rat', 'cmbtest', 'a sickly rat', 'sickly rat',"
	    "  'A rat is here.', 'Sick.', 1, 1, 0, 0),"
	    " ('cmb_brute', 'cmbtest', 'a hulking brute', 'hulking brute',"
	    "  'A brute is here.', 'Big.', 100, 100000, 50, 50),"
	    " ('cmb_pounder', 'cmbtest', 'a steady pounder', 'steady pounder',"
	    "  'A pounder is here.', 'Steady.', 100, 100000, 5, 5)"
	    " ON CONFLICT DO NOTHING;"
	    "INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, weight, wear_slot, damage_min, damage_max,"
	    " armor) VALUES"
	    " ('cmb_sword', 'a test sword', 'test sword', 'A sword.',"
	    "  'Sharp.', 'weapon', 1, 'wield', 2, 4, 0),"
	    " ('cmb_trinket', 'a test trinket', 'test trinket', 'A trinket.',"
	    "  'Shiny.', 'treasure', 1, NULL, 0, 0, 0)"
	    " ON CONFLICT DO NOTHING");
}

/* A fresh room of the test area in the private range. */
static int
new_room(const char *title)
{
	int	id;

	for (;;) {
		id = 900000 + (int)(random() % 100000000);
		if (sqlv("WITH i AS (INSERT INTO rooms (id, area, title,"
		    " description) VALUES (%d, 'cmbtest', '%s', 'A combat"
		    " arena.') ON CONFLICT DO NOTHING RETURNING id)"
		    " SELECT count(*) FROM i", id, title) == 1)
			return id;
	}
}

/* Place an NPC of a prototype in a room; its id. */
static long long
new_npc(const char *proto, int room)
{
	return sqlv("INSERT INTO characters (name, proto_id, room_id, level,"
	    " hp, max_hp) SELECT p.name, p.id, %d, p.level, p.max_hp,"
	    " p.max_hp FROM npc_protos p WHERE p.id = '%s' RETURNING id",
	    room, proto);
}

/* Connect, create a fresh character, and return its id. */
static long long
player(struct client *c, int port, char name[17], const char *prefix)
{
	test_name(name, prefix);
	client_connect(c, port);
	client_create(c, name, PASSWORD);
	return sqlv("SELECT id FROM characters WHERE name = '%s'", name);
}

/* Render bytes printably for a failure message (a few rotating buffers). */
static const char *
show(const char *s)
{
	static char	 out[4][8192];
	static int	 slot;
	char		*o = out[slot++ % 4];
	size_t		 n = 0;

	for (; *s != '\0' && n + 5 < sizeof out[0]; s++) {
		unsigned char	ch = (unsigned char)*s;

		if (ch == '\r')
			n += (size_t)snprintf(o + n, 5, "\\r");
		else if (ch == '\n')
			n += (size_t)snprintf(o + n, 5, "\\n");
		else if (ch < 32 || ch >= 127)
			n += (size_t)snprintf(o + n, 5, "\\x%02x", ch);
		else
			o[n++] = (char)ch;
	}
	o[n] = '\0';
	return o;
}

/* Wait for needle, or fail showing what came instead. */
static void
want(struct client *c, const char *needle, int ms)
{
	static char	got[65536];

	ck_assert_msg(client_expect(c, needle, ms, got, sizeof got),
	    "expected \"%s\", got \"%s\"", needle, show(got));
}

/* Send a command and return its reply (up to the prompt). */
static void
cmd(struct client *c, const char *line, char *out, size_t outsz)
{
	ck_assert_msg(client_cmd(c, line, out, outsz), "no prompt after %s",
	    line);
}

/* Milliseconds on the monotonic clock. */
static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A weak NPC dies to a player, who sees it and earns experience. */
START_TEST(test_kill_weak_npc)
{
	struct keepd	 k;
	struct client	*c = calloc(1, sizeof *c);
	char		 name[17], out[8192];
	int		 room;
	long long	 me, rat;

	fixtures();
	keepd_start(&k, NULL);
	me = player(c, k.port, name, "Kwn");
	room = new_room("Rat Pit");
	rat = new_npc("cmb_rat", room);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", room, me);
	cmd(c, "consider rat", out, sizeof out);
	ck_assert_msg(strstr(out, "It would be a fair fight.\r\n") != NULL,
	    "%s", show(out));
	cmd(c, "kill rat", out, sizeof out);
	ck_assert_msg(strstr(out, "You attack a sickly rat!\r\n") != NULL, "%s",
	    show(out));
	/* The first blow, or a round soon after, kills it. */
	if (strstr(out, "A sickly rat is dead! R.I.P.") == NULL) {
		want(c, "A sickly rat is dead! R.I.P.", 30000);
		want(c, PROMPT, WAIT_MS);	/* the notification's */
	}
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id ="
	    " %lld", rat), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE room_id = %d"
	    " AND name = 'the corpse of a sickly rat'", room), 1);
	usleep(200 * 1000);
	cmd(c, "score", out, sizeof out);
	ck_assert_msg(strstr(out, "Level: 1\r\nXP: 25 (next level at 100)\r\n")
	    != NULL, "%s", show(out));
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

	fixtures();
	keepd_start(&k, NULL);
	me = player(c, k.port, name, "Dal");
	room = new_room("Brute Den");
	(void)new_npc("cmb_brute", room);
	sword = sqlv("INSERT INTO items (proto_id, carrier_id, worn_slot)"
	    " VALUES ('cmb_sword', %lld, 'wield') RETURNING id", me);
	trinket = sqlv("INSERT INTO items (proto_id, carrier_id) VALUES"
	    " ('cmb_trinket', %lld) RETURNING id", me);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", room, me);
	cmd(c, "kill brute", out, sizeof out);
	ck_assert_msg(strstr(out, "You attack a hulking brute!") != NULL, "%s",
	    show(out));
	want(c, "You have been KILLED!\r\n", WAIT_MS);
	want(c, "You wake up in The Village Square, whole again.\r\n",
	    WAIT_MS);
	want(c, PROMPT, WAIT_MS);
	cmd(c, "score", out, sizeof out);
	ck_assert_msg(strstr(out, "HP: 20/20\r\nCoins: 0\r\n") != NULL, "%s",
	    show(out));
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

	fixtures();
	keepd_start(&k, NULL);
	ida = player(a, k.port, an, "Sda");
	idb = player(b, k.port, bn, "Sdb");
	room1 = new_room("Pound Pit");
	room2 = new_room("Death Pit");
	pounder = new_npc("cmb_pounder", room1);
	brute = new_npc("cmb_brute", room2);
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
	want(b, "You have been KILLED!", WAIT_MS);
	want(a, "A steady pounder scratches you.", WAIT_MS);
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
	    show(out));
	cmd(b, "look", out, sizeof out);
	ck_assert_msg(strstr(out, "The Village Square") != NULL, "%s", show(out));
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

	fixtures();
	keepd_start(&k1, NULL);
	keepd_start(&k2, NULL);
	me = player(c, k1.port, name, "Two");
	room = new_room("Twin Arena");
	pounder = new_npc("cmb_pounder", room);
	sqlf("UPDATE characters SET room_id = %d, max_hp = 100000,"
	    " hp = 100000 WHERE id = %lld", room, me);
	sqlf("UPDATE characters SET fighting_id = CASE id WHEN %lld THEN %lld"
	    " ELSE %lld END WHERE id IN (%lld, %lld)", me, pounder, me, me,
	    pounder);
	want(c, "A steady pounder scratches you.", WAIT_MS);
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
