/*
 * map.c — the world map of crowd mode, read with jansson from the world
 * files keepd load-world reads (the .json files of db/world: "rooms" with
 * "id", "title" and "exits").  Only used at start-up and while bots walk to
 * their rooms, so plain arrays and linear searches are enough.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "map.h"

const char *const map_dirs[MAP_DIRS] = {
	"north", "east", "south", "west", "up", "down"
};

/* The index of a direction name, or -1. */
int
map_dir(const char *name, size_t len)
{
	for (int d = 0; d < MAP_DIRS; d++) {
		if (strlen(map_dirs[d]) == len &&
		    memcmp(map_dirs[d], name, len) == 0)
			return d;
	}
	return -1;
}

/* Order rooms by id. */
static int
map_cmp(const void *a, const void *b)
{
	const struct map_room	*ra = a, *rb = b;

	return (ra->id > rb->id) - (ra->id < rb->id);
}

/* Add the rooms of one parsed world file. */
static bool
map_add_file(struct map *m, json_t *root, size_t *cap)
{
	json_t		*rooms = json_object_get(root, "rooms"), *r, *exits;
	json_t		*to;
	const char	*dir;
	size_t		 i;
	int		 d;

	if (!json_is_array(rooms))
		return true;
	json_array_foreach(rooms, i, r) {
		struct map_room	*mr;

		if (!json_is_integer(json_object_get(r, "id")))
			continue;
		if (m->n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			m->rooms = realloc(m->rooms, *cap * sizeof *m->rooms);
			if (m->rooms == NULL)
				return false;
		}
		mr = &m->rooms[m->n++];
		memset(mr, 0, sizeof *mr);
		mr->id = (int32_t)json_integer_value(json_object_get(r, "id"));
		snprintf(mr->title, sizeof mr->title, "%s",
		    json_string_value(json_object_get(r, "title")) ?
		    json_string_value(json_object_get(r, "title")) : "");
		exits = json_object_get(r, "exits");
		json_object_foreach(exits, dir, to) {
			d = map_dir(dir, strlen(dir));
			if (d >= 0 && json_is_integer(to))
				mr->exit[d] = (int32_t)json_integer_value(to);
		}
	}
	return true;
}

/* Read every *.json world file of dir. */
bool
map_load(struct map *m, const char *dir, char *err, size_t errsz)
{
	DIR		*dp = opendir(dir);
	struct dirent	*de;
	size_t		 cap = 0, len;
	char		 path[4096];
	json_error_t	 je;
	json_t		*root;

	memset(m, 0, sizeof *m);
	if (dp == NULL) {
		snprintf(err, errsz, "%s: cannot open the world directory",
		    dir);
		return false;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((root = json_load_file(path, 0, &je)) == NULL) {
			snprintf(err, errsz, "%s: %s", path, je.text);
			goto fail;
		}
		if (!map_add_file(m, root, &cap)) {
			json_decref(root);
			snprintf(err, errsz, "out of memory");
			goto fail;
		}
		json_decref(root);
	}
	closedir(dp);
	if (m->n == 0) {
		snprintf(err, errsz, "%s: no rooms in the world files", dir);
		return false;
	}
	qsort(m->rooms, m->n, sizeof *m->rooms, map_cmp);
	return true;
fail:
	closedir(dp);
	map_free(m);
	return false;
}

/* Free the rooms. */
void
map_free(struct map *m)
{
	free(m->rooms);
	memset(m, 0, sizeof *m);
}

/* The room with this id. */
const struct map_room *
map_room(const struct map *m, int32_t id)
{
	struct map_room	key = { .id = id };

	if (m->n == 0 || id == 0)
		return NULL;
	return bsearch(&key, m->rooms, m->n, sizeof *m->rooms, map_cmp);
}

/* The first room with this title. */
const struct map_room *
map_by_title(const struct map *m, const char *title)
{
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->rooms[i].title, title) == 0)
			return &m->rooms[i];
	}
	return NULL;
}

/* The first step of a shortest way from one room to another. */
int
map_step(const struct map *m, int32_t from, int32_t to)
{
	size_t			*queue, *first, qh = 0, qt = 0, at;
	const struct map_room	*r = map_room(m, from), *t = map_room(m, to);
	int			 step = -1;

	if (r == NULL || t == NULL || from == to)
		return -1;
	queue = calloc(m->n, sizeof *queue);
	first = calloc(m->n, sizeof *first);	/* direction + 1; 0 unseen */
	if (queue == NULL || first == NULL)
		goto done;
	at = (size_t)(r - m->rooms);
	first[at] = MAP_DIRS + 1;
	queue[qt++] = at;
	while (qh < qt && step < 0) {
		const struct map_room	*cur = &m->rooms[queue[qh++]];

		for (int d = 0; d < MAP_DIRS; d++) {
			const struct map_room	*nb = map_room(m, cur->exit[d]);
			size_t			 ni;

			if (nb == NULL || first[ni = (size_t)(nb - m->rooms)])
				continue;
			first[ni] = cur == r ? (size_t)d + 1 :
			    first[cur - m->rooms];
			if (nb == t) {
				step = (int)first[ni] - 1;
				break;
			}
			queue[qt++] = ni;
		}
	}
done:
	free(queue);
	free(first);
	return step;
}
