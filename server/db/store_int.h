/*
 * store_int.h — what the store_*.c files share: the statement descriptor,
 * the execution helpers, and the one way each of writing a parameter
 * (STORE_NUM, store_arr_*) and reading a column (store_get_*).  Private to
 * server/db/.
 */
#ifndef KEEP_STORE_INT_H
#define KEEP_STORE_INT_H

#include <libpq-fe.h>

#include "db/store.h"

/* The one NOTIFY channel: the listen thread rings it (store_message.c)
 * and listens on it. */
#define STORE_CHANNEL	"keep"

/*
 * The tail of a statement whose data-modifying CTE m writes messages: one
 * row when m wrote one.  It rings nothing: a NOTIFY would take
 * PostgreSQL's database-wide notify lock at COMMIT through the WAL flush,
 * serialising every message-writing transaction.  The store marks a
 * statement that inserts into messages (store.c), and after its COMMIT the
 * listen thread is woken and rings the cluster's bell at most once per
 * message_bell_ms (listen.c; docs/architecture.md, "Messages").
 */
#define NOTIFY_BELL \
	"SELECT 1 WHERE EXISTS (SELECT 1 FROM m)"

#define STORE_MAX_STMTS	512
#define STORE_MAX_PARAMS 16
/* How long past the statement timeout a worker waits for an answer before
 * it takes the network for silent and gives the connection up (ms). */
#define STORE_NET_GRACE_MS 1500

/* A transaction id is at most 20 digits (xid8). */
#define STORE_XID_MAX	24

/*
 * The server's incarnation: it changes when PostgreSQL restarts or
 * reinitialises after a crash (the bgwriter statistics are reset then),
 * the only times a transaction id handed out but never written to WAL can
 * be handed out again.  Taken with the xid, compared when in doubt.
 */
#define STORE_INCARNATION_SQL						\
	"pg_postmaster_start_time()::text || ' ' ||"			\
	" coalesce(pg_stat_get_bgwriter_stat_reset_time()::text, '')"
#define STORE_INCARNATION_MAX	80

/* How a COMMIT went (store_tx.c; COMMIT_NONE: not sent yet). */
enum store_commit {
	COMMIT_NONE,
	COMMIT_DONE,		/* committed */
	COMMIT_REFUSED,		/* the server answered: rolled back */
	COMMIT_UNSENT,		/* the connection was gone before it was sent */
	COMMIT_IN_DOUBT		/* sent (maybe), answer lost */
};

/* Statements a transaction may queue for its next pipeline. */
#define STORE_MAX_QUEUE	8

/*
 * A queued statement (store.c, "Pipelines"): deferred (its answer is only
 * checked: room messages), speculative (sent before the handler asks for
 * it; its answer waits for a store_exec of the same statement with the
 * same parameters) or the statement being run now.
 */
struct store_q {
	struct store_stmt	*st;
	char			*params[STORE_MAX_PARAMS]; /* copies */
	PGresult		*res;		/* its answer, until taken */
	enum { Q_DEFER, Q_SPEC, Q_NOW } kind;
	bool			 sent;
	bool			 taken;
	bool			 writes;	/* a speculative write */
};

/*
 * One connection and the transaction on it.  Only store.c (connections,
 * statements) and store_tx.c (the transaction runner) touch the fields.
 * conn is NULL once a broken connection has been dropped; the next
 * transaction (or, for a pool's store, the next statement) reconnects.
 */
struct store {
	PGconn			*conn;
	char			*url;
	char			*app;
	int			 timeout_ms;
	struct store_gate	*gate;	/* shared by a pool's stores, or NULL */
	bool			 prepared[STORE_MAX_STMTS + 1];
	const char		*begin;	/* BEGIN not sent yet (see store_tx) */
	bool			 want_xid; /* take the xid with BEGIN */
	bool			 in_tx;	/* inside store_tx's function */
	unsigned		 notified; /* messages written by this try */
	char			 xid[STORE_XID_MAX]; /* this write tx's id */
	int			 xid_pid;	/* the backend that holds it */
	char			 incarnation[STORE_INCARNATION_MAX];
	struct store_q		 q[STORE_MAX_QUEUE]; /* the next pipeline */
	int			 nq;
	bool			 commit_next; /* COMMIT rides with it */
	enum store_commit	 commit_sent; /* how a ridden COMMIT went */
	bool			 spec_off; /* this try runs nothing early */
	bool			 spec_miss; /* a guess was wrong: run again */
	char			 error[512];
	char			 sqlstate[6];
};

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
		    const char *const *params) STORE_MUST_CHECK;
