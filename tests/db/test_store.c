/*
 * test_store.c — the store facade against the real test database: every
 * store_* function, the transaction runner (rollback, constraint errors,
 * retries, concurrency), notifications seen through a LISTEN connection,
 * instances and the statement counters.
 *
 * Each test makes its own characters (test_name) on its own instance, and
 * its own rooms in a private id range (900000 and up), so tests never see
 * each other's data and the starter world is only read.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "db/store.h"
#include "db_test.h"
#include "keep_test.h"

#define START_ROOM	1000		/* The Village Square */
#define TEST_HOST	"keep-tests"	/* never this host: reap leaves it */

/* Put a character in a room, behind the store's back. */
static void
put_in_room(int64_t id, int32_t room)
{
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", room,
	    (long long)id);
}

/* Whether a character is online, read on another connection. */
static bool
online(int64_t id)
{
	return sqlv("SELECT count(*) FROM characters WHERE id = %lld AND "
	    "session_instance IS NOT NULL", (long long)id) == 1;
}

/* The start room's id as the database has it. */
static int32_t
start_room(void)
{
	return (int32_t)sqlv("SELECT id FROM rooms WHERE is_start");
}

/* A new character starts in the start room, with its defaults, online. */
START_TEST(test_char_create)
{
	struct world		w;
	struct store_char	c, l;
	char			name[17];
	int64_t			sid = rand31();

	world_open(&w);
	test_name(name, "Cre");
	ck_assert_int_eq(store_char_create(w.s, name, "hash-one", w.inst, sid,
	    &c), STORE_OK);
	ck_assert_int_gt(c.id, 0);
	ck_assert_str_eq(c.name, name);
	ck_assert_str_eq(c.role, "player");
	ck_assert_int_eq(c.room_id, start_room());
	ck_assert_int_eq(c.room_id, START_ROOM);
	ck_assert_int_eq(c.hp, 20);
	ck_assert_int_eq(c.max_hp, 20);
	ck_assert_int_eq(c.coins, 100);
	ck_assert_str_eq(c.session_instance, w.inst);
	ck_assert_int_eq(c.session_id, sid);
	/* And that is what was committed, not only what was returned. */
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_str_eq(l.name, name);
	ck_assert_int_eq(l.coins, 100);
	ck_assert_int_eq(l.room_id, START_ROOM);
	ck_assert_str_eq(l.session_instance, w.inst);
	ck_assert(online(c.id));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND last_login_at IS NOT NULL", (long long)c.id), 1);
	store_close(w.s);
}
END_TEST

/* A taken name is STORE_NONE, in any case, and makes no second row. */
START_TEST(test_char_create_duplicate)
{
	struct world		w;
	struct store_char	c, d;
	char			name[17], upper[17], lower[17];

	world_open(&w);
	test_name(name, "Dup");
	for (size_t i = 0; i < sizeof name; i++) {
		upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ?
		    name[i] - 32 : name[i]);
		lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] + 32 : name[i]);
	}
	ck_assert_int_eq(store_char_create(w.s, name, "h1", w.inst, 1, &c),
	    STORE_OK);
	ck_assert_int_eq(store_char_create(w.s, name, "h2", w.inst, 2, &d),
	    STORE_NONE);
	ck_assert_msg(store_char_create(w.s, upper, "h3", w.inst, 3, &d) ==
	    STORE_NONE, "create %s after %s: expected STORE_NONE, got an "
	    "error: %s (SQLSTATE %s)", upper, name, store_error(w.s),
	    store_sqlstate(w.s));
	ck_assert_msg(store_char_create(w.s, lower, "h4", w.inst, 4, &d) ==
	    STORE_NONE, "create %s after %s: expected STORE_NONE, got an "
	    "error: %s (SQLSTATE %s)", lower, name, store_error(w.s),
	    store_sqlstate(w.s));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE "
	    "lower(name) = lower('%s')", name), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND password_hash = 'h1' AND session_id = 1", (long long)c.id),
	    1);
	store_close(w.s);
}
END_TEST

/* Lookup by name ignores case and returns the hash. */
START_TEST(test_char_by_name)
{
	struct world		w;
	struct store_char	c, f;
	char			name[17], probe[17], hash[128], missing[17];

	world_open(&w);
	test_name(name, "Byn");
	ck_assert_int_eq(store_char_create(w.s, name, "$argon2id$fake", w.inst,
	    7, &c), STORE_OK);
	for (int v = 0; v < 3; v++) {
		for (size_t i = 0; i < sizeof name; i++) {
			char	ch = name[i];

			if (v == 1 && ch >= 'A' && ch <= 'Z')
				ch = (char)(ch + 32);
			if (v == 2 && ch >= 'a' && ch <= 'z')
				ch = (char)(ch - 32);
			probe[i] = ch;
		}
		memset(&f, 0, sizeof f);
		hash[0] = '\0';
		ck_assert_int_eq(store_char_by_name(w.s, probe, &f, hash,
		    sizeof hash), STORE_OK);
		ck_assert_int_eq(f.id, c.id);
		ck_assert_str_eq(f.name, name);
		ck_assert_str_eq(hash, "$argon2id$fake");
		ck_assert_int_eq(f.coins, 100);
	}
	test_name(missing, "Nob");
	ck_assert_int_eq(store_char_by_name(w.s, missing, &f, hash,
	    sizeof hash), STORE_NONE);
	store_close(w.s);
}
END_TEST

/* Load by id returns the row as it is now; an unknown id is STORE_NONE. */
START_TEST(test_char_load)
{
	struct world		w;
	struct store_char	c, l;

	world_open(&w);
	new_char(&w, "Lod", 0, &c);
	sqlf("UPDATE characters SET coins = 31, hp = 5, room_id = 1003 "
	    "WHERE id = %lld", (long long)c.id);
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_int_eq(l.id, c.id);
	ck_assert_str_eq(l.name, c.name);
	ck_assert_int_eq(l.coins, 31);
	ck_assert_int_eq(l.hp, 5);
	ck_assert_int_eq(l.max_hp, 20);
	ck_assert_int_eq(l.room_id, 1003);
	ck_assert_str_eq(l.session_instance, w.inst);
	ck_assert_int_eq(l.session_id, c.session_id);
	ck_assert_int_eq(store_char_load(w.s, INT64_MAX, &l), STORE_NONE);
	ck_assert_int_eq(store_char_load(w.s, -1, &l), STORE_NONE);
	store_close(w.s);
}
END_TEST

