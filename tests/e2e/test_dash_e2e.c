/*
 * test_dash_e2e.c — the admin dashboard's HTTP security, with a real keepd
 * and raw HTTP over TCP (suite "dash"): nothing without a session (pages
 * redirect to /login, the API and the event stream answer 401); forms
 * without their CSRF token are refused 403 and change nothing; a session
 * row expired, deleted or whose character was demoted (in psql) is
 * refused on the next request; the database holds only a hash of the
 * token; bad input is bounded (an oversized body 413, a long name or a
 * wrong password the one refusal); /static/ serves only web_dir's files
 * (no path traversal); and the event stream carries committed messages
 * only, drops a client that does not read, and ends when the session's
 * row is deleted.
 * The browser side is tests/web/dashboard.sh.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "keep_test.h"

#define DASH_PASSWORD	"dashboard-pass"
#define DASH_WAIT_MS	10000
#define DASH_RESP_MAX	(256 * 1024)

/* The suite's keepd (one for all its tests) and a response to read. */
static struct keepd	 dash_k;
static struct resp	*r;

/* One HTTP response. */
struct resp {
	int	code;
	char	head[8192];
	char	*body;
	char	raw[DASH_RESP_MAX];
};

/* Connect to the HTTP port; the socket times out reads after ms. */
static int
http_connect(int port, int ms)
{
	struct sockaddr_in	sa = { .sin_family = AF_INET,
				    .sin_port = htons((uint16_t)port) };
	struct timeval		tv = { ms / 1000, (ms % 1000) * 1000 };
	int			fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0,
	    "connect to the HTTP port %d: %s", port, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

/* Send all of buf. */
static void
http_send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t	n = write(fd, buf, len);

		ck_assert_msg(n > 0, "write: %s", strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * One request (Connection: close) with an optional cookie header value and
 * form body; the response read to EOF into r.
 */
static int
http_do(int port, const char *method, const char *path, const char *cookie,
    const char *body, struct resp *x)
{
	char	req[16384];
	int	fd = http_connect(port, DASH_WAIT_MS);
	size_t	len = 0;
	ssize_t	n;
	char	*end;

	snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n%s%s%s%s%s\r\n", method, path,
	    cookie != NULL ? "Cookie: " : "", cookie != NULL ? cookie : "",
	    cookie != NULL ? "\r\n" : "",
	    body != NULL ? "Content-Type: application/x-www-form-urlencoded"
	    "\r\n" : "", body != NULL ? fmt("Content-Length: %zu\r\n",
	    strlen(body)) : "");
	http_send_all(fd, req, strlen(req));
	if (body != NULL)
		http_send_all(fd, body, strlen(body));
	while (len < sizeof x->raw - 1 &&
	    (n = read(fd, x->raw + len, sizeof x->raw - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	x->raw[len] = '\0';
	ck_assert_msg(sscanf(x->raw, "HTTP/1.1 %d", &x->code) == 1,
	    "no HTTP response to %s %s: %s", method, path, printable(x->raw));
	end = strstr(x->raw, "\r\n\r\n");
	ck_assert_ptr_nonnull(end);
	snprintf(x->head, sizeof x->head, "%.*s", (int)(end - x->raw),
	    x->raw);
	x->body = end + 4;
	return x->code;
}

/* The value of a cookie set by the response (up to ';') into out. */
static bool
resp_cookie(const struct resp *x, const char *name, char *out, size_t sz)
{
	const char	*p = strstr(x->head, fmt("Set-Cookie: %s=", name));

	if (p == NULL)
		return false;
	p += strlen("Set-Cookie: ") + strlen(name) + 1;
	snprintf(out, sz, "%.*s", (int)strcspn(p, ";\r"), p);
	return true;
}

/* The value of a hidden csrf field in a page into out (65 bytes). */
static void
page_csrf(const struct resp *x, char *out)
{
	const char	*p = strstr(x->body, "name=\"csrf\" value=\"");

	ck_assert_msg(p != NULL, "no csrf field in %s", x->body);
	p += strlen("name=\"csrf\" value=\"");
	snprintf(out, 65, "%.*s", (int)strcspn(p, "\""), p);
	ck_assert_uint_eq(strlen(out), 64);
}

/* A character created over telnet, made role (admin, player...) in psql. */
static void
dash_char(struct keepd *k, char name[17], const char *role)
{
	struct client	*c = calloc(1, sizeof *c);

	client_player(c, k->port, name, "Dash", DASH_PASSWORD);
	client_send(c, "quit");
	client_wait_closed(c, DASH_WAIT_MS);
	client_close(c);
	free(c);
	sqlf("UPDATE characters SET role = '%s' WHERE name = '%s'", role,
	    name);
}

/* The sign-in form's CSRF cookie and field: a GET /login. */
static void
dash_login_csrf(struct keepd *k, char *csrf)
{
	struct resp	*x = malloc(sizeof *x);

	ck_assert_int_eq(http_do(k->http_port, "GET", "/login", NULL, NULL, x),
	    200);
	ck_assert(resp_cookie(x, "keep_csrf", csrf, 65));
	ck_assert_uint_eq(strlen(csrf), 64);
	ck_assert_ptr_nonnull(strstr(x->body, fmt("value=\"%s\"", csrf)));
	free(x);
}

/* Sign in as name; the session token into token (65 bytes). */
static void
dash_signin(struct keepd *k, const char *name, char *token)
{
	struct resp	*x = malloc(sizeof *x);
	char		 csrf[65];

	dash_login_csrf(k, csrf);
	ck_assert_int_eq(http_do(k->http_port, "POST", "/login",
	    fmt("keep_csrf=%s", csrf), fmt("name=%s&password=%s&csrf=%s", name,
	    DASH_PASSWORD, csrf), x), 303);
	ck_assert_ptr_nonnull(strstr(x->head, "Location: /dashboard"));
	ck_assert(resp_cookie(x, "keep_dash", token, 65));
	ck_assert_uint_eq(strlen(token), 64);
	ck_assert_ptr_nonnull(strstr(x->head, "HttpOnly"));
	ck_assert_ptr_nonnull(strstr(x->head, "SameSite=Strict"));
	free(x);
}

/* The status of a GET with the session cookie token (or none: NULL). */
static int
dash_get(struct keepd *k, const char *path, const char *token)
{
	struct resp	*x = malloc(sizeof *x);
	int		 code;

	code = http_do(k->http_port, "GET", path, token != NULL ?
	    fmt("keep_dash=%s", token) : NULL, NULL, x);
	free(x);
	return code;
}

/* Sessions of a character in the database. */
static long long
dash_rows(const char *name)
{
	return sqlv("SELECT count(*) FROM dash_sessions d JOIN characters c"
	    " ON c.id = d.character_id WHERE c.name = '%s'", name);
}

/* A new admin signed in (name, token) with /events open: its socket. */
static int
dash_stream(char name[17], char token[65])
{
	char	req[512];
	int	fd;

	dash_char(&dash_k, name, "admin");
	dash_signin(&dash_k, name, token);
	fd = http_connect(dash_k.http_port, 500);
	snprintf(req, sizeof req, "GET /events HTTP/1.1\r\nHost: x\r\n"
	    "Cookie: keep_dash=%s\r\n\r\n", token);
	http_send_all(fd, req, strlen(req));
	return fd;
}

/* Without a session: pages go to /login, the rest is 401, nothing shown. */
START_TEST(test_dash_no_session)
{
	char		 bogus[65];

	ck_assert_int_eq(http_do(dash_k.http_port, "GET", "/dashboard", NULL, NULL,
	    r), 303);
	ck_assert_ptr_nonnull(strstr(r->head, "Location: /login"));
	ck_assert_ptr_null(strstr(r->body, "csrf"));
	ck_assert_int_eq(http_do(dash_k.http_port, "GET", "/", NULL, NULL, r), 303);
	for (int i = 0; i < 3; i++) {
		const char	*path[] = { "/api/map", "/api/live", "/events" };

		ck_assert_int_eq(http_do(dash_k.http_port, "GET", path[i], NULL,
		    NULL, r), 401);
		ck_assert_ptr_null(strstr(r->body, "rooms"));
	}
	/* A made-up token is no session either. */
	for (int i = 0; i < 64; i++)
		bogus[i] = "0123456789abcdef"[rand31() % 16];
	bogus[64] = '\0';
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", bogus), 401);
	ck_assert_int_eq(dash_get(&dash_k, "/dashboard", bogus), 303);
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/logout", NULL,
	    "csrf=x", r), 401);
	/* The pages are not files anyone can fetch. */
	ck_assert_int_eq(dash_get(&dash_k, "/static/dashboard.html", NULL), 404);
}
END_TEST

/* The forms refuse a missing or wrong CSRF token and change nothing. */
START_TEST(test_dash_csrf)
{
	char		 name[17], csrf[65], token[65], page[65];
	const char	*form;

	dash_char(&dash_k, name, "admin");
	dash_login_csrf(&dash_k, csrf);
	form = fmt("name=%s&password=%s", name, DASH_PASSWORD);
	/* Sign-in: no field, a wrong field, no cookie. */
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/login",
	    fmt("keep_csrf=%s", csrf), form, r), 403);
	ck_assert_ptr_null(strstr(r->head, "keep_dash="));
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/login",
	    fmt("keep_csrf=%s", csrf), fmt("name=%s&password=%s&csrf=%064d",
	    name, DASH_PASSWORD, 7), r), 403);
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/login", NULL,
	    fmt("name=%s&password=%s&csrf=%s", name, DASH_PASSWORD, csrf), r),
	    403);
	ck_assert_int_eq(dash_rows(name), 0);
	/* Sign-out: the session's own token only. */
	dash_signin(&dash_k, name, token);
	ck_assert_int_eq(dash_rows(name), 1);
	ck_assert_int_eq(http_do(dash_k.http_port, "GET", "/dashboard",
	    fmt("keep_dash=%s", token), NULL, r), 200);
	ck_assert_ptr_nonnull(strstr(r->body, name));
	page_csrf(r, page);
	ck_assert_str_ne(page, token);
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/logout",
	    fmt("keep_dash=%s", token), "", r), 403);
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/logout",
	    fmt("keep_dash=%s", token), fmt("csrf=%s", csrf), r), 403);
	ck_assert_int_eq(dash_rows(name), 1);
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", token), 200);
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/logout",
	    fmt("keep_dash=%s", token), fmt("csrf=%s", page), r), 303);
	ck_assert_ptr_nonnull(strstr(r->head, "Location: /login"));
	ck_assert_int_eq(dash_rows(name), 0);
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", token), 401);
}
END_TEST

