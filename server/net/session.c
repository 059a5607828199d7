/*
 * session.c — connections: accept, the sessions by id and by key, telnet
 * decoding, the bounded input queue (one job in flight per session: the busy
 * flag belongs to session_job_start and session_job_done), timers, closing
 * and deferred freeing.  Each line is vetted (rate, bytes, the log of
 * refusals) by session_input.c first; output and its bound are in
 * session_output.c.  A trusted proxy's connection becomes a session only
 * once its PROXY header has named the client (session_proxy.c, then
 * session_admit).  What a session means to the game is the callbacks'
 * business (struct session_cbs) and its ud's.
 */
#include <errno.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "net/peer.h"
#include "net/session.h"
#include "net/session_int.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/util.h"

/* How long a closing session may take to flush its last output. */
#define SESSION_FLUSH_SECS	5
/* How long to stop accepting when out of file descriptors. */
#define SESSION_EMFILE_SECS	1

struct event_base		*session_base;
const struct config		*session_cfg;
const struct session_cbs	*session_cb;
static struct evconnlistener	*session_listener;
static struct event		*session_resume_ev;
static struct event		*session_reap_ev;
static void			*session_by_id;		/* tsearch tree */
static void			*session_by_key;	/* tsearch tree */
static struct session		**session_dead;		/* to free */
static int			 session_ndead, session_dead_cap;
static uint64_t			 session_next_id = 1;
static int			 session_n;
static char			*session_goodbye;	/* set at shutdown */

