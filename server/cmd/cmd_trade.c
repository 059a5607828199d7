/*
 * cmd_trade.c — the two-sided trade: trade, offer, withdraw, accept,
 * cancel (docs/commands.md, "Trading").
 *
 * The trade lives in the database (store_trade.h).  Every command locks
 * the trades row first, then checks lazily that both players are still
 * online and in the room where the trade began (a trade that broke is
 * closed there and both are told).  Nothing moves until both accept; the
 * second accept locks both characters and every offered item in id order,
 * reads them again and swaps everything, or nothing: if anything moved
 * meanwhile, the acceptances are cleared, offers of things no longer there
 * are withdrawn, both are told why, and the trade stays open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_item.h"
#include "cmd/cmd_util.h"
#include "db/store_trade.h"
#include "net/color.h"
#include "ops/util.h"

/* How a trade command found the actor's trade. */
enum trade_load {
	TRADE_NONE,		/* none */
	TRADE_OK,		/* locked, both there */
	TRADE_ENDED,		/* it broke and was closed now: commit that */
	TRADE_ERR
};

/* The lower-case name a player types to name character c. */
static void
trade_lower(const char *name, char *out, size_t outsz)
{
	size_t	i;

	for (i = 0; name[i] != '\0' && i + 1 < outsz; i++)
		out[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] + 32 : name[i]);
	out[i] = '\0';
}

/* Close t and tell both why (mine: as the actor reads it). */
static enum trade_load
trade_end(struct cmd_ctx *ctx, struct store_trade *t, const char *mine,
    const char *theirs)
{
	const struct store_trade_side	*them = &t->side[1];
	char				 msg[160];

	if (store_trade_close(ctx->store, t->id) == STORE_ERR)
		return TRADE_ERR;
	snprintf(msg, sizeof msg, "The trade with %s is off: %s.",
	    ctx->me.name, theirs);
	if (them->online && store_notify_char(ctx->store, them->id, msg) !=
	    STORE_OK)
		return TRADE_ERR;
	buf_printf(ctx->out, "The trade with %s is off: %s.\n", them->name,
	    mine);
	return TRADE_ENDED;
}

/* Whether t still stands: both online, both in its room; else close it. */
static enum trade_load
trade_check(struct cmd_ctx *ctx, struct store_trade *t)
{
	const struct store_trade_side	*me = &t->side[0], *them = &t->side[1];
	char				 a[64], b[64];

	if (!them->online) {
		snprintf(a, sizeof a, "%s has left the game", them->name);
		return trade_end(ctx, t, a, "you left the game");
	}
	if (me->room_id != t->room_id) {
		snprintf(b, sizeof b, "%s left", me->name);
		return trade_end(ctx, t, "you left the room where it began", b);
	}
	if (them->room_id != t->room_id) {
		snprintf(a, sizeof a, "%s left", them->name);
		return trade_end(ctx, t, a, "you left the room where it began");
	}
	return TRADE_OK;
}

/* Find, lock and check the actor's trade. */
static enum trade_load
trade_load(struct cmd_ctx *ctx, struct store_trade *t)
{
	int64_t		id;
	enum store_rc	rc;

	memset(t, 0, sizeof *t);
	if ((rc = store_trade_of(ctx->store, ctx->me.id, &id)) != STORE_OK)
		return rc == STORE_NONE ? TRADE_NONE : TRADE_ERR;
	if ((rc = store_trade_lock(ctx->store, id, ctx->me.id, t)) != STORE_OK)
		return rc == STORE_NONE ? TRADE_NONE : TRADE_ERR;
	return trade_check(ctx, t);
}

/* What side s of t offers: "a sword, a shield and 5 coins" or "nothing". */
static void
trade_goods(struct buf *b, const struct store_trade *t, int s)
{
	const struct store_trade_side	*sd = &t->side[s];
	int				 n = 0, k = 0;

	for (int i = 0; i < t->noffers; i++)
		n += t->offers[i].char_id == sd->id;
	n += sd->coins > 0;
	if (n == 0) {
		buf_add(b, "nothing");
		return;
	}
	for (int i = 0; i < t->noffers; i++) {
		const struct store_trade_offer	*o = &t->offers[i];

		if (o->char_id != sd->id)
			continue;
		buf_printf(b, "%s%s%s", k == 0 ? "" : k == n - 1 ? " and " :
		    ", ", o->name, o->there ? "" : " (no longer there)");
		k++;
	}
	if (sd->coins > 0)
		buf_printf(b, "%s%lld coin%s", k == 0 ? "" : " and ",
		    (long long)sd->coins, sd->coins == 1 ? "" : "s");
}

