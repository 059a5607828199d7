/*
 * test_talk.c — talking (issue 10) at the database tier: tell and reply,
 * offline tells kept and shown once, emote, shout's area, chat on/off,
 * afk, idle in who, mute, the per-sender rate, exits, save, and the GMCP
 * Comm.Channel.Text the speaker's reply queues.  What reached others is
 * read from the messages rows (a LISTEN connection, or SQL by a token
 * unique to the test).  The end-to-end cases are test_talk_e2e.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "cmd/cmd.h"
#include "cmd/cmd_talk.h"
#include "db/store.h"
#include "net/color.h"
#include "db_test.h"
#include "keep_test.h"

/* A token no other test writes, to find this test's messages. */
static void
token(char *out, size_t outsz, const char *what)
{
	snprintf(out, outsz, "%s%d", what, rand31());
}

/* Messages rows whose text holds tok, to id (0: to anyone). */
static long long
rows_with(const char *tok, int64_t id)
{
	return sqlv("SELECT count(*) FROM messages WHERE strpos(text, '%s') > 0"
	    " AND (%lld = 0 OR %lld = ANY (recipients))", tok, (long long)id,
	    (long long)id);
}

/* Take a character offline. */
static void
offline(struct world *w, const struct store_char *c)
{
	ck_assert_int_eq(store_char_end_session(w->s, c->id,
	    c->session_instance, c->session_id), STORE_OK);
}

/* Whether text has a line equal to line. */
static bool
has_line(const char *text, const char *line)
{
	size_t	len = strlen(line);

	for (const char *p = text; *p != '\0'; p += strcspn(p, "\n") +
	    (p[strcspn(p, "\n")] != '\0')) {
		if (strncmp(p, line, len) == 0 && (p[len] == '\n' ||
		    p[len] == '\0'))
			return true;
	}
	return false;
}

/* The GMCP a run queued is exactly one Comm.Channel.Text of these. */
static void
want_channel_gmcp(const struct run *r, const char *channel,
    const char *talker, const char *text)
{
	json_t	*want = json_pack("[[s{s:s,s:s,s:s}]]", "Comm.Channel.Text",
		    "channel", channel, "talker", talker, "text", text);
	json_t	*got = json_loads(r->gmcp, 0, NULL);

	ck_assert_msg(got != NULL && json_equal(got, want),
	    "GMCP queued: %s", r->gmcp);
	json_decref(got);
	json_decref(want);
}

/* A tell reaches an online player in another room, marks reply_to, and
 * queues Comm.Channel.Text for the speaker; the row carries its channel. */
