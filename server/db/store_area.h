/*
 * store_area.h — the statements of the area command (server/cmd/cmd_area.c):
 * list the areas, create one, rename it, change its reset interval.
 */
#ifndef KEEP_STORE_AREA_H
#define KEEP_STORE_AREA_H

#include "db/store.h"

struct buf;

/* The bounds of an area's reset interval (areas.reset_secs's CHECK). */
#define STORE_AREA_RESET_MIN	5
#define STORE_AREA_RESET_MAX	86400
/* The longest area name, in characters. */
#define STORE_AREA_NAME_MAX	80

/* One line per area (id, name, reset interval, rooms) into out. */
enum store_rc	store_area_list(struct store *, struct buf *out)
		    STORE_MUST_CHECK;
/* Create area id; STORE_NONE if it already exists. */
enum store_rc	store_area_new(struct store *, const char *id,
		    const char *name) STORE_MUST_CHECK;
/* Rename area id; STORE_NONE if there is no such area. */
enum store_rc	store_area_set_name(struct store *, const char *id,
		    const char *name) STORE_MUST_CHECK;
/* Set area id's reset interval; STORE_NONE if there is no such area. */
enum store_rc	store_area_set_reset(struct store *, const char *id,
		    int secs) STORE_MUST_CHECK;
/* Whether the character may build everywhere (build_areas NULL). */
enum store_rc	store_area_unrestricted(struct store *, int64_t char_id,
		    bool *yes) STORE_MUST_CHECK;

#endif
