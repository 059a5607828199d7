/*
 * dash_sse.c — the dashboard's live event stream: GET /events as
 * server-sent events.  dash_event gets every message the listener hands
 * game_deliver — rows of committed transactions only — and sends the
 * public ones (says, emotes, room messages such as arrivals and
 * departures, logins and logouts, combat, shouts and chat; not tells,
 * private notices or kicks) to each open stream.  At most DASH_SSE_MAX
 * streams.  A stream whose client does not read is dropped: at once when
 * DASH_SSE_HARD_MAX bytes wait for it, or when more than DASH_SSE_SOFT_MAX
 * have waited for DASH_SSE_SOFT_SECS (a burst of messages is handed over
 * in one turn of the loop, so a client that reads may briefly hold more
 * than the soft bound).  Every DASH_SSE_PING_SECS a comment keeps the
 * connection open and each stream's session is read again: a stream whose
 * row is gone or whose character is no longer staff is ended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include "db/store.h"
#include "cmd/dash.h"
#include "cmd/dash_int.h"
#include "net/color.h"
#include "ops/http.h"
#include "ops/log.h"
#include "ops/util.h"

#define DASH_SSE_MAX		16
#define DASH_SSE_SOFT_MAX	(256 * 1024)
#define DASH_SSE_SOFT_SECS	5
#define DASH_SSE_HARD_MAX	(4 * 1024 * 1024)
#define DASH_SSE_PING_SECS	15

/* One open stream (id 0: a free slot). */
struct dash_sse {
	uint64_t		 id;
	struct evhttp_request	*req;
	struct evhttp_connection *evcon;
	char			 hash[DASH_HEX + 1];
	uint64_t		 over_since;	/* past the soft bound since
						 * (us), or 0 */
};

static struct dash_sse	 dash_sse[DASH_SSE_MAX];
static uint64_t		 dash_sse_next = 1;
static int		 dash_sse_n;
static struct event	*dash_sse_timer;

/* A stream's connection closed: free its slot. */
static void
dash_sse_closed(struct evhttp_connection *evcon, void *arg)
{
	struct dash_sse	*c = arg;

	(void)evcon;
	dash_req_orphaned(c->req);
	memset(c, 0, sizeof *c);
	dash_sse_n--;
}

/* End a stream at once (its connection freed), saying why in the log. */
static void
dash_sse_drop(struct dash_sse *c, const char *why)
{
	struct evhttp_connection	*evcon = c->evcon;

	log_info("dashboard: event stream %llu dropped: %s",
	    (unsigned long long)c->id, why);
	evhttp_connection_set_closecb(evcon, NULL, NULL);
	memset(c, 0, sizeof *c);
	dash_sse_n--;
	evhttp_connection_free(evcon);
}

/* Whether a stream's client lags too far (len more bytes to come). */
static bool
dash_sse_lagging(struct dash_sse *c, size_t len)
{
	struct bufferevent	*bev = evhttp_connection_get_bufferevent(
				    c->evcon);
	size_t			 waiting;
	uint64_t		 now = util_now_us();

	if (bev == NULL)
		return false;
	waiting = evbuffer_get_length(bufferevent_get_output(bev)) + len;
	if (waiting <= DASH_SSE_SOFT_MAX) {
		c->over_since = 0;
		return false;
	}
	if (c->over_since == 0)
		c->over_since = now;
	return waiting > DASH_SSE_HARD_MAX ||
	    now - c->over_since > DASH_SSE_SOFT_SECS * 1000000ULL;
}

/* End a stream cleanly: what is queued is sent, then the connection
 * closes (the reply says Connection: close). */
static void
dash_sse_end(struct dash_sse *c)
{
	struct evhttp_request	*req = c->req;

	log_info("dashboard: event stream %llu ended: the session ended",
	    (unsigned long long)c->id);
	evhttp_connection_set_closecb(c->evcon, NULL, NULL);
	memset(c, 0, sizeof *c);
	dash_sse_n--;
	evhttp_send_reply_end(req);
}

/* Send text to a stream, or drop it when its client lags too far. */
static void
dash_sse_send(struct dash_sse *c, const char *text, size_t len)
{
	struct evbuffer	*b;

	if (dash_sse_lagging(c, len)) {
		dash_sse_drop(c, "the client is not reading");
		return;
	}
	b = evbuffer_new();
	evbuffer_add(b, text, len);
	evhttp_send_reply_chunk(c->req, b);
	evbuffer_free(b);
}

