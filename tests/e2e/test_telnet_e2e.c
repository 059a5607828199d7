/*
 * test_telnet_e2e.c — telnet negotiation against a real keepd over TCP:
 * the opening offers, a client that refuses everything (today's bytes), a
 * Mudlet-like client that answers every offer (TTYPE/MTTS, NAWS wrapping,
 * CHARSET, EOR prompts, GMCP Core.Ping), and MCCP2: a compressed session
 * that logs in, whose look inflates to what a plain session sees, and whose
 * stream is finished before the server closes it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include <check.h>
#include "keep_test.h"
#include "zclient.h"
#include "ops/util.h"

#define PASSWORD	"correct horse"
#define WAIT_MS		10000
#define GA		"\xff\xf9"
#define EOR		"\xff\xef"

static char	seen[65536];

/* Send raw bytes given as a string literal. */
#define SEND_RAW(c, lit)	client_send_raw(c, lit, sizeof lit - 1)

/* Connect and read the opening: the offers first, then the banner and
 * "Name: " GA, with no other telnet byte. */
static void
connect_offers(struct client *c, int port)
{
	client_connect(c, port);
	client_want(c, "Name: " GA, WAIT_MS, seen, sizeof seen);
	ck_assert_msg(strncmp(seen, OFFERS, sizeof OFFERS - 1) == 0 &&
	    strchr(seen + sizeof OFFERS - 1, '\xff') == NULL, "opening: "
	    "\"%s\"", printable(seen));
}

/* Send a line, wait for needle; what came before must hold no SB and no
 * ESC (a client that refused everything). */
static void
plain_step(struct client *c, const char *line, const char *needle)
{
	client_send(c, line);
	client_want(c, needle, WAIT_MS, seen, sizeof seen);
	ck_assert_msg(strstr(seen, "\xff\xfa") == NULL && strchr(seen,
	    '\x1b') == NULL, "SB or ESC for a refusing client: \"%s\"",
	    printable(seen));
}

/* The login dialog, look and score on c, each reply kept (the name
 * replaced by "NAME") in out[6]; the client quits at the end. */
static void
plain_dialog(struct client *c, const char *name, char out[6][4096])
{
	static const char *const lines[] = { NULL, "yes", PASSWORD, PASSWORD,
				    "look", "score" };
	static const char *const ends[] = { "(yes/no) " GA,
				    "Choose a password: " GA,
				    "Repeat the password: " GA, PROMPT, PROMPT,
				    PROMPT };

	for (int i = 0; i < 6; i++) {
		char	*at;

		plain_step(c, lines[i] != NULL ? lines[i] : name, ends[i]);
		while ((at = strstr(seen, name)) != NULL) {
			memcpy(at, "NAME", 4);
			memmove(at + 4, at + strlen(name),
			    strlen(at + strlen(name)) + 1);
		}
		ck_assert_uint_lt(strlen(seen), 4096);
		memcpy(out[i], seen, strlen(seen) + 1);
	}
	client_send(c, "quit");
	ck_assert(client_wait_closed(c, WAIT_MS));
}

/*
 * The offers come in the opening write; a client that refuses them all
 * gets no reply to its refusals, no subnegotiation, no ESC, GA after every
 * prompt: exactly the bytes a client of a keepd that offers nothing gets.
 */
START_TEST(test_telnet_e2e_refuse_all)
{
	static char	banner[sizeof seen], a[6][4096], b[6][4096];
	struct keepd	k, none;
	struct client	c, d;
	char		cn[17], dn[17];

	keepd_start(&k, NULL);
	keepd_start(&none, TEST_CONFIG(", \"telnet_offers\": \"none\""));
	connect_offers(&c, k.port);
	snprintf(banner, sizeof banner, "%s", seen + sizeof OFFERS - 1);
	SEND_RAW(&c, REFUSE);
	test_name(cn, "Tnr");
	plain_dialog(&c, cn, a);
	ck_assert_msg(strstr(a[1], "\xff\xfb\x01") != NULL, "%s",
	    printable(a[1]));			/* WILL ECHO */
	ck_assert_msg(strstr(a[3], "Welcome, NAME.") != NULL, "%s",
	    printable(a[3]));
	/* Offering nothing: the same opening without the offers, and the
	 * same dialog. */
	client_connect(&d, none.port);
	client_want(&d, "Name: " GA, WAIT_MS, seen, sizeof seen);
	ck_assert_str_eq(seen, banner);
	test_name(dn, "Tnr");
	plain_dialog(&d, dn, b);
	for (int i = 0; i < 6; i++)
		ck_assert_msg(strcmp(a[i], b[i]) == 0, "step %d: offered and "
		    "refused \"%s\", not offered \"%s\"", i, printable(a[i]),
		    printable(b[i]));
	client_close(&c);
	client_close(&d);
	keepd_stop(&none, SIGTERM);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* Count the code points of a line, skipping ANSI escapes and telnet
 * subnegotiations (GMCP goes out before the text it comes with). */
static int
columns(const char *s, size_t len)
{
	int	n = 0;

	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] == 0xff && i + 1 < len &&
		    (unsigned char)s[i + 1] == 0xfa) {
			while (i + 1 < len && !((unsigned char)s[i] == 0xff &&
			    (unsigned char)s[i + 1] == 0xf0))
				i++;
			i++;
			continue;
		}
		if (s[i] == '\x1b') {
			while (i < len && s[i] != 'm')
				i++;
			continue;
		}
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* A Mudlet-like client answers every offer: TTYPE cycle to MTTS, NAWS 40
 * columns, CHARSET UTF-8, EOR prompts, GMCP Core.Ping answered. */
