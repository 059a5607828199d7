/*
 * world_check.c — the fields of world files: a declarative table per kind
 * of object (key, column, type, bounds, default), checked one file at a
 * time.  Each object becomes a row with its columns (defaults filled in)
 * for the table it loads into; errors name the file, the object and the
 * field.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/wear_slot.h"
#include "db/world_int.h"
#include "ops/util.h"

/* What a field holds. */
enum wf_type {
	WF_STR,
	WF_INT,
	WF_BOOL,
	WF_STRS,	/* an array of strings */
	WF_SKIP		/* allowed here, checked by hand */
};

/* What a string field must look like. */
enum wf_pat {
	WP_TEXT,	/* min..max bytes, no control characters */
	WP_ID,		/* a prototype id */
	WP_AREA,	/* an area id */
	WP_WORDS,	/* keywords */
	WP_ONEOF	/* one of a list */
};

/* One field of a world file object and the column it loads into. */
struct wf {
	const char		*key;
	const char		*col;	/* NULL: not a column */
	enum wf_type		 type;
	bool			 required;
	long long		 min, max;	/* value, or text length */
	long long		 def;		/* optional int or bool */
	enum wf_pat		 pat;
	const char *const	*oneof;
};

#define F_TEXT(k, c, lo, hi)						\
	{ .key = k, .col = c, .type = WF_STR, .required = true,		\
	  .min = lo, .max = hi, .pat = WP_TEXT }
#define F_PAT(k, c, req, p)						\
	{ .key = k, .col = c, .type = WF_STR, .required = req, .pat = p }
#define F_ONE(k, req, list)						\
	{ .key = k, .col = k, .type = WF_STR, .required = req,		\
	  .pat = WP_ONEOF, .oneof = list }
#define F_INT(k, c, req, lo, hi, d)					\
	{ .key = k, .col = c, .type = WF_INT, .required = req,		\
	  .min = lo, .max = hi, .def = d }
#define F_BOOL(k, c)							\
	{ .key = k, .col = c, .type = WF_BOOL }
#define F_STRS(k, p, list)						\
	{ .key = k, .col = k, .type = WF_STRS, .pat = p, .oneof = list }
#define F_SKIP(k, req)							\
	{ .key = k, .type = WF_SKIP, .required = req }

static const char *const world_types[] = {
	"weapon", "armor", "container", "food", "treasure", "light", "key",
	"misc", NULL
};
static const char *const world_dirs[] = {
	"north", "east", "south", "west", "up", "down", NULL
};

