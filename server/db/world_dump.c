/*
 * world_dump.c — writing the world as world files.  The database builds
 * each area's document (store_ops_world_dump); here each is pretty-printed
 * with jansson (two-space indent, keys in the order given) and written to
 * a temporary file renamed over DIR/AREA.json, so a reader never sees half
 * a file.  Files of areas that no longer exist are left alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <jansson.h>

#include "db/store.h"
#include "db/store_ops.h"
#include "db/world_dump.h"

/* A dump in progress. */
struct world_dump {
	const char	*dir;
	int		 files;
	char		*err;
	size_t		 errsz;
};

/* Write one area's document to dir/area.json; false with the reason. */
static bool
world_dump_area(const char *area, const char *doc, void *arg)
{
	struct world_dump	*wd = arg;
	json_error_t		 je;
	json_t			*j;
	char			*text = NULL, path[4096], tmp[4200];
	FILE			*f;
	bool			 ok = false;

	if ((j = json_loads(doc, 0, &je)) == NULL) {
		snprintf(wd->err, wd->errsz, "area %s: %s", area, je.text);
		return false;
	}
	text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	snprintf(path, sizeof path, "%s/%s.json", wd->dir, area);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (text == NULL)
		snprintf(wd->err, wd->errsz, "area %s: cannot format", area);
	else if ((f = fopen(tmp, "w")) == NULL)
		snprintf(wd->err, wd->errsz, "%s: %s", tmp, strerror(errno));
	else {
		ok = fprintf(f, "%s\n", text) >= 0;
		ok = fclose(f) == 0 && ok;
		if (ok && rename(tmp, path) != 0)
			ok = false;
		if (!ok) {
			snprintf(wd->err, wd->errsz, "%s: %s", path,
			    strerror(errno));
			(void)remove(tmp);
		}
	}
	free(text);
	wd->files += ok;
	return ok;
}

/* Write every area to dir as AREA.json. */
bool
world_dump(struct store *s, const char *dir, int *files, char *err,
    size_t errsz)
{
	struct world_dump	wd = { .dir = dir, .err = err, .errsz = errsz };
	enum store_rc		rc;

	err[0] = '\0';
	*files = 0;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return false;
	}
	rc = store_ops_world_dump(s, world_dump_area, &wd);
	*files = wd.files;
	if (rc == STORE_ERR)
		snprintf(err, errsz, "reading the world: %s", store_error(s));
	return rc == STORE_OK;
}