START_TEST(test_telnet_e2e_negotiate)
{
	struct keepd	k;
	struct client	c;
	char		name[17], prompt[64];
	const char	*p, *eol;

	snprintf(prompt, sizeof prompt, "%.*s" EOR,
	    (int)(strlen(PROMPT) - 2), PROMPT);
	keepd_start(&k, NULL);
	connect_offers(&c, k.port);
	SEND_RAW(&c, "\xff\xfd\x19" "\xff\xfd\xc9" "\xff\xfb\x18"
	    "\xff\xfb\x1f\xff\xfa\x1f\x00\x28\x00\x14\xff\xf0" "\xff\xfd\x2a");
	client_want(&c, "\xff\xfa\x18\x01\xff\xf0", WAIT_MS, NULL, 0);
	client_want(&c, "\xff\xfa\x2a\x01 UTF-8\xff\xf0", WAIT_MS, NULL, 0);
	SEND_RAW(&c, "\xff\xfa\x18\x00MUDLET\xff\xf0");
	client_want(&c, "\xff\xfa\x18\x01\xff\xf0", WAIT_MS, NULL, 0);
	SEND_RAW(&c, "\xff\xfa\x18\x00" "ANSI-TRUECOLOR\xff\xf0");
	client_want(&c, "\xff\xfa\x18\x01\xff\xf0", WAIT_MS, NULL, 0);
	SEND_RAW(&c, "\xff\xfa\x18\x00MTTS 2349\xff\xf0"
	    "\xff\xfa\x2a\x02UTF-8\xff\xf0");
	SEND_RAW(&c, "\xff\xfa\xc9" "Core.Hello {\"client\":\"Mudlet\","
	    "\"version\":\"4.19.1\"}\xff\xf0"
	    "\xff\xfa\xc9" "Core.Supports.Set [\"Char 1\",\"Room 1\"]\xff\xf0"
	    "\xff\xfa\xc9" "Core.Ping\xff\xf0");
	client_want(&c, "\xff\xfa\xc9" "Core.Ping\xff\xf0", WAIT_MS, seen,
	    sizeof seen);
	ck_assert_msg(strstr(seen, "\xff\xfa\x18\x01") == NULL, "TTYPE asked "
	    "after MTTS: \"%s\"", printable(seen));
	/* Prompts now end in EOR, never GA. */
	client_send(&c, "");
	client_want(&c, "Name: " EOR, WAIT_MS, seen, sizeof seen);
	ck_assert_msg(strstr(seen, GA) == NULL, "%s", printable(seen));
	test_name(name, "Tnn");
	client_send(&c, name);
	client_want(&c, "(yes/no) " EOR, WAIT_MS, NULL, 0);
	client_send(&c, "yes");
	client_want(&c, "Choose a password: " EOR, WAIT_MS, NULL, 0);
	client_send(&c, PASSWORD);
	client_want(&c, "Repeat the password: " EOR, WAIT_MS, NULL, 0);
	client_send(&c, PASSWORD);
	client_want(&c, prompt, WAIT_MS, NULL, 0);
	client_send(&c, "look");
	client_want(&c, prompt, WAIT_MS, seen, sizeof seen);
	ck_assert_msg(strstr(seen, GA) == NULL, "%s", printable(seen));
	/* NAWS 40: every line of the look fits in 40 columns. */
	for (p = seen; (eol = strstr(p, "\r\n")) != NULL; p = eol + 2)
		ck_assert_msg(columns(p, (size_t)(eol - p)) <= 40, "line over "
		    "40 columns: \"%.*s\"", (int)(eol - p), p);
	/* Ping again, logged in. */
	SEND_RAW(&c, "\xff\xfa\xc9" "core.ping 5\xff\xf0");
	client_want(&c, "\xff\xfa\xc9" "Core.Ping\xff\xf0", WAIT_MS, NULL, 0);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The lines of text that name neither player, joined. */
static char *
without_names(const char *text, const char *a, const char *b)
{
	char		*out = xcalloc(1, strlen(text) + 1);
	const char	*p, *eol;

	for (p = text; (eol = strstr(p, "\r\n")) != NULL; p = eol + 2) {
		char	line[4096];

		snprintf(line, sizeof line, "%.*s", (int)(eol - p), p);
		if (strstr(line, a) == NULL && strstr(line, b) == NULL) {
			strcat(out, line);
			strcat(out, "\n");
		}
	}
	return out;
}

/*
 * MCCP2 (_i = 1: the client reads a byte at a time): the start sequence
 * is the first thing after DO, the session logs in compressed, its look
 * inflates to what a plain session sees, and quit finishes the stream
 * before the close.
 */
START_TEST(test_telnet_e2e_mccp2)
{
	static const uint8_t	start[] = { 0xff, 0xfa, 0x56, 0xff, 0xf0 };
	static struct zclient	zc;
	struct keepd		k;
	struct client		c, p;
	char			zn[17], pn[17], plain[65536], *a, *b;
	uint8_t			head[5];
	size_t			got = 0;

	keepd_start(&k, NULL);
	connect_offers(&c, k.port);
	ck_assert_uint_eq(c.len, 0);
	SEND_RAW(&c, "\xff\xfd\x56");
	while (got < sizeof head) {
		ssize_t	n = recv(c.fd, head + got, _i ? 1 : sizeof head - got,
			    0);

		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	ck_assert_mem_eq(head, start, sizeof start);
	zc_init(&zc, &c, true, _i ? 1 : 0);
	test_name(zn, "Tnz");
	client_send(&c, zn);
	zc_want(&zc, "(yes/no) " GA, WAIT_MS, seen, sizeof seen);
	client_send(&c, "yes");
	zc_want(&zc, "\xff\xfb\x01" "Choose a password: " GA, WAIT_MS, seen,
	    sizeof seen);
	client_send(&c, PASSWORD);
	zc_want(&zc, "Repeat the password: " GA, WAIT_MS, seen, sizeof seen);
	client_send(&c, PASSWORD);
	zc_want(&zc, PROMPT, WAIT_MS, seen, sizeof seen);
	ck_assert_msg(strstr(seen, fmt("Welcome, %s.", zn)) != NULL, "%s",
	    printable(seen));
	client_player(&p, k.port, pn, "Tnp", PASSWORD);
	zc_want(&zc, fmt("%s has entered the game.", pn), WAIT_MS, NULL, 0);
	zc_want(&zc, PROMPT, WAIT_MS, seen, sizeof seen);
	client_quiet(&p, 300);
	client_send(&c, "look");
	zc_want(&zc, PROMPT, WAIT_MS, seen, sizeof seen);
	ck_assert(client_cmd(&p, "look", plain, sizeof plain));
	a = without_names(seen, zn, pn);
	b = without_names(plain, zn, pn);
	ck_assert_msg(strlen(a) > 20 && strcmp(a, b) == 0, "compressed look "
	    "\"%s\", plain \"%s\"", printable(a), printable(b));
	free(a);
	free(b);
	client_send(&c, "quit");
	while (!zc.eof)
		ck_assert(zc_read(&zc, WAIT_MS) || zc.eof);
	ck_assert_msg(zc.end, "stream not finished before the close: "
	    "\"%s\"", printable(zc.text + zc.pos));
	zc_free(&zc);
	client_close(&c);
	client_close(&p);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The telnet_e2e suite. */
Suite *
telnet_e2e_suite(void)
{
	Suite	*s = suite_create("telnet_e2e");
	TCase	*tc = tcase_create("telnet_e2e");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_telnet_e2e_refuse_all);
	tcase_add_test(tc, test_telnet_e2e_negotiate);
	tcase_add_loop_test(tc, test_telnet_e2e_mccp2, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
