/*
 * store.h — the persistence facade.  Every SQL statement Keep runs lives
 * behind these functions (in server/db/store_*.c); only this layer includes
 * libpq.  Each statement is prepared once per connection, parameterised, and
 * counted (calls, errors, time) for dbstats and metrics.
 *
 * Store functions return a store_rc: STORE_OK, STORE_NONE when the row asked
 * for does not exist (or a conditional update matched nothing), STORE_ERR on
 * a database error, which is kept on the store for the transaction runner.
 */
#ifndef KEEP_STORE_H
#define KEEP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

/*
 * On every store function that returns a status (enum store_rc, or bool):
 * a call that ignores it, and so an error, is a compile warning.
 */
#define STORE_MUST_CHECK	__attribute__((warn_unused_result))

enum store_rc {
	STORE_OK,
	STORE_NONE,
	STORE_ERR
};

/* What a transaction function tells the runner to do with its transaction. */
enum tx_rc {
	TX_COMMIT,	/* commit, then the caller may report success */
	TX_ROLLBACK,	/* the rules refused: roll back, report the refusal */
	TX_ERROR	/* a store call failed: roll back, maybe retry */
};

/* How a run of store_tx ended. */
enum tx_result {
	TXR_COMMITTED,
	TXR_ROLLED_BACK,
	TXR_FAILED,	/* database error, or retries exhausted */
	TXR_UNAVAILABLE,	/* the database cannot be reached: nothing
				 * was done */
	TXR_ABORTED,	/* the connection failed after COMMIT was sent and
			 * the transaction turned out not to have committed:
			 * nothing changed */
	TXR_IN_DOUBT	/* COMMIT was sent and the database did not come back
			 * in time to tell whether it committed */
};
#define TXR_COUNT	6

/* How long an in-doubt COMMIT is chased without a gate's setting. */
#define STORE_IN_DOUBT_MS	10000

/*
 * What the stores of one pool share: whether the database is reachable,
 * the backoff of connection attempts while it is not, the in-doubt wait,
 * and the test-only fault hook (KEEP_FAULT_COMMIT_DROP).
 */
struct store_gate;

typedef enum tx_rc (*store_tx_fn)(struct store *, void *);

#define STORE_NAME_MAX		16
#define STORE_PROMPT_MAX	80	/* bytes of a prompt format (0020) */
#define STORE_UUID_LEN		36
#define STORE_TITLE_MAX		80
#define STORE_DESC_MAX		4000
#define STORE_LOOK_NAMES	50
#define STORE_LOOK_THINGS	50	/* lines of NPCs, of items */
#define STORE_LOOK_LINE		210	/* "[99] " and a long description */

struct store_char {
	int64_t	 id;
	char	 name[STORE_NAME_MAX + 1];
	char	 role[8];
	int32_t	 room_id;
	int32_t	 hp;
	int32_t	 max_hp;
	int64_t	 coins;
	char	 session_instance[STORE_UUID_LEN + 1];	/* "" when offline */
	int64_t	 session_id;
	int32_t	 level;
	int64_t	 xp;
	int64_t	 fighting_id;	/* 0 when not fighting */
	bool	 npc;		/* an NPC (has a prototype) */
	char	 frozen[32];	/* "" or "until ... UTC" / "until lifted" */
	char	 muted[32];	/* the same for a mute */
	bool	 afk;		/* away (afk; the next command ends it) */
	char	 color[8];	/* "auto", "on" or "off" (0020) */
	char	 prompt[STORE_PROMPT_MAX + 1];	/* "" for the default */
};

struct store_look {
	int32_t	 id;
	char	 title[STORE_TITLE_MAX + 1];
	char	 description[STORE_DESC_MAX + 1];
	char	 exits[64];		/* "north, east" or "" */
	char	 names[STORE_LOOK_NAMES * (STORE_NAME_MAX + 1) + 1];
					/* online others, '\n'-separated */
	int	 others;		/* how many online others in all */
	char	 npcs[STORE_LOOK_THINGS * (STORE_LOOK_LINE + 1) + 1];
					/* NPC long descriptions, '\n'-sep.,
					 * "[2] " before identical ones */
	int	 npc_groups;		/* how many such lines in all */
	char	 items[STORE_LOOK_THINGS * (STORE_LOOK_LINE + 1) + 1];
					/* items on the floor, likewise */
	int	 item_groups;		/* how many such lines in all */
	int64_t	 coins;			/* coins on the floor */
};

/* Per-statement counters, summed over every connection of the process. */
struct store_stat {
	const char	*name;
	uint64_t	 calls;
	uint64_t	 errors;
	uint64_t	 rows;
	uint64_t	 usec;
};

