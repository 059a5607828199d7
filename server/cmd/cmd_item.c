/*
 * cmd_item.c — picking things up and dropping them, coins included, and
 * what the item handlers share (cmd_item.h); put and give are in
 * cmd_item_put.c, wear, remove and the listings in cmd_wear.c.
 *
 * Each handler reads what is around the actor in one query, chooses in C
 * (targets, carry limits, capacity), and moves the chosen things with one
 * conditional UPDATE; it reports only what that UPDATE says moved, so of
 * two players grabbing the same thing exactly one gets it and the other
 * reads "You don't see that here."
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_item.h"
#include "cmd/cmd_util.h"
#include "ops/util.h"

/* What a get is working with. */
struct item_get {
	struct cmd_ctx			*ctx;
	struct store_item_holder	 h;
	struct store_item_set		 set;
	struct rules_burden		 b;
	struct cmd_item_news		 news;
	bool				 moved;		/* anything moved */
	bool				 refused;	/* a limit said no */
};

/* Whether a scanned thing is in the place a find letter names. */
static bool
cmd_item_in_place(const struct store_item *it, char place, int64_t container)
{
	switch (place) {
	case 'N':
		return it->kind == 'n';
	case 'P':
		return it->kind == 'p';
	case 'i':
		return it->kind == 'i' && it->place == 'i' &&
		    it->container_id == container;
	default:
		return it->kind == 'i' && it->place == place;
	}
}

/* The things of set the target names, looking through places in order. */
int
cmd_item_find(const struct store_item_set *set, const struct target *t,
    const char *places, int64_t container, int *out, int max)
{
	int	n = 0, seen = 0;

	for (const char *pl = places; *pl != '\0'; pl++) {
		for (int i = 0; i < set->n; i++) {
			const struct store_item	*it = &set->v[i];

			if (!cmd_item_in_place(it, *pl, container) ||
			    !target_names(t, it->keywords))
				continue;
			if (t->kind == TARGET_ONE) {
				if (++seen < t->nth)
					continue;
				if (max > 0)
					out[0] = i;
				return max > 0 ? 1 : 0;
			}
			if (n < max)
				out[n++] = i;
		}
	}
	return n;
}

/* Whether an item can hold other items. */
bool
cmd_item_holds(const struct store_item *it)
{
	return it->kind == 'i' && (strcmp(it->type, "container") == 0 ||
	    strcmp(it->type, "corpse") == 0);
}

/* What the actor carries, from a scan that includes its things. */
void
cmd_item_burden(const struct store_item_set *set, int32_t level,
    struct rules_burden *b)
{
	memset(b, 0, sizeof *b);
	b->level = level;
	for (int i = 0; i < set->n; i++) {
		const struct store_item	*it = &set->v[i];

		if (it->kind != 'i')
			continue;
		if (it->place == STORE_PLACE_CARRIED)
			b->count++;
		if (it->place == STORE_PLACE_CARRIED ||
		    it->place == STORE_PLACE_WORN)
			b->weight += it->total;
	}
}

/* Add a line for the room. */
void
cmd_item_news_add(struct cmd_item_news *n, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;

	if (n->lines >= CMD_ITEM_NEWS_LINES) {
		n->more++;
		return;
	}
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	if (n->lines++ > 0)
		buf_add(&n->text, "\n");
	buf_add(&n->text, line);
	free(line);
}

/* Tell the room the lines, if any, and free them. */
enum store_rc
cmd_item_news_send(struct cmd_ctx *ctx, int32_t room,
    struct cmd_item_news *n, int64_t except2)
{
	enum store_rc	rc = STORE_OK;

	if (n->more > 0)
		buf_printf(&n->text, "\n... and %d more.", n->more);
	if (n->lines > 0)
		rc = store_notify_room2(ctx->store, room, ctx->me.id,
		    except2, buf_str(&n->text));
	buf_free(&n->text);
	memset(n, 0, sizeof *n);
	return rc;
}

