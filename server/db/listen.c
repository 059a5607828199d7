/*
 * listen.c — the LISTEN connection thread: it delivers the messages table.
 *
 * Messages between players are rows (store_notify.c); a NOTIFY on Keep's
 * channel only says that there are new ones.  This thread holds its own
 * connection that LISTENs, and on each wake (all the wakes that came
 * while it was busy count as one) reads every message committed since its
 * last read (store_message_read), then hands them to the loop thread in
 * that order.  It is woken by another keepd's NOTIFY, by this keepd's
 * workers after a COMMIT that wrote messages (listen_bell: a pipe, no
 * round trip through PostgreSQL), and by its own clock every
 * message_catchup_ms.  For the other keepds it rings the bell (one NOTIFY)
 * at most once per message_bell_ms, however many commits asked.  After a
 * reconnect it reads before it waits, so what committed while it was away
 * is delivered, once.  The thread may block on its connection; the loop
 * thread never does.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "db/listen.h"
#include "db/store_int.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/util.h"

/* Reconnect backoff: first wait, and the cap (recovery within a second). */
#define LISTEN_DELAY_MIN_MS	50
#define LISTEN_DELAY_MAX_MS	1000

struct listen_batch {
	struct store_message	*msgs;
	size_t			 n;
	struct listen_batch	*next;
};

/*
 * The LISTEN thread and what it hands the loop thread (not the TCP
 * listener, which is net/session.c's).
 */
struct listen_thread {
	char			*url;
	int			 timeout_ms;
	listen_cb		 cb;
	void			*cb_arg;
	pthread_t		 thread;
	atomic_bool		 stop;
	pthread_mutex_t		 lock;
	struct listen_batch	*head, *tail;
	struct event		*ev;
	char			*cursor;	/* the LISTEN thread only */
	int			 wake[2];	/* workers → the thread */
	atomic_bool		 woken;		/* a byte is in wake */
	atomic_bool		 want_bell;	/* a commit asked to ring */
	uint64_t		 bell_us;	/* least time between bells */
	uint64_t		 catchup_us;	/* longest time between reads */
	uint64_t		 rung_at;	/* the last bell (the thread) */
};

/* The running listen thread, for listen_bell (one a process). */
static _Atomic(struct listen_thread *)	listen_active;

/*
 * Count a message delivered: its delay is from created_at (the writing
 * transaction's start, the database's clock) to now (this host's clock).
 */
static void
listen_count(const struct store_message *m)
{
	struct timespec	ts;
	int64_t		now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	metrics_notify_received(m->created_us > 0 && now > m->created_us ?
	    (uint64_t)(now - m->created_us) : 0);
}

/* Loop thread: deliver every queued message, in order. */
static void
listen_deliver_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listen_thread	*l = arg;
	struct listen_batch	*b, *next;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&l->lock);
	b = l->head;
	l->head = l->tail = NULL;
	pthread_mutex_unlock(&l->lock);
	for (; b != NULL; b = next) {
		next = b->next;
		l->cb(b->msgs, b->n, l->cb_arg);
		for (size_t i = 0; i < b->n; i++)
			listen_count(&b->msgs[i]);
		store_message_free(b->msgs, b->n);
		free(b);
	}
}

/* LISTEN thread: queue messages for the loop thread (takes them). */
static void
listen_queue(struct listen_thread *l, struct store_message *msgs,
    size_t n)
{
	struct listen_batch	*b = xmalloc(sizeof *b);

	b->msgs = msgs;
	b->n = n;
	b->next = NULL;
	pthread_mutex_lock(&l->lock);
	if (l->tail != NULL)
		l->tail->next = b;
	else
		l->head = b;
	l->tail = b;
	pthread_mutex_unlock(&l->lock);
	event_active(l->ev, EV_READ, 0);
}

