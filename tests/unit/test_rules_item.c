/*
 * test_rules_item.c — the pure parts of the item commands: parsing and
 * matching targets (server/game/target.c) and carry limits
 * (server/game/rules_item.c).  No database.
 */
#include <string.h>

#include "game/rules_item.h"
#include "game/target.h"
#include "keep_test.h"

/* Every form a target takes, and what is refused. */
START_TEST(test_target_parse)
{
	static const struct {
		const char		*in;
		bool			 ok;
		enum target_kind	 kind;
		int			 nth;
		const char		*words;
	} cases[] = {
		{ "sword", true, TARGET_ONE, 1, "sword" },
		{ "2.sword", true, TARGET_ONE, 2, "sword" },
		{ "12.long sword", true, TARGET_ONE, 12, "long sword" },
		{ "  Long   SWORD  ", true, TARGET_ONE, 1, "long sword" },
		{ "all", true, TARGET_ALL, 0, "" },
		{ "ALL", true, TARGET_ALL, 0, "" },
		{ "all.sword", true, TARGET_ALL, 0, "sword" },
		{ "all.long sword", true, TARGET_ALL, 0, "long sword" },
		{ "x.sword", true, TARGET_ONE, 1, "x.sword" },
		{ "allsorts", true, TARGET_ONE, 1, "allsorts" },
		{ "", false, TARGET_ONE, 0, "" },
		{ "   ", false, TARGET_ONE, 0, "" },
		{ "0.sword", false, TARGET_ONE, 0, "" },
		{ "-1.sword", true, TARGET_ONE, 1, "-1.sword" },
		{ "2.", false, TARGET_ONE, 0, "" },
		{ "all.", false, TARGET_ALL, 0, "" },
		{ "99999999999.sword", false, TARGET_ONE, 0, "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct target	t;
		bool		ok = target_parse(cases[i].in, &t);

		ck_assert_msg(ok == cases[i].ok, "\"%s\": parsed %d",
		    cases[i].in, ok);
		if (!ok)
			continue;
		ck_assert_msg(t.kind == cases[i].kind, "\"%s\": kind %d",
		    cases[i].in, t.kind);
		if (t.kind == TARGET_ONE)
			ck_assert_int_eq(t.nth, cases[i].nth);
		ck_assert_str_eq(t.words, cases[i].words);
	}
}
END_TEST

/* Each word of the target must be a prefix of some keyword, any case. */
START_TEST(test_target_match)
{
	static const struct {
		const char	*words, *keywords;
		bool		 match;
	} cases[] = {
		{ "sword", "long sword", true },
		{ "long", "long sword", true },
		{ "lo sw", "long sword", true },
		{ "sw lo", "long sword", true },
		{ "SW", "long sword", true },
		{ "s", "long sword", true },
		{ "swords", "long sword", false },
		{ "long dagger", "long sword", false },
		{ "ong", "long sword", false },
		{ "sword", "", false },
		{ "", "long sword", true },
		{ "bob", "bob", true },
		{ "bobby", "bob", false },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(target_match(cases[i].words, cases[i].keywords) ==
		    cases[i].match, "\"%s\" vs \"%s\"", cases[i].words,
		    cases[i].keywords);
}
END_TEST

/* The nth match in list order; all takes the first; none is -1. */
START_TEST(test_target_pick)
{
	static const char	*list[] = {
		"long sword", "dagger", "short sword", "leather sack",
		"sword broken"
	};
	static const struct {
		const char	*arg;
		int		 want;
	} cases[] = {
		{ "sword", 0 }, { "1.sword", 0 }, { "2.sword", 2 },
		{ "3.sword", 4 }, { "4.sword", -1 }, { "dag", 1 },
		{ "2.dagger", -1 }, { "all.sword", 0 }, { "all", 0 },
		{ "sack", 3 }, { "short", 2 }, { "broken sw", 4 },
		{ "axe", -1 }, { "all.axe", -1 },
	};
	struct target		 t;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert(target_parse(cases[i].arg, &t));
		ck_assert_msg(target_pick(&t, list, 5) == cases[i].want,
		    "%s: got %d, want %d", cases[i].arg,
		    target_pick(&t, list, 5), cases[i].want);
	}
	ck_assert(target_parse("all", &t));
	ck_assert_int_eq(target_pick(&t, list, 0), -1);
	/* target_names: all names everything, all.KW what matches. */
	ck_assert(target_names(&t, "anything at all"));
	ck_assert(target_parse("all.sack", &t));
	ck_assert(target_names(&t, "leather sack"));
	ck_assert(!target_names(&t, "long sword"));
}
END_TEST

/* Coin amounts: all of them, a number, refusals, and not coins at all. */
START_TEST(test_target_coins)
{
	static const struct {
		const char		*in;
		enum target_coins	 how;
		long long		 amount;
	} cases[] = {
		{ "coins", TARGET_COINS_ALL, 0 },
		{ "Coin", TARGET_COINS_ALL, 0 },
		{ "all coins", TARGET_COINS_ALL, 0 },
		{ "all.coins", TARGET_COINS_ALL, 0 },
		{ "15 coins", TARGET_COINS_N, 15 },
		{ "  15   COINS ", TARGET_COINS_N, 15 },
		{ "1 coin", TARGET_COINS_N, 1 },
		{ "0 coins", TARGET_COINS_BAD, 0 },
		{ "-3 coins", TARGET_COINS_BAD, 0 },
		{ "99999999999999999999 coins", TARGET_COINS_BAD, 0 },
		{ "1000000000001 coins", TARGET_COINS_BAD, 0 },
		{ "1000000000000 coins", TARGET_COINS_N, 1000000000000LL },
		{ "sword", TARGET_NOT_COINS, 0 },
		{ "15 swords", TARGET_NOT_COINS, 0 },
		{ "fifteen coins", TARGET_NOT_COINS, 0 },
		{ "2.coins", TARGET_NOT_COINS, 0 },
		{ "coins bag", TARGET_NOT_COINS, 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t	amount = -1;

		ck_assert_msg(target_parse_coins(cases[i].in, &amount) ==
		    cases[i].how, "\"%s\"", cases[i].in);
		ck_assert_msg(amount == cases[i].amount, "\"%s\": %lld",
		    cases[i].in, (long long)amount);
	}
}
END_TEST

/* "X from Y": the first standalone word splits, both sides non-empty. */
START_TEST(test_target_split)
{
	static const struct {
		const char	*args, *word;
		bool		 ok;
		const char	*left, *right;
	} cases[] = {
		{ "dagger from sack", "from", true, "dagger", "sack" },
		{ "  all   FROM  the corpse ", "from", true, "all",
		  "the corpse" },
		{ "fromage from box", "from", true, "fromage", "box" },
		{ "long sword in leather sack", "in", true, "long sword",
		  "leather sack" },
		{ "ring to bob", "to", true, "ring", "bob" },
		{ "from sack", "from", false, "", "" },
		{ "dagger from", "from", false, "", "" },
		{ "dagger sack", "from", false, "", "" },
		{ "to to bob", "to", true, "to", "bob" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char	l[64] = "", r[64] = "";
		bool	ok = target_split(cases[i].args, cases[i].word, l,
			    sizeof l, r, sizeof r);

		ck_assert_msg(ok == cases[i].ok, "\"%s\"", cases[i].args);
		if (!ok)
			continue;
		ck_assert_str_eq(l, cases[i].left);
		ck_assert_str_eq(r, cases[i].right);
	}
}
END_TEST

/* The limits grow with level: 10 + 2L things, 50 + 10L weight. */
START_TEST(test_rules_limits)
{
	struct rules_burden	b = { .level = 1, .count = 11, .weight = 59 };

	ck_assert_int_eq(rules_item_max_count(1), 12);
	ck_assert_int_eq(rules_item_max_weight(1), 60);
	ck_assert_int_eq(rules_item_max_count(10), 30);
	ck_assert_int_eq(rules_item_max_weight(10), 150);
	ck_assert_int_eq(rules_item_max_count(0), 12);
	ck_assert_int_eq(rules_item_can_carry(&b, 1, 1), RULES_CARRY_OK);
	ck_assert_int_eq(rules_item_can_carry(&b, 2, 0), RULES_CARRY_COUNT);
	ck_assert_int_eq(rules_item_can_carry(&b, 1, 2), RULES_CARRY_WEIGHT);
	/* Count is checked first; weightless things never weigh too much. */
	ck_assert_int_eq(rules_item_can_carry(&b, 2, 2), RULES_CARRY_COUNT);
	b.weight = 1000;
	ck_assert_int_eq(rules_item_can_carry(&b, 1, 0), RULES_CARRY_OK);
	/* Taking off (count only) at the limit is refused. */
	b.count = 12;
	ck_assert_int_eq(rules_item_can_carry(&b, 1, 0), RULES_CARRY_COUNT);
	ck_assert_int_eq(rules_item_can_carry(&b, 0, 0), RULES_CARRY_OK);
}
END_TEST

/* get all: take in order while things fit, say why the rest did not. */
START_TEST(test_rules_take)
{
	struct rules_burden	b = { .level = 1, .count = 9, .weight = 40 };
	int64_t			w[] = { 5, 30, 5, 5, 5 };
	int			adds[] = { 1, 1, 1, 1, 1 };
	bool			take[5], why[3] = { false, false, false };

	ck_assert_int_eq(rules_item_take(&b, w, adds, 5, take, why), 3);
	ck_assert(take[0] && !take[1] && take[2] && take[3] && !take[4]);
	ck_assert(why[RULES_CARRY_WEIGHT] && why[RULES_CARRY_COUNT]);
	ck_assert(!why[RULES_CARRY_OK]);
	ck_assert_int_eq(b.count, 12);
	ck_assert_int_eq(b.weight, 55);
}
END_TEST

/* A container takes weight up to its capacity, no more. */
START_TEST(test_rules_fits)
{
	ck_assert(rules_item_fits(10, 0, 10));
	ck_assert(rules_item_fits(10, 8, 2));
	ck_assert(!rules_item_fits(10, 8, 3));
	ck_assert(!rules_item_fits(10, 0, 11));
	ck_assert(rules_item_fits(10, 10, 0));
}
END_TEST

/* Targets and carry limits: no database. */
TCase *
rules_item_tcase(void)
{
	TCase	*tc = tcase_create("item");

	tcase_add_test(tc, test_target_parse);
	tcase_add_test(tc, test_target_match);
	tcase_add_test(tc, test_target_pick);
	tcase_add_test(tc, test_target_coins);
	tcase_add_test(tc, test_target_split);
	tcase_add_test(tc, test_rules_limits);
	tcase_add_test(tc, test_rules_take);
	tcase_add_test(tc, test_rules_fits);
	return tc;
}
