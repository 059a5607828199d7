/*
 * test_session.c — the transport alone (server/net/session*.c): a session
 * on one end of a socketpair, a real libevent loop driven by the test, and
 * fake callbacks in place of the game (no database, nothing from cmd/).
 * The input queue's flood cut-off, the output bound (and what it discards),
 * and a close while a job is in flight.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <zlib.h>

#include "net/session.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/util.h"
#include "keep_test.h"

/* What the tests configure: a short queue, the smallest output bound, and
 * a command rate that never refuses (the rate has tests of its own). */
#define QUEUE_MAX	3
#define OUTPUT_KIB	16
#define TEST_NET_CONFIG	"{\"max_queued_lines\": 3, \"max_output_kib\": 16," \
			" \"command_rate\": 1000000, \"command_burst\": 1000000}"

#define FLOOD_WARNING	"You are sending commands faster than they can run"
#define FLOOD_GOODBYE	"You sent too much too fast. Goodbye."

static struct event_base	*base;
static struct config		 cfg;
static int			 peer = -1;	/* the client's end */
static struct session		*sess;		/* the one session */
static uint64_t			 sess_id;

/* What the fake callbacks saw. */
static int			 opened, closed;
static int			 nlines;
static char			 lines[16][64];
static bool			 jobs;		/* each line starts a job */
static int			 nmssp, ngmcp_ready;

/* What the client received. */
static char			 got[64 * 1024];
static size_t			 gotlen;
static bool			 peer_eof;
static bool			 deaf;		/* the client does not read */

/* Fake open: remember the session and give it a state of our own. */
static void
fake_open(struct session *s)
{
	opened++;
	sess = s;
	sess_id = s->id;
	session_set_ud(s, xstrdup("ud"));
}

/* Fake line: record it; start a job (finished by the test) if asked. */
static void
fake_line(struct session *s, const char *line)
{
	ck_assert(!s->busy);
	if (nlines < 16)
		snprintf(lines[nlines], sizeof lines[nlines], "%s", line);
	nlines++;
	if (jobs)
		session_job_start(s);
}

/* Fake reprompt: a prompt. */
static void
fake_reprompt(struct session *s)
{
	session_prompt(s, "> ");
}

/* Fake close: never while a job is in flight; free our state. */
static void
fake_close(struct session *s)
{
	char	*ud = session_ud(s);

	ck_assert(!s->busy);
	ck_assert_ptr_nonnull(ud);
	ck_assert_str_eq(ud, "ud");
	free(ud);
	session_set_ud(s, NULL);
	closed++;
}

/* Fake MSSP: two variables, one with bytes MSSP reserves. */
static void
fake_mssp(struct session *s)
{
	static const char *const names[] = { "NAME", "PLAYERS" };
	static const char *const values[] = { "Keep\001\002\377", "3" };

	nmssp++;
	session_mssp_send(s, names, values, 2);
}

/* Fake GMCP ready: count. */
static void
fake_gmcp_ready(struct session *s)
{
	(void)s;
	ngmcp_ready++;
}

static const struct session_cbs	fake_cbs = {
	.open = fake_open,
	.line = fake_line,
	.reprompt = fake_reprompt,
	.close = fake_close,
	.mssp = fake_mssp,
	.gmcp_ready = fake_gmcp_ready,
};

/* Read what the client has been sent, without waiting. */
static void
peer_read(void)
{
	ssize_t	n;

	if (peer < 0 || peer_eof || deaf)
		return;
	while (gotlen < sizeof got - 1 && (n = recv(peer, got + gotlen,
	    sizeof got - 1 - gotlen, MSG_DONTWAIT)) >= 0) {
		if (n == 0) {
			peer_eof = true;
			break;
		}
		gotlen += (size_t)n;
	}
	got[gotlen] = '\0';
}

/* One turn of the loop, then read what arrived. */
static void
pump(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
	peer_read();
	usleep(1000);
}

/* Turn the loop until cond holds (fail after 3 s). */
#define PUMP_UNTIL(cond) do {						\
	long long	end_ = now_ms() + 3000;				\
									\
	while (!(cond)) {						\
		ck_assert_msg(now_ms() < end_, "timed out waiting for "	\
		    "%s; the client got \"%s\"", #cond, printable(got));	\
		pump();							\
	}								\
} while (0)

/* Turn the loop for ms milliseconds. */
static void
pump_for(int ms)
{
	long long	end = now_ms() + ms;

	while (now_ms() < end)
		pump();
}

/* The client sends text. */
static void
peer_send(const char *text)
{
	ck_assert_int_eq(send(peer, text, strlen(text), MSG_NOSIGNAL),
	    (ssize_t)strlen(text));
}

/* The client sends a line, and the session starts a job for it (the
 * test finishes it). */
static void
busy_with(const char *line)
{
	jobs = true;
	peer_send(line);
	PUMP_UNTIL(nlines == 1);
	ck_assert(sess->busy);
}

/* A line of output for the session to send: 1022 bytes, then CR LF. */
static void
big_line(char chunk[1024])
{
	memset(chunk, 'x', 1022);
	chunk[1022] = '\n';
	chunk[1023] = '\0';
}

/* What the client can read now that the session is gone: its bytes,
 * then the end. */
