/*
 * buf.h — a growable text buffer, for command output collected during a
 * transaction and sent after COMMIT.
 */
#ifndef KEEP_BUF_H
#define KEEP_BUF_H

#include <stddef.h>

struct buf {
	char	*data;		/* always NUL-terminated once used */
	size_t	 len;
	size_t	 cap;
};

/* Append text. */
void	buf_add(struct buf *, const char *);
/* Append formatted text. */
void	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Empty the buffer, keeping its memory. */
void	buf_reset(struct buf *);
/* Free the buffer's memory. */
void	buf_free(struct buf *);
/* The text ("" when empty). */
const char *buf_str(const struct buf *);

#endif
