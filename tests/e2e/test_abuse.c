/*
 * test_abuse.c — hostile clients once connected, against the real keepd
 * over TCP: command floods (full speed and paced) meet the per-session
 * command rate, a slow listener in a spammer's room is not the one cut
 * off, terminal controls never reach another player, a NUL byte refuses
 * its line (a password included), refused input is logged as a summary,
 * and a client that never reads is cut at max_output_kib, counting what
 * the kernel holds for it.
 *
 * Most tests start keepd with the default limits (ABUSE_CONFIG), unlike
 * tests/keep-test.json, which lifts the command rate for the other suites.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "keep_test.h"

#define PW		"password1"
#define GA		"\xff\xf9"
#define WARNED		"You are sending commands too fast (more than 10 a " \
			"second); that line was ignored."
#define TOO_FAST	"Too fast; that line was ignored."
#define RATE_BYE	"You kept sending commands too fast. Goodbye."
#define QUEUE_WARNED	"You are sending commands faster than they can run"
#define NUL_REFUSED	"That line contained a NUL byte; it was ignored.\r\n"

/* keepd with the command rate at its default (the per-address limits at
 * the door lifted: the suites share 127.0.0.1). */
#define ABUSE_CONFIG(extra) "{\"listen_address\": \"127.0.0.1\"," \
			" \"workers\": 4, \"argon2_ops\": 1," \
			" \"argon2_mem_kib\": 64, \"log_level\": \"info\"" \
			TEST_DOOR_LIMITS extra "}"
/* The same with the command rate lifted, for tests about other limits. */
#define FAST_CONFIG(extra) ABUSE_CONFIG(", \"command_rate\": 1000000," \
			" \"command_burst\": 1000000" extra)

/* A socket read without blocking, counting needles in whole lines. */
struct watch {
	int		 fd;
	bool		 closed;
	size_t		 total;		/* bytes read */
	size_t		 len;
	char		 buf[16384];	/* the unfinished line */
	int		 n;
	const char	*needle[6];
	long		 count[6];
};

/* Count the needles in one whole line. */
static void
watch_line(struct watch *w, const char *line, size_t len)
{
	for (int i = 0; i < w->n; i++) {
		size_t		 nl = strlen(w->needle[i]);
		const char	*p = line, *end = line + len, *hit;

		while ((hit = memmem(p, (size_t)(end - p), w->needle[i],
		    nl)) != NULL) {
			w->count[i]++;
			p = hit + nl;
		}
	}
}

/* Take bytes read into the watch, counting needles line by line. */
static void
watch_add(struct watch *w, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (w->len < sizeof w->buf)
			w->buf[w->len++] = data[i];
		if (data[i] == '\n') {
			watch_line(w, w->buf, w->len);
			w->len = 0;
		}
	}
}

/* Read at most max bytes of what is there, waiting up to ms for any. */
static size_t
watch_read_max(struct watch *w, int ms, size_t max)
{
	struct pollfd	pfd = { .fd = w->fd, .events = POLLIN };
	char		tmp[8192];
	size_t		got = 0;
	ssize_t		n;

	if (w->closed || poll(&pfd, 1, ms) <= 0)
		return 0;
	while (got < max) {
		size_t	want = max - got < sizeof tmp ? max - got : sizeof tmp;

		n = recv(w->fd, tmp, want, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			w->closed = true;
			break;
		}
		if (n < 0)
			break;
		watch_add(w, tmp, (size_t)n);
		w->total += (size_t)n;
		got += (size_t)n;
	}
	return got;
}

/* Read everything that is there, waiting up to ms for any. */
static void
watch_read(struct watch *w, int ms)
{
	watch_read_max(w, ms, SIZE_MAX);
}

/* Take over a logged-in client's socket, with needles to count. */
static void
watch_init(struct watch *w, struct client *c, const char *const *needles)
{
	memset(w, 0, sizeof *w);
	w->fd = c->fd;
	for (; *needles != NULL && w->n < 6; needles++)
		w->needle[w->n++] = *needles;
}

/*
 * The flooder of issue 7: it says one line over and over as fast as keepd
 * answers, keeping SPAM_WINDOW lines in flight, inside the queue limit
 * (max_queued_lines, 20), so the queue's flood rule never sees it.  Each
 * line is answered either by its echo ("You say, ...") or by a refusal.
 */
