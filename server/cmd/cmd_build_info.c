/*
 * cmd_build_info.c — the read-only building commands: stat (a room, a
 * character, an item, a prototype) and find (rooms, prototypes by text;
 * the world's problems).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_build.h"
#include "cmd/cmd_util.h"
#include "db/store_build.h"

#define STAT_USAGE	"Usage: stat [room [<id>]] | char <name> | " \
			"item <id> | iproto <id> | nproto <id>\n"
#define FIND_USAGE	"Usage: find room|item|npc <text> | " \
			"find problems [<area>]\n"

/* stat room [<id>]: the room's lines, and who changed it last. */
static enum tx_rc
stat_room(struct cmd_ctx *ctx, const char *arg)
{
	char		pk[48];
	int32_t		id = ctx->me.room_id;
	enum store_rc	rc;

	if (*arg != '\0' && !build_room_id(arg, &id)) {
		buf_printf(ctx->out, "There is no room %s.\n", arg);
		return TX_ROLLBACK;
	}
	if ((rc = store_build_stat_room(ctx->store, id, ctx->out)) !=
	    STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no room %d.", (int)id);
	snprintf(pk, sizeof pk, "{\"id\": %d}", (int)id);
	if (store_build_last_change(ctx->store, "rooms", pk, ctx->out) ==
	    STORE_ERR)
		return TX_ERROR;
	return TX_COMMIT;
}

/* stat item <#id>. */
static enum tx_rc
stat_item(struct cmd_ctx *ctx, const char *arg)
{
	const char	*digits = arg + (*arg == '#');
	char		*end;
	long long	 id;
	enum store_rc	 rc;

	errno = 0;
	id = strtoll(digits, &end, 10);
	if (*digits < '0' || *digits > '9' || *end != '\0' || errno != 0 ||
	    id < 1) {
		buf_printf(ctx->out, "There is no item %s.\n", arg);
		return TX_ROLLBACK;
	}
	if ((rc = store_build_stat_item(ctx->store, id, ctx->out)) !=
	    STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no item #%lld.", id);
	return TX_COMMIT;
}

/* stat [room [<id>]] | char <name> | item <id> | iproto | nproto <id> */
enum tx_rc
cmd_stat(struct cmd_ctx *ctx, const char *args)
{
	char		word[16];
	const char	*arg;
	enum store_rc	rc;

	cmd_split(args, word, sizeof word, &arg);
	if (*word == '\0' || strcmp(word, "room") == 0)
		return stat_room(ctx, arg);
	if (*arg == '\0' || strlen(arg) > 64) {
		buf_add(ctx->out, STAT_USAGE);
		return TX_ROLLBACK;
	}
	if (strcmp(word, "char") == 0) {
		rc = store_build_stat_char(ctx->store, arg,
		    build_role(ctx) >= ROLE_ADMIN, ctx->out);
		return rc == STORE_OK ? TX_COMMIT : cmd_refuse_rc(ctx, rc,
		    "There is no one called %s.", arg);
	}
	if (strcmp(word, "item") == 0)
		return stat_item(ctx, arg);
	if (strcmp(word, "iproto") == 0 || strcmp(word, "nproto") == 0) {
		rc = store_build_stat_proto(ctx->store, arg, *word == 'n',
		    ctx->out);
		return rc == STORE_OK ? TX_COMMIT : cmd_refuse_rc(ctx, rc,
		    "There is no prototype '%s'.", arg);
	}
	buf_add(ctx->out, STAT_USAGE);
	return TX_ROLLBACK;
}

/* find problems [<area>]: the world's lint. */
static enum tx_rc
find_problems(struct cmd_ctx *ctx, const char *area)
{
	int	n;

	buf_add(ctx->out, "Problems:\n");
	if (store_build_problems(ctx->store, *area != '\0' ? area : NULL,
	    ctx->out, &n) != STORE_OK)
		return TX_ERROR;
	if (n == 0)
		buf_add(ctx->out, "  none\n");
	else if (n > 100)
		buf_printf(ctx->out, "... and %d more.\n", n - 100);
	buf_printf(ctx->out, "%d problem%s.\n", n, n == 1 ? "" : "s");
	return TX_COMMIT;
}

/* find room|item|npc <text> | find problems [<area>] */
enum tx_rc
cmd_find(struct cmd_ctx *ctx, const char *args)
{
	char		word[16];
	const char	*text;
	int		n;
	enum store_rc	rc;

	cmd_split(args, word, sizeof word, &text);
	if (strcmp(word, "problems") == 0)
		return find_problems(ctx, text);
	if ((strcmp(word, "room") != 0 && strcmp(word, "item") != 0 &&
	    strcmp(word, "npc") != 0) || *text == '\0' || strlen(text) > 80) {
		buf_add(ctx->out, FIND_USAGE);
		return TX_ROLLBACK;
	}
	rc = store_build_find(ctx->store, word, text, ctx->out, &n);
	if (rc == STORE_NONE) {
		buf_printf(ctx->out, "Nothing matches '%s'.\n", text);
		return TX_COMMIT;
	}
	if (rc != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "%d found%s.\n", n, n == 50 ? " (the first 50)" :
	    "");
	return TX_COMMIT;
}
