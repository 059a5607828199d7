/*
 * session.h — one telnet connection: its socket, telnet state, bounded input
 * queue, output, timers, and one pointer for the layer above (the login
 * dialog's state, which net/ never looks into).  This is all the state the
 * process keeps about a player (DESIGN.md rule 2); the character itself
 * lives in the database.
 *
 * Sessions are referred to by id from jobs and notifications, never by
 * pointer across a wait, so a disconnect during a transaction is harmless:
 * the job's result finds no session and is dropped.
 */
#ifndef KEEP_SESSION_H
#define KEEP_SESSION_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "net/color.h"
#include "net/limit.h"
#include "net/telnet.h"

struct bufferevent;
struct event;
struct event_base;
struct config;
struct session_proto;

/*
 * What negotiation learned about the client (TTYPE/MTTS, NAWS, CHARSET,
 * GMCP's Core.Hello).  All zero/false until the client says otherwise: a
 * client that ignores every offer is a plain telnet.
 */
struct session_caps {
	char		 client[65];	/* first TTYPE answer, or Core.Hello */
	char		 term[65];	/* the terminal type, if sent */
	unsigned	 mtts;		/* MTTS bit vector (0: none sent) */
	bool		 ansi;		/* can show 16 colours */
	bool		 xterm256;	/* can show xterm-256 colours */
	bool		 truecolor;
	bool		 utf8;		/* MTTS UTF-8 bit or CHARSET accepted */
	bool		 screenreader;	/* MTTS screen-reader bit */
	int		 width;		/* NAWS columns; 0 unknown */
	int		 height;	/* NAWS rows; 0 unknown */
	bool		 gmcp;		/* GMCP agreed (the client's DO) */
	bool		 mccp2;		/* output compressed (MCCP2) */
	bool		 eor;		/* prompts end in IAC EOR */
};

/* A queued input line and when it arrived (util_now_us). */
struct session_line {
	char		*text;
	uint64_t	 at;
};

struct session {
	uint64_t		 id;
	struct bufferevent	*bev;
	struct telnet		 telnet;
	char			 peer[64];

	bool			 busy;		/* a job is in flight (only
						 * session_job_start/done) */
	bool			 closing;	/* no more input; free when idle */
	bool			 at_prompt;	/* last output was a prompt */
	bool			 echo_off;	/* we said WILL ECHO */
	bool			 freeing;	/* queued for the deferred free */
	bool			 batched;	/* got text in this notification
						 * batch (session_batch_*) */
	struct session		*batch_next;	/* the batch's next session */

	struct session_line	*queue;		/* lines waiting for busy */
	int			 qhead, qlen;
	/* When the line being handed to the line callback arrived
	 * (util_now_us): a command's latency starts there. */
	uint64_t		 line_at;
	int			 flood_dropped;
	bool			 flood_warned;

	/* Input limits (session_input.c). */
	struct limit_bucket	 rate;		/* command_rate, command_burst */
	int			 rate_refused;	/* over the rate since a pause */
	bool			 rate_warned;
	struct limit_log	 refused;	/* refused lines, for the log */
	uint64_t		 refused_since;	/* util_now_us of the first counted */
	struct event		*refused_timer;	/* the next summary line */

	/* Upper estimate of output not yet delivered: ours and the kernel's. */
	size_t			 out_pending;

	/* The layer above's: its key (the character; 0 for none), by which
	 * session_find_key finds the session, and its state (session_ud). */
	int64_t			 key;
	void			*ud;

	/* When the session last sent an accepted line (util_now_us; at first
	 * its connection): a transport fact, for the layer above's idle time. */
	uint64_t		 last_input;
	/* The layer above's: the last_input it last recorded (0: none). */
	uint64_t		 last_input_saved;

	/* Negotiated client facts, and how text is coloured. */
	struct session_caps	 caps;
	enum color_mode		 color;

	struct event		*login_timer;
	struct event		*close_timer;

	/* Negotiation state and the MCCP2 compressor (net/ only). */
	struct session_proto	*proto;
};

/*
 * What the layer above does with its sessions (net/ knows no game, as
 * libevent's bufferevent_setcb and pgbouncer's sbuf_init know no protocol
 * above them).
 */
