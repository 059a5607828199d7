/*
 * world.c — loading world files: read every *.json of the world directory,
 * check each (world_check.c), check the references between them, then
 * write each table with one statement, all in one transaction: a bad file
 * changes nothing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/world_int.h"
#include "ops/util.h"

/* Whether id names something in an id set; an error if not. */
static bool
world_ref(struct world_load *wl, enum world_idset set, const char *id,
    const char *where, const char *field, const char *what)
{
	if (json_object_get(wl->ids[set], id) != NULL)
		return true;
	return world_fail(wl, "%s: \"%s\" names %s \"%s\", which no world "
	    "file defines", where, field, what, id);
}

/* Check that every exit of a file leads to a room some file defines. */
static bool
world_refs_exits(struct world_load *wl, int f)
{
	json_t		*room, *to;
	const char	*dir;
	char		 where[512], key[24];
	size_t		 i;

	json_array_foreach(json_object_get(wl->docs[f], "rooms"), i, room) {
		world_where(where, sizeof where, wl->names[f], "rooms", i, room,
		    "id");
		json_object_foreach(json_object_get(room, "exits"), dir, to) {
			snprintf(key, sizeof key, "%lld",
			    (long long)json_integer_value(to));
			if (json_object_get(wl->ids[WID_ROOM], key) == NULL)
				return world_fail(wl, "%s: bad exit \"%s\": "
				    "room %s is in no world file", where, dir,
				    key);
		}
	}
	return true;
}

/* Check an NPC's inventory and equipment against the item prototypes. */
static bool
world_refs_npc(struct world_load *wl, const char *where, json_t *npc)
{
	json_t		*e, *slot, *worn = json_object(), *prev;
	const char	*id;
	size_t		 i;
	bool		 ok = true;

	json_array_foreach(json_object_get(npc, "inventory"), i, e) {
		if (!world_ref(wl, WID_ITEM, json_string_value(e), where,
		    "inventory", "item")) {
			json_decref(worn);
			return false;
		}
	}
	json_array_foreach(json_object_get(npc, "equipment"), i, e) {
		id = json_string_value(e);
		if (!(ok = world_ref(wl, WID_ITEM, id, where, "equipment",
		    "item")))
			break;
		slot = json_object_get(wl->slots, id);
		if (!json_is_string(slot)) {
			ok = world_fail(wl, "%s: \"equipment\" item \"%s\" has "
			    "no \"wear_slot\"", where, id);
			break;
		}
		if ((prev = json_object_get(worn, json_string_value(slot))) !=
		    NULL) {
			ok = world_fail(wl, "%s: \"equipment\" items \"%s\" "
			    "and \"%s\" are both worn in slot %s", where,
			    json_string_value(prev), id,
			    json_string_value(slot));
			break;
		}
		json_object_set(worn, json_string_value(slot), e);
	}
	json_decref(worn);
	return ok;
}

/* Check a reset's prototype and room. */
static bool
world_refs_reset(struct world_load *wl, int f, const char *where,
    json_t *reset)
{
	json_t	*npc = json_object_get(reset, "npc");
	json_t	*item = json_object_get(reset, "item");
	json_t	*in;
	char	 key[24];

	if (npc != NULL && !world_ref(wl, WID_NPC, json_string_value(npc),
	    where, "npc", "NPC"))
		return false;
	if (item != NULL && !world_ref(wl, WID_ITEM, json_string_value(item),
	    where, "item", "item"))
		return false;
	snprintf(key, sizeof key, "%lld",
	    (long long)json_integer_value(json_object_get(reset, "room")));
	in = json_object_get(wl->ids[WID_ROOM], key);
	if (in == NULL)
		return world_fail(wl, "%s: \"room\" %s is in no world file",
		    where, key);
	if (json_integer_value(in) != f)
		return world_fail(wl, "%s: \"room\" %s is in %s, but a reset "
		    "must be in its own area", where, key,
		    wl->names[json_integer_value(in)]);
	return true;
}

/* Check a shop's keeper and stock. */
static bool
world_refs_shop(struct world_load *wl, const char *where, json_t *shop)
{
	json_t	*line;
	size_t	 i;

	if (!world_ref(wl, WID_NPC, json_string_value(json_object_get(shop,
	    "npc")), where, "npc", "NPC"))
		return false;
	json_array_foreach(json_object_get(shop, "stock"), i, line) {
		if (!world_ref(wl, WID_ITEM, json_string_value(
		    json_object_get(line, "item")), where, "stock", "item"))
			return false;
	}
	return true;
}

/* Check every reference of one file, now that all files are read. */
bool
world_check_refs(struct world_load *wl, int f)
{
	json_t	*doc = wl->docs[f], *o;
	char	 where[512];
	size_t	 i;

	if (!world_refs_exits(wl, f))
		return false;
	json_array_foreach(json_object_get(doc, "npcs"), i, o) {
		world_where(where, sizeof where, wl->names[f], "npcs", i, o,
		    "id");
		if (!world_refs_npc(wl, where, o))
			return false;
	}
	json_array_foreach(json_object_get(doc, "resets"), i, o) {
		world_where(where, sizeof where, wl->names[f], "resets", i, o,
		    "id");
		if (!world_refs_reset(wl, f, where, o))
			return false;
	}
	json_array_foreach(json_object_get(doc, "shops"), i, o) {
		world_where(where, sizeof where, wl->names[f], "shops", i, o,
		    "npc");
		if (!world_refs_shop(wl, where, o))
			return false;
	}
	return true;
}

