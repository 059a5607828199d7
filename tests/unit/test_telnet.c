/*
 * test_telnet.c — unit tests for the telnet state machine.
 *
 * Every event is recorded (with a copy of its payload) so tests can assert
 * the exact sequence.  Tests registered as loop tests run twice: _i == 0
 * feeds the input in one chunk, _i == 1 feeds it byte by byte.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/telnet.h"

Suite	*telnet_suite(void);

#define REC_MAX		64

struct rec_event {
	enum telnet_event_type	 type;
	uint8_t			 option;
	bool			 local;
	bool			 enabled;
	bool			 terminated;	/* LINE: data[len] was NUL */
	size_t			 len;
	uint8_t			 data[TELNET_MAX_SB + 1];
};

struct rec {
	size_t			 n;		/* events seen */
	struct rec_event	 ev[REC_MAX];	/* the first REC_MAX of them */
};

static struct telnet	tn;
static struct rec	rec;
static int		feed_mode;

/* Record one event, copying its payload. */
static void
rec_cb(const struct telnet_event *ev, void *arg)
{
	struct rec		*r = arg;
	struct rec_event	*e;

	if (r->n >= REC_MAX) {
		r->n++;
		return;
	}
	e = &r->ev[r->n++];
	memset(e, 0, sizeof *e);
	e->type = ev->type;
	e->option = ev->option;
	e->local = ev->local;
	e->enabled = ev->enabled;
	e->len = ev->len;
	ck_assert_uint_le(ev->len, sizeof e->data - 1);
	if (ev->len > 0)
		memcpy(e->data, ev->data, ev->len);
	if (ev->type == TELNET_EV_LINE)
		e->terminated = (ev->data[ev->len] == '\0');
}

/* Forget recorded events. */
static void
rec_clear(void)
{
	rec.n = 0;
}

/* Fresh machine and recorder before each test. */
static void
setup(void)
{
	memset(&rec, 0, sizeof rec);
	telnet_free(&tn);
	telnet_init(&tn, rec_cb, &rec);
	feed_mode = 0;
}

/* Feed bytes in one chunk or one at a time, as feed_mode says. */
static void
feed(const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	size_t		 i;

	if (feed_mode == 0) {
		telnet_feed(&tn, p, len);
		return;
	}
	for (i = 0; i < len; i++)
		telnet_feed(&tn, p + i, 1);
}

#define FEED(lit)	feed((lit), sizeof(lit) - 1)

/* Assert event i is a LINE with exactly these bytes. */
static void
assert_line(size_t i, const void *text, size_t len)
{
	ck_assert_uint_gt(rec.n, i);
	ck_assert_int_eq(rec.ev[i].type, TELNET_EV_LINE);
	ck_assert_uint_eq(rec.ev[i].len, len);
	ck_assert(rec.ev[i].terminated);
	if (len > 0)
		ck_assert_mem_eq(rec.ev[i].data, text, len);
}

#define ASSERT_LINE(i, lit)	assert_line((i), (lit), sizeof(lit) - 1)

/* Assert event i is a SEND of exactly these bytes. */
static void
assert_send(size_t i, const void *bytes, size_t len)
{
	ck_assert_uint_gt(rec.n, i);
	ck_assert_int_eq(rec.ev[i].type, TELNET_EV_SEND);
	ck_assert_uint_eq(rec.ev[i].len, len);
	ck_assert_mem_eq(rec.ev[i].data, bytes, len);
}

/* Assert event i is SEND of IAC verb option. */
static void
assert_cmd(size_t i, uint8_t verb, uint8_t option)
{
	uint8_t	cmd[3] = { TELNET_IAC, verb, option };

	assert_send(i, cmd, sizeof cmd);
}

/* Assert event i is an OPTION change. */
static void
assert_option(size_t i, uint8_t option, bool local, bool enabled)
{
	ck_assert_uint_gt(rec.n, i);
	ck_assert_int_eq(rec.ev[i].type, TELNET_EV_OPTION);
	ck_assert_uint_eq(rec.ev[i].option, option);
	ck_assert(rec.ev[i].local == local);
	ck_assert(rec.ev[i].enabled == enabled);
}

/* Feed IAC verb option. */
static void
feed_cmd(uint8_t verb, uint8_t option)
{
	uint8_t	cmd[3] = { TELNET_IAC, verb, option };

	feed(cmd, sizeof cmd);
}

/* ---- lines ------------------------------------------------------------ */

/* Every accepted line end gives exactly one line. */
START_TEST(test_line_endings)
{
	feed_mode = _i;
	FEED("crlf\r\nlf\ncrnul\r\0barecr\rnext\r\n");
	ck_assert_uint_eq(rec.n, 5);
	ASSERT_LINE(0, "crlf");
	ASSERT_LINE(1, "lf");
	ASSERT_LINE(2, "crnul");
	ASSERT_LINE(3, "barecr");
	ASSERT_LINE(4, "next");
}
END_TEST

/* Empty lines are delivered, NUL-terminated, with length 0. */
START_TEST(test_empty_lines)
{
	feed_mode = _i;
	FEED("\r\n\n\r\0");
	ck_assert_uint_eq(rec.n, 3);
	ASSERT_LINE(0, "");
	ASSERT_LINE(1, "");
	ASSERT_LINE(2, "");
}
END_TEST