/*
 * The session row decides, on every request: expired, deleted or demoted
 * in psql is refused next time; the table keeps only the token's hash.
 */
START_TEST(test_dash_session_row)
{
	char		name[17], token[65];

	dash_char(&dash_k, name, "owner");
	dash_signin(&dash_k, name, token);
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", token), 200);
	ck_assert_int_eq(dash_get(&dash_k, "/api/map", token), 200);
	ck_assert_int_eq(dash_get(&dash_k, "/dashboard", token), 200);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM dash_sessions WHERE"
	    " encode(token_hash, 'hex') = '%s' OR token_hash::text LIKE '%%%s%%'",
	    token, token), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM dash_sessions d JOIN"
	    " characters c ON c.id = d.character_id WHERE c.name = '%s' AND"
	    " d.expires_at BETWEEN now() + interval '11 hours' AND"
	    " now() + interval '13 hours'", name), 1);
	sqlf("UPDATE dash_sessions SET created_at = now() - interval '13 hours',"
	    " expires_at = now() - interval '1 hour' WHERE character_id ="
	    " (SELECT id FROM characters WHERE name = '%s')", name);
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", token), 401);
	ck_assert_int_eq(dash_get(&dash_k, "/dashboard", token), 303);

	dash_signin(&dash_k, name, token);
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", token), 200);
	sqlf("DELETE FROM dash_sessions WHERE character_id ="
	    " (SELECT id FROM characters WHERE name = '%s')", name);
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", token), 401);

	dash_signin(&dash_k, name, token);
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", token), 200);
	sqlf("UPDATE characters SET role = 'builder' WHERE name = '%s'", name);
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", token), 401);
	ck_assert_int_eq(dash_get(&dash_k, "/events", token), 401);
}
END_TEST

