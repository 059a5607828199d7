/*
 * test_rules.c — the rules suite: the pure game rules of server/game/
 * (items and targets, combat, shops), which need no database and run in
 * `make unit`.
 */
#include "keep_test.h"

/* The pure rules of server/game/, one test case per rules file. */
Suite *
rules_suite(void)
{
	Suite	*s = suite_create("rules");

	suite_add_tcase(s, rules_item_tcase());
	suite_add_tcase(s, rules_combat_tcase());
	suite_add_tcase(s, rules_shop_tcase());
	return s;
}
