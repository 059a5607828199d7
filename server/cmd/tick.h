/*
 * tick.h — periodic world work: combat rounds, NPC behaviour, area resets,
 * decay, pruning old messages.  Each task runs as a transaction on the
 * worker pool, under a cluster-wide advisory lock and a world_clock row, so
 * one keepd of a cluster runs it, once per period.
 */
#ifndef KEEP_TICK_H
#define KEEP_TICK_H

#include "db/store.h"

struct event_base;
struct pool;
struct config;

/* The tasks' names (static) into names, at most max; *n how many. */
void	tick_task_names(const char **names, size_t max, size_t *n);
/* Start the tick timer on the loop. */
void	tick_start(struct event_base *, struct pool *, const struct config *);
/* Stop queueing ticks (shutdown). */
void	tick_stop(void);

/* The tasks, each a transaction body run when due (in their own files). */
enum tx_rc	combat_round_tx(struct store *, void *);	/* combat.c */
enum tx_rc	npc_tick_tx(struct store *, void *);		/* combat.c */
enum tx_rc	decay_tick_tx(struct store *, void *);		/* combat.c */
enum tx_rc	reset_tick_tx(struct store *, void *);		/* reset.c */
enum tx_rc	message_prune_tx(struct store *, void *);	/* tick.c */

#endif