/* Bounded input: a big body 413; wrong password, non-staff, a long name:
 * the one refusal, no session; the wrong password counted like telnet's. */
START_TEST(test_dash_bad_input)
{
	char		 admin[17], player[17], csrf[65], cookie[80], *big;
	long long	 wrong;

	dash_char(&dash_k, admin, "admin");
	dash_char(&dash_k, player, "player");
	dash_login_csrf(&dash_k, csrf);
	snprintf(cookie, sizeof cookie, "keep_csrf=%s", csrf);
	big = malloc(5001);
	memset(big, 'a', 5000);
	memcpy(big, "name=", 5);
	big[5000] = '\0';
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/login", cookie, big,
	    r), 413);
	free(big);
	wrong = sqlv("SELECT count(*) FROM logins WHERE outcome ="
	    " 'wrong_password' AND name = '%s'", admin);
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/login", cookie,
	    fmt("name=%s&password=wrong&csrf=%s", admin, csrf), r), 401);
	ck_assert_ptr_nonnull(strstr(r->body, "Wrong name or password."));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM logins WHERE outcome ="
	    " 'wrong_password' AND name = '%s'", admin), wrong + 1);
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/login", cookie,
	    fmt("name=%s&password=%s&csrf=%s", player, DASH_PASSWORD, csrf),
	    r), 401);
	ck_assert_ptr_nonnull(strstr(r->body, "Wrong name or password."));
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/login", cookie,
	    fmt("name=%s&password=x&csrf=%s", "Abcdefghijklmnopqrstuvwxyz",
	    csrf), r), 401);
	ck_assert_ptr_nonnull(strstr(r->body, "Wrong name or password."));
	ck_assert_int_eq(http_do(dash_k.http_port, "POST", "/login", cookie,
	    fmt("name=%s&password=%%ff%%fe&csrf=%s", admin, csrf), r), 401);
	ck_assert_ptr_null(strstr(r->head, "keep_dash="));
	ck_assert_int_eq(dash_rows(admin) + dash_rows(player), 0);
	ck_assert_int_eq(http_do(dash_k.http_port, "GET", "/logout", NULL, NULL,
	    r), 405);
}
END_TEST

