/*
 * util.c — allocation wrappers and small helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* Abort with a message: there is no sane recovery from out-of-memory. */
static void
util_oom(void)
{
	fputs("keepd: out of memory\n", stderr);
	abort();
}

/* malloc that aborts on out-of-memory. */
void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		util_oom();
	return p;
}

/* calloc that aborts on out-of-memory. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		util_oom();
	return p;
}

/* realloc that aborts on out-of-memory. */
void *
xrealloc(void *p, size_t n)
{
	void	*q = realloc(p, n ? n : 1);

	if (q == NULL)
		util_oom();
	return q;
}

/* strdup that aborts on out-of-memory. */
char *
xstrdup(const char *s)
{
	char	*p = strdup(s);

	if (p == NULL)
		util_oom();
	return p;
}

/* vasprintf that aborts on out-of-memory. */
char *
xvasprintf(const char *fmt, va_list ap)
{
	char	*s;

	if (vasprintf(&s, fmt, ap) < 0)
		util_oom();
	return s;
}

/* asprintf that aborts on out-of-memory. */
char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Copy src into dst of size n, truncating; returns strlen(src). */
size_t
util_strlcpy(char *dst, const char *src, size_t n)
{
	size_t	len = strlen(src);

	if (n > 0) {
		size_t	c = len < n - 1 ? len : n - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

/* Monotonic clock in microseconds. */
uint64_t
util_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}
