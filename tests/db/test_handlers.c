/*
 * test_handlers.c — the command handlers against the real test database.
 * Each handler runs inside store_tx as the dispatcher runs it: the actor is
 * loaded with store_char_load in the same transaction, the reply collects in
 * a buf, and what reached other players is read from a LISTEN connection.
 *
 * Every test makes its own characters (test_name) on its own instance, and
 * its own rooms in a private id range (900000 and up).
 */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "db/store.h"
#include "game/cmd.h"
#include "keep_test.h"

#define START_ROOM	1000		/* The Village Square */

struct world {
	struct store	*s;
	char		 inst[STORE_UUID_LEN + 1];
};

/* What running one handler gave. */
struct run {
	cmd_fn		 fn;		/* NULL: cmd_show_room(show) */
	const char	*args;
	int32_t		 show;
	int64_t		 id;
	enum tx_rc	 rc;
	enum tx_result	 result;
	bool		 close;
	int32_t		 room;		/* ctx.me.room_id afterwards */
	char		 out[16384];
};

/* Random bytes from the kernel. */
static void
rand_bytes(void *out, size_t n)
{
	FILE	*f = fopen("/dev/urandom", "r");

	ck_assert(f != NULL);
	ck_assert(fread(out, 1, n, f) == n);
	fclose(f);
}

/* A random 31-bit number. */
static int32_t
rand31(void)
{
	uint32_t	v;

	rand_bytes(&v, sizeof v);
	return (int32_t)(v & 0x7fffffff);
}

/* A random version-4 UUID. */
static void
rand_uuid(char out[STORE_UUID_LEN + 1])
{
	unsigned char	b[16];

	rand_bytes(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, STORE_UUID_LEN + 1, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
	    b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
	    b[15]);
}

