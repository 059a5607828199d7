/*
 * cmd_screen.c — the player's screen (issue 10; docs/protocol.md): the
 * `color` and `prompt` commands, the prompt's expansion from the committed
 * character row, and the GMCP payloads (Room.Info, Char.Vitals,
 * Char.Status, Char.StatusVars, Char.Items.List) built in the transaction
 * from the rows the text shows.  Nothing here is built unless the session
 * wants it (ctx->gmcp_want, snapshot on the loop).
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_util.h"
#include "db/store_screen.h"
#include "game/rules_combat.h"
#include "net/color.h"
#include "ops/util.h"

/* The xp at which the next level comes (score's number), or xp at the top. */
static int64_t
screen_xp_next(const struct store_char *c)
{
	if (c->level >= RULES_COMBAT_MAX_LEVEL)
		return c->xp;
	return rules_combat_xp_for_level(c->level + 1);
}

/* Whether c is a prompt token (after '%'). */
static bool
screen_token(char c)
{
	return c != '\0' && strchr("hHclxX%", c) != NULL;
}

/* Whether fmt is a prompt format players may store. */
bool
cmd_prompt_valid(const char *fmt, const char **why)
{
	size_t	len = strlen(fmt);

	if (len == 0 || len > STORE_PROMPT_MAX) {
		*why = "A prompt is 1 to 80 bytes long.";
		return false;
	}
	for (const char *p = fmt; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			*why = "A prompt holds printable characters only.";
			return false;
		}
		if (*p != '%')
			continue;
		if (!screen_token(p[1])) {
			*why = "Unknown token: use %h %H %c %l %x %X or %%.";
			return false;
		}
		p++;
	}
	return true;
}

/* The colour of the hit points: green, yellow below 2/3, red below 1/3. */
static const char *
screen_hp_color(const struct store_char *c)
{
	if (c->max_hp <= 0 || (int64_t)c->hp * 3 >= (int64_t)c->max_hp * 2)
		return CM_GREEN;
	if ((int64_t)c->hp * 3 >= c->max_hp)
		return CM_YELLOW;
	return CM_RED;
}

/*
 * Expand a prompt format for a character; "" is the default.  A stored
 * format was checked by cmd_prompt_valid; an unknown token (which only a
 * hand-edited row can hold) is shown as typed.
 */
void
cmd_prompt_expand(const char *fmt, const struct store_char *c, char *out,
    size_t outsz)
{
	struct buf	b = { 0 };
	int64_t		next = screen_xp_next(c);

	if (fmt[0] == '\0')
		fmt = CMD_PROMPT_DEFAULT;
	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			buf_printf(&b, "%c", *p);
			continue;
		}
		switch (*++p) {
		case 'h':
			buf_printf(&b, "%s%d" CM_RESET, screen_hp_color(c),
			    c->hp);
			break;
		case 'H':
			buf_printf(&b, "%d", c->max_hp);
			break;
		case 'c':
			buf_printf(&b, "%lld", (long long)c->coins);
			break;
		case 'l':
			buf_printf(&b, "%d", c->level);
			break;
		case 'x':
			buf_printf(&b, "%lld", (long long)c->xp);
			break;
		case 'X':
			buf_printf(&b, "%lld", (long long)(next > c->xp ?
			    next - c->xp : 0));
			break;
		case '%':
			buf_add(&b, "%");
			break;
		default:
			buf_printf(&b, "%%%c", *p);
			break;
		}
	}
	util_strlcpy(out, buf_str(&b), outsz);
	buf_free(&b);
}

/* color on|off|auto (also colour) */
enum tx_rc
cmd_color(struct cmd_ctx *ctx, const char *args)
{
	char	word[16];

	if (!cmd_word(&args, word, sizeof word)) {
		buf_printf(ctx->out, "Colour is %s. Usage: color on|off|auto\n",
		    ctx->me.color);
		return TX_ROLLBACK;
	}
	if (strcmp(word, "on") != 0 && strcmp(word, "off") != 0 &&
	    strcmp(word, "auto") != 0) {
		buf_add(ctx->out, "Usage: color on|off|auto\n");
		return TX_ROLLBACK;
	}
	if (store_screen_set_color(ctx->store, ctx->me.id, word) != STORE_OK)
		return TX_ERROR;
	util_strlcpy(ctx->me.color, word, sizeof ctx->me.color);
	if (strcmp(word, "on") == 0)
		buf_add(ctx->out, "Colour is " CM_BCYAN "on" CM_RESET ".\n");
	else if (strcmp(word, "off") == 0)
		buf_add(ctx->out, "Colour is off.\n");
	else
		buf_add(ctx->out, "Colour is auto: on when your client says "
		    "it shows colour.\n");
	return TX_COMMIT;
}

