/*
 * cmd_ops.c — staff changes to a character (docs/admin.md): set a
 * field, restore hp, transfer to a room.  The target is a player by name,
 * online on any keepd or offline; the rank rule (admin.md §5, rule 4) is
 * checked against the target's role read in the same transaction.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_gate.h"
#include "cmd/cmd_ops.h"
#include "cmd/cmd_util.h"
#include "db/store_ops.h"
#include "game/text.h"

#define OPS_FIELDS	"Fields: hp, max_hp, level, xp, coins, room."

/*
 * Find the target player named by the next word of *args (moved past it):
 * refuses with the sentence of admin.md §7 when there is none, when it is
 * the actor, or when the rank rule forbids.
 */
static enum tx_rc
ops_target(struct cmd_ctx *ctx, const char **args, struct store_char *t)
{
	char		 word[64], name[STORE_NAME_MAX + 1], hash[300];
	enum store_rc	 rc;

	cmd_split(*args, word, sizeof word, args);
	if (!text_name_normalise(word, name, sizeof name)) {
		buf_printf(ctx->out, "There is no one called %s.\n",
		    word[0] != '\0' ? word : "that");
		return TX_ROLLBACK;
	}
	rc = store_char_by_name(ctx->store, name, t, hash, sizeof hash);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no one called %s.",
		    name);
	if (t->id == ctx->me.id || !cmd_may_act_on(ctx, t->role)) {
		buf_printf(ctx->out, "You can't do that to %s (%s).\n",
		    t->name, t->role);
		return TX_ROLLBACK;
	}
	return TX_COMMIT;
}

/* The message of a value the database refused for field f. */
static void
ops_bad_value(struct cmd_ctx *ctx, enum store_ops_field f, const char *value,
    const struct store_char *t)
{
	switch (f) {
	case OPS_FIELD_HP:
		buf_printf(ctx->out, "HP must be between 0 and max_hp (%d).\n",
		    t->max_hp);
		break;
	case OPS_FIELD_MAX_HP:
		buf_add(ctx->out, "Max_hp must be a whole number, 1 or "
		    "more.\n");
		break;
	case OPS_FIELD_LEVEL:
		buf_add(ctx->out, "Level must be between 1 and 100.\n");
		break;
	case OPS_FIELD_XP:
		buf_add(ctx->out, "XP must be a whole number, 0 or more.\n");
		break;
	case OPS_FIELD_COINS:
		buf_add(ctx->out, "Coins must be a whole number, 0 or more.\n");
		break;
	case OPS_FIELD_ROOM:
		buf_printf(ctx->out, "There is no room %.20s.\n", value);
		break;
	}
}

/* set <name> <field> <value> */
enum tx_rc
cmd_set(struct cmd_ctx *ctx, const char *args)
{
	static const char	*fields[] = { "hp", "max_hp", "level", "xp",
				    "coins", "room" };
	struct store_char	 t;
	char			 field[32], value[32], old[32], now[32];
	const char		*rest;
	enum store_ops_field	 f;
	size_t			 i;
	enum tx_rc		 rc;

	if ((rc = ops_target(ctx, &args, &t)) != TX_COMMIT)
		return rc;
	cmd_split(args, field, sizeof field, &rest);
	cmd_split(rest, value, sizeof value, &rest);
	if (strcmp(field, "role") == 0) {
		buf_add(ctx->out, "Use 'role' to change roles.\n");
		return TX_ROLLBACK;
	}
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strcmp(field, fields[i]) == 0)
			break;
	}
	if (i == sizeof fields / sizeof fields[0] || value[0] == '\0' ||
	    *rest != '\0') {
		buf_add(ctx->out, OPS_FIELDS "\n");
		return TX_ROLLBACK;
	}
	f = (enum store_ops_field)i;
	switch (store_ops_set(ctx->store, t.id, f, value, old, now,
	    sizeof old)) {
	case STORE_OK:
		break;
	case STORE_NONE:
		ops_bad_value(ctx, f, value, &t);
		return TX_ROLLBACK;
	case STORE_ERR:
		return TX_ERROR;
	}
	buf_printf(ctx->out, "%s %s: %s -> %s.\n", t.name, fields[i], old, now);
	return TX_COMMIT;
}