/* Taking a session returns the previous one, or "" when there was none. */
START_TEST(test_char_take_session)
{
	struct world		w;
	struct store_char	c, l;
	char			inst2[STORE_UUID_LEN + 1];
	char			old[STORE_UUID_LEN + 1];
	int64_t			old_sid = -1;

	world_open(&w);
	rand_uuid(inst2);
	ck_assert_int_eq(store_instance_register(w.s, inst2, TEST_HOST, 1),
	    STORE_OK);
	new_char(&w, "Tak", 0, &c);
	ck_assert_int_eq(store_char_take_session(w.s, c.id, inst2, 4242, old,
	    &old_sid), STORE_OK);
	ck_assert_str_eq(old, w.inst);
	ck_assert_int_eq(old_sid, c.session_id);
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_str_eq(l.session_instance, inst2);
	ck_assert_int_eq(l.session_id, 4242);

	ck_assert_int_eq(store_char_end_session(w.s, c.id, inst2, 4242),
	    STORE_OK);
	strcpy(old, "not-cleared");
	old_sid = -1;
	ck_assert_int_eq(store_char_take_session(w.s, c.id, w.inst, 5, old,
	    &old_sid), STORE_OK);
	ck_assert_str_eq(old, "");
	ck_assert_int_eq(old_sid, 0);
	ck_assert(online(c.id));

	ck_assert_int_eq(store_char_take_session(w.s, INT64_MAX, w.inst, 6,
	    old, &old_sid), STORE_NONE);
	store_close(w.s);
}
END_TEST

/* A session ends only when instance and session id both still match. */
START_TEST(test_char_end_session)
{
	struct world		w;
	struct store_char	c, l;
	char			other[STORE_UUID_LEN + 1];

	world_open(&w);
	rand_uuid(other);
	ck_assert_int_eq(store_instance_register(w.s, other, TEST_HOST, 1),
	    STORE_OK);
	new_char(&w, "End", 0, &c);
	ck_assert_int_eq(store_char_end_session(w.s, c.id, w.inst,
	    c.session_id + 1), STORE_NONE);
	ck_assert(online(c.id));
	ck_assert_int_eq(store_char_end_session(w.s, c.id, other,
	    c.session_id), STORE_NONE);
	ck_assert(online(c.id));
	ck_assert_int_eq(store_char_end_session(w.s, INT64_MAX, w.inst,
	    c.session_id), STORE_NONE);
	ck_assert_int_eq(store_char_end_session(w.s, c.id, w.inst,
	    c.session_id), STORE_OK);
	ck_assert(!online(c.id));
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_str_eq(l.session_instance, "");
	ck_assert_int_eq(l.session_id, 0);
	ck_assert_int_eq(store_char_end_session(w.s, c.id, w.inst,
	    c.session_id), STORE_NONE);
	store_close(w.s);
}
END_TEST

/* Roles change by name in any case; a role the CHECK refuses is an error. */
START_TEST(test_char_set_role)
{
	struct world		w;
	struct store_char	c, l;
	char			lower[17], missing[17];

	world_open(&w);
	new_char(&w, "Rol", 0, &c);
	for (size_t i = 0; i < sizeof lower; i++)
		lower[i] = (char)(c.name[i] >= 'A' && c.name[i] <= 'Z' ?
		    c.name[i] + 32 : c.name[i]);
	ck_assert_int_eq(store_char_set_role(w.s, lower, "builder"), STORE_OK);
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_str_eq(l.role, "builder");
	ck_assert_int_eq(store_char_set_role(w.s, c.name, "admin"), STORE_OK);
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_str_eq(l.role, "admin");

	ck_assert_int_eq(store_char_set_role(w.s, c.name, "wizard"),
	    STORE_ERR);
	ck_assert_str_eq(store_sqlstate(w.s), "23514");
	ck_assert(store_error(w.s)[0] != '\0');
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_str_eq(l.role, "admin");

	test_name(missing, "Nob");
	ck_assert_int_eq(store_char_set_role(w.s, missing, "admin"),
	    STORE_NONE);
	store_close(w.s);
}
END_TEST

/* Moving follows exits only, and only from the room the character is in. */
START_TEST(test_char_move)
{
	struct world		w;
	struct store_char	c, l;
	int32_t			to = -1;

	world_open(&w);
	new_char(&w, "Mov", 0, &c);
	ck_assert_int_eq(store_char_move(w.s, c.id, START_ROOM, "north", &to),
	    STORE_OK);
	ck_assert_int_eq(to, 1001);
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_int_eq(l.room_id, 1001);

	/* Market Street has no way down, and nothing is "sideways". */
	to = -1;
	ck_assert_int_eq(store_char_move(w.s, c.id, 1001, "down", &to),
	    STORE_NONE);
	ck_assert_int_eq(store_char_move(w.s, c.id, 1001, "sideways", &to),
	    STORE_NONE);
	ck_assert_int_eq(to, -1);
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_int_eq(l.room_id, 1001);

	/* The square has a north exit, but the character is not there. */
	ck_assert_int_eq(store_char_move(w.s, c.id, START_ROOM, "north", &to),
	    STORE_NONE);
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_int_eq(l.room_id, 1001);

	ck_assert_int_eq(store_char_move(w.s, c.id, 1001, "west", &to),
	    STORE_OK);
	ck_assert_int_eq(to, 1003);
	ck_assert_int_eq(store_char_move(w.s, c.id, 1003, "up", &to),
	    STORE_OK);
	ck_assert_int_eq(to, 1004);
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE id = %lld",
	    (long long)c.id), 1004);
	store_close(w.s);
}
END_TEST

/* Coins move between two characters; too much is refused, nothing lost. */
START_TEST(test_char_transfer_coins)
{
	struct world		w;
	struct store_char	a, b;
	int64_t			left = -7;

	world_open(&w);
	new_char(&w, "Gva", 0, &a);
	new_char(&w, "Gvb", 0, &b);
	ck_assert_int_eq(store_char_transfer_coins(w.s, a.id, b.id, 30,
	    &left), STORE_OK);
	ck_assert_int_eq(left, 70);
	ck_assert_int_eq(coins_of(a.id), 70);
	ck_assert_int_eq(coins_of(b.id), 130);

	left = -7;
	ck_assert_int_eq(store_char_transfer_coins(w.s, a.id, b.id, 71,
	    &left), STORE_NONE);
	ck_assert_int_eq(left, 70);
	ck_assert_int_eq(coins_of(a.id), 70);
	ck_assert_int_eq(coins_of(b.id), 130);

	/* Exactly everything is allowed, and leaves zero. */
	ck_assert_int_eq(store_char_transfer_coins(w.s, b.id, a.id, 130,
	    &left), STORE_OK);
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(coins_of(a.id), 200);
	ck_assert_int_eq(coins_of(b.id), 0);
	ck_assert_int_eq(store_char_transfer_coins(w.s, b.id, a.id, 1,
	    &left), STORE_NONE);
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(coins_of(a.id) + coins_of(b.id), 200);
	store_close(w.s);
}
END_TEST

/*
 * A receiver that does not exist (deleted meanwhile) is STORE_NONE with
 * from_left < 0, which cmd_give turns into "X is no longer here."
 */
