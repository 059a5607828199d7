/*
 * proxy.h — the PROXY protocol, version 1 (HAProxy's proxy-protocol.txt):
 * the one text line a trusted load balancer sends before the client's
 * bytes, naming the client's address.  Pure parsing, no I/O, so it can be
 * unit-tested; session_proxy.c reads the line off the socket.
 */
#ifndef KEEP_PROXY_H
#define KEEP_PROXY_H

#include <stdbool.h>
#include <stddef.h>

/* The longest v1 header, "PROXY TCP6 " ... "\r\n" included (the spec's
 * 107 bytes). */
#define PROXY_V1_MAX	107

enum proxy_rc {
	PROXY_MORE,	/* no CR LF yet, and what came is a valid start */
	PROXY_OK,	/* a TCP4/TCP6 header: host is the source address */
	PROXY_UNKNOWN,	/* "PROXY UNKNOWN...": keep the proxy's address */
	PROXY_BAD,	/* not a v1 header, or longer than PROXY_V1_MAX */
};

/*
 * Look at the first len bytes received (buf need not be NUL-terminated).
 * On PROXY_OK and PROXY_UNKNOWN *used is the header's length, CR LF
 * included (bytes after it are the client's); on PROXY_OK host (capacity
 * hostsz, at least 46) gets the source address in its usual text form.
 */
enum proxy_rc	proxy_parse(const char *buf, size_t len, size_t *used,
		    char *host, size_t hostsz);

#endif
