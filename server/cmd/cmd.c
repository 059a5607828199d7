/*
 * cmd.c — the ordered command table, its names (rows and aliases) and the
 * lookup.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_area.h"
#include "cmd/cmd_build.h"
#include "cmd/cmd_proto.h"
#include "cmd/cmd_mod.h"
#include "cmd/cmd_gate.h"
#include "cmd/cmd_ops.h"
#include "cmd/cmd_talk.h"
#include "ops/util.h"

/*
 * Row order decides abbreviations: the first prefix match wins.  An alias
 * stands right after the row its after names (cmd_next).
 */
static const struct cmd_entry cmd_entries[] = {
	{ .name = "north", .handler = cmd_move, .data = "north",
	  .usage = "north", .help = "Walk north (n)." },
	{ .name = "east", .handler = cmd_move, .data = "east",
	  .usage = "east", .help = "Walk east (e)." },
	{ .name = "south", .handler = cmd_move, .data = "south",
	  .usage = "south", .help = "Walk south (s)." },
	{ .name = "west", .handler = cmd_move, .data = "west",
	  .usage = "west", .help = "Walk west (w)." },
	{ .name = "up", .handler = cmd_move, .data = "up",
	  .usage = "up", .help = "Climb up (u)." },
	{ .name = "down", .handler = cmd_move, .data = "down",
	  .usage = "down", .help = "Climb down (d)." },
	{ .name = "look", .handler = cmd_look, .flags = CMD_READ,
	  .usage = "look [<target>]",
	  .help = "Look around the room, or at something (l)." },
	{ .name = "inventory", .handler = cmd_inventory, .flags = CMD_READ,
	  .usage = "inventory", .help = "List what you carry (i)." },
	{ .name = "kill", .handler = cmd_kill, .flags = CMD_ARGS,
	  .aliases = (const struct cmd_alias[]){
		{ .name = "attack", .after = "remove" }, { NULL, NULL } },
	  .usage = "kill <target>", .help = "Attack someone (k)." },
	{ .name = "get", .handler = cmd_get, .flags = CMD_ARGS,
	  .aliases = (const struct cmd_alias[]){
		{ .name = "take", .after = "put" }, { NULL, NULL } },
	  .usage = "get <what> [from <container>]",
	  .help = "Pick things up, or take them out of a container (g)." },
	{ .name = "say", .handler = cmd_say, .flags = CMD_ARGS,
	  .usage = "say <text>", .help = "Speak to everyone in the room "
	  "(also ' <text>)." },
	{ .name = "score", .handler = cmd_score, .flags = CMD_READ,
	  .usage = "score", .help = "Show your hit points, coins and role." },
	{ .name = "who", .handler = cmd_who, .flags = CMD_READ,
	  .usage = "who", .help = "List the players online." },
	{ .name = "give", .handler = cmd_give, .flags = CMD_ARGS,
	  .usage = "give <what> to <name>",
	  .help = "Give an item or coins to someone in the room." },
	{ .name = "drop", .handler = cmd_drop, .flags = CMD_ARGS,
	  .usage = "drop <what>",
	  .help = "Drop things on the floor." },
	{ .name = "put", .handler = cmd_put, .flags = CMD_ARGS,
	  .usage = "put <what> in <container>",
	  .help = "Put things into a container." },
	{ .name = "equipment", .handler = cmd_equipment, .flags = CMD_READ,
	  .usage = "equipment", .help = "List what you wear and wield (eq)." },
	{ .name = "examine", .handler = cmd_examine, .flags = CMD_READ | CMD_ARGS,
	  .usage = "examine <target>",
	  .help = "Look closely at an item or someone (exa)." },
	{ .name = "wear", .handler = cmd_wear, .flags = CMD_ARGS,
	  .usage = "wear <what>", .help = "Put on armour (or all)." },
	{ .name = "wield", .handler = cmd_wield, .flags = CMD_ARGS,
	  .usage = "wield <weapon>", .help = "Wield a weapon." },
	{ .name = "remove", .handler = cmd_remove, .flags = CMD_ARGS,
	  .usage = "remove <what>",
	  .help = "Take off something worn (or all)." },
	{ .name = "flee", .handler = cmd_flee,
	  .usage = "flee", .help = "Try to run away from a fight." },
	{ .name = "consider", .handler = cmd_consider,
	  .flags = CMD_READ | CMD_ARGS, .usage = "consider <target>",
	  .help = "Judge how a fight would go." },
	{ .name = "list", .handler = cmd_list, .flags = CMD_READ,
	  .usage = "list", .help = "What the shopkeeper here sells." },
	{ .name = "buy", .handler = cmd_buy, .flags = CMD_ARGS,
	  .usage = "buy <item>", .help = "Buy something from a shop." },
	{ .name = "sell", .handler = cmd_sell, .flags = CMD_ARGS,
	  .usage = "sell <item>", .help = "Sell something to a shop." },
	{ .name = "value", .handler = cmd_value, .flags = CMD_READ | CMD_ARGS,
	  .usage = "value <item>", .help = "What a shop would pay for it." },
	{ .name = "help", .handler = cmd_help, .flags = CMD_READ,
	  .usage = "help", .help = "List the commands." },
	{ .name = "heal", .handler = cmd_heal,
	  .usage = "heal", .help = "Pay a healer to mend your wounds." },
	{ .name = "dbstats", .handler = cmd_dbstats, .flags = CMD_READ,
	  .min_role = ROLE_ADMIN, .usage = "dbstats",
	  .help = "Database statement counters of this keepd (admin)." },
	/* build: the room-building tools (docs/admin.md). */
	{ .name = "goto", .handler = cmd_goto, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER, .usage = "goto <room id>|<name>",
	  .help = "Go to a room, or to someone (builder)." },
	{ .name = "stat", .handler = cmd_stat, .flags = CMD_READ,
	  .min_role = ROLE_BUILDER, .usage = "stat [room [<id>]] | "
	  "char <name> | item <id> | iproto <id> | nproto <id>",
	  .help = "Everything about a room, character, item or prototype "
	  "(builder)." },
	{ .name = "dig", .handler = cmd_dig, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER, .usage = "dig <direction> <title>",
	  .help = "Make a new room that way, with exits both ways "
	  "(builder)." },
	{ .name = "link", .handler = cmd_link, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER,
	  .usage = "link <direction> <room id> [oneway]",
	  .help = "Make an exit to a room, and back (builder)." },
	{ .name = "unlink", .handler = cmd_unlink, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER, .usage = "unlink <direction> [oneway]",
	  .help = "Remove an exit, and the one back (builder)." },
	{ .name = "redit", .handler = cmd_redit, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER, .usage = "redit [<room id>] "
	  "title|desc|desc+|area <text> | delete [evacuate]",
	  .help = "Change a room: title, description, area; delete it "
	  "(builder)." },
	{ .name = "desc+", .handler = cmd_desc_plus, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER, .usage = "desc+ <text>",
	  .help = "Add a sentence to this room's description (builder)." },
	{ .name = "find", .handler = cmd_find, .flags = CMD_READ | CMD_ARGS,
	  .min_role = ROLE_BUILDER, .usage = "find room|item|npc <text> | "
	  "find problems [<area>]",
	  .help = "Search rooms and prototypes; list the world's problems "
	  "(builder)." },
	/* proto: prototypes, spawn and purge, resets, help topics (issue 9) */
	{ .name = "iedit", .handler = cmd_iedit, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER,
	  .usage = "iedit <proto> [new <type> <name>|<field> <value>|delete]",
	  .help = "Create or edit an item prototype (builder)." },
	{ .name = "medit", .handler = cmd_medit, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER,
	  .usage = "medit <proto> [new <name>|<field> <value>|delete]",
	  .help = "Create or edit an NPC prototype (builder)." },
	{ .name = "spawn", .handler = cmd_spawn, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER, .usage = "spawn item|npc <proto> [<count>]",
	  .help = "Conjure items (carried) or NPCs (here) (builder)." },
	{ .name = "purge", .handler = cmd_purge, .flags = CMD_FULLNAME,
	  .min_role = ROLE_BUILDER, .usage = "purge [<target>|room]",
	  .help = "Remove the NPCs and items here, or one (builder)." },
	{ .name = "reset", .handler = cmd_reset, .min_role = ROLE_BUILDER,
	  .usage = "reset [list|add|change|delete|now] ...",
	  .help = "List, edit or run your area's resets (builder)." },
	{ .name = "hedit", .handler = cmd_hedit, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER,
	  .usage = "hedit <topic> [text|text+|keywords|role <value>|delete]",
	  .help = "Show or edit a help topic (builder)." },
	/* mod: moderation (cmd_mod.c, cmd_mod_state.c; docs/admin.md) */
	{ .name = "kick", .handler = cmd_kick, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN, .usage = "kick <name> [reason]",
	  .help = "Close a player's connection, on any keepd (admin)." },
	{ .name = "ban", .handler = cmd_ban, .flags = CMD_ARGS | CMD_FULLNAME,
	  .min_role = ROLE_ADMIN,
	  .usage = "ban <name>|<address>|<network> [new] <duration>|perm "
	  "<reason>",
	  .help = "Ban a name or a network; kicks who it covers (admin)." },
	{ .name = "unban", .handler = cmd_unban,
	  .flags = CMD_ARGS | CMD_FULLNAME, .min_role = ROLE_ADMIN,
	  .usage = "unban <id>|<name>|<address>",
	  .help = "Lift a ban (admin)." },
	{ .name = "bans", .handler = cmd_bans, .flags = CMD_READ,
	  .min_role = ROLE_ADMIN, .usage = "bans",
	  .help = "The active bans (admin)." },
	{ .name = "freeze", .handler = cmd_freeze, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN,
	  .usage = "freeze <name> <duration>|perm [reason]",
	  .help = "Stop a player's commands but quit (admin)." },
	{ .name = "unfreeze", .handler = cmd_unfreeze, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN, .usage = "unfreeze <name>",
	  .help = "Lift a freeze (admin)." },
	{ .name = "mute", .handler = cmd_mute, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN,
	  .usage = "mute <name> <duration>|perm [reason]",
	  .help = "Stop a player speaking (admin)." },
	{ .name = "unmute", .handler = cmd_unmute, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN, .usage = "unmute <name>",
	  .help = "Lift a mute (admin)." },
	{ .name = "wall", .handler = cmd_wall, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN, .usage = "wall <text>",
	  .help = "Tell everyone online, on every keepd (admin)." },
	{ .name = "users", .handler = cmd_users, .flags = CMD_READ,
	  .min_role = ROLE_ADMIN, .usage = "users",
	  .help = "Every session of the cluster (admin)." },
	{ .name = "last", .handler = cmd_last, .flags = CMD_READ | CMD_ARGS,
	  .min_role = ROLE_ADMIN,
	  .usage = "last <name>|<address>|<network> [count]",
	  .help = "Login history, with outcome (admin)." },
	{ .name = "wizlock", .handler = cmd_wizlock, .min_role = ROLE_ADMIN,
	  .usage = "wizlock [open|new|staff]",
	  .help = "Show or set who may log in (admin)." },
	/* gate: the audit and the role gate's commands (cmd_gate*.c) */
	{ .name = "audit", .handler = cmd_audit, .flags = CMD_READ,
	  .min_role = ROLE_BUILDER,
	  .usage = "audit [<count>|<name>|sql|#<id>|room|item|npc|proto <id>]",
	  .help = "Who changed what: the audit entries (builder)." },
	{ .name = "undo", .handler = cmd_undo, .min_role = ROLE_BUILDER,
	  .usage = "undo [#<id>]",
	  .help = "Revert your latest change, or entry #id (builder)." },
	{ .name = "dry", .handler = cmd_dry, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER, .usage = "dry <command>",
	  .help = "Show what a command would change, then roll it back "
	  "(builder)." },
	{ .name = "at", .handler = cmd_at, .flags = CMD_ARGS,
	  .min_role = ROLE_BUILDER, .usage = "at <room> <command>",
	  .help = "Run a command as if you stood in that room (builder)." },
	{ .name = "wiznet", .handler = cmd_wiznet, .flags = CMD_NOAUDIT,
	  .min_role = ROLE_BUILDER, .usage = "wiznet [<text>]",
	  .help = "Talk to the staff online, or list them (builder)." },
	{ .name = "role", .handler = cmd_role, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN, .usage = "role <name> <role> [<area> ...]",
	  .help = "Make someone a player, builder or admin (admin)." },
	/* ops (issue 9): set, restore, transfer, shutdown. */
	{ .name = "set", .handler = cmd_set, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN, .usage = "set <name> <field> <value>",
	  .help = "Set a character's hp, max_hp, level, xp, coins or room "
	  "(admin)." },
	{ .name = "restore", .handler = cmd_restore, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN, .usage = "restore <name>",
	  .help = "Give a character full hit points (admin)." },
	{ .name = "transfer", .handler = cmd_transfer, .flags = CMD_ARGS,
	  .min_role = ROLE_ADMIN, .usage = "transfer <name> [<room id>]",
	  .help = "Move a character to your room or a room (admin)." },
	{ .name = "shutdown", .handler = cmd_shutdown, .flags = CMD_FULLNAME,
	  .min_role = ROLE_ADMIN,
	  .usage = "shutdown [<secs>|now|cancel ...]",
	  .help = "Shut the whole game down at a time, with a countdown "
	  "(admin; now: owner)." },
	/* area: areas made and changed in game (docs/admin.md). */
	{ .name = "area", .handler = cmd_area,
	  .min_role = ROLE_BUILDER, .usage = "area | area new <id> <name> | "
	  "area <id> name <text> | area <id> reset <seconds>",
	  .help = "List areas, create one, rename it, set its reset "
	  "interval (builder)." },
	/* trade: the two-sided trade (cmd_trade.c; docs/commands.md). */
	{ .name = "trade", .handler = cmd_trade,
	  .usage = "trade [<name>]",
	  .help = "Ask someone here to trade, agree to their request, or "
	  "show the trade." },
	{ .name = "offer", .handler = cmd_offer, .flags = CMD_ARGS,
	  .usage = "offer <item>|<n> coins",
	  .help = "Put an item, or coins, on the table of your trade." },
	{ .name = "withdraw", .handler = cmd_withdraw,
	  .usage = "withdraw [<item>|<n> coins]",
	  .help = "Take back an offer, or everything you offer." },
	{ .name = "accept", .handler = cmd_accept,
	  .usage = "accept", .help = "Agree to the trade as it stands; when "
	  "both agree, it happens." },
	{ .name = "cancel", .handler = cmd_cancel,
	  .usage = "cancel", .help = "End your trade, or turn down requests "
	  "to trade." },
	/* talk: talking beyond say (cmd_talk.c; docs/commands.md). */
	{ .name = "tell", .handler = cmd_tell, .flags = CMD_ARGS,
	  .usage = "tell <name> <text>",
	  .help = "Say something to one player, wherever they are." },
	{ .name = "reply", .handler = cmd_reply, .flags = CMD_ARGS,
	  .usage = "reply <text>",
	  .help = "Tell the last one who told you something." },
	{ .name = "emote", .handler = cmd_emote, .flags = CMD_ARGS,
	  .usage = "emote <text>",
	  .help = "Act: the room reads your name and the text (also "
	  ":<text>)." },
	{ .name = "shout", .handler = cmd_shout, .flags = CMD_ARGS,
	  .usage = "shout <text>",
	  .help = "Speak to everyone online in this area." },
	{ .name = "chat", .handler = cmd_chat, .flags = CMD_ARGS,
	  .usage = "chat <text>|on|off",
	  .help = "Speak on the channel of everyone online; turn it on or "
	  "off." },
	{ .name = "afk", .handler = cmd_afk, .usage = "afk [<message>]",
	  .help = "Mark yourself away (or back); your next command ends it." },
	{ .name = "exits", .handler = cmd_exits, .flags = CMD_READ,
	  .usage = "exits", .help = "List the exits and where they lead." },
	{ .name = "save", .handler = cmd_save, .flags = CMD_READ,
	  .usage = "save", .help = "Nothing to do: everything is always "
	  "saved." },
	/* screen: colour and prompt (cmd_screen.c; docs/protocol.md). */
	{ .name = "color", .handler = cmd_color,
	  .aliases = (const struct cmd_alias[]){
		{ .name = "colour", .after = "color" }, { NULL, NULL } },
	  .usage = "color on|off|auto",
	  .help = "Colour on, off, or as your client says (auto)." },
	{ .name = "prompt", .handler = cmd_prompt,
	  .usage = "prompt <format>|default",
	  .help = "Set your prompt: %h hp, %H max hp, %c coins, %l level, "
	  "%x xp, %X xp to next level, %% a %." },
	{ .name = "quit", .handler = cmd_quit, .flags = CMD_FULLNAME,
	  .usage = "quit", .help = "Leave the game (type it in full)." },
};

