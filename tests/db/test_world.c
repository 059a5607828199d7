/*
 * test_world.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
world_suite(void)
{
	return suite_create("world");
}
