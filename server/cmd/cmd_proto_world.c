/*
 * cmd_proto_world.c — spawn, purge and reset: builders put instances of
 * prototypes into the world, take NPCs and items out of a room (never a
 * player or a player's things), and edit and run their area's resets.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd_item.h"
#include "cmd/cmd_proto.h"
#include "cmd/cmd_util.h"
#include "cmd/reset.h"
#include "db/store_proto.h"
#include "ops/util.h"

#define SPAWN_MAX	100

/* The area of the actor's room, checked against the builder's scope. */
static bool
proto_here(struct cmd_ctx *ctx, char area[STORE_PROTO_AREA_MAX + 1],
    enum tx_rc *rc)
{
	enum store_rc	src;

	if ((src = store_proto_room_area(ctx->store, ctx->me.room_id, area)) !=
	    STORE_OK) {
		*rc = TX_ERROR;
		return false;
	}
	return proto_may_area(ctx, area, rc);
}

/* spawn item|npc <proto> [<count>]: items to the inventory, NPCs here. */
enum tx_rc
cmd_spawn(struct cmd_ctx *ctx, const char *args)
{
	struct store_proto	 p;
	char			 kind[8], id[64], num[16], area[33], ids[2048];
	char			 line[256];
	int64_t			 n = 1;
	bool			 npc;
	enum store_rc		 src;
	enum tx_rc		 rc;

	if (!proto_word(&args, kind, sizeof kind) ||
	    (strcmp(kind, "item") != 0 && strcmp(kind, "npc") != 0) ||
	    !proto_word(&args, id, sizeof id))
		return cmd_refuse_rc(ctx, STORE_NONE, "Usage: %s",
		    ctx->cmd->usage);
	if (proto_word(&args, num, sizeof num) &&
	    (*args != '\0' || !proto_num(num, 1, SPAWN_MAX, &n)))
		return cmd_refuse_rc(ctx, STORE_NONE, "You can conjure 1 to "
		    "100 at a time.");
	npc = strcmp(kind, "npc") == 0;
	if (!proto_id_ok(id) ||
	    (src = store_proto_get(ctx->store, npc, id, &p)) == STORE_NONE)
		return cmd_refuse_rc(ctx, STORE_NONE, "There is no %s "
		    "prototype '%s'.", npc ? "NPC" : "item", id);
	if (src != STORE_OK)
		return cmd_tx_rc(src);
	if (!proto_here(ctx, area, &rc))
		return rc;
	src = npc ? store_proto_spawn_npcs(ctx->store, id, ctx->me.room_id,
	    (int)n, ids, sizeof ids) : store_proto_spawn_items(ctx->store, id,
	    ctx->me.id, (int)n, ids, sizeof ids);
	if (src != STORE_OK)
		return cmd_tx_rc(src == STORE_NONE ? STORE_ERR : src);
	if (n > 1)
		buf_printf(ctx->out, "You conjure %s (x%lld): %s.\n", p.name,
		    (long long)n, ids);
	else
		buf_printf(ctx->out, "You conjure %s (%s).\n", p.name, ids);
	snprintf(line, sizeof line, "%s conjures %s.", ctx->me.name, p.name);
	return cmd_tx_rc(store_notify_room(ctx->store, ctx->me.room_id,
	    ctx->me.id, line));
}

/* purge with no target: every NPC, item and coin on the floor here. */
static enum tx_rc
purge_room(struct cmd_ctx *ctx)
{
	int64_t		npcs, items, coins, kept;
	char		line[128];
	enum store_rc	src;

	if ((src = store_proto_purge_room(ctx->store, ctx->me.room_id, &npcs,
	    &items, &coins, &kept)) != STORE_OK)
		return cmd_tx_rc(src);
	if (npcs + items + coins == 0) {
		buf_add(ctx->out, "There is nothing here to purge.\n");
		if (kept > 0)
			buf_printf(ctx->out, "%lld player corpses were left: "
			    "they hold players' things.\n", (long long)kept);
		return TX_ROLLBACK;
	}
	buf_printf(ctx->out, "You purge the room: %lld NPCs, %lld items, %lld "
	    "coins.\n", (long long)npcs, (long long)items, (long long)coins);
	if (kept > 0)
		buf_printf(ctx->out, "%lld player corpses were left: they hold "
		    "players' things.\n", (long long)kept);
	snprintf(line, sizeof line, "%s purges the room.", ctx->me.name);
	return cmd_tx_rc(store_notify_room(ctx->store, ctx->me.room_id,
	    ctx->me.id, line));
}

