/*
 * test_handlers.c — the command handlers against the real test database.
 * Each handler runs inside store_tx as the dispatcher runs it: the actor is
 * loaded with store_char_load in the same transaction, the reply collects in
 * a buf, and what reached other players is read from a LISTEN connection.
 *
 * Every test makes its own characters (test_name) on its own instance, and
 * its own rooms in a private id range (900000 and up).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "db/store.h"
#include "cmd/cmd.h"
#include "net/color.h"
#include "db_test.h"
#include "keep_test.h"

#define START_ROOM	1000		/* The Village Square */

/* Take a character offline. */
static void
go_offline(struct world *w, const struct store_char *c)
{
	ck_assert_int_eq(store_char_end_session(w->s, c->id,
	    c->session_instance, c->session_id), STORE_OK);
}

/* Add an exit. */
static void
new_exit(struct store *s, int32_t from, const char *dir, int32_t to)
{
	ck_assert_int_eq(store_exit_upsert(s, from, dir, to, false), STORE_OK);
}

/* Send the marker notification (to character 1, who need not exist). */
static enum tx_rc
marker_tx(struct store *s, void *arg)
{
	return store_notify_char(s, 1, arg) == STORE_OK ? TX_COMMIT :
	    TX_ERROR;
}

/*
 * Check that no notification with text was sent before now: commit a
 * marker and read up to it, since notifications arrive in commit order.
 */
static void
expect_no_notify(struct store *s, PGconn *c, const char *text)
{
	char	 marker[64];
	json_t	*j;

	snprintf(marker, sizeof marker, "marker-%d-%d", (int)getpid(),
	    rand31());
	ck_assert_int_eq(store_tx(s, false, 3, marker_tx, marker),
	    TXR_COMMITTED);
	while ((j = listen_next(c, 5000)) != NULL) {
		ck_assert_msg(strcmp(payload_text(j), text) != 0,
		    "\"%s\" was sent", text);
		if (strcmp(payload_text(j), marker) == 0)
			break;
		json_decref(j);
	}
	ck_assert_msg(j != NULL, "the marker notification never came");
	json_decref(j);
}

/* Line n (from 0) of text into out, without its newline; false if none. */
static bool
line_of(const char *text, int n, char *out, size_t outsz)
{
	const char	*p = text;
	size_t		 len;

	for (int i = 0; i < n; i++) {
		if ((p = strchr(p, '\n')) == NULL)
			return false;
		p++;
	}
	if (*p == '\0')
		return false;
	len = strcspn(p, "\n");
	snprintf(out, outsz, "%.*s", (int)len, p);
	return true;
}

/* Whether text has a line equal to line. */
static bool
has_line(const char *text, const char *line)
{
	char	got[1024];

	for (int i = 0; line_of(text, i, got, sizeof got); i++) {
		if (strcmp(got, line) == 0)
			return true;
	}
	return false;
}

/* Copy tmpl into out with every '@' replaced by name. */
static void
fill(char *out, size_t outsz, const char *tmpl, const char *name)
{
	size_t	o = 0;

	for (const char *p = tmpl; *p != '\0' && o + 1 < outsz; p++) {
		if (*p == '@')
			o += (size_t)snprintf(out + o, outsz - o, "%s", name);
		else
			out[o++] = *p;
		if (o >= outsz)
			o = outsz - 1;
	}
	out[o] = '\0';
}

/* A character's room, read on another connection. */
static long long
room_of(int64_t id)
{
	return sqlv("SELECT room_id FROM characters WHERE id = %lld",
	    (long long)id);
}

/* look in the square: title first, the description indented, the exits. */
START_TEST(test_look_start)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	char			line[1024];

	world_open(&w);
	new_char(&w, "Lks", 0, &me);
	run(w.s, me.id, "look", "", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(r.rc, TX_COMMIT);
	ck_assert(line_of(r.out, 0, line, sizeof line));
	ck_assert_str_eq(line, "The Village Square");
	ck_assert(line_of(r.out, 1, line, sizeof line));
	ck_assert_msg(strncmp(line, "   Worn cobblestones", 20) == 0, "%s",
	    line);
	ck_assert_msg(strlen(line) <= 78, "line over 78 columns: %s", line);
	ck_assert_msg(has_line(r.out, "Exits: north, east, south, west"),
	    "%s", r.out);
	ck_assert_msg(strstr(r.out, me.name) == NULL, "look shows the "
	    "viewer: %s", r.out);
	ck_assert(!r.close);
	store_close(w.s);
}
END_TEST

