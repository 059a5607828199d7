/*
 * cmd_build_redit.c — redit: a room's title, description, area, and its
 * deletion.  Each change is one UPDATE of the one column (desc+ appends in
 * SQL), committed at once: there is no editor buffer in the process.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd_build.h"
#include "cmd/cmd_util.h"
#include "db/store_build.h"

#define REDIT_USAGE	"Usage: redit [<room id>] title|desc|desc+|area " \
			"<text> | delete [evacuate]\n"

/* redit title: the new title. */
static enum tx_rc
redit_title(struct cmd_ctx *ctx, const struct store_build_room *r,
    const char *text)
{
	char		old[STORE_TITLE_MAX + 1];
	enum store_rc	rc;

	if (!build_text_ok(ctx, text, true))
		return TX_ROLLBACK;
	rc = store_build_set_title(ctx->store, r->id, text, old, sizeof old);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no room %d.",
		    (int)r->id);
	buf_printf(ctx->out, "Room %d title: '%s' -> '%s'.\n", (int)r->id,
	    old, text);
	return TX_COMMIT;
}

/* redit desc / desc+: replace the description, or append to it. */
static enum tx_rc
redit_desc(struct cmd_ctx *ctx, const struct store_build_room *r,
    const char *text, bool append)
{
	int		was = 0, now = 0;
	enum store_rc	rc;

	if (*text == '\0') {
		buf_printf(ctx->out, "Usage: redit [<room id>] %s <text>\n",
		    append ? "desc+" : "desc");
		return TX_ROLLBACK;
	}
	if (!build_text_ok(ctx, text, false))
		return TX_ROLLBACK;
	rc = store_build_set_desc(ctx->store, r->id, text, append, &was, &now);
	if (rc == STORE_NONE && now > STORE_DESC_MAX) {
		buf_printf(ctx->out, "A description is at most %d characters "
		    "(this would make %d).\n", STORE_DESC_MAX, now);
		return TX_ROLLBACK;
	}
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no room %d.",
		    (int)r->id);
	buf_printf(ctx->out, "Room %d description: %d -> %d characters.\n",
	    (int)r->id, was, now);
	return TX_COMMIT;
}

/*
 * redit area: move the room to another area.  The caller checked the
 * room's own area; the target must be one the actor may build in too.
 */
static enum tx_rc
redit_area(struct cmd_ctx *ctx, const struct store_build_room *r,
    const char *area)
{
	enum store_rc	rc;
	enum tx_rc	txr;

	if (*area == '\0' || strlen(area) > STORE_AREA_MAX) {
		buf_add(ctx->out, "Usage: redit [<room id>] area <area>\n");
		return TX_ROLLBACK;
	}
	if (build_refuse_area(ctx, area, &txr))
		return txr;
	if ((rc = store_build_set_area(ctx->store, r->id, area)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no area '%s'.", area);
	buf_printf(ctx->out, "Room %d area: %s -> %s.\n", (int)r->id, r->area,
	    area);
	return TX_COMMIT;
}

/* redit delete [evacuate]: refuse while anything is there, unless told. */
static enum tx_rc
redit_delete(struct cmd_ctx *ctx, int32_t id, const char *rest)
{
	struct store_build_room		r;
	struct store_build_deleted	d;
	char				list[1024];
	bool				evacuate = strcmp(rest, "evacuate") == 0;
	int				players, npcs, items;
	int32_t				start;
	enum store_rc			rc;

	if (*rest != '\0' && !evacuate) {
		buf_add(ctx->out, REDIT_USAGE);
		return TX_ROLLBACK;
	}
	/* Locked: nothing moves in until this transaction ends. */
	if ((rc = store_build_room(ctx->store, id, true, &r)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no room %d.", (int)id);
	if (r.is_start) {
		buf_add(ctx->out, "The start room can't be deleted; make "
		    "another room the start room first.\n");
		return TX_ROLLBACK;
	}
	if (store_build_occupants(ctx->store, id, list, sizeof list, &players,
	    &npcs, &items) != STORE_OK || store_build_start(ctx->store,
	    &start) != STORE_OK)
		return TX_ERROR;
	if (!evacuate && players + npcs + items > 0) {
		buf_printf(ctx->out, "Room %d holds %s%s%d items; 'redit %d "
		    "delete evacuate' moves the players and the items to the "
		    "start room and purges the NPCs.\n", (int)id, list,
		    *list != '\0' ? " and " : "", items, (int)id);
		return TX_ROLLBACK;
	}
	if (store_build_delete(ctx->store, id, start, evacuate, &d) !=
	    STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "Room %d '%s' deleted with %d exits and %d "
	    "resets", (int)id, r.title, d.exits, d.resets);
	if (d.players > 0)
		buf_printf(ctx->out, "; %s moved to %d", d.names, (int)start);
	if (d.npcs > 0)
		buf_printf(ctx->out, "; %d NPCs purged", d.npcs);
	if (d.items > 0)
		buf_printf(ctx->out, "; %d items moved to %d", d.items,
		    (int)start);
	buf_add(ctx->out, ".\n");
	return TX_COMMIT;
}

/*
 * redit [<room id>] title|desc|desc+|area <text> | delete [evacuate]:
 * the room is this one unless an id comes first.
 */
enum tx_rc
cmd_redit(struct cmd_ctx *ctx, const char *args)
{
	struct store_build_room	 r;
	char			 word[16];
	const char		*rest;
	int32_t			 id = ctx->me.room_id;
	enum store_rc		 rc;
	enum tx_rc		 txr;

	cmd_split(args, word, sizeof word, &rest);
	if (build_room_id(word, &id))
		cmd_split(rest, word, sizeof word, &rest);
	else if (*word >= '0' && *word <= '9') {
		buf_printf(ctx->out, "There is no room %s.\n", word);
		return TX_ROLLBACK;
	}
	if (*word == '\0') {
		buf_add(ctx->out, REDIT_USAGE);
		return TX_ROLLBACK;
	}
	if ((rc = store_build_room(ctx->store, id, false, &r)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no room %d.", (int)id);
	if (build_refuse_area(ctx, r.area, &txr))
		return txr;
	if (strcmp(word, "title") == 0)
		return redit_title(ctx, &r, rest);
	if (strcmp(word, "desc") == 0)
		return redit_desc(ctx, &r, rest, false);
	if (strcmp(word, "desc+") == 0)
		return redit_desc(ctx, &r, rest, true);
	if (strcmp(word, "area") == 0)
		return redit_area(ctx, &r, rest);
	if (strcmp(word, "delete") == 0)
		return redit_delete(ctx, id, rest);
	buf_add(ctx->out, REDIT_USAGE);
	return TX_ROLLBACK;
}

/* desc+ <text>: redit desc+ for this room. */
enum tx_rc
cmd_desc_plus(struct cmd_ctx *ctx, const char *args)
{
	struct store_build_room	r;
	enum store_rc		rc;
	enum tx_rc		txr;

	if ((rc = store_build_room(ctx->store, ctx->me.room_id, false, &r)) !=
	    STORE_OK)
		return cmd_refuse_rc(ctx, rc, "You are nowhere.");
	if (build_refuse_area(ctx, r.area, &txr))
		return txr;
	return redit_desc(ctx, &r, args, true);
}