static size_t
peer_read_rest(void)
{
	char	sink[4096];
	size_t	received = 0;
	ssize_t	n;

	while ((n = recv(peer, sink, sizeof sink, MSG_DONTWAIT)) > 0)
		received += (size_t)n;
	ck_assert_int_eq(n, 0);
	return received;
}

/* A private loop, the test configuration, and one session on a
 * socketpair. */
static void
setup(void)
{
	char	err[256];
	int	sv[2];

	(void)log_set_level("error");
	ck_assert_msg(config_load_string(&cfg, TEST_NET_CONFIG, err,
	    sizeof err), "%s", err);
	ck_assert_int_eq(cfg.max_queued_lines, QUEUE_MAX);
	ck_assert_int_eq(cfg.max_output_kib, OUTPUT_KIB);
	ck_assert_ptr_nonnull(base = event_base_new());
	session_init(base, &cfg, &fake_cbs);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	opened = closed = nlines = nmssp = ngmcp_ready = 0;
	jobs = false;
	gotlen = 0;
	got[0] = '\0';
	peer_eof = false;
	deaf = false;
	peer = sv[1];
	sess = NULL;
	ck_assert_ptr_eq(session_open_fd(sv[0], "test"), sess);
	ck_assert_int_eq(opened, 1);
	ck_assert_int_eq(session_count(), 1);
}

/* Close what is left, let the loop free it, and free the loop. */
static void
teardown(void)
{
	struct session	*s = session_find(sess_id);

	if (s != NULL) {
		session_close(s, NULL);
		if (s->busy)
			session_job_done(s);
	}
	if (peer >= 0)
		close(peer);
	peer = -1;
	PUMP_UNTIL(session_count() == 0);
	session_fini();
	event_base_free(base);
	base = NULL;
	config_free(&cfg);
	(void)log_set_level("info");
}

/*
 * A client that sends more lines than the queue holds while a job is in
 * flight is warned once and its extra lines are dropped; the queued ones
 * run, in order, one job at a time.
 */
START_TEST(test_flood_warned)
{
	busy_with("l0\r\n");
	peer_send("l1\r\nl2\r\nl3\r\nl4\r\nl5\r\n");
	PUMP_UNTIL(strstr(got, FLOOD_WARNING) != NULL);
	pump_for(20);
	ck_assert_int_eq(nlines, 1);
	ck_assert(!sess->closing);
	for (int i = 1; i <= QUEUE_MAX; i++) {
		session_job_done(sess);
		ck_assert_int_eq(nlines, i + 1);
		ck_assert_str_eq(lines[i], fmt("l%d", i));
	}
	session_job_done(sess);
	pump_for(20);
	ck_assert_int_eq(nlines, QUEUE_MAX + 1);	/* l4, l5 dropped */
	ck_assert_int_eq(str_count(got, FLOOD_WARNING), 1);
	ck_assert_ptr_null(strstr(got, FLOOD_GOODBYE));
	ck_assert_int_eq(closed, 0);
}
END_TEST

/*
 * More dropped lines than the queue holds close the session with a
 * goodbye; the queued lines never run, and the session is freed (its
 * close callback once) only when the job in flight is done.
 */
START_TEST(test_flood_cut_off)
{
	busy_with("l0\r\n");
	/* 3 queued, then 3 dropped (warned), and the 4th dropped closes. */
	peer_send("l1\r\nl2\r\nl3\r\nd1\r\nd2\r\nd3\r\nd4\r\nnever\r\n");
	PUMP_UNTIL(peer_eof);
	ck_assert_int_eq(str_count(got, FLOOD_WARNING), 1);
	ck_assert_int_eq(str_count(got, FLOOD_GOODBYE), 1);
	ck_assert_ptr_eq(session_find(sess_id), sess);
	ck_assert(sess->closing);
	pump_for(20);
	ck_assert_int_eq(closed, 0);
	session_job_done(sess);
	PUMP_UNTIL(closed == 1);
	ck_assert_int_eq(nlines, 1);
	ck_assert_ptr_null(session_find(sess_id));
	ck_assert_int_eq(session_count(), 0);
}
END_TEST

/*
 * A client that never reads is cut off once what waits for it (keepd's
 * buffer and the kernel's queue) would pass max_output_kib: it never
 * holds more than that, and the session goes.
 */