START_TEST(test_char_transfer_missing)
{
	struct world		w;
	struct store_char	a;
	int64_t			left = 0;

	world_open(&w);
	new_char(&w, "Gvm", 0, &a);
	ck_assert_int_eq(store_char_transfer_coins(w.s, a.id, INT64_MAX, 5,
	    &left), STORE_NONE);
	ck_assert_msg(left < 0, "a missing receiver gave from_left = %lld, "
	    "which cmd_give reports as \"You only have\"", (long long)left);
	ck_assert_int_eq(coins_of(a.id), 100);
	left = 0;
	ck_assert_int_eq(store_char_transfer_coins(w.s, INT64_MAX, a.id, 5,
	    &left), STORE_NONE);
	ck_assert(left < 0);
	ck_assert_int_eq(coins_of(a.id), 100);
	store_close(w.s);
}
END_TEST

/* in_room finds only online characters in that room, by name in any case. */
START_TEST(test_char_in_room)
{
	struct world		w;
	struct store_char	a, b, f;
	char			lower[17];
	int32_t			room;

	world_open(&w);
	room = new_room(w.s, "In Room");
	new_char(&w, "Ina", 0, &a);
	new_char(&w, "Inb", 0, &b);
	put_in_room(a.id, room);
	put_in_room(b.id, room);
	for (size_t i = 0; i < sizeof lower; i++)
		lower[i] = (char)(a.name[i] >= 'A' && a.name[i] <= 'Z' ?
		    a.name[i] + 32 : a.name[i]);
	ck_assert_int_eq(store_char_in_room(w.s, room, lower, &f), STORE_OK);
	ck_assert_int_eq(f.id, a.id);
	ck_assert_int_eq(f.room_id, room);
	ck_assert_int_eq(store_char_in_room(w.s, START_ROOM, a.name, &f),
	    STORE_NONE);
	ck_assert_int_eq(store_char_end_session(w.s, b.id, w.inst,
	    b.session_id), STORE_OK);
	ck_assert_int_eq(store_char_in_room(w.s, room, b.name, &f),
	    STORE_NONE);
	ck_assert_int_eq(store_char_in_room(w.s, room, "Nobodyhere", &f),
	    STORE_NONE);
	store_close(w.s);
}
END_TEST

/* Whether line is one of the '\n'-separated lines of list. */
static bool
has_line(const char *list, const char *line)
{
	size_t	n = strlen(line);

	for (const char *p = list; p != NULL && *p != '\0';) {
		const char	*nl = strchr(p, '\n');
		size_t		 len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == n && strncmp(p, line, n) == 0)
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

/* who lists online characters, sorted, with the full count. */
START_TEST(test_char_who)
{
	struct world		w;
	struct store_char	a, b, off;
	char			out[200 * (STORE_NAME_MAX + 1) + 1];
	int			n = -1;
	long long		want;

	world_open(&w);
	/* "Aaaa..." sorts first, so it shows even with 200 online. */
	new_char(&w, "Aaaaw", 0, &a);
	new_char(&w, "Aaaaw", 0, &b);
	new_char(&w, "Aaaaw", 0, &off);
	ck_assert_int_eq(store_char_end_session(w.s, off.id, w.inst,
	    off.session_id), STORE_OK);
	want = sqlv("SELECT count(*) FROM characters "
	    "WHERE session_instance IS NOT NULL");
	ck_assert_int_eq(store_char_who(w.s, out, sizeof out, &n), STORE_OK);
	ck_assert_int_eq(n, want);
	ck_assert_int_ge(n, 2);
	ck_assert_msg(has_line(out, a.name), "%s not in who", a.name);
	ck_assert_msg(has_line(out, b.name), "%s not in who", b.name);
	ck_assert_msg(!has_line(out, off.name), "offline %s in who",
	    off.name);
	/* Sorted: every line is after the one before it. */
	for (const char *p = out, *nl; (nl = strchr(p, '\n')) != NULL;
	    p = nl + 1) {
		const char	*q = nl + 1;
		size_t		 la = (size_t)(nl - p);
		size_t		 lb = strcspn(q, "\n");
		int		 cmp = strncmp(p, q, la < lb ? la : lb);

		ck_assert_msg(cmp < 0 || (cmp == 0 && la < lb),
		    "who is not sorted: %.*s before %.*s", (int)la, p,
		    (int)lb, q);
	}
	store_close(w.s);
}
END_TEST

/* look: title, description, exits in compass order, others sorted. */
START_TEST(test_room_look)
{
	struct world		w;
	struct store_char	viewer, zed, amy, gone;
	struct store_look	l;
	char			want[64];
	int32_t			room, other;
	static const char	*dirs[] = {
		"down", "west", "up", "south", "east", "north"
	};

	world_open(&w);
	room = new_room(w.s, "Look Room");
	other = new_room(w.s, "Elsewhere");
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		ck_assert_int_eq(store_exit_upsert(w.s, room, dirs[i], other,
		    false), STORE_OK);
	new_char(&w, "Lkv", 0, &viewer);
	new_char(&w, "Zlk", 0, &zed);
	new_char(&w, "Alk", 0, &amy);
	new_char(&w, "Blk", 0, &gone);
	put_in_room(viewer.id, room);
	put_in_room(zed.id, room);
	put_in_room(amy.id, room);
	put_in_room(gone.id, room);
	ck_assert_int_eq(store_char_end_session(w.s, gone.id, w.inst,
	    gone.session_id), STORE_OK);

	ck_assert_int_eq(store_room_look(w.s, room, viewer.id, &l), STORE_OK);
	ck_assert_int_eq(l.id, room);
	ck_assert_str_eq(l.title, "Look Room");
	ck_assert_str_eq(l.description, "A room made by a test.");
	ck_assert_str_eq(l.exits, "north, east, south, west, up, down");
	snprintf(want, sizeof want, "%s\n%s", amy.name, zed.name);
	ck_assert_str_eq(l.names, want);
	ck_assert_int_eq(l.others, 2);

	/* Seen by someone else, the viewer is listed and that one is not. */
	ck_assert_int_eq(store_room_look(w.s, room, amy.id, &l), STORE_OK);
	snprintf(want, sizeof want, "%s\n%s", viewer.name, zed.name);
	ck_assert_str_eq(l.names, want);

	/* A room without exits or people. */
	ck_assert_int_eq(store_room_look(w.s, other, viewer.id, &l), STORE_OK);
	ck_assert_str_eq(l.exits, "");
	ck_assert_str_eq(l.names, "");
	ck_assert_int_eq(l.others, 0);

	ck_assert_int_eq(store_room_look(w.s, START_ROOM, viewer.id, &l),
	    STORE_OK);
	ck_assert_str_eq(l.title, "The Village Square");
	ck_assert_str_eq(l.exits, "north, east, south, west");

	ck_assert_int_eq(store_room_look(w.s, 2147483600, viewer.id, &l),
	    STORE_NONE);
	store_close(w.s);
}
END_TEST

/* The world counts match the tables and follow a new room. */
START_TEST(test_world_counts)
{
	struct store	*s = test_store();
	int		 rooms = -1, exits = -1, rooms2 = -1, exits2 = -1;
	bool		 start = false;
	int32_t		 a, b;

	ck_assert_int_eq(store_world_counts(s, &rooms, &exits, &start),
	    STORE_OK);
	ck_assert(start);
	ck_assert_int_eq(rooms, sqlv("SELECT count(*) FROM rooms"));
	ck_assert_int_eq(exits, sqlv("SELECT count(*) FROM exits"));
	ck_assert_int_ge(rooms, 21);	/* the starter town */
	a = new_room(s, "Counted A");
	b = new_room(s, "Counted B");
	ck_assert_int_eq(store_exit_upsert(s, a, "east", b, false), STORE_OK);
	ck_assert_int_eq(store_world_counts(s, &rooms2, &exits2, &start),
	    STORE_OK);
	ck_assert_int_eq(rooms2, rooms + 2);
	ck_assert_int_eq(exits2, exits + 1);
	store_close(s);
}
END_TEST

/* A title of a room, read on another connection, into out. */
static void
room_title(int32_t id, char *out, size_t outsz)
{
	struct store	*s = test_store();
	char		 sql[128];

	snprintf(sql, sizeof sql, "SELECT title FROM rooms WHERE id = %d", id);
	ck_assert(store_exec_value(s, sql, out, outsz));
	store_close(s);
}

/* Insert-only leaves an edited room alone; overwrite replaces it. */
START_TEST(test_room_upsert)
{
	struct store	*s = test_store();
	int32_t		 id;
	bool		 created;
	char		 title[128];

	id = new_room(s, "Original Title");
	created = true;
	ck_assert_int_eq(store_room_upsert(s, id, "testarea", "Original Title",
	    "A room made by a test.", false, false, &created), STORE_OK);
	ck_assert(!created);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d", id),
	    1);

	/* Someone edits the room with psql; a reload must not undo it. */
	sqlf("UPDATE rooms SET title = 'Edited Title' WHERE id = %d", id);
	created = true;
	ck_assert_int_eq(store_room_upsert(s, id, "testarea", "File Title",
	    "From the file.", false, false, &created), STORE_OK);
	ck_assert(!created);
	room_title(id, title, sizeof title);
	ck_assert_str_eq(title, "Edited Title");

	created = true;
	test_area("otherarea");
	ck_assert_int_eq(store_room_upsert(s, id, "otherarea", "File Title",
	    "From the file.", false, true, &created), STORE_OK);
	ck_assert_msg(!created, "overwriting an existing room reported it "
	    "as created");
	room_title(id, title, sizeof title);
	ck_assert_str_eq(title, "File Title");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND "
	    "area = 'otherarea' AND description = 'From the file.'", id), 1);

	/* A bad area is refused by the CHECK, as an error. */
	ck_assert_int_eq(store_room_upsert(s, id, "Bad Area!", "T", "D",
	    false, true, &created), STORE_ERR);
	ck_assert_str_eq(store_sqlstate(s), "23514");
	store_close(s);
}
END_TEST

