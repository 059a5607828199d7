/*
 * test_e2e.c — end-to-end tests: keepd driven over TCP as players see it.
 *
 * Each TCase shares one keepd started in the parent (an unchecked fixture);
 * tests that need their own configuration, a second instance, or that stop
 * the server start keepd inside the test.  Characters get fresh names
 * (test_name), so tests never depend on each other.  Everyone starts in the
 * Village Square, so the helpers tolerate unrelated notifications ("X has
 * entered the game.") arriving between replies.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "keep_test.h"

#define PASSWORD	"correct horse"
#define WAIT_MS		5000
#define GA		"\xff\xf9"
#define EOR		"\xff\xef"
#define WILL_ECHO	"\xff\xfb\x01"
#define WONT_ECHO	"\xff\xfc\x01"
#define SQUARE		"The Village Square"
#define MARKET		"Market Street"
#define NORTH_END	"North End of Market Street"
#define BADNAME		"A name is 3 to 16 letters (a-z), nothing else.\r\n"

/* tests/keep-test.json with extra keys (each starting with a comma). */
#define CONFIG(extra)	TEST_CONFIG(extra)

static struct keepd	server;		/* the TCase's keepd */
static char		seen[65536];	/* what came before an expected reply */

/* Unchecked fixture: one keepd for the whole test case. */
static void
server_setup(void)
{
	keepd_start(&server, NULL);
}

/* Unchecked fixture: stop the test case's keepd. */
static void
server_teardown(void)
{
	keepd_stop(&server, SIGTERM);
}

/* Wait for needle on c, or fail showing what came instead; what preceded
 * it is left in before (if not NULL). */
static void
want_before(struct client *c, const char *needle, char *before,
    size_t beforesz)
{
	client_want(c, needle, WAIT_MS, before, beforesz);
}

/* Wait for needle on c, or fail showing what came instead. */
static void
want(struct client *c, const char *needle)
{
	client_want(c, needle, WAIT_MS, NULL, 0);
}

/* Send a line and wait for needle in what comes back. */
static void
send_want(struct client *c, const char *line, const char *needle)
{
	client_send_want(c, line, needle, WAIT_MS);
}

/* Connect to port and create a fresh character; name receives it. */
static void
player(struct client *c, int port, char name[17], const char *prefix)
{
	client_player(c, port, name, prefix, PASSWORD);
}

/* Run score on c and return the coins it shows. */
static long long
coins(struct client *c)
{
	return client_coins(c, WAIT_MS);
}

/*
 * Say a fresh marker on c and leave in out everything c received before
 * the reply: whatever the server sent c earlier has then arrived.
 */
static void
sync_seen(struct client *c, char *out, size_t outsz)
{
	static unsigned	n;
	char		line[64];

	snprintf(line, sizeof line, "say sync %d %u", (int)getpid(), ++n);
	client_send(c, line);
	want_before(c, fmt("You say, '%s'", line + 4), out, outsz);
}

/* Poll a SQL value until it equals target or ms pass; the last value. */
static long long __attribute__((format(printf, 3, 4)))
sqlv_until(long long target, int ms, const char *f, ...)
{
	char		sql[1024];
	va_list		ap;
	long long	v;

	va_start(ap, f);
	vsnprintf(sql, sizeof sql, f, ap);
	va_end(ap);
	for (int waited = 0;; waited += 50) {
		v = test_sql_value(sql);
		if (v == target || waited >= ms)
			return v;
		usleep(50 * 1000);
	}
}

/* Whether name's character has a live session in the database. */
static long long
online(const char *name)
{
	return sqlv("SELECT count(*) FROM characters WHERE name = '%s'"
	    " AND session_instance IS NOT NULL", name);
}

/* Move a character (as psql would) to a room where no other test goes,
 * so that no unrelated notice reaches it; wait until it is seen there. */
static void
isolate(struct client *c, const char *name, int room)
{
	sqlf("UPDATE characters SET room_id = %d WHERE name = '%s'", room,
	    name);
	client_send(c, "look");
	want(c, "Exits: ");
	want(c, PROMPT);
}

/* A copy of name in lower case. */
static const char *
lower(const char *name)
{
	static char	out[4][17];
	static int	slot;
	char		*o = out[slot++ % 4];
	size_t		i;

	for (i = 0; name[i] != '\0' && i < 16; i++)
		o[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] + 32 : name[i]);
	o[i] = '\0';
	return o;
}

/* A copy of name in upper case. */
static const char *
upper(const char *name)
{
	static char	out[4][17];
	static int	slot;
	char		*o = out[slot++ % 4];
	size_t		i;

	for (i = 0; name[i] != '\0' && i < 16; i++)
		o[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ?
		    name[i] - 32 : name[i]);
	o[i] = '\0';
	return o;
}

/* Log in on a fresh connection, checking the exact dialog. */
static void
login_exact(struct client *c, int port, const char *typed, const char *name)
{
	client_connect(c, port);
	want(c, "Name: " GA);
	send_want(c, typed, WILL_ECHO "Password: " GA);
	send_want(c, PASSWORD, fmt(WONT_ECHO "\r\n\r\nWelcome back, %s.\r\n"
	    "\r\n", name));
}

/* ---------------------------------------------------------------------
 * The login dialog.
 */

/* A new character: the whole dialog byte for byte, then the database. */
START_TEST(test_create)
{
	struct client	c;
	char		name[17];

	test_name(name, "make");
	client_connect(&c, server.port);
	want(&c, "\r\nWelcome to Keep, where nothing is ever lost.\r\n\r\n"
	    "Name: " GA);
	ck_assert_int_eq(c.len, 0);
	send_want(&c, lower(name), fmt("Create a new character named %s? "
	    "(yes/no) " GA, name));
	send_want(&c, "yes", WILL_ECHO "Choose a password: " GA);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " lower(name) = lower('%s')", name), 0);
	send_want(&c, PASSWORD, WONT_ECHO "\r\n" WILL_ECHO
	    "Repeat the password: " GA);
	send_want(&c, PASSWORD, fmt(WONT_ECHO "\r\n\r\nWelcome, %s.\r\n\r\n"
	    SQUARE "\r\n", name));
	want_before(&c, PROMPT, seen, sizeof seen);
	ck_assert_msg(strstr(seen, "Exits: north, east, south, west\r\n") !=
	    NULL, "look after creation: \"%s\"", printable(seen));
	ck_assert_int_eq(c.len, 0);

	/* Stored capitalised, in the start room, with the defaults, online. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE name ="
	    " '%s' AND room_id = 1000 AND coins = 100 AND hp = 20 AND"
	    " role = 'player' AND password_hash <> '%s'", name, PASSWORD), 1);
	ck_assert_int_eq(online(name), 1);
	client_send(&c, "score");
	want_before(&c, PROMPT, seen, sizeof seen);
	ck_assert_msg(strstr(seen, fmt("You are %s, a player.\r\nHP: 20/20\r\n"
	    "Coins: 100\r\n", name)) != NULL, "score: \"%s\"", printable(seen));
	client_close(&c);
}
END_TEST

/* quit (in full) ends the session; logging in again finds the character
 * where it was left. */
