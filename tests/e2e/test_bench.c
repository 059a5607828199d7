/*
 * test_bench.c — build/keep-bench against a real keepd: a short closed-loop
 * run and a short open-loop run must answer every command kind of the mix
 * without errors or timeouts, and a port where nothing listens, or a bad
 * option, must make it exit non-zero.  And bench/drift.py, the check that
 * the pgbench scripts (bench/NAME.sql) still hold the store's statements,
 * passes on this tree and fails on copies of it drifted on purpose.  And
 * bench/report.py's verdicts and exit status, on small raw-result
 * directories written here: a run with fewer bots online than it asked
 * for is a MISS.  Runs from the repository root, as make test does.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "keep_test.h"

#define BENCH_PREFIX	"Kbtest"
#define BENCH_WAIT_MS	30000
#define DRIFT_CMD	"python3 bench/drift.py"
#define REPORT_CMD	"python3 bench/report.py"

static struct keepd	bench_server;	/* the TCase's keepd */

/* Start the TCase's keepd. */
static void
bench_setup(void)
{
	keepd_start(&bench_server, NULL);
}

/* Stop it. */
static void
bench_teardown(void)
{
	keepd_stop(&bench_server, SIGTERM);
}

/* build/keep-bench sits next to $KEEPD. */
static void
bench_path(char *out, size_t outsz)
{
	const char	*keepd = getenv("KEEPD");
	const char	*slash;

	ck_assert_msg(keepd != NULL, "KEEPD must name build/keepd");
	slash = strrchr(keepd, '/');
	if (slash == NULL)
		snprintf(out, outsz, "keep-bench");
	else
		snprintf(out, outsz, "%.*s/keep-bench", (int)(slash - keepd),
		    keepd);
	ck_assert_msg(access(out, X_OK) == 0, "%s is not built", out);
}

/*
 * Run keep-bench with args (NULL-terminated) and wait for it; its stdout
 * goes into out, its stderr to var/test-logs/keep-bench-<port>.log.
 * Returns the wait status.
 */
static int
bench_exec(int port, const char *const *args, char *out, size_t outsz)
{
	char		 path[512], log[256], *argv[32];
	int		 pfd[2], argc = 0, status = 0;
	size_t		 len = 0;
	long long	 end = now_ms() + BENCH_WAIT_MS;
	pid_t		 pid;

	bench_path(path, sizeof path);
	argv[argc++] = path;
	for (; *args != NULL && argc < 31; args++)
		argv[argc++] = strdup(*args);	/* execv wants them writable */
	argv[argc] = NULL;
	mkdir("var", 0755);
	mkdir("var/test-logs", 0755);
	snprintf(log, sizeof log, "var/test-logs/keep-bench-%d.log", port);
	ck_assert(pipe(pfd) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int	fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		dup2(pfd[1], 1);
		if (fd >= 0)
			dup2(fd, 2);
		close(pfd[0]);
		execv(path, argv);
		_exit(127);
	}
	for (int i = 1; i < argc; i++)
		free(argv[i]);
	close(pfd[1]);
	for (;;) {
		struct pollfd	pf = { .fd = pfd[0], .events = POLLIN };
		ssize_t		n;
		long long	left = end - now_ms();

		if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
			break;
		n = read(pfd[0], out + len, outsz - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == outsz - 1)
			break;
	}
	out[len] = '\0';
	close(pfd[0]);
	if (now_ms() >= end)
		kill(pid, SIGKILL);
	ck_assert(waitpid(pid, &status, 0) == pid);
	return status;
}

/* The JSON report of a run that exited 0. */
static json_t *
bench_report(int status, const char *out)
{
	json_error_t	 je;
	json_t		*o;

	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "keep-bench exited with status %d (see var/test-logs)", status);
	o = json_loads(out, 0, &je);
	ck_assert_msg(o != NULL, "keep-bench printed no JSON (%s): %s",
	    je.text, printable(out));
	return o;
}

/* A counter of an object in the report. */
static long long
bench_int(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "no integer \"%s\"", key);
	return json_integer_value(v);
}

