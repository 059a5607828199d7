/*
 * test_items.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
items_suite(void)
{
	return suite_create("items");
}