START_TEST(test_relogin_after_quit)
{
	struct client	c;
	char		name[17];

	player(&c, server.port, name, "back");
	send_want(&c, "north", MARKET "\r\n");
	send_want(&c, "q", "To quit, type the whole word.\r\n" HPROMPT);
	send_want(&c, "quit", "Goodbye. Your character is saved.\r\n");
	ck_assert_msg(client_wait_closed(&c, WAIT_MS), "quit did not close");
	client_close(&c);
	ck_assert_int_eq(online(name), 0);

	/* Any case finds the character; it is still in Market Street. */
	login_exact(&c, server.port, upper(name), name);
	want(&c, MARKET "\r\n");
	want(&c, PROMPT);
	ck_assert_int_eq(online(name), 1);
	client_close(&c);
	ck_assert_int_eq(sqlv_until(0, WAIT_MS, "SELECT count(*) FROM"
	    " characters WHERE name = '%s' AND session_instance IS NOT NULL",
	    name), 0);
	login_exact(&c, server.port, lower(name), name);
	want(&c, MARKET "\r\n");
	client_close(&c);
}
END_TEST

/* A wrong password asks for the name again; the right one then works. */
START_TEST(test_wrong_password)
{
	struct client	c;
	char		name[17];

	player(&c, server.port, name, "wrong");
	client_close(&c);
	client_connect(&c, server.port);
	want(&c, "Name: " GA);
	send_want(&c, name, WILL_ECHO "Password: " GA);
	send_want(&c, "not the password", WONT_ECHO "\r\nWrong password.\r\n"
	    "Name: " GA);
	send_want(&c, name, WILL_ECHO "Password: " GA);
	send_want(&c, PASSWORD, fmt("Welcome back, %s.", name));
	want(&c, PROMPT);
	ck_assert_int_eq(coins(&c), 100);
	client_close(&c);
}
END_TEST

/* Three wrong passwords on one connection close it; the account is not
 * harmed and the right password still works on a new connection. */
START_TEST(test_three_failures)
{
	struct client	c;
	char		name[17];

	player(&c, server.port, name, "three");
	send_want(&c, "quit", "Goodbye.");
	client_close(&c);
	client_connect(&c, server.port);
	want(&c, "Name: " GA);
	for (int i = 0; i < 2; i++) {
		send_want(&c, name, WILL_ECHO "Password: " GA);
		send_want(&c, "guess-guess", WONT_ECHO "\r\nWrong password."
		    "\r\nName: " GA);
	}
	send_want(&c, name, WILL_ECHO "Password: " GA);
	send_want(&c, "guess-guess", WONT_ECHO "\r\nWrong password.\r\n"
	    "Too many failed attempts. Goodbye.\r\n");
	ck_assert_msg(client_wait_closed(&c, WAIT_MS),
	    "still open after three failures");
	client_close(&c);
	ck_assert_int_eq(online(name), 0);
	login_exact(&c, server.port, name, name);
	want(&c, PROMPT);
	client_close(&c);
}
END_TEST

/* Names: 3 to 16 ASCII letters, unique regardless of case. */
START_TEST(test_name_rules)
{
	static const char *bad[] = {
		"ab", "abcdefghijklmnopq", "abc1", "bob smith", "Zo\xc3\xab",
		"o'neil", "anna-lena", "x_y_z",
	};
	struct client	c, d;
	char		name[17];

	client_connect(&c, server.port);
	want(&c, "Name: " GA);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		send_want(&c, bad[i], BADNAME "Name: " GA);
	/* A blank line just asks again. */
	send_want(&c, "", "Name: " GA);
	ck_assert_int_eq(c.len, 0);

	/* 16 letters is fine; "no" and nonsense answers. */
	test_name(name, "rules");
	ck_assert_int_eq(strlen(name), 16);
	send_want(&c, name, fmt("Create a new character named %s? (yes/no) "
	    GA, name));
	send_want(&c, "maybe", fmt("Please answer yes or no.\r\nCreate a new "
	    "character named %s? (yes/no) " GA, name));
	send_want(&c, "no", "Name: " GA);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " lower(name) = lower('%s')", name), 0);

	/* Created in lower case, stored capitalised, found in any case. */
	test_name(name, "abc");
	send_want(&c, lower(name), fmt("Create a new character named %s? "
	    "(yes/no) " GA, name));
	send_want(&c, "y", WILL_ECHO "Choose a password: " GA);
	send_want(&c, PASSWORD, "Repeat the password: " GA);
	send_want(&c, PASSWORD, fmt("Welcome, %s.", name));
	want(&c, PROMPT);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE name ="
	    " '%s'", name), 1);
	client_connect(&d, server.port);
	want(&d, "Name: " GA);
	send_want(&d, upper(name), WILL_ECHO "Password: " GA);
	client_close(&d);
	client_close(&c);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " lower(name) = lower('%s')", name), 1);
}
END_TEST

/* Passwords: at least 8 characters, typed twice the same. */
START_TEST(test_password_rules)
{
	struct client	c;
	char		name[17];

	test_name(name, "secret");
	client_connect(&c, server.port);
	want(&c, "Name: " GA);
	send_want(&c, name, "(yes/no) " GA);
	send_want(&c, "yes", WILL_ECHO "Choose a password: " GA);
	send_want(&c, "1234567", WONT_ECHO "\r\nA password needs at least 8 "
	    "characters.\r\n" WILL_ECHO "Choose a password: " GA);
	send_want(&c, "", WONT_ECHO "\r\nA password needs at least 8 "
	    "characters.\r\n" WILL_ECHO "Choose a password: " GA);
	memset(seen, 'p', 200);
	seen[200] = '\0';
	send_want(&c, seen, WONT_ECHO "\r\nA password is at most 128 "
	    "characters.\r\n" WILL_ECHO "Choose a password: " GA);
	send_want(&c, "abcdefgh", WONT_ECHO "\r\n" WILL_ECHO
	    "Repeat the password: " GA);
	send_want(&c, "abcdefgH", WONT_ECHO "\r\nThe passwords do not match."
	    "\r\n" WILL_ECHO "Choose a password: " GA);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE name ="
	    " '%s'", name), 0);
	send_want(&c, "abcdefgh", "Repeat the password: " GA);
	send_want(&c, "abcdefgh", fmt("Welcome, %s.", name));
	want(&c, PROMPT);
	client_close(&c);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE name ="
	    " '%s'", name), 1);

	/* The password that counts is the one typed twice. */
	ck_assert_int_eq(sqlv_until(0, WAIT_MS, "SELECT count(*) FROM"
	    " characters WHERE name = '%s' AND session_instance IS NOT NULL",
	    name), 0);
	client_connect(&c, server.port);
	want(&c, "Name: " GA);
	send_want(&c, name, "Password: " GA);
	send_want(&c, "abcdefgH", "Wrong password.\r\n");
	send_want(&c, name, "Password: " GA);
	memset(seen, 'p', 200);
	seen[200] = '\0';
	send_want(&c, seen, WONT_ECHO "\r\nA password is at most 128 "
	    "characters.\r\nName: " GA);
	send_want(&c, name, "Password: " GA);
	send_want(&c, "abcdefgh", fmt("Welcome back, %s.", name));
	client_close(&c);
}
END_TEST

