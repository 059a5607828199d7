/*
 * test_screen_e2e.c — the player's screen over TCP with a real keepd
 * (suite "screen"): a client that asked for nothing gets no ESC byte from
 * the greeting on; `color on` colours the room title, the exits and the
 * prompt's hp in SGR, `color off` and `color auto` (no terminal type) take
 * every ESC away again; the prompt is `<20/20hp> ` then GA; `prompt <%c
 * coins> ` shows at once and after a relog; and a say with an ESC in it
 * reaches a colour player without it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "keep_test.h"

#define SCR_PASSWORD	"correct horse"
#define SCR_WAIT_MS	15000
#define SCR_TITLE	"\x1b[1;36m"	/* bold cyan */
#define SCR_EXITS	"\x1b[0;32mExits: "	/* green */
#define SCR_RESET	"\x1b[0m"

/* Create name as client_create does, keeping all it was sent in got. */
static void
scr_create(struct client *c, int port, char name[17], char *got,
    size_t gotsz)
{
	char	seen[4096];

	test_name(name, "Sce");
	client_connect(c, port);
	client_want(c, "Name: \xff\xf9", SCR_WAIT_MS, got, gotsz);
	client_send(c, name);
	client_want(c, "(yes/no) \xff\xf9", SCR_WAIT_MS, seen, sizeof seen);
	ck_assert_ptr_null(memchr(seen, 0x1b, strlen(seen)));
	client_send(c, "yes");
	client_want(c, "Choose a password: \xff\xf9", SCR_WAIT_MS, NULL, 0);
	client_send(c, SCR_PASSWORD);
	client_want(c, "Repeat the password: \xff\xf9", SCR_WAIT_MS, NULL, 0);
	client_send(c, SCR_PASSWORD);
	/* The first prompt after login is the default one. */
	client_want(c, "\r\n" HPROMPT, SCR_WAIT_MS, seen, sizeof seen);
	ck_assert_ptr_nonnull(strstr(seen, "Exits: "));
	ck_assert_msg(strchr(got, 0x1b) == NULL && strchr(seen, 0x1b) ==
	    NULL, "an ESC byte before any colour was asked for: %s",
	    printable(seen));
}

/* Send line, wait for the prompt ending in tail; what came before. */
static const char *
scr_cmd(struct client *c, const char *line, const char *tail)
{
	static char	got[16384];

	client_send(c, line);
	client_want(c, tail, SCR_WAIT_MS, got, sizeof got);
	return got;
}