static const struct wf wf_file[] = {
	F_PAT("area", "id", true, WP_AREA),
	F_TEXT("name", "name", 1, 80),
	F_INT("reset_secs", "reset_secs", false, 5, 86400, 120),
	F_SKIP("rooms", true), F_SKIP("items", false), F_SKIP("npcs", false),
	F_SKIP("resets", false), F_SKIP("shops", false),
	{ NULL }
};
static const struct wf wf_room[] = {
	F_INT("id", "id", true, 1, WORLD_INT_MAX, 0),
	F_TEXT("title", "title", 1, 80),
	F_TEXT("description", "description", 1, 4000),
	F_BOOL("start", "is_start"),
	F_SKIP("exits", false),
	{ NULL }
};
static const struct wf wf_item[] = {
	F_PAT("id", "id", true, WP_ID),
	F_TEXT("name", "name", 1, 80),
	F_PAT("keywords", "keywords", true, WP_WORDS),
	F_TEXT("long_desc", "long_desc", 1, 200),
	F_TEXT("description", "description", 1, 2000),
	F_ONE("type", true, world_types),
	F_INT("weight", "weight", false, 0, 10000, 1),
	F_INT("value", "value", false, 0, 100000000, 0),
	F_ONE("wear_slot", false, wear_slot_names),
	F_INT("damage_min", "damage_min", false, 0, 10000, 0),
	F_INT("damage_max", "damage_max", false, 0, 10000, 0),
	F_INT("armor", "armor", false, 0, 100, 0),
	F_INT("capacity", "capacity", false, 0, 10000, 0),
	{ NULL }
};
static const struct wf wf_npc[] = {
	F_PAT("id", "id", true, WP_ID),
	F_TEXT("name", "name", 1, 80),
	F_PAT("keywords", "keywords", true, WP_WORDS),
	F_TEXT("long_desc", "long_desc", 1, 200),
	F_TEXT("description", "description", 1, 2000),
	F_INT("level", "level", false, 1, 100, 1),
	F_INT("max_hp", "max_hp", false, 1, 1000000, 10),
	F_INT("damage_min", "damage_min", false, 0, 10000, 1),
	F_INT("damage_max", "damage_max", false, 0, 10000, 3),
	F_INT("armor", "armor", false, 0, 100, 0),
	F_INT("coins", "coins", false, 0, 1000000000, 0),
	F_BOOL("aggressive", "aggressive"),
	F_BOOL("wanders", "wanders"),
	F_STRS("inventory", WP_ID, NULL),
	F_STRS("equipment", WP_ID, NULL),
	{ NULL }
};
static const struct wf wf_reset[] = {
	F_INT("id", "id", true, 1, WORLD_INT_MAX, 0),
	F_PAT("npc", "npc_proto", false, WP_ID),
	F_PAT("item", "item_proto", false, WP_ID),
	F_INT("room", "room_id", true, 1, WORLD_INT_MAX, 0),
	F_INT("max", "max_count", false, 1, 100, 1),
	{ NULL }
};
static const struct wf wf_shop[] = {
	F_PAT("npc", "npc_proto", true, WP_ID),
	F_INT("buy_percent", "buy_percent", false, 100, 1000, 120),
	F_INT("sell_percent", "sell_percent", false, 1, 100, 50),
	F_STRS("buys_types", WP_ONEOF, world_types),
	F_BOOL("heals", "heals"),
	F_INT("heal_price", "heal_price", false, 0, 1000000, 0),
	F_SKIP("stock", false),
	{ NULL }
};
static const struct wf wf_stock[] = {
	F_PAT("item", "item_proto", true, WP_ID),
	F_INT("max", "max_count", false, 1, 100, 3),
	{ NULL }
};


/* Record an error for the caller; returns false. */
bool
world_fail(struct world_load *wl, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(wl->err, wl->errsz, fmt, ap);
	va_end(ap);
	return false;
}

/* Name an object for errors: file, section, index and id. */
void
world_where(char *out, size_t outsz, const char *file, const char *section,
    size_t i, json_t *obj, const char *idkey)
{
	json_t	*id = json_object_get(obj, idkey);

	if (json_is_integer(id))
		snprintf(out, outsz, "%s: %s[%zu] (id %lld)", file, section, i,
		    (long long)json_integer_value(id));
	else if (json_is_string(id))
		snprintf(out, outsz, "%s: %s[%zu] (\"%.48s\")", file, section,
		    i, json_string_value(id));
	else
		snprintf(out, outsz, "%s: %s[%zu]", file, section, i);
}

/* Whether s is in the NULL-terminated list. */
static bool
world_oneof(const char *s, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(s, *list) == 0)
			return true;
	}
	return false;
}

/* Whether s is a lower-case letter then up to max-1 of [a-z0-9_]. */
static bool
world_id_ok(const char *s, size_t max)
{
	size_t	n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");

	return s[0] >= 'a' && s[0] <= 'z' && s[n] == '\0' && n <= max;
}

/* Whether s is lower-case words separated by single spaces. */
static bool
world_words_ok(const char *s)
{
	size_t	n;

	for (;;) {
		n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
		if (n == 0)
			return false;
		s += n;
		if (*s == '\0')
			return true;
		if (*s++ != ' ')
			return false;
	}
}