/* Order sessions by id for the tsearch tree. */
static int
session_cmp_id(const void *a, const void *b)
{
	const struct session	*x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Order sessions by key for the tsearch tree. */
static int
session_cmp_key(const void *a, const void *b)
{
	const struct session	*x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

/* The session with this id (perhaps closing), or NULL if it is gone. */
struct session *
session_find(uint64_t id)
{
	struct session	  key = { .id = id };
	struct session	**found = tfind(&key, &session_by_id, session_cmp_id);

	return found != NULL ? *found : NULL;
}

/* The session with this key (the layer above's: a character), or NULL. */
struct session *
session_find_key(int64_t key)
{
	struct session	  k = { .key = key };
	struct session	**found;

	found = tfind(&k, &session_by_key, session_cmp_key);
	return found != NULL ? *found : NULL;
}

/* Give a session its key; another session holding it loses it. */
void
session_set_key(struct session *s, int64_t key)
{
	struct session	*old;

	/* A takeover on this process: the old session no longer owns it. */
	if ((old = session_find_key(key)) != NULL && old != s) {
		tdelete(old, &session_by_key, session_cmp_key);
		old->key = 0;
	}
	s->key = key;
	tsearch(s, &session_by_key, session_cmp_key);
}

/* Forget the session's key (it was taken over elsewhere). */
void
session_unset_key(struct session *s)
{
	if (s->key != 0 && session_find_key(s->key) == s)
		tdelete(s, &session_by_key, session_cmp_key);
	s->key = 0;
}

/* Attach the layer above's state to a session (NULL to detach). */
void
session_set_ud(struct session *s, void *ud)
{
	s->ud = ud;
}

/* The layer above's state of a session (NULL until set). */
void *
session_ud(const struct session *s)
{
	return s->ud;
}

static struct session **session_walk_list;
static int	 session_walk_n;

/* twalk visitor: collect sessions (so fn may change the tree). */
static void
session_walk_cb(const void *node, VISIT which, int depth)
{
	(void)depth;
	if (which == postorder || which == leaf)
		session_walk_list[session_walk_n++] = *(struct session *const *)node;
}

/* Call fn for every open session. */
void
session_foreach(void (*fn)(struct session *, void *), void *arg)
{
	struct session	**list = xcalloc((size_t)session_n + 1, sizeof *list);

	session_walk_list = list;
	session_walk_n = 0;
	twalk(session_by_id, session_walk_cb);
	for (int i = 0, n = session_walk_n; i < n; i++) {
		if (!list[i]->closing)
			fn(list[i], arg);
	}
	free(list);
}

/* Open sessions. */
int
session_count(void)
{
	return session_n;
}

/* Forget queued input lines. */
static void
session_queue_clear(struct session *s)
{
	int	max = session_cfg->max_queued_lines;

	for (; s->qlen > 0; s->qlen--) {
		free(s->queue[s->qhead].text);
		s->qhead = (s->qhead + 1) % max;
	}
}

/* Hand queued lines to the game while no job is in flight. */
static void
session_run_queue(struct session *s)
{
	int	 max = session_cfg->max_queued_lines;
	char	*line;

	while (!s->busy && !s->closing && s->qlen > 0) {
		line = s->queue[s->qhead].text;
		s->line_at = s->queue[s->qhead].at;
		s->qhead = (s->qhead + 1) % max;
		s->qlen--;
		session_cb->line(s, line);
		free(line);
	}
	if (s->qlen == 0) {
		s->flood_warned = false;
		s->flood_dropped = 0;
	}
}

/* A job for this session is in flight: its lines wait, it is not freed. */
void
session_job_start(struct session *s)
{
	s->busy = true;
}

/*
 * A job for this session finished: run the next queued line, if any.  At
 * shutdown the job's reply has been written by now, so the session can
 * say goodbye and go.
 */
void
session_job_done(struct session *s)
{
	s->busy = false;
	if (s->closing) {
		if (s->bev == NULL)
			session_release(s);
		return;
	}
	if (session_goodbye != NULL) {
		session_close(s, session_goodbye);
		return;
	}
	session_run_queue(s);
}

/* Queue one input line, or refuse it when the client floods. */
void
session_enqueue(struct session *s, const char *line)
{
	int	max = session_cfg->max_queued_lines;

	if (s->qlen == max) {
		session_input_refused(s, LIMIT_QUEUE, "line refused: %d lines"
		    " queued", max);
		if (++s->flood_dropped > max) {
			log_session(LOG_WARN, s->id, "flooding; disconnected");
			session_close(s, "You sent too much too fast. "
			    "Goodbye.\n");
			return;
		}
		if (!s->flood_warned) {
			s->flood_warned = true;
			session_write(s, "You are sending commands faster than"
			    " they can run; slow down or you will be cut "
			    "off.\n");
		}
		return;
	}
	s->queue[(s->qhead + s->qlen) % max] = (struct session_line){
		.text = xstrdup(line), .at = util_now_us() };
	s->qlen++;
	session_run_queue(s);
}

/* A line was refused: prompt again, unless a reply still will. */
void
session_reprompt(struct session *s)
{
	if (!s->busy && s->qlen == 0)
		session_cb->reprompt(s);
}

/* Telnet events for one session. */
static void
session_telnet_cb(const struct telnet_event *ev, void *arg)
{
	struct session	*s = arg;

	if (s->closing)
		return;
	switch (ev->type) {
	case TELNET_EV_SEND:
		session_send_raw(s, ev->data, ev->len);
		break;
	case TELNET_EV_LINE:
	case TELNET_EV_LINE_TOO_LONG:
	case TELNET_EV_LINE_NUL:
		session_input_line(s, ev);
		break;
	case TELNET_EV_INTERRUPT:
		session_close(s, "Interrupted. Goodbye.\n");
		break;
	case TELNET_EV_SUBNEG:
		session_proto_subneg(s, ev);
		break;
	case TELNET_EV_OPTION:
	case TELNET_EV_REPEAT:
		session_proto_option(s, ev);
		break;
	}
}

/* Readable socket: feed the telnet machine. */
static void
session_read_cb(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	uint8_t		 buf[4096];
	int		 n;

	while (!s->closing && (n = evbuffer_remove(in, buf, sizeof buf)) > 0)
		telnet_feed(&s->telnet, buf, (size_t)n);
	if (s->closing)
		evbuffer_drain(in, evbuffer_get_length(in));
}

/* Output flushed while closing: now the socket can go. */
static void
session_write_cb(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;

	(void)bev;
	if (s->closing)
		session_release(s);
}

/* EOF or error on the socket. */
static void
session_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct session	*s = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		log_session(LOG_INFO, s->id, "connection closed by peer%s",
		    (what & BEV_EVENT_ERROR) ? " (error)" : "");
		session_close(s, NULL);
		session_release(s);
	}
}

