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

#include <event2/event.h>

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

static const struct session_cbs	fake_cbs = {
	.open = fake_open,
	.line = fake_line,
	.reprompt = fake_reprompt,
	.close = fake_close,
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
	opened = closed = nlines = 0;
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
	return s;
}
