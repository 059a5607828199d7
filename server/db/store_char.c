/*
 * store_char.c — characters: lookup, creation, sessions, movement, coins.
 */
#include <stdio.h>
#include <string.h>

#include "db/store_int.h"
#include "ops/util.h"

/* hp is computed: stored hp plus regeneration since hp_at (char_hp). */
#define CHAR_COLS "id, name, role, room_id," \
	" char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins," \
	" coalesce(session_instance::text, ''), coalesce(session_id, 0)," \
	" level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL," \
	" CASE WHEN frozen_until > now() THEN mod_until(frozen_until)" \
	"  ELSE '' END," \
	" CASE WHEN muted_until > now() THEN mod_until(muted_until)" \
	"  ELSE '' END, afk IS NOT NULL," \
	" color, coalesce(prompt, '')"

/* Fill a store_char from the CHAR_COLS columns of a row, from column col. */
static void
store_char_fill(const PGresult *res, int row, int col, struct store_char *c)
{
	c->id = store_get_int(res, row, col);
	store_get_str(res, row, col + 1, c->name, sizeof c->name);
	store_get_str(res, row, col + 2, c->role, sizeof c->role);
	c->room_id = (int32_t)store_get_int(res, row, col + 3);
	c->hp = (int32_t)store_get_int(res, row, col + 4);
	c->max_hp = (int32_t)store_get_int(res, row, col + 5);
	c->coins = store_get_int(res, row, col + 6);
	store_get_str(res, row, col + 7, c->session_instance,
	    sizeof c->session_instance);
	c->session_id = store_get_int(res, row, col + 8);
	c->level = (int32_t)store_get_int(res, row, col + 9);
	c->xp = store_get_int(res, row, col + 10);
	c->fighting_id = store_get_int(res, row, col + 11);
	c->npc = store_get_bool(res, row, col + 12);
	store_get_str(res, row, col + 13, c->frozen, sizeof c->frozen);
	store_get_str(res, row, col + 14, c->muted, sizeof c->muted);
	c->afk = store_get_bool(res, row, col + 15);
	store_get_str(res, row, col + 16, c->color, sizeof c->color);
	store_get_str(res, row, col + 17, c->prompt, sizeof c->prompt);
}