/* Login timer: a connection that has not logged in in time is closed
 * (session_logged_in stops it). */
static void
session_login_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;

	(void)fd;
	(void)what;
	if (!s->closing) {
		log_session(LOG_INFO, s->id, "login timed out");
		session_echo(s, false);
		session_close(s, "\nYou took too long to log in. Goodbye.\n");
	}
}

/* Flush timer: a closing client that does not read loses its output. */
static void
session_flush_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	session_release(arg);
}

/* The login dialog finished: stop the login timer. */
void
session_logged_in(struct session *s)
{
	event_del(s->login_timer);
}

/* Show msg, flush, and close; freed once no job is in flight. */
void
session_close(struct session *s, const char *msg)
{
	struct timeval	tv = { SESSION_FLUSH_SECS, 0 };

	if (s->closing)
		return;
	if (msg != NULL)
		session_write(s, msg);
	/* The goodbye arrives whole: the zlib stream ends before the close. */
	session_mccp_end(s, true);
	s->closing = true;
	session_queue_clear(s);
	session_input_end(s);
	event_del(s->login_timer);
	if (s->bev == NULL) {
		session_release(s);
		return;
	}
	bufferevent_disable(s->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0) {
		session_release(s);
		return;
	}
	/* Let the goodbye reach the client, but not forever. */
	bufferevent_setwatermark(s->bev, EV_WRITE, 0, 0);
	evtimer_add(s->close_timer, &tv);
}

/* Deferred: free sessions whose socket is gone and whose job finished. */
static void
session_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	for (int i = 0; i < session_ndead; i++) {
		struct session	*s = session_dead[i];

		session_cb->close(s);
		tdelete(s, &session_by_id, session_cmp_id);
		session_unset_key(s);
		peer_remove(s->peer);
		event_free(s->login_timer);
		event_free(s->close_timer);
		session_proto_free(s);
		telnet_free(&s->telnet);
		free(s->queue);
		free(s);
		session_n--;
	}
	session_ndead = 0;
	if (session_n == 0 && session_listener == NULL)
		log_debug("session: all sessions closed");
}

/*
 * Close the socket (output not yet sent is dropped); once no job is in
 * flight, schedule the free.  Never frees inside the caller's callback:
 * the reap event does it.
 */
void
session_release(struct session *s)
{
	if (s->bev != NULL) {
		evutil_socket_t	fd = bufferevent_getfd(s->bev);
		char		tmp[4096];

		/*
		 * Unread input makes close() send a reset, which can destroy
		 * the goodbye still in flight; discard it and half-close.
		 */
		while (fd >= 0 && recv(fd, tmp, sizeof tmp, MSG_DONTWAIT) > 0)
			;
		if (fd >= 0)
			shutdown(fd, SHUT_WR);
		bufferevent_free(s->bev);
		s->bev = NULL;
		evtimer_del(s->close_timer);
		log_session(LOG_DEBUG, s->id, "socket closed");
	}
	if (s->busy || s->freeing)
		return;
	if (session_ndead == session_dead_cap) {
		session_dead_cap = session_dead_cap ? session_dead_cap * 2 : 64;
		session_dead = xrealloc(session_dead,
		    (size_t)session_dead_cap * sizeof *session_dead);
	}
	session_dead[session_ndead++] = s;
	s->freeing = true;
	event_active(session_reap_ev, EV_READ, 0);
}

/* Refuse a connection with a one-line reason (ending in CR LF). */
static void
session_refuse(evutil_socket_t fd, const char *msg)
{
	(void)!send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
	evutil_closesocket(fd);
}

/*
 * Refused connections, for the log: a flood of them must not become a log
 * line each.  The first refusal of an interval is logged; the rest are
 * counted (by reason: 0 full, 1 per-address cap) and summed up in one line
 * when the interval ends.
 */
static struct event	*session_refusal_ev;
static unsigned		 session_refusals[2];

static struct session	*session_open(int, const char *, const char *);

