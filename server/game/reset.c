/*
 * reset.c — placeholder for area resets.
 */
#include "game/tick.h"

/* Area resets: not yet. */
enum tx_rc
reset_tick_tx(struct store *s, void *arg)
{
	(void)s;
	(void)arg;
	return TX_COMMIT;
}
