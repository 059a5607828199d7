/*
 * world.c — parse world files with jansson and write them through the store
 * in one transaction: a bad file changes nothing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db/store.h"
#include "db/world.h"
#include "ops/util.h"

#define WORLD_MAX_FILES	256

static const char *world_dirs[] = {
	"north", "east", "south", "west", "up", "down"
};

struct world_load {
	json_t			*docs[WORLD_MAX_FILES];
	char			*names[WORLD_MAX_FILES];
	int			 n;
	bool			 overwrite;
	struct world_counts	*counts;
	char			*err;
	size_t			 errsz;
};

/* Whether s is one of the six exit directions. */
static bool
world_dir_valid(const char *s)
{
	for (size_t i = 0; i < nitems(world_dirs); i++) {
		if (strcmp(s, world_dirs[i]) == 0)
			return true;
	}
	return false;
}

/* Check one room object's fields; false with err naming the room. */
static bool
world_check_room(const char *file, size_t i, json_t *room, char *err,
    size_t errsz)
{
	json_t		*id = json_object_get(room, "id");
	json_t		*exits = json_object_get(room, "exits");
	const char	*dir;
	json_t		*to;

	if (!json_is_integer(id) || json_integer_value(id) <= 0 ||
	    json_integer_value(id) > 2147483647) {
		snprintf(err, errsz, "%s: room %zu: \"id\" must be a positive "
		    "integer", file, i);
		return false;
	}
	if (!json_is_string(json_object_get(room, "title")) ||
	    !json_is_string(json_object_get(room, "description"))) {
		snprintf(err, errsz, "%s: room %lld: \"title\" and "
		    "\"description\" must be strings", file,
		    (long long)json_integer_value(id));
		return false;
	}
	if (exits != NULL && !json_is_object(exits)) {
		snprintf(err, errsz, "%s: room %lld: \"exits\" must be an "
		    "object", file, (long long)json_integer_value(id));
		return false;
	}
	json_object_foreach(exits, dir, to) {
		if (!world_dir_valid(dir) || !json_is_integer(to)) {
			snprintf(err, errsz, "%s: room %lld: bad exit \"%s\"",
			    file, (long long)json_integer_value(id), dir);
			return false;
		}
	}
	return true;
}

/* Check a whole document's shape before anything is written. */
static bool
world_check(const char *file, json_t *doc, char *err, size_t errsz)
{
	json_t	*rooms = json_object_get(doc, "rooms");
	json_t	*room;
	size_t	 i;

	if (!json_is_object(doc) ||
	    !json_is_string(json_object_get(doc, "area")) ||
	    !json_is_array(rooms)) {
		snprintf(err, errsz, "%s: must be an object with \"area\" "
		    "(string) and \"rooms\" (array)", file);
		return false;
	}
	json_array_foreach(rooms, i, room) {
		if (!json_is_object(room)) {
			snprintf(err, errsz, "%s: room %zu is not an object",
			    file, i);
			return false;
		}
		if (!world_check_room(file, i, room, err, errsz))
			return false;
	}
	return true;
}

/* Write the rooms of every document, then their exits. */
static enum tx_rc
world_write_tx(struct store *s, void *arg)
{
	struct world_load	*wl = arg;
	json_t			*room, *to;
	const char		*dir;
	size_t			 i;
	bool			 created;

	memset(wl->counts, 0, sizeof *wl->counts);
	wl->counts->files = wl->n;
	for (int f = 0; f < wl->n; f++) {
		const char	*area = json_string_value(
				    json_object_get(wl->docs[f], "area"));

		json_array_foreach(json_object_get(wl->docs[f], "rooms"), i,
		    room) {
			if (store_room_upsert(s,
			    (int32_t)json_integer_value(json_object_get(room,
			    "id")), area,
			    json_string_value(json_object_get(room, "title")),
			    json_string_value(json_object_get(room,
			    "description")),
			    json_is_true(json_object_get(room, "start")),
			    wl->overwrite, &created) != STORE_OK)
				goto fail;
			wl->counts->rooms++;
			wl->counts->created += created;
		}
	}
	for (int f = 0; f < wl->n; f++) {
		json_array_foreach(json_object_get(wl->docs[f], "rooms"), i,
		    room) {
			int32_t	id = (int32_t)json_integer_value(
				    json_object_get(room, "id"));

			json_object_foreach(json_object_get(room, "exits"),
			    dir, to) {
				if (store_exit_upsert(s, id, dir,
				    (int32_t)json_integer_value(to),
				    wl->overwrite) != STORE_OK)
					goto fail;
				wl->counts->exits++;
			}
		}
	}
	return TX_COMMIT;
fail:
	snprintf(wl->err, wl->errsz, "loading the world: %s", store_error(s));
	return TX_ERROR;
}

/* Read and check every *.json in dir into wl. */
static bool
world_read(struct world_load *wl, const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	json_error_t	 je;
	char		 path[4096];
	size_t		 len;

	if (d == NULL) {
		snprintf(wl->err, wl->errsz, "%s: cannot open the world "
		    "directory", dir);
		return false;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (wl->n == WORLD_MAX_FILES) {
			snprintf(wl->err, wl->errsz, "%s: too many files", dir);
			break;
		}
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		wl->names[wl->n] = xstrdup(path);
		wl->docs[wl->n] = json_load_file(path, JSON_REJECT_DUPLICATES,
		    &je);
		if (wl->docs[wl->n] == NULL) {
			snprintf(wl->err, wl->errsz, "%s: line %d: %s", path,
			    je.line, je.text);
			wl->n++;
			break;
		}
		if (!world_check(path, wl->docs[wl->n++], wl->err, wl->errsz))
			break;
	}
	closedir(d);
	if (wl->err[0] == '\0' && wl->n == 0)
		snprintf(wl->err, wl->errsz, "%s: no world files (*.json)",
		    dir);
	return wl->err[0] == '\0';
}

/* Load every *.json in dir in one transaction. */
bool
world_load(struct store *s, const char *dir, bool overwrite,
    struct world_counts *counts, char *err, size_t errsz)
{
	struct world_load	 wl = { .overwrite = overwrite,
				    .counts = counts, .err = err,
				    .errsz = errsz };
	bool			 ok = false;

	err[0] = '\0';
	if (world_read(&wl, dir)) {
		if (store_tx(s, false, 3, world_write_tx, &wl) == TXR_COMMITTED)
			ok = true;
		else if (err[0] == '\0')
			snprintf(err, errsz, "loading the world: %s",
			    store_error(s));
	}
	for (int i = 0; i < wl.n; i++) {
		json_decref(wl.docs[i]);
		free(wl.names[i]);
	}
	return ok;
}
