/*
 * store_login.c — login_guard and the creating address of characters
 * (migration 0008; see store_login.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "db/store_int.h"
#include "db/store_login.h"

/* The class of the per-address creation lock (pg_advisory_xact_lock(a, b));
 * 4242001 and 4242002 are one-key locks, a separate space. */
#define CREATE_LOCK_CLASS	"4242003"

/* The scope's name in login_guard.scope. */
static const char *
store_login_scope_name(enum store_login_scope scope)
{
	return scope == STORE_LOGIN_CHARACTER ? "character" : "address";
}

/* Run a statement returning one integer into *out (0 if no row). */
static enum store_rc
store_login_int(struct store *s, struct store_stmt *st,
    const char *const *params, int *out)
{
	PGresult	*res = store_exec(s, st, params);

	if (res == NULL)
		return STORE_ERR;
	*out = PQntuples(res) > 0 ? (int)store_get_int(res, 0, 0) : 0;
	PQclear(res);
	return STORE_OK;
}

/* ORDER BY scope DESC locks 'character' before 'address'. */
static struct store_stmt st_login_guard_check = {
	"login_guard_check",
	"SELECT greatest(coalesce(max(ceil(extract(epoch FROM"
	"  locked_until - now()))), 0), 0)::int"
	" FROM (SELECT locked_until FROM login_guard"
	"  WHERE (scope = 'character' AND key = $1)"
	"   OR (scope = 'address' AND key = $2)"
	"  ORDER BY scope DESC FOR UPDATE) g", 2, 0
};

/* Lock both guard rows; how long the longer lock still runs. */
enum store_rc
store_login_guard_check(struct store *s, const char *char_key,
    const char *addr, int *secs)
{
	const char	*p[] = { char_key, addr };

	return store_login_int(s, &st_login_guard_check, p, secs);
}

static struct store_stmt st_login_guard_fail = {
	"login_guard_fail",
	"INSERT INTO login_guard AS g (scope, key, failures, last_failure_at)"
	" VALUES ($1, $2, 1, now())"
	" ON CONFLICT (scope, key) DO UPDATE SET"
	"  failures = CASE WHEN g.last_failure_at <"
	"   now() - make_interval(secs => $3::int) THEN 1"
	"   ELSE least(g.failures, 1000000000) + 1 END,"
	"  last_failure_at = now(), locked_until = NULL"
	" RETURNING failures", 3, 0
};

/* Count one more wrong password for (scope, key). */
enum store_rc
store_login_guard_fail(struct store *s, enum store_login_scope scope,
    const char *key, int forget_secs, int *failures)
{
	const char	*p[] = { store_login_scope_name(scope), key,
			    STORE_NUM(forget_secs) };

	return store_login_int(s, &st_login_guard_fail, p, failures);
}

static struct store_stmt st_login_guard_lock = {
	"login_guard_lock",
	"UPDATE login_guard SET locked_until = now() +"
	"  make_interval(secs => $3::int)"
	" WHERE scope = $1 AND key = $2", 3, 0
};

/* Lock (scope, key) for secs seconds from now. */
enum store_rc
store_login_guard_lock(struct store *s, enum store_login_scope scope,
    const char *key, int secs)
{
	const char	*p[] = { store_login_scope_name(scope), key,
			    STORE_NUM(secs) };

	return store_exec_changed(s, &st_login_guard_lock, p);
}

static struct store_stmt st_login_guard_clear = {
	"login_guard_clear",
	"DELETE FROM login_guard WHERE scope = $1 AND key = $2", 2, 0
};

/* Forget the wrong passwords of (scope, key). */
enum store_rc
store_login_guard_clear(struct store *s, enum store_login_scope scope,
    const char *key)
{
	const char	*p[] = { store_login_scope_name(scope), key };

	return store_exec_changed(s, &st_login_guard_clear, p) == STORE_ERR ?
	    STORE_ERR : STORE_OK;
}

static struct store_stmt st_login_guard_prune = {
	"login_guard_prune",
	"DELETE FROM login_guard"
	" WHERE last_failure_at < now() - make_interval(secs => $1::int)"
	"  AND (locked_until IS NULL OR locked_until < now())", 1, 0
};

/* Delete unlocked rows whose last failure is older than forget_secs. */
enum store_rc
store_login_guard_prune(struct store *s, int forget_secs)
{
	const char	*p[] = { STORE_NUM(forget_secs) };

	return store_exec_changed(s, &st_login_guard_prune, p) == STORE_ERR ?
	    STORE_ERR : STORE_OK;
}

static struct store_stmt st_login_create_lock = {
	"login_create_lock",
	"SELECT pg_advisory_xact_lock(" CREATE_LOCK_CLASS ", hashtext($1))",
	1, 0
};

static struct store_stmt st_login_created_count = {
	"login_created_count",
	"SELECT count(*) FROM characters WHERE created_from = $1::inet"
	" AND created_at > now() - interval '1 hour'", 1, 0
};

/* Characters created from addr in the last hour (after a lock, if asked). */
enum store_rc
store_login_created_count(struct store *s, const char *addr, bool lock,
    int *n)
{
	const char	*p[] = { addr };
	PGresult	*res;

	if (lock) {
		if ((res = store_exec(s, &st_login_create_lock, p)) == NULL)
			return STORE_ERR;
		PQclear(res);
	}
	return store_login_int(s, &st_login_created_count, p, n);
}

static struct store_stmt st_login_set_created_from = {
	"login_set_created_from",
	"UPDATE characters SET created_from = $2::inet WHERE id = $1", 2, 0
};

/* Record the address that created a character. */
enum store_rc
store_login_set_created_from(struct store *s, int64_t id, const char *addr)
{
	const char	*p[] = { STORE_NUM(id), addr };

	return store_exec_changed(s, &st_login_set_created_from, p);
}