/* purge [<target>] (builders; the room is theirs to purge). */
enum tx_rc
cmd_purge(struct cmd_ctx *ctx, const char *args)
{
	struct store_item_set	 set = { 0 };
	struct store_item	*it;
	struct target		 t;
	char			 area[33], line[256];
	int			 pick;
	enum store_rc		 src;
	enum tx_rc		 rc;

	if (!proto_here(ctx, area, &rc))
		return rc;
	if (*args == '\0' || strcmp(args, "room") == 0)
		return purge_room(ctx);
	if (!target_parse(args, &t) || t.kind != TARGET_ONE)
		return cmd_refuse_rc(ctx, STORE_NONE, "Purge one thing at a "
		    "time, or the room.");
	if ((src = store_item_scan(ctx->store, ctx->me.room_id, ctx->me.id,
	    STORE_SCAN_ROOM | STORE_SCAN_CHARS, &set)) != STORE_OK)
		return cmd_tx_rc(src);
	if (cmd_item_find(&set, &t, "NrP", 0, &pick, 1) == 0) {
		store_item_set_free(&set);
		return cmd_refuse_rc(ctx, STORE_NONE, "You don't see that "
		    "here.");
	}
	it = &set.v[pick];
	if (it->kind == 'p') {
		store_item_set_free(&set);
		return cmd_refuse_rc(ctx, STORE_NONE, "Players can't be "
		    "purged; use 'kick' or 'transfer'.");
	}
	src = store_proto_purge_one(ctx->store, it->kind == 'n', it->id,
	    ctx->me.room_id);
	if (src == STORE_OK) {
		buf_printf(ctx->out, "You purge %s.\n", it->name);
		snprintf(line, sizeof line, "%s purges %s.", ctx->me.name,
		    it->name);
		src = store_notify_room(ctx->store, ctx->me.room_id,
		    ctx->me.id, line);
	}
	store_item_set_free(&set);
	if (src == STORE_NONE)
		return cmd_refuse_rc(ctx, src, "You don't see that here.");
	return cmd_tx_rc(src);
}

/* reset [list]: the resets of the area of the actor's room. */
static enum tx_rc
reset_list(struct cmd_ctx *ctx, const char *area)
{
	struct store_reset_row	v[STORE_PROTO_LIST_MAX];
	int64_t			every, next;
	int			n;
	enum store_rc		src;

	if ((src = store_proto_resets(ctx->store, area, v, (int)nitems(v), &n,
	    &every, &next)) != STORE_OK)
		return cmd_tx_rc(src == STORE_NONE ? STORE_ERR : src);
	buf_printf(ctx->out, "Resets of %s (every %lld s, next in %lld s):\n",
	    area, (long long)every, (long long)next);
	if (n == 0)
		buf_add(ctx->out, "  none\n");
	for (int i = 0; i < n; i++)
		buf_printf(ctx->out, "  #%-4d %-5s %-20s room %-7d max %-3d "
		    "live %lld\n", v[i].id, v[i].kind, v[i].proto, v[i].room,
		    v[i].max, (long long)v[i].live);
	/* A look changes nothing: no audit entry is kept for it. */
	return TX_ROLLBACK;
}

/* reset add npc|item <proto> [<max>]: a reset in the actor's room. */
static enum tx_rc
reset_add(struct cmd_ctx *ctx, const char *area, const char *args)
{
	struct store_proto	p;
	char			kind[8], id[64], num[16];
	int64_t			max = 1;
	int32_t			rid;
	enum store_rc		src;

	if (!proto_word(&args, kind, sizeof kind) ||
	    (strcmp(kind, "npc") != 0 && strcmp(kind, "item") != 0) ||
	    !proto_word(&args, id, sizeof id))
		return cmd_refuse_rc(ctx, STORE_NONE, "Usage: reset add "
		    "npc|item <proto> [<max>]");
	if (proto_word(&args, num, sizeof num) &&
	    (*args != '\0' || !proto_num(num, 1, 100, &max)))
		return cmd_refuse_rc(ctx, STORE_NONE, "Max is 1 to 100.");
	if (!proto_id_ok(id) || (src = store_proto_get(ctx->store,
	    strcmp(kind, "npc") == 0, id, &p)) == STORE_NONE)
		return cmd_refuse_rc(ctx, STORE_NONE, "There is no prototype "
		    "'%s'.", id);
	if (src != STORE_OK)
		return cmd_tx_rc(src);
	if ((src = store_proto_reset_add(ctx->store, area, kind, id,
	    ctx->me.room_id, (int32_t)max, &rid)) != STORE_OK)
		return proto_refuse(ctx, src, "The database refused that "
		    "reset.");
	buf_printf(ctx->out, "Reset #%d added: %s %s in %d, up to %lld.\n", rid,
	    kind, id, ctx->me.room_id, (long long)max);
	return TX_COMMIT;
}

/* The reset numbered by the next word, within the builder's scope. */
static bool
reset_find(struct cmd_ctx *ctx, const char **args, struct store_reset_row *r,
    enum tx_rc *rc)
{
	char		num[16];
	int64_t		id;
	enum store_rc	src;

	*rc = TX_ROLLBACK;
	if (!proto_word(args, num, sizeof num) ||
	    !proto_num(num[0] == '#' ? num + 1 : num, 1, INT32_MAX, &id)) {
		buf_add(ctx->out, "Which reset? Give its number.\n");
		return false;
	}
	if ((src = store_proto_reset_get(ctx->store, (int32_t)id, r)) !=
	    STORE_OK) {
		*rc = cmd_refuse_rc(ctx, src, "There is no reset #%lld.",
		    (long long)id);
		return false;
	}
	return proto_may_area(ctx, r->area, rc);
}

