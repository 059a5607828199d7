/*
 * util.h — small helpers every module uses: allocation that aborts on
 * out-of-memory, bounded string copies, monotonic time.
 */
#ifndef KEEP_UTIL_H
#define KEEP_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/* malloc that aborts the process on out-of-memory. */
void	*xmalloc(size_t);
/* calloc that aborts the process on out-of-memory. */
void	*xcalloc(size_t, size_t);
/* realloc that aborts the process on out-of-memory. */
void	*xrealloc(void *, size_t);
/* strdup that aborts the process on out-of-memory. */
char	*xstrdup(const char *);
/* asprintf that aborts the process on out-of-memory. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
/* vasprintf that aborts the process on out-of-memory. */
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));
/* strlcpy: copy with truncation, always NUL-terminated; returns strlen(src). */
size_t	 util_strlcpy(char *, const char *, size_t);
/* Monotonic clock in microseconds. */
uint64_t util_now_us(void);

#endif
