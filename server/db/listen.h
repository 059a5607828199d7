/*
 * listen.h — message delivery.  A thread of its own holds a database
 * connection that LISTENs on Keep's channel; on each bell it reads the
 * messages committed since its last read and hands them, in order, to the
 * loop thread.  It reconnects when the connection drops and then reads
 * what it missed.
 */
#ifndef KEEP_LISTEN_H
#define KEEP_LISTEN_H

struct event_base;
struct listen_thread;
struct store_message;

/* Called on the loop thread with the n messages of one read, in order
 * (borrowed). */
typedef void (*listen_cb)(const struct store_message *, size_t n,
    void *arg);

/*
 * Start listening on url (statements bounded by timeout_ms); messages
 * committed from now on go to cb on base's loop thread.  The thread rings
 * the cluster's bell at most once per bell_ms and reads at least once per
 * catchup_ms.
 */
struct listen_thread	*listen_start(struct event_base *, const char *url,
			    int timeout_ms, int bell_ms, int catchup_ms,
			    listen_cb, void *arg);
/* Stop the thread and free everything. */
void			 listen_stop(struct listen_thread *);
/*
 * Any thread, after a COMMIT that wrote messages: wake the listen thread
 * to deliver them here and to ring the bell for the other keepds.  A no-op
 * when no listen thread runs.
 */
void			 listen_bell(void);

#endif
