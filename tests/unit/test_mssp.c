/*
 * test_mssp.c — the MSSP variables (game/mssp.c) and their configuration:
 * every variable of docs/protocol.md by its exact name, one value per
 * name, values printable ASCII and bounded, configured text left empty
 * left out, and the plain-text form's lines.  No database.
 */
#include <check.h>
#include <string.h>

#include "game/mssp.h"
#include "ops/buf.h"
#include "ops/config.h"
#include "ops/util.h"
#include "keep_test.h"

/* The names docs/protocol.md lists, always sent with the defaults. */
static const char *const mssp_always[] = {
	"NAME", "PLAYERS", "UPTIME", "CRAWL DELAY", "CODEBASE", "PORT",
	"LANGUAGE", "MINIMUM AGE", "FAMILY", "GENRE", "SUBGENRE", "GAMEPLAY",
	"STATUS", "GAMESYSTEM", "AREAS", "ROOMS", "MOBILES", "OBJECTS",
	"HELPFILES", "LEVELS", "CLASSES", "RACES", "SKILLS", "ANSI", "GMCP",
	"MCCP", "MSDP", "MSP", "MXP", "MCP", "PUEBLO", "UTF-8", "VT100",
	"XTERM 256 COLORS", "XTERM TRUE COLORS", "PAY TO PLAY",
	"PAY FOR PERKS", "HIRING BUILDERS", "HIRING CODERS",
};
/* Sent only when configured. */
static const char *const mssp_optional[] = {
	"HOSTNAME", "CONTACT", "WEBSITE", "CREATED", "LOCATION",
};

static const struct mssp_figures figs = { 3, 1795000000, 4, 120, 30, 60, 25 };

/* Load cfg from json, or fail. */
static void
load(struct config *cfg, const char *json)
{
	char	err[256];

	ck_assert_msg(config_load_string(cfg, json, err, sizeof err), "%s",
	    err);
}

/* The value of name in v, or NULL; fails if the name is there twice. */
static const char *
value_of(const struct mssp_vars *v, const char *name)
{
	const char	*found = NULL;

	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->names[i], name) != 0)
			continue;
		ck_assert_msg(found == NULL, "%s sent twice", name);
		found = v->values[i];
	}
	return found;
}

/* Every value printable ASCII (no TAB, no 00/01/02/FF), non-empty. */
static void
check_values(const struct mssp_vars *v)
{
	for (size_t i = 0; i < v->n; i++) {
		const unsigned char	*p = (const unsigned char *)v->values[i];

		ck_assert_ptr_nonnull(v->names[i]);
		ck_assert_msg(*p != '\0', "%s is empty", v->names[i]);
		ck_assert_uint_le(strlen(v->values[i]), MSSP_VALUE_MAX);
		for (; *p != '\0'; p++)
			ck_assert_msg(*p >= 0x20 && *p <= 0x7e, "%s has byte "
			    "%02x", v->names[i], *p);
		for (p = (const unsigned char *)v->names[i]; *p != '\0'; p++)
			ck_assert_msg((*p >= 'A' && *p <= 'Z') || *p == ' ' ||
			    *p == '-' || (*p >= '0' && *p <= '9'),
			    "odd name %s", v->names[i]);
	}
}