/* An overwrite of a room that does not exist yet creates it. */
START_TEST(test_room_upsert_overwrite_new)
{
	struct store	*s = test_store();
	int32_t		 id = 900000 + rand31() % 100000000;
	bool		 created = false;

	test_area("testarea");
	ck_assert_int_eq(store_room_upsert(s, id, "testarea", "Fresh",
	    "Made by overwrite.", false, true, &created), STORE_OK);
	ck_assert(created);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d", id),
	    1);
	store_close(s);
}
END_TEST

/* Insert-only leaves an existing exit alone; overwrite redirects it. */
START_TEST(test_exit_upsert)
{
	struct store	*s = test_store();
	int32_t		 a, b, c;

	a = new_room(s, "Exit A");
	b = new_room(s, "Exit B");
	c = new_room(s, "Exit C");
	ck_assert_int_eq(store_exit_upsert(s, a, "north", b, false), STORE_OK);
	ck_assert_int_eq(store_exit_upsert(s, a, "north", b, false), STORE_OK);
	ck_assert_int_eq(store_exit_upsert(s, a, "north", c, false), STORE_OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM exits WHERE room_id = %d",
	    a), 1);
	ck_assert_int_eq(sqlv("SELECT to_room FROM exits WHERE room_id = %d "
	    "AND direction = 'north'", a), b);
	ck_assert_int_eq(store_exit_upsert(s, a, "north", c, true), STORE_OK);
	ck_assert_int_eq(sqlv("SELECT to_room FROM exits WHERE room_id = %d "
	    "AND direction = 'north'", a), c);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM exits WHERE room_id = %d",
	    a), 1);
	/* Not a direction, and not a room: refused by the schema. */
	ck_assert_int_eq(store_exit_upsert(s, a, "sideways", b, false),
	    STORE_ERR);
	ck_assert_str_eq(store_sqlstate(s), "23514");
	ck_assert_int_eq(store_exit_upsert(s, a, "south", 2147483600, false),
	    STORE_ERR);
	ck_assert_str_eq(store_sqlstate(s), "23503");
	store_close(s);
}
END_TEST

enum notify_kind { N_ROOM, N_CHAR, N_KICK };

struct notify_arg {
	enum notify_kind	 kind;
	int32_t			 room;
	int64_t			 id;		/* except, or the one told */
	const char		*inst;
	int64_t			 sid;
	const char		*text;
	bool			 rollback;
};

/* Send one notification, then commit or roll back. */
static enum tx_rc
notify_tx(struct store *s, void *arg)
{
	struct notify_arg	*a = arg;
	enum store_rc		 rc = STORE_ERR;

	switch (a->kind) {
	case N_ROOM:
		rc = store_notify_room(s, a->room, a->id, a->text);
		break;
	case N_CHAR:
		rc = store_notify_char(s, a->id, a->text);
		break;
	case N_KICK:
		rc = store_notify_kick(s, a->inst, a->sid, a->text);
		break;
	}
	if (rc != STORE_OK)
		return TX_ERROR;
	return a->rollback ? TX_ROLLBACK : TX_COMMIT;
}

/* Run notify_tx once; asserts how it ended. */
static void
notify(struct store *s, struct notify_arg *a, enum tx_result want)
{
	ck_assert_int_eq(store_tx(s, false, 3, notify_tx, a), want);
}

