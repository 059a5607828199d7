/*
 * reset.c — area resets: claim the areas that are due and repopulate them
 * with a few set-based statements (NPCs and their gear, items in rooms,
 * shop stock), whatever the number of rooms or resets.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd/reset.h"
#include "cmd/tick.h"

/* Reset the named areas now, inside the caller's transaction. */
enum store_rc
reset_areas(struct store *s, const char *areas, struct store_reset_counts *c)
{
	memset(c, 0, sizeof *c);
	/* NPCs first, so a shopkeeper spawned now is stocked at once. */
	if (store_reset_npcs(s, areas, &c->npcs, &c->gear) != STORE_OK ||
	    store_reset_items(s, areas, &c->items) != STORE_OK ||
	    store_reset_stock(s, areas, &c->stock) != STORE_OK)
		return STORE_ERR;
	return STORE_OK;
}

/* The ticker's task: reset every area whose time has come. */
enum tx_rc
reset_tick_tx(struct store *s, void *arg)
{
	struct store_reset_counts	 c;
	char				*areas;
	int				 n;
	enum store_rc			 rc;

	(void)arg;
	if (store_reset_claim(s, &areas, &n) != STORE_OK)
		return TX_ERROR;
	rc = n > 0 ? reset_areas(s, areas, &c) : STORE_OK;
	free(areas);
	return rc == STORE_OK ? TX_COMMIT : TX_ERROR;
}
