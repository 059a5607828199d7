/*
 * world_int.h — what the world loader's files share (world.c reads files,
 * checks references and writes; world_check.c checks each file's fields).
 * Private to server/db/.
 */
#ifndef KEEP_WORLD_INT_H
#define KEEP_WORLD_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "db/store_world.h"
#include "db/world.h"

#define WORLD_MAX_FILES	256
#define WORLD_INT_MAX	2147483647LL

/* Id sets, to find duplicates and dangling references. */
enum world_idset {
	WID_AREA,
	WID_ROOM,
	WID_ITEM,
	WID_NPC,
	WID_RESET,
	WID_SHOP,
	WID_COUNT
};

/*
 * A load in progress: the files, the rows per table, the id sets (id ->
 * index of the file defining it) and each item prototype's wear_slot.
 */
struct world_load {
	char			*names[WORLD_MAX_FILES];
	json_t			*docs[WORLD_MAX_FILES];
	int			 n;
	json_t			*rows[SWT_COUNT];
	json_t			*ids[WID_COUNT];
	json_t			*slots;
	int			 start_file;	/* -1: none yet */
	long long		 start_room;
	bool			 overwrite;
	char			*json[SWT_COUNT];
	struct world_counts	*counts;
	char			*err;
	size_t			 errsz;
};


/* Record an error for the caller (in wl->err); returns false. */
bool	world_fail(struct world_load *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Name an object for errors: file, section[i] and its id (idkey). */
void	world_where(char *out, size_t outsz, const char *file,
	    const char *section, size_t i, json_t *obj, const char *idkey);
/*
 * Check one file's fields (wl->docs[f]), adding its rows to wl->rows and
 * its ids to wl->ids; false with wl->err naming the file and field.
 */
bool	world_check_file(struct world_load *, int f);
/* Check one file's references, once every file has been checked. */
bool	world_check_refs(struct world_load *, int f);

#endif
