/*
 * test_talk_e2e.c — talking over TCP against real keepd processes: a tell
 * across two keepd sharing the database and the reply back, a tell to an
 * offline player shown at the next login exactly once, chat off honoured,
 * and who showing away and idle players.  Part of the talk suite
 * (tests/db/test_talk.c).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keep_test.h"

#define PASSWORD	"correct horse"
#define WAIT_MS		10000

/* Wait until name's character is offline in the database (its logout
 * transaction runs after the connection closed). */
static void
wait_offline(const char *name)
{
	for (long long end = now_ms() + WAIT_MS; now_ms() < end;
	    usleep(50 * 1000)) {
		if (sqlv("SELECT count(*) FROM characters WHERE name = '%s' AND"
		    " session_instance IS NULL", name) == 1)
			return;
	}
	ck_abort_msg("%s never went offline", name);
}

/* quit, and wait until the character is offline. */
static void
quit(struct client *c, const char *name)
{
	client_send_want(c, "quit", "Goodbye", WAIT_MS);
	ck_assert(client_wait_closed(c, WAIT_MS));
	client_close(c);
	wait_offline(name);
}

/* Log name in on port; what came before the first prompt into got. */
static void
login_text(struct client *c, int port, const char *name, char *got,
    size_t gotsz)
{
	client_connect(c, port);
	client_want(c, "Name: \xff\xf9", WAIT_MS, NULL, 0);
	client_send(c, name);
	client_want(c, "Password: \xff\xf9", WAIT_MS, NULL, 0);
	client_send(c, PASSWORD);
	client_want(c, PROMPT, WAIT_MS, got, gotsz);
}

/* who's reply on c into got (what came before is read and dropped). */
static void
who_text(struct client *c, char *got, size_t gotsz)
{
	client_quiet(c, 300);
	client_send(c, "who");
	client_want(c, "Players online:", WAIT_MS, NULL, 0);
	client_want(c, PROMPT, WAIT_MS, got, gotsz);
}

/* A tell from a player on one keepd reaches a player on another, and the
 * reply comes back. */
START_TEST(test_tell_two_keepd)
{
	struct keepd	k1, k2;
	struct client	a, b;
	char		an[17], bn[17];

	keepd_start(&k1, NULL);
	keepd_start(&k2, NULL);
	client_player(&a, k1.port, an, "Ttka", PASSWORD);
	client_player(&b, k2.port, bn, "Ttkb", PASSWORD);
	client_send_want(&a, fmt("tell %s across the wire", bn),
	    fmt("You tell %s, 'across the wire'", bn), WAIT_MS);
	client_want(&b, fmt("%s tells you, 'across the wire'", an), WAIT_MS,
	    NULL, 0);
	client_send_want(&b, "reply and back again",
	    fmt("You tell %s, 'and back again'", an), WAIT_MS);
	client_want(&a, fmt("%s tells you, 'and back again'", bn), WAIT_MS,
	    NULL, 0);
	client_close(&a);
	client_close(&b);
	keepd_stop(&k2, SIGTERM);
	keepd_stop(&k1, SIGTERM);
}
END_TEST

