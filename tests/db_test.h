/*
 * db_test.h — what the database-tier tests share: fixtures made with SQL
 * (private rooms from 900000 up, characters online on the test's own
 * instance, NPCs, items), running a command through cmd_run as the
 * dispatcher does, and a LISTEN connection that reads the notifications.
 */
#ifndef KEEP_DB_TEST_H
#define KEEP_DB_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "db/store.h"
#include "cmd/cmd.h"

/* A store with a registered instance for the test's players. */
struct world {
	struct store	*s;
	char		 inst[STORE_UUID_LEN + 1];
};

/* What running one command gave. */
struct run {
	const char		*cmd;	/* its name (NULL: show room show) */
	const struct cmd_entry	*row;	/* if set: this row, not cmd's */
	const char		*args;
	int32_t			 show;
	int64_t			 id;	/* the character ... */
	char			 inst[STORE_UUID_LEN + 1]; /* ... and the */
	int64_t			 sid;	/* session that runs it */
	enum tx_rc		 rc;	/* how the handler ended, by result */
	enum tx_result		 result;
	bool			 close;	/* the session is to be closed */
	char			 out[16384];
	char			 gmcp[8192];	/* the GMCP queued, as compact
						 * JSON [[package, body], ...]
						 * ("" for none) */
	char			 prompt[CMD_PROMPT_OUT];	/* as computed,
						 * with its colour markup */
	char			 color[8];	/* the stored setting */
	int32_t			 guess_room;	/* the call's guesses, as the */
	const char		*guess_name;	/* session would pass them */
};
/*
 * The GMCP packages run_call builds (enum cmd_gmcp_want; 0 by default:
 * what a plain client gets).  out is always without colour markup, as a
 * client without colour sees it.
 */
extern unsigned	run_gmcp_want;

/* A random version-4 UUID. */
void		 rand_uuid(char out[STORE_UUID_LEN + 1]);
/* Open a store and register a fresh instance for the test's sessions. */
void		 world_open(struct world *);
/* Close the store of world_open. */
void		 world_close(struct world *);
/* Create an online character named prefix..., in room (0: the start). */
void		 new_char(struct world *, const char *prefix, int32_t room,
		    struct store_char *);
/* Make sure an area of that id exists (its resets never due). */
void		 test_area(const char *area);
/* Create a room of area in the private range with the store; its id. */
int32_t		 new_area_room(struct store *, const char *area,
		    const char *title, const char *description);
/* Create a room of "testarea" in the private range; its id. */
int32_t		 new_room(struct store *, const char *title);
/* Insert a room of area in the private range with SQL; its id. */
int32_t		 sql_room(const char *area, const char *title,
		    const char *description);
/* The combat tests' area "cmbtest" and cmb_* prototypes (idempotent). */
void		 combat_fixtures(void);
/* Place an NPC of proto in room as a reset would, with its coins; its id. */
int64_t		 new_npc(const char *proto, int32_t room);
/* Place an NPC of proto in room with coins (< 0: the prototype's); its id. */
int64_t		 new_npc_coins(const char *proto, int32_t room,
		    long long coins);
/* An item of proto carried by who (worn on slot unless NULL); its id. */
int64_t		 item_on(const char *proto, int64_t who, const char *slot);
/* Give a character n new items of proto. */
void		 give_items(int64_t who, const char *proto, int n);
/* A character's coins, read on another connection. */
long long	 coins_of(int64_t id);

/* The command row called name (exactly), or fail. */
const struct cmd_entry *run_row(const char *name);
/*
 * Run r->cmd (or r->row) with r->args for character r->id as session
 * r->inst, r->sid through cmd_run, as the dispatcher does; no check (safe
 * on a thread).
 */
enum tx_result	 run_call(struct store *, struct run *r, int retries);
/* Run the command cmd for character id as its own session into r. */
void		 run(struct store *, int64_t id, const char *cmd,
		    const char *args, struct run *r);
/* Run cmd_show_room(room) for character id in one transaction into r. */
void		 run_show(struct store *, int64_t id, int32_t room,
		    struct run *r);
/* Run cmd, check its whole reply and the result; the handler's tx_rc. */
enum tx_rc	 run_want(struct store *, int64_t id, const char *cmd,
		    const char *args, const char *want, enum tx_result result);

/* A connection listening on the keep channel. */
PGconn		*listen_open(void);
/* A message as JSON: {"to": [ids], "text"} or {"kick": {"instance",
 * "session"}, "text"}, with its "kind" and "id". */
json_t		*message_json(const struct store_message *);
/* The next message (read from the table on each bell) as JSON, or NULL
 * when none comes within ms. */
json_t		*listen_next(PGconn *, int ms);
/* The payload's text, or "". */
const char	*payload_text(json_t *);
/* Wait up to ms for the payload whose text is text; NULL if none came. */
json_t		*listen_expect(PGconn *, const char *text, int ms);
/* Whether the payload's "to" holds id. */
bool		 payload_to(json_t *, int64_t id);
/* Whether the payload's "to" holds exactly the n ids, in any order. */
bool		 payload_to_is(json_t *, const int64_t *ids, size_t n);
/* Wait 5 s for the payload text to exactly the n ids, or fail. */
void		 expect_notify(PGconn *, const char *text, const int64_t *ids,
		    size_t n);
/* Wait 5 s for a payload to id containing needle (into got), or fail. */
void		 expect_to(PGconn *, int64_t id, const char *needle, char *got,
		    size_t gotsz);

/* What the gate answers to word for role: the unknown-word answer. */
const char	*huh_of(const char *word, enum role role);

#endif