/* restore <name>: full hp. */
enum tx_rc
cmd_restore(struct cmd_ctx *ctx, const char *args)
{
	struct store_char	 t;
	char			 msg[128];
	int32_t			 old, max;
	enum store_rc		 src;
	enum tx_rc		 rc;

	if ((rc = ops_target(ctx, &args, &t)) != TX_COMMIT)
		return rc;
	if ((src = store_ops_restore(ctx->store, t.id, &old, &max)) !=
	    STORE_OK)
		return cmd_refuse_rc(ctx, src, "There is no one called %s.",
		    t.name);
	if (t.session_instance[0] != '\0' && t.id != ctx->me.id) {
		snprintf(msg, sizeof msg, "%s restores you. You feel whole "
		    "again.", ctx->me.name);
		if (store_notify_char(ctx->store, t.id, msg) != STORE_OK)
			return TX_ERROR;
	}
	buf_printf(ctx->out, "%s hp: %d -> %d (max %d).\n", t.name, old, max,
	    max);
	return TX_COMMIT;
}

/* Tell a transferred player, and the rooms it left and entered. */
static enum tx_rc
ops_transfer_tell(struct cmd_ctx *ctx, const struct store_char *t,
    int32_t from, int32_t to)
{
	struct cmd_ctx	 them = *ctx;
	struct buf	 look = { 0 };
	char		 msg[128];
	enum tx_rc	 rc;

	snprintf(msg, sizeof msg, "%s vanishes.", t->name);
	if (store_notify_room2(ctx->store, from, t->id, ctx->me.id, msg) !=
	    STORE_OK)
		return TX_ERROR;
	snprintf(msg, sizeof msg, "%s appears.", t->name);
	if (store_notify_room(ctx->store, to, t->id, msg) != STORE_OK)
		return TX_ERROR;
	them.me = *t;
	them.me.room_id = to;
	them.out = &look;
	them.gmcp_want = 0;	/* theirs comes with their next command */
	buf_printf(&look, "%s has transferred you!\n", ctx->me.name);
	if ((rc = cmd_show_room(&them, to)) == TX_COMMIT) {
		/* A message is one line without its last newline. */
		if (look.len > 0 && look.data[look.len - 1] == '\n')
			look.data[--look.len] = '\0';
		if (store_notify_char(ctx->store, t->id, buf_str(&look)) !=
		    STORE_OK)
			rc = TX_ERROR;
	}
	buf_free(&look);
	return rc;
}

/* transfer <name> [<room id>] */
enum tx_rc
cmd_transfer(struct cmd_ctx *ctx, const char *args)
{
	struct store_char	 t;
	char			 word[32], title[STORE_TITLE_MAX + 1], *end;
	const char		*rest;
	long			 n;
	int32_t			 to = ctx->me.room_id;
	enum store_rc		 src;
	enum tx_rc		 rc;

	if ((rc = ops_target(ctx, &args, &t)) != TX_COMMIT)
		return rc;
	cmd_split(args, word, sizeof word, &rest);
	if (word[0] != '\0') {
		errno = 0;
		n = strtol(word, &end, 10);
		if (*end != '\0' || errno != 0 || n <= 0 || n > INT32_MAX ||
		    *rest != '\0') {
			buf_printf(ctx->out, "There is no room %s.\n", word);
			return TX_ROLLBACK;
		}
		to = (int32_t)n;
	}
	if ((src = store_ops_room_title(ctx->store, to, title,
	    sizeof title)) != STORE_OK)
		return cmd_refuse_rc(ctx, src, "There is no room %d.", to);
	if (t.room_id == to) {
		buf_printf(ctx->out, "%s is already there.\n", t.name);
		return TX_ROLLBACK;
	}
	if ((src = store_ops_transfer(ctx->store, t.id, to)) != STORE_OK)
		return cmd_refuse_rc(ctx, src, "There is no one called %s.",
		    t.name);
	if (t.session_instance[0] != '\0' &&
	    (rc = ops_transfer_tell(ctx, &t, t.room_id, to)) != TX_COMMIT)
		return rc;
	buf_printf(ctx->out, "You transfer %s%s to %d %s.\n", t.name,
	    t.session_instance[0] == '\0' ? " (offline)" : "", to, title);
	return TX_COMMIT;
}
