/*
 * cmd_wear.c — equipment (wear, wield, remove) and looking at things
 * (inventory, equipment, examine, look at, look in).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_item.h"
#include "db/wear_slot.h"
#include "cmd/cmd_util.h"
#include "game/text.h"
#include "ops/util.h"

#define WEAR_ARG_MAX	256

/* How each wear slot (db/wear_slot.h, the one list) is shown. */
static const struct wear_slot {
	const char	*label;		/* equipment listing */
	const char	*where;		/* "You wear X on your head." */
} wear_slots[WEAR_COUNT] = {
	[WEAR_HEAD] = { "<worn on head>", "on your head" },
	[WEAR_NECK] = { "<worn around neck>", "around your neck" },
	[WEAR_BODY] = { "<worn on body>", "on your body" },
	[WEAR_ARMS] = { "<worn on arms>", "on your arms" },
	[WEAR_HANDS] = { "<worn on hands>", "on your hands" },
	[WEAR_FINGER] = { "<worn on finger>", "on your finger" },
	[WEAR_WAIST] = { "<worn about waist>", "around your waist" },
	[WEAR_LEGS] = { "<worn on legs>", "on your legs" },
	[WEAR_FEET] = { "<worn on feet>", "on your feet" },
	[WEAR_SHIELD] = { "<worn as shield>", "as a shield" },
	[WEAR_WIELD] = { "<wielded>", "in your hand" },
};

/* A slot's row of the table (the wield row for an unknown slot). */
static const struct wear_slot *
wear_slot_of(const char *slot)
{
	int	i = wear_slot_find(slot);

	return &wear_slots[i >= 0 ? i : WEAR_WIELD];
}

/* Refuse with a line; the transaction rolls back. */
static enum tx_rc
wear_refuse(struct cmd_ctx *ctx, const char *why)
{
	buf_printf(ctx->out, "%s\n", why);
	return TX_ROLLBACK;
}

/* Whether a slot is taken, in the scan or among the n chosen so far. */
static bool
wear_slot_taken(const struct store_item_set *set, const char *slot,
    const char *const *chosen, int n)
{
	for (int i = 0; i < set->n; i++) {
		if (set->v[i].place == STORE_PLACE_WORN &&
		    strcmp(set->v[i].worn_slot, slot) == 0)
			return true;
	}
	for (int i = 0; i < n; i++) {
		if (strcmp(chosen[i], slot) == 0)
			return true;
	}
	return false;
}

/* inventory: what the actor has in hand, identical things grouped. */
enum tx_rc
cmd_inventory(struct cmd_ctx *ctx, const char *args)
{
	struct store_item_set	set;

	(void)args;
	if (store_item_inventory(ctx->store, ctx->me.id, &set) != STORE_OK)
		return TX_ERROR;
	if (set.n == 0)
		buf_add(ctx->out, "You are carrying nothing.\n");
	else
		buf_add(ctx->out, "You are carrying:\n");
	for (int i = 0; i < set.n; i++) {
		if (set.v[i].count > 1)
			buf_printf(ctx->out, "  %s (x%d)\n", set.v[i].name,
			    set.v[i].count);
		else
			buf_printf(ctx->out, "  %s\n", set.v[i].name);
	}
	store_item_set_free(&set);
	return TX_COMMIT;
}

/* Write a character's equipment: "You are using:" or "Bob is using:". */
static enum store_rc
wear_list(struct cmd_ctx *ctx, int64_t id, const char *who, bool always)
{
	struct store_item_set	set;

	if (store_item_equipment(ctx->store, id, &set) != STORE_OK)
		return STORE_ERR;
	if (set.n == 0 && always)
		buf_printf(ctx->out, "%s not using anything.\n", who);
	else if (set.n > 0)
		buf_printf(ctx->out, "%s using:\n", who);
	for (int i = 0; i < set.n; i++)
		buf_printf(ctx->out, "  %-22s%s\n",
		    wear_slot_of(set.v[i].worn_slot)->label, set.v[i].name);
	store_item_set_free(&set);
	return STORE_OK;
}

