/*
 * test_mod_e2e.c — the moderation tools against real keepd processes over
 * telnet: a kick, a wall and users across two keepd sharing the database;
 * an address ban kicking an online session and refusing the next
 * connection; name and new-character bans and the wizlock at the login
 * dialog, recorded in the login history; a player typing a staff command
 * answered like an unknown one.
 *
 * Clients that act as other addresses bind to 127.0.x.y (loopback
 * accepts any); each test clears the bans of its addresses first.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "keep_test.h"

#define PASSWORD	"correct horse"
#define WAIT_MS		10000
#define GA		"\xff\xf9"
#define HUH		"Huh?"

/* Connect from addr (NULL: 127.0.0.1) and create a character prefix.... */
static void
player_from(struct client *c, int port, const char *addr, char name[17],
    const char *prefix)
{
	test_name(name, prefix);
	ck_assert_msg(client_try_connect_from(c, port, addr),
	    "cannot connect from %s", addr != NULL ? addr : "127.0.0.1");
	client_create(c, name, PASSWORD);
	client_quiet(c, 200);
}

/* Make name's role (through SQL, as the CLI would). */
static void
make_role(const char *name, const char *role)
{
	sqlf("UPDATE characters SET role = '%s' WHERE name = '%s'", role,
	    name);
}

/* Stop a keepd and check it exited cleanly. */
static void
stop(struct keepd *k)
{
	int	status = keepd_stop(k, SIGTERM);

	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* kick, wall and users reach a session on another keepd. */
START_TEST(test_mod_e2e_cluster)
{
	struct keepd	k1, k2;
	struct client	adm, p, q;
	char		an[17], pn[17], qn[17], got[8192];

	keepd_start(&k1, NULL);
	keepd_start(&k2, NULL);
	player_from(&adm, k1.port, NULL, an, "Eka");
	make_role(an, "admin");
	player_from(&p, k2.port, NULL, pn, "Ekp");
	player_from(&q, k2.port, NULL, qn, "Ekq");

	/* A player typing a staff command reads what an unknown word gives. */
	client_send_want(&p, "qqqqzz", HUH, WAIT_MS);
	client_send_want(&p, fmt("kick %s", qn), HUH, WAIT_MS);
	client_send_want(&p, "wizlock staff", HUH, WAIT_MS);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM game WHERE lock ="
	    " 'open'"), 1);

	client_send(&adm, "users");
	client_want(&adm, " online on ", WAIT_MS, got, sizeof got);
	ck_assert_msg(strstr(got, pn) != NULL && strstr(got, an) != NULL,
	    "%s", printable(got));
	ck_assert_msg(strstr(got, "127.0.0.1") != NULL, "%s", printable(got));

	client_send(&adm, "wall the game restarts soon");
	client_want(&q, fmt("[announcement] %s: the game restarts soon", an),
	    WAIT_MS, NULL, 0);
	client_want(&adm, fmt("[announcement] %s: the game restarts soon",
	    an), WAIT_MS, NULL, 0);

	client_send_want(&adm, fmt("kick %s spamming", pn),
	    fmt("You kick %s (keepd ", pn), WAIT_MS);
	client_want(&p, fmt("You have been disconnected by %s: spamming", an),
	    WAIT_MS, NULL, 0);
	ck_assert(client_wait_closed(&p, WAIT_MS));
	client_send_want(&adm, fmt("kick %s", pn), fmt("%s is not online.",
	    pn), WAIT_MS);
	client_send_want(&q, "look", PROMPT, WAIT_MS);
	client_close(&p);
	client_close(&q);
	client_close(&adm);
	stop(&k1);
	stop(&k2);
}
END_TEST

