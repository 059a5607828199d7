/*
 * store_combat.c — the SQL of combat, NPC behaviour and decay.  Batches
 * travel as PostgreSQL array literals of numbers ('{1,2,3}', store_arr_*),
 * and messages as one JSON array; every statement works on the whole set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db/store_combat.h"
#include "db/store_int.h"
#include "ops/buf.h"
#include "ops/util.h"

/*
 * A fighter's columns.  Damage is the wielded weapon's, else the NPC's;
 * -1 when neither (the rules supply bare hands).  Armor is the NPC's own
 * plus every worn item's.  hp counts regeneration up to now.
 */
#define FIGHTER_COLS \
	"c.id, coalesce(c.fighting_id, 0), c.room_id, c.proto_id IS NOT NULL," \
	" c.session_instance IS NOT NULL," \
	" EXISTS (SELECT 1 FROM shops sh WHERE sh.npc_proto = c.proto_id)," \
	" coalesce(p.name, c.name), c.level," \
	" char_hp(c.hp, c.max_hp, c.hp_at, c.fighting_id), c.max_hp," \
	" coalesce(w.damage_min, p.damage_min, -1)," \
	" coalesce(w.damage_max, p.damage_max, -1)," \
	" coalesce(p.armor, 0) + coalesce(a.armor, 0), c.xp"

#define FIGHTER_FROM \
	" FROM characters c LEFT JOIN npc_protos p ON p.id = c.proto_id" \
	" LEFT JOIN LATERAL (SELECT ip.damage_min, ip.damage_max" \
	"  FROM items i JOIN item_protos ip ON ip.id = i.proto_id" \
	"  WHERE i.carrier_id = c.id AND i.worn_slot = 'wield' LIMIT 1) w" \
	"  ON true" \
	" LEFT JOIN LATERAL (SELECT sum(ip.armor)::integer AS armor" \
	"  FROM items i JOIN item_protos ip ON ip.id = i.proto_id" \
	"  WHERE i.carrier_id = c.id AND i.worn_slot IS NOT NULL) a ON true"

/* Fill a fighter from the FIGHTER_COLS of a row. */
static void
store_fighter_fill(const PGresult *res, int row, struct store_fighter *f)
{
	memset(f, 0, sizeof *f);
	f->id = store_get_int(res, row, 0);
	f->fighting_id = store_get_int(res, row, 1);
	f->room_id = (int32_t)store_get_int(res, row, 2);
	f->npc = store_get_bool(res, row, 3);
	f->online = store_get_bool(res, row, 4);
	f->peaceful = store_get_bool(res, row, 5);
	store_get_str(res, row, 6, f->name, sizeof f->name);
	f->level = (int32_t)store_get_int(res, row, 7);
	f->hp = (int32_t)store_get_int(res, row, 8);
	f->max_hp = (int32_t)store_get_int(res, row, 9);
	f->dam_min = (int32_t)store_get_int(res, row, 10);
	f->dam_max = (int32_t)store_get_int(res, row, 11);
	f->armor = (int32_t)store_get_int(res, row, 12);
	f->xp = store_get_int(res, row, 13);
}

/*
 * Both halves of the union read only the partial index on fighting_id, so
 * a round costs nothing like a scan of every character.
 */
static struct store_stmt st_combat_load_fights = {
	"combat_load_fights",
	"WITH f AS (SELECT id FROM characters WHERE fighting_id IS NOT NULL"
	"  UNION SELECT fighting_id FROM characters"
	"  WHERE fighting_id IS NOT NULL)"
	" SELECT " FIGHTER_COLS FIGHTER_FROM
	" JOIN f ON f.id = c.id"
	" ORDER BY c.id FOR UPDATE OF c", 0, 0
};

