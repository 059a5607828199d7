/*
 * test_rules_combat.c — the combat rules (server/game/rules_combat.c): hit
 * chance, damage, the seeded generator, experience, flee and consider.
 * Pure functions: no database.
 */
#include <stdint.h>
#include <string.h>

#include "game/rules_combat.h"
#include "keep_test.h"

/* Hit chance: 70% between equals, level and armor move it, within 5..100. */
START_TEST(test_rules_hit_chance)
{
	struct rules_combat_side	a = { .level = 1 }, d = { .level = 1 };

	ck_assert_int_eq(rules_combat_hit_chance(&a, &d), 70);
	a.level = 3;
	ck_assert_int_eq(rules_combat_hit_chance(&a, &d), 80);
	d.armor = 20;
	ck_assert_int_eq(rules_combat_hit_chance(&a, &d), 75);
	a.level = 100;
	ck_assert_int_eq(rules_combat_hit_chance(&a, &d), 100);
	a.level = 1;
	d.level = 100;
	ck_assert_int_eq(rules_combat_hit_chance(&a, &d), 5);
}
END_TEST

/* Damage: roll plus level/10, less armor in percent; 0 glances off. */
START_TEST(test_rules_damage)
{
	struct rules_combat_side	a = { .level = 1 }, d = { .level = 1 };
	struct rules_combat_rng		rng;
	struct rules_combat_blow	b;

	ck_assert_int_eq(rules_combat_damage(&a, &d, 3), 3);
	a.level = 100;
	ck_assert_int_eq(rules_combat_damage(&a, &d, 5), 15);
	d.armor = 50;
	ck_assert_int_eq(rules_combat_damage(&a, &d, 5), 8);
	d.armor = 100;	/* capped at 75% */
	ck_assert_int_eq(rules_combat_damage(&a, &d, 5), 4);
	a.level = 1;
	d.armor = 0;
	ck_assert_int_eq(rules_combat_damage(&a, &d, 0), 0);
	/* A sure hit with a fixed weapon always does the same. */
	a = (struct rules_combat_side){ .level = 100, .dam_min = 5,
	    .dam_max = 5 };
	d = (struct rules_combat_side){ .level = 1, .max_hp = 20 };
	rules_combat_rng_seed(&rng, 42);
	for (int i = 0; i < 100; i++) {
		b = rules_combat_attack(&a, &d, &rng);
		ck_assert(b.hit);
		ck_assert_int_eq(b.damage, 15);
	}
	/* Nothing to hit with: always a miss. */
	a = (struct rules_combat_side){ .level = 9 };
	for (int i = 0; i < 100; i++)
		ck_assert(!rules_combat_attack(&a, &d, &rng).hit);
}
END_TEST

/* The PRNG: reproducible from its seed, ranges inclusive and bounded. */
START_TEST(test_rules_rng)
{
	struct rules_combat_rng	a, b;
	bool			lo = false, hi = false;

	rules_combat_rng_seed(&a, 7);
	rules_combat_rng_seed(&b, 7);
	for (int i = 0; i < 50; i++)
		ck_assert(rules_combat_rng_next(&a) ==
		    rules_combat_rng_next(&b));
	rules_combat_rng_seed(&b, 8);
	ck_assert(rules_combat_rng_next(&a) != rules_combat_rng_next(&b));
	for (int i = 0; i < 1000; i++) {
		int32_t	v = rules_combat_rng_range(&a, 1, 6);

		ck_assert(v >= 1 && v <= 6);
		lo |= v == 1;
		hi |= v == 6;
	}
	ck_assert(lo && hi);
	ck_assert_int_eq(rules_combat_rng_range(&a, 4, 4), 4);
	ck_assert_int_eq(rules_combat_rng_range(&a, 4, 2), 4);
}
END_TEST

/* Experience: the level table, kills by level difference, hp per level. */
START_TEST(test_rules_xp)
{
	ck_assert_int_eq(rules_combat_xp_for_level(1), 0);
	ck_assert_int_eq(rules_combat_xp_for_level(2), 100);
	ck_assert_int_eq(rules_combat_xp_for_level(3), 300);
	ck_assert_int_eq(rules_combat_xp_for_level(4), 600);
	ck_assert_int_eq(rules_combat_level_for_xp(99, 1), 1);
	ck_assert_int_eq(rules_combat_level_for_xp(100, 1), 2);
	ck_assert_int_eq(rules_combat_level_for_xp(650, 1), 4);
	ck_assert_int_eq(rules_combat_level_for_xp(0, 7), 7);
	ck_assert_int_eq(rules_combat_level_for_xp(INT64_MAX / 2, 1),
	    RULES_COMBAT_MAX_LEVEL);
	ck_assert_int_eq(rules_combat_kill_xp(1, 1), 25);
	ck_assert_int_eq(rules_combat_kill_xp(1, 2), 48);
	ck_assert_int_eq(rules_combat_kill_xp(20, 1), 2);
	ck_assert_int_eq(rules_combat_kill_xp(1, 50), 760 * 3);
	ck_assert_int_eq(rules_combat_hp_gain(1, 3), 20);
	ck_assert_int_eq(rules_combat_hp_gain(3, 3), 0);
}
END_TEST

/* Flight chances and losses; consider's verdicts; the words of a hit. */
START_TEST(test_rules_flee_consider)
{
	struct rules_combat_words	w;

	ck_assert_int_eq(rules_combat_flee_chance(5, 5), 50);
	ck_assert_int_eq(rules_combat_flee_chance(7, 5), 70);
	ck_assert_int_eq(rules_combat_flee_chance(1, 100), 10);
	ck_assert_int_eq(rules_combat_flee_chance(100, 1), 90);
	ck_assert_int_eq(rules_combat_flee_loss(1, 0), 0);
	ck_assert_int_eq(rules_combat_flee_loss(1, 50), 10);
	ck_assert_int_eq(rules_combat_flee_loss(2, 105), 5);	/* keeps 2 */
	ck_assert_int_eq(rules_combat_flee_loss(10, 5000), 100);
	ck_assert_str_eq(rules_combat_consider(10, 1),
	    "You would win easily.");
	ck_assert_str_eq(rules_combat_consider(5, 2),
	    "You should win without much trouble.");
	ck_assert_str_eq(rules_combat_consider(5, 6),
	    "It would be a fair fight.");
	ck_assert_str_eq(rules_combat_consider(5, 8),
	    "You would need some luck.");
	ck_assert_str_eq(rules_combat_consider(1, 100),
	    "You would need a lot of luck!");
	w = rules_combat_describe(0, 20);
	ck_assert_str_eq(w.they, "misses");
	w = rules_combat_describe(3, 20);
	ck_assert(strcmp(w.you, "hit") == 0 && strcmp(w.how, " hard") == 0);
	w = rules_combat_describe(15, 1000);
	ck_assert_str_eq(w.they, "scratches");
	w = rules_combat_describe(60, 20);
	ck_assert_str_eq(w.you, "massacre");
}
END_TEST

/* The combat rules' test case, for the rules suite. */
TCase *
rules_combat_tcase(void)
{
	TCase	*tc = tcase_create("combat");

	tcase_add_test(tc, test_rules_hit_chance);
	tcase_add_test(tc, test_rules_damage);
	tcase_add_test(tc, test_rules_rng);
	tcase_add_test(tc, test_rules_xp);
	tcase_add_test(tc, test_rules_flee_consider);
	return tc;
}