/* CR in one feed and LF (or NUL) in the next still end only one line. */
START_TEST(test_crlf_split)
{
	telnet_feed(&tn, (const uint8_t *)"look\r", 5);
	ck_assert_uint_eq(rec.n, 1);
	telnet_feed(&tn, (const uint8_t *)"\n", 1);
	ck_assert_uint_eq(rec.n, 1);
	telnet_feed(&tn, (const uint8_t *)"say\r", 4);
	telnet_feed(&tn, (const uint8_t *)"\0", 1);
	ck_assert_uint_eq(rec.n, 2);
	telnet_feed(&tn, (const uint8_t *)"a\r", 2);
	telnet_feed(&tn, (const uint8_t *)"b\n", 2);
	ck_assert_uint_eq(rec.n, 4);
	ASSERT_LINE(0, "look");
	ASSERT_LINE(1, "say");
	ASSERT_LINE(2, "a");
	ASSERT_LINE(3, "b");
}
END_TEST

/* IAC IAC in data is one literal 255 byte in the line. */
START_TEST(test_escaped_iac_in_line)
{
	feed_mode = _i;
	FEED("a\xff\xff" "b\xff\xff\r\n");
	ck_assert_uint_eq(rec.n, 1);
	ASSERT_LINE(0, "a\xff" "b\xff");
}
END_TEST

/* BS and DEL erase one character, a whole UTF-8 sequence at a time. */
START_TEST(test_backspace)
{
	feed_mode = _i;
	FEED("ab\bc\r\n");
	FEED("\b\x7f\bx\r\n");
	FEED("caf\xc3\xa9\x7f\r\n");
	FEED("\xe2\x82\xac\xf0\x9f\x98\x80\b\b!\r\n");
	FEED("a\x80\x7f\r\n");
	ck_assert_uint_eq(rec.n, 5);
	ASSERT_LINE(0, "ac");
	ASSERT_LINE(1, "x");
	ASSERT_LINE(2, "caf");
	ASSERT_LINE(3, "!");
	ASSERT_LINE(4, "a");
}
END_TEST

/* Control bytes are dropped, TAB becomes a space, high bytes are kept. */
START_TEST(test_control_bytes)
{
	feed_mode = _i;
	FEED("a\x01" "b\x1b[0mc\tde\x07\x1f\xc3\xa9\r\n");
	ck_assert_uint_eq(rec.n, 1);
	ASSERT_LINE(0, "ab[0mc de\xc3\xa9");
}
END_TEST

/*
 * A NUL inside a line is not dropped: the whole line is refused (a
 * password "pass\0word" must not become "password").  CR NUL is still a
 * line end, and the line after a refused one is whole again.
 */
START_TEST(test_nul_refuses_line)
{
	feed_mode = _i;
	FEED("pass\0word\r\n");
	FEED("\0\r\n");
	FEED("ok\r\0next\r\n");
	FEED("a\0b\xff\xf8" "fine\n");
	ck_assert_uint_eq(rec.n, 5);
	ck_assert_int_eq(rec.ev[0].type, TELNET_EV_LINE_NUL);
	ck_assert_int_eq(rec.ev[1].type, TELNET_EV_LINE_NUL);
	ASSERT_LINE(2, "ok");
	ASSERT_LINE(3, "next");
	ASSERT_LINE(4, "fine");		/* IAC EL erased the line and its NUL */
}
END_TEST

/* TELNET_MAX_LINE bytes fit; one more is refused once, then all is well. */
START_TEST(test_line_limit)
{
	uint8_t	buf[TELNET_MAX_LINE + 2];

	feed_mode = _i;
	memset(buf, 'a', sizeof buf);
	feed(buf, TELNET_MAX_LINE);
	FEED("\r\n");
	ck_assert_uint_eq(rec.n, 1);
	assert_line(0, buf, TELNET_MAX_LINE);

	rec_clear();
	feed(buf, TELNET_MAX_LINE + 1);
	ck_assert_uint_eq(rec.n, 0);
	FEED("\r\n");
	FEED("next\r\n");
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_int_eq(rec.ev[0].type, TELNET_EV_LINE_TOO_LONG);
	ASSERT_LINE(1, "next");
}
END_TEST

/* A flood far past the limit gives one refusal, whatever the line end. */
START_TEST(test_line_flood)
{
	static uint8_t	buf[20000];

	feed_mode = _i;
	memset(buf, 'z', sizeof buf);
	feed(buf, sizeof buf);
	/* Backspaces cannot bring an over-long line back under the limit. */
	memset(buf, '\b', 1000);
	feed(buf, 1000);
	FEED("\n");
	FEED("ok\r");
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_int_eq(rec.ev[0].type, TELNET_EV_LINE_TOO_LONG);
	ASSERT_LINE(1, "ok");
}
END_TEST

/* ---- commands --------------------------------------------------------- */

/* IAC IP and IAC BRK interrupt; the line being typed is kept. */
START_TEST(test_interrupt)
{
	feed_mode = _i;
	FEED("ab\xff\xf4" "c\xff\xf3\r\n");
	ck_assert_uint_eq(rec.n, 3);
	ck_assert_int_eq(rec.ev[0].type, TELNET_EV_INTERRUPT);
	ck_assert_int_eq(rec.ev[1].type, TELNET_EV_INTERRUPT);
	ASSERT_LINE(2, "abc");
}
END_TEST

/* GA, NOP, DM, AO, EOR and a stray SE are swallowed without a trace. */
START_TEST(test_swallowed_commands)
{
	feed_mode = _i;
	FEED("a\xff\xf9" "b\xff\xf1" "c\xff\xf2" "d\xff\xf5" "e\xff\xef"
	    "f\xff\xf0" "g\xff\x01h\r\n");
	ck_assert_uint_eq(rec.n, 1);
	ASSERT_LINE(0, "abcdefgh");
}
END_TEST

/* EC erases a character, EL the whole line, AYT gets an answer. */
START_TEST(test_ec_el_ayt)
{
	feed_mode = _i;
	FEED("abc\xff\xf7\r\n");
	FEED("abc\xff\xf8" "d\r\n");
	FEED("\xff\xf6");
	ck_assert_uint_eq(rec.n, 3);
	ASSERT_LINE(0, "ab");
	ASSERT_LINE(1, "d");
	assert_send(2, "[Yes]\r\n", 7);
}
END_TEST