/* A room notification goes to the online others in the room, after COMMIT. */
START_TEST(test_notify_room)
{
	struct world		w;
	struct store_char	me, b, c, off, away;
	struct notify_arg	a = { .kind = N_ROOM };
	PGconn			*lc = listen_open();
	json_t			*j;
	char			text[64];
	int32_t			room;
	int64_t			want[2];

	world_open(&w);
	room = new_room(w.s, "Notify Room");
	new_char(&w, "Nra", 0, &me);
	new_char(&w, "Nrb", 0, &b);
	new_char(&w, "Nrc", 0, &c);
	new_char(&w, "Nro", 0, &off);
	new_char(&w, "Nrw", 0, &away);
	put_in_room(me.id, room);
	put_in_room(b.id, room);
	put_in_room(c.id, room);
	put_in_room(off.id, room);
	ck_assert_int_eq(store_char_end_session(w.s, off.id, w.inst,
	    off.session_id), STORE_OK);

	snprintf(text, sizeof text, "%s waves \"hi\" \\o/", me.name);
	a.room = room;
	a.id = me.id;
	a.text = text;
	notify(w.s, &a, TXR_COMMITTED);
	j = listen_expect(lc, text, 5000);
	ck_assert_msg(j != NULL, "no notification for the room");
	want[0] = b.id;
	want[1] = c.id;
	ck_assert_msg(payload_to_is(j, want, 2), "wrong recipients: %s",
	    json_dumps(j, 0));
	json_decref(j);

	/* except = 0 tells everyone online there, the speaker too. */
	snprintf(text, sizeof text, "%s: the bell tolls", me.name);
	a.id = 0;
	notify(w.s, &a, TXR_COMMITTED);
	j = listen_expect(lc, text, 5000);
	ck_assert(j != NULL);
	ck_assert_int_eq(json_array_size(json_object_get(j, "to")), 3);
	json_decref(j);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* A character notification names that one character. */
START_TEST(test_notify_char)
{
	struct world		w;
	struct store_char	c;
	struct notify_arg	a = { .kind = N_CHAR };
	PGconn			*lc = listen_open();
	json_t			*j;
	char			text[64];

	world_open(&w);
	new_char(&w, "Nch", 0, &c);
	snprintf(text, sizeof text, "Psst, %s.", c.name);
	a.id = c.id;
	a.text = text;
	notify(w.s, &a, TXR_COMMITTED);
	j = listen_expect(lc, text, 5000);
	ck_assert_msg(j != NULL, "no notification for the character");
	ck_assert(payload_to_is(j, &c.id, 1));
	json_decref(j);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* A kick names the instance and session to close. */
START_TEST(test_notify_kick)
{
	struct world		w;
	struct notify_arg	a = { .kind = N_KICK };
	PGconn			*lc = listen_open();
	json_t			*j, *kick;
	char			text[64];

	world_open(&w);
	snprintf(text, sizeof text, "Taken over (%s).", w.inst);
	a.inst = w.inst;
	a.sid = 987654321012LL;
	a.text = text;
	notify(w.s, &a, TXR_COMMITTED);
	j = listen_expect(lc, text, 5000);
	ck_assert_msg(j != NULL, "no kick notification");
	kick = json_object_get(j, "kick");
	ck_assert(json_is_object(kick));
	ck_assert_str_eq(json_string_value(json_object_get(kick, "instance")),
	    w.inst);
	ck_assert(json_integer_value(json_object_get(kick, "session")) ==
	    987654321012LL);
	ck_assert_ptr_null(json_object_get(j, "to"));
	json_decref(j);
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* A rolled-back transaction's notifications are never delivered. */
START_TEST(test_notify_rollback)
{
	struct world		w;
	struct store_char	c;
	struct notify_arg	a = { .kind = N_CHAR };
	PGconn			*lc = listen_open();
	json_t			*j;
	char			lost[64], marker[64];

	world_open(&w);
	new_char(&w, "Nrl", 0, &c);
	snprintf(lost, sizeof lost, "never-%s", c.name);
	snprintf(marker, sizeof marker, "marker-%s", c.name);
	a.id = c.id;
	a.text = lost;
	a.rollback = true;
	notify(w.s, &a, TXR_ROLLED_BACK);
	a.kind = N_ROOM;
	a.room = c.room_id;
	a.id = 0;
	notify(w.s, &a, TXR_ROLLED_BACK);
	/*
	 * Notifications arrive in commit order: once the marker, committed
	 * after, is here, anything the rollback had sent would be too.
	 */
	a.kind = N_CHAR;
	a.id = c.id;
	a.text = marker;
	a.rollback = false;
	notify(w.s, &a, TXR_COMMITTED);
	while ((j = listen_next(lc, 5000)) != NULL) {
		const char	*t = payload_text(j);

		ck_assert_msg(strcmp(t, lost) != 0, "a rolled-back "
		    "notification was delivered");
		if (strcmp(t, marker) == 0) {
			json_decref(j);
			break;
		}
		json_decref(j);
	}
	ck_assert_msg(j != NULL, "the committed marker never came");
	PQfinish(lc);
	store_close(w.s);
}
END_TEST

/* The test database's URL, connecting as role instead. */
static void
url_as(const char *role, char *out, size_t outsz)
{
	const char	*url = test_db_url(), *u = strstr(url, "user=");
	const char	*rest;

	if (u == NULL) {
		snprintf(out, outsz, "%s%cuser=%s", url,
		    strchr(url, '?') ? '&' : '?', role);
		return;
	}
	rest = u + strcspn(u, "&");
	snprintf(out, outsz, "%.*suser=%s%s", (int)(u - url), url, role, rest);
}

/*
 * The test cluster runs with fsync and synchronous_commit on.  The check
 * reads the server's setting for this role and database, not the
 * connection's own (store_open forces that on), so a role configured with
 * synchronous_commit = off is caught while a session SET is not.
 */
START_TEST(test_check_durability)
{
	struct store	*s = test_store(), *lax;
	char		 err[256] = "untouched", url[1024];

	ck_assert_int_eq(store_check_durability(s, err, sizeof err),
	    STORE_OK);
	ck_assert(store_exec_script(s, "SET synchronous_commit = off"));
	ck_assert_int_eq(store_check_durability(s, err, sizeof err),
	    STORE_OK);

	test_sql("DO $$ BEGIN CREATE ROLE keep_test_lax LOGIN; "
	    "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
	test_sql("ALTER ROLE keep_test_lax SET synchronous_commit = off");
	url_as("keep_test_lax", url, sizeof url);
	lax = store_open(url, "keep-tests", 10000, err, sizeof err);
	ck_assert_msg(lax != NULL, "%s", err);
	err[0] = '\0';
	ck_assert_int_eq(store_check_durability(lax, err, sizeof err),
	    STORE_NONE);
	ck_assert_msg(strstr(err, "synchronous_commit") != NULL, "%s", err);
	store_close(lax);
	store_close(s);
}
END_TEST

/* Register, heartbeat and remove; removing ends the instance's sessions. */
START_TEST(test_instance_lifecycle)
{
	struct world		w;
	struct store_char	a, b;

	world_open(&w);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE id = '%s'"
	    " AND host = '%s' AND pid = %d", w.inst, TEST_HOST, (int)getpid()),
	    1);
	/* The same id twice is a unique violation. */
	ck_assert_int_eq(store_instance_register(w.s, w.inst, TEST_HOST, 1),
	    STORE_ERR);
	ck_assert_str_eq(store_sqlstate(w.s), "23505");

	sqlf("UPDATE instances SET seen_at = now() - interval '1 hour' "
	    "WHERE id = '%s'", w.inst);
	ck_assert_int_eq(store_instance_heartbeat(w.s, w.inst), STORE_OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE id = '%s'"
	    " AND seen_at > now() - interval '1 minute'", w.inst), 1);

	new_char(&w, "Ins", 0, &a);
	new_char(&w, "Ins", 0, &b);
	ck_assert(online(a.id) && online(b.id));
	ck_assert_int_eq(store_instance_remove(w.s, w.inst), STORE_OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE id = '%s'",
	    w.inst), 0);
	ck_assert(!online(a.id));
	ck_assert(!online(b.id));
	/* A reaped instance's heartbeat finds nothing. */
	ck_assert_int_eq(store_instance_heartbeat(w.s, w.inst), STORE_NONE);
	store_close(w.s);
}
END_TEST

