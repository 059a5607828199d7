/*
 * text.c — word wrapping and names.
 */
#include <ctype.h>
#include <string.h>

#include "game/text.h"

/* Append text word-wrapped to width columns, each line after indent. */
void
text_wrap(struct buf *b, const char *text, int width, int indent)
{
	int	col = 0;

	while (*text != '\0') {
		const char	*end;
		int		 len;

		while (*text == ' ')
			text++;
		if (*text == '\0')
			break;
		for (end = text; *end != '\0' && *end != ' '; end++)
			;
		len = (int)(end - text);
		if (col > 0 && col + 1 + len > width) {
			buf_add(b, "\n");
			col = 0;
		}
		if (col == 0) {
			buf_printf(b, "%*s", indent, "");
			col = indent;
		} else {
			buf_add(b, " ");
			col++;
		}
		buf_printf(b, "%.*s", len, text);
		col += len;
		text = end;
	}
	if (col > 0)
		buf_add(b, "\n");
}

/* Check a character name and write it capitalised. */
bool
text_name_normalise(const char *in, char *out, size_t outsz)
{
	size_t	len = strlen(in);

	if (len < 3 || len > 16 || len + 1 > outsz)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)in[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return false;
		out[i] = (char)(i == 0 ? toupper(c) : tolower(c));
	}
	out[len] = '\0';
	return true;
}
