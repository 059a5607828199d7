/*
 * store_ops_char.c — staff changes to a character: set a field, restore
 * hp, transfer to a room.  `set` has one prepared statement per field (the
 * fixed list of admin.md §9: never role, password or session columns), the
 * value cast by the database, so the same CHECK constraints a psql edit
 * meets decide what is valid.
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "db/store_ops.h"

/* The character's row, locked, with its hp as of now, as o. */
#define OPS_OLD \
	" FROM (SELECT id, char_hp(hp, max_hp, hp_at, fighting_id) AS hp," \
	"  max_hp, level, xp, coins, room_id FROM characters WHERE id = $1" \
	"  FOR UPDATE) o WHERE c.id = o.id"

static struct store_stmt st_set[] = {
	[OPS_FIELD_HP] = { "ops_set_hp",
	    "UPDATE characters c SET hp = $2::integer, hp_at = now()" OPS_OLD
	    " RETURNING o.hp::text, c.hp::text", 2, 0 },
	[OPS_FIELD_MAX_HP] = { "ops_set_max_hp",
	    "UPDATE characters c SET max_hp = $2::integer,"
	    " hp = LEAST(o.hp, greatest($2::integer, 0)), hp_at = now()" OPS_OLD
	    " RETURNING o.max_hp::text, c.max_hp::text", 2, 0 },
	[OPS_FIELD_LEVEL] = { "ops_set_level",
	    "UPDATE characters c SET level = $2::integer" OPS_OLD
	    " RETURNING o.level::text, c.level::text", 2, 0 },
	[OPS_FIELD_XP] = { "ops_set_xp",
	    "UPDATE characters c SET xp = $2::bigint" OPS_OLD
	    " RETURNING o.xp::text, c.xp::text", 2, 0 },
	[OPS_FIELD_COINS] = { "ops_set_coins",
	    "UPDATE characters c SET coins = $2::bigint" OPS_OLD
	    " RETURNING o.coins::text, c.coins::text", 2, 0 },
	[OPS_FIELD_ROOM] = { "ops_set_room",
	    "UPDATE characters c SET room_id = $2::integer, fighting_id = NULL"
	    OPS_OLD " RETURNING o.room_id::text, c.room_id::text", 2, 0 },
};

/*
 * Whether the last error is the database refusing a value: a CHECK or a
 * foreign key, a value not of the column's type or out of its range.
 */
static bool
store_ops_refused_value(const struct store *s)
{
	static const char	*codes[] = { "23514", "23503", "22P02",
				    "22003", "23502" };
	const char		*state = store_sqlstate(s);

	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		if (strcmp(state, codes[i]) == 0)
			return true;
	}
	return false;
}

/* Set a field; STORE_NONE when the database refused the value. */
enum store_rc
store_ops_set(struct store *s, int64_t id, enum store_ops_field f,
    const char *value, char *old, char *now, size_t sz)
{
	const char	*p[] = { STORE_NUM(id), value };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_set[f], p)) == NULL)
		return store_ops_refused_value(s) ? STORE_NONE : STORE_ERR;
	if (PQntuples(res) > 0) {
		store_get_str(res, 0, 0, old, sz);
		store_get_str(res, 0, 1, now, sz);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_restore = {
	"ops_restore",
	"UPDATE characters c SET hp = c.max_hp, hp_at = now()" OPS_OLD
	" RETURNING o.hp, c.max_hp", 1, 0
};

/* Full hp: the hp before in *old, the max in *max. */
enum store_rc
store_ops_restore(struct store *s, int64_t id, int32_t *old, int32_t *max)
{
	const char	*p[] = { STORE_NUM(id) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_restore, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		*old = (int32_t)store_get_int(res, 0, 0);
		*max = (int32_t)store_get_int(res, 0, 1);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_room_title = {
	"ops_room_title",
	"SELECT title FROM rooms WHERE id = $1", 1, 0
};

/* A room's title; STORE_NONE if there is no such room. */
enum store_rc
store_ops_room_title(struct store *s, int32_t room, char *title,
    size_t titlesz)
{
	const char	*p[] = { STORE_NUM(room) };

	return store_exec_str(s, &st_room_title, p, title, titlesz);
}

static struct store_stmt st_transfer = {
	"ops_transfer",
	"WITH f AS (UPDATE characters SET fighting_id = NULL"
	"  WHERE fighting_id = $1 AND id <> $1)"
	" UPDATE characters SET room_id = $2, fighting_id = NULL"
	" WHERE id = $1", 2, 0
};

/* Move a character to a room; whoever fought it stops. */
enum store_rc
store_ops_transfer(struct store *s, int64_t id, int32_t room)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(room) };

	return store_exec_changed(s, &st_transfer, p);
}