/* look in a private room: the whole output, exactly. */
START_TEST(test_look_exact)
{
	struct world		w;
	struct store_char	me, zed, amy, off;
	struct run		r;
	char			want[512];
	int32_t			room, other;

	world_open(&w);
	room = new_room(w.s, "Look Here");
	other = new_room(w.s, "Over There");
	new_exit(w.s, room, "west", other);
	new_exit(w.s, room, "north", other);
	new_char(&w, "Lkm", room, &me);
	new_char(&w, "Zlk", room, &zed);
	new_char(&w, "Alk", room, &amy);
	new_char(&w, "Blk", room, &off);
	go_offline(&w, &off);
	run(w.s, me.id, "look", "", &r);
	snprintf(want, sizeof want, "Look Here\n   A room made by a test.\n"
	    "Exits: north, west\n%s is here.\n%s is here.\n", amy.name,
	    zed.name);
	ck_assert_str_eq(r.out, want);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	store_close(w.s);
}
END_TEST

/* A room without exits says so; a crowd past 50 is summed up. */
START_TEST(test_look_crowd)
{
	struct world		w;
	struct store_char	me, c;
	struct run		r;
	char			line[256];
	int32_t			room;
	int			here = 0;

	world_open(&w);
	room = new_room(w.s, "Crowded Hall");
	new_char(&w, "Lkc", room, &me);
	for (int i = 0; i < STORE_LOOK_NAMES + 3; i++)
		new_char(&w, "Crowd", room, &c);
	run(w.s, me.id, "look", "", &r);
	ck_assert(has_line(r.out, "Exits: none"));
	for (int i = 0; line_of(r.out, i, line, sizeof line); i++) {
		size_t	n = strlen(line);

		if (n > 9 && strcmp(line + n - 9, " is here.") == 0)
			here++;
	}
	ck_assert_int_eq(here, STORE_LOOK_NAMES);
	ck_assert_msg(has_line(r.out, "... and 3 others are here."), "%s",
	    r.out);
	store_close(w.s);
}
END_TEST

/* cmd_show_room shows any room; a missing one is the void, not an error. */
START_TEST(test_show_room)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	char			line[256];

	world_open(&w);
	new_char(&w, "Shw", 0, &me);
	run_show(w.s, me.id, 1014, &r);
	ck_assert_int_eq(r.rc, TX_COMMIT);
	ck_assert(line_of(r.out, 0, line, sizeof line));
	ck_assert_str_eq(line, "Atop the Watchtower");
	ck_assert(has_line(r.out, "Exits: down"));

	run_show(w.s, me.id, 2147483600, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, "You are floating in a formless void.\n");
	store_close(w.s);
}
END_TEST

/* A room edited with psql shows on the very next look. */
START_TEST(test_look_sql_edit_is_live)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	char			line[256];
	int32_t			room;

	world_open(&w);
	room = new_room(w.s, "Before Edit");
	new_char(&w, "Lke", room, &me);
	run(w.s, me.id, "look", "", &r);
	ck_assert(line_of(r.out, 0, line, sizeof line));
	ck_assert_str_eq(line, "Before Edit");
	sqlf("UPDATE rooms SET title = 'After Edit', description = 'Fresh "
	    "paint.' WHERE id = %d", room);
	run(w.s, me.id, "look", "", &r);
	ck_assert_str_eq(r.out, "After Edit\n   Fresh paint.\nExits: none\n");
	store_close(w.s);
}
END_TEST

/* Each direction's row walks through its own exit and looks. */
START_TEST(test_move_each_direction)
{
	static const char	*dirs[] = {
		"north", "east", "south", "west", "up", "down"
	};
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	int32_t			 hub, to[6];
	char			 title[64], line[256];

	world_open(&w);
	hub = new_room(w.s, "The Hub");
	new_char(&w, "Mvd", hub, &me);
	for (size_t i = 0; i < 6; i++) {
		snprintf(title, sizeof title, "Beyond %s", dirs[i]);
		to[i] = new_room(w.s, title);
		new_exit(w.s, hub, dirs[i], to[i]);
	}
	for (size_t i = 0; i < 6; i++) {
		sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", hub,
		    (long long)me.id);
		run(w.s, me.id, dirs[i], "", &r);
		ck_assert_int_eq(r.result, TXR_COMMITTED);
		ck_assert_int_eq(room_of(me.id), to[i]);
		snprintf(title, sizeof title, "Beyond %s", dirs[i]);
		ck_assert(line_of(r.out, 0, line, sizeof line));
		ck_assert_str_eq(line, title);
		ck_assert(has_line(r.out, "Exits: none"));
	}
	store_close(w.s);
}
END_TEST