/* The first column of the first row as text into out; STORE_NONE if the
 * statement returned no row, STORE_ERR on error. */
enum store_rc	 store_exec_str(struct store *, struct store_stmt *,
		    const char *const *params, char *out, size_t outsz)
		    STORE_MUST_CHECK;
/* Run plain SQL text (no parameters) through the simple protocol. */
bool		 store_exec_simple(struct store *, const char *sql)
		    STORE_MUST_CHECK;
/* Open a connection with keepd's timeouts and keepalives (see store.c);
 * always returns a PGconn, check PQstatus. */
PGconn		*store_connect(const char *url, const char *app);
/* The store's connection, for the LISTEN thread and migrations. */
PGconn		*store_conn(struct store *);
/* Record an error that did not come from a PGresult. */
void		 store_set_error(struct store *, const char *sqlstate,
		    const char *msg);

/* Record the error of a failed result, or of the connection (res NULL). */
void		 store_set_result_error(struct store *, const PGresult *);
/* Close a broken connection; the next transaction opens a new one. */
void		 store_drop(struct store *);
/*
 * PQgetResult that never waits longer than the statement timeout and
 * STORE_NET_GRACE_MS: past that the network is taken to be silent and the
 * connection is shut down, so the call returns an error at once.
 */
PGresult	*store_get_result(struct store *);
/*
 * Whether the last error means the connection was lost (class 08, or the
 * server ending the session: 57P01..57P03), not that a statement failed.
 */
bool		 store_lost(const struct store *) STORE_MUST_CHECK;

/* --- the pool-wide gate (store_gate.c) --- */

/*
 * Whether a store behind g may try to connect now (always without a gate);
 * while the database is down, one store at a time when the probe is due.
 */
bool		 store_gate_enter(struct store_gate *g) STORE_MUST_CHECK;
/* A connection attempt allowed by store_gate_enter ended. */
void		 store_gate_leave(struct store_gate *g, bool connected,
		    const char *error);

/* The in-doubt wait of a store's gate (STORE_IN_DOUBT_MS without one). */
int		 store_gate_in_doubt_ms(const struct store *);
/* Milliseconds until the gate lets this store try to connect again. */
int		 store_gate_wait_ms(const struct store *);
/* Whether the pool is shutting down (in-doubt waits give up). */
bool		 store_gate_stopping(const struct store *) STORE_MUST_CHECK;
/* The fault hook's probability (KEEP_FAULT_COMMIT_DROP), 0 without one. */
double		 store_gate_fault(const struct store *);
/* Count a command answered out-of-reach while the database is down. */
void		 store_gate_answered(const struct store *);

/* Count a round trip (for dbstats). */
void		 store_count_round_trip(void);
/* Round trips to the database so far. */
uint64_t	 store_round_trips_total(void);
/* The query that takes a write transaction's xid and the incarnation. */
extern const char	 store_xid_sql[];
/*
 * Queue a statement to travel in the transaction's next pipeline, its
 * answer only checked there (an error fails the transaction): messages
 * whose result the rules do not need.  Outside a transaction it runs now.
 */
enum store_rc	 store_exec_defer(struct store *, struct store_stmt *,
		    const char *const *params) STORE_MUST_CHECK;
/*
 * Queue a statement the transaction is expected to run next, to travel in
 * its first pipeline (with BEGIN); writes says it changes rows.  Its
 * answer is used only if the transaction then runs the same statement
 * with the same parameters, in the order queued; otherwise the try is
 * rolled back and run again without guesses (store_tx).  A no-op once the
 * first statement went out.
 */
