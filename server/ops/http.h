/*
 * http.h — keepd's HTTP port (libevent's evhttp, on the loop thread):
 * /healthz, /readyz, /metrics and the admin dashboard.  Handlers register
 * by path; every handler runs on the loop and must not block (database
 * work goes to a pool and answers later with evhttp_send_reply).
 */
#ifndef KEEP_HTTP_H
#define KEEP_HTTP_H

#include <stdbool.h>

struct config;
struct event_base;
struct evhttp;
struct evhttp_request;

typedef void (*http_handler_fn)(struct evhttp_request *, void *arg);

/*
 * Bind cfg's http_address:http_port (nothing when http_port is 0) and serve
 * /healthz; false (logged) when the port cannot be bound.
 */
bool		 http_start(struct event_base *, const struct config *);
/* The evhttp of the port, or NULL when it is off. */
struct evhttp	*http_server(void);
/* Serve path (exact) with fn; a no-op when the port is off. */
void		 http_route(const char *path, http_handler_fn fn, void *arg);
/* The port actually bound (0 when off). */
int		 http_port(void);
/* Draining: /readyz answers 503 from now on. */
void		 http_set_draining(bool);
bool		 http_draining(void);
/* Answer with a status, a content type and a body (text). */
void		 http_reply(struct evhttp_request *, int code,
		    const char *type, const char *body);
/* Count a request in keep_http_requests_total (http_reply does; a
 * handler that answers otherwise, a stream, calls it itself). */
void		 http_count(struct evhttp_request *, int code);
/* Close the port (at shutdown). */
void		 http_stop(void);

#endif
