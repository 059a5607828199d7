/*
 * pool.h — the worker pool.  N threads, each with its own database
 * connection (struct store), take jobs from one queue.  A job's run function
 * executes on a worker; its done function then runs on the libevent loop
 * thread, in completion order.  The loop thread never waits for a job.
 */
#ifndef KEEP_POOL_H
#define KEEP_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct store;
struct store_gate;
struct job;

/* Runs on a worker thread with that worker's store. */
typedef void (*job_run_fn)(struct job *, struct store *);
/* Runs on the loop thread after run; owns the job and frees it. */
typedef void (*job_done_fn)(struct job *);

/* Embed first in a job type's own struct. */
struct job {
	job_run_fn	 run;
	job_done_fn	 done;
	struct job	*next;
	uint64_t	 submitted;	/* util_now_us at pool_submit */
};

struct pool;

/*
 * Start n workers connected to url; NULL (and err) if any cannot connect.
 * Their stores go behind gate (store_gate_new), which may be shared by
 * several pools and must outlive them.
 */
struct pool	*pool_create(struct event_base *, const char *url, int n,
		    int timeout_ms, struct store_gate *gate, char *err,
		    size_t errsz);
/* Which keep_pool_wait_seconds histogram the pool feeds (enum
 * metrics_pool); a pool without one feeds none. */
void		 pool_set_metrics(struct pool *, int which);
/* Queue a job; thread-safe. */
void		 pool_submit(struct pool *, struct job *);
/* Jobs queued or running, not yet handed back. */
size_t		 pool_busy(struct pool *);
/* Jobs waiting for a worker. */
size_t		 pool_queued(struct pool *);
/* Stop the workers after the queue drains, then free the pool. */
void		 pool_destroy(struct pool *);

#endif
