/*
 * store_ops.c — the cluster-wide shutdown schedule (migration 0015) and the
 * broadcast to everyone online.  The schedule is one row in the database's
 * clock; every keepd's watcher reads it, and the countdown's lines are
 * claimed with a conditional UPDATE so each is written once, to everyone
 * online (mod's wall statement).
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_mod.h"
#include "db/store_ops.h"

/* The countdown marks, in seconds before the shutdown, longest first. */
static const int32_t	store_ops_marks[] = { 300, 60, 30, 10, 5, 4, 3, 2, 1 };

#define SHUTDOWN_COLS \
	"to_char(at AT TIME ZONE 'UTC', 'HH24:MI:SS')," \
	" ceil(extract(epoch FROM at - now()))::integer, by_name, reason"

/* Fill a store_shutdown from the SHUTDOWN_COLS of row 0. */
static void
store_ops_shutdown_fill(const PGresult *res, struct store_shutdown *sd)
{
	store_get_str(res, 0, 0, sd->at, sizeof sd->at);
	sd->left = (int32_t)store_get_int(res, 0, 1);
	store_get_str(res, 0, 2, sd->by, sizeof sd->by);
	store_get_str(res, 0, 3, sd->reason, sizeof sd->reason);
}

/* Run a statement returning at most one SHUTDOWN_COLS row into sd. */
static enum store_rc
store_ops_shutdown_one(struct store *s, struct store_stmt *st,
    const char *const *p, struct store_shutdown *sd)
{
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, st, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		store_ops_shutdown_fill(res, sd);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_shutdown_get = {
	"ops_shutdown_get",
	"SELECT " SHUTDOWN_COLS " FROM shutdown_schedule WHERE at > now()", 0, 0
};

/* The scheduled shutdown; STORE_NONE if none is still to come. */
enum store_rc
store_ops_shutdown_get(struct store *s, struct store_shutdown *sd)
{
	return store_ops_shutdown_one(s, &st_shutdown_get, NULL, sd);
}

static struct store_stmt st_shutdown_soon = {
	"ops_shutdown_soon",
	"SELECT ceil(extract(epoch FROM at - now()))::integer"
	" FROM shutdown_schedule WHERE at > now()"
	" AND at <= now() + make_interval(secs => $1::integer)", 1, 0
};

/* Whether a shutdown comes within secs; *left gets how soon. */
enum store_rc
store_ops_shutdown_soon(struct store *s, int secs, int32_t *left)
{
	const char	*p[] = { STORE_NUM(secs) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_shutdown_soon, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		*left = (int32_t)store_get_int(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_shutdown_set = {
	"ops_shutdown_set",
	"INSERT INTO shutdown_schedule (at, reason, by_name, announced)"
	" VALUES (now() + make_interval(secs => $1::integer), $3, $2, $1)"
	" ON CONFLICT (one) DO UPDATE SET at = EXCLUDED.at,"
	"  reason = EXCLUDED.reason, by_name = EXCLUDED.by_name,"
	"  created = now(), announced = EXCLUDED.announced"
	"  WHERE shutdown_schedule.at <= now()"
	" RETURNING " SHUTDOWN_COLS, 3, 0
};

/* Schedule a shutdown secs from now; STORE_NONE (and *sd) if one is. */
enum store_rc
store_ops_shutdown_set(struct store *s, int secs, const char *by,
    const char *reason, struct store_shutdown *sd)
{
	const char	*p[] = { STORE_NUM(secs), by, reason };
	enum store_rc	 rc;

	rc = store_ops_shutdown_one(s, &st_shutdown_set, p, sd);
	if (rc != STORE_NONE)
		return rc;
	rc = store_ops_shutdown_get(s, sd);
	return rc == STORE_ERR ? STORE_ERR : STORE_NONE;
}

static struct store_stmt st_shutdown_cancel = {
	"ops_shutdown_cancel",
	"DELETE FROM shutdown_schedule WHERE at > now()", 0, 0
};

/* Cancel the scheduled shutdown; STORE_NONE if none is. */
enum store_rc
store_ops_shutdown_cancel(struct store *s)
{
	return store_exec_changed(s, &st_shutdown_cancel, NULL);
}

static struct store_stmt st_shutdown_clear = {
	"ops_shutdown_clear",
	"WITH d AS (DELETE FROM shutdown_schedule WHERE at <= now()"
	"  RETURNING 1)"
	" SELECT now()::text, EXISTS (SELECT 1 FROM d)", 0, 0
};

/* At start-up: delete a past schedule; the database's clock in started. */
enum store_rc
store_ops_shutdown_clear_stale(struct store *s, bool *cleared, char *started,
    size_t startedsz)
{
	PGresult	*res;

	if ((res = store_exec(s, &st_shutdown_clear, NULL)) == NULL)
		return STORE_ERR;
	store_get_str(res, 0, 0, started, startedsz);
	*cleared = store_get_bool(res, 0, 1);
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_shutdown_watch = {
	"ops_shutdown_watch",
	"SELECT ceil(extract(epoch FROM at - now()))::integer, announced,"
	" at >= $1::timestamptz FROM shutdown_schedule", 1, 0
};

static struct store_stmt st_shutdown_claim = {
	"ops_shutdown_claim",
	"UPDATE shutdown_schedule SET announced = $1 WHERE announced > $1"
	" AND at > now()", 1, 0
};

/* The countdown line of a mark into out. */
static void
store_ops_mark_text(int32_t mark, char *out, size_t outsz)
{
	if (mark >= 60)
		snprintf(out, outsz, "*** The game shuts down in %d minute%s."
		    " ***", mark / 60, mark == 60 ? "" : "s");
	else
		snprintf(out, outsz, "*** The game shuts down in %d second%s."
		    " ***", mark, mark == 1 ? "" : "s");
}

/*
 * The watcher's look: how long is left; when the next countdown mark at or
 * above what is left has come and nobody has claimed it, claim and
 * broadcast it.
 */
enum store_rc
store_ops_shutdown_watch(struct store *s, const char *started,
    struct store_shutdown_watch *w)
{
	const char	*p[] = { started };
	PGresult	*res;
	int32_t		 announced, mark = 0;
	char		 text[96];
	enum store_rc	 rc;

	memset(w, 0, sizeof *w);
	if ((res = store_exec(s, &st_shutdown_watch, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return STORE_OK;
	}
	w->scheduled = true;
	w->left = (int32_t)store_get_int(res, 0, 0);
	announced = (int32_t)store_get_int(res, 0, 1);
	w->mine = store_get_bool(res, 0, 2);
	PQclear(res);
	for (size_t i = 0; i < sizeof store_ops_marks /
	    sizeof store_ops_marks[0]; i++) {
		if (store_ops_marks[i] >= w->left &&
		    store_ops_marks[i] < announced)
			mark = store_ops_marks[i];
	}
	if (w->left <= 0 || mark == 0)
		return STORE_OK;
	{
		const char	*q[] = { STORE_NUM(mark) };

		rc = store_exec_changed(s, &st_shutdown_claim, q);
	}
	if (rc != STORE_OK)
		return rc == STORE_NONE ? STORE_OK : rc;
	store_ops_mark_text(mark, text, sizeof text);
	if (store_mod_wall(s, text) != STORE_OK)
		return STORE_ERR;
	w->announced = mark;
	return STORE_OK;
}
