/*
 * db_test.c — shared helpers of the database-tier tests: SQL fixtures, a
 * store with its own instance, commands run through cmd_run, and reading the
 * messages table as keepd does.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd_gate.h"
#include "db_test.h"
#include "keep_test.h"
#include "net/color.h"
#include "ops/util.h"

/* A random version-4 UUID. */
void
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

/* Open a store and register a fresh instance for the test's sessions. */
void
world_open(struct world *w)
{
	w->s = test_store();
	rand_uuid(w->inst);
	ck_assert_int_eq(store_instance_register(w->s, w->inst, "keep-tests",
	    (int)getpid()), STORE_OK);
}

/* Close the store of world_open. */
void
world_close(struct world *w)
{
	store_close(w->s);
	w->s = NULL;
}

/* Create an online character named prefix..., optionally in a room. */
void
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

/* Make sure area exists (rooms.area references areas); no resets run. */
void
test_area(const char *area)
{
	sqlf("INSERT INTO areas (id, name, next_reset_at) VALUES ('%s', '%s',"
	    " now() + interval '10 years') ON CONFLICT DO NOTHING", area, area);
}

/* Create a room of area in the private range; returns its id. */
int32_t
new_area_room(struct store *s, const char *area, const char *title,
    const char *description)
{
	bool	created = false;
	int32_t	id;

	test_area(area);
	do {
		id = 900000 + rand31() % 100000000;
		ck_assert_int_eq(store_room_upsert(s, id, area, title,
		    description, false, false, &created), STORE_OK);
	} while (!created);
	return id;
}

/* Create a room of the area "testarea" in the private range. */
int32_t
new_room(struct store *s, const char *title)
{
	return new_area_room(s, "testarea", title, "A room made by a test.");
}

/* Insert a room of area in the private range with SQL; returns its id. */
int32_t
sql_room(const char *area, const char *title, const char *description)
{
	int32_t	id;

	test_area(area);
	do {
		id = 900000 + rand31() % 100000000;
	} while (sqlv("WITH i AS (INSERT INTO rooms (id, area, title,"
	    " description) VALUES (%d, '%s', '%s', '%s') ON CONFLICT DO NOTHING"
	    " RETURNING id) SELECT count(*) FROM i", id, area, title,
	    description) != 1);
	return id;
}

/* The combat tests' area and prototypes (idempotent). */
void
combat_fixtures(void)
{
	test_sql("INSERT INTO areas (id, name) VALUES ('cmbtest', 'Combat"
	    " tests') ON CONFLICT DO NOTHING;"
	    "INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description, level, max_hp, damage_min, damage_max, armor,"
	    " aggressive, wanders) VALUES"
	    " ('cmb_dummy', 'cmbtest', 'a training dummy', 'training dummy',"
	    "  'A dummy stands here.', 'Straw.', 1, 10000, 0, 0, 0, false,"
	    "  false),"
	    " ('cmb_rat', 'cmbtest', 'a sickly rat', 'sickly rat',"
	    "  'A rat is here.', 'Sick.', 1, 1, 0, 0, 0, false, false),"
	    " ('cmb_brute', 'cmbtest', 'a hulking brute', 'hulking brute',"
	    "  'A brute is here.', 'Big.', 100, 100000, 50, 50, 0, false,"
	    "  false),"
	    " ('cmb_pounder', 'cmbtest', 'a steady pounder', 'steady pounder',"
	    "  'A pounder is here.', 'Steady.', 100, 100000, 5, 5, 0, false,"
	    "  false),"
	    " ('cmb_keeper', 'cmbtest', 'a shopkeeper', 'shopkeeper',"
	    "  'A shopkeeper is here.', 'Shrewd.', 5, 50, 1, 2, 0, false,"
	    "  false),"
	    " ('cmb_lurker', 'cmbtest', 'a lurking shade', 'lurking shade',"
	    "  'A shade lurks here.', 'Dark.', 1, 10000, 0, 0, 0, true,"
	    "  false),"
	    " ('cmb_walker', 'cmbtest', 'a restless wanderer',"
	    "  'restless wanderer', 'A wanderer is here.', 'Restless.', 1, 10,"
	    "  0, 0, 0, false, true)"
	    " ON CONFLICT DO NOTHING;"
	    "INSERT INTO shops (npc_proto) VALUES ('cmb_keeper')"
	    " ON CONFLICT DO NOTHING;"
	    "INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, weight, wear_slot, damage_min, damage_max,"
	    " armor) VALUES"
	    " ('cmb_sword', 'a test sword', 'test sword', 'A sword.',"
	    "  'Sharp.', 'weapon', 1, 'wield', 2, 4, 0),"
	    " ('cmb_helm', 'a test helm', 'test helm', 'A helm.', 'Hard.',"
	    "  'armor', 1, 'head', 0, 0, 5),"
	    " ('cmb_trinket', 'a test trinket', 'test trinket', 'A trinket.',"
	    "  'Shiny.', 'treasure', 1, NULL, 0, 0, 0)"
	    " ON CONFLICT DO NOTHING");
}

