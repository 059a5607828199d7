/*
 * test_crash.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
crash_suite(void)
{
	return suite_create("crash");
}
