/*
 * cmd_mssp.c — MSSP answers.  The figures (players online on every keepd,
 * the oldest keepd's start, the world's counts) are read by one statement
 * on a worker, never on the loop; the loop then sends them to each
 * session that asked and is still there.
 *
 * A client can send IAC DO MSSP as often as it likes, so requests are
 * batched: at most one read is in flight, and every request that arrives
 * meanwhile waits for the next read (never for one already running, so
 * PLAYERS counts every login committed before the request), once per
 * session and form.  However many ask, the database sees at most two
 * reads in a row.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "db/pool.h"
#include "db/store.h"
#include "db/store_mssp.h"
#include "cmd/cmd_mssp.h"
#include "game/mssp.h"
#include "net/session.h"
#include "ops/buf.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/util.h"

/* One session's request. */
struct mssp_ask {
	uint64_t	 sid;
	bool		 plain;		/* MSSP-REQUEST: reply and close */
};

/* One read of the figures, and the requests it answers. */
struct mssp_job {
	struct job		 job;
	struct store_mssp	 m;
	bool			 ok;
	struct mssp_ask		*asks;
	size_t			 nasks;
};

static const struct config	*mssp_cfg;
static struct pool		*mssp_pool;
static int64_t			 mssp_started;	/* this process, epoch s */
static bool			 mssp_reading;	/* a read is in flight */
static struct mssp_ask		*mssp_waiting;	/* for the next read */
static size_t			 mssp_nwaiting, mssp_capwaiting;

/* Wire MSSP to the workers. */
void
cmd_mssp_init(const struct config *cfg, struct pool *pool)
{
	mssp_cfg = cfg;
	mssp_pool = pool;
	mssp_started = (int64_t)time(NULL);
}

/* Worker: the read, in a read-only transaction. */
static enum tx_rc
mssp_read_tx(struct store *st, void *arg)
{
	struct mssp_job	*j = arg;

	return store_mssp_read(st, &j->m) == STORE_OK ? TX_COMMIT : TX_ERROR;
}

/* Worker: read the figures. */
static void
mssp_run(struct job *job, struct store *st)
{
	struct mssp_job	*j = (struct mssp_job *)job;

	j->ok = store_tx(st, true, mssp_cfg->tx_retries, mssp_read_tx, j) ==
	    TXR_COMMITTED;
	if (!j->ok)
		log_warn("mssp: figures not read: %s", store_error(st));
}

static void	mssp_submit(void);

/* Answer one request with v. */
static void
mssp_answer(const struct mssp_ask *a, const struct mssp_vars *v)
{
	struct session	*s = session_find(a->sid);
	struct buf	 b = { 0 };

	if (s == NULL)
		return;
	if (!a->plain) {
		if (!s->closing)
			session_mssp_send(s, v->names, v->values, v->n);
		return;
	}
	if (!s->closing) {
		mssp_plain(&b, v);
		session_write(s, buf_str(&b));
		buf_free(&b);
		session_close(s, NULL);
	}
	session_job_done(s);
}

/* Loop thread: answer every request of the read, then start the next. */
static void
mssp_done(struct job *job)
{
	struct mssp_job		*j = (struct mssp_job *)job;
	struct mssp_figures	 f = { -1, 0, -1, -1, -1, -1, -1 };
	struct mssp_vars	*v = xcalloc(1, sizeof *v);
	size_t			 i;

	/* Unknown numbers are -1 (MSSP); the start falls back to ours. */
	if (j->ok)
		f = (struct mssp_figures){ j->m.players, j->m.started,
		    j->m.areas, j->m.rooms, j->m.mobiles, j->m.objects,
		    j->m.helpfiles };
	mssp_build(v, mssp_cfg, &f, mssp_started);
	for (i = 0; i < j->nasks; i++)
		mssp_answer(&j->asks[i], v);
	free(v);
	free(j->asks);
	free(j);
	mssp_reading = false;
	if (mssp_nwaiting > 0)
		mssp_submit();
}

/* Start a read for every waiting request. */
static void
mssp_submit(void)
{
	struct mssp_job	*j = xcalloc(1, sizeof *j);

	j->job.run = mssp_run;
	j->job.done = mssp_done;
	j->asks = mssp_waiting;
	j->nasks = mssp_nwaiting;
	mssp_waiting = NULL;
	mssp_nwaiting = mssp_capwaiting = 0;
	mssp_reading = true;
	pool_submit(mssp_pool, &j->job);
}

/* Queue a request for the next read (once per session and form). */
static void
mssp_ask(struct session *s, bool plain)
{
	size_t	i;

	for (i = 0; i < mssp_nwaiting; i++) {
		if (mssp_waiting[i].sid == s->id &&
		    mssp_waiting[i].plain == plain)
			return;
	}
	if (mssp_nwaiting == mssp_capwaiting) {
		mssp_capwaiting = mssp_capwaiting == 0 ? 8 :
		    mssp_capwaiting * 2;
		mssp_waiting = xrealloc(mssp_waiting,
		    mssp_capwaiting * sizeof *mssp_waiting);
	}
	mssp_waiting[mssp_nwaiting++] = (struct mssp_ask){ s->id, plain };
	if (plain)
		session_job_start(s);
	if (!mssp_reading)
		mssp_submit();
}

/* IAC DO MSSP. */
void
cmd_mssp_telnet(struct session *s)
{
	mssp_ask(s, false);
}

/* MSSP-REQUEST at the first Name: prompt. */
void
cmd_mssp_plain(struct session *s)
{
	log_session(LOG_INFO, s->id, "MSSP-REQUEST from %s", s->peer);
	mssp_ask(s, true);
}