/* Record the events of input fed in up to three pieces. */
static void
run_pieces(const uint8_t *in, size_t len, size_t a, size_t b,
    struct rec *out)
{
	setup();
	telnet_support(&tn, TELNET_OPT_NAWS, false, true);
	telnet_feed(&tn, in, a);
	telnet_feed(&tn, in + a, b - a);
	telnet_feed(&tn, in + b, len - b);
	memcpy(out, &rec, sizeof *out);
}

/* Whether two recordings hold the same events. */
static bool
rec_equal(const struct rec *x, const struct rec *y)
{
	size_t	i;

	if (x->n != y->n)
		return (false);
	for (i = 0; i < x->n && i < REC_MAX; i++) {
		const struct rec_event	*p = &x->ev[i], *q = &y->ev[i];

		if (p->type != q->type || p->len != q->len ||
		    p->option != q->option || p->local != q->local ||
		    p->enabled != q->enabled ||
		    memcmp(p->data, q->data, p->len) != 0)
			return (false);
	}
	return (true);
}

/* Any split of the input, in two or three feeds, gives the same events. */
START_TEST(test_split_everywhere)
{
	static const uint8_t	in[] = {
		'h', 'e', 0xff, 0xff, 'y', 0xff, 0xf1, '\r',
		0xff, 0xfd, 0x03,		/* DO SGA: refused */
		0xff, 0xfb, 0x1f,		/* WILL NAWS: agreed */
		0xff, 0xfa, 0x1f, 0, 80, 0xff, 0xff, 24, 0xff, 0xf0,
		'o', 'k', '\r', '\n', 'x', 0xff, 0xf4, '\n'
	};
	static struct rec	ref, got;
	static const uint8_t	naws[] = { 0, 80, 0xff, 24 };
	size_t			a, b, len = sizeof in;

	run_pieces(in, len, 0, 0, &ref);
	ck_assert_uint_eq(ref.n, 8);
	ck_assert_int_eq(ref.ev[0].type, TELNET_EV_LINE);
	ck_assert_mem_eq(ref.ev[0].data, "he\xffy", 4);
	ck_assert_int_eq(ref.ev[1].type, TELNET_EV_SEND);
	ck_assert_mem_eq(ref.ev[1].data, "\xff\xfc\x03", 3);
	ck_assert_mem_eq(ref.ev[2].data, "\xff\xfd\x1f", 3);
	ck_assert_int_eq(ref.ev[3].type, TELNET_EV_OPTION);
	ck_assert_int_eq(ref.ev[4].type, TELNET_EV_SUBNEG);
	ck_assert_uint_eq(ref.ev[4].len, sizeof naws);
	ck_assert_mem_eq(ref.ev[4].data, naws, sizeof naws);
	ck_assert_int_eq(ref.ev[5].type, TELNET_EV_LINE);
	ck_assert_mem_eq(ref.ev[5].data, "ok", 2);
	ck_assert_int_eq(ref.ev[6].type, TELNET_EV_INTERRUPT);
	ck_assert_int_eq(ref.ev[7].type, TELNET_EV_LINE);
	ck_assert_mem_eq(ref.ev[7].data, "x", 1);

	for (a = 0; a <= len; a++) {
		for (b = a; b <= len; b++) {
			run_pieces(in, len, a, b, &got);
			ck_assert_msg(rec_equal(&ref, &got),
			    "split at %zu/%zu differs", a, b);
		}
	}
}
END_TEST

/* ---- option negotiation ----------------------------------------------- */

/* Requests for unsupported options are refused once; "off" is never acked. */
START_TEST(test_refuse_unsupported)
{
	feed_mode = _i;
	feed_cmd(TELNET_DO, 99);
	ck_assert_uint_eq(rec.n, 1);
	assert_cmd(0, TELNET_WONT, 99);
	feed_cmd(TELNET_WILL, TELNET_OPT_TTYPE);
	ck_assert_uint_eq(rec.n, 2);
	assert_cmd(1, TELNET_DONT, TELNET_OPT_TTYPE);

	/* The peer acknowledging our refusal gets no answer: no loop. */
	feed_cmd(TELNET_DONT, 99);
	feed_cmd(TELNET_WONT, TELNET_OPT_TTYPE);
	feed_cmd(TELNET_WONT, 77);
	feed_cmd(TELNET_DONT, 77);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert(!telnet_enabled(&tn, 99, true));
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_TTYPE, false));
}
END_TEST

/* Support is per side: a local-only option is refused on the peer's side. */
START_TEST(test_support_per_side)
{
	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_ECHO, true, false);
	feed_cmd(TELNET_WILL, TELNET_OPT_ECHO);
	ck_assert_uint_eq(rec.n, 1);
	assert_cmd(0, TELNET_DONT, TELNET_OPT_ECHO);
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_ECHO, false));
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_ECHO, true));
}
END_TEST

