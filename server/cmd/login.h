/*
 * login.h — the login dialog: name, password or new-character questions,
 * with password hashing and checking run on the worker pool.  Each
 * session's dialog state is the login module's own (the session's ud).
 */
#ifndef KEEP_LOGIN_H
#define KEEP_LOGIN_H

#include <stdbool.h>

#include "cmd/cmd.h"

struct config;
struct pool;
struct session;
struct store;
struct store_char;

/* Wire the dialog to the pool. */
void	login_init(const struct config *, struct pool *, const char *instance);
/* Run password checks and hashing on their own pool from now on. */
void	login_set_hash_pool(struct pool *);
/*
 * Another door's password check (the dashboard's sign-in), the dialog's
 * own: the lock, Argon2id, failures counted and recorded per character
 * and address.  Run it on a login worker.  name is normalised, password
 * valid UTF-8.  1: right (the character in *ch); 0: wrong, unknown,
 * locked, banned or too long; -1: the database failed or is out of reach.
 */
int	login_check_password(struct store *, const char *name,
	    const char *addr, const char *password, struct store_char *ch);
/* Greet a new connection (its dialog starts) and ask for its name. */
void	login_start(struct session *);
/* Whether the session's dialog is over: it plays. */
bool	login_playing(const struct session *);
/*
 * The role (enum role) the session's last command read in its
 * transaction: only for looking the next word up; cmd_run checks the
 * role from the row every time.
 */
int	login_role(const struct session *);
void	login_set_role(struct session *, int role);
/*
 * What the screen keeps of a playing session, on the loop (game.c): the
 * last prompt computed (shown again after an unasked message), the room
 * of the last Room.Info and the last Char.Vitals and Char.Status sent (a
 * repeat is not sent again).
 */
struct login_screen {
	char	 prompt[CMD_PROMPT_OUT];	/* "" before the first */
	int32_t	 room;
	int32_t	 guess_room;	/* where the last command left the actor */
	char	 guess_name[STORE_NAME_MAX + 1];	/* and its name */
	json_t	*vitals;
	json_t	*status;
};
/* The session's screen state, or NULL (no dialog). */
struct login_screen	*login_screen(const struct session *);
/* One line typed during the dialog. */
void	login_input(struct session *, const char *line);
/* Ask again what the dialog is waiting for (after a refused line). */
void	login_reprompt(struct session *);
/* The session is going: end its character's session in the database,
 * and free its dialog. */
void	login_end(struct session *);

#endif
