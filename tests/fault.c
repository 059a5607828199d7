/*
 * fault.c — cluster control, CPU time and the coin load shared by the
 * fault and crash suites.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include <libpq-fe.h>

#include "fault.h"

/* The value of key (e.g. "host=") in the test database's URL. */
static void
pg_url_param(const char *key, char *out, size_t outsz)
{
	const char	*url = test_db_url(), *p = strstr(url, key);
	size_t		 n;

	ck_assert_msg(p != NULL, "no %s in DATABASE_URL %s", key, url);
	p += strlen(key);
	n = strcspn(p, "&");
	ck_assert(n < outsz);
	memcpy(out, p, n);
	out[n] = '\0';
}

/* The test database's name: the URL's path (postgresql:///NAME?...). */
static void
pg_db_name(char *out, size_t outsz)
{
	const char	*url = test_db_url(), *p = strstr(url, ":///");
	size_t		 n;

	ck_assert_msg(p != NULL, "DATABASE_URL %s has no database path", url);
	p += 4;
	n = strcspn(p, "?");
	ck_assert(n < outsz);
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Run db/pg.sh with the test cluster's directory; abort if it fails. */
static void
pg_sh(const char *cmd, const char *arg, const char *arg2)
{
	const char	*dir = getenv("KEEP_TEST_PG_DIR");
	pid_t		 pid;
	int		 status;

	ck_assert_msg(dir != NULL, "KEEP_TEST_PG_DIR must name the test "
	    "cluster (run via make test)");
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "db/pg.sh", cmd, dir, arg, arg2,
		    (char *)NULL);
		_exit(127);
	}
	ck_assert(waitpid(pid, &status, 0) == pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "db/pg.sh %s %s failed (status %d)", cmd, dir, status);
}

/* Stop the test cluster with a pg_ctl shutdown mode. */
void
pg_stop(const char *mode)
{
	pg_sh("stop", mode, NULL);
}

/* Whether the test cluster accepts connections. */
bool
pg_accepting(void)
{
	return PQping(test_db_url()) == PQPING_OK;
}

/* Start the cluster, watching for the moment it accepts connections. */
long long
pg_start(void)
{
	return pg_start_watch(0, NULL);
}

