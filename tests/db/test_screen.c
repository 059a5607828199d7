/*
 * test_screen.c — the player's screen against the test database (suite
 * "screen"): the prompt (default, tokens, bounds, `prompt default`,
 * computed from the row after the command), the colour setting stored and
 * returned, and the GMCP payloads built in the transaction (Room.Info and
 * its exits against the text's Exits: line, Char.Vitals, Char.Status,
 * Char.Items.List), only when the session wants them.  The end-to-end
 * cases are in tests/e2e/test_screen_e2e.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db/store.h"
#include "cmd/cmd.h"
#include "db_test.h"
#include "keep_test.h"
#include "net/color.h"

/* The body of the last GMCP message of package in r, or NULL (borrowed
 * from *all, which the caller json_decrefs). */
static json_t *
screen_gmcp(const struct run *r, const char *package, json_t **all)
{
	json_t	*m, *found = NULL;
	size_t	 i;

	*all = r->gmcp[0] != '\0' ? json_loads(r->gmcp, 0, NULL) : NULL;
	json_array_foreach(*all, i, m) {
		if (strcmp(json_string_value(json_array_get(m, 0)), package) ==
		    0)
			found = json_array_get(m, 1);
	}
	return found;
}

/* A JSON value as compact text (static). */
static const char *
screen_dump(const json_t *j)
{
	static char	out[4096];
	char		*d = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

	snprintf(out, sizeof out, "%s", d != NULL ? d : "(null)");
	free(d);
	return out;
}

/* How many GMCP messages of package r queued. */
static int
screen_count(const struct run *r, const char *package)
{
	json_t	*all = r->gmcp[0] != '\0' ? json_loads(r->gmcp, 0, NULL) :
		    NULL, *m;
	size_t	 i;
	int	 n = 0;

	json_array_foreach(all, i, m)
		n += strcmp(json_string_value(json_array_get(m, 0)), package) ==
		    0;
	json_decref(all);
	return n;
}

/* The prompt as a client without colour sees it. */
static const char *
screen_plain(const struct run *r)
{
	static char	plain[CMD_PROMPT_OUT];

	snprintf(plain, sizeof plain, "%s", r->prompt);
	color_strip(plain);
	return plain;
}

/* A stored text column of a character ("-" for NULL). */
static const char *
screen_col(int64_t id, const char *col)
{
	static char	v[128];
	char		sql[128];
	struct store	*s = test_store();

	snprintf(sql, sizeof sql, "SELECT coalesce(%s, '-') FROM characters "
	    "WHERE id = %lld", col, (long long)id);
	ck_assert(store_exec_value(s, sql, v, sizeof v));
	store_close(s);
	return v;
}