/* An address ban kicks the online session and refuses the next login. */
START_TEST(test_mod_e2e_ban_addr)
{
	struct keepd	k;
	struct client	adm, p, again;
	char		an[17], pn[17], got[8192];

	sqlf("UPDATE bans SET lifted_at = now() WHERE addr <<= '127.0.77.0/24'");
	sqlf("DELETE FROM logins WHERE addr <<= '127.0.77.0/24'");
	keepd_start(&k, NULL);
	player_from(&adm, k.port, NULL, an, "Eba");
	make_role(an, "admin");
	player_from(&p, k.port, "127.0.77.5", pn, "Ebp");

	client_send_want(&adm, "ban 127.0.0.0/16 1h x", "That network holds "
	    "your own address.", WAIT_MS);
	client_send_want(&adm, "ban 127.0.77.5 1h flood", "1 session kicked.",
	    WAIT_MS);
	client_want(&p, fmt("You have been banned by %s: flood", an), WAIT_MS,
	    NULL, 0);
	ck_assert(client_wait_closed(&p, WAIT_MS));
	client_close(&p);

	ck_assert(client_try_connect_from(&again, k.port, "127.0.77.5"));
	client_want(&again, "Name: " GA, WAIT_MS, NULL, 0);
	client_send(&again, pn);
	client_want(&again, "Connections from your address are banned: "
	    "flood. It ends ", WAIT_MS, got, sizeof got);
	ck_assert(client_wait_closed(&again, WAIT_MS));
	client_close(&again);
	/* The refusal is in the login history of the network (issue 9). */
	client_send_want(&adm, "last 127.0.77.0/24", fmt("%-15s %-16s banned",
	    "127.0.77.5", pn), WAIT_MS);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM logins WHERE name = '%s'"
	    " AND addr = '127.0.77.5' AND outcome = 'banned'"
	    " AND character_id IS NULL", pn), 1);

	/* Another address of the network is not covered by the /32. */
	ck_assert(client_try_connect_from(&again, k.port, "127.0.77.6"));
	client_login(&again, pn, PASSWORD);
	client_close(&again);

	client_send_want(&adm, "unban 127.0.77.5", "lifted.", WAIT_MS);
	ck_assert(client_try_connect_from(&again, k.port, "127.0.77.5"));
	client_login(&again, pn, PASSWORD);
	client_close(&again);
	client_send_want(&adm, fmt("last %s", pn), "Logins of ", WAIT_MS);
	client_want(&adm, PROMPT, WAIT_MS, got, sizeof got);
	ck_assert_int_eq(str_count(got, " ok"), 3);
	client_close(&adm);
	stop(&k);
}
END_TEST

/* A name ban, a new-character ban and the wizlock at the login dialog. */
START_TEST(test_mod_e2e_login_refusals)
{
	struct keepd	k;
	struct client	adm, p, c;
	char		an[17], pn[17], nn[17];

	sqlf("UPDATE bans SET lifted_at = now() WHERE addr <<= '127.0.78.0/24'");
	keepd_start(&k, NULL);
	player_from(&adm, k.port, NULL, an, "Ela");
	make_role(an, "admin");
	player_from(&p, k.port, "127.0.78.5", pn, "Elp");

	/* Name ban: answered after the right password, then Name: again. */
	client_send_want(&adm, fmt("ban %s perm cheating", pn),
	    "1 session kicked.", WAIT_MS);
	ck_assert(client_wait_closed(&p, WAIT_MS));
	client_close(&p);
	ck_assert(client_try_connect_from(&c, k.port, "127.0.78.5"));
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send_want(&c, pn, "Password: " GA, WAIT_MS);
	client_send(&c, PASSWORD);
	client_want(&c, "This name is banned: cheating. It is permanent.\r\n"
	    "Name: " GA, WAIT_MS, NULL, 0);
	client_close(&c);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM logins WHERE name = '%s'"
	    " AND outcome = 'banned'", pn), 1);
	client_send(&adm, fmt("last %s", pn));
	client_want(&adm, " banned", WAIT_MS, NULL, 0);
	client_send_want(&adm, fmt("unban %s", pn), "lifted.", WAIT_MS);

	/* New-character ban: creation refused, a login still works. */
	client_send_want(&adm, "ban 127.0.78.0/24 new 1h bot sign-ups",
	    "new characters only", WAIT_MS);
	test_name(nn, "Eln");
	ck_assert(client_try_connect_from(&c, k.port, "127.0.78.9"));
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send(&c, nn);
	client_want(&c, "New characters can't be created from your address: "
	    "bot sign-ups. It ends ", WAIT_MS, NULL, 0);
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send_want(&c, pn, "Password: " GA, WAIT_MS);
	client_send_want(&c, PASSWORD, PROMPT, WAIT_MS);
	client_close(&c);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM logins WHERE name = '%s'"
	    " AND addr = '127.0.78.9' AND outcome = 'banned'", nn), 1);
	client_send_want(&adm, "unban 127.0.78.0/24", "lifted.", WAIT_MS);

	/* wizlock new: no creation; staff: players refused, staff not. */
	client_send_want(&adm, "wizlock new", "The game is closed to new "
	    "characters.", WAIT_MS);
	client_connect(&c, k.port);
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send_want(&c, nn, "The game is closed to new characters for "
	    "now.\r\nName: " GA, WAIT_MS);
	client_close(&c);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM logins WHERE name = '%s'"
	    " AND outcome = 'locked'", nn), 1);
	client_send_want(&adm, "wizlock staff", "Only staff can log in.",
	    WAIT_MS);
	client_connect(&c, k.port);
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send_want(&c, pn, "Password: " GA, WAIT_MS);
	client_send_want(&c, PASSWORD, "Only staff can log in for now.\r\n"
	    "Name: " GA, WAIT_MS);
	client_send_want(&c, an, "Password: " GA, WAIT_MS);
	client_send_want(&c, PASSWORD, PROMPT, WAIT_MS);
	client_send_want(&c, "wizlock open", "The game is open.", WAIT_MS);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM logins WHERE name = '%s'"
	    " AND outcome = 'locked'", pn), 1);
	client_close(&c);
	client_close(&adm);
	stop(&k);
}
END_TEST