/* The table's rows. */
const struct cmd_entry *
cmd_table(int *n)
{
	*n = (int)nitems(cmd_entries);
	return cmd_entries;
}

/* A row's index in the table. */
int
cmd_index(const struct cmd_entry *cmd)
{
	return (int)(cmd - cmd_entries);
}

/*
 * The next name in the table's order: a row's name, then every alias (of
 * any row) that stands after it.  False at the end.
 */
bool
cmd_next(struct cmd_cursor *c, const char **name,
    const struct cmd_entry **cmd)
{
	const int	n = (int)nitems(cmd_entries);

	for (; c->row < n; c->row++, c->from = -1) {
		const struct cmd_entry	*here = &cmd_entries[c->row];

		if (c->from < 0) {
			c->from = 0;
			c->alias = 0;
			*name = here->name;
			*cmd = here;
			return true;
		}
		for (; c->from < n; c->from++, c->alias = 0) {
			const struct cmd_alias	*a;

			a = cmd_entries[c->from].aliases;
			for (; a != NULL && a[c->alias].name != NULL;
			    c->alias++) {
				if (strcmp(a[c->alias].after, here->name) != 0)
					continue;
				*name = a[c->alias++].name;
				*cmd = &cmd_entries[c->from];
				return true;
			}
		}
	}
	return false;
}