START_TEST(test_screen_prompt)
{
	struct world		w;
	struct store_char	a, b;
	struct run		r;
	char			hp[32], want[64], big[96];
	int			h = 0, mh = 0;

	world_open(&w);
	new_char(&w, "Sp", 0, &a);
	new_char(&w, "Sq", a.room_id, &b);
	/* The default, from the row score prints, its hp coloured. */
	sqlf("UPDATE characters SET hp = 5, hp_at = now() WHERE id = %lld",
	    (long long)a.id);
	run(w.s, a.id, "score", "", &r);
	ck_assert_ptr_nonnull(strstr(r.out, "HP: "));
	ck_assert_int_eq(sscanf(strstr(r.out, "HP: "), "HP: %d/%d", &h, &mh),
	    2);
	snprintf(want, sizeof want, "<%d/%dhp> ", h, mh);
	ck_assert_str_eq(screen_plain(&r), want);
	snprintf(hp, sizeof hp, "<%s%d" CM_RESET "/", h * 3 < mh ? CM_RED :
	    h * 3 < mh * 2 ? CM_YELLOW : CM_GREEN, h);
	ck_assert_msg(strncmp(r.prompt, hp, strlen(hp)) == 0, "prompt %s",
	    printable(r.prompt));
	/* Every token. */
	run(w.s, a.id, "prompt", "[%c coins L%l %x/%X %H %%] ", &r);
	ck_assert_str_eq(r.out, "Prompt set.\n");
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(screen_col(a.id, "prompt"),
	    "[%c coins L%l %x/%X %H %%] ");
	ck_assert_str_eq(screen_plain(&r), "[100 coins L1 0/100 20 %] ");
	/* Computed from the row after the command: the coins given. */
	run(w.s, a.id, "give", fmt("7 coins to %s", b.name), &r);
	ck_assert_str_eq(screen_plain(&r), "[93 coins L1 0/100 20 %] ");
	/* Refusals change nothing. */
	(void)run_want(w.s, a.id, "prompt", "%q", "Unknown token: use %h %H "
	    "%c %l %x %X or %%. Nothing changed.\n",
	    TXR_ROLLED_BACK);
	(void)run_want(w.s, a.id, "prompt", "50%", "Unknown token: use %h %H "
	    "%c %l %x %X or %%. Nothing changed.\n",
	    TXR_ROLLED_BACK);
	(void)run_want(w.s, a.id, "prompt", "a\tb", "A prompt holds printable "
	    "characters only. Nothing changed.\n", TXR_ROLLED_BACK);
	memset(big, 'x', 81);
	big[81] = '\0';
	(void)run_want(w.s, a.id, "prompt", big, "A prompt is 1 to 80 bytes "
	    "long. Nothing changed.\n", TXR_ROLLED_BACK);
	ck_assert_str_eq(screen_col(a.id, "prompt"),
	    "[%c coins L%l %x/%X %H %%] ");
	big[80] = '\0';
	run(w.s, a.id, "prompt", big, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(screen_plain(&r), big);
	/* The database refuses what the command would (0020). */
	ck_assert_int_eq(test_sql_value(fmt("SELECT count(*) FROM characters "
	    "WHERE id = %lld AND prompt = '%s'", (long long)a.id, big)), 1);
	/* prompt default: the column is NULL again. */
	run(w.s, a.id, "prompt", "default", &r);
	ck_assert_str_eq(r.out, "Prompt set to the default.\n");
	ck_assert_str_eq(screen_col(a.id, "prompt"), "-");
	ck_assert_ptr_nonnull(strstr(screen_plain(&r), "/20hp> "));
	/* A refused command still has a prompt (the row it read). */
	run(w.s, b.id, "prompt", "%z", &r);
	ck_assert_str_eq(screen_plain(&r), "<20/20hp> ");
	world_close(&w);
}
END_TEST

START_TEST(test_screen_color)
{
	struct world		w;
	struct store_char	a;
	struct run		r;

	world_open(&w);
	new_char(&w, "Sc", 0, &a);
	run(w.s, a.id, "score", "", &r);
	ck_assert_str_eq(r.color, "auto");
	ck_assert_str_eq(screen_col(a.id, "color"), "auto");
	run(w.s, a.id, "color", "on", &r);
	ck_assert_str_eq(r.out, "Colour is on.\n");
	ck_assert_str_eq(r.color, "on");
	ck_assert_str_eq(screen_col(a.id, "color"), "on");
	run(w.s, a.id, "colour", "off", &r);
	ck_assert_str_eq(r.out, "Colour is off.\n");
	ck_assert_str_eq(r.color, "off");
	run(w.s, a.id, "look", "", &r);
	ck_assert_str_eq(r.color, "off");
	(void)run_want(w.s, a.id, "color", "blue", "Usage: color on|off|auto\n",
	    TXR_ROLLED_BACK);
	(void)run_want(w.s, a.id, "color", "", "Colour is off. Usage: color "
	    "on|off|auto\n", TXR_ROLLED_BACK);
	run(w.s, a.id, "color", "auto", &r);
	ck_assert_str_eq(screen_col(a.id, "color"), "auto");
	ck_assert_int_ne(test_sql_value("SELECT count(*) FROM pg_constraint "
	    "WHERE conrelid = 'characters'::regclass AND "
	    "pg_get_constraintdef(oid) LIKE '%color%'"), 0);
	world_close(&w);
}
END_TEST

/* The exits of a Room.Info as look's words ("north, up"). */
static void
screen_exit_words(json_t *exits, char *out, size_t outsz)
{
	static const char	*names[] = { "north", "east", "south", "west",
				    "up", "down" };
	const char		*k;
	json_t			*v;
	size_t			 o = 0;

	out[0] = '\0';
	json_object_foreach(exits, k, v) {
		for (size_t i = 0; i < 6; i++) {
			if (names[i][0] == k[0] && k[1] == '\0')
				o += (size_t)snprintf(out + o, outsz - o,
				    "%s%s", o ? ", " : "", names[i]);
		}
	}
	if (o == 0)
		snprintf(out, outsz, "none");
}

START_TEST(test_screen_room_info)
{
	struct world		w;
	struct store_char	a;
	struct run		r;
	int32_t			here, n, u, d;
	json_t			*all, *ri;
	char			words[64], line[80];

	world_open(&w);
	here = new_area_room(w.s, "scrarea", "Screen Hall", "A hall.");
	n = new_area_room(w.s, "scrarea", "Screen North", "North.");
	u = new_area_room(w.s, "scrarea", "Screen Loft", "Up.");
	d = new_area_room(w.s, "scrarea", "Screen Cellar", "Down.");
	sqlf("UPDATE areas SET name = 'The Screen Area' WHERE id = 'scrarea'");
	/* Inserted out of compass order: the order is look's. */
	sqlf("INSERT INTO exits (room_id, direction, to_room) VALUES"
	    " (%d, 'down', %d), (%d, 'up', %d), (%d, 'north', %d),"
	    " (%d, 'south', %d)", here, d, here, u, here, n, n, here);
	new_char(&w, "Sr", here, &a);
	/* A plain client: nothing built. */
	run(w.s, a.id, "look", "", &r);
	ck_assert_str_eq(r.gmcp, "");
	run_gmcp_want = CMD_GMCP_ALL;
	run(w.s, a.id, "look", "", &r);
	ri = screen_gmcp(&r, "Room.Info", &all);
	ck_assert_ptr_nonnull(ri);
	ck_assert_int_eq(json_integer_value(json_object_get(ri, "num")), here);
	ck_assert_str_eq(json_string_value(json_object_get(ri, "name")),
	    "Screen Hall");
	ck_assert_str_eq(json_string_value(json_object_get(ri, "area")),
	    "The Screen Area");
	ck_assert_str_eq(json_string_value(json_object_get(ri, "zone")),
	    "scrarea");
	ck_assert_str_eq(json_string_value(json_object_get(ri,
	    "environment")), "");
	ck_assert(json_is_array(json_object_get(ri, "details")));
	ck_assert_int_eq(json_array_size(json_object_get(ri, "details")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ri,
	    "exits"), "n")), n);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ri,
	    "exits"), "u")), u);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ri,
	    "exits"), "d")), d);
	ck_assert_int_eq(json_object_size(json_object_get(ri, "exits")), 3);
	/* Exactly the Exits: line, in its order. */
	screen_exit_words(json_object_get(ri, "exits"), words, sizeof words);
	snprintf(line, sizeof line, "Exits: %s\n", words);
	ck_assert_msg(strstr(r.out, line) != NULL, "%s not in %s", line,
	    r.out);
	ck_assert_str_eq(line, "Exits: north, up, down\n");
	json_decref(all);
	/* A move: the new room, its one exit back. */
	run(w.s, a.id, "north", "", &r);
	ri = screen_gmcp(&r, "Room.Info", &all);
	ck_assert_ptr_nonnull(ri);
	ck_assert_int_eq(json_integer_value(json_object_get(ri, "num")), n);
	ck_assert_str_eq(screen_dump(json_object_get(ri, "exits")),
	    fmt("{\"s\":%d}", here));
	ck_assert_ptr_nonnull(strstr(r.out, "Exits: south\n"));
	ck_assert_int_eq(screen_count(&r, "Room.Info"), 1);
	json_decref(all);
	/* No exits: {} and "Exits: none". */
	sqlf("DELETE FROM exits WHERE room_id = %d", n);
	run(w.s, a.id, "look", "", &r);
	ri = screen_gmcp(&r, "Room.Info", &all);
	ck_assert_int_eq(json_object_size(json_object_get(ri, "exits")), 0);
	ck_assert(json_is_object(json_object_get(ri, "exits")));
	ck_assert_ptr_nonnull(strstr(r.out, "Exits: none\n"));
	json_decref(all);
	/* Moved by someone else (a transfer): the next command sends it. */
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", here,
	    (long long)a.id);
	r = (struct run){ 0 };
	r.cmd = "score";
	r.args = "";
	r.id = a.id;
	snprintf(r.inst, sizeof r.inst, "%s", w.inst);
	r.sid = sqlv("SELECT session_id FROM characters WHERE id = %lld",
	    (long long)a.id);
	(void)run_call(w.s, &r, 3);
	ri = screen_gmcp(&r, "Room.Info", &all);
	ck_assert_ptr_nonnull(ri);
	ck_assert_int_eq(json_integer_value(json_object_get(ri, "num")), here);
	json_decref(all);
	run_gmcp_want = 0;
	world_close(&w);
}
END_TEST

