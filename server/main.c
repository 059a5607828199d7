/*
 * main.c — keepd: with no subcommand it serves; subcommands do ops work.
 *
 *   keepd [serve]            serve telnet (refuses unless the database is
 *                            durable and fully migrated)
 *   keepd migrate            apply pending migrations
 *   keepd load-world [--overwrite]   load the world files (db/world)
 *   keepd role NAME ROLE     set a character's role (player|builder|admin)
 *   keepd world dump DIR     write the world as world files into DIR
 *   keepd check-config       load the configuration and report errors
 *   keepd config-help        describe every configuration key
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/resource.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <sodium.h>

#include "db/listen.h"
#include "db/store_gate_audit.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "db/store.h"
#include "db/store_mod.h"
#include "db/world.h"
#include "db/world_dump.h"
#include "cmd/cmd.h"
#include "cmd/cmd_ops.h"
#include "cmd/dash.h"
#include "cmd/game.h"
#include "cmd/login.h"
#include "cmd/ops_http.h"
#include "cmd/tick.h"
#include "net/session.h"
#include "ops/config.h"
#include "ops/http.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/util.h"

/* Seconds between heartbeats; an instance silent for REAP_SECS is dead. */
#define HEARTBEAT_SECS	10
#define REAP_SECS	30
/* Migrations remembered for /readyz at most. */
#define SERVE_MIGRATIONS_MAX	1024
/* What a SIGTERM tells the players (the `shutdown` command has its own). */
#define SERVE_RESTARTING	"\nThe server is restarting; please reconnect.\n"
/* Microseconds of shutdown_timeout kept back from the stop's tail, so that
 * it ends before the watchdog's bound. */
#define SERVE_TAIL_MARGIN_US	500000

static struct config	 cfg;
static char		 instance[STORE_UUID_LEN + 1];
/* The migrations applied at start-up (equal to the files: preflight). */
static int		 serve_versions[SERVE_MIGRATIONS_MAX];
static int		 serve_nversions;
/* What shutdown is doing, for the watchdog's last words. */
static _Atomic(const char *) shutdown_phase = "draining sessions";

struct serve {
	struct event_base	*base;
	struct pool		*pool;
	struct pool		*login_pool;	/* password checks, hashing */
	struct listen_thread	*bell;		/* the LISTEN thread */
	struct event		*heartbeat_ev;
	struct event		*drain_ev;
	struct event		*sig_term, *sig_int;
	bool			 heartbeat_busy;
	bool			 stopping;
	uint64_t		 stop_started;
	const char		*goodbye;	/* what the stop tells players */
	struct store_gate	*gate;
};

struct heartbeat_job {
	struct job	 job;
	struct serve	*sv;
	bool		 lost;
	/* Playing sessions whose last input changed since the last heartbeat:
	 * character ids and seconds since their last line (store_mod_idle). */
	int64_t		*ids, *ago;
	size_t		 n, cap;
	bool		 idle_failed;
};

/* Print usage and exit. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: keepd [serve | migrate | load-world "
	    "[--overwrite] | role NAME player|builder|admin | world dump DIR | "
	    "check-config | config-help]\n");
	exit(2);
}

/* Open a store for a subcommand, or exit with the reason. */
static struct store *
open_store(const char *app)
{
	char		 err[512];
	struct store	*s;

	if (cfg.database_url[0] == '\0')
		fatal("no database: set DATABASE_URL or database_url in the "
		    "configuration");
	if ((s = store_open(cfg.database_url, app, cfg.statement_timeout_ms,
	    err, sizeof err)) == NULL)
		fatal("%s", err);
	return s;
}

/*
 * Record what this subcommand changes in the audit as source, by the
 * shell's user (keep.actor), or exit: a change must not go unrecorded.
 */
static void
audit_as(struct store *s, const char *source)
{
	const char	*user = getenv("USER");

	if (store_audit_source(s, source, user != NULL && *user != '\0' ?
	    user : "keepd") != STORE_OK)
		fatal("%s: %s", source, store_error(s));
}

