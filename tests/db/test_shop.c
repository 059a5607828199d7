/*
 * test_shop.c — placeholder, being written.
 */
#include "keep_test.h"

Suite *
shop_suite(void)
{
	return suite_create("shop");
}
