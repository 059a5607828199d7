/*
 * migrate.h — schema migrations: db/migrations/NNNN_name.sql, applied in
 * order, each in its own transaction, recorded with a SHA-256 checksum.
 */
#ifndef KEEP_MIGRATE_H
#define KEEP_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

struct store;

/* Apply pending migrations from dir; refuses if an applied one was edited. */
bool	migrate_apply(struct store *, const char *dir, char *err,
	    size_t errsz) __attribute__((warn_unused_result));
/* Whether the database is exactly up to date with dir; err says why not. */
bool	migrate_check(struct store *, const char *dir, char *err,
	    size_t errsz) __attribute__((warn_unused_result));

#endif
