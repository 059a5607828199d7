/*
 * cmd_item_put.c — putting things into containers and giving them away.
 * The same shape as cmd_item.c: one read, a choice in C, one conditional
 * UPDATE whose RETURNING says what really moved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_item.h"
#include "cmd/cmd_util.h"
#include "ops/util.h"

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
			text_capitalise(it->name, cap, sizeof cap);
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
		return cmd_item_refuse(ctx, "You don't see that here.");
	if (strcmp(set->v[*ci].type, "corpse") == 0) {
		snprintf(msg, sizeof msg, "You can't put anything in %s.",
		    set->v[*ci].name);
		return cmd_item_refuse(ctx, msg);
	}
	if (!cmd_item_holds(&set->v[*ci]))
		return cmd_item_refuse(ctx, "That isn't a container.");
	return TX_COMMIT;
}

/* Choose and put the things; the set is the caller's. */
static enum tx_rc
item_put(struct cmd_ctx *ctx, const struct store_item_set *set,
    const struct target *t, int ci, int *cand)
{
	const struct store_item	*c = &set->v[ci];
	struct cmd_item_news	 news = { .lines = 0 };
	struct cmd_item_words	 wd = { "put", "puts", " in ", "" };
	int64_t			 contents;
	int			 k, n = 0, moved;
	enum store_rc		 rc;

	k = cmd_item_find(set, t, "c", 0, cand, set->n);
	for (int i = 0; i < k; i++) {
		if (cand[i] != ci)
			cand[n++] = cand[i];
		else if (t->kind == TARGET_ONE)
			return cmd_item_refuse(ctx, "You can't put something in "
			    "itself.");
	}
	if (n == 0)
		return cmd_item_refuse(ctx, t->kind == TARGET_ALL &&
		    t->words[0] == '\0' ? "You aren't carrying anything." :
		    "You aren't carrying that.");
	/* Locked before its contents are weighed: puts queue up. */
	if ((rc = store_item_lock_container(ctx->store, c->id,
	    ctx->me.room_id, ctx->me.id)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "You don't see that here.");
	if (store_item_contents_weight(ctx->store, c->id, &contents) !=
	    STORE_OK)
		return TX_ERROR;
	if ((n = item_put_fit(ctx, set, cand, n, c, contents,
	    t->kind == TARGET_ONE)) == 0)
		return TX_ROLLBACK;
	wd.to = c->name;
	moved = cmd_item_hand_over(ctx, set, cand, n, STORE_MOVE_CHAR_TO_INSIDE,
	    c->id, &wd, &news);
	if (moved < 0 || (moved > 0 && cmd_item_news_send(ctx,
	    ctx->me.room_id, &news, 0) != STORE_OK)) {
		buf_free(&news.text);
		return TX_ERROR;
	}
	buf_free(&news.text);
	if (moved == 0)
		return cmd_item_refuse(ctx, "You aren't carrying that.");
	return TX_COMMIT;
}

/* put ITEM | all | all.KW in CONTAINER */
enum tx_rc
cmd_put(struct cmd_ctx *ctx, const char *args)
{
	struct store_item_set	 set;
	struct target		 t;
	char			 what[CMD_ITEM_ARG_MAX], into[CMD_ITEM_ARG_MAX];
	int			*cand, ci;
	enum tx_rc		 rc;

	if (!item_put_split(args, what, sizeof what, into, sizeof into))
		return cmd_item_refuse(ctx, "Put what in what?");
	if (!target_parse(what, &t))
		return cmd_item_refuse(ctx, "You aren't carrying that.");
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
	enum store_rc			 src;
	int				 n = 0;

	text_capitalise(them->name, cap, sizeof cap);
	/* Locked first, so the burden read after it is current. */
	if ((src = store_item_lock_char(ctx->store, them->id, ctx->me.room_id,
	    &h)) != STORE_OK) {
		rc = cmd_refuse_rc(ctx, src, "%s is no longer here.", cap);
		goto out;
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
	struct store_item_batch	 mv;
	enum tx_rc		 rc;

	store_item_batch_init(&mv, k);
	if ((rc = item_give_fit(ctx, set, cand, &k, them)) !=
	    TX_COMMIT)
		goto out;
	for (int i = 0; i < k; i++)
		store_item_batch_add(&mv, set->v[cand[i]].id, NULL);
	if (store_item_move(ctx->store, STORE_MOVE_CHAR_TO_CHAR, &mv,
	    ctx->me.id, them->id, ctx->me.room_id) != STORE_OK) {
		rc = TX_ERROR;
		goto out;
	}
	for (int i = 0; i < k; i++) {
		const struct store_item	*it = &set->v[cand[i]];

		if (!store_item_batch_moved(&mv, it->id))
			continue;
		buf_printf(ctx->out, "You give %s to %s.\n", it->name,
		    them->name);
		cmd_item_news_add(&gifts, "%s gives you %s.", ctx->me.name,
		    it->name);
		cmd_item_news_add(&news, "%s gives %s to %s.", ctx->me.name,
		    it->name, them->name);
	}
	rc = mv.nmoved == 0 ? cmd_item_refuse(ctx,
	    "You aren't carrying that.") :
	    item_give_tell(ctx, them, &gifts, &news);
out:
	buf_free(&gifts.text);
	buf_free(&news.text);
	store_item_batch_free(&mv);
	return rc;
}

/* give ITEM | all | all.KW to NAME (a player or an NPC in the room) */
enum tx_rc
cmd_give_item(struct cmd_ctx *ctx, const char *args)
{
	struct store_item_set	 set;
	struct target		 t, tw;
	char			 what[CMD_ITEM_ARG_MAX], whom[CMD_ITEM_ARG_MAX];
	char			 msg[CMD_ITEM_ARG_MAX + 64];
	int			*cand, k, wi;
	enum tx_rc		 rc;

	if (!item_give_split(args, what, sizeof what, whom, sizeof whom))
		return cmd_item_refuse(ctx, "Give what to whom?");
	if (!target_parse(what, &t))
		return cmd_item_refuse(ctx, "You aren't carrying that.");
	if (store_item_scan(ctx->store, ctx->me.room_id, ctx->me.id,
	    STORE_SCAN_MINE | STORE_SCAN_CHARS, &set) != STORE_OK)
		return TX_ERROR;
	cand = xcalloc((size_t)set.n + 1, sizeof *cand);
	if (!target_parse(whom, &tw) || tw.kind != TARGET_ONE ||
	    cmd_item_find(&set, &tw, "PN", 0, &wi, 1) == 0) {
		snprintf(msg, sizeof msg, "There is no one called %s here.",
		    whom);
		rc = cmd_item_refuse(ctx, msg);
	} else if ((k = cmd_item_find(&set, &t, "c", 0, cand, set.n)) == 0)
		rc = cmd_item_refuse(ctx, t.kind == TARGET_ALL &&
		    t.words[0] == '\0' ? "You aren't carrying anything." :
		    "You aren't carrying that.");
	else
		rc = item_give(ctx, &set, cand, k, &set.v[wi]);
	free(cand);
	store_item_set_free(&set);
	return rc;
}
