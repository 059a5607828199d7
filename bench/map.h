/*
 * map.h — the world map keep-bench reads from the world files (rooms,
 * titles, exits), so that crowd mode can walk bots to the rooms it was
 * given and move them only between those.
 */
#ifndef KEEP_BENCH_MAP_H
#define KEEP_BENCH_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAP_DIRS	6	/* north, east, south, west, up, down */
#define MAP_TITLE	80

struct map_room {
	int32_t	id;
	int32_t	exit[MAP_DIRS];		/* 0 = none */
	char	title[MAP_TITLE];
};

struct map {
	struct map_room	*rooms;		/* sorted by id */
	size_t		 n;
};

extern const char *const map_dirs[MAP_DIRS];

/* Read every *.json world file of dir; false with a message in err. */
bool			 map_load(struct map *, const char *dir, char *err,
			    size_t errsz);
/* Free the rooms. */
void			 map_free(struct map *);
/* The room with this id, or NULL. */
const struct map_room	*map_room(const struct map *, int32_t id);
/* The first room with this title, or NULL. */
const struct map_room	*map_by_title(const struct map *, const char *title);
/* The direction of the first step from one room to another (breadth
 * first), or -1 when there is no way. */
int			 map_step(const struct map *, int32_t from, int32_t to);
/* The index of a direction name, or -1. */
int			 map_dir(const char *name, size_t len);

#endif