/* equipment: what the actor wears and wields, slot by slot. */
enum tx_rc
cmd_equipment(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	return wear_list(ctx, ctx->me.id, "You are", true) == STORE_OK ?
	    TX_COMMIT : TX_ERROR;
}

/* Put the chosen things on their slots and say what went on. */
static enum tx_rc
wear_apply(struct cmd_ctx *ctx, const struct store_item_set *set,
    const int *cand, const char *const *slots, int n)
{
	struct cmd_item_news	 news = { .lines = 0 };
	struct store_item_batch	 mv;
	enum tx_rc		 rc = TX_COMMIT;

	store_item_batch_init(&mv, n);
	for (int i = 0; i < n; i++)
		store_item_batch_add(&mv, set->v[cand[i]].id, slots[i]);
	if (store_item_wear(ctx->store, ctx->me.id, &mv) != STORE_OK)
		rc = TX_ERROR;
	for (int i = 0; rc == TX_COMMIT && i < n; i++) {
		const struct store_item	*it = &set->v[cand[i]];

		if (!store_item_batch_moved(&mv, it->id))
			continue;
		if (strcmp(slots[i], "wield") == 0) {
			buf_printf(ctx->out, "You wield %s.\n", it->name);
			cmd_item_news_add(&news, "%s wields %s.", ctx->me.name,
			    it->name);
		} else {
			buf_printf(ctx->out, "You wear %s %s.\n", it->name,
			    wear_slot_of(slots[i])->where);
			cmd_item_news_add(&news, "%s wears %s.", ctx->me.name,
			    it->name);
		}
	}
	if (rc == TX_COMMIT && mv.nmoved == 0)
		rc = wear_refuse(ctx, "You aren't carrying that.");
	if (rc == TX_COMMIT && cmd_item_news_send(ctx, ctx->me.room_id, &news,
	    0) != STORE_OK)
		rc = TX_ERROR;
	buf_free(&news.text);
	store_item_batch_free(&mv);
	return rc;
}

/* Why one thing cannot be worn (NULL if it can); msg is the buffer. */
static const char *
wear_why_not(const struct store_item_set *set, const struct store_item *it,
    const char *const *chosen, int n, bool wield, char *msg, size_t msgsz)
{
	if (wield && strcmp(it->wear_slot, "wield") != 0)
		return "You can't wield that.";
	if (!wield && it->wear_slot[0] == '\0')
		return "You can't wear that.";
	if (!wield && strcmp(it->wear_slot, "wield") == 0)
		return "You need to wield that.";
	if (!wear_slot_taken(set, it->wear_slot, chosen, n))
		return NULL;
	if (wield)
		return "You are already wielding something.";
	snprintf(msg, msgsz, "You are already wearing something %s.",
	    wear_slot_of(it->wear_slot)->where);
	return msg;
}

/* wear and wield: choose, check slots, put on. */
static enum tx_rc
wear_cmd(struct cmd_ctx *ctx, const char *args, bool wield)
{
	struct store_item_set	 set;
	struct target		 t;
	const char		**slots;
	const char		*why;
	char			 msg[96];
	int			*cand, k, n = 0;
	enum tx_rc		 rc;

	if (!target_parse(args, &t))
		return wear_refuse(ctx, "You aren't carrying that.");
	if (wield && t.kind == TARGET_ALL)
		return wear_refuse(ctx, "You can wield only one weapon.");
	if (store_item_scan(ctx->store, ctx->me.room_id, ctx->me.id,
	    STORE_SCAN_MINE, &set) != STORE_OK)
		return TX_ERROR;
	cand = xcalloc((size_t)set.n + 1, sizeof *cand);
	slots = xcalloc((size_t)set.n + 1, sizeof *slots);
	k = cmd_item_find(&set, &t, "c", 0, cand, set.n);
	for (int i = 0; i < k; i++) {
		const struct store_item	*it = &set.v[cand[i]];

		why = wear_why_not(&set, it, slots, n, wield, msg, sizeof msg);
		/* "wear all" passes over what is not armour, silently. */
		if (why != NULL && t.kind == TARGET_ALL &&
		    (it->wear_slot[0] == '\0' ||
		    strcmp(it->wear_slot, "wield") == 0))
			continue;
		if (why != NULL) {
			buf_printf(ctx->out, "%s\n", why);
			continue;
		}
		slots[n] = it->wear_slot;
		cand[n++] = cand[i];
	}
	if (n > 0)
		rc = wear_apply(ctx, &set, cand, slots, n);
	else if (k == 0 && t.kind == TARGET_ALL)
		rc = wear_refuse(ctx, t.words[0] == '\0' ?
		    "You have nothing to wear." : "You aren't carrying that.");
	else if (k == 0)
		rc = wear_refuse(ctx, "You aren't carrying that.");
	else if (ctx->out->len == 0)
		rc = wear_refuse(ctx, "You have nothing to wear.");
	else
		rc = TX_ROLLBACK;
	free(cand);
	free(slots);
	store_item_set_free(&set);
	return rc;
}

