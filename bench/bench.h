/*
 * bench.h — keep-bench, the load generator for keepd: what its modules
 * share.  One libevent loop drives every bot; a bot is one telnet
 * connection with a fixed-size state (no allocation per command).
 */
#ifndef KEEP_BENCH_H
#define KEEP_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/event_struct.h>

#include "hist.h"
#include "map.h"

/* Command kinds; the order is the order of the report. */
enum kind {
	KIND_LOOK,
	KIND_MOVE,
	KIND_SAY,
	KIND_SCORE,
	KIND_WHO,
	KIND_GIVE,
	KIND_INV,
	KIND_GET,
	KIND_FLEE,	/* not in the mix: sent when a bot is fighting */
	KIND_N,
	KIND_DBSTATS = KIND_N	/* the admin's, never measured */
};

enum mode {
	MODE_CLOSED,
	MODE_OPEN,
	MODE_IDLE
};

/* How far the run is; bots look at it to know whether to send. */
enum phase {
	PHASE_LOGIN,	/* connecting, logging in, walking to start rooms */
	PHASE_WARMUP,	/* the mix runs, nothing is recorded */
	PHASE_SYNC,	/* the admin's first dbstats is out */
	PHASE_MEASURE,	/* the measured window */
	PHASE_DRAIN,	/* no new commands; waiting for the last answers */
	PHASE_SYNC_END,	/* the admin's second dbstats is out */
	PHASE_DONE
};

enum bot_state {
	BOT_IDLE,	/* not started */
	BOT_QUEUED,	/* waiting for the login rate limiter */
	BOT_BACKOFF,	/* waiting before trying to connect again */
	BOT_CONNECTING,
	BOT_LOGIN,	/* in the login dialog */
	BOT_SETUP,	/* logged in, walking to where it starts */
	BOT_READY,	/* waiting for the run to start */
	BOT_RUNNING,
	BOT_GONE	/* failed for good, or closed at the end */
};

/* Flags a line sets in its block (the text between two prompts). */
#define BLK_ROOM	0x00001u	/* "Exits: ": look, move */
#define BLK_SAY		0x00002u
#define BLK_SCORE	0x00004u
#define BLK_WHO		0x00008u
#define BLK_GIVE	0x00010u
#define BLK_INV		0x00020u
#define BLK_GET		0x00040u
#define BLK_FLEE	0x00080u
#define BLK_DBSTATS	0x00100u
#define BLK_REF_MOVE	0x00200u
#define BLK_REF_GIVE	0x00400u
#define BLK_REF_GET	0x00800u
#define BLK_REF_FLEE	0x01000u
#define BLK_FIGHTING	0x02000u
#define BLK_ERROR	0x04000u
#define BLK_BADPW	0x08000u
#define BLK_BADNAME	0x10000u
#define BLK_LEAD_BLANK	0x20000u

/* How a command ended. */
enum outcome {
	OUT_OK,
	OUT_REFUSED,
	OUT_ERROR,
	OUT_TIMEOUT
};

#define BOT_RING	32	/* outstanding commands a bot remembers */
#define BOT_PIPELINE	16	/* in flight at most (keepd queues 20) */
#define BOT_NAMES	8	/* give targets remembered from a look */
#define BOT_LINE	256	/* longer lines are cut (markers start lines) */
#define BOT_TITLE	80
#define BOT_NAME	17
#define BENCH_ROOMS	64
#define BENCH_SLOW	20	/* slowest commands kept for the report */

/* One command on its way: when it left and what it was. */
struct pend {
	uint64_t	t;		/* µs, monotonic */
	uint8_t		kind;
	bool		measured;
};

/* One of the slowest commands of the window, or a stall of the loop. */
struct slow {
	uint64_t	lat;		/* µs */
	uint64_t	sent;		/* µs since the epoch: wall clock */
	uint32_t	bot;		/* index (BENCH_NONE: the loop itself) */
	uint8_t		kind;
	uint8_t		outcome;	/* enum outcome */
};

/* The BENCH_SLOW largest of a stream of values (n in use, min cached). */
struct slowest {
	struct slow	s[BENCH_SLOW];
	int		n;
	int		min;		/* index of the smallest when full */
};

