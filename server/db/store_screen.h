/*
 * store_screen.h — what the player's screen needs from the database beyond
 * the character row (issue 10; docs/protocol.md): the GMCP room and item
 * payloads as JSON text built by the database from the same rows the text
 * shows, and the colour and prompt settings.
 */
#ifndef KEEP_STORE_SCREEN_H
#define KEEP_STORE_SCREEN_H

#include "db/store.h"

/* A GMCP body read from the database is at most this long (with its NUL). */
#define STORE_SCREEN_JSON_MAX	8192
/* Char.Items.List lists at most this many items. */
#define STORE_SCREEN_ITEMS_MAX	50

/*
 * Room.Info's body for room: {num, name, area, zone, environment, exits,
 * details}, exits in the order of look's "Exits:" line; STORE_NONE if no
 * such room.
 */
enum store_rc	store_screen_room_info(struct store *, int32_t room,
		    char *json, size_t jsonsz) STORE_MUST_CHECK;
/*
 * Char.Items.List's items array: what character id carries (inv: room 0)
 * or what lies in room, [{id, name, attrib}], by id.
 */
enum store_rc	store_screen_items(struct store *, int64_t carrier,
		    int32_t room, char *json, size_t jsonsz) STORE_MUST_CHECK;
/* Set a character's colour setting ("auto", "on", "off"). */
enum store_rc	store_screen_set_color(struct store *, int64_t id,
		    const char *color) STORE_MUST_CHECK;
/* Set a character's prompt format ("" for the default). */
enum store_rc	store_screen_set_prompt(struct store *, int64_t id,
		    const char *prompt) STORE_MUST_CHECK;

#endif
