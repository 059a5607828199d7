/*
 * store_gate_staff.c — the statements of at, wiznet and role (the role
 * gate's staff commands, server/cmd/cmd_gate_cmd.c).
 */
#include <stdio.h>
#include <string.h>

#include "db/store_gate_audit.h"
#include "db/store_int.h"
#include "ops/util.h"

static struct store_stmt st_gate_quiet = {
	"gate_quiet",
	"SELECT set_config('keep.audit', CASE WHEN $1 THEN 'off' ELSE 'on' END,"
	"  true)", 1, 0
};

/*
 * Stop (quiet) or resume recording this transaction's changes: at's own
 * moves are not the command's changes.
 */
static bool
store_gate_quiet(struct store *s, bool quiet)
{
	const char	*p[] = { quiet ? "true" : "false" };
	PGresult	*res;

	if ((res = store_exec(s, &st_gate_quiet, p)) == NULL)
		return false;
	PQclear(res);
	return true;
}

static struct store_stmt st_gate_place = {
	"gate_place",
	"UPDATE characters SET room_id = r.id FROM rooms r"
	" WHERE characters.id = $1 AND r.id = $2", 2, 0
};

/* Put a character in room. */
enum store_rc
store_gate_place(struct store *s, int64_t id, int32_t room)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(room) };
	enum store_rc	 rc;

	if (!store_gate_quiet(s, true))
		return STORE_ERR;
	rc = store_exec_changed(s, &st_gate_place, p);
	if (rc != STORE_ERR && !store_gate_quiet(s, false))
		return STORE_ERR;
	return rc;
}

static struct store_stmt st_gate_return = {
	"gate_return",
	"UPDATE characters SET room_id = $3 WHERE id = $1 AND room_id = $2",
	3, 0
};

/* Put the character back in from if it is still in room. */
enum store_rc
store_gate_return(struct store *s, int64_t id, int32_t room, int32_t from)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(room),
			    STORE_NUM(from) };
	enum store_rc	 rc;

	if (!store_gate_quiet(s, true))
		return STORE_ERR;
	rc = store_exec_changed(s, &st_gate_return, p);
	if (rc == STORE_ERR || !store_gate_quiet(s, false))
		return STORE_ERR;
	return STORE_OK;
}

static struct store_stmt st_gate_wiznet = {
	"gate_wiznet",
	"WITH m AS (INSERT INTO messages (kind, recipients, text)"
	"  SELECT 'char', r.ids, $2 FROM (SELECT array_agg(id) AS ids"
	"   FROM characters WHERE role IN ('builder', 'admin', 'owner')"
	"   AND id <> $1 AND session_instance IS NOT NULL"
	"   AND proto_id IS NULL) r"
	"  WHERE r.ids IS NOT NULL RETURNING cardinality(recipients) AS n)"
	" SELECT coalesce((SELECT n FROM m), 0),"
	"  (" NOTIFY_BELL ") IS NOT NULL", 2, 0
};

/* Send text to every online staff character but except. */
enum store_rc
store_gate_wiznet(struct store *s, int64_t except, const char *text, int *n)
{
	const char	*p[] = { STORE_NUM(except), text };
	PGresult	*res;

	if ((res = store_exec(s, &st_gate_wiznet, p)) == NULL)
		return STORE_ERR;
	*n = (int)store_get_int(res, 0, 0);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_gate_staff_online = {
	"gate_staff_online",
	"SELECT coalesce(string_agg(s.name || ' (' || s.role || ')', ', '"
	"  ORDER BY s.name) FILTER (WHERE s.n <= 40), '')"
	"  || CASE WHEN count(*) > 40 THEN format(' and %s more', count(*) - 40)"
	"  ELSE '' END"
	" FROM (SELECT name, role, row_number() OVER (ORDER BY last_login_at"
	"  DESC NULLS LAST, name) AS n FROM characters"
	"  WHERE role IN ('builder', 'admin', 'owner')"
	"   AND session_instance IS NOT NULL AND proto_id IS NULL) s", 0, 0
};

/*
 * The staff online, into out: the 40 who logged in last, by name, and how
 * many more (a name is never cut).
 */
enum store_rc
store_gate_staff_online(struct store *s, char *out, size_t outsz)
{
	PGresult	*res;

	if ((res = store_exec(s, &st_gate_staff_online, NULL)) == NULL)
		return STORE_ERR;
	store_get_str(res, 0, 0, out, outsz);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_gate_lock_pair = {
	"gate_lock_pair",
	"SELECT id, name, role, lower(name) = lower($2) AND proto_id IS NULL"
	" FROM characters"
	" WHERE id = $1 OR (lower(name) = lower($2) AND proto_id IS NULL)"
	" ORDER BY id FOR UPDATE", 2, 0
};

/* Lock the actor and the named player in id order; read both roles. */
enum store_rc
store_gate_lock_pair(struct store *s, int64_t me, const char *name,
    struct store_gate_pair *pair)
{
	const char	*p[] = { STORE_NUM(me), name };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;
	int		 n;

	memset(pair, 0, sizeof *pair);
	if ((res = store_exec(s, &st_gate_lock_pair, p)) == NULL)
		return STORE_ERR;
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		int64_t	id = store_get_int(res, i, 0);

		if (id == me)
			store_get_str(res, i, 2, pair->my_role,
			    sizeof pair->my_role);
		if (!store_get_bool(res, i, 3))
			continue;
		pair->them_id = id;
		store_get_str(res, i, 1, pair->them_name,
		    sizeof pair->them_name);
		store_get_str(res, i, 2, pair->them_role,
		    sizeof pair->them_role);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_gate_bad_area = {
	"gate_bad_area",
	"SELECT a FROM unnest(regexp_split_to_array(lower(btrim($1)), ' +'))"
	"  AS a"
	" WHERE NOT EXISTS (SELECT 1 FROM areas WHERE id = a) LIMIT 1", 1, 0
};

/* The first of areas that is not an area. */
enum store_rc
store_gate_bad_area(struct store *s, const char *areas, char *bad)
{
	const char	*p[] = { areas };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_gate_bad_area, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		store_get_str(res, 0, 0, bad, 33);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_gate_set_role = {
	"gate_set_role",
	"UPDATE characters SET role = $2,"
	"  build_areas = regexp_split_to_array(lower(btrim($3)), ' +')"
	" WHERE id = $1", 3, 0
};

/* Set a character's role and build_areas. */
enum store_rc
store_gate_set_role(struct store *s, int64_t id, const char *role,
    const char *areas)
{
	const char	*p[] = { STORE_NUM(id), role, areas };

	return store_exec_changed(s, &st_gate_set_role, p);
}
