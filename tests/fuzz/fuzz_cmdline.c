/*
 * fuzz_cmdline.c — libFuzzer target for what a player types after the
 * telnet layer: the command word and its lookup (server/cmd/cmd.c), the
 * coin parser of give (cmd_coins.c), target naming ("2.sword",
 * "all.coins", "lo sw", "X from Y": server/game/target.c) and the text
 * helpers (server/game/text.c: wrapping, names, text_strip_controls).
 * All of them are pure; the game objects are linked only because the
 * command table names every handler.
 *
 * Input: lines.  The first is the command line; the others (at most
 * FUZZ_KEYWORDS) are the keyword strings of the things in the room that
 * the target is matched against.  A NUL ends a line early.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "game/target.h"
#include "game/text.h"
#include "net/telnet.h"
#include "ops/buf.h"
#include "fuzz.h"

#define FUZZ_KEYWORDS	16
#define FUZZ_WORD	32	/* game.c's command word buffer */

/* Whether s has no upper-case ASCII letter. */
static bool
is_lower(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			return false;
	}
	return true;
}

/* Whether s has no leading, trailing or doubled space. */
static bool
is_trimmed(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0)
		return true;
	return s[0] != ' ' && s[len - 1] != ' ' && strstr(s, "  ") == NULL;
}

/* cmd_split: the word is the first token lower-cased and cut to size. */
static void
check_split(const char *line, size_t wordsz, char *word)
{
	const char	*args, *p = line;
	size_t		 tok;

	cmd_split(line, word, wordsz, &args);
	FUZZ_CHECK(strlen(word) < wordsz);
	FUZZ_CHECK(args >= line && args <= line + strlen(line));
	FUZZ_CHECK(*args != ' ' && strchr(word, ' ') == NULL);
	FUZZ_CHECK(is_lower(word));
	while (*p == ' ')
		p++;
	if (*p == '\'') {
		FUZZ_CHECK(strncmp(word, "say", wordsz - 1) == 0);
		FUZZ_CHECK(args >= p + 1);
		return;
	}
	/* ':' is emote, as ' is say. */
	if (*p == ':') {
		FUZZ_CHECK(strncmp(word, "emote", wordsz - 1) == 0);
		FUZZ_CHECK(args >= p + 1);
		return;
	}
	tok = strcspn(p, " ");
	FUZZ_CHECK(strlen(word) == (tok < wordsz - 1 ? tok : wordsz - 1));
	for (size_t i = 0; word[i] != '\0'; i++)
		FUZZ_CHECK(word[i] == (char)tolower((unsigned char)p[i]));
	FUZZ_CHECK(args >= p + tok);
}

/*
 * cmd_lookup: exact names win, else the first name (rows and aliases, in
 * the table's order) the word abbreviates.
 */
static void
check_lookup(const char *word)
{
	struct cmd_cursor	 cur = CMD_CURSOR_INIT;
	const struct cmd_entry	*cmd, *c, *first = NULL, *exact = NULL;
	const char		*name, *got, *first_name = NULL;
	const char		*exact_name = NULL, *hint;
	size_t			 len = strlen(word);
	bool			 refused, found = false;

	while (cmd_next(&cur, &name, &cmd)) {
		if (exact == NULL && strcmp(word, name) == 0) {
			exact = cmd;
			exact_name = name;
		}
		if (first == NULL && len > 0 && strncmp(word, name, len) == 0) {
			first = cmd;
			first_name = name;
		}
	}
	c = cmd_lookup(word, &got, &refused);
	if (len == 0 || first == NULL) {
		FUZZ_CHECK(c == NULL && got == NULL && !refused);
	} else if (exact != NULL) {
		FUZZ_CHECK(c == exact && got == exact_name && !refused);
	} else {
		FUZZ_CHECK(c == first && got == first_name);
		FUZZ_CHECK(refused == ((c->flags & CMD_FULLNAME) != 0));
	}
	hint = cmd_suggest(word);
	if (hint != NULL) {
		cur = (struct cmd_cursor)CMD_CURSOR_INIT;
		while (cmd_next(&cur, &name, &cmd))
			found |= hint == name;
		FUZZ_CHECK(found);
	}
}