/* Supported options are agreed to once, reported, and turned off cleanly. */
START_TEST(test_supported_agreed)
{
	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_NAWS, false, true);
	telnet_support(&tn, TELNET_OPT_SGA, true, false);

	feed_cmd(TELNET_WILL, TELNET_OPT_NAWS);
	ck_assert_uint_eq(rec.n, 2);
	assert_cmd(0, TELNET_DO, TELNET_OPT_NAWS);
	assert_option(1, TELNET_OPT_NAWS, false, true);
	ck_assert(telnet_enabled(&tn, TELNET_OPT_NAWS, false));
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_NAWS, true));

	/* Already on: nothing is sent; the owner hears it was asked again. */
	feed_cmd(TELNET_WILL, TELNET_OPT_NAWS);
	ck_assert_uint_eq(rec.n, 3);
	ck_assert_int_eq(rec.ev[2].type, TELNET_EV_REPEAT);
	ck_assert_uint_eq(rec.ev[2].option, TELNET_OPT_NAWS);
	ck_assert(!rec.ev[2].local);

	feed_cmd(TELNET_DO, TELNET_OPT_SGA);
	ck_assert_uint_eq(rec.n, 5);
	assert_cmd(3, TELNET_WILL, TELNET_OPT_SGA);
	assert_option(4, TELNET_OPT_SGA, true, true);
	ck_assert(telnet_enabled(&tn, TELNET_OPT_SGA, true));

	feed_cmd(TELNET_WONT, TELNET_OPT_NAWS);
	ck_assert_uint_eq(rec.n, 7);
	assert_cmd(5, TELNET_DONT, TELNET_OPT_NAWS);
	assert_option(6, TELNET_OPT_NAWS, false, false);
	feed_cmd(TELNET_WONT, TELNET_OPT_NAWS);	/* already off: silence */
	ck_assert_uint_eq(rec.n, 7);
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_NAWS, false));
}
END_TEST

/* The password dance: WILL ECHO / DO ECHO / WONT ECHO / DONT ECHO, twice. */
START_TEST(test_offer_echo_acknowledged)
{
	int	round;

	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_ECHO, true, false);
	for (round = 0; round < 2; round++) {
		rec_clear();
		telnet_offer(&tn, TELNET_OPT_ECHO, true);
		telnet_offer(&tn, TELNET_OPT_ECHO, true);	/* in flight */
		ck_assert_uint_eq(rec.n, 1);
		assert_cmd(0, TELNET_WILL, TELNET_OPT_ECHO);
		ck_assert(!telnet_enabled(&tn, TELNET_OPT_ECHO, true));

		feed_cmd(TELNET_DO, TELNET_OPT_ECHO);
		ck_assert_uint_eq(rec.n, 2);			/* no reply */
		assert_option(1, TELNET_OPT_ECHO, true, true);
		ck_assert(telnet_enabled(&tn, TELNET_OPT_ECHO, true));

		FEED("secret\r\n");
		ASSERT_LINE(2, "secret");

		telnet_offer(&tn, TELNET_OPT_ECHO, false);
		ck_assert_uint_eq(rec.n, 5);
		assert_cmd(3, TELNET_WONT, TELNET_OPT_ECHO);
		assert_option(4, TELNET_OPT_ECHO, true, false);
		feed_cmd(TELNET_DONT, TELNET_OPT_ECHO);
		ck_assert_uint_eq(rec.n, 5);			/* no reply */
		ck_assert(!telnet_enabled(&tn, TELNET_OPT_ECHO, true));
	}
}
END_TEST

/*
 * The two password prompts with a client that answers everything, as
 * netkit/inetutils telnet does: WILL ECHO (DO), then WONT and at once WILL
 * again for the second prompt; its DONT (the answer to the WONT) comes
 * after that WILL, then its DO.  The DONT must not be taken as a refusal of
 * the new WILL (the DO would then be refused with a WONT, and the client
 * would show the second password): echo ends up on, with nothing sent.
 * Once more without the second prompt, the DONT just turns it off.
 */
START_TEST(test_announce_echo_answered)
{
	feed_mode = _i;
	telnet_announce(&tn, TELNET_OPT_ECHO, true);
	feed_cmd(TELNET_DO, TELNET_OPT_ECHO);
	ck_assert(telnet_enabled(&tn, TELNET_OPT_ECHO, true));
	rec_clear();
	telnet_announce(&tn, TELNET_OPT_ECHO, false);
	telnet_announce(&tn, TELNET_OPT_ECHO, true);
	ck_assert_uint_eq(rec.n, 3);
	assert_cmd(0, TELNET_WONT, TELNET_OPT_ECHO);
	assert_option(1, TELNET_OPT_ECHO, true, false);
	assert_cmd(2, TELNET_WILL, TELNET_OPT_ECHO);
	feed_cmd(TELNET_DONT, TELNET_OPT_ECHO);
	feed_cmd(TELNET_DO, TELNET_OPT_ECHO);
	ck_assert_uint_eq(rec.n, 4);			/* nothing sent */
	assert_option(3, TELNET_OPT_ECHO, true, true);
	ck_assert(telnet_enabled(&tn, TELNET_OPT_ECHO, true));
	/* After the second password: WONT, answered by DONT. */
	telnet_announce(&tn, TELNET_OPT_ECHO, false);
	feed_cmd(TELNET_DONT, TELNET_OPT_ECHO);
	ck_assert_uint_eq(rec.n, 6);
	assert_cmd(4, TELNET_WONT, TELNET_OPT_ECHO);
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_ECHO, true));
	/* The next offer is refused by a plain DONT. */
	telnet_announce(&tn, TELNET_OPT_ECHO, true);
	feed_cmd(TELNET_DONT, TELNET_OPT_ECHO);
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_ECHO, true));
	ck_assert_uint_eq(rec.n, 7);
}
END_TEST

/* Our offer refused: no reply, and withdrawing it sends nothing. */
START_TEST(test_offer_refused)
{
	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_ECHO, true, false);
	telnet_offer(&tn, TELNET_OPT_ECHO, true);
	feed_cmd(TELNET_DONT, TELNET_OPT_ECHO);
	telnet_offer(&tn, TELNET_OPT_ECHO, false);
	ck_assert_uint_eq(rec.n, 1);
	assert_cmd(0, TELNET_WILL, TELNET_OPT_ECHO);
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_ECHO, true));
}
END_TEST

