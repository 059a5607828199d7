/*
 * store_gate_audit.c — the audit entry a staff command opens in its own
 * transaction, the source a CLI run records itself as, and the builder's
 * scope.  See db/migrations/0011_audit.sql for the triggers.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "db/store_gate_audit.h"
#include "db/store_int.h"

static struct store_stmt st_audit_begin = {
	"audit_begin",
	"WITH e AS (INSERT INTO audit_log (source, actor_id, actor_name,"
	"  actor_role, addr, instance, action, command)"
	"  VALUES ('game', $1, $2, $3, $4::inet, $5::uuid, $6, $7)"
	"  RETURNING id),"
	" c AS (SELECT set_config('keep.audit', 'on', true) AS a,"
	"  set_config('keep.audit_id', (SELECT id FROM e)::text, true) AS b),"
	" m AS (INSERT INTO messages (kind, recipients, text)"
	"  SELECT 'char', r.ids, '[audit #' || e.id || '] ' || $2 || ': ' || $7"
	"  FROM e, (SELECT array_agg(id) AS ids FROM characters"
	"   WHERE role IN ('admin', 'owner') AND id <> $1"
	"   AND session_instance IS NOT NULL AND proto_id IS NULL) r"
	"  WHERE r.ids IS NOT NULL RETURNING 1)"
	" SELECT e.id, c.b, (SELECT pg_notify('" STORE_CHANNEL "', '')"
	"  WHERE EXISTS (SELECT 1 FROM m)) IS NOT NULL FROM e, c", 7, 0
};

/* Whether text is an IPv4 or IPv6 address PostgreSQL's inet will take. */
static bool
store_audit_is_addr(const char *text)
{
	unsigned char	b[16];

	return text != NULL && (inet_pton(AF_INET, text, b) == 1 ||
	    inet_pton(AF_INET6, text, b) == 1);
}

/* Open the staff command's audit entry and turn the triggers on. */
enum store_rc
store_audit_begin(struct store *s, const struct store_audit_actor *a,
    int64_t *id)
{
	const char	*p[] = { STORE_NUM(a->id), a->name, a->role,
			    store_audit_is_addr(a->addr) ? a->addr : NULL,
			    a->instance != NULL && a->instance[0] != '\0' ?
			    a->instance : NULL, a->action, a->command };
	PGresult	*res;

	if ((res = store_exec(s, &st_audit_begin, p)) == NULL)
		return STORE_ERR;
	*id = store_get_int(res, 0, 0);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_audit_source = {
	"audit_source",
	"SELECT set_config('keep.audit', '', false),"
	"  set_config('keep.source', $1, false),"
	"  set_config('keep.actor', $2, false)", 2, 0
};

/* Record this connection's transactions as source by actor. */
enum store_rc
store_audit_source(struct store *s, const char *source, const char *actor)
{
	const char	*p[] = { source, actor };
	PGresult	*res;

	if ((res = store_exec(s, &st_audit_source, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_audit_may_build = {
	"audit_may_build",
	"SELECT role IN ('admin', 'owner') OR (role = 'builder'"
	"  AND (build_areas IS NULL OR $2 = ANY (build_areas)))"
	" FROM characters WHERE id = $1", 2, 0
};

/* Whether the character may build in area. */
enum store_rc
store_audit_may_build(struct store *s, int64_t char_id, const char *area,
    bool *ok)
{
	const char	*p[] = { STORE_NUM(char_id), area };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	*ok = false;
	if ((res = store_exec(s, &st_audit_may_build, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		*ok = store_get_bool(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}