/* Every counter of a kind (or of the total) that must hold after a run. */
static void
bench_check(json_t *kinds, const char *name)
{
	json_t	*k = json_object_get(kinds, name), *p50;

	ck_assert_msg(json_is_object(k), "no kind \"%s\" in the report", name);
	ck_assert_msg(bench_int(k, "count") > 0, "%s: no commands", name);
	ck_assert_msg(bench_int(k, "errors") == 0, "%s: %lld errors", name,
	    bench_int(k, "errors"));
	ck_assert_msg(bench_int(k, "timeouts") == 0, "%s: %lld timeouts",
	    name, bench_int(k, "timeouts"));
	p50 = json_object_get(k, "p50_ms");
	ck_assert_msg(json_is_number(p50) && json_number_value(p50) > 0,
	    "%s: p50 is not above 0", name);
}

/* Closed loop, five bots crowded in two rooms for two seconds. */
START_TEST(test_closed)
{
	char		 port[16], out[65536];
	const char	*args[] = { "--port", port, "--bots", "5", "--prefix",
			    BENCH_PREFIX, "--mode", "closed", "--duration", "2",
			    "--warmup", "0.5", "--rooms", "1000,1001",
			    "--login-rate", "100", "--json", NULL };
	json_t		*o, *kinds;

	snprintf(port, sizeof port, "%d", bench_server.port);
	o = bench_report(bench_exec(bench_server.port, args, out, sizeof out),
	    out);
	ck_assert_str_eq(json_string_value(json_object_get(o, "mode")),
	    "closed");
	ck_assert_int_eq(bench_int(json_object_get(o, "login"), "count"), 5);
	bench_check(o, "total");
	kinds = json_object_get(o, "kinds");
	bench_check(kinds, "look");
	bench_check(kinds, "move");
	bench_check(kinds, "say");
	bench_check(kinds, "score");
	bench_check(kinds, "give");
	ck_assert_int_eq(bench_int(o, "unexpected"), 0);
	json_decref(o);
}
END_TEST

/* Open loop at a low rate: about rate x bots x seconds commands. */
START_TEST(test_open)
{
	char		 port[16], out[65536];
	const char	*args[] = { "--port", port, "--bots", "5", "--prefix",
			    BENCH_PREFIX, "--mode", "open", "--rate", "10",
			    "--duration", "2", "--warmup", "0.5", "--rooms",
			    "1000,1001", "--login-rate", "100", "--json",
			    NULL };
	json_t		*o;
	long long	 n;

	snprintf(port, sizeof port, "%d", bench_server.port);
	o = bench_report(bench_exec(bench_server.port, args, out, sizeof out),
	    out);
	ck_assert_str_eq(json_string_value(json_object_get(o, "mode")),
	    "open");
	bench_check(o, "total");
	n = bench_int(json_object_get(o, "total"), "count");
	ck_assert_msg(n >= 30 && n <= 250, "%lld commands at 10/s x 5 bots x "
	    "2 s", n);
	ck_assert_int_eq(bench_int(o, "skipped"), 0);
	json_decref(o);
}
END_TEST

/*
 * --active 2 of 5 bots: all five log in and stay online, only two send
 * (about rate x 2 x seconds commands), and the report keeps the slowest
 * measured commands with their wall-clock send times, for bench/report.py
 * stalls to line up with the logs.
 */
