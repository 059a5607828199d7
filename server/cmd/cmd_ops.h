/*
 * cmd_ops.h — the ops commands of issue 9 (docs/admin.md): set,
 * restore, transfer and the cluster-wide shutdown, and the watcher that
 * every keepd runs for the shutdown schedule.
 */
#ifndef KEEP_CMD_OPS_H
#define KEEP_CMD_OPS_H

#include "cmd/cmd.h"
#include "db/pool.h"

struct event_base;

/* cmd_ops.c */
enum tx_rc	cmd_set(struct cmd_ctx *, const char *);
enum tx_rc	cmd_restore(struct cmd_ctx *, const char *);
enum tx_rc	cmd_transfer(struct cmd_ctx *, const char *);
/* cmd_ops_shutdown.c */
enum tx_rc	cmd_shutdown(struct cmd_ctx *, const char *);

/* What a player reads as the game stops at a scheduled shutdown. */
#define OPS_SHUTDOWN_GOODBYE	"\n*** The game is shutting down now. Your " \
				"character is saved. Goodbye. ***\n"

/*
 * A login in the last minute before a scheduled shutdown: STORE_OK with
 * the refusal in why, STORE_NONE when the login may go on.
 */
enum store_rc	ops_shutdown_login_refusal(struct store *, char *why,
		    size_t whysz);
/*
 * At start-up, on a blocking store: clear a schedule whose time has passed
 * (a restart must not shut down again) and remember the database's clock.
 */
bool		ops_shutdown_preflight(struct store *);
/*
 * Watch the schedule twice a second on the pool; when its time comes,
 * call fire(arg) once on the loop thread.
 */
void		ops_shutdown_watch_start(struct event_base *, struct pool *,
		    void (*fire)(void *), void *arg);
/* Stop watching (the process is stopping). */
void		ops_shutdown_watch_stop(void);

#endif
