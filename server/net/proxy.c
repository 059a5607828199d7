/*
 * proxy.c — parsing a PROXY protocol v1 header (proxy.h):
 *
 *	"PROXY TCP4 203.0.113.7 10.0.0.1 51234 4000\r\n"
 *	"PROXY TCP6 2001:db8::1 2001:db8::2 51234 4000\r\n"
 *	"PROXY UNKNOWN\r\n" (anything may follow UNKNOWN up to the CR LF)
 *
 * Single spaces, addresses in the family's text form, ports 0..65535 in
 * decimal without leading zeros: anything else is refused, as HAProxy's
 * own receiver does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "net/proxy.h"
#include "ops/util.h"

/* Whether word is a port: 1..5 digits, no leading zero, at most 65535. */
static bool
proxy_port(const char *word)
{
	size_t	n = strlen(word);

	if (n == 0 || n > 5 || word[strspn(word, "0123456789")] != '\0')
		return false;
	if (n > 1 && word[0] == '0')
		return false;
	return atol(word) <= 65535;
}

/* Parse the header line (no CR LF, NUL-terminated) of a TCP4/TCP6 header
 * after "PROXY "; the source address into host. */
static enum proxy_rc
proxy_parse_tcp(char *line, char *host, size_t hostsz)
{
	char		*w[5], *save = NULL;
	unsigned char	 addr[16];
	int		 family, n = 0;

	/* Single spaces only: strtok would accept runs of them. */
	if (line[0] == ' ' || strstr(line, "  ") != NULL ||
	    line[strlen(line) - 1] == ' ')
		return PROXY_BAD;
	for (char *p = strtok_r(line, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save)) {
		if (n == 5)
			return PROXY_BAD;
		w[n++] = p;
	}
	if (n != 5)
		return PROXY_BAD;
	if (strcmp(w[0], "TCP4") == 0)
		family = AF_INET;
	else if (strcmp(w[0], "TCP6") == 0)
		family = AF_INET6;
	else
		return PROXY_BAD;
	if (inet_pton(family, w[2], addr) != 1 ||
	    inet_pton(family, w[1], addr) != 1)
		return PROXY_BAD;
	if (!proxy_port(w[3]) || !proxy_port(w[4]))
		return PROXY_BAD;
	if (inet_ntop(family, addr, host, (socklen_t)hostsz) == NULL)
		return PROXY_BAD;
	return PROXY_OK;
}

/* The index of the first byte of buf[0..len) that is in set, or len. */
static size_t
proxy_span(const char *buf, size_t len, const char *set)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\0' && strchr(set, buf[i]) != NULL)
			break;
	}
	return i;
}

/* Look at the first len bytes received: a v1 header, not yet, or not. */
enum proxy_rc
proxy_parse(const char *buf, size_t len, size_t *used, char *host,
    size_t hostsz)
{
	static const char	 sig[] = "PROXY ";
	char			 line[PROXY_V1_MAX + 1];
	const char		*crlf;
	size_t			 n;

	n = len < sizeof sig - 1 ? len : sizeof sig - 1;
	if (memcmp(buf, sig, n) != 0)
		return PROXY_BAD;
	n = proxy_span(buf, len, "\r\n");
	crlf = n < len ? buf + n : NULL;
	if (crlf != NULL && *crlf == '\n')
		return PROXY_BAD;	/* a bare LF */
	if (crlf == NULL)
		return len >= PROXY_V1_MAX ? PROXY_BAD : PROXY_MORE;
	n = (size_t)(crlf - buf);
	if (n + 2 > PROXY_V1_MAX)
		return PROXY_BAD;
	if (n + 1 == len)
		return PROXY_MORE;	/* the LF is still on its way */
	if (crlf[1] != '\n' || n < sizeof sig - 1 ||
	    memchr(buf, '\0', n) != NULL)
		return PROXY_BAD;
	*used = n + 2;
	memcpy(line, buf + sizeof sig - 1, n - (sizeof sig - 1));
	line[n - (sizeof sig - 1)] = '\0';
	if (strncmp(line, "UNKNOWN", 7) == 0)
		return PROXY_UNKNOWN;
	if (line[0] == '\0')
		return PROXY_BAD;
	return proxy_parse_tcp(line, host, hostsz);
}
