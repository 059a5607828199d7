/*
 * text.h — text formatting for players: word wrapping and names.
 */
#ifndef KEEP_TEXT_H
#define KEEP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "ops/buf.h"

#define TEXT_WIDTH	78

/* Append text word-wrapped to width columns, each line after indent. */
void	text_wrap(struct buf *, const char *text, int width, int indent);
/*
 * Check a character name (3-16 ASCII letters) and write it capitalised
 * into out; false if it breaks the rules.
 */
bool	text_name_normalise(const char *in, char *out, size_t outsz);

#endif