/* Read what committed since the cursor and queue it; false if it failed. */
static bool
listen_read(struct listen_thread *l, struct store *s)
{
	struct store_message	*msgs;
	size_t			 n;

	if (l->cursor == NULL && store_message_head(s, &l->cursor) !=
	    STORE_OK)
		return false;
	if (store_message_read(s, &l->cursor, &msgs, &n) != STORE_OK)
		return false;
	if (n > 0)
		listen_queue(l, msgs, n);
	return true;
}

/* Connect and LISTEN; NULL on failure (logged when quiet is false). */
static struct store *
listen_connect(struct listen_thread *l, bool quiet)
{
	struct store	*s;
	char		 err[512];

	if ((s = store_open(l->url, "keepd-listen", l->timeout_ms, err,
	    sizeof err)) == NULL) {
		if (!quiet)
			log_warn("listen: %s", err);
		return NULL;
	}
	if (!store_exec_simple(s, "LISTEN " STORE_CHANNEL)) {
		if (!quiet)
			log_warn("listen: LISTEN failed: %s", store_error(s));
		store_close(s);
		return NULL;
	}
	return s;
}

/*
 * Any thread: a transaction of this process committed messages.  Wake the
 * listen thread (one byte, whatever the number of commits before it reads)
 * and ask it to ring the bell for the other keepds.
 */
void
listen_bell(void)
{
	struct listen_thread	*l = atomic_load(&listen_active);
	ssize_t			 w;

	if (l == NULL)
		return;
	atomic_store(&l->want_bell, true);
	if (!atomic_exchange(&l->woken, true))
		w = write(l->wake[1], "", 1);
	(void)w;
}

/* LISTEN thread: empty the wake pipe; the next listen_bell writes again. */
static void
listen_drain(struct listen_thread *l)
{
	char	buf[64];

	while (read(l->wake[0], buf, sizeof buf) > 0)
		;
	atomic_store(&l->woken, false);
}

/*
 * LISTEN thread: ring the bell if a commit asked and the last bell is at
 * least bell_us old; false if the connection failed (the wish is kept for
 * the next connection).
 */
static bool
listen_ring(struct listen_thread *l, struct store *s, uint64_t now)
{
	if (!atomic_load(&l->want_bell) || now < l->rung_at + l->bell_us)
		return true;
	atomic_store(&l->want_bell, false);
	if (store_message_bell(s) != STORE_OK) {
		atomic_store(&l->want_bell, true);
		return false;
	}
	l->rung_at = now;
	metrics_bell_rung();
	return true;
}

/* How long the thread may wait (ms) before it must ring or read. */
static int
listen_wait_ms(const struct listen_thread *l, uint64_t now, uint64_t read_at)
{
	uint64_t	due = read_at + l->catchup_us;

	if (atomic_load(&l->want_bell) && l->rung_at + l->bell_us < due)
		due = l->rung_at + l->bell_us;
	return due <= now ? 0 : (int)((due - now + 999) / 1000);
}

/* Whether a NOTIFY came from another backend than ours (not our bell). */
static bool
listen_heard(PGconn *conn)
{
	PGnotify	*n;
	bool		 heard = false;

	while ((n = PQnotifies(conn)) != NULL) {
		heard |= n->be_pid != PQbackendPID(conn);
		PQfreemem(n);
	}
	return heard;
}

/*
 * Catch up, then read on every wake (bell, local commit or the catch-up
 * clock) until the connection fails or we are stopped; ring the bell as
 * local commits ask.  Wakes that came together are one read.
 */