START_TEST(test_output_bound)
{
	char	chunk[1024];
	size_t	sent = 0, received;

	deaf = true;
	big_line(chunk);
	while (session_find(sess_id) != NULL && !sess->closing &&
	    sent < 4096 * sizeof chunk) {
		session_write(sess, chunk);
		sent += sizeof chunk;
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	ck_assert_msg(closed == 1 || (session_find(sess_id) != NULL &&
	    sess->closing), "not cut off after %zu bytes", sent);
	PUMP_UNTIL(closed == 1);
	ck_assert_uint_gt(sent, OUTPUT_KIB * 1024 / 2);
	/* Everything the client could ever read was within the bound. */
	received = peer_read_rest();
	ck_assert_uint_le(received, OUTPUT_KIB * 1024);
	ck_assert_uint_gt(received, 0);
	ck_assert_int_eq(session_count(), 0);
}
END_TEST

/*
 * What waits in keepd's own buffer when the bound is passed is discarded,
 * not sent: a session that writes past the bound before the loop turns is
 * closed at once and its client reads nothing but the end.
 */
START_TEST(test_output_cut_discards)
{
	char	chunk[1024];

	deaf = true;
	big_line(chunk);
	for (int i = 0; i < 2 * OUTPUT_KIB && !sess->closing; i++)
		session_write(sess, chunk);
	ck_assert(sess->closing);
	PUMP_UNTIL(closed == 1);
	ck_assert_uint_eq(peer_read_rest(), 0);
}
END_TEST

/*
 * session_close while a job is in flight: the goodbye is sent and the
 * socket closed, but the session stays (the job's done will find it) and
 * its close callback waits for session_job_done, then runs once.
 */
START_TEST(test_close_busy)
{
	busy_with("look\r\n");
	session_close(sess, "Bye.\n");
	PUMP_UNTIL(peer_eof);
	ck_assert_ptr_nonnull(strstr(got, "Bye.\r\n"));
	pump_for(50);
	ck_assert_int_eq(closed, 0);
	ck_assert_ptr_eq(session_find(sess_id), sess);
	ck_assert_int_eq(session_count(), 1);
	/* Its output is ignored now, and no line runs. */
	session_write(sess, "late\n");
	session_job_done(sess);
	ck_assert_int_eq(closed, 0);		/* deferred, not inside */
	PUMP_UNTIL(closed == 1);
	ck_assert_ptr_null(session_find(sess_id));
	pump_for(50);
	ck_assert_int_eq(closed, 1);
	ck_assert_int_eq(nlines, 1);
	ck_assert_ptr_null(strstr(got, "late"));
}
END_TEST

/* The client hangs up while a job is in flight: the same. */
START_TEST(test_hangup_busy)
{
	busy_with("look\r\n");
	close(peer);
	peer = -1;
	PUMP_UNTIL(sess->closing);
	pump_for(50);
	ck_assert_int_eq(closed, 0);
	ck_assert_ptr_eq(session_find(sess_id), sess);
	session_job_done(sess);
	PUMP_UNTIL(closed == 1);
	ck_assert_ptr_null(session_find(sess_id));
	ck_assert_int_eq(session_count(), 0);
}
END_TEST

/* An idle session closes at once, its close callback runs once. */
START_TEST(test_close_idle)
{
	peer_send("look\r\n");
	PUMP_UNTIL(nlines == 1);
	ck_assert(!sess->busy);
	session_close(sess, "Bye.\n");
	PUMP_UNTIL(closed == 1 && peer_eof);
	ck_assert_ptr_nonnull(strstr(got, "Bye.\r\n"));
	ck_assert_ptr_null(session_find(sess_id));
	pump_for(20);
	ck_assert_int_eq(closed, 1);
}
END_TEST

/* -------------------------------------------------------------------------
 * Negotiation (session_proto.c): offers, TTYPE, NAWS, CHARSET, EOR, GMCP,
 * MSSP, MCCP2.
 */

/* The length of OFFERS (keep_test.h): the seven offers of b.1. */
#define OFFERS_LEN	21
#define TTYPE_SEND	"\xff\xfa\x18\x01\xff\xf0"

/* The client sends n raw bytes, one send each if bytewise. */
static void
peer_send_raw(const void *data, size_t n, bool bytewise)
{
	const char	*p = data;

	for (size_t i = 0; i < n; i += bytewise ? 1 : n) {
		size_t	k = bytewise ? 1 : n;

		ck_assert_int_eq(send(peer, p + i, k, MSG_NOSIGNAL),
		    (ssize_t)k);
		if (bytewise)
			pump();
	}
}
#define PEER_RAW(lit)	peer_send_raw(lit, sizeof lit - 1, false)

/* Whether the client got these bytes (anywhere). */
static bool
got_has(const void *bytes, size_t n)
{
	return memmem(got, gotlen, bytes, n) != NULL;
}
#define GOT_HAS(lit)	got_has(lit, sizeof lit - 1)

/* Wait for the offers and forget them. */
static void
skip_offers(void)
{
	PUMP_UNTIL(gotlen >= OFFERS_LEN);
	ck_assert_mem_eq(got, OFFERS, OFFERS_LEN);
	gotlen = 0;
	got[0] = '\0';
}

/* Forget what the client got so far (after pumping a little). */
static void
got_clear(void)
{
	pump_for(20);
	gotlen = 0;
	got[0] = '\0';
}

/* On connect, one read holds exactly the seven offers, nothing waits for
 * an answer, and every option is still off. */
START_TEST(test_offer_burst)
{
	char	buf[256];
	ssize_t	n;

	event_base_loop(base, EVLOOP_NONBLOCK);
	n = recv(peer, buf, sizeof buf, MSG_DONTWAIT);
	ck_assert_int_eq(n, OFFERS_LEN);
	ck_assert_mem_eq(buf, OFFERS, OFFERS_LEN);
	ck_assert(!sess->caps.gmcp && !sess->caps.eor && !sess->caps.mccp2);
	ck_assert_int_eq(sess->caps.width, 0);
}
END_TEST

/* telnet_offers "none": nothing offered, but an option asked for is
 * still agreed. */
START_TEST(test_offers_none)
{
	int	sv[2];

	skip_offers();
	session_close(sess, NULL);
	close(peer);
	peer = -1;
	PUMP_UNTIL(session_count() == 0);
	free(cfg.telnet_offers);
	cfg.telnet_offers = xstrdup("none");
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	peer = sv[1];
	gotlen = 0;
	ck_assert_ptr_nonnull(session_open_fd(sv[0], "test"));
	sess_id = sess->id;
	session_prompt(sess, "Name: ");
	PUMP_UNTIL(gotlen >= 8);
	ck_assert_uint_eq(gotlen, 8);
	ck_assert_mem_eq(got, "Name: \xff\xf9", 8);
	PEER_RAW("\xff\xfd\xc9");			/* DO GMCP */
	PUMP_UNTIL(GOT_HAS("\xff\xfb\xc9"));
	ck_assert(sess->caps.gmcp);
}
END_TEST

/* A client that refuses everything gets today's bytes: no SB, no ESC, GA
 * after every prompt, and no answer to its refusals. */
START_TEST(test_refusing_client)
{
	skip_offers();
	PEER_RAW(REFUSE);
	pump_for(30);
	ck_assert_uint_eq(gotlen, 0);
	session_prompt(sess, "Name: ");
	session_echo(sess, true);
	session_prompt(sess, "Password: ");
	session_echo(sess, false);
	session_write(sess, "\001" "CA long line that a client with a window "
	    "would see wrapped, but this one told no width at all.\n");
	session_prompt(sess, "> ");
	PUMP_UNTIL(GOT_HAS("> \xff\xf9"));
	pump_for(20);
	ck_assert_str_eq(got, "Name: \xff\xf9\xff\xfb\x01Password: \xff\xf9"
	    "\xff\xfc\x01" "A long line that a client with a window would see "
	    "wrapped, but this one told no width at all.\r\n> \xff\xf9");
	ck_assert(!sess->caps.gmcp && !sess->caps.eor && !sess->caps.mccp2 &&
	    !sess->caps.utf8);
}
END_TEST

/* A client that never answers: options stay off, nothing is offered
 * again, lines work. */
START_TEST(test_silent_client)
{
	skip_offers();
	peer_send("look\r\n");
	PUMP_UNTIL(nlines == 1);
	session_prompt(sess, "> ");
	pump_for(50);
	ck_assert_str_eq(got, "> \xff\xf9");
	ck_assert(!telnet_enabled(&sess->telnet, TELNET_OPT_GMCP, true));
	ck_assert(!telnet_enabled(&sess->telnet, TELNET_OPT_TTYPE, false));
	ck_assert(!sess->caps.eor);
	session_gmcp(sess, "Core.Ping", NULL);
	pump_for(20);
	ck_assert_str_eq(got, "> \xff\xf9");
}
END_TEST

/* DO EOR: prompts end in IAC EOR, never GA; none after a line end. */
START_TEST(test_eor_prompt)
{
	skip_offers();
	PEER_RAW("\xff\xfd\x19");
	pump_for(20);
	ck_assert(sess->caps.eor);
	ck_assert_uint_eq(gotlen, 0);		/* it answered our WILL */
	session_write(sess, "text\n");
	session_prompt(sess, "> ");
	PUMP_UNTIL(gotlen >= 10);
	pump_for(10);
	ck_assert_str_eq(got, "text\r\n> \xff\xef");
}
END_TEST

/* TTYPE answer i: IAC SB TTYPE IS text IAC SE. */
static void
ttype_is(const char *text, bool bytewise)
{
	char	buf[128];
	int	n = snprintf(buf, sizeof buf, "\xff\xfa\x18%c%s\xff\xf0", 0,
		    text);

	peer_send_raw(buf, (size_t)n, bytewise);
}

/* Mudlet's cycle, split byte by byte: name, terminal, MTTS; then stop. */
START_TEST(test_ttype_mudlet)
{
	skip_offers();
	peer_send_raw("\xff\xfb\x18", 3, true);
	PUMP_UNTIL(GOT_HAS(TTYPE_SEND));
	ck_assert_uint_eq(gotlen, 6);
	got_clear();
	ttype_is("MUDLET", true);
	PUMP_UNTIL(GOT_HAS(TTYPE_SEND));
	got_clear();
	ttype_is("ANSI-TRUECOLOR", true);
	PUMP_UNTIL(GOT_HAS(TTYPE_SEND));
	got_clear();
	ttype_is("MTTS 2349", true);
	pump_for(30);
	ck_assert_uint_eq(gotlen, 0);		/* stopped */
	ck_assert_str_eq(sess->caps.client, "MUDLET");
	ck_assert_str_eq(sess->caps.term, "ANSI-TRUECOLOR");
	ck_assert_uint_eq(sess->caps.mtts, 2349);
	ck_assert(sess->caps.ansi && sess->caps.xterm256 &&
	    sess->caps.truecolor && sess->caps.utf8);
	ck_assert(!sess->caps.screenreader);
}
END_TEST

/* A repeated answer stops the cycle (MUDRammer repeats its last). */
START_TEST(test_ttype_stop_repeat)
{
	skip_offers();
	PEER_RAW("\xff\xfb\x18");
	PUMP_UNTIL(GOT_HAS(TTYPE_SEND));
	ttype_is("Blightmud", false);
	ttype_is("xterm-256color", false);
	got_clear();
	ttype_is("XTERM-256COLOR", false);
	pump_for(30);
	ck_assert_uint_eq(gotlen, 0);
	ck_assert_str_eq(sess->caps.client, "Blightmud");
	ck_assert_str_eq(sess->caps.term, "xterm-256color");
	ck_assert(sess->caps.ansi && sess->caps.xterm256);
	ck_assert(!sess->caps.truecolor && !sess->caps.utf8);
}
END_TEST

/* The first answer again (the cycle restarted) stops it. */
START_TEST(test_ttype_stop_first)
{
	skip_offers();
	PEER_RAW("\xff\xfb\x18");
	PUMP_UNTIL(GOT_HAS(TTYPE_SEND));
	ttype_is("vt100", false);
	ttype_is("dumb", false);
	PUMP_UNTIL(str_count(got, TTYPE_SEND) == 3);
	got_clear();
	ttype_is("VT100", false);
	pump_for(30);
	ck_assert_uint_eq(gotlen, 0);
	ck_assert(sess->caps.ansi && !sess->caps.xterm256);
}
END_TEST

/* A first answer "ANSI" stops at once (Windows telnet); non-printables
 * are dropped and replies cut at 64 bytes. */
START_TEST(test_ttype_stop_ansi)
{
	skip_offers();
	PEER_RAW("\xff\xfb\x18");
	PUMP_UNTIL(GOT_HAS(TTYPE_SEND));
	got_clear();
	ttype_is("AN\x1bSI", false);
	pump_for(30);
	ck_assert_uint_eq(gotlen, 0);
	ck_assert_str_eq(sess->caps.client, "ANSI");
	ck_assert(sess->caps.ansi);
}
END_TEST

/* At most four requests, whatever the answers; 64 bytes kept. */
START_TEST(test_ttype_stop_max)
{
	char	longname[100];

	memset(longname, 'a', 99);
	longname[99] = '\0';
	skip_offers();
	PEER_RAW("\xff\xfb\x18");
	PUMP_UNTIL(GOT_HAS(TTYPE_SEND));
	ttype_is(longname, false);
	ttype_is("b", false);
	ttype_is("c", false);
	PUMP_UNTIL(str_count(got, TTYPE_SEND) == 4);
	got_clear();
	ttype_is("d", false);
	pump_for(30);
	ck_assert_uint_eq(gotlen, 0);
	ck_assert_uint_eq(strlen(sess->caps.client), 64);
	ck_assert_str_eq(sess->caps.term, "b");
	ck_assert(!sess->caps.ansi);
}
END_TEST

/* NAWS: the latest size wins, FF doubled, whole or byte by byte; the
 * width is clamped to 20..250, 0 is unknown. */
START_TEST(test_naws)
{
	bool	bytewise = _i == 1;

	skip_offers();
	peer_send_raw("\xff\xfb\x1f", 3, bytewise);
	peer_send_raw("\xff\xfa\x1f\x00\x64\x00\x2d\xff\xf0", 9, bytewise);
	PUMP_UNTIL(sess->caps.width == 100);
	ck_assert_int_eq(sess->caps.height, 45);
	/* 0x01FF x 0xFFFF: every FF doubled, 13 bytes. */
	peer_send_raw("\xff\xfa\x1f\x01\xff\xff\xff\xff\xff\xff\xff\xf0",
	    12, bytewise);
	PUMP_UNTIL(sess->caps.width == 250);
	ck_assert_int_eq(sess->caps.height, 65535);
	peer_send_raw("\xff\xfa\x1f\x00\x05\x00\x10\xff\xf0", 9, bytewise);
	PUMP_UNTIL(sess->caps.width == 20);
	peer_send_raw("\xff\xfa\x1f\x00\x00\x00\x00\xff\xf0", 9, bytewise);
	PUMP_UNTIL(sess->caps.width == 0);
	ck_assert_uint_eq(gotlen, 0);
}
END_TEST

/* With a width, long lines wrap at spaces (markup not counted, code
 * points counted); a word longer than the width is cut; prompts never. */
START_TEST(test_naws_wrap)
{
	skip_offers();
	PEER_RAW("\xff\xfb\x1f\xff\xfa\x1f\x00\x14\x00\x18\xff\xf0");
	PUMP_UNTIL(sess->caps.width == 20);
	session_write(sess, "\001" "Ccaf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf"
	    "\xc3\xa9 \001" "xend\nshort\n");
	session_write(sess, "abcdefghijklmnopqrstuvwxyz0123 x\n");
	session_prompt(sess, "a prompt that is longer than twenty > ");
	/* A question written as text, then an empty prompt: its trailing
	 * space at the width is no line end (no GA after CR LF). */
	session_write(sess, "abcdefghij klmnopqrs ");
	session_prompt(sess, "");
	PUMP_UNTIL(str_count(got, "\xff\xf9") == 2);
	ck_assert_str_eq(got, "caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf"
	    "\xc3\xa9\r\nend\r\nshort\r\nabcdefghijklmnopqrst\r\nuvwxyz0123 x\r\n"
	    "a prompt that is longer than twenty > \xff\xf9"
	    "abcdefghij klmnopqrs \xff\xf9");
}
END_TEST

/* DO CHARSET: REQUEST " UTF-8"; ACCEPTED sets utf8. */
START_TEST(test_charset_accepted)
{
	skip_offers();
	peer_send_raw("\xff\xfd\x2a", 3, true);
	PUMP_UNTIL(GOT_HAS("\xff\xfa\x2a\x01 UTF-8\xff\xf0"));
	ck_assert_uint_eq(gotlen, 12);
	ck_assert(!sess->caps.utf8);
	peer_send_raw("\xff\xfa\x2a\x02utf-8\xff\xf0", 11, true);
	PUMP_UNTIL(sess->caps.utf8);
	/* A client's own WILL CHARSET later: agreed, no second REQUEST. */
	got_clear();
	PEER_RAW("\xff\xfb\x2a");
	PUMP_UNTIL(GOT_HAS("\xff\xfd\x2a"));
	pump_for(20);
	ck_assert_uint_eq(gotlen, 3);
}
END_TEST

/* REJECTED: utf8 stays off. */
START_TEST(test_charset_rejected)
{
	skip_offers();
	PEER_RAW("\xff\xfd\x2a");
	PUMP_UNTIL(GOT_HAS("\xff\xfa\x2a\x01 UTF-8\xff\xf0"));
	PEER_RAW("\xff\xfa\x2a\x03\xff\xf0");
	pump_for(30);
	ck_assert(!sess->caps.utf8);
}
END_TEST

/* The client's REQUEST: ACCEPTED UTF-8 if listed, else REJECTED; a
 * TTABLE-IS gets TTABLE-REJECTED. */
START_TEST(test_charset_client_request)
{
	skip_offers();
	PEER_RAW("\xff\xfd\x2a");
	PUMP_UNTIL(GOT_HAS("\xff\xfa\x2a\x01 UTF-8\xff\xf0"));
	got_clear();
	PEER_RAW("\xff\xfa\x2a\x01;ISO-8859-1;utf-8\xff\xf0");
	PUMP_UNTIL(GOT_HAS("\xff\xfa\x2a\x02UTF-8\xff\xf0"));
	ck_assert(sess->caps.utf8);
	got_clear();
	PEER_RAW("\xff\xfa\x2a\x01 ISO-8859-1 CP437\xff\xf0");
	PUMP_UNTIL(GOT_HAS("\xff\xfa\x2a\x03\xff\xf0"));
	ck_assert(!sess->caps.utf8);
	got_clear();
	PEER_RAW("\xff\xfa\x2a\x04\x01xyz\xff\xf0");
	PUMP_UNTIL(GOT_HAS("\xff\xfa\x2a\x05\xff\xf0"));
}
END_TEST

/* The client sends GMCP "text" (IAC SB GMCP text IAC SE). */
static void
gmcp_in(const char *text, bool bytewise)
{
	char	*buf = xmalloc(strlen(text) + 6);
	size_t	 n = strlen(text);

	memcpy(buf, "\xff\xfa\xc9", 3);
	memcpy(buf + 3, text, n);
	memcpy(buf + 3 + n, "\xff\xf0", 2);
	peer_send_raw(buf, n + 5, bytewise);
	free(buf);
}

/* Core.Supports.Set/Add/Remove, case-insensitive, versions ignored; a
 * package is wanted if it, its parent or grandparent is enabled. */
START_TEST(test_gmcp_supports)
{
	skip_offers();
	ck_assert(!session_gmcp_wants(sess, "Core.Ping"));
	PEER_RAW("\xff\xfd\xc9");
	PUMP_UNTIL(sess->caps.gmcp);
	ck_assert(session_gmcp_wants(sess, "Core.Ping"));
	ck_assert(!session_gmcp_wants(sess, "Room.Info"));
	gmcp_in("core.supports.set [\"Char 1\", \"ROOM.info 1\"]", true);
	PUMP_UNTIL(session_gmcp_wants(sess, "Room.Info"));
	ck_assert(session_gmcp_wants(sess, "Char.Vitals"));
	ck_assert(session_gmcp_wants(sess, "Char.Items.List"));
	ck_assert(!session_gmcp_wants(sess, "Room.Players"));
	ck_assert(!session_gmcp_wants(sess, "Comm.Channel.Text"));
	ck_assert(!session_gmcp_wants(sess, "Charx"));
	ck_assert_int_eq(ngmcp_ready, 0);	/* not logged in */
	session_set_key(sess, 42);
	gmcp_in("Core.Supports.Add [\"Comm.Channel 1\"]", false);
	PUMP_UNTIL(session_gmcp_wants(sess, "Comm.Channel.Text"));
	ck_assert_int_eq(ngmcp_ready, 1);
	gmcp_in("Core.Supports.Add [\"char 1\"]", false);	/* had it */
	gmcp_in("Core.Supports.Remove [\"Char\"]", false);
	PUMP_UNTIL(!session_gmcp_wants(sess, "Char.Vitals"));
	ck_assert_int_eq(ngmcp_ready, 1);
	gmcp_in("Core.Supports.Set [\"Room 1\"]", false);
	PUMP_UNTIL(!session_gmcp_wants(sess, "Comm.Channel.Text"));
	ck_assert(session_gmcp_wants(sess, "Room.Info"));
	ck_assert_int_eq(ngmcp_ready, 2);	/* Room is new (Room.Info was) */
	/* Bad JSON, unknown packages: ignored, the session goes on. */
	gmcp_in("Core.Supports.Set [\"Char 1\"", false);
	gmcp_in("Foo.Bar {}", false);
	peer_send("look\r\n");
	PUMP_UNTIL(nlines == 1);
	ck_assert(session_gmcp_wants(sess, "Room.Info"));
	ck_assert(!session_gmcp_wants(sess, "Char.Vitals"));
	ck_assert_uint_eq(gotlen, 0);
	session_unset_key(sess);
}
END_TEST

/* session_gmcp: compact one-line JSON, IAC doubled, ESC escaped, only
 * once wanted. */
START_TEST(test_gmcp_frame)
{
	json_t	*body;

	skip_offers();
	session_gmcp(sess, "Char.Vitals", json_pack("{s:i}", "hp", 20));
	pump_for(20);
	ck_assert_uint_eq(gotlen, 0);		/* not agreed */
	PEER_RAW("\xff\xfd\xc9");
	gmcp_in("Core.Supports.Set [\"Char 1\"]", false);
	PUMP_UNTIL(session_gmcp_wants(sess, "Char.Vitals"));
	session_gmcp(sess, "Room.Info", json_pack("{s:i}", "num", 1));
	body = json_pack("{s:i, s:s}", "hp", 20, "name", "\x1b[31m\xc3\xbf");
	session_gmcp(sess, "Char.Vitals", body);
	session_gmcp(sess, "Char.Empty", NULL);
	PUMP_UNTIL(GOT_HAS("Char.Empty\xff\xf0"));
	ck_assert_str_eq(got, "\xff\xfa\xc9" "Char.Vitals {\"hp\":20,\"name\":"
	    "\"\\u001B[31m\xc3\xbf\"}\xff\xf0\xff\xfa\xc9" "Char.Empty\xff\xf0");
	ck_assert_ptr_null(memchr(got, 0x1b, gotlen));
}
END_TEST

/* Core.Ping is answered, Core.Hello names the client if TTYPE did not. */
START_TEST(test_gmcp_core)
{
	skip_offers();
	PEER_RAW("\xff\xfd\xc9");
	gmcp_in("Core.Hello {\"Client\":\"Mudlet\",\"version\":\"4.19.1\"}",
	    true);
	gmcp_in("Core.KeepAlive", false);
	gmcp_in("core.ping 120", false);
	PUMP_UNTIL(GOT_HAS("\xff\xfa\xc9" "Core.Ping\xff\xf0"));
	ck_assert_uint_eq(gotlen, 14);
	ck_assert_str_eq(sess->caps.client, "Mudlet 4.19.1");
}
END_TEST

/* A GMCP message over 8 KiB is dropped whole; one within it is taken;
 * the next line works. */
START_TEST(test_gmcp_oversize)
{
	size_t	 n = TELNET_MAX_SB + 100, at;
	char	*big = xmalloc(n + 64);

	skip_offers();
	PEER_RAW("\xff\xfd\xc9");
	at = (size_t)sprintf(big, "Core.Supports.Set [");
	while (at < n - 20)
		at += (size_t)sprintf(big + at, "\"Mod%zu 1\",", at);
	strcpy(big + at, "\"Room 1\"]");
	gmcp_in(big, false);
	peer_send("look\r\n");
	PUMP_UNTIL(nlines == 1);
	ck_assert_str_eq(lines[0], "look");
	ck_assert(!session_gmcp_wants(sess, "Room.Info"));
	/* Within the bound: 8000 bytes, 64 modules kept at most. */
	at = (size_t)sprintf(big, "Core.Supports.Set [\"Room 1\",");
	while (at < 8000)
		at += (size_t)sprintf(big + at, "\"M%zu 1\",", at);
	strcpy(big + at, "\"Char 1\"]");
	gmcp_in(big, false);
	PUMP_UNTIL(session_gmcp_wants(sess, "Room.Info"));
	ck_assert(!session_gmcp_wants(sess, "Char.Vitals"));
	free(big);
}
END_TEST

/* DO MSSP: the callback runs, the frame is VAR name VAL value, with the
 * reserved bytes removed; nothing is sent before the DO. */
START_TEST(test_mssp_frame)
{
	static const char *const n[] = { "NAME" }, *const v[] = { "Keep" };

	skip_offers();
	session_mssp_send(sess, n, v, 1);
	pump_for(20);
	ck_assert_uint_eq(gotlen, 0);
	peer_send_raw("\xff\xfd\x46", 3, true);
	PUMP_UNTIL(nmssp == 1);
	PUMP_UNTIL(GOT_HAS("\xff\xf0"));
	ck_assert_uint_eq(gotlen, 25);
	ck_assert_mem_eq(got, "\xff\xfa\x46\x01NAME\x02Keep\x01PLAYERS\x02" "3"
	    "\xff\xf0", 25);
	/* One subnegotiation per DO: a crawler asking again gets it again,
	 * and no reply to the DO itself. */
	got_clear();
	PEER_RAW("\xff\xfd\x46");
	PUMP_UNTIL(nmssp == 2);
	PUMP_UNTIL(gotlen == 25);
	ck_assert_mem_eq(got, "\xff\xfa\x46\x01NAME", 8);
}
END_TEST

/* Inflate in (n bytes, step bytes a call) into out; the last rc. */
static int
inflate_bytes(const uint8_t *in, size_t n, size_t step, char *out,
    size_t outsz, size_t *outlen)
{
	z_stream	z = { 0 };
	int		rc = Z_OK;

	ck_assert_int_eq(inflateInit(&z), Z_OK);
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)outsz - 1;
	for (size_t i = 0; i < n && rc == Z_OK; i += step) {
		z.next_in = (Bytef *)(uintptr_t)(in + i);
		z.avail_in = (uInt)(n - i < step ? n - i : step);
		rc = inflate(&z, Z_SYNC_FLUSH);
		if (rc == Z_BUF_ERROR)
			rc = Z_OK;
	}
	*outlen = outsz - 1 - z.avail_out;
	out[*outlen] = '\0';
	inflateEnd(&z);
	return rc;
}

