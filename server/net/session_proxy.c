/*
 * session_proxy.c — connections from a trusted proxy (proxy_protocol,
 * trusted_proxies): before they are sessions, keepd says nothing and reads
 * the PROXY v1 header (net/proxy.h) within SESSION_PROXY_SECS; the
 * header's source address then is the session's peer, for the
 * per-address limits and everything after (session_admit).  A missing,
 * malformed or oversized header is logged and the connection closed, with
 * nothing sent: the bytes came from the proxy, not from a player.
 * Connections from other addresses never come here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "net/proxy.h"
#include "net/session.h"
#include "net/session_int.h"
#include "ops/cidr.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/util.h"

/* The longest wait for the header (login_timeout if that is shorter). */
#define SESSION_PROXY_SECS	5

/* A connection from a trusted proxy whose header has not come yet. */
struct proxy_wait {
	evutil_socket_t		 fd;
	struct event		*read_ev;
	struct event		*timer;
	char			 buf[PROXY_V1_MAX];
	size_t			 len;
	char			 proxy[INET6_ADDRSTRLEN];
	struct proxy_wait	*prev, *next;
};

static struct proxy_wait	*proxy_waits;	/* a doubly linked list */
static int			 proxy_nwaits;
static struct cidr		 proxy_trusted[CIDR_LIST_MAX];
static size_t			 proxy_ntrusted;
static bool			 proxy_parsed;

/* Parse trusted_proxies once (config_load has checked it). */
static void
session_proxy_parse_trusted(void)
{
	char	err[128];

	if (proxy_parsed)
		return;
	proxy_parsed = true;
	if (!cidr_list_parse(session_cfg->trusted_proxies, proxy_trusted,
	    &proxy_ntrusted, err, sizeof err)) {
		log_error("trusted_proxies: %s; no proxy is trusted", err);
		proxy_ntrusted = 0;
	}
}

/* Connections waiting for their PROXY header. */
int
session_proxy_pending(void)
{
	return proxy_nwaits;
}

/* Unlink and free a wait; its socket is closed if close_fd. */
static void
session_proxy_free(struct proxy_wait *w, bool close_fd)
{
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		proxy_waits = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	proxy_nwaits--;
	event_free(w->read_ev);
	event_free(w->timer);
	if (close_fd)
		evutil_closesocket(w->fd);
	free(w);
}

/* The header did not come in time. */
static void
session_proxy_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proxy_wait	*w = arg;

	(void)fd;
	(void)what;
	log_warn("session: no PROXY header from %s within %d s; closed",
	    w->proxy, SESSION_PROXY_SECS < session_cfg->login_timeout ?
	    SESSION_PROXY_SECS : session_cfg->login_timeout);
	session_proxy_free(w, true);
}

/* Bytes of the header (and perhaps the client's first bytes) arrived. */
static void
session_proxy_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proxy_wait	*w = arg;
	char			 host[INET6_ADDRSTRLEN], shown[PROXY_V1_MAX * 4];
	char			 rest[PROXY_V1_MAX];
	size_t			 used = 0, nrest;
	ssize_t			 n;
	enum proxy_rc		 rc;

	(void)what;
	n = recv(fd, w->buf + w->len, sizeof w->buf - w->len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		log_warn("session: connection from proxy %s closed before its "
		    "PROXY header%s", w->proxy, n < 0 ? " (error)" : "");
		session_proxy_free(w, true);
		return;
	}
	w->len += (size_t)n;
	rc = proxy_parse(w->buf, w->len, &used, host, sizeof host);
	if (rc == PROXY_MORE)
		return;
	if (rc == PROXY_BAD) {
		size_t	j = 0;

		for (size_t i = 0; i < w->len && j + 5 < sizeof shown; i++) {
			unsigned char	c = (unsigned char)w->buf[i];

			if (c >= 0x20 && c < 0x7f && c != '\\')
				shown[j++] = (char)c;
			else
				j += (size_t)snprintf(shown + j,
				    sizeof shown - j, "\\x%02x", c);
		}
		shown[j] = '\0';
		log_warn("session: connection from proxy %s closed: not a "
		    "PROXY v1 header within %d bytes: \"%s\"", w->proxy,
		    PROXY_V1_MAX, shown);
		session_proxy_free(w, true);
		return;
	}
	if (rc == PROXY_UNKNOWN)
		util_strlcpy(host, w->proxy, sizeof host);
	nrest = w->len - used;
	memcpy(rest, w->buf + used, nrest);
	util_strlcpy(shown, w->proxy, sizeof shown);
	session_proxy_free(w, false);
	session_admit(fd, host, shown, rest, nrest);
}

/*
 * A new connection from sa (text host): if the PROXY protocol is on and sa
 * is a trusted proxy, wait for its header and return true (the connection
 * is this file's now); false: a direct client.
 */
bool
session_proxy_accept(evutil_socket_t fd, const struct sockaddr *sa,
    const char *host)
{
	struct proxy_wait	*w;
	int			 secs = SESSION_PROXY_SECS;
	struct timeval		 tv;

	if (!session_cfg->proxy_protocol)
		return false;
	session_proxy_parse_trusted();
	if (!cidr_list_match(proxy_trusted, proxy_ntrusted, sa))
		return false;
	if (session_cfg->login_timeout < secs)
		secs = session_cfg->login_timeout;
	tv.tv_sec = secs;
	tv.tv_usec = 0;
	evutil_make_socket_nonblocking(fd);
	w = xcalloc(1, sizeof *w);
	w->fd = fd;
	util_strlcpy(w->proxy, host, sizeof w->proxy);
	w->read_ev = event_new(session_base, fd, EV_READ | EV_PERSIST,
	    session_proxy_read_cb, w);
	w->timer = evtimer_new(session_base, session_proxy_timeout_cb, w);
	event_add(w->read_ev, NULL);
	evtimer_add(w->timer, &tv);
	w->next = proxy_waits;
	if (proxy_waits != NULL)
		proxy_waits->prev = w;
	proxy_waits = w;
	proxy_nwaits++;
	log_debug("session: connection from proxy %s; waiting for its PROXY "
	    "header", host);
	return true;
}

/* Close every connection still waiting for its header (shutdown). */
void
session_proxy_close_all(void)
{
	while (proxy_waits != NULL)
		session_proxy_free(proxy_waits, true);
	proxy_parsed = false;
}
