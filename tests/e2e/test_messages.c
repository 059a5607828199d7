/*
 * test_messages.c — durable messages: rows written in the command's
 * transaction, read by every keepd after each bell and after a LISTEN
 * reconnect, each once and in order; pruning; the per-room say rate.
 * End-to-end tests drive real keepd processes over TCP; the reader's
 * commit-order test runs at the database tier.
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "db_test.h"
#include "keep_test.h"

#define PASSWORD	"correct horse"
#define WAIT_MS		10000

/* tests/keep-test.json with extra keys (each starting with a comma). */
#define CONFIG(extra)	TEST_CONFIG(extra)

/* A fresh player on port, moved into room (0: stay in the start room). */
static void
player_in(struct client *c, int port, char name[17], const char *prefix,
    int32_t room)
{
	client_player(c, port, name, prefix, PASSWORD);
	if (room != 0) {
		sqlf("UPDATE characters SET room_id = %d WHERE name = '%s'",
		    room, name);
		client_send_want(c, "look", PROMPT, WAIT_MS);
	}
}

/*
 * Send a line and wait for needle.  The line and its CR LF go in one
 * segment: two would wait out the delayed ACK (Nagle), 40 ms a command.
 */
static void
say_want(struct client *c, const char *line, const char *needle)
{
	char	buf[600];
	int	n = snprintf(buf, sizeof buf, "%s\r\n", line);

	client_send_raw(c, buf, (size_t)n);
	client_want(c, needle, WAIT_MS, NULL, 0);
}

/* Wait until nothing has come for ms; what came is appended to c's buffer. */
static void
settle(struct client *c, int ms)
{
	while (client_expect(c, "\xff\x01", ms, NULL, 0))
		;
}

/* Read until needle came and the line is quiet for 500 ms; all that came
 * stays in c's buffer. */
static void
until_heard(struct client *c, const char *needle)
{
	for (long long end = now_ms() + WAIT_MS; now_ms() < end;) {
		if (memmem(c->buf, c->len, needle, strlen(needle)) != NULL)
			break;
		settle(c, 100);
	}
	settle(c, 500);
}

/*
 * Check that c received "<speaker> says, '<prefix> i'" exactly once for
 * each i in 0..n-1, in that order: reads until the last one came and the
 * line is quiet for a moment.
 */
static void
heard_once_in_order(struct client *c, const char *speaker, const char *prefix,
    int n)
{
	const char	*last = fmt("%s says, '%s %d'", speaker, prefix, n - 1);
	char		*text, *at;
	size_t		 len;

	until_heard(c, last);
	len = c->len;
	text = malloc(len + 1);
	memcpy(text, c->buf, len);
	text[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\0')
			text[i] = ' ';
	}
	at = text;
	for (int i = 0; i < n; i++) {
		const char	*line = fmt("%s says, '%s %d'", speaker, prefix,
				    i);
		char		*hit = strstr(at, line);

		ck_assert_msg(hit != NULL, "\"%s\" was not heard (or out of "
		    "order); heard: %s", line, printable(text));
		ck_assert_msg(str_count(text, fmt("'%s %d'", prefix, i)) == 1,
		    "\"%s\" was heard %ld times", line,
		    str_count(text, fmt("'%s %d'", prefix, i)));
		at = hit + strlen(line);
	}
	free(text);
	c->len = 0;
}

/* Terminate every keepd LISTEN backend; how many there were. */
static long long
kill_listeners(void)
{
	return sqlv("SELECT count(pg_terminate_backend(pid)) FROM"
	    " pg_stat_activity WHERE application_name = 'keepd-listen'");
}

/*
 * (a) Messages committed while the LISTEN connection is down are read from
 * the table once it is back: all 50, once each, in order.
 */