/* Two connections creating the same name at once: one gets it, the
 * other is told and asked for another name. */
START_TEST(test_name_race)
{
	struct client	c[2];
	char		name[17], got[2][8192];
	int		won = 0, lost = 0;

	test_name(name, "race");
	for (int i = 0; i < 2; i++) {
		client_connect(&c[i], server.port);
		want(&c[i], "Name: " GA);
		send_want(&c[i], i ? lower(name) : name, "(yes/no) " GA);
		send_want(&c[i], "yes", "Choose a password: " GA);
		send_want(&c[i], PASSWORD, "Repeat the password: " GA);
	}
	client_send(&c[0], PASSWORD);
	client_send(&c[1], PASSWORD);
	for (int i = 0; i < 2; i++) {
		want_before(&c[i], GA, got[i], sizeof got[i]);
		if (strstr(got[i], fmt("Welcome, %s.", name)) != NULL)
			won++;
		else if (strstr(got[i], "Someone has just taken that name; "
		    "please choose another.\r\nName: ") != NULL)
			lost++;
	}
	ck_assert_msg(won == 1 && lost == 1, "won %d lost %d: \"%s\" / \"%s\"",
	    won, lost, printable(got[0]), printable(got[1]));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " lower(name) = lower('%s')", name), 1);
	client_close(&c[0]);
	client_close(&c[1]);
}
END_TEST

/* ---------------------------------------------------------------------
 * Playing.
 */

/* Walking shows the new room's title; the database follows. */
START_TEST(test_move)
{
	struct client	c;
	char		name[17];

	player(&c, server.port, name, "walk");
	send_want(&c, "north", MARKET "\r\n");
	want(&c, PROMPT);
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE name ="
	    " '%s'", name), 1001);
	send_want(&c, "n", NORTH_END "\r\n");
	send_want(&c, "s", MARKET "\r\n");
	send_want(&c, "south", SQUARE "\r\n");
	want(&c, PROMPT);
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE name ="
	    " '%s'", name), 1000);
	send_want(&c, "l", SQUARE "\r\n");
	client_close(&c);
}
END_TEST

/* Walking into a wall changes nothing. */
START_TEST(test_wall)
{
	struct client	c;
	char		name[17];

	player(&c, server.port, name, "wall");
	send_want(&c, "up", "You can't go that way.\r\n" HPROMPT);
	send_want(&c, "d", "You can't go that way.\r\n" HPROMPT);
	send_want(&c, "look", SQUARE "\r\n");
	send_want(&c, "n", MARKET "\r\n");
	send_want(&c, "n", NORTH_END "\r\n");
	send_want(&c, "north", "You can't go that way.\r\n" HPROMPT);
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE name ="
	    " '%s'", name), 1002);
	client_close(&c);
}
END_TEST

/* say: heard in the room, not next door. */
START_TEST(test_say)
{
	struct client	a, b, c;
	char		an[17], bn[17], cn[17], tok[17];

	player(&c, server.port, cn, "far");
	send_want(&c, "north", MARKET "\r\n");
	want(&c, PROMPT);
	player(&a, server.port, an, "talk");
	player(&b, server.port, bn, "hear");
	test_name(tok, "tok");

	send_want(&a, fmt("say hello %s", tok), fmt("You say, 'hello %s'\r\n"
	    HPROMPT, tok));
	want(&b, fmt("%s says, 'hello %s'\r\n" HPROMPT, an, tok));
	send_want(&b, fmt("'back at you %s", tok), fmt("You say, 'back at you"
	    " %s'", tok));
	want(&a, fmt("%s says, 'back at you %s'", bn, tok));
	/* UTF-8 passes through untouched. */
	send_want(&a, fmt("say gr\xc3\xbc\xc3\x9f dich %s \xe2\x9c\x93", tok),
	    fmt("You say, 'gr\xc3\xbc\xc3\x9f dich %s \xe2\x9c\x93'", tok));
	want(&b, fmt("%s says, 'gr\xc3\xbc\xc3\x9f dich %s \xe2\x9c\x93'", an,
	    tok));
	send_want(&a, "say", "Usage: say <text>\r\n" HPROMPT);

	/* By now c would have had it: nothing said reached Market Street. */
	sync_seen(&c, seen, sizeof seen);
	ck_assert_msg(strstr(seen, tok) == NULL, "heard next door: \"%s\"",
	    printable(seen));
	client_close(&a);
	client_close(&b);
	client_close(&c);
}
END_TEST

/* Entering, leaving, arriving and departing are told to the room. */
START_TEST(test_arrivals)
{
	struct client	o, p, m;
	char		on[17], pn[17], mn[17];

	player(&p, server.port, pn, "north");
	send_want(&p, "north", MARKET "\r\n");
	want(&p, PROMPT);
	player(&o, server.port, on, "watch");
	player(&m, server.port, mn, "mover");
	/* The notice gets its own line and the prompt again. */
	want(&o, fmt("\r\n%s has entered the game.\r\n" HPROMPT, mn));

	send_want(&m, "north", MARKET "\r\n");
	want(&o, fmt("%s leaves north.\r\n" HPROMPT, mn));
	want(&p, fmt("%s arrives from the south.\r\n" HPROMPT, mn));
	/* look in Market Street shows the other player. */
	send_want(&m, "look", fmt("%s is here.\r\n", pn));
	send_want(&m, "south", SQUARE "\r\n");
	want(&p, fmt("%s leaves south.\r\n", mn));
	want(&o, fmt("%s arrives from the north.\r\n", mn));
	send_want(&m, "quit", "Goodbye.");
	want(&o, fmt("%s has left the game.\r\n" HPROMPT, mn));
	client_close(&m);

	/* Dropping the connection is leaving too. */
	login_exact(&m, server.port, mn, mn);
	want(&o, fmt("%s has entered the game.\r\n", mn));
	client_close(&m);
	want(&o, fmt("%s has left the game.\r\n", mn));
	ck_assert_int_eq(online(mn), 0);

	/* p, next door, heard none of the square's comings and goings. */
	sync_seen(&p, seen, sizeof seen);
	ck_assert_msg(strstr(seen, fmt("%s has", mn)) == NULL, "Market Street"
	    " heard: \"%s\"", printable(seen));
	client_close(&o);
	client_close(&p);
}
END_TEST

