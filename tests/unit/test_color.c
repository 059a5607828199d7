/*
 * test_color.c — colour markup rendering (net/color.c): SGR per mode, a
 * reset before every line end that switched colour, nothing at all for a
 * session without colour, and no raw ESC ever passed through.
 */
#include <check.h>
#include <string.h>

#include "net/color.h"
#include "keep_test.h"

/* Render in whole in mode and compare with want. */
static void
render_is(const char *in, enum color_mode mode, const char *want)
{
	char	out[512];
	size_t	used;
	int	active = 0;

	color_render(in, strlen(in), mode, out, sizeof out, &used, &active);
	ck_assert_uint_eq(used, strlen(in));
	ck_assert_msg(strcmp(out, want) == 0, "render(\"%s\", %d) = \"%s\", "
	    "want \"%s\"", printable(in), (int)mode, printable(out),
	    printable(want));
	ck_assert_int_eq(active, 0);
}

START_TEST(test_color_off_is_plain)
{
	render_is(CM_BCYAN "Market Street" CM_RESET "\n", COLOR_OFF,
	    "Market Street\n");
	render_is("a" CM_256("208") "b" CM_RESET, COLOR_OFF, "ab");
	render_is("esc\x1b[31mape", COLOR_OFF, "esc[31mape");
	render_is("\001", COLOR_OFF, "");
	render_is("\001#12", COLOR_OFF, "");
}
END_TEST

START_TEST(test_color_16)
{
	render_is(CM_BCYAN "Hall" CM_RESET "\n", COLOR_16,
	    "\x1b[1;36mHall\x1b[0m\n");
	/* A line that switched colour is reset before its end, and so is
	 * the end of the text (the prompt never inherits a colour). */
	render_is(CM_RED "hurt\nok", COLOR_16, "\x1b[0;31mhurt\x1b[0m\nok");
	render_is(CM_GREEN "<20/20hp> ", COLOR_16,
	    "\x1b[0;32m<20/20hp> \x1b[0m");
	/* 256 down to the nearest 16: 196 is pure red, bright. */
	render_is(CM_256("196") "x", COLOR_16, "\x1b[1;31mx\x1b[0m");
	render_is("\001?unknown", COLOR_16, "unknown");
	render_is("e\x1b[2Jx", COLOR_16, "e[2Jx");
}
END_TEST

START_TEST(test_color_256)
{
	render_is(CM_256("208") "o" CM_RESET, COLOR_256,
	    "\x1b[38;5;208mo\x1b[0m");
	render_is(CM_256("999") "o", COLOR_256, "o");
}
END_TEST

/* Output smaller than the text: every call makes progress, never splits
 * a code, and the pieces join to the whole. */
START_TEST(test_color_chunks)
{
	const char	*in = CM_BCYAN "The Hall" CM_RESET "\n" CM_RED "x\n";
	char		 whole[256] = "", out[32];
	size_t		 len = strlen(in), used;
	int		 active = 0;

	while (len > 0) {
		color_render(in, len, COLOR_16, out, sizeof out, &used,
		    &active);
		ck_assert_uint_gt(used, 0);
		strcat(whole, out);
		in += used;
		len -= used;
	}
	ck_assert_str_eq(whole, "\x1b[1;36mThe Hall\x1b[0m\n\x1b[0;31mx"
	    "\x1b[0m\n");
}
END_TEST

START_TEST(test_color_strip)
{
	char	buf[64] = CM_YELLOW "A guard" CM_RESET " waits.";

	color_strip(buf);
	ck_assert_str_eq(buf, "A guard waits.");
}
END_TEST

Suite *
color_suite(void)
{
	Suite	*s = suite_create("color");
	TCase	*tc = tcase_create("render");

	tcase_add_test(tc, test_color_off_is_plain);
	tcase_add_test(tc, test_color_16);
	tcase_add_test(tc, test_color_256);
	tcase_add_test(tc, test_color_chunks);
	tcase_add_test(tc, test_color_strip);
	suite_add_tcase(s, tc);
	return s;
}
