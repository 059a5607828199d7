/*
 * test_e2e.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
e2e_suite(void)
{
	return suite_create("e2e");
}
