/*
 * cmd_coins.c — moving coins between characters.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_util.h"
#include "game/text.h"

#define GIVE_MAX	1000000000000LL

/* Take the next space-separated word of *s into w; false if none. */
bool
cmd_word(const char **s, char *w, size_t wsz)
{
	size_t	n = 0;

	while (**s == ' ')
		(*s)++;
	if (**s == '\0')
		return false;
	while (**s != '\0' && **s != ' ') {
		if (n + 1 < wsz)
			w[n++] = **s;
		(*s)++;
	}
	w[n] = '\0';
	return true;
}

/* Parse "N coins to NAME" (also "N coin NAME"). */
bool
cmd_parse_give(const char *args, int64_t *amount, char *name, size_t namesz,
    const char **why)
{
	char		 w[64], *end;
	long long	 n;

	*why = "Usage: give <amount> coins to <name>";
	if (!cmd_word(&args, w, sizeof w))
		return false;
	errno = 0;
	n = strtoll(w, &end, 10);
	if (*end != '\0' || end == w)
		return false;
	if (n <= 0) {
		*why = "You can only give a positive number of coins.";
		return false;
	}
	if (errno == ERANGE || n > GIVE_MAX) {
		*why = "That is more coins than there are in the world.";
		return false;
	}
	if (!cmd_word(&args, w, sizeof w) ||
	    (strcasecmp(w, "coins") != 0 && strcasecmp(w, "coin") != 0))
		return false;
	if (!cmd_word(&args, w, sizeof w))
		return false;
	if (strcasecmp(w, "to") == 0 && !cmd_word(&args, w, sizeof w))
		return false;
	while (*args == ' ')
		args++;
	if (*args != '\0')
		return false;
	if (!text_name_normalise(w, name, namesz)) {
		*why = "There is no one by that name here.";
		return false;
	}
	*amount = n;
	return true;
}

/*
 * Whether a give is about coins: its first word is a number or "coins",
 * or its second word is "coin(s)" ("give seven coins to Bob" is then a
 * usage error, not an item called "seven").
 */
bool
cmd_give_is_coins(const char *args)
{
	char	 w[64], *end;

	if (!cmd_word(&args, w, sizeof w))
		return true;
	(void)strtoll(w, &end, 10);
	if ((*end == '\0' && end != w) || strcasecmp(w, "coins") == 0 ||
	    strcasecmp(w, "coin") == 0)
		return true;
	return cmd_word(&args, w, sizeof w) && (strcasecmp(w, "coins") == 0 ||
	    strcasecmp(w, "coin") == 0);
}

/* give N coins to NAME; give ITEM to NAME is cmd_give_item's. */
enum tx_rc
cmd_give(struct cmd_ctx *ctx, const char *args)
{
	struct store_char	 them;
	char			 name[STORE_NAME_MAX + 1], msg[128];
	const char		*why;
	int64_t			 amount, left = 0;
	enum store_rc		 rc;

	if (!cmd_give_is_coins(args))
		return cmd_give_item(ctx, args);
	if (!cmd_parse_give(args, &amount, name, sizeof name, &why)) {
		buf_printf(ctx->out, "%s\n", why);
		return TX_ROLLBACK;
	}
	if ((rc = store_char_in_room(ctx->store, ctx->me.room_id, name,
	    &them)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no one called %s here.",
		    name);
	if (them.id == ctx->me.id) {
		buf_add(ctx->out, "You can't give coins to yourself.\n");
		return TX_ROLLBACK;
	}
	rc = store_char_transfer_coins(ctx->store, ctx->me.id, them.id,
	    amount, &left);
	if (rc != STORE_OK && left < 0)
		return cmd_refuse_rc(ctx, rc, "%s is no longer here.",
		    them.name);
	if (rc != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "You only have %lld coin%s.",
		    (long long)left, left == 1 ? "" : "s");
	snprintf(msg, sizeof msg, "%s gives you %lld coin%s.", ctx->me.name,
	    (long long)amount, amount == 1 ? "" : "s");
	if (store_notify_char(ctx->store, them.id, msg) != STORE_OK)
		return TX_ERROR;
	buf_printf(ctx->out, "You give %lld coin%s to %s.\n", (long long)amount,
	    amount == 1 ? "" : "s", them.name);
	return TX_COMMIT;
}
