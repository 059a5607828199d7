/*
 * dash_web.c — the dashboard's files, pages and HTTP helpers.  web_dir's
 * files are read once at start-up (never from the loop afterwards) and
 * served from memory: /static/NAME for the style sheet and scripts, the
 * two pages (login.html, dashboard.html) only through dash.c, which fills
 * their {{csrf}} and {{name}}.  Only names that were in the directory are
 * routes, so a path like /static/../../etc/passwd is simply not found.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>
#include <sys/stat.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>

#include "cmd/dash_int.h"
#include "ops/buf.h"
#include "ops/http.h"
#include "ops/log.h"
#include "ops/util.h"

/* At most this many files of at most this many bytes each. */
#define DASH_FILES_MAX		32
#define DASH_FILE_BYTES		(256 * 1024)
#define DASH_NAME_MAX		64

/* The key that makes a session's CSRF token from its token. */
static const unsigned char	dash_csrf_key[crypto_generichash_KEYBYTES] =
    "keep dashboard csrf token key..";

struct dash_file {
	char		 path[DASH_NAME_MAX + 16];	/* "/static/NAME" */
	char		 name[DASH_NAME_MAX];
	const char	*type;
	char		*data;
	size_t		 len;
};

static struct dash_file	dash_files[DASH_FILES_MAX];
static int		dash_nfiles;

/* Add the dashboard's security headers (CSP, no sniffing, no framing). */
void
dash_headers(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Content-Security-Policy", "default-src 'self'; "
	    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
}

/*
 * The connection of a request closed before the answer was complete.  When
 * the client went away, libevent has detached the request from the
 * connection and waits for the answer to free it; no answer will come, so
 * free it here.  A request still attached (the whole port is being freed)
 * goes with its connection.
 */
void
dash_req_orphaned(struct evhttp_request *req)
{
	if (req != NULL && evhttp_request_get_connection(req) == NULL)
		evhttp_request_free(req);
}

/* Answer with a body of len bytes and the dashboard's security headers. */
void
dash_send(struct evhttp_request *req, int code, const char *type,
    const char *body, size_t len)
{
	struct evbuffer	*b = evbuffer_new();

	http_count(req, code);
	dash_headers(req);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	if (body != NULL)
		evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, NULL, b);
	evbuffer_free(b);
}

/* Answer with a short plain-text body. */
void
dash_text(struct evhttp_request *req, int code, const char *text)
{
	dash_send(req, code, "text/plain; charset=utf-8", text, strlen(text));
}

/* 303 to location. */
void
dash_redirect(struct evhttp_request *req, const char *location)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location",
	    location);
	dash_text(req, 303, "see other\n");
}

/* Whether s is exactly DASH_HEX hex digits. */
static bool
dash_is_hex(const char *s, size_t len)
{
	if (len != DASH_HEX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* The value of a 64-hex-digit cookie into out. */
bool
dash_cookie(struct evhttp_request *req, const char *name, char *out)
{
	const char	*h, *p;
	size_t		 nlen = strlen(name), vlen;

	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Cookie");
	for (p = h; p != NULL && *p != '\0'; ) {
		while (*p == ' ' || *p == ';')
			p++;
		vlen = strcspn(p, ";");
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=' &&
		    dash_is_hex(p + nlen + 1, vlen - nlen - 1)) {
			memcpy(out, p + nlen + 1, DASH_HEX);
			out[DASH_HEX] = '\0';
			return true;
		}
		p += vlen;
	}
	return false;
}

/* Random token as hex into out. */
void
dash_token_new(char *out)
{
	unsigned char	b[DASH_TOKEN_BYTES];

	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, DASH_HEX + 1, b, sizeof b);
	sodium_memzero(b, sizeof b);
}

/* BLAKE2b of a hex token, keyed (key) or not, as hex into out. */
static void
dash_token_blake(const char *token, const unsigned char *key, size_t keylen,
    char *out)
{
	unsigned char	h[DASH_TOKEN_BYTES];

	crypto_generichash(h, sizeof h, (const unsigned char *)token,
	    strlen(token), key, keylen);
	sodium_bin2hex(out, DASH_HEX + 1, h, sizeof h);
}

/* The database's hash of a session token. */
void
dash_token_hash(const char *token, char *out)
{
	dash_token_blake(token, NULL, 0, out);
}

/* The session's CSRF token, derived from its token. */
void
dash_token_csrf(const char *token, char *out)
{
	dash_token_blake(token, dash_csrf_key, sizeof dash_csrf_key, out);
}

/* Whether two hex tokens are equal (in constant time). */
bool
dash_token_equal(const char *a, const char *b)
{
	return a != NULL && b != NULL && strlen(a) == DASH_HEX &&
	    strlen(b) == DASH_HEX && sodium_memcmp(a, b, DASH_HEX) == 0;
}

