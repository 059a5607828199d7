/*
 * dash.c — the admin dashboard's routes (docs/dashboard.md).  Every route
 * but the sign-in page reads the session row on a worker before it
 * answers: the browser's cookie holds a random token, the database only
 * its hash, and the character's role is read with it, so a deleted row or
 * a demotion takes effect on the next request.  Passwords are checked by
 * the login dialog's own check (login_check_password) on the login pool.
 * Nothing here blocks the loop: a request waits for its job, and is
 * answered from the job's done on the loop (or dropped, if its connection
 * has gone meanwhile).
 *
 *   GET  /              → /dashboard
 *   GET  /login         the sign-in form (sets the double-submit cookie)
 *   POST /login         name, password, csrf → the session cookie
 *   POST /logout        csrf → the session row deleted
 *   GET  /dashboard     the page
 *   GET  /api/map       areas, rooms, exits (JSON)
 *   GET  /api/live      who is online, NPCs per room, audit, counters
 *   GET  /events        committed messages as server-sent events
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <sodium.h>

#include "db/pool.h"
#include "db/store.h"
#include "db/store_dash.h"
#include "cmd/cmd.h"
#include "cmd/dash.h"
#include "cmd/dash_int.h"
#include "cmd/login.h"
#include "game/text.h"
#include "net/telnet.h"
#include "ops/buf.h"
#include "ops/config.h"
#include "ops/http.h"
#include "ops/log.h"
#include "ops/util.h"

/* A session lasts this long from sign-in. */
#define DASH_SESSION_SECS	(12 * 3600)
/* At most this many dashboard jobs at once; more are answered 503. */
#define DASH_JOBS_MAX		64
/* A password field is at most this many bytes. */
#define DASH_PASSWORD_BYTES	512

/* What a job does. */
enum dash_what {
	DASH_PAGE,		/* GET /dashboard */
	DASH_MAP,		/* GET /api/map */
	DASH_LIVE,		/* GET /api/live */
	DASH_EVENTS,		/* GET /events */
	DASH_RECHECK,		/* an open stream's session, again */
	DASH_LOGIN,		/* POST /login */
	DASH_LOGOUT		/* POST /logout */
};

/* One request's database work. */
struct dash_job {
	struct job		 job;
	enum dash_what		 what;
	struct evhttp_request	*req;	/* NULL once its connection closed */
	struct evhttp_connection *evcon;
	uint64_t		 sse_id;	/* DASH_RECHECK's stream */
	char			 token[DASH_HEX + 1];
	char			 hash[DASH_HEX + 1];
	char			 csrf[DASH_HEX + 1];
	char			 name[STORE_NAME_MAX + 1];
	char			 addr[64];
	char			 password[DASH_PASSWORD_BYTES + 1];
	bool			 valid;		/* the session (or sign-in) */
	bool			 failed;	/* the database failed */
	struct store_dash_who	 who;
	char			*json;
};

static const struct config	*dash_cfg;
static struct pool		*dash_pool, *dash_login_pool;
static int			 dash_jobs;

/* Whether a role (as the row says) may use the dashboard. */
static bool
dash_role_ok(const char *role)
{
	enum role	r;

	return cmd_role_parse(role, &r) && r >= ROLE_ADMIN;
}

/* Transaction: the session row, its character staff, and the page's data. */
static enum tx_rc
dash_read_tx(struct store *st, void *arg)
{
	struct dash_job	*j = arg;
	enum store_rc	 rc;

	free(j->json);
	j->json = NULL;
	j->valid = false;
	if ((rc = store_dash_session_get(st, j->hash, &j->who)) == STORE_ERR)
		return TX_ERROR;
	if (rc == STORE_NONE || !dash_role_ok(j->who.role))
		return TX_COMMIT;
	j->valid = true;
	if (j->what == DASH_MAP || j->what == DASH_LIVE)
		rc = store_dash_read(st, j->what == DASH_MAP ? STORE_DASH_MAP :
		    STORE_DASH_LIVE, &j->json);
	return rc == STORE_ERR ? TX_ERROR : TX_COMMIT;
}

/* Transaction: a new session row for the signed-in character. */
static enum tx_rc
dash_new_tx(struct store *st, void *arg)
{
	struct dash_job	*j = arg;

	return store_dash_session_new(st, j->hash, j->who.id, j->addr,
	    DASH_SESSION_SECS) == STORE_OK ? TX_COMMIT : TX_ERROR;
}

/* Transaction: sign-out deletes the row (if it is still there). */
static enum tx_rc
dash_end_tx(struct store *st, void *arg)
{
	struct dash_job	*j = arg;

	return store_dash_session_end(st, j->hash) == STORE_ERR ? TX_ERROR :
	    TX_COMMIT;
}