/*
 * DO MCCP2: the start sequence and the first compressed bytes are queued
 * together; everything after inflates (whole, or a byte at a time) to the
 * same text a plain session gets, each prompt decodable at once, and the
 * stream is finished (Z_STREAM_END) before the close.
 */
START_TEST(test_mccp2)
{
	static const uint8_t	start[] = { 0xff, 0xfa, 0x56, 0xff, 0xf0 };
	struct evbuffer		*out = bufferevent_get_output(sess->bev);
	char			 text[512];
	uint8_t			*p;
	size_t			 n, len;

	skip_offers();
	session_prompt(sess, "Name: ");
	PUMP_UNTIL(gotlen == 8);
	got_clear();
	/* The DO arrives; before the loop writes, the buffer holds the start
	 * and the zlib stream's first bytes: libevent writes them at once. */
	telnet_feed(&sess->telnet, (const uint8_t *)"\xff\xfd\x56", 3);
	ck_assert(sess->caps.mccp2);
	n = evbuffer_get_length(out);
	ck_assert_uint_ge(n, sizeof start + 2);
	p = evbuffer_pullup(out, -1);
	ck_assert_mem_eq(p, start, sizeof start);
	ck_assert_uint_eq(p[5], 0x48);		/* zlib header, 4 KiB window */
	session_write(sess, "hello \xff world\n");
	session_prompt(sess, "> ");
	PUMP_UNTIL(gotlen > sizeof start + 2);
	pump_for(20);
	/* The prompt is decodable before anything else comes. */
	ck_assert_int_eq(inflate_bytes((uint8_t *)got + sizeof start,
	    gotlen - sizeof start, 1, text, sizeof text, &len), Z_OK);
	ck_assert_str_eq(text, "hello \xff\xff world\r\n> \xff\xf9");
	session_close(sess, "Bye.\n");
	PUMP_UNTIL(peer_eof);
	ck_assert_mem_eq(got, start, sizeof start);
	ck_assert_int_eq(inflate_bytes((uint8_t *)got + sizeof start,
	    gotlen - sizeof start, _i == 0 ? gotlen : 1, text, sizeof text,
	    &len), Z_STREAM_END);
	ck_assert_str_eq(text, "hello \xff\xff world\r\n> \xff\xf9" "Bye.\r\n");
}
END_TEST

