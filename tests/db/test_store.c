/*
 * test_store.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
store_suite(void)
{
	return suite_create("store");
}
