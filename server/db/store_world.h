/*
 * store_world.h — the SQL of world content: loading areas, prototypes,
 * rooms, exits, resets and shops from world files (set-based, one statement
 * per table), and area resets (spawning NPCs and items, restocking shops).
 */
#ifndef KEEP_STORE_WORLD_H
#define KEEP_STORE_WORLD_H

#include <stdbool.h>

#include "db/store.h"

/* The tables a world file loads, in the order they must be written. */
enum store_world_table {
	SWT_AREAS,
	SWT_ITEM_PROTOS,
	SWT_NPC_PROTOS,
	SWT_NPC_GEAR,		/* one row per NPC: its gear lists */
	SWT_ROOMS,
	SWT_EXITS,
	SWT_RESETS,
	SWT_SHOPS,
	SWT_SHOP_STOCK,
	SWT_COUNT
};

/* What one reset run made. */
struct store_reset_counts {
	int	npcs;		/* NPCs spawned */
	int	gear;		/* items given to carry or wear */
	int	items;		/* items put in rooms */
	int	stock;		/* items added to shopkeepers' stock */
};

/*
 * Write rows (a JSON array of objects whose keys are the table's columns)
 * into table: insert the new ones, leave existing ones alone, or update
 * those that differ when overwrite.  *inserted and *updated get the counts.
 * SWT_NPC_GEAR rows are {npc_proto, equipment: [ids], inventory: [ids]},
 * written as npc_proto_gear lines; overwrite replaces each NPC's lists
 * (lines past the file's end are deleted and counted as updated).
 */
enum store_rc	 store_world_upsert(struct store *, enum store_world_table,
		    const char *rows_json, bool overwrite, int *inserted,
		    int *updated) STORE_MUST_CHECK;

/*
 * Claim every area whose reset is due, moving its next reset reset_secs
 * ahead.  *areas gets the claimed ids as a PostgreSQL array literal
 * ("{town,wilds}"), allocated; the caller frees it.  *n gets how many.
 */
enum store_rc	 store_reset_claim(struct store *, char **areas, int *n)
		    STORE_MUST_CHECK;
/*
 * Spawn the missing NPCs of the areas' resets, with full hp, their
 * prototype's coins, inventory and worn equipment.
 */
enum store_rc	 store_reset_npcs(struct store *, const char *areas,
		    int *npcs, int *gear) STORE_MUST_CHECK;
/* Put the missing items of the areas' item resets back in their rooms. */
enum store_rc	 store_reset_items(struct store *, const char *areas,
		    int *n) STORE_MUST_CHECK;
/* Restock the live shopkeepers of the areas up to their stock counts. */
enum store_rc	 store_reset_stock(struct store *, const char *areas,
		    int *n) STORE_MUST_CHECK;

#endif