/* give: both sides are told, both balances change, in the database too. */
START_TEST(test_give)
{
	struct client	a, b;
	char		an[17], bn[17];

	player(&a, server.port, an, "giver");
	player(&b, server.port, bn, "taker");
	send_want(&a, fmt("give 7 coins to %s", bn), fmt("You give 7 coins to "
	    "%s.\r\n" HPROMPT, bn));
	want(&b, fmt("\r\n%s gives you 7 coins.\r\n" HPROMPT, an));
	send_want(&a, fmt("give 1 coin to %s", lower(bn)), fmt("You give 1 "
	    "coin to %s.\r\n", bn));
	want(&b, fmt("%s gives you 1 coin.\r\n", an));
	send_want(&b, fmt("give 1 coins to %s", an), fmt("You give 1 coin to "
	    "%s.\r\n", an));
	want(&a, fmt("%s gives you 1 coin.\r\n", bn));
	ck_assert_int_eq(coins(&a), 93);
	ck_assert_int_eq(coins(&b), 107);
	ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE name ="
	    " '%s'", an), 93);
	ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE name ="
	    " '%s'", bn), 107);
	/* Everything: 0 left is fine, and then there is nothing to give. */
	send_want(&a, fmt("give 93 coins to %s", bn), "You give 93 coins");
	ck_assert_int_eq(coins(&a), 0);
	send_want(&a, fmt("give 1 coin to %s", bn), "You only have 0 coins."
	    "\r\n" HPROMPT);
	ck_assert_int_eq(coins(&b), 200);
	client_close(&a);
	client_close(&b);
}
END_TEST

/* give refusals: each has its answer, and no coin moves. */
START_TEST(test_give_refusals)
{
	struct client	a, b, c, d;
	char		an[17], bn[17], cn[17], dn[17], ghost[17];

	player(&a, server.port, an, "refuse");
	player(&b, server.port, bn, "near");
	player(&c, server.port, cn, "away");
	send_want(&c, "north", MARKET "\r\n");
	player(&d, server.port, dn, "gone");
	send_want(&d, "quit", "Goodbye.");
	client_close(&d);
	test_name(ghost, "ghost");

	send_want(&a, fmt("give 101 coins to %s", bn), "You only have 100 "
	    "coins.\r\n" HPROMPT);
	send_want(&a, fmt("give 0 coins to %s", bn), "You can only give a "
	    "positive number of coins.\r\n" HPROMPT);
	send_want(&a, fmt("give -5 coins to %s", bn), "You can only give a "
	    "positive number of coins.\r\n" HPROMPT);
	send_want(&a, fmt("give 99999999999999 coins to %s", bn), "That is "
	    "more coins than there are in the world.\r\n" HPROMPT);
	send_want(&a, fmt("give 99999999999999999999999 coins to %s", bn),
	    "That is more coins than there are in the world.\r\n" HPROMPT);
	send_want(&a, fmt("give lots coins to %s", bn), "Usage: give <amount> "
	    "coins to <name>\r\n" HPROMPT);
	send_want(&a, fmt("give 5 gold to %s", bn), "Usage: give <amount> "
	    "coins to <name>\r\n" HPROMPT);
	send_want(&a, fmt("give 5 coins to %s now", bn), "Usage: give "
	    "<amount> coins to <name>\r\n" HPROMPT);
	send_want(&a, "give", "Usage: give <what> to <name>\r\n" HPROMPT);
	send_want(&a, fmt("give 5 coins to %s", an), "You can't give coins "
	    "to yourself.\r\n" HPROMPT);
	send_want(&a, fmt("give 5 coins to %s", ghost), fmt("There is no one "
	    "called %s here.\r\n" HPROMPT, ghost));
	send_want(&a, fmt("give 5 coins to %s", cn), fmt("There is no one "
	    "called %s here.\r\n" HPROMPT, cn));
	send_want(&a, fmt("give 5 coins to %s", dn), fmt("There is no one "
	    "called %s here.\r\n" HPROMPT, dn));
	send_want(&a, "give 5 coins to x1", "There is no one by that name "
	    "here.\r\n" HPROMPT);

	ck_assert_int_eq(coins(&a), 100);
	ck_assert_int_eq(coins(&b), 100);
	ck_assert_int_eq(coins(&c), 100);
	ck_assert_int_eq(sqlv("SELECT sum(coins) FROM characters WHERE name"
	    " IN ('%s', '%s', '%s', '%s')", an, bn, cn, dn), 400);
	sync_seen(&b, seen, sizeof seen);
	ck_assert_msg(strstr(seen, "gives you") == NULL, "told of a refused "
	    "gift: \"%s\"", printable(seen));
	client_close(&a);
	client_close(&b);
	client_close(&c);
}
END_TEST

/* who, score and help. */
START_TEST(test_who_score_help)
{
	struct client	a, b;
	char		an[17], bn[17];
	long long	n;

	player(&a, server.port, an, "who");
	player(&b, server.port, bn, "whom");
	client_send(&a, "who");
	want(&a, "Players online: ");
	want_before(&a, PROMPT, seen, sizeof seen);
	/* As many names as the count (fewer than the 200 listed at most). */
	n = strtoll(seen, NULL, 10);
	ck_assert_int_ge(n, 2);
	ck_assert_int_eq(n, str_count(seen, "\r\n  "));
	ck_assert_msg(strstr(seen, fmt("\r\n  %s\r\n", an)) != NULL &&
	    strstr(seen, fmt("\r\n  %s\r\n", bn)) != NULL, "who: \"%s\"",
	    printable(seen));
	send_want(&b, "quit", "Goodbye.");
	client_close(&b);
	ck_assert_int_eq(sqlv_until(0, WAIT_MS, "SELECT count(*) FROM"
	    " characters WHERE name = '%s' AND session_instance IS NOT NULL",
	    bn), 0);
	client_send(&a, "who");
	want(&a, "Players online: ");
	want_before(&a, PROMPT, seen, sizeof seen);
	ck_assert_msg(strstr(seen, bn) == NULL, "who after quit: \"%s\"",
	    printable(seen));

	send_want(&a, "sc", fmt("You are %s, a player.\r\nHP: 20/20\r\n"
	    "Coins: 100\r\nLevel: 1\r\nXP: 0 (next level at 100)\r\n"
	    HPROMPT, an));
	client_send(&a, "help");
	want(&a, "Commands:\r\n");
	want_before(&a, PROMPT, seen, sizeof seen);
	ck_assert_msg(strstr(seen, "give <what> to <name>") != NULL &&
	    strstr(seen, "quit") != NULL && strstr(seen, "north") != NULL,
	    "help: \"%s\"", printable(seen));
	send_want(&a, "scroe", "Huh? Did you mean 'score'?\r\n" HPROMPT);
	send_want(&a, "xyzzy", "Huh? (type 'help' for the commands)\r\n"
	    HPROMPT);
	client_close(&a);
}
END_TEST

/* Logging in again takes the character over: the old connection is told
 * and closed, the new one plays on with the character as it was. */
