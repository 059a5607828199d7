/*
 * test_handlers.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
handler_suite(void)
{
	return suite_create("handler");
}
