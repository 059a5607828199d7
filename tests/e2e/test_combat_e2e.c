/*
 * test_combat_e2e.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
combat_e2e_suite(void)
{
	return suite_create("combat_e2e");
}
