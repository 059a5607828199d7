/*
 * cmd_combat.c — kill (attack), flee, consider.  The blows themselves are
 * the combat engine's (combat.h); these handlers pick the target, lock
 * both sides, and let the engine strike and write in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_util.h"
#include "cmd/combat.h"
#include "game/target.h"
#include "game/text.h"
#include "ops/util.h"

#define CMD_NOT_HERE	"You don't see that here.\n"

/*
 * Find the one character the argument names in the actor's room ("goblin",
 * "2.goblin", "small gob" as target.h matches them); a refusal in the
 * reply and STORE_NONE when there is none.
 */
static enum store_rc
cmd_combat_target(struct cmd_ctx *ctx, const char *args,
    struct store_fighter *t)
{
	struct target		 tg;
	struct store_fighter	*all;
	const char		**kw;
	size_t			 n;
	int			 i;

	if (!target_parse(args, &tg)) {
		buf_add(ctx->out, CMD_NOT_HERE);
		return STORE_NONE;
	}
	if (tg.kind == TARGET_ALL) {
		buf_add(ctx->out, "One at a time, please.\n");
		return STORE_NONE;
	}
	if (store_combat_room(ctx->store, ctx->me.room_id, ctx->me.id, &all,
	    &n) != STORE_OK)
		return STORE_ERR;
	kw = xcalloc(n + 1, sizeof *kw);
	for (size_t k = 0; k < n; k++)
		kw[k] = all[k].keywords;
	i = target_pick(&tg, kw, (int)n);
	if (i >= 0)
		*t = all[i];
	else
		buf_add(ctx->out, CMD_NOT_HERE);
	free(kw);
	free(all);
	return i >= 0 ? STORE_OK : STORE_NONE;
}

/* Whether the target can be attacked at all; the reason if not. */
static bool
cmd_combat_attackable(struct cmd_ctx *ctx, const struct store_fighter *t)
{
	char	name[STORE_FIGHTER_NAME + 1];

	if (!t->npc) {
		buf_add(ctx->out, "You can't attack other players here.\n");
		return false;
	}
	if (t->peaceful) {
		text_capitalise(t->name, name, sizeof name);
		buf_printf(ctx->out, "%s is under the protection of the "
		    "town.\n", name);
		return false;
	}
	return true;
}

/* The locked attack: both still here, the actor still free; strike. */
static enum tx_rc
cmd_combat_attack(struct cmd_ctx *ctx, struct combat *c, int64_t target)
{
	int64_t	ids[2] = { ctx->me.id, target };
	size_t	mi, ti;

	if (combat_load(c, ids, 2) != STORE_OK)
		return TX_ERROR;
	mi = combat_index(c, ctx->me.id);
	ti = combat_index(c, target);
	if (mi == COMBAT_NONE || ti == COMBAT_NONE ||
	    c->f[ti].room_id != c->f[mi].room_id) {
		buf_add(ctx->out, CMD_NOT_HERE);
		return TX_ROLLBACK;
	}
	if (c->f[mi].fighting_id != 0) {
		buf_add(ctx->out, "You are already fighting!\n");
		return TX_ROLLBACK;
	}
	combat_set_fight(c, mi, target);
	combat_tell(c, ctx->me.id, "You attack %s!", c->f[ti].name);
	combat_tell_room(c, c->f[mi].room_id, ctx->me.id, target,
	    "%s attacks %s!", c->f[mi].name, c->f[ti].name);
	combat_strike(c, mi, ti);
	return combat_finish(c) == STORE_OK ? TX_COMMIT : TX_ERROR;
}

/* kill / attack TARGET: start a fight and strike the first blow at once. */
enum tx_rc
cmd_kill(struct cmd_ctx *ctx, const char *args)
{
	struct store_fighter	t;
	struct combat		c;
	enum tx_rc		rc;
	enum store_rc		src;

	if (ctx->me.fighting_id != 0) {
		buf_add(ctx->out, "You are already fighting!\n");
		return TX_ROLLBACK;
	}
	if ((src = cmd_combat_target(ctx, args, &t)) != STORE_OK)
		return cmd_tx_rc(src);
	if (!cmd_combat_attackable(ctx, &t))
		return TX_ROLLBACK;
	combat_init(&c, ctx->store, ctx->me.id, ctx->out);
	rc = cmd_combat_attack(ctx, &c, t.id);
	combat_free(&c);
	return rc;
}