START_TEST(test_gap_filled)
{
	struct keepd	k;
	struct client	a, b;
	char		an[17], bn[17];
	int32_t		room = sql_room("msgtest", "Gap Room", "Quiet.");

	keepd_start(&k, NULL);
	player_in(&a, k.port, an, "Gapa", room);
	player_in(&b, k.port, bn, "Gapb", room);
	client_send_want(&a, "say warm", "You say, 'warm'", WAIT_MS);
	client_want(&b, fmt("%s says, 'warm'", an), WAIT_MS, NULL, 0);
	client_quiet(&b, 100);

	ck_assert_int_eq(kill_listeners(), 1);
	for (int i = 0; i < 50; i++)
		say_want(&a, fmt("say gap %d", i), fmt("You say, 'gap %d'", i));
	heard_once_in_order(&b, an, "gap", 50);
	client_close(&a);
	client_close(&b);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * (b) One message to more than 400 characters, and one longer than
 * NOTIFY's 8000 bytes: one row each, delivered whole to the real players
 * among the recipients.
 */
START_TEST(test_big_messages)
{
	struct keepd	k;
	struct client	c[3];
	char		n[3][17], base[17], big[64];
	int32_t		room = sql_room("msgtest", "Crowded Room", "Packed.");
	long long	rows;

	keepd_start(&k, NULL);
	for (int i = 0; i < 3; i++)
		player_in(&c[i], k.port, n[i], "Crowd", room);
	/* 450 more online, on this keepd's instance, with no socket. */
	test_name(base, "Fk");
	base[8] = '\0';
	sqlf("INSERT INTO characters (name, password_hash, room_id,"
	    " session_instance, session_id) SELECT '%s' ||"
	    " translate(g::text, '0123456789', 'abcdefghij'), 'x', %d,"
	    " (SELECT id FROM instances WHERE pid = %d), 1000000 + g"
	    " FROM generate_series(1, 450) g", base, room, (int)k.pid);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE"
	    " room_id = %d AND session_instance IS NOT NULL", room), 453);

	rows = sqlv("SELECT count(*) FROM messages");
	client_send_want(&c[0], "say to the crowd", "You say, 'to the crowd'",
	    WAIT_MS);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages"), rows + 1);
	ck_assert_int_eq(sqlv("SELECT cardinality(recipients) FROM messages"
	    " ORDER BY id DESC LIMIT 1"), 452);
	for (int i = 1; i < 3; i++)
		client_want(&c[i], fmt("%s says, 'to the crowd'", n[0]),
		    WAIT_MS, NULL, 0);

	/* 20000 bytes and a marker, to all 453. */
	snprintf(big, sizeof big, "end of the long message %d", (int)k.pid);
	sqlf("WITH m AS (INSERT INTO messages (kind, room_id, recipients,"
	    " text) SELECT 'room', %d, array_agg(id), repeat('0123456789',"
	    " 2000) || '%s' FROM characters WHERE room_id = %d AND"
	    " session_instance IS NOT NULL RETURNING 1)"
	    " SELECT pg_notify('keep', '') FROM m", room, big, room);
	for (int i = 0; i < 3; i++) {
		static char	got[65536];

		client_want(&c[i], big, WAIT_MS, got, sizeof got);
		ck_assert_msg(str_count(got, "0123456789") == 2000,
		    "%s got %ld of 2000 pieces", n[i],
		    str_count(got, "0123456789"));
		client_close(&c[i]);
	}
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * (c) Two keepd on one database: a say on one reaches the other once,
 * also across a LISTEN reconnect of both.
 */
START_TEST(test_two_instances)
{
	struct keepd	k1, k2;
	struct client	a, b;
	char		an[17], bn[17];
	int32_t		room = sql_room("msgtest", "Shared Room", "Two doors.");

	keepd_start(&k1, NULL);
	keepd_start(&k2, NULL);
	player_in(&a, k1.port, an, "Twoa", room);
	player_in(&b, k2.port, bn, "Twob", room);
	client_send_want(&a, "say across 0", "You say, 'across 0'", WAIT_MS);
	heard_once_in_order(&b, an, "across", 1);
	client_send_want(&b, "say back 0", "You say, 'back 0'", WAIT_MS);
	heard_once_in_order(&a, bn, "back", 1);

	ck_assert_int_eq(kill_listeners(), 2);
	for (int i = 0; i < 20; i++)
		say_want(&a, fmt("say over %d", i),
		    fmt("You say, 'over %d'", i));
	heard_once_in_order(&b, an, "over", 20);
	client_close(&a);
	client_close(&b);
	keepd_stop(&k2, SIGTERM);
	keepd_stop(&k1, SIGTERM);
}
END_TEST

