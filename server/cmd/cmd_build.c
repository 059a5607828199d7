/*
 * cmd_build.c — moving staff about (goto) and shaping the map: dig, link
 * and unlink.  Each command is one transaction; the exits of both ends
 * are written in it, so a refusal or a lost race leaves nothing behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_build.h"
#include "cmd/cmd_util.h"
#include "db/store_build.h"
#include "db/store_gate_audit.h"

#define BUILD_DIRS	"Directions: north, east, south, west, up, down."

/* The role of the actor. */
enum role
build_role(const struct cmd_ctx *ctx)
{
	enum role	role = ROLE_PLAYER;

	(void)cmd_role_parse(ctx->me.role, &role);
	return role;
}

/*
 * Whether the actor may change rows of area (the gate's rule: admins
 * everywhere, builders in their build_areas); *err on a database error.
 */
bool
build_may_area(struct cmd_ctx *ctx, const char *area, bool *err)
{
	bool	may = false;

	*err = false;
	if (build_role(ctx) >= ROLE_ADMIN)
		return true;
	if (store_audit_may_build(ctx->store, ctx->me.id, area, &may) !=
	    STORE_OK)
		*err = true;
	return may;
}

/* Parse a room id. */
bool
build_room_id(const char *s, int32_t *id)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > INT32_MAX)
		return false;
	*id = (int32_t)v;
	return true;
}

/* Check staff text: no control characters, and a title's length. */
bool
build_text_ok(struct cmd_ctx *ctx, const char *text, bool title)
{
	size_t	chars = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p != '\0';
	    p++) {
		if (*p < 0x20 || *p == 0x7f) {
			buf_add(ctx->out, "Text can't contain control "
			    "characters.\n");
			return false;
		}
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	if (title && (chars < 1 || chars > STORE_TITLE_MAX)) {
		buf_add(ctx->out, "A title is 1 to 80 characters.\n");
		return false;
	}
	return true;
}

/* The canonical direction for word (n, north, ...), or NULL. */
static const char *
build_dir(const char *word)
{
	static const char	*dirs[] = { "north", "east", "south", "west",
	    "up", "down" };
	size_t			 len = strlen(word);

	for (size_t i = 0; len > 0 && i < sizeof dirs / sizeof dirs[0]; i++) {
		if (strncmp(word, dirs[i], len) == 0)
			return dirs[i];
	}
	return NULL;
}

/* The direction opposite dir. */
static const char *
build_back(const char *dir)
{
	static const char	*pairs[][2] = {
		{ "north", "south" }, { "south", "north" },
		{ "east", "west" }, { "west", "east" },
		{ "up", "down" }, { "down", "up" },
	};

	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		if (strcmp(dir, pairs[i][0]) == 0)
			return pairs[i][1];
	}
	return dir;
}

/* Refuse when the actor may not build in area; the handler's result. */
bool
build_refuse_area(struct cmd_ctx *ctx, const char *area, enum tx_rc *rc)
{
	bool	err;

	if (build_may_area(ctx, area, &err))
		return false;
	if (err)
		*rc = TX_ERROR;
	else {
		buf_printf(ctx->out, "You can't build in area %s.\n", area);
		*rc = TX_ROLLBACK;
	}
	return true;
}