/* A tell to a player who logged out is shown at the next login, once. */
START_TEST(test_offline_tell_once)
{
	struct keepd	k;
	struct client	a, b;
	char		an[17], bn[17], got[8192];

	keepd_start(&k, NULL);
	client_player(&a, k.port, an, "Ofta", PASSWORD);
	client_player(&b, k.port, bn, "Oftb", PASSWORD);
	quit(&b, bn);
	client_send_want(&a, fmt("tell %s see you later", bn),
	    fmt("%s is not online; they will read it when they come back.",
	    bn), WAIT_MS);
	login_text(&b, k.port, bn, got, sizeof got);
	ck_assert_msg(strstr(got, "While you were away\xe2\x80\xa6\r\n") !=
	    NULL, "no missed tells at login: %s", printable(got));
	ck_assert_msg(str_count(got, fmt("%s told you, 'see you later'", an))
	    == 1, "the tell is not shown once: %s", printable(got));
	quit(&b, bn);
	login_text(&b, k.port, bn, got, sizeof got);
	ck_assert_msg(strstr(got, "While you were away") == NULL &&
	    strstr(got, "see you later") == NULL, "shown again: %s",
	    printable(got));
	client_close(&a);
	client_close(&b);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* chat reaches players with it on and not one who turned it off. */
START_TEST(test_chat_off_e2e)
{
	struct keepd	k;
	struct client	a, b, c;
	char		an[17], bn[17], cn[17], got[8192];

	keepd_start(&k, NULL);
	client_player(&a, k.port, an, "Chea", PASSWORD);
	client_player(&b, k.port, bn, "Cheb", PASSWORD);
	client_player(&c, k.port, cn, "Chec", PASSWORD);
	client_send_want(&b, "chat off", "Chat is off", WAIT_MS);
	client_send_want(&a, "chat ahoy all", "You chat, 'ahoy all'",
	    WAIT_MS);
	client_want(&c, fmt("%s chats, 'ahoy all'", an), WAIT_MS, NULL, 0);
	/* A later tell to b marks the point by which the chat would have
	 * arrived (a message reaches one session in commit order). */
	client_send_want(&a, fmt("tell %s marker", bn), "You tell", WAIT_MS);
	client_want(&b, "tells you, 'marker'", WAIT_MS, got, sizeof got);
	ck_assert_msg(strstr(got, "ahoy all") == NULL, "b heard the chat: %s",
	    printable(got));
	client_send_want(&b, "chat hello?", "You have chat off", WAIT_MS);
	client_close(&a);
	client_close(&b);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* who shows an away player's message and an idle player's idle time. */
START_TEST(test_who_afk_idle)
{
	struct keepd	k;
	struct client	a, b, c;
	char		an[17], bn[17], cn[17], got[16384];
	bool		idle = false;

	keepd_start(&k, NULL);
	client_player(&a, k.port, an, "Whoa", PASSWORD);
	client_player(&b, k.port, bn, "Whob", PASSWORD);
	client_player(&c, k.port, cn, "Whoc", PASSWORD);
	client_send_want(&a, "afk brb", "You are away: brb.", WAIT_MS);
	who_text(&b, got, sizeof got);
	ck_assert_msg(strstr(got, fmt("  %s [AFK: brb]\r\n", an)) != NULL,
	    "%s", printable(got));
	/* c is quiet: its last input, as a heartbeat would have written it
	 * five minutes ago (a heartbeat may overwrite it once more). */
	for (int i = 0; i < 8 && !idle; i++) {
		sqlf("UPDATE characters SET last_login_at = now() - interval"
		    " '1 hour', last_input_at = now() - interval '5 minutes'"
		    " WHERE name = '%s'", cn);
		who_text(&b, got, sizeof got);
		idle = strstr(got, fmt("  %s (idle 5m)\r\n", cn)) != NULL;
		if (!idle)
			sleep(2);
	}
	ck_assert_msg(idle, "%s", printable(got));
	/* a's next command ends the away state. */
	client_send_want(&a, "look", "You are back.", WAIT_MS);
	who_text(&b, got, sizeof got);
	ck_assert_msg(strstr(got, "[AFK") == NULL || strstr(got,
	    fmt("%s [AFK", an)) == NULL, "%s", printable(got));
	client_close(&a);
	client_close(&b);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The end-to-end cases of the talk suite. */
TCase *
talk_e2e_tcase(void)
{
	TCase	*tc = tcase_create("talk_e2e");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_tell_two_keepd);
	tcase_add_test(tc, test_offline_tell_once);
	tcase_add_test(tc, test_chat_off_e2e);
	tcase_add_test(tc, test_who_afk_idle);
	return tc;
}