/* Write the grouped contents of a container. */
void
cmd_item_contents(struct buf *out, const struct store_item_set *set,
    const struct store_item *c)
{
	char	 cap[STORE_ITEM_NAME_MAX + 1];
	bool	*done = xcalloc((size_t)set->n + 1, sizeof *done);
	int	 shown = 0;

	text_capitalise(c->name, cap, sizeof cap);
	for (int i = 0; i < set->n; i++) {
		const struct store_item	*it = &set->v[i];
		int			 n = 1;

		if (done[i] || !cmd_item_in_place(it, 'i', c->id))
			continue;
		for (int j = i + 1; j < set->n; j++) {
			const struct store_item	*o = &set->v[j];

			if (!done[j] && cmd_item_in_place(o, 'i', c->id) &&
			    strcmp(o->proto, it->proto) == 0 &&
			    strcmp(o->name, it->name) == 0) {
				done[j] = true;
				n++;
			}
		}
		if (shown++ == 0)
			buf_printf(out, "%s contains:\n", cap);
		if (n > 1)
			buf_printf(out, "  %s (x%d)\n", it->name, n);
		else
			buf_printf(out, "  %s\n", it->name);
	}
	if (c->coins > 0) {
		if (shown++ == 0)
			buf_printf(out, "%s contains:\n", cap);
		buf_printf(out, "  %lld coin%s\n", (long long)c->coins,
		    c->coins == 1 ? "" : "s");
	}
	if (shown == 0)
		buf_printf(out, "%s is empty.\n", cap);
	free(done);
}

/* Refuse with a line; the transaction rolls back. */
enum tx_rc
cmd_item_refuse(struct cmd_ctx *ctx, const char *why)
{
	buf_printf(ctx->out, "%s\n", why);
	return TX_ROLLBACK;
}

/* " from <container>" for messages into out, or "" for the floor. */
static void
item_from(const struct store_item *c, char *out, size_t outsz)
{
	if (c == NULL)
		out[0] = '\0';
	else
		snprintf(out, outsz, " from %s", c->name);
}

/* Take coins from the floor (c NULL) or a container into the purse. */
static enum store_rc
item_coins_take(struct item_get *g, int64_t amount, const struct store_item *c)
{
	char		from[STORE_ITEM_NAME_MAX + 8];
	enum store_rc	rc;

	rc = store_item_coins(g->ctx->store, c != NULL ?
	    STORE_COINS_ITEM_TO_CHAR : STORE_COINS_ROOM_TO_CHAR,
	    c != NULL ? c->id : g->h.room_id, g->ctx->me.id, g->h.room_id,
	    amount);
	if (rc != STORE_OK)
		return rc;
	item_from(c, from, sizeof from);
	buf_printf(g->ctx->out, "You get %lld coin%s%s.\n", (long long)amount,
	    amount == 1 ? "" : "s", from);
	cmd_item_news_add(&g->news, "%s gets %lld coin%s%s.", g->ctx->me.name,
	    (long long)amount, amount == 1 ? "" : "s", from);
	g->moved = true;
	return STORE_OK;
}

/* get N coins / get coins, from the floor or a container. */
static enum tx_rc
item_get_coins(struct item_get *g, enum target_coins how, int64_t amount,
    const struct store_item *c)
{
	int64_t		have = c != NULL ? c->coins : g->h.room_coins;
	enum store_rc	rc;

	if (how == TARGET_COINS_BAD)
		return cmd_item_refuse(g->ctx, "You can only take a positive "
		    "number of coins.");
	if (have == 0)
		return cmd_item_refuse(g->ctx, "There are no coins here.");
	if (how == TARGET_COINS_ALL)
		amount = have;
	if (amount > have)
		return cmd_item_refuse(g->ctx, "There aren't that many coins "
		    "here.");
	if ((rc = item_coins_take(g, amount, c)) != STORE_OK)
		return cmd_refuse_rc(g->ctx, rc, "There are no coins here.");
	return TX_COMMIT;
}

/*
 * Take the chosen things (set indexes) into the inventory, within the
 * carry limits, from the floor (c NULL) or from container c.
 */
