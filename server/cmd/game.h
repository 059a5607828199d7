/*
 * game.h — what the network layer calls in the game (a new connection, an
 * input line, a prompt again, the end of a session: game_session_cbs, handed
 * to session_listen) and what the LISTEN thread delivers (a committed
 * message).
 */
#ifndef KEEP_GAME_H
#define KEEP_GAME_H

#include <stdbool.h>
#include <stdint.h>

struct config;
struct pool;
struct session;
struct session_cbs;
struct store_message;
struct cmd_screen;

#include <jansson.h>

/* Wire the game to the worker pool and configuration. */
void	game_init(const struct config *, struct pool *, const char *instance);
/*
 * The session callbacks: greet a new connection and ask for a name; run an
 * input line (valid UTF-8, at most 512 bytes; no job in flight) through the
 * login dialog or the dispatcher; prompt again after a refusal; end a
 * session that is going away in the database.
 */
extern const struct session_cbs	game_session_cbs;
/* The GMCP packages the session wants now (enum cmd_gmcp_want bits). */
unsigned	game_gmcp_want(const struct session *);
/*
 * After a committed transaction of a playing session: keep its prompt,
 * apply its colour setting, send its GMCP messages (want: the bits the
 * job was built for), all on the loop.
 */
void	game_screen_done(struct session *, const struct cmd_screen *,
	    unsigned want, json_t *gmcp);
/* Show the session's last computed prompt. */
void	game_prompt(struct session *);
/* The n committed messages of one read of the LISTEN thread: deliver them
 * to local sessions, one prompt per session after all of them. */
void	game_deliver(const struct store_message *, size_t n, void *arg);

#endif