START_TEST(test_screen_char)
{
	struct world		w;
	struct store_char	a, b;
	struct run		r;
	json_t			*all, *v, *st;

	world_open(&w);
	new_char(&w, "Sv", 0, &a);
	new_char(&w, "Sw", a.room_id, &b);
	sqlf("UPDATE characters SET hp = 14, hp_at = now() + interval '1 hour',"
	    " xp = 30 WHERE id = %lld", (long long)a.id);
	run_gmcp_want = CMD_GMCP_VITALS | CMD_GMCP_STATUS;
	run(w.s, a.id, "score", "", &r);
	ck_assert_ptr_nonnull(strstr(r.out, "HP: 14/20\n"));
	v = screen_gmcp(&r, "Char.Vitals", &all);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(screen_dump(v),
	    "{\"hp\":14,\"maxhp\":20,\"string\":\"H:14/20\"}");
	json_decref(all);
	st = screen_gmcp(&r, "Char.Status", &all);
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(screen_dump(st), fmt("{\"name\":\"%s\","
	    "\"level\":1,\"xp\":30,\"xpnext\":100,\"coins\":100,"
	    "\"role\":\"player\"}", a.name));
	ck_assert_ptr_nonnull(strstr(r.out, "XP: 30 (next level at 100)\n"));
	ck_assert_int_eq(screen_count(&r, "Room.Info"), 0);
	ck_assert_int_eq(screen_count(&r, "Char.Items.List"), 0);
	json_decref(all);
	/* After a write, the row after it: coins given. */
	run(w.s, a.id, "give", fmt("10 coins to %s", b.name), &r);
	st = screen_gmcp(&r, "Char.Status", &all);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "coins")), 90);
	json_decref(all);
	/* Only the packages wanted. */
	run_gmcp_want = CMD_GMCP_VITALS;
	run(w.s, a.id, "score", "", &r);
	ck_assert_int_eq(screen_count(&r, "Char.Vitals"), 1);
	ck_assert_int_eq(screen_count(&r, "Char.Status"), 0);
	run_gmcp_want = 0;
	world_close(&w);
}
END_TEST

