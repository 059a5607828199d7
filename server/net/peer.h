/*
 * peer.h — open connections counted per client address, so that one
 * address cannot take every slot (max_connections_per_address).  Loop
 * thread only.
 */
#ifndef KEEP_PEER_H
#define KEEP_PEER_H

#include <stdbool.h>

/* Count one more connection from addr, unless it already has max. */
bool	peer_add(const char *addr, int max) __attribute__((warn_unused_result));
/* A connection from addr (counted by peer_add) has gone. */
void	peer_remove(const char *addr);

#endif