static enum store_rc
item_take(struct item_get *g, const int *cand, int k,
    const struct store_item *c)
{
	struct store_item_batch	 mv;
	int64_t			*w = xcalloc((size_t)k + 1, sizeof *w);
	int			*adds = xcalloc((size_t)k + 1, sizeof *adds);
	bool			*take = xcalloc((size_t)k + 1, sizeof *take);
	bool			 why[3] = { false, false, false };
	bool			 on_me = c != NULL &&
				    (c->place == STORE_PLACE_CARRIED ||
				    c->place == STORE_PLACE_WORN);
	char			 from[STORE_ITEM_NAME_MAX + 8];
	enum store_rc		 rc;

	/* Out of a container already on me, only the count grows. */
	for (int i = 0; i < k; i++) {
		w[i] = on_me ? 0 : g->set.v[cand[i]].total;
		adds[i] = 1;
	}
	rules_item_take(&g->b, w, adds, k, take, why);
	store_item_batch_init(&mv, k);
	for (int i = 0; i < k; i++) {
		if (take[i])
			store_item_batch_add(&mv, g->set.v[cand[i]].id, NULL);
	}
	rc = store_item_move(g->ctx->store, c != NULL ?
	    STORE_MOVE_INSIDE_TO_CHAR : STORE_MOVE_ROOM_TO_CHAR, &mv,
	    c != NULL ? c->id : g->h.room_id, g->ctx->me.id, g->h.room_id);
	item_from(c, from, sizeof from);
	for (int i = 0; rc == STORE_OK && i < k; i++) {
		const struct store_item	*it = &g->set.v[cand[i]];

		if (!take[i] || !store_item_batch_moved(&mv, it->id))
			continue;
		buf_printf(g->ctx->out, "You get %s%s.\n", it->name, from);
		cmd_item_news_add(&g->news, "%s gets %s%s.", g->ctx->me.name,
		    it->name, from);
	}
	if (why[RULES_CARRY_COUNT])
		buf_add(g->ctx->out, "You can't carry that many items.\n");
	if (why[RULES_CARRY_WEIGHT])
		buf_add(g->ctx->out, "That is too heavy for you to carry.\n");
	g->moved |= mv.nmoved > 0;
	g->refused |= why[RULES_CARRY_COUNT] || why[RULES_CARRY_WEIGHT];
	store_item_batch_free(&mv);
	free(w);
	free(adds);
	free(take);
	return rc;
}

/* How a get ends: committed if anything moved, else why not. */
static enum tx_rc
item_get_end(struct item_get *g, const char *none)
{
	if (g->moved)
		return TX_COMMIT;
	if (!g->refused)
		buf_printf(g->ctx->out, "%s\n", none);
	return TX_ROLLBACK;
}

/* get ITEM | all | all.KW | coins, from the floor. */
static enum tx_rc
item_get_room(struct item_get *g, const char *what)
{
	struct target		 t;
	enum target_coins	 how;
	int64_t			 amount;
	int			*cand, k, n = 0;
	bool			 everything;

	if ((how = target_parse_coins(what, &amount)) != TARGET_NOT_COINS)
		return item_get_coins(g, how, amount, NULL);
	if (!target_parse(what, &t))
		return cmd_item_refuse(g->ctx, "You don't see that here.");
	everything = t.kind == TARGET_ALL && t.words[0] == '\0';
	cand = xcalloc((size_t)g->set.n + 1, sizeof *cand);
	k = cmd_item_find(&g->set, &t, "r", 0, cand, g->set.n);
	/* Corpses stay where they fell: take from them instead. */
	for (int i = 0; i < k; i++) {
		if (strcmp(g->set.v[cand[i]].type, "corpse") != 0)
			cand[n++] = cand[i];
		else if (t.kind == TARGET_ONE) {
			free(cand);
			return cmd_item_refuse(g->ctx, "You can't take that.");
		}
	}
	if (n > 0 && item_take(g, cand, n, NULL) == STORE_ERR) {
		free(cand);
		return TX_ERROR;
	}
	free(cand);
	if (everything && g->h.room_coins > 0 &&
	    item_coins_take(g, g->h.room_coins, NULL) == STORE_ERR)
		return TX_ERROR;
	if (k > n && n == 0 && !everything)
		return cmd_item_refuse(g->ctx, "You can't take that.");
	return item_get_end(g, everything && k == 0 ? "There is nothing here." :
	    "You don't see that here.");
}