/* Worker: sign in (the login dialog's password check, then the row). */
static void
dash_login_run(struct dash_job *j, struct store *st)
{
	struct store_char	ch;
	int			r;

	r = login_check_password(st, j->name, j->addr, j->password, &ch);
	sodium_memzero(j->password, sizeof j->password);
	if (r < 0) {
		j->failed = true;
		return;
	}
	if (r == 0 || !dash_role_ok(ch.role))
		return;
	j->who.id = ch.id;
	util_strlcpy(j->who.name, ch.name, sizeof j->who.name);
	dash_token_new(j->token);
	dash_token_hash(j->token, j->hash);
	if (store_tx(st, false, dash_cfg->tx_retries, dash_new_tx, j) ==
	    TXR_COMMITTED)
		j->valid = true;
	else
		j->failed = true;
}

/* Worker: run a dashboard job. */
static void
dash_run(struct job *job, struct store *st)
{
	struct dash_job	*j = (struct dash_job *)job;
	store_tx_fn	 fn = j->what == DASH_LOGOUT ? dash_end_tx : dash_read_tx;

	if (j->what == DASH_LOGIN) {
		dash_login_run(j, st);
		return;
	}
	if (store_tx(st, false, dash_cfg->tx_retries, fn, j) != TXR_COMMITTED)
		j->failed = true;
}

/* The connection of a waiting request closed: forget the request. */
static void
dash_conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct dash_job	*j = arg;

	(void)evcon;
	dash_req_orphaned(j->req);
	j->req = NULL;
}

/* The sign-in form, with a refusal (or none) and its CSRF token. */
static void
dash_login_page(struct evhttp_request *req, int code, const char *csrf,
    const char *error)
{
	const char	*keys[] = { "csrf", "error" };
	const char	*vals[] = { csrf, error };

	dash_page(req, code, "login.html", keys, vals, 2);
}

/* Not signed in: pages go to the sign-in form, the rest get 401. */
static void
dash_unauthorized(struct evhttp_request *req, enum dash_what what)
{
	if (what == DASH_PAGE)
		dash_redirect(req, "/login");
	else
		dash_text(req, 401, "sign in first\n");
}

/* This process's store counters (what dbstats shows) as JSON (malloc'd). */
static char *
dash_stats_json(void)
{
	struct store_stat	 st[256];
	size_t			 n = store_stats(st, 256);
	uint64_t		 rt, ok, rb, failed, down, lost, doubt;
	json_t			*arr = json_array(), *o;
	char			*s;

	for (size_t i = 0; i < n && i < 256; i++)
		json_array_append_new(arr, json_pack("{s:s,s:I,s:I,s:I,s:I}",
		    "name", st[i].name, "calls", (json_int_t)st[i].calls,
		    "errors", (json_int_t)st[i].errors,
		    "rows", (json_int_t)st[i].rows,
		    "avg_us", (json_int_t)(st[i].calls ?
		    st[i].usec / st[i].calls : 0)));
	store_totals(&rt, &ok, &rb, &failed);
	store_fault_totals(&down, &lost, &doubt);
	o = json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "statements", arr, "round_trips", (json_int_t)rt,
	    "committed", (json_int_t)ok, "rolled_back", (json_int_t)rb,
	    "failed", (json_int_t)failed,
	    "retries", (json_int_t)store_tx_retries(),
	    "out_of_reach", (json_int_t)down, "lost_at_commit",
	    (json_int_t)lost, "in_doubt", (json_int_t)doubt);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Answer a signed-in request. */
static void
dash_answer(struct dash_job *j)
{
	struct evhttp_request	*req = j->req;
	const char		*keys[] = { "csrf", "name", "role" };
	const char		*vals[] = { j->csrf, j->who.name, j->who.role };
	struct buf		 b = { 0 };
	char			*stats;

	switch (j->what) {
	case DASH_PAGE:
		dash_token_csrf(j->token, j->csrf);
		dash_page(req, 200, "dashboard.html", keys, vals, 3);
		break;
	case DASH_MAP:
		dash_send(req, 200, "application/json", j->json,
		    strlen(j->json));
		break;
	case DASH_LIVE:
		stats = dash_stats_json();
		buf_printf(&b, "{\"world\":%s,\"stats\":%s,\"me\":\"%s\"}",
		    j->json, stats, j->who.name);
		free(stats);
		dash_send(req, 200, "application/json", buf_str(&b), b.len);
		buf_free(&b);
		break;
	case DASH_EVENTS:
		if (!dash_sse_room()) {
			dash_text(req, 503, "too many event streams\n");
			break;
		}
		dash_sse_open(req, j->hash);
		break;
	default:
		break;
	}
}