/* Withdrawn before the peer answered: the late DO is turned off again. */
START_TEST(test_offer_withdrawn_in_flight)
{
	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_ECHO, true, false);
	telnet_offer(&tn, TELNET_OPT_ECHO, true);
	telnet_offer(&tn, TELNET_OPT_ECHO, false);
	ck_assert_uint_eq(rec.n, 1);
	feed_cmd(TELNET_DO, TELNET_OPT_ECHO);
	ck_assert_uint_eq(rec.n, 2);
	assert_cmd(1, TELNET_WONT, TELNET_OPT_ECHO);
	feed_cmd(TELNET_DONT, TELNET_OPT_ECHO);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_ECHO, true));
}
END_TEST

/* Our request is accepted without reply, even for an unsupported option. */
START_TEST(test_request_acknowledged)
{
	feed_mode = _i;
	telnet_request(&tn, TELNET_OPT_TTYPE, true);
	ck_assert_uint_eq(rec.n, 1);
	assert_cmd(0, TELNET_DO, TELNET_OPT_TTYPE);
	feed_cmd(TELNET_WILL, TELNET_OPT_TTYPE);
	ck_assert_uint_eq(rec.n, 2);
	assert_option(1, TELNET_OPT_TTYPE, false, true);
	ck_assert(telnet_enabled(&tn, TELNET_OPT_TTYPE, false));

	/* Refused request: silence. */
	telnet_request(&tn, TELNET_OPT_EOR, true);
	feed_cmd(TELNET_WONT, TELNET_OPT_EOR);
	ck_assert_uint_eq(rec.n, 3);
	assert_cmd(2, TELNET_DO, TELNET_OPT_EOR);
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_EOR, false));
}
END_TEST

/* ---- subnegotiation --------------------------------------------------- */

/* SB for an enabled option arrives intact, IAC IAC as one 255. */
START_TEST(test_sb_enabled)
{
	static const uint8_t	sb[] = {
		0xff, 0xfa, 0x1f, 0x00, 0x50, 0xff, 0xff, 0x18, 0xff, 0xf0
	};
	static const uint8_t	want[] = { 0x00, 0x50, 0xff, 0x18 };

	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_NAWS, false, true);
	feed_cmd(TELNET_WILL, TELNET_OPT_NAWS);
	rec_clear();
	feed(sb, sizeof sb);
	FEED("hi\r\n");
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_int_eq(rec.ev[0].type, TELNET_EV_SUBNEG);
	ck_assert_uint_eq(rec.ev[0].option, TELNET_OPT_NAWS);
	ck_assert_uint_eq(rec.ev[0].len, sizeof want);
	ck_assert_mem_eq(rec.ev[0].data, want, sizeof want);
	ASSERT_LINE(1, "hi");
}
END_TEST

/* SB for an option that is off (or only asked for) is dropped. */
START_TEST(test_sb_disabled)
{
	feed_mode = _i;
	FEED("\xff\xfa\x18\x00xterm\xff\xf0ok\r\n");
	telnet_request(&tn, TELNET_OPT_TTYPE, true);	/* not yet agreed */
	FEED("\xff\xfa\x18\x00xterm\xff\xf0go\r\n");
	ck_assert_uint_eq(rec.n, 3);
	ASSERT_LINE(0, "ok");
	assert_cmd(1, TELNET_DO, TELNET_OPT_TTYPE);
	ASSERT_LINE(2, "go");
}
END_TEST

/* A payload of TELNET_MAX_SB bytes fits; one more discards the whole SB. */
START_TEST(test_sb_overflow)
{
	static uint8_t	buf[TELNET_MAX_SB + 8];

	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_TTYPE, false, true);
	feed_cmd(TELNET_WILL, TELNET_OPT_TTYPE);
	rec_clear();
	memset(buf, 'q', sizeof buf);

	FEED("\xff\xfa\x18");
	feed(buf, TELNET_MAX_SB);
	FEED("\xff\xf0");
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_int_eq(rec.ev[0].type, TELNET_EV_SUBNEG);
	ck_assert_uint_eq(rec.ev[0].len, TELNET_MAX_SB);
	ck_assert_mem_eq(rec.ev[0].data, buf, TELNET_MAX_SB);

	rec_clear();
	FEED("\xff\xfa\x18");
	feed(buf, TELNET_MAX_SB + 1);
	FEED("\xff\xf0ok\r\n\xff\xfa\x18\x01\xff\xf0");
	ck_assert_uint_eq(rec.n, 2);
	ASSERT_LINE(0, "ok");
	ck_assert_int_eq(rec.ev[1].type, TELNET_EV_SUBNEG);
	ck_assert_uint_eq(rec.ev[1].len, 1);
	ck_assert_uint_eq(rec.ev[1].data[0], 1);
}
END_TEST

/*
 * Subnegotiations up to TELNET_SB_INLINE bytes cost no allocation; the
 * first longer one moves to the heap intact, across the boundary, and a
 * short one after it still comes whole.
 */
START_TEST(test_sb_inline_then_heap)
{
	static uint8_t	buf[TELNET_SB_INLINE + 2];

	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_TTYPE, false, true);
	feed_cmd(TELNET_WILL, TELNET_OPT_TTYPE);
	rec_clear();
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)('a' + i % 26);
	FEED("\xff\xfa\x18");
	feed(buf, TELNET_SB_INLINE);
	FEED("\xff\xf0");
	ck_assert_ptr_null(tn.sb_big);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_uint_eq(rec.ev[0].len, TELNET_SB_INLINE);
	ck_assert_mem_eq(rec.ev[0].data, buf, TELNET_SB_INLINE);
	rec_clear();
	FEED("\xff\xfa\x18");
	feed(buf, TELNET_SB_INLINE + 2);
	FEED("\xff\xf0\xff\xfa\x18" "xy\xff\xf0");
	ck_assert_ptr_nonnull(tn.sb_big);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_uint_eq(rec.ev[0].len, TELNET_SB_INLINE + 2);
	ck_assert_mem_eq(rec.ev[0].data, buf, TELNET_SB_INLINE + 2);
	ck_assert_uint_eq(rec.ev[1].len, 2);
	ck_assert_mem_eq(rec.ev[1].data, "xy", 2);
	telnet_free(&tn);
	ck_assert_ptr_null(tn.sb_big);
}
END_TEST