/* wear ITEM | all | all.KW */
enum tx_rc
cmd_wear(struct cmd_ctx *ctx, const char *args)
{
	return wear_cmd(ctx, args, false);
}

/* wield WEAPON */
enum tx_rc
cmd_wield(struct cmd_ctx *ctx, const char *args)
{
	return wear_cmd(ctx, args, true);
}

/* Take the chosen worn things off, as far as the hands can hold them. */
static enum tx_rc
wear_remove(struct cmd_ctx *ctx, const struct store_item_set *set, int *cand,
    int k, struct rules_burden *b)
{
	struct cmd_item_news	 news = { .lines = 0 };
	struct store_item_batch	 mv;
	int64_t			*w = xcalloc((size_t)k + 1, sizeof *w);
	int			*adds = xcalloc((size_t)k + 1, sizeof *adds);
	bool			*take = xcalloc((size_t)k + 1, sizeof *take);
	bool			 why[3] = { false, false, false };
	enum tx_rc		 rc = TX_COMMIT;

	/* Taking off adds to the count in hand, not to the weight. */
	for (int i = 0; i < k; i++)
		adds[i] = 1;
	rules_item_take(b, w, adds, k, take, why);
	store_item_batch_init(&mv, k);
	for (int i = 0; i < k; i++) {
		if (take[i])
			store_item_batch_add(&mv, set->v[cand[i]].id, NULL);
	}
	if (store_item_unwear(ctx->store, ctx->me.id, &mv) != STORE_OK)
		rc = TX_ERROR;
	for (int i = 0; rc == TX_COMMIT && i < k; i++) {
		const struct store_item	*it = &set->v[cand[i]];

		if (!take[i] || !store_item_batch_moved(&mv, it->id))
			continue;
		buf_printf(ctx->out, "You stop using %s.\n", it->name);
		cmd_item_news_add(&news, "%s stops using %s.", ctx->me.name,
		    it->name);
	}
	if (rc == TX_COMMIT && why[RULES_CARRY_COUNT])
		buf_add(ctx->out, "You can't carry that many items.\n");
	if (rc == TX_COMMIT && mv.nmoved == 0)
		rc = why[RULES_CARRY_COUNT] ? TX_ROLLBACK :
		    wear_refuse(ctx, "You aren't using that.");
	if (rc == TX_COMMIT && cmd_item_news_send(ctx, ctx->me.room_id, &news,
	    0) != STORE_OK)
		rc = TX_ERROR;
	buf_free(&news.text);
	store_item_batch_free(&mv);
	free(w);
	free(adds);
	free(take);
	return rc;
}