/* Every character fighting or fought, locked in id order. */
enum store_rc
store_combat_load_fights(struct store *s, struct store_fighter **out,
    size_t *n)
{
	PGresult	*res = store_exec(s, &st_combat_load_fights, NULL);
	int		 rows;

	*out = NULL;
	*n = 0;
	if (res == NULL)
		return STORE_ERR;
	rows = PQntuples(res);
	if (rows > 0) {
		*out = xcalloc((size_t)rows, sizeof **out);
		for (int i = 0; i < rows; i++)
			store_fighter_fill(res, i, &(*out)[i]);
	}
	*n = (size_t)rows;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_combat_load_ids = {
	"combat_load_ids",
	"SELECT " FIGHTER_COLS FIGHTER_FROM
	" WHERE c.id = ANY($1::bigint[]) ORDER BY c.id FOR UPDATE OF c", 1, 0
};

/* The given characters, locked in id order; out has room for nids. */
enum store_rc
store_combat_load_ids(struct store *s, const int64_t *ids, size_t nids,
    struct store_fighter *out, size_t *n)
{
	struct buf	 a = { 0 };
	const char	*p[1];
	PGresult	*res;

	store_arr_open(&a);
	for (size_t i = 0; i < nids; i++)
		store_arr_num(&a, ids[i]);
	p[0] = store_arr_close(&a);
	res = store_exec(s, &st_combat_load_ids, p);
	buf_free(&a);
	*n = 0;
	if (res == NULL)
		return STORE_ERR;
	for (int i = 0; i < PQntuples(res) && (size_t)i < nids; i++)
		store_fighter_fill(res, i, &out[(*n)++]);
	PQclear(res);
	return STORE_OK;
}

/*
 * NPCs and online players in a room but me, with their keywords (a
 * player's is the name), NPCs first, each by id: the order look lists
 * them in, so "2.goblin" is the second goblin shown.
 */
static struct store_stmt st_combat_room = {
	"combat_room",
	"SELECT " FIGHTER_COLS ", coalesce(p.keywords, lower(c.name))"
	FIGHTER_FROM
	" WHERE c.room_id = $1 AND c.id <> $2"
	"  AND (c.proto_id IS NOT NULL OR c.session_instance IS NOT NULL)"
	" ORDER BY c.proto_id IS NULL, c.id LIMIT 500", 2, 0
};

/* Everyone who could be a target in the room. */
enum store_rc
store_combat_room(struct store *s, int32_t room, int64_t me,
    struct store_fighter **out, size_t *n)
{
	const char	*p[] = { STORE_NUM(room), STORE_NUM(me) };
	PGresult	*res;
	int		 rows;

	*out = NULL;
	*n = 0;
	if ((res = store_exec(s, &st_combat_room, p)) == NULL)
		return STORE_ERR;
	rows = PQntuples(res);
	if (rows > 0)
		*out = xcalloc((size_t)rows, sizeof **out);
	for (int i = 0; i < rows; i++) {
		store_fighter_fill(res, i, &(*out)[i]);
		store_get_str(res, i, 14, (*out)[i].keywords,
		    sizeof (*out)[i].keywords);
	}
	*n = (size_t)rows;
	PQclear(res);
	return STORE_OK;
}

/*
 * Regeneration is counted up to now before damage (char_hp with the old
 * fighting_id), and hp_at restarts, so entering or leaving a fight neither
 * loses nor double-counts regeneration.
 */
static struct store_stmt st_combat_apply = {
	"combat_apply",
	"UPDATE characters c SET"
	"  hp = GREATEST(0, char_hp(c.hp, c.max_hp, c.hp_at, c.fighting_id)"
	"   - d.dmg), hp_at = now(),"
	"  fighting_id = CASE WHEN d.fight = 0 THEN c.fighting_id"
	"   WHEN d.fight < 0 THEN NULL ELSE d.fight END"
	" FROM unnest($1::bigint[], $2::integer[], $3::bigint[])"
	"  AS d(id, dmg, fight)"
	" WHERE c.id = d.id RETURNING c.id, c.hp", 3, 0
};

/* The index of id among changes sorted by id (n if it is not there). */
static size_t
store_combat_find_change(const struct store_combat_change *ch, size_t n,
    int64_t id)
{
	size_t	lo = 0, hi = n;

	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (ch[mid].id == id)
			return mid;
		if (ch[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

/* Apply damage and fight changes in one UPDATE (ch sorted by id). */
enum store_rc
store_combat_apply(struct store *s, const struct store_combat_change *ch,
    size_t n, int32_t *hp_out)
{
	struct buf	 a[3] = { { 0 } };
	const char	*p[3];
	PGresult	*res;

	if (n == 0)
		return STORE_OK;
	for (int k = 0; k < 3; k++)
		store_arr_open(&a[k]);
	for (size_t i = 0; i < n; i++) {
		store_arr_num(&a[0], ch[i].id);
		store_arr_num(&a[1], ch[i].damage);
		store_arr_num(&a[2], ch[i].fight);
		hp_out[i] = -1;
	}
	for (int k = 0; k < 3; k++) {
		p[k] = store_arr_close(&a[k]);
	}
	res = store_exec(s, &st_combat_apply, p);
	for (int k = 0; k < 3; k++)
		buf_free(&a[k]);
	if (res == NULL)
		return STORE_ERR;
	for (int r = 0; r < PQntuples(res); r++) {
		size_t	i = store_combat_find_change(ch, n,
			    store_get_int(res, r, 0));

		if (i < n)
			hp_out[i] = (int32_t)store_get_int(res, r, 1);
	}
	PQclear(res);
	return STORE_OK;
}

/*
 * Corpse ids are drawn from the items sequence first, so the victim →
 * corpse pairs are known without relying on the order of RETURNING.
 */
static struct store_stmt st_combat_corpses = {
	"combat_corpses",
	"WITH v AS MATERIALIZED (SELECT c.id,"
	"  nextval(pg_get_serial_sequence('items', 'id')) AS corpse,"
	"  c.room_id, c.coins,"
	"  left('the corpse of ' || coalesce(p.name, c.name), 80) AS name,"
	"  'corpse ' || coalesce(p.keywords, lower(c.name)) AS keywords,"
	"  now() + CASE WHEN c.proto_id IS NULL THEN interval '15 minutes'"
	"   ELSE interval '5 minutes' END AS decay_at"
	"  FROM characters c LEFT JOIN npc_protos p ON p.id = c.proto_id"
	"  WHERE c.id = ANY($1::bigint[])),"
	" ins AS (INSERT INTO items (id, proto_id, room_id, name, keywords,"
	"  coins, decay_at) OVERRIDING SYSTEM VALUE"
	"  SELECT corpse, 'corpse', room_id, name, keywords, coins, decay_at"
	"  FROM v RETURNING id)"
	" SELECT v.id, v.corpse FROM v JOIN ins ON ins.id = v.corpse", 1, 0
};

/* Everything a victim carried or wore goes into its corpse. */
static struct store_stmt st_combat_loot = {
	"combat_loot",
	"UPDATE items i SET container_id = d.corpse, carrier_id = NULL,"
	"  worn_slot = NULL"
	" FROM unnest($1::bigint[], $2::bigint[]) AS d(victim, corpse)"
	" WHERE i.carrier_id = d.victim", 2, 0
};

static struct store_stmt st_combat_respawn = {
	"combat_respawn",
	"UPDATE characters c SET room_id = r.id, hp = c.max_hp, hp_at = now(),"
	"  fighting_id = NULL, coins = 0, deaths = c.deaths + 1"
	" FROM rooms r"
	" WHERE r.is_start AND c.id = ANY($1::bigint[]) AND c.proto_id IS NULL"
	" RETURNING c.id, r.id, r.title", 1, 0
};

static struct store_stmt st_combat_unfight = {
	"combat_unfight",
	"UPDATE characters SET fighting_id = NULL"
	" WHERE fighting_id = ANY($1::bigint[])", 1, 0
};

static struct store_stmt st_combat_npc_delete = {
	"combat_npc_delete",
	"DELETE FROM characters"
	" WHERE id = ANY($1::bigint[]) AND proto_id IS NOT NULL", 1, 0
};

/* Run a statement with one array parameter; STORE_ERR on error. */
static enum store_rc
store_combat_run1(struct store *s, struct store_stmt *st, const char *arr)
{
	const char	*p[] = { arr };
	PGresult	*res = store_exec(s, st, p);

	if (res == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

/* Make the corpses and fill them; victim → corpse in d. */
static enum store_rc
store_combat_bury(struct store *s, struct store_death *d, size_t n,
    const char *victims)
{
	struct buf	 v = { 0 }, c = { 0 };
	const char	*p[] = { victims }, *lp[2];
	PGresult	*res;

	if ((res = store_exec(s, &st_combat_corpses, p)) == NULL)
		return STORE_ERR;
	store_arr_open(&v);
	store_arr_open(&c);
	for (int r = 0; r < PQntuples(res); r++) {
		int64_t	id = store_get_int(res, r, 0);

		for (size_t i = 0; i < n; i++) {
			if (d[i].victim == id)
				d[i].corpse = store_get_int(res, r, 1);
		}
		store_arr_num(&v, id);
		store_arr_num(&c, store_get_int(res, r, 1));
	}
	PQclear(res);
	lp[0] = store_arr_close(&v);
	lp[1] = store_arr_close(&c);
	res = store_exec(s, &st_combat_loot, lp);
	buf_free(&v);
	buf_free(&c);
	if (res == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

/* Deaths, set-based: corpses, loot, respawn, fights ended, NPCs gone. */
enum store_rc
store_combat_deaths(struct store *s, struct store_death *d, size_t n)
{
	struct buf	 v = { 0 };
	const char	*p[1];
	PGresult	*res;
	enum store_rc	 rc = STORE_ERR;

	if (n == 0)
		return STORE_OK;
	store_arr_open(&v);
	for (size_t i = 0; i < n; i++) {
		store_arr_num(&v, d[i].victim);
		d[i].corpse = 0;
		d[i].respawn_room = 0;
		d[i].respawn_title[0] = '\0';
	}
	p[0] = store_arr_close(&v);
	if (store_combat_bury(s, d, n, p[0]) != STORE_OK)
		goto fail;
	if ((res = store_exec(s, &st_combat_respawn, p)) == NULL)
		goto fail;
	for (int r = 0; r < PQntuples(res); r++) {
		int64_t	id = store_get_int(res, r, 0);

		for (size_t i = 0; i < n; i++) {
			if (d[i].victim != id)
				continue;
			d[i].respawn_room = (int32_t)store_get_int(res, r, 1);
			store_get_str(res, r, 2, d[i].respawn_title,
			    sizeof d[i].respawn_title);
		}
	}
	PQclear(res);
	if (store_combat_run1(s, &st_combat_unfight, p[0]) != STORE_OK ||
	    store_combat_run1(s, &st_combat_npc_delete, p[0]) != STORE_OK)
		goto fail;
	rc = STORE_OK;
fail:
	buf_free(&v);
	return rc;
}

static struct store_stmt st_combat_progress = {
	"combat_progress",
	"UPDATE characters c SET xp = d.xp, level = d.level,"
	"  max_hp = c.max_hp + d.gain, kills = c.kills + d.kills"
	" FROM unnest($1::bigint[], $2::bigint[], $3::integer[],"
	"  $4::integer[], $5::integer[]) AS d(id, xp, level, gain, kills)"
	" WHERE c.id = d.id", 5, 0
};

/* Write experience, levels, max_hp and kills. */
enum store_rc
store_combat_progress(struct store *s, const struct store_progress *pr,
    size_t n)
{
	struct buf	 a[5] = { { 0 } };
	const char	*p[5];
	PGresult	*res;

	if (n == 0)
		return STORE_OK;
	for (int k = 0; k < 5; k++)
		store_arr_open(&a[k]);
	for (size_t i = 0; i < n; i++) {
		store_arr_num(&a[0], pr[i].id);
		store_arr_num(&a[1], pr[i].xp);
		store_arr_num(&a[2], pr[i].level);
		store_arr_num(&a[3], pr[i].hp_gain);
		store_arr_num(&a[4], pr[i].kills);
	}
	for (int k = 0; k < 5; k++) {
		p[k] = store_arr_close(&a[k]);
	}
	res = store_exec(s, &st_combat_progress, p);
	for (int k = 0; k < 5; k++)
		buf_free(&a[k]);
	if (res == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

/* Stop everyone fighting id. */
enum store_rc
store_combat_stop_against(struct store *s, int64_t id)
{
	struct buf	 a = { 0 };
	enum store_rc	 rc;

	store_arr_open(&a);
	store_arr_num(&a, id);
	rc = store_combat_run1(s, &st_combat_unfight, store_arr_close(&a));
	buf_free(&a);
	return rc;
}

/*
 * Recipients: the addressed character, or everyone online in the room but
 * up to three.  Each gets its lines in order as one text (at most 3000
 * bytes); recipients with the same text share one message row, whatever
 * their number.  The rows are inserted in the order of their first line.
 */
static struct store_stmt st_combat_notify = {
	"combat_notify",
	"WITH e AS MATERIALIZED (SELECT (e.j->>'room')::integer AS room,"
	"  (e.j->>'who')::bigint AS who, (e.j->>'ex1')::bigint AS ex1,"
	"  (e.j->>'ex2')::bigint AS ex2, (e.j->>'ex3')::bigint AS ex3,"
	"  e.j->>'text' AS text, e.ord"
	"  FROM json_array_elements($1::json) WITH ORDINALITY AS e(j, ord)),"
	" t AS (SELECT c.id, e.ord, e.text FROM e JOIN characters c"
	"   ON c.id = e.who WHERE e.who <> 0 AND c.session_instance IS NOT NULL"
	"  UNION ALL SELECT c.id, e.ord, e.text FROM e JOIN characters c"
	"   ON c.room_id = e.room WHERE e.who = 0"
	"   AND c.session_instance IS NOT NULL"
	"   AND c.id <> e.ex1 AND c.id <> e.ex2 AND c.id <> e.ex3),"
	" r AS (SELECT id, left(string_agg(text, E'\\n' ORDER BY ord), 3000)"
	"  AS text, min(ord) AS first FROM t GROUP BY id),"
	" m AS (INSERT INTO messages (kind, recipients, text)"
	"  SELECT 'combat', array_agg(id ORDER BY id), text FROM r"
	"  GROUP BY text ORDER BY min(first) RETURNING 1)"
	" " NOTIFY_BELL, 1, 0
};

/* Send the messages in one statement. */
enum store_rc
store_combat_notify(struct store *s, const struct store_combat_msg *m,
    size_t n)
{
	json_t		*arr;
	char		*text;
	const char	*p[1];
	PGresult	*res;

	if (n == 0)
		return STORE_OK;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:i,s:I,s:I,s:I,s:I,"
		    "s:s}", "room", (int)m[i].room, "who", (json_int_t)m[i].to,
		    "ex1", (json_int_t)m[i].except[0],
		    "ex2", (json_int_t)m[i].except[1],
		    "ex3", (json_int_t)m[i].except[2], "text", m[i].text));
	text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (text == NULL) {
		store_set_error(s, "XX000", "combat_notify: cannot encode");
		return STORE_ERR;
	}
	p[0] = text;
	res = store_exec(s, &st_combat_notify, p);
	free(text);
	if (res == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_combat_random_exit = {
	"combat_random_exit",
	"SELECT direction FROM exits WHERE room_id = $1"
	" ORDER BY random() LIMIT 1", 1, 0
};

/* A random exit of the room. */
enum store_rc
store_combat_random_exit(struct store *s, int32_t room, char *dir,
    size_t dirsz)
{
	const char	*p[] = { STORE_NUM(room) };

	return store_exec_str(s, &st_combat_random_exit, p, dir, dirsz);
}

/* Collect NPC acts from a result (columns as the two statements return). */
static void
store_npc_acts(const PGresult *res, struct store_npc_act **out, size_t *n)
{
	int	rows = PQntuples(res);

	*out = rows > 0 ? xcalloc((size_t)rows, sizeof **out) : NULL;
	*n = (size_t)rows;
	for (int r = 0; r < rows; r++) {
		struct store_npc_act	*a = &(*out)[r];

		a->npc = store_get_int(res, r, 0);
		store_get_str(res, r, 1, a->name, sizeof a->name);
		a->room = (int32_t)store_get_int(res, r, 2);
		a->victim = store_get_int(res, r, 3);
		store_get_str(res, r, 4, a->victim_name,
		    sizeof a->victim_name);
		a->to_room = (int32_t)store_get_int(res, r, 5);
		store_get_str(res, r, 6, a->dir, sizeof a->dir);
	}
}

/*
 * One online player per idle aggressive NPC, picked at random (not a
 * frozen one, who could not flee); the NPC's regeneration is counted up
 * to now as it enters the fight.
 */
static struct store_stmt st_combat_aggro = {
	"combat_aggro",
	"WITH pick AS MATERIALIZED (SELECT DISTINCT ON (n.id) n.id AS npc,"
	"  v.id AS victim, v.name AS victim_name, np.name"
	"  FROM characters n"
	"  JOIN npc_protos np ON np.id = n.proto_id AND np.aggressive"
	"  JOIN characters v ON v.room_id = n.room_id AND v.proto_id IS NULL"
	"   AND v.session_instance IS NOT NULL"
	"   AND NOT coalesce(v.frozen_until > now(), false)"
	"  WHERE n.proto_id IS NOT NULL AND n.fighting_id IS NULL"
	"  ORDER BY n.id, random())"
	" UPDATE characters c SET fighting_id = pick.victim,"
	"  hp = char_hp(c.hp, c.max_hp, c.hp_at, c.fighting_id), hp_at = now()"
	" FROM pick WHERE c.id = pick.npc AND c.fighting_id IS NULL"
	" RETURNING c.id, pick.name, c.room_id, pick.victim,"
	"  pick.victim_name, 0, ''", 0, 0
};

/* Aggressive idle NPCs each start a fight with an online player. */
enum store_rc
store_combat_aggro(struct store *s, struct store_npc_act **out, size_t *n)
{
	PGresult	*res = store_exec(s, &st_combat_aggro, NULL);

	*out = NULL;
	*n = 0;
	if (res == NULL)
		return STORE_ERR;
	store_npc_acts(res, out, n);
	PQclear(res);
	return STORE_OK;
}

/*
 * Idle wanderers (not fighting, nobody fighting them) each move with pct%
 * chance through a random exit that stays inside their prototype's area.
 * The candidates are drawn once (MATERIALIZED) so the chance is per NPC,
 * not per exit.
 */
static struct store_stmt st_combat_wander = {
	"combat_wander",
	"WITH cand AS MATERIALIZED (SELECT n.id, n.room_id, np.area, np.name"
	"  FROM characters n"
	"  JOIN npc_protos np ON np.id = n.proto_id AND np.wanders"
	"  WHERE n.proto_id IS NOT NULL AND n.fighting_id IS NULL"
	"  AND NOT EXISTS (SELECT 1 FROM characters x"
	"   WHERE x.fighting_id = n.id)"
	"  AND random() * 100 < $1::integer),"
	" mv AS MATERIALIZED (SELECT DISTINCT ON (cand.id) cand.id,"
	"  cand.room_id AS from_room, e.to_room, e.direction, cand.name"
	"  FROM cand JOIN exits e ON e.room_id = cand.room_id"
	"  JOIN rooms r ON r.id = e.to_room AND r.area = cand.area"
	"  ORDER BY cand.id, random())"
	" UPDATE characters c SET room_id = mv.to_room FROM mv"
	" WHERE c.id = mv.id AND c.room_id = mv.from_room"
	"  AND c.fighting_id IS NULL"
	" RETURNING c.id, mv.name, mv.from_room, 0, '', mv.to_room,"
	"  mv.direction", 1, 0
};

/* Idle wanderers move, with pct% chance each, to a room of their area. */
enum store_rc
store_combat_wander(struct store *s, int pct, struct store_npc_act **out,
    size_t *n)
{
	const char	*p[] = { STORE_NUM(pct) };
	PGresult	*res;

	*out = NULL;
	*n = 0;
	if ((res = store_exec(s, &st_combat_wander, p)) == NULL)
		return STORE_ERR;
	store_npc_acts(res, out, n);
	PQclear(res);
	return STORE_OK;
}

/*
 * Decaying items lying in a room or carried, locked first so that nobody
 * puts anything into them meanwhile (the foreign key check waits for us,
 * then fails).  A bounded batch; the rest waits for the next tick.
 */
static struct store_stmt st_combat_decay_lock = {
	"combat_decay_lock",
	"SELECT i.id, coalesce(i.room_id, ch.room_id), i.proto_id = 'corpse',"
	"  coalesce(i.name, ip.name)"
	" FROM items i JOIN item_protos ip ON ip.id = i.proto_id"
	" LEFT JOIN characters ch ON ch.id = i.carrier_id"
	" WHERE i.decay_at <= now() AND i.container_id IS NULL"
	" ORDER BY i.id LIMIT 500 FOR UPDATE OF i", 0, 0
};

static struct store_stmt st_combat_decay_spill = {
	"combat_decay_spill",
	"UPDATE items i SET container_id = NULL, room_id = d.room"
	" FROM unnest($1::bigint[], $2::integer[]) AS d(id, room)"
	" WHERE i.container_id = d.id", 2, 0
};

static struct store_stmt st_combat_decay_coins = {
	"combat_decay_coins",
	"UPDATE rooms r SET coins = r.coins + s.coins"
	" FROM (SELECT d.room, sum(i.coins) AS coins"
	"  FROM unnest($1::bigint[], $2::integer[]) AS d(id, room)"
	"  JOIN items i ON i.id = d.id GROUP BY d.room) s"
	" WHERE r.id = s.room AND s.coins > 0", 2, 0
};

static struct store_stmt st_combat_decay_delete = {
	"combat_decay_delete",
	"DELETE FROM items WHERE id = ANY($1::bigint[])", 1, 0
};

/* Spill, pay out and delete the locked items listed in out. */
static enum store_rc
store_combat_decay_apply(struct store *s, const struct store_decayed *d,
    size_t n)
{
	struct buf	 ids = { 0 }, rooms = { 0 };
	const char	*p[2];
	PGresult	*res;
	enum store_rc	 rc = STORE_ERR;

	store_arr_open(&ids);
	store_arr_open(&rooms);
	for (size_t i = 0; i < n; i++) {
		store_arr_num(&ids, d[i].id);
		store_arr_num(&rooms, d[i].room);
	}
	p[0] = store_arr_close(&ids);
	p[1] = store_arr_close(&rooms);
	if ((res = store_exec(s, &st_combat_decay_spill, p)) == NULL)
		goto fail;
	PQclear(res);
	if ((res = store_exec(s, &st_combat_decay_coins, p)) == NULL)
		goto fail;
	PQclear(res);
	if (store_combat_run1(s, &st_combat_decay_delete, p[0]) != STORE_OK)
		goto fail;
	rc = STORE_OK;
fail:
	buf_free(&ids);
	buf_free(&rooms);
	return rc;
}

/* Items past decay_at spill their contents and coins, and are deleted. */
enum store_rc
store_combat_decay(struct store *s, struct store_decayed **out, size_t *n)
{
	PGresult	*res = store_exec(s, &st_combat_decay_lock, NULL);
	int		 rows;

	*out = NULL;
	*n = 0;
	if (res == NULL)
		return STORE_ERR;
	if ((rows = PQntuples(res)) == 0) {
		PQclear(res);
		return STORE_OK;
	}
	*out = xcalloc((size_t)rows, sizeof **out);
	for (int r = 0; r < rows; r++) {
		struct store_decayed	*d = &(*out)[r];

		d->id = store_get_int(res, r, 0);
		d->room = (int32_t)store_get_int(res, r, 1);
		d->corpse = store_get_bool(res, r, 2);
		store_get_str(res, r, 3, d->name, sizeof d->name);
	}
	*n = (size_t)rows;
	PQclear(res);
	if (store_combat_decay_apply(s, *out, *n) != STORE_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
		return STORE_ERR;
	}
	return STORE_OK;
}