/* Run a statement expected to return at most one character row. */
static enum store_rc
store_char_one(struct store *s, struct store_stmt *st,
    const char *const *params, struct store_char *c, int extra_col,
    char *extra, size_t extrasz)
{
	PGresult	*res = store_exec(s, st, params);
	enum store_rc	 rc = STORE_NONE;

	if (res == NULL)
		return STORE_ERR;
	if (PQntuples(res) > 0) {
		store_char_fill(res, 0, 0, c);
		if (extra != NULL)
			store_get_str(res, 0, extra_col, extra, extrasz);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_char_by_name = {
	"char_by_name",
	"SELECT " CHAR_COLS ", password_hash FROM characters"
	" WHERE lower(name) = lower($1) AND proto_id IS NULL", 1, 0
};

/* Find a character by name (any case), with its password hash. */
enum store_rc
store_char_by_name(struct store *s, const char *name, struct store_char *c,
    char *hash, size_t hashsz)
{
	const char	*p[] = { name };

	return store_char_one(s, &st_char_by_name, p, c, 18, hash, hashsz);
}

static struct store_stmt st_char_load = {
	"char_load",
	"SELECT " CHAR_COLS " FROM characters WHERE id = $1", 1, 0
};

/* Load a character by id. */
enum store_rc
store_char_load(struct store *s, int64_t id, struct store_char *c)
{
	const char	*p[] = { STORE_NUM(id) };

	return store_char_one(s, &st_char_load, p, c, 0, NULL, 0);
}

/* Send store_char_load's statement early, with the transaction's BEGIN. */
void
store_char_load_spec(struct store *s, int64_t id)
{
	const char	*p[] = { STORE_NUM(id) };

	store_exec_spec(s, &st_char_load, p, false);
}

static struct store_stmt st_char_create = {
	"char_create",
	"INSERT INTO characters (name, password_hash, room_id,"
	"  session_instance, session_id, last_login_at)"
	" SELECT $1, $2, r.id, $3, $4, now() FROM rooms r WHERE r.is_start"
	"  AND NOT EXISTS (SELECT 1 FROM characters"
	"   WHERE lower(name) = lower($1) AND proto_id IS NULL)"
	" ON CONFLICT ((lower(name))) WHERE proto_id IS NULL DO NOTHING"
	" RETURNING " CHAR_COLS, 4, 0
};

/*
 * Create a character in the start room, already in session.  A name taken
 * in another case ("BOB" for Bob) is STORE_NONE too: the NOT EXISTS finds
 * it before the name CHECK, which would otherwise refuse the spelling and
 * make it an error; ON CONFLICT still covers two creations racing.
 */
enum store_rc
store_char_create(struct store *s, const char *name, const char *hash,
    const char *instance, int64_t sid, struct store_char *c)
{
	const char	*p[] = { name, hash, instance, STORE_NUM(sid) };

	return store_char_one(s, &st_char_create, p, c, 0, NULL, 0);
}

static struct store_stmt st_char_take_session = {
	"char_take_session",
	"UPDATE characters c SET session_instance = $2, session_id = $3,"
	"  last_login_at = now()"
	" FROM (SELECT id, session_instance, session_id FROM characters"
	"  WHERE id = $1 FOR UPDATE) old"
	" WHERE c.id = old.id"
	" RETURNING coalesce(old.session_instance::text, ''),"
	"  coalesce(old.session_id, 0)", 3, 0
};

/* Make (instance, sid) the character's session; return the previous one. */
enum store_rc
store_char_take_session(struct store *s, int64_t id, const char *instance,
    int64_t sid, char *old_instance, int64_t *old_sid)
{
	const char	*p[] = { STORE_NUM(id), instance, STORE_NUM(sid) };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_char_take_session, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		store_get_str(res, 0, 0, old_instance, STORE_UUID_LEN + 1);
		*old_sid = store_get_int(res, 0, 1);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

static struct store_stmt st_char_end_session = {
	"char_end_session",
	"UPDATE characters SET session_instance = NULL, session_id = NULL"
	" WHERE id = $1 AND session_instance = $2 AND session_id = $3", 3, 0
};

/* End the session if it is still (instance, sid). */
enum store_rc
store_char_end_session(struct store *s, int64_t id, const char *instance,
    int64_t sid)
{
	const char	*p[] = { STORE_NUM(id), instance, STORE_NUM(sid) };

	return store_exec_changed(s, &st_char_end_session, p);
}

static struct store_stmt st_char_set_role = {
	"char_set_role",
	"UPDATE characters SET role = $2"
	" WHERE lower(name) = lower($1) AND proto_id IS NULL", 2, 0
};

/* Set a character's role. */
enum store_rc
store_char_set_role(struct store *s, const char *name, const char *role)
{
	const char	*p[] = { name, role };

	return store_exec_changed(s, &st_char_set_role, p);
}

static struct store_stmt st_char_move = {
	"char_move",
	"UPDATE characters c SET room_id = e.to_room FROM exits e"
	" WHERE c.id = $1 AND c.room_id = $2 AND e.room_id = $2"
	"  AND e.direction = $3"
	" RETURNING e.to_room", 3, 0
};

/* Move a character through an exit of its room; STORE_NONE if no exit. */
enum store_rc
store_char_move(struct store *s, int64_t id, int32_t from, const char *dir,
    int32_t *to)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(from), dir };
	PGresult	*res;
	enum store_rc	 rc = STORE_NONE;

	if ((res = store_exec(s, &st_char_move, p)) == NULL)
		return STORE_ERR;
	if (PQntuples(res) == 1) {
		*to = (int32_t)store_get_int(res, 0, 0);
		rc = STORE_OK;
	}
	PQclear(res);
	return rc;
}

/* Send store_char_move's statement early, with the transaction's BEGIN. */
void
store_char_move_spec(struct store *s, int64_t id, int32_t from,
    const char *dir)
{
	const char	*p[] = { STORE_NUM(id), STORE_NUM(from), dir };

	store_exec_spec(s, &st_char_move, p, true);
}

/*
 * Both rows are locked in one statement, in id order, so two opposite
 * transfers queue behind each other instead of deadlocking.
 */
static struct store_stmt st_char_lock_pair = {
	"char_lock_pair",
	"SELECT id, coins FROM characters WHERE id = $1 OR id = $2"
	" ORDER BY id FOR UPDATE", 2, 0
};

static struct store_stmt st_char_move_coins = {
	"char_move_coins",
	"UPDATE characters SET coins = coins +"
	"  CASE WHEN id = $1 THEN -$3::bigint ELSE $3::bigint END"
	" WHERE id = $1 OR id = $2"
	" RETURNING id, coins", 3, 0
};

/* Lock two characters in id order and move coins between them. */
enum store_rc
store_char_transfer_coins(struct store *s, int64_t from, int64_t to,
    int64_t amount, int64_t *from_left)
{
	const char	*p[] = { STORE_NUM(from), STORE_NUM(to),
			    STORE_NUM(amount) };
	PGresult	*res;
	int64_t		 have = -1;

	if ((res = store_exec(s, &st_char_lock_pair, p)) == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res); i++) {
		if (store_get_int(res, i, 0) == from)
			have = store_get_int(res, i, 1);
	}
	if (PQntuples(res) != 2 || have < amount) {
		/* -1 when either character is gone, as cmd_give expects. */
		*from_left = PQntuples(res) == 2 ? have : -1;
		PQclear(res);
		return STORE_NONE;
	}
	PQclear(res);
	if ((res = store_exec(s, &st_char_move_coins, p)) == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res); i++) {
		if (store_get_int(res, i, 0) == from)
			*from_left = store_get_int(res, i, 1);
	}
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_char_in_room = {
	"char_in_room",
	"SELECT " CHAR_COLS " FROM characters"
	" WHERE room_id = $1 AND lower(name) = lower($2)"
	"  AND session_instance IS NOT NULL", 2, 0
};

