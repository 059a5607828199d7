/*
 * test_limit.c — unit tests for the pure parts of input limits: cleaning
 * typed text of terminal controls (text_strip_controls), the token bucket
 * and the refused-input log accounting (net/limit.c).
 */
#include <check.h>
#include <string.h>

#include "game/text.h"
#include "net/limit.h"
#include "keep_test.h"

/* Strip in and compare with want. */
static void
strip_is(const char *in, const char *want)
{
	char	buf[600];
	size_t	n;

	ck_assert_uint_lt(strlen(in), sizeof buf);
	strcpy(buf, in);
	n = text_strip_controls(buf);
	ck_assert_msg(strcmp(buf, want) == 0, "strip(\"%s\") = \"%s\", want "
	    "\"%s\"", printable(in), printable(buf), printable(want));
	ck_assert_uint_eq(n, strlen(want));
}

/* Every control a terminal obeys goes; TAB becomes a space. */
START_TEST(test_strip_controls)
{
	strip_is("", "");
	strip_is("hello", "hello");
	strip_is("a\x1b[31mred", "a[31mred");			/* ESC */
	strip_is("\x01\x07\x08\x0a\x0d\x1f", "");		/* C0 */
	strip_is("a\tb", "a b");
	strip_is("del\x7fx", "delx");
	strip_is("\xc2\x9b" "31m", "31m");			/* U+009B CSI */
	strip_is("\xc2\x9d" "0;t\xc2\x9c", "0;t");		/* OSC, ST */
	strip_is("a\xc2\x85" "b\xc2\x80" "c\xc2\x9f", "abc");	/* NEL.. */
	strip_is("\xe2\x80\xae" "evil", "evil");		/* U+202E */
	strip_is("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "");
	strip_is("\xe2\x81\xa6" "x\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "x");
}
END_TEST

/* What looks like a control but is not one is kept, byte for byte. */
START_TEST(test_strip_keeps_text)
{
	strip_is("caf\xc3\xa9 \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac",
	    "caf\xc3\xa9 \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac");
	strip_is("\xc2\xa0nbsp \xc2\xa9", "\xc2\xa0nbsp \xc2\xa9");	/* U+00A0 */
	strip_is("\xe2\x80\xa9\xe2\x80\xaf", "\xe2\x80\xa9\xe2\x80\xaf");
	strip_is("\xe2\x81\xa5\xe2\x81\xaa", "\xe2\x81\xa5\xe2\x81\xaa");
	strip_is("\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!");
	/* Bytes that only start a control, at the very end, are kept. */
	strip_is("a\xc2", "a\xc2");
	strip_is("a\xe2\x80", "a\xe2\x80");
	strip_is("~ }", "~ }");
}
END_TEST

/* A full bucket gives burst tokens at once, then rate a second. */
START_TEST(test_bucket)
{
	struct limit_bucket	b = { 0 };
	uint64_t		t = 1000000;
	int			got = 0;

	ck_assert(limit_refill(&b, t, 10, 30));
	for (int i = 0; i < 100; i++)
		got += limit_take(&b);
	ck_assert_int_eq(got, 30);
	ck_assert(!limit_refill(&b, t + 99000, 10, 30));
	ck_assert(!limit_take(&b));		/* 0.99 of a token */
	ck_assert(!limit_refill(&b, t + 100000, 10, 30));
	ck_assert(limit_take(&b));
	ck_assert(!limit_take(&b));
	/* 3 s of quiet fill it again, and no more than that. */
	ck_assert(limit_refill(&b, t + 3100000, 10, 30));
	ck_assert(limit_refill(&b, t + 60000000, 10, 30));
	for (got = 0; limit_take(&b); got++)
		;
	ck_assert_int_eq(got, 30);
	/* A clock that goes backwards earns nothing. */
	ck_assert(!limit_refill(&b, t, 10, 30));
	ck_assert(!limit_take(&b));
}
END_TEST

/* The first few refusals are logged, the rest summed up once. */
START_TEST(test_log_summary)
{
	struct limit_log	l = { 0 };
	char			out[256];
	int			alone = 0;

	ck_assert(!limit_log_summary(&l, 10, out, sizeof out));
	for (int i = 0; i < 4005; i++)
		alone += limit_log_count(&l, LIMIT_TOO_LONG);
	for (int i = 0; i < 210; i++)
		alone += limit_log_count(&l, LIMIT_UTF8);
	ck_assert_int_eq(alone, LIMIT_LOG_FIRST);
	ck_assert(limit_log_summary(&l, 10, out, sizeof out));
	ck_assert_str_eq(out, "4,210 lines refused in the last 10 s (too "
	    "long: 4,000, invalid UTF-8: 210)");
	ck_assert(!limit_log_summary(&l, 10, out, sizeof out));
	ck_assert(!limit_log_count(&l, LIMIT_RATE));
	ck_assert(limit_log_summary(&l, 3, out, sizeof out));
	ck_assert_str_eq(out, "1 line refused in the last 3 s (over the "
	    "command rate: 1)");
	for (int i = 0; i < 1234567; i++)
		(void)limit_log_count(&l, LIMIT_NUL);
	(void)limit_log_count(&l, LIMIT_QUEUE);
	ck_assert(limit_log_summary(&l, 10, out, 24));
	ck_assert_str_eq(out, "1,234,568 lines refused");
}
END_TEST

/* The limit test suite (pure functions, no database). */
Suite *
limit_suite(void)
{
	Suite	*s = suite_create("limit");
	TCase	*tc = tcase_create("limit");

	tcase_add_test(tc, test_strip_controls);
	tcase_add_test(tc, test_strip_keeps_text);
	tcase_add_test(tc, test_bucket);
	tcase_add_test(tc, test_log_summary);
	suite_add_tcase(s, tc);
	return s;
}