/* target_parse and the matching built on it. */
static void
check_target(const char *args, const char **kw, int nkw)
{
	struct target	t;
	int		pick, seen = 0;

	if (!target_parse(args, &t))
		return;
	FUZZ_CHECK(strlen(t.words) <= TARGET_WORDS_MAX);
	FUZZ_CHECK(is_lower(t.words) && is_trimmed(t.words));
	if (t.kind == TARGET_ONE) {
		FUZZ_CHECK(t.nth >= 1 && t.nth <= 100000);
		FUZZ_CHECK(t.words[0] != '\0');
	} else
		FUZZ_CHECK(t.kind == TARGET_ALL);
	/* Every word is a prefix of itself, whatever its case. */
	if (t.words[0] != '\0')
		FUZZ_CHECK(target_names(&t, t.words));
	pick = target_pick(&t, kw, nkw);
	FUZZ_CHECK(pick >= -1 && pick < nkw);
	for (int i = 0; i < nkw; i++) {
		bool	named = target_names(&t, kw[i]);

		if (i == pick) {
			FUZZ_CHECK(named);
			break;
		}
		/* Before the pick: only the n-1 skipped matches of "n.x". */
		if (named)
			seen++;
	}
	if (pick >= 0)
		FUZZ_CHECK(t.kind == TARGET_ALL ? seen == 0 : seen == t.nth - 1);
	else
		FUZZ_CHECK(t.kind == TARGET_ALL ? seen == 0 : seen < t.nth);
}

/* target_parse_coins: amounts in range, and they read back the same. */
static void
check_coins(const char *args)
{
	enum target_coins	how;
	int64_t			amount, again;
	char			buf[64];

	how = target_parse_coins(args, &amount);
	if (how != TARGET_COINS_N) {
		FUZZ_CHECK(amount == 0);
		return;
	}
	FUZZ_CHECK(amount >= 1 && amount <= TARGET_COINS_MAX);
	snprintf(buf, sizeof buf, "%lld coins", (long long)amount);
	FUZZ_CHECK(target_parse_coins(buf, &again) == TARGET_COINS_N);
	FUZZ_CHECK(again == amount);
}

/* target_split at from/in/to, into roomy and cramped buffers. */
static void
check_split_at(const char *args)
{
	static const char	*words[] = { "from", "in", "to" };
	static const size_t	 sizes[] = { 1, 2, 8, TARGET_WORDS_MAX + 1 };
	char			 left[TARGET_WORDS_MAX + 1];
	char			 right[TARGET_WORDS_MAX + 1];

	for (size_t w = 0; w < 3; w++) {
		for (size_t s = 0; s < 4; s++) {
			char	*l = malloc(sizes[s]), *r = malloc(sizes[3 - s]);

			FUZZ_CHECK(l != NULL && r != NULL);
			if (target_split(args, words[w], l, sizes[s], r,
			    sizes[3 - s])) {
				FUZZ_CHECK(l[0] != '\0' && r[0] != '\0');
				FUZZ_CHECK(strlen(l) < sizes[s]);
				FUZZ_CHECK(strlen(r) < sizes[3 - s]);
				FUZZ_CHECK(l[0] != ' ' && r[0] != ' ');
				/* Cut to size after trimming: may end in ' '. */
				FUZZ_CHECK(strlen(l) + 1 == sizes[s] ||
				    l[strlen(l) - 1] != ' ');
			}
			free(l);
			free(r);
		}
		target_trim(args, left, sizeof left);
		FUZZ_CHECK(strlen(left) <= TARGET_WORDS_MAX);
		/* Both sides are pieces of what was typed. */
		if (target_split(args, words[w], left, sizeof left, right,
		    sizeof right)) {
			FUZZ_CHECK(strstr(args, left) != NULL);
			FUZZ_CHECK(strstr(args, right) != NULL);
		}
	}
}

/* cmd_parse_give: a positive amount in range and a proper name. */
static void
check_give(const char *args)
{
	static const size_t	 sizes[] = { 1, 4, 17, 64 };
	int64_t			 amount = -1;
	const char		*why = NULL;
	char			 again[64];

	for (size_t s = 0; s < 4; s++) {
		char	*name = malloc(sizes[s]);

		FUZZ_CHECK(name != NULL);
		if (cmd_parse_give(args, &amount, name, sizes[s], &why)) {
			FUZZ_CHECK(amount >= 1 && amount <= TARGET_COINS_MAX);
			FUZZ_CHECK(text_name_normalise(name, again,
			    sizeof again));
			FUZZ_CHECK(strcmp(name, again) == 0);
		} else
			FUZZ_CHECK(why != NULL && why[0] != '\0');
		free(name);
	}
}

/* text_name_normalise: 3-16 letters, capitalised. */
static void
check_name(const char *s)
{
	char	out[32];
	size_t	len;

	if (!text_name_normalise(s, out, sizeof out))
		return;
	len = strlen(out);
	FUZZ_CHECK(len >= 3 && len <= 16 && len == strlen(s));
	FUZZ_CHECK(isupper((unsigned char)out[0]));
	for (size_t i = 1; i < len; i++)
		FUZZ_CHECK(islower((unsigned char)out[i]));
}

