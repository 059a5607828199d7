/*
 * listen.h — the LISTEN connection.  A thread of its own holds a database
 * connection that LISTENs on Keep's channel and hands each notification's
 * payload to the loop thread.  It reconnects when the connection drops.
 */
#ifndef KEEP_LISTEN_H
#define KEEP_LISTEN_H

struct event_base;
struct listener;

/* Called on the loop thread with each payload (a JSON text). */
typedef void (*listen_cb)(const char *payload, void *arg);

/* Start listening on url; notifications go to cb on base's loop thread. */
struct listener	*listen_start(struct event_base *, const char *url,
		    listen_cb, void *arg);
/* Whether the connection is up and LISTENing (for health checks). */
int		 listen_connected(struct listener *);
/* Stop the thread and free everything. */
void		 listen_stop(struct listener *);

#endif
