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
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <jansson.h>

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
	/* Every target passes: exit 0. */
	{ 100, 10, 2000, 5.0, 0,
	  "PASS  idle        2000 of 2000 idle players connected" },
	/* One target misses: exit 1. */
	{ 100, 10, 2000, 50.0, 1, "MISS  latency     100 bots" },
	/* Fewer idle players connected than asked (the bots that were never
	 * created) is no PASS, whatever keepd's memory and CPU. */
	{ 100, 10, 630, 5.0, 1,
	  "MISS  idle        630 of 2000 idle players connected" },
	/* The same for the other scenarios' labels. */
	{ 90, 10, 2000, 5.0, 1, "MISS  latency     90 of 100 bots" },
	{ 100, 7, 2000, 5.0, 1, "MISS  scaling     mixed, closed loop, "
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
	suite_add_tcase(s, tc);
	tc = tcase_create("drift");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_drift_none);
	tcase_add_loop_test(tc, test_drift_caught, 0,
	    (int)(sizeof drifts / sizeof drifts[0]));
	tcase_add_test(tc, test_drift_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("report");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_report_verdict, 0,
	    (int)(sizeof reports / sizeof reports[0]));
	suite_add_tcase(s, tc);
	return s;
}
