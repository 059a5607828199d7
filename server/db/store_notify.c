/*
 * store_notify.c — messages to other players.  Each is a row of messages
 * written inside the command's transaction, its recipients resolved in the
 * same statement, so it exists only if the transaction commits; the
 * statement rings no bell (NOTIFY_BELL, store_int.h): the worker wakes the
 * listen thread after COMMIT, which rings the cluster's.  Every keepd reads the
 * rows it has not delivered (store_message.c, listen.c) and writes them to
 * its own sessions.
 *
 * A message for a room with nobody online to hear it is not written.
 */
#include <stdio.h>

#include "db/store_int.h"

static struct store_stmt st_notify_room = {
	"notify_room",
	"WITH m AS (INSERT INTO messages (kind, room_id, recipients, text)"
	"  SELECT 'room', $1, r.ids, $4 FROM (SELECT array_agg(id) AS ids"
	"   FROM characters WHERE room_id = $1 AND id <> $2 AND id <> $3"
	"   AND session_instance IS NOT NULL) r"
	"  WHERE r.ids IS NOT NULL RETURNING 1) "
	NOTIFY_BELL, 4, 0
};

/* Tell every online character in a room but two (0 for none). */
enum store_rc
store_notify_room2(struct store *s, int32_t room, int64_t except1,
    int64_t except2, const char *text)
{
	const char	*p[] = { STORE_NUM(room), STORE_NUM(except1),
			    STORE_NUM(except2), text };
	
	/* No rule reads its answer: it rides in the next pipeline. */
	return store_exec_defer(s, &st_notify_room, p);
}

/* Tell every online character in a room but one (except; 0 for none). */
enum store_rc
store_notify_room(struct store *s, int32_t room, int64_t except,
    const char *text)
{
	return store_notify_room2(s, room, except, 0, text);
}

/*
 * A say or an emote: a room message that the room rate counts.  The count reads the
 * room's says of the last second through messages_room_says, at most rate
 * of them (a busy room costs no more than a quiet one); concurrent
 * says in one room do not see each other's uncommitted rows, so under
 * concurrency a room may get up to (writers - 1) more than the rate.
 * The ORDER BY is the index's own order, newest first: it ties the plan to
 * messages_room_says whatever the statistics say.  Planned from a table
 * analysed while nearly empty (make bench's), the generic plan of the
 * same count used messages_created and read every message of the last
 * second in every room for each say.
 */
static struct store_stmt st_notify_say = {
	"notify_say",
	"WITH n AS (SELECT count(*) >= $4 AS noisy FROM (SELECT 1 FROM messages"
	"  WHERE kind = 'say' AND room_id = $1"
	"  AND created_at > now() - interval '1 second'"
	"  ORDER BY room_id DESC, created_at DESC LIMIT $4) x),"
	" m AS (INSERT INTO messages (kind, room_id, recipients, text, channel,"
	"  talker) SELECT 'say', $1, r.ids, $3, $5, $6 FROM n,"
	"  (SELECT array_agg(id) AS ids"
	"   FROM characters WHERE room_id = $1 AND id <> $2"
	"   AND session_instance IS NOT NULL) r"
	"  WHERE r.ids IS NOT NULL AND NOT n.noisy RETURNING 1)"
	" SELECT n.noisy, (" NOTIFY_BELL ") IS NOT NULL FROM n", 6, 0
};

/*
 * Say (or emote: channel) text to the room, spoken by talker; STORE_NONE
 * if it had rate says in the last second.
 */
enum store_rc
store_notify_say(struct store *s, int32_t room, int64_t except,
    const char *channel, const char *talker, const char *text, int rate)
{
	const char	*p[] = { STORE_NUM(room), STORE_NUM(except), text,
			    STORE_NUM(rate), channel, talker };
	PGresult	*res;
	enum store_rc	 rc;

	if ((res = store_exec(s, &st_notify_say, p)) == NULL)
		return STORE_ERR;
	rc = store_get_bool(res, 0, 0) ? STORE_NONE : STORE_OK;
	PQclear(res);
	return rc;
}

/* Send store_notify_say's statement early, with the transaction's BEGIN. */
void
store_notify_say_spec(struct store *s, int32_t room, int64_t except,
    const char *channel, const char *talker, const char *text, int rate)
{
	const char	*p[] = { STORE_NUM(room), STORE_NUM(except), text,
			    STORE_NUM(rate), channel, talker };

	store_exec_spec(s, &st_notify_say, p, true);
}

static struct store_stmt st_notify_char = {
	"notify_char",
	"WITH m AS (INSERT INTO messages (kind, recipients, text)"
	"  VALUES ('char', ARRAY[$1::bigint], $2) RETURNING 1) "
	NOTIFY_BELL, 2, 0
};

/* Tell one character, wherever its session is. */
enum store_rc
store_notify_char(struct store *s, int64_t id, const char *text)
{
	const char	*p[] = { STORE_NUM(id), text };

	/* No rule reads its answer: it rides in the next pipeline. */
	return store_exec_defer(s, &st_notify_char, p);
}

static struct store_stmt st_notify_kick = {
	"notify_kick",
	"WITH m AS (INSERT INTO messages (kind, kick_instance, kick_session,"
	"  text) VALUES ('kick', $1::uuid, $2::bigint, $3) RETURNING 1) "
	NOTIFY_BELL, 3, 0
};

/* Close a session (on any instance), showing it text first. */
enum store_rc
store_notify_kick(struct store *s, const char *instance, int64_t sid,
    const char *text)
{
	const char	*p[] = { instance, STORE_NUM(sid), text };
	PGresult	*res;

	if ((res = store_exec(s, &st_notify_kick, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}
