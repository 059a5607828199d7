/*
 * test_store_shape.c — the store keeps one of each (issue 8): every status
 * its API returns must be looked at (STORE_MUST_CHECK), a number becomes a
 * parameter only through STORE_NUM and a boolean column is read only with
 * store_get_bool (no hand-made copies in the store_*.c files), and the
 * handlers' one error mapper maps as documented.  Runs from the repository
 * root, as make test does.
 */
#include <glob.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_util.h"
#include "keep_test.h"

/*
 * Lines of the files matching pattern that match re (and, with need, whose
 * declaration up to its ';' lacks need, a regular expression); each is
 * reported.  Returns how many.
 */
static int
shape_lines(const char *pattern, const char *re, const char *need)
{
	glob_t	 g;
	regex_t	 rx, nx;
	int	 bad = 0;

	ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_int_eq(regcomp(&nx, need != NULL ? need : "^$",
	    REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(glob(pattern, 0, NULL, &g) == 0, "no %s (run from the "
	    "repo root)", pattern);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE	*f = fopen(g.gl_pathv[i], "r");
		char	 line[512], decl[2048];
		int	 n = 0;

		ck_assert_ptr_nonnull(f);
		while (fgets(line, sizeof line, f) != NULL) {
			n++;
			if (regexec(&rx, line, 0, NULL, 0) != 0)
				continue;
			decl[0] = '\0';
			strncat(decl, line, sizeof decl - 1);
			while (need != NULL && strchr(decl, ';') == NULL &&
			    fgets(line, sizeof line, f) != NULL)
				strncat(decl, line,
				    sizeof decl - strlen(decl) - 1);
			if (need != NULL && regexec(&nx, decl, 0, NULL, 0) == 0)
				continue;
			fprintf(stderr, "store shape: %s:%d: %s",
			    g.gl_pathv[i], n, decl);
			bad++;
		}
		fclose(f);
	}
	globfree(&g);
	regfree(&rx);
	regfree(&nx);
	return bad;
}

/* Every store function returning a status is STORE_MUST_CHECK (or says
 * warn_unused_result itself). */
START_TEST(test_store_status_must_be_checked)
{
	ck_assert_int_eq(shape_lines("server/db/store*.h",
	    "^(enum store_rc|bool)[[:space:]]+\\**[a-z_]+\\(",
	    "STORE_MUST_CHECK|warn_unused_result"), 0);
}
END_TEST

/* No store_*.c formats a number or reads a boolean by hand. */
START_TEST(test_store_one_formatter)
{
	ck_assert_int_eq(shape_lines("server/db/store_*.c",
	    "snprintf\\([^\"]*\"[{]?%(lld|d)[}]?\"", NULL), 0);
	ck_assert_int_eq(shape_lines("server/db/store_*.c",
	    "\"t\"\\) == 0|\\[0\\] == 't'", NULL), 0);
}
END_TEST

/* STORE_ERR is TX_ERROR and writes nothing; STORE_NONE is the refusal. */
START_TEST(test_cmd_refuse_rc)
{
	struct buf	out = { 0 };
	struct cmd_ctx	ctx = { .out = &out };

	ck_assert_int_eq(cmd_tx_rc(STORE_OK), TX_COMMIT);
	ck_assert_int_eq(cmd_tx_rc(STORE_NONE), TX_ROLLBACK);
	ck_assert_int_eq(cmd_tx_rc(STORE_ERR), TX_ERROR);
	ck_assert_int_eq(cmd_refuse_rc(&ctx, STORE_ERR, "No %s here.", "Bob"),
	    TX_ERROR);
	ck_assert_str_eq(buf_str(&out), "");
	ck_assert_int_eq(cmd_refuse_rc(&ctx, STORE_NONE, "No %s here.", "Bob"),
	    TX_ROLLBACK);
	ck_assert_str_eq(buf_str(&out), "No Bob here.\n");
	buf_free(&out);
}
END_TEST

/* The store_shape suite (no database). */
Suite *
store_shape_suite(void)
{
	Suite	*s = suite_create("store_shape");
	TCase	*tc = tcase_create("store_shape");

	tcase_add_test(tc, test_store_status_must_be_checked);
	tcase_add_test(tc, test_store_one_formatter);
	tcase_add_test(tc, test_cmd_refuse_rc);
	suite_add_tcase(s, tc);
	return s;
}