/* keepd migrate */
static int
cmd_migrate_main(void)
{
	struct store	*s = open_store("keepd-migrate");
	char		 err[1024];

	if (!migrate_apply(s, cfg.migrations_dir, err, sizeof err)) {
		log_error("migrate: %s", err);
		store_close(s);
		return 1;
	}
	store_close(s);
	return 0;
}

/* keepd load-world [--overwrite] */
static int
cmd_load_world_main(int argc, char **argv)
{
	struct store		*s;
	struct world_counts	 c;
	char			 err[1024];
	bool			 overwrite = false;

	if (argc == 3 && strcmp(argv[2], "--overwrite") == 0)
		overwrite = true;
	else if (argc != 2)
		usage();
	s = open_store("keepd-load-world");
	audit_as(s, "load-world");
	if (!migrate_check(s, cfg.migrations_dir, err, sizeof err)) {
		log_error("load-world: %s", err);
		store_close(s);
		return 1;
	}
	if (!world_load(s, cfg.world_dir, overwrite, &c, err, sizeof err)) {
		log_error("load-world: %s", err);
		store_close(s);
		return 1;
	}
	log_info("load-world: %d files, %d rooms (%d new), %d exits%s",
	    c.files, c.rooms, c.created, c.exits,
	    overwrite ? " (overwritten)" : "");
	store_close(s);
	return 0;
}

/* keepd role NAME ROLE */
static int
cmd_role_main(int argc, char **argv)
{
	struct store	*s;
	enum role	 role;
	int		 rc = 1;

	if (argc != 4)
		usage();
	if (!cmd_role_parse(argv[3], &role)) {
		log_error("role: unknown role \"%s\" (player, builder, "
		    "admin or owner)", argv[3]);
		return 1;
	}
	s = open_store("keepd-role");
	audit_as(s, "cli");
	switch (store_char_set_role(s, argv[2], argv[3])) {
	case STORE_OK:
		log_info("role: %s is now %s", argv[2], argv[3]);
		rc = 0;
		break;
	case STORE_NONE:
		log_error("role: no character named \"%s\"", argv[2]);
		break;
	case STORE_ERR:
		log_error("role: %s", store_error(s));
		break;
	}
	store_close(s);
	return rc;
}

/* keepd world dump DIR */
static int
cmd_world_main(int argc, char **argv)
{
	struct store	*s;
	char		 err[1024];
	int		 files, rc = 1;

	if (argc != 4 || strcmp(argv[2], "dump") != 0)
		usage();
	s = open_store("keepd-world-dump");
	if (!migrate_check(s, cfg.migrations_dir, err, sizeof err))
		log_error("world dump: %s", err);
	else if (!world_dump(s, argv[3], &files, err, sizeof err))
		log_error("world dump: %s", err);
	else {
		log_info("world dump: %d files in %s", files, argv[3]);
		rc = 0;
	}
	store_close(s);
	return rc;
}

/* A random version-4 UUID naming this process. */
static void
make_instance_id(char out[STORE_UUID_LEN + 1])
{
	unsigned char	b[16];

	randombytes_buf(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, STORE_UUID_LEN + 1, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
	    b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
	    b[15]);
}

/* Raise the open-files limit as far as the hard limit allows. */
static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t	old = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			log_info("open files limit raised from %llu to %llu",
			    (unsigned long long)old,
			    (unsigned long long)rl.rlim_cur);
		else {
			log_warn("open files limit stays %llu: %s",
			    (unsigned long long)old, strerror(errno));
			rl.rlim_cur = old;
		}
	} else
		log_info("open files limit is %llu (the hard limit)",
		    (unsigned long long)rl.rlim_cur);
	if ((long long)rl.rlim_cur < (long long)cfg.max_connections + 64)
		log_warn("open files limit %llu is below max_connections %d;"
		    " some connections will be refused",
		    (unsigned long long)rl.rlim_cur, cfg.max_connections);
}

/*
 * Remember the migrations applied (migrate_check has just found them equal
 * to the files), which /readyz compares with the database's.
 */
