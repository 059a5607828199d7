/*
 * buf.c — a growable text buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/buf.h"
#include "ops/util.h"

/* Make room for n more bytes plus the terminator. */
static void
buf_grow(struct buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	while (b->len + n + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 256;
	b->data = xrealloc(b->data, b->cap);
}

/* Append text. */
void
buf_add(struct buf *b, const char *s)
{
	size_t	n = strlen(s);

	buf_grow(b, n);
	memcpy(b->data + b->len, s, n + 1);
	b->len += n;
}

/* Append formatted text. */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	buf_add(b, text);
	free(text);
}

/* Empty the buffer, keeping its memory. */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Free the buffer's memory. */
void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* The text ("" when empty). */
const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}