/* Place an NPC of a prototype in a room, as a reset would; its id. */
int64_t
new_npc(const char *proto, int32_t room)
{
	return new_npc_coins(proto, room, -1);
}

/* Place an NPC of a prototype in a room with coins; its id. */
int64_t
new_npc_coins(const char *proto, int32_t room, long long coins)
{
	char	purse[32];

	if (coins < 0)
		snprintf(purse, sizeof purse, "p.coins");
	else
		snprintf(purse, sizeof purse, "%lld", coins);
	return sqlv("INSERT INTO characters (name, proto_id, room_id, level,"
	    " hp, max_hp, coins) SELECT p.name, p.id, %d, p.level, p.max_hp,"
	    " p.max_hp, %s FROM npc_protos p WHERE p.id = '%s'"
	    " RETURNING id", room, purse, proto);
}

/* An item of proto carried by a character (worn on slot unless NULL). */
int64_t
item_on(const char *proto, int64_t who, const char *slot)
{
	return sqlv("INSERT INTO items (proto_id, carrier_id, worn_slot)"
	    " VALUES ('%s', %lld, %s%s%s) RETURNING id", proto, (long long)who,
	    slot ? "'" : "", slot ? slot : "NULL", slot ? "'" : "");
}

/* Give a character n new items of proto. */
void
give_items(int64_t who, const char *proto, int n)
{
	sqlf("INSERT INTO items (proto_id, carrier_id) SELECT '%s', %lld"
	    " FROM generate_series(1, %d)", proto, (long long)who, n);
}

/* A character's coins, read on another connection. */
long long
coins_of(int64_t id)
{
	return sqlv("SELECT coins FROM characters WHERE id = %lld",
	    (long long)id);
}

/* The command row called name (exactly, not an abbreviation), or fail. */
const struct cmd_entry *
run_row(const char *name)
{
	const struct cmd_entry	*cmd;
	const char		*matched;
	bool			 refused;

	cmd = cmd_lookup(name, &matched, &refused);
	ck_assert_msg(cmd != NULL && strcmp(matched, name) == 0,
	    "no command %s", name);
	return cmd;
}

/* How a handler ended, as its transaction's result tells. */
static enum tx_rc
run_rc(enum tx_result result)
{
	switch (result) {
	case TXR_COMMITTED:
		return TX_COMMIT;
	case TXR_ROLLED_BACK:
		return TX_ROLLBACK;
	default:
		return TX_ERROR;
	}
}

unsigned	run_gmcp_want;

/* Run r->cmd (or r->row) for r->id as session r->inst, r->sid. */
enum tx_result
run_call(struct store *s, struct run *r, int retries)
{
	struct buf	out = { 0 };
	struct cmd_call	call = { .cmd = r->row != NULL ? r->row :
			    run_row(r->cmd), .char_id = r->id,
			    .instance = r->inst, .sid = (uint64_t)r->sid,
			    .args = r->args, .out = &out,
			    .gmcp_want = run_gmcp_want,
			    .guess_room = r->guess_room,
			    .guess_name = r->guess_name };

	r->result = cmd_run(s, &call, retries);
	r->rc = run_rc(r->result);
	r->close = call.close;
	snprintf(r->out, sizeof r->out, "%s", buf_str(&out));
	color_strip(r->out);
	snprintf(r->prompt, sizeof r->prompt, "%s", call.screen.prompt);
	snprintf(r->color, sizeof r->color, "%s", call.screen.color);
	r->gmcp[0] = '\0';
	if (call.gmcp != NULL) {
		char	*g = json_dumps(call.gmcp, JSON_COMPACT);

		snprintf(r->gmcp, sizeof r->gmcp, "%s", g != NULL ? g : "");
		free(g);
		json_decref(call.gmcp);
	}
	buf_free(&out);
	return r->result;
}

/*
 * The session that owns character id into r (a plain query, outside the
 * statement counters that some tests read).
 */
