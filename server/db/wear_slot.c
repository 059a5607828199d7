/*
 * wear_slot.c — the wear slots' names (see wear_slot.h).
 */
#include <string.h>

#include "db/wear_slot.h"

const char *const wear_slot_names[WEAR_COUNT + 1] = {
	[WEAR_HEAD] = "head",
	[WEAR_NECK] = "neck",
	[WEAR_BODY] = "body",
	[WEAR_ARMS] = "arms",
	[WEAR_HANDS] = "hands",
	[WEAR_FINGER] = "finger",
	[WEAR_WAIST] = "waist",
	[WEAR_LEGS] = "legs",
	[WEAR_FEET] = "feet",
	[WEAR_SHIELD] = "shield",
	[WEAR_WIELD] = "wield",
	[WEAR_COUNT] = NULL
};

/* The slot named name, or -1 if none is. */
int
wear_slot_find(const char *name)
{
	for (int i = 0; i < WEAR_COUNT; i++) {
		if (strcmp(wear_slot_names[i], name) == 0)
			return i;
	}
	return -1;
}
