/*
 * test_proto.h — what the proto suite's files share (tests/db/test_proto.c,
 * tests/db/test_proto_reset.c, tests/e2e/test_proto_e2e.c).
 */
#ifndef KEEP_TEST_PROTO_H
#define KEEP_TEST_PROTO_H

#include <check.h>

#include "db_test.h"

/* An online character of role in room (0: the start room). */
void		 proto_char(struct world *, const char *prefix,
		    const char *role, int32_t room, struct store_char *);
/* One number that changes when the rows proto commands touch change. */
long long	 proto_fingerprint(void);
/* reset, help and hedit (test_proto_reset.c). */
TCase		*proto_reset_tcase(void);
/* A builder over telnet (tests/e2e/test_proto_e2e.c). */
TCase		*proto_e2e_tcase(void);

#endif