/* goto <room id>|<name>: move there, vanishing and appearing. */
enum tx_rc
cmd_goto(struct cmd_ctx *ctx, const char *args)
{
	struct store_build_room	 r;
	char			 shown[STORE_TITLE_MAX + 1], msg[96];
	int32_t			 room;
	enum store_rc		 rc;

	if (build_room_id(args, &room)) {
		if ((rc = store_build_room(ctx->store, room, false, &r)) !=
		    STORE_OK)
			return cmd_refuse_rc(ctx, rc, "There is no room %s.",
			    args);
	} else if ((rc = store_build_whereis(ctx->store, args, &room, shown,
	    sizeof shown)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no one called %s.",
		    args);
	if (room == ctx->me.room_id) {
		buf_add(ctx->out, "You are already there.\n");
		return TX_ROLLBACK;
	}
	snprintf(msg, sizeof msg, "%s vanishes.", ctx->me.name);
	if (store_notify_room(ctx->store, ctx->me.room_id, ctx->me.id, msg) !=
	    STORE_OK || store_build_goto(ctx->store, ctx->me.id, room) !=
	    STORE_OK)
		return TX_ERROR;
	snprintf(msg, sizeof msg, "%s appears.", ctx->me.name);
	if (store_notify_room(ctx->store, room, ctx->me.id, msg) != STORE_OK)
		return TX_ERROR;
	ctx->me.room_id = room;
	return cmd_show_room(ctx, room);
}

/* Split "<dir> <rest>": the direction (or NULL, refused) and the rest. */
static const char *
build_dir_args(struct cmd_ctx *ctx, const char *args, const char **rest)
{
	char		 word[16];
	const char	*dir;

	cmd_split(args, word, sizeof word, rest);
	if ((dir = build_dir(word)) == NULL)
		buf_add(ctx->out, BUILD_DIRS "\n");
	return dir;
}

/* The refusal for an exit that is there already. */
static enum tx_rc
build_exit_taken(struct cmd_ctx *ctx, int32_t room, const char *dir,
    bool hint)
{
	int32_t		to = 0;
	enum store_rc	rc;

	if ((rc = store_build_exit(ctx->store, room, dir, &to)) == STORE_ERR)
		return TX_ERROR;
	buf_printf(ctx->out, "There is already an exit %s (to %d)", dir,
	    (int)to);
	if (hint)
		buf_printf(ctx->out, "; 'unlink %s' first", dir);
	buf_add(ctx->out, ".\n");
	return TX_ROLLBACK;
}

/* dig <dir> <title>: a new room of this area, with exits both ways. */
enum tx_rc
cmd_dig(struct cmd_ctx *ctx, const char *args)
{
	struct store_build_room	 here;
	const char		*dir, *title;
	int32_t			 id, to;
	enum store_rc		 rc;
	enum tx_rc		 txr;

	if ((dir = build_dir_args(ctx, args, &title)) == NULL)
		return TX_ROLLBACK;
	if (*title == '\0') {
		buf_add(ctx->out, "Usage: dig <direction> <title>\n");
		return TX_ROLLBACK;
	}
	if (!build_text_ok(ctx, title, true))
		return TX_ROLLBACK;
	if ((rc = store_build_room(ctx->store, ctx->me.room_id, false,
	    &here)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "You are nowhere to dig from.");
	if (build_refuse_area(ctx, here.area, &txr))
		return txr;
	if ((rc = store_build_exit(ctx->store, here.id, dir, &to)) !=
	    STORE_NONE)
		return rc == STORE_OK ? build_exit_taken(ctx, here.id, dir,
		    false) : TX_ERROR;
	if (store_build_dig(ctx->store, here.area, title, &id) != STORE_OK)
		return TX_ERROR;
	/* A concurrent dig the same way won: this room goes with us. */
	if ((rc = store_build_exit_add(ctx->store, here.id, dir, id)) !=
	    STORE_OK)
		return rc == STORE_NONE ? build_exit_taken(ctx, here.id, dir,
		    false) : TX_ERROR;
	if (store_build_exit_add(ctx->store, id, build_back(dir), here.id) !=
	    STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "You dig %s to room %d '%s' (%s). The way back "
	    "is %s.\n", dir, (int)id, title, here.area, build_back(dir));
	return TX_COMMIT;
}

/* link <dir> <room id> [oneway]: an exit to that room, and back. */
enum tx_rc
cmd_link(struct cmd_ctx *ctx, const char *args)
{
	struct store_build_room	 here, far;
	const char		*dir, *rest, *more, *back;
	char			 word[16];
	int32_t			 to, there = 0;
	bool			 oneway;
	enum store_rc		 rc;
	enum tx_rc		 txr;

	if ((dir = build_dir_args(ctx, args, &rest)) == NULL)
		return TX_ROLLBACK;
	cmd_split(rest, word, sizeof word, &more);
	oneway = strcmp(more, "oneway") == 0;
	if (*word == '\0' || (*more != '\0' && !oneway)) {
		buf_add(ctx->out, "Usage: link <direction> <room id> "
		    "[oneway]\n");
		return TX_ROLLBACK;
	}
	if (!build_room_id(word, &to) || (rc = store_build_room(ctx->store,
	    to, false, &far)) == STORE_NONE) {
		buf_printf(ctx->out, "There is no room %s.\n", word);
		return TX_ROLLBACK;
	}
	if (rc != STORE_OK || store_build_room(ctx->store, ctx->me.room_id,
	    false, &here) != STORE_OK)
		return TX_ERROR;
	if (build_refuse_area(ctx, here.area, &txr) ||
	    (!oneway && build_refuse_area(ctx, far.area, &txr)))
		return txr;
	if ((rc = store_build_exit_add(ctx->store, here.id, dir, to)) !=
	    STORE_OK)
		return rc == STORE_NONE ? build_exit_taken(ctx, here.id, dir,
		    true) : TX_ERROR;
	buf_printf(ctx->out, "Exit %s now leads to %d %s", dir, (int)to,
	    far.title);
	back = build_back(dir);
	if (oneway) {
		buf_add(ctx->out, ".\n");
		return TX_COMMIT;
	}
	if ((rc = store_build_exit_add(ctx->store, to, back, here.id)) ==
	    STORE_ERR || (rc == STORE_NONE && store_build_exit(ctx->store, to,
	    back, &there) != STORE_OK))
		return TX_ERROR;
	if (rc == STORE_OK || there == here.id)
		buf_printf(ctx->out, ", and %s from there leads back here.\n",
		    back);
	else
		buf_printf(ctx->out, ", but %d's %s exit leads to %d, so the "
		    "way is one-way.\n", (int)to, back, (int)there);
	return TX_COMMIT;
}

/* unlink <dir> [oneway]: remove an exit, and the one back if it is. */
enum tx_rc
cmd_unlink(struct cmd_ctx *ctx, const char *args)
{
	struct store_build_room	 here, far;
	const char		*dir, *rest, *back;
	int32_t			 to, there = 0;
	bool			 oneway;
	enum store_rc		 rc;
	enum tx_rc		 txr;

	if ((dir = build_dir_args(ctx, args, &rest)) == NULL)
		return TX_ROLLBACK;
	oneway = strcmp(rest, "oneway") == 0;
	if (*rest != '\0' && !oneway) {
		buf_add(ctx->out, "Usage: unlink <direction> [oneway]\n");
		return TX_ROLLBACK;
	}
	if (store_build_room(ctx->store, ctx->me.room_id, false, &here) !=
	    STORE_OK)
		return TX_ERROR;
	if ((rc = store_build_exit(ctx->store, here.id, dir, &to)) !=
	    STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no exit %s.", dir);
	if (build_refuse_area(ctx, here.area, &txr))
		return txr;
	back = build_back(dir);
	if (!oneway && (rc = store_build_exit(ctx->store, to, back,
	    &there)) == STORE_ERR)
		return TX_ERROR;
	oneway = oneway || rc != STORE_OK || there != here.id;
	if (!oneway) {
		if (store_build_room(ctx->store, to, false, &far) != STORE_OK)
			return TX_ERROR;
		if (build_refuse_area(ctx, far.area, &txr))
			return txr;
	}
	if (store_build_exit_del(ctx->store, here.id, dir, 0) != STORE_OK ||
	    (!oneway && store_build_exit_del(ctx->store, to, back,
	    here.id) != STORE_OK))
		return TX_ERROR;
	buf_printf(ctx->out, "Exit %s (to %d) removed", dir, (int)to);
	if (!oneway)
		buf_printf(ctx->out, ", and the way back %s", back);
	buf_add(ctx->out, ".\n");
	return TX_COMMIT;
}
