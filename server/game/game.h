/*
 * game.h — what the network layer calls in the game: a new connection, an
 * input line, the end of a session, and a committed message.
 */
#ifndef KEEP_GAME_H
#define KEEP_GAME_H

#include <stdbool.h>
#include <stdint.h>

struct config;
struct pool;
struct session;
struct store_message;

/* Wire the game to the worker pool and configuration. */
void	game_init(const struct config *, struct pool *, const char *instance);
/* A new connection: greet it and ask for a name. */
void	game_session_start(struct session *);
/* One input line (valid UTF-8, at most 512 bytes) when no job is running. */
void	game_input(struct session *, const char *line);
/* Show the prompt the session is waiting at again (after a refusal). */
void	game_reprompt(struct session *);
/* The session is going away (no job in flight): end it in the database. */
void	game_session_end(struct session *);
/* A committed message from the listener: deliver it to local sessions. */
void	game_deliver(const struct store_message *, void *arg);
/* This process's instance id (a UUID). */
const char *game_instance(void);

#endif