/* The trade as side v of it sees it, ending in a newline. */
static void
trade_show(struct buf *b, const struct store_trade *t, int v)
{
	const struct store_trade_side	*me = &t->side[v], *them = &t->side[!v];
	char				 low[STORE_NAME_MAX + 1];

	if (!t->open) {
		if (t->asker_id == me->id) {
			trade_lower(me->name, low, sizeof low);
			buf_printf(b, "You have asked %s to trade; waiting for "
			    "them to type 'trade %s'.\n", them->name, low);
		} else {
			trade_lower(them->name, low, sizeof low);
			buf_printf(b, "%s wants to trade with you; type "
			    "'trade %s' to accept.\n", them->name, low);
		}
		return;
	}
	buf_printf(b, CM_BCYAN "You are trading with %s." CM_RESET
	    "\nYou offer: ", them->name);
	trade_goods(b, t, v);
	buf_printf(b, ".\n%s offers: ", them->name);
	trade_goods(b, t, !v);
	if (me->accepted)
		buf_printf(b, ".\nYou have accepted; %s has not.\n",
		    them->name);
	else if (them->accepted)
		buf_printf(b, ".\n%s has accepted; type accept to complete "
		    "the trade.\n", them->name);
	else
		buf_add(b, ".\nNobody has accepted yet.\n");
}

/* Tell the other side head and the trade as it sees it. */
static enum store_rc
trade_tell(struct cmd_ctx *ctx, const struct store_trade *t,
    const char *head)
{
	struct buf	b = { 0 };
	enum store_rc	rc;

	buf_printf(&b, "%s\n", head);
	trade_show(&b, t, 1);
	b.data[--b.len] = '\0';	/* the last newline: a message has none */
	rc = store_notify_char(ctx->store, t->side[1].id, buf_str(&b));
	buf_free(&b);
	return rc;
}

/*
 * After an offer or withdraw: read the trade again (the trigger cleared
 * both acceptances), show it, tell the other side.
 */
static enum tx_rc
trade_changed(struct cmd_ctx *ctx, struct store_trade *t)
{
	char	head[96];
	int64_t	id = t->id;

	store_trade_free(t);
	if (store_trade_lock(ctx->store, id, ctx->me.id, t) != STORE_OK)
		return TX_ERROR;
	snprintf(head, sizeof head, "%s changes the offer.", ctx->me.name);
	if (trade_tell(ctx, t, head) != STORE_OK)
		return TX_ERROR;
	trade_show(ctx->out, t, 0);
	return TX_COMMIT;
}

/* The handler's answer to a trade it did not find (or just closed). */
static enum tx_rc
trade_none(struct cmd_ctx *ctx, enum trade_load l)
{
	if (l == TRADE_ERR)
		return TX_ERROR;
	if (l == TRADE_ENDED)
		return TX_COMMIT;
	buf_add(ctx->out, "You are not trading with anyone.\n");
	return TX_ROLLBACK;
}

/* Load an open trade for offer, withdraw and accept; else answer. */
static enum trade_load
trade_load_open(struct cmd_ctx *ctx, struct store_trade *t, enum tx_rc *rc)
{
	enum trade_load	l = trade_load(ctx, t);

	if (l != TRADE_OK) {
		*rc = trade_none(ctx, l);
		return l;
	}
	if (!t->open) {
		buf_printf(ctx->out, "%s has not agreed to trade yet.\n",
		    t->side[1].name);
		*rc = TX_ROLLBACK;
		return TRADE_NONE;
	}
	return TRADE_OK;
}

