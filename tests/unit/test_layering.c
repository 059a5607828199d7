/*
 * test_layering.c — the architecture's grep-able contracts (DESIGN.md rule
 * 3): only server/db/ includes libpq, and SQL text appears nowhere else in
 * server/; and the layers' arrows point one way (net/, game/, db/ and ops/
 * include nothing from a layer they must not know).  Runs from the
 * repository root, as make test does.
 */
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep_test.h"

/* Read a whole file; NULL if it cannot be read. */
static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	buf[fread(buf, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return buf;
}

/* Check every .c/.h under dir (recursively) outside server/db/. */
static int
scan(const char *dir, regex_t *libpq, regex_t *sql, int *files)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	char		 path[1024];
	int		 bad = 0;

	ck_assert_msg(d != NULL, "cannot open %s (run from the repo root)",
	    dir);
	while ((de = readdir(d)) != NULL) {
		size_t	len = strlen(de->d_name);
		char	*text;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR) {
			if (strcmp(path, "server/db") != 0)
				bad += scan(path, libpq, sql, files);
			continue;
		}
		if (len < 3 || (strcmp(de->d_name + len - 2, ".c") != 0 &&
		    strcmp(de->d_name + len - 2, ".h") != 0))
			continue;
		text = slurp(path);
		ck_assert_ptr_nonnull(text);
		(*files)++;
		if (regexec(libpq, text, 0, NULL, 0) == 0) {
			fprintf(stderr, "layering: %s includes libpq\n", path);
			bad++;
		}
		if (regexec(sql, text, 0, NULL, 0) == 0) {
			fprintf(stderr, "layering: %s contains SQL\n", path);
			bad++;
		}
		free(text);
	}
	closedir(d);
	return bad;
}

START_TEST(test_libpq_and_sql_only_in_db)
{
	regex_t	libpq, sql;
	int	files = 0, bad;

	ck_assert_int_eq(regcomp(&libpq,
	    "#[[:space:]]*include[[:space:]]*[<\"]libpq", REG_EXTENDED), 0);
	ck_assert_int_eq(regcomp(&sql, "\"[[:space:]]*(SELECT|INSERT|UPDATE|"
	    "DELETE|BEGIN|COMMIT|LISTEN|NOTIFY|CREATE|ALTER|DROP)[[:space:]]",
	    REG_EXTENDED), 0);
	bad = scan("server", &libpq, &sql, &files);
	ck_assert_int_gt(files, 10);
	ck_assert_msg(bad == 0, "%d layering violations (see stderr)", bad);
	regfree(&libpq);
	regfree(&sql);
}
END_TEST

/*
 * DESIGN.md: arrows point one way.  main wires everything; cmd/ uses net/,
 * db/ and game/; nothing below calls up, and the layers below know nothing
 * of each other: ops/ is the floor everyone may stand on.
 */
static const struct layer_rule {
	const char	*dir;
	const char	*forbidden;	/* alternatives of a regex group */
} layer_rules[] = {
	{ "server/net", "cmd|game|db" },
	{ "server/game", "cmd|db|net" },
	{ "server/db", "cmd|game|net" },
	{ "server/ops", "cmd|game|db|net" },
};

/* Compile the pattern of an #include of a header from a forbidden layer. */
static void
layer_regex(regex_t *re, const struct layer_rule *r)
{
	char	pat[256];

	snprintf(pat, sizeof pat, "#[[:space:]]*include[[:space:]]*[\"<]"
	    "(%s)/", r->forbidden);
	ck_assert_int_eq(regcomp(re, pat, REG_EXTENDED), 0);
}

/* The files of dir (one level: layers have no subfolders) that break r. */
static int
layer_scan(const struct layer_rule *r, int *files)
{
	regex_t		 re;
	DIR		*d = opendir(r->dir);
	struct dirent	*de;
	char		 path[512], *text;
	int		 bad = 0;

	ck_assert_msg(d != NULL, "cannot open %s (run from the repo root)",
	    r->dir);
	layer_regex(&re, r);
	while ((de = readdir(d)) != NULL) {
		size_t	len = strlen(de->d_name);

		if (len < 3 || (strcmp(de->d_name + len - 2, ".c") != 0 &&
		    strcmp(de->d_name + len - 2, ".h") != 0))
			continue;
		snprintf(path, sizeof path, "%s/%s", r->dir, de->d_name);
		ck_assert_ptr_nonnull(text = slurp(path));
		(*files)++;
		if (regexec(&re, text, 0, NULL, 0) == 0) {
			fprintf(stderr, "layering: %s includes a header of "
			    "%s\n", path, r->forbidden);
			bad++;
		}
		free(text);
	}
	closedir(d);
	regfree(&re);
	return bad;
}

