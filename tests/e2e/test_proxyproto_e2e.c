/*
 * test_proxyproto_e2e.c — the PROXY protocol v1 against the real keepd
 * over TCP (suite "proxyproto"): keepd started with proxy_protocol on and
 * 127.0.0.1 as its one trusted proxy.  The test is the proxy: it connects
 * from 127.0.0.1 and writes the header HAProxy's send-proxy would.  The
 * header's source address must become the player's address everywhere
 * (the log, `users`, the per-address connection cap, the per-address
 * login lockout); keepd must say nothing to a trusted proxy before its
 * header, and must close (saying nothing) on a malformed, oversized or
 * missing one; a client from an address that is not trusted (127.0.0.2)
 * is a direct client, as without the feature.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep_test.h"

#define PP_PASSWORD	"correct horse"
#define PP_WRONG	"battery staple"
#define PP_WAIT_MS	10000
#define GA		"\xff\xf9"
/* keepd's bound on the header: 5 s (login_timeout is longer). */
#define PP_HEADER_SECS	5

/* keepd's test configuration (limits lifted), trusting 127.0.0.1 only. */
#define PP_CONFIG	TEST_CONFIG(", \"proxy_protocol\": true," \
			" \"trusted_proxies\": \"127.0.0.1/32\"")
/* The same with extra keys, but the per-address limits not lifted: the
 * tests of those limits set them. */
#define PP_BASE(extra)	"{\"listen_address\": \"127.0.0.1\", \"workers\": 4," \
			" \"argon2_ops\": 1, \"argon2_mem_kib\": 64," \
			" \"log_level\": \"info\", \"proxy_protocol\": true," \
			" \"trusted_proxies\": [\"10.0.0.0/8\", \"127.0.0.1\"]" \
			extra "}"

/* Connect from 127.0.0.1 (the trusted proxy) and send header (NULL:
 * nothing). */
static void
pp_connect(struct client *c, int port, const char *header)
{
	ck_assert_msg(client_try_connect_from(c, port, "127.0.0.1"),
	    "cannot connect to %d", port);
	if (header != NULL)
		client_send_raw(c, header, strlen(header));
}

/* The header naming src (IPv4) as the client of a connection to keepd. */
static const char *
pp_header(const char *src)
{
	return fmt("PROXY TCP4 %s 127.0.0.1 5555 4000\r\n", src);
}

/* Nothing at all arrives on c for ms: keepd is waiting for the header. */
static void
pp_silent(struct client *c, int ms)
{
	ck_assert_msg(!client_expect(c, "\xff", ms, NULL, 0) && c->len == 0,
	    "keepd sent %zu bytes before the PROXY header: \"%s\"", c->len,
	    printable(fmt("%.*s", (int)(c->len < 200 ? c->len : 200),
	    c->buf)));
}

/* keepd closes c within ms having sent nothing. */
static void
pp_closed_silently(struct client *c, int ms, const char *what)
{
	ck_assert_msg(client_wait_closed(c, ms), "%s: still open after %d ms",
	    what, ms);
	ck_assert_msg(c->len == 0, "%s: keepd sent %zu bytes: \"%s\"", what,
	    c->len, printable(fmt("%.*s", (int)(c->len < 200 ? c->len : 200),
	    c->buf)));
	client_close(c);
}

/* Wait up to ms for keepd's log to have a line containing needle. */
static bool
pp_log_has(const struct keepd *k, const char *needle, int ms)
{
	long long	end = now_ms() + ms;

	do {
		if (keepd_log_lines(k, needle) > 0)
			return true;
		usleep(50 * 1000);
	} while (now_ms() < end);
	return false;
}

/* An admin character logged in through the proxy from src. */
static void
pp_admin(struct client *c, int port, const char *src, char name[17])
{
	test_name(name, "Ppa");
	pp_connect(c, port, pp_header(src));
	client_create(c, name, PP_PASSWORD);
	sqlf("UPDATE characters SET role = 'admin' WHERE name = '%s'", name);
}