/* Connect; sets statement_timeout and synchronous_commit; NULL on failure. */
struct store	*store_open(const char *url, const char *app, int timeout_ms,
		    char *err, size_t errsz);
/* Close the connection and free the store. */
void		 store_close(struct store *);
/* The last database error's message ("" if none). */
const char	*store_error(const struct store *);
/* The last database error's SQLSTATE ("" if none). */
const char	*store_sqlstate(const struct store *);
/* Whether the connection is still usable. */
bool		 store_connected(const struct store *) STORE_MUST_CHECK;
/*
 * Re-establish a broken connection; prepared statements are redone lazily.
 * With a gate, false at once while the database is down and the next probe
 * is not due yet.
 */
bool		 store_reconnect(struct store *) STORE_MUST_CHECK;
/*
 * Whether the last error was the database being out of reach (a lost
 * connection, or no connection to be had), as opposed to a failed statement.
 */
bool		 store_unavailable(const struct store *) STORE_MUST_CHECK;

/*
 * A gate for the stores of a pool: in_doubt_ms bounds the chase of an
 * in-doubt COMMIT.  Reads KEEP_FAULT_COMMIT_DROP (a test hook) once.
 */
struct store_gate	*store_gate_new(int in_doubt_ms);
/* Put a store behind a gate (the gate outlives the store). */
void		 store_set_gate(struct store *, struct store_gate *);
/* The pool is stopping: in-doubt chases give up at once. */
void		 store_gate_stop(struct store_gate *);
/* Free a gate whose stores are closed. */
void		 store_gate_free(struct store_gate *);
/* Whether the gate holds the database for down (an outage is on). */
bool		 store_gate_down(struct store_gate *) STORE_MUST_CHECK;
/* Let the connection go; the next statement reconnects through the gate. */
void		 store_disconnect(struct store *);

/*
 * Run fn inside BEGIN ... COMMIT (READ ONLY when read_only), retrying on
 * serialization failure, deadlock and a connection lost before COMMIT was
 * sent, up to retries times in all.  fn may run more than once, so it must
 * only touch the database and its own argument.  A COMMIT whose answer was
 * lost is never run again: the runner asks the database whether it
 * committed (TXR_COMMITTED, TXR_ABORTED, or TXR_IN_DOUBT when it cannot
 * tell in time).
 */
enum tx_result	 store_tx(struct store *, bool read_only, int retries,
		    store_tx_fn fn, void *arg);
/* Round trips so far, and transactions by outcome (for dbstats). */
void		 store_totals(uint64_t *round_trips, uint64_t *committed,
		    uint64_t *rolled_back, uint64_t *failed);
/* Transactions answered out-of-reach, in-doubt COMMITs found aborted, and
 * in-doubt COMMITs left unresolved (for dbstats). */
void		 store_fault_totals(uint64_t *unavailable, uint64_t *aborted,
		    uint64_t *in_doubt);
/* How many retries store_tx has made in all (for dbstats). */
uint64_t	 store_tx_retries(void);

/* Copy out up to max statement counters; returns how many there are. */
size_t		 store_stats(struct store_stat *, size_t max);

/* --- server checks and instances (store_meta.c) --- */

/* Whether fsync and synchronous_commit are on; why not in err. */
enum store_rc	 store_check_durability(struct store *, char *err, size_t)
		    STORE_MUST_CHECK;
/* Register this process as a live instance. */
enum store_rc	 store_instance_register(struct store *, const char *id,
		    const char *host, int pid) STORE_MUST_CHECK;
/* Refresh this instance's heartbeat. */
enum store_rc	 store_instance_heartbeat(struct store *, const char *id)
		    STORE_MUST_CHECK;
/* Delete this instance; its sessions end. */
enum store_rc	 store_instance_remove(struct store *, const char *id)
		    STORE_MUST_CHECK;
/*
 * Delete instances whose heartbeat is older than secs, and those on this
 * host whose process is gone (other than self); their sessions end.
 */
enum store_rc	 store_instance_reap(struct store *, int secs,
		    const char *self) STORE_MUST_CHECK;

/* --- the world clock (store_meta.c) --- */

/*
 * Take the cluster-wide ticker lock for this transaction; STORE_NONE when
 * another keepd holds it (then it is that one's turn).
 */
enum store_rc	 store_tick_lock(struct store *) STORE_MUST_CHECK;
/* The names of the periodic tasks that are due (a read, no lock). */
enum store_rc	 store_clock_due(struct store *, char names[][32], int max,
		    int *n) STORE_MUST_CHECK;