/* /static/ serves web_dir's files and nothing else. */
START_TEST(test_dash_static)
{
	const char	*bad[] = { "/static/../../etc/passwd",
			    "/static/..%2f..%2fetc%2fpasswd",
			    "/static/%2e%2e/%2e%2e/etc/passwd",
			    "/static/../server/web/dash.js",
			    "/static//etc/passwd", "/static/dash.css/..",
			    "/static/.", "/static/", "/../etc/passwd" };

	ck_assert_int_eq(http_do(dash_k.http_port, "GET", "/static/dash.css", NULL,
	    NULL, r), 200);
	ck_assert_ptr_nonnull(strstr(r->head, "Content-Type: text/css"));
	ck_assert_ptr_nonnull(strstr(r->head, "X-Content-Type-Options: "
	    "nosniff"));
	ck_assert_int_eq(http_do(dash_k.http_port, "GET", "/static/dash.js", NULL,
	    NULL, r), 200);
	ck_assert_ptr_nonnull(strstr(r->head, "Content-Type: text/javascript"));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(http_do(dash_k.http_port, "GET", bad[i], NULL, NULL,
		    r) == 404, "%s: %d", bad[i], r->code);
		ck_assert_ptr_null(strstr(r->body, "root:"));
	}
}
END_TEST