/* The asked one agrees to trade id. */
static enum tx_rc
trade_agree(struct cmd_ctx *ctx, int64_t id)
{
	struct store_trade	t;
	char			head[96];
	enum tx_rc		rc = TX_ERROR;

	memset(&t, 0, sizeof t);
	switch (store_trade_join(ctx->store, id, ctx->me.id)) {
	case STORE_ERR:
		goto out;
	case STORE_NONE:
		rc = cmd_item_refuse(ctx, "You are already trading.");
		goto out;
	default:
		break;
	}
	if (store_trade_lock(ctx->store, id, ctx->me.id, &t) != STORE_OK)
		goto out;
	snprintf(head, sizeof head, "%s agrees to trade with you.",
	    ctx->me.name);
	if (trade_tell(ctx, &t, head) != STORE_OK)
		goto out;
	buf_printf(ctx->out, "You agree to trade with %s.\n", t.side[1].name);
	trade_show(ctx->out, &t, 0);
	rc = TX_COMMIT;
out:
	store_trade_free(&t);
	return rc;
}

/* Ask them to trade. */
static enum tx_rc
trade_ask(struct cmd_ctx *ctx, const struct store_char *them)
{
	char	low[STORE_NAME_MAX + 1], msg[160];
	int64_t	id;

	switch (store_trade_ask(ctx->store, ctx->me.id, them->id,
	    ctx->me.room_id, &id)) {
	case STORE_ERR:
		return TX_ERROR;
	case STORE_NONE:
		buf_add(ctx->out, "You are already trading.\n");
		return TX_ROLLBACK;
	default:
		break;
	}
	trade_lower(ctx->me.name, low, sizeof low);
	snprintf(msg, sizeof msg, "%s wants to trade with you; type 'trade %s'"
	    " to accept.", ctx->me.name, low);
	if (store_notify_char(ctx->store, them->id, msg) != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "You ask %s to trade. Waiting for them to type "
	    "'trade %s'.\n", them->name, low);
	return TX_COMMIT;
}

/* trade <name>: with a trade already, show it or refuse. */
static enum tx_rc
trade_with(struct cmd_ctx *ctx, const struct store_char *them)
{
	struct store_trade	t;
	enum trade_load		l;
	enum tx_rc		rc;
	int64_t			id;
	enum store_rc		src;

	if ((l = trade_load(ctx, &t)) == TRADE_ERR)
		return TX_ERROR;
	if (l == TRADE_OK) {
		if (t.side[1].id == them->id)
			trade_show(ctx->out, &t, 0);
		else
			buf_printf(ctx->out, "You are already trading with "
			    "%s; cancel that first.\n", t.side[1].name);
		rc = t.side[1].id == them->id ? TX_COMMIT : TX_ROLLBACK;
		store_trade_free(&t);
		return rc;
	}
	store_trade_free(&t);
	/*
	 * Two players asking each other at once: the second one joins.
	 * Locked after the trade row (trade_load), the order accept uses.
	 */
	if (store_trade_lock_pair(ctx->store, ctx->me.id, them->id) !=
	    STORE_OK)
		return TX_ERROR;
	src = store_trade_asked_by(ctx->store, them->id, ctx->me.id,
	    ctx->me.room_id, &id);
	if (src == STORE_ERR)
		return TX_ERROR;
	return src == STORE_OK ? trade_agree(ctx, id) : trade_ask(ctx, them);
}

/* trade [<name>] */
enum tx_rc
cmd_trade(struct cmd_ctx *ctx, const char *args)
{
	struct store_trade	t;
	struct store_char	them;
	char			name[STORE_NAME_MAX + 1], word[64];
	enum trade_load		l;
	enum store_rc		rc;

	if (args[0] == '\0') {
		if ((l = trade_load(ctx, &t)) != TRADE_OK)
			return trade_none(ctx, l);
		trade_show(ctx->out, &t, 0);
		store_trade_free(&t);
		return TX_COMMIT;
	}
	target_trim(args, word, sizeof word);
	if (!text_name_normalise(word, name, sizeof name))
		return cmd_item_refuse(ctx, "There is no one by that name here.");
	rc = store_char_in_room(ctx->store, ctx->me.room_id, name, &them);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no one called %s here.",
		    name);
	if (them.id == ctx->me.id)
		return cmd_item_refuse(ctx, "You can't trade with yourself.");
	return trade_with(ctx, &them);
}

