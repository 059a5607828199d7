/*
 * text.h — text formatting for players: word wrapping, names, the one
 * capitaliser, and the cleaning of text players type.
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
/*
 * Copy text into out with its first letter in upper case ("a goblin" ->
 * "A goblin"); out may be text itself, to capitalise in place.
 */
void	text_capitalise(const char *text, char *out, size_t outsz);

/*
 * Remove, in place, every character a terminal would act on rather than
 * show: C0 controls (TAB becomes a space), DEL, the C1 controls U+0080 to
 * U+009F written as UTF-8, and the bidirectional overrides and isolates
 * U+202A-U+202E and U+2066-U+2069.  Everything else, valid UTF-8 or not,
 * is kept as it is.  Returns the new length.
 */
size_t	text_strip_controls(char *);

#endif
