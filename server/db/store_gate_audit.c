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
#include "ops/buf.h"

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
	" SELECT e.id, c.b, (" NOTIFY_BELL ") IS NOT NULL FROM e, c", 7, 0
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

/* The world's tables: what a builder's audit shows. */
#define AUDIT_WORLD \
	"('rooms', 'exits', 'areas', 'item_protos', 'npc_protos'," \
	" 'npc_proto_gear', 'resets', 'shops', 'shop_stock', 'items', 'help')"

/* The columns of a struct store_audit_row, from audit_log l. */
#define AUDIT_ROW_COLS \
	"l.id, to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')," \
	" CASE WHEN l.source = 'game' THEN l.actor_name || ' ('" \
	"  || coalesce(l.actor_role, '?') || ')'" \
	"  ELSE l.source || ' (' || l.actor_name || ')' END," \
	" regexp_replace(l.command, '[[:cntrl:]]', '?', 'g')," \
	" audit_summary(l.id)," \
	" coalesce((SELECT min(u.id) FROM audit_log u WHERE u.undoes = l.id)," \
	"  0), coalesce(l.undoes, 0), coalesce(l.actor_id, 0), l.source," \
	" coalesce(host(l.addr), ''), l.action," \
	" EXISTS (SELECT 1 FROM audit_change c WHERE c.audit_id = l.id" \
	"  AND c.tbl IN " AUDIT_WORLD ")," \
	" EXISTS (SELECT 1 FROM audit_change c WHERE c.audit_id = l.id" \
	"  AND c.tbl = 'characters' AND (c.old ? 'role'" \
	"  OR c.old ? 'build_areas' OR c.new ? 'role'))"

/* Fill r from the AUDIT_ROW_COLS of a row. */
static void
store_audit_fill(const PGresult *res, int row, struct store_audit_row *r)
{
	r->id = store_get_int(res, row, 0);
	store_get_str(res, row, 1, r->at, sizeof r->at);
	store_get_str(res, row, 2, r->who, sizeof r->who);
	store_get_str(res, row, 3, r->command, sizeof r->command);
	store_get_str(res, row, 4, r->summary, sizeof r->summary);
	r->undone_by = store_get_int(res, row, 5);
	r->undoes = store_get_int(res, row, 6);
	r->actor_id = store_get_int(res, row, 7);
	store_get_str(res, row, 8, r->source, sizeof r->source);
	store_get_str(res, row, 9, r->addr, sizeof r->addr);
	store_get_str(res, row, 10, r->action, sizeof r->action);
	r->world = store_get_bool(res, row, 11);
	r->roles = store_get_bool(res, row, 12);
}

static struct store_stmt st_audit_list = {
	"audit_list",
	"SELECT " AUDIT_ROW_COLS " FROM audit_log l"
	" WHERE ($1::text IS NULL OR lower(l.actor_name) = lower($1))"
	"  AND ($2::text IS NULL OR l.source = $2)"
	"  AND (NOT $3::boolean OR EXISTS (SELECT 1 FROM audit_change c"
	"   WHERE c.audit_id = l.id AND c.tbl IN " AUDIT_WORLD "))"
	" ORDER BY l.id DESC LIMIT $4", 4, 0
};

/* The latest entries matching f. */
enum store_rc
store_audit_list(struct store *s, const struct store_audit_filter *f,
    struct store_audit_row *rows, int max, int *n)
{
	const char	*p[] = { f->actor, f->source,
			    f->world_only ? "true" : "false",
			    STORE_NUM(f->count < max ? f->count : max) };
	PGresult	*res;

	if ((res = store_exec(s, &st_audit_list, p)) == NULL)
		return STORE_ERR;
	*n = PQntuples(res);
	for (int i = 0; i < *n; i++)
		store_audit_fill(res, i, &rows[i]);
	PQclear(res);
	return *n > 0 ? STORE_OK : STORE_NONE;
}