/* A pid that belonged to a process that has exited. */
static int
dead_pid(void)
{
	pid_t	pid = fork();

	ck_assert(pid >= 0);
	if (pid == 0)
		_exit(0);
	ck_assert(waitpid(pid, NULL, 0) == pid);
	return (int)pid;
}

/* Reap removes silent instances and dead ones on this host, not self. */
START_TEST(test_instance_reap)
{
	struct world		w;
	struct store_char	old_c, dead_c, live_c;
	char			old[STORE_UUID_LEN + 1];
	char			dead[STORE_UUID_LEN + 1];
	char			mine[STORE_UUID_LEN + 1];
	char			self[STORE_UUID_LEN + 1];
	char			alive[STORE_UUID_LEN + 1];
	char			host[256];
	struct world		wo, wd;
	int			gone = dead_pid();

	ck_assert(gethostname(host, sizeof host) == 0);
	host[sizeof host - 1] = '\0';
	world_open(&w);				/* fresh, elsewhere */
	wo.s = wd.s = w.s;
	rand_uuid(old);
	rand_uuid(dead);
	rand_uuid(mine);
	rand_uuid(self);
	rand_uuid(alive);
	ck_assert_int_eq(store_instance_register(w.s, old, "far-away", 1),
	    STORE_OK);
	sqlf("UPDATE instances SET seen_at = now() - interval '2 hours' "
	    "WHERE id = '%s'", old);
	ck_assert_int_eq(store_instance_register(w.s, dead, host, gone),
	    STORE_OK);
	ck_assert_int_eq(store_instance_register(w.s, mine, host,
	    (int)getpid()), STORE_OK);
	ck_assert_int_eq(store_instance_register(w.s, self, host, gone),
	    STORE_OK);
	ck_assert_int_eq(store_instance_register(w.s, alive, host,
	    (int)getppid()), STORE_OK);
	memcpy(wo.inst, old, sizeof old);
	memcpy(wd.inst, dead, sizeof dead);
	new_char(&wo, "Rpo", 0, &old_c);
	new_char(&wd, "Rpd", 0, &dead_c);
	new_char(&w, "Rpl", 0, &live_c);

	ck_assert_int_eq(store_instance_reap(w.s, 3600, self), STORE_OK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE id = '%s'",
	    old), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE id = '%s'",
	    dead), 0);
	/* The pid is this process's, but the instance is not self: stale. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE id = '%s'",
	    mine), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE id = '%s'",
	    self), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE id = '%s'",
	    alive), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE id = '%s'",
	    w.inst), 1);
	ck_assert(!online(old_c.id));
	ck_assert(!online(dead_c.id));
	ck_assert(online(live_c.id));
	store_close(w.s);
}
END_TEST

struct write_arg {
	int64_t		 id;
	int		 attempts;
	int		 fail_first;	/* attempts that raise sqlstate */
	const char	*sqlstate;
	enum tx_rc	 rc;		/* what to return after the write */
	bool		 bad_role;	/* end with a CHECK violation */
};

/* Add a coin, maybe fail as asked, then return what the test wants. */
static enum tx_rc
write_tx(struct store *s, void *arg)
{
	struct write_arg	*a = arg;
	char			 sql[160];

	a->attempts++;
	snprintf(sql, sizeof sql, "UPDATE characters SET coins = coins + 1 "
	    "WHERE id = %lld", (long long)a->id);
	if (!store_exec_script(s, sql))
		return TX_ERROR;
	if (a->attempts <= a->fail_first) {
		snprintf(sql, sizeof sql, "DO $$ BEGIN RAISE EXCEPTION "
		    "'provoked' USING ERRCODE = '%s'; END $$", a->sqlstate);
		ck_assert(!store_exec_script(s, sql));
		return TX_ERROR;
	}
	if (a->bad_role) {
		struct store_char	c;

		if (store_char_load(s, a->id, &c) != STORE_OK)
			return TX_ERROR;
		if (store_char_set_role(s, c.name, "overlord") != STORE_OK)
			return TX_ERROR;
	}
	return a->rc;
}

/* TX_COMMIT commits: the write is seen on another connection. */
START_TEST(test_tx_commit)
{
	struct world		w;
	struct store_char	c;
	struct write_arg	a = { .rc = TX_COMMIT };

	world_open(&w);
	new_char(&w, "Txc", 0, &c);
	a.id = c.id;
	ck_assert_int_eq(store_tx(w.s, false, 3, write_tx, &a), TXR_COMMITTED);
	ck_assert_int_eq(a.attempts, 1);
	ck_assert_int_eq(coins_of(c.id), 101);
	store_close(w.s);
}
END_TEST

/* Write a coin, then a failing statement, then claim success anyway. */
static enum tx_rc
ignore_error_tx(struct store *s, void *arg)
{
	struct write_arg	*a = arg;
	char			 sql[160];

	a->attempts++;
	snprintf(sql, sizeof sql, "UPDATE characters SET coins = coins + 1 "
	    "WHERE id = %lld", (long long)a->id);
	ck_assert(store_exec_script(s, sql));
	ck_assert(!store_exec_script(s, "SELECT 1 / 0"));
	return TX_COMMIT;
}

/* A COMMIT that PostgreSQL answers with ROLLBACK is not a success. */
START_TEST(test_tx_commit_after_error)
{
	struct world		w;
	struct store_char	c;
	struct write_arg	a = { .rc = TX_COMMIT };

	world_open(&w);
	new_char(&w, "Txe", 0, &c);
	a.id = c.id;
	ck_assert_int_eq(store_tx(w.s, false, 3, ignore_error_tx, &a),
	    TXR_FAILED);
	ck_assert_int_eq(a.attempts, 1);
	ck_assert_int_eq(coins_of(c.id), 100);
	store_close(w.s);
}
END_TEST