START_TEST(test_tell_online)
{
	struct world		w;
	struct store_char	a, b;
	struct run		r;
	PGconn			*lc = listen_open();
	char			tok[32], want[128];

	world_open(&w);
	new_char(&w, "Tela", 0, &a);
	new_char(&w, "Telb", new_room(w.s, "Far Room"), &b);
	token(tok, sizeof tok, "hello");
	run(w.s, a.id, "tell", fmt("%s %s there", b.name, tok), &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	snprintf(want, sizeof want, "You tell %s, '%s there'"
	    "\n", b.name, tok);
	ck_assert_str_eq(r.out, want);
	want_channel_gmcp(&r, "tell", a.name, fmt("You tell %s, '%s there'",
	    b.name, tok));
	snprintf(want, sizeof want, "%s tells you, '%s there'"
	    , a.name, tok);
	expect_notify(lc, want, &b.id, 1);
	ck_assert_int_eq(sqlv("SELECT reply_to FROM characters WHERE id ="
	    " %lld", (long long)b.id), a.id);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE"
	    " strpos(text, '%s') > 0 AND channel = 'tell' AND talker = '%s'"
	    " AND sender_id = %lld", tok, a.name, (long long)a.id), 1);
	/* Any case finds the name. */
	for (char *p = b.name; *p != '\0'; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	run(w.s, a.id, "tell", fmt("%s again", b.name), &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	PQfinish(lc);
	world_close(&w);
}
END_TEST

/* reply tells the last one who told you; with nobody, it says so. */
START_TEST(test_reply)
{
	struct world		w;
	struct store_char	a, b, c;
	struct run		r;
	PGconn			*lc = listen_open();
	char			tok[32];

	world_open(&w);
	new_char(&w, "Repa", 0, &a);
	new_char(&w, "Repb", 0, &b);
	new_char(&w, "Repc", 0, &c);
	run(w.s, b.id, "reply", "anyone?", &r);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	ck_assert_str_eq(r.out, "Nobody has told you anything yet.\n");
	run(w.s, a.id, "tell", fmt("%s first", b.name), &r);
	run(w.s, c.id, "tell", fmt("%s second", b.name), &r);
	token(tok, sizeof tok, "back");
	run(w.s, b.id, "reply", tok, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, fmt("You tell %s, '%s'" 
	    "\n", c.name, tok));
	expect_notify(lc, fmt("%s tells you, '%s'" ,
	    b.name, tok), &c.id, 1);
	/* c's reply_to is b now. */
	run(w.s, c.id, "reply", "ok", &r);
	ck_assert_str_eq(r.out, fmt("You tell %s, 'ok'" 
	    "\n", b.name));
	PQfinish(lc);
	world_close(&w);
}
END_TEST

/* A tell to no one, to yourself, or without text changes nothing. */
START_TEST(test_tell_refused)
{
	struct world		w;
	struct store_char	a;
	long long		before;

	world_open(&w);
	new_char(&w, "Tref", 0, &a);
	before = sqlv("SELECT count(*) FROM messages WHERE sender_id = %lld",
	    (long long)a.id);
	run_want(w.s, a.id, "tell", "Zzqxnobody hi",
	    "There is no one called Zzqxnobody.\n", TXR_ROLLED_BACK);
	run_want(w.s, a.id, "tell", fmt("%s hi", a.name),
	    "You can't tell yourself anything.\n", TXR_ROLLED_BACK);
	run_want(w.s, a.id, "tell", "Zzqxnobody",
	    "Usage: tell <name> <text>\n", TXR_ROLLED_BACK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE sender_id"
	    " = %lld", (long long)a.id), before);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM offline_tells WHERE"
	    " sender_id = %lld", (long long)a.id), 0);
	world_close(&w);
}
END_TEST

/* What the login's step shows: the kept tells, in one transaction. */
struct missed {
	int64_t		 id;
	struct buf	 out;
	bool		 commit;
};

/* The login's step: load the character, show and delete its tells. */
static enum tx_rc
missed_tx(struct store *s, void *arg)
{
	struct missed	*m = arg;
	struct cmd_ctx	 ctx = { .store = s, .out = &m->out };
	enum tx_rc	 rc;

	buf_reset(&m->out);
	buf_add(&m->out, "");
	if (store_char_load(s, m->id, &ctx.me) != STORE_OK)
		return TX_ERROR;
	rc = cmd_talk_missed(&ctx);
	return rc == TX_COMMIT && !m->commit ? TX_ROLLBACK : rc;
}

/* A tell to an offline player is kept, shown at login once (only if the
 * login's transaction commits), then gone. */
START_TEST(test_offline_kept_once)
{
	struct world		w;
	struct store_char	a, b;
	struct run		r;
	struct missed		m = { 0 };
	char			tok[32];
	const char		*p;

	world_open(&w);
	new_char(&w, "Offa", 0, &a);
	new_char(&w, "Offb", 0, &b);
	offline(&w, &b);
	token(tok, sizeof tok, "miss");
	run(w.s, a.id, "tell", fmt("%s %s you", b.name, tok), &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, fmt("You tell %s, '%s you'"
	    "\n%s is not online; they will read it when they come "
	    "back.\n", b.name, tok, b.name));
	ck_assert_int_eq(rows_with(tok, 0), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM offline_tells WHERE"
	    " recipient_id = %lld AND text = '%s you'", (long long)b.id, tok),
	    1);
	/* reply after login answers the one who told while away. */
	ck_assert_int_eq(sqlv("SELECT reply_to FROM characters WHERE id ="
	    " %lld", (long long)b.id), a.id);
	m.id = b.id;
	/* A login that rolls back shows nothing for good: the tell stays. */
	m.commit = false;
	ck_assert_int_eq(store_tx(w.s, false, 3, missed_tx, &m),
	    TXR_ROLLED_BACK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM offline_tells WHERE"
	    " recipient_id = %lld", (long long)b.id), 1);
	m.commit = true;
	ck_assert_int_eq(store_tx(w.s, false, 3, missed_tx, &m),
	    TXR_COMMITTED);
	p = buf_str(&m.out);
	ck_assert_msg(strncmp(p, "While you were away\xe2\x80\xa6\n  ", 24) ==
	    0, "%s", p);
	ck_assert_msg(strstr(p, fmt(" UTC  " CM_MAGENTA "%s told you, '%s "
	    "you'" CM_RESET "\n", a.name, tok)) != NULL, "%s", p);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM offline_tells WHERE"
	    " recipient_id = %lld", (long long)b.id), 0);
	ck_assert_int_eq(store_tx(w.s, false, 3, missed_tx, &m),
	    TXR_COMMITTED);
	ck_assert_str_eq(buf_str(&m.out), "");
	buf_free(&m.out);
	world_close(&w);
}
END_TEST