START_TEST(test_active)
{
	char		 port[16], out[65536];
	const char	*args[] = { "--port", port, "--bots", "5", "--active",
			    "2", "--prefix", BENCH_PREFIX, "--mode", "open",
			    "--rate", "20", "--duration", "2", "--warmup", "0.5",
			    "--login-rate", "100", "--json", NULL };
	json_t		*o, *slow, *first;
	long long	 n;
	double		 sent, before = (double)time(NULL) * 1000, after;

	snprintf(port, sizeof port, "%d", bench_server.port);
	o = bench_report(bench_exec(bench_server.port, args, out, sizeof out),
	    out);
	after = (double)time(NULL) * 1000 + 1000;
	ck_assert_int_eq(bench_int(json_object_get(o, "login"), "count"), 5);
	ck_assert_int_eq(bench_int(o, "online"), 5);
	ck_assert_int_eq(bench_int(o, "active"), 2);
	n = bench_int(json_object_get(o, "total"), "count");
	ck_assert_msg(n >= 40 && n <= 130, "%lld commands at 20/s x 2 active "
	    "bots x 2 s (5 bots sending would make about 200)", n);
	slow = json_object_get(o, "slowest");
	ck_assert_msg(json_is_array(slow) && json_array_size(slow) == 20,
	    "no 20 slowest commands");
	first = json_array_get(slow, 0);
	sent = json_number_value(json_object_get(first, "sent_ms"));
	ck_assert_msg(sent >= before && sent <= after, "sent_ms %.0f is not "
	    "within the run (%.0f..%.0f)", sent, before, after);
	ck_assert(json_number_value(json_object_get(first, "ms")) >=
	    json_number_value(json_object_get(json_array_get(slow, 19), "ms")));
	ck_assert_msg(json_is_string(json_object_get(first, "kind")),
	    "no kind");
	json_decref(o);
}
END_TEST

/*
 * A ticker task whose transaction takes 50 ms or more is logged (warn),
 * so that make bench's stalls listing can line it up with the slowest
 * commands: world_clock's rows held locked for over a second make the
 * next due task's claim wait that long.
 */
START_TEST(test_tick_slow)
{
	PGconn		*c = PQconnectdb(test_db_url());
	PGresult	*r;
	long long	 end;

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, "BEGIN; SELECT 1 FROM world_clock FOR UPDATE");
	ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s",
	    PQerrorMessage(c));
	PQclear(r);
	usleep(1500 * 1000);	/* the ticker polls every 500 ms */
	PQclear(PQexec(c, "COMMIT"));
	PQfinish(c);
	end = now_ms() + 5000;
	while (keepd_log_lines(&bench_server, "warn  slow ticker task ") == 0 &&
	    now_ms() < end)
		usleep(50 * 1000);
	ck_assert_msg(keepd_log_lines(&bench_server,
	    "warn  slow ticker task ") > 0,
	    "no \"slow ticker task TASK: N ms\" warning after the ticker "
	    "waited 1.5 s");
}
END_TEST

