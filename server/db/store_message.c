/*
 * store_message.c — reading and pruning the messages table.
 *
 * A reader's cursor is the snapshot (pg_snapshot) its last read ran in.
 * A read takes the current snapshot and, in the same statement, returns
 * the rows of transactions that are visible in it and were not visible in
 * the cursor: exactly the messages committed between the two reads, each
 * once, whatever order their ids were taken in.  docs/architecture.md
 * ("Messages") has the argument.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store_int.h"
#include "ops/util.h"

static struct store_stmt st_message_head = {
	"message_head",
	"SELECT pg_current_snapshot()::text", 0, 0
};

/* A new cursor at the current head: nothing committed so far is read. */
enum store_rc
store_message_head(struct store *s, char **cursor)
{
	PGresult	*res;

	if ((res = store_exec(s, &st_message_head, NULL)) == NULL)
		return STORE_ERR;
	free(*cursor);
	*cursor = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return STORE_OK;
}

/*
 * The rows of transactions committed after the cursor's snapshot and by
 * this statement's.  pg_visible_in_snapshot(xid, snap) repeats what MVCC
 * already decides for this statement (pg_current_snapshot() is the
 * statement's snapshot), so no row is taken both now and next time.
 */
static struct store_stmt st_message_read = {
	"message_read",
	"SELECT s.snap::text, m.id, m.kind, m.recipients::text,"
	"  coalesce(m.kick_instance::text, ''), coalesce(m.kick_session, 0),"
	"  m.text, coalesce(m.channel, ''), coalesce(m.talker, ''),"
	"  coalesce((extract(epoch FROM m.created_at) * 1000000)::bigint, 0)"
	" FROM (SELECT pg_current_snapshot() AS snap) s"
	" LEFT JOIN messages m ON m.xid >= pg_snapshot_xmin($1::pg_snapshot)"
	"  AND NOT pg_visible_in_snapshot(m.xid, $1::pg_snapshot)"
	"  AND pg_visible_in_snapshot(m.xid, s.snap)"
	" ORDER BY m.xid, m.id", 1, 0
};

/* Parse a bigint[] text ("{1,2,3}") into m->to. */
static void
store_message_ids(struct store_message *m, const char *arr)
{
	const char	*p = arr;
	char		*end;
	size_t		 cap = 1;

	for (const char *q = arr; *q != '\0'; q++)
		cap += *q == ',';
	m->to = xcalloc(cap, sizeof *m->to);
	m->nto = 0;
	while (*p != '\0') {
		while (*p == '{' || *p == ',' || *p == '}')
			p++;
		if (*p == '\0')
			break;
		m->to[m->nto] = strtoll(p, &end, 10);
		if (end == p)
			break;
		m->nto++;
		p = end;
	}
}

/* Fill m from row i of a message_read result. */
static void
store_message_row(const PGresult *res, int i, struct store_message *m)
{
	memset(m, 0, sizeof *m);
	m->id = store_get_int(res, i, 1);
	store_get_str(res, i, 2, m->kind, sizeof m->kind);
	store_message_ids(m, PQgetvalue(res, i, 3));
	store_get_str(res, i, 4, m->kick_instance, sizeof m->kick_instance);
	m->kick_session = store_get_int(res, i, 5);
	m->text = xstrdup(PQgetvalue(res, i, 6));
	store_get_str(res, i, 7, m->channel, sizeof m->channel);
	store_get_str(res, i, 8, m->talker, sizeof m->talker);
	m->created_us = store_get_int(res, i, 9);
}

/*
 * Read what committed since the cursor, in (transaction, id) order, and
 * move the cursor on.  The caller frees *out with store_message_free.
 */
enum store_rc
store_message_read(struct store *s, char **cursor, struct store_message **out,
    size_t *n)
{
	const char	*p[] = { *cursor };
	PGresult	*res;
	int		 rows;

	*out = NULL;
	*n = 0;
	if ((res = store_exec(s, &st_message_read, p)) == NULL)
		return STORE_ERR;
	rows = PQntuples(res);
	if (rows > 0 && !PQgetisnull(res, 0, 1)) {
		*out = xcalloc((size_t)rows, sizeof **out);
		for (int i = 0; i < rows; i++)
			store_message_row(res, i, &(*out)[i]);
		*n = (size_t)rows;
	}
	if (rows > 0) {
		free(*cursor);
		*cursor = xstrdup(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return STORE_OK;
}

/* Free n messages of store_message_read. */
void
store_message_free(struct store_message *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].to);
		free(m[i].text);
	}
	free(m);
}

/*
 * The only NOTIFY Keep sends.  It carries nothing: a listener that hears it
 * reads the table.  Rung alone, it takes the notify lock for a commit that
 * flushes no WAL (the transaction has no xid).
 */
static struct store_stmt st_message_bell = {
	"message_bell",
	"SELECT pg_notify('" STORE_CHANNEL "', '')", 0, 0
};

/* Ring the cluster's bell (autocommit: its own short transaction). */
enum store_rc
store_message_bell(struct store *s)
{
	PGresult	*res;

	if ((res = store_exec(s, &st_message_bell, NULL)) == NULL)
		return STORE_ERR;
	PQclear(res);
	return STORE_OK;
}

static struct store_stmt st_message_prune = {
	"message_prune",
	"WITH d AS (DELETE FROM messages WHERE id IN (SELECT id FROM messages"
	"  WHERE created_at < now() - make_interval(secs => $1::integer)"
	"  ORDER BY created_at LIMIT $2::integer) RETURNING 1)"
	" SELECT count(*) FROM d", 2, 0
};

/* Delete up to batch messages older than retention seconds. */
enum store_rc
store_message_prune(struct store *s, int retention, int batch,
    int64_t *deleted)
{
	const char	*p[] = { STORE_NUM(retention), STORE_NUM(batch) };
	PGresult	*res;

	if ((res = store_exec(s, &st_message_prune, p)) == NULL)
		return STORE_ERR;
	*deleted = store_get_int(res, 0, 0);
	PQclear(res);
	return STORE_OK;
}