/* At most 50 tells wait for one character: the next is refused. */
START_TEST(test_offline_bounded)
{
	struct world		w;
	struct store_char	a, b;
	struct run		r;

	world_open(&w);
	new_char(&w, "Bnda", 0, &a);
	new_char(&w, "Bndb", 0, &b);
	offline(&w, &b);
	sqlf("INSERT INTO offline_tells (recipient_id, sender_name, text,"
	    " created_at) SELECT %lld, 'Someone', 'x', now() - interval '1"
	    " hour' FROM generate_series(1, 50)", (long long)b.id);
	run(w.s, a.id, "tell", fmt("%s one more", b.name), &r);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	ck_assert_str_eq(r.out, fmt("%s has too many messages waiting; try "
	    "again later.\n", b.name));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM offline_tells WHERE"
	    " recipient_id = %lld", (long long)b.id), 50);
	world_close(&w);
}
END_TEST

/* emote (and ':' in the dispatcher's split): the room reads the act. */
START_TEST(test_emote)
{
	struct world		w;
	struct store_char	a, b;
	struct run		r;
	PGconn			*lc = listen_open();
	const char		*args;
	char			word[32], tok[32];
	int32_t			room;

	world_open(&w);
	room = new_room(w.s, "Emote Room");
	new_char(&w, "Emoa", room, &a);
	new_char(&w, "Emob", room, &b);
	token(tok, sizeof tok, "smiles");
	run(w.s, a.id, "emote", tok, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, fmt("%s %s" "\n", a.name,
	    tok));
	want_channel_gmcp(&r, "emote", a.name, fmt("%s %s", a.name, tok));
	expect_notify(lc, fmt("%s %s" , a.name, tok), &b.id,
	    1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE"
	    " strpos(text, '%s') > 0 AND channel = 'emote' AND kind = 'say'",
	    tok), 1);
	cmd_split(":waves", word, sizeof word, &args);
	ck_assert_str_eq(word, "emote");
	ck_assert_str_eq(args, "waves");
	cmd_split(": grins", word, sizeof word, &args);
	ck_assert_str_eq(word, "emote");
	ck_assert_str_eq(args, "grins");
	PQfinish(lc);
	world_close(&w);
}
END_TEST

/* shout reaches every online character of the area, in any of its
 * rooms, and nobody in another area. */
START_TEST(test_shout_area)
{
	struct world		w;
	struct store_char	a, b, c, d;
	struct run		r;
	PGconn			*lc = listen_open();
	char			area[16], other[16], tok[32];
	int64_t			want[2];

	world_open(&w);
	snprintf(area, sizeof area, "sh%d", rand31() % 1000000);
	snprintf(other, sizeof other, "so%d", rand31() % 1000000);
	test_area(area);
	test_area(other);
	new_char(&w, "Shoa", new_area_room(w.s, area, "Hill", "A hill."), &a);
	new_char(&w, "Shob", new_area_room(w.s, area, "Dale", "A dale."), &b);
	new_char(&w, "Shoc", new_area_room(w.s, area, "Wood", "A wood."), &c);
	new_char(&w, "Shod", new_area_room(w.s, other, "Far", "Far."), &d);
	token(tok, sizeof tok, "oi");
	run(w.s, a.id, "shout", tok, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, fmt("You shout, '%s'" "\n",
	    tok));
	want_channel_gmcp(&r, "shout", a.name, fmt("You shout, '%s'", tok));
	want[0] = b.id;
	want[1] = c.id;
	expect_notify(lc, fmt("%s shouts, '%s'" , a.name,
	    tok), want, 2);
	ck_assert_int_eq(rows_with(tok, d.id), 0);
	PQfinish(lc);
	world_close(&w);
}
END_TEST