/* A direction without an exit is refused, rolled back, and moves nobody. */
START_TEST(test_move_no_exit)
{
	static const char	*dirs[] = {
		"east", "south", "west", "up", "down"
	};
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	int32_t			 room, north;

	world_open(&w);
	room = new_room(w.s, "Dead End");
	north = new_room(w.s, "Only Way");
	new_exit(w.s, room, "north", north);
	new_char(&w, "Mvn", room, &me);
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		run(w.s, me.id, dirs[i], "", &r);
		ck_assert_str_eq(r.out, "You can't go that way.\n");
		ck_assert_int_eq(r.rc, TX_ROLLBACK);
		ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
		ck_assert_int_eq(room_of(me.id), room);
	}
	store_close(w.s);
}
END_TEST

/* Moving tells the room left and the room entered, not the mover. */
START_TEST(test_move_notifies)
{
	struct world		w;
	struct store_char	me, stay, there, off;
	struct run		r;
	PGconn			*lc = listen_open();
	char			text[96], line[256];
	int32_t			a, b;

	world_open(&w);
	a = new_room(w.s, "Room Left");
	b = new_room(w.s, "Room Entered");
	new_exit(w.s, a, "north", b);
	new_char(&w, "Mvm", a, &me);
	new_char(&w, "Mvs", a, &stay);
	new_char(&w, "Mvt", b, &there);
	new_char(&w, "Mvo", b, &off);
	go_offline(&w, &off);
	run(w.s, me.id, "north", "", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert(line_of(r.out, 0, line, sizeof line));
	ck_assert_str_eq(line, "Room Entered");
	snprintf(text, sizeof text, "%s is here.", there.name);
	ck_assert_msg(has_line(r.out, text), "%s", r.out);
	snprintf(text, sizeof text, "%s is here.", off.name);
	ck_assert(!has_line(r.out, text));
	snprintf(text, sizeof text, "%s leaves north.", me.name);
	expect_notify(lc, text, &stay.id, 1);
	snprintf(text, sizeof text, "%s arrives from the south.", me.name);
	expect_notify(lc, text, &there.id, 1);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* say answers the speaker and tells the online others in the room. */
START_TEST(test_say)
{
	struct world		w;
	struct store_char	me, b, c, off, far;
	struct run		r;
	PGconn			*lc = listen_open();
	char			text[128];
	int64_t			want[2];
	int32_t			room;

	world_open(&w);
	room = new_room(w.s, "Say Room");
	new_char(&w, "Sya", room, &me);
	new_char(&w, "Syb", room, &b);
	new_char(&w, "Syc", room, &c);
	new_char(&w, "Syo", room, &off);
	new_char(&w, "Syf", 0, &far);
	go_offline(&w, &off);
	run(w.s, me.id, "say", "Hello, \"world\" -- it's me!", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, "You say, 'Hello, \"world\" -- it's me!'"
	    "\n");
	snprintf(text, sizeof text, "%s says, 'Hello, \"world\" -- "
	    "it's me!'" , me.name);
	want[0] = b.id;
	want[1] = c.id;
	expect_notify(lc, text, want, 2);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* Alone in a room, say still answers and tells nobody. */
START_TEST(test_say_alone)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	PGconn			*lc = listen_open();
	char			text[128];

	world_open(&w);
	new_char(&w, "Syl", new_room(w.s, "Empty Room"), &me);
	run(w.s, me.id, "say", "anyone?", &r);
	ck_assert_str_eq(r.out, "You say, 'anyone?'" "\n");
	snprintf(text, sizeof text, "%s says, 'anyone?'" ,
	    me.name);
	expect_no_notify(w.s, lc, text);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* who lists the characters online and counts them. */
START_TEST(test_who)
{
	struct world		w;
	struct store_char	a, b, off;
	struct run		r;
	char			line[128], want[128];
	long long		online;
	int			lines = 0;

	world_open(&w);
	/* "Aaaa..." sorts first, so it is listed even with 200 online. */
	new_char(&w, "Aaaah", 0, &a);
	new_char(&w, "Aaaah", 0, &b);
	new_char(&w, "Aaaah", 0, &off);
	go_offline(&w, &off);
	online = sqlv("SELECT count(*) FROM characters "
	    "WHERE session_instance IS NOT NULL");
	run(w.s, a.id, "who", "", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	snprintf(want, sizeof want, "Players online: %lld", online);
	ck_assert(line_of(r.out, 0, line, sizeof line));
	ck_assert_str_eq(line, want);
	snprintf(line, sizeof line, "  %s", a.name);
	ck_assert_msg(has_line(r.out, line), "%s", r.out);
	snprintf(line, sizeof line, "  %s", b.name);
	ck_assert_msg(has_line(r.out, line), "%s", r.out);
	snprintf(line, sizeof line, "  %s", off.name);
	ck_assert_msg(!has_line(r.out, line), "offline listed: %s", r.out);
	while (line_of(r.out, lines + 1, line, sizeof line))
		lines++;
	ck_assert_int_eq(lines, online < 200 ? online : 200);
	store_close(w.s);
}
END_TEST

/* score shows name, role, hit points and coins. */
START_TEST(test_score)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	char			want[128];

	world_open(&w);
	new_char(&w, "Sco", 0, &me);
	run(w.s, me.id, "score", "", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	snprintf(want, sizeof want, "You are %s, a player.\nHP: 20/20\n"
	    "Coins: 100\nLevel: 1\nXP: 0 (next level at 100)\n", me.name);
	ck_assert_str_eq(r.out, want);
	store_close(w.s);
}
END_TEST

/* An UPDATE made with psql shows in the very next score. */
START_TEST(test_score_sql_edit_is_live)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	char			want[128];

	world_open(&w);
	new_char(&w, "Scl", 0, &me);
	run(w.s, me.id, "score", "", &r);
	ck_assert(has_line(r.out, "Coins: 100"));
	sqlf("UPDATE characters SET coins = 4242 WHERE id = %lld",
	    (long long)me.id);
	run(w.s, me.id, "score", "", &r);
	ck_assert(has_line(r.out, "Coins: 4242"));
	sqlf("UPDATE characters SET hp = 7, max_hp = 30, role = 'builder' "
	    "WHERE id = %lld", (long long)me.id);
	run(w.s, me.id, "score", "", &r);
	snprintf(want, sizeof want, "You are %s, a builder.\nHP: 7/30\n"
	    "Coins: 4242\nLevel: 1\nXP: 0 (next level at 100)\n", me.name);
	ck_assert_str_eq(r.out, want);
	store_close(w.s);
}
END_TEST

/* give moves the coins, answers the giver and tells the receiver. */
START_TEST(test_give)
{
	struct world		w;
	struct store_char	me, bob;
	struct run		r;
	PGconn			*lc = listen_open();
	char			want[128], args[64], lower[17];
	int32_t			room;

	world_open(&w);
	room = new_room(w.s, "Give Room");
	new_char(&w, "Gva", room, &me);
	new_char(&w, "Gvb", room, &bob);
	snprintf(args, sizeof args, "7 coins to %s", bob.name);
	run(w.s, me.id, "give", args, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	snprintf(want, sizeof want, "You give 7 coins to %s.\n", bob.name);
	ck_assert_str_eq(r.out, want);
	ck_assert_int_eq(coins_of(me.id), 93);
	ck_assert_int_eq(coins_of(bob.id), 107);
	snprintf(want, sizeof want, "%s gives you 7 coins.", me.name);
	expect_notify(lc, want, &bob.id, 1);

	/* One coin, the short form, and the name in lower case. */
	for (size_t i = 0; i < sizeof lower; i++)
		lower[i] = (char)(bob.name[i] >= 'A' && bob.name[i] <= 'Z' ?
		    bob.name[i] + 32 : bob.name[i]);
	snprintf(args, sizeof args, "1 coin %s", lower);
	run(w.s, me.id, "give", args, &r);
	snprintf(want, sizeof want, "You give 1 coin to %s.\n", bob.name);
	ck_assert_str_eq(r.out, want);
	ck_assert_int_eq(coins_of(me.id), 92);
	ck_assert_int_eq(coins_of(bob.id), 108);
	snprintf(want, sizeof want, "%s gives you 1 coin.", me.name);
	expect_notify(lc, want, &bob.id, 1);

	/* Everything is allowed. */
	snprintf(args, sizeof args, "92 coins to %s", bob.name);
	run(w.s, me.id, "give", args, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(coins_of(me.id), 0);
	ck_assert_int_eq(coins_of(bob.id), 200);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* Every refused give says why, rolls back, and changes no coins. */
START_TEST(test_give_refused)
{
	struct world		w;
	struct store_char	me, bob, far, off;
	struct run		r;
	PGconn			*lc = listen_open();
	char			args[96], want[128], text[96];
	int32_t			room;
	struct {
		const char	*args;		/* @: a name */
		const char	*who;		/* the name, if not Bob's */
		const char	*want;		/* @: the name */
	} cases[] = {
		{ "101 coins to @", NULL, "You only have 100 coins.\n" },
		{ "1000000 coins to @", NULL, "You only have 100 coins.\n" },
		{ "0 coins to @", NULL,
		  "You can only give a positive number of coins.\n" },
		{ "-5 coins to @", NULL,
		  "You can only give a positive number of coins.\n" },
		{ "7 coins to @", "Nosuchperson",
		  "There is no one called @ here.\n" },
		{ "7 coins to @", "far", "There is no one called @ here.\n" },
		{ "7 coins to @", "off", "There is no one called @ here.\n" },
		{ "7 coins to @", "me", "You can't give coins to yourself.\n" },
		{ "7 apples to @", NULL,
		  "Usage: give <amount> coins to <name>\n" },
		{ "seven coins to @", NULL,
		  "Usage: give <amount> coins to <name>\n" },
		{ "7 coins to", "", "Usage: give <amount> coins to <name>\n" },
		{ "7 coins to @ now", NULL,
		  "Usage: give <amount> coins to <name>\n" },
		{ "7", "", "Usage: give <amount> coins to <name>\n" },
		{ "99999999999999999999 coins to @", NULL,
		  "That is more coins than there are in the world.\n" },
	};

	world_open(&w);
	room = new_room(w.s, "Refusal Room");
	new_char(&w, "Gra", room, &me);
	new_char(&w, "Grb", room, &bob);
	new_char(&w, "Grf", 0, &far);
	new_char(&w, "Gro", room, &off);
	go_offline(&w, &off);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char	*name = bob.name;

		if (cases[i].who != NULL && strcmp(cases[i].who, "far") == 0)
			name = far.name;
		else if (cases[i].who != NULL &&
		    strcmp(cases[i].who, "off") == 0)
			name = off.name;
		else if (cases[i].who != NULL &&
		    strcmp(cases[i].who, "me") == 0)
			name = me.name;
		else if (cases[i].who != NULL)
			name = cases[i].who;
		fill(args, sizeof args, cases[i].args, name);
		fill(want, sizeof want, cases[i].want, name);
		run(w.s, me.id, "give", args, &r);
		ck_assert_msg(strcmp(r.out, want) == 0, "give %s: got \"%s\", "
		    "want \"%s\"", args, r.out, want);
		ck_assert_int_eq(r.rc, TX_ROLLBACK);
		ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
		ck_assert_int_eq(coins_of(me.id), 100);
		ck_assert_int_eq(coins_of(bob.id), 100);
		ck_assert_int_eq(coins_of(far.id), 100);
		ck_assert_int_eq(coins_of(off.id), 100);
	}
	/* Nobody was told of a gift. */
	snprintf(text, sizeof text, "%s gives you 7 coins.", me.name);
	expect_no_notify(w.s, lc, text);

	/* With one coin left the refusal is singular. */
	sqlf("UPDATE characters SET coins = 1 WHERE id = %lld",
	    (long long)me.id);
	snprintf(args, sizeof args, "2 coins to %s", bob.name);
	run(w.s, me.id, "give", args, &r);
	ck_assert_str_eq(r.out, "You only have 1 coin.\n");
	ck_assert_int_eq(coins_of(me.id), 1);
	ck_assert_int_eq(coins_of(bob.id), 100);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* help lists every command the role allows, one line each. */
START_TEST(test_help)
{
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	const struct cmd_entry	*t;
	char			 line[256];
	int			 n, shown = 0, allowed = 0, all = 0;

	world_open(&w);
	new_char(&w, "Hlp", 0, &me);
	run(w.s, me.id, "help", "", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert(line_of(r.out, 0, line, sizeof line));
	ck_assert_str_eq(line, "Commands:");
	t = cmd_table(&n);
	for (int i = 0; i < n; i++) {
		int	names = 1;

		snprintf(line, sizeof line, "  %-32s %s", t[i].usage,
		    t[i].help);
		ck_assert_msg(has_line(r.out, line) ==
		    (t[i].min_role == ROLE_PLAYER), "%s: %s", t[i].name,
		    r.out);
		for (int a = 0; t[i].aliases && t[i].aliases[a].name; a++)
			names++;
		allowed += t[i].min_role == ROLE_PLAYER ? names : 0;
		all += names;
	}
	while (line_of(r.out, shown + 1, line, sizeof line))
		shown++;
	ck_assert_int_eq(shown, allowed);
	ck_assert_int_ge(allowed, 13);
	ck_assert(strstr(r.out, "give <what> to <name>") != NULL);
	ck_assert(strstr(r.out, "  quit ") != NULL);

	/* An admin sees every row of the table and every alias. */
	sqlf("UPDATE characters SET role = 'admin' WHERE id = %lld",
	    (long long)me.id);
	run(w.s, me.id, "help", "", &r);
	for (shown = 0; line_of(r.out, shown + 1, line, sizeof line);)
		shown++;
	ck_assert_int_eq(shown, all);
	store_close(w.s);
}
END_TEST

/*
 * help reads exactly as it did when aliases were rows of their own: each
 * alias in its old place, "Same as" its command.
 */
START_TEST(test_help_text)
{
	static const char	*want =
	    "Commands:\n"
	    "  north                            Walk north (n).\n"
	    "  east                             Walk east (e).\n"
	    "  south                            Walk south (s).\n"
	    "  west                             Walk west (w).\n"
	    "  up                               Climb up (u).\n"
	    "  down                             Climb down (d).\n"
	    "  look [<target>]                  Look around the room, or "
	    "at something (l).\n"
	    "  inventory                        List what you carry (i).\n"
	    "  kill <target>                    Attack someone (k).\n"
	    "  get <what> [from <container>]    Pick things up, or take "
	    "them out of a container (g).\n"
	    "  say <text>                       Speak to everyone in the "
	    "room (also ' <text>).\n"
	    "  score                            Show your hit points, "
	    "coins and role.\n"
	    "  who                              List the players online.\n"
	    "  give <what> to <name>            Give an item or coins to "
	    "someone in the room.\n"
	    "  drop <what>                      Drop things on the floor.\n"
	    "  put <what> in <container>        Put things into a container.\n"
	    "  take <what> [from <container>]   Same as get.\n"
	    "  equipment                        List what you wear and "
	    "wield (eq).\n"
	    "  examine <target>                 Look closely at an item "
	    "or someone (exa).\n"
	    "  wear <what>                      Put on armour (or all).\n"
	    "  wield <weapon>                   Wield a weapon.\n"
	    "  remove <what>                    Take off something worn "
	    "(or all).\n"
	    "  attack <target>                  Same as kill.\n"
	    "  flee                             Try to run away from a fight.\n"
	    "  consider <target>                Judge how a fight would go.\n"
	    "  list                             What the shopkeeper here "
	    "sells.\n"
	    "  buy <item>                       Buy something from a shop.\n"
	    "  sell <item>                      Sell something to a shop.\n"
	    "  value <item>                     What a shop would pay for it.\n"
	    "  help                             List the commands.\n"
	    "  heal                             Pay a healer to mend "
	    "your wounds.\n"
	    "  trade [<name>]                   Ask someone here to trade, "
	    "agree to their request, or show the trade.\n"
	    "  offer <item>|<n> coins           Put an item, or coins, on "
	    "the table of your trade.\n"
	    "  withdraw [<item>|<n> coins]      Take back an offer, or "
	    "everything you offer.\n"
	    "  accept                           Agree to the trade as it "
	    "stands; when both agree, it happens.\n"
	    "  cancel                           End your trade, or turn "
	    "down requests to trade.\n"
	    "  tell <name> <text>               Say something to one "
	    "player, wherever they are.\n"
	    "  reply <text>                     Tell the last one who told "
	    "you something.\n"
	    "  emote <text>                     Act: the room reads your "
	    "name and the text (also :<text>).\n"
	    "  shout <text>                     Speak to everyone online in "
	    "this area.\n"
	    "  chat <text>|on|off               Speak on the channel of "
	    "everyone online; turn it on or off.\n"
	    "  afk [<message>]                  Mark yourself away (or "
	    "back); your next command ends it.\n"
	    "  exits                            List the exits and where "
	    "they lead.\n"
	    "  save                             Nothing to do: everything "
	    "is always saved.\n"
	    "  color on|off|auto                Colour on, off, or as your "
	    "client says (auto).\n"
	    "  colour on|off|auto               Same as color.\n"
	    "  prompt <format>|default          Set your prompt: %h hp, "
	    "%H max hp, %c coins, %l level, %x xp, %X xp to next level, "
	    "%% a %.\n"
	    "  quit                             Leave the game (type it "
	    "in full).\n";
	static const char	*dbstats = "  dbstats                          "
	    "Database statement counters of this keepd (admin).\n";
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	char			 admin[16384], staff[12288] = "";
	/* The player rows of issue 10 stand after the staff rows. */
	const char		*quit = strstr(want, "  trade ");
	const struct cmd_entry	*rows;
	int			 n;

	world_open(&w);
	new_char(&w, "Hlt", 0, &me);
	run(w.s, me.id, "help", "", &r);
	ck_assert_str_eq(r.out, want);
	sqlf("UPDATE characters SET role = 'admin' WHERE id = %lld",
	    (long long)me.id);
	run(w.s, me.id, "help", "", &r);
	/* dbstats, then the staff rows of issue 9 (admin and below). */
	rows = cmd_table(&n);
	for (int i = 0; i < n; i++) {
		size_t	len = strlen(staff);

		if (rows[i].min_role == ROLE_PLAYER ||
		    rows[i].min_role > ROLE_ADMIN ||
		    strcmp(rows[i].name, "dbstats") == 0)
			continue;
		snprintf(staff + len, sizeof staff - len, "  %-32s %s\n",
		    rows[i].usage, rows[i].help);
	}
	snprintf(admin, sizeof admin, "%.*s%s%s%s", (int)(quit - want), want,
	    dbstats, staff, quit);
	ck_assert_str_eq(r.out, admin);
	store_close(w.s);
}
END_TEST

/* quit ends the session in the database, tells the room, closes. */
START_TEST(test_quit)
{
	struct world		w;
	struct store_char	me, other;
	struct run		r;
	PGconn			*lc = listen_open();
	char			text[96];
	int32_t			room;

	world_open(&w);
	room = new_room(w.s, "Quit Room");
	new_char(&w, "Qta", room, &me);
	new_char(&w, "Qtb", room, &other);
	run(w.s, me.id, "quit", "", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, "Goodbye. Your character is saved.\n");
	ck_assert(r.close);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND session_instance IS NULL", (long long)me.id), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND session_instance IS NOT NULL", (long long)other.id), 1);
	snprintf(text, sizeof text, "%s has left the game.", me.name);
	expect_notify(lc, text, &other.id, 1);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

struct stale_quit {
	struct store_char	 me;	/* as the old session last saw it */
	struct buf		 out;
	bool			 close;
};

/* Run quit with a stale view of the character, as an old session would. */
static enum tx_rc
stale_quit_tx(struct store *s, void *arg)
{
	struct stale_quit	*q = arg;
	struct cmd_ctx		 ctx = { .store = s, .me = q->me,
				    .out = &q->out };
	enum tx_rc		 rc;

	buf_reset(&q->out);
	rc = cmd_quit(&ctx, "");
	q->close = ctx.close;
	return rc;
}

/* quit from a session that was taken over leaves the new session alone. */
START_TEST(test_quit_after_takeover)
{
	struct world		w;
	struct stale_quit	q = { .close = false };
	char			old[STORE_UUID_LEN + 1];
	int64_t			old_sid;

	world_open(&w);
	new_char(&w, "Qtt", 0, &q.me);
	ck_assert_int_eq(store_char_take_session(w.s, q.me.id, w.inst,
	    q.me.session_id + 1, old, &old_sid), STORE_OK);
	ck_assert_int_eq(store_tx(w.s, false, 3, stale_quit_tx, &q),
	    TXR_COMMITTED);
	ck_assert_str_eq(buf_str(&q.out),
	    "Goodbye. Your character is saved.\n");
	ck_assert(q.close);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND session_id = %lld AND session_instance IS NOT NULL",
	    (long long)q.me.id, (long long)q.me.session_id + 1), 1);
	buf_free(&q.out);
	store_close(w.s);
}
END_TEST

/* The handler suite. */
/* How many times a test row's handler ran (tests fork: one count each). */
static int	row_runs;

/* A test row's handler: writes args as a message to the actor, even when
 * its row says CMD_READ. */
static enum tx_rc
row_write(struct cmd_ctx *ctx, const char *args)
{
	row_runs++;
	if (store_notify_char(ctx->store, ctx->me.id, args) != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "%s ran.\n", ctx->cmd->name);
	return TX_COMMIT;
}

/* Rows that are in no table: a read-only one that writes, a read-write
 * one, and an admin's. */
static const struct cmd_entry	row_peek = { .name = "peek",
	.flags = CMD_READ, .usage = "peek", .help = "Only reads (it says).",
	.handler = row_write };
static const struct cmd_entry	row_scrawl = { .name = "scrawl",
	.usage = "scrawl", .help = "Writes.", .handler = row_write };
static const struct cmd_entry	row_decree = { .name = "decree",
	.min_role = ROLE_ADMIN, .usage = "decree", .help = "Admins write.",
	.handler = row_write };

/* Run row with args for c as session (inst, sid) through cmd_run. */
static void
run_as(struct store *s, const struct cmd_entry *row,
    const struct store_char *c, const char *inst, int64_t sid,
    const char *args, struct run *r)
{
	memset(r, 0, sizeof *r);
	r->row = row;
	r->args = args;
	r->id = c->id;
	snprintf(r->inst, sizeof r->inst, "%s", inst);
	r->sid = sid;
	row_runs = 0;
	(void)run_call(s, r, 3);
}

/* How many messages say text. */
static long long
messages_saying(const char *text)
{
	return sqlv("SELECT count(*) FROM messages WHERE text = '%s'", text);
}

/* A fresh text for a test row to write. */
static const char *
row_text(void)
{
	return fmt("row-%d-%d", (int)getpid(), rand31());
}

/*
 * A CMD_READ row runs READ ONLY: a write slipped into its handler fails
 * the command (PostgreSQL refuses it) and nothing is written.
 */
START_TEST(test_cmd_read_only)
{
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	char			 text[64];

	world_open(&w);
	new_char(&w, "Cro", 0, &me);
	snprintf(text, sizeof text, "%s", row_text());
	run_as(w.s, &row_scrawl, &me, me.session_instance, me.session_id,
	    text, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, "scrawl ran.\n");
	ck_assert_int_eq(messages_saying(text), 1);

	snprintf(text, sizeof text, "%s", row_text());
	run_as(w.s, &row_peek, &me, me.session_instance, me.session_id,
	    text, &r);
	ck_assert_int_eq(row_runs, 1);
	ck_assert_int_eq(r.result, TXR_FAILED);
	ck_assert_str_eq(store_sqlstate(w.s), "25006");
	ck_assert_int_eq(messages_saying(text), 0);
	world_close(&w);
}
END_TEST

/* A row above the actor's role is "Huh?" and its handler never runs. */
START_TEST(test_cmd_role)
{
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	const char		*text = row_text();
	static const char	*huh = "Huh? (type 'help' for the commands)\n";

	world_open(&w);
	new_char(&w, "Crr", 0, &me);
	for (int i = 0; i < 2; i++) {
		run_as(w.s, &row_decree, &me, me.session_instance,
		    me.session_id, text, &r);
		ck_assert_str_eq(r.out, huh);
		ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
		ck_assert(!r.close);
		ck_assert_int_eq(row_runs, 0);
		sqlf("UPDATE characters SET role = 'builder' WHERE id = %lld",
		    (long long)me.id);
	}
	ck_assert_int_eq(messages_saying(text), 0);
	run(w.s, me.id, "dbstats", "", &r);
	ck_assert_str_eq(r.out, huh);

	sqlf("UPDATE characters SET role = 'admin' WHERE id = %lld",
	    (long long)me.id);
	run_as(w.s, &row_decree, &me, me.session_instance, me.session_id,
	    text, &r);
	ck_assert_str_eq(r.out, "decree ran.\n");
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(messages_saying(text), 1);
	world_close(&w);
}
END_TEST

/*
 * Only the session that owns the character runs its commands: another
 * session id, another keepd, or a character gone offline is told it logged
 * in elsewhere and closed; a character that no longer exists, likewise.
 */
START_TEST(test_cmd_ownership)
{
	static const char	*elsewhere = "You have logged in from "
	    "somewhere else; this connection is closed.\n";
	struct world		 w;
	struct store_char	 me, gone = { .id = -1 };
	struct run		 r;
	char			 other[STORE_UUID_LEN + 1];
	const char		*text = row_text();

	world_open(&w);
	new_char(&w, "Cow", 0, &me);
	rand_uuid(other);
	for (int i = 0; i < 3; i++) {
		if (i == 0)
			run_as(w.s, &row_scrawl, &me, me.session_instance,
			    me.session_id + 1, text, &r);
		else if (i == 1)
			run_as(w.s, &row_scrawl, &me, other, me.session_id,
			    text, &r);
		else {
			go_offline(&w, &me);
			run_as(w.s, &row_scrawl, &me, me.session_instance,
			    me.session_id, text, &r);
		}
		ck_assert_str_eq(r.out, elsewhere);
		ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
		ck_assert(r.close);
		ck_assert_int_eq(row_runs, 0);
	}
	ck_assert_int_eq(messages_saying(text), 0);
	run_as(w.s, &row_scrawl, &gone, w.inst, 1, text, &r);
	ck_assert_str_eq(r.out, "Your character no longer exists.\n");
	ck_assert(r.close);
	ck_assert_int_eq(row_runs, 0);
	world_close(&w);
}
END_TEST

Suite *
handler_suite(void)
{
	Suite	*s = suite_create("handler");
	TCase	*tc = tcase_create("handler");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_look_start);
	tcase_add_test(tc, test_look_exact);
	tcase_add_test(tc, test_look_crowd);
	tcase_add_test(tc, test_show_room);
	tcase_add_test(tc, test_look_sql_edit_is_live);
	tcase_add_test(tc, test_move_each_direction);
	tcase_add_test(tc, test_move_no_exit);
	tcase_add_test(tc, test_move_notifies);
	tcase_add_test(tc, test_say);
	tcase_add_test(tc, test_say_alone);
	tcase_add_test(tc, test_who);
	tcase_add_test(tc, test_score);
	tcase_add_test(tc, test_score_sql_edit_is_live);
	tcase_add_test(tc, test_give);
	tcase_add_test(tc, test_give_refused);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_help_text);
	tcase_add_test(tc, test_quit);
	tcase_add_test(tc, test_quit_after_takeover);
	tcase_add_test(tc, test_cmd_read_only);
	tcase_add_test(tc, test_cmd_role);
	tcase_add_test(tc, test_cmd_ownership);
	suite_add_tcase(s, tc);
	return s;
}
