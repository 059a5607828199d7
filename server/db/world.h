/*
 * world.h — loading world content (db/world/NAME.json) into the database.
 * Loading is idempotent: rooms and exits that exist are left as they are
 * (so edits made in the game or with psql survive), unless overwrite.
 */
#ifndef KEEP_WORLD_H
#define KEEP_WORLD_H

#include <stdbool.h>
#include <stddef.h>

struct store;

struct world_counts {
	int	files;
	int	rooms;		/* rooms in the files */
	int	created;	/* rooms that were new */
	int	exits;
};

/* Load every *.json in dir in one transaction; err names file and field. */
bool	world_load(struct store *, const char *dir, bool overwrite,
	    struct world_counts *, char *err, size_t errsz)
	    __attribute__((warn_unused_result));

#endif
