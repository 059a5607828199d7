/*
 * store_gate.c — what the stores of one pool share about the database:
 * whether it is reachable, when to try again while it is not (so that an
 * outage costs no CPU and logs two lines, not one per command), how long
 * to chase an in-doubt COMMIT, and the test-only fault hook.
 */
#include <pthread.h>
#include <stdlib.h>

#include "db/store_int.h"
#include "ops/log.h"
#include "ops/util.h"

/*
 * The gate of a pool (see store.h).  While the database is down, one store
 * at a time may probe it, no sooner than next_us; the interval between
 * probes grows from 100 ms to 500 ms, so the first command after the
 * database is back succeeds within a second and waiting costs no CPU.
 */
struct store_gate {
	pthread_mutex_t	 lock;
	bool		 down;
	bool		 probing;	/* a store is trying to connect */
	bool		 stopping;
	uint64_t	 since_us;	/* when it went down */
	uint64_t	 next_us;	/* no probe before this */
	int		 interval_ms;
	unsigned long	 answered;	/* commands answered out-of-reach */
	int		 in_doubt_ms;
	double		 fault;		/* KEEP_FAULT_COMMIT_DROP */
};

#define STORE_PROBE_MIN_MS	100
#define STORE_PROBE_MAX_MS	500

/*
 * Whether this store may try to connect now.  Without a gate, always; with
 * one, always while the database is up, and while it is down only when the
 * next probe is due and no other store is probing (this one then probes).
 */
bool
store_gate_enter(struct store_gate *g)
{
	uint64_t	now = util_now_us();
	bool		ok;

	if (g == NULL)
		return true;
	pthread_mutex_lock(&g->lock);
	ok = !g->down || (!g->probing && now >= g->next_us);
	if (ok && g->down)
		g->probing = true;
	pthread_mutex_unlock(&g->lock);
	return ok;
}

/* A connection attempt ended: log the transitions, set the next probe. */
void
store_gate_leave(struct store_gate *g, bool connected, const char *error)
{
	uint64_t	now = util_now_us();

	if (g == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	g->probing = false;
	if (connected && g->down) {
		log_info("database reachable again after %.1f s; %lu commands "
		    "answered out-of-reach", (double)(now - g->since_us) / 1e6,
		    g->answered);
		g->down = false;
	} else if (!connected && !g->down) {
		log_warn("database unreachable: %s", error);
		g->down = true;
		g->since_us = now;
		g->answered = 0;
		g->interval_ms = STORE_PROBE_MIN_MS;
		g->next_us = now + (uint64_t)g->interval_ms * 1000;
	} else if (!connected) {
		g->interval_ms = g->interval_ms * 2 > STORE_PROBE_MAX_MS ?
		    STORE_PROBE_MAX_MS : g->interval_ms * 2;
		g->next_us = now + (uint64_t)g->interval_ms * 1000;
	}
	pthread_mutex_unlock(&g->lock);
}

/* A gate for the stores of a pool; reads the test-only fault hook. */
struct store_gate *
store_gate_new(int in_doubt_ms)
{
	struct store_gate	*g = xcalloc(1, sizeof *g);
	const char		*fault = getenv("KEEP_FAULT_COMMIT_DROP");

	pthread_mutex_init(&g->lock, NULL);
	g->in_doubt_ms = in_doubt_ms;
	if (fault != NULL && *fault != '\0') {
		g->fault = strtod(fault, NULL);
		if (!(g->fault > 0))
			g->fault = 0;
		if (g->fault > 1)
			g->fault = 1;
		log_warn("KEEP_FAULT_COMMIT_DROP=%g: TEST HOOK ON: this keepd "
		    "breaks its own database connection around %.0f%% of "
		    "COMMITs; never set it in production", g->fault,
		    g->fault * 100);
	}
	return g;
}

/* Whether the gate holds the database for down. */
bool
store_gate_down(struct store_gate *g)
{
	bool	down;

	if (g == NULL)
		return false;
	pthread_mutex_lock(&g->lock);
	down = g->down;
	pthread_mutex_unlock(&g->lock);
	return down;
}

/* Put a store behind a gate. */
void
store_set_gate(struct store *s, struct store_gate *g)
{
	s->gate = g;
}

/* The pool is stopping: in-doubt chases give up at once. */
void
store_gate_stop(struct store_gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_mutex_unlock(&g->lock);
}

/* Free a gate whose stores are closed. */
void
store_gate_free(struct store_gate *g)
{
	if (g == NULL)
		return;
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* The in-doubt wait of a store's gate. */
int
store_gate_in_doubt_ms(const struct store *s)
{
	return s->gate != NULL ? s->gate->in_doubt_ms : STORE_IN_DOUBT_MS;
}

/* Milliseconds until this store may try to connect again. */
int
store_gate_wait_ms(const struct store *s)
{
	struct store_gate	*g = s->gate;
	uint64_t		 now = util_now_us();
	int			 ms = 0;

	if (g == NULL)
		return STORE_PROBE_MIN_MS;
	pthread_mutex_lock(&g->lock);
	if (g->down && g->next_us > now)
		ms = (int)((g->next_us - now + 999) / 1000);
	else if (g->down && g->probing)
		ms = STORE_PROBE_MIN_MS;
	pthread_mutex_unlock(&g->lock);
	return ms;
}

/* Whether the pool is shutting down. */
bool
store_gate_stopping(const struct store *s)
{
	bool	stopping;

	if (s->gate == NULL)
		return false;
	pthread_mutex_lock(&s->gate->lock);
	stopping = s->gate->stopping;
	pthread_mutex_unlock(&s->gate->lock);
	return stopping;
}

/* The fault hook's probability. */
double
store_gate_fault(const struct store *s)
{
	return s->gate != NULL ? s->gate->fault : 0;
}

/* Count a command answered out-of-reach while the database is down. */
void
store_gate_answered(const struct store *s)
{
	if (s->gate == NULL)
		return;
	pthread_mutex_lock(&s->gate->lock);
	if (s->gate->down)
		s->gate->answered++;
	pthread_mutex_unlock(&s->gate->lock);
}