static void
listen_serve(struct listen_thread *l, struct store *s)
{
	PGconn		*conn = store_conn(s);
	struct pollfd	 pfd[2] = {
		{ .fd = PQsocket(conn), .events = POLLIN },
		{ .fd = l->wake[0], .events = POLLIN },
	};
	uint64_t	 now, read_at = 0;
	bool		 due = true;

	while (!atomic_load(&l->stop)) {
		now = util_now_us();
		if (!listen_ring(l, s, now)) {
			log_warn("listen: ringing the bell: %s",
			    store_error(s));
			return;
		}
		if (due || now >= read_at + l->catchup_us) {
			if (!listen_read(l, s)) {
				log_warn("listen: reading messages: %s",
				    store_error(s));
				return;
			}
			read_at = now;
		}
		/* Bells that came during the read are already in libpq. */
		if ((due = listen_heard(conn)))
			continue;
		now = util_now_us();
		if (poll(pfd, 2, listen_wait_ms(l, now, read_at)) <= 0)
			continue;
		if (pfd[1].revents != 0) {
			listen_drain(l);
			due = true;
		}
		if (pfd[0].revents != 0 && (!PQconsumeInput(conn) ||
		    PQstatus(conn) != CONNECTION_OK)) {
			log_warn("listen: connection lost: %s",
			    PQerrorMessage(conn));
			return;
		}
	}
}

/* The thread: connect, serve, and reconnect with backoff until stopped. */
static void *
listen_main(void *arg)
{
	struct listen_thread	*l = arg;
	unsigned		 delay = LISTEN_DELAY_MIN_MS;
	bool			 failing = false;
	struct store		*s;

	while (!atomic_load(&l->stop)) {
		if ((s = listen_connect(l, failing)) != NULL) {
			log_info("listen: listening for messages");
			delay = LISTEN_DELAY_MIN_MS;
			failing = false;
			listen_serve(l, s);
			store_close(s);
		} else
			failing = true;
		for (unsigned w = 0; w < delay && !atomic_load(&l->stop);
		    w += 25)
			usleep(25 * 1000);
		delay = delay * 2 > LISTEN_DELAY_MAX_MS ? LISTEN_DELAY_MAX_MS :
		    delay * 2;
	}
	return NULL;
}

/*
 * Start listening on url.  The cursor starts at the current head, taken
 * here before any session exists: the sessions of an earlier process are
 * gone, so what was written for them is not delivered.
 */
struct listen_thread *
listen_start(struct event_base *base, const char *url, int timeout_ms,
    int bell_ms, int catchup_ms, listen_cb cb, void *arg)
{
	struct listen_thread	*l = xcalloc(1, sizeof *l);
	struct store		*s;
	char			 err[512];

	l->url = xstrdup(url);
	l->timeout_ms = timeout_ms;
	l->cb = cb;
	l->cb_arg = arg;
	l->bell_us = (uint64_t)bell_ms * 1000;
	l->catchup_us = (uint64_t)catchup_ms * 1000;
	if (pipe2(l->wake, O_NONBLOCK | O_CLOEXEC) != 0)
		fatal("listen: cannot make a pipe");
	pthread_mutex_init(&l->lock, NULL);
	l->ev = event_new(base, -1, 0, listen_deliver_cb, l);
	if ((s = store_open(url, "keepd-listen-start", timeout_ms, err,
	    sizeof err)) != NULL) {
		if (store_message_head(s, &l->cursor) != STORE_OK)
			log_warn("listen: %s", store_error(s));
		store_close(s);
	}
	if (pthread_create(&l->thread, NULL, listen_main, l) != 0)
		fatal("listen: cannot start thread");
	atomic_store(&listen_active, l);
	return l;
}

/* Stop the thread and free everything. */
void
listen_stop(struct listen_thread *l)
{
	struct listen_batch	*b, *next;

	atomic_store(&listen_active, NULL);
	atomic_store(&l->stop, true);
	pthread_join(l->thread, NULL);
	for (b = l->head; b != NULL; b = next) {
		next = b->next;
		store_message_free(b->msgs, b->n);
		free(b);
	}
	event_free(l->ev);
	close(l->wake[0]);
	close(l->wake[1]);
	pthread_mutex_destroy(&l->lock);
	free(l->cursor);
	free(l->url);
	free(l);
}
