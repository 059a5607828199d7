/*
 * rules_item.c — carry limits and container capacity.
 */
#include "game/rules_item.h"

/* The most things a character of this level has in hand. */
int64_t
rules_item_max_count(int32_t level)
{
	return 10 + 2 * (int64_t)(level < 1 ? 1 : level);
}

/* The most weight a character of this level carries. */
int64_t
rules_item_max_weight(int32_t level)
{
	return 50 + 10 * (int64_t)(level < 1 ? 1 : level);
}

/* Whether the burden can take count more things weighing weight more. */
enum rules_carry
rules_item_can_carry(const struct rules_burden *b, int64_t count,
    int64_t weight)
{
	if (count > 0 && b->count + count > rules_item_max_count(b->level))
		return RULES_CARRY_COUNT;
	if (weight > 0 && b->weight + weight > rules_item_max_weight(b->level))
		return RULES_CARRY_WEIGHT;
	return RULES_CARRY_OK;
}

/* Take things in order while they fit. */
int
rules_item_take(struct rules_burden *b, const int64_t *weights,
    const int *adds_count, int n, bool *take, bool why[3])
{
	int	taken = 0;

	for (int i = 0; i < n; i++) {
		enum rules_carry	v;

		v = rules_item_can_carry(b, adds_count[i], weights[i]);

		take[i] = v == RULES_CARRY_OK;
		if (!take[i]) {
			why[v] = true;
			continue;
		}
		b->count += adds_count[i];
		b->weight += weights[i];
		taken++;
	}
	return taken;
}

/* Whether weight more fits in a container of capacity holding contents. */
bool
rules_item_fits(int64_t capacity, int64_t contents, int64_t weight)
{
	return contents + weight <= capacity;
}
