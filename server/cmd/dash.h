/*
 * dash.h — the admin dashboard on the HTTP port (docs/dashboard.md):
 * sign-in with an admin or owner character's password, a session cookie
 * whose token's hash is in the database, CSRF tokens on every form, the
 * pages and their JSON, and a live event stream of committed messages.
 */
#ifndef KEEP_DASH_H
#define KEEP_DASH_H

struct config;
struct event_base;
struct pool;
struct store_message;

/*
 * Serve the dashboard: load cfg's web_dir and register its routes (a
 * no-op when the HTTP port is off).  Reads go to pool, password checks
 * to login_pool.
 */
void	dash_start(struct event_base *, const struct config *, struct pool *,
	    struct pool *login_pool);
/* A committed message (from game_deliver): to the event stream. */
void	dash_event(const struct store_message *);
/* The loop has stopped: free what dash_start made. */
void	dash_stop(void);

#endif