/* Find an online character by name in a room. */
enum store_rc
store_char_in_room(struct store *s, int32_t room, const char *name,
    struct store_char *c)
{
	const char	*p[] = { STORE_NUM(room), name };

	return store_char_one(s, &st_char_in_room, p, c, 0, NULL, 0);
}

/* Send store_char_in_room's statement early, with BEGIN. */
void
store_char_in_room_spec(struct store *s, int32_t room, const char *name)
{
	const char	*p[] = { STORE_NUM(room), name };

	store_exec_spec(s, &st_char_in_room, p, false);
}

/*
 * who's lines (the first 200 by name, from characters_online_name, 0022;
 * the count is of all): the name, " [AFK]" or " [AFK: message]" when away, and
 * " (idle 5m)" past a minute without input (last_input_at, written by
 * each keepd's heartbeat; 0016), in the largest whole unit.
 */
static struct store_stmt st_char_who = {
	"char_who",
	"SELECT name || CASE WHEN afk IS NULL THEN ''"
	"  WHEN afk = '' THEN ' [AFK]' ELSE ' [AFK: ' || afk || ']' END"
	" || CASE WHEN i.s < 60 THEN '' ELSE ' (idle ' || CASE"
	"  WHEN i.s >= 86400 THEN i.s / 86400 || 'd'"
	"  WHEN i.s >= 3600 THEN i.s / 3600 || 'h'"
	"  ELSE i.s / 60 || 'm' END || ')' END,"
	" (SELECT count(*) FROM characters WHERE session_instance IS NOT NULL)"
	" FROM (SELECT name, afk, last_input_at, last_login_at FROM characters"
	"  WHERE session_instance IS NOT NULL ORDER BY name LIMIT 200) c,"
	" LATERAL (SELECT greatest(0, extract(epoch FROM now() - coalesce("
	"  greatest(last_input_at, last_login_at), now())))::bigint AS s) i"
	" ORDER BY name", 0, 0
};

/* who's lines of online characters, '\n'-separated, sorted by name; count
 * in *n. */
enum store_rc
store_char_who(struct store *s, char *out, size_t outsz, int *n)
{
	PGresult	*res;
	size_t		 o = 0;

	if ((res = store_exec(s, &st_char_who, NULL)) == NULL)
		return STORE_ERR;
	out[0] = '\0';
	*n = PQntuples(res) > 0 ? (int)store_get_int(res, 0, 1) : 0;
	for (int i = 0; i < PQntuples(res); i++) {
		int	w = snprintf(out + o, outsz - o, "%s%s", i ? "\n" : "",
			    PQgetvalue(res, i, 0));

		if (w < 0 || (size_t)w >= outsz - o)
			break;
		o += (size_t)w;
	}
	PQclear(res);
	return STORE_OK;
}

/* Send store_char_who's statement early, with BEGIN. */
void
store_char_who_spec(struct store *s)
{
	store_exec_spec(s, &st_char_who, NULL, false);
}