/* get ITEM | all | all.KW | coins from CONTAINER. */
static enum tx_rc
item_get_from(struct item_get *g, const char *what, const char *from)
{
	struct target		 t, tc;
	enum target_coins	 how;
	int64_t			 amount;
	const struct store_item	*c;
	int			*cand, k, ci;
	char			 msg[STORE_ITEM_NAME_MAX + 64];
	bool			 everything;

	if (!target_parse(from, &tc) || tc.kind != TARGET_ONE ||
	    cmd_item_find(&g->set, &tc, "cwr", 0, &ci, 1) == 0)
		return cmd_item_refuse(g->ctx, "You don't see that here.");
	c = &g->set.v[ci];
	if (!cmd_item_holds(c))
		return cmd_item_refuse(g->ctx, "That isn't a container.");
	if ((how = target_parse_coins(what, &amount)) != TARGET_NOT_COINS)
		return item_get_coins(g, how, amount, c);
	snprintf(msg, sizeof msg, "You don't see that in %s.", c->name);
	if (!target_parse(what, &t))
		return cmd_item_refuse(g->ctx, msg);
	everything = t.kind == TARGET_ALL && t.words[0] == '\0';
	cand = xcalloc((size_t)g->set.n + 1, sizeof *cand);
	k = cmd_item_find(&g->set, &t, "i", c->id, cand, g->set.n);
	if (k > 0 && item_take(g, cand, k, c) == STORE_ERR) {
		free(cand);
		return TX_ERROR;
	}
	free(cand);
	if (everything && c->coins > 0 &&
	    item_coins_take(g, c->coins, c) == STORE_ERR)
		return TX_ERROR;
	if (everything && k == 0 && c->coins == 0) {
		text_capitalise(c->name, msg, sizeof msg);
		buf_printf(g->ctx->out, "%s is empty.\n", msg);
		return TX_ROLLBACK;
	}
	return item_get_end(g, k == 0 ? msg : "You don't see that here.");
}

/*
 * "get all corpse", "get dagger sack": without "from", a last word that
 * names a container near the actor is where to take from, unless the
 * whole text names something on the floor ("get long sword").
 */
static void
item_get_split(const struct store_item_set *set, const char *args,
    char *what, size_t whatsz, char *from, size_t fromsz)
{
	struct target	 tc, tw;
	char		*sp;
	int		 i;
	bool		 allish;

	target_trim(args, what, whatsz);
	from[0] = '\0';
	if ((sp = strchr(what, ' ')) == NULL)
		return;
	if (!target_parse(sp + 1, &tc) || tc.kind != TARGET_ONE ||
	    cmd_item_find(set, &tc, "cwr", 0, &i, 1) == 0 ||
	    !cmd_item_holds(&set->v[i]))
		return;
	allish = strncmp(what, "all ", 4) == 0 || strncmp(what, "all.", 4) == 0;
	if (!allish && target_parse(what, &tw) &&
	    cmd_item_find(set, &tw, "r", 0, &i, 1) > 0)
		return;
	target_trim(sp + 1, from, fromsz);
	*sp = '\0';
}

/* get/take ITEM | all | all.KW | N coins [from CONTAINER] */
enum tx_rc
cmd_get(struct cmd_ctx *ctx, const char *args)
{
	struct item_get	g = { .ctx = ctx };
	char		what[CMD_ITEM_ARG_MAX], from[CMD_ITEM_ARG_MAX];
	enum tx_rc	rc;
	enum store_rc	src;

	/* Locked first, so the burden read below is current. */
	if ((src = store_item_lock_char(ctx->store, ctx->me.id, 0, &g.h)) !=
	    STORE_OK)
		return cmd_refuse_rc(ctx, src, "You don't see that here.");
	if (store_item_scan(ctx->store, g.h.room_id, ctx->me.id,
	    STORE_SCAN_ROOM | STORE_SCAN_MINE | STORE_SCAN_INSIDE, &g.set) !=
	    STORE_OK)
		return TX_ERROR;
	cmd_item_burden(&g.set, g.h.level, &g.b);
	if (!target_split(args, "from", what, sizeof what, from, sizeof from))
		item_get_split(&g.set, args, what, sizeof what, from,
		    sizeof from);
	if (from[0] != '\0')
		rc = item_get_from(&g, what, from);
	else
		rc = item_get_room(&g, what);
	if (rc == TX_COMMIT && cmd_item_news_send(ctx, g.h.room_id, &g.news,
	    0) != STORE_OK)
		rc = TX_ERROR;
	buf_free(&g.news.text);
	store_item_set_free(&g.set);
	return rc;
}

