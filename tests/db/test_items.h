/*
 * test_items.h — what the items suite's files share: the pure test case
 * (targets, carry limits) lives in test_items_pure.c.
 */
#ifndef KEEP_TEST_ITEMS_H
#define KEEP_TEST_ITEMS_H

#include <check.h>

/* Targets and carry limits: no database. */
TCase	*items_pure_tcase(void);

#endif