START_TEST(test_mssp_defaults)
{
	struct config		cfg;
	static struct mssp_vars	v;

	load(&cfg, "{}");
	mssp_build(&v, &cfg, &figs, 1700000000);
	check_values(&v);
	for (size_t i = 0; i < nitems(mssp_always); i++)
		ck_assert_msg(value_of(&v, mssp_always[i]) != NULL,
		    "%s missing", mssp_always[i]);
	for (size_t i = 0; i < nitems(mssp_optional); i++)
		ck_assert_msg(value_of(&v, mssp_optional[i]) == NULL,
		    "%s sent though unset", mssp_optional[i]);
	ck_assert_uint_eq(v.n, nitems(mssp_always));
	ck_assert_str_eq(value_of(&v, "NAME"), "Keep");
	ck_assert_str_eq(value_of(&v, "PLAYERS"), "3");
	ck_assert_str_eq(value_of(&v, "UPTIME"), "1795000000");
	ck_assert_str_eq(value_of(&v, "CRAWL DELAY"), "-1");
	ck_assert_str_eq(value_of(&v, "CODEBASE"), "Keep 0.10");
	ck_assert_str_eq(value_of(&v, "PORT"), "4000");
	ck_assert_str_eq(value_of(&v, "ROOMS"), "120");
	ck_assert_str_eq(value_of(&v, "MOBILES"), "30");
	ck_assert_str_eq(value_of(&v, "OBJECTS"), "60");
	ck_assert_str_eq(value_of(&v, "HELPFILES"), "25");
	ck_assert_str_eq(value_of(&v, "AREAS"), "4");
	ck_assert_str_eq(value_of(&v, "LANGUAGE"), "English");
	ck_assert_str_eq(value_of(&v, "MINIMUM AGE"), "0");
	ck_assert_str_eq(value_of(&v, "SUBGENRE"), "Medieval Fantasy");
	ck_assert_str_eq(value_of(&v, "GMCP"), "1");
	ck_assert_str_eq(value_of(&v, "MXP"), "0");
	ck_assert_str_eq(value_of(&v, "UTF-8"), "1");
	ck_assert_str_eq(value_of(&v, "XTERM 256 COLORS"), "1");
	ck_assert_str_eq(value_of(&v, "PAY TO PLAY"), "0");
	/* No TLS port: Mudlet would offer a TLS reconnect to it. */
	ck_assert_ptr_null(value_of(&v, "SSL"));
	ck_assert_ptr_null(value_of(&v, "TLS"));
	config_free(&cfg);
}
END_TEST

START_TEST(test_mssp_configured)
{
	struct config		cfg;
	static struct mssp_vars	v;
	struct mssp_figures	f = figs;

	load(&cfg, "{\"port\": 4001, \"public_port\": 23,"
	    " \"mud_name\": \"The Keep\", \"mssp_contact\": \"ops@example.org\","
	    " \"mssp_website\": \"https://example.org\","
	    " \"mssp_hostname\": \"keep.example.org\","
	    " \"mssp_location\": \"Germany\", \"mssp_created\": \"2026\","
	    " \"mssp_language\": \"\", \"mssp_minimum_age\": 13,"
	    " \"mssp_status\": \"Live\"}");
	f.started = 0;		/* no instance row: this process's start */
	mssp_build(&v, &cfg, &f, 1700000000);
	check_values(&v);
	ck_assert_str_eq(value_of(&v, "NAME"), "The Keep");
	ck_assert_str_eq(value_of(&v, "PORT"), "23");
	ck_assert_str_eq(value_of(&v, "UPTIME"), "1700000000");
	ck_assert_str_eq(value_of(&v, "CONTACT"), "ops@example.org");
	ck_assert_str_eq(value_of(&v, "WEBSITE"), "https://example.org");
	ck_assert_str_eq(value_of(&v, "HOSTNAME"), "keep.example.org");
	ck_assert_str_eq(value_of(&v, "LOCATION"), "Germany");
	ck_assert_str_eq(value_of(&v, "CREATED"), "2026");
	ck_assert_str_eq(value_of(&v, "MINIMUM AGE"), "13");
	ck_assert_str_eq(value_of(&v, "STATUS"), "Live");
	ck_assert_ptr_null(value_of(&v, "LANGUAGE"));
	ck_assert_uint_eq(v.n, nitems(mssp_always) +
	    nitems(mssp_optional) - 1);
	config_free(&cfg);
}
END_TEST

/* A value the configuration could not hold (set in the struct directly)
 * still reaches the wire as bounded printable ASCII. */