/* chat reaches those with it on; chat off stops hearing and sending. */
START_TEST(test_chat_off)
{
	struct world		w;
	struct store_char	a, b, c;
	struct run		r;
	char			tok[32];

	world_open(&w);
	new_char(&w, "Chta", 0, &a);
	new_char(&w, "Chtb", 0, &b);
	new_char(&w, "Chtc", 0, &c);
	run_want(w.s, c.id, "chat", "off", "Chat is off: you no longer hear "
	    "the chat channel.\n", TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT chat_on::int FROM characters WHERE id ="
	    " %lld", (long long)c.id), 0);
	token(tok, sizeof tok, "howdy");
	run(w.s, a.id, "chat", tok, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_str_eq(r.out, fmt("You chat, '%s'" "\n",
	    tok));
	want_channel_gmcp(&r, "chat", a.name, fmt("You chat, '%s'", tok));
	ck_assert_int_eq(rows_with(tok, b.id), 1);
	ck_assert_int_eq(rows_with(tok, c.id), 0);
	ck_assert_int_eq(rows_with(tok, a.id), 0);
	token(tok, sizeof tok, "nope");
	run_want(w.s, c.id, "chat", tok, "You have chat off, so you can't "
	    "chat; type chat on to hear and use it.\n", TXR_ROLLED_BACK);
	ck_assert_int_eq(rows_with(tok, 0), 0);
	run_want(w.s, c.id, "chat", "on", "Chat is on: you hear the chat "
	    "channel.\n", TXR_COMMITTED);
	token(tok, sizeof tok, "again");
	run(w.s, a.id, "chat", tok, &r);
	ck_assert_int_eq(rows_with(tok, c.id), 1);
	world_close(&w);
}
END_TEST

/* afk: shown in who and to a teller; the next command ends it; afk
 * again toggles it off. */
START_TEST(test_afk)
{
	struct world		w;
	struct store_char	a, b;
	struct run		r;

	world_open(&w);
	new_char(&w, "Afka", 0, &a);
	new_char(&w, "Afkb", 0, &b);
	run_want(w.s, a.id, "afk", "at lunch", "You are away: at lunch. Your "
	    "next command ends it.\n", TXR_COMMITTED);
	run(w.s, b.id, "who", "", &r);
	ck_assert_msg(has_line(r.out, fmt("  %s [AFK: at lunch]", a.name)),
	    "%s", r.out);
	run(w.s, b.id, "tell", fmt("%s are you there?", a.name), &r);
	ck_assert_str_eq(r.out, fmt("You tell %s, 'are you "
	    "there?'" "\n%s is away: at lunch\n", a.name, a.name));
	/* A read-only command ends it too, after its own reply. */
	run(w.s, a.id, "score", "", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_msg(strstr(r.out, "You are back.\n") != NULL &&
	    strncmp(r.out, "You are ", 8) == 0, "%s", r.out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id ="
	    " %lld AND afk IS NOT NULL", (long long)a.id), 0);
	run(w.s, b.id, "who", "", &r);
	ck_assert_msg(has_line(r.out, fmt("  %s", a.name)), "%s", r.out);
	/* afk with no message, then afk again: back. */
	run_want(w.s, a.id, "afk", "", "You are away. Your next command ends "
	    "it.\n", TXR_COMMITTED);
	run(w.s, b.id, "who", "", &r);
	ck_assert_msg(has_line(r.out, fmt("  %s [AFK]", a.name)), "%s",
	    r.out);
	run_want(w.s, a.id, "afk", "", "You are back.\n", TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id ="
	    " %lld AND afk IS NOT NULL", (long long)a.id), 0);
	run_want(w.s, a.id, "afk", "0123456789012345678901234567890123456789"
	    "01234567890123456789012345678901234567890",
	    "An away message is at most 80 characters.\n", TXR_ROLLED_BACK);
	world_close(&w);
}
END_TEST

