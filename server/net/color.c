/*
 * color.c — rendering colour markup as ANSI SGR (ECMA-48), or dropping it.
 */
#include <stdio.h>
#include <string.h>

#include "net/color.h"

#define ESC	'\x1b'

/* The 16 codes in SGR order: normal then bright. */
static const char	color_codes[] = "krgybmcwKRGYBMCW";

/* The nearest of the 16 colours to xterm-256 colour n (0..15 index). */
static int
color_nearest16(int n)
{
	/* Approximate RGB of the 16 (xterm's defaults). */
	static const int	pal[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 },
		{ 229, 229, 229 }, { 127, 127, 127 }, { 255, 0, 0 },
		{ 0, 255, 0 }, { 255, 255, 0 }, { 92, 92, 255 },
		{ 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 }
	};
	int	r, g, b, best = 0;
	long	bestd = -1;

	if (n < 16)
		return n;
	if (n < 232) {
		static const int	lvl[6] = { 0, 95, 135, 175, 215, 255 };

		n -= 16;
		r = lvl[n / 36];
		g = lvl[(n / 6) % 6];
		b = lvl[n % 6];
	} else
		r = g = b = 8 + 10 * (n - 232);
	for (int i = 0; i < 16; i++) {
		long	dr = r - pal[i][0], dg = g - pal[i][1],
			db = b - pal[i][2];
		long	d = dr * dr + dg * dg + db * db;

		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

/* The SGR for one of the 16 colours (0..15). */
static int
color_sgr16(int i, char *buf, size_t bufsz)
{
	return snprintf(buf, bufsz, "\x1b[%d;3%dm", i >= 8 ? 1 : 0, i % 8);
}

/*
 * The SGR one code (at in, avail bytes after COLOR_MARK) renders to in
 * mode, into buf; *codelen is the bytes of input it took (0: incomplete).
 * An unknown code renders as nothing.
 */
static int
color_code(const char *in, size_t avail, enum color_mode mode, char *buf,
    size_t bufsz, size_t *codelen, int *switched)
{
	const char	*p;
	int		 n;

	*switched = 0;
	if (avail < 1) {
		*codelen = 0;
		return 0;
	}
	*codelen = 1;
	if (in[0] == 'x') {
		*switched = -1;
		return mode == COLOR_OFF ? 0 : snprintf(buf, bufsz, "\x1b[0m");
	}
	if (in[0] == '#') {
		if (avail < 4) {
			*codelen = avail;	/* a cut code: drop it */
			return 0;
		}
		*codelen = 4;
		if (in[1] < '0' || in[1] > '9' || in[2] < '0' || in[2] > '9' ||
		    in[3] < '0' || in[3] > '9')
			return 0;
		n = (in[1] - '0') * 100 + (in[2] - '0') * 10 + (in[3] - '0');
		if (n > 255 || mode == COLOR_OFF)
			return 0;
		*switched = 1;
		if (mode == COLOR_256)
			return snprintf(buf, bufsz, "\x1b[38;5;%dm", n);
		return color_sgr16(color_nearest16(n), buf, bufsz);
	}
	if ((p = strchr(color_codes, in[0])) == NULL || in[0] == '\0' ||
	    mode == COLOR_OFF)
		return 0;
	*switched = 1;
	return color_sgr16((int)(p - color_codes), buf, bufsz);
}

/* Render marked-up text (see color.h). */
size_t
color_render(const char *in, size_t len, enum color_mode mode, char *out,
    size_t outsz, size_t *consumed, int *active)
{
	static const char	reset[] = "\x1b[0m";
	size_t			 i = 0, o = 0;

	while (i < len) {
		char	sgr[24];
		size_t	codelen;
		int	n, sw;

		if (in[i] == COLOR_MARK) {
			n = color_code(in + i + 1, len - i - 1, mode, sgr,
			    sizeof sgr, &codelen, &sw);
			if (o + (size_t)n + 1 > outsz)
				break;
			memcpy(out + o, sgr, (size_t)n);
			o += (size_t)n;
			if (sw != 0)
				*active = sw > 0;
			i += 1 + codelen;
			continue;
		}
		if (in[i] == '\n' && *active) {
			if (o + sizeof reset + 1 > outsz)
				break;
			memcpy(out + o, reset, sizeof reset - 1);
			o += sizeof reset - 1;
			*active = 0;
		}
		if (in[i] == ESC) {
			i++;
			continue;
		}
		if (o + 2 > outsz)
			break;
		out[o++] = in[i++];
	}
	if (i == len && *active) {
		if (o + sizeof reset <= outsz) {
			memcpy(out + o, reset, sizeof reset - 1);
			o += sizeof reset - 1;
			*active = 0;
		}
	}
	if (outsz > 0)
		out[o] = '\0';
	if (consumed != NULL)
		*consumed = i;
	return o;
}

/* Remove the markup (and raw ESC bytes) in place. */
void
color_strip(char *s)
{
	size_t	len = strlen(s), used, n;
	int	active = 0;
	char	buf[256];
	char	*w = s;
	const char *r = s;

	/* Rendering with COLOR_OFF only ever shrinks the text. */
	while (len > 0) {
		n = color_render(r, len, COLOR_OFF, buf, sizeof buf, &used,
		    &active);
		memmove(w, buf, n);
		w += n;
		r += used;
		len -= used;
		if (used == 0)
			break;
	}
	*w = '\0';
}
