/*
 * rules_item.h — carry limits and container capacity: plain functions of
 * numbers, unit-tested without a database.
 *
 * A character carries at most 10 + 2 x level items and 50 + 10 x level
 * weight.  The count is of the things in hand (inventory): worn and
 * wielded things do not count, and a container counts as one however full.
 * The weight is of everything on the character: inventory and equipment,
 * each container with its contents.  Coins weigh nothing.
 */
#ifndef KEEP_RULES_ITEM_H
#define KEEP_RULES_ITEM_H

#include <stdbool.h>
#include <stdint.h>

/* What a character carries now. */
struct rules_burden {
	int32_t	level;
	int64_t	count;		/* things in the inventory (not worn) */
	int64_t	weight;		/* everything on the character */
};

enum rules_carry {
	RULES_CARRY_OK,
	RULES_CARRY_COUNT,	/* one thing too many */
	RULES_CARRY_WEIGHT	/* too heavy */
};

/* The most things a character of this level has in hand. */
int64_t		 rules_item_max_count(int32_t level);
/* The most weight a character of this level carries. */
int64_t		 rules_item_max_weight(int32_t level);
/* Whether the burden can take count more things weighing weight more. */
enum rules_carry rules_item_can_carry(const struct rules_burden *,
		    int64_t count, int64_t weight);
/*
 * Take things in order while they fit: take[i] says which; the burden
 * grows by each taken one (adds_count[i] things, weights[i] weight).  why
 * gets, for each refusal kind met, true.  Returns how many are taken.
 */
int		 rules_item_take(struct rules_burden *, const int64_t *weights,
		    const int *adds_count, int n, bool *take,
		    bool why[3]);
/* Whether weight more fits in a container of capacity holding contents. */
bool		 rules_item_fits(int64_t capacity, int64_t contents,
		    int64_t weight);

#endif