/* Loop thread: a job finished; answer its request if it is still there. */
static void
dash_done(struct job *job)
{
	struct dash_job		*j = (struct dash_job *)job;
	struct evhttp_request	*req = j->req;
	char			 cookie[256];

	dash_jobs--;
	if (j->what == DASH_RECHECK) {
		dash_sse_checked(j->sse_id, j->valid || j->failed);
		goto out;
	}
	if (req == NULL)
		goto out;
	evhttp_connection_set_closecb(j->evcon, NULL, NULL);
	if (j->failed) {
		dash_text(req, 503, "Keep cannot reach its world right now; "
		    "try again in a minute.\n");
		goto out;
	}
	switch (j->what) {
	case DASH_LOGIN:
		if (!j->valid) {
			log_info("dashboard: sign-in as %s from %s refused",
			    j->name, j->addr);
			dash_login_page(req, 401, j->csrf, DASH_REFUSAL);
			break;
		}
		log_info("dashboard: %s signed in from %s", j->who.name,
		    j->addr);
		snprintf(cookie, sizeof cookie, DASH_COOKIE "=%s; HttpOnly; "
		    "SameSite=Strict; Path=/; Max-Age=%d", j->token,
		    DASH_SESSION_SECS);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Set-Cookie", cookie);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Set-Cookie", DASH_LOGIN_COOKIE "=; HttpOnly; "
		    "SameSite=Strict; Path=/; Max-Age=0");
		dash_redirect(req, "/dashboard");
		break;
	case DASH_LOGOUT:
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Set-Cookie", DASH_COOKIE "=; HttpOnly; SameSite=Strict; "
		    "Path=/; Max-Age=0");
		dash_redirect(req, "/login");
		break;
	default:
		if (!j->valid)
			dash_unauthorized(req, j->what);
		else
			dash_answer(j);
		break;
	}
out:
	sodium_memzero(j->token, sizeof j->token);
	free(j->json);
	free(j);
}

/* A new job for req (or for no request: a stream's re-check). */
static struct dash_job *
dash_job_new(struct evhttp_request *req, enum dash_what what)
{
	struct dash_job	*j = xcalloc(1, sizeof *j);
	char		*host = NULL;
	ev_uint16_t	 port;

	j->job.run = dash_run;
	j->job.done = dash_done;
	j->what = what;
	if ((j->req = req) != NULL) {
		j->evcon = evhttp_request_get_connection(req);
		evhttp_connection_get_peer(j->evcon, &host, &port);
		util_strlcpy(j->addr, host != NULL ? host : "", sizeof j->addr);
	}
	return j;
}

/* Queue a job (on pool); requests wait for it, watching their connection. */
static void
dash_submit(struct dash_job *j, struct pool *pool)
{
	if (j->req != NULL)
		evhttp_connection_set_closecb(j->evcon, dash_conn_closed, j);
	dash_jobs++;
	pool_submit(pool, &j->job);
}

/* Whether the dashboard may take another job; answers 503 if not. */
static bool
dash_busy(struct evhttp_request *req)
{
	if (dash_jobs < DASH_JOBS_MAX)
		return false;
	dash_text(req, 503, "the dashboard is busy; try again\n");
	return true;
}

/* A GET that needs a session: check it on a worker, then answer. */
static void
dash_signed_in(struct evhttp_request *req, enum dash_what what)
{
	struct dash_job	*j;
	char		 token[DASH_HEX + 1];

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		dash_text(req, 405, "method not allowed\n");
		return;
	}
	if (!dash_cookie(req, DASH_COOKIE, token)) {
		dash_unauthorized(req, what);
		return;
	}
	if (dash_busy(req))
		return;
	j = dash_job_new(req, what);
	util_strlcpy(j->token, token, sizeof j->token);
	dash_token_hash(token, j->hash);
	sodium_memzero(token, sizeof token);
	dash_submit(j, dash_pool);
}

/* GET /dashboard, /api/map, /api/live (arg: the enum dash_what). */
static void
dash_route_signed_in(struct evhttp_request *req, void *arg)
{
	dash_signed_in(req, *(enum dash_what *)arg);
}

/* GET /events */
static void
dash_route_events(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (!dash_sse_room()) {
		dash_text(req, 503, "too many event streams\n");
		return;
	}
	dash_signed_in(req, DASH_EVENTS);
}

/* GET / */
static void
dash_route_root(struct evhttp_request *req, void *arg)
{
	(void)arg;
	dash_redirect(req, "/dashboard");
}

/* POST /login's fields, checked: false (answered) when refused at once. */
static bool
dash_login_fields(struct evhttp_request *req, struct dash_job *j,
    struct evkeyvalq *q)
{
	const char	*name = evhttp_find_header(q, "name");
	const char	*password = evhttp_find_header(q, "password");
	const char	*csrf = evhttp_find_header(q, "csrf");

