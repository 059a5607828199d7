/*
 * store_mssp.c — the figures of MSSP: one statement of counts, cheap
 * enough for crawlers that come about hourly (and batched by cmd/mssp.c
 * when many ask at once).
 */
#include "db/store_int.h"
#include "db/store_mssp.h"

/* Online: session_instance set (docs/schema.md); NPCs never have one.
 * The start is floored: a start in this second is not in the future. */
static struct store_stmt st_mssp_read = {
	"mssp_read",
	"SELECT (SELECT count(*) FROM characters"
	"  WHERE session_instance IS NOT NULL),"
	" (SELECT coalesce(floor(extract(epoch FROM"
	"  min(started_at)))::bigint, 0) FROM instances),"
	" (SELECT count(*) FROM areas), (SELECT count(*) FROM rooms),"
	" (SELECT count(*) FROM npc_protos),"
	" (SELECT count(*) FROM item_protos),"
	" (SELECT count(*) FROM help WHERE min_role = 'player')", 0, 0
};

/* Read the MSSP figures. */
enum store_rc
store_mssp_read(struct store *s, struct store_mssp *m)
{
	PGresult	*res;

	if ((res = store_exec(s, &st_mssp_read, NULL)) == NULL)
		return STORE_ERR;
	m->players = store_get_int(res, 0, 0);
	m->started = store_get_int(res, 0, 1);
	m->areas = store_get_int(res, 0, 2);
	m->rooms = store_get_int(res, 0, 3);
	m->mobiles = store_get_int(res, 0, 4);
	m->objects = store_get_int(res, 0, 5);
	m->helpfiles = store_get_int(res, 0, 6);
	PQclear(res);
	return STORE_OK;
}