/* Nothing listens: exit 1; a bad option: exit 2. */
START_TEST(test_refused)
{
	struct sockaddr_in	 sa = { .sin_family = AF_INET };
	socklen_t		 len = sizeof sa;
	char			 port[16], out[4096];
	const char		*args[] = { "--port", port, "--bots", "2",
				    "--duration", "1", "--json", NULL };
	const char		*bad[] = { "--mode", "sideways", NULL };
	int			 fd = socket(AF_INET, SOCK_STREAM, 0), status;

	/* A bound socket that does not listen refuses connections. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	ck_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));
	status = bench_exec(ntohs(sa.sin_port), args, out, sizeof out);
	close(fd);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	    "status %d against a closed port", status);
	status = bench_exec(0, bad, out, sizeof out);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2,
	    "status %d for a bad option", status);
}
END_TEST

/* Run a shell command; the start of its output (stderr too) goes into
 * out.  Returns its exit status, -1 if it did not exit. */
static int
script_run(const char *cmd, char *out, size_t outsz)
{
	char	 rest[4096];
	FILE	*p;
	size_t	 len;
	int	 status;

	p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "cannot run %s", cmd);
	len = fread(out, 1, outsz - 1, p);
	out[len] = '\0';
	while (fread(rest, 1, sizeof rest, p) > 0)
		;	/* the rest, so that it is not cut off by SIGPIPE */
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run bench/drift.py on root (NULL: this tree), as script_run. */
static int
drift_run(const char *root, char *out, size_t outsz)
{
	char	cmd[512];

	snprintf(cmd, sizeof cmd, DRIFT_CMD " %s 2>&1", root ? root : "");
	return script_run(cmd, out, outsz);
}

/* Copy server/db and the pgbench scripts into a new directory in /tmp. */
static void
drift_copy(char *dir, size_t dirsz)
{
	char	cmd[1024];

	snprintf(dir, dirsz, "/tmp/keep-drift-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof cmd, "mkdir -p %s/server %s/bench && "
	    "cp -R server/db %s/server/ && cp bench/*.sql %s/bench/", dir, dir,
	    dir, dir);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
}

/* In dir/path, replace the first from with to; from must be there. */
static void
drift_edit(const char *dir, const char *path, const char *from,
    const char *to)
{
	char	 file[512], *text, *at;
	FILE	*f;
	long	 n;

	snprintf(file, sizeof file, "%s/%s", dir, path);
	f = fopen(file, "rb");
	ck_assert_msg(f != NULL, "cannot read %s", file);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)n + 1);
	ck_assert(text != NULL && fread(text, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	at = strstr(text, from);
	ck_assert_msg(at != NULL, "%s no longer holds %s", path, from);
	f = fopen(file, "wb");
	ck_assert(f != NULL);
	fwrite(text, 1, (size_t)(at - text), f);
	fputs(to, f);
	fputs(at + strlen(from), f);
	ck_assert(fclose(f) == 0);
	free(text);
}

/* This tree: no drift, exit 0, no warning. */
START_TEST(test_drift_none)
{
	char	out[16384];
	int	rc = drift_run(NULL, out, sizeof out);

	ck_assert_msg(rc == 0, "drift.py exited %d:\n%.2000s", rc, out);
	ck_assert_msg(strstr(out, "WARNING") == NULL, "%.2000s", out);
	ck_assert_msg(strstr(out, "every statement in bench/*.sql is the "
	    "store's") != NULL, "%.2000s", out);
}
END_TEST

/* One change per copy of the tree, each one drift.py must catch. */
static const struct {
	const char	*path, *from, *to, *needle;
} drifts[] = {
	/* A script's statement edited. */
	{ "bench/look.sql", "LIMIT 50) n)", "LIMIT 51) n)",
	  "nearest is room_look" },
	/* The string macro that ends the message statements (a check that
	 * compared a fixed text to the scripts saw nothing). */
	{ "server/db/store_int.h",
	  "\"SELECT 1 WHERE EXISTS (SELECT 1 FROM m)\"",
	  "\"SELECT 2 WHERE EXISTS (SELECT 1 FROM m)\"",
	  "nearest is notify_say" },
	/* A string macro the store's statements are built with. */
	{ "server/db/store_char.c", "\"id, name, role, room_id,\"",
	  "\"id, name, role, room_id, level,\"", "nearest is char_load" },
	/* The read-only transaction's BEGIN. */
	{ "server/db/store_tx.c", "REPEATABLE READ READ ONLY",
	  "SERIALIZABLE READ ONLY", "begins or ends its transaction" },
};

/* Each drift makes drift.py exit 1 and say where. */
START_TEST(test_drift_caught)
{
	char	dir[64], out[16384], cmd[128];
	int	rc;

	drift_copy(dir, sizeof dir);
	drift_edit(dir, drifts[_i].path, drifts[_i].from, drifts[_i].to);
	rc = drift_run(dir, out, sizeof out);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert(system(cmd) == 0);
	ck_assert_msg(rc == 1, "%s drifted: drift.py exited %d:\n%.2000s",
	    drifts[_i].path, rc, out);
	ck_assert_msg(strstr(out, drifts[_i].needle) != NULL,
	    "%s drifted, no \"%s\" in:\n%.2000s", drifts[_i].path,
	    drifts[_i].needle, out);
}
END_TEST

/*
 * bench/baseline/ holds the statements of before issue 12 on purpose:
 * drift.py reads only the scripts directly in bench/, so a baseline
 * script that is no longer the store's (here: edited) is no drift.
 */
START_TEST(test_drift_baseline)
{
	char	dir[64], out[16384], cmd[512];
	int	rc;

	drift_copy(dir, sizeof dir);
	snprintf(cmd, sizeof cmd, "mkdir -p %s/bench/baseline && "
	    "cp bench/baseline/*.sql %s/bench/baseline/", dir, dir);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	drift_edit(dir, "bench/baseline/look.sql", "LIMIT 50) n)",
	    "LIMIT 51) n)");
	rc = drift_run(dir, out, sizeof out);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert(system(cmd) == 0);
	ck_assert_msg(rc == 0 && strstr(out, "WARNING") == NULL,
	    "drift.py read bench/baseline/ (exit %d):\n%.2000s", rc, out);
}
END_TEST

/* A tree it cannot read: exit 2, not a vacuous pass. */
START_TEST(test_drift_nothing)
{
	char	dir[64], out[4096], cmd[128];
	int	rc;

	drift_copy(dir, sizeof dir);
	snprintf(cmd, sizeof cmd, "rm -rf %s/server/db/*", dir);
	ck_assert(system(cmd) == 0);
	rc = drift_run(dir, out, sizeof out);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert(system(cmd) == 0);
	ck_assert_msg(rc == 2, "drift.py exited %d on no source:\n%.2000s", rc,
	    out);
}
END_TEST

/*
 * bench/report.py's tail on raw results as bench/run.sh leaves them: a
 * latency run of 100 bots, a scaling run of 10 and an idle run of 2000,
 * with keep-bench's bots online at the end and latency's p99 per case.
 */
static const struct {
	int		 lat_online, scale_online, idle_online;
	double		 lat_p99;
	int		 rc;
	const char	*needle;
} reports[] = {
	/* Every target passes: exit 0 (issue 12: latency p99 < 5 ms). */
	{ 100, 10, 2000, 4.0, 0,
	  "PASS  idle        2000 of 2000 idle players connected" },
	/* One target misses: exit 1. */
	{ 100, 10, 2000, 50.0, 1, "MISS  latency     100 bots" },
	/* Fewer idle players connected than asked (the bots that were never
	 * created) is no PASS, whatever keepd's memory and CPU. */
	{ 100, 10, 630, 4.0, 1,
	  "MISS  idle        630 of 2000 idle players connected" },
	/* The same for the other scenarios' labels. */
	{ 90, 10, 2000, 4.0, 1, "MISS  latency     90 of 100 bots" },
	/* 5 ms was a PASS before issue 12 (p99 < 10): now a MISS. */
	{ 100, 10, 2000, 5.0, 1, "MISS  latency     100 bots" },
	{ 100, 7, 2000, 4.0, 1, "MISS  scaling     mixed, closed loop, "
	  "bots -> 7 of 10:" },
};

/* Write text into dir/name. */
static void
report_file(const char *dir, const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert(fclose(f) == 0);
}

/* keep-bench's JSON report of a run: bots asked for, online at the end,
 * p50 and p99 (ms), commands a second. */
static void
report_json(const char *dir, const char *name, int bots, int online,
    double p50, double p99, double thr)
{
	char	file[64], text[1024];

	snprintf(file, sizeof file, "%s.json", name);
	snprintf(text, sizeof text, "{\"bots\":%d,\"mode\":\"open\","
	    "\"throughput\":%.1f,\"total\":{\"count\":100,\"refused\":0,"
	    "\"errors\":0,\"timeouts\":0,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
	    "\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f},"
	    "\"login\":{\"count\":%d,\"failed\":%d,\"reconnects\":0,"
	    "\"seconds\":2.0},\"online\":%d,\"disconnects\":0,"
	    "\"notifications\":0}\n", bots, thr, p50, p50, p99, p99, p99,
	    online, bots - online, online);
	report_file(dir, file, text);
	/* keepd: 1% of one core over 10 s, 20 MB at the end. */
	snprintf(file, sizeof file, "%s.cpu", name);
	report_file(dir, file, "start 100.00 500 1000 10 20000\n"
	    "end 110.00 510 1100 12 20100\nrss 20480\n");
}

/* Each case's exit status and target line. */
START_TEST(test_report_verdict)
{
	char	dir[64], out[16384], cmd[256];
	int	rc;

	snprintf(dir, sizeof dir, "/tmp/keep-report-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	report_file(dir, "facts", "started 10\nhz 100\nworkers 4\n"
	    "hwm_kb 30000\nended 400\n");
	report_file(dir, "runs", "latency mixed 100 latency -\n"
	    "scaling mixed 10 scale-10 -\nidle - 2000 idle -\n");
	report_json(dir, "latency", 100, reports[_i].lat_online, 1.0,
	    reports[_i].lat_p99, 500);
	report_json(dir, "scale-10", 10, reports[_i].scale_online, 2.0, 4.0,
	    3000);
	report_json(dir, "idle", 2000, reports[_i].idle_online, 0, 0, 0);
	snprintf(cmd, sizeof cmd, REPORT_CMD " %s tail 2>&1", dir);
	rc = script_run(cmd, out, sizeof out);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert(system(cmd) == 0);
	ck_assert_msg(rc == reports[_i].rc, "report.py exited %d, not %d:\n"
	    "%.3000s", rc, reports[_i].rc, out);
	ck_assert_msg(strstr(out, reports[_i].needle) != NULL,
	    "no \"%s\" in:\n%.3000s", reports[_i].needle, out);
	if (reports[_i].rc == 0)
		ck_assert_msg(strstr(out, "MISS") == NULL, "%.3000s", out);
}
END_TEST

/*
 * A keep-bench run as bench/run.sh leaves it, with more knobs than
 * report_json: its mean latency, errors, and the CPU ticks of keepd and
 * of everything else over a 10 s window (hz 100: 100 ticks = 10% of a
 * core); RSS in MB.
 */
struct canned {
	const char	*name;
	int		 bots, online;
	double		 p99, mean, thr;
	int		 errors, kticks, oticks, rss_mb;
};

/* Write a canned run's NAME.json and NAME.cpu into dir. */
static void
canned_run(const char *dir, const struct canned *c)
{
	char	file[64], text[1024];

	snprintf(file, sizeof file, "%s.json", c->name);
	snprintf(text, sizeof text, "{\"bots\":%d,\"mode\":\"open\","
	    "\"rate\":2.0,\"active\":%d,\"throughput\":%.1f,\"total\":"
	    "{\"count\":100,\"refused\":0,\"errors\":%d,\"timeouts\":0,"
	    "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
	    "\"max_ms\":%.3f,\"mean_ms\":%.3f},\"login\":{\"count\":%d,"
	    "\"failed\":0,\"reconnects\":0,\"seconds\":2.0},\"online\":%d,"
	    "\"notifications\":0}\n", c->bots, c->bots / 10, c->thr,
	    c->errors, c->mean, c->p99, c->p99, c->p99, c->p99, c->mean,
	    c->online, c->online);
	report_file(dir, file, text);
	snprintf(file, sizeof file, "%s.cpu", c->name);
	snprintf(text, sizeof text, "start 100.00 500 1000 10 20000\n"
	    "end 110.00 %d 1100 12 %d\nrss %d\n", 500 + c->kticks,
	    20000 + c->kticks + 102 + c->oticks, c->rss_mb * 1024);
	report_file(dir, file, text);
}

/* pgbench's output for a run: its tps and average latency. */
static void
canned_pgbench(const char *dir, const char *name, double tps, double lat)
{
	char	file[64], text[256];

	snprintf(file, sizeof file, "%s.pgbench", name);
	snprintf(text, sizeof text, "transaction type: bench/look.sql\n"
	    "latency average = %.3f ms\ntps = %.1f (without initial "
	    "connection time)\n", lat, tps);
	report_file(dir, file, text);
}

/*
 * Issue 12's targets on canned runs: throughput against pgbench (>= 90%)
 * and against the baseline scripts (>= 1.3x), one bot's look against
 * pgbench at one client (<= 1.25x), scaling (CPU per command at 500 bots
 * <= 1.5x 10 bots', throughput at 500 >= 90% of 50's), scale, and a
 * window disturbed by other processes: DISTURBED, no PASS or MISS.
 */
static const struct {
	double		 tp, pg, base, one_mean, s500_thr;
	int		 s500_kticks, oticks, scale_errors;
	int		 rc;
	const char	*needle;
} targets[] = {
	{ 9000, 9500, 6000, 0.30, 4600, 690, 0, 0, 0,
	  "PASS  baseline    look, 200 bots: keepd 9000 cmds/s vs the "
	  "baseline scripts' 6000 tps = 1.50x (target >= 1.3x)" },
	{ 9000, 9500, 8000, 0.30, 4600, 690, 0, 0, 1,
	  "MISS  baseline    look, 200 bots: keepd 9000 cmds/s vs the "
	  "baseline scripts' 8000 tps = 1.12x" },
	{ 9000, 12000, 6000, 0.30, 4600, 690, 0, 0, 1,
	  "MISS  throughput  look, 200 bots closed loop: keepd 9000 cmds/s "
	  "vs pgbench 12000 tps = 75% (target >= 90%)" },
	{ 9000, 9500, 6000, 0.50, 4600, 690, 0, 0, 1,
	  "MISS  one         1 bot closed loop (look): mean 0.5 ms vs "
	  "pgbench's 0.300 ms at one client = 1.67x" },
	{ 9000, 9500, 6000, 0.30, 4000, 600, 0, 0, 1,
	  "MISS  scaling     mixed throughput at 500 bots 4000/s vs 50 bots "
	  "4500/s = 89% (target >= 90%)" },
	{ 9000, 9500, 6000, 0.30, 4600, 1000, 0, 0, 1,
	  "MISS  scaling     keepd CPU per command at 500 bots 217 us vs 10 "
	  "bots 100 us = 2.17x (target <= 1.5x)" },
	{ 9000, 9500, 6000, 0.30, 4600, 690, 0, 3, 1,
	  "MISS  scale       10000 players connected, 1000 active" },
	/* 30% of a core used by others in every window: no verdicts. */
	{ 9000, 9500, 6000, 0.30, 4600, 690, 300, 0, 1,
	  "DISTURBED  throughput  look" },
};

/* Each case's exit status and target line. */
START_TEST(test_report_targets)
{
	char		 dir[64], out[16384], cmd[256];
	int		 rc, o = targets[_i].oticks;
	struct canned	 runs[] = {
		{ "tp-look", 200, 200, 30, 20, targets[_i].tp, 0, 500, o, 20 },
		{ "one", 1, 1, 0.5, targets[_i].one_mean, 3000, 0, 200, o, 20 },
		{ "scale-10", 10, 10, 3, 2, 5000, 0, 500, o, 20 },
		{ "scale-50", 50, 50, 15, 10, 4500, 0, 500, o, 20 },
		{ "scale-500", 500, 500, 150, 100, targets[_i].s500_thr, 0,
		  targets[_i].s500_kticks, o, 20 },
		{ "scale", 10000, 10000, 15, 5, 2000, targets[_i].scale_errors,
		  800, o, 200 },
	};

	snprintf(dir, sizeof dir, "/tmp/keep-report-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	report_file(dir, "facts", "started 10\nhz 100\nworkers 4\n"
	    "hwm_kb 30000\nended 400\n");
	report_file(dir, "runs", "throughput look 200 tp-look pg-look "
	    "base-look\none look 1 one pg-one\n"
	    "scaling mixed 10 scale-10 -\nscaling mixed 50 scale-50 -\n"
	    "scaling mixed 500 scale-500 -\nscale mixed 10000 scale -\n");
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
		canned_run(dir, &runs[i]);
	canned_pgbench(dir, "pg-look", targets[_i].pg, 0.4);
	canned_pgbench(dir, "base-look", targets[_i].base, 0.6);
	canned_pgbench(dir, "pg-one", 3300, 0.3);
	snprintf(cmd, sizeof cmd, REPORT_CMD " %s tail 2>&1", dir);
	rc = script_run(cmd, out, sizeof out);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert(system(cmd) == 0);
	ck_assert_msg(rc == targets[_i].rc, "report.py exited %d, not %d:\n"
	    "%.4000s", rc, targets[_i].rc, out);
	ck_assert_msg(strstr(out, targets[_i].needle) != NULL,
	    "no \"%s\" in:\n%.4000s", targets[_i].needle, out);
	if (targets[_i].rc == 0)
		ck_assert_msg(strstr(out, "MISS") == NULL &&
		    strstr(out, "DISTURBED  ") == NULL, "%.4000s", out);
	if (targets[_i].oticks > 0)
		ck_assert_msg(strstr(out, "PASS  ") == NULL &&
		    strstr(out, "MISS  ") == NULL, "a disturbed window has a "
		    "verdict:\n%.4000s", out);
}
END_TEST

/*
 * BENCH_REPEAT's summary: three runs of the latency scenario (p99 3, 4
 * and 9 ms): the median table says 4.00, the spread (9 - 3) / 2 / 4 =
 * 75%, the target's verdicts per run PASS PASS MISS, and the status is
 * the majority's (0).
 */
START_TEST(test_report_summary)
{
	static const double	p99[] = { 3, 9, 4 };
	char			dir[64], sub[128], out[16384], cmd[256];
	int			rc;

	snprintf(dir, sizeof dir, "/tmp/keep-report-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	for (int i = 0; i < 3; i++) {
		struct canned	c = { "latency", 100, 100, p99[i], 1, 500, 0,
				    100, 0, 20 };

		snprintf(sub, sizeof sub, "%s/run-%d", dir, i + 1);
		ck_assert(mkdir(sub, 0755) == 0);
		report_file(sub, "facts", "started 10\nhz 100\nworkers 4\n"
		    "ended 400\n");
		report_file(sub, "runs", "latency mixed 100 latency -\n");
		canned_run(sub, &c);
	}
	snprintf(cmd, sizeof cmd, REPORT_CMD " %s summary 2>&1", dir);
	rc = script_run(cmd, out, sizeof out);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert(system(cmd) == 0);
	ck_assert_msg(rc == 0, "report.py summary exited %d:\n%.4000s", rc,
	    out);
	ck_assert_msg(strstr(out, "   4.00 ") != NULL, "no median p99 4.00 "
	    "in:\n%.4000s", out);
	ck_assert_msg(strstr(out, "    75% ") != NULL, "no spread 75%% "
	    "in:\n%.4000s", out);
	ck_assert_msg(strstr(out, "PASS MISS PASS") != NULL, "no verdicts "
	    "per run in:\n%.4000s", out);
}
END_TEST

/* keep-bench --names: the bots' names, as it logs them in, and no run. */
START_TEST(test_names)
{
	char		 out[65536];
	const char	*args[] = { "--names", "--prefix", "Scale", "--bots",
			    "700", NULL };
	int		 status = bench_exec(0, args, out, sizeof out);

	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "status %d", status);
	ck_assert_msg(strncmp(out, "Scaleaa\nScaleab\n", 16) == 0, "%.200s",
	    out);
	ck_assert_msg(strstr(out, "\nScalezz\nScaleaaa\n") != NULL, "%.200s",
	    out);
	ck_assert_msg(strcmp(out + strlen(out) - 9, "Scaleaax\n") == 0,
	    "%.200s", out + strlen(out) - 20);
}
END_TEST

/* keep-bench end to end; the SQL drift check; the report's verdicts. */
Suite *
bench_suite(void)
{
	Suite	*s = suite_create("bench");
	TCase	*tc = tcase_create("bench");

	tcase_add_unchecked_fixture(tc, bench_setup, bench_teardown);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, test_closed);
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_active);
	tcase_add_test(tc, test_tick_slow);
	suite_add_tcase(s, tc);
	tc = tcase_create("drift");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_drift_none);
	tcase_add_loop_test(tc, test_drift_caught, 0,
	    (int)(sizeof drifts / sizeof drifts[0]));
	tcase_add_test(tc, test_drift_nothing);
	tcase_add_test(tc, test_drift_baseline);
	suite_add_tcase(s, tc);
	tc = tcase_create("report");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_report_verdict, 0,
	    (int)(sizeof reports / sizeof reports[0]));
	tcase_add_loop_test(tc, test_report_targets, 0,
	    (int)(sizeof targets / sizeof targets[0]));
	tcase_add_test(tc, test_report_summary);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