/* The refusal interval ended: write the summary, if there is one. */
static void
session_refusal_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (session_refusals[0] + session_refusals[1] > 0)
		log_warn("session: %u more connections refused in the last "
		    "%d s (full: %u, too many from one address: %u)",
		    session_refusals[0] + session_refusals[1],
		    LIMIT_LOG_SECS, session_refusals[0], session_refusals[1]);
	session_refusals[0] = session_refusals[1] = 0;
}

/* Count a refused connection; true if it gets a log line of its own. */
static bool
session_refusal_count(int reason)
{
	struct timeval	tv = { LIMIT_LOG_SECS, 0 };

	if (session_refusal_ev == NULL)
		session_refusal_ev = evtimer_new(session_base,
		    session_refusal_cb, NULL);
	if (!evtimer_pending(session_refusal_ev, NULL)) {
		evtimer_add(session_refusal_ev, &tv);
		return true;
	}
	session_refusals[reason]++;
	return false;
}

/* A new connection. */
static void
session_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	char		 host[INET6_ADDRSTRLEN] = "?";
	int		 one = 1;

	(void)l;
	(void)salen;
	(void)arg;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, host,
		    sizeof host);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr,
		    host, sizeof host);
	if (session_n + session_proxy_pending() >=
	    session_cfg->max_connections) {
		if (session_refusal_count(0))
			log_warn("session: refused %s: %d connections (the "
			    "maximum)", host, session_n +
			    session_proxy_pending());
		session_refuse(fd, "Keep is full right now; please try again "
		    "in a few minutes.\r\n");
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* A trusted proxy's: its PROXY header first names the client. */
	if (session_proxy_accept(fd, sa, host))
		return;
	session_admit(fd, host, NULL, NULL, 0);
}

/* A connection from host (via a proxy, or NULL): the per-address limit,
 * then the session, fed the bytes that followed the PROXY header. */
void
session_admit(evutil_socket_t fd, const char *host, const char *via,
    const void *data, size_t len)
{
	struct session	*s;

	if (session_goodbye != NULL) {
		evutil_closesocket(fd);
		return;
	}
	if (!peer_add(host, session_cfg->max_connections_per_address)) {
		if (session_refusal_count(1))
			log_warn("session: refused %s%s%s: %d connections from "
			    "it (the maximum)", host, via != NULL ?
			    " via proxy " : "", via != NULL ? via : "",
			    session_cfg->max_connections_per_address);
		session_refuse(fd, "Too many connections from your address; "
		    "please close one and try again.\r\n");
		return;
	}
	s = session_open(fd, host, via);
	if (len > 0 && !s->closing)
		telnet_feed(&s->telnet, data, len);
}

/* A session on a connected socket from host (via a proxy, or NULL): the
 * open callback has run. */
static struct session *
session_open(int fd, const char *host, const char *via)
{
	struct session	*s;
	struct timeval	 tv = { session_cfg->login_timeout, 0 };

	evutil_make_socket_nonblocking(fd);
	s = xcalloc(1, sizeof *s);
	s->id = session_next_id++;
	s->last_input = util_now_us();
	util_strlcpy(s->peer, host, sizeof s->peer);
	s->queue = xcalloc((size_t)session_cfg->max_queued_lines,
	    sizeof *s->queue);
	s->bev = bufferevent_socket_new(session_base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(s->bev, session_read_cb, session_write_cb,
	    session_event_cb, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	s->login_timer = evtimer_new(session_base, session_login_timeout_cb, s);
	s->close_timer = evtimer_new(session_base, session_flush_timeout_cb, s);
	evtimer_add(s->login_timer, &tv);
	telnet_init(&s->telnet, session_telnet_cb, s);
	tsearch(s, &session_by_id, session_cmp_id);
	session_n++;
	if (via != NULL)
		log_session(LOG_INFO, s->id, "connection from %s (via proxy %s)",
		    host, via);
	else
		log_session(LOG_INFO, s->id, "connection from %s", host);
	session_proto_open(s);
	session_cb->open(s);
	return s;
}

/* A session on a connected socket from host: the open callback has run. */
struct session *
session_open_fd(int fd, const char *host)
{
	return session_open(fd, host, NULL);
}

/* Resume accepting after running out of file descriptors. */
static void
session_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (session_listener != NULL)
		evconnlistener_enable(session_listener);
}

/* accept() failed: on EMFILE pause instead of spinning. */
static void
session_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct timeval	tv = { SESSION_EMFILE_SECS, 0 };
	int		err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	log_warn("session: accept: %s; pausing for %d s",
	    evutil_socket_error_to_string(err), SESSION_EMFILE_SECS);
	evconnlistener_disable(l);
	evtimer_add(session_resume_ev, &tv);
}

