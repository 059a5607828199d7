/*
 * combat.c — placeholder for combat rounds, NPC behaviour and decay.
 */
#include "game/tick.h"

/* A combat round: not yet. */
enum tx_rc
combat_round_tx(struct store *s, void *arg)
{
	(void)s;
	(void)arg;
	return TX_COMMIT;
}

/* NPC behaviour: not yet. */
enum tx_rc
npc_tick_tx(struct store *s, void *arg)
{
	(void)s;
	(void)arg;
	return TX_COMMIT;
}

/* Decay: not yet. */
enum tx_rc
decay_tick_tx(struct store *s, void *arg)
{
	(void)s;
	(void)arg;
	return TX_COMMIT;
}
