/*
 * test_proxy.c — the pure parts of the PROXY protocol (suite
 * "proxy_unit"): the v1 header parser (net/proxy.c), lists of trusted
 * networks (ops/cidr.c), and the two configuration keys.
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "keep_test.h"
#include "net/proxy.h"
#include "ops/cidr.h"
#include "ops/config.h"

/* proxy_parse of the NUL-terminated text s. */
static enum proxy_rc
parse(const char *s, size_t *used, char host[INET6_ADDRSTRLEN])
{
	host[0] = '\0';
	*used = 0;
	return proxy_parse(s, strlen(s), used, host, INET6_ADDRSTRLEN);
}

START_TEST(test_proxy_good)
{
	char	host[INET6_ADDRSTRLEN];
	size_t	used;

	ck_assert_int_eq(parse("PROXY TCP4 203.0.113.7 127.0.0.1 5555 4000"
	    "\r\n", &used, host), PROXY_OK);
	ck_assert_str_eq(host, "203.0.113.7");
	ck_assert_uint_eq(used, 44);
	/* The client's bytes after the header are not the header's. */
	ck_assert_int_eq(parse("PROXY TCP6 2001:DB8:0::5 ::1 0 65535\r\n"
	    "Gandalf\r\n", &used, host), PROXY_OK);
	ck_assert_str_eq(host, "2001:db8::5");
	ck_assert_uint_eq(used, strlen("PROXY TCP6 2001:DB8:0::5 ::1 0 "
	    "65535\r\n"));
	ck_assert_int_eq(parse("PROXY UNKNOWN\r\n", &used, host),
	    PROXY_UNKNOWN);
	ck_assert_uint_eq(used, 15);
	ck_assert_int_eq(parse("PROXY UNKNOWN ffff::1 ::1 1 2\r\n", &used,
	    host), PROXY_UNKNOWN);
}
END_TEST

START_TEST(test_proxy_more)
{
	static const char	*full = "PROXY TCP4 203.0.113.7 127.0.0.1 5555 "
				    "4000\r\n";
	char			 host[INET6_ADDRSTRLEN];
	size_t			 used;

	/* Every proper prefix is "not yet". */
	for (size_t n = 0; n < strlen(full); n++)
		ck_assert_int_eq(proxy_parse(full, n, &used, host, sizeof host),
		    PROXY_MORE);
}
END_TEST

START_TEST(test_proxy_bad)
{
	static const char *const bad[] = {
		"GET / HTTP/1.0\r\n", "Gandalf\r\n", "P\xff", "proxy TCP4",
		"PROXY TCP4 203.0.113.7 127.0.0.1 5555 4000\n",
		"PROXY TCP4 203.0.113.7 127.0.0.1 5555 4000\rX",
		"PROXY TCP4 203.0.113.7 127.0.0.1 5555\r\n",
		"PROXY TCP4 203.0.113.7 127.0.0.1 5555 4000 1\r\n",
		"PROXY TCP4 203.0.113.7  127.0.0.1 5555 4000\r\n",
		"PROXY TCP4 203.0.113.7 127.0.0.1 5555 4000 \r\n",
		"PROXY  TCP4 203.0.113.7 127.0.0.1 5555 4000\r\n",
		"PROXY TCP4 203.0.113.256 127.0.0.1 5555 4000\r\n",
		"PROXY TCP4 ::1 127.0.0.1 5555 4000\r\n",
		"PROXY TCP6 203.0.113.7 ::1 5555 4000\r\n",
		"PROXY TCP4 203.0.113.7 127.0.0.1 65536 4000\r\n",
		"PROXY TCP4 203.0.113.7 127.0.0.1 05555 4000\r\n",
		"PROXY TCP4 203.0.113.7 127.0.0.1 -1 4000\r\n",
		"PROXY UDP4 203.0.113.7 127.0.0.1 5555 4000\r\n",
		"PROXY \r\n",
		"\r\n\r\n\0\r\nQUIT\n",	/* version 2's signature */
	};
	char	host[INET6_ADDRSTRLEN], big[300];
	size_t	used;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(parse(bad[i], &used, host) == PROXY_BAD,
		    "accepted \"%s\"", printable(bad[i]));
	/* 107 bytes and no CR LF; a CR LF only after byte 107. */
	memset(big, 'A', sizeof big);
	memcpy(big, "PROXY UNKNOWN ", 14);
	ck_assert_int_eq(proxy_parse(big, PROXY_V1_MAX - 1, &used, host,
	    sizeof host), PROXY_MORE);
	ck_assert_int_eq(proxy_parse(big, PROXY_V1_MAX, &used, host,
	    sizeof host), PROXY_BAD);
	memcpy(big + PROXY_V1_MAX - 1, "\r\n", 2);
	ck_assert_int_eq(proxy_parse(big, PROXY_V1_MAX + 1, &used, host,
	    sizeof host), PROXY_BAD);
	memcpy(big + PROXY_V1_MAX - 2, "\r\n", 2);
	ck_assert_int_eq(proxy_parse(big, PROXY_V1_MAX, &used, host,
	    sizeof host), PROXY_UNKNOWN);
}
END_TEST

