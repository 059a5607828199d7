/*
 * store_int.h — what the store_*.c files share: the statement descriptor and
 * the execution helpers.  Private to server/db/.
 */
#ifndef KEEP_STORE_INT_H
#define KEEP_STORE_INT_H

#include <libpq-fe.h>

#include "db/store.h"

/* The one NOTIFY channel: store_notify.c and store_combat.c send on it,
 * listen.c listens on it. */
#define STORE_CHANNEL	"keep"

#define STORE_MAX_STMTS	256
#define STORE_MAX_PARAMS 16

/* One SQL statement: prepared per connection under its name, counted. */
struct store_stmt {
	const char	*name;
	const char	*sql;
	int		 nparams;
	int		 id;		/* 1-based, assigned at first use */
};

/*
 * Run a prepared statement with text parameters (NULL for SQL NULL).  Returns
 * the result when it succeeded (the caller PQclear()s it); on error records
 * it on the store and returns NULL.
 */
PGresult	*store_exec(struct store *, struct store_stmt *,
		    const char *const *params);
/*
 * Run a statement that changes rows: STORE_OK if it changed at least one,
 * STORE_NONE if none, STORE_ERR on error.
 */
enum store_rc	 store_exec_changed(struct store *, struct store_stmt *,
		    const char *const *params);
/* Run plain SQL text (no parameters) through the simple protocol. */
bool		 store_exec_simple(struct store *, const char *sql);
/* Open a connection with keepd's timeouts and keepalives (see store.c);
 * always returns a PGconn, check PQstatus. */
PGconn		*store_connect(const char *url, const char *app);
/* The store's connection, for the LISTEN thread and migrations. */
PGconn		*store_conn(struct store *);
/* Record an error that did not come from a PGresult. */
void		 store_set_error(struct store *, const char *sqlstate,
		    const char *msg);

/* Copy a text column into a bounded buffer. */
void		 store_get_str(const PGresult *, int row, int col, char *,
		    size_t);
/* Read an integer column (0 for NULL). */
int64_t		 store_get_int(const PGresult *, int row, int col);

#endif