/* Check one string value of field f (named name in errors). */
static bool
world_str(struct world_load *wl, const char *where, const struct wf *f,
    const char *name, json_t *v)
{
	const char	*s = json_string_value(v);
	size_t		 len = json_string_length(v);
	char		 list[256] = "";

	if (f->pat == WP_TEXT && (s == NULL || (long long)len < f->min ||
	    (long long)len > f->max))
		return world_fail(wl, "%s: \"%s\" must be a string of %lld to "
		    "%lld characters", where, name, f->min, f->max);
	if (s == NULL)
		return world_fail(wl, "%s: \"%s\" must be a string", where,
		    name);
	switch (f->pat) {
	case WP_TEXT:
		for (size_t i = 0; i < len; i++) {
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return world_fail(wl, "%s: \"%s\" must not "
				    "contain control characters", where, name);
		}
		return true;
	case WP_ID:
	case WP_AREA:
		if (world_id_ok(s, f->pat == WP_ID ? 48 : 32))
			return true;
		return world_fail(wl, "%s: \"%s\" must be an id: a lower-case "
		    "letter, then at most %d lower-case letters, digits or _",
		    where, name, f->pat == WP_ID ? 47 : 31);
	case WP_WORDS:
		if (len <= 200 && world_words_ok(s))
			return true;
		return world_fail(wl, "%s: \"%s\" must be lower-case words "
		    "separated by single spaces", where, name);
	case WP_ONEOF:
		if (world_oneof(s, f->oneof))
			return true;
		for (const char *const *o = f->oneof; *o != NULL; o++) {
			strncat(list, *o, sizeof list - strlen(list) - 3);
			if (o[1] != NULL)
				strcat(list, ", ");
		}
		return world_fail(wl, "%s: \"%s\" must be one of: %s", where,
		    name, list);
	}
	return true;
}

/* Check one field's value (NULL when absent); put its column into row. */
static bool
world_field(struct world_load *wl, const char *where, const struct wf *f,
    json_t *v, json_t *row)
{
	json_t	*out = NULL, *e;
	char	 name[64];
	size_t	 i;

	if (v == NULL && f->required)
		return world_fail(wl, "%s: \"%s\" is missing", where, f->key);
	switch (f->type) {
	case WF_SKIP:
		return true;
	case WF_INT:
		if (v != NULL && (!json_is_integer(v) ||
		    json_integer_value(v) < f->min ||
		    json_integer_value(v) > f->max))
			return world_fail(wl, "%s: \"%s\" must be an integer "
			    "from %lld to %lld", where, f->key, f->min, f->max);
		out = json_integer(v != NULL ? json_integer_value(v) : f->def);
		break;
	case WF_BOOL:
		if (v != NULL && !json_is_boolean(v))
			return world_fail(wl, "%s: \"%s\" must be true or "
			    "false", where, f->key);
		out = json_boolean(v != NULL ? json_is_true(v) : f->def != 0);
		break;
	case WF_STR:
		if (v != NULL && !world_str(wl, where, f, f->key, v))
			return false;
		out = v != NULL ? json_incref(v) : json_null();
		break;
	case WF_STRS:
		if (v != NULL && !json_is_array(v))
			return world_fail(wl, "%s: \"%s\" must be an array of "
			    "strings", where, f->key);
		json_array_foreach(v, i, e) {
			snprintf(name, sizeof name, "%s[%zu]", f->key, i);
			if (!world_str(wl, where, f, name, e))
				return false;
		}
		out = v != NULL ? json_incref(v) : json_array();
		break;
	}
	json_object_set_new(row, f->col, out);
	return true;
}