/*
 * Claim the periodic task name if it is due, moving it period_ms ahead;
 * STORE_NONE when it is not due.  *runs gets the task's run count.
 */
enum store_rc	 store_clock_claim(struct store *, const char *name,
		    int period_ms, int64_t *runs) STORE_MUST_CHECK;

/* --- characters (store_char.c) --- */

/* Find a character by name (any case); STORE_NONE if there is none. */
enum store_rc	 store_char_by_name(struct store *, const char *name,
		    struct store_char *, char *hash, size_t hashsz)
		    STORE_MUST_CHECK;
/* Load a character by id. */
/*
 * Guesses (store_exec_spec in store_int.h): send the statement of
 * store_char_load, store_char_move, store_room_look or store_notify_say
 * with these parameters in the transaction's first pipeline, before the
 * handler asks for it; a guess not asked for runs the try again without.
 */
void		 store_char_load_spec(struct store *, int64_t id);
void		 store_char_move_spec(struct store *, int64_t id, int32_t from,
		    const char *dir);
void		 store_room_look_spec(struct store *, int32_t room,
		    int64_t viewer);
void		 store_notify_say_spec(struct store *, int32_t room,
		    int64_t except, const char *channel, const char *talker,
		    const char *text, int rate);
/* The same for store_char_who, store_item_inventory, store_item_equipment
 * and store_talk_exits. */
void		 store_char_who_spec(struct store *);
void		 store_char_in_room_spec(struct store *, int32_t room,
		    const char *name);
void		 store_item_inventory_spec(struct store *, int64_t id);
void		 store_item_equipment_spec(struct store *, int64_t id);
void		 store_talk_exits_spec(struct store *, int32_t room);
/*
 * The guesses queued are the whole of this read-only transaction: COMMIT
 * rides in their pipeline (one round trip).
 */
void		 store_spec_commit(struct store *);
/*
 * The next statement is this transaction's last: COMMIT rides in its
 * pipeline (a write's xid was taken in its first).  Nothing may run after.
 */
void		 store_commit_with_next(struct store *);
enum store_rc	 store_char_load(struct store *, int64_t id,
		    struct store_char *) STORE_MUST_CHECK;
/*
 * Create a character in the start room, already in session (instance, sid);
 * STORE_NONE if the name is taken.
 */
enum store_rc	 store_char_create(struct store *, const char *name,
		    const char *hash, const char *instance, int64_t sid,
		    struct store_char *) STORE_MUST_CHECK;
/*
 * Make (instance, sid) the character's session; the previous session, if
 * any, is returned in old_instance/old_sid (old_instance "" if none).
 */
enum store_rc	 store_char_take_session(struct store *, int64_t id,
		    const char *instance, int64_t sid, char *old_instance,
		    int64_t *old_sid) STORE_MUST_CHECK;
/* End the session if it is still (instance, sid); STORE_NONE if not. */
enum store_rc	 store_char_end_session(struct store *, int64_t id,
		    const char *instance, int64_t sid) STORE_MUST_CHECK;
/* Set a character's role; STORE_NONE if there is no such character. */
enum store_rc	 store_char_set_role(struct store *, const char *name,
		    const char *role) STORE_MUST_CHECK;
/* Move a character to the room through an exit; STORE_NONE if no exit. */
enum store_rc	 store_char_move(struct store *, int64_t id, int32_t from,
		    const char *dir, int32_t *to) STORE_MUST_CHECK;
/*
 * Lock two characters in id order and move coins between them.  STORE_NONE
 * when the giver lacks the coins (nothing changes).
 */
enum store_rc	 store_char_transfer_coins(struct store *, int64_t from,
		    int64_t to, int64_t amount, int64_t *from_left)
		    STORE_MUST_CHECK;
/* Find an online character by name in a room; STORE_NONE if not there. */
enum store_rc	 store_char_in_room(struct store *, int32_t room,
		    const char *name, struct store_char *) STORE_MUST_CHECK;
/*
 * who's lines of online characters ("Bob [AFK: lunch] (idle 5m)"),
 * '\n'-separated, sorted by name; count in *n.
 */
enum store_rc	 store_char_who(struct store *, char *out, size_t outsz,
		    int *n) STORE_MUST_CHECK;

/* --- rooms and world (store_room.c) --- */

/* Everything look shows of a room, as seen by a character. */
enum store_rc	 store_room_look(struct store *, int32_t room, int64_t viewer,
		    struct store_look *) STORE_MUST_CHECK;