struct bench;

struct bot {
	struct bench		*bench;
	struct bufferevent	*bev;
	struct event		 timer;	/* open-loop pacing, or back-off */
	uint32_t		 idx;
	uint32_t		 qnext;	/* login queue link */
	enum bot_state		 state;
	bool			 admin;
	bool			 ever_in;	/* logged in once this run */
	bool			 settled;	/* counted ready or failed */
	bool			 online;	/* counted in bench.online */
	bool			 must_flee;
	bool			 get_drop;	/* next get kind is a drop */
	bool			 in_room;	/* past an Exits line */
	bool			 in_login;	/* counted in bench.inlogin */
	uint8_t			 attempts;	/* failed tries in a row */
	uint8_t			 name_prompts;	/* on this connection */
	uint8_t			 tstate;	/* telnet parser */
	uint8_t			 exits;		/* bit per direction */
	uint8_t			 setup_left;
	uint8_t			 nnames;
	uint8_t			 head, npend;
	uint16_t		 linelen;
	uint16_t		 blk_lines;
	uint32_t		 blk_flags;
	uint32_t		 blk_seen;	/* names in this look */
	uint64_t		 step_t;	/* login step began */
	uint64_t		 login_t;	/* this login began */
	uint64_t		 due;		/* next open-loop command */
	uint64_t		 rng;
	int32_t			 room, target;	/* crowd mode */
	struct pend		 pend[BOT_RING];
	char			 name[BOT_NAME];
	char			 names[BOT_NAMES][BOT_NAME];
	char			 plain[BOT_TITLE];	/* last title-like */
	char			 first[BOT_TITLE];	/* block's first line */
	char			 line[BOT_LINE];
};

/* Counters of one command kind (or of all). */
struct kind_stats {
	uint64_t	count;		/* answered: ok or refused */
	uint64_t	refused;
	uint64_t	errors;
	uint64_t	timeouts;
	struct hist	h;		/* latency of the answered */
};

/* What one dbstats showed. */
struct db_snap {
	bool		ok;
	bool		table;		/* inside the statement table */
	uint64_t	statements;
	uint64_t	transactions;
	uint64_t	round_trips;
};

struct bench {
	/* Options. */
	const char		*host;
	int			 port;
	int			 nbots;
	int			 active;	/* bots 0..active-1 send */
	bool			 names;		/* --names: print, exit */
	char			 prefix[11];
	const char		*password;
	double			 login_rate;
	int			 login_inflight;	/* logins at once, at most */
	enum mode		 mode;
	double			 rate;
	double			 duration;
	double			 warmup;
	unsigned		 weight[KIND_N];
	unsigned		 wsum;
	int32_t			 rooms[BENCH_ROOMS];
	int			 nrooms;
	const char		*world;
	int			 timeout_ms;
	bool			 json;
	char			 admin_name[BOT_NAME];
	const char		*admin_pw;

	/* The loop. */
	struct event_base	*base;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	struct bot		*bots;		/* nbots, then the admin */
	int			 nall;
	struct bot		*admin;
	struct map		 map;
	struct event		*tick, *sweep, *sigint, *sigterm;
	enum phase		 phase;
	uint64_t		 t0, phase_t, win_start, win_end, login_end;
	uint64_t		 tok_t;
	double			 tokens;
	uint32_t		 qhead, qtail;
	int			 interrupts;
	int			 exit_code;
	uint64_t		 seed;