/* Find a command by name or abbreviation; NULL if none matches. */
const struct cmd_entry *
cmd_lookup(const char *word, const char **name, bool *abbrev_refused)
{
	return cmd_lookup_role(word, ROLE_OWNER, name, abbrev_refused);
}

/*
 * Find a command among the rows role may run, by name or abbreviation;
 * NULL if none matches.  Rows above the role do not exist for it.
 */
const struct cmd_entry *
cmd_lookup_role(const char *word, enum role role, const char **name,
    bool *abbrev_refused)
{
	struct cmd_cursor	 c = CMD_CURSOR_INIT;
	const struct cmd_entry	*cmd, *first = NULL;
	const char		*n, *first_name = NULL;
	size_t			 len = strlen(word);

	*abbrev_refused = false;
	*name = NULL;
	if (len == 0)
		return NULL;
	while (cmd_next(&c, &n, &cmd)) {
		if (cmd->min_role > role)
			continue;
		if (strcmp(word, n) == 0) {
			*name = n;
			return cmd;
		}
		if (first == NULL && strncmp(word, n, len) == 0) {
			first = cmd;
			first_name = n;
		}
	}
	if (first != NULL) {
		*name = first_name;
		*abbrev_refused = (first->flags & CMD_FULLNAME) != 0;
	}
	return first;
}