/* who shows the idle time of a player quiet for over a minute. */
START_TEST(test_who_idle)
{
	struct world		w;
	struct store_char	a, b;
	struct run		r;

	world_open(&w);
	new_char(&w, "Idla", 0, &a);
	new_char(&w, "Idlb", 0, &b);
	sqlf("UPDATE characters SET last_login_at = now() - interval '3"
	    " hours', last_input_at = now() - interval '5 minutes 10 seconds'"
	    " WHERE id = %lld", (long long)a.id);
	run(w.s, b.id, "who", "", &r);
	ck_assert_msg(has_line(r.out, fmt("  %s (idle 5m)", a.name)), "%s",
	    r.out);
	ck_assert_msg(has_line(r.out, fmt("  %s", b.name)), "%s", r.out);
	world_close(&w);
}
END_TEST

/* A muted player can't tell, reply, emote, shout or chat. */
START_TEST(test_talk_muted)
{
	static const char	*cmds[] = { "tell", "reply", "emote", "shout",
				    "chat" };
	struct world		 w;
	struct store_char	 a, b;
	struct run		 r;
	char			 tok[32];

	world_open(&w);
	new_char(&w, "Muta", 0, &a);
	new_char(&w, "Mutb", 0, &b);
	sqlf("UPDATE characters SET muted_until = now() + interval '1 hour',"
	    " reply_to = %lld WHERE id = %lld", (long long)b.id,
	    (long long)a.id);
	token(tok, sizeof tok, "muted");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		run(w.s, a.id, cmds[i], i == 0 ? fmt("%s %s", b.name, tok) :
		    tok, &r);
		ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
		ck_assert_msg(strncmp(r.out, "You are muted and can't speak",
		    29) == 0, "%s: %s", cmds[i], r.out);
	}
	ck_assert_int_eq(rows_with(tok, 0), 0);
	world_close(&w);
}
END_TEST

/* A sender past CMD_TALK_RATE lines in the last second is refused. */
START_TEST(test_talk_rate)
{
	struct world		w;
	struct store_char	a, b;
	char			tok[32];

	world_open(&w);
	new_char(&w, "Rata", 0, &a);
	new_char(&w, "Ratb", 0, &b);
	sqlf("INSERT INTO messages (kind, recipients, text, channel, talker,"
	    " sender_id) SELECT 'char', ARRAY[%lld::bigint], 'x', 'tell', '%s',"
	    " %lld FROM generate_series(1, 4)", (long long)b.id, a.name,
	    (long long)a.id);
	token(tok, sizeof tok, "flood");
	run_want(w.s, a.id, "tell", fmt("%s %s", b.name, tok), "You are "
	    "talking too fast; wait a moment.\n", TXR_ROLLED_BACK);
	run_want(w.s, a.id, "shout", tok, "You are talking too fast; wait a "
	    "moment.\n", TXR_ROLLED_BACK);
	run_want(w.s, a.id, "chat", tok, "You are talking too fast; wait a "
	    "moment.\n", TXR_ROLLED_BACK);
	ck_assert_int_eq(rows_with(tok, 0), 0);
	/* Another sender is not slowed. */
	run_want(w.s, b.id, "tell", fmt("%s %s", a.name, tok),
	    fmt("You tell %s, '%s'" "\n", a.name, tok),
	    TXR_COMMITTED);
	world_close(&w);
}
END_TEST

/* exits: the Exits: line and each neighbour's title; save: why not. */
START_TEST(test_exits_save)
{
	struct world		w;
	struct store_char	a;
	int32_t			here, n, e;

	world_open(&w);
	here = new_room(w.s, "Crossing");
	n = new_room(w.s, "North Field");
	e = new_room(w.s, "East Barn");
	ck_assert_int_eq(store_exit_upsert(w.s, here, "east", e, false),
	    STORE_OK);
	ck_assert_int_eq(store_exit_upsert(w.s, here, "north", n, false),
	    STORE_OK);
	new_char(&w, "Exta", here, &a);
	run_want(w.s, a.id, "exits", "", "Exits: north, east\n"
	    "  north - North Field\n  east  - East Barn\n", TXR_COMMITTED);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", n,
	    (long long)a.id);
	run_want(w.s, a.id, "exits", "", "Exits: none\n", TXR_COMMITTED);
	run_want(w.s, a.id, "save", "", "You don't need to save: everything "
	    "you do is saved as you do it.\n", TXR_COMMITTED);
	world_close(&w);
}
END_TEST

