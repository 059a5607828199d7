/*
 * cmd_item.c — picking things up, dropping them, putting them into
 * containers and giving them away, coins included.
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

#include "game/cmd_item.h"
#include "ops/util.h"

#define ITEM_ARG_MAX	256

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

/* Copy s with its first letter in upper case. */
void
cmd_item_cap(const char *s, char *out, size_t outsz)
{
	util_strlcpy(out, s, outsz);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
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

	cmd_item_cap(c->name, cap, sizeof cap);
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
static enum tx_rc
item_refuse(struct cmd_ctx *ctx, const char *why)
{
	buf_printf(ctx->out, "%s\n", why);
	return TX_ROLLBACK;
}

/* Whether id is among the n moved ids. */
static bool
item_moved(const int64_t *moved, int n, int64_t id)
{
	for (int i = 0; i < n; i++) {
		if (moved[i] == id)
			return true;
	}
	return false;
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
	int64_t	have = c != NULL ? c->coins : g->h.room_coins;

	if (how == TARGET_COINS_BAD)
		return item_refuse(g->ctx, "You can only take a positive "
		    "number of coins.");
	if (have == 0)
		return item_refuse(g->ctx, "There are no coins here.");
	if (how == TARGET_COINS_ALL)
		amount = have;
	if (amount > have)
		return item_refuse(g->ctx, "There aren't that many coins "
		    "here.");
	switch (item_coins_take(g, amount, c)) {
	case STORE_ERR:
		return TX_ERROR;
	case STORE_NONE:
		return item_refuse(g->ctx, "There are no coins here.");
	case STORE_OK:
		break;
	}
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
	int64_t		*w = xcalloc((size_t)k + 1, sizeof *w);
	int64_t		*ids = xcalloc((size_t)k + 1, sizeof *ids);
	int64_t		*moved = xcalloc((size_t)k + 1, sizeof *moved);
	int		*adds = xcalloc((size_t)k + 1, sizeof *adds);
	bool		*take = xcalloc((size_t)k + 1, sizeof *take);
	bool		 why[3] = { false, false, false };
	bool		 on_me = c != NULL &&
			    (c->place == STORE_PLACE_CARRIED ||
			    c->place == STORE_PLACE_WORN);
	char		 from[STORE_ITEM_NAME_MAX + 8];
	int		 nids = 0, nmoved = 0;
	enum store_rc	 rc;

	/* Out of a container already on me, only the count grows. */
	for (int i = 0; i < k; i++) {
		w[i] = on_me ? 0 : g->set.v[cand[i]].total;
		adds[i] = 1;
	}
	rules_item_take(&g->b, w, adds, k, take, why);
	for (int i = 0; i < k; i++) {
		if (take[i])
			ids[nids++] = g->set.v[cand[i]].id;
	}
	rc = store_item_move(g->ctx->store, c != NULL ?
	    STORE_MOVE_INSIDE_TO_CHAR : STORE_MOVE_ROOM_TO_CHAR, ids, nids,
	    c != NULL ? c->id : g->h.room_id, g->ctx->me.id, g->h.room_id,
	    moved, &nmoved);
	item_from(c, from, sizeof from);
	for (int i = 0; rc == STORE_OK && i < k; i++) {
		const struct store_item	*it = &g->set.v[cand[i]];

		if (!take[i] || !item_moved(moved, nmoved, it->id))
			continue;
		buf_printf(g->ctx->out, "You get %s%s.\n", it->name, from);
		cmd_item_news_add(&g->news, "%s gets %s%s.", g->ctx->me.name,
		    it->name, from);
	}
	if (why[RULES_CARRY_COUNT])
		buf_add(g->ctx->out, "You can't carry that many items.\n");
	if (why[RULES_CARRY_WEIGHT])
		buf_add(g->ctx->out, "That is too heavy for you to carry.\n");
	g->moved |= nmoved > 0;
	g->refused |= why[RULES_CARRY_COUNT] || why[RULES_CARRY_WEIGHT];
	free(w);
	free(ids);
	free(moved);
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
		return item_refuse(g->ctx, "You don't see that here.");
	everything = t.kind == TARGET_ALL && t.words[0] == '\0';
	cand = xcalloc((size_t)g->set.n + 1, sizeof *cand);
	k = cmd_item_find(&g->set, &t, "r", 0, cand, g->set.n);
	/* Corpses stay where they fell: take from them instead. */
	for (int i = 0; i < k; i++) {
		if (strcmp(g->set.v[cand[i]].type, "corpse") != 0)
			cand[n++] = cand[i];
		else if (t.kind == TARGET_ONE) {
			free(cand);
			return item_refuse(g->ctx, "You can't take that.");
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
		return item_refuse(g->ctx, "You can't take that.");
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
		return item_refuse(g->ctx, "You don't see that here.");
	c = &g->set.v[ci];
	if (!cmd_item_holds(c))
		return item_refuse(g->ctx, "That isn't a container.");
	if ((how = target_parse_coins(what, &amount)) != TARGET_NOT_COINS)
		return item_get_coins(g, how, amount, c);
	snprintf(msg, sizeof msg, "You don't see that in %s.", c->name);
	if (!target_parse(what, &t))
		return item_refuse(g->ctx, msg);
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
		cmd_item_cap(c->name, msg, sizeof msg);
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
	char		what[ITEM_ARG_MAX], from[ITEM_ARG_MAX];
	enum tx_rc	rc;

	/* Locked first, so the burden read below is current. */
	switch (store_item_lock_char(ctx->store, ctx->me.id, 0, &g.h)) {
	case STORE_ERR:
		return TX_ERROR;
	case STORE_NONE:
		return item_refuse(ctx, "You don't see that here.");
	case STORE_OK:
		break;
	}
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
	char	msg[96];

	if (how == TARGET_COINS_BAD)
		return item_refuse(ctx, "You can only drop a positive number "
		    "of coins.");
	if (how == TARGET_COINS_ALL && ctx->me.coins == 0)
		return item_refuse(ctx, "You don't have any coins.");
	if (how == TARGET_COINS_ALL)
		amount = ctx->me.coins;
	switch (store_item_coins(ctx->store, STORE_COINS_CHAR_TO_ROOM,
	    ctx->me.id, ctx->me.room_id, ctx->me.room_id, amount)) {
	case STORE_ERR:
		return TX_ERROR;
	case STORE_NONE:
		return item_refuse(ctx, "You don't have that many coins.");
	case STORE_OK:
		break;
	}
	buf_printf(ctx->out, "You drop %lld coin%s.\n", (long long)amount,
	    amount == 1 ? "" : "s");
	snprintf(msg, sizeof msg, "%s drops %lld coin%s.", ctx->me.name,
	    (long long)amount, amount == 1 ? "" : "s");
	if (store_notify_room(ctx->store, ctx->me.room_id, ctx->me.id, msg) !=
	    STORE_OK)
		return TX_ERROR;
	return TX_COMMIT;
}

/* How item_hand_over words what moved: "You put X in Y.", "Al puts X in Y." */
struct item_words {
	const char	*mine;		/* "drop", "put" */
	const char	*theirs;	/* "drops", "puts" */
	const char	*prep;		/* "" or " in " */
	const char	*to;		/* "" or the container's name */
};

/*
 * Move the chosen inventory things (set indexes) with how, and say so to
 * the actor and (in news) the room.  Returns how many moved, -1 on error.
 */
static int
item_hand_over(struct cmd_ctx *ctx, const struct store_item_set *set,
    const int *cand, int k, enum store_item_move how, int64_t to,
    const struct item_words *wd, struct cmd_item_news *news)
{
	int64_t	*ids = xcalloc((size_t)k + 1, sizeof *ids);
	int64_t	*moved = xcalloc((size_t)k + 1, sizeof *moved);
	int	 nmoved = 0;

	for (int i = 0; i < k; i++)
		ids[i] = set->v[cand[i]].id;
	if (store_item_move(ctx->store, how, ids, k, ctx->me.id, to,
	    ctx->me.room_id, moved, &nmoved) != STORE_OK)
		nmoved = -1;
	for (int i = 0; nmoved > 0 && i < k; i++) {
		const struct store_item	*it = &set->v[cand[i]];

		if (!item_moved(moved, nmoved, it->id))
			continue;
		buf_printf(ctx->out, "You %s %s%s%s.\n", wd->mine, it->name,
		    wd->prep, wd->to);
		cmd_item_news_add(news, "%s %s %s%s%s.", ctx->me.name,
		    wd->theirs, it->name, wd->prep, wd->to);
	}
	free(ids);
	free(moved);
	return nmoved;
}

static const struct item_words item_drop_words = { "drop", "drops", "", "" };

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
		return item_refuse(ctx, "You aren't carrying that.");
	if (store_item_scan(ctx->store, ctx->me.room_id, ctx->me.id,
	    STORE_SCAN_MINE, &set) != STORE_OK)
		return TX_ERROR;
	cand = xcalloc((size_t)set.n + 1, sizeof *cand);
	k = cmd_item_find(&set, &t, "c", 0, cand, set.n);
	moved = k == 0 ? 0 : item_hand_over(ctx, &set, cand, k,
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
	return item_refuse(ctx, k == 0 && t.kind == TARGET_ALL &&
	    t.words[0] == '\0' ? "You aren't carrying anything." :
	    "You aren't carrying that.");
}

/* Split "X in Y" ("into" too, or "X Y" by the first word). */
static bool
item_put_split(const char *args, char *what, size_t whatsz, char *into,
    size_t intosz)
{
	char	*sp;

	if (target_split(args, "in", what, whatsz, into, intosz) ||
	    target_split(args, "into", what, whatsz, into, intosz))
		return true;
	target_trim(args, what, whatsz);
	if ((sp = strchr(what, ' ')) == NULL)
		return false;
	target_trim(sp + 1, into, intosz);
	*sp = '\0';
	return true;
}

/* Choose what fits in c among the candidates, by weight; say what won't. */
static int
item_put_fit(struct cmd_ctx *ctx, const struct store_item_set *set, int *cand,
    int k, const struct store_item *c, int64_t contents, bool single)
{
	char	cap[STORE_ITEM_NAME_MAX + 1];
	int	n = 0;

	for (int i = 0; i < k; i++) {
		const struct store_item	*it = &set->v[cand[i]];

		/* A corpse goes in nothing; a container never in itself. */
		if (strcmp(it->type, "corpse") != 0 &&
		    rules_item_fits(c->capacity, contents, it->total)) {
			contents += it->total;
			cand[n++] = cand[i];
		} else if (single)
			buf_add(ctx->out, "It won't fit.\n");
		else {
			cmd_item_cap(it->name, cap, sizeof cap);
			buf_printf(ctx->out, "%s won't fit.\n", cap);
		}
	}
	return n;
}

/* Find what put puts into: a container near the actor. */
static enum tx_rc
item_put_target(struct cmd_ctx *ctx, const struct store_item_set *set,
    const char *into, int *ci)
{
	struct target	tc;
	char		msg[STORE_ITEM_NAME_MAX + 64];

	if (!target_parse(into, &tc) || tc.kind != TARGET_ONE ||
	    cmd_item_find(set, &tc, "cwr", 0, ci, 1) == 0)
		return item_refuse(ctx, "You don't see that here.");
	if (strcmp(set->v[*ci].type, "corpse") == 0) {
		snprintf(msg, sizeof msg, "You can't put anything in %s.",
		    set->v[*ci].name);
		return item_refuse(ctx, msg);
	}
	if (!cmd_item_holds(&set->v[*ci]))
		return item_refuse(ctx, "That isn't a container.");
	return TX_COMMIT;
}

/* Choose and put the things; the set is the caller's. */
static enum tx_rc
item_put(struct cmd_ctx *ctx, const struct store_item_set *set,
    const struct target *t, int ci, int *cand)
{
	const struct store_item	*c = &set->v[ci];
	struct cmd_item_news	 news = { .lines = 0 };
	struct item_words	 wd = { "put", "puts", " in ", "" };
	int64_t			 contents;
	int			 k, n = 0, moved;

	k = cmd_item_find(set, t, "c", 0, cand, set->n);
	for (int i = 0; i < k; i++) {
		if (cand[i] != ci)
			cand[n++] = cand[i];
		else if (t->kind == TARGET_ONE)
			return item_refuse(ctx, "You can't put something in "
			    "itself.");
	}
	if (n == 0)
		return item_refuse(ctx, t->kind == TARGET_ALL &&
		    t->words[0] == '\0' ? "You aren't carrying anything." :
		    "You aren't carrying that.");
	/* Locked before its contents are weighed: puts queue up. */
	switch (store_item_lock_container(ctx->store, c->id, ctx->me.room_id,
	    ctx->me.id)) {
	case STORE_ERR:
		return TX_ERROR;
	case STORE_NONE:
		return item_refuse(ctx, "You don't see that here.");
	case STORE_OK:
		break;
	}
	if (store_item_contents_weight(ctx->store, c->id, &contents) !=
	    STORE_OK)
		return TX_ERROR;
	if ((n = item_put_fit(ctx, set, cand, n, c, contents,
	    t->kind == TARGET_ONE)) == 0)
		return TX_ROLLBACK;
	wd.to = c->name;
	moved = item_hand_over(ctx, set, cand, n, STORE_MOVE_CHAR_TO_INSIDE,
	    c->id, &wd, &news);
	if (moved < 0 || (moved > 0 && cmd_item_news_send(ctx,
	    ctx->me.room_id, &news, 0) != STORE_OK)) {
		buf_free(&news.text);
		return TX_ERROR;
	}
	buf_free(&news.text);
	if (moved == 0)
		return item_refuse(ctx, "You aren't carrying that.");
	return TX_COMMIT;
}

/* put ITEM | all | all.KW in CONTAINER */
enum tx_rc
cmd_put(struct cmd_ctx *ctx, const char *args)
{
	struct store_item_set	 set;
	struct target		 t;
	char			 what[ITEM_ARG_MAX], into[ITEM_ARG_MAX];
	int			*cand, ci;
	enum tx_rc		 rc;

	if (!item_put_split(args, what, sizeof what, into, sizeof into))
		return item_refuse(ctx, "Put what in what?");
	if (!target_parse(what, &t))
		return item_refuse(ctx, "You aren't carrying that.");
	if (store_item_scan(ctx->store, ctx->me.room_id, ctx->me.id,
	    STORE_SCAN_ROOM | STORE_SCAN_MINE, &set) != STORE_OK)
		return TX_ERROR;
	if ((rc = item_put_target(ctx, &set, into, &ci)) == TX_COMMIT) {
		cand = xcalloc((size_t)set.n + 1, sizeof *cand);
		rc = item_put(ctx, &set, &t, ci, cand);
		free(cand);
	}
	store_item_set_free(&set);
	return rc;
}

/* Split "X to NAME" (or "X NAME" by the last word). */
static bool
item_give_split(const char *args, char *what, size_t whatsz, char *whom,
    size_t whomsz)
{
	char	*sp;

	if (target_split(args, "to", what, whatsz, whom, whomsz))
		return true;
	target_trim(args, what, whatsz);
	if ((sp = strrchr(what, ' ')) == NULL)
		return false;
	target_trim(sp + 1, whom, whomsz);
	*sp = '\0';
	return true;
}

/* Check the receiver can carry the candidates; keeps those it can. */
static enum tx_rc
item_give_fit(struct cmd_ctx *ctx, const struct store_item_set *set,
    int *cand, int *k, const struct store_item *them)
{
	struct store_item_holder	 h;
	struct rules_burden		 b = { .level = 0 };
	int64_t				*w = xcalloc((size_t)*k + 1, sizeof *w);
	int				*adds = xcalloc((size_t)*k + 1,
					    sizeof *adds);
	bool				*take = xcalloc((size_t)*k + 1,
					    sizeof *take);
	bool				 why[3] = { false, false, false };
	char				 cap[STORE_ITEM_NAME_MAX + 1];
	enum tx_rc			 rc = TX_COMMIT;
	int				 n = 0;

	cmd_item_cap(them->name, cap, sizeof cap);
	/* Locked first, so the burden read after it is current. */
	switch (store_item_lock_char(ctx->store, them->id, ctx->me.room_id,
	    &h)) {
	case STORE_ERR:
		rc = TX_ERROR;
		goto out;
	case STORE_NONE:
		buf_printf(ctx->out, "%s is no longer here.\n", cap);
		rc = TX_ROLLBACK;
		goto out;
	case STORE_OK:
		break;
	}
	b.level = h.level;
	if (store_item_burden(ctx->store, them->id, &b.count, &b.weight) !=
	    STORE_OK) {
		rc = TX_ERROR;
		goto out;
	}
	for (int i = 0; i < *k; i++) {
		w[i] = set->v[cand[i]].total;
		adds[i] = 1;
	}
	rules_item_take(&b, w, adds, *k, take, why);
	for (int i = 0; i < *k; i++) {
		if (take[i])
			cand[n++] = cand[i];
	}
	*k = n;
	if (why[RULES_CARRY_COUNT])
		buf_printf(ctx->out, "%s can't carry that many items.\n", cap);
	if (why[RULES_CARRY_WEIGHT])
		buf_printf(ctx->out, "%s can't carry that much weight.\n", cap);
	if (n == 0)
		rc = TX_ROLLBACK;
out:
	free(w);
	free(adds);
	free(take);
	return rc;
}

/* Tell the receiver and the room; the moved lines are in news. */
static enum tx_rc
item_give_tell(struct cmd_ctx *ctx, const struct store_item *them,
    struct cmd_item_news *gifts, struct cmd_item_news *news)
{
	enum tx_rc	rc = TX_COMMIT;

	if (them->kind == 'p' && gifts->lines > 0 &&
	    store_notify_char(ctx->store, them->id, buf_str(&gifts->text)) !=
	    STORE_OK)
		rc = TX_ERROR;
	if (rc == TX_COMMIT && cmd_item_news_send(ctx, ctx->me.room_id, news,
	    them->id) != STORE_OK)
		rc = TX_ERROR;
	buf_free(&gifts->text);
	buf_free(&news->text);
	return rc;
}

/* Give the candidates to them. */
static enum tx_rc
item_give(struct cmd_ctx *ctx, const struct store_item_set *set, int *cand,
    int k, const struct store_item *them)
{
	struct cmd_item_news	 news = { .lines = 0 }, gifts = { .lines = 0 };
	int64_t			*ids = xcalloc((size_t)k + 1, sizeof *ids);
	int64_t			*moved = xcalloc((size_t)k + 1, sizeof *moved);
	int			 nmoved = 0;
	enum tx_rc		 rc;

	if ((rc = item_give_fit(ctx, set, cand, &k, them)) !=
	    TX_COMMIT)
		goto out;
	for (int i = 0; i < k; i++)
		ids[i] = set->v[cand[i]].id;
	if (store_item_move(ctx->store, STORE_MOVE_CHAR_TO_CHAR, ids, k,
	    ctx->me.id, them->id, ctx->me.room_id, moved, &nmoved) !=
	    STORE_OK) {
		rc = TX_ERROR;
		goto out;
	}
	for (int i = 0; i < k; i++) {
		const struct store_item	*it = &set->v[cand[i]];

		if (!item_moved(moved, nmoved, it->id))
			continue;
		buf_printf(ctx->out, "You give %s to %s.\n", it->name,
		    them->name);
		cmd_item_news_add(&gifts, "%s gives you %s.", ctx->me.name,
		    it->name);
		cmd_item_news_add(&news, "%s gives %s to %s.", ctx->me.name,
		    it->name, them->name);
	}
	rc = nmoved == 0 ? item_refuse(ctx, "You aren't carrying that.") :
	    item_give_tell(ctx, them, &gifts, &news);
out:
	buf_free(&gifts.text);
	buf_free(&news.text);
	free(ids);
	free(moved);
	return rc;
}

/* give ITEM | all | all.KW to NAME (a player or an NPC in the room) */
enum tx_rc
cmd_give_item(struct cmd_ctx *ctx, const char *args)
{
	struct store_item_set	 set;
	struct target		 t, tw;
	char			 what[ITEM_ARG_MAX], whom[ITEM_ARG_MAX];
	char			 msg[ITEM_ARG_MAX + 64];
	int			*cand, k, wi;
	enum tx_rc		 rc;

	if (!item_give_split(args, what, sizeof what, whom, sizeof whom))
		return item_refuse(ctx, "Give what to whom?");
	if (!target_parse(what, &t))
		return item_refuse(ctx, "You aren't carrying that.");
	if (store_item_scan(ctx->store, ctx->me.room_id, ctx->me.id,
	    STORE_SCAN_MINE | STORE_SCAN_CHARS, &set) != STORE_OK)
		return TX_ERROR;
	cand = xcalloc((size_t)set.n + 1, sizeof *cand);
	if (!target_parse(whom, &tw) || tw.kind != TARGET_ONE ||
	    cmd_item_find(&set, &tw, "PN", 0, &wi, 1) == 0) {
		snprintf(msg, sizeof msg, "There is no one called %s here.",
		    whom);
		rc = item_refuse(ctx, msg);
	} else if ((k = cmd_item_find(&set, &t, "c", 0, cand, set.n)) == 0)
		rc = item_refuse(ctx, t.kind == TARGET_ALL &&
		    t.words[0] == '\0' ? "You aren't carrying anything." :
		    "You aren't carrying that.");
	else
		rc = item_give(ctx, &set, cand, k, &set.v[wi]);
	free(cand);
	store_item_set_free(&set);
	return rc;
}