static bool
serve_remember_migrations(struct store *s)
{
	struct store_migration	*m = xcalloc(SERVE_MIGRATIONS_MAX, sizeof *m);
	int			 n;

	n = store_migrations_applied(s, m, SERVE_MIGRATIONS_MAX);
	if (n < 0)
		log_error("refusing to serve: %s", store_error(s));
	for (int i = 0; i < n && i < SERVE_MIGRATIONS_MAX; i++)
		serve_versions[i] = m[i].version;
	serve_nversions = n < SERVE_MIGRATIONS_MAX ? n : SERVE_MIGRATIONS_MAX;
	free(m);
	return n >= 0;
}

/*
 * Start-up checks on a blocking connection, before the loop runs: the
 * database is durable, fully migrated, has a world; this instance is
 * registered and dead ones are reaped.
 */
static bool
serve_preflight(void)
{
	struct store	*s = open_store("keepd-start");
	char		 err[1024], host[256] = "unknown";
	int		 rooms, exits;
	bool		 start, ok = false;

	if (store_check_durability(s, err, sizeof err) != STORE_OK) {
		log_error("refusing to serve: %s", err);
		goto out;
	}
	if (!migrate_check(s, cfg.migrations_dir, err, sizeof err)) {
		log_error("refusing to serve: %s", err);
		goto out;
	}
	if (!serve_remember_migrations(s))
		goto out;
	if (store_world_counts(s, &rooms, &exits, &start) != STORE_OK) {
		log_error("refusing to serve: %s", store_error(s));
		goto out;
	}
	if (!start) {
		log_error("refusing to serve: the world has no start room "
		    "(run `keepd load-world`)");
		goto out;
	}
	gethostname(host, sizeof host);
	host[sizeof host - 1] = '\0';
	if (!ops_shutdown_preflight(s) ||
	    store_instance_reap(s, REAP_SECS, instance) != STORE_OK ||
	    store_instance_register(s, instance, host, (int)getpid()) !=
	    STORE_OK) {
		log_error("refusing to serve: %s", store_error(s));
		goto out;
	}
	log_info("world: %d rooms, %d exits; instance %s", rooms, exits,
	    instance);
	ok = true;
out:
	store_close(s);
	return ok;
}

/* Worker: refresh this instance's heartbeat and reap dead instances. */
static void
heartbeat_run(struct job *job, struct store *st)
{
	struct heartbeat_job	*j = (struct heartbeat_job *)job;
	char			 host[256] = "unknown";

	switch (store_instance_heartbeat(st, instance)) {
	case STORE_NONE:
		/* Reaped while we stalled: come back. */
		gethostname(host, sizeof host);
		host[sizeof host - 1] = '\0';
		j->lost = true;
		if (store_instance_register(st, instance, host,
		    (int)getpid()) != STORE_OK && !store_unavailable(st))
			log_warn("heartbeat: registering again: %s",
			    store_error(st));
		break;
	case STORE_ERR:
		/* An outage is logged once, by the store. */
		if (!store_unavailable(st))
			log_warn("heartbeat: %s", store_error(st));
		return;
	case STORE_OK:
		break;
	}
	if (store_instance_reap(st, REAP_SECS, instance) != STORE_OK &&
	    !store_unavailable(st))
		log_warn("heartbeat: reaping: %s", store_error(st));
	if (store_mod_idle(st, instance, j->ids, j->ago, j->n) != STORE_OK) {
		j->idle_failed = true;
		if (!store_unavailable(st))
			log_warn("heartbeat: idle times: %s", store_error(st));
	}
}

/* Loop thread: the heartbeat finished. */
static void
heartbeat_done(struct job *job)
{
	struct heartbeat_job	*j = (struct heartbeat_job *)job;
	struct session		*s;

	if (j->lost)
		log_warn("heartbeat: this instance had been reaped as dead; "
		    "re-registered (its sessions must log in again)");
	/* Not written: the next heartbeat tries these sessions again. */
	for (size_t i = 0; j->idle_failed && i < j->n; i++) {
		if ((s = session_find_key(j->ids[i])) != NULL)
			s->last_input_saved = 0;
	}
	j->sv->heartbeat_busy = false;
	free(j->ids);
	free(j->ago);
	free(j);
}

/* session_foreach visitor: a playing session whose last input is not yet
 * recorded goes into the heartbeat's idle times. */
