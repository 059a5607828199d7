/*
 * store_notify.c — messages to other players.  They are sent with pg_notify
 * inside the command's transaction, so they are delivered only if it
 * commits, by every keepd on the database to its own sessions (listen.c).
 *
 * Payloads are JSON: {"to": [ids], "text": "..."} for characters, and
 * {"kick": {"instance": "...", "session": n}, "text": "..."} to close one
 * session.  Recipients are chunked so a payload stays far below
 * PostgreSQL's 8000-byte limit.
 */
#include <stdio.h>

#include "db/store_int.h"


static struct store_stmt st_notify_room = {
	"notify_room",
	"SELECT pg_notify('" STORE_CHANNEL "',"
	"  json_build_object('to', array_agg(id), 'text', $4::text)::text)"
	" FROM (SELECT id, (row_number() OVER ()) / 400 AS chunk"
	"  FROM characters WHERE room_id = $1 AND id <> $2 AND id <> $3"
	"  AND session_instance IS NOT NULL) c"
	" GROUP BY chunk", 4, 0
};

/* Tell every online character in a room but two (0 for none). */
enum store_rc
store_notify_room2(struct store *s, int32_t room, int64_t except1,
    int64_t except2, const char *text)
{
	char		 rooms[16], a[24], b[24];
	const char	*p[] = { rooms, a, b, text };
	PGresult	*res;

	snprintf(rooms, sizeof rooms, "%d", room);
	snprintf(a, sizeof a, "%lld", (long long)except1);
	snprintf(b, sizeof b, "%lld", (long long)except2);
	if ((res = store_exec(s, &st_notify_room, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

/* Tell every online character in a room but one (except; 0 for none). */
enum store_rc
store_notify_room(struct store *s, int32_t room, int64_t except,
    const char *text)
{
	return store_notify_room2(s, room, except, 0, text);
}

static struct store_stmt st_notify_char = {
	"notify_char",
	"SELECT pg_notify('" STORE_CHANNEL "',"
	"  json_build_object('to', json_build_array($1::bigint),"
	"  'text', $2::text)::text)", 2, 0
};

/* Tell one character, wherever its session is. */
enum store_rc
store_notify_char(struct store *s, int64_t id, const char *text)
{
	char		 ids[24];
	const char	*p[] = { ids, text };
	PGresult	*res;

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if ((res = store_exec(s, &st_notify_char, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_notify_kick = {
	"notify_kick",
	"SELECT pg_notify('" STORE_CHANNEL "',"
	"  json_build_object('kick', json_build_object('instance', $1::text,"
	"  'session', $2::bigint), 'text', $3::text)::text)", 3, 0
};

/* Close a session (on any instance), showing it text first. */
enum store_rc
store_notify_kick(struct store *s, const char *instance, int64_t sid,
    const char *text)
{
	char		 sids[24];
	const char	*p[] = { instance, sids, text };
	PGresult	*res;

	snprintf(sids, sizeof sids, "%lld", (long long)sid);
	if ((res = store_exec(s, &st_notify_kick, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}
