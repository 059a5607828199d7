/*
 * cmd_util.h — the one mapping from a store call's outcome to a handler's:
 * STORE_ERR is always TX_ERROR (roll back, maybe retry); STORE_NONE is a
 * refusal the player reads, and the transaction rolls back.
 */
#ifndef KEEP_CMD_UTIL_H
#define KEEP_CMD_UTIL_H

#include "cmd/cmd.h"

/*
 * A store call's outcome as a transaction's: STORE_OK commits, STORE_NONE
 * rolls back, STORE_ERR is TX_ERROR.
 */
enum tx_rc	cmd_tx_rc(enum store_rc);
/*
 * The answer of a handler whose store call did not find what it needed
 * (rc is not STORE_OK): STORE_ERR is TX_ERROR; STORE_NONE writes why (a
 * format for one line, without its newline) and is TX_ROLLBACK.
 */
enum tx_rc	cmd_refuse_rc(struct cmd_ctx *, enum store_rc, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
/*
 * True when the actor is muted: the refusal is written (say, wiznet and
 * wall all answer alike) and the handler returns TX_ROLLBACK.
 */
bool		cmd_muted(struct cmd_ctx *);
/* Take the next space-separated word of *s into w; false if none. */
bool		cmd_word(const char **s, char *w, size_t wsz);

#endif