/* Insert a room unless it exists (update when overwrite). */
enum store_rc	 store_room_upsert(struct store *, int32_t id, const char *area,
		    const char *title, const char *desc, bool start,
		    bool overwrite, bool *created) STORE_MUST_CHECK;
/* Insert an exit unless it exists (update when overwrite). */
enum store_rc	 store_exit_upsert(struct store *, int32_t room,
		    const char *dir, int32_t to, bool overwrite)
		    STORE_MUST_CHECK;
/* Count rooms, and whether a start room exists. */
enum store_rc	 store_world_counts(struct store *, int *rooms, int *exits,
		    bool *has_start) STORE_MUST_CHECK;

/* --- messages to others (store_notify.c, store_message.c) --- */

/* One message row, as a reader gets it. */
struct store_message {
	int64_t	 id;
	char	 kind[8];		/* say, room, char, combat, kick */
	int64_t	*to;			/* recipients (character ids) */
	size_t	 nto;
	char	 kick_instance[STORE_UUID_LEN + 1];	/* kick: "" if not */
	int64_t	 kick_session;
	char	*text;
	char	 channel[8];		/* say, tell, shout, chat, emote, "" */
	char	 talker[STORE_NAME_MAX + 1];	/* who spoke, with channel */
	int64_t	 created_us;	/* created_at, Unix microseconds */
};

/* Tell every online character in a room but one (except; 0 for none). */
enum store_rc	 store_notify_room(struct store *, int32_t room, int64_t except,
		    const char *text) STORE_MUST_CHECK;
/* Tell every online character in a room but two (0 for none). */
enum store_rc	 store_notify_room2(struct store *, int32_t room,
		    int64_t except1, int64_t except2, const char *text)
		    STORE_MUST_CHECK;
/* Tell one character, wherever its session is. */
enum store_rc	 store_notify_char(struct store *, int64_t id, const char *text)
		    STORE_MUST_CHECK;
/* Close a session (on any instance), showing it text first. */
enum store_rc	 store_notify_kick(struct store *, const char *instance,
		    int64_t sid, const char *text) STORE_MUST_CHECK;
/*
 * Say text to everyone online in the room but except, on channel ("say"
 * or "emote") by talker; STORE_NONE (nothing written) when the room
 * already had rate says (emotes included) in the last second.
 */
enum store_rc	 store_notify_say(struct store *, int32_t room, int64_t except,
		    const char *channel, const char *talker, const char *text,
		    int rate) STORE_MUST_CHECK;
/* A reader's cursor (*cursor, a pg_snapshot text) at the current head. */
enum store_rc	 store_message_head(struct store *, char **cursor)
		    STORE_MUST_CHECK;
/*
 * The messages committed since *cursor, each once, in (transaction, id)
 * order; moves *cursor on.  Free *out with store_message_free.
 */
enum store_rc	 store_message_read(struct store *, char **cursor,
		    struct store_message **out, size_t *n) STORE_MUST_CHECK;
/* Free n messages of store_message_read. */
void		 store_message_free(struct store_message *, size_t n);
/* Ring the cluster's bell: one NOTIFY on Keep's channel, in a transaction
 * of its own (outside any other). */
enum store_rc	 store_message_bell(struct store *) STORE_MUST_CHECK;
/* Delete up to batch messages older than retention seconds. */
enum store_rc	 store_message_prune(struct store *, int retention, int batch,
		    int64_t *deleted) STORE_MUST_CHECK;

/* --- migrations (store_migrate.c) --- */

struct store_migration {
	int	 version;
	char	 name[128];
	char	 checksum[65];
};

/* Create the bookkeeping table if missing. */
enum store_rc	 store_migrations_init(struct store *) STORE_MUST_CHECK;
/* Applied migrations in version order; returns count or -1 on error. */
int		 store_migrations_applied(struct store *,
		    struct store_migration *, int max) STORE_MUST_CHECK;
/* Run a migration's SQL and record it, in one transaction. */
enum store_rc	 store_migration_apply(struct store *, int version,
		    const char *name, const char *checksum, const char *sql)
		    STORE_MUST_CHECK;
/* Take the migration advisory lock (blocks until other migrators finish). */
enum store_rc	 store_migrations_lock(struct store *) STORE_MUST_CHECK;

/* Execute a script (tests and tools only); true when it succeeded. */
bool		 store_exec_script(struct store *, const char *sql)
		    STORE_MUST_CHECK;
/* Run one query (tests and tools only); first value of the first row. */
bool		 store_exec_value(struct store *, const char *sql, char *out,
		    size_t outsz) STORE_MUST_CHECK;

#endif