START_TEST(test_takeover)
{
	struct client	old, cur, o;
	char		name[17], on[17];

	player(&o, server.port, on, "watch");
	send_want(&o, "north", MARKET "\r\n");
	player(&old, server.port, name, "twice");
	send_want(&old, "north", MARKET "\r\n");
	want(&old, PROMPT);
	send_want(&old, fmt("give 5 coins to %s", on), "You give 5 coins");
	want(&old, PROMPT);

	login_exact(&cur, server.port, name, name);
	want(&cur, MARKET "\r\n");
	want(&cur, PROMPT);
	want(&old, "\r\nSomeone logged in as you from elsewhere; this "
	    "connection is closed.\r\n");
	ck_assert_msg(client_wait_closed(&old, WAIT_MS),
	    "the old connection stayed open");
	client_close(&old);

	/* The old connection's end did not log the new session out. */
	usleep(300 * 1000);
	ck_assert_int_eq(online(name), 1);
	ck_assert_int_eq(coins(&cur), 95);
	send_want(&cur, "look", fmt("%s is here.", on));
	send_want(&cur, "say still here", "You say, 'still here'");
	want(&o, fmt("%s says, 'still here'", name));
	sync_seen(&o, seen, sizeof seen);
	ck_assert_msg(strstr(seen, fmt("%s has left", name)) == NULL,
	    "a takeover was announced as leaving: \"%s\"", printable(seen));
	client_close(&cur);
	client_close(&o);
}
END_TEST

/* An edit made with psql is what the very next command sees. */
START_TEST(test_psql_edit)
{
	struct client	c;
	char		name[17];
	char		sql[256];

	player(&c, server.port, name, "edit");
	ck_assert_int_eq(coins(&c), 100);
	snprintf(sql, sizeof sql, "UPDATE characters SET coins = 4242, hp = 7"
	    " WHERE name = '%s'", name);
	test_sql(sql);
	ck_assert_int_eq(coins(&c), 4242);
	send_want(&c, "score", "HP: 7/20\r\n");
	snprintf(sql, sizeof sql, "UPDATE characters SET room_id = 1002 WHERE"
	    " name = '%s'", name);
	test_sql(sql);
	send_want(&c, "look", NORTH_END "\r\n");
	send_want(&c, "south", MARKET "\r\n");
	client_close(&c);
}
END_TEST

/* The LISTEN connection comes back after the database drops it. */
START_TEST(test_listen_reconnect)
{
	struct client	a, b;
	char		an[17], bn[17];
	long long	old_pid, new_pid = 0;
	bool		heard = false;

	player(&a, server.port, an, "ping");
	player(&b, server.port, bn, "pong");
	send_want(&a, "say before", "You say, 'before'");
	want(&b, fmt("%s says, 'before'", an));

	old_pid = sqlv("SELECT pid FROM pg_stat_activity WHERE"
	    " application_name = 'keepd-listen'");
	ck_assert_int_gt(old_pid, 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM (SELECT"
	    " pg_terminate_backend(pid) FROM pg_stat_activity WHERE"
	    " application_name = 'keepd-listen') t"), 1);
	/* Gone for good, so nothing below can come through the old one. */
	ck_assert_int_eq(sqlv_until(0, WAIT_MS, "SELECT count(*) FROM"
	    " pg_stat_activity WHERE pid = %lld", old_pid), 0);

	for (int i = 0; i < 40 && !heard; i++) {
		send_want(&a, fmt("say ping %d", i), fmt("You say, 'ping %d'",
		    i));
		heard = client_expect(&b, fmt("%s says, 'ping %d'", an, i), 250,
		    NULL, 0);
	}
	ck_assert_msg(heard, "no say heard within 10 s after the LISTEN "
	    "connection was terminated");
	new_pid = sqlv("SELECT pid FROM pg_stat_activity WHERE"
	    " application_name = 'keepd-listen'");
	ck_assert_int_gt(new_pid, 0);
	ck_assert_int_ne(new_pid, old_pid);
	client_close(&a);
	client_close(&b);
}
END_TEST

/* ---------------------------------------------------------------------
 * Bad input and the telnet protocol.
 */

/* A small deterministic generator, so failures can be reproduced. */
static uint32_t
rnd(uint32_t *state)
{
	uint32_t	x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* Read and forget whatever arrives until the line is quiet for ms. */
static void
drain(struct client *c, int ms)
{
	while (client_expect(c, "\xff", ms, NULL, 0) || c->len > 0)
		c->len = 0;
}

/* Fill buf with random bytes: any but line ends and IAC IP/BRK (which
 * rightly end the session), so at most one line per chunk. */
static void
garbage(uint8_t *buf, size_t len, uint32_t *state)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t	c;

		do
			c = (uint8_t)rnd(state);
		while (c == '\r' || c == '\n' || c == 0xf3 || c == 0xf4);
		buf[i] = c;
	}
	/* Plenty of telnet commands, NULs and control bytes. */
	for (size_t i = 0; i + 3 < len; i += 17) {
		static const uint8_t	bits[][3] = {
			{ 0xff, 0xfd, 0x18 }, { 0xff, 0xfb, 0x1f },
			{ 0xff, 0xfa, 0x18 }, { 0xff, 0xf0, 0x00 },
			{ 0xff, 0xff, 0x00 }, { 0x00, 0x07, 0x1b },
			{ 0xff, 0xf6, 0x08 }, { 0xff, 0xfe, 0x01 },
			{ 0xff, 0xf8, 0x7f }, { 0xff, 0xfc, 0xff },
		};

		memcpy(buf + i, bits[rnd(state) % 10], 3);
	}
}

/* Random bytes with stray telnet sequences: the server stays up and the
 * session still answers. */
START_TEST(test_garbage)
{
	struct client	c, d, e;
	char		name[17];
	uint8_t		buf[300];
	uint32_t	state = 0x2545f491u;

	player(&c, server.port, name, "noise");
	client_connect(&d, server.port);
	want(&d, "Name: " GA);
	for (int i = 0; i < 15; i++) {
		garbage(buf, sizeof buf, &state);
		client_send_raw(&c, buf, (size_t)(i % 2 ? 200 : 300));
		client_send_raw(&c, "\r\n", 2);
		client_send_raw(&d, buf, (size_t)(i % 3 ? 100 : 300));
		client_send_raw(&d, "\r\n", 2);
		usleep(30 * 1000);
	}
	/* Leave any half-open subnegotiation and finish the line. */
	for (int i = 0; i < 2; i++) {
		client_send_raw(&c, "\xff\xf0\r\n", 4);
		client_send_raw(&d, "\xff\xf0\r\n", 4);
	}
	usleep(300 * 1000);
	ck_assert_int_eq(kill(server.pid, 0), 0);
	ck_assert_int_eq(coins(&c), 100);
	send_want(&c, "look", SQUARE "\r\n");
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE name ="
	    " '%s'", name), 1000);

	/* The connection in the login dialog still logs in. */
	drain(&d, 300);
	client_send(&d, "");
	test_name(name, "noisy");
	client_create(&d, name, PASSWORD);
	client_close(&d);

	/* And anyone else can still connect. */
	client_connect(&e, server.port);
	want(&e, "Name: " GA);
	client_close(&e);
	client_close(&c);
}
END_TEST