/* Only *.json files, read in name order. */
static int
world_json_filter(const struct dirent *de)
{
	size_t	len = strlen(de->d_name);

	return de->d_name[0] != '.' && len > 5 &&
	    strcmp(de->d_name + len - 5, ".json") == 0;
}

/* Read and check every *.json in dir into wl. */
static bool
world_read(struct world_load *wl, const char *dir)
{
	struct dirent	**list;
	json_error_t	  je;
	char		  path[4096];
	int		  n, i;
	bool		  ok = true;

	if ((n = scandir(dir, &list, world_json_filter, alphasort)) < 0)
		return world_fail(wl, "%s: cannot open the world directory",
		    dir);
	if (n == 0)
		ok = world_fail(wl, "%s: no world files (*.json)", dir);
	else if (n > WORLD_MAX_FILES)
		ok = world_fail(wl, "%s: more than %d world files", dir,
		    WORLD_MAX_FILES);
	for (i = 0; ok && i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		wl->names[wl->n] = xstrdup(path);
		wl->docs[wl->n] = json_load_file(path, JSON_REJECT_DUPLICATES,
		    &je);
		if (wl->docs[wl->n++] == NULL)
			ok = world_fail(wl, "%s: line %d: %s", path, je.line,
			    je.text);
		else
			ok = world_check_file(wl, wl->n - 1);
	}
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	for (i = 0; ok && i < wl->n; i++)
		ok = world_check_refs(wl, i);
	return ok;
}

/* Write every table, in dependency order. */
static enum tx_rc
world_write_tx(struct store *s, void *arg)
{
	struct world_load	*wl = arg;
	int			 ins, upd;

	wl->counts->inserted = wl->counts->updated = wl->counts->created = 0;
	for (int t = 0; t < SWT_COUNT; t++) {
		if (json_array_size(wl->rows[t]) == 0)
			continue;
		if (store_world_upsert(s, (enum store_world_table)t,
		    wl->json[t], wl->overwrite, &ins, &upd) != STORE_OK)
			return TX_ERROR;
		wl->counts->inserted += ins;
		wl->counts->updated += upd;
		if (t == SWT_ROOMS)
			wl->counts->created = ins;
	}
	return TX_COMMIT;
}

/* Fill in what the files hold. */
static void
world_count(struct world_load *wl)
{
	struct world_counts	*c = wl->counts;

	memset(c, 0, sizeof *c);
	c->files = wl->n;
	c->areas = (int)json_array_size(wl->rows[SWT_AREAS]);
	c->rooms = (int)json_array_size(wl->rows[SWT_ROOMS]);
	c->exits = (int)json_array_size(wl->rows[SWT_EXITS]);
	c->items = (int)json_array_size(wl->rows[SWT_ITEM_PROTOS]);
	c->npcs = (int)json_array_size(wl->rows[SWT_NPC_PROTOS]);
	c->resets = (int)json_array_size(wl->rows[SWT_RESETS]);
	c->shops = (int)json_array_size(wl->rows[SWT_SHOPS]);
	c->stock = (int)json_array_size(wl->rows[SWT_SHOP_STOCK]);
}

/* Load every *.json in dir in one transaction. */
bool
world_load(struct store *s, const char *dir, bool overwrite,
    struct world_counts *counts, char *err, size_t errsz)
{
	struct world_load	 wl = { .overwrite = overwrite,
				    .start_file = -1, .counts = counts,
				    .err = err, .errsz = errsz };
	bool			 ok = false;
	int			 i;

	err[0] = '\0';
	memset(counts, 0, sizeof *counts);
	for (i = 0; i < SWT_COUNT; i++)
		wl.rows[i] = json_array();
	for (i = 0; i < WID_COUNT; i++)
		wl.ids[i] = json_object();
	wl.slots = json_object();
	if (world_read(&wl, dir)) {
		world_count(&wl);
		for (i = 0; i < SWT_COUNT; i++)
			wl.json[i] = json_dumps(wl.rows[i], JSON_COMPACT);
		if (store_tx(s, false, 3, world_write_tx, &wl) == TXR_COMMITTED)
			ok = true;
		else
			snprintf(err, errsz, "loading the world: %s",
			    store_error(s));
	}
	for (i = 0; i < SWT_COUNT; i++) {
		json_decref(wl.rows[i]);
		free(wl.json[i]);
	}
	for (i = 0; i < WID_COUNT; i++)
		json_decref(wl.ids[i]);
	json_decref(wl.slots);
	for (i = 0; i < wl.n; i++) {
		json_decref(wl.docs[i]);
		free(wl.names[i]);
	}
	return ok;
}
