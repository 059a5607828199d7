/*
 * world.h — loading world content (db/world/NAME.json: an area with its
 * rooms, exits, item and NPC prototypes, resets and shops) into the
 * database.  Every file is checked first (errors name the file and the
 * field), then everything is written in one transaction: a bad file
 * changes nothing.  Loading is idempotent: rows that exist are left as
 * they are (so edits made in the game or with psql survive), unless
 * overwrite, which updates the rows that differ.  The format is in
 * docs/world.md.
 */
#ifndef KEEP_WORLD_H
#define KEEP_WORLD_H

#include <stdbool.h>
#include <stddef.h>

struct store;

struct world_counts {
	int	files;
	int	areas;		/* what the files hold... */
	int	rooms;
	int	exits;
	int	items;		/* item prototypes */
	int	npcs;		/* NPC prototypes */
	int	resets;
	int	shops;
	int	stock;		/* shop stock lines */
	int	created;	/* rooms that were new */
	int	inserted;	/* rows inserted, all tables */
	int	updated;	/* rows updated (overwrite only) */
};

/* Load every *.json in dir in one transaction; err names file and field. */
bool	world_load(struct store *, const char *dir, bool overwrite,
	    struct world_counts *, char *err, size_t errsz)
	    __attribute__((warn_unused_result));

#endif
