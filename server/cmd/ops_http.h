/*
 * ops_http.h — the ops endpoints of the HTTP port: GET /readyz (the
 * database answers now, the migrations are current, not draining) and
 * GET /metrics (Prometheus text format).
 */
#ifndef KEEP_OPS_HTTP_H
#define KEEP_OPS_HTTP_H

struct event_base;
struct pool;

/*
 * Route /readyz and /metrics.  versions (n of them, copied) is the set of
 * migrations this keepd was started with; /readyz's probe runs on pool,
 * and /metrics reads both pools' queues.
 */
void	ops_http_start(struct event_base *, struct pool *pool,
	    struct pool *login_pool, const int *versions, int n);
/* Answer every /readyz still waiting, before the port closes. */
void	ops_http_stop(void);

#endif
