/*
 * target.h — what a player names in a command, parsed and matched without
 * the database: "sword", "long sword", "2.sword", "all", "all.sword",
 * "15 coins", and the "X from Y" / "X in Y" / "X to Y" splits.
 *
 * A target matches a thing when every word of the target is a prefix of
 * one of the thing's keywords, ignoring case ("lo sw" matches "long
 * sword"), as in the classic servers.
 */
#ifndef KEEP_TARGET_H
#define KEEP_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TARGET_WORDS_MAX	128

enum target_kind {
	TARGET_ONE,		/* the nth thing that matches words */
	TARGET_ALL		/* every thing that matches words ("" is all) */
};

struct target {
	enum target_kind	 kind;
	int			 nth;		/* from 1, for TARGET_ONE */
	char			 words[TARGET_WORDS_MAX + 1];	/* lower case */
};

enum target_coins {
	TARGET_NOT_COINS,	/* not about coins */
	TARGET_COINS_ALL,	/* "coins", "coin", "all coins" */
	TARGET_COINS_N,		/* "15 coins", "1 coin" */
	TARGET_COINS_BAD	/* "0 coins", "-3 coins", absurdly many */
};

/* The most coins a command moves at once. */
#define TARGET_COINS_MAX	1000000000000LL

/*
 * Parse "sword", "long sword", "2.sword", "all", "all.sword"; false when
 * there is nothing to match ("", "0.sword", "all.").
 */
bool		 target_parse(const char *arg, struct target *);
/* Whether every word of words prefix-matches some keyword (any case). */
bool		 target_match(const char *words, const char *keywords);
/* Whether a thing with these keywords is one the target names. */
bool		 target_names(const struct target *, const char *keywords);
/*
 * The index of the thing the target names among n keyword strings, in
 * order (the nth match for TARGET_ONE, the first for TARGET_ALL); -1 if
 * none.
 */
int		 target_pick(const struct target *, const char *const *keywords,
		    int n);
/* Parse a coin amount ("coins", "15 coins", "all coins"); *amount 0 = all. */
enum target_coins target_parse_coins(const char *arg, int64_t *amount);
/*
 * Split "left WORD right" at the first standalone WORD (any case), both
 * sides trimmed and non-empty; false if there is no such split.
 */
bool		 target_split(const char *args, const char *word, char *left,
		    size_t leftsz, char *right, size_t rightsz);
/* Copy s into out trimmed of spaces at both ends. */
void		 target_trim(const char *s, char *out, size_t outsz);

#endif
