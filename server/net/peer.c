/*
 * peer.c — open connections per client address, in a tsearch tree keyed by
 * the address text; an address's node goes when its last connection does.
 */
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "net/peer.h"
#include "ops/util.h"

struct peer {
	char	addr[64];
	int	n;
};

static void	*peer_tree;

/* Order peers by address text. */
static int
peer_cmp(const void *a, const void *b)
{
	const struct peer	*x = a, *y = b;

	return strcmp(x->addr, y->addr);
}

/* The node for addr, or NULL. */
static struct peer *
peer_find(const char *addr)
{
	struct peer	  key;
	struct peer	**found;

	util_strlcpy(key.addr, addr, sizeof key.addr);
	found = tfind(&key, &peer_tree, peer_cmp);
	return found != NULL ? *found : NULL;
}

/* Count one more connection from addr, unless it already has max. */
bool
peer_add(const char *addr, int max)
{
	struct peer	*p = peer_find(addr);

	if (p == NULL) {
		p = xcalloc(1, sizeof *p);
		util_strlcpy(p->addr, addr, sizeof p->addr);
		tsearch(p, &peer_tree, peer_cmp);
	}
	if (p->n >= max)
		return false;
	p->n++;
	return true;
}

/* A connection from addr has gone. */
void
peer_remove(const char *addr)
{
	struct peer	*p = peer_find(addr);

	if (p == NULL || --p->n > 0)
		return;
	tdelete(p, &peer_tree, peer_cmp);
	free(p);
}
