/*
 * wear_slot.h — the wear slots, the one list C reads.  The database holds
 * the same names in the same order (wear_slots() and the domain wear_slot,
 * migration 0009); the schema test suite checks that the two agree.  The
 * order is the one the equipment command lists them in.
 */
#ifndef KEEP_WEAR_SLOT_H
#define KEEP_WEAR_SLOT_H

/* A wear slot, by its place in the list. */
enum wear_slot_id {
	WEAR_HEAD,
	WEAR_NECK,
	WEAR_BODY,
	WEAR_ARMS,
	WEAR_HANDS,
	WEAR_FINGER,
	WEAR_WAIST,
	WEAR_LEGS,
	WEAR_FEET,
	WEAR_SHIELD,
	WEAR_WIELD,
	WEAR_COUNT
};

/* The slots' names by enum wear_slot_id, then NULL. */
extern const char *const wear_slot_names[WEAR_COUNT + 1];

/* The slot named name, or -1 if none is. */
int	wear_slot_find(const char *name);

#endif