/* say's row carries its channel and talker; the speaker gets its GMCP. */
START_TEST(test_say_channel)
{
	struct world		w;
	struct store_char	a, b;
	struct run		r;
	char			tok[32];
	int32_t			room;

	world_open(&w);
	room = new_room(w.s, "Chan Room");
	new_char(&w, "Sayc", room, &a);
	new_char(&w, "Sayd", room, &b);
	token(tok, sizeof tok, "hi");
	run(w.s, a.id, "say", tok, &r);
	ck_assert_str_eq(r.out, fmt("You say, '%s'" "\n",
	    tok));
	want_channel_gmcp(&r, "say", a.name, fmt("You say, '%s'", tok));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE"
	    " strpos(text, '%s') > 0 AND channel = 'say' AND talker = '%s'",
	    tok, a.name), 1);
	world_close(&w);
}
END_TEST

/* A reader (every keepd's) gets a talk row with its channel and talker,
 * what game_deliver sends as Comm.Channel.Text; other rows have none. */
START_TEST(test_message_channel_read)
{
	struct world		 w;
	struct store_char	 a, b;
	struct store_message	*m = NULL;
	struct run		 r;
	char			*cursor = NULL, tok[32];
	size_t			 n = 0;
	int			 found = 0;

	world_open(&w);
	new_char(&w, "Rdra", 0, &a);
	new_char(&w, "Rdrb", 0, &b);
	ck_assert_int_eq(store_message_head(w.s, &cursor), STORE_OK);
	token(tok, sizeof tok, "read");
	run(w.s, a.id, "tell", fmt("%s %s", b.name, tok), &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(store_message_read(w.s, &cursor, &m, &n), STORE_OK);
	for (size_t i = 0; i < n; i++) {
		if (strstr(m[i].text, tok) == NULL)
			continue;
		found++;
		ck_assert_str_eq(m[i].channel, "tell");
		ck_assert_str_eq(m[i].talker, a.name);
		ck_assert_int_eq(m[i].nto, 1);
		ck_assert_int_eq(m[i].to[0], b.id);
	}
	ck_assert_int_eq(found, 1);
	store_message_free(m, n);
	free(cursor);
	world_close(&w);
}
END_TEST

/* The abbreviations players rely on still win over the new commands. */
START_TEST(test_talk_abbrev)
{
	static const char	*pairs[][2] = { { "e", "east" },
		{ "s", "south" }, { "sa", "say" }, { "sh", "shout" },
		{ "t", "take" }, { "te", "tell" }, { "rep", "reply" },
		{ "em", "emote" }, { "ex", "examine" }, { "exi", "exits" },
		{ "sav", "save" }, { "ch", "chat" }, { "af", "afk" },
		{ "a", "attack" } };
	const char		*name;
	bool			 refused;

	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		ck_assert_ptr_nonnull(cmd_lookup_role(pairs[i][0], ROLE_PLAYER,
		    &name, &refused));
		ck_assert_msg(strcmp(name, pairs[i][1]) == 0, "%s is %s, not "
		    "%s", pairs[i][0], name, pairs[i][1]);
	}
}
END_TEST

/* The talk suite: the database cases, then the end-to-end ones. */
/* The speaker's session wants Comm.Channel.Text, as a chat tab's does. */
static void
talk_setup(void)
{
	run_gmcp_want = CMD_GMCP_COMM;
}

Suite *
talk_suite(void)
{
	Suite	*s = suite_create("talk");
	TCase	*tc = tcase_create("talk");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, talk_setup, NULL);
	tcase_add_test(tc, test_tell_online);
	tcase_add_test(tc, test_reply);
	tcase_add_test(tc, test_tell_refused);
	tcase_add_test(tc, test_offline_kept_once);
	tcase_add_test(tc, test_offline_bounded);
	tcase_add_test(tc, test_emote);
	tcase_add_test(tc, test_shout_area);
	tcase_add_test(tc, test_chat_off);
	tcase_add_test(tc, test_afk);
	tcase_add_test(tc, test_who_idle);
	tcase_add_test(tc, test_talk_muted);
	tcase_add_test(tc, test_talk_rate);
	tcase_add_test(tc, test_exits_save);
	tcase_add_test(tc, test_say_channel);
	tcase_add_test(tc, test_talk_abbrev);
	tcase_add_test(tc, test_message_channel_read);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, talk_e2e_tcase());
	return s;
}