/* Run formatted SQL on its own connection. */
static void __attribute__((format(printf, 1, 2)))
sqlf(const char *fmt, ...)
{
	char	sql[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	test_sql(sql);
}

/* Run formatted SQL on its own connection; the first value as a number. */
static long long __attribute__((format(printf, 1, 2)))
sqlv(const char *fmt, ...)
{
	char	sql[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return test_sql_value(sql);
}

/* Open a store and register a fresh instance for the test's sessions. */
static void
world_open(struct world *w)
{
	w->s = test_store();
	rand_uuid(w->inst);
	ck_assert_int_eq(store_instance_register(w->s, w->inst, "keep-tests",
	    (int)getpid()), STORE_OK);
}

/* Create an online character named prefix..., optionally in a room. */
static void
new_char(struct world *w, const char *prefix, int32_t room,
    struct store_char *c)
{
	char	name[17];

	test_name(name, prefix);
	ck_assert_int_eq(store_char_create(w->s, name, "hash-of-test",
	    w->inst, rand31(), c), STORE_OK);
	if (room != 0) {
		sqlf("UPDATE characters SET room_id = %d WHERE id = %lld",
		    room, (long long)c->id);
		c->room_id = room;
	}
}

/* Take a character offline. */
static void
go_offline(struct world *w, const struct store_char *c)
{
	ck_assert_int_eq(store_char_end_session(w->s, c->id,
	    c->session_instance, c->session_id), STORE_OK);
}

/* Create a room in the private range; returns its id. */
static int32_t
new_room(struct store *s, const char *title)
{
	bool	created = false;
	int32_t	id;

	do {
		id = 900000 + rand31() % 100000000;
		ck_assert_int_eq(store_room_upsert(s, id, "testarea", title,
		    "A room made by a test.", false, false, &created),
		    STORE_OK);
	} while (!created);
	return id;
}

/* Add an exit. */
static void
new_exit(struct store *s, int32_t from, const char *dir, int32_t to)
{
	ck_assert_int_eq(store_exit_upsert(s, from, dir, to, false), STORE_OK);
}

/* The transaction: load the actor, run the handler, keep what it said. */
static enum tx_rc
run_tx(struct store *s, void *arg)
{
	struct run	*r = arg;
	struct buf	 out = { 0 };
	struct cmd_ctx	 ctx = { .store = s, .out = &out };

	if (store_char_load(s, r->id, &ctx.me) != STORE_OK)
		return TX_ERROR;
	r->rc = r->fn != NULL ? r->fn(&ctx, r->args) :
	    cmd_show_room(&ctx, r->show);
	r->close = ctx.close;
	r->room = ctx.me.room_id;
	snprintf(r->out, sizeof r->out, "%s", buf_str(&out));
	buf_free(&out);
	return r->rc;
}

/* Run fn for character id in one transaction, as the dispatcher does. */
static void
run(struct store *s, int64_t id, cmd_fn fn, const char *args, bool ro,
    struct run *r)
{
	memset(r, 0, sizeof *r);
	r->fn = fn;
	r->args = args;
	r->id = id;
	r->result = store_tx(s, ro, 3, run_tx, r);
	ck_assert_msg(r->result != TXR_FAILED, "transaction failed: %s (%s)",
	    store_error(s), store_sqlstate(s));
}

/* Run cmd_show_room(room) for character id in one transaction. */
static void
run_show(struct store *s, int64_t id, int32_t room, struct run *r)
{
	memset(r, 0, sizeof *r);
	r->show = room;
	r->id = id;
	r->result = store_tx(s, true, 3, run_tx, r);
	ck_assert_msg(r->result != TXR_FAILED, "transaction failed: %s (%s)",
	    store_error(s), store_sqlstate(s));
}

/* A connection listening on the keep channel. */
static PGconn *
listen_open(void)
{
	PGconn		*c = PQconnectdb(test_db_url());
	PGresult	*r;

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, "LISTEN keep");
	ck_assert(PQresultStatus(r) == PGRES_COMMAND_OK);
	PQclear(r);
	return c;
}

/* Milliseconds on the monotonic clock. */
static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next keep payload as JSON, or NULL when none comes within ms. */
static json_t *
listen_next(PGconn *c, int ms)
{
	long long	 end = now_ms() + ms;
	PGnotify	*n;
	json_error_t	 je;
	json_t		*j;

	for (;;) {
		ck_assert(PQconsumeInput(c));
		if ((n = PQnotifies(c)) != NULL) {
			j = json_loads(n->extra, 0, &je);
			ck_assert_msg(j != NULL, "bad payload: %s", n->extra);
			PQfreemem(n);
			return j;
		}
		long long	left = end - now_ms();
		struct pollfd	pfd = { .fd = PQsocket(c), .events = POLLIN };

		if (left <= 0)
			return NULL;
		(void)poll(&pfd, 1, (int)left);
	}
}

/* The payload's text, or "". */
static const char *
payload_text(json_t *j)
{
	const char	*t = json_string_value(json_object_get(j, "text"));

	return t != NULL ? t : "";
}

/*
 * Wait for the payload whose text is text and check it goes to exactly the
 * n ids (in any order); fails the test if it does not come.
 */
static void
expect_notify(PGconn *c, const char *text, const int64_t *ids, size_t n)
{
	long long	 end = now_ms() + 5000;
	json_t		*j, *to, *v;
	size_t		 i;

	while ((j = listen_next(c, (int)(end - now_ms()))) != NULL) {
		if (strcmp(payload_text(j), text) == 0)
			break;
		json_decref(j);
	}
	ck_assert_msg(j != NULL, "no notification \"%s\"", text);
	to = json_object_get(j, "to");
	ck_assert_msg(json_is_array(to) && json_array_size(to) == n,
	    "\"%s\" went to %zu characters, not %zu", text,
	    json_array_size(to), n);
	json_array_foreach(to, i, v) {
		bool	found = false;

		for (size_t k = 0; k < n; k++)
			found |= json_integer_value(v) == ids[k];
		ck_assert_msg(found, "\"%s\" went to %lld, who should not hear "
		    "it", text, (long long)json_integer_value(v));
	}
	json_decref(j);
}

/*
 * Commit a marker notification and read up to it, failing if text was
 * among what came before: nothing committed earlier can arrive later.
 */
static enum tx_rc
marker_tx(struct store *s, void *arg)
{
	return store_notify_char(s, 1, arg) == STORE_OK ? TX_COMMIT :
	    TX_ERROR;
}

/* Check that no notification with text was sent before now. */
static void
expect_no_notify(struct store *s, PGconn *c, const char *text)
{
	char	 marker[64];
	json_t	*j;

	snprintf(marker, sizeof marker, "marker-%d-%d", (int)getpid(),
	    rand31());
	ck_assert_int_eq(store_tx(s, false, 3, marker_tx, marker),
	    TXR_COMMITTED);
	while ((j = listen_next(c, 5000)) != NULL) {
		ck_assert_msg(strcmp(payload_text(j), text) != 0,
		    "\"%s\" was sent", text);
		if (strcmp(payload_text(j), marker) == 0)
			break;
		json_decref(j);
	}
	ck_assert_msg(j != NULL, "the marker notification never came");
	json_decref(j);
}

/* Line n (from 0) of text into out, without its newline; false if none. */
static bool
line_of(const char *text, int n, char *out, size_t outsz)
{
	const char	*p = text;
	size_t		 len;

	for (int i = 0; i < n; i++) {
		if ((p = strchr(p, '\n')) == NULL)
			return false;
		p++;
	}
	if (*p == '\0')
		return false;
	len = strcspn(p, "\n");
	snprintf(out, outsz, "%.*s", (int)len, p);
	return true;
}

/* Whether text has a line equal to line. */
static bool
has_line(const char *text, const char *line)
{
	char	got[1024];

	for (int i = 0; line_of(text, i, got, sizeof got); i++) {
		if (strcmp(got, line) == 0)
			return true;
	}
	return false;
}

/* A character's coins, read on another connection. */
static long long
coins_of(int64_t id)
{
	return sqlv("SELECT coins FROM characters WHERE id = %lld",
	    (long long)id);
}

/* A character's room, read on another connection. */
static long long
room_of(int64_t id)
{
	return sqlv("SELECT room_id FROM characters WHERE id = %lld",
	    (long long)id);
}

/* look in the square: title first, the description indented, the exits. */
START_TEST(test_look_start)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	char			line[1024];

	world_open(&w);
	new_char(&w, "Lks", 0, &me);
	run(w.s, me.id, cmd_look, "", true, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(r.rc, TX_COMMIT);
	ck_assert(line_of(r.out, 0, line, sizeof line));
	ck_assert_str_eq(line, "The Village Square");
	ck_assert(line_of(r.out, 1, line, sizeof line));
	ck_assert_msg(strncmp(line, "   Worn cobblestones", 20) == 0, "%s",
	    line);
	ck_assert_msg(strlen(line) <= 78, "line over 78 columns: %s", line);
	ck_assert_msg(has_line(r.out, "Exits: north, east, south, west"),
	    "%s", r.out);
	ck_assert_msg(strstr(r.out, me.name) == NULL, "look shows the "
	    "viewer: %s", r.out);
	ck_assert(!r.close);
	store_close(w.s);
}
END_TEST

/* look in a private room: the whole output, exactly. */
START_TEST(test_look_exact)
{
	struct world		w;
	struct store_char	me, zed, amy, off;
	struct run		r;
	char			want[512];
	int32_t			room, other;

	world_open(&w);
	room = new_room(w.s, "Look Here");
	other = new_room(w.s, "Over There");
	new_exit(w.s, room, "west", other);
	new_exit(w.s, room, "north", other);
	new_char(&w, "Lkm", room, &me);
	new_char(&w, "Zlk", room, &zed);
	new_char(&w, "Alk", room, &amy);
	new_char(&w, "Blk", room, &off);
	go_offline(&w, &off);
	run(w.s, me.id, cmd_look, "", true, &r);
	snprintf(want, sizeof want, "Look Here\n   A room made by a test.\n"
	    "Exits: north, west\n%s is here.\n%s is here.\n", amy.name,
	    zed.name);
	ck_assert_str_eq(r.out, want);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	store_close(w.s);
}
END_TEST
