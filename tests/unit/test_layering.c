/*
 * test_layering.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
layering_suite(void)
{
	return suite_create("layering");
}
