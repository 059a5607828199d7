/*
 * test_layering.c — the architecture's grep-able contracts (DESIGN.md rule
 * 3): only server/db/ includes libpq, and SQL text appears nowhere else in
 * server/; the transport (server/net/) includes nothing from the layers
 * above it.  Runs from the repository root, as make test does.
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
 * DESIGN.md: arrows point one way.  The transport (server/net/) knows no
 * game: it includes no header of game/, db/ or cmd/ and is handed
 * callbacks (struct session_cbs) instead.
 */
START_TEST(test_net_includes_nothing_above)
{
	regex_t		 up;
	DIR		*d = opendir("server/net");
	struct dirent	*de;
	char		 path[512], *text;
	int		 files = 0, bad = 0;

	ck_assert_int_eq(regcomp(&up, "#[[:space:]]*include[[:space:]]*\""
	    "(game|db|cmd)/", REG_EXTENDED), 0);
	ck_assert_msg(d != NULL, "cannot open server/net (run from the repo "
	    "root)");
	while ((de = readdir(d)) != NULL) {
		size_t	len = strlen(de->d_name);

		if (len < 3 || (strcmp(de->d_name + len - 2, ".c") != 0 &&
		    strcmp(de->d_name + len - 2, ".h") != 0))
			continue;
		snprintf(path, sizeof path, "server/net/%s", de->d_name);
		ck_assert_ptr_nonnull(text = slurp(path));
		files++;
		if (regexec(&up, text, 0, NULL, 0) == 0) {
			fprintf(stderr, "layering: %s includes a header from "
			    "above the transport\n", path);
			bad++;
		}
		free(text);
	}
	closedir(d);
	ck_assert_int_ge(files, 4);
	ck_assert_msg(bad == 0, "%d files of server/net include game/, db/ or "
	    "cmd/ headers (see stderr)", bad);
	ck_assert_int_eq(regexec(&up, "#include \"cmd/game.h\"", 0, NULL,
	    0), 0);
	regfree(&up);
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
	tcase_add_test(tc, test_net_includes_nothing_above);
	tcase_add_test(tc, test_checker_catches_violations);
	suite_add_tcase(s, tc);
	return s;
}