	/* Counters. */
	int			 online;
	int			 settled;
	int			 inlogin;	/* connecting or logging in */
	uint64_t		 logins, login_failed, reconnects;
	uint64_t		 disconnects, skipped, unexpected, lost;
	uint64_t		 notes;		/* blocks keepd sent unasked */
	uint64_t		 gave_up;	/* bots that stopped trying */
	uint64_t		 connects;	/* connections that opened */
	uint64_t		 connect_fails;
	char			 why[128];	/* the last failure */
	struct hist		 login;
	struct kind_stats	 kinds[KIND_N];
	struct kind_stats	 total;
	struct hist		 ivl;		/* this progress second */
	uint64_t		 ivl_count, ivl_t;
	uint64_t		 all_errors;	/* warm-up included */
	uint64_t		 all_timeouts;
	struct db_snap		 db0, db1, *dbcur;
	bool			 db_refused;	/* no second dbstats */
	struct rusage		 ru0, ru1, ru_end;
	uint64_t		 wall0, mono0;	/* the clocks at start, µs */
	uint64_t		 sweep_t;	/* the last sweep ran */
	struct slowest		 slow;		/* slowest measured commands */
	struct slowest		 stalls;	/* late sweeps in the window */
	char			 samples[3][BOT_TITLE + 16];
	int			 nsamples;
};

#define BENCH_NONE	UINT32_MAX

extern const char *const bench_kind_names[KIND_N];

/* options.c */
/* Read the command line into the bench; exits 2 on a bad option. */
void		options_parse(struct bench *, int argc, char **argv);

/* keep_bench.c */
/* Bot idx's name: the prefix and letters; false if over 16 letters. */
bool		bench_bot_name(const char *prefix, uint32_t idx,
		    char out[BOT_NAME]);
/* Microseconds on the monotonic clock. */
uint64_t	bench_now(void);
/* A random number from a bot's generator. */
uint64_t	bench_rand(uint64_t *state);
/* Put a bot in line for a connection (the login rate limiter). */
void		bench_enqueue(struct bench *, struct bot *);
/* A bot finished logging in and walking: count it ready once. */
void		bench_bot_ready(struct bench *, struct bot *);
/* Whether a bot sends commands (--active): the admin never does. */
bool		bench_active(const struct bench *, const struct bot *);
/* Wall-clock µs since the epoch of a monotonic time. */
uint64_t	bench_wall(const struct bench *, uint64_t mono);
/* Keep v among the BENCH_SLOW largest of s. */
void		bench_slow_add(struct slowest *, const struct slow *v);
/* A bot gave up: count it failed once. */
void		bench_bot_failed(struct bench *, struct bot *, const char *why);
/* Account one command's end (measured ones go into the report). */
void		bench_record(struct bench *, const struct bot *,
		    const struct pend *, uint64_t now, enum outcome);
/* Keep the first few unexpected answers to show at the end. */
void		bench_unexpected(struct bench *, const struct bot *,
		    const char *text);
/* Whether bots should send commands now. */
bool		bench_sending(const struct bench *);
/* Pick a command kind from the mix. */
enum kind	bench_pick(const struct bench *, uint64_t *rng);
/* Whether a room is one of --rooms. */
bool		bench_crowd_room(const struct bench *, int32_t id);
/* The admin's dbstats answer ended (ok or not). */
void		bench_db_done(struct bench *, bool ok);

/* bot_read.c */
/* Forget the parser state of the last connection. */
void		bot_read_reset(struct bot *);
/* Strip telnet from received bytes; hand on lines and blocks. */
void		bot_read_feed(struct bot *, const uint8_t *, size_t);

/* bot.c */
/* A block ended with a prompt (n bytes of prompt text). */
void		bot_block(struct bot *, uint32_t flags, const char *prompt,
		    size_t n);
/* Set a bot up (no connection yet). */
void		bot_init(struct bot *, struct bench *, uint32_t idx,
		    const char *name, bool admin);
/* Open the connection and start the login dialog. */
void		bot_connect(struct bot *);
/* The bot is no longer connecting or logging in (counted once). */
void		bot_login_over(struct bot *);
/* The run started: a ready bot starts sending. */
void		bot_start(struct bot *);
/* Check the bot's deadlines (called ten times a second). */
void		bot_sweep(struct bot *, uint64_t now);
/* Close the connection for good (end of the run). */
void		bot_close(struct bot *);
/* The admin runs dbstats; false if it cannot. */
bool		bot_dbstats(struct bot *);

/* report.c */
/* Print the human report. */
void		report_text(const struct bench *, FILE *);
/* Print the one JSON object. */
void		report_json(const struct bench *, FILE *);

#endif