/* Check an object against its field table, building its row. */
static bool
world_fields(struct world_load *wl, const char *where, json_t *obj,
    const struct wf *fields, json_t *row)
{
	const char		*key;
	const struct wf		*f;
	json_t			*v;

	if (!json_is_object(obj))
		return world_fail(wl, "%s: must be an object", where);
	/* Keys starting with _ are comments. */
	json_object_foreach(obj, key, v) {
		for (f = fields; f->key != NULL; f++) {
			if (strcmp(f->key, key) == 0)
				break;
		}
		if (f->key == NULL && key[0] != '_')
			return world_fail(wl, "%s: unknown field \"%s\"",
			    where, key);
	}
	for (f = fields; f->key != NULL; f++) {
		if (!world_field(wl, where, f, json_object_get(obj, f->key),
		    row))
			return false;
	}
	return true;
}

/* Append a new row to a table (it is owned there even if checks fail). */
static json_t *
world_row(struct world_load *wl, enum store_world_table t)
{
	json_t	*row = json_object();

	json_array_append_new(wl->rows[t], row);
	return row;
}

/* Record key in an id set; a duplicate is an error naming both files. */
static bool
world_register(struct world_load *wl, enum world_idset set, const char *key,
    int file, const char *where, const char *what)
{
	json_t	*prev = json_object_get(wl->ids[set], key);

	if (prev != NULL)
		return world_fail(wl, "%s: %s %s is also defined in %s", where,
		    what, key, wl->names[json_integer_value(prev)]);
	json_object_set_new(wl->ids[set], key, json_integer(file));
	return true;
}

/* An id set's key for an integer id. */
static const char *
world_key(char *buf, size_t bufsz, json_t *row, const char *col)
{
	snprintf(buf, bufsz, "%lld",
	    (long long)json_integer_value(json_object_get(row, col)));
	return buf;
}

/* A string column of a row ("" when null). */
static const char *
world_col(json_t *row, const char *col)
{
	const char	*s = json_string_value(json_object_get(row, col));

	return s != NULL ? s : "";
}

/* Check a room's exits (targets are checked once every file is read). */
static bool
world_check_exits(struct world_load *wl, const char *where, json_t *room,
    json_int_t id)
{
	json_t		*exits = json_object_get(room, "exits");
	json_t		*to, *row;
	const char	*dir;

	if (exits != NULL && !json_is_object(exits))
		return world_fail(wl, "%s: \"exits\" must be an object of "
		    "direction: room id", where);
	json_object_foreach(exits, dir, to) {
		if (!world_oneof(dir, world_dirs))
			return world_fail(wl, "%s: bad exit \"%s\": not one of "
			    "north, east, south, west, up, down", where, dir);
		if (!json_is_integer(to) || json_integer_value(to) < 1 ||
		    json_integer_value(to) > WORLD_INT_MAX)
			return world_fail(wl, "%s: bad exit \"%s\": must be a "
			    "room id", where, dir);
		row = world_row(wl, SWT_EXITS);
		json_object_set_new(row, "room_id", json_integer(id));
		json_object_set_new(row, "direction", json_string(dir));
		json_object_set(row, "to_room", to);
	}
	return true;
}

/* Check a file's rooms. */
static bool
world_check_rooms(struct world_load *wl, int f, const char *area)
{
	json_t		*room, *row;
	char		 where[512], key[24];
	size_t		 i;

	json_array_foreach(json_object_get(wl->docs[f], "rooms"), i, room) {
		world_where(where, sizeof where, wl->names[f], "rooms", i, room,
		    "id");
		row = world_row(wl, SWT_ROOMS);
		if (!world_fields(wl, where, room, wf_room, row) ||
		    !world_register(wl, WID_ROOM, world_key(key, sizeof key,
		    row, "id"), f, where, "room"))
			return false;
		json_object_set_new(row, "area", json_string(area));
		if (json_is_true(json_object_get(row, "is_start"))) {
			if (wl->start_file >= 0)
				return world_fail(wl, "%s: only one room can "
				    "be the start room, and room %lld in %s "
				    "already is", where, wl->start_room,
				    wl->names[wl->start_file]);
			wl->start_file = f;
			wl->start_room = strtoll(key, NULL, 10);
		}
		if (!world_check_exits(wl, where, room,
		    json_integer_value(json_object_get(row, "id"))))
			return false;
	}
	return true;
}