/* TX_ROLLBACK rolls back: the write made inside is gone. */
START_TEST(test_tx_rollback)
{
	struct world		w;
	struct store_char	c;
	struct write_arg	a = { .rc = TX_ROLLBACK };

	world_open(&w);
	new_char(&w, "Txr", 0, &c);
	a.id = c.id;
	ck_assert_int_eq(store_tx(w.s, false, 3, write_tx, &a),
	    TXR_ROLLED_BACK);
	ck_assert_int_eq(a.attempts, 1);
	ck_assert_int_eq(coins_of(c.id), 100);
	/* The connection is out of the transaction and usable. */
	a.rc = TX_COMMIT;
	ck_assert_int_eq(store_tx(w.s, false, 3, write_tx, &a), TXR_COMMITTED);
	ck_assert_int_eq(coins_of(c.id), 101);
	store_close(w.s);
}
END_TEST

/* A constraint violation fails at once with its SQLSTATE; nothing stays. */
START_TEST(test_tx_constraint_error)
{
	struct world		w;
	struct store_char	c, l;
	struct write_arg	a = { .rc = TX_COMMIT, .bad_role = true };
	uint64_t		retries = store_tx_retries();

	world_open(&w);
	new_char(&w, "Txe", 0, &c);
	a.id = c.id;
	ck_assert_int_eq(store_tx(w.s, false, 3, write_tx, &a), TXR_FAILED);
	ck_assert_str_eq(store_sqlstate(w.s), "23514");
	ck_assert(strstr(store_error(w.s), "check") != NULL);
	ck_assert_int_eq(a.attempts, 1);
	ck_assert_int_eq(store_tx_retries(), retries);
	ck_assert_int_eq(coins_of(c.id), 100);
	ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_str_eq(l.role, "player");
	store_close(w.s);
}
END_TEST

/* A serialization failure is retried and the write lands exactly once. */
START_TEST(test_tx_retry_serialization)
{
	struct world		w;
	struct store_char	c;
	struct write_arg	a = { .rc = TX_COMMIT, .fail_first = 1,
				    .sqlstate = "40001" };
	uint64_t		retries = store_tx_retries();

	world_open(&w);
	new_char(&w, "Txs", 0, &c);
	a.id = c.id;
	ck_assert_int_eq(store_tx(w.s, false, 3, write_tx, &a), TXR_COMMITTED);
	ck_assert_int_eq(a.attempts, 2);
	ck_assert_int_eq(store_tx_retries(), retries + 1);
	ck_assert_int_eq(coins_of(c.id), 101);
	store_close(w.s);
}
END_TEST

/* A deadlock is retried too. */
START_TEST(test_tx_retry_deadlock)
{
	struct world		w;
	struct store_char	c;
	struct write_arg	a = { .rc = TX_COMMIT, .fail_first = 2,
				    .sqlstate = "40P01" };
	uint64_t		retries = store_tx_retries();

	world_open(&w);
	new_char(&w, "Txd", 0, &c);
	a.id = c.id;
	ck_assert_int_eq(store_tx(w.s, false, 3, write_tx, &a), TXR_COMMITTED);
	ck_assert_int_eq(a.attempts, 3);
	ck_assert_int_eq(store_tx_retries(), retries + 2);
	ck_assert_int_eq(coins_of(c.id), 101);
	store_close(w.s);
}
END_TEST

/* Retries are bounded: past them the failure is reported, nothing stays. */
START_TEST(test_tx_retries_exhausted)
{
	struct world		w;
	struct store_char	c;
	struct write_arg	a = { .rc = TX_COMMIT, .fail_first = 100,
				    .sqlstate = "40001" };
	uint64_t		retries = store_tx_retries();

	world_open(&w);
	new_char(&w, "Txx", 0, &c);
	a.id = c.id;
	ck_assert_int_eq(store_tx(w.s, false, 2, write_tx, &a), TXR_FAILED);
	ck_assert_int_eq(a.attempts, 3);
	ck_assert_int_eq(store_tx_retries(), retries + 2);
	ck_assert_str_eq(store_sqlstate(w.s), "40001");
	ck_assert_int_eq(coins_of(c.id), 100);
	store_close(w.s);
}
END_TEST

/* Any other error (division by zero) is not retried. */
START_TEST(test_tx_no_retry_other)
{
	struct world		w;
	struct store_char	c;
	struct write_arg	a = { .rc = TX_COMMIT, .fail_first = 1,
				    .sqlstate = "22012" };

	world_open(&w);
	new_char(&w, "Txo", 0, &c);
	a.id = c.id;
	ck_assert_int_eq(store_tx(w.s, false, 5, write_tx, &a), TXR_FAILED);
	ck_assert_int_eq(a.attempts, 1);
	ck_assert_str_eq(store_sqlstate(w.s), "22012");
	ck_assert_int_eq(coins_of(c.id), 100);
	store_close(w.s);
}
END_TEST

/* A read-only transaction cannot write. */
START_TEST(test_tx_read_only)
{
	struct world		w;
	struct store_char	c;
	struct write_arg	a = { .rc = TX_COMMIT };

	world_open(&w);
	new_char(&w, "Txq", 0, &c);
	a.id = c.id;
	ck_assert_int_eq(store_tx(w.s, true, 3, write_tx, &a), TXR_FAILED);
	ck_assert_str_eq(store_sqlstate(w.s), "25006");
	ck_assert_int_eq(coins_of(c.id), 100);
	store_close(w.s);
}
END_TEST

struct load_arg {
	int64_t			 id;
	struct store_char	 c;
};

/* Load one character. */
static enum tx_rc
load_tx(struct store *s, void *arg)
{
	struct load_arg	*a = arg;

	return store_char_load(s, a->id, &a->c) == STORE_OK ? TX_COMMIT :
	    TX_ERROR;
}

/* A connection killed by the server is re-established by store_tx. */
START_TEST(test_tx_reconnect)
{
	struct world		w;
	struct store_char	c;
	struct load_arg		a;
	char			pid[32];
	int			tries = 0;

	world_open(&w);
	new_char(&w, "Txk", 0, &c);
	a.id = c.id;
	ck_assert(store_exec_value(w.s, "SELECT pg_backend_pid()", pid,
	    sizeof pid));
	sqlf("SELECT pg_terminate_backend(%s)", pid);
	for (int i = 0; i < 100 && sqlv("SELECT count(*) FROM "
	    "pg_stat_activity WHERE pid = %s", pid) != 0; i++)
		usleep(20 * 1000);
	while (tries < 3 && store_tx(w.s, true, 3, load_tx, &a) !=
	    TXR_COMMITTED)
		tries++;
	ck_assert_msg(tries < 3, "store_tx never got a connection back: %s",
	    store_error(w.s));
	ck_assert(store_connected(w.s));
	ck_assert_int_eq(a.c.id, c.id);
	ck_assert_str_eq(a.c.name, c.name);
	store_close(w.s);
}
END_TEST