static void
run_session(struct store *s, int64_t id, struct run *r)
{
	char		 sql[160], got[64];
	long long	 sid = 0;

	snprintf(sql, sizeof sql, "SELECT coalesce(session_instance::text, "
	    "'-') || ' ' || coalesce(session_id, 0) FROM characters WHERE "
	    "id = %lld", (long long)id);
	ck_assert_msg(store_exec_value(s, sql, got, sizeof got), "%s",
	    store_error(s));
	ck_assert_int_eq(sscanf(got, "%36s %lld", r->inst, &sid), 2);
	r->sid = sid;
}

/* Run cmd for character id as the session that owns it, as keepd does. */
void
run(struct store *s, int64_t id, const char *cmd, const char *args,
    struct run *r)
{
	memset(r, 0, sizeof *r);
	r->cmd = cmd;
	r->args = args;
	r->id = id;
	run_session(s, id, r);
	(void)run_call(s, r, 3);
	ck_assert_msg(r->result != TXR_FAILED, "transaction failed: %s (%s)",
	    store_error(s), store_sqlstate(s));
}

/* The transaction: load the actor and show a room. */
static enum tx_rc
run_show_tx(struct store *s, void *arg)
{
	struct run	*r = arg;
	struct buf	 out = { 0 };
	struct cmd_ctx	 ctx = { .store = s, .out = &out };

	if (store_char_load(s, r->id, &ctx.me) != STORE_OK)
		return TX_ERROR;
	r->rc = cmd_show_room(&ctx, r->show);
	snprintf(r->out, sizeof r->out, "%s", buf_str(&out));
	color_strip(r->out);
	buf_free(&out);
	return r->rc;
}

/* Run cmd_show_room(room) for character id in one transaction. */
void
run_show(struct store *s, int64_t id, int32_t room, struct run *r)
{
	memset(r, 0, sizeof *r);
	r->show = room;
	r->id = id;
	r->result = store_tx(s, true, 3, run_show_tx, r);
	ck_assert_msg(r->result != TXR_FAILED, "transaction failed: %s (%s)",
	    store_error(s), store_sqlstate(s));
}

/* Run cmd and check its whole reply and how its transaction ended. */
enum tx_rc
run_want(struct store *s, int64_t id, const char *cmd, const char *args,
    const char *want, enum tx_result result)
{
	struct run	r;

	run(s, id, cmd, args, &r);
	ck_assert_msg(strcmp(r.out, want) == 0, "%s %s: got \"%s\", want "
	    "\"%s\"", cmd, args, r.out, want);
	ck_assert_msg(r.result == result, "%s %s: %s", cmd, args,
	    result == TXR_COMMITTED ? "not committed" : "not rolled back");
	return r.rc;
}

/*
 * What a test's listening connection has read: messages come from the
 * table, as keepd reads them (store_message_read), the connection only
 * hears the bell.  Keyed by the PGconn, so tests hold a plain PGconn.
 */
struct listen_state {
	PGconn			*c;
	struct store		*s;
	char			*cursor;
	struct store_message	*msgs;
	size_t			 n, next;
};

static struct listen_state	listen_states[16];
static size_t			listen_rr;

/* The state of connection c (a fresh one when fresh is true). */
static struct listen_state *
listen_state(PGconn *c, bool fresh)
{
	struct listen_state	*ls = NULL;

	for (size_t i = 0; i < nitems(listen_states); i++) {
		if (listen_states[i].c == c)
			ls = &listen_states[i];
	}
	if (ls != NULL && !fresh)
		return ls;
	ck_assert_msg(fresh, "listen_next on a connection of no listen_open");
	if (ls == NULL)
		ls = &listen_states[listen_rr++ % nitems(listen_states)];
	store_close(ls->s);
	store_message_free(ls->msgs, ls->n);
	free(ls->cursor);
	memset(ls, 0, sizeof *ls);
	ls->c = c;
	ls->s = test_store();
	ck_assert_int_eq(store_message_head(ls->s, &ls->cursor), STORE_OK);
	return ls;
}

/* A connection listening on the keep channel, its cursor at the head. */
PGconn *
listen_open(void)
{
	PGconn		*c = PQconnectdb(test_db_url());
	PGresult	*r;

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, "LISTEN keep");
	ck_assert(PQresultStatus(r) == PGRES_COMMAND_OK);
	PQclear(r);
	(void)listen_state(c, true);
	return c;
}

/* A message as the JSON the tests look at: {"to": [ids], "text"} or
 * {"kick": {"instance", "session"}, "text"}. */