/*
 * The usage line of cmd under name: the row's own, or for an alias the
 * alias followed by the row's usage after its first word.
 */
const char *
cmd_usage(const struct cmd_entry *cmd, const char *name, char *buf,
    size_t bufsz)
{
	snprintf(buf, bufsz, "%s%s", name, cmd->usage + strcspn(cmd->usage,
	    " "));
	return buf;
}

/* Edit distance between two short words (bounded to 32 bytes). */
static int
cmd_distance(const char *a, const char *b)
{
	int	row[33], la = (int)strlen(a), lb = (int)strlen(b);

	if (la > 32 || lb > 32)
		return 99;
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int	prev = row[0];

		row[0] = i;
		for (int j = 1; j <= lb; j++) {
			int	cur = row[j];
			int	best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

/* The closest command name to a mistyped word, or NULL. */
const char *
cmd_suggest(const char *word)
{
	return cmd_suggest_role(word, ROLE_OWNER);
}

/* The closest name role may run to a mistyped word, or NULL. */
const char *
cmd_suggest_role(const char *word, enum role role)
{
	struct cmd_cursor	 c = CMD_CURSOR_INIT;
	const struct cmd_entry	*cmd;
	const char		*best = NULL, *name;
	int			 bestd = 3;

	while (cmd_next(&c, &name, &cmd)) {
		int	d;

		if (cmd->min_role > role)
			continue;
		d = cmd_distance(word, name);

		if (d < bestd) {
			bestd = d;
			best = name;
		}
	}
	/* One-letter typos of two-letter words suggest nonsense. */
	if (best != NULL && strlen(word) < 3 && bestd > 1)
		return NULL;
	return best;
}

/* Split a line into the command word (lower-cased) and its arguments. */
void
cmd_split(const char *line, char *word, size_t wordsz, const char **args)
{
	size_t	n = 0;

	while (*line == ' ')
		line++;
	/* ' is say and : is emote, as in most MUDs: "'hello" says hello,
	 * ":smiles" emotes. */
	if (*line == '\'' || *line == ':') {
		util_strlcpy(word, *line == ':' ? "emote" : "say", wordsz);
		line++;
	} else {
		while (*line != '\0' && *line != ' ') {
			if (n + 1 < wordsz)
				word[n++] = (char)tolower((unsigned char)*line);
			line++;
		}
		word[n] = '\0';
	}
	while (*line == ' ')
		line++;
	*args = line;
}

/* Parse a role name; false if unknown. */
bool
cmd_role_parse(const char *s, enum role *r)
{
	static const char	*names[] = { "player", "builder", "admin",
	    "owner" };

	for (size_t i = 0; i < nitems(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*r = (enum role)i;
			return true;
		}
	}
	return false;
}
