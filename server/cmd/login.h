/*
 * login.h — the login dialog: name, password or new-character questions,
 * with password hashing and checking run on the worker pool.  Each
 * session's dialog state is the login module's own (the session's ud).
 */
#ifndef KEEP_LOGIN_H
#define KEEP_LOGIN_H

#include <stdbool.h>

struct config;
struct pool;
struct session;

/* Wire the dialog to the pool. */
void	login_init(const struct config *, struct pool *, const char *instance);
/* Run password checks and hashing on their own pool from now on. */
void	login_set_hash_pool(struct pool *);
/* Greet a new connection (its dialog starts) and ask for its name. */
void	login_start(struct session *);
/* Whether the session's dialog is over: it plays. */
bool	login_playing(const struct session *);
/* One line typed during the dialog. */
void	login_input(struct session *, const char *line);
/* Ask again what the dialog is waiting for (after a refused line). */
void	login_reprompt(struct session *);
/* The session is going: end its character's session in the database,
 * and free its dialog. */
void	login_end(struct session *);

#endif
