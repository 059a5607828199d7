/*
 * cidr.c — parsing and matching lists of IPv4/IPv6 networks (cidr.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ops/cidr.h"

/* The longest item: an IPv6 address and "/128". */
#define CIDR_ITEM_MAX	(INET6_ADDRSTRLEN + 4)

/* Parse one item ("1.2.3.4", "10.0.0.0/8", "fd00::/8") into c. */
static bool
cidr_parse_one(const char *item, struct cidr *c)
{
	char		 addr[CIDR_ITEM_MAX + 1];
	const char	*slash = strchr(item, '/');
	size_t		 len = slash != NULL ? (size_t)(slash - item) :
			    strlen(item);
	int		 max;

	if (len == 0 || len > CIDR_ITEM_MAX)
		return false;
	memcpy(addr, item, len);
	addr[len] = '\0';
	memset(c, 0, sizeof *c);
	if (inet_pton(AF_INET, addr, c->addr) == 1) {
		c->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, c->addr) == 1) {
		c->family = AF_INET6;
		max = 128;
	} else
		return false;
	c->bits = max;
	if (slash != NULL) {
		const char	*p = slash + 1;

		if (*p == '\0' || strlen(p) > 3 ||
		    p[strspn(p, "0123456789")] != '\0')
			return false;
		c->bits = atoi(p);
		if (c->bits > max)
			return false;
	}
	return true;
}

/* Parse a list of networks separated by commas and/or spaces. */
bool
cidr_list_parse(const char *text, struct cidr *out, size_t *n, char *err,
    size_t errsz)
{
	char		 item[CIDR_ITEM_MAX + 2];
	const char	*p = text;
	size_t		 len;

	*n = 0;
	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			return true;
		len = strcspn(p, ", \t");
		snprintf(item, sizeof item, "%.*s", (int)len, p);
		if (len > CIDR_ITEM_MAX || !cidr_parse_one(item, &out[*n])) {
			snprintf(err, errsz, "\"%.*s\" is not an IPv4 or IPv6 "
			    "address or network", len > 60 ? 60 : (int)len, p);
			return false;
		}
		if (++*n == CIDR_LIST_MAX && p[len + strspn(p + len,
		    ", \t")] != '\0') {
			snprintf(err, errsz, "more than %d networks",
			    CIDR_LIST_MAX);
			return false;
		}
		p += len;
	}
}

/* Whether the first bits bits of a and b are equal. */
static bool
cidr_prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
	int	whole = bits / 8, rest = bits % 8;
	uint8_t	mask;

	if (memcmp(a, b, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* Whether sa lies in one of the n networks of list. */
bool
cidr_list_match(const struct cidr *list, size_t n, const struct sockaddr *sa)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    0xff, 0xff };
	const uint8_t		*a;
	int			 family = sa->sa_family;

	if (family == AF_INET)
		a = (const uint8_t *)&((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr;
	else if (family == AF_INET6) {
		a = (const uint8_t *)&((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr;
		/* ::ffff:1.2.3.4 is the IPv4 address 1.2.3.4. */
		if (memcmp(a, mapped, sizeof mapped) == 0) {
			a += sizeof mapped;
			family = AF_INET;
		}
	} else
		return false;
	for (size_t i = 0; i < n; i++) {
		if (list[i].family == family &&
		    cidr_prefix_eq(a, list[i].addr, list[i].bits))
			return true;
	}
	return false;
}
