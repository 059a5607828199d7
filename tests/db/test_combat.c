/*
 * test_combat.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
combat_suite(void)
{
	return suite_create("combat");
}