/* SB without SE swallows (boundedly) until IAC SE, then lines work again. */
START_TEST(test_sb_unterminated)
{
	static uint8_t	buf[TELNET_MAX_SB + 1000];

	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_NAWS, false, true);
	feed_cmd(TELNET_WILL, TELNET_OPT_NAWS);
	rec_clear();
	memset(buf, 'x', sizeof buf);
	FEED("\xff\xfa\x1f");
	feed(buf, sizeof buf);
	FEED("look\r\n");
	ck_assert_uint_eq(rec.n, 0);
	ck_assert_uint_le(tn.sb_len, TELNET_MAX_SB);
	FEED("\xff\xf0look\r\n");
	ck_assert_uint_eq(rec.n, 1);
	ASSERT_LINE(0, "look");
}
END_TEST

/* A command other than SE inside SB ends the SB and is obeyed. */
START_TEST(test_sb_broken_by_command)
{
	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_NAWS, false, true);
	feed_cmd(TELNET_WILL, TELNET_OPT_NAWS);
	rec_clear();
	FEED("\xff\xfa\x1f\x01\x02\xff\xfd\x63");	/* ... IAC DO 99 */
	FEED("look\r\n");
	FEED("\xff\xfa\x1f\x01\x02\xff\xf1" "at\r\n");	/* ... IAC NOP */
	FEED("\xff\xfa\x1f\x01\x02\xff\xf4");		/* ... IAC IP */
	ck_assert_uint_eq(rec.n, 4);
	assert_cmd(0, TELNET_WONT, 99);
	ASSERT_LINE(1, "look");
	ASSERT_LINE(2, "at");
	ck_assert_int_eq(rec.ev[3].type, TELNET_EV_INTERRUPT);
}
END_TEST

/*
 * The offers keepd makes on connect, to a peer that answers some late,
 * some never: nothing is offered twice, an unanswered option stays off and
 * its subnegotiation is ignored, a late DO is agreed without a reply, and a
 * GMCP subnegotiation of several KiB (split as the feed mode says) comes
 * through whole, with the line after it.
 */
START_TEST(test_offers_unanswered)
{
	static const uint8_t	opts[] = { TELNET_OPT_CHARSET, TELNET_OPT_EOR,
				    TELNET_OPT_GMCP, TELNET_OPT_MSSP,
				    TELNET_OPT_MCCP2 };
	static uint8_t		buf[8000 + 8];

	feed_mode = _i;
	telnet_support(&tn, TELNET_OPT_TTYPE, false, true);
	telnet_support(&tn, TELNET_OPT_NAWS, false, true);
	telnet_request(&tn, TELNET_OPT_TTYPE, true);
	telnet_request(&tn, TELNET_OPT_NAWS, true);
	for (size_t i = 0; i < sizeof opts; i++) {
		telnet_support(&tn, opts[i], true, false);
		telnet_offer(&tn, opts[i], true);
	}
	ck_assert_uint_eq(rec.n, 7);
	assert_cmd(0, TELNET_DO, TELNET_OPT_TTYPE);
	assert_cmd(1, TELNET_DO, TELNET_OPT_NAWS);
	for (size_t i = 0; i < sizeof opts; i++)
		assert_cmd(2 + i, TELNET_WILL, opts[i]);
	rec_clear();
	/* Offering again while unanswered sends nothing. */
	telnet_offer(&tn, TELNET_OPT_GMCP, true);
	telnet_request(&tn, TELNET_OPT_NAWS, true);
	ck_assert_uint_eq(rec.n, 0);
	/* Unanswered: off, and its subnegotiation is ignored. */
	FEED("\xff\xfa\xc9" "Core.Ping\xff\xf0" "\xff\xfa\x1f\x00\x50\x00\x18"
	    "\xff\xf0" "look\r\n");
	ck_assert_uint_eq(rec.n, 1);
	ASSERT_LINE(0, "look");
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_GMCP, true));
	rec_clear();
	/* A refusal: off, no reply; a late agreement: on, no reply. */
	FEED("\xff\xfc\x18\xff\xfd\xc9");
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_int_eq(rec.ev[0].type, TELNET_EV_OPTION);
	ck_assert_uint_eq(rec.ev[0].option, TELNET_OPT_GMCP);
	ck_assert(rec.ev[0].local && rec.ev[0].enabled);
	ck_assert(!telnet_enabled(&tn, TELNET_OPT_TTYPE, false));
	rec_clear();
	memcpy(buf, "\xff\xfa\xc9", 3);
	memset(buf + 3, 'x', 8000);
	memcpy(buf + 8003, "\xff\xf0", 2);
	feed(buf, 8005);
	FEED("look\r\n");
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_int_eq(rec.ev[0].type, TELNET_EV_SUBNEG);
	ck_assert_uint_eq(rec.ev[0].len, 8000);
	ASSERT_LINE(1, "look");
}
END_TEST

/* ---- telnet_escape ---------------------------------------------------- */

