/*
 * store_migrate.c — the bookkeeping of schema migrations.  The migration
 * files themselves are read and checked by migrate.c.
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "ops/log.h"
#include "ops/util.h"

/* Serialises concurrent `keepd migrate` runs against one database. */
#define MIGRATE_LOCK_KEY "4242001"

/* Create the bookkeeping table if missing. */
enum store_rc
store_migrations_init(struct store *s)
{
	if (!store_exec_simple(s,
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version integer PRIMARY KEY,"
	    " name text NOT NULL,"
	    " checksum text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())"))
		return STORE_ERR;
	return STORE_OK;
}

static struct store_stmt st_migrations_lock = {
	"migrations_lock",
	"SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", 0, 0
};

/* Take the migration advisory lock (held until the connection closes). */
enum store_rc
store_migrations_lock(struct store *s)
{
	PGresult	*res = store_exec(s, &st_migrations_lock, NULL);

	if (res == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_migrations_applied = {
	"migrations_applied",
	"SELECT version, name, checksum FROM schema_migrations"
	" ORDER BY version", 0, 0
};

/* Applied migrations in version order; returns the count or -1 on error. */
int
store_migrations_applied(struct store *s, struct store_migration *out,
    int max)
{
	PGresult	*res;
	int		 n;

	/* A database never migrated has no table: that is zero applied. */
	if (store_migrations_init(s) != STORE_OK)
		return -1;
	if ((res = store_exec(s, &st_migrations_applied, NULL)) == NULL)
		return -1;
	n = PQntuples(res);
	for (int i = 0; i < n && i < max; i++) {
		out[i].version = (int)store_get_int(res, i, 0);
		store_get_str(res, i, 1, out[i].name, sizeof out[i].name);
		store_get_str(res, i, 2, out[i].checksum,
		    sizeof out[i].checksum);
	}
	PQclear(res);
	return n;
}

static struct store_stmt st_migration_record = {
	"migration_record",
	"INSERT INTO schema_migrations (version, name, checksum)"
	" VALUES ($1, $2, $3)", 3, 0
};

/* Run a migration's SQL and record it, in one transaction. */
enum store_rc
store_migration_apply(struct store *s, int version, const char *name,
    const char *checksum, const char *sql)
{
	const char	*p[] = { STORE_NUM(version), name, checksum };
	PGresult	*res;

	if (!store_exec_simple(s, "BEGIN"))
		return STORE_ERR;
	/* Migration files are trusted text from the release, not input. */
	if (!store_exec_simple(s, sql))
		goto fail;
	if ((res = store_exec(s, &st_migration_record, p)) == NULL)
		goto fail;
	PQclear(res);
	if (!store_exec_simple(s, "COMMIT"))
		goto fail;
	return STORE_OK;
fail:
	{
		char	state[6], msg[512];

		util_strlcpy(state, store_sqlstate(s), sizeof state);
		util_strlcpy(msg, store_error(s), sizeof msg);
		/* The first error is the one kept; the ROLLBACK's is only
		 * logged. */
		if (!store_exec_simple(s, "ROLLBACK"))
			log_debug("migrate: ROLLBACK: %s", store_error(s));
		store_set_error(s, state, msg);
	}
	return STORE_ERR;
}
