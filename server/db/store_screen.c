/*
 * store_screen.c — the screen's rows: GMCP bodies built by the database
 * (json_build_object keeps the key order given; jansson parses the text in
 * cmd/), and the colour and prompt settings (0020).
 */
#include "db/store_int.h"
#include "db/store_screen.h"

/*
 * The exits as look orders them, each direction by its first letter (the
 * six directions' letters differ: n e s w u d).
 */
static struct store_stmt st_screen_room_info = {
	"screen_room_info",
	"SELECT json_build_object('num', r.id, 'name', r.title,"
	" 'area', a.name, 'zone', r.area, 'environment', '',"
	" 'exits', coalesce((SELECT json_object_agg(left(e.direction, 1),"
	"   e.to_room ORDER BY array_position(ARRAY['north','east','south',"
	"   'west','up','down'], e.direction)) FROM exits e"
	"   WHERE e.room_id = r.id), '{}'::json),"
	" 'details', '[]'::json)::text"
	" FROM rooms r JOIN areas a ON a.id = r.area WHERE r.id = $1", 1, 0
};

/* Room.Info's body for a room. */
enum store_rc
store_screen_room_info(struct store *s, int32_t room, char *json,
    size_t jsonsz)
{
	const char	*p[] = { STORE_NUM(room) };

	return store_exec_str(s, &st_screen_room_info, p, json, jsonsz);
}

/*
 * attrib letters (the IRE convention): w worn, l wielded, c container, t
 * takeable (everything on the floor).  Names are the instance's or the
 * prototype's, as inventory and look show them.
 */
static struct store_stmt st_screen_items = {
	"screen_items",
	"SELECT coalesce(json_agg(json_build_object('id', g.id, 'name', g.name,"
	" 'attrib', g.attrib) ORDER BY g.id), '[]'::json)::text FROM"
	" (SELECT i.id, coalesce(i.name, p.name) AS name,"
	"   CASE WHEN i.worn_slot = 'wield' THEN 'l'"
	"    WHEN i.worn_slot IS NOT NULL THEN 'w' ELSE '' END ||"
	"   CASE WHEN p.type = 'container' THEN 'c' ELSE '' END ||"
	"   CASE WHEN i.room_id IS NOT NULL THEN 't' ELSE '' END AS attrib"
	"  FROM items i JOIN item_protos p ON p.id = i.proto_id"
	"  WHERE CASE WHEN $1::bigint <> 0 THEN i.carrier_id = $1"
	"   ELSE i.room_id = $2 END"
	"  ORDER BY i.id LIMIT 50) g", 2, 0
};

/* Char.Items.List's items: carried by carrier, or (carrier 0) in room. */
enum store_rc
store_screen_items(struct store *s, int64_t carrier, int32_t room,
    char *json, size_t jsonsz)
{
	const char	*p[] = { STORE_NUM(carrier), STORE_NUM(room) };

	return store_exec_str(s, &st_screen_items, p, json, jsonsz);
}

static struct store_stmt st_screen_set_color = {
	"screen_set_color",
	"UPDATE characters SET color = $2 WHERE id = $1", 2, 0
};

/* Set a character's colour setting. */
enum store_rc
store_screen_set_color(struct store *s, int64_t id, const char *color)
{
	const char	*p[] = { STORE_NUM(id), color };

	return store_exec_changed(s, &st_screen_set_color, p);
}

static struct store_stmt st_screen_set_prompt = {
	"screen_set_prompt",
	"UPDATE characters SET prompt = nullif($2, '') WHERE id = $1", 2, 0
};

/* Set a character's prompt format ("" for the default). */
enum store_rc
store_screen_set_prompt(struct store *s, int64_t id, const char *prompt)
{
	const char	*p[] = { STORE_NUM(id), prompt };

	return store_exec_changed(s, &st_screen_set_prompt, p);
}
