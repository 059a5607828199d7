/*
 * session_int.h — what session.c, session_output.c and session_input.c
 * share and nobody else sees.
 */
#ifndef KEEP_SESSION_INT_H
#define KEEP_SESSION_INT_H

#include "net/session.h"

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

/* Raw bytes for the peer, within the output bound (session_output.c). */
void	session_send_raw(struct session *, const void *, size_t);

#endif