/* A frozen player's commands are refused with a clear message. */
START_TEST(test_mod_e2e_freeze)
{
	struct keepd	k;
	struct client	adm, p;
	char		an[17], pn[17];

	keepd_start(&k, NULL);
	player_from(&adm, k.port, NULL, an, "Efa");
	make_role(an, "admin");
	player_from(&p, k.port, NULL, pn, "Efp");
	client_send_want(&adm, fmt("freeze %s 1h griefing", pn),
	    fmt("%s is frozen for 1h (until ", pn), WAIT_MS);
	client_want(&p, "You are frozen: griefing (until ", WAIT_MS, NULL, 0);
	client_send_want(&p, "north", "You are frozen and can't do that "
	    "(until ", WAIT_MS);
	client_send_want(&adm, fmt("unfreeze %s", pn), "is no longer frozen.",
	    WAIT_MS);
	client_want(&p, "You can move again.", WAIT_MS, NULL, 0);
	client_send_want(&p, "score", "Coins: ", WAIT_MS);
	client_close(&p);
	client_close(&adm);
	stop(&k);
}
END_TEST

/* Add the mod suite's end-to-end tests. */
/* The idle time of name in a users listing (seconds; -1 if not listed). */
static long
users_idle(const char *got, const char *name)
{
	char		 line[24], unit = 's';
	const char	*p;
	long		 n;

	snprintf(line, sizeof line, "\n%s ", name);
	if ((p = strstr(got, "Idle")) == NULL || (p = strstr(p, line)) == NULL)
		return -1;
	/* Name, role, address, then the idle time. */
	if (sscanf(p, " %*s %*s %*s %ld%c", &n, &unit) != 2)
		return -1;
	switch (unit) {
	case 'm':
		return n * 60;
	case 'h':
		return n * 3600;
	case 'd':
		return n * 86400;
	default:
		return n;
	}
}

/*
 * users shows idle time: one player idles while the admin types; within a
 * heartbeat period (10 s) the admin's idle time is below the player's.
 * The heartbeat's write fires no audit entry.
 */
START_TEST(test_mod_e2e_users_idle)
{
	struct keepd	k;
	struct client	adm, p;
	char		an[17], pn[17], got[8192];
	long		ia = -1, ip = -1;

	keepd_start(&k, NULL);
	player_from(&adm, k.port, NULL, an, "Eia");
	make_role(an, "admin");
	player_from(&p, k.port, NULL, pn, "Eip");
	sleep(2);
	for (int i = 0; i < 25; i++) {
		client_send(&adm, "users");
		client_want(&adm, " online on ", WAIT_MS, got, sizeof got);
		ck_assert_msg(strstr(got, "Idle") != NULL, "%s", printable(got));
		ia = users_idle(got, an);
		ip = users_idle(got, pn);
		ck_assert_msg(ia >= 0 && ip >= 0, "%s", printable(got));
		if (ia < ip)
			break;
		sleep(1);
	}
	ck_assert_msg(ia < ip, "admin idle %ld, player idle %ld: %s", ia, ip,
	    printable(got));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE name ="
	    " '%s' AND last_input_at IS NOT NULL", pn), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_log WHERE command"
	    " LIKE '%%last_input_at%%'"), 0);
	client_close(&p);
	client_close(&adm);
	stop(&k);
}
END_TEST

void
mod_e2e_tests(Suite *s)
{
	TCase	*tc = tcase_create("e2e");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_mod_e2e_cluster);
	tcase_add_test(tc, test_mod_e2e_ban_addr);
	tcase_add_test(tc, test_mod_e2e_login_refusals);
	tcase_add_test(tc, test_mod_e2e_freeze);
	tcase_add_test(tc, test_mod_e2e_users_idle);
	suite_add_tcase(s, tc);
}