/* IAC is doubled, bare LF becomes CR LF, CR LF is left alone. */
START_TEST(test_escape_basic)
{
	static const char	in[] = "a\xff" "b\nc\r\nd";
	static const char	want[] = "a\xff\xff" "b\r\nc\r\nd";
	uint8_t			out[64];
	size_t			n, used = 0;

	n = telnet_escape(in, sizeof in - 1, out, sizeof out, &used);
	ck_assert_uint_eq(used, sizeof in - 1);
	ck_assert_uint_eq(n, sizeof want - 1);
	ck_assert_mem_eq(out, want, n);

	n = telnet_escape("", 0, out, sizeof out, &used);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(used, 0);
	n = telnet_escape("\n\n", 2, out, sizeof out, NULL);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(out, "\r\n\r\n", 4);
}
END_TEST

/* Output never overflows and no escape or character is ever split. */
START_TEST(test_escape_bounded)
{
	uint8_t	out[8];
	size_t	n, used;

	memset(out, 0xaa, sizeof out);
	n = telnet_escape("\xff\xff\xff", 3, out, 3, &used);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(out[3], 0xaa);

	n = telnet_escape("ab\n", 3, out, 3, &used);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(used, 2);

	n = telnet_escape("ab\r\n", 4, out, 3, &used);	/* CR LF kept whole */
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(used, 2);

	n = telnet_escape("a\xe2\x82\xac", 4, out, 3, &used);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(used, 1);

	n = telnet_escape("abc", 3, out, 0, &used);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(used, 0);

	/* A truncated character at the end of the input is still consumed. */
	n = telnet_escape("a\xe2\x82", 3, out, 4, &used);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(used, 3);
	ck_assert_uint_eq(out[4], 0xaa);
}
END_TEST

/* Escaping in small pieces gives exactly the one-shot result. */
START_TEST(test_escape_pieces)
{
	static const char	in[] = "Hello\n\xff\xff w\xc3\xb6rld "
	    "\xe2\x82\xac\r\n\xf0\x9f\x98\x80\n\xff" "end\n";
	uint8_t			whole[128], joined[128], out[8];
	size_t			wn, jn, off, n, used, outsz, calls;

	wn = telnet_escape(in, sizeof in - 1, whole, sizeof whole, &used);
	ck_assert_uint_eq(used, sizeof in - 1);
	for (outsz = 4; outsz <= sizeof out; outsz++) {
		jn = off = calls = 0;
		while (off < sizeof in - 1) {
			memset(out, 0xaa, sizeof out);
			n = telnet_escape(in + off, sizeof in - 1 - off, out,
			    outsz, &used);
			ck_assert_uint_gt(used, 0);
			ck_assert_uint_le(n, outsz);
			if (outsz < sizeof out)
				ck_assert_uint_eq(out[outsz], 0xaa);
			memcpy(joined + jn, out, n);
			jn += n;
			off += used;
			ck_assert_uint_lt(++calls, sizeof in);
		}
		ck_assert_uint_eq(jn, wn);
		ck_assert_mem_eq(joined, whole, wn);
	}
}
END_TEST

/* ---- UTF-8 ------------------------------------------------------------ */

#define UTF8_IS(lit)	telnet_utf8_valid((const uint8_t *)(lit), \
			    sizeof(lit) - 1)
#define UTF8_OK(lit)	ck_assert_msg(UTF8_IS(lit), "valid: %s", #lit)
#define UTF8_BAD(lit)	ck_assert_msg(!UTF8_IS(lit), "invalid: %s", #lit)

/* Well-formed UTF-8 of every length is accepted. */
START_TEST(test_utf8_valid)
{
	UTF8_OK("");
	UTF8_OK("plain ascii");
	UTF8_OK("\xc2\x80");			/* U+0080 */
	UTF8_OK("caf\xc3\xa9");			/* 2 bytes */
	UTF8_OK("\xe2\x82\xac");		/* 3 bytes, U+20AC */
	UTF8_OK("\xed\x9f\xbf");		/* U+D7FF, before surrogates */
	UTF8_OK("\xee\x80\x80");		/* U+E000, after surrogates */
	UTF8_OK("\xef\xbf\xbf");		/* U+FFFF */
	UTF8_OK("\xf0\x9f\x98\x80");		/* 4 bytes, U+1F600 */
	UTF8_OK("\xf0\x90\x80\x80");		/* U+10000 */
	UTF8_OK("\xf4\x8f\xbf\xbf");		/* U+10FFFF */
}
END_TEST

/* Overlongs, surrogates, out-of-range and truncated sequences are refused. */
START_TEST(test_utf8_invalid)
{
	UTF8_BAD("\xc0\x80");			/* overlong NUL */
	UTF8_BAD("\xc1\xbf");			/* overlong */
	UTF8_BAD("\xe0\x80\x80");		/* overlong */
	UTF8_BAD("\xe0\x9f\xbf");		/* overlong */
	UTF8_BAD("\xf0\x80\x80\x80");		/* overlong */
	UTF8_BAD("\xf0\x8f\xbf\xbf");		/* overlong */
	UTF8_BAD("\xed\xa0\x80");		/* U+D800 */
	UTF8_BAD("\xed\xbf\xbf");		/* U+DFFF */
	UTF8_BAD("\xf4\x90\x80\x80");		/* U+110000 */
	UTF8_BAD("\xf5\x80\x80\x80");
	UTF8_BAD("\xff");
	UTF8_BAD("\xfe");
	UTF8_BAD("\x80");			/* lone continuation */
	UTF8_BAD("a\xbf" "b");
	UTF8_BAD("\xc3");			/* truncated */
	UTF8_BAD("\xe2\x82");
	UTF8_BAD("\xf0\x9f\x98");
	UTF8_BAD("ok\xf0\x9f");
	UTF8_BAD("\xc3\x28");			/* bad continuation */
	UTF8_BAD("\xe2\x28\xac");
	UTF8_BAD("\xe2\x82\x28");
	UTF8_BAD("\xf0\x9f\x28\x80");
	UTF8_BAD("\xf0\x9f\x98\x28");
}
END_TEST