void		 store_exec_spec(struct store *, struct store_stmt *,
		    const char *const *params, bool writes);
/* Whether a COMMIT's first result says it committed (store_tx.c). */
enum store_commit store_commit_verdict(struct store *, PGresult *);
/* Whether the test-only fault hook breaks this COMMIT: 0 no, 1 before
 * sending it, 2 after (store_tx.c). */
int		 store_fault_pick(const struct store *);
/* Break the connection under libpq's feet, as a network fault would. */
void		 store_fault_break(struct store *);
/* Forget the queue and whatever answers in it were not taken. */
void		 store_q_reset(struct store *);
/* Send the queue (and COMMIT when commit_next) now: false on error. */
bool		 store_q_flush(struct store *) STORE_MUST_CHECK;
/* Send a pending BEGIN (and take the xid) on its own; false on error. */
bool		 store_begin_now(struct store *) STORE_MUST_CHECK;

/* Run a statement; every row goes to fn as its columns' text (fn is a
 * store_mod_row_fn; store_mod.c). */
enum store_rc	 store_mod_rows(struct store *, struct store_stmt *,
		    const char *const *params,
		    void (*fn)(void *, const char *const *, int), void *arg)
		    STORE_MUST_CHECK;

/* Copy a text column into a bounded buffer. */
void		 store_get_str(const PGresult *, int row, int col, char *,
		    size_t);
/* Read an integer column (0 for NULL). */
int64_t		 store_get_int(const PGresult *, int row, int col);
/* Read a boolean column (false for NULL). */
bool		 store_get_bool(const PGresult *, int row, int col)
		    STORE_MUST_CHECK;

/*
 * The one way a number becomes a text parameter: decimal, written into
 * buf (STORE_NUM_LEN bytes), which is returned.  STORE_NUM(v) writes into
 * a compound literal that lives until the end of the enclosing block, so
 * it can stand right in a parameter array:
 *	const char *p[] = { STORE_NUM(room), STORE_NUM(id), name };
 */
#define STORE_NUM_LEN	24
const char	*store_num(char *buf, int64_t v);
#define STORE_NUM(v)	store_num((char[STORE_NUM_LEN]){ 0 }, (int64_t)(v))

struct buf;
/*
 * Array parameters ("{1,2,3}", "{head,wield}") are built in a buf:
 * store_arr_open, then store_arr_num or store_arr_text for each element,
 * then store_arr_close, which returns the text (owned by the buf).
 */
void		 store_arr_open(struct buf *);
void		 store_arr_num(struct buf *, int64_t);
void		 store_arr_text(struct buf *, const char *);
const char	*store_arr_close(struct buf *);

/*
 * What follows a CTE "sp" of freshly spawned NPCs (id, proto_id): their
 * gear (npc_proto_gear: equipment first, then inventory, each in its
 * order) as CTEs "gear" and "given" (the items made).  Equipment is worn
 * in its prototype's slot; equipment without a slot, or a second item for
 * a slot already taken, goes into the inventory.  Used by area resets
 * (store_world.c) and spawn (store_proto_world.c).
 */
#define STORE_NPC_GEAR_SQL \
	" gear AS (" \
	"  SELECT sp.id AS carrier, g.item_proto AS item, g.kind = 'inventory'" \
	"   AS inv, g.ord, CASE g.kind WHEN 'equipment' THEN ip.wear_slot END" \
	"   AS slot" \
	"  FROM sp JOIN npc_proto_gear g ON g.npc_proto = sp.proto_id" \
	"  JOIN item_protos ip ON ip.id = g.item_proto)," \
	" given AS (" \
	"  INSERT INTO items (proto_id, carrier_id, worn_slot)" \
	"  SELECT item, carrier, CASE WHEN slot IS NOT NULL AND row_number()" \
	"   OVER (PARTITION BY carrier, slot ORDER BY inv, ord) = 1 THEN slot" \
	"   END" \
	"  FROM gear ORDER BY carrier, inv, ord RETURNING id)"

#endif
