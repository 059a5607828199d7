/*
 * store_talk.c — talking: tell, reply, shout, chat, afk, exits, and the
 * tells kept for characters who were not online.  Messages are messages
 * rows written in the command's transaction with their recipients resolved
 * in the same statement, as store_notify.c writes says; each carries its
 * channel, its talker and its sender (the per-sender rate counts those).
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_talk.h"

static struct store_stmt st_talk_find = {
	"talk_find",
	"SELECT id, name, session_instance IS NOT NULL, afk IS NOT NULL,"
	"  coalesce(afk, '') FROM characters"
	" WHERE lower(name) = lower($1) AND proto_id IS NULL", 1, 0
};

/* Find a player character by name (any case). */
enum store_rc
store_talk_find(struct store *s, const char *name, struct store_talk_who *w)
{
	const char	*p[] = { name };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_talk_find, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		w->id = store_get_int(res, 0, 0);
		store_get_str(res, 0, 1, w->name, sizeof w->name);
		w->online = store_get_bool(res, 0, 2);
		w->afk = store_get_bool(res, 0, 3);
		store_get_str(res, 0, 4, w->afk_msg, sizeof w->afk_msg);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_talk_reply_to = {
	"talk_reply_to",
	"SELECT r.name FROM characters c JOIN characters r ON r.id = c.reply_to"
	" WHERE c.id = $1", 1, 0
};

/* The character who told id something last. */
enum store_rc
store_talk_reply_to(struct store *s, int64_t id, char *name, size_t namesz)
{
	const char	*p[] = { STORE_NUM(id) };

	return store_exec_str(s, &st_talk_reply_to, p, name, namesz);
}

/*
 * The sender's lines of the last second, counted as the room rate counts
 * a room's says: at most rate rows read from each table, messages through
 * messages_sender (its order in the ORDER BY ties the plan to it, as in
 * notify_say).
 */
static struct store_stmt st_talk_rate = {
	"talk_rate",
	"SELECT (SELECT count(*) FROM (SELECT 1 FROM messages"
	"  WHERE sender_id = $1 AND created_at > now() - interval '1 second'"
	"  ORDER BY sender_id DESC, created_at DESC"
	"  LIMIT $2) a) + (SELECT count(*) FROM (SELECT 1 FROM offline_tells"
	"  WHERE sender_id = $1 AND created_at > now() - interval '1 second'"
	"  LIMIT $2) b) >= $2", 2, 0
};

/* STORE_NONE when sender already sent rate lines in the last second. */
enum store_rc
store_talk_rate(struct store *s, int64_t sender, int rate)
{
	const char	*p[] = { STORE_NUM(sender), STORE_NUM(rate) };
	PGresult	*res;
	enum store_rc	 rc;

	if ((res = store_exec(s, &st_talk_rate, p)) == NULL)
		return STORE_ERR;
	rc = store_get_bool(res, 0, 0) ? STORE_NONE : STORE_OK;
	PQclear(res);
	return rc;
}

/*
 * The UPDATE locks the recipient's row, so concurrent tells to one
 * character are counted (store_talk_keep) one after the other, and its
 * RETURNING sees a logout that committed while it waited.
 */
static struct store_stmt st_talk_tell = {
	"talk_tell",
	"WITH t AS (UPDATE characters SET reply_to = $1 WHERE id = $3"
	"  RETURNING session_instance IS NOT NULL AS online),"
	" m AS (INSERT INTO messages (kind, recipients, text, channel, talker,"
	"  sender_id) SELECT 'char', ARRAY[$3::bigint], $4, 'tell', $2, $1"
	"  FROM t WHERE t.online RETURNING 1)"
	" SELECT t.online, (" NOTIFY_BELL ") IS NOT NULL FROM t", 4, 0
};

/* A tell: reply_to, and the message if the recipient is online. */
enum store_rc
store_talk_tell(struct store *s, int64_t from, const char *talker, int64_t to,
    const char *text, bool *online)
{
	const char	*p[] = { STORE_NUM(from), talker, STORE_NUM(to), text };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	*online = false;
	if ((res = store_exec(s, &st_talk_tell, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		*online = store_get_bool(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_talk_keep = {
	"talk_keep",
	"INSERT INTO offline_tells (recipient_id, sender_id, sender_name, text)"
	" SELECT $3, $1, $2, $4 WHERE (SELECT count(*) FROM offline_tells"
	"  WHERE recipient_id = $3) < $5", 5, 0
};

/* Keep a tell for an offline character, unless it has too many waiting. */
enum store_rc
store_talk_keep(struct store *s, int64_t from, const char *from_name,
    int64_t to, const char *text)
{
	const char	*p[] = { STORE_NUM(from), from_name, STORE_NUM(to), text,
			    STORE_NUM(STORE_TALK_KEPT) };

	return store_exec_changed(s, &st_talk_keep, p);
}

static struct store_stmt st_talk_missed = {
	"talk_missed",
	"WITH d AS (DELETE FROM offline_tells WHERE recipient_id = $1"
	"  RETURNING id, created_at, sender_name, text),"
	" a AS (UPDATE characters SET afk = NULL WHERE id = $1"
	"  AND afk IS NOT NULL RETURNING 1)"
	" SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"
	"  || ' UTC', sender_name, text FROM d ORDER BY id", 1, 0
};

/* Take (show once, delete) the tells kept for id; end its away state. */
enum store_rc
store_talk_missed(struct store *s, int64_t id, store_mod_row_fn fn, void *arg)
{
	const char	*p[] = { STORE_NUM(id) };

	return store_mod_rows(s, &st_talk_missed, p, fn, arg);
}

/* The recipients of a shout: online characters in the area of $1's room. */
static struct store_stmt st_talk_shout = {
	"talk_shout",
	"WITH m AS (INSERT INTO messages (kind, recipients, text, channel,"
	"  talker, sender_id) SELECT 'char', r.ids, $3, 'shout', $2, $1 FROM"
	"  (SELECT array_agg(c.id) AS ids FROM characters me"
	"   JOIN rooms mr ON mr.id = me.room_id"
	"   JOIN rooms cr ON cr.area = mr.area"
	"   JOIN characters c ON c.room_id = cr.id"
	"   WHERE me.id = $1 AND c.id <> $1"
	"   AND c.session_instance IS NOT NULL) r"
	"  WHERE r.ids IS NOT NULL RETURNING 1) " NOTIFY_BELL, 3, 0
};

/* Shout text to the online characters of from's area. */
enum store_rc
store_talk_shout(struct store *s, int64_t from, const char *talker,
    const char *text)
{
	const char	*p[] = { STORE_NUM(from), talker, text };
	PGresult	*res;

	if ((res = store_exec(s, &st_talk_shout, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_talk_chat = {
	"talk_chat",
	"WITH me AS (SELECT chat_on FROM characters WHERE id = $1),"
	" m AS (INSERT INTO messages (kind, recipients, text, channel, talker,"
	"  sender_id) SELECT 'char', r.ids, $3, 'chat', $2, $1 FROM me,"
	"  (SELECT array_agg(id) AS ids FROM characters"
	"   WHERE session_instance IS NOT NULL AND chat_on AND id <> $1) r"
	"  WHERE me.chat_on AND r.ids IS NOT NULL RETURNING 1)"
	" SELECT me.chat_on, (" NOTIFY_BELL ") IS NOT NULL FROM me", 3, 0
};

/* Chat text to everyone online with chat on; STORE_NONE if from's is off. */
enum store_rc
store_talk_chat(struct store *s, int64_t from, const char *talker,
    const char *text)
{
	const char	*p[] = { STORE_NUM(from), talker, text };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_talk_chat, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0 && store_get_bool(res, 0, 0))
		rc = STORE_OK;
	PQclear(res);
	return rc;
}

static struct store_stmt st_talk_set_chat = {
	"talk_set_chat",
	"UPDATE characters SET chat_on = $2 WHERE id = $1", 2, 0
};

/* Turn chat on or off for id. */
enum store_rc
store_talk_set_chat(struct store *s, int64_t id, bool on)
{
	const char	*p[] = { STORE_NUM(id), on ? "true" : "false" };

	return store_exec_changed(s, &st_talk_set_chat, p);
}

static struct store_stmt st_talk_set_afk = {
	"talk_set_afk",
	"UPDATE characters SET afk = $2::text WHERE id = $1"
	" AND ($2::text IS NOT NULL OR afk IS NOT NULL)", 2, 0
};

/* Set id away (msg) or back (NULL). */
enum store_rc
store_talk_set_afk(struct store *s, int64_t id, const char *msg)
{
	const char	*p[] = { STORE_NUM(id), msg };

	return store_exec_changed(s, &st_talk_set_afk, p);
}

static struct store_stmt st_talk_exits = {
	"talk_exits",
	"SELECT e.direction, r.title FROM exits e JOIN rooms r"
	"  ON r.id = e.to_room WHERE e.room_id = $1 ORDER BY"
	"  array_position(ARRAY['north','east','south','west','up','down'],"
	"  e.direction)", 1, 0
};

/* A room's exits in compass order, with the title each leads to. */
enum store_rc
store_talk_exits(struct store *s, int32_t room, store_mod_row_fn fn,
    void *arg)
{
	const char	*p[] = { STORE_NUM(room) };

	return store_mod_rows(s, &st_talk_exits, p, fn, arg);
}

/* Send store_talk_exits's statement early, with BEGIN. */
void
store_talk_exits_spec(struct store *s, int32_t room)
{
	const char	*p[] = { STORE_NUM(room) };

	store_exec_spec(s, &st_talk_exits, p, false);
}