/* Lines over 512 bytes are refused whole; 512 bytes is fine. */
START_TEST(test_long_line)
{
	struct client	a, b;
	char		an[17], bn[17], line[1200];

	player(&a, server.port, an, "long");
	player(&b, server.port, bn, "listen");
	memset(line, 0, sizeof line);
	memcpy(line, "say ", 4);
	memset(line + 4, 'x', 508);
	send_want(&a, line, fmt("You say, '%s'\r\n" HPROMPT, line + 4));
	want(&b, fmt("%s says, '%s'", an, line + 4));
	line[512] = 'y';
	send_want(&a, line, "That line is too long (at most 512 bytes); it "
	    "was ignored.\r\n");
	memset(line + 4, 'z', 1000);
	send_want(&a, line, "That line is too long (at most 512 bytes); it "
	    "was ignored.\r\n");
	ck_assert_int_eq(coins(&a), 100);
	sync_seen(&b, seen, sizeof seen);
	ck_assert_msg(strstr(seen, "xy") == NULL && strstr(seen, "zzz") ==
	    NULL, "an over-long line was said: \"%s\"", printable(seen));
	client_close(&a);
	client_close(&b);
}
END_TEST

/* After refusing a line the server prompts again, like after any reply. */
START_TEST(test_refusal_prompt)
{
	struct client	a;
	char		an[17], line[600];

	player(&a, server.port, an, "again");
	memset(line, 'q', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	send_want(&a, line, "That line is too long (at most 512 bytes); it "
	    "was ignored.\r\n");
	ck_assert_msg(client_expect(&a, PROMPT, 1000, seen, sizeof seen),
	    "no prompt after refusing an over-long line (got \"%s\")",
	    printable(seen));
	send_want(&a, "say \xff\xff", "That line was not valid UTF-8 text; it "
	    "was ignored.\r\n");
	ck_assert_msg(client_expect(&a, PROMPT, 1000, seen, sizeof seen),
	    "no prompt after refusing invalid UTF-8 (got \"%s\")", printable(seen));
	client_close(&a);
}
END_TEST

/* During the login dialog a refused line repeats the dialog's question. */
START_TEST(test_refusal_reprompt_login)
{
	struct client	a;
	char		line[600], name[17];

	memset(line, 'q', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	client_connect(&a, server.port);
	ck_assert(client_expect(&a, "Name: \xff\xf9", 10000, NULL, 0));
	client_send(&a, line);
	ck_assert_msg(client_expect(&a, "it was ignored.\r\nName: \xff\xf9",
	    5000, seen, sizeof seen), "no Name: after an over-long name "
	    "(got \"%s\")", printable(seen));
	test_name(name, "Rep");
	client_send(&a, name);
	ck_assert(client_expect(&a, "(yes/no) \xff\xf9", 10000, NULL, 0));
	client_send(&a, "yes");
	ck_assert(client_expect(&a, "Choose a password: \xff\xf9", 10000,
	    NULL, 0));
	client_send(&a, "\xc3\x28" "bad");
	ck_assert_msg(client_expect(&a, "not valid UTF-8 text; it was ignored."
	    "\r\nChoose a password: \xff\xf9", 5000, seen, sizeof seen),
	    "no password question after invalid UTF-8 (got \"%s\")",
	    printable(seen));
	client_close(&a);
}
END_TEST

/* Invalid UTF-8 is refused whole; valid UTF-8 passes. */
START_TEST(test_invalid_utf8)
{
	static const char *bad[] = {
		"say \xc3\x28", "say \xed\xa0\x80 surrogate",
		"say \xc0\xaf overlong", "say \xe2\x82", "say \xf5\x80\x80\x80",
		"say \xff\xff escaped 255", "say lone \x80",
	};
	struct client	a, b;
	char		an[17], bn[17];

	player(&a, server.port, an, "bytes");
	player(&b, server.port, bn, "listen");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		send_want(&a, bad[i], "That line was not valid UTF-8 text; it "
		    "was ignored.\r\n");
	send_want(&a, "say caf\xc3\xa9 \xf0\x9f\x8d\xb5", "You say, 'caf\xc3\xa9 "
	    "\xf0\x9f\x8d\xb5'");
	want(&b, fmt("%s says, 'caf\xc3\xa9 \xf0\x9f\x8d\xb5'", an));
	sync_seen(&b, seen, sizeof seen);
	ck_assert_msg(strstr(seen, fmt("%s says", an)) == NULL, "invalid text "
	    "was said: \"%s\"", printable(seen));
	ck_assert_int_eq(coins(&a), 100);
	client_close(&a);
	client_close(&b);
}
END_TEST

/* Options the server does not support are refused, once, and the session
 * carries on. */
START_TEST(test_telnet_refuse)
{
	struct client	c;
	char		name[17];

	client_connect(&c, server.port);
	want(&c, "Name: " GA);
	client_send_raw(&c, "\xff\xfd\x18", 3);		/* DO TTYPE */
	want(&c, "\xff\xfc\x18");			/* WONT TTYPE */
	client_send_raw(&c, "\xff\xfb\x22", 3);		/* WILL LINEMODE */
	want(&c, "\xff\xfe\x22");			/* DONT LINEMODE */
	client_send_raw(&c, "\xff\xfb\x27", 3);		/* WILL NEW-ENVIRON */
	want(&c, "\xff\xfe\x27");			/* DONT NEW-ENVIRON */
	client_send_raw(&c, "\xff\xfd\x03", 3);		/* DO SGA */
	want(&c, "\xff\xfc\x03");			/* WONT SGA */
	client_send_raw(&c, "\xff\xfb\xc9", 3);		/* WILL GMCP */
	want(&c, "\xff\xfe\xc9");			/* DONT GMCP */
	client_send_raw(&c, "\xff\xfd\x55", 3);		/* DO MCCP v1 */
	want(&c, "\xff\xfc\x55");			/* WONT MCCP v1 */
	client_send_raw(&c, "\xff\xfd\x57", 3);		/* DO MCCP3 */
	want(&c, "\xff\xfc\x57");			/* WONT MCCP3 */
	ck_assert_int_eq(c.len, 0);
	/* Already off: no answer (RFC 1143), and a subnegotiation for an
	 * option that is off is ignored. */
	client_send_raw(&c, "\xff\xfc\x1f\xff\xfe\x18\xff\xfa\x1f\x00\x50\x00"
	    "\x18\xff\xf0\xff\xf1", 17);
	client_send(&c, "");
	want_before(&c, "Name: " GA, seen, sizeof seen);
	ck_assert_msg(seen[0] == '\0', "answered a refusal: \"%s\"",
	    printable(seen));
	test_name(name, "telnet");
	client_send(&c, "");
	client_create(&c, name, PASSWORD);
	ck_assert_int_eq(coins(&c), 100);
	client_close(&c);
}
END_TEST

/* IAC DO EOR: prompts end with IAC EOR instead of IAC GA, until DONT. */
START_TEST(test_eor)
{
	struct client	c;
	char		name[17];

	test_name(name, "eor");
	client_connect(&c, server.port);
	want(&c, "Name: " GA);
	/* DO EOR answers the offer of the opening burst: no reply. */
	client_send_raw(&c, "\xff\xfd\x19", 3);		/* DO EOR */
	client_send(&c, "");
	want_before(&c, "Name: " EOR, seen, sizeof seen);
	ck_assert_msg(strstr(seen, "\xff\xfb\x19") == NULL, "WILL EOR sent "
	    "twice: \"%s\"", printable(seen));
	client_send(&c, name);
	want(&c, "(yes/no) " EOR);
	send_want(&c, "yes", WILL_ECHO "Choose a password: " EOR);
	send_want(&c, PASSWORD, "Repeat the password: " EOR);
	client_send(&c, PASSWORD);
	want_before(&c, "> " EOR, seen, sizeof seen);
	ck_assert_msg(strstr(seen, fmt("Welcome, %s.", name)) != NULL,
	    "no welcome: \"%s\"", printable(seen));
	client_send(&c, "look");
	want_before(&c, "> " EOR, seen, sizeof seen);
	ck_assert_msg(strstr(seen, GA) == NULL && strstr(seen, SQUARE) != NULL,
	    "look with EOR: \"%s\"", printable(seen));
	client_send(&c, "score");
	want_before(&c, "> " EOR, seen, sizeof seen);
	ck_assert_msg(strstr(seen, GA) == NULL, "GA after EOR: \"%s\"",
	    printable(seen));
	/* A repeated DO changes nothing and is not answered. */
	client_send_raw(&c, "\xff\xfd\x19", 3);
	client_send(&c, "look");
	want_before(&c, "> " EOR, seen, sizeof seen);
	ck_assert_msg(strstr(seen, "\xff\xfb\x19") == NULL,
	    "DO EOR answered twice: \"%s\"", printable(seen));
	/* DONT EOR: back to GA. */
	client_send_raw(&c, "\xff\xfe\x19", 3);		/* DONT EOR */
	want(&c, "\xff\xfc\x19");			/* WONT EOR */
	send_want(&c, "look", PROMPT);
	client_close(&c);
}
END_TEST

/* Every prompt ends with IAC GA: after each kind of reply and after an
 * unasked message, and nothing follows the last prompt. */
START_TEST(test_prompt_ga)
{
	static const char *lines[] = {
		"", "look", "xyzzy", "q", "help", "score", "say hi", "sc",
		"who", "up", "give 1 coin to nobody",
	};
	const size_t	n = sizeof lines / sizeof lines[0];
	struct client	a, b;
	char		an[17], bn[17];
	size_t		prompts = 0;

	player(&a, server.port, an, "prompt");
	player(&b, server.port, bn, "other");
	want(&a, fmt("%s has entered the game.\r\n" HPROMPT, bn));
	isolate(&a, an, 1005);
	isolate(&b, bn, 1005);
	for (size_t i = 0; i < n; i++)
		client_send(&a, lines[i]);
	/* Each line gets exactly one reply ending in the prompt. */
	for (size_t i = 0; i < n; i++) {
		want_before(&a, PROMPT, seen, sizeof seen);
		ck_assert_msg(strstr(seen, GA) == NULL && strstr(seen, EOR) ==
		    NULL, "reply %zu: \"%s\"", i, printable(seen));
		prompts++;
	}
	ck_assert_int_eq(prompts, n);
	ck_assert_msg(!client_expect(&a, GA, 300, seen, sizeof seen),
	    "more prompts than lines: \"%s\"", printable(seen));
	ck_assert_msg(strstr(seen, "> ") == NULL, "a prompt without GA: "
	    "\"%s\"", printable(seen));
	a.len = 0;
	/* Unasked text: own line, then the prompt with GA again. */
	send_want(&b, "say ga", "You say, 'ga'");
	want_before(&a, HPROMPT, seen, sizeof seen);
	ck_assert_str_eq(seen, fmt("\r\n%s says, 'ga'\r\n", bn));
	ck_assert_int_eq(a.len, 0);
	client_close(&a);
	client_close(&b);
}
END_TEST

/* A burst a little over the queue: a warning, and the session survives. */
START_TEST(test_flood_warning)
{
	struct client	c;
	char		name[17], burst[30 * 7 + 1] = "";
	int		prompts = 0;

	player(&c, server.port, name, "burst");
	isolate(&c, name, 1004);
	for (int i = 0; i < 30; i++)
		strcat(burst, "score\r\n");
	client_send_raw(&c, burst, strlen(burst));
	want(&c, "You are sending commands faster than they can run; slow "
	    "down or you will be cut off.\r\n");
	while (client_expect(&c, PROMPT, 1000, NULL, 0))
		prompts++;
	/* One in flight and 20 queued ran; the rest were dropped. */
	ck_assert_int_ge(prompts, 20);
	ck_assert_int_lt(prompts, 30);
	ck_assert_int_eq(coins(&c), 100);
	ck_assert_int_eq(online(name), 1);
	/* The warning is given again for a new burst after the queue drained. */
	client_send_raw(&c, burst, strlen(burst));
	want(&c, "You are sending commands faster");
	while (client_expect(&c, PROMPT, 1000, NULL, 0))
		;
	ck_assert_int_eq(coins(&c), 100);
	client_close(&c);
}
END_TEST

/* A flood that goes on is cut off, and the character logged out. */
START_TEST(test_flood_cutoff)
{
	struct client	c, d;
	char		name[17], burst[200 * 6 + 1] = "";

	player(&c, server.port, name, "flood");
	for (int i = 0; i < 200; i++)
		strcat(burst, "look\r\n");
	client_send_raw(&c, burst, strlen(burst));
	want(&c, "You are sending commands faster than they can run");
	want(&c, "You sent too much too fast. Goodbye.\r\n");
	ck_assert_msg(client_wait_closed(&c, WAIT_MS), "not cut off");
	client_close(&c);
	ck_assert_int_eq(sqlv_until(0, WAIT_MS, "SELECT count(*) FROM"
	    " characters WHERE name = '%s' AND session_instance IS NOT NULL",
	    name), 0);
	login_exact(&d, server.port, name, name);
	want(&d, PROMPT);
	client_close(&d);
}
END_TEST

/* ---------------------------------------------------------------------
 * Limits, shutdown and clusters: each starts its own keepd.
 */

/* Not logged in within login_timeout: told and closed; players are not. */
START_TEST(test_login_timeout)
{
	struct keepd	k;
	struct client	idle, half, p;
	char		name[17], pn[17];
	long long	t0;
	int		status;

	keepd_start(&k, CONFIG(", \"login_timeout\": 5"));
	player(&p, k.port, name, "stay");
	send_want(&p, "quit", "Goodbye.");
	client_close(&p);

	t0 = now_ms();
	client_connect(&idle, k.port);
	client_connect(&half, k.port);
	want(&half, "Name: " GA);
	send_want(&half, name, WILL_ECHO "Password: " GA);
	player(&p, k.port, pn, "quick");

	ck_assert_msg(client_expect(&idle, "\r\nYou took too long to log in. "
	    "Goodbye.\r\n", 8000, seen, sizeof seen), "idle: \"%s\"",
	    printable(seen));
	ck_assert_int_ge(now_ms() - t0, 4500);
	ck_assert(client_wait_closed(&idle, WAIT_MS));
	/* At the password prompt: echo back on before the goodbye. */
	want_before(&half, "You took too long to log in. Goodbye.\r\n", seen,
	    sizeof seen);
	ck_assert_msg(strstr(seen, WONT_ECHO) != NULL, "echo left off: \"%s\"",
	    printable(seen));
	ck_assert(client_wait_closed(&half, WAIT_MS));

	/* The player who logged in in time plays on past the timeout. */
	usleep(500 * 1000);
	ck_assert_int_eq(coins(&p), 100);
	client_close(&idle);
	client_close(&half);
	client_close(&p);
	status = keepd_stop(&k, SIGTERM);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* Connect, retrying while closed sessions are still being freed. */
static bool
connect_greeted(struct client *c, int port, int ms)
{
	for (int waited = 0; waited <= ms; waited += 100) {
		client_connect(c, port);
		if (client_expect(c, "Name: " GA, 1000, NULL, 0))
			return true;
		client_close(c);
		usleep(100 * 1000);
	}
	return false;
}

/* Over max_connections: told the game is full and closed. */
START_TEST(test_max_connections)
{
	struct keepd	k;
	struct client	c[3], extra;
	int		status;

	keepd_start(&k, CONFIG(", \"max_connections\": 3"));
	for (int i = 0; i < 3; i++)
		ck_assert_msg(connect_greeted(&c[i], k.port, 2000),
		    "connection %d of 3 refused", i + 1);
	client_connect(&extra, k.port);
	want_before(&extra, "Keep is full right now; please try again in a "
	    "few minutes.\r\n", seen, sizeof seen);
	ck_assert_msg(seen[0] == '\0', "before the refusal: \"%s\"",
	    printable(seen));
	ck_assert(client_wait_closed(&extra, WAIT_MS));
	client_close(&extra);
	/* The three are unharmed, and a place that frees up is usable. */
	client_send(&c[0], "");
	want(&c[0], "Name: " GA);
	client_close(&c[1]);
	ck_assert_msg(connect_greeted(&extra, k.port, 3000),
	    "a freed place was not reused");
	client_close(&extra);
	client_close(&c[0]);
	client_close(&c[2]);
	status = keepd_stop(&k, SIGTERM);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* SIGTERM: everyone is told, the characters are logged out properly (a
 * player on another instance sees them leave), keepd exits 0. */
START_TEST(test_sigterm)
{
	struct keepd	k, other;
	struct client	a, b, o;
	char		an[17], bn[17], on[17];
	long long	pid;
	int		status;

	keepd_start(&k, NULL);
	keepd_start(&other, NULL);
	player(&o, other.port, on, "stayer");
	player(&a, k.port, an, "term");
	want(&o, fmt("%s has entered the game.", an));
	player(&b, k.port, bn, "termb");
	send_want(&b, "north", MARKET "\r\n");
	ck_assert_int_eq(online(an), 1);
	ck_assert_int_eq(online(bn), 1);
	pid = k.pid;
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE pid ="
	    " %lld", pid), 1);

	status = keepd_stop(&k, SIGTERM);
	want(&a, "\r\nThe server is restarting; please reconnect.\r\n");
	ck_assert(client_wait_closed(&a, WAIT_MS));
	want(&b, "The server is restarting; please reconnect.");
	ck_assert(client_wait_closed(&b, WAIT_MS));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "keepd exit status %d", status);
	ck_assert_int_eq(online(an), 0);
	ck_assert_int_eq(online(bn), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM instances WHERE pid ="
	    " %lld", pid), 0);
	/* The logout ran as a transaction, so the square heard of it. */
	want(&o, fmt("%s has left the game.\r\n", an));
	ck_assert_int_eq(coins(&o), 100);
	client_close(&a);
	client_close(&b);
	client_close(&o);
	status = keepd_stop(&other, SIGTERM);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* Two keepds on one database are one world: speech crosses, and a login
 * on one takes the character over from the other. */
START_TEST(test_cluster_takeover)
{
	struct keepd	k1, k2;
	struct client	a, b, again;
	char		an[17], bn[17];
	int		status;

	keepd_start(&k1, NULL);
	keepd_start(&k2, NULL);
	player(&a, k1.port, an, "first");
	player(&b, k2.port, bn, "second");
	send_want(&a, "say across", "You say, 'across'");
	want(&b, fmt("%s says, 'across'", an));
	send_want(&a, fmt("give 3 coins to %s", bn), "You give 3 coins");
	want(&b, fmt("%s gives you 3 coins.", an));

	login_exact(&again, k2.port, an, an);
	want(&again, PROMPT);
	want(&a, "Someone logged in as you from elsewhere; this connection "
	    "is closed.\r\n");
	ck_assert(client_wait_closed(&a, WAIT_MS));
	client_close(&a);
	usleep(300 * 1000);
	ck_assert_int_eq(online(an), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters c JOIN"
	    " instances i ON i.id = c.session_instance WHERE c.name = '%s'"
	    " AND i.pid = %d", an, (int)k2.pid), 1);
	ck_assert_int_eq(coins(&again), 97);
	send_want(&again, "say same world", "You say");
	want(&b, fmt("%s says, 'same world'", an));
	client_close(&again);
	client_close(&b);
	status = keepd_stop(&k1, SIGTERM);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	status = keepd_stop(&k2, SIGTERM);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* A test case sharing one keepd. */
static TCase *
shared_tcase(const char *name)
{
	TCase	*tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, server_setup, server_teardown);
	tcase_set_timeout(tc, 30);
	return tc;
}

