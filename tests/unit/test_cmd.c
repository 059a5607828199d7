/*
 * test_cmd.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
cmd_suite(void)
{
	return suite_create("cmd");
}