/* drop N coins / drop coins */
static enum tx_rc
item_drop_coins(struct cmd_ctx *ctx, enum target_coins how, int64_t amount)
{
	char		msg[96];
	enum store_rc	rc;

	if (how == TARGET_COINS_BAD)
		return cmd_item_refuse(ctx, "You can only drop a positive number "
		    "of coins.");
	if (how == TARGET_COINS_ALL && ctx->me.coins == 0)
		return cmd_item_refuse(ctx, "You don't have any coins.");
	if (how == TARGET_COINS_ALL)
		amount = ctx->me.coins;
	if ((rc = store_item_coins(ctx->store, STORE_COINS_CHAR_TO_ROOM,
	    ctx->me.id, ctx->me.room_id, ctx->me.room_id, amount)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc,
		    "You don't have that many coins.");
	buf_printf(ctx->out, "You drop %lld coin%s.\n", (long long)amount,
	    amount == 1 ? "" : "s");
	snprintf(msg, sizeof msg, "%s drops %lld coin%s.", ctx->me.name,
	    (long long)amount, amount == 1 ? "" : "s");
	if (store_notify_room(ctx->store, ctx->me.room_id, ctx->me.id, msg) !=
	    STORE_OK)
		return TX_ERROR;
	return TX_COMMIT;
}

/*
 * Move the chosen inventory things (set indexes) with how, and say so to
 * the actor and (in news) the room.  Returns how many moved, -1 on error.
 */
int
cmd_item_hand_over(struct cmd_ctx *ctx, const struct store_item_set *set,
    const int *cand, int k, enum store_item_move how, int64_t to,
    const struct cmd_item_words *wd, struct cmd_item_news *news)
{
	struct store_item_batch	mv;
	int			nmoved;

	store_item_batch_init(&mv, k);
	for (int i = 0; i < k; i++)
		store_item_batch_add(&mv, set->v[cand[i]].id, NULL);
	nmoved = store_item_move(ctx->store, how, &mv, ctx->me.id, to,
	    ctx->me.room_id) != STORE_OK ? -1 : mv.nmoved;
	for (int i = 0; nmoved > 0 && i < k; i++) {
		const struct store_item	*it = &set->v[cand[i]];

		if (!store_item_batch_moved(&mv, it->id))
			continue;
		buf_printf(ctx->out, "You %s %s%s%s.\n", wd->mine, it->name,
		    wd->prep, wd->to);
		cmd_item_news_add(news, "%s %s %s%s%s.", ctx->me.name,
		    wd->theirs, it->name, wd->prep, wd->to);
	}
	store_item_batch_free(&mv);
	return nmoved;
}

static const struct cmd_item_words item_drop_words = { "drop", "drops", "", "" };

/* drop ITEM | all | all.KW | N coins */
enum tx_rc
cmd_drop(struct cmd_ctx *ctx, const char *args)
{
	struct store_item_set	 set;
	struct cmd_item_news	 news = { .lines = 0 };
	struct target		 t;
	enum target_coins	 how;
	int64_t			 amount;
	int			*cand, k, moved;

	if ((how = target_parse_coins(args, &amount)) != TARGET_NOT_COINS)
		return item_drop_coins(ctx, how, amount);
	if (!target_parse(args, &t))
		return cmd_item_refuse(ctx, "You aren't carrying that.");
	if (store_item_scan(ctx->store, ctx->me.room_id, ctx->me.id,
	    STORE_SCAN_MINE, &set) != STORE_OK)
		return TX_ERROR;
	cand = xcalloc((size_t)set.n + 1, sizeof *cand);
	k = cmd_item_find(&set, &t, "c", 0, cand, set.n);
	moved = k == 0 ? 0 : cmd_item_hand_over(ctx, &set, cand, k,
	    STORE_MOVE_CHAR_TO_ROOM, ctx->me.room_id, &item_drop_words, &news);
	free(cand);
	store_item_set_free(&set);
	if (moved < 0 || (moved > 0 && cmd_item_news_send(ctx,
	    ctx->me.room_id, &news, 0) != STORE_OK)) {
		buf_free(&news.text);
		return TX_ERROR;
	}
	buf_free(&news.text);
	if (moved > 0)
		return TX_COMMIT;
	return cmd_item_refuse(ctx, k == 0 && t.kind == TARGET_ALL &&
	    t.words[0] == '\0' ? "You aren't carrying anything." :
	    "You aren't carrying that.");
}