/* Whether the container (or corpse) at set index c holds anything. */
static bool
trade_holds_anything(const struct store_item_set *set, int c)
{
	if (set->v[c].coins > 0)
		return true;
	for (int i = 0; i < set->n; i++) {
		if (set->v[i].kind == 'i' && set->v[i].place == 'i' &&
		    set->v[i].container_id == set->v[c].id)
			return true;
	}
	return false;
}

/* How many offers of side s the trade holds, and whether item is one. */
static int
trade_offers_of(const struct store_trade *t, int64_t who, int64_t item,
    bool *offered)
{
	int	n = 0;

	*offered = false;
	for (int i = 0; i < t->noffers; i++) {
		if (t->offers[i].item_id == item)
			*offered = true;
		n += t->offers[i].char_id == who;
	}
	return n;
}

/* offer <item>|all|all.<kw>: put things from the inventory on the table. */
static enum tx_rc
trade_offer_items(struct cmd_ctx *ctx, struct store_trade *t,
    const char *what)
{
	struct store_item_set	 set;
	struct target		 tg;
	int			*cand, k, added = 0, n;
	const char		*why = "You aren't carrying that.";
	bool			 offered;

	if (!target_parse(what, &tg))
		return cmd_item_refuse(ctx, why);
	if (store_item_scan(ctx->store, ctx->me.room_id, ctx->me.id,
	    STORE_SCAN_MINE | STORE_SCAN_INSIDE, &set) != STORE_OK)
		return TX_ERROR;
	cand = xcalloc((size_t)set.n + 1, sizeof *cand);
	k = cmd_item_find(&set, &tg, "c", 0, cand, set.n);
	for (int i = 0; i < k; i++) {
		const struct store_item	*it = &set.v[cand[i]];
		enum store_rc		 rc;

		n = trade_offers_of(t, ctx->me.id, it->id, &offered);
		if (offered) {
			why = "That is on the table already.";
			continue;
		}
		if (trade_holds_anything(&set, cand[i])) {
			buf_printf(ctx->out, "Empty %s first.\n", it->name);
			why = NULL;
			continue;
		}
		if (n + added >= STORE_TRADE_OFFERS_MAX) {
			buf_printf(ctx->out, "You can't offer more than %d "
			    "things.\n", STORE_TRADE_OFFERS_MAX);
			why = NULL;
			break;
		}
		rc = store_trade_offer(ctx->store, t->id, ctx->me.id, it->id);
		if (rc == STORE_ERR) {
			added = -1;
			break;
		}
		added += rc == STORE_OK;
	}
	free(cand);
	store_item_set_free(&set);
	if (added < 0)
		return TX_ERROR;
	if (added == 0)
		return why != NULL ? cmd_item_refuse(ctx, why) : TX_ROLLBACK;
	return trade_changed(ctx, t);
}

/* offer <n> coins | offer coins: set the coins on the table. */
static enum tx_rc
trade_offer_coins(struct cmd_ctx *ctx, struct store_trade *t,
    enum target_coins how, int64_t amount)
{
	int64_t	purse = t->side[0].purse;

	if (how == TARGET_COINS_BAD)
		return cmd_item_refuse(ctx, "You can only offer a positive "
		    "number of coins.");
	if (how == TARGET_COINS_ALL)
		amount = purse;
	if (amount == 0)
		return cmd_item_refuse(ctx, "You don't have any coins.");
	if (amount > purse)
		return cmd_refuse_rc(ctx, STORE_NONE, "You only have %lld "
		    "coin%s.", (long long)purse, purse == 1 ? "" : "s");
	if (store_trade_coins(ctx->store, ctx->me.id, amount) == STORE_ERR)
		return TX_ERROR;
	return trade_changed(ctx, t);
}


