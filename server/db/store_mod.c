/*
 * store_mod.c — the moderation tools' rows (migration 0012; see
 * store_mod.h).
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_mod.h"
#include "ops/buf.h"
#include "ops/util.h"

/* Run a statement; every row goes to fn as its columns' text. */
enum store_rc
store_mod_rows(struct store *s, struct store_stmt *st,
    const char *const *params, store_mod_row_fn fn, void *arg)
{
	PGresult	*res = store_exec(s, st, params);
	const char	*cols[16];
	int		 nc;

	if (res == NULL)
		return STORE_ERR;
	nc = PQnfields(res) < 16 ? PQnfields(res) : 16;
	for (int i = 0; i < PQntuples(res); i++) {
		for (int c = 0; c < nc; c++)
			cols[c] = PQgetvalue(res, i, c);
		fn(arg, cols, nc);
	}
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_mod_find = {
	"mod_find",
	"SELECT id, name, role, coalesce(session_instance::text, ''),"
	"  coalesce(session_id, 0) FROM characters"
	" WHERE lower(name) = lower($1) AND proto_id IS NULL FOR UPDATE", 1, 0
};

/* Find a player character by name (any case), its row locked. */
enum store_rc
store_mod_find(struct store *s, const char *name, struct store_mod_target *t)
{
	const char	*p[] = { name };
	PGresult	*res = store_exec(s, &st_mod_find, p);
	enum store_rc	 rc = STORE_NONE;

	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		t->id = store_get_int(res, 0, 0);
		store_get_str(res, 0, 1, t->name, sizeof t->name);
		store_get_str(res, 0, 2, t->role, sizeof t->role);
		store_get_str(res, 0, 3, t->instance, sizeof t->instance);
		t->sid = store_get_int(res, 0, 4);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_mod_my_addr = {
	"mod_my_addr",
	"SELECT coalesce(host(session_addr), '') FROM characters WHERE id = $1",
	1, 0
};

/* The address of a character's session ("" if none). */
enum store_rc
store_mod_my_addr(struct store *s, int64_t id, char *addr)
{
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res = store_exec(s, &st_mod_my_addr, p);

	if (res == NULL)
		return STORE_ERR;
	addr[0] = '\0';
	if (PQntuples(res) == 1)
		store_get_str(res, 0, 0, addr, STORE_MOD_ADDR_MAX);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_mod_network = {
	"mod_network",
	"SELECT n::text, masklen(n), family(n),"
	"  coalesce($2::inet <<= n, false)"
	" FROM mod_network($1) n WHERE n IS NOT NULL", 2, 0
};

/* Parse text as a network; STORE_NONE if it is not one. */
enum store_rc
store_mod_network(struct store *s, const char *text, const char *own,
    struct store_mod_net *n)
{
	const char	*p[] = { text, own != NULL && *own != '\0' ? own : NULL };
	PGresult	*res = store_exec(s, &st_mod_network, p);
	enum store_rc	 rc = STORE_NONE;

	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		store_get_str(res, 0, 0, n->cidr, sizeof n->cidr);
		n->masklen = (int)store_get_int(res, 0, 1);
		n->family = (int)store_get_int(res, 0, 2);
		n->covers_me = store_get_bool(res, 0, 3);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_mod_session_start = {
	"mod_session_start",
	"WITH c AS (UPDATE characters SET session_addr = $3::inet"
	"  WHERE id = $1 RETURNING id)"
	" INSERT INTO logins (character_id, name, addr, instance, outcome)"
	" SELECT c.id, $2, $3::inet, $4::uuid, 'ok' FROM c", 4, 0
};

/* At login: record the session's address and an 'ok' row in logins. */
enum store_rc
store_mod_session_start(struct store *s, int64_t id, const char *name,
    const char *addr, const char *instance)
{
	const char	*p[] = { STORE_NUM(id), name, addr, instance };

	return store_exec_changed(s, &st_mod_session_start, p);
}

static struct store_stmt st_mod_login_log = {
	"mod_login_log",
	"INSERT INTO logins (character_id, name, addr, instance, outcome)"
	" VALUES (nullif($1::bigint, 0), $2, $3::inet, $4::uuid, $5)", 5, 0
};

/* A logins row with an outcome. */
enum store_rc
store_mod_login_log(struct store *s, int64_t id, const char *name,
    const char *addr, const char *instance, const char *outcome)
{
	const char	*p[] = { STORE_NUM(id), name, addr, instance, outcome };

	return store_exec_changed(s, &st_mod_login_log, p) == STORE_ERR ?
	    STORE_ERR : STORE_OK;
}

static struct store_stmt st_mod_ban_check = {
	"mod_ban_check",
	"SELECT reason, mod_until(expires_at), character_id IS NOT NULL"
	" FROM bans WHERE lifted_at IS NULL AND expires_at > now()"
	"  AND (character_id = $1 OR addr >>= $2::inet)"
	"  AND (scope = 'all' OR $3::boolean)"
	" ORDER BY character_id IS NULL, expires_at DESC LIMIT 1", 3, 0
};

/* The active ban refusing a login, if any. */
enum store_rc
store_mod_ban_check(struct store *s, int64_t id, const char *addr,
    bool new_char, struct store_mod_ban *b)
{
	const char	*p[] = { STORE_NUM(id), addr, new_char ? "t" : "f" };
	PGresult	*res = store_exec(s, &st_mod_ban_check, p);
	enum store_rc	 rc = STORE_NONE;

	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		store_get_str(res, 0, 0, b->reason, sizeof b->reason);
		store_get_str(res, 0, 1, b->until, sizeof b->until);
		b->by_name = store_get_bool(res, 0, 2);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_mod_lock = {
	"mod_lock", "SELECT lock FROM game", 0, 0
};

/* The game's lock ("open" if the row is missing). */
enum store_rc
store_mod_lock(struct store *s, char lock[8])
{
	PGresult	*res = store_exec(s, &st_mod_lock, NULL);

	if (res == NULL)
		return STORE_ERR;
	util_strlcpy(lock, "open", 8);
	if (PQntuples(res) == 1)
		store_get_str(res, 0, 0, lock, 8);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_mod_set_lock = {
	"mod_set_lock", "UPDATE game SET lock = $1", 1, 0
};

/* Set the game's lock. */
enum store_rc
store_mod_set_lock(struct store *s, const char *lock)
{
	const char	*p[] = { lock };

	return store_exec_changed(s, &st_mod_set_lock, p) == STORE_ERR ?
	    STORE_ERR : STORE_OK;
}

static struct store_stmt st_mod_ban_add = {
	"mod_ban_add",
	"INSERT INTO bans (character_id, addr, scope, reason, by_id, by_name,"
	"  expires_at)"
	" VALUES (nullif($1::bigint, 0), $2::cidr, $3, $4, $5, $6,"
	"  CASE WHEN $7::bigint < 0 THEN 'infinity'::timestamptz"
	"  ELSE now() + make_interval(secs => $7::bigint) END)"
	" RETURNING id, mod_until(expires_at)", 7, 0
};

/* Add a ban; its id and end come back. */
enum store_rc
store_mod_ban_add(struct store *s, int64_t id, const char *cidr,
    bool new_only, const char *reason, int64_t by_id, const char *by_name,
    int64_t secs, int *ban_id, char until[STORE_MOD_UNTIL_MAX])
{
	const char	*p[] = { STORE_NUM(id), cidr, new_only ? "new" : "all",
			    reason, STORE_NUM(by_id), by_name, STORE_NUM(secs) };
	PGresult	*res = store_exec(s, &st_mod_ban_add, p);

	if (res == NULL)
		return STORE_ERR;
	*ban_id = (int)store_get_int(res, 0, 0);
	store_get_str(res, 0, 1, until, STORE_MOD_UNTIL_MAX);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_mod_sessions = {
	"mod_sessions",
	"SELECT id, session_instance::text, session_id, role FROM characters"
	" WHERE session_instance IS NOT NULL"
	"  AND (id = $1 OR session_addr <<= $2::cidr)"
	" ORDER BY id LIMIT " STORE_MOD_SESSIONS_SQL " FOR UPDATE", 2, 0
};

/* The online sessions of a character or from a network, rows locked. */
enum store_rc
store_mod_sessions(struct store *s, int64_t id, const char *cidr,
    int64_t *ids, char (*instances)[STORE_UUID_LEN + 1], int64_t *sids,
    char (*roles)[8], int *n)
{
	const char	*p[] = { STORE_NUM(id), cidr };
	PGresult	*res = store_exec(s, &st_mod_sessions, p);

	if (res == NULL)
		return STORE_ERR;
	*n = PQntuples(res) < STORE_MOD_SESSIONS ? PQntuples(res) :
	    STORE_MOD_SESSIONS;
	for (int i = 0; i < *n; i++) {
		ids[i] = store_get_int(res, i, 0);
		store_get_str(res, i, 1, instances[i], STORE_UUID_LEN + 1);
		sids[i] = store_get_int(res, i, 2);
		store_get_str(res, i, 3, roles[i], sizeof roles[i]);
	}
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_mod_unban = {
	"mod_unban",
	"WITH l AS (UPDATE bans SET lifted_at = now(), lifted_by = $4"
	"  WHERE lifted_at IS NULL AND expires_at > now()"
	"  AND (id = $1 OR character_id = $2 OR addr = $3::cidr)"
	"  RETURNING id)"
	" SELECT count(*), coalesce(min(id), 0) FROM l", 4, 0
};

/* Lift active bans by id, character or network. */
enum store_rc
store_mod_unban(struct store *s, int ban_id, int64_t id, const char *cidr,
    const char *by_name, int *lifted, int *first)
{
	const char	*p[] = { STORE_NUM(ban_id), STORE_NUM(id), cidr,
			    by_name };
	PGresult	*res = store_exec(s, &st_mod_unban, p);

	if (res == NULL)
		return STORE_ERR;
	*lifted = (int)store_get_int(res, 0, 0);
	*first = (int)store_get_int(res, 0, 1);
	PQclear(res);
	return *lifted > 0 ? STORE_OK : STORE_NONE;
}

static struct store_stmt st_mod_freeze = {
	"mod_freeze",
	"UPDATE characters SET frozen_reason = nullif($3, ''),"
	"  frozen_until = CASE WHEN $2::bigint < 0 THEN 'infinity'::timestamptz"
	"  ELSE now() + make_interval(secs => $2::bigint) END"
	" WHERE id = $1 RETURNING mod_until(frozen_until)", 3, 0
};

static struct store_stmt st_mod_mute = {
	"mod_mute",
	"UPDATE characters SET muted_reason = nullif($3, ''),"
	"  muted_until = CASE WHEN $2::bigint < 0 THEN 'infinity'::timestamptz"
	"  ELSE now() + make_interval(secs => $2::bigint) END"
	" WHERE id = $1 RETURNING mod_until(muted_until)", 3, 0
};

static struct store_stmt st_mod_unfight = {
	"mod_unfight",
	"UPDATE characters SET fighting_id = NULL"
	" WHERE fighting_id = $1 OR (id = $1 AND fighting_id IS NOT NULL)", 1, 0
};

/* Freeze (ending the fight, both sides) or mute a character. */
enum store_rc
store_mod_restrict(struct store *s, bool mute, int64_t id, int64_t secs,
    const char *reason, char until[STORE_MOD_UNTIL_MAX])
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(secs), reason };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if (!mute && store_exec_changed(s, &st_mod_unfight, p) == STORE_ERR)
		return STORE_ERR;
	res = store_exec(s, mute ? &st_mod_mute : &st_mod_freeze, p);
	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		store_get_str(res, 0, 0, until, STORE_MOD_UNTIL_MAX);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_mod_unfreeze = {
	"mod_unfreeze",
	"UPDATE characters SET frozen_until = NULL, frozen_reason = NULL"
	" WHERE id = $1 AND frozen_until > now()", 1, 0
};

static struct store_stmt st_mod_unmute = {
	"mod_unmute",
	"UPDATE characters SET muted_until = NULL, muted_reason = NULL"
	" WHERE id = $1 AND muted_until > now()", 1, 0
};

/* Lift a freeze or mute; STORE_NONE if there was none. */
enum store_rc
store_mod_unrestrict(struct store *s, bool mute, int64_t id)
{
	const char	*p[] = { STORE_NUM(id) };

	return store_exec_changed(s, mute ? &st_mod_unmute : &st_mod_unfreeze,
	    p);
}

static struct store_stmt st_mod_wall = {
	"mod_wall",
	"WITH m AS (INSERT INTO messages (kind, recipients, text)"
	"  SELECT 'char', array_agg(id), $1 FROM characters"
	"  WHERE session_instance IS NOT NULL HAVING count(*) > 0"
	"  RETURNING 1) " NOTIFY_BELL, 1, 0
};

/* Tell every online character text. */
enum store_rc
store_mod_wall(struct store *s, const char *text)
{
	const char	*p[] = { text };
	PGresult	*res = store_exec(s, &st_mod_wall, p);

	if (res == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_mod_bans = {
	"mod_bans",
	"SELECT b.id, CASE WHEN b.addr IS NULL THEN 'name' ELSE 'addr' END,"
	"  coalesce(c.name, b.addr::text), b.scope,"
	"  CASE WHEN b.expires_at = 'infinity' THEN 'permanent'"
	"  ELSE mod_until(b.expires_at) END, b.by_name, b.reason"
	" FROM bans b LEFT JOIN characters c ON c.id = b.character_id"
	" WHERE b.lifted_at IS NULL AND b.expires_at > now()"
	" ORDER BY b.id LIMIT 200", 0, 0
};

/* The active bans. */
enum store_rc
store_mod_bans(struct store *s, store_mod_row_fn fn, void *arg)
{
	return store_mod_rows(s, &st_mod_bans, NULL, fn, arg);
}

static struct store_stmt st_mod_users = {
	"mod_users",
	"SELECT c.name, c.role, coalesce(host(c.session_addr), '-'),"
	"  left(i.id::text, 6), i.host,"
	"  greatest(0, extract(epoch FROM now() - coalesce(greatest("
	"   c.last_input_at, c.last_login_at), now())))::bigint"
	" FROM characters c JOIN instances i ON i.id = c.session_instance"
	" WHERE c.proto_id IS NULL ORDER BY c.name LIMIT 500", 0, 0
};

/* Online sessions, cluster-wide. */
enum store_rc
store_mod_users(struct store *s, store_mod_row_fn fn, void *arg)
{
	return store_mod_rows(s, &st_mod_users, NULL, fn, arg);
}

static struct store_stmt st_mod_idle = {
	"mod_idle",
	"UPDATE characters c SET last_input_at = now() - v.ago *"
	"  interval '1 second'"
	" FROM unnest($1::bigint[], $2::bigint[]) AS v(id, ago)"
	" WHERE c.id = v.id AND c.session_instance = $3::uuid", 3, 0
};

/* Record when this keepd's sessions last typed: ago[i] seconds before now
 * for character ids[i] (one UPDATE; the heartbeat's). */
enum store_rc
store_mod_idle(struct store *s, const char *instance, const int64_t *ids,
    const int64_t *ago, size_t n)
{
	struct buf	 a[2] = { { 0 } };
	const char	*p[3];
	PGresult	*res;

	if (n == 0)
		return STORE_OK;
	for (int k = 0; k < 2; k++)
		store_arr_open(&a[k]);
	for (size_t i = 0; i < n; i++) {
		store_arr_num(&a[0], ids[i]);
		store_arr_num(&a[1], ago[i]);
	}
	p[0] = store_arr_close(&a[0]);
	p[1] = store_arr_close(&a[1]);
	p[2] = instance;
	res = store_exec(s, &st_mod_idle, p);
	for (int k = 0; k < 2; k++)
		buf_free(&a[k]);
	if (res == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_mod_last = {
	"mod_last",
	"SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC',"
	"  host(addr), name, replace(outcome, '_', ' ') FROM logins"
	" WHERE CASE WHEN $2::cidr IS NULL THEN lower(name) = lower($1)"
	"  ELSE addr <<= $2::cidr END"
	" ORDER BY at DESC, id DESC LIMIT $3", 3, 0
};

/* Login history of a name or a network. */
enum store_rc
store_mod_last(struct store *s, const char *name, const char *cidr,
    int limit, store_mod_row_fn fn, void *arg)
{
	const char	*p[] = { name, cidr, STORE_NUM(limit) };

	return store_mod_rows(s, &st_mod_last, p, fn, arg);
}