static void
heartbeat_idle_one(struct session *s, void *arg)
{
	struct heartbeat_job	*j = arg;
	uint64_t		 now = util_now_us();

	if (s->key == 0 || s->last_input == s->last_input_saved)
		return;
	if (j->n == j->cap) {
		j->cap = j->cap == 0 ? 16 : j->cap * 2;
		j->ids = xrealloc(j->ids, j->cap * sizeof *j->ids);
		j->ago = xrealloc(j->ago, j->cap * sizeof *j->ago);
	}
	j->ids[j->n] = s->key;
	j->ago[j->n] = now > s->last_input ?
	    (int64_t)((now - s->last_input) / 1000000) : 0;
	j->n++;
	s->last_input_saved = s->last_input;
}

/* Timer: queue a heartbeat unless one is still running. */
static void
heartbeat_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve		*sv = arg;
	struct heartbeat_job	*j;

	(void)fd;
	(void)what;
	if (sv->heartbeat_busy || sv->stopping)
		return;
	j = xcalloc(1, sizeof *j);
	j->job.run = heartbeat_run;
	j->job.done = heartbeat_done;
	j->sv = sv;
	session_foreach(heartbeat_idle_one, j);
	sv->heartbeat_busy = true;
	pool_submit(sv->pool, &j->job);
}

/*
 * The shutdown watchdog: whatever keepd is waiting for (a worker stuck on
 * a database that went silent, a connect that does not return), it exits
 * once shutdown_timeout has passed since the signal, saying why.
 */
static void *
shutdown_watchdog_main(void *arg)
{
	struct timespec	ts = { *(int *)arg, 0 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	log_error("shutdown: not done after %d s (shutdown_timeout) while %s;"
	    " exiting now", *(int *)arg, atomic_load(&shutdown_phase));
	_exit(1);
}

/* Start the watchdog thread. */
static void
shutdown_watchdog_start(void)
{
	static int	secs;
	pthread_t	t;

	secs = cfg.shutdown_timeout;
	if (pthread_create(&t, NULL, shutdown_watchdog_main, &secs) != 0)
		fatal("cannot start the shutdown watchdog");
	pthread_detach(t);
}

/*
 * Shutdown: wait until in-flight commands have answered, the goodbyes are
 * out and the logouts are done, for two thirds of shutdown_timeout; the
 * rest is for stopping the workers and deregistering.
 */
static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve	*sv = arg;
	struct timeval	 tv = { 0, 50 * 1000 }, flush = { 0, 200 * 1000 };
	uint64_t	 bound = (uint64_t)cfg.shutdown_timeout * 2000000 / 3;
	size_t		 busy;

	(void)fd;
	(void)what;
	busy = pool_busy(sv->pool) + pool_busy(sv->login_pool);
	if (busy == 0 && session_count() == 0) {
		event_base_loopexit(sv->base, NULL);
		return;
	}
	if (util_now_us() - sv->stop_started > bound) {
		log_warn("shutdown: %zu jobs and %d sessions still open after "
		    "%llu ms; closing them", busy, session_count(),
		    (unsigned long long)bound / 1000);
		session_close_all(sv->goodbye);
		/* A moment for the goodbyes to reach the sockets. */
		event_base_loopexit(sv->base, &flush);
		return;
	}
	evtimer_add(sv->drain_ev, &tv);
}

/*
 * Stop: stop accepting and reading input, let the commands in flight
 * finish and write their replies, say goodbye, drain, exit the loop.
 */
static void
serve_stop(struct serve *sv, const char *goodbye)
{
	sv->stopping = true;
	sv->stop_started = util_now_us();
	sv->goodbye = goodbye;
	http_set_draining(true);
	shutdown_watchdog_start();
	tick_stop();
	ops_shutdown_watch_stop();
	session_shutdown(goodbye);
	drain_cb(-1, 0, sv);
}

/* SIGTERM/SIGINT: the clean stop; a second signal breaks the loop. */
static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct serve	*sv = arg;

	(void)what;
	if (sv->stopping) {
		log_warn("second signal: exiting without draining");
		event_base_loopbreak(sv->base);
		return;
	}
	log_info("signal %d: draining (at most %d s)", (int)sig,
	    cfg.shutdown_timeout);
	serve_stop(sv, SERVE_RESTARTING);
}