/* prompt <format> | prompt default | prompt (show it) */
enum tx_rc
cmd_prompt(struct cmd_ctx *ctx, const char *args)
{
	const char	*why;

	if (args[0] == '\0') {
		buf_printf(ctx->out, "Your prompt is \"%s\". Usage: prompt "
		    "<format>|default (tokens: %%h %%H %%c %%l %%x %%X "
		    "%%%%)\n", ctx->me.prompt[0] != '\0' ? ctx->me.prompt :
		    CMD_PROMPT_DEFAULT);
		return TX_ROLLBACK;
	}
	if (strcmp(args, "default") == 0)
		args = "";
	else if (!cmd_prompt_valid(args, &why)) {
		buf_printf(ctx->out, "%s Nothing changed.\n", why);
		return TX_ROLLBACK;
	}
	if (store_screen_set_prompt(ctx->store, ctx->me.id, args) != STORE_OK)
		return TX_ERROR;
	util_strlcpy(ctx->me.prompt, args, sizeof ctx->me.prompt);
	buf_printf(ctx->out, "Prompt set%s.\n", args[0] == '\0' ?
	    " to the default" : "");
	return TX_COMMIT;
}

/* Queue a GMCP body read from the database as JSON text. */
static void
screen_queue_text(struct cmd_ctx *ctx, const char *package, const char *text)
{
	json_t	*body = json_loads(text, 0, NULL);

	if (body != NULL)
		cmd_gmcp(ctx, package, body);
}

/* Queue Char.Items.List for the inventory (room 0) or a room's floor. */
static enum tx_rc
screen_items(struct cmd_ctx *ctx, int32_t room)
{
	char	json[STORE_SCREEN_JSON_MAX];
	json_t	*items;

	if (store_screen_items(ctx->store, room == 0 ? ctx->me.id : 0, room,
	    json, sizeof json) != STORE_OK)
		return TX_ERROR;
	if ((items = json_loads(json, 0, NULL)) != NULL)
		cmd_gmcp(ctx, "Char.Items.List", json_pack("{s:s,s:o}",
		    "location", room == 0 ? "inv" : "room", "items", items));
	return TX_COMMIT;
}

/* Queue Room.Info and the room's Char.Items.List if wanted. */
enum tx_rc
cmd_screen_room(struct cmd_ctx *ctx, int32_t room)
{
	char		json[STORE_SCREEN_JSON_MAX];
	enum store_rc	rc;

	if (ctx->gmcp_want & CMD_GMCP_ROOM) {
		rc = store_screen_room_info(ctx->store, room, json,
		    sizeof json);
		if (rc == STORE_ERR)
			return TX_ERROR;
		if (rc == STORE_OK) {
			screen_queue_text(ctx, "Room.Info", json);
			ctx->room_sent = true;
			ctx->room_sent_id = room;
		}
	}
	if (ctx->gmcp_want & CMD_GMCP_ITEMS)
		return screen_items(ctx, room);
	return TX_COMMIT;
}

/* Queue Char.Vitals and Char.Status (and at login Char.StatusVars). */
static void
screen_char(struct cmd_ctx *ctx, bool login)
{
	const struct store_char	*c = &ctx->me;
	char			 vs[64];

	if (ctx->gmcp_want & CMD_GMCP_VITALS) {
		snprintf(vs, sizeof vs, "H:%d/%d", c->hp, c->max_hp);
		cmd_gmcp(ctx, "Char.Vitals", json_pack("{s:i,s:i,s:s}", "hp",
		    c->hp, "maxhp", c->max_hp, "string", vs));
	}
	if (!(ctx->gmcp_want & CMD_GMCP_STATUS))
		return;
	if (login)
		cmd_gmcp(ctx, "Char.StatusVars", json_pack("{s:s,s:s,s:s,s:s,"
		    "s:s,s:s}", "name", "Name", "level", "Level", "xp",
		    "Experience", "xpnext", "Next level", "coins", "Coins",
		    "role", "Role"));
	cmd_gmcp(ctx, "Char.Status", json_pack("{s:s,s:i,s:I,s:I,s:I,s:s}",
	    "name", c->name, "level", c->level, "xp", (json_int_t)c->xp,
	    "xpnext", (json_int_t)screen_xp_next(c), "coins",
	    (json_int_t)c->coins, "role", c->role));
}

/* The end of a transaction for the screen: prompt, colour, GMCP. */
enum tx_rc
cmd_screen_end(struct cmd_ctx *ctx, struct cmd_screen *scr,
    int32_t last_room, bool inv, bool login)
{
	enum tx_rc	rc = TX_COMMIT;

	cmd_prompt_expand(ctx->me.prompt, &ctx->me, scr->prompt,
	    sizeof scr->prompt);
	util_strlcpy(scr->color, ctx->me.color, sizeof scr->color);
	scr->room = ctx->room_sent ? ctx->room_sent_id : ctx->me.room_id;
	util_strlcpy(scr->name, ctx->me.name, sizeof scr->name);
	if (ctx->gmcp_want == 0)
		return TX_COMMIT;
	/* Moved without a Room.Info (a death, a transfer): send it now. */
	if (!ctx->room_sent && ctx->me.room_id != last_room &&
	    (ctx->gmcp_want & CMD_GMCP_ROOM))
		rc = cmd_screen_room(ctx, ctx->me.room_id);
	screen_char(ctx, login);
	if (rc == TX_COMMIT && (inv || login) &&
	    (ctx->gmcp_want & CMD_GMCP_ITEMS))
		rc = screen_items(ctx, 0);
	return rc;
}

/* The GMCP state of a session that just enabled packages: text-less. */
enum tx_rc
cmd_gmcp_state(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	return cmd_screen_room(ctx, ctx->me.room_id);
}
