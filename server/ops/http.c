/*
 * http.c — the HTTP port: one evhttp on the loop's event base, bounded
 * (headers, bodies, connections' timeouts), with /healthz here and the
 * other paths registered by their owners (ops: readiness and metrics; the
 * dashboard).  Nothing here touches the database.
 */
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "ops/config.h"
#include "ops/http.h"
#include "ops/log.h"
#include "ops/metrics.h"

#define HTTP_MAX_HEADERS	(16 * 1024)
#define HTTP_MAX_BODY		(64 * 1024)
#define HTTP_TIMEOUT_SECS	30

static struct evhttp	*http;
static int		 http_bound;
static bool		 draining;

/* Count a request answered with code, by its path if that is a route. */
void
http_count(struct evhttp_request *req, int code)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri != NULL ? evhttp_uri_get_path(uri) :
				    NULL;

	metrics_http(path != NULL ? metrics_http_path(path) : -1, code);
}

/* Answer with code, type and body. */
void
http_reply(struct evhttp_request *req, int code, const char *type,
    const char *body)
{
	struct evbuffer	*b = evbuffer_new();

	http_count(req, code);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	if (body != NULL)
		evbuffer_add(b, body, strlen(body));
	evhttp_send_reply(req, code, NULL, b);
	evbuffer_free(b);
}

/* GET /healthz: the process is alive and its loop turns. */
static void
http_healthz(struct evhttp_request *req, void *arg)
{
	(void)arg;
	http_reply(req, 200, "text/plain; charset=utf-8", "ok\n");
}

/* Anything not registered. */
static void
http_not_found(struct evhttp_request *req, void *arg)
{
	(void)arg;
	http_reply(req, 404, "text/plain; charset=utf-8", "not found\n");
}

/* Bind the port and serve /healthz. */
bool
http_start(struct event_base *base, const struct config *cfg)
{
	struct evhttp_bound_socket	*bs;

	if (cfg->http_port == 0) {
		log_info("http: off (http_port 0)");
		return true;
	}
	http = evhttp_new(base);
	evhttp_set_max_headers_size(http, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(http, HTTP_MAX_BODY);
	evhttp_set_timeout(http, HTTP_TIMEOUT_SECS);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD);
	evhttp_set_gencb(http, http_not_found, NULL);
	bs = evhttp_bind_socket_with_handle(http, cfg->http_address,
	    (ev_uint16_t)cfg->http_port);
	if (bs == NULL) {
		log_error("http: cannot listen on %s port %d",
		    cfg->http_address, cfg->http_port);
		evhttp_free(http);
		http = NULL;
		return false;
	}
	http_bound = cfg->http_port;
	http_route("/healthz", http_healthz, NULL);
	log_info("http: listening on %s port %d (/healthz /readyz /metrics "
	    "/dashboard)", cfg->http_address, cfg->http_port);
	return true;
}

struct evhttp *
http_server(void)
{
	return http;
}

void
http_route(const char *path, http_handler_fn fn, void *arg)
{
	if (http == NULL)
		return;
	metrics_http_route(path);
	evhttp_set_cb(http, path, fn, arg);
}

int
http_port(void)
{
	return http_bound;
}

void
http_set_draining(bool on)
{
	draining = on;
}

bool
http_draining(void)
{
	return draining;
}

void
http_stop(void)
{
	if (http != NULL)
		evhttp_free(http);
	http = NULL;
	http_bound = 0;
}