START_TEST(test_mssp_sanitised)
{
	struct config		cfg;
	static struct mssp_vars	v;
	char			long_name[600], *saved;
	struct mssp_figures	f = { -1, 0, -1, -1, -1, -1, -1 };

	load(&cfg, "{}");
	saved = cfg.mud_name;
	cfg.mud_name = (char *)"Bad\001\002\377\tName\r\n";
	mssp_build(&v, &cfg, &f, 1700000000);
	check_values(&v);
	ck_assert_str_eq(value_of(&v, "NAME"), "Bad????Name??");
	ck_assert_str_eq(value_of(&v, "PLAYERS"), "-1");
	memset(long_name, 'k', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	cfg.mud_name = long_name;
	mssp_build(&v, &cfg, &f, 1700000000);
	check_values(&v);
	ck_assert_uint_eq(strlen(value_of(&v, "NAME")), MSSP_VALUE_MAX);
	cfg.mud_name = saved;
	config_free(&cfg);
}
END_TEST

START_TEST(test_mssp_plain_form)
{
	struct config		cfg;
	static struct mssp_vars	v;
	struct buf		b = { 0 };
	const char		*s;

	load(&cfg, "{}");
	mssp_build(&v, &cfg, &figs, 1700000000);
	mssp_plain(&b, &v);
	s = buf_str(&b);
	ck_assert_msg(strncmp(s, "\nMSSP-REPLY-START\n", 18) == 0, "%s",
	    printable(s));
	ck_assert_msg(strstr(s, "\nNAME\tKeep\n") != NULL, "%s", printable(s));
	ck_assert_msg(strstr(s, "\nPLAYERS\t3\n") != NULL, "%s",
	    printable(s));
	ck_assert_msg(strstr(s, "\nXTERM 256 COLORS\t1\n") != NULL, "%s",
	    printable(s));
	ck_assert_int_eq(strcmp(s + strlen(s) - 15, "MSSP-REPLY-END\n"), 0);
	ck_assert_int_eq(str_count(s, "\n"), (long)v.n + 3);
	ck_assert_int_eq(str_count(s, "\t"), (long)v.n);
	buf_free(&b);
	config_free(&cfg);
}
END_TEST

/* The MSSP keys refuse what the wire cannot carry, with a clear message. */
START_TEST(test_mssp_config_bounds)
{
	struct config	cfg;
	char		err[256], json[512];

	ck_assert(!config_load_string(&cfg, "{\"mud_name\": \"A\\u0001B\"}",
	    err, sizeof err));
	ck_assert_msg(strstr(err, "\"mud_name\" must be printable ASCII") !=
	    NULL, "%s", err);
	ck_assert(!config_load_string(&cfg,
	    "{\"mssp_location\": \"Z\\u00fcrich\"}", err, sizeof err));
	ck_assert_msg(strstr(err, "mssp_location") != NULL, "%s", err);
	ck_assert(!config_load_string(&cfg, "{\"mud_name\": \"\"}", err,
	    sizeof err));
	ck_assert_msg(strstr(err, "must not be empty") != NULL, "%s", err);
	snprintf(json, sizeof json, "{\"mssp_contact\": \"%0201d\"}", 0);
	ck_assert(!config_load_string(&cfg, json, err, sizeof err));
	ck_assert_msg(strstr(err, "201 bytes long, outside 0..200") != NULL,
	    "%s", err);
	ck_assert(!config_load_string(&cfg, "{\"public_port\": 65536}", err,
	    sizeof err));
	ck_assert(!config_load_string(&cfg, "{\"mssp_minimum_age\": -1}",
	    err, sizeof err));
}
END_TEST

/* The mssp_unit suite (no database). */
Suite *
mssp_unit_suite(void)
{
	Suite	*s = suite_create("mssp_unit");
	TCase	*tc = tcase_create("mssp_unit");

	tcase_add_test(tc, test_mssp_defaults);
	tcase_add_test(tc, test_mssp_configured);
	tcase_add_test(tc, test_mssp_sanitised);
	tcase_add_test(tc, test_mssp_plain_form);
	tcase_add_test(tc, test_mssp_config_bounds);
	suite_add_tcase(s, tc);
	return s;
}