/* Insert n messages for character 1 created ago seconds back, marked tag. */
static void
old_messages(int n, int ago, const char *tag)
{
	sqlf("INSERT INTO messages (kind, recipients, text, created_at)"
	    " SELECT 'char', '{1}', '%s', now() - make_interval(secs => %d)"
	    " FROM generate_series(1, %d)", tag, ago, n);
}

/* (d) Pruning deletes the messages past the retention, in bounded batches,
 * and only them. */
START_TEST(test_prune_store)
{
	struct store	*s = test_store();
	char		 tag[17];
	int64_t		 deleted;

	test_name(tag, "Prune");
	old_messages(5, 7200, fmt("%s old", tag));
	old_messages(3, 100, fmt("%s new", tag));
	ck_assert_int_eq(store_message_prune(s, 3600, 2, &deleted), STORE_OK);
	ck_assert_int_eq(deleted, 2);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE text ="
	    " '%s old'", tag), 3);
	do
		ck_assert_int_eq(store_message_prune(s, 3600, 2, &deleted),
		    STORE_OK);
	while (deleted > 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE text ="
	    " '%s old'", tag), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE text ="
	    " '%s new'", tag), 3);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE"
	    " created_at < now() - interval '3600 seconds'"), 0);
	store_close(s);
}
END_TEST

/* (d) keepd's ticker prunes with message_retention, and keeps the rest. */
START_TEST(test_prune_ticker)
{
	struct keepd	k;
	char		tag[17];
	long long	left = -1;

	test_name(tag, "Tick");
	old_messages(30, 600, fmt("%s old", tag));
	old_messages(4, 30, fmt("%s new", tag));
	keepd_start(&k, CONFIG(", \"message_retention\": 300"));
	for (int i = 0; i < 200 && left != 0; i++) {
		left = sqlv("SELECT count(*) FROM messages WHERE text ="
		    " '%s old'", tag);
		usleep(50 * 1000);
	}
	ck_assert_msg(left == 0, "%lld old messages left after 10 s", left);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE text ="
	    " '%s new'", tag), 4);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * (e) A room hears at most room_message_rate says a second: with 20, the
 * 21st say within a second is refused and the listeners heard the first
 * 20.  A burst that took longer than the window proves nothing, so it is
 * tried again (in a fresh room) a few times.
 */