/* ---- robustness ------------------------------------------------------- */

/* Small deterministic generator, so failures are reproducible. */
static uint32_t
fuzz_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return (*s);
}

/* Check each event's invariants; keep only counts. */
static void
fuzz_cb(const struct telnet_event *ev, void *arg)
{
	size_t	*count = arg;

	switch (ev->type) {
	case TELNET_EV_LINE:
		ck_assert_uint_le(ev->len, TELNET_MAX_LINE);
		ck_assert_uint_eq(ev->data[ev->len], 0);
		ck_assert(memchr(ev->data, '\r', ev->len) == NULL);
		ck_assert(memchr(ev->data, '\n', ev->len) == NULL);
		break;
	case TELNET_EV_SUBNEG:
		ck_assert_uint_le(ev->len, TELNET_MAX_SB);
		break;
	case TELNET_EV_SEND:
		ck_assert_uint_gt(ev->len, 0);
		ck_assert_uint_le(ev->len, 7);
		break;
	default:
		break;
	}
	(*count)++;
}

/*
 * 100k random bytes (half uniform, half biased towards telnet syntax) cannot
 * crash the machine or break a later line.  From any state, IAC NOP IAC NOP
 * returns to data (it ends an SB, completes a pending command or option, or
 * adds junk to the line), and CR LF then clears the line.
 */
START_TEST(test_fuzz)
{
	static const uint8_t	alphabet[] = {
		0xff, 0xff, 0xff, 0xfa, 0xf0, 0xfb, 0xfc, 0xfd, 0xfe, 0xf4,
		0x01, 0x03, 0x18, 0x1f, '\r', '\n', '\0', '\b', 'a', 0xc3
	};
	uint8_t		buf[256];
	uint32_t	seed = 0x4b656570;
	size_t		done = 0, chunk, i, events = 0;

	telnet_free(&tn);
	telnet_init(&tn, fuzz_cb, &events);
	telnet_support(&tn, TELNET_OPT_NAWS, false, true);
	telnet_support(&tn, TELNET_OPT_TTYPE, false, true);
	telnet_support(&tn, TELNET_OPT_ECHO, true, false);
	telnet_support(&tn, TELNET_OPT_SGA, true, true);
	while (done < 100000) {
		chunk = 1 + fuzz_next(&seed) % sizeof buf;
		for (i = 0; i < chunk; i++) {
			uint32_t	r = fuzz_next(&seed);

			buf[i] = done < 50000 ? (uint8_t)(r >> 8) :
			    alphabet[r % sizeof alphabet];
		}
		telnet_feed(&tn, buf, chunk);
		if (fuzz_next(&seed) % 16 == 0)
			telnet_offer(&tn, TELNET_OPT_ECHO,
			    fuzz_next(&seed) % 2);
		done += chunk;
	}
	ck_assert_uint_gt(events, 0);
	ck_assert_uint_le(tn.line_len, TELNET_MAX_LINE);
	ck_assert_uint_le(tn.sb_len, TELNET_MAX_SB);

	telnet_feed(&tn, (const uint8_t *)"\xff\xf1\xff\xf1\r\n", 6);
	memset(&rec, 0, sizeof rec);
	tn.cb = rec_cb;
	tn.cb_arg = &rec;
	telnet_feed(&tn, (const uint8_t *)"look\r\n", 6);
	ck_assert_uint_eq(rec.n, 1);
	ASSERT_LINE(0, "look");
}
END_TEST

/* The telnet test suite. */
Suite *
telnet_suite(void)
{
	Suite	*s = suite_create("telnet");
	TCase	*tc;

	tc = tcase_create("lines");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_line_endings, 0, 2);
	tcase_add_loop_test(tc, test_empty_lines, 0, 2);
	tcase_add_test(tc, test_crlf_split);
	tcase_add_loop_test(tc, test_escaped_iac_in_line, 0, 2);
	tcase_add_loop_test(tc, test_backspace, 0, 2);
	tcase_add_loop_test(tc, test_control_bytes, 0, 2);
	tcase_add_loop_test(tc, test_nul_refuses_line, 0, 2);
	tcase_add_loop_test(tc, test_line_limit, 0, 2);
	tcase_add_loop_test(tc, test_line_flood, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_interrupt, 0, 2);
	tcase_add_loop_test(tc, test_swallowed_commands, 0, 2);
	tcase_add_loop_test(tc, test_ec_el_ayt, 0, 2);
	tcase_add_test(tc, test_split_everywhere);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_refuse_unsupported, 0, 2);
	tcase_add_loop_test(tc, test_support_per_side, 0, 2);
	tcase_add_loop_test(tc, test_supported_agreed, 0, 2);
	tcase_add_loop_test(tc, test_offer_echo_acknowledged, 0, 2);
	tcase_add_loop_test(tc, test_announce_echo_answered, 0, 2);
	tcase_add_loop_test(tc, test_offer_refused, 0, 2);
	tcase_add_loop_test(tc, test_offer_withdrawn_in_flight, 0, 2);
	tcase_add_loop_test(tc, test_request_acknowledged, 0, 2);
	tcase_add_loop_test(tc, test_offers_unanswered, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("subneg");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_sb_enabled, 0, 2);
	tcase_add_loop_test(tc, test_sb_disabled, 0, 2);
	tcase_add_loop_test(tc, test_sb_overflow, 0, 2);
	tcase_add_loop_test(tc, test_sb_inline_then_heap, 0, 2);
	tcase_add_loop_test(tc, test_sb_unterminated, 0, 2);
	tcase_add_loop_test(tc, test_sb_broken_by_command, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_test(tc, test_escape_basic);
	tcase_add_test(tc, test_escape_bounded);
	tcase_add_test(tc, test_escape_pieces);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_utf8_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	return (s);
}
