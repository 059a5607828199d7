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

#include "db_test.h"
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

/* How a command was answered. */
enum load_verdict {
	LOAD_DONE,		/* its confirmation */
	LOAD_REFUSED,		/* it did not happen, and was said so */
	LOAD_DOUBT,		/* it may or may not have happened */
	LOAD_OTHER,		/* an unclear answer */
	LOAD_NONE		/* no answer in time */
};

/* Classify one answer; mine is the command's confirmation. */
static enum load_verdict
load_answer(struct load_pair *p, const char *out, const char *mine,
    bool answered)
{
	long long	mark = atomic_load(&p->load->mark);

	/* A confirmation counts even if the prompt never came. */
	if (strstr(out, mine) != NULL) {
		if (mark != 0 && p->first_ok == 0)
			p->first_ok = now_ms();
		return LOAD_DONE;
	}
	if (!answered)
		return LOAD_NONE;
	if (strstr(out, FAULT_OUTAGE) != NULL ||
	    strstr(out, FAULT_ABORTED) != NULL) {
		p->outage++;
		return LOAD_REFUSED;
	}
	if (strstr(out, FAULT_IN_DOUBT) != NULL)
		return LOAD_DOUBT;
	if (p->other++ == 0)
		snprintf(p->sample, sizeof p->sample, "%s", printable(out));
	return LOAD_OTHER;
}

/*
 * The line to send next: gifts of 1 coin, and with items every other line
 * drops or picks up the pair's token, until its place is in doubt.  The
 * confirmation it expects goes to mine.
 */
static const char *
load_next(struct load_pair *p, bool *item, char *mine, size_t minesz)
{
	static __thread char	line[64];

	*item = p->load->items && !p->token_doubt && p->sent % 2 == 1 &&
	    !p->item_turn_done;
	if (*item) {
		snprintf(mine, minesz, "You %s a token.", p->token_floor ?
		    "get" : "drop");
		return p->token_floor ? "get token" : "drop token";
	}
	snprintf(line, sizeof line, "give 1 coin to %s", p->sname);
	snprintf(mine, minesz, "You give 1 coin to %s.", p->sname);
	return line;
}

/* Book one answer: coins confirmed, the token's place, doubts. */
static void
load_book(struct load_pair *p, bool item, enum load_verdict v)
{
	if (!item) {
		p->sent++;
		p->item_turn_done = false;
		if (v == LOAD_DONE)
			p->confirmed++;
		else if (v == LOAD_DOUBT)
			p->doubt++;
		else if (v == LOAD_NONE)
			p->unanswered = true;
		return;
	}
	p->item_turn_done = true;
	if (v == LOAD_DONE)
		p->token_floor = !p->token_floor;
	else if (v == LOAD_DOUBT || v == LOAD_NONE)
		p->token_doubt = true;
	if (v == LOAD_NONE)
		p->unanswered_item = true;
}

/* Giver thread: give 1 coin at a time until stopped or met by silence. */
static void *
load_giver_main(void *arg)
{
	struct load_pair	*p = arg;
	struct load		*l = p->load;
	char			*out = malloc(65536);
	char			 mine[64];

	if (out == NULL)
		return NULL;
	while (!atomic_load(&l->stop)) {
		long long		 start = now_ms(), waited;
		bool			 ok, item;
		const char		*line = load_next(p, &item, mine,
					    sizeof mine);
		enum load_verdict	 v;

		client_send(p->giver, line);
		ok = client_expect(p->giver, PROMPT, l->answer_ms, out, 65536);
		waited = now_ms() - start;
		if (waited > p->max_wait)
			p->max_wait = waited;
		v = load_answer(p, out, mine, ok);
		load_book(p, item, v);
		load_sink_read(p, false);
		if (!ok)
			break;
		if (v != LOAD_DONE && l->pace_ms > 0)
			usleep((useconds_t)(l->pace_ms / 2 +
			    rand() % (l->pace_ms + 1)) * 1000);
	}
	free(out);
	return NULL;
}

/* Give the pair a room of its own and the giver a token to drop and get. */
static void
load_items(struct load_pair *p)
{
	test_sql("INSERT INTO areas (id, name) VALUES ('faulttest', 'Fault"
	    " tests') ON CONFLICT DO NOTHING;"
	    "INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, weight) VALUES ('fault_token', 'a token',"
	    " 'token', 'A token lies here.', 'A plain brass token.', 'misc',"
	    " 0) ON CONFLICT DO NOTHING");
	p->room = sql_room("faulttest", "A Counting Room", "Bare walls.");
	sqlf("UPDATE characters SET room_id = %d WHERE name IN ('%s', '%s')",
	    p->room, p->gname, p->sname);
	sqlf("INSERT INTO items (proto_id, carrier_id) SELECT 'fault_token',"
	    " id FROM characters WHERE name = '%s'", p->gname);
}

/* Each pair's token exists once, and is where its last answer put it. */
static void
load_check_items(struct load *l, int i)
{
	struct load_pair	*p = &l->pairs[i];
	long long		 n, floor;

	n = sqlv("SELECT count(*) FROM items WHERE proto_id = 'fault_token'"
	    " AND (room_id = %d OR carrier_id IN (SELECT id FROM characters"
	    " WHERE name IN ('%s', '%s')))", p->room, p->gname, p->sname);
	ck_assert_msg(n == 1, "pair %d: %lld tokens", i, n);
	floor = sqlv("SELECT count(*) FROM items WHERE proto_id ="
	    " 'fault_token' AND room_id = %d", p->room);
	if (!p->token_doubt)
		ck_assert_msg(floor == (p->token_floor ? 1 : 0), "pair %d: the"
		    " token was confirmed %s but is %s", i, p->token_floor ?
		    "dropped" : "picked up", floor ? "on the floor" :
		    "carried");
}

/* n pairs of fresh players in the Village Square (with items, each pair
 * in a room of its own, its giver carrying a token). */
void
load_open(struct load *l, int port, int n, const char *tag, bool items)
{
	char	gp[9], sp[9];

	memset(l, 0, sizeof *l);
	l->n = n;
	l->items = items;
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
		if (items)
			load_items(p);
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
		if (l->items)
			load_check_items(l, i);
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