/* withdraw <item>|all.<kw>: the actor's offers the target names. */
static enum tx_rc
trade_withdraw_items(struct cmd_ctx *ctx, struct store_trade *t,
    const char *what)
{
	struct store_item_set	 set = { 0 };
	struct target		 tg;
	int64_t			*ids;
	int			*cand, k;
	enum store_rc		 rc;

	if (!target_parse(what, &tg))
		return cmd_item_refuse(ctx, "You don't offer that.");
	set.v = xcalloc((size_t)t->noffers + 1, sizeof *set.v);
	for (int i = 0; i < t->noffers; i++) {
		struct store_item	*it = &set.v[set.n];

		if (t->offers[i].char_id != ctx->me.id)
			continue;
		it->kind = 'i';
		it->place = STORE_PLACE_CARRIED;
		it->id = t->offers[i].item_id;
		util_strlcpy(it->keywords, t->offers[i].keywords,
		    sizeof it->keywords);
		set.n++;
	}
	cand = xcalloc((size_t)set.n + 1, sizeof *cand);
	ids = xcalloc((size_t)set.n + 1, sizeof *ids);
	k = cmd_item_find(&set, &tg, "c", 0, cand, set.n);
	for (int i = 0; i < k; i++)
		ids[i] = set.v[cand[i]].id;
	rc = k == 0 ? STORE_NONE : store_trade_withdraw(ctx->store,
	    ctx->me.id, ids, k);
	free(ids);
	free(cand);
	free(set.v);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "You don't offer that.");
	return trade_changed(ctx, t);
}

/* withdraw coins | withdraw <n> coins */
static enum tx_rc
trade_withdraw_coins(struct cmd_ctx *ctx, struct store_trade *t,
    enum target_coins how, int64_t amount)
{
	int64_t	have = t->side[0].coins;

	if (how == TARGET_COINS_BAD)
		return cmd_item_refuse(ctx, "You can only withdraw a positive "
		    "number of coins.");
	if (have == 0)
		return cmd_item_refuse(ctx, "You offer no coins.");
	if (how == TARGET_COINS_ALL)
		amount = have;
	if (amount > have)
		return cmd_refuse_rc(ctx, STORE_NONE, "You only offer %lld "
		    "coin%s.", (long long)have, have == 1 ? "" : "s");
	if (store_trade_coins(ctx->store, ctx->me.id, have - amount) ==
	    STORE_ERR)
		return TX_ERROR;
	return trade_changed(ctx, t);
}

/* withdraw: everything the actor offers. */
static enum tx_rc
trade_withdraw_all(struct cmd_ctx *ctx, struct store_trade *t)
{
	bool	offered;

	if (trade_offers_of(t, ctx->me.id, 0, &offered) == 0 &&
	    t->side[0].coins == 0)
		return cmd_item_refuse(ctx, "You offer nothing.");
	if (store_trade_withdraw(ctx->store, ctx->me.id, NULL, 0) ==
	    STORE_ERR || (t->side[0].coins > 0 &&
	    store_trade_coins(ctx->store, ctx->me.id, 0) == STORE_ERR))
		return TX_ERROR;
	return trade_changed(ctx, t);
}

/* How offer and withdraw change the table: items, coins, everything. */
struct trade_edit {
	enum tx_rc	(*items)(struct cmd_ctx *, struct store_trade *,
			    const char *);
	enum tx_rc	(*coins)(struct cmd_ctx *, struct store_trade *,
			    enum target_coins, int64_t);
	enum tx_rc	(*all)(struct cmd_ctx *, struct store_trade *);
};

/* Load the open trade and run the edit args names. */
static enum tx_rc
trade_edit(struct cmd_ctx *ctx, const char *args, const struct trade_edit *e)
{
	struct store_trade	t;
	enum target_coins	how;
	int64_t			amount;
	enum tx_rc		rc;

	if (trade_load_open(ctx, &t, &rc) != TRADE_OK) {
		store_trade_free(&t);
		return rc;
	}
	if (e->all != NULL && (args[0] == '\0' || strcmp(args, "all") == 0))
		rc = e->all(ctx, &t);
	else if ((how = target_parse_coins(args, &amount)) !=
	    TARGET_NOT_COINS)
		rc = e->coins(ctx, &t, how, amount);
	else
		rc = e->items(ctx, &t, args);
	store_trade_free(&t);
	return rc;
}

/* offer <item> | offer <n> coins */
enum tx_rc
cmd_offer(struct cmd_ctx *ctx, const char *args)
{
	static const struct trade_edit	e = { trade_offer_items,
	    trade_offer_coins, NULL };

	return trade_edit(ctx, args, &e);
}

