/*
 * test_http_e2e.c — the ops side of the HTTP port, against a real keepd
 * over TCP: /healthz, /readyz (database up, silent, refusing, back;
 * migrations behind; draining), /metrics (every family, counters that move
 * after real play, bounded command labels), json logs, and the SIGTERM
 * drain (the restart message, exit 0, even with the database silent).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "fault.h"
#include "fault_proxy.h"
#include "keep_test.h"

#define WAIT_MS		5000
#define HTTP_MAX	(512 * 1024)
#define RESTARTING	"The server is restarting; please reconnect.\r\n"
/* shutdown_timeout of the drain tests, in seconds. */
#define SHORT_S		5
#define SHORT_CONFIG	TEST_CONFIG(", \"shutdown_timeout\": 5")

struct http_answer {
	int	status;
	char	head[4096];
	char	body[HTTP_MAX];
};

/*
 * GET path from 127.0.0.1:port with Connection: close and read to EOF
 * (at most 5 s): the status (0 when nothing came), headers and body.
 */
static int
http_get(int port, const char *path, struct http_answer *a)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET,
				    .sin_port = htons((uint16_t)port) };
	struct timeval		 tv = { 5, 0 };
	static char		 raw[HTTP_MAX + 8192];
	char			 req[512], *sep;
	size_t			 len = 0;
	ssize_t			 n;
	int			 fd;

	memset(a, 0, sizeof *a);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		return 0;
	}
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", path);
	ck_assert(write(fd, req, strlen(req)) == (ssize_t)strlen(req));
	while (len < sizeof raw - 1 &&
	    (n = read(fd, raw + len, sizeof raw - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	raw[len] = '\0';
	if (sscanf(raw, "HTTP/1.%*d %d", &a->status) != 1)
		return a->status = 0;
	if ((sep = strstr(raw, "\r\n\r\n")) != NULL) {
		snprintf(a->head, sizeof a->head, "%.*s", (int)(sep - raw),
		    raw);
		snprintf(a->body, sizeof a->body, "%s", sep + 4);
	}
	return a->status;
}

/* The value of a sample (the whole series name with its labels, as
 * keepd writes it), or -1 when the series is not there. */
static double
metric(const char *body, const char *series)
{
	size_t		 n = strlen(series);
	const char	*p = body;

	while ((p = strstr(p, series)) != NULL) {
		if ((p == body || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return -1;
}

/* Sum of the samples of a family whose line starts with prefix. */
static double
metric_sum(const char *body, const char *prefix)
{
	const char	*p = body;
	double		 sum = 0;
	size_t		 n = strlen(prefix);

	for (; *p != '\0'; p = strchr(p, '\n') + 1) {
		const char	*sp = strchr(p, ' ');

		if (strncmp(p, prefix, n) == 0 && sp != NULL)
			sum += strtod(sp + 1, NULL);
		if (strchr(p, '\n') == NULL)
			break;
	}
	return sum;
}

/* GET /metrics, checking status and content type. */
static void
scrape(const struct keepd *k, struct http_answer *a)
{
	ck_assert_int_eq(http_get(k->http_port, "/metrics", a), 200);
	ck_assert_msg(strstr(a->head, "Content-Type: text/plain; "
	    "version=0.0.4; charset=utf-8") != NULL, "content type: %s",
	    a->head);
}

/* Wait up to ms for /readyz to answer code with a body starting with
 * prefix; fails showing the last answer. */
static void
readyz_want(const struct keepd *k, int code, const char *prefix, int ms)
{
	static struct http_answer	a;
	long long			end = now_ms() + ms;

	do {
		if (http_get(k->http_port, "/readyz", &a) == code &&
		    strncmp(a.body, prefix, strlen(prefix)) == 0)
			return;
		usleep(100 * 1000);
	} while (now_ms() < end);
	ck_abort_msg("/readyz: wanted %d %s, got %d %s", code, prefix,
	    a.status, a.body);
}

/* /healthz and /readyz answer 200 with the database up. */
START_TEST(test_health_ready)
{
	static struct http_answer	a;
	struct keepd			k;

	keepd_start(&k, NULL);
	ck_assert_int_eq(http_get(k.http_port, "/healthz", &a), 200);
	ck_assert_str_eq(a.body, "ok\n");
	ck_assert_int_eq(http_get(k.http_port, "/readyz", &a), 200);
	ck_assert_str_eq(a.body, "ready\n");
	ck_assert_int_eq(http_get(k.http_port, "/nothing", &a), 404);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* Every family the docs list is on /metrics, with HELP and TYPE. */
START_TEST(test_metrics_families)
{
	static struct http_answer	a;
	static const char		*families[] = {
		"keep_build_info gauge", "keep_process_start_time_seconds gauge",
		"keep_sessions gauge", "keep_logins_total counter",
		"keep_commands_total counter",
		"keep_command_duration_seconds histogram",
		"keep_store_statements_total counter",
		"keep_store_statement_errors_total counter",
		"keep_store_rows_total counter",
		"keep_store_statement_seconds_total counter",
		"keep_store_round_trips_total counter",
		"keep_store_retries_total counter",
		"keep_store_transactions_total counter",
		"keep_pool_queue_depth gauge", "keep_pool_jobs gauge",
		"keep_pool_wait_seconds histogram",
		"keep_notifications_sent_total counter",
		"keep_notifications_received_total counter",
		"keep_notification_delay_seconds histogram",
		"keep_ticker_runs_total counter",
		"keep_ticker_skips_total counter",
		"keep_http_requests_total counter",
	};
	struct keepd			k;

	keepd_start(&k, NULL);
	scrape(&k, &a);
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
		char	name[64];

		ck_assert_msg(strstr(a.body, fmt("# TYPE %s\n", families[i]))
		    != NULL, "no TYPE line for %s", families[i]);
		sscanf(families[i], "%63s", name);
		ck_assert_msg(strstr(a.body, fmt("# HELP %s ", name)) != NULL,
		    "no HELP line for %s", name);
	}
	ck_assert(metric(a.body, "keep_build_info{version=\"0.10\"}") == 1);
	ck_assert(metric(a.body, "keep_process_start_time_seconds") >
	    1.7e9);
	ck_assert(metric(a.body, "keep_sessions{state=\"connected\"}") >= 0);
	ck_assert(metric(a.body, "keep_sessions{state=\"playing\"}") == 0);
	ck_assert(metric(a.body, "keep_pool_queue_depth{pool=\"game\"}") >=
	    0);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * Play moves the counters: a new character and a wrong password, look
 * and an unknown word (labelled "unknown", never the word), a say heard
 * by a second player, statements and transactions, pool waits, ticks.
 */
START_TEST(test_metrics_move)
{
	static struct http_answer	b, a;
	struct keepd			k;
	struct client			c1, c2, w;
	char				n1[17], n2[17];

	keepd_start(&k, NULL);
	scrape(&k, &b);
	client_player(&c1, k.port, n1, "Metra", "secret words");
	client_player(&c2, k.port, n2, "Metrb", "secret words");
	client_connect(&w, k.port);
	client_want(&w, "Name: ", WAIT_MS, NULL, 0);
	client_send(&w, n1);
	client_want(&w, "Password: ", WAIT_MS, NULL, 0);
	client_send(&w, "wrong words");
	client_want(&w, "Wrong password.", WAIT_MS, NULL, 0);
	client_close(&w);
	client_send_want(&c1, "look", HPROMPT, WAIT_MS);
	client_send_want(&c1, "xyzzyplugh", HPROMPT, WAIT_MS);
	client_send_want(&c1, "say metrics are fun", HPROMPT, WAIT_MS);
	client_want(&c2, "metrics are fun", WAIT_MS, NULL, 0);
	usleep(2500 * 1000);	/* a few ticks */
	scrape(&k, &a);
	ck_assert(metric(a.body, "keep_sessions{state=\"connected\"}") == 2);
	ck_assert(metric(a.body, "keep_sessions{state=\"playing\"}") == 2);
	ck_assert(metric(a.body, "keep_logins_total{result=\"new\"}") ==
	    metric(b.body, "keep_logins_total{result=\"new\"}") + 2);
	ck_assert(metric(a.body, "keep_logins_total{result=\"wrong_password\"}")
	    == metric(b.body, "keep_logins_total{result=\"wrong_password\"}")
	    + 1);
	ck_assert(metric(a.body, "keep_commands_total{command=\"look\","
	    "result=\"ok\"}") == 1);
	ck_assert(metric(a.body, "keep_commands_total{command=\"say\","
	    "result=\"ok\"}") == 1);
	ck_assert(metric(a.body, "keep_command_duration_seconds_count{command="
	    "\"look\"}") == 1);
	ck_assert(metric(a.body, "keep_command_duration_seconds_bucket{command="
	    "\"look\",le=\"+Inf\"}") == 1);
	ck_assert(metric(a.body, "keep_commands_total{command=\"unknown\","
	    "result=\"unknown\"}") == 1);
	ck_assert_msg(strstr(a.body, "xyzzy") == NULL, "raw input in a label");
	ck_assert(metric(a.body, "keep_notifications_sent_total") >
	    metric(b.body, "keep_notifications_sent_total"));
	ck_assert(metric(a.body, "keep_notifications_received_total") >
	    metric(b.body, "keep_notifications_received_total"));
	ck_assert(metric(a.body, "keep_notification_delay_seconds_count") >
	    metric(b.body, "keep_notification_delay_seconds_count"));
	ck_assert(metric_sum(a.body, "keep_store_statements_total{") >
	    metric_sum(b.body, "keep_store_statements_total{"));
	ck_assert(metric(a.body, "keep_store_round_trips_total") >
	    metric(b.body, "keep_store_round_trips_total"));
	ck_assert(metric(a.body, "keep_store_transactions_total{result="
	    "\"committed\"}") > metric(b.body, "keep_store_transactions_total"
	    "{result=\"committed\"}"));
	ck_assert(metric(a.body, "keep_pool_wait_seconds_count{pool=\"game\"}")
	    > metric(b.body, "keep_pool_wait_seconds_count{pool=\"game\"}"));
	ck_assert(metric(a.body, "keep_pool_wait_seconds_count{pool=\"login\"}")
	    >= 3);
	ck_assert(metric_sum(a.body, "keep_ticker_runs_total{") +
	    metric_sum(a.body, "keep_ticker_skips_total{") >
	    metric_sum(b.body, "keep_ticker_runs_total{") +
	    metric_sum(b.body, "keep_ticker_skips_total{"));
	ck_assert(metric(a.body, "keep_http_requests_total{path=\"/metrics\","
	    "code=\"200\"}") >= 1);
	client_close(&c1);
	client_close(&c2);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * /readyz follows the database: 200, then 503 "database: ..." within the
 * 2 s bound while the network is silent and while it refuses, 200 again
 * once it answers; many requests at once share one probe.
 */
START_TEST(test_readyz_database)
{
	static struct http_answer	a;
	struct fault_proxy		*px;
	struct keepd			 k;
	char				 sock[256], url[256];
	long long			 t;

	pg_socket_path(sock, sizeof sock);
	px = fault_proxy_start(sock);
	pg_tcp_url(url, sizeof url, fault_proxy_port(px));
	keepd_start_url(&k, NULL, url);
	readyz_want(&k, 200, "ready", WAIT_MS);
	fault_proxy_set(px, FAULT_SILENT);
	t = now_ms();
	ck_assert_int_eq(http_get(k.http_port, "/readyz", &a), 503);
	ck_assert_msg(strncmp(a.body, "database: ", 10) == 0, "body %s",
	    a.body);
	ck_assert_msg(now_ms() - t < 3000, "503 after %lld ms", now_ms() - t);
	fault_proxy_set(px, FAULT_PASS);
	readyz_want(&k, 200, "ready", 20000);
	fault_proxy_set(px, FAULT_RESET);
	readyz_want(&k, 503, "database: ", 10000);
	fault_proxy_set(px, FAULT_PASS);
	readyz_want(&k, 200, "ready", 20000);
	/* /healthz never asked the database. */
	ck_assert_int_eq(http_get(k.http_port, "/healthz", &a), 200);
	keepd_stop(&k, SIGTERM);
	fault_proxy_stop(px);
}
END_TEST

/* /readyz 503 "migrations: 1 pending" while the database lacks one this
 * keepd knows, 200 once it is back. */
START_TEST(test_readyz_migrations)
{
	struct keepd	k;
	long long	v;

	keepd_start(&k, NULL);
	readyz_want(&k, 200, "ready", WAIT_MS);
	v = sqlv("SELECT max(version) FROM schema_migrations");
	sqlf("CREATE TABLE ready_saved AS SELECT * FROM schema_migrations"
	    " WHERE version = %lld", v);
	sqlf("DELETE FROM schema_migrations WHERE version = %lld", v);
	readyz_want(&k, 503, "migrations: 1 pending", WAIT_MS);
	sqlf("INSERT INTO schema_migrations SELECT * FROM ready_saved");
	test_sql("DROP TABLE ready_saved");
	readyz_want(&k, 200, "ready", WAIT_MS);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* Lock a character's row from a transaction of the test's own. */
static PGconn *
lock_char(const char *name)
{
	PGconn	*c = PQconnectdb(test_db_url());

	ck_assert(PQstatus(c) == CONNECTION_OK);
	PQclear(PQexec(c, "BEGIN"));
	PQclear(PQexec(c, fmt("SELECT 1 FROM characters WHERE name = '%s'"
	    " FOR UPDATE", name)));
	return c;
}

/* Wait until a keepd worker waits for a lock, up to ms. */
static bool
lock_waited(int ms)
{
	long long	end = now_ms() + ms;

	while (now_ms() < end) {
		if (sqlv("SELECT count(*) FROM pg_stat_activity WHERE"
		    " wait_event_type = 'Lock' AND application_name LIKE"
		    " 'keepd-worker-%%'") > 0)
			return true;
		usleep(20 * 1000);
	}
	return false;
}

/*
 * A command's latency starts at the line's receipt: a look queued behind
 * a move held 700 ms on a lock counts those 700 ms.
 */
START_TEST(test_metrics_queued_latency)
{
	static struct http_answer	a;
	struct keepd			k;
	struct client			c;
	char				name[17];
	PGconn				*lock;

	keepd_start(&k, NULL);
	client_player(&c, k.port, name, "Queue", "secret words");
	client_quiet(&c, 50);
	lock = lock_char(name);
	client_send(&c, "north");
	client_send(&c, "look");
	ck_assert(lock_waited(WAIT_MS));
	usleep(700 * 1000);
	PQclear(PQexec(lock, "COMMIT"));
	PQfinish(lock);
	client_want(&c, "Market", WAIT_MS, NULL, 0);
	client_want(&c, HPROMPT, WAIT_MS, NULL, 0);
	client_want(&c, HPROMPT, WAIT_MS, NULL, 0);
	scrape(&k, &a);
	ck_assert(metric(a.body, "keep_command_duration_seconds_count{command="
	    "\"look\"}") == 1);
	ck_assert_msg(metric(a.body, "keep_command_duration_seconds_bucket{"
	    "command=\"look\",le=\"0.5\"}") == 0, "the queued look took "
	    "under 0.5 s: %s", strstr(a.body, "keep_command_duration_seconds_"
	    "sum{command=\"look\"}"));
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * SIGTERM while a player's command waits on a lock: the telnet port closes
 * at once, /readyz says "draining" (/healthz still ok), the command
 * commits and answers, then the player reads the restart message; keepd
 * exits 0, the character is free, and it logs in on another keepd at once.
 */
START_TEST(test_drain)
{
	static struct http_answer	a;
	struct keepd			k, other;
	struct client			c, late, again;
	char				name[17];
	PGconn				*lock;
	int				status, port;

	keepd_start(&k, NULL);
	keepd_start(&other, NULL);
	client_player(&c, k.port, name, "Drain", "secret words");
	client_quiet(&c, 50);
	lock = lock_char(name);
	client_send(&c, "north");
	ck_assert(lock_waited(WAIT_MS));
	kill(k.pid, SIGTERM);
	readyz_want(&k, 503, "draining", WAIT_MS);
	ck_assert_int_eq(http_get(k.http_port, "/healthz", &a), 200);
	port = k.port;
	ck_assert_msg(!client_try_connect(&late, port), "telnet still "
	    "accepts while draining");
	PQclear(PQexec(lock, "COMMIT"));
	PQfinish(lock);
	client_want(&c, "Market", WAIT_MS, NULL, 0);
	client_want(&c, RESTARTING, WAIT_MS, NULL, 0);
	ck_assert(client_wait_closed(&c, WAIT_MS));
	client_close(&c);
	status = keepd_stop(&k, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "exit status %d", status);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE name ="
	    " '%s' AND session_instance IS NOT NULL", name), 0);
	client_connect(&again, other.port);
	client_login(&again, name, "secret words");
	client_send_want(&again, "look", "Market", WAIT_MS);
	client_close(&again);
	keepd_stop(&other, SIGTERM);
}
END_TEST

/* With the network to the database silent, a drain still ends in time
 * and keepd exits 0. */
START_TEST(test_drain_database_silent)
{
	struct fault_proxy	*px;
	struct keepd		 k;
	struct client		 c[3];
	char			 sock[256], url[256], name[17];
	long long		 t;
	int			 status = 0;

	pg_socket_path(sock, sizeof sock);
	px = fault_proxy_start(sock);
	pg_tcp_url(url, sizeof url, fault_proxy_port(px));
	keepd_start_url(&k, SHORT_CONFIG, url);
	for (int i = 0; i < 3; i++)
		client_player(&c[i], k.port, name, "Silent", "secret words");
	fault_proxy_set(px, FAULT_SILENT);
	for (int i = 0; i < 3; i++)
		client_send(&c[i], "score");
	usleep(300 * 1000);
	t = now_ms();
	kill(k.pid, SIGTERM);
	while (waitpid(k.pid, &status, WNOHANG) == 0 &&
	    now_ms() - t < (SHORT_S + 5) * 1000)
		usleep(20 * 1000);
	t = now_ms() - t;
	fprintf(stderr, "http: drain with a silent database: exit after "
	    "%lld ms, status %d\n", t, status);
	ck_assert_msg(t <= SHORT_S * 1000 + 700, "took %lld ms", t);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "exit status %d", status);
	k.pid = 0;
	for (int i = 0; i < 3; i++) {
		client_want(&c[i], RESTARTING, WAIT_MS, NULL, 0);
		client_close(&c[i]);
	}
	fault_proxy_stop(px);
}
END_TEST

/* log_format json: every line of the log is an object with ts, level
 * and msg, session lines carry the session. */
START_TEST(test_json_log)
{
	struct keepd	 k;
	struct client	 c;
	char		 name[17], line[8192];
	FILE		*f;
	int		 lines = 0, sessions = 0;

	keepd_start(&k, TEST_CONFIG(", \"log_format\": \"json\""));
	client_player(&c, k.port, name, "Jsonl", "secret words");
	client_send_want(&c, "say \"quoted\\ and \x1b[31m", HPROMPT, WAIT_MS);
	client_close(&c);
	ck_assert_int_eq(keepd_stop(&k, SIGTERM), 0);
	ck_assert((f = fopen(k.log, "r")) != NULL);
	while (fgets(line, sizeof line, f) != NULL) {
		json_error_t	 e;
		json_t		*o = json_loads(line, 0, &e);

		ck_assert_msg(o != NULL && json_is_object(o), "not JSON: %s",
		    line);
		ck_assert(json_is_string(json_object_get(o, "ts")));
		ck_assert(json_is_string(json_object_get(o, "level")));
		ck_assert(json_is_string(json_object_get(o, "msg")));
		sessions += json_is_integer(json_object_get(o, "session"));
		json_decref(o);
		lines++;
	}
	fclose(f);
	ck_assert_int_gt(lines, 5);
	ck_assert_int_gt(sessions, 0);
}
END_TEST

/* The http suite. */
Suite *
http_suite(void)
{
	Suite	*s = suite_create("http");
	TCase	*tc = tcase_create("http");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_health_ready);
	tcase_add_test(tc, test_metrics_families);
	tcase_add_test(tc, test_metrics_move);
	tcase_add_test(tc, test_readyz_database);
	tcase_add_test(tc, test_readyz_migrations);
	tcase_add_test(tc, test_metrics_queued_latency);
	tcase_add_test(tc, test_drain);
	tcase_add_test(tc, test_drain_database_silent);
	tcase_add_test(tc, test_json_log);
	suite_add_tcase(s, tc);
	return s;
}