/* Use this loop, configuration and callbacks (cbs must outlive them). */
void
session_init(struct event_base *base, const struct config *cfg,
    const struct session_cbs *cbs)
{
	session_base = base;
	session_cfg = cfg;
	session_cb = cbs;
	session_resume_ev = evtimer_new(base, session_resume_cb, NULL);
	session_reap_ev = event_new(base, -1, 0, session_reap_cb, NULL);
}

/* Free what session_init made; every session must be gone. */
void
session_fini(void)
{
	session_stop_listening();
	event_free(session_resume_ev);
	event_free(session_reap_ev);
	session_resume_ev = session_reap_ev = NULL;
	free(session_dead);
	session_dead = NULL;
	session_ndead = session_dead_cap = 0;
	free(session_goodbye);
	session_goodbye = NULL;
	session_base = NULL;
	session_cfg = NULL;
	session_cb = NULL;
}

/* session_init, then accept on the configured address. */
bool
session_listen(struct event_base *base, const struct config *cfg,
    const struct session_cbs *cbs)
{
	struct evutil_addrinfo	 hints = { 0 }, *ai = NULL;
	char			 port[16];
	int			 rc;

	session_init(base, cfg, cbs);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_PASSIVE;
	snprintf(port, sizeof port, "%d", cfg->port);
	rc = evutil_getaddrinfo(cfg->listen_address, port, &hints, &ai);
	if (rc != 0) {
		log_error("listen: %s: %s", cfg->listen_address,
		    evutil_gai_strerror(rc));
		return false;
	}
	session_listener = evconnlistener_new_bind(base, session_accept_cb,
	    NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
	    ai->ai_addr, (int)ai->ai_addrlen);
	evutil_freeaddrinfo(ai);
	if (session_listener == NULL) {
		log_error("listen: cannot listen on %s port %d: %s",
		    cfg->listen_address, cfg->port, strerror(errno));
		return false;
	}
	evconnlistener_set_error_cb(session_listener, session_accept_error_cb);
	log_info("listening on %s port %d", cfg->listen_address, cfg->port);
	return true;
}

/* Stop accepting new connections. */
void
session_stop_listening(void)
{
	if (session_listener != NULL) {
		evconnlistener_free(session_listener);
		session_listener = NULL;
	}
	session_proxy_close_all();
	if (session_refusal_ev != NULL) {
		session_refusal_cb(-1, 0, NULL);
		event_free(session_refusal_ev);
		session_refusal_ev = NULL;
	}
}

/* session_foreach visitor: close with the given message. */
static void
session_close_one(struct session *s, void *msg)
{
	session_close(s, msg);
}

/* Close every session, with a message (a copy is made). */
void
session_close_all(const char *msg)
{
	char	*copy = xstrdup(msg);

	session_foreach(session_close_one, copy);
	free(copy);
}

/* session_foreach visitor: stop reading; an idle session goes now. */
static void
session_shutdown_one(struct session *s, void *arg)
{
	(void)arg;
	if (s->bev != NULL)
		bufferevent_disable(s->bev, EV_READ);
	session_queue_clear(s);
	if (!s->busy)
		session_close(s, session_goodbye);
}

/*
 * Shutdown: stop accepting and reading input; idle sessions are closed
 * with msg at once, busy ones once their command's reply is written
 * (session_job_done), so no player loses the answer to a command that ran.
 */
void
session_shutdown(const char *msg)
{
	session_stop_listening();
	if (session_goodbye != NULL)
		return;
	session_goodbye = xstrdup(msg);
	session_foreach(session_shutdown_one, NULL);
}

/* Whether shutdown has begun (replies then end without a prompt). */
bool
session_shutting_down(void)
{
	return session_goodbye != NULL;
}
