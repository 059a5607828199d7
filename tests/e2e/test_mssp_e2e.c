/*
 * test_mssp_e2e.c — MSSP against the real keepd over TCP: the plain-text
 * MSSP-REQUEST a crawler types at the first Name: prompt is answered with
 * the documented lines, PLAYERS counts a player logged in from another
 * connection (and never the crawler), and the connection is closed; the
 * same words as a later line are just a name.
 *
 * The telnet form: IAC DO MSSP is answered with IAC SB MSSP ... IAC SE,
 * one value per name, again after DONT and DO (test_mssp_telnet).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keep_test.h"

#define WAIT_MS		10000
#define GA		"\xff\xf9"
#define PASSWORD	"mssp-secret"

/* The variables every answer carries, by their exact names. */
static const char *const mssp_names[] = {
	"NAME", "PLAYERS", "UPTIME", "CRAWL DELAY", "CODEBASE", "PORT",
	"LANGUAGE", "AREAS", "ROOMS", "MOBILES", "OBJECTS", "HELPFILES",
	"ANSI", "GMCP", "MCCP", "UTF-8", "XTERM 256 COLORS", "HIRING CODERS",
};

/* One answer, as name/value pairs. */
struct answer {
	int	n;
	char	names[128][64];
	char	values[128][256];
};

/* The value of name in a, or NULL; fails if it is there twice. */
static const char *
answer_get(const struct answer *a, const char *name)
{
	const char	*found = NULL;

	for (int i = 0; i < a->n; i++) {
		if (strcmp(a->names[i], name) != 0)
			continue;
		ck_assert_msg(found == NULL, "%s answered twice", name);
		found = a->values[i];
	}
	return found;
}

/* Check what every answer must say, with players online. */
static void
answer_check(const struct answer *a, int port, long long players)
{
	const char	*v;
	long long	 up;

	for (size_t i = 0; i < sizeof mssp_names / sizeof mssp_names[0]; i++)
		ck_assert_msg(answer_get(a, mssp_names[i]) != NULL,
		    "no %s in the answer", mssp_names[i]);
	ck_assert_str_eq(answer_get(a, "NAME"), "Keep");
	ck_assert_str_eq(answer_get(a, "PLAYERS"), fmt("%lld", players));
	ck_assert_str_eq(answer_get(a, "PORT"), fmt("%d", port));
	ck_assert_str_eq(answer_get(a, "CRAWL DELAY"), "-1");
	ck_assert(strncmp(answer_get(a, "CODEBASE"), "Keep ", 5) == 0);
	/* The start of the oldest keepd: in the past, not a duration. */
	v = answer_get(a, "UPTIME");
	up = atoll(v);
	ck_assert_msg(up > 1700000000 && up <= (long long)time(NULL),
	    "UPTIME %s", v);
	ck_assert_str_eq(answer_get(a, "ROOMS"),
	    fmt("%lld", test_sql_value("SELECT count(*) FROM rooms")));
	ck_assert_str_eq(answer_get(a, "MOBILES"),
	    fmt("%lld", test_sql_value("SELECT count(*) FROM npc_protos")));
	ck_assert_str_eq(answer_get(a, "OBJECTS"),
	    fmt("%lld", test_sql_value("SELECT count(*) FROM item_protos")));
	ck_assert_str_eq(answer_get(a, "AREAS"),
	    fmt("%lld", test_sql_value("SELECT count(*) FROM areas")));
}

/*
 * Connect as a crawler, type MSSP-REQUEST at the first Name: prompt, read
 * the plain-text reply into a (checking its framing), and see the
 * connection closed.
 */