/* reset change <n> max|room|proto <value>. */
static enum tx_rc
reset_change(struct cmd_ctx *ctx, const char *args)
{
	struct store_reset_row	r, after;
	struct store_proto	p;
	char			field[8], value[64], area[33];
	int64_t			n;
	enum store_rc		src;
	enum tx_rc		rc;

	if (!reset_find(ctx, &args, &r, &rc))
		return rc;
	if (!proto_word(&args, field, sizeof field) ||
	    !proto_word(&args, value, sizeof value) || *args != '\0')
		return cmd_refuse_rc(ctx, STORE_NONE, "Usage: reset change "
		    "<n> max|room|proto <value>");
	if (strcmp(field, "max") == 0) {
		if (!proto_num(value, 1, 100, &n))
			return cmd_refuse_rc(ctx, STORE_NONE, "Max is 1 to "
			    "100.");
	} else if (strcmp(field, "room") == 0) {
		if (!proto_num(value, 1, INT32_MAX, &n) ||
		    (src = store_proto_room_area(ctx->store, (int32_t)n,
		    area)) == STORE_NONE)
			return cmd_refuse_rc(ctx, STORE_NONE, "There is no "
			    "room %s.", value);
		if (src != STORE_OK)
			return cmd_tx_rc(src);
		if (strcmp(area, r.area) != 0)
			return cmd_refuse_rc(ctx, STORE_NONE, "Room %s is in "
			    "area %s, not %s.", value, area, r.area);
	} else if (strcmp(field, "proto") == 0) {
		if (!proto_id_ok(value) || (src = store_proto_get(ctx->store,
		    strcmp(r.kind, "npc") == 0, value, &p)) == STORE_NONE)
			return cmd_refuse_rc(ctx, STORE_NONE, "There is no "
			    "prototype '%s'.", value);
		if (src != STORE_OK)
			return cmd_tx_rc(src);
	} else
		return cmd_refuse_rc(ctx, STORE_NONE, "Fields: max, room, "
		    "proto.");
	if ((src = store_proto_reset_change(ctx->store, r.id, field, value)) !=
	    STORE_OK || (src = store_proto_reset_get(ctx->store, r.id,
	    &after)) != STORE_OK)
		return proto_refuse(ctx, src, "The database refused that "
		    "change.");
	buf_printf(ctx->out, "Reset #%d: %s %s in %d, up to %d.\n", after.id,
	    after.kind, after.proto, after.room, after.max);
	return TX_COMMIT;
}

/* reset delete <n>: what it spawned stays, uncounted. */
static enum tx_rc
reset_delete(struct cmd_ctx *ctx, const char *args)
{
	struct store_reset_row	r;
	int64_t			live;
	enum store_rc		src;
	enum tx_rc		rc;

	if (!reset_find(ctx, &args, &r, &rc))
		return rc;
	if ((src = store_proto_reset_delete(ctx->store, r.id, &live)) !=
	    STORE_OK)
		return cmd_refuse_rc(ctx, src, "There is no reset #%d.", r.id);
	buf_printf(ctx->out, "Reset #%d deleted; its %lld live %s stay "
	    "('purge' them if unwanted).\n", r.id, (long long)live,
	    strcmp(r.kind, "npc") == 0 ? "NPCs" : "items");
	return TX_COMMIT;
}

/*
 * reset now: claim the area's reset as the ticker does (the areas row),
 * then run it, so the two never both run for one area at once.
 */
static enum tx_rc
reset_now(struct cmd_ctx *ctx, const char *area)
{
	struct store_reset_counts	c;
	char				arr[STORE_PROTO_AREA_MAX + 3];
	enum store_rc			src;

	if ((src = store_proto_reset_claim(ctx->store, area)) != STORE_OK)
		return cmd_tx_rc(src == STORE_NONE ? STORE_ERR : src);
	snprintf(arr, sizeof arr, "{%s}", area);
	if (reset_areas(ctx->store, arr, &c) != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "Reset %s: %d NPCs (with %d items of gear), %d "
	    "items and %d items of shop stock spawned.\n", area, c.npcs,
	    c.gear, c.items, c.stock);
	return TX_COMMIT;
}

/* reset [list|add|change|delete|now] (builders, their area's resets). */
enum tx_rc
cmd_reset(struct cmd_ctx *ctx, const char *args)
{
	char		sub[16] = "list", area[33];
	enum tx_rc	rc;

	(void)proto_word(&args, sub, sizeof sub);
	if (strcmp(sub, "change") == 0)
		return reset_change(ctx, args);
	if (strcmp(sub, "delete") == 0)
		return reset_delete(ctx, args);
	if (strcmp(sub, "list") != 0 && strcmp(sub, "add") != 0 &&
	    strcmp(sub, "now") != 0)
		return cmd_refuse_rc(ctx, STORE_NONE, "Usage: %s",
		    ctx->cmd->usage);
	if (!proto_here(ctx, area, &rc))
		return rc;
	if (strcmp(sub, "add") == 0)
		return reset_add(ctx, area, args);
	if (strcmp(sub, "now") == 0)
		return reset_now(ctx, area);
	return reset_list(ctx, area);
}