/* Whether text (IPv4 or IPv6) is in list. */
static bool
in_list(const struct cidr *list, size_t n, const char *text)
{
	struct sockaddr_in	v4 = { .sin_family = AF_INET };
	struct sockaddr_in6	v6 = { .sin6_family = AF_INET6 };

	if (inet_pton(AF_INET, text, &v4.sin_addr) == 1)
		return cidr_list_match(list, n, (struct sockaddr *)&v4);
	ck_assert(inet_pton(AF_INET6, text, &v6.sin6_addr) == 1);
	return cidr_list_match(list, n, (struct sockaddr *)&v6);
}

START_TEST(test_cidr)
{
	struct cidr	list[CIDR_LIST_MAX];
	size_t		n;
	char		err[128], many[2048];

	ck_assert(cidr_list_parse("", list, &n, err, sizeof err));
	ck_assert_uint_eq(n, 0);
	ck_assert(!in_list(list, n, "127.0.0.1"));
	ck_assert(cidr_list_parse(" 10.0.0.0/8,127.0.0.1 ,fd00::/8, "
	    "172.16.0.0/12 0.0.0.0/0x", list, &n, err, sizeof err) == false);
	ck_assert_ptr_nonnull(strstr(err, "0.0.0.0/0x"));
	ck_assert(cidr_list_parse(" 10.0.0.0/8,127.0.0.1 ,fd00::/8, "
	    "172.16.0.0/12", list, &n, err, sizeof err));
	ck_assert_uint_eq(n, 4);
	ck_assert(in_list(list, n, "10.89.3.4"));
	ck_assert(in_list(list, n, "127.0.0.1"));
	ck_assert(!in_list(list, n, "127.0.0.2"));
	ck_assert(in_list(list, n, "172.31.255.255"));
	ck_assert(!in_list(list, n, "172.32.0.1"));
	ck_assert(in_list(list, n, "fd12::1"));
	ck_assert(!in_list(list, n, "fe80::1"));
	/* IPv4-mapped IPv6 is the IPv4 address. */
	ck_assert(in_list(list, n, "::ffff:10.1.2.3"));
	ck_assert(!in_list(list, n, "::ffff:11.1.2.3"));
	ck_assert(cidr_list_parse("0.0.0.0/0", list, &n, err, sizeof err));
	ck_assert(in_list(list, n, "198.51.100.1"));
	ck_assert(!in_list(list, n, "2001:db8::1"));
	ck_assert(!cidr_list_parse("10.0.0.0/33", list, &n, err, sizeof err));
	ck_assert(!cidr_list_parse("::/129", list, &n, err, sizeof err));
	ck_assert(!cidr_list_parse("10.0.0.0/", list, &n, err, sizeof err));
	ck_assert(!cidr_list_parse("haproxy", list, &n, err, sizeof err));
	many[0] = '\0';
	for (int i = 0; i < CIDR_LIST_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
		    "10.0.0.%d,", i);
	ck_assert(!cidr_list_parse(many, list, &n, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "more than"));
}
END_TEST

START_TEST(test_proxy_config)
{
	struct config	cfg;
	char		err[256];

	ck_assert(config_load_string(&cfg, "{}", err, sizeof err));
	ck_assert(!cfg.proxy_protocol);
	ck_assert_str_eq(cfg.trusted_proxies, "");
	config_free(&cfg);
	ck_assert_msg(config_load_string(&cfg, "{\"proxy_protocol\": true, "
	    "\"trusted_proxies\": [\"10.0.0.0/8\", \"::1\"]}", err,
	    sizeof err), "%s", err);
	ck_assert(cfg.proxy_protocol);
	ck_assert_str_eq(cfg.trusted_proxies, "10.0.0.0/8, ::1");
	config_free(&cfg);
	ck_assert(config_load_string(&cfg, "{\"trusted_proxies\": "
	    "\"127.0.0.1/32, 10.0.0.1\"}", err, sizeof err));
	config_free(&cfg);
	ck_assert(!config_load_string(&cfg, "{\"proxy_protocol\": 1}", err,
	    sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "must be true or false"));
	ck_assert(!config_load_string(&cfg, "{\"trusted_proxies\": "
	    "\"10.0.0.0/8, haproxy\"}", err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "key \"trusted_proxies\""));
	ck_assert_ptr_nonnull(strstr(err, "\"haproxy\" is not"));
	ck_assert(!config_load_string(&cfg, "{\"trusted_proxies\": "
	    "[\"10.0.0.0/8\", 4]}", err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "array of strings"));
}
END_TEST

/* The proxy_unit suite. */
Suite *
proxy_unit_suite(void)
{
	Suite	*s = suite_create("proxy_unit");
	TCase	*tc = tcase_create("parse");

	tcase_add_test(tc, test_proxy_good);
	tcase_add_test(tc, test_proxy_more);
	tcase_add_test(tc, test_proxy_bad);
	tcase_add_test(tc, test_cidr);
	tcase_add_test(tc, test_proxy_config);
	suite_add_tcase(s, tc);
	return s;
}