/* The event stream: a committed say reaches it; a tell does not. */
START_TEST(test_dash_events)
{
	struct client	*a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	char		 admin[17], na[17], nb[17], token[65];
	char		*buf = malloc(DASH_RESP_MAX);
	size_t		 len = 0;
	long long	 end;
	int		 fd;

	fd = dash_stream(admin, token);
	client_player(a, dash_k.port, na, "Speak", DASH_PASSWORD);
	client_player(b, dash_k.port, nb, "Hear", DASH_PASSWORD);
	client_send(b, fmt("tell %s a secret for you", na));
	client_want(a, "a secret for you", DASH_WAIT_MS, NULL, 0);
	client_send(a, "say the stream hears this");
	client_want(b, "the stream hears this", DASH_WAIT_MS, NULL, 0);
	/* A message rolled back never reaches the stream; the next does. */
	test_sql("BEGIN; INSERT INTO messages (kind, text) VALUES ('room',"
	    " 'rolled back, never said'); SELECT pg_notify('keep', '');"
	    " ROLLBACK");
	test_sql("INSERT INTO messages (kind, text) VALUES ('room',"
	    " 'committed by psql'); SELECT pg_notify('keep', '')");
	end = now_ms() + DASH_WAIT_MS;
	while (now_ms() < end && len < DASH_RESP_MAX - 1) {
		ssize_t	n = read(fd, buf + len, DASH_RESP_MAX - 1 - len);

		if (n > 0)
			len += (size_t)n;
		else if (n == 0)
			break;
		buf[len] = '\0';
		if (strstr(buf, "committed by psql") != NULL)
			break;
	}
	buf[len] = '\0';
	close(fd);
	ck_assert_msg(strstr(buf, "committed by psql") != NULL,
	    "no committed psql message in the stream: %s", printable(buf));
	ck_assert_ptr_null(strstr(buf, "never said"));
	ck_assert_msg(strstr(buf, "Content-Type: text/event-stream") != NULL,
	    "not an event stream: %s", printable(buf));
	ck_assert_msg(strstr(buf, fmt("%s says, 'the stream hears this'",
	    na)) != NULL, "no say in the stream: %s", printable(buf));
	ck_assert_ptr_nonnull(strstr(buf, fmt("%s has entered the game.", nb)));
	ck_assert_ptr_null(strstr(buf, "a secret for you"));
	client_close(a);
	client_close(b);
	free(a);
	free(b);
	free(buf);
}
END_TEST

/*
 * A stream whose client does not read is dropped once 256 KiB wait for
 * it; the others go on, and a new stream opens.
 */
