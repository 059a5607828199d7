/*
 * mssp.h — the MSSP variables (docs/protocol.md, "MSSP";
 * tintin.mudhalla.net/protocols/mssp): built from the database's figures
 * and the configuration, one value per variable, every value printable
 * ASCII; and their plain-text form for crawlers without telnet code.
 * Pure: no I/O.
 */
#ifndef KEEP_MSSP_H
#define KEEP_MSSP_H

#include <stddef.h>
#include <stdint.h>

#include "ops/buf.h"

struct config;

#define MSSP_VARS_MAX	64
#define MSSP_VALUE_MAX	200	/* bytes of one value (CONFIG_MSSP_MAX) */

/* What the database says (cmd/mssp.c copies store_mssp into it). */
struct mssp_figures {
	int64_t	players;	/* characters online, on every keepd */
	int64_t	started;	/* epoch seconds of the oldest live keepd's
				 * start; 0: unknown */
	int64_t	areas;
	int64_t	rooms;
	int64_t	mobiles;
	int64_t	objects;
	int64_t	helpfiles;
};

/* The variables, in the order they are sent: names[i] = values[i]. */
struct mssp_vars {
	size_t		 n;
	const char	*names[MSSP_VARS_MAX];
	const char	*values[MSSP_VARS_MAX];	/* each points into text */
	char		 text[MSSP_VARS_MAX][MSSP_VALUE_MAX + 1];
};

/*
 * Fill v from the figures and cfg; started (epoch seconds) is this
 * process's start, used when f->started is 0.  Configured text left empty
 * is left out; a byte outside printable ASCII becomes '?'.
 */
void	mssp_build(struct mssp_vars *v, const struct config *cfg,
	    const struct mssp_figures *f, int64_t started);
/* The plain-text reply to MSSP-REQUEST: "\nMSSP-REPLY-START\n",
 * "NAME\tVALUE\n" each, "MSSP-REPLY-END\n" ("\n" is CR LF on the wire). */
void	mssp_plain(struct buf *, const struct mssp_vars *v);

#endif