static void
plain_request(int port, struct answer *a)
{
	struct client	 c;
	static char	 text[64 * 1024];
	char		*line, *save, *tab;

	client_connect(&c, port);
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send(&c, "MSSP-REQUEST");
	client_want(&c, "MSSP-REPLY-END\r\n", WAIT_MS, text, sizeof text);
	ck_assert_msg(strncmp(text, "\r\nMSSP-REPLY-START\r\n", 20) == 0,
	    "reply starts: %s", printable(text));
	ck_assert_msg(client_wait_closed(&c, WAIT_MS),
	    "the crawler's connection stayed open");
	/* Nothing after the end line: no prompt, no goodbye. */
	ck_assert_msg(c.len == 0, "after the reply: %s",
	    printable(fmt("%.*s", (int)c.len, c.buf)));
	client_close(&c);
	a->n = 0;
	for (line = strtok_r(text + 20, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t	len = strlen(line);

		ck_assert_msg(len > 0 && line[len - 1] == '\r',
		    "line without CR LF: %s", printable(line));
		line[len - 1] = '\0';
		ck_assert_msg((tab = strchr(line, '\t')) != NULL &&
		    strchr(tab + 1, '\t') == NULL, "not VAR<TAB>VALUE: %s",
		    printable(line));
		*tab = '\0';
		ck_assert_int_lt(a->n, 128);
		snprintf(a->names[a->n], sizeof a->names[0], "%s", line);
		snprintf(a->values[a->n], sizeof a->values[0], "%s", tab + 1);
		ck_assert_msg(*line != '\0' && tab[1] != '\0',
		    "empty name or value: %s", printable(line));
		a->n++;
	}
	ck_assert_int_ge(a->n, 39);
}

/* Characters online in the whole database (every keepd's). */
static long long
online(void)
{
	return test_sql_value("SELECT count(*) FROM characters"
	    " WHERE session_instance IS NOT NULL");
}

START_TEST(test_mssp_plain)
{
	struct keepd	 k;
	struct client	 p;
	static struct answer	 a;
	char		 name[17];
	long long	 before;

	keepd_start(&k, NULL);
	plain_request(k.port, &a);
	before = online();
	answer_check(&a, k.port, before);
	/* A player logs in on another connection: PLAYERS counts it. */
	client_player(&p, k.port, name, "Msp", PASSWORD);
	plain_request(k.port, &a);
	ck_assert_int_eq(online(), before + 1);
	answer_check(&a, k.port, before + 1);
	/* The crawler never logged in: still one more, not two. */
	plain_request(k.port, &a);
	answer_check(&a, k.port, before + 1);
	client_close(&p);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* MSSP-REQUEST only counts as the first line: later, it is a name. */
START_TEST(test_mssp_not_first_line)
{
	struct keepd	k;
	struct client	c;
	char		out[4096];

	keepd_start(&k, NULL);
	client_connect(&c, k.port);
	client_want(&c, "Name: " GA, WAIT_MS, NULL, 0);
	client_send_want(&c, "", "Name: " GA, WAIT_MS);
	client_send(&c, "MSSP-REQUEST");
	client_want(&c, "Name: " GA, WAIT_MS, out, sizeof out);
	ck_assert_msg(strstr(out, "A name is 3 to 16 letters") != NULL &&
	    strstr(out, "MSSP-REPLY") == NULL, "%s", printable(out));
	/* And the connection goes on. */
	client_send_want(&c, "mssp-request", "A name is", WAIT_MS);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The calls of the mssp_read statement dbstats shows (c is an admin);
 * 0 before its first (it is listed once used). */
static long long
mssp_reads(struct client *c)
{
	static char	 out[16384];
	const char	*p;

	ck_assert(client_cmd(c, "dbstats", out, sizeof out));
	ck_assert_msg(strstr(out, "transactions: ") != NULL, "dbstats: %s",
	    out);
	if ((p = strstr(out, "\nmssp_read ")) == NULL)
		return 0;
	return strtoll(p + strlen("\nmssp_read "), NULL, 10);
}

/* Many crawlers at once: each gets the whole reply, and the requests that
 * came while a read ran shared the next one. */
START_TEST(test_mssp_many)
{
	enum { N = 40 };
	struct keepd	 k;
	struct client	 admin;
	static struct client	 c[N];
	static char	 text[64 * 1024];
	char		 name[17];
	long long	 before, reads;

	keepd_start(&k, NULL);
	client_player(&admin, k.port, name, "Msa", PASSWORD);
	sqlf("UPDATE characters SET role = 'admin' WHERE name = '%s'", name);
	before = mssp_reads(&admin);
	for (int i = 0; i < N; i++) {
		client_connect(&c[i], k.port);
		client_want(&c[i], "Name: " GA, WAIT_MS, NULL, 0);
	}
	for (int i = 0; i < N; i++)
		client_send(&c[i], "MSSP-REQUEST");
	for (int i = 0; i < N; i++) {
		client_want(&c[i], "MSSP-REPLY-END\r\n", WAIT_MS, text,
		    sizeof text);
		ck_assert_msg(strstr(text, "\r\nPLAYERS\t") != NULL &&
		    strstr(text, "\r\nHIRING CODERS\t0\r\n") != NULL,
		    "crawler %d: %s", i, printable(text));
		ck_assert(client_wait_closed(&c[i], WAIT_MS));
		client_close(&c[i]);
	}
	reads = mssp_reads(&admin) - before;
	ck_assert_msg(reads >= 1 && reads <= N / 2, "%lld reads for %d requests",
	    reads, N);
	client_close(&admin);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * Parse one IAC SB MSSP ... IAC SE out of the client's input into a:
 * MSSP_VAR (1) name MSSP_VAL (2) value, one value per name.
 */
static void
telnet_answer(struct client *c, struct answer *a)
{
	static char	sb[64 * 1024];
	const char	*p;
	int		 state = 0;	/* 1: in a name, 2: in a value */
	size_t		 nl = 0, vl = 0;

	client_want(c, "\xff\xfa\x46", WAIT_MS, NULL, 0);
	client_want(c, "\xff\xf0", WAIT_MS, sb, sizeof sb);
	a->n = 0;
	for (p = sb; *p != '\0'; p++) {
		unsigned char	ch = (unsigned char)*p;

		ck_assert_msg(ch != 0xff, "IAC inside the MSSP values");
		if (ch == 1) {
			ck_assert_msg(state != 1, "a name without a value");
			ck_assert_int_lt(a->n, 128);
			a->n++;
			state = 1;
			nl = vl = 0;
			continue;
		}
		if (ch == 2) {
			ck_assert_msg(state == 1, "two values for %s",
			    a->n > 0 ? a->names[a->n - 1] : "?");
			state = 2;
			continue;
		}
		ck_assert_msg(ch >= 0x20 && ch <= 0x7e, "byte %02x", ch);
		ck_assert_msg(state != 0, "bytes before the first MSSP_VAR");
		if (state == 1 && nl + 1 < sizeof a->names[0]) {
			a->names[a->n - 1][nl++] = (char)ch;
			a->names[a->n - 1][nl] = '\0';
		} else if (state == 2 && vl + 1 < sizeof a->values[0]) {
			a->values[a->n - 1][vl++] = (char)ch;
			a->values[a->n - 1][vl] = '\0';
		}
	}
	ck_assert_msg(state == 2, "the last name has no value");
	ck_assert_int_ge(a->n, 39);
}

/* IAC DO MSSP before login and in the game: one SB for each, the same
 * variables as the plain form, PLAYERS counting the player. */
START_TEST(test_mssp_telnet)
{
	struct keepd	 k;
	struct client	 c, p;
	static struct answer	 a;
	char		 name[17];
	long long	 before;

	keepd_start(&k, NULL);
	before = online();
	client_connect(&c, k.port);
	client_want(&c, "\xff\xfb\x46", WAIT_MS, NULL, 0);	/* WILL MSSP */
	client_send_raw(&c, "\xff\xfd\x46", 3);			/* DO MSSP */
	telnet_answer(&c, &a);
	answer_check(&a, k.port, before);
	client_player(&p, k.port, name, "Msq", PASSWORD);
	/* DONT and DO again: a second answer, now counting the player. */
	client_send_raw(&c, "\xff\xfe\x46\xff\xfd\x46", 6);
	telnet_answer(&c, &a);
	answer_check(&a, k.port, before + 1);
	/* The crawler is still at Name:, and was never counted. */
	ck_assert_int_eq(online(), before + 1);
	client_close(&c);
	client_close(&p);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The mssp suite. */
Suite *
mssp_suite(void)
{
	Suite	*s = suite_create("mssp");
	TCase	*tc = tcase_create("mssp");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_mssp_plain);
	tcase_add_test(tc, test_mssp_not_first_line);
	tcase_add_test(tc, test_mssp_many);
	tcase_add_test(tc, test_mssp_telnet);
	suite_add_tcase(s, tc);
	return s;
}