START_TEST(test_dash_slow_client)
{
	struct sockaddr_in	 sa = { .sin_family = AF_INET };
	char			 admin[17], token[65], req[512], buf[4096];
	int			 slow, fast, small = 2048;
	long long		 end, got = 0;

	dash_char(&dash_k, admin, "admin");
	dash_signin(&dash_k, admin, token);
	snprintf(req, sizeof req, "GET /events HTTP/1.1\r\nHost: x\r\n"
	    "Cookie: keep_dash=%s\r\n\r\n", token);
	/* The slow one: a tiny receive window, and it never reads. */
	slow = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	sa.sin_port = htons((uint16_t)dash_k.http_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(slow, (struct sockaddr *)&sa, sizeof sa), 0);
	http_send_all(slow, req, strlen(req));
	fast = http_connect(dash_k.http_port, 200);
	http_send_all(fast, req, strlen(req));
	usleep(500 * 1000);
	/* About 8 MB of committed messages, in ten transactions. */
	end = now_ms() + 30000;
	for (int i = 0; i < 10; i++) {
		long long	until = now_ms() + 300;

		test_sql("INSERT INTO messages (kind, text) SELECT 'room',"
		    " 'flood ' || repeat('x', 2000) FROM"
		    " generate_series(1, 400); SELECT pg_notify('keep', '')");
		while (now_ms() < until) {
			ssize_t	n = read(fast, buf, sizeof buf);

			if (n > 0)
				got += n;
		}
	}
	while (now_ms() < end && keepd_log_lines(&dash_k, "not reading") == 0)
		usleep(100 * 1000);
	ck_assert_int_eq(keepd_log_lines(&dash_k, "dropped: the client is not "
	    "reading"), 1);
	/* The reading one got everything. */
	while (now_ms() < end && got < 4000LL * 2000) {
		ssize_t	n = read(fast, buf, sizeof buf);

		if (n > 0)
			got += n;
	}
	ck_assert_msg(got >= 4000LL * 2000, "the reading stream got %lld "
	    "bytes", got);
	close(slow);
	close(fast);
	ck_assert_int_eq(dash_get(&dash_k, "/api/live", token), 200);
}
END_TEST

/*
 * An open event stream is read again every 15 s: once its row is deleted
 * in psql, the stream says signedout and ends.
 */
START_TEST(test_dash_stream_revoked)
{
	char		 admin[17], token[65];
	char		*buf = malloc(DASH_RESP_MAX);
	size_t		 len = 0;
	long long	 end;
	ssize_t		 n = 1;
	int		 fd;

	fd = dash_stream(admin, token);
	usleep(300 * 1000);
	sqlf("DELETE FROM dash_sessions WHERE character_id ="
	    " (SELECT id FROM characters WHERE name = '%s')", admin);
	end = now_ms() + 25000;
	while (now_ms() < end && n != 0 && len < DASH_RESP_MAX - 1) {
		if ((n = read(fd, buf + len, DASH_RESP_MAX - 1 - len)) > 0)
			len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	ck_assert_msg(n == 0, "the stream is still open: %s", printable(buf));
	ck_assert_ptr_nonnull(strstr(buf, "text/event-stream"));
	ck_assert_ptr_nonnull(strstr(buf, "event: signedout"));
	free(buf);
}
END_TEST

/* Start the suite's keepd (once, before the tests). */
static void
dash_setup(void)
{
	keepd_start(&dash_k, NULL);
	r = malloc(sizeof *r);
}

/*
 * Stop it: a clean exit, status 0 (under make asan, LeakSanitizer makes a
 * leak a non-zero status: a request left behind by a closed connection was
 * one).  A failure here ends the test run, loudly.
 */
static void
dash_teardown(void)
{
	int	status = keepd_stop(&dash_k, SIGTERM);

	free(r);
	if (status != 0)
		fprintf(stderr, "dash: keepd's exit status %d after SIGTERM "
		    "(see %s)\n", status, dash_k.log);
	ck_assert_msg(status == 0, "dash: keepd's exit status %d", status);
}

Suite *
dash_suite(void)
{
	Suite	*s = suite_create("dash");
	TCase	*tc = tcase_create("dash_e2e");

	tcase_set_timeout(tc, 90);
	tcase_add_unchecked_fixture(tc, dash_setup, dash_teardown);
	tcase_add_test(tc, test_dash_no_session);
	tcase_add_test(tc, test_dash_csrf);
	tcase_add_test(tc, test_dash_session_row);
	tcase_add_test(tc, test_dash_bad_input);
	tcase_add_test(tc, test_dash_static);
	tcase_add_test(tc, test_dash_events);
	tcase_add_test(tc, test_dash_slow_client);
	tcase_add_test(tc, test_dash_stream_revoked);
	suite_add_tcase(s, tc);
	return s;
}
