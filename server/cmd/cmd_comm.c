/*
 * cmd_comm.c — talking to others: say.  The rest of talking is
 * cmd_talk.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "cmd/cmd_talk.h"
#include "net/color.h"
#include "ops/util.h"

/* Says a room may hear in a second (room_message_rate; set at start). */
static int	cmd_room_rate = 20;

/* Set the per-room say rate (from the configuration). */
void
cmd_comm_init(int room_message_rate)
{
	cmd_room_rate = room_message_rate;
}

/* The says (and emotes) a room may hear in a second. */
int
cmd_comm_room_rate(void)
{
	return cmd_room_rate;
}

/* What the room hears of name's say (the caller frees it). */
char *
cmd_say_others(const char *name, const char *args)
{
	return xasprintf(CM_CYAN "%s says, '%s'" CM_RESET, name, args);
}

/* say <text>: everyone online in the room hears it, unless it is noisy. */
enum tx_rc
cmd_say(struct cmd_ctx *ctx, const char *args)
{
	char		*others, *self;
	enum tx_rc	 rc;

	others = cmd_say_others(ctx->me.name, args);
	self = xasprintf(CM_CYAN "You say, '%s'" CM_RESET, args);
	rc = cmd_talk_room(ctx, "say", others, self);
	free(others);
	free(self);
	return rc;
}