/* The items of a Char.Items.List of location in r, as compact JSON. */
static const char *
screen_items(const struct run *r, const char *location)
{
	static char	out[4096];
	json_t		*all = r->gmcp[0] != '\0' ? json_loads(r->gmcp, 0,
			    NULL) : NULL, *m;
	size_t		 i;

	snprintf(out, sizeof out, "(none)");
	json_array_foreach(all, i, m) {
		json_t	*b = json_array_get(m, 1);
		char	*d;

		if (strcmp(json_string_value(json_array_get(m, 0)),
		    "Char.Items.List") != 0 || strcmp(json_string_value(
		    json_object_get(b, "location")), location) != 0)
			continue;
		d = json_dumps(json_object_get(b, "items"), JSON_COMPACT);
		snprintf(out, sizeof out, "%s", d);
		free(d);
	}
	json_decref(all);
	return out;
}

START_TEST(test_screen_items)
{
	struct world		w;
	struct store_char	a;
	struct run		r;
	int32_t			here;
	int64_t			bag, helm, sword;
	static const struct cmd_entry state = { .name = "gmcp",
				    .handler = cmd_gmcp_state,
				    .flags = CMD_READ, .usage = "gmcp" };

	world_open(&w);
	combat_fixtures();
	test_sql("INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, weight, capacity) VALUES ('scr_bag',"
	    " 'a screen bag', 'screen bag', 'A bag lies here.', 'A bag.',"
	    " 'container', 1, 10) ON CONFLICT DO NOTHING");
	here = new_area_room(w.s, "scrarea", "Screen Store", "Shelves.");
	new_char(&w, "Si", here, &a);
	bag = sqlv("INSERT INTO items (proto_id, room_id) VALUES ('scr_bag',"
	    " %d) RETURNING id", here);
	helm = item_on("cmb_helm", a.id, "head");
	sword = item_on("cmb_sword", a.id, "wield");
	run_gmcp_want = CMD_GMCP_ITEMS;
	run(w.s, a.id, "look", "", &r);
	ck_assert_str_eq(screen_items(&r, "room"), fmt("[{\"id\":%lld,"
	    "\"name\":\"a screen bag\",\"attrib\":\"ct\"}]", (long long)bag));
	ck_assert_str_eq(screen_items(&r, "inv"), "(none)");
	run(w.s, a.id, "get", "bag", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(screen_items(&r, "inv"), fmt("[{\"id\":%lld,\"name\":"
	    "\"a screen bag\",\"attrib\":\"c\"},{\"id\":%lld,\"name\":"
	    "\"a test helm\",\"attrib\":\"w\"},{\"id\":%lld,\"name\":"
	    "\"a test sword\",\"attrib\":\"l\"}]", (long long)bag,
	    (long long)helm, (long long)sword));
	run(w.s, a.id, "drop", "bag", &r);
	ck_assert_str_eq(screen_items(&r, "inv"), fmt("[{\"id\":%lld,\"name\":"
	    "\"a test helm\",\"attrib\":\"w\"},{\"id\":%lld,\"name\":"
	    "\"a test sword\",\"attrib\":\"l\"}]", (long long)helm,
	    (long long)sword));
	/* score moves nothing: no list. */
	run(w.s, a.id, "score", "", &r);
	ck_assert_str_eq(r.gmcp, "");
	/* gmcp_ready's read: everything the session wants, no text. */
	run_gmcp_want = CMD_GMCP_ALL;
	r = (struct run){ .row = &state, .args = "", .id = a.id };
	snprintf(r.inst, sizeof r.inst, "%s", w.inst);
	r.sid = sqlv("SELECT session_id FROM characters WHERE id = %lld",
	    (long long)a.id);
	(void)run_call(w.s, &r, 3);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, "");
	ck_assert_int_eq(screen_count(&r, "Room.Info"), 1);
	ck_assert_int_eq(screen_count(&r, "Char.Vitals"), 1);
	ck_assert_int_eq(screen_count(&r, "Char.StatusVars"), 1);
	ck_assert_int_eq(screen_count(&r, "Char.Status"), 1);
	ck_assert_int_eq(screen_count(&r, "Char.Items.List"), 2);
	ck_assert_str_eq(screen_items(&r, "room"), fmt("[{\"id\":%lld,"
	    "\"name\":\"a screen bag\",\"attrib\":\"ct\"}]", (long long)bag));
	run_gmcp_want = 0;
	world_close(&w);
}
END_TEST

/* The screen suite: these cases and the end-to-end ones. */
Suite *
screen_suite(void)
{
	Suite	*s = suite_create("screen");
	TCase	*tc = tcase_create("screen");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_screen_prompt);
	tcase_add_test(tc, test_screen_color);
	tcase_add_test(tc, test_screen_room_info);
	tcase_add_test(tc, test_screen_char);
	tcase_add_test(tc, test_screen_items);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, screen_e2e_tcase());
	return s;
}