/* withdraw [<item>|<n> coins|coins|all] */
enum tx_rc
cmd_withdraw(struct cmd_ctx *ctx, const char *args)
{
	static const struct trade_edit	e = { trade_withdraw_items,
	    trade_withdraw_coins, trade_withdraw_all };

	return trade_edit(ctx, args, &e);
}

/*
 * Why the swap cannot happen, with everything locked (into why, for both
 * to read); false when everything is where it was offered from.
 */
static bool
trade_goods_moved(const struct store_trade *t, char *why, size_t whysz)
{
	for (int i = 0; i < t->noffers; i++) {
		const struct store_trade_offer	*o = &t->offers[i];

		if (o->there)
			continue;
		snprintf(why, whysz, "%s no longer has %s to give",
		    t->side[o->char_id == t->side[0].id ? 0 : 1].name,
		    o->name);
		return true;
	}
	for (int s = 0; s < 2; s++) {
		const struct store_trade_side	*sd = &t->side[s];

		if (sd->coins <= sd->purse)
			continue;
		snprintf(why, whysz, "%s has only %lld coin%s, not the %lld "
		    "offered", sd->name, (long long)sd->purse,
		    sd->purse == 1 ? "" : "s", (long long)sd->coins);
		return true;
	}
	return false;
}

/*
 * Whether a side could not carry what it gets, once what it gives is gone
 * (into why); the carry limits of give (rules_item.h).
 */
static enum store_rc
trade_too_much(struct cmd_ctx *ctx, const struct store_trade *t, char *why,
    size_t whysz)
{
	for (int s = 0; s < 2; s++) {
		const struct store_trade_side	*sd = &t->side[s];
		struct rules_burden		 b = { .level = sd->level };
		int64_t				 n = 0, w = 0;
		enum rules_carry		 c;

		if (store_item_burden(ctx->store, sd->id, &b.count,
		    &b.weight) != STORE_OK)
			return STORE_ERR;
		for (int i = 0; i < t->noffers; i++) {
			const struct store_trade_offer	*o = &t->offers[i];
			int				 sign = o->char_id ==
							    sd->id ? -1 : 1;

			n += sign;
			w += sign * o->weight;
		}
		if ((c = rules_item_can_carry(&b, n, w)) == RULES_CARRY_OK)
			continue;
		snprintf(why, whysz, "%s can't carry %s", sd->name,
		    c == RULES_CARRY_COUNT ? "that many things" : "that much "
		    "weight");
		return STORE_OK;
	}
	return STORE_NONE;
}

/* What side s gets and gives, for the swap's message to it. */
static void
trade_done_text(struct buf *b, const struct store_trade *t, int s)
{
	buf_printf(b, CM_BGREEN "You trade with %s." CM_RESET "\nYou give ",
	    t->side[!s].name);
	trade_goods(b, t, s);
	buf_add(b, ".\nYou get ");
	trade_goods(b, t, !s);
	buf_add(b, ".");
}

