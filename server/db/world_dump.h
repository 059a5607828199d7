/*
 * world_dump.h — `keepd world dump DIR`: the world in the database written
 * as world files (one per area, DIR/AREA.json) in the format `keepd
 * load-world` reads (docs/world.md), so what builders made in the game can
 * be reviewed and committed (docs/ops.md).
 */
#ifndef KEEP_WORLD_DUMP_H
#define KEEP_WORLD_DUMP_H

#include <stdbool.h>
#include <stddef.h>

struct store;

/*
 * Write every area to dir (made if missing) as AREA.json, pretty-printed
 * in a stable order; *files gets how many.  false with the reason in err.
 */
bool	world_dump(struct store *, const char *dir, int *files, char *err,
	    size_t errsz) __attribute__((warn_unused_result));

#endif