/* remove ITEM | all | all.KW */
enum tx_rc
cmd_remove(struct cmd_ctx *ctx, const char *args)
{
	struct store_item_holder	 h;
	struct store_item_set		 set;
	struct rules_burden		 b;
	struct target			 t;
	int				*cand, k;
	enum tx_rc			 rc;
	enum store_rc			 src;

	if (!target_parse(args, &t))
		return wear_refuse(ctx, "You aren't using that.");
	/* Locked first, so the count in hand read below is current. */
	if ((src = store_item_lock_char(ctx->store, ctx->me.id, 0, &h)) !=
	    STORE_OK)
		return cmd_refuse_rc(ctx, src, "You aren't using that.");
	if (store_item_scan(ctx->store, h.room_id, ctx->me.id, STORE_SCAN_MINE,
	    &set) != STORE_OK)
		return TX_ERROR;
	cmd_item_burden(&set, h.level, &b);
	cand = xcalloc((size_t)set.n + 1, sizeof *cand);
	if ((k = cmd_item_find(&set, &t, "w", 0, cand, set.n)) == 0)
		rc = wear_refuse(ctx, t.kind == TARGET_ALL &&
		    t.words[0] == '\0' ? "You aren't using anything." :
		    "You aren't using that.");
	else
		rc = wear_remove(ctx, &set, cand, k, &b);
	free(cand);
	store_item_set_free(&set);
	return rc;
}

/* Show an item: its description, and what a container holds. */
static void
wear_show_item(struct cmd_ctx *ctx, const struct store_item_set *set,
    const struct store_item *it)
{
	text_wrap(ctx->out, it->description, TEXT_WIDTH, 0);
	if (cmd_item_holds(it))
		cmd_item_contents(ctx->out, set, it);
}

/* Show a character: an NPC's description, anyone's equipment. */
static enum tx_rc
wear_show_char(struct cmd_ctx *ctx, const struct store_item *c)
{
	char	cap[STORE_ITEM_NAME_MAX + 16];

	if (c->kind == 'n' && c->description[0] != '\0')
		text_wrap(ctx->out, c->description, TEXT_WIDTH, 0);
	else
		buf_printf(ctx->out, "You see nothing special about %s.\n",
		    c->name);
	text_capitalise(c->name, cap, sizeof cap);
	util_strlcpy(cap + strlen(cap), " is", sizeof cap - strlen(cap));
	return wear_list(ctx, c->id, cap, false) == STORE_OK ? TX_COMMIT :
	    TX_ERROR;
}

/* look in CONTAINER */
static enum tx_rc
wear_look_in(struct cmd_ctx *ctx, const struct store_item_set *set,
    const char *what)
{
	struct target	t;
	int		i;

	if (!target_parse(what, &t) || t.kind != TARGET_ONE ||
	    cmd_item_find(set, &t, "cwr", 0, &i, 1) == 0)
		return wear_refuse(ctx, "You don't see that here.");
	if (!cmd_item_holds(&set->v[i]))
		return wear_refuse(ctx, "That isn't a container.");
	cmd_item_contents(ctx->out, set, &set->v[i]);
	return TX_COMMIT;
}

/*
 * examine TARGET (also look TARGET, look at TARGET, look in CONTAINER):
 * characters in the room first, then what the actor carries and wears,
 * then what lies on the floor.
 */
enum tx_rc
cmd_examine(struct cmd_ctx *ctx, const char *args)
{
	struct store_item_set	 set;
	struct target		 t;
	char			 what[WEAR_ARG_MAX];
	int			 i;
	enum tx_rc		 rc;
	bool			 in = false;

	target_trim(args, what, sizeof what);
	if (strncasecmp(what, "at ", 3) == 0)
		memmove(what, what + 3, strlen(what + 3) + 1);
	else if (strncasecmp(what, "in ", 3) == 0) {
		memmove(what, what + 3, strlen(what + 3) + 1);
		in = true;
	}
	if (store_item_scan(ctx->store, ctx->me.room_id, ctx->me.id,
	    STORE_SCAN_ROOM | STORE_SCAN_MINE | STORE_SCAN_INSIDE |
	    STORE_SCAN_CHARS, &set) != STORE_OK)
		return TX_ERROR;
	if (in)
		rc = wear_look_in(ctx, &set, what);
	else if (!target_parse(what, &t) || t.kind != TARGET_ONE ||
	    cmd_item_find(&set, &t, "PNcwr", 0, &i, 1) == 0)
		rc = wear_refuse(ctx, "You don't see that here.");
	else if (set.v[i].kind != 'i')
		rc = wear_show_char(ctx, &set.v[i]);
	else {
		wear_show_item(ctx, &set, &set.v[i]);
		rc = TX_COMMIT;
	}
	store_item_set_free(&set);
	return rc;
}