/* Whether another stream may open. */
bool
dash_sse_room(void)
{
	return dash_sse_n < DASH_SSE_MAX;
}

/* The event stream: GET /events once the session is checked. */
void
dash_sse_open(struct evhttp_request *req, const char *hash)
{
	static const char	 hello[] = "retry: 2000\n: keep events\n\n";
	struct dash_sse		*c = NULL;

	for (int i = 0; i < DASH_SSE_MAX && c == NULL; i++)
		if (dash_sse[i].id == 0)
			c = &dash_sse[i];
	if (c == NULL) {
		dash_text(req, 503, "too many event streams\n");
		return;
	}
	c->id = dash_sse_next++;
	c->req = req;
	c->evcon = evhttp_request_get_connection(req);
	util_strlcpy(c->hash, hash, sizeof c->hash);
	dash_sse_n++;
	dash_headers(req);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/event-stream");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Connection", "close");
	http_count(req, 200);
	evhttp_send_reply_start(req, 200, "OK");
	evhttp_connection_set_closecb(c->evcon, dash_sse_closed, c);
	dash_sse_send(c, hello, sizeof hello - 1);
}

/* A stream's session was re-checked: drop it when no longer valid. */
void
dash_sse_checked(uint64_t sse_id, bool valid)
{
	static const char	bye[] = "event: signedout\ndata: {}\n\n";

	for (int i = 0; i < DASH_SSE_MAX; i++) {
		if (dash_sse[i].id != sse_id || valid)
			continue;
		dash_sse_send(&dash_sse[i], bye, sizeof bye - 1);
		if (dash_sse[i].id == sse_id)
			dash_sse_end(&dash_sse[i]);
	}
}

/* Timer: a comment to every stream, and its session read again. */
static void
dash_sse_ping(evutil_socket_t fd, short what, void *arg)
{
	static const char	ping[] = ": ping\n\n";

	(void)fd;
	(void)what;
	(void)arg;
	for (int i = 0; i < DASH_SSE_MAX; i++) {
		if (dash_sse[i].id == 0)
			continue;
		dash_sse_send(&dash_sse[i], ping, sizeof ping - 1);
		if (dash_sse[i].id != 0)
			dash_session_recheck(dash_sse[i].id, dash_sse[i].hash);
	}
}

/* Start the heartbeat (and session re-check) timer. */
void
dash_sse_start(struct event_base *base)
{
	struct timeval	tv = { DASH_SSE_PING_SECS, 0 };

	dash_sse_timer = event_new(base, -1, EV_PERSIST, dash_sse_ping, NULL);
	event_add(dash_sse_timer, &tv);
}

/* Free the heartbeat timer (the loop has stopped). */
void
dash_sse_stop(void)
{
	if (dash_sse_timer != NULL)
		event_free(dash_sse_timer);
	dash_sse_timer = NULL;
}

/* Whether a message is for the stream: public, not a kick. */
static bool
dash_event_public(const struct store_message *m)
{
	return m->kick_instance[0] == '\0' && strcmp(m->kind, "char") != 0 &&
	    strcmp(m->channel, "tell") != 0;
}

/* A committed message (from game_deliver): to the event stream. */
void
dash_event(const struct store_message *m)
{
	json_t	*o;
	char	*data;
	size_t	 len;
	char	*text;

	if (dash_sse_n == 0 || !dash_event_public(m))
		return;
	/* Without the colour marks (the page shows plain text). */
	text = xstrdup(m->text != NULL ? m->text : "");
	color_strip(text);
	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)m->id,
	    "kind", m->kind, "channel", m->channel, "talker", m->talker,
	    "text", text, "heard", (json_int_t)m->nto);
	free(text);
	if (o == NULL)
		return;
	data = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (data == NULL)
		return;
	len = strlen(data) + 64;
	text = xmalloc(len);
	len = (size_t)snprintf(text, len, "id: %lld\ndata: %s\n\n",
	    (long long)m->id, data);
	free(data);
	for (int i = 0; i < DASH_SSE_MAX; i++)
		if (dash_sse[i].id != 0)
			dash_sse_send(&dash_sse[i], text, len);
	free(text);
}