/* Check a file's item prototypes (they belong to the file's area). */
static bool
world_check_items(struct world_load *wl, int f, const char *area)
{
	json_t		*item, *row;
	char		 where[512];
	const char	*id;
	size_t		 i;

	json_array_foreach(json_object_get(wl->docs[f], "items"), i, item) {
		world_where(where, sizeof where, wl->names[f], "items", i, item,
		    "id");
		row = world_row(wl, SWT_ITEM_PROTOS);
		if (!world_fields(wl, where, item, wf_item, row))
			return false;
		id = world_col(row, "id");
		if (strcmp(id, "corpse") == 0)
			return world_fail(wl, "%s: \"corpse\" is reserved for "
			    "the corpses deaths leave", where);
		if (!world_register(wl, WID_ITEM, id, f, where, "item"))
			return false;
		json_object_set_new(row, "area", json_string(area));
		if (strcmp(world_col(row, "type"), "weapon") == 0 &&
		    strcmp(world_col(row, "wear_slot"), "wield") != 0)
			return world_fail(wl, "%s: a weapon needs "
			    "\"wear_slot\": \"wield\"", where);
		if (strcmp(world_col(row, "type"), "container") == 0 &&
		    json_integer_value(json_object_get(row, "capacity")) == 0)
			return world_fail(wl, "%s: a container needs a "
			    "\"capacity\" above 0", where);
		if (json_integer_value(json_object_get(row, "damage_min")) >
		    json_integer_value(json_object_get(row, "damage_max")))
			return world_fail(wl, "%s: \"damage_min\" is above "
			    "\"damage_max\"", where);
		json_object_set(wl->slots, id, json_object_get(row,
		    "wear_slot"));
	}
	return true;
}

/*
 * Move an NPC row's gear lists into a row of their own (npc_proto_gear is
 * written after both prototype tables).
 */
static void
world_npc_gear(struct world_load *wl, json_t *row)
{
	json_t	*gear = world_row(wl, SWT_NPC_GEAR);

	json_object_set(gear, "npc_proto", json_object_get(row, "id"));
	json_object_set(gear, "equipment", json_object_get(row, "equipment"));
	json_object_set(gear, "inventory", json_object_get(row, "inventory"));
	json_object_del(row, "equipment");
	json_object_del(row, "inventory");
}

/* Check a file's NPC prototypes (their items are checked later). */
static bool
world_check_npcs(struct world_load *wl, int f, const char *area)
{
	json_t		*npc, *row;
	char		 where[512];
	size_t		 i;

	json_array_foreach(json_object_get(wl->docs[f], "npcs"), i, npc) {
		world_where(where, sizeof where, wl->names[f], "npcs", i, npc,
		    "id");
		row = world_row(wl, SWT_NPC_PROTOS);
		if (!world_fields(wl, where, npc, wf_npc, row) ||
		    !world_register(wl, WID_NPC, world_col(row, "id"), f, where,
		    "NPC"))
			return false;
		json_object_set_new(row, "area", json_string(area));
		world_npc_gear(wl, row);
		if (json_integer_value(json_object_get(row, "damage_min")) >
		    json_integer_value(json_object_get(row, "damage_max")))
			return world_fail(wl, "%s: \"damage_min\" is above "
			    "\"damage_max\"", where);
	}
	return true;
}