/* IAC DONT MCCP2 (the client's decompressor failed): the stream is
 * finished and output is plain again. */
START_TEST(test_mccp2_dont)
{
	char	text[256];
	size_t	len, end;

	skip_offers();
	PEER_RAW("\xff\xfd\x56");
	PUMP_UNTIL(sess->caps.mccp2);
	session_write(sess, "packed\n");
	PEER_RAW("\xff\xfe\x56");
	PUMP_UNTIL(!sess->caps.mccp2);
	pump_for(20);
	end = gotlen;
	ck_assert_int_eq(inflate_bytes((uint8_t *)got + 5, end - 5, 1, text,
	    sizeof text, &len), Z_STREAM_END);
	ck_assert_str_eq(text, "packed\r\n\xff\xfc\x56");
	session_write(sess, "plain\n");
	PUMP_UNTIL(gotlen == end + 7);
	ck_assert_mem_eq(got + end, "plain\r\n", 7);
}
END_TEST

/* The transport's suite: no database. */
Suite *
session_suite(void)
{
	Suite	*s = suite_create("session");
	TCase	*tc = tcase_create("session");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_flood_warned);
	tcase_add_test(tc, test_flood_cut_off);
	tcase_add_test(tc, test_output_bound);
	tcase_add_test(tc, test_output_cut_discards);
	tcase_add_test(tc, test_close_busy);
	tcase_add_test(tc, test_hangup_busy);
	tcase_add_test(tc, test_close_idle);
	suite_add_tcase(s, tc);
	tc = tcase_create("proto");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_offer_burst);
	tcase_add_test(tc, test_offers_none);
	tcase_add_test(tc, test_refusing_client);
	tcase_add_test(tc, test_silent_client);
	tcase_add_test(tc, test_eor_prompt);
	tcase_add_test(tc, test_ttype_mudlet);
	tcase_add_test(tc, test_ttype_stop_repeat);
	tcase_add_test(tc, test_ttype_stop_first);
	tcase_add_test(tc, test_ttype_stop_ansi);
	tcase_add_test(tc, test_ttype_stop_max);
	tcase_add_loop_test(tc, test_naws, 0, 2);
	tcase_add_test(tc, test_naws_wrap);
	tcase_add_test(tc, test_charset_accepted);
	tcase_add_test(tc, test_charset_rejected);
	tcase_add_test(tc, test_charset_client_request);
	tcase_add_test(tc, test_gmcp_supports);
	tcase_add_test(tc, test_gmcp_frame);
	tcase_add_test(tc, test_gmcp_core);
	tcase_add_test(tc, test_gmcp_oversize);
	tcase_add_test(tc, test_mssp_frame);
	tcase_add_loop_test(tc, test_mccp2, 0, 2);
	tcase_add_test(tc, test_mccp2_dont);
	suite_add_tcase(s, tc);
	return s;
}
