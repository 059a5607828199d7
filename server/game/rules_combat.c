/*
 * rules_combat.c — the numbers of combat.  Pure functions: see
 * rules_combat.h and docs/commands.md (Combat) for the formulas in words.
 */
#include <stddef.h>

#include "game/rules_combat.h"

/* Clamp v into [lo, hi]. */
static int64_t
rules_combat_clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Seed the PRNG (any value; 0 is remapped, xorshift must not be 0). */
void
rules_combat_rng_seed(struct rules_combat_rng *r, uint64_t seed)
{
	/* splitmix64 once, so nearby seeds give unrelated streams. */
	seed += 0x9e3779b97f4a7c15ULL;
	seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ULL;
	seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebULL;
	seed ^= seed >> 31;
	r->state = seed != 0 ? seed : 0x2545f4914f6cdd1dULL;
}

/* The next 64 random bits (xorshift64*). */
uint64_t
rules_combat_rng_next(struct rules_combat_rng *r)
{
	uint64_t	x = r->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* A uniform integer in [lo, hi] (hi < lo gives lo). */
int32_t
rules_combat_rng_range(struct rules_combat_rng *r, int32_t lo, int32_t hi)
{
	uint64_t	span;

	if (hi <= lo)
		return lo;
	span = (uint64_t)((int64_t)hi - lo) + 1;
	return (int32_t)(lo + (int64_t)(rules_combat_rng_next(r) % span));
}

/*
 * 70% between equals, 5% more per level of advantage, less a quarter of
 * the defender's armor; never below 5%, and a sure thing at a large
 * advantage.
 */
int
rules_combat_hit_chance(const struct rules_combat_side *att,
    const struct rules_combat_side *def)
{
	int64_t	pct = 70 + 5 * ((int64_t)att->level - def->level) -
		    def->armor / 4;

	return (int)rules_combat_clamp(pct, 5, 100);
}

/*
 * The roll plus a tenth of the attacker's level, less the defender's
 * armor in percent (at most 75%), rounded.
 */
int32_t
rules_combat_damage(const struct rules_combat_side *att,
    const struct rules_combat_side *def, int32_t roll)
{
	int64_t	raw = (int64_t)roll + att->level / 10;
	int64_t	cut = rules_combat_clamp(def->armor, 0, 75);

	if (raw <= 0)
		return 0;
	return (int32_t)((raw * (100 - cut) + 50) / 100);
}

/* One attack: roll to hit, then roll the weapon. */
struct rules_combat_blow
rules_combat_attack(const struct rules_combat_side *att,
    const struct rules_combat_side *def, struct rules_combat_rng *rng)
{
	struct rules_combat_blow	b = { false, 0 };
	int32_t				roll;

	if (rules_combat_rng_range(rng, 1, 100) >
	    rules_combat_hit_chance(att, def))
		return b;
	roll = rules_combat_rng_range(rng, att->dam_min, att->dam_max);
	b.damage = rules_combat_damage(att, def, roll);
	b.hit = b.damage > 0;
	return b;
}

/* How a hit reads, by the share of the defender's max_hp it takes. */
struct rules_combat_words
rules_combat_describe(int32_t damage, int32_t max_hp)
{
	static const struct {
		int				 below;	/* percent */
		struct rules_combat_words	 w;
	} scale[] = {
		{ 5, { "scratch", "scratches", "" } },
		{ 10, { "hit", "hits", "" } },
		{ 20, { "hit", "hits", " hard" } },
		{ 35, { "maul", "mauls", "" } },
	};
	struct rules_combat_words	massacre = { "massacre", "massacres",
					    "" };
	int64_t				pct;

	if (damage <= 0)
		return (struct rules_combat_words){ "miss", "misses", "" };
	pct = (int64_t)damage * 100 / (max_hp > 0 ? max_hp : 1);
	for (size_t i = 0; i < sizeof scale / sizeof scale[0]; i++) {
		if (pct < scale[i].below)
			return scale[i].w;
	}
	return massacre;
}

/* 100 xp to level 2, 300 to 3, 600 to 4: 50 * L * (L - 1) in all. */
int64_t
rules_combat_xp_for_level(int level)
{
	int64_t	l = rules_combat_clamp(level, 1, RULES_COMBAT_MAX_LEVEL);

	return 50 * l * (l - 1);
}

/* The level xp earns, never below current nor above the maximum. */
int
rules_combat_level_for_xp(int64_t xp, int current)
{
	int	level = (int)rules_combat_clamp(current, 1,
		    RULES_COMBAT_MAX_LEVEL);

	while (level < RULES_COMBAT_MAX_LEVEL &&
	    xp >= rules_combat_xp_for_level(level + 1))
		level++;
	return level;
}

/*
 * 10 + 15 per victim level, scaled by 20% per level the victim has over
 * the killer (from 10% up to 300%).
 */
int64_t
rules_combat_kill_xp(int killer_level, int victim_level)
{
	int64_t	base = 10 + 15 * (int64_t)rules_combat_clamp(victim_level, 1,
		    RULES_COMBAT_MAX_LEVEL);
	int64_t	pct = rules_combat_clamp(100 + 20 *
		    ((int64_t)victim_level - killer_level), 10, 300);

	return base * pct / 100;
}

/* max_hp gained going from level old to level new. */
int32_t
rules_combat_hp_gain(int old_level, int new_level)
{
	if (new_level <= old_level)
		return 0;
	return RULES_COMBAT_HP_PER_LEVEL * (new_level - old_level);
}

/* 50% between equals, 10% per level of difference, within 10..90%. */
int
rules_combat_flee_chance(int my_level, int their_level)
{
	return (int)rules_combat_clamp(50 + 10 * ((int64_t)my_level -
	    their_level), 10, 90);
}

/* 10 xp per level, but never below what the current level needs. */
int64_t
rules_combat_flee_loss(int level, int64_t xp)
{
	int64_t	spare = xp - rules_combat_xp_for_level(level);
	int64_t	loss = 10 * (int64_t)rules_combat_clamp(level, 1,
		    RULES_COMBAT_MAX_LEVEL);

	if (spare <= 0)
		return 0;
	return loss < spare ? loss : spare;
}

/* consider: the verdict by level difference. */
const char *
rules_combat_consider(int my_level, int their_level)
{
	int	diff = their_level - my_level;

	if (diff <= -5)
		return "You would win easily.";
	if (diff <= -2)
		return "You should win without much trouble.";
	if (diff <= 1)
		return "It would be a fair fight.";
	if (diff <= 4)
		return "You would need some luck.";
	return "You would need a lot of luck!";
}