/* The second accept: lock the goods, check them, swap or refuse. */
static enum tx_rc
trade_complete(struct cmd_ctx *ctx, struct store_trade *t)
{
	struct buf	b = { 0 };
	char		why[160] = "", msg[256];
	enum store_rc	rc;

	if (store_trade_lock_goods(ctx->store, t) != STORE_OK)
		return TX_ERROR;
	/* An offered item deleted meanwhile took its offer and the
	 * acceptances with it (the trigger): these are new terms. */
	if (!t->side[1].accepted)
		snprintf(why, sizeof why, "the terms changed");
	else if (!trade_goods_moved(t, why, sizeof why) &&
	    trade_too_much(ctx, t, why, sizeof why) == STORE_ERR)
		return TX_ERROR;
	if (why[0] != '\0') {
		snprintf(msg, sizeof msg, CM_BRED "The trade did not happen:"
		    CM_RESET " %s. Both must accept again.", why);
		if (store_trade_refuse(ctx->store, t->id) != STORE_OK ||
		    store_notify_char(ctx->store, t->side[1].id, msg) !=
		    STORE_OK)
			return TX_ERROR;
		buf_printf(ctx->out, "%s\n", msg);
		return TX_COMMIT;
	}
	if ((rc = store_trade_swap(ctx->store, t)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "The trade failed; nothing "
		    "changed.");
	trade_done_text(&b, t, 1);
	rc = store_notify_char(ctx->store, t->side[1].id, buf_str(&b));
	buf_free(&b);
	if (rc != STORE_OK)
		return TX_ERROR;
	trade_done_text(ctx->out, t, 0);
	buf_add(ctx->out, "\n");
	return TX_COMMIT;
}

/* accept: agree to the terms; the second accept makes the swap. */
enum tx_rc
cmd_accept(struct cmd_ctx *ctx, const char *args)
{
	struct store_trade	t;
	char			head[96];
	enum tx_rc		rc;

	(void)args;
	if (trade_load_open(ctx, &t, &rc) != TRADE_OK)
		goto out;
	rc = TX_ROLLBACK;
	if (t.side[0].accepted)
		buf_printf(ctx->out, "You have accepted already; waiting for "
		    "%s.\n", t.side[1].name);
	else if (t.noffers == 0 && t.side[0].coins == 0 &&
	    t.side[1].coins == 0)
		buf_add(ctx->out, "Nothing is on the table yet.\n");
	else if (t.side[1].accepted)
		rc = trade_complete(ctx, &t);
	else if (store_trade_accept(ctx->store, ctx->me.id, true) != STORE_OK)
		rc = TX_ERROR;
	else {
		t.side[0].accepted = true;
		snprintf(head, sizeof head, "%s accepts the trade.",
		    ctx->me.name);
		rc = trade_tell(ctx, &t, head) == STORE_OK ? TX_COMMIT :
		    TX_ERROR;
		buf_printf(ctx->out, "You accept the trade. Waiting for %s to "
		    "accept.\n", t.side[1].name);
	}
out:
	store_trade_free(&t);
	return rc;
}

/*
 * End every trade character id (called name) takes part in or was asked
 * to, telling the others; for quit and logout, in their transaction.
 */
enum store_rc
cmd_trade_leave(struct store *s, int64_t id, const char *name,
    const char *how)
{
	int64_t		others[16];
	char		msg[128];
	int		n;
	enum store_rc	rc;

	if ((rc = store_trade_leave(s, id, others, (int)nitems(others), &n)) !=
	    STORE_OK)
		return rc;
	snprintf(msg, sizeof msg, "The trade with %s is off: %s %s.", name,
	    name, how);
	for (int i = 0; i < n; i++) {
		if (store_notify_char(s, others[i], msg) != STORE_OK)
			return STORE_ERR;
	}
	return STORE_OK;
}

/* cancel: end the trade, or turn down every request to trade. */
enum tx_rc
cmd_cancel(struct cmd_ctx *ctx, const char *args)
{
	struct store_trade	t;
	enum trade_load		l;
	char			msg[96];
	int64_t			others[16];
	int			n;

	(void)args;
	if ((l = trade_load(ctx, &t)) == TRADE_OK) {
		store_trade_free(&t);
		if (store_trade_close(ctx->store, t.id) != STORE_OK)
			return TX_ERROR;
		snprintf(msg, sizeof msg, "%s cancels the trade.",
		    ctx->me.name);
		if (store_notify_char(ctx->store, t.side[1].id, msg) !=
		    STORE_OK)
			return TX_ERROR;
		buf_printf(ctx->out, "You cancel the trade with %s.\n",
		    t.side[1].name);
		return TX_COMMIT;
	}
	store_trade_free(&t);
	if (l != TRADE_NONE)
		return trade_none(ctx, l);
	if (store_trade_leave(ctx->store, ctx->me.id, others,
	    (int)nitems(others), &n) != STORE_OK)
		return TX_ERROR;
	if (n == 0)
		return trade_none(ctx, l);
	snprintf(msg, sizeof msg, "%s does not want to trade.", ctx->me.name);
	for (int i = 0; i < n; i++) {
		if (store_notify_char(ctx->store, others[i], msg) != STORE_OK)
			return TX_ERROR;
	}
	buf_printf(ctx->out, "You turn down %d request%s to trade.\n", n,
	    n == 1 ? "" : "s");
	return TX_COMMIT;
}
