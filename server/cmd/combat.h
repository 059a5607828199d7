/*
 * combat.h — the combat engine the world ticks (combat.c) and the combat
 * commands (cmd_combat.c) share.  A batch loads fighters locked, strikes
 * blows in memory with the pure rules, and finishes with a fixed number of
 * set-based statements: all damage and fight changes in one UPDATE, all
 * deaths together, experience, then every message in one notification
 * statement.  Lines for the actor of a command go to its reply instead.
 */
#ifndef KEEP_COMBAT_H
#define KEEP_COMBAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/store_combat.h"
#include "game/rules_combat.h"
#include "ops/buf.h"

#define COMBAT_NONE	((size_t)-1)

struct combat {
	struct store		*store;
	int64_t			 actor;		/* 0 in ticks */
	struct buf		*out;		/* the actor's reply */
	struct rules_combat_rng	 rng;

	struct store_fighter	*f;		/* loaded, in id order */
	size_t			 nf;
	int32_t			*dmg;		/* per fighter, this batch */
	int64_t			*fight;		/* 0 keep, -1 stop, else id */
	size_t			*striker;	/* who hurt it last */
	int32_t			*kills;		/* kills made this batch */
	bool			*dead;

	struct store_combat_msg	*msg;		/* the outbox */
	size_t			 nmsg;
	size_t			 capmsg;
};

/* Start a batch; lines for actor (0: none) are added to out. */
void		combat_init(struct combat *, struct store *, int64_t actor,
		    struct buf *out);
/* Free the batch. */
void		combat_free(struct combat *);
/* Load (and lock) every fighter in the world. */
enum store_rc	combat_load_fights(struct combat *);
/* Load (and lock) the given characters. */
enum store_rc	combat_load(struct combat *, const int64_t *ids, size_t n);
/* A loaded fighter's index, or COMBAT_NONE. */
size_t		combat_index(const struct combat *, int64_t id);
/* Fighter i starts fighting id, or stops (id -1). */
void		combat_set_fight(struct combat *, size_t i, int64_t id);
/* Fighter a attacks fighter b once: rules, damage, messages. */
void		combat_strike(struct combat *, size_t a, size_t b);
/* Queue a line for one character. */
void		combat_tell(struct combat *, int64_t to, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* Queue a line for a room, but not for ex1 and ex2 (0 for none). */
void		combat_tell_room(struct combat *, int32_t room, int64_t ex1,
		    int64_t ex2, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
/* Write everything: damage, deaths, experience, messages. */
enum store_rc	combat_finish(struct combat *);


#endif
