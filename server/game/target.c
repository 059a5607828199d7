/*
 * target.c — parsing and matching what a player names.  Pure: no database,
 * no session, so the items suite tests it directly.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "game/target.h"
#include "ops/util.h"

/* The most a "2.sword" count may be. */
#define TARGET_NTH_MAX	100000

/* Copy s into out trimmed of spaces at both ends. */
void
target_trim(const char *s, char *out, size_t outsz)
{
	size_t	len;

	while (*s == ' ')
		s++;
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (outsz == 0)
		return;
	if (len >= outsz)
		len = outsz - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

/* Copy s lower-cased, trimmed, with runs of spaces made one. */
static void
target_norm(const char *s, char *out, size_t outsz)
{
	size_t	n = 0;
	bool	space = false;

	while (*s == ' ')
		s++;
	for (; *s != '\0' && n + 1 < outsz; s++) {
		if (*s == ' ') {
			space = true;
			continue;
		}
		if (space && n > 0 && n + 2 < outsz)
			out[n++] = ' ';
		space = false;
		out[n++] = (char)tolower((unsigned char)*s);
	}
	out[n] = '\0';
}

/* Parse "sword", "2.sword", "all", "all.sword". */
bool
target_parse(const char *arg, struct target *t)
{
	char		 buf[TARGET_WORDS_MAX + 1], *end;
	const char	*dot;
	long		 n;

	memset(t, 0, sizeof *t);
	target_norm(arg, buf, sizeof buf);
	if (buf[0] == '\0')
		return false;
	if (strcmp(buf, "all") == 0) {
		t->kind = TARGET_ALL;
		return true;
	}
	if (strncmp(buf, "all.", 4) == 0) {
		t->kind = TARGET_ALL;
		util_strlcpy(t->words, buf + 4, sizeof t->words);
		return t->words[0] != '\0' && t->words[0] != ' ';
	}
	t->kind = TARGET_ONE;
	t->nth = 1;
	dot = strchr(buf, '.');
	if (dot != NULL && isdigit((unsigned char)buf[0])) {
		errno = 0;
		n = strtol(buf, &end, 10);
		if (end != dot || errno != 0 || n < 1 || n > TARGET_NTH_MAX)
			return false;
		t->nth = (int)n;
		util_strlcpy(t->words, dot + 1, sizeof t->words);
		return t->words[0] != '\0' && t->words[0] != ' ';
	}
	util_strlcpy(t->words, buf, sizeof t->words);
	return true;
}

/* Whether word (len bytes) is a prefix of some keyword in keywords. */
static bool
target_word_matches(const char *word, size_t len, const char *keywords)
{
	const char	*k = keywords;

	while (*k != '\0') {
		size_t	klen;

		while (*k == ' ')
			k++;
		klen = strcspn(k, " ");
		if (klen > 0 && len <= klen && strncasecmp(word, k, len) == 0)
			return true;
		k += klen;
	}
	return false;
}

/* Whether every word of words prefix-matches some keyword (any case). */
bool
target_match(const char *words, const char *keywords)
{
	const char	*w = words;

	while (*w != '\0') {
		size_t	len;

		while (*w == ' ')
			w++;
		if (*w == '\0')
			break;
		len = strcspn(w, " ");
		if (!target_word_matches(w, len, keywords))
			return false;
		w += len;
	}
	return true;
}

/* Whether a thing with these keywords is one the target names. */
bool
target_names(const struct target *t, const char *keywords)
{
	if (t->kind == TARGET_ALL && t->words[0] == '\0')
		return true;
	return t->words[0] != '\0' && target_match(t->words, keywords);
}

/* The index of the thing the target names among n, in order; -1 if none. */
int
target_pick(const struct target *t, const char *const *keywords, int n)
{
	int	seen = 0;

	for (int i = 0; i < n; i++) {
		if (!target_names(t, keywords[i]))
			continue;
		if (t->kind == TARGET_ALL || ++seen == t->nth)
			return i;
	}
	return -1;
}

/* Whether w is "coin" or "coins". */
static bool
target_is_coins(const char *w)
{
	return strcmp(w, "coins") == 0 || strcmp(w, "coin") == 0;
}

/* Parse a coin amount ("coins", "15 coins", "all coins"). */
enum target_coins
target_parse_coins(const char *arg, int64_t *amount)
{
	char		 buf[64], *sp, *end;
	long long	 n;

	*amount = 0;
	target_norm(arg, buf, sizeof buf);
	if (target_is_coins(buf) || strcmp(buf, "all coins") == 0 ||
	    strcmp(buf, "all.coins") == 0)
		return TARGET_COINS_ALL;
	if ((sp = strchr(buf, ' ')) == NULL || !target_is_coins(sp + 1))
		return TARGET_NOT_COINS;
	*sp = '\0';
	errno = 0;
	n = strtoll(buf, &end, 10);
	if (*end != '\0' || end == buf)
		return TARGET_NOT_COINS;
	if (errno == ERANGE || n <= 0 || n > TARGET_COINS_MAX)
		return TARGET_COINS_BAD;
	*amount = n;
	return TARGET_COINS_N;
}

/* Split "left WORD right" at the first standalone WORD. */
bool
target_split(const char *args, const char *word, char *left, size_t leftsz,
    char *right, size_t rightsz)
{
	size_t		 wlen = strlen(word);
	const char	*p = args;

	while (*p != '\0') {
		size_t	len;

		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len == wlen && len > 0 && strncasecmp(p, word, len) == 0 &&
		    p > args) {
			char	tmp[TARGET_WORDS_MAX * 2 + 1];
			size_t	n = (size_t)(p - args);

			if (n >= sizeof tmp)
				n = sizeof tmp - 1;
			memcpy(tmp, args, n);
			tmp[n] = '\0';
			target_trim(tmp, left, leftsz);
			target_trim(p + len, right, rightsz);
			if (left[0] != '\0' && right[0] != '\0')
				return true;
		}
		p += len;
	}
	return false;
}
