/*
 * store_area.c — the areas table for the area command.  Each write names
 * only the column it changes; a duplicate create is ON CONFLICT DO NOTHING,
 * so two builders racing for one id get one row and one refusal.
 */
#include <stdio.h>

#include "db/store_area.h"
#include "db/store_build.h"
#include "db/store_int.h"

static struct store_stmt st_area_list = {
	"area_list",
	"SELECT format('  %-16s %-30s reset %5ss  %s rooms', a.id, a.name,"
	"  a.reset_secs, (SELECT count(*) FROM rooms r WHERE r.area = a.id))"
	" FROM areas a ORDER BY a.id", 0, 0
};

/* One line per area into out. */
enum store_rc
store_area_list(struct store *s, struct buf *out)
{
	return store_build_lines(s, &st_area_list, NULL, out, NULL);
}

static struct store_stmt st_area_new = {
	"area_new",
	"INSERT INTO areas (id, name) VALUES ($1, $2)"
	" ON CONFLICT (id) DO NOTHING", 2, 0
};

/* Create area id; STORE_NONE if it exists. */
enum store_rc
store_area_new(struct store *s, const char *id, const char *name)
{
	const char	*p[] = { id, name };

	return store_exec_changed(s, &st_area_new, p);
}

static struct store_stmt st_area_set_name = {
	"area_set_name", "UPDATE areas SET name = $2 WHERE id = $1", 2, 0
};

/* Rename area id. */
enum store_rc
store_area_set_name(struct store *s, const char *id, const char *name)
{
	const char	*p[] = { id, name };

	return store_exec_changed(s, &st_area_set_name, p);
}

static struct store_stmt st_area_set_reset = {
	"area_set_reset",
	"UPDATE areas SET reset_secs = $2::integer WHERE id = $1", 2, 0
};

/* Set area id's reset interval. */
enum store_rc
store_area_set_reset(struct store *s, const char *id, int secs)
{
	const char	*p[] = { id, STORE_NUM(secs) };

	return store_exec_changed(s, &st_area_set_reset, p);
}

static struct store_stmt st_area_unrestricted = {
	"area_unrestricted",
	"SELECT build_areas IS NULL FROM characters WHERE id = $1", 1, 0
};

/* Whether the character's build_areas is NULL (every area). */
enum store_rc
store_area_unrestricted(struct store *s, int64_t char_id, bool *yes)
{
	const char	*p[] = { STORE_NUM(char_id) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	*yes = false;
	if ((res = store_exec(s, &st_area_unrestricted, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		*yes = store_get_bool(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}
