/*
 * fuzz.h — what the libFuzzer targets share: the entry point's prototype
 * and an assertion that names the broken invariant before it aborts (so
 * libFuzzer saves the input as a crash, whatever NDEBUG says).
 */
#ifndef KEEP_FUZZ_H
#define KEEP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer calls this once per input; 0 means "keep going". */
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