START_TEST(test_room_rate)
{
	struct keepd	k;
	struct client	a, b, c;
	char		an[17], bn[17], cn[17];
	bool		fast = false;

	keepd_start(&k, CONFIG(", \"room_message_rate\": 20"));
	player_in(&a, k.port, an, "Ratea", 0);
	player_in(&b, k.port, bn, "Rateb", 0);
	player_in(&c, k.port, cn, "Ratec", 0);
	for (int attempt = 0; attempt < 4 && !fast; attempt++) {
		int32_t		room = sql_room("msgtest", "Noisy Room",
				    "Loud.");
		long long	start;
		char		out[4096];
		bool		ok;

		sqlf("UPDATE characters SET room_id = %d WHERE name IN"
		    " ('%s', '%s', '%s')", room, an, bn, cn);
		client_send_want(&a, "look", PROMPT, WAIT_MS);
		client_quiet(&b, 200);
		client_quiet(&c, 200);
		start = now_ms();
		for (int i = 0; i < 20; i++)
			say_want(&a, fmt("say noise %d", i),
			    fmt("You say, 'noise %d'", i));
		client_send_raw(&a, "say noise 20\r\n", 14);
		ok = client_expect(&a, "> " "\xff\xf9", WAIT_MS, NULL, 0) &&
		    client_expect(&a, "> " "\xff\xf9", WAIT_MS, out,
		    sizeof out);
		fast = now_ms() - start < 900;
		if (!fast)
			continue;
		ck_assert_msg(ok && strstr(out, "It is too noisy here; wait a "
		    "moment.") != NULL, "the 21st say was not refused: %s",
		    printable(out));
		heard_once_in_order(&b, an, "noise", 20);
		settle(&c, 200);
		ck_assert_msg(memmem(c.buf, c.len, "'noise 20'", 10) == NULL,
		    "the refused say was heard");
		heard_once_in_order(&c, an, "noise", 20);
	}
	ck_assert_msg(fast, "four bursts of 21 says each took over 0.9 s");
	/* A moment later the room is quiet enough again. */
	usleep(1100 * 1000);
	client_send_want(&a, "say calm", "You say, 'calm'", WAIT_MS);
	client_want(&b, fmt("%s says, 'calm'", an), WAIT_MS, NULL, 0);
	client_close(&a);
	client_close(&b);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* Two keepd on one database, a player on each, in one room. */
struct pair {
	struct keepd	k1, k2;
	struct client	a, b;	/* a on k1, b on k2 */
	char		an[17], bn[17];
};

/* Start a pair (conf1, conf2: NULL or a configuration) with its players. */
static void
pair_start(struct pair *p, const char *conf1, const char *conf2,
    const char *prefix, int32_t room)
{
	keepd_start(&p->k1, conf1);
	keepd_start(&p->k2, conf2);
	player_in(&p->a, p->k1.port, p->an, fmt("%sa", prefix), room);
	player_in(&p->b, p->k2.port, p->bn, fmt("%sb", prefix), room);
}

/* Close the players and stop what runs of the pair (k1 unless gone). */
static void
pair_stop(struct pair *p, bool k1_gone)
{
	client_close(&p->a);
	client_close(&p->b);
	keepd_stop(&p->k2, SIGTERM);
	if (!k1_gone)
		keepd_stop(&p->k1, SIGTERM);
}

/* A test connection that LISTENs on Keep's channel, to count bells. */
static PGconn *
bell_listener(void)
{
	PGconn		*c = PQconnectdb(test_db_url());
	PGresult	*res;

	ck_assert(PQstatus(c) == CONNECTION_OK);
	res = PQexec(c, "LISTEN keep");
	ck_assert(PQresultStatus(res) == PGRES_COMMAND_OK);
	PQclear(res);
	return c;
}

/* The NOTIFYs on Keep's channel that c received since its last count. */
static int
bells_heard(PGconn *c)
{
	PGnotify	*n;
	int		 count = 0;

	ck_assert(PQconsumeInput(c) == 1);
	while ((n = PQnotifies(c)) != NULL) {
		count++;
		PQfreemem(n);
	}
	return count;
}

/*
 * (g) The bell: a message-writing transaction rings no NOTIFY of its own;
 * keepd rings at most one per message_bell_ms.  A say on A reaches B's
 * player at once, and a burst of 60 says on A (as fast as one player can
 * say them) rings no more than its length over the interval (+2), where
 * ringing per transaction rang 60.  B hears all 60, once each, in order.
 */
START_TEST(test_bell_interval)
{
	struct pair	p;
	PGconn		*ear;
	long long	start, took;
	int		bells;

	pair_start(&p, CONFIG(", \"room_message_rate\": 100000,"
	    " \"message_bell_ms\": 100"),
	    CONFIG(", \"room_message_rate\": 100000"), "Bell",
	    sql_room("msgtest", "Belfry", "Ropes."));
	usleep(300 * 1000);
	ear = bell_listener();

	start = now_ms();
	client_send_want(&p.a, "say ding 0", "You say, 'ding 0'", WAIT_MS);
	client_want(&p.b, fmt("%s says, 'ding 0'", p.an), WAIT_MS, NULL, 0);
	took = now_ms() - start;
	ck_assert_msg(took < 200, "a say took %lld ms to reach the other "
	    "keepd", took);
	settle(&p.b, 200);
	p.b.len = 0;
	(void)bells_heard(ear);

	start = now_ms();
	for (int i = 0; i < 60; i++)
		say_want(&p.a, fmt("say burst %d", i),
		    fmt("You say, 'burst %d'", i));
	took = now_ms() - start;
	heard_once_in_order(&p.b, p.an, "burst", 60);
	bells = bells_heard(ear);
	/* One a started interval, the last one's after the burst, and one or
	 * two for what the ticker's NPCs say meanwhile. */
	ck_assert_msg(bells >= 1 && bells <= took / 100 + 4, "60 says in "
	    "%lld ms rang %d bells (interval 100 ms)", took, bells);
	PQfinish(ear);
	pair_stop(&p, false);
}
END_TEST

/*
 * (h) Only what committed is delivered: a message rolled back (after a
 * bell rang while it was pending, and after the listeners' catch-up read
 * ran past it) never reaches anyone; the one committed after it does.
 */
START_TEST(test_bell_rollback)
{
	struct pair	p;
	PGconn		*tx = PQconnectdb(test_db_url());
	PGresult	*res;
	char		sql[512];
	char		got[8192];

	ck_assert(PQstatus(tx) == CONNECTION_OK);
	pair_start(&p, NULL, NULL, "Undo", sql_room("msgtest", "Undo Room",
	    "Maybe."));
	snprintf(sql, sizeof sql, "BEGIN; INSERT INTO messages (kind,"
	    " recipients, text) SELECT 'char', array_agg(id), 'never said'"
	    " FROM characters WHERE name IN ('%s', '%s')", p.an, p.bn);
	res = PQexec(tx, sql);
	ck_assert(PQresultStatus(res) == PGRES_COMMAND_OK);
	PQclear(res);
	/* Others commit and ring meanwhile; the catch-up reads pass. */
	client_send_want(&p.a, "say still here", "You say, 'still here'",
	    WAIT_MS);
	client_want(&p.b, fmt("%s says, 'still here'", p.an), WAIT_MS, NULL,
	    0);
	usleep(600 * 1000);
	res = PQexec(tx, "ROLLBACK");
	PQclear(res);
	client_send_want(&p.b, "say after", "You say, 'after'", WAIT_MS);
	client_want(&p.a, fmt("%s says, 'after'", p.bn), WAIT_MS, got,
	    sizeof got);
	ck_assert_msg(strstr(got, "never said") == NULL, "a rolled-back "
	    "message was delivered: %s", printable(got));
	settle(&p.a, 600);
	settle(&p.b, 600);
	ck_assert(memmem(p.a.buf, p.a.len, "never said", 10) == NULL);
	ck_assert(memmem(p.b.buf, p.b.len, "never said", 10) == NULL);
	PQfinish(tx);
	pair_stop(&p, false);
}
END_TEST

/*
 * (i) A keepd killed right after COMMIT, before its bell (held back by a
 * long message_bell_ms after the first), loses no message: the other keepd
 * reads it on its own within message_catchup_ms (100 here) plus a read.
 */
START_TEST(test_bell_crash)
{
	struct pair	p;
	long long	start, took;

	pair_start(&p, CONFIG(", \"message_bell_ms\": 1000"),
	    CONFIG(", \"message_catchup_ms\": 100"), "Crash",
	    sql_room("msgtest", "Fall Room", "Steep."));
	usleep(1100 * 1000);
	client_send_want(&p.a, "say first", "You say, 'first'", WAIT_MS);
	client_want(&p.b, fmt("%s says, 'first'", p.an), WAIT_MS, NULL, 0);
	/* The next bell may not ring for a second: kill before it. */
	client_send_want(&p.a, "say last words", "You say, 'last words'",
	    WAIT_MS);
	start = now_ms();
	keepd_stop(&p.k1, SIGKILL);
	client_want(&p.b, fmt("%s says, 'last words'", p.an), WAIT_MS, NULL,
	    0);
	took = now_ms() - start;
	ck_assert_msg(took < 600, "the orphaned message took %lld ms",
	    took);
	pair_stop(&p, true);
}
END_TEST

/*
 * (j) Fan-out in batches: ten messages one transaction wrote arrive in one
 * read; a recipient gets the ten lines and then one prompt (not one prompt
 * a line), in one piece; each recipient gets the text as its client needs
 * it (one told NAWS 20 columns and gets it wrapped, the other not).
 */
START_TEST(test_batch_one_prompt)
{
	struct keepd	k;
	struct client	b, c;
	char		bn[17], cn[17];
	int32_t		room = sql_room("msgtest", "Batch Room", "Stacked.");
	const char	*tail = "number 9 of the ten\r\n" HPROMPT;
	char		*text;

	keepd_start(&k, NULL);
	player_in(&b, k.port, bn, "Batchb", room);
	player_in(&c, k.port, cn, "Batchc", room);
	/* c: WILL NAWS, 20 columns by 24 rows. */
	client_send_raw(&c, "\xff\xfb\x1f\xff\xfa\x1f\x00\x14\x00\x18"
	    "\xff\xf0", 12);
	client_send_want(&c, "look", PROMPT, WAIT_MS);
	client_quiet(&b, 200);
	client_quiet(&c, 200);
	sqlf("WITH m AS (INSERT INTO messages (kind, recipients, text)"
	    " SELECT 'char', (SELECT array_agg(id) FROM characters WHERE name"
	    " IN ('%s', '%s')), 'batch line number ' || g || ' of the ten'"
	    " FROM generate_series(0, 9) g RETURNING 1)"
	    " SELECT pg_notify('keep', '') FROM m LIMIT 1", bn, cn);
	until_heard(&b, "number 9 of the ten");
	text = strndup(b.buf, b.len);
	ck_assert_msg(str_count(text, "\xff\xf9") == 1, "%ld prompts for one "
	    "batch: %s", str_count(text, "\xff\xf9"), printable(text));
	ck_assert_msg(b.len >= strlen(tail) && memcmp(b.buf + b.len -
	    strlen(tail), tail, strlen(tail)) == 0, "the prompt is not after "
	    "the last line: %s", printable(text));
	for (int i = 0; i < 10; i++)
		ck_assert(strstr(text, fmt("\r\nbatch line number %d of the ten"
		    "\r\n", i)) != NULL);
	free(text);
	until_heard(&c, "number 9");
	text = strndup(c.buf, c.len);
	ck_assert_msg(str_count(text, "\xff\xf9") == 1, "%s",
	    printable(text));
	for (int i = 0; i < 10; i++)
		ck_assert_msg(strstr(text, fmt("batch line number %d\r\nof "
		    "the ten\r\n", i)) != NULL, "not wrapped at 20: %s",
		    printable(text));
	free(text);
	client_close(&b);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

#define WRITERS		6
#define WRITES		40

struct writer {
	int		 n;
	char		 err[256];
};

struct slow_note {
	const char	*text;
	int		 sleep_us;
};

/* Write one message, then wait before COMMIT: commits out of id order. */
static enum tx_rc
slow_note_tx(struct store *s, void *arg)
{
	struct slow_note	*sn = arg;

	if (store_notify_char(s, 1, sn->text) != STORE_OK)
		return TX_ERROR;
	usleep((useconds_t)sn->sleep_us);
	return TX_COMMIT;
}

/* A writer thread: WRITES messages, each held open a random while. */
static void *
writer_main(void *arg)
{
	struct writer	*w = arg;
	struct store	*s;
	char		 err[256], text[64];

	if ((s = store_open(test_db_url(), "keep-tests-writer", 5000, err,
	    sizeof err)) == NULL) {
		snprintf(w->err, sizeof w->err, "%s", err);
		return NULL;
	}
	for (int i = 0; i < WRITES; i++) {
		struct slow_note	sn = { .text = text };

		snprintf(text, sizeof text, "order %d %d", w->n, i);
		sn.sleep_us = (rand31() % 4) * 2000;
		if (store_tx(s, false, 3, slow_note_tx, &sn) !=
		    TXR_COMMITTED) {
			snprintf(w->err, sizeof w->err, "%s", store_error(s));
			break;
		}
	}
	store_close(s);
	return NULL;
}

/*
 * (f) Many writers whose commits interleave with their ids (each holds its
 * transaction open a random while after the INSERT), one reader reading
 * all along: every committed message is read exactly once, and one
 * writer's messages in its order.  A reader going by "id > last" skips
 * some; and a message whose transaction stays open across reads is read
 * once it commits.
 */
START_TEST(test_reader_commit_order)
{
	struct store		*r = test_store(), *held = test_store();
	pthread_t		 t[WRITERS];
	struct writer		 w[WRITERS];
	struct store_message	*m;
	char			*cursor = NULL;
	size_t			 n;
	int			 seen[WRITERS][WRITES], last[WRITERS];
	int			 running = WRITERS, extra = 2;
	bool			 held_seen = false, joined[WRITERS] = { 0 };

	memset(seen, 0, sizeof seen);
	for (int i = 0; i < WRITERS; i++)
		last[i] = -1;
	ck_assert_int_eq(store_message_head(r, &cursor), STORE_OK);
	/* One transaction wrote a message and stays open across reads. */
	ck_assert(store_exec_script(held, "BEGIN"));
	ck_assert_int_eq(store_notify_char(held, 1, "held open"), STORE_OK);
	for (int i = 0; i < WRITERS; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].n = i;
		ck_assert(pthread_create(&t[i], NULL, writer_main, &w[i]) == 0);
	}
	for (int round = 0; running > 0 || extra-- > 0; round++) {
		ck_assert_int_eq(store_message_read(r, &cursor, &m, &n),
		    STORE_OK);
		for (size_t i = 0; i < n; i++) {
			int	wn, k;

			if (strcmp(m[i].text, "held open") == 0) {
				ck_assert_msg(!held_seen, "read twice");
				held_seen = true;
				continue;
			}
			ck_assert(sscanf(m[i].text, "order %d %d", &wn, &k) ==
			    2);
			ck_assert(wn >= 0 && wn < WRITERS && k >= 0 &&
			    k < WRITES);
			seen[wn][k]++;
			ck_assert_msg(k > last[wn], "writer %d: %d after %d",
			    wn, k, last[wn]);
			last[wn] = k;
		}
		store_message_free(m, n);
		if (running > 0 && round % 4 == 3) {
			running = 0;
			for (int i = 0; i < WRITERS; i++) {
				if (!joined[i])
					joined[i] = pthread_tryjoin_np(t[i],
					    NULL) == 0;
				running += !joined[i];
			}
			if (running == 0) {
				ck_assert(!held_seen);
				ck_assert(store_exec_script(held, "COMMIT"));
			}
		}
		usleep(1000);
	}
	for (int i = 0; i < WRITERS; i++) {
		ck_assert_msg(w[i].err[0] == '\0', "writer %d: %s", i,
		    w[i].err);
		for (int k = 0; k < WRITES; k++)
			ck_assert_msg(seen[i][k] == 1, "writer %d message %d "
			    "read %d times", i, k, seen[i][k]);
	}
	ck_assert_msg(held_seen, "the message committed late was skipped");
	free(cursor);
	store_close(held);
	store_close(r);
}
END_TEST

Suite *
messages_suite(void)
{
	Suite	*s = suite_create("messages");
	TCase	*tc = tcase_create("messages");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_gap_filled);
	tcase_add_test(tc, test_big_messages);
	tcase_add_test(tc, test_two_instances);
	tcase_add_test(tc, test_prune_store);
	tcase_add_test(tc, test_prune_ticker);
	tcase_add_test(tc, test_room_rate);
	tcase_add_test(tc, test_reader_commit_order);
	tcase_add_test(tc, test_bell_interval);
	tcase_add_test(tc, test_bell_rollback);
	tcase_add_test(tc, test_bell_crash);
	tcase_add_test(tc, test_batch_one_prompt);
	suite_add_tcase(s, tc);
	return s;
}
