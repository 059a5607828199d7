/*
 * login.h — the login dialog: name, password or new-character questions,
 * with password hashing and checking run on the worker pool.
 */
#ifndef KEEP_LOGIN_H
#define KEEP_LOGIN_H

struct config;
struct pool;
struct session;

/* Wire the dialog to the pool. */
void	login_init(const struct config *, struct pool *, const char *instance);
/* Run password checks and hashing on their own pool from now on. */
void	login_set_hash_pool(struct pool *);
/* Greet a new connection and ask for its name. */
void	login_start(struct session *);
/* One line typed during the dialog. */
void	login_input(struct session *, const char *line);
/* Ask again what the dialog is waiting for (after a refused line). */
void	login_reprompt(struct session *);
/* The session is going: end its character's session in the database. */
void	login_end(struct session *);

#endif
