/*
 * dash_int.h — what the dashboard's files share: dash.c (routes, sign-in,
 * sessions), dash_web.c (files, pages, cookies, forms) and dash_sse.c
 * (the event stream).  Nobody else includes it.
 */
#ifndef KEEP_DASH_INT_H
#define KEEP_DASH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/http.h>

#include "db/store_dash.h"

/* The session cookie and the sign-in form's double-submit cookie. */
#define DASH_COOKIE		"keep_dash"
#define DASH_LOGIN_COOKIE	"keep_csrf"
/* Tokens are 32 random bytes, sent as 64 hex digits. */
#define DASH_TOKEN_BYTES	32
#define DASH_HEX		(DASH_TOKEN_BYTES * 2)
/* A form body is at most this many bytes. */
#define DASH_BODY_MAX		2048
/* The refusal of every failed sign-in, whatever failed. */
#define DASH_REFUSAL		"Wrong name or password."

/* Answer with a body of len bytes and the dashboard's security headers. */
void	dash_send(struct evhttp_request *, int code, const char *type,
	    const char *body, size_t len);
/* Answer with a short plain-text body. */
void	dash_text(struct evhttp_request *, int code, const char *text);
/* 303 to location. */
void	dash_redirect(struct evhttp_request *, const char *location);
/* Add the dashboard's security headers (CSP, no sniffing, no framing). */
void	dash_headers(struct evhttp_request *);
/* The value of a 64-hex-digit cookie into out (DASH_HEX + 1); false if
 * there is none or it is not 64 hex digits. */
bool	dash_cookie(struct evhttp_request *, const char *name, char *out);
/* Random token as hex into out (DASH_HEX + 1). */
void	dash_token_new(char *out);
/* The database's hash of a session token (hex into out, DASH_HEX + 1). */
void	dash_token_hash(const char *token, char *out);
/* The session's CSRF token, derived from its token (hex, DASH_HEX + 1). */
void	dash_token_csrf(const char *token, char *out);
/* Whether two hex tokens are equal (in constant time). */
bool	dash_token_equal(const char *a, const char *b);
/*
 * The POST body as a form (application/x-www-form-urlencoded) into q;
 * false (answered: 413 or 400) when too big or malformed.
 */
bool	dash_form(struct evhttp_request *, struct evkeyvalq *q);
/*
 * Send page (login.html or dashboard.html of web_dir) with its {{key}}s
 * replaced by vals (keys[i] → vals[i]; vals HTML-safe already).
 */
void	dash_page(struct evhttp_request *, int code, const char *page,
	    const char *const *keys, const char *const *vals, int n);
/* Load web_dir's files and route /static/NAME to each; false if the
 * pages are missing. */
bool	dash_web_load(const char *dir);

/* The event stream: GET /events once the session is checked. */
void	dash_sse_open(struct evhttp_request *, const char *hash);
/* Whether another stream may open. */
bool	dash_sse_room(void);
/* Start the heartbeat (and session re-check) timer. */
void	dash_sse_start(struct event_base *);
/* Free the timer (the loop has stopped). */
void	dash_sse_stop(void);
/* A request's connection closed before its answer: free the request if
 * libevent left it to us (dash_web.c). */
void	dash_req_orphaned(struct evhttp_request *);
/* Re-check a stream's session (dash.c); done calls dash_sse_checked. */
void	dash_session_recheck(uint64_t sse_id, const char *hash);
/* A stream's session was re-checked: drop it when no longer valid. */
void	dash_sse_checked(uint64_t sse_id, bool valid);

#endif