json_t *
message_json(const struct store_message *m)
{
	json_t	*j = json_object(), *to;
	char	*plain;

	if (m->kick_instance[0] != '\0')
		json_object_set_new(j, "kick", json_pack("{s:s,s:I}",
		    "instance", m->kick_instance, "session",
		    (json_int_t)m->kick_session));
	else {
		to = json_array();
		for (size_t i = 0; i < m->nto; i++)
			json_array_append_new(to, json_integer(m->to[i]));
		json_object_set_new(j, "to", to);
	}
	/* As a client without colour reads it (issue 10: combat lines). */
	plain = xstrdup(m->text);
	color_strip(plain);
	json_object_set_new(j, "text", json_string(plain));
	free(plain);
	json_object_set_new(j, "kind", json_string(m->kind));
	json_object_set_new(j, "id", json_integer(m->id));
	return j;
}

/* The next message as JSON, or NULL when none comes within ms. */
json_t *
listen_next(PGconn *c, int ms)
{
	struct listen_state	*ls = listen_state(c, false);
	long long		 end = now_ms() + ms;
	PGnotify		*n;

	for (;;) {
		if (ls->next < ls->n)
			return message_json(&ls->msgs[ls->next++]);
		store_message_free(ls->msgs, ls->n);
		ls->msgs = NULL;
		ls->n = ls->next = 0;
		ck_assert_msg(store_message_read(ls->s, &ls->cursor, &ls->msgs,
		    &ls->n) == STORE_OK, "reading messages: %s",
		    store_error(ls->s));
		if (ls->n > 0)
			continue;

		long long	left = end - now_ms();
		struct pollfd	pfd = { .fd = PQsocket(c), .events = POLLIN };

		if (left <= 0)
			return NULL;
		(void)poll(&pfd, 1, (int)left);
		ck_assert(PQconsumeInput(c));
		while ((n = PQnotifies(c)) != NULL)
			PQfreemem(n);
	}
}

/* The payload's text, or "". */
const char *
payload_text(json_t *j)
{
	const char	*t = json_string_value(json_object_get(j, "text"));

	return t != NULL ? t : "";
}

/* Wait for the payload whose text is text; NULL if it does not come. */
json_t *
listen_expect(PGconn *c, const char *text, int ms)
{
	long long	 end = now_ms() + ms;
	json_t		*j;

	while ((j = listen_next(c, (int)(end - now_ms()))) != NULL) {
		if (strcmp(payload_text(j), text) == 0)
			return j;
		json_decref(j);
	}
	return NULL;
}

/* Whether a payload goes to id. */
bool
payload_to(json_t *j, int64_t id)
{
	json_t	*to = json_object_get(j, "to"), *v;
	size_t	 i;

	json_array_foreach(to, i, v) {
		if (json_integer_value(v) == id)
			return true;
	}
	return false;
}

/* Whether the payload's "to" holds exactly the n ids, in any order. */
bool
payload_to_is(json_t *j, const int64_t *ids, size_t n)
{
	json_t	*to = json_object_get(j, "to"), *v;
	size_t	 i;

	if (!json_is_array(to) || json_array_size(to) != n)
		return false;
	json_array_foreach(to, i, v) {
		bool	found = false;

		for (size_t k = 0; k < n; k++)
			found |= json_is_integer(v) &&
			    json_integer_value(v) == ids[k];
		if (!found)
			return false;
	}
	return true;
}

/* Wait for the payload text and check it goes to exactly the n ids. */
void
expect_notify(PGconn *c, const char *text, const int64_t *ids, size_t n)
{
	json_t	*j = listen_expect(c, text, 5000), *to, *v;
	size_t	 i;

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

/* Wait for a payload to id whose text contains needle; copy it to got. */
void
expect_to(PGconn *c, int64_t id, const char *needle, char *got,
    size_t gotsz)
{
	long long	 end = now_ms() + 5000;
	json_t		*j;

	while ((j = listen_next(c, (int)(end - now_ms()))) != NULL) {
		const char	*t = json_string_value(json_object_get(j,
				    "text"));

		if (t != NULL && payload_to(j, id) &&
		    strstr(t, needle) != NULL) {
			if (got != NULL)
				snprintf(got, gotsz, "%s", t);
			json_decref(j);
			return;
		}
		json_decref(j);
	}
	ck_abort_msg("no notification to %lld containing \"%s\"",
	    (long long)id, needle);
}

/* What the gate answers to word for role (the unknown-word answer). */
const char *
huh_of(const char *word, enum role role)
{
	static char	text[256];
	struct buf	b = { 0 };

	cmd_huh(&b, word, role);
	snprintf(text, sizeof text, "%s", buf_str(&b));
	buf_free(&b);
	return text;
}
