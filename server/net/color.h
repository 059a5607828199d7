/*
 * color.h — colour markup in the server's own text, and its rendering.
 *
 * The layer above marks text with COLOR_MARK followed by one code byte;
 * net/ renders it per session: as ANSI SGR when the session has colour, as
 * nothing when it has not.  Player input can never carry COLOR_MARK (the
 * dispatcher strips every control byte from a line), so a say or a tell
 * cannot inject colour, and a raw ESC in any text is dropped here too.
 *
 * (Written "\001" "c", never "\x01c": a hex escape would eat the c.)
 * Codes: k r g y b m c w (black red green yellow blue magenta cyan white),
 * the capitals for the bright variants, x for "back to normal", and
 * '#' with three decimal digits for an xterm-256 index (rendered as the
 * nearest of the 16 when the client has no 256 colours).
 */
#ifndef KEEP_COLOR_H
#define KEEP_COLOR_H

#include <stddef.h>

#define COLOR_MARK	'\x01'

#define CM_RESET	"\001" "x"
#define CM_BLACK	"\001" "k"
#define CM_RED		"\001" "r"
#define CM_GREEN	"\001" "g"
#define CM_YELLOW	"\001" "y"
#define CM_BLUE		"\001" "b"
#define CM_MAGENTA	"\001" "m"
#define CM_CYAN		"\001" "c"
#define CM_WHITE	"\001" "w"
#define CM_BBLACK	"\001" "K"
#define CM_BRED		"\001" "R"
#define CM_BGREEN	"\001" "G"
#define CM_BYELLOW	"\001" "Y"
#define CM_BBLUE	"\001" "B"
#define CM_BMAGENTA	"\001" "M"
#define CM_BCYAN	"\001" "C"
#define CM_BWHITE	"\001" "W"
/* xterm-256 colour n (0..255) as markup: CM_256("208"). */
#define CM_256(n)	"\001#" n

enum color_mode {
	COLOR_OFF,		/* markup dropped: plain text */
	COLOR_16,		/* 16-colour SGR */
	COLOR_256		/* 16-colour and xterm-256 SGR */
};

/*
 * Render len bytes of marked-up text into out (capacity outsz, always
 * NUL-terminated): markup becomes SGR (or nothing), every line that
 * switched colour is reset before its "\n" and at the end, raw ESC bytes
 * are dropped.  Returns the length written; *consumed is how much input
 * was used (it stops early, at a code boundary, when out is full; with
 * outsz >= 32 every call makes progress).
 */
size_t	color_render(const char *in, size_t len, enum color_mode,
	    char *out, size_t outsz, size_t *consumed, int *active);
/* Text with the markup removed, in place (GMCP strings, logs). */
void	color_strip(char *);

#endif