static struct store_stmt st_audit_history = {
	"audit_history",
	"SELECT '#' || l.id || ' '"
	"  || to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || '  '"
	"  || CASE WHEN l.source = 'game' THEN l.actor_name || ' ('"
	"   || coalesce(l.actor_role, '?') || ')'"
	"   ELSE l.source || ' (' || l.actor_name || ')' END || '  '"
	"  || audit_change_text(c.op, c.old, c.new)"
	"  || CASE WHEN l.undoes IS NOT NULL"
	"   THEN ' (undo #' || l.undoes || ')' ELSE '' END"
	" FROM audit_change c JOIN audit_log l ON l.id = c.audit_id"
	" WHERE c.tbl = $1 AND c.pk = $2::jsonb ORDER BY c.id DESC LIMIT $3",
	3, 0
};

/* A row's history, oldest first, into out. */
enum store_rc
store_audit_history(struct store *s, const struct store_audit_filter *f,
    struct buf *out)
{
	const char	*p[] = { f->tbl, f->pk, STORE_NUM(f->count) };
	PGresult	*res;
	int		 n;

	if ((res = store_exec(s, &st_audit_history, p)) == NULL)
		return STORE_ERR;
	n = PQntuples(res);
	for (int i = n - 1; i >= 0; i--)
		buf_printf(out, "  %s\n", PQgetvalue(res, i, 0));
	PQclear(res);
	return n > 0 ? STORE_OK : STORE_NONE;
}

static struct store_stmt st_audit_get = {
	"audit_get",
	"SELECT " AUDIT_ROW_COLS " FROM audit_log l WHERE l.id = $1", 1, 0
};

/* One entry. */
enum store_rc
store_audit_get(struct store *s, int64_t id, struct store_audit_row *r)
{
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_audit_get, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		store_audit_fill(res, 0, r);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_audit_changes = {
	"audit_changes",
	"WITH e AS (SELECT CASE WHEN $1 = 0"
	"  THEN nullif(current_setting('keep.audit_id', true), '')::bigint"
	"  ELSE $1 END AS id)"
	" SELECT audit_label(c.tbl, c.pk) || ': '"
	"  || audit_change_text(c.op, c.old, c.new), audit_summary(e.id),"
	"  count(*) OVER ()"
	" FROM e LEFT JOIN LATERAL (SELECT * FROM audit_change"
	"  WHERE audit_id = e.id ORDER BY id LIMIT $2) c ON true", 2, 0
};

/* The changes of an entry (0: this transaction's) into out. */
enum store_rc
store_audit_changes(struct store *s, int64_t id, int max, struct buf *out,
    char *summary)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(max) };
	PGresult	*res;
	int		 n;

	summary[0] = '\0';
	if ((res = store_exec(s, &st_audit_changes, p)) == NULL)
		return STORE_ERR;
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		if (PQgetisnull(res, i, 0))
			continue;
		buf_printf(out, "  %s\n", PQgetvalue(res, i, 0));
	}
	if (n > 0)
		store_get_str(res, 0, 1, summary, 160);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_audit_last_own = {
	"audit_last_own",
	"SELECT l.id FROM audit_log l WHERE l.actor_id = $1"
	"  AND l.source = 'game' AND l.undoes IS NULL"
	"  AND l.txid <> pg_current_xact_id()"
	"  AND EXISTS (SELECT 1 FROM audit_change c WHERE c.audit_id = l.id)"
	"  AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.undoes = l.id)"
	" ORDER BY l.id DESC LIMIT 1", 1, 0
};

/* The actor's latest entry that undo would take. */
enum store_rc
store_audit_last_own(struct store *s, int64_t actor_id, int64_t *id)
{
	const char	*p[] = { STORE_NUM(actor_id) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_audit_last_own, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		*id = store_get_int(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_audit_undo = {
	"audit_undo",
	"SELECT audit_undo($1)", 1, 0
};

/* Undo entry id in this transaction. */
enum store_rc
store_audit_undo(struct store *s, int64_t id, char *why)
{
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;
	enum store_rc	 rc = STORE_OK;

	why[0] = '\0';
	if ((res = store_exec(s, &st_audit_undo, p)) == NULL)
		return STORE_ERR;
	if (!PQgetisnull(res, 0, 0)) {
		store_get_str(res, 0, 0, why, 256);
		rc = STORE_NONE;
	}
	PQclear(res);
	return rc;
}
