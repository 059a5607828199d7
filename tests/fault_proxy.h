/*
 * fault_proxy.h — a fault-injecting TCP proxy for tests: it listens on
 * 127.0.0.1 and forwards each connection to the test cluster's Unix socket,
 * so keepd can be given a database on the other side of a network that the
 * test can make go silent or reset.
 */
#ifndef KEEP_FAULT_PROXY_H
#define KEEP_FAULT_PROXY_H

#include <stddef.h>

/* What the proxy does to the traffic. */
enum fault_mode {
	FAULT_PASS,	/* forward both ways */
	FAULT_SILENT,	/* keep sockets open, forward nothing, drop what
			 * arrives: packets dropped, no RST */
	FAULT_RESET,	/* close every connection, refuse new ones */
	FAULT_SILENT_AT_COMMIT	/* pass until a client sends bytes holding
				 * "COMMIT"; drop them and go FAULT_SILENT */
};

struct fault_proxy;

/* Start a proxy to the Unix socket at path on a free port of 127.0.0.1. */
struct fault_proxy	*fault_proxy_start(const char *path);
/* The port the proxy listens on. */
int			 fault_proxy_port(const struct fault_proxy *);
/* Change what the proxy does from now on. */
void			 fault_proxy_set(struct fault_proxy *, enum fault_mode);
/* Connections accepted so far. */
long			 fault_proxy_accepted(const struct fault_proxy *);
/* Stop the thread, close every socket, free the proxy. */
void			 fault_proxy_stop(struct fault_proxy *);

#endif