START_TEST(test_screen_e2e_color)
{
	struct keepd	k;
	struct client	c;
	char		name[17], got[4096];
	const char	*out;

	keepd_start(&k, NULL);
	scr_create(&c, k.port, name, got, sizeof got);
	out = scr_cmd(&c, "look", "\r\n" HPROMPT);
	ck_assert_ptr_null(strchr(out, 0x1b));
	/* On: the reply itself is coloured, then the title and exits. */
	out = scr_cmd(&c, "color on", "\r\n<\x1b[0;32m20" SCR_RESET
	    "/20hp" PROMPT);
	ck_assert_str_eq(out, "Colour is \x1b[1;36mon" SCR_RESET ".");
	out = scr_cmd(&c, "look", "/20hp" PROMPT);
	ck_assert_msg(strncmp(out, SCR_TITLE, strlen(SCR_TITLE)) == 0,
	    "title not bold cyan: %s", printable(out));
	ck_assert_msg(strstr(out, SCR_RESET "\r\n") != NULL &&
	    strstr(out, SCR_EXITS) != NULL, "no green exits: %s",
	    printable(out));
	/* Off: not one ESC, the prompt included. */
	out = scr_cmd(&c, "colour off", "\r\n" HPROMPT);
	ck_assert_str_eq(out, "Colour is off.");
	out = scr_cmd(&c, "look", "\r\n" HPROMPT);
	ck_assert_ptr_nonnull(strstr(out, "Exits: "));
	ck_assert_ptr_null(strchr(out, 0x1b));
	/* Auto, for a client that said nothing of its terminal: off. */
	(void)scr_cmd(&c, "color auto", "\r\n" HPROMPT);
	out = scr_cmd(&c, "look", "\r\n" HPROMPT);
	ck_assert_ptr_null(strchr(out, 0x1b));
	/* A relog keeps the setting. */
	(void)scr_cmd(&c, "color on", "/20hp" PROMPT);
	client_send(&c, "quit");
	ck_assert(client_wait_closed(&c, SCR_WAIT_MS));
	client_close(&c);
	client_connect(&c, k.port);
	client_want(&c, "Name: \xff\xf9", SCR_WAIT_MS, NULL, 0);
	client_send(&c, name);
	client_want(&c, "Password: \xff\xf9", SCR_WAIT_MS, NULL, 0);
	client_send(&c, SCR_PASSWORD);
	client_want(&c, "/20hp" PROMPT, SCR_WAIT_MS, got, sizeof got);
	ck_assert_msg(strstr(got, SCR_TITLE) != NULL, "no colour after a "
	    "relog: %s", printable(got));
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

START_TEST(test_screen_e2e_prompt)
{
	struct keepd	k;
	struct client	c;
	char		name[17], got[4096];
	const char	*out;

	keepd_start(&k, NULL);
	scr_create(&c, k.port, name, got, sizeof got);
	out = scr_cmd(&c, "score", "\r\n" HPROMPT);
	ck_assert_ptr_nonnull(strstr(out, "HP: 20/20\r\n"));
	out = scr_cmd(&c, "prompt <%c coins> ", "\r\n<100 coins> \xff\xf9");
	ck_assert_str_eq(out, "Prompt set.");
	(void)scr_cmd(&c, "score", "\r\n<100 coins> \xff\xf9");
	/* A refused format changes nothing. */
	out = scr_cmd(&c, "prompt %q", "\r\n<100 coins> \xff\xf9");
	ck_assert_ptr_nonnull(strstr(out, "Unknown token"));
	client_send(&c, "quit");
	ck_assert(client_wait_closed(&c, SCR_WAIT_MS));
	client_close(&c);
	client_connect(&c, k.port);
	client_want(&c, "Name: \xff\xf9", SCR_WAIT_MS, NULL, 0);
	client_send(&c, name);
	client_want(&c, "Password: \xff\xf9", SCR_WAIT_MS, NULL, 0);
	client_send(&c, SCR_PASSWORD);
	client_want(&c, "\r\n<100 coins> \xff\xf9", SCR_WAIT_MS, got,
	    sizeof got);
	ck_assert_ptr_nonnull(strstr(got, "Exits: "));
	out = scr_cmd(&c, "prompt default", "\r\n" HPROMPT);
	ck_assert_str_eq(out, "Prompt set to the default.");
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

START_TEST(test_screen_e2e_say_escape)
{
	struct keepd	k;
	struct client	a, b;
	char		an[17], bn[17], got[4096];
	const char	*out;
	static const char	evil[] = "say hi \x1b[31mred\x1b[0m\r\n";

	keepd_start(&k, NULL);
	scr_create(&a, k.port, an, got, sizeof got);
	client_player(&b, k.port, bn, "Scb", SCR_PASSWORD);
	(void)scr_cmd(&a, "color on", "/20hp" PROMPT);
	client_quiet(&a, 300);
	client_send_raw(&b, evil, sizeof evil - 1);
	client_want(&b, "\r\n" HPROMPT, SCR_WAIT_MS, got, sizeof got);
	ck_assert_ptr_null(strchr(got, 0x1b));
	client_want(&a, fmt("%s says, 'hi ", bn), SCR_WAIT_MS, NULL, 0);
	client_want(&a, "\r\n", SCR_WAIT_MS, got, sizeof got);
	/* The player's text, up to its closing quote, carries no ESC (the
	 * say's own colour ends with a reset after the quote). */
	out = got;
	ck_assert_msg(strncmp(out, "[31mred[0m'", 11) == 0, "the say's text "
	    "was not kept as typed minus ESC: %s", printable(out));
	ck_assert_msg(memchr(out, 0x1b, 11) == NULL, "an ESC in the say: %s",
	    printable(out));
	client_close(&a);
	client_close(&b);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The end-to-end cases of the screen suite. */
TCase *
screen_e2e_tcase(void)
{
	TCase	*tc = tcase_create("screen_e2e");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_screen_e2e_color);
	tcase_add_test(tc, test_screen_e2e_prompt);
	tcase_add_test(tc, test_screen_e2e_say_escape);
	return tc;
}