#define SPAM_WINDOW	15

struct spammer {
	struct watch	 w;		/* needles: echo, WARNED, TOO_FAST, RATE_BYE */
	char		 line[600];	/* with CR LF */
	size_t		 len;
	long		 sent;
};

/* Take over a logged-in client as a spammer of "say text". */
static void
spammer_init(struct spammer *sp, struct client *c, const char *text)
{
	/* The room rate's refusal answers a say too. */
	static const char *const needles[] = { "You say, '", WARNED,
	    TOO_FAST, RATE_BYE, "It is too noisy here", NULL };

	memset(sp, 0, sizeof *sp);
	watch_init(&sp->w, c, needles);
	sp->len = (size_t)snprintf(sp->line, sizeof sp->line, "say %s\r\n",
	    text);
}

/* Read the answers, then top the window up. */
static void
spammer_tick(struct spammer *sp)
{
	watch_read(&sp->w, 0);
	while (!sp->w.closed && sp->sent - sp->w.count[0] - sp->w.count[1] -
	    sp->w.count[2] - sp->w.count[4] < SPAM_WINDOW) {
		if (send(sp->w.fd, sp->line, sp->len, MSG_NOSIGNAL) < 0)
			break;
		sp->sent++;
	}
}

/* A player running look every 150 ms (within the rate), timing each. */
struct looker {
	struct client	*c;
	long long	 start;		/* 0: none in flight */
	long long	 last;		/* when the last one was sent */
	int		 n;
	int		 refused;
	long long	 ms[4096];
};

/* Send a look if it is time, or collect the answer to the last one. */
static void
looker_tick(struct looker *l)
{
	char	got[65536];

	if (l->start == 0) {
		if (now_ms() - l->last < 150)
			return;
		client_send_raw(l->c, "look\r\n", 6);
		l->start = l->last = now_ms();
		return;
	}
	if (client_expect(l->c, PROMPT, 1, got, sizeof got)) {
		if (strstr(got, "Too fast") != NULL ||
		    strstr(got, "too fast") != NULL)
			l->refused++;
		if (l->n < 4096)
			l->ms[l->n++] = now_ms() - l->start;
		l->start = 0;
	}
}

/* Order latencies for qsort. */
static int
cmp_ll(const void *a, const void *b)
{
	long long	x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* The 99th percentile of the looker's latencies, in ms. */
static long long
looker_p99(struct looker *l)
{
	ck_assert_int_gt(l->n, 0);
	qsort(l->ms, (size_t)l->n, sizeof l->ms[0], cmp_ll);
	return l->ms[(l->n * 99) / 100];
}

/* Connect with a small receive buffer (set before connect, so the window
 * is small from the start), like a slow link. */
static void
connect_small(struct client *c, int port, int rcvbuf)
{
	struct sockaddr_in	sa = { .sin_family = AF_INET };

	memset(c, 0, sizeof *c);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert(c->fd >= 0);
	ck_assert(setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof rcvbuf) == 0);
	ck_assert_msg(connect(c->fd, (struct sockaddr *)&sa, sizeof sa) == 0,
	    "connect: %s", strerror(errno));
}