/* The POST body as a form into q; false (answered) when not one. */
bool
dash_form(struct evhttp_request *req, struct evkeyvalq *q)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	size_t		 len = evbuffer_get_length(in);
	char		 body[DASH_BODY_MAX + 1];
	bool		 ok;

	TAILQ_INIT(q);
	if (len > DASH_BODY_MAX) {
		dash_text(req, 413, "form too large\n");
		return false;
	}
	evbuffer_copyout(in, body, len);
	body[len] = '\0';
	ok = memchr(body, '\0', len) == NULL &&
	    evhttp_parse_query_str(body, q) == 0;
	sodium_memzero(body, sizeof body);
	if (!ok) {
		evhttp_clear_headers(q);
		dash_text(req, 400, "malformed form\n");
	}
	return ok;
}

/* The loaded file named name, or NULL. */
static const struct dash_file *
dash_file(const char *name)
{
	for (int i = 0; i < dash_nfiles; i++)
		if (strcmp(dash_files[i].name, name) == 0)
			return &dash_files[i];
	return NULL;
}

/* Send a page with its {{key}}s replaced. */
void
dash_page(struct evhttp_request *req, int code, const char *page,
    const char *const *keys, const char *const *vals, int n)
{
	const struct dash_file	*f = dash_file(page);
	struct buf		 b = { 0 };
	const char		*p, *q;
	char			 key[32];

	if (f == NULL) {
		dash_text(req, 503, "the dashboard's pages are missing\n");
		return;
	}
	for (p = f->data; (q = strstr(p, "{{")) != NULL; p = q) {
		const char	*end = strstr(q, "}}");
		int		 i;

		buf_printf(&b, "%.*s", (int)(q - p), p);
		if (end == NULL || (size_t)(end - q - 2) >= sizeof key) {
			buf_add(&b, "{{");
			q += 2;
			continue;
		}
		snprintf(key, sizeof key, "%.*s", (int)(end - q - 2), q + 2);
		for (i = 0; i < n && strcmp(keys[i], key) != 0; i++)
			;
		if (i < n)
			buf_add(&b, vals[i]);
		q = end + 2;
	}
	buf_add(&b, p);
	dash_send(req, code, f->type, buf_str(&b), b.len);
	buf_free(&b);
}

/* GET /static/NAME: a loaded file. */
static void
dash_static(struct evhttp_request *req, void *arg)
{
	const struct dash_file	*f = arg;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		dash_text(req, 405, "method not allowed\n");
		return;
	}
	dash_send(req, 200, f->type, f->data, f->len);
}

/* The content type of a file by its extension. */
static const char *
dash_type(const char *name)
{
	static const char *const	map[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
	};
	const char	*dot = strrchr(name, '.');

	for (size_t i = 0; dot != NULL && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(dot, map[i][0]) == 0)
			return map[i][1];
	return "application/octet-stream";
}

/* Whether a directory entry's name may be served: [a-z0-9_.-], no dot
 * first. */
static bool
dash_name_ok(const char *name)
{
	if (name[0] == '.' || strlen(name) >= DASH_NAME_MAX)
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (!islower((unsigned char)*p) &&
		    !isdigit((unsigned char)*p) && strchr("_.-", *p) == NULL)
			return false;
	return true;
}

/* Read one file of dir into the table; false when it cannot be. */
static bool
dash_web_read(const char *dir, const char *name)
{
	struct dash_file	*f = &dash_files[dash_nfiles];
	char			 path[1024];
	struct stat		 sb;
	FILE			*fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > DASH_FILE_BYTES)
		return false;
	if ((fp = fopen(path, "rb")) == NULL)
		return false;
	f->data = xmalloc((size_t)sb.st_size + 1);
	f->len = fread(f->data, 1, (size_t)sb.st_size, fp);
	f->data[f->len] = '\0';
	fclose(fp);
	util_strlcpy(f->name, name, sizeof f->name);
	snprintf(f->path, sizeof f->path, "/static/%s", name);
	f->type = dash_type(name);
	dash_nfiles++;
	return true;
}

/* Load web_dir's files and route /static/NAME to each. */
bool
dash_web_load(const char *dir)
{
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(dir)) == NULL) {
		log_warn("dashboard: cannot open web_dir %s; the dashboard is "
		    "off", dir);
		return false;
	}
	while ((e = readdir(d)) != NULL && dash_nfiles < DASH_FILES_MAX) {
		if (!dash_name_ok(e->d_name) || !dash_web_read(dir, e->d_name))
			continue;
		/* The pages are served only by dash.c, signed in. */
		if (strstr(e->d_name, ".html") == NULL)
			http_route(dash_files[dash_nfiles - 1].path,
			    dash_static, &dash_files[dash_nfiles - 1]);
	}
	closedir(d);
	if (dash_file("login.html") == NULL ||
	    dash_file("dashboard.html") == NULL) {
		log_warn("dashboard: %s has no login.html or dashboard.html; "
		    "the dashboard is off", dir);
		return false;
	}
	return true;
}