struct session_cbs {
	/* A new connection: greet it. */
	void	(*open)(struct session *);
	/* One input line, when no job of the session is in flight. */
	void	(*line)(struct session *, const char *line);
	/* Show the prompt the session is waiting at again. */
	void	(*reprompt)(struct session *);
	/* The session is going away (its socket is gone, no job in flight). */
	void	(*close)(struct session *);
	/* The client asked for MSSP (IAC DO MSSP): answer with
	 * session_mssp_send, now or when the figures are read (may be NULL). */
	void	(*mssp)(struct session *);
	/* Core.Supports.Set/Add enabled a GMCP package the client did not
	 * have: send the current state of what it now wants (may be NULL). */
	void	(*gmcp_ready)(struct session *);
};

/* Use this loop, configuration and callbacks (cbs must outlive them);
 * session_listen does it, a test calls it alone. */
void		 session_init(struct event_base *, const struct config *,
		    const struct session_cbs *cbs);
/* session_init, then accept on the configured address; false (logged) on
 * failure. */
bool		 session_listen(struct event_base *, const struct config *,
		    const struct session_cbs *cbs);
/* A session on a connected socket from host (the listener's accept, or a
 * test's socketpair): the open callback has run. */
struct session	*session_open_fd(int fd, const char *host);
/* Free what session_init made; every session must be gone. */
void		 session_fini(void);
/* Stop accepting new connections. */
void		 session_stop_listening(void);
/* The session with this id (perhaps closing), or NULL if it is gone. */
struct session	*session_find(uint64_t id);
/* The session with this key (the layer above's: a character), or NULL. */
struct session	*session_find_key(int64_t key);
/* Give a session its key; another session holding it loses it. */
void		 session_set_key(struct session *, int64_t key);
/* Forget the session's key (it was taken over elsewhere). */
void		 session_unset_key(struct session *);
/* Attach the layer above's state to a session (NULL to detach). */
void		 session_set_ud(struct session *, void *ud);
/* The layer above's state of a session (NULL until set). */
void		*session_ud(const struct session *);
/* Call fn for every open session. */
void		 session_foreach(void (*fn)(struct session *, void *), void *);
/* Open sessions. */
int		 session_count(void);

/* Queue text for the peer; "\n" becomes CR LF, 0xFF is escaped. */
void		 session_write(struct session *, const char *);
/* vprintf into session_write. */
void		 session_vprintf(struct session *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
/* printf into session_write. */
void		 session_printf(struct session *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Send a prompt ending in IAC GA (or IAC EOR when agreed). */
void		 session_prompt(struct session *, const char *);
/*
 * Text that arrives unasked (a say, an arrival), in batches (the messages
 * one read brought), each on its own line.  For each message,
 * session_batch_message(text) once, then session_batch_text(s) for each
 * recipient (the text is rendered once per colour mode and width and the
 * bytes shared); then session_batch_end() gives each session that got
 * text its prompt once, after all of them.
 */
void		 session_batch_message(const char *text);
void		 session_batch_text(struct session *);
void		 session_batch_end(void);
/* What negotiation learned about the client. */
const struct session_caps *session_caps(const struct session *);
/* How this session's text is coloured from now on (default COLOR_OFF:
 * markup is dropped). */
void		 session_set_color(struct session *, enum color_mode);
/*
 * Whether a GMCP message of this package ("Room.Info") would be sent: GMCP
 * is agreed and the client enabled the package, its parent ("Room") or a
 * grandparent (Core.Supports.*).  Core.* is always wanted.
 */
bool		 session_gmcp_wants(const struct session *, const char *package);
/* Send GMCP "package body" (body compact JSON, a stolen reference; NULL
 * or JSON null: no body) if session_gmcp_wants says so; otherwise just
 * drop body. */
void		 session_gmcp(struct session *, const char *package,
		    json_t *body);
/* Send an MSSP subnegotiation of n name/value pairs (names[i], values[i])
 * if MSSP is agreed. */
void		 session_mssp_send(struct session *, const char *const *names,
		    const char *const *values, size_t n);
/* Turn the client's local echo off (password) or back on. */
void		 session_echo(struct session *, bool off);
/* A job for this session is in flight: its lines wait, it is not freed. */
void		 session_job_start(struct session *);
/* That job finished: run the next queued line, if any (or free a session
 * closed meanwhile). */
void		 session_job_done(struct session *);
/* Show msg (may be NULL), flush, and close; freed once no job is in flight. */
void		 session_close(struct session *, const char *msg);
/* The login dialog finished: stop the login timer. */
void		 session_logged_in(struct session *);
/* Close every session at once, with a message. */
void		 session_close_all(const char *msg);
/* Shutdown: stop accepting and reading; close each session with msg once
 * its command in flight has written its reply. */
void		 session_shutdown(const char *msg);
/* Whether session_shutdown has been called. */
bool		 session_shutting_down(void);

#endif
