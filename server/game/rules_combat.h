/*
 * rules_combat.h — the numbers of combat, as plain functions: who hits, how
 * hard, how much experience a kill is worth, when a level is reached, how
 * likely a flight succeeds, how a fight looks beforehand.  No database, no
 * globals: every function takes numbers (and a PRNG it is handed) and
 * returns a verdict, so the rules are unit-tested on their own.
 */
#ifndef KEEP_RULES_COMBAT_H
#define KEEP_RULES_COMBAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RULES_COMBAT_MAX_LEVEL	100
#define RULES_COMBAT_HP_PER_LEVEL 10	/* max_hp gained per level */
#define RULES_COMBAT_WANDER_PCT	33	/* chance a wanderer moves per tick */
#define RULES_COMBAT_BARE_MIN	1	/* a player's bare-handed damage */
#define RULES_COMBAT_BARE_MAX	3

/* A small deterministic PRNG (xorshift64*), seeded by the caller. */
struct rules_combat_rng {
	uint64_t	state;
};

/* One side of an exchange: what the rules need to know about a fighter. */
struct rules_combat_side {
	int32_t	level;
	int32_t	hp;
	int32_t	max_hp;
	int32_t	dam_min;	/* weapon's, or the NPC's, or bare hands */
	int32_t	dam_max;
	int32_t	armor;		/* sum over worn items (and the NPC's own) */
};

/* The outcome of one attack. */
struct rules_combat_blow {
	bool	hit;
	int32_t	damage;		/* 0 on a miss */
};

/* How a blow reads: "You hit the goblin hard." / "The goblin hits you hard." */
struct rules_combat_words {
	const char	*you;		/* second person verb: "hit" */
	const char	*they;		/* third person verb: "hits" */
	const char	*how;		/* "" or " hard" */
};

/* Seed the PRNG (any value; 0 is remapped). */
void		rules_combat_rng_seed(struct rules_combat_rng *, uint64_t seed);
/* The next 64 random bits. */
uint64_t	rules_combat_rng_next(struct rules_combat_rng *);
/* A uniform integer in [lo, hi] (hi < lo gives lo). */
int32_t		rules_combat_rng_range(struct rules_combat_rng *, int32_t lo,
		    int32_t hi);

/* Percent chance (5..100) that an attacker hits a defender. */
int		rules_combat_hit_chance(const struct rules_combat_side *att,
		    const struct rules_combat_side *def);
/*
 * Damage of a hit whose weapon roll was roll (in [dam_min, dam_max]): the
 * roll plus a level bonus, less the defender's armor; 0 means it glanced
 * off (a miss).
 */
int32_t		rules_combat_damage(const struct rules_combat_side *att,
		    const struct rules_combat_side *def, int32_t roll);
/* One attack with rolls taken from rng. */
struct rules_combat_blow rules_combat_attack(
		    const struct rules_combat_side *att,
		    const struct rules_combat_side *def,
		    struct rules_combat_rng *);
/* How a hit of damage against a defender of max_hp reads. */
struct rules_combat_words rules_combat_describe(int32_t damage,
		    int32_t max_hp);

/* Total experience needed to be level (level 1 needs 0). */
int64_t		rules_combat_xp_for_level(int level);
/* The level xp earns, never below current nor above the maximum. */
int		rules_combat_level_for_xp(int64_t xp, int current);
/* Experience for killing a victim of victim_level at killer_level. */
int64_t		rules_combat_kill_xp(int killer_level, int victim_level);
/* max_hp gained going from level old to level new. */
int32_t		rules_combat_hp_gain(int old_level, int new_level);

/* Percent chance (10..90) that fleeing from an opponent works. */
int		rules_combat_flee_chance(int my_level, int their_level);
/* Experience lost by fleeing; never enough to lose a level. */
int64_t		rules_combat_flee_loss(int level, int64_t xp);

/* consider: the verdict on fighting someone of their_level. */
const char	*rules_combat_consider(int my_level, int their_level);

#endif
