/*
 * store_dash.c — the admin dashboard's statements (store_dash.h).  The
 * pages' data is assembled as JSON by PostgreSQL, so each read is one
 * statement in one round trip.
 */
#include <stdlib.h>
#include <string.h>

#include "db/store_dash.h"
#include "db/store_int.h"
#include "ops/util.h"

static struct store_stmt st_dash_new = {
	"dash_new",
	"WITH p AS (DELETE FROM dash_sessions WHERE expires_at < now())"
	" INSERT INTO dash_sessions (token_hash, character_id, addr,"
	"  expires_at) VALUES (decode($1, 'hex'), $2, $3::inet,"
	"  now() + make_interval(secs => $4))", 4, 0
};

/* A new session for character id from addr, valid for secs. */
enum store_rc
store_dash_session_new(struct store *s, const char *hash_hex, int64_t id,
    const char *addr, int secs)
{
	const char	*p[] = { hash_hex, STORE_NUM(id),
			    addr[0] != '\0' ? addr : NULL, STORE_NUM(secs) };

	return store_exec_changed(s, &st_dash_new, p);
}

static struct store_stmt st_dash_get = {
	"dash_get",
	"WITH s AS (SELECT d.token_hash, c.id, c.name, c.role"
	"  FROM dash_sessions d JOIN characters c ON c.id = d.character_id"
	"  WHERE d.token_hash = decode($1, 'hex') AND d.expires_at > now()),"
	" u AS (UPDATE dash_sessions d SET last_seen = now() FROM s"
	"  WHERE d.token_hash = s.token_hash"
	"  AND d.last_seen < now() - interval '30 seconds')"
	" SELECT id, name, role FROM s", 1, 0
};

/* The unexpired session with this token hash and its character. */
enum store_rc
store_dash_session_get(struct store *s, const char *hash_hex,
    struct store_dash_who *w)
{
	const char	*p[] = { hash_hex };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_dash_get, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		w->id = store_get_int(res, 0, 0);
		store_get_str(res, 0, 1, w->name, sizeof w->name);
		store_get_str(res, 0, 2, w->role, sizeof w->role);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_dash_end = {
	"dash_end",
	"DELETE FROM dash_sessions WHERE token_hash = decode($1, 'hex')", 1, 0
};

/* Delete a session (sign-out). */
enum store_rc
store_dash_session_end(struct store *s, const char *hash_hex)
{
	const char	*p[] = { hash_hex };

	return store_exec_changed(s, &st_dash_end, p);
}

static struct store_stmt st_dash_map = {
	"dash_map",
	"SELECT json_build_object("
	" 'areas', coalesce((SELECT json_agg(json_build_object('id', id,"
	"  'name', name) ORDER BY id) FROM areas), '[]'),"
	" 'rooms', coalesce((SELECT json_agg(json_build_object('id', id,"
	"  'area', area, 'title', title, 'start', is_start) ORDER BY id)"
	"  FROM rooms), '[]'),"
	" 'exits', coalesce((SELECT json_agg(json_build_object('from', room_id,"
	"  'dir', direction, 'to', to_room) ORDER BY room_id, direction)"
	"  FROM exits), '[]'))::text", 0, 0
};

static struct store_stmt st_dash_live = {
	"dash_live",
	"SELECT json_build_object("
	" 'online', coalesce((SELECT json_agg(json_build_object("
	"  'name', c.name, 'role', c.role, 'room', c.room_id,"
	"  'idle', greatest(0, extract(epoch FROM now() - coalesce(greatest("
	"   c.last_input_at, c.last_login_at), now())))::bigint,"
	"  'addr', host(c.session_addr), 'instance', c.session_instance,"
	"  'host', i.host, 'pid', i.pid) ORDER BY c.name)"
	"  FROM characters c JOIN instances i ON i.id = c.session_instance"
	"  WHERE c.proto_id IS NULL), '[]'),"
	" 'npcs', coalesce((SELECT json_object_agg(room_id, n) FROM"
	"  (SELECT room_id, count(*) AS n FROM characters"
	"   WHERE proto_id IS NOT NULL GROUP BY room_id) x), '{}'),"
	" 'audit', coalesce((SELECT json_agg(json_build_object('id', id,"
	"  'at', to_char(at, 'YYYY-MM-DD HH24:MI:SS'), 'source', source,"
	"  'actor', actor_name, 'role', actor_role, 'action', action,"
	"  'command', left(command, 200)) ORDER BY id DESC) FROM"
	"  (SELECT * FROM audit_log ORDER BY id DESC LIMIT 20) a), '[]'),"
	" 'instances', coalesce((SELECT json_agg(json_build_object('id', id,"
	"  'host', host, 'pid', pid, 'seen', greatest(0, extract(epoch FROM"
	"  now() - seen_at))::bigint) ORDER BY started_at) FROM instances),"
	"  '[]'))::text", 0, 0
};

/* One of the pages' views as JSON (malloc'd into *json). */
enum store_rc
store_dash_read(struct store *s, enum store_dash_view view, char **json)
{
	struct store_stmt	*st = view == STORE_DASH_MAP ? &st_dash_map :
				    &st_dash_live;
	PGresult		*res;

	*json = NULL;
	if ((res = store_exec(s, st, NULL)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1)
		*json = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *json != NULL ? STORE_OK : STORE_NONE;
}
