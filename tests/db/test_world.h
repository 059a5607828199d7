/*
 * test_world.h — the parts of the "world" suite (tests/db/test_world*.c).
 */
#ifndef KEEP_TEST_WORLD_H
#define KEEP_TEST_WORLD_H

#include <check.h>

/* Add the tests of the real content (test_world_content.c) to a case. */
void	world_content_tests(TCase *);

#endif
