/*
 * listen.c — the LISTEN connection thread.
 *
 * Notifications are the one path for messages between players, so several
 * keepd processes on one database form one world.  The thread blocks in
 * poll() on its own connection; the loop thread never does.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "db/listen.h"
#include "db/store_int.h"
#include "ops/log.h"
#include "ops/util.h"

struct listen_msg {
	char			*payload;
	struct listen_msg	*next;
};

struct listener {
	char			*url;
	listen_cb		 cb;
	void			*cb_arg;
	pthread_t		 thread;
	atomic_bool		 stop;
	atomic_int		 connected;
	pthread_mutex_t		 lock;
	struct listen_msg	*head, *tail;
	struct event		*ev;
};

/* Loop thread: deliver every queued payload. */
static void
listen_deliver_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listener		*l = arg;
	struct listen_msg	*m, *next;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&l->lock);
	m = l->head;
	l->head = l->tail = NULL;
	pthread_mutex_unlock(&l->lock);
	for (; m != NULL; m = next) {
		next = m->next;
		l->cb(m->payload, l->cb_arg);
		free(m->payload);
		free(m);
	}
}

/* Listener thread: queue one payload for the loop thread. */
static void
listen_queue(struct listener *l, const char *payload)
{
	struct listen_msg	*m = xmalloc(sizeof *m);

	m->payload = xstrdup(payload);
	m->next = NULL;
	pthread_mutex_lock(&l->lock);
	if (l->tail != NULL)
		l->tail->next = m;
	else
		l->head = m;
	l->tail = m;
	pthread_mutex_unlock(&l->lock);
	event_active(l->ev, EV_READ, 0);
}

/* Connect and LISTEN; NULL (logged) on failure. */
static PGconn *
listen_connect(struct listener *l)
{
	PGconn		*conn = store_connect(l->url, "keepd-listen");
	PGresult	*res;

	if (PQstatus(conn) != CONNECTION_OK) {
		log_warn("listen: cannot connect: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	res = PQexec(conn, "LISTEN " STORE_CHANNEL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_warn("listen: LISTEN failed: %s", PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		return NULL;
	}
	PQclear(res);
	return conn;
}

/* Read notifications until the connection fails or we are stopped. */
static void
listen_serve(struct listener *l, PGconn *conn)
{
	struct pollfd	 pfd = { .fd = PQsocket(conn), .events = POLLIN };
	PGnotify	*n;

	while (!atomic_load(&l->stop)) {
		if (poll(&pfd, 1, 250) < 0)
			continue;
		if (pfd.revents == 0)
			continue;
		if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK) {
			log_warn("listen: connection lost: %s",
			    PQerrorMessage(conn));
			return;
		}
		while ((n = PQnotifies(conn)) != NULL) {
			listen_queue(l, n->extra);
			PQfreemem(n);
		}
	}
}

/* The thread: connect, serve, and reconnect with backoff until stopped. */
static void *
listen_main(void *arg)
{
	struct listener	*l = arg;
	unsigned	 delay = 100;	/* ms */
	PGconn		*conn;

	while (!atomic_load(&l->stop)) {
		if ((conn = listen_connect(l)) != NULL) {
			log_info("listen: listening for notifications");
			atomic_store(&l->connected, 1);
			delay = 100;
			listen_serve(l, conn);
			atomic_store(&l->connected, 0);
			PQfinish(conn);
		}
		for (unsigned w = 0; w < delay && !atomic_load(&l->stop);
		    w += 50)
			usleep(50 * 1000);
		if (delay < 5000)
			delay *= 2;
	}
	return NULL;
}

/* Start listening on url. */
struct listener *
listen_start(struct event_base *base, const char *url, listen_cb cb,
    void *arg)
{
	struct listener	*l = xcalloc(1, sizeof *l);

	l->url = xstrdup(url);
	l->cb = cb;
	l->cb_arg = arg;
	pthread_mutex_init(&l->lock, NULL);
	l->ev = event_new(base, -1, 0, listen_deliver_cb, l);
	if (pthread_create(&l->thread, NULL, listen_main, l) != 0)
		fatal("listen: cannot start thread");
	return l;
}

/* Whether the connection is up and LISTENing. */
int
listen_connected(struct listener *l)
{
	return atomic_load(&l->connected);
}

/* Stop the thread and free everything. */
void
listen_stop(struct listener *l)
{
	struct listen_msg	*m, *next;

	atomic_store(&l->stop, true);
	pthread_join(l->thread, NULL);
	for (m = l->head; m != NULL; m = next) {
		next = m->next;
		free(m->payload);
		free(m);
	}
	event_free(l->ev);
	pthread_mutex_destroy(&l->lock);
	free(l->url);
	free(l);
}
