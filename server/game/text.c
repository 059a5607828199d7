/*
 * text.c — word wrapping, names, capitals, and cleaning typed text.
 */
#include <ctype.h>
#include <string.h>

#include "game/text.h"
#include "ops/util.h"

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

/* Copy text into out (or capitalise it in place) with an upper-case first
 * letter. */
void
text_capitalise(const char *text, char *out, size_t outsz)
{
	if (outsz == 0)
		return;
	if (out != text)
		util_strlcpy(out, text, outsz);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/*
 * Bytes of the character at s if a terminal would act on it (a C1 control
 * or a bidi override/isolate in UTF-8), else 0.  s is NUL-terminated, so
 * reading up to the first byte that does not match is safe.
 */
static size_t
text_control_len(const unsigned char *s)
{
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;			/* U+0080..U+009F */
	if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae)
		return 3;			/* U+202A..U+202E */
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)
		return 3;			/* U+2066..U+2069 */
	return 0;
}

/* Remove, in place, every character a terminal would act on. */
size_t
text_strip_controls(char *text)
{
	unsigned char	*r = (unsigned char *)text, *w = r;
	size_t		 n;

	while (*r != '\0') {
		if (*r == '\t') {
			*w++ = ' ';
			r++;
		} else if (*r < 0x20 || *r == 0x7f)
			r++;
		else if ((n = text_control_len(r)) > 0)
			r += n;
		else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - (unsigned char *)text);
}