/* pg_start, also reading watch's CPU time (ms) into *cpu at that moment. */
long long
pg_start_watch(pid_t watch, long long *cpu)
{
	const char	*dir = getenv("KEEP_TEST_PG_DIR");
	const char	*port = getenv("KEEP_TEST_PG_PORT");
	char		 db[64];
	long long	 ready = 0;
	pid_t		 pid;
	int		 status;

	ck_assert(dir != NULL && port != NULL);
	pg_db_name(db, sizeof db);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int	null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl("/bin/sh", "sh", "db/pg.sh", "start", dir, port, db,
		    (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (ready == 0 && pg_accepting()) {
			ready = now_ms();
			if (cpu != NULL)
				*cpu = proc_cpu_ms(watch);
		}
		usleep(10 * 1000);
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "db/pg.sh start failed (status %d)", status);
	if (ready == 0) {
		ck_assert(pg_accepting());
		ready = now_ms();
		if (cpu != NULL)
			*cpu = proc_cpu_ms(watch);
	}
	return ready;
}

/* Start the cluster if a failed test left it down. */
void
pg_ensure_up(void)
{
	if (!pg_accepting())
		(void)pg_start();
}

/* Terminate every other backend of the test database. */
long long
pg_kill_backends(void)
{
	return sqlv("SELECT count(*) FROM (SELECT pg_terminate_backend(pid)"
	    " FROM pg_stat_activity WHERE datname = current_database()"
	    " AND pid <> pg_backend_pid()) t");
}

/* The Unix socket of the test cluster. */
void
pg_socket_path(char *out, size_t outsz)
{
	char	host[256], port[16];

	pg_url_param("host=", host, sizeof host);
	pg_url_param("port=", port, sizeof port);
	snprintf(out, outsz, "%s/.s.PGSQL.%s", host, port);
}

/* A TCP URL for the test database through 127.0.0.1:port. */
void
pg_tcp_url(char *out, size_t outsz, int port)
{
	char	db[64];

	pg_db_name(db, sizeof db);
	snprintf(out, outsz, "postgresql://keep@127.0.0.1:%d/%s?sslmode="
	    "disable&gssencmode=disable", port, db);
}

/* utime + stime of a process from /proc/PID/stat, in ms. */
long long
proc_cpu_ms(pid_t pid)
{
	char			 path[64], buf[2048], *p;
	unsigned long long	 ut = 0, st = 0;
	FILE			*f;
	size_t			 n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces; the fields follow its ')'. */
	p = strrchr(buf, ')');
	ck_assert(p != NULL);
	ck_assert(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu", &ut, &st) == 2);
	return (long long)(ut + st) * 1000 / sysconf(_SC_CLK_TCK);
}

/* Read what the sink has been sent so far without waiting; count gifts. */
static void
load_sink_read(struct load_pair *p, bool to_eof)
{
	struct client	*c = p->sink;
	char		 told[64];

	snprintf(told, sizeof told, "%s gives you 1 coin.", p->gname);
	for (;;) {
		ssize_t	n;

		if (c->len == sizeof c->buf)
			break;
		n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len,
		    to_eof ? 0 : MSG_DONTWAIT);
		if (n <= 0)
			break;
		c->len += (size_t)n;
	}
	while (client_expect(c, told, 0, NULL, 0))
		p->told++;
	/* Keep only a tail that could hold the start of a gift. */
	if (c->len > 4096) {
		memmove(c->buf, c->buf + c->len - 128, 128);
		c->len = 128;
	}
}

/* Classify one answer. */
static void
load_answer(struct load_pair *p, const char *out, const char *mine,
    bool answered)
{
	long	n = str_count(out, mine);
	long long mark = atomic_load(&p->load->mark);

	/* A confirmation counts even if the prompt never came. */
	p->confirmed += n;
	if (n > 0 && mark != 0 && p->first_ok == 0)
		p->first_ok = now_ms();
	if (!answered || n > 0)
		return;
	if (strstr(out, FAULT_OUTAGE) != NULL ||
	    strstr(out, FAULT_ABORTED) != NULL)
		p->outage++;
	else if (strstr(out, FAULT_IN_DOUBT) != NULL)
		p->doubt++;
	else if (p->other++ == 0)
		snprintf(p->sample, sizeof p->sample, "%s", printable(out));
}

/* Giver thread: give 1 coin at a time until stopped or met by silence. */
static void *
load_giver_main(void *arg)
{
	struct load_pair	*p = arg;
	struct load		*l = p->load;
	char			*out = malloc(65536);
	char			 line[64], mine[64];

	if (out == NULL)
		return NULL;
	snprintf(line, sizeof line, "give 1 coin to %s", p->sname);
	snprintf(mine, sizeof mine, "You give 1 coin to %s.", p->sname);
	while (!atomic_load(&l->stop)) {
		long long	start = now_ms(), waited;
		bool		ok;
		long		before = p->confirmed;

		client_send(p->giver, line);
		p->sent++;
		ok = client_expect(p->giver, PROMPT, l->answer_ms, out, 65536);
		waited = now_ms() - start;
		if (waited > p->max_wait)
			p->max_wait = waited;
		load_answer(p, out, mine, ok);
		load_sink_read(p, false);
		if (!ok) {
			p->unanswered = true;
			break;
		}
		if (p->confirmed == before && l->pace_ms > 0)
			usleep((useconds_t)(l->pace_ms / 2 +
			    rand() % (l->pace_ms + 1)) * 1000);
	}
	free(out);
	return NULL;
}

/* n pairs of fresh players in the Village Square. */
void
load_open(struct load *l, int port, int n, const char *tag)
{
	char	gp[9], sp[9];

	memset(l, 0, sizeof *l);
	l->n = n;
	l->answer_ms = 5000;
	l->rich = 1000000;
	l->pairs = calloc((size_t)n, sizeof *l->pairs);
	ck_assert(l->pairs != NULL);
	snprintf(gp, sizeof gp, "g%s", tag);
	snprintf(sp, sizeof sp, "s%s", tag);
	for (int i = 0; i < n; i++) {
		struct load_pair	*p = &l->pairs[i];

		p->load = l;
		p->giver = calloc(1, sizeof *p->giver);
		p->sink = calloc(1, sizeof *p->sink);
		ck_assert(p->giver != NULL && p->sink != NULL);
		client_player(p->sink, port, p->sname, sp, "durable coins");
		client_player(p->giver, port, p->gname, gp, "durable coins");
		sqlf("UPDATE characters SET coins = %lld WHERE name = '%s'",
		    l->rich, p->gname);
	}
	/* Let the arrival notices settle, so answers are all that is left. */
	for (int i = 0; i < n; i++) {
		client_quiet(l->pairs[i].giver, 50);
		client_quiet(l->pairs[i].sink, 10);
	}
}

/* Start the givers. */
void
load_go(struct load *l)
{
	srand((unsigned)(getpid() ^ (int)now_ms()));
	for (int i = 0; i < l->n; i++)
		ck_assert(pthread_create(&l->pairs[i].thread, NULL,
		    load_giver_main, &l->pairs[i]) == 0);
}

/* Record first confirmations from now on. */
void
load_mark(struct load *l)
{
	for (int i = 0; i < l->n; i++)
		l->pairs[i].first_ok = 0;
	atomic_store(&l->mark, now_ms());
}

/* The earliest confirmation since load_mark (racy read), or 0. */
long long
load_first_ok(struct load *l)
{
	long long	first = 0;

	for (int i = 0; i < l->n; i++) {
		long long	t = ((volatile struct load_pair *)
				    &l->pairs[i])->first_ok;

		if (t != 0 && (first == 0 || t < first))
			first = t;
	}
	return first;
}

/* Confirmations so far. */
long
load_confirmed(struct load *l)
{
	long	n = 0;

	for (int i = 0; i < l->n; i++)
		n += ((volatile struct load_pair *)&l->pairs[i])->confirmed;
	return n;
}

/* Stop the givers and read what the sinks were told (up to EOF when
 * keepd is gone). */
void
load_halt(struct load *l, bool keepd_gone)
{
	atomic_store(&l->stop, true);
	for (int i = 0; i < l->n; i++) {
		pthread_join(l->pairs[i].thread, NULL);
		load_sink_read(&l->pairs[i], keepd_gone);
	}
}

/* Check every pair's books against the database. */
void
load_check(struct load *l, bool exact)
{
	long long	total = 0;

	for (int i = 0; i < l->n; i++) {
		struct load_pair	*p = &l->pairs[i];
		long long		 g, s, committed;

		g = sqlv("SELECT coins FROM characters WHERE name = '%s'",
		    p->gname);
		s = sqlv("SELECT coins FROM characters WHERE name = '%s'",
		    p->sname);
		committed = s - 100;
		ck_assert_msg(g + s == l->rich + 100, "pair %d: %lld + %lld "
		    "coins", i, g, s);
		ck_assert_msg(committed >= p->confirmed, "pair %d: %ld gifts "
		    "confirmed but only %lld committed", i, p->confirmed,
		    committed);
		ck_assert_msg(committed >= p->told, "pair %d: sink told of %ld "
		    "gifts but only %lld committed", i, p->told, committed);
		ck_assert_msg(committed <= p->sent, "pair %d: %lld committed "
		    "but %ld sent", i, committed, p->sent);
		if (exact)
			ck_assert_msg(committed <= p->confirmed + p->doubt +
			    (p->unanswered ? 1 : 0), "pair %d: %lld gifts "
			    "committed but %ld confirmed: a player was told "
			    "a gift did not happen", i, committed,
			    p->confirmed);
		ck_assert_msg(p->other == 0, "pair %d: %ld unclear answers, "
		    "the first: \"%s\"", i, p->other, p->sample);
		total += g + s;
	}
	ck_assert_int_eq(total, l->n * (l->rich + 100));
}

/* Close the clients and free the pairs. */
void
load_close(struct load *l)
{
	for (int i = 0; i < l->n; i++) {
		client_close(l->pairs[i].giver);
		client_close(l->pairs[i].sink);
		free(l->pairs[i].giver);
		free(l->pairs[i].sink);
	}
	free(l->pairs);
	l->pairs = NULL;
}