/* Run out through a random exit: move, stop fighting, lose a little xp. */
static enum tx_rc
cmd_combat_run(struct cmd_ctx *ctx, struct combat *c, size_t mi)
{
	struct store_fighter	*me = &c->f[mi];
	struct store_progress	 p = { .id = me->id, .level = me->level };
	int32_t			 from = me->room_id, to;
	char			 dir[16];
	int64_t			 loss;
	enum store_rc		 src;

	if ((src = store_combat_random_exit(ctx->store, from, dir,
	    sizeof dir)) != STORE_OK)
		return cmd_refuse_rc(ctx, src,
		    "You panic, but there is nowhere to run!");
	if (store_char_move(ctx->store, me->id, from, dir, &to) != STORE_OK ||
	    store_combat_stop_against(ctx->store, me->id) != STORE_OK)
		return TX_ERROR;
	combat_set_fight(c, mi, -1);
	me->room_id = to;
	ctx->me.room_id = to;
	loss = rules_combat_flee_loss(me->level, me->xp);
	combat_tell(c, me->id, "You flee %s!", dir);
	if (loss > 0) {
		p.xp = me->xp - loss;
		combat_tell(c, me->id, "You lose %lld experience points.",
		    (long long)loss);
		if (store_combat_progress(ctx->store, &p, 1) != STORE_OK)
			return TX_ERROR;
	}
	combat_tell_room(c, from, me->id, 0, "%s flees %s!", me->name, dir);
	combat_tell_room(c, to, me->id, 0, "%s arrives in a hurry.",
	    me->name);
	if (combat_finish(c) != STORE_OK)
		return TX_ERROR;
	return cmd_show_room(ctx, to);
}

/* The locked flight: roll against the opponent's level. */
static enum tx_rc
cmd_combat_flee(struct cmd_ctx *ctx, struct combat *c)
{
	int64_t	ids[2] = { ctx->me.id, ctx->me.fighting_id };
	size_t	mi, oi;
	int	their;

	if (combat_load(c, ids, 2) != STORE_OK)
		return TX_ERROR;
	if ((mi = combat_index(c, ctx->me.id)) == COMBAT_NONE ||
	    c->f[mi].fighting_id == 0) {
		buf_add(ctx->out, "You aren't fighting anyone.\n");
		return TX_ROLLBACK;
	}
	oi = combat_index(c, c->f[mi].fighting_id);
	their = oi != COMBAT_NONE ? c->f[oi].level : c->f[mi].level;
	if (rules_combat_rng_range(&c->rng, 1, 100) >
	    rules_combat_flee_chance(c->f[mi].level, their)) {
		combat_tell(c, ctx->me.id, "You panic but can't get away!");
		combat_tell_room(c, c->f[mi].room_id, ctx->me.id, 0,
		    "%s tries to flee, but can't get away!", c->f[mi].name);
		return combat_finish(c) == STORE_OK ? TX_COMMIT : TX_ERROR;
	}
	return cmd_combat_run(ctx, c, mi);
}

/* flee: try to get out of a fight through a random exit. */
enum tx_rc
cmd_flee(struct cmd_ctx *ctx, const char *args)
{
	struct combat	c;
	enum tx_rc	rc;

	(void)args;
	if (ctx->me.fighting_id == 0) {
		buf_add(ctx->out, "You aren't fighting anyone.\n");
		return TX_ROLLBACK;
	}
	combat_init(&c, ctx->store, ctx->me.id, ctx->out);
	rc = cmd_combat_flee(ctx, &c);
	combat_free(&c);
	return rc;
}

/* consider TARGET: how a fight would go, by level difference. */
enum tx_rc
cmd_consider(struct cmd_ctx *ctx, const char *args)
{
	struct store_fighter	t;
	enum store_rc		src;

	if ((src = cmd_combat_target(ctx, args, &t)) != STORE_OK)
		return cmd_tx_rc(src);
	buf_printf(ctx->out, "%s\n", rules_combat_consider(ctx->me.level,
	    t.level));
	return TX_COMMIT;
}