/* Next space- or newline-separated word of *s into w; false at the end. */
static bool
next_word(const char **s, const char *sep, const char **w, size_t *len)
{
	*s += strspn(*s, sep);
	if (**s == '\0')
		return false;
	*w = *s;
	*len = strcspn(*s, sep);
	*s += *len;
	return true;
}

/* text_wrap: the same words in order; only lone words overrun the width. */
static void
check_wrap(const char *text, int width, int indent)
{
	struct buf	 b = { 0 };
	const char	*in = text, *out, *line, *w1, *w2;
	size_t		 l1, l2;

	text_wrap(&b, text, width, indent);
	out = buf_str(&b);
	while (next_word(&in, " ", &w1, &l1)) {
		FUZZ_CHECK(next_word(&out, " \n", &w2, &l2));
		FUZZ_CHECK(l1 == l2 && memcmp(w1, w2, l1) == 0);
	}
	FUZZ_CHECK(!next_word(&out, " \n", &w2, &l2));
	for (line = buf_str(&b); *line != '\0'; line++) {
		size_t	len = strcspn(line, "\n");

		FUZZ_CHECK(line[len] == '\n');
		if (len > (size_t)width) {
			/* Over the width: the indent and one word only. */
			FUZZ_CHECK(strspn(line, " ") == (size_t)indent);
			FUZZ_CHECK(memchr(line + indent, ' ',
			    len - (size_t)indent) == NULL);
		}
		line += len;
	}
	buf_free(&b);
}

/* Whether s holds a character text_strip_controls must remove. */
static bool
has_control(const unsigned char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7f)
			return true;
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			return true;
		if (s[0] == 0xe2 && ((s[1] == 0x80 && s[2] >= 0xaa &&
		    s[2] <= 0xae) || (s[1] == 0x81 && s[2] >= 0xa6 &&
		    s[2] <= 0xa9)))
			return true;
	}
	return false;
}

/*
 * text_strip_controls, as game_command uses it on a line the session has
 * checked as UTF-8: nothing a terminal obeys is left, and a second pass
 * changes nothing.  Other bytes are only checked for control bytes.
 */
static void
check_strip(const char *line)
{
	char	buf[TELNET_MAX_LINE + 1], again[TELNET_MAX_LINE + 1];
	size_t	len, in = strlen(line);
	bool	valid = telnet_utf8_valid((const uint8_t *)line, in);

	snprintf(buf, sizeof buf, "%s", line);
	len = text_strip_controls(buf);
	FUZZ_CHECK(len == strlen(buf) && len <= in);
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK((unsigned char)buf[i] >= 0x20 && buf[i] != 0x7f);
	if (!valid || in > TELNET_MAX_LINE)
		return;
	FUZZ_CHECK(telnet_utf8_valid((const uint8_t *)buf, len));
	FUZZ_CHECK(!has_control((const unsigned char *)buf));
	memcpy(again, buf, len + 1);
	FUZZ_CHECK(text_strip_controls(again) == len);
	FUZZ_CHECK(strcmp(again, buf) == 0);
}

/* One input: see the top of the file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*copy, *p, *nl;
	const char	*line, *args, *kw[FUZZ_KEYWORDS];
	char		 word[FUZZ_WORD], small[FUZZ_WORD];
	int		 nkw = 0;
	enum role	 role;

	copy = malloc(size + 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '\0';
	line = copy;
	p = copy;
	if ((nl = strchr(p, '\n')) != NULL) {
		*nl = '\0';
		p = nl + 1;
		while (nkw < FUZZ_KEYWORDS && *p != '\0') {
			kw[nkw++] = p;
			if ((nl = strchr(p, '\n')) == NULL)
				break;
			*nl = '\0';
			p = nl + 1;
		}
	}

	check_strip(line);
	check_split(line, 1 + size % FUZZ_WORD, small);
	check_split(line, sizeof word, word);
	cmd_split(line, word, sizeof word, &args);
	check_lookup(word);
	check_lookup(small);
	check_lookup(line);	/* longer than any word game.c passes */
	(void)cmd_role_parse(word, &role);
	check_target(args, kw, nkw);
	check_target(line, kw, nkw);
	check_coins(args);
	check_coins(line);
	check_split_at(args);
	check_give(args);
	check_name(line);
	check_name(word);
	check_wrap(args, TEXT_WIDTH, 3);
	check_wrap(line, 1 + (int)(size % 40), (int)(size % 5));
	free(copy);
	return 0;
}