	if (!dash_cookie(req, DASH_LOGIN_COOKIE, j->csrf) ||
	    !dash_token_equal(csrf, j->csrf)) {
		dash_text(req, 403, "forbidden: the form's CSRF token is "
		    "missing or wrong; reload the sign-in page\n");
		return false;
	}
	if (name == NULL || password == NULL || strlen(name) > 64 ||
	    strlen(password) > DASH_PASSWORD_BYTES ||
	    !text_name_normalise(name, j->name, sizeof j->name) ||
	    !telnet_utf8_valid((const uint8_t *)password, strlen(password))) {
		dash_login_page(req, 401, j->csrf, DASH_REFUSAL);
		return false;
	}
	util_strlcpy(j->password, password, sizeof j->password);
	return true;
}

/* GET /login: the form; POST /login: sign in. */
static void
dash_route_login(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq	 q;
	struct dash_job		*j;
	char			 csrf[DASH_HEX + 1], cookie[160];
	bool			 ok;

	(void)arg;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		if (!dash_cookie(req, DASH_LOGIN_COOKIE, csrf)) {
			dash_token_new(csrf);
			snprintf(cookie, sizeof cookie, DASH_LOGIN_COOKIE
			    "=%s; HttpOnly; SameSite=Strict; Path=/", csrf);
			evhttp_add_header(evhttp_request_get_output_headers(
			    req), "Set-Cookie", cookie);
		}
		dash_login_page(req, 200, csrf, "");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		dash_text(req, 405, "method not allowed\n");
		return;
	}
	if (!dash_form(req, &q))
		return;
	j = dash_job_new(req, DASH_LOGIN);
	ok = dash_login_fields(req, j, &q);
	evhttp_clear_headers(&q);
	if (ok && !dash_busy(req)) {
		if (pool_queued(dash_login_pool) <
		    (size_t)dash_cfg->login_queue) {
			dash_submit(j, dash_login_pool);
			return;
		}
		dash_text(req, 503, "Keep is busy; try again in a moment.\n");
	}
	sodium_memzero(j, sizeof *j);
	free(j);
}

/* POST /logout: the session's CSRF token, then the row deleted. */
static void
dash_route_logout(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq	 q;
	struct dash_job		*j;
	char			 token[DASH_HEX + 1], csrf[DASH_HEX + 1];
	bool			 ok;

	(void)arg;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		dash_text(req, 405, "method not allowed\n");
		return;
	}
	if (!dash_cookie(req, DASH_COOKIE, token)) {
		dash_text(req, 401, "sign in first\n");
		return;
	}
	if (!dash_form(req, &q))
		return;
	dash_token_csrf(token, csrf);
	ok = dash_token_equal(evhttp_find_header(&q, "csrf"), csrf);
	evhttp_clear_headers(&q);
	if (!ok) {
		dash_text(req, 403, "forbidden: the form's CSRF token is "
		    "missing or wrong\n");
		return;
	}
	if (dash_busy(req))
		return;
	j = dash_job_new(req, DASH_LOGOUT);
	dash_token_hash(token, j->hash);
	dash_submit(j, dash_pool);
}

/* Re-check a stream's session on a worker. */
void
dash_session_recheck(uint64_t sse_id, const char *hash)
{
	struct dash_job	*j;

	if (dash_jobs >= DASH_JOBS_MAX)
		return;
	j = dash_job_new(NULL, DASH_RECHECK);
	j->sse_id = sse_id;
	util_strlcpy(j->hash, hash, sizeof j->hash);
	dash_submit(j, dash_pool);
}

/* Serve the dashboard. */
void
dash_start(struct event_base *base, const struct config *cfg,
    struct pool *pool, struct pool *login_pool)
{
	static enum dash_what	what[] = { DASH_PAGE, DASH_MAP, DASH_LIVE };

	if (http_server() == NULL)
		return;
	dash_cfg = cfg;
	dash_pool = pool;
	dash_login_pool = login_pool;
	if (!dash_web_load(cfg->web_dir))
		return;
	http_route("/", dash_route_root, NULL);
	http_route("/login", dash_route_login, NULL);
	http_route("/logout", dash_route_logout, NULL);
	http_route("/dashboard", dash_route_signed_in, &what[0]);
	http_route("/api/map", dash_route_signed_in, &what[1]);
	http_route("/api/live", dash_route_signed_in, &what[2]);
	http_route("/events", dash_route_events, NULL);
	dash_sse_start(base);
	log_info("dashboard: http://%s:%d/dashboard (files from %s)",
	    cfg->http_address, http_port(), cfg->web_dir);
}

/* The loop has stopped: free the stream's timer. */
void
dash_stop(void)
{
	dash_sse_stop();
}
