/*
 * store_mssp.h — the figures MSSP tells MUD listings (docs/protocol.md,
 * "MSSP"), read in one statement.
 */
#ifndef KEEP_STORE_MSSP_H
#define KEEP_STORE_MSSP_H

#include <stdint.h>

#include "db/store.h"

struct store_mssp {
	int64_t	players;	/* characters online, on every keepd */
	int64_t	started;	/* epoch seconds the oldest live keepd
				 * started; 0: no instance row */
	int64_t	areas;
	int64_t	rooms;
	int64_t	mobiles;	/* NPC prototypes */
	int64_t	objects;	/* item prototypes */
	int64_t	helpfiles;	/* help topics every player may read */
};

/* Read the figures (a read: any transaction, or none). */
enum store_rc	 store_mssp_read(struct store *, struct store_mssp *)
		    STORE_MUST_CHECK;

#endif