/* Check a file's resets. */
static bool
world_check_resets(struct world_load *wl, int f, const char *area)
{
	json_t		*reset, *row;
	char		 where[512], key[24];
	bool		 npc, item;
	size_t		 i;

	json_array_foreach(json_object_get(wl->docs[f], "resets"), i, reset) {
		world_where(where, sizeof where, wl->names[f], "resets", i,
		    reset, "id");
		row = world_row(wl, SWT_RESETS);
		if (!world_fields(wl, where, reset, wf_reset, row) ||
		    !world_register(wl, WID_RESET, world_key(key, sizeof key,
		    row, "id"), f, where, "reset"))
			return false;
		npc = json_object_get(reset, "npc") != NULL;
		item = json_object_get(reset, "item") != NULL;
		if (npc == item)
			return world_fail(wl, "%s: a reset needs either "
			    "\"npc\" or \"item\"%s", where,
			    npc ? ", not both" : "");
		json_object_set_new(row, "area", json_string(area));
		json_object_set_new(row, "kind", json_string(npc ? "npc" :
		    "item"));
	}
	return true;
}

/* Check one shop's stock lines. */
static bool
world_check_stock(struct world_load *wl, const char *shop_where,
    const char *npc, json_t *stock)
{
	json_t		*line, *row, *seen = json_object();
	char		 where[640];
	const char	*item;
	size_t		 i;
	bool		 ok = true;

	if (stock != NULL && !json_is_array(stock)) {
		json_decref(seen);
		return world_fail(wl, "%s: \"stock\" must be an array",
		    shop_where);
	}
	json_array_foreach(stock, i, line) {
		snprintf(where, sizeof where, "%s: stock[%zu]", shop_where, i);
		row = world_row(wl, SWT_SHOP_STOCK);
		if (!(ok = world_fields(wl, where, line, wf_stock, row)))
			break;
		json_object_set_new(row, "npc_proto", json_string(npc));
		item = world_col(row, "item_proto");
		if (json_object_get(seen, item) != NULL) {
			ok = world_fail(wl, "%s: item \"%s\" is stocked twice",
			    where, item);
			break;
		}
		json_object_set_new(seen, item, json_true());
	}
	json_decref(seen);
	return ok;
}

/* Check a file's shops. */
static bool
world_check_shops(struct world_load *wl, int f)
{
	json_t		*shop, *row;
	char		 where[512];
	size_t		 i;

	json_array_foreach(json_object_get(wl->docs[f], "shops"), i, shop) {
		world_where(where, sizeof where, wl->names[f], "shops", i, shop,
		    "npc");
		row = world_row(wl, SWT_SHOPS);
		if (!world_fields(wl, where, shop, wf_shop, row) ||
		    !world_register(wl, WID_SHOP, world_col(row, "npc_proto"),
		    f, where, "the shop of") ||
		    !world_check_stock(wl, where, world_col(row, "npc_proto"),
		    json_object_get(shop, "stock")))
			return false;
	}
	return true;
}

/* Check one file's shape, collecting its rows and ids. */
bool
world_check_file(struct world_load *wl, int f)
{
	json_t		*doc = wl->docs[f], *row;
	const char	*area;
	static const char *const arrays[] = {
		"rooms", "items", "npcs", "resets", "shops"
	};

	if (!json_is_object(doc))
		return world_fail(wl, "%s: must be a JSON object",
		    wl->names[f]);
	row = world_row(wl, SWT_AREAS);
	if (!world_fields(wl, wl->names[f], doc, wf_file, row))
		return false;
	for (size_t i = 0; i < nitems(arrays); i++) {
		json_t	*a = json_object_get(doc, arrays[i]);

		if (a != NULL && !json_is_array(a))
			return world_fail(wl, "%s: \"%s\" must be an array",
			    wl->names[f], arrays[i]);
	}
	area = world_col(row, "id");
	return world_register(wl, WID_AREA, area, f, wl->names[f], "area") &&
	    world_check_rooms(wl, f, area) && world_check_items(wl, f, area) &&
	    world_check_npcs(wl, f, area) && world_check_resets(wl, f, area) &&
	    world_check_shops(wl, f);
}

