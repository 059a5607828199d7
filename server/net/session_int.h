/*
 * session_int.h — what session.c, session_output.c and session_input.c
 * share and nobody else sees.
 */
#ifndef KEEP_SESSION_INT_H
#define KEEP_SESSION_INT_H

#include <zlib.h>

#include <event2/util.h>

#include "net/session.h"

struct sockaddr;

/* GMCP modules a client may enable at once, and the longest name kept. */
#define SESSION_GMCP_MODS	64
#define SESSION_GMCP_NAME	64
/* TTYPE requests at most sent (the b.3 stop rule). */
#define SESSION_TTYPE_MAX	4

/* What negotiation remembers beyond struct session_caps (session_proto.c),
 * and the MCCP2 compressor (session_output.c). */
struct session_proto {
	int		 ttype_sent;	/* SB TTYPE SEND requests so far */
	bool		 ttype_done;	/* the stop rule held */
	char		 ttype_first[65];
	char		 ttype_prev[65];
	bool		 charset_sent;	/* our REQUEST went out */
	bool		 charset_utf8;	/* the client accepted UTF-8 */
	int		 nmods;		/* GMCP modules enabled (lower case) */
	char		(*mods)[SESSION_GMCP_NAME];	/* SESSION_GMCP_MODS
					 * of them, allocated at the first
					 * Core.Supports (NULL until then) */
	bool		 z_on;		/* output goes through z */
	z_stream	 z;
};

/* The loop, configuration and callbacks of session_init. */
extern struct event_base		*session_base;
extern const struct config		*session_cfg;
extern const struct session_cbs		*session_cb;

/* A line event (LINE, LINE_TOO_LONG, LINE_NUL): refuse it or queue it. */
void	session_input_line(struct session *, const struct telnet_event *);
/* Count a refused line and log it, or leave it to the next summary. */
void	session_input_refused(struct session *, enum limit_reason,
	    const char *, ...) __attribute__((format(printf, 3, 4)));
/* The session is closing: log the last summary, stop its timer. */
void	session_input_end(struct session *);

/* Queue one input line, or refuse it when the client floods (session.c). */
void	session_enqueue(struct session *, const char *);
/* A line was refused: prompt again, unless a reply still will. */
void	session_reprompt(struct session *);
/* Close the socket now, dropping unsent output; free the session (the
 * close callback) once no job is in flight. */
void	session_release(struct session *);

/*
 * A connection whose client is host (the header's address, if it came
 * through a trusted proxy; via names the proxy, else NULL): refuse it if
 * host has max_connections_per_address already, else open its session and
 * feed it the len bytes at data that came after the PROXY header.
 */
void	session_admit(evutil_socket_t fd, const char *host, const char *via,
	    const void *data, size_t len);
/* A new connection from sa (text host): true if it is a trusted proxy's
 * and now waits for its PROXY header (session_proxy.c); false: direct. */
bool	session_proxy_accept(evutil_socket_t fd, const struct sockaddr *sa,
	    const char *host);
/* Connections waiting for their PROXY header. */
int	session_proxy_pending(void);
/* Close every connection still waiting for its PROXY header. */
void	session_proxy_close_all(void);

/* Raw bytes for the peer, within the output bound (session_output.c);
 * compressed and flushed (Z_SYNC_FLUSH) once MCCP2 is on. */
void	session_send_raw(struct session *, const void *, size_t);
/* MCCP2: flush what is queued plain, send IAC SB 86 IAC SE and start the
 * zlib stream in the same buffer; false (logged) if zlib fails. */
bool	session_mccp_start(struct session *);
/* MCCP2: end the stream (Z_FINISH, its bytes queued if finish) and free
 * the compressor; output is plain again. */
void	session_mccp_end(struct session *, bool finish);

/* Negotiation (session_proto.c): allocate the state and send the offers
 * (telnet_offers), an option turned on/off (or asked for again), a
 * subnegotiation, the end. */
void	session_proto_open(struct session *);
void	session_proto_option(struct session *, const struct telnet_event *);
void	session_proto_subneg(struct session *, const struct telnet_event *);
void	session_proto_free(struct session *);

#endif