/* The end-to-end suite: dialog, play, input, limits. */
Suite *
e2e_suite(void)
{
	Suite	*s = suite_create("e2e");
	TCase	*tc;

	tc = shared_tcase("dialog");
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_relogin_after_quit);
	tcase_add_test(tc, test_wrong_password);
	tcase_add_test(tc, test_three_failures);
	tcase_add_test(tc, test_name_rules);
	tcase_add_test(tc, test_password_rules);
	tcase_add_test(tc, test_name_race);
	suite_add_tcase(s, tc);

	tc = shared_tcase("play");
	tcase_add_test(tc, test_move);
	tcase_add_test(tc, test_wall);
	tcase_add_test(tc, test_say);
	tcase_add_test(tc, test_arrivals);
	tcase_add_test(tc, test_give);
	tcase_add_test(tc, test_give_refusals);
	tcase_add_test(tc, test_who_score_help);
	tcase_add_test(tc, test_takeover);
	tcase_add_test(tc, test_psql_edit);
	tcase_add_test(tc, test_listen_reconnect);
	suite_add_tcase(s, tc);

	tc = shared_tcase("input");
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_refusal_prompt);
	tcase_add_test(tc, test_refusal_reprompt_login);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_telnet_refuse);
	tcase_add_test(tc, test_eor);
	tcase_add_test(tc, test_prompt_ga);
	tcase_add_test(tc, test_flood_warning);
	tcase_add_test(tc, test_flood_cutoff);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, test_login_timeout);
	tcase_add_test(tc, test_max_connections);
	tcase_add_test(tc, test_sigterm);
	tcase_add_test(tc, test_cluster_takeover);
	suite_add_tcase(s, tc);
	return s;
}