START_TEST(test_layers_point_one_way)
{
	int	bad = 0;

	for (size_t i = 0; i < sizeof layer_rules / sizeof layer_rules[0];
	    i++) {
		int	files = 0;

		bad += layer_scan(&layer_rules[i], &files);
		ck_assert_msg(files >= 4, "%s: only %d files: wrong folder?",
		    layer_rules[i].dir, files);
	}
	ck_assert_msg(bad == 0, "%d includes against the arrows (see stderr)",
	    bad);
}
END_TEST

/* The patterns the test above uses catch what they must, and only that. */
START_TEST(test_layer_patterns)
{
	static const struct {
		const char	*dir, *line;
		int		 caught;
	} cases[] = {
		{ "server/net", "#include \"cmd/game.h\"", 1 },
		{ "server/net", "# include \"db/store.h\"", 1 },
		{ "server/net", "#include <game/text.h>", 1 },
		{ "server/net", "#include \"ops/log.h\"", 0 },
		{ "server/net", "#include \"net/telnet.h\"", 0 },
		{ "server/game", "#include \"db/store.h\"", 1 },
		{ "server/game", "#include \"cmd/cmd.h\"", 1 },
		{ "server/game", "#include \"net/session.h\"", 1 },
		{ "server/game", "#include \"game/text.h\"", 0 },
		{ "server/db", "#include \"cmd/tick.h\"", 1 },
		{ "server/db", "#include \"game/rules_item.h\"", 1 },
		{ "server/db", "#include \"net/session.h\"", 1 },
		{ "server/db", "#include \"db/store_int.h\"", 0 },
		{ "server/ops", "#include \"db/pool.h\"", 1 },
		{ "server/ops", "#include \"util.h\"", 0 },
		{ "server/net", "/* see dbstats in cmd_info */", 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct layer_rule	*r = NULL;
		regex_t			 re;

		for (size_t k = 0; k < sizeof layer_rules /
		    sizeof layer_rules[0]; k++)
			if (strcmp(layer_rules[k].dir, cases[i].dir) == 0)
				r = &layer_rules[k];
		ck_assert_ptr_nonnull(r);
		layer_regex(&re, r);
		ck_assert_msg((regexec(&re, cases[i].line, 0, NULL, 0) == 0) ==
		    cases[i].caught, "%s: %s", cases[i].dir, cases[i].line);
		regfree(&re);
	}
}
END_TEST

START_TEST(test_checker_catches_violations)
{
	regex_t	sql;

	/* The pattern must catch the usual shapes, or the test above is moot. */
	ck_assert_int_eq(regcomp(&sql, "\"[[:space:]]*(SELECT|INSERT|UPDATE|"
	    "DELETE|BEGIN|COMMIT|LISTEN|NOTIFY|CREATE|ALTER|DROP)[[:space:]]",
	    REG_EXTENDED), 0);
	ck_assert_int_eq(regexec(&sql, "x = \"SELECT id FROM t\";", 0, NULL,
	    0), 0);
	ck_assert_int_eq(regexec(&sql, "x = \" UPDATE t SET\";", 0, NULL, 0),
	    0);
	ck_assert_int_ne(regexec(&sql, "\"Select a weapon.\"", 0, NULL, 0),
	    0);
	regfree(&sql);
}
END_TEST

Suite *
layering_suite(void)
{
	Suite	*s = suite_create("layering");
	TCase	*tc = tcase_create("layering");

	tcase_add_test(tc, test_libpq_and_sql_only_in_db);
	tcase_add_test(tc, test_layers_point_one_way);
	tcase_add_test(tc, test_layer_patterns);
	tcase_add_test(tc, test_checker_catches_violations);
	suite_add_tcase(s, tc);
	return s;
}