/* The scheduled shutdown's time has come (the `shutdown` command). */
static void
scheduled_stop(void *arg)
{
	struct serve	*sv = arg;

	if (sv->stopping)
		return;
	log_info("scheduled shutdown: shutting down (at most %d s)",
	    cfg.shutdown_timeout);
	serve_stop(sv, OPS_SHUTDOWN_GOODBYE);
}

/*
 * The stop's tail, on a thread of its own: stop the workers (the logouts
 * queued by the drain run first), the listen thread, and deregister.
 * Each may wait on a database that went silent.
 */
static void *
serve_tail_main(void *arg)
{
	struct serve	*sv = arg;
	struct store	*s;
	char		 err[1024];

	atomic_store(&shutdown_phase, "stopping the workers");
	pool_destroy(sv->login_pool);
	pool_destroy(sv->pool);
	store_gate_free(sv->gate);
	atomic_store(&shutdown_phase, "stopping the listen thread");
	listen_stop(sv->bell);
	/* The loop has stopped: blocking calls are fine now.  Without a
	 * database the row stays; another instance reaps it. */
	atomic_store(&shutdown_phase, "deregistering the instance");
	if ((s = store_open(cfg.database_url, "keepd-stop",
	    cfg.statement_timeout_ms, err, sizeof err)) == NULL)
		log_warn("could not deregister: %s", err);
	else {
		if (store_instance_remove(s, instance) != STORE_OK)
			log_warn("could not deregister: %s", store_error(s));
		store_close(s);
	}
	atomic_store(&shutdown_phase, "done");
	return NULL;
}

/*
 * Run the stop's tail within shutdown_timeout of the signal (less a
 * margin).  When the database is silent the tail cannot finish in time;
 * the drain is over all the same (every session closed, nothing
 * acknowledged is lost, the instance row is reaped by another keepd), so
 * keepd exits 0 without waiting for it.  The watchdog stays the last
 * resort for a loop that never ends.
 */
static void
serve_finish(struct serve *sv)
{
	uint64_t	start = sv->stopping ? sv->stop_started : util_now_us();
	uint64_t	bound = (uint64_t)cfg.shutdown_timeout * 1000000;
	uint64_t	end = start + bound - SERVE_TAIL_MARGIN_US;
	struct timespec	ts;
	pthread_t	t;
	int		rc;

	if (pthread_create(&t, NULL, serve_tail_main, sv) != 0)
		fatal("cannot start the shutdown thread");
	clock_gettime(CLOCK_REALTIME, &ts);
	if (end > util_now_us()) {
		uint64_t	left = end - util_now_us();

		ts.tv_sec += (time_t)(left / 1000000);
		ts.tv_nsec += (long)(left % 1000000) * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
	}
	if ((rc = pthread_timedjoin_np(t, NULL, &ts)) == 0)
		return;
	log_warn("shutdown: the database did not answer in time while %s; "
	    "stopping without it", atomic_load(&shutdown_phase));
	log_info("keepd stopped");
	fflush(NULL);
	_exit(0);
}

/* Name the command rows and ticker tasks for the metrics. */
static void
serve_metrics_init(void)
{
	static const char	*cmds[256], *tasks[16];
	const struct cmd_entry	*rows;
	int			 nrows;
	size_t			 n = 0, nt;

	/* In the table's order: a row's slot is its cmd_index(). */
	rows = cmd_table(&nrows);
	while (n < (size_t)nrows && n < nitems(cmds)) {
		cmds[n] = rows[n].name;
		n++;
	}
	tick_task_names(tasks, nitems(tasks), &nt);
	metrics_init(cmds, n, tasks, nt);
}

