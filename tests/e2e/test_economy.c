/*
 * test_economy.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
economy_suite(void)
{
	return suite_create("economy");
}
