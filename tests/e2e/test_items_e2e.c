/*
 * test_items_e2e.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
items_e2e_suite(void)
{
	return suite_create("items_e2e");
}
