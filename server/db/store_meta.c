/*
 * store_meta.c — checks on the database server, the instances table, and
 * the world clock (the ticker lock and world_clock).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db/store_int.h"
#include "ops/log.h"

static struct store_stmt st_durability = {
	"durability",
	"SELECT (SELECT reset_val FROM pg_settings WHERE name = 'fsync'),"
	" (SELECT reset_val FROM pg_settings"
	"  WHERE name = 'synchronous_commit')", 0, 0
};

/*
 * Whether fsync and synchronous_commit are on.  An acknowledgement after
 * COMMIT means nothing if the commit can sit unflushed.  reset_val is the
 * server's (or database's, or role's) setting, not this connection's, which
 * store_setup forces on anyway.
 */
enum store_rc
store_check_durability(struct store *s, char *err, size_t errsz)
{
	PGresult	*res;
	const char	*fsync, *sync;
	enum store_rc	 rc = STORE_OK;

	if ((res = store_exec(s, &st_durability, NULL)) == NULL) {
		snprintf(err, errsz, "%s", store_error(s));
		return STORE_ERR;
	}
	fsync = PQgetvalue(res, 0, 0);
	sync = PQgetvalue(res, 0, 1);
	if (strcmp(fsync, "on") != 0) {
		snprintf(err, errsz, "the database runs with fsync = %s; "
		    "keepd needs fsync = on", fsync);
		rc = STORE_NONE;
	} else if (strcmp(sync, "off") == 0) {
		snprintf(err, errsz, "the database runs with synchronous_commit"
		    " = %s; keepd needs it on", sync);
		rc = STORE_NONE;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_instance_register = {
	"instance_register",
	"INSERT INTO instances (id, host, pid) VALUES ($1, $2, $3)", 3, 0
};

/* Register this process as a live instance. */
enum store_rc
store_instance_register(struct store *s, const char *id, const char *host,
    int pid)
{
	const char	*p[] = { id, host, STORE_NUM(pid) };
	PGresult	*res;

	if ((res = store_exec(s, &st_instance_register, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_instance_heartbeat = {
	"instance_heartbeat",
	"UPDATE instances SET seen_at = now() WHERE id = $1", 1, 0
};

/* Refresh this instance's heartbeat; STORE_NONE if it was reaped. */
enum store_rc
store_instance_heartbeat(struct store *s, const char *id)
{
	const char	*p[] = { id };

	return store_exec_changed(s, &st_instance_heartbeat, p);
}

/* What a removed instance was, and how many sessions it still held. */
#define INSTANCE_GONE " RETURNING i.id, i.host, i.pid, (SELECT count(*)" \
	" FROM characters c WHERE c.session_instance = i.id)"

static struct store_stmt st_instance_remove = {
	"instance_remove",
	"DELETE FROM instances i WHERE id = $1" INSTANCE_GONE, 1, 0
};

/*
 * Log the instances a reap removed (their sessions end with them, ON
 * DELETE SET NULL, so their players no longer show in who and can log in
 * anywhere), then free res.
 */
static void
store_instance_log_reaped(PGresult *res, const char *why)
{
	for (int i = 0; i < PQntuples(res); i++)
		log_info("instance %s (host %s, pid %s) reaped: %s; "
		    "sessions ended: %lld", PQgetvalue(res, i, 0),
		    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), why,
		    (long long)store_get_int(res, i, 3));
	PQclear(res);
}

/* Delete this instance; its sessions end (ON DELETE SET NULL). */
enum store_rc
store_instance_remove(struct store *s, const char *id)
{
	const char	*p[] = { id };
	PGresult	*res;

	if ((res = store_exec(s, &st_instance_remove, p)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_instance_reap = {
	"instance_reap",
	"DELETE FROM instances i"
	" WHERE seen_at < now() - make_interval(secs => $1::int)"
	INSTANCE_GONE, 1, 0
};

static struct store_stmt st_instance_on_host = {
	"instance_on_host",
	"SELECT id, pid FROM instances WHERE host = $1", 1, 0
};

/* Delete instances silent for over secs, and dead ones on this host. */
enum store_rc
store_instance_reap(struct store *s, int secs, const char *self)
{
	char		 host[256];
	const char	*p[] = { STORE_NUM(secs) };
	const char	*hp[] = { host };
	PGresult	*res, *del;

	if ((res = store_exec(s, &st_instance_reap, p)) == NULL)
		return STORE_ERR;
	store_instance_log_reaped(res, "no heartbeat");
	/*
	 * An instance on this host whose process is gone (kill -9, a container
	 * restart that reused the pid) is dead now, not in secs.
	 */
	if (gethostname(host, sizeof host) != 0)
		return STORE_OK;
	host[sizeof host - 1] = '\0';
	if ((res = store_exec(s, &st_instance_on_host, hp)) == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res); i++) {
		pid_t		 pid = (pid_t)store_get_int(res, i, 1);
		const char	*dp[] = { PQgetvalue(res, i, 0) };

		if (strcmp(dp[0], self) == 0)
			continue;
		if (pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM))
			continue;
		if ((del = store_exec(s, &st_instance_remove, dp)) == NULL) {
			PQclear(res);
			return STORE_ERR;
		}
		store_instance_log_reaped(del, "its process is gone");
	}
	PQclear(res);
	return STORE_OK;
}

/* The advisory lock that elects one ticker for the whole cluster. */
#define TICK_LOCK_KEY "4242002"

static struct store_stmt st_tick_lock = {
	"tick_lock",
	"SELECT pg_try_advisory_xact_lock(" TICK_LOCK_KEY ")", 0, 0
};

/* Take the cluster-wide ticker lock for this transaction. */
enum store_rc
store_tick_lock(struct store *s)
{
	PGresult	*res = store_exec(s, &st_tick_lock, NULL);
	enum store_rc	 rc;

	if (res == NULL)
		return STORE_ERR;
	rc = store_get_bool(res, 0, 0) ? STORE_OK : STORE_NONE;
	PQclear(res);
	return rc;
}

/*
 * The row lock and the next_at condition make a task run once per period
 * even if two tickers raced past the advisory lock.
 */
static struct store_stmt st_clock_claim = {
	"clock_claim",
	"UPDATE world_clock SET runs = runs + 1,"
	"  next_at = now() + make_interval(secs => $2::int / 1000.0)"
	" WHERE name = $1 AND next_at <= now() RETURNING runs", 2, 0
};

/* Claim a periodic task if it is due. */
enum store_rc
store_clock_claim(struct store *s, const char *name, int period_ms,
    int64_t *runs)
{
	const char	*p[] = { name, STORE_NUM(period_ms) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_clock_claim, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		*runs = store_get_int(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_clock_due = {
	"clock_due",
	"SELECT name FROM world_clock WHERE next_at <= now()", 0, 0
};

/* Whether the periodic task name is due, from a list read once per poll. */
enum store_rc
store_clock_due(struct store *s, char names[][32], int max, int *n)
{
	PGresult	*res;

	if ((res = store_exec(s, &st_clock_due, NULL)) == NULL)
		return STORE_ERR;
	*n = 0;
	for (int i = 0; i < PQntuples(res) && *n < max; i++)
		store_get_str(res, i, 0, names[(*n)++], 32);
	PQclear(res);
	return STORE_OK;
}