/* The keepd log so far (malloc'd). */
static char *
read_log(const struct keepd *k)
{
	FILE	*f = fopen(k->log, "r");
	char	*text;
	long	 n;

	ck_assert(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)n + 1);
	ck_assert(text != NULL);
	n = (long)fread(text, 1, (size_t)n, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

#define log_count	keepd_log_lines

/*
 * A client saying as fast as its socket takes is warned, refused, and cut
 * off within seconds; a listener hears at most the burst and the rate; a
 * third player's look stays quick; the log gets a few lines, not one per
 * refused line.
 */
START_TEST(test_rate_flood)
{
	struct keepd	 k;
	struct client	 spam, lis, look;
	struct spammer	 sp;
	struct watch	 wl, *ws = &sp.w;
	struct looker	 lk = { .c = &look };
	char		 sn[17], ln[17], pn[17], heard[64];
	const char	*lneedles[] = { heard, NULL };
	long long	 start, cut = 0, p99;

	keepd_start(&k, ABUSE_CONFIG(""));
	client_player(&spam, k.port, sn, "Kspam", PW);
	client_player(&lis, k.port, ln, "Klis", PW);
	client_player(&look, k.port, pn, "Klook", PW);
	client_quiet(&spam, 300);
	client_quiet(&lis, 100);
	client_quiet(&look, 100);
	snprintf(heard, sizeof heard, "%s says, 'spam", sn);
	spammer_init(&sp, &spam, "spam spam spam spam");
	watch_init(&wl, &lis, lneedles);
	start = now_ms();
	while (now_ms() - start < 8000) {
		spammer_tick(&sp);
		if (ws->closed && cut == 0)
			cut = now_ms() - start;
		watch_read(&wl, 0);
		looker_tick(&lk);
		if (cut != 0 && now_ms() - start > cut + 1000 &&
		    now_ms() - start > 2500)
			break;
		usleep(500);
	}
	watch_read(&wl, 300);
	p99 = looker_p99(&lk);
	fprintf(stderr, "rate_flood: %ld lines sent, %ld ran, warned %ld, "
	    "refused %ld, goodbye %ld, cut after %lld ms; listener heard %ld; "
	    "look p99 %lld ms over %d\n", sp.sent, ws->count[0],
	    ws->count[1], ws->count[2], ws->count[3], cut, wl.count[0], p99,
	    lk.n);
	ck_assert_msg(ws->count[1] == 1, "spammer warned %ld times",
	    ws->count[1]);
	ck_assert_msg(ws->count[2] >= 1, "no line refused over the rate");
	ck_assert_msg(ws->count[3] == 1 && ws->closed && cut > 0,
	    "the spammer was not cut off (goodbye %ld, closed %d)",
	    ws->count[3], ws->closed);
	ck_assert_msg(cut < 5000, "cut off only after %lld ms", cut);
	/* The burst (30), the rate (10/s) over the flood, and some slack. */
	ck_assert_msg(wl.count[0] <= 30 + cut / 100 + 5, "the listener heard "
	    "%ld says in %lld ms", wl.count[0], cut);
	ck_assert_msg(!wl.closed, "the listener was disconnected");
	ck_assert_msg(lk.n >= 10 && p99 < 1000, "look p99 %lld ms over %d",
	    p99, lk.n);
	ck_assert_msg(lk.refused == 0, "the other player was refused");
	ck_assert_msg(log_count(&k, "over the command rate") <= 8,
	    "%ld log lines about the rate", log_count(&k,
	    "over the command rate"));
	client_close(&spam);
	client_close(&lis);
	client_close(&look);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * A fast human (a burst of 15 commands from an alias, then 8 a second
 * from triggers) is never warned; a paced flood of 100 lines a second is
 * warned, refused and cut off within seconds.
 */
START_TEST(test_paced_flood)
{
	struct keepd	 k;
	struct client	 c;
	struct watch	 w;
	char		 name[17];
	const char	*needles[] = { WARNED, TOO_FAST, RATE_BYE,
			    QUEUE_WARNED, NULL };
	long long	 start, cut = 0;

	keepd_start(&k, ABUSE_CONFIG(""));
	client_player(&c, k.port, name, "Kpace", PW);
	client_quiet(&c, 300);
	watch_init(&w, &c, needles);
	for (int i = 0; i < 15; i++)
		client_send_raw(&c, "look\r\n", 6);
	start = now_ms();
	for (int i = 1; i <= 16; i++) {
		/* 8 a second on the clock: watch_read returns on any data. */
		while (now_ms() - start < i * 125LL)
			watch_read(&w, (int)(start + i * 125LL - now_ms()));
		client_send_raw(&c, "score\r\n", 7);
	}
	watch_read(&w, 500);
	ck_assert_msg(w.count[0] + w.count[1] + w.count[2] + w.count[3] == 0,
	    "a fast human was warned or refused (%ld %ld %ld %ld)",
	    w.count[0], w.count[1], w.count[2], w.count[3]);
	ck_assert(!w.closed);
	start = now_ms();
	for (long sent = 0; !w.closed && now_ms() - start < 5000; ) {
		/* 100 lines a second, on the clock. */
		for (; sent < (now_ms() - start) / 10 + 1; sent++)
			client_send_raw(&c, "say paced\r\n", 11);
		watch_read(&w, 2);
	}
	cut = now_ms() - start;
	fprintf(stderr, "paced_flood: warned %ld, refused %ld, cut after "
	    "%lld ms\n", w.count[0], w.count[1], cut);
	ck_assert_msg(w.count[0] == 1 && w.count[1] >= 1, "100 lines a "
	    "second: warned %ld, refused %ld", w.count[0], w.count[1]);
	ck_assert_msg(w.closed && w.count[2] == 1, "100 lines a second for "
	    "%lld ms were not cut off", cut);
	ck_assert_msg(cut < 4000, "cut off only after %lld ms", cut);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * A listener on a slow link (reading 20 KB a second) in a room where
 * spammers say long lines at full speed stays connected; the spammers
 * are the ones cut off.
 */
START_TEST(test_slow_listener)
{
	enum { NSPAM = 4 };
	struct keepd	 k;
	struct client	 spam[NSPAM], lis;
	struct spammer	 sp[NSPAM];
	struct watch	 wl;
	char		 name[17], line[512], got[65536];
	const char	*lneedles[] = { " says, 'x", NULL };
	long long	 start;
	int		 cut = 0;

	keepd_start(&k, ABUSE_CONFIG(""));
	test_name(name, "Kslow");
	connect_small(&lis, k.port, 16384);
	client_create(&lis, name, PW);
	client_quiet(&lis, 100);
	memset(line, 0, sizeof line);
	memset(line, 'x', 480);
	for (int i = 0; i < NSPAM; i++) {
		client_player(&spam[i], k.port, name, "Kspa", PW);
		client_quiet(&spam[i], 100);
		spammer_init(&sp[i], &spam[i], line);
	}
	watch_init(&wl, &lis, lneedles);
	start = now_ms();
	while (now_ms() - start < 10000) {
		for (int i = 0; i < NSPAM; i++)
			spammer_tick(&sp[i]);
		/* 20 KB a second: 1,000 bytes every 50 ms. */
		if ((now_ms() - start) / 50 * 1000 > (long long)wl.total)
			watch_read_max(&wl, 0, 1000);
		usleep(2000);
	}
	for (int i = 0; i < NSPAM; i++)
		cut += sp[i].w.closed && sp[i].w.count[3] == 1;
	fprintf(stderr, "slow_listener: %d of %d spammers cut off; the "
	    "listener read %zu bytes (%ld says), closed %d\n", cut, NSPAM,
	    wl.total, wl.count[0], wl.closed);
	ck_assert_msg(!wl.closed, "the slow listener was disconnected after "
	    "reading %zu bytes", wl.total);
	ck_assert_msg(cut == NSPAM, "only %d of %d spammers were cut off",
	    cut, NSPAM);
	/* Still there and answering. */
	client_quiet(&lis, 300);
	ck_assert_msg(client_cmd(&lis, "look", got, sizeof got),
	    "the listener got no prompt after look: \"%s\"", printable(got));
	for (int i = 0; i < NSPAM; i++)
		client_close(&spam[i]);
	client_close(&lis);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * C1 controls (as UTF-8), bidi overrides and isolates never reach another
 * player, nor the speaker's own echo; other Unicode text is untouched.
 */
START_TEST(test_controls_stripped)
{
	struct keepd	 k;
	struct client	 a, b;
	char		 an[17], bn[17], got[8192], want[256];
	const char	*text = "x\xc2\x9b" "31mRED\xc2\x9d" "0;t\xc2\x9c"
			    " \xe2\x80\xae" "evil\xe2\x81\xa6" "iso\xe2\x81\xa9"
			    "\xc2\x85" "end caf\xc3\xa9 \xe2\x9c\x93";
	const char	*clean = "x31mRED0;t evilisoend caf\xc3\xa9 \xe2\x9c\x93";
	char		 line[256];

	keepd_start(&k, NULL);
	client_player(&a, k.port, an, "Kinja", PW);
	client_player(&b, k.port, bn, "Kinjb", PW);
	client_quiet(&a, 300);
	client_quiet(&b, 100);
	snprintf(line, sizeof line, "say %s", text);
	client_send(&a, line);
	snprintf(want, sizeof want, "You say, '%s'\r\n", clean);
	client_want(&a, PROMPT, 5000, got, sizeof got);
	ck_assert_msg(strstr(got, want) != NULL, "echo: \"%s\"",
	    printable(got));
	snprintf(want, sizeof want, "%s says, '%s'\r\n", an, clean);
	client_want(&b, want, 5000, NULL, 0);
	/* The same through ' and with a control inside the command word. */
	client_send(&a, "'\xe2\x80\xae" "back\xc2\x9b");
	client_want(&b, "says, 'back'\r\n", 5000, NULL, 0);
	client_send(&a, "lo\xc2\x9bok");
	client_want(&a, "The Village Square", 5000, NULL, 0);
	client_close(&a);
	client_close(&b);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * A NUL byte refuses its line in every state (name, password, playing):
 * a password with a NUL is not quietly shortened into the right one.
 * CR NUL is still a line end.
 */
START_TEST(test_nul_refused)
{
	struct keepd	 k;
	struct client	 a, b;
	char		 name[17], bn[17], got[8192], want[64];

	keepd_start(&k, ABUSE_CONFIG(""));
	client_player(&b, k.port, bn, "Knulb", PW);
	test_name(name, "Knul");
	client_connect(&a, k.port);
	client_want(&a, "Name: " GA, 5000, NULL, 0);
	client_send_raw(&a, "Kn\0ul\r\n", 7);
	client_want(&a, NUL_REFUSED, 5000, NULL, 0);
	client_create(&a, name, PW);	/* from the "Name: " asked again */
	client_quiet(&b, 300);
	client_send_raw(&a, "say a\0b\r\n", 9);
	client_want(&a, NUL_REFUSED, 5000, NULL, 0);
	client_send_raw(&a, "say clean\r\0", 11);
	snprintf(want, sizeof want, "%s says, 'clean'", name);
	client_want(&b, want, 5000, got, sizeof got);
	ck_assert_msg(strstr(got, "says, 'a") == NULL, "heard \"%s\"",
	    printable(got));
	client_close(&a);
	/* The right password with a NUL inside: refused, not "password1". */
	client_connect(&a, k.port);
	client_want(&a, "Name: " GA, 5000, NULL, 0);
	client_send(&a, name);
	client_want(&a, "Password: " GA, 5000, NULL, 0);
	client_send_raw(&a, "pass\0word1\r\n", 12);
	client_want(&a, NUL_REFUSED, 5000, got, sizeof got);
	ck_assert_msg(strstr(got, "Welcome") == NULL, "logged in with a "
	    "NUL in the password: \"%s\"", printable(got));
	client_want(&a, "Password: " GA, 5000, NULL, 0);
	client_send(&a, PW);
	client_want(&a, "Welcome back", 5000, NULL, 0);
	client_close(&a);
	client_close(&b);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * A connection that never logs in and sends thousands of refused lines
 * gets a log line for each of the first few, then summaries whose counts
 * add up to the rest, never a line each.
 */
START_TEST(test_refusal_log)
{
	struct keepd	 k;
	struct client	 c;
	struct watch	 w;
	char		 chunk[100 * 605], *log, *p;
	const char	*none[] = { NULL };
	long		 summed = 0, lines;
	size_t		 n = 0;

	keepd_start(&k, FAST_CONFIG(""));
	client_connect(&c, k.port);
	client_want(&c, "Name: " GA, 5000, NULL, 0);
	watch_init(&w, &c, none);
	for (int round = 0; round < 35; round++) {
		n = 0;
		for (int i = 0; i < 100; i++) {
			if (round < 20) {		/* invalid UTF-8 */
				memcpy(chunk + n, "\xc3\x28\r\n", 4);
				n += 4;
			} else if (round < 30) {	/* too long */
				memset(chunk + n, 'a', 600);
				memcpy(chunk + n + 600, "\r\n", 2);
				n += 602;
			} else {			/* NUL */
				memcpy(chunk + n, "a\0b\r\n", 5);
				n += 5;
			}
		}
		client_send_raw(&c, chunk, n);
		while (watch_read_max(&w, 20, SIZE_MAX) > 0)
			;
	}
	client_close(&c);
	for (int i = 0; i < 50 && log_count(&k, "refused in the last") == 0;
	    i++)
		usleep(100 * 1000);
	log = read_log(&k);
	/* Add up "4,210 lines refused in the last 10 s (...)". */
	for (p = log; (p = strstr(p, " lines refused in the last")) != NULL;
	    p++) {
		char	*q = p;
		long	 v = 0, scale = 1;

		while (q > log && ((q[-1] >= '0' && q[-1] <= '9') ||
		    q[-1] == ',')) {
			if (*--q != ',') {
				v += (*q - '0') * scale;
				scale *= 10;
			}
		}
		summed += v;
	}
	lines = str_count(log, "refused");
	fprintf(stderr, "refusal_log: 3,500 refused lines; %ld log lines "
	    "say refused, the summaries count %ld\n", lines, summed);
	ck_assert_msg(lines <= 5 + 3, "%ld log lines about refusals", lines);
	ck_assert_msg(str_count(log, "line refused") +
	    str_count(log, "lines refused") == lines, "odd log lines");
	ck_assert_msg(summed == 3500 - 5, "summaries count %ld", summed);
	ck_assert_msg(strstr(log, "too long: 1,000") != NULL &&
	    strstr(log, "NUL byte: 500") != NULL, "no per-reason counts");
	free(log);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * A client that never reads is cut off once what waits for it, in keepd
 * and in the kernel, reaches max_output_kib: within seconds, and what it
 * can read afterwards is no more than the bound and its own receive
 * buffer.
 */
START_TEST(test_slow_reader_cut)
{
	enum { BOUND = 128 * 1024, SLACK = 64 * 1024 };
	struct keepd	 k;
	struct client	 v, t;
	struct watch	 wv;
	char		 vn[17], tn[17], line[512], got[65536];
	const char	*none[] = { NULL };
	long long	 start, took;
	long		 says = 0;
	bool		 cut = false;

	/* The says that fill its output must not wait for the room rate. */
	keepd_start(&k, FAST_CONFIG(", \"max_output_kib\": 128,"
	    " \"room_message_rate\": 1000000"));
	test_name(vn, "Kdeaf");
	connect_small(&v, k.port, 8192);
	client_create(&v, vn, PW);
	client_quiet(&v, 300);
	client_player(&t, k.port, tn, "Ktalk", PW);
	client_quiet(&t, 100);
	memset(line, 0, sizeof line);
	memcpy(line, "say ", 4);
	memset(line + 4, 'y', 490);
	memcpy(line + 494, "\r\n", 2);
	start = now_ms();
	/* v reads nothing from here on; t talks until v is cut. */
	while (!cut && now_ms() - start < 30000) {
		client_send_raw(&t, line, 496);
		ck_assert_msg(client_expect(&t, PROMPT, 10000, got, sizeof got),
		    "the talker got no prompt");
		if (++says % 25 == 0)
			cut = log_count(&k, "output over 128 KiB") > 0;
	}
	took = now_ms() - start;
	watch_init(&wv, &v, none);
	while (!wv.closed)
		watch_read(&wv, 2000);
	fprintf(stderr, "slow_reader_cut: cut %d after %lld ms and %ld says "
	    "of %d bytes; the reader could read %zu bytes afterwards (bound "
	    "%d)\n", cut, took, says, 490 + 20, wv.total, BOUND);
	ck_assert_msg(cut, "not cut off after %ld says in %lld ms", says, took);
	ck_assert_msg(took < 15000, "cut off only after %lld ms", took);
	ck_assert_msg(says * 500 >= BOUND, "cut off early: %ld says", says);
	ck_assert_msg(wv.total <= BOUND + SLACK, "the reader could still read "
	    "%zu bytes (bound %d)", wv.total, BOUND);
	client_close(&v);
	client_close(&t);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The abuse suite: hostile clients against a real keepd. */
Suite *
abuse_suite(void)
{
	Suite	*s = suite_create("abuse");
	TCase	*tc = tcase_create("abuse");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rate_flood);
	tcase_add_test(tc, test_paced_flood);
	tcase_add_test(tc, test_slow_listener);
	tcase_add_test(tc, test_controls_stripped);
	tcase_add_test(tc, test_nul_refused);
	tcase_add_test(tc, test_refusal_log);
	tcase_add_test(tc, test_slow_reader_cut);
	suite_add_tcase(s, tc);
	return s;
}
