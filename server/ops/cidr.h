/*
 * cidr.h — lists of IPv4/IPv6 networks ("10.0.0.0/8, 127.0.0.1, ::1")
 * and whether an address is in one: the trusted_proxies key (config.c
 * checks the text, net/ matches connections against it).  Pure: no I/O.
 */
#ifndef KEEP_CIDR_H
#define KEEP_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

/* One network: family AF_INET or AF_INET6, its address bytes (the first
 * 4 for IPv4) and prefix length. */
struct cidr {
	int	family;
	uint8_t	addr[16];
	int	bits;
};

/* The most networks a list may hold. */
#define CIDR_LIST_MAX	64

/*
 * Parse text, addresses or networks separated by commas and/or spaces
 * ("" is the empty list), into out (capacity CIDR_LIST_MAX); *n is how
 * many.  False, with the offending item in err (capacity errsz), if an
 * item is not an address, its prefix is out of range, or there are too
 * many.
 */
bool	cidr_list_parse(const char *text, struct cidr *out, size_t *n,
	    char *err, size_t errsz);
/* Whether the socket address sa (IPv4, IPv6 or IPv4-mapped IPv6) lies in
 * one of the n networks of list. */
bool	cidr_list_match(const struct cidr *list, size_t n,
	    const struct sockaddr *sa);

#endif
