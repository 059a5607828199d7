/*
 * fault.h — what the fault and crash tests share: control of the test
 * cluster (stop, crash, start, kill its backends), the CPU time of a
 * process, and a coin load: pairs of players in the Village Square, each
 * giver paying 1 coin at a time to its own sink, counting every answer.
 */
#ifndef KEEP_FAULT_H
#define KEEP_FAULT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "keep_test.h"

/* What a command gets while the database is out of reach, and a login. */
#define FAULT_OUTAGE	"The world is out of reach for a moment; nothing you" \
			" did was lost. Try again shortly."
/* A command that did not happen because the database went away in it. */
#define FAULT_ABORTED	"That did not happen: the world went out of reach" \
			" before it was saved. Nothing changed."
/* A COMMIT whose fate keepd could not learn. */
#define FAULT_IN_DOUBT	"it may or may not have happened"
#define FAULT_LOGIN_OUTAGE "Keep cannot reach its world right now; please" \
			" come back in a minute."

/* Stop the test cluster: mode "fast", "immediate" (a crash) or "smart". */
void		 pg_stop(const char *mode);
/* Start the test cluster; returns now_ms() when it accepted connections. */
long long	 pg_start(void);
/* pg_start, also reading watch's CPU time (ms) into *cpu at that moment. */
long long	 pg_start_watch(pid_t watch, long long *cpu);
/* Start the test cluster if a failed test left it down (a fixture). */
void		 pg_ensure_up(void);
/* Whether the test cluster accepts connections right now. */
bool		 pg_accepting(void);
/* Terminate every backend of the test database but the caller's; count. */
long long	 pg_kill_backends(void);
/* The path of the test cluster's Unix socket (.s.PGSQL.PORT). */
void		 pg_socket_path(char *out, size_t outsz);
/* A TCP URL for the test database through 127.0.0.1:port. */
void		 pg_tcp_url(char *out, size_t outsz, int port);

/* CPU time (user + system) the process has used, in ms. */
long long	 proc_cpu_ms(pid_t);

/* One giver paying its own sink 1 coin at a time. */
struct load_pair {
	pthread_t	 thread;
	struct load	*load;
	struct client	*giver, *sink;
	char		 gname[17], sname[17];
	long		 sent;		/* give lines sent */
	long		 confirmed;	/* "You give 1 coin to S." received */
	long		 told;		/* "G gives you 1 coin." received by S */
	long		 outage;	/* FAULT_OUTAGE and FAULT_ABORTED */
	long		 doubt;		/* FAULT_IN_DOUBT answers */
	long		 other;		/* answers that were neither */
	bool		 unanswered;	/* the last line got no answer */
	long long	 max_wait;	/* longest wait for an answer, ms */
	long long	 first_ok;	/* first confirmation after load->mark */
	int32_t		 room;		/* the pair's own room (items) */
	bool		 token_floor;	/* the token was last confirmed dropped */
	bool		 token_doubt;	/* an item command's fate is unknown */
	bool		 item_turn_done;	/* the next line is a gift */
	bool		 unanswered_item; /* an item line got no answer */
	char		 sample[256];	/* the first "other" answer */
};

/* A coin load on one keepd. */
struct load {
	int			 n;
	struct load_pair	*pairs;
	int			 answer_ms;	/* no answer within: silence */
	int			 pace_ms;	/* pause after a refusal */
	atomic_bool		 stop;
	atomic_llong		 mark;		/* first_ok counts from here */
	long long		 rich;		/* a giver's coins at the start */
	bool			 items;		/* drop and get a token too */
};

/* n pairs of fresh players (names starting with tag) on keepd's port;
 * with items, each pair alone in a room, the giver dropping and picking
 * up a token between gifts. */
void		 load_open(struct load *, int port, int n, const char *tag,
		    bool items);
/* Start the givers. */
void		 load_go(struct load *);
/* From now on, record each giver's first confirmation. */
void		 load_mark(struct load *);
/* The earliest confirmation since load_mark, or 0 if none yet. */
long long	 load_first_ok(struct load *);
/* Stop the givers and read what the sinks were told (to EOF if gone). */
void		 load_halt(struct load *, bool keepd_gone);
/* Confirmations so far (racy read, for progress checks). */
long		 load_confirmed(struct load *);
/*
 * Check the books: each pair's coins add up, every confirmed gift
 * committed, nothing committed that was not sent; with exact, nothing
 * committed that was not confirmed either, unless its answer never came.
 */
void		 load_check(struct load *, bool exact);
/* Close the clients and free the pairs. */
void		 load_close(struct load *);

/*
 * kill -9 keepd under a load of pairs givers after kill_ms (plus jitter),
 * check the books, start again and play on (tests/e2e/test_crash.c).
 */
void		 crash_run(int pairs, int kill_ms, const char *tag);

#endif