/* `users` as run by admin c: its output. */
static const char *
pp_users(struct client *c)
{
	static char	out[8192];

	ck_assert(client_cmd(c, "users", out, sizeof out));
	ck_assert_msg(strstr(out, "online on") != NULL, "users: \"%s\"",
	    printable(out));
	return out;
}

/* The line of `users` output out that shows name, or fail. */
static const char *
pp_user_line(const char *out, const char *name)
{
	static char	 line[512];
	const char	*p = strstr(out, name), *end;

	ck_assert_msg(p != NULL, "%s not in users: \"%s\"", name,
	    printable(out));
	end = strstr(p, "\r\n");
	snprintf(line, sizeof line, "%.*s", end != NULL ? (int)(end - p) :
	    (int)strlen(p), p);
	return line;
}

/*
 * A player behind the proxy: nothing is said before the header; after it,
 * the telnet offers and Name: as for a direct client; the log and `users`
 * show the header's address (IPv4, and IPv6 with the player's first line
 * in the header's own segment), not the proxy's.
 */
START_TEST(test_pp_address)
{
	struct keepd	k;
	struct client	adm, p;
	char		an[17], pn[17];
	const char	*out;

	keepd_start(&k, PP_CONFIG);
	pp_connect(&adm, k.port, NULL);
	pp_silent(&adm, 700);
	client_send_raw(&adm, pp_header("203.0.113.7"),
	    strlen(pp_header("203.0.113.7")));
	client_want(&adm, OFFERS, PP_WAIT_MS, NULL, 0);
	test_name(an, "Ppa");
	client_create(&adm, an, PP_PASSWORD);
	sqlf("UPDATE characters SET role = 'admin' WHERE name = '%s'", an);
	ck_assert(pp_log_has(&k, "connection from 203.0.113.7 (via proxy "
	    "127.0.0.1)", 2000));

	/* A second player: header, then its name, in one segment. */
	test_name(pn, "Ppb");
	pp_connect(&p, k.port, NULL);
	client_send_raw(&p, "PROXY TCP6 2001:db8::5 2001:db8::1 5555 4000\r\n",
	    strlen("PROXY TCP6 2001:db8::5 2001:db8::1 5555 4000\r\n"));
	client_send(&p, pn);
	client_want(&p, "(yes/no) " GA, PP_WAIT_MS, NULL, 0);
	client_send_want(&p, "yes", "Choose a password: " GA, PP_WAIT_MS);
	client_send_want(&p, PP_PASSWORD, "Repeat the password: " GA,
	    PP_WAIT_MS);
	client_send_want(&p, PP_PASSWORD, PROMPT, 20000);

	client_want(&adm, fmt("%s has entered the game.", pn), PP_WAIT_MS,
	    NULL, 0);
	client_quiet(&adm, 300);
	out = pp_users(&adm);
	ck_assert_msg(strstr(pp_user_line(out, an), " 203.0.113.7 ") != NULL,
	    "users shows %s not from 203.0.113.7: \"%s\"", an, printable(out));
	ck_assert_msg(strstr(pp_user_line(out, pn), " 2001:db8::5 ") != NULL,
	    "users shows %s not from 2001:db8::5: \"%s\"", pn, printable(out));
	ck_assert_msg(strstr(out, "127.0.0.1") == NULL,
	    "users shows the proxy's address: \"%s\"", printable(out));
	client_close(&p);
	client_close(&adm);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* A malformed header from the trusted proxy: logged, closed, nothing
 * sent; "PROXY UNKNOWN" keeps the proxy's address. */
START_TEST(test_pp_malformed)
{
	static const char *const bad[] = {
		"PROXY TCP4 999.0.113.7 127.0.0.1 5555 4000\r\n",
		"PROXY TCP4 203.0.113.7 127.0.0.1 5555\r\n",
		"PROXY TCP4 203.0.113.7  127.0.0.1 5555 4000\r\n",
		"PROXY TCP4 203.0.113.7 127.0.0.1 5555 65536\r\n",
		"PROXY TCP6 203.0.113.7 127.0.0.1 5555 4000\r\n",
		"PROXY TCP4 203.0.113.7 127.0.0.1 5555 4000\n",
		"proxy TCP4 203.0.113.7 127.0.0.1 5555 4000\r\n",
		"GET / HTTP/1.0\r\n\r\n",
		"Gandalf\r\n",
	};
	struct keepd	k;
	struct client	c;

	keepd_start(&k, PP_CONFIG);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pp_connect(&c, k.port, bad[i]);
		pp_closed_silently(&c, 3000, printable(bad[i]));
	}
	ck_assert_int_ge(keepd_log_lines(&k, "not a PROXY v1 header"),
	    (long)(sizeof bad / sizeof bad[0]));

	pp_connect(&c, k.port, "PROXY UNKNOWN\r\n");
	client_want(&c, "Name: " GA, PP_WAIT_MS, NULL, 0);
	ck_assert(pp_log_has(&k, "connection from 127.0.0.1 (via proxy "
	    "127.0.0.1)", 2000));
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* No CR LF within 107 bytes: closed at once, not after the timeout. */
START_TEST(test_pp_oversized)
{
	struct keepd	 k;
	struct client	 c;
	char		 line[300];
	long long	 t0;

	keepd_start(&k, PP_CONFIG);
	/* A valid start, then 107 bytes in all and no CR LF. */
	snprintf(line, sizeof line, "PROXY TCP4 203.0.113.7 127.0.0.1 5555 "
	    "%069d", 4);
	ck_assert_uint_eq(strlen(line), 107);
	t0 = now_ms();
	pp_connect(&c, k.port, line);
	pp_closed_silently(&c, 3000, "107 bytes without CR LF");
	ck_assert_int_lt(now_ms() - t0, 2500);

	/* CR LF only after byte 107. */
	memset(line, 'A', sizeof line);
	memcpy(line, "PROXY UNKNOWN ", 14);
	memcpy(line + 200, "\r\n", 3);
	pp_connect(&c, k.port, line);
	pp_closed_silently(&c, 3000, "a 202-byte header");
	ck_assert_int_ge(keepd_log_lines(&k, "not a PROXY v1 header"), 2);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* A trusted connection that never sends its header is closed after the
 * bound, having been sent nothing. */
START_TEST(test_pp_silent)
{
	struct keepd	 k;
	struct client	 c;
	long long	 t0, took;

	keepd_start(&k, PP_CONFIG);
	t0 = now_ms();
	pp_connect(&c, k.port, NULL);
	pp_closed_silently(&c, (PP_HEADER_SECS + 3) * 1000, "no header");
	took = now_ms() - t0;
	ck_assert_msg(took >= (PP_HEADER_SECS - 1) * 1000,
	    "closed after %lld ms, before the bound", took);
	ck_assert(pp_log_has(&k, "no PROXY header from 127.0.0.1", 2000));
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* max_connections_per_address counts the header's address: a third
 * connection from 203.0.113.9 is refused while 203.0.113.10 (through the
 * same proxy) and a direct client are not. */
START_TEST(test_pp_connection_cap)
{
	struct keepd	k;
	struct client	c[4], d;
	char		out[4096];

	keepd_start(&k, PP_BASE(", \"max_connections_per_address\": 2"));
	for (int i = 0; i < 2; i++) {
		pp_connect(&c[i], k.port, pp_header("203.0.113.9"));
		client_want(&c[i], "Name: " GA, PP_WAIT_MS, NULL, 0);
	}
	pp_connect(&c[2], k.port, pp_header("203.0.113.9"));
	ck_assert(client_expect(&c[2], "Too many connections from your "
	    "address", PP_WAIT_MS, out, sizeof out));
	ck_assert(client_wait_closed(&c[2], PP_WAIT_MS));
	ck_assert(pp_log_has(&k, "refused 203.0.113.9 via proxy 127.0.0.1",
	    2000));
	pp_connect(&c[3], k.port, pp_header("203.0.113.10"));
	client_want(&c[3], "Name: " GA, PP_WAIT_MS, NULL, 0);
	ck_assert(client_try_connect_from(&d, k.port, "127.0.0.2"));
	client_want(&d, "Name: " GA, PP_WAIT_MS, NULL, 0);
	for (int i = 0; i < 4; i++)
		client_close(&c[i]);
	client_close(&d);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* A client from 127.0.0.2, not a trusted proxy, is a direct client: the
 * offers and Name: at once, while the trusted 127.0.0.1 beside it is
 * still waiting for its header; a PROXY line from it is only a bad name,
 * and its address is its own. */
START_TEST(test_pp_untrusted_direct)
{
	struct keepd	k;
	struct client	c, t;
	char		out[4096];

	keepd_start(&k, PP_CONFIG);
	pp_connect(&t, k.port, NULL);
	ck_assert(client_try_connect_from(&c, k.port, "127.0.0.2"));
	client_want(&c, OFFERS, 2000, NULL, 0);
	client_want(&c, "Name: " GA, 2000, NULL, 0);
	pp_silent(&t, 300);
	client_close(&t);
	client_send(&c, "PROXY TCP4 203.0.113.7 127.0.0.1 5555 4000");
	client_want(&c, "Name: " GA, PP_WAIT_MS, out, sizeof out);
	ck_assert_msg(strstr(out, "Welcome") == NULL && strstr(out,
	    "(yes/no)") == NULL, "a PROXY line from an untrusted client was "
	    "taken for a name: \"%s\"", printable(out));
	ck_assert(pp_log_has(&k, "connection from 127.0.0.2", 2000));
	ck_assert_int_eq(keepd_log_lines(&k, "203.0.113.7"), 0);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The per-address login lockout counts the header's address: wrong
 * passwords from 203.0.113.20 lock it out, not 203.0.113.21 behind the
 * same proxy. */
START_TEST(test_pp_lockout)
{
	struct keepd	k;
	struct client	c;
	char		name[17], out[4096];

	test_sql("DELETE FROM login_guard WHERE key IN ('203.0.113.20',"
	    " '203.0.113.21', '127.0.0.1')");
	keepd_start(&k, PP_BASE(", \"max_connections_per_address\": 100000,"
	    " \"max_new_characters_per_address\": 100000,"
	    " \"login_free_failures\": 100,"
	    " \"login_address_free_failures\": 1"));
	pp_admin(&c, k.port, "203.0.113.22", name);
	client_close(&c);
	for (int i = 0; i < 3; i++) {
		pp_connect(&c, k.port, pp_header("203.0.113.20"));
		client_want(&c, "Name: " GA, PP_WAIT_MS, NULL, 0);
		client_send_want(&c, name, "Password: " GA, PP_WAIT_MS);
		client_send(&c, PP_WRONG);
		client_want(&c, GA, 20000, out, sizeof out);
		client_close(&c);
	}
	ck_assert_msg(strstr(out, "Too many wrong passwords") != NULL,
	    "203.0.113.20 not locked out: \"%s\"", printable(out));
	ck_assert_int_ge(sqlv("SELECT failures FROM login_guard WHERE"
	    " scope = 'address' AND key = '203.0.113.20'"), 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM login_guard WHERE"
	    " key = '127.0.0.1'"), 0);
	pp_connect(&c, k.port, pp_header("203.0.113.21"));
	client_login(&c, name, PP_PASSWORD);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
	test_sql("DELETE FROM login_guard WHERE key IN ('203.0.113.20',"
	    " '203.0.113.21', '203.0.113.22')");
}
END_TEST

/* The PROXY protocol suite. */
Suite *
proxyproto_suite(void)
{
	Suite	*s = suite_create("proxyproto");
	TCase	*tc = tcase_create("door");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pp_address);
	tcase_add_test(tc, test_pp_malformed);
	tcase_add_test(tc, test_pp_oversized);
	tcase_add_test(tc, test_pp_silent);
	tcase_add_test(tc, test_pp_connection_cap);
	tcase_add_test(tc, test_pp_untrusted_direct);
	tcase_add_test(tc, test_pp_lockout);
	suite_add_tcase(s, tc);
	return s;
}