/* keepd serve */
static int
cmd_serve_main(void)
{
	struct serve		 sv = { 0 };
	struct timeval		 hb = { HEARTBEAT_SECS, 0 };
	char			 err[1024];
	struct store_gate	*gate;

	if (cfg.database_url[0] == '\0')
		fatal("no database: set DATABASE_URL or database_url in the "
		    "configuration");
	make_instance_id(instance);
	if (!serve_preflight())
		return 1;
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	evthread_use_pthreads();
	sv.base = event_base_new();
	/* Both pools behind one gate: an outage is probed and logged once. */
	gate = sv.gate = store_gate_new(cfg.in_doubt_wait_ms);
	if ((sv.pool = pool_create(sv.base, cfg.database_url, cfg.workers,
	    cfg.statement_timeout_ms, gate, err, sizeof err)) == NULL)
		fatal("%s", err);
	if ((sv.login_pool = pool_create(sv.base, cfg.database_url,
	    cfg.login_workers, cfg.statement_timeout_ms, gate, err,
	    sizeof err)) == NULL)
		fatal("%s", err);
	pool_set_metrics(sv.pool, METRICS_POOL_GAME);
	pool_set_metrics(sv.login_pool, METRICS_POOL_LOGIN);
	serve_metrics_init();
	game_init(&cfg, sv.pool, instance);
	login_set_hash_pool(sv.login_pool);
	if (!session_listen(sv.base, &cfg, &game_session_cbs))
		return 1;
	if (!http_start(sv.base, &cfg))
		return 1;
	ops_http_start(sv.base, sv.pool, sv.login_pool, serve_versions,
	    serve_nversions);
	dash_start(sv.base, &cfg, sv.pool, sv.login_pool);
	sv.bell = listen_start(sv.base, cfg.database_url,
	    cfg.statement_timeout_ms, cfg.message_bell_ms,
	    cfg.message_catchup_ms, game_deliver, NULL);
	sv.heartbeat_ev = event_new(sv.base, -1, EV_PERSIST, heartbeat_cb,
	    &sv);
	event_add(sv.heartbeat_ev, &hb);
	tick_start(sv.base, sv.pool, &cfg);
	ops_shutdown_watch_start(sv.base, sv.pool, scheduled_stop, &sv);
	sv.drain_ev = evtimer_new(sv.base, drain_cb, &sv);
	sv.sig_term = evsignal_new(sv.base, SIGTERM, signal_cb, &sv);
	sv.sig_int = evsignal_new(sv.base, SIGINT, signal_cb, &sv);
	event_add(sv.sig_term, NULL);
	event_add(sv.sig_int, NULL);
	log_info("keepd serving with %d workers and %d login workers",
	    cfg.workers, cfg.login_workers);
	event_base_dispatch(sv.base);

	session_stop_listening();
	ops_http_stop();
	http_stop();
	serve_finish(&sv);
	dash_stop();
	event_free(sv.heartbeat_ev);
	event_free(sv.drain_ev);
	event_free(sv.sig_term);
	event_free(sv.sig_int);
	event_base_free(sv.base);
	log_info("keepd stopped");
	return 0;
}

/* Load configuration, set up logging and libsodium, run a subcommand. */
int
main(int argc, char **argv)
{
	const char	*sub = argc > 1 ? argv[1] : "serve";
	char		 err[1024];
	int		 rc;

	if (strcmp(sub, "config-help") == 0) {
		config_print_help(stdout);
		return 0;
	}
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
	    strcmp(sub, "help") == 0)
		usage();
	if (!config_load(&cfg, NULL, err, sizeof err)) {
		fprintf(stderr, "keepd: configuration error: %s\n", err);
		return 1;
	}
	(void)log_set_level(cfg.log_level);
	(void)log_set_format(cfg.log_format);
	log_hook_libevent();
	if (sodium_init() < 0)
		fatal("libsodium failed to initialise");
	if (strcmp(sub, "serve") == 0)
		rc = cmd_serve_main();
	else if (strcmp(sub, "migrate") == 0)
		rc = cmd_migrate_main();
	else if (strcmp(sub, "load-world") == 0)
		rc = cmd_load_world_main(argc, argv);
	else if (strcmp(sub, "role") == 0)
		rc = cmd_role_main(argc, argv);
	else if (strcmp(sub, "world") == 0)
		rc = cmd_world_main(argc, argv);
	else if (strcmp(sub, "check-config") == 0) {
		printf("configuration OK\n");
		rc = 0;
	} else
		usage();
	config_free(&cfg);
	return rc;
}
