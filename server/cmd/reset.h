/*
 * reset.h — area resets: every area is reset reset_secs after its last
 * reset.  A reset spawns the NPCs its area is missing (with their coins,
 * inventory and worn equipment), puts back missing items, and restocks the
 * area's shopkeepers.  The ticker runs reset_tick_tx (tick.h) every few
 * seconds, under the cluster's ticker lock.
 */
#ifndef KEEP_RESET_H
#define KEEP_RESET_H

#include "db/store.h"
#include "db/store_world.h"

/*
 * Reset the areas named by a PostgreSQL array literal ("{town,wilds}") now,
 * whether due or not, inside the caller's transaction; counts what it made.
 */
enum store_rc	reset_areas(struct store *, const char *areas,
		    struct store_reset_counts *)
		    __attribute__((warn_unused_result));

#endif