struct xfer {
	struct store		*s;
	pthread_barrier_t	*go;
	int64_t			 from, to;
	int			 n;
	int			 committed;
	char			 err[256];
};

/* Move one coin. */
static enum tx_rc
xfer_tx(struct store *s, void *arg)
{
	struct xfer	*x = arg;
	int64_t		 left;

	switch (store_char_transfer_coins(s, x->from, x->to, 1, &left)) {
	case STORE_ERR:
		return TX_ERROR;
	case STORE_NONE:
		return TX_ROLLBACK;
	case STORE_OK:
		break;
	}
	return TX_COMMIT;
}

/* Thread: n one-coin transfers, each its own transaction, no retries. */
static void *
xfer_thread(void *arg)
{
	struct xfer	*x = arg;

	pthread_barrier_wait(x->go);
	for (int i = 0; i < x->n; i++) {
		if (store_tx(x->s, false, 0, xfer_tx, x) == TXR_COMMITTED)
			x->committed++;
		else if (x->err[0] == '\0')
			snprintf(x->err, sizeof x->err, "%s (SQLSTATE %s)",
			    store_error(x->s), store_sqlstate(x->s));
	}
	return NULL;
}

/*
 * Opposite transfers at once never deadlock (rows are locked in id order,
 * so even with no retries every transaction commits) and lose no coin.
 */
START_TEST(test_transfer_concurrent)
{
	struct world		w;
	struct store_char	a, b;
	pthread_barrier_t	go;
	pthread_t		t1, t2;
	struct xfer		x1 = { .n = 200 }, x2 = { .n = 200 };

	world_open(&w);
	new_char(&w, "Cca", 0, &a);
	new_char(&w, "Ccb", 0, &b);
	sqlf("UPDATE characters SET coins = 1000 WHERE id IN (%lld, %lld)",
	    (long long)a.id, (long long)b.id);
	pthread_barrier_init(&go, NULL, 2);
	x1.s = test_store();
	x2.s = test_store();
	x1.go = x2.go = &go;
	x1.from = x2.to = a.id;
	x1.to = x2.from = b.id;
	ck_assert(pthread_create(&t1, NULL, xfer_thread, &x1) == 0);
	ck_assert(pthread_create(&t2, NULL, xfer_thread, &x2) == 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	pthread_barrier_destroy(&go);
	ck_assert_msg(x1.committed == 200, "A->B: %d of 200 committed; %s",
	    x1.committed, x1.err);
	ck_assert_msg(x2.committed == 200, "B->A: %d of 200 committed; %s",
	    x2.committed, x2.err);
	ck_assert_int_eq(coins_of(a.id) + coins_of(b.id), 2000);
	ck_assert_int_eq(coins_of(a.id), 1000);
	store_close(x1.s);
	store_close(x2.s);
	store_close(w.s);
}
END_TEST

/* One statement's counters, zero if it has not run in this process. */
static struct store_stat
stat_of(const char *name)
{
	struct store_stat	st[256], none = { .name = name };
	size_t			n = store_stats(st, 256);

	for (size_t i = 0; i < n && i < 256; i++) {
		if (strcmp(st[i].name, name) == 0)
			return st[i];
	}
	return none;
}

/* The counters follow the statements that ran: calls, rows, errors. */
START_TEST(test_stats)
{
	struct world		w;
	struct store_char	c, l;
	struct store_stat	before, after;

	world_open(&w);
	new_char(&w, "Sta", 0, &c);
	before = stat_of("char_load");
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(store_char_load(w.s, c.id, &l), STORE_OK);
	ck_assert_int_eq(store_char_load(w.s, INT64_MAX, &l), STORE_NONE);
	after = stat_of("char_load");
	ck_assert_int_eq(after.calls - before.calls, 5);
	ck_assert_int_eq(after.rows - before.rows, 4);
	ck_assert_int_eq(after.errors - before.errors, 0);
	ck_assert(after.usec > before.usec);

	before = stat_of("char_set_role");
	ck_assert_int_eq(store_char_set_role(w.s, c.name, "builder"),
	    STORE_OK);
	ck_assert_int_eq(store_char_set_role(w.s, c.name, "emperor"),
	    STORE_ERR);
	after = stat_of("char_set_role");
	ck_assert_int_eq(after.calls - before.calls, 2);
	ck_assert_int_eq(after.errors - before.errors, 1);
	ck_assert_int_eq(after.rows - before.rows, 1);
	/* A statement that ran is listed under its name. */
	ck_assert_str_eq(stat_of("instance_register").name,
	    "instance_register");
	ck_assert_int_ge(stat_of("instance_register").calls, 1);
	store_close(w.s);
}
END_TEST

/* The store suite. */
Suite *
store_suite(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("store");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_char_create);
	tcase_add_test(tc, test_char_create_duplicate);
	tcase_add_test(tc, test_char_by_name);
	tcase_add_test(tc, test_char_load);
	tcase_add_test(tc, test_char_take_session);
	tcase_add_test(tc, test_char_end_session);
	tcase_add_test(tc, test_char_set_role);
	tcase_add_test(tc, test_char_move);
	tcase_add_test(tc, test_char_transfer_coins);
	tcase_add_test(tc, test_char_transfer_missing);
	tcase_add_test(tc, test_char_in_room);
	tcase_add_test(tc, test_char_who);
	tcase_add_test(tc, test_room_look);
	tcase_add_test(tc, test_world_counts);
	tcase_add_test(tc, test_room_upsert);
	tcase_add_test(tc, test_room_upsert_overwrite_new);
	tcase_add_test(tc, test_exit_upsert);
	tcase_add_test(tc, test_notify_room);
	tcase_add_test(tc, test_notify_char);
	tcase_add_test(tc, test_notify_kick);
	tcase_add_test(tc, test_notify_rollback);
	tcase_add_test(tc, test_check_durability);
	tcase_add_test(tc, test_instance_lifecycle);
	tcase_add_test(tc, test_instance_reap);
	tcase_add_test(tc, test_tx_commit);
	tcase_add_test(tc, test_tx_commit_after_error);
	tcase_add_test(tc, test_tx_rollback);
	tcase_add_test(tc, test_tx_constraint_error);
	tcase_add_test(tc, test_tx_retry_serialization);
	tcase_add_test(tc, test_tx_retry_deadlock);
	tcase_add_test(tc, test_tx_retries_exhausted);
	tcase_add_test(tc, test_tx_no_retry_other);
	tcase_add_test(tc, test_tx_read_only);
	tcase_add_test(tc, test_tx_reconnect);
	tcase_add_test(tc, test_transfer_concurrent);
	tcase_add_test(tc, test_stats);
	suite_add_tcase(s, tc);
	return s;
}
