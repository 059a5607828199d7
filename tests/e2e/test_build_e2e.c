/*
 * test_build_e2e.c — the building commands over telnet: a room dug on one
 * keepd is walked into from another at once (the world is the database,
 * there is no save step), goto is seen by the rooms, and a player trying
 * the commands reads Huh? and changes nothing.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "db_test.h"
#include "keep_test.h"

#define PASSWORD	"correct horse"
#define WAIT_MS		5000
#define HUH		"Huh? (type 'help' for the commands)\r\n"

/* Put name in room (as psql would) and wait until its look shows it. */
static void
place(struct client *c, const char *name, int32_t room, const char *title)
{
	sqlf("UPDATE characters SET room_id = %d WHERE name = '%s'", room,
	    name);
	client_send_want(c, "look", title, WAIT_MS);
	client_want(c, PROMPT, WAIT_MS, NULL, 0);
}

/*
 * A builder on one keepd digs a room and retitles it; a player on a
 * second keepd sharing the database walks into it at once, and sees the
 * new title on the next look.
 */
START_TEST(test_build_two_keepd)
{
	struct keepd	k1, k2;
	struct client	b, p;
	char		bn[17], pn[17], area[16], out[8192];
	int32_t		room;
	int		status;

	snprintf(area, sizeof area, "bldee%c%c%c%c", 'a' + rand31() % 26,
	    'a' + rand31() % 26, 'a' + rand31() % 26, 'a' + rand31() % 26);
	room = sql_room(area, "Builders Yard", "Planks everywhere.");
	keepd_start(&k1, NULL);
	keepd_start(&k2, NULL);
	client_player(&b, k1.port, bn, "builder", PASSWORD);
	client_player(&p, k2.port, pn, "walker", PASSWORD);
	sqlf("UPDATE characters SET role = 'builder' WHERE name = '%s'", bn);
	place(&b, bn, room, "Builders Yard");
	place(&p, pn, room, "Builders Yard");
	client_send_want(&b, "dig east A Fresh Hall", "You dig east to room ",
	    WAIT_MS);
	client_want(&b, PROMPT, WAIT_MS, NULL, 0);
	ck_assert(client_cmd(&p, "east", out, sizeof out));
	ck_assert_msg(strstr(out, "A Fresh Hall\r\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "You are in an unfinished room.") != NULL,
	    "%s", out);
	client_want(&b, fmt("%s leaves east.", pn), WAIT_MS, NULL, 0);
	client_send_want(&b, "east", "A Fresh Hall", WAIT_MS);
	client_want(&b, PROMPT, WAIT_MS, NULL, 0);
	client_send_want(&b, "redit title The Finished Hall",
	    "title: 'A Fresh Hall' -> 'The Finished Hall'.", WAIT_MS);
	client_send_want(&b, "desc+ Sawdust drifts.", "characters.", WAIT_MS);
	client_quiet(&p, 200);
	ck_assert(client_cmd(&p, "look", out, sizeof out));
	ck_assert_msg(strstr(out, "The Finished Hall\r\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "Sawdust drifts.") != NULL, "%s", out);
	/* goto is seen: vanishing here, appearing there. */
	client_send_want(&b, fmt("goto %d", room), "Builders Yard", WAIT_MS);
	client_want(&p, fmt("%s vanishes.", bn), WAIT_MS, NULL, 0);
	client_close(&b);
	client_close(&p);
	status = keepd_stop(&k1, SIGTERM);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	status = keepd_stop(&k2, SIGTERM);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* A player typing each building command reads Huh?; nothing changes. */
START_TEST(test_build_player_e2e)
{
	static const char	*lines[] = { "goto 1000", "stat", "dig up Loft",
	    "link up 1000", "unlink north", "redit title Mine",
	    "redit delete evacuate", "desc+ Mine.", "find problems" };
	struct keepd		 k;
	struct client		 p;
	char			 pn[17], area[16], out[8192];
	int32_t			 room;
	long long		 rooms, exits;

	snprintf(area, sizeof area, "bldep%c%c%c%c", 'a' + rand31() % 26,
	    'a' + rand31() % 26, 'a' + rand31() % 26, 'a' + rand31() % 26);
	room = sql_room(area, "Player Yard", "Plain.");
	keepd_start(&k, NULL);
	client_player(&p, k.port, pn, "plain", PASSWORD);
	place(&p, pn, room, "Player Yard");
	rooms = sqlv("SELECT count(*) FROM rooms");
	exits = sqlv("SELECT count(*) FROM exits");
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		ck_assert(client_cmd(&p, lines[i], out, sizeof out));
		ck_assert_msg(strstr(out, HUH) != NULL, "%s: %s", lines[i],
		    out);
	}
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms"), rooms);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM exits"), exits);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d AND"
	    " title = 'Player Yard' AND description = 'Plain.'", room), 1);
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE name ="
	    " '%s'", pn), room);
	client_close(&p);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The build suite: the database tier, then over telnet. */
Suite *
build_suite(void)
{
	Suite	*s = suite_create("build");
	TCase	*tc = tcase_create("e2e");

	suite_add_tcase(s, build_db_tcase());
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_build_two_keepd);
	tcase_add_test(tc, test_build_player_e2e);
	suite_add_tcase(s, tc);
	return s;
}
