/*
 * pool.c — worker threads with one connection each, a job queue, and the
 * hand-back of finished jobs to the loop thread through event_active().
 *
 * Besides the n workers a pool has a spare: a thread with a store that
 * holds no connection, which takes jobs only while the gate holds the
 * database for down.  Workers can be held for seconds by an outage (a
 * statement on a silent network, an in-doubt COMMIT being chased); the
 * spare answers the commands queued behind them "out of reach" at once
 * instead of letting them wait for a worker to come free.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "db/pool.h"
#include "db/store.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/util.h"

struct pool_worker {
	struct pool	*pool;
	struct store	*store;
	pthread_t	 thread;
	bool		 started;
	bool		 spare;	/* only while the database is down */
};

/* How often the spare looks at the gate while jobs wait (ms). */
#define POOL_SPARE_LOOK_MS	100

struct pool {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	pthread_cond_t		 spare_cond;	/* the spare's own */
	struct job		*head, *tail;	/* waiting for a worker */
	struct job		*done_head, *done_tail;	/* for the loop */
	size_t			 queued;
	size_t			 busy;
	bool			 stopping;
	struct event		*done_ev;
	int			 n;	/* workers, and the spare after them */
	struct pool_worker	*workers;
	struct store_gate	*gate;	/* reachability, shared (the caller's) */
	int			 metrics;	/* enum metrics_pool, or -1 */
};

/* Append a job to a singly linked queue. */
static void
pool_push(struct job **head, struct job **tail, struct job *j)
{
	j->next = NULL;
	if (*tail != NULL)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
}

/* Take the first job of a queue, or NULL. */
static struct job *
pool_pop(struct job **head, struct job **tail)
{
	struct job	*j = *head;

	if (j != NULL) {
		*head = j->next;
		if (*head == NULL)
			*tail = NULL;
		j->next = NULL;
	}
	return j;
}

/*
 * The spare, with the pool locked: wait until a job waits and the database
 * is down (or the pool stops).  It sleeps on the condition while nothing
 * waits and looks at the gate every POOL_SPARE_LOOK_MS while something does.
 */
static void
pool_spare_wait(struct pool *p)
{
	struct timespec	ts;

	while (!p->stopping && (p->head == NULL || !store_gate_down(p->gate))) {
		if (p->head == NULL) {
			pthread_cond_wait(&p->spare_cond, &p->lock);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += POOL_SPARE_LOOK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->spare_cond, &p->lock, &ts);
	}
}

/* A worker: take jobs until told to stop, run them, hand them back. */
static void *
pool_worker_main(void *arg)
{
	struct pool_worker	*w = arg;
	struct pool		*p = w->pool;
	struct job		*j;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (w->spare)
			pool_spare_wait(p);
		else
			while (p->head == NULL && !p->stopping)
				pthread_cond_wait(&p->cond, &p->lock);
		j = pool_pop(&p->head, &p->tail);
		if (j != NULL)
			p->queued--;
		pthread_mutex_unlock(&p->lock);
		if (j == NULL)
			break;
		if (p->metrics >= 0)
			metrics_pool_wait((enum metrics_pool)p->metrics,
			    util_now_us() - j->submitted);
		j->run(j, w->store);
		/* The spare keeps no connection into the next outage. */
		if (w->spare)
			store_disconnect(w->store);
		pthread_mutex_lock(&p->lock);
		pool_push(&p->done_head, &p->done_tail, j);
		pthread_mutex_unlock(&p->lock);
		event_active(p->done_ev, EV_READ, 0);
	}
	return NULL;
}

/* Loop thread: hand every finished job to its done function. */
static void
pool_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pool	*p = arg;
	struct job	*list, *j;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&p->lock);
	list = p->done_head;
	p->done_head = p->done_tail = NULL;
	pthread_mutex_unlock(&p->lock);
	while ((j = list) != NULL) {
		list = j->next;
		pthread_mutex_lock(&p->lock);
		p->busy--;
		pthread_mutex_unlock(&p->lock);
		j->done(j);
	}
}

/*
 * Start n workers connected to url.  Their stores go behind gate (the
 * caller's, shared by every pool of the process), so that while the
 * database is down they probe it in turn, with backoff, instead of each
 * command trying to connect, and the outage is logged once.
 */
struct pool *
pool_create(struct event_base *base, const char *url, int n, int timeout_ms,
    struct store_gate *gate, char *err, size_t errsz)
{
	struct pool	*p = xcalloc(1, sizeof *p);
	char		 app[32];

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	pthread_cond_init(&p->spare_cond, NULL);
	p->done_ev = event_new(base, -1, 0, pool_done_cb, p);
	p->n = n + 1;
	p->workers = xcalloc((size_t)p->n, sizeof *p->workers);
	p->gate = gate;
	p->metrics = -1;
	for (int i = 0; i < p->n; i++) {
		struct pool_worker	*w = &p->workers[i];

		w->spare = i == n;
		if (w->spare)
			snprintf(app, sizeof app, "keepd-spare");
		else
			snprintf(app, sizeof app, "keepd-worker-%d", i);
		w->pool = p;
		w->store = store_open(url, app, timeout_ms, err, errsz);
		if (w->store == NULL) {
			pool_destroy(p);
			return NULL;
		}
		store_set_gate(w->store, p->gate);
		if (w->spare)
			store_disconnect(w->store);
	}
	for (int i = 0; i < p->n; i++) {
		if (pthread_create(&p->workers[i].thread, NULL,
		    pool_worker_main, &p->workers[i]) != 0)
			fatal("pool: cannot start worker thread");
		p->workers[i].started = true;
	}
	return p;
}

/* Name the wait histogram the pool feeds. */
void
pool_set_metrics(struct pool *p, int which)
{
	p->metrics = which;
}

/* Queue a job. */
void
pool_submit(struct pool *p, struct job *j)
{
	j->submitted = util_now_us();
	pthread_mutex_lock(&p->lock);
	pool_push(&p->head, &p->tail, j);
	p->queued++;
	p->busy++;
	pthread_cond_signal(&p->cond);
	pthread_cond_signal(&p->spare_cond);
	pthread_mutex_unlock(&p->lock);
}

/* Jobs queued or running, not yet handed back. */
size_t
pool_busy(struct pool *p)
{
	size_t	n;

	pthread_mutex_lock(&p->lock);
	n = p->busy;
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* Jobs waiting for a worker. */
size_t
pool_queued(struct pool *p)
{
	size_t	n;

	pthread_mutex_lock(&p->lock);
	n = p->queued;
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* Stop the workers once the queue is empty, then free the pool. */
void
pool_destroy(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->cond);
	pthread_cond_broadcast(&p->spare_cond);
	pthread_mutex_unlock(&p->lock);
	/* A worker chasing an in-doubt COMMIT gives up now. */
	store_gate_stop(p->gate);
	for (int i = 0; i < p->n; i++) {
		if (p->workers[i].started)
			pthread_join(p->workers[i].thread, NULL);
		store_close(p->workers[i].store);
	}
	/* Jobs that finished after the loop stopped are freed unrun. */
	pool_done_cb(-1, 0, p);
	event_free(p->done_ev);
	pthread_cond_destroy(&p->cond);
	pthread_cond_destroy(&p->spare_cond);
	pthread_mutex_destroy(&p->lock);
	free(p->workers);
	free(p);
}
