/*
 * cmd.h — the command table.  A command is a row: its name, flags, the
 * minimum role, whether it takes arguments, a usage line and its handler.
 * Row order decides abbreviations, as in tbaMUD: the first row whose name
 * starts with what was typed wins ("n" is north, "l" is look).  The
 * dispatcher checks arguments, the session and the role once, from the row;
 * handlers never re-check them.
 */
#ifndef KEEP_CMD_H
#define KEEP_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "db/store.h"
#include "ops/buf.h"

enum role {
	ROLE_PLAYER,
	ROLE_BUILDER,
	ROLE_ADMIN
};

enum cmd_flags {
	CMD_READ	= 1 << 0,	/* read-only transaction: writes nothing */
	CMD_FULLNAME	= 1 << 1,	/* no abbreviation (quit) */
	CMD_ARGS	= 1 << 2	/* needs an argument: usage if missing */
};

/* What a handler works with: its transaction's store, the actor, output. */
struct cmd_ctx {
	struct store		*store;
	struct store_char	 me;
	struct buf		*out;		/* reply, sent after COMMIT */
	bool			 close;		/* end the session after reply */
};

typedef enum tx_rc (*cmd_fn)(struct cmd_ctx *, const char *args);

struct cmd_entry {
	const char	*name;
	int		 flags;
	enum role	 min_role;
	const char	*usage;
	const char	*help;
	cmd_fn		 handler;
};

/* Find a command by name or abbreviation; NULL if none matches. */
const struct cmd_entry	*cmd_lookup(const char *word, bool *abbrev_refused);
/* The closest command name to a mistyped word, or NULL. */
const char		*cmd_suggest(const char *word);
/* Split a line into the command word (lower-cased) and its arguments. */
void			 cmd_split(const char *line, char *word, size_t wordsz,
			    const char **args);
/* Parse a role name; false if unknown. */
bool			 cmd_role_parse(const char *, enum role *);
/* The table, for help. */
const struct cmd_entry	*cmd_table(int *n);
/* Set the says a room may hear in a second (room_message_rate). */
void			 cmd_comm_init(int room_message_rate);

/* Handlers, in their themed files. */
enum tx_rc	cmd_look(struct cmd_ctx *, const char *);
enum tx_rc	cmd_north(struct cmd_ctx *, const char *);
enum tx_rc	cmd_east(struct cmd_ctx *, const char *);
enum tx_rc	cmd_south(struct cmd_ctx *, const char *);
enum tx_rc	cmd_west(struct cmd_ctx *, const char *);
enum tx_rc	cmd_up(struct cmd_ctx *, const char *);
enum tx_rc	cmd_down(struct cmd_ctx *, const char *);
enum tx_rc	cmd_say(struct cmd_ctx *, const char *);
enum tx_rc	cmd_who(struct cmd_ctx *, const char *);
enum tx_rc	cmd_score(struct cmd_ctx *, const char *);
enum tx_rc	cmd_give(struct cmd_ctx *, const char *);
enum tx_rc	cmd_help(struct cmd_ctx *, const char *);
enum tx_rc	cmd_quit(struct cmd_ctx *, const char *);
enum tx_rc	cmd_dbstats(struct cmd_ctx *, const char *);
/* cmd_item.c */
enum tx_rc	cmd_inventory(struct cmd_ctx *, const char *);
enum tx_rc	cmd_get(struct cmd_ctx *, const char *);
enum tx_rc	cmd_drop(struct cmd_ctx *, const char *);
enum tx_rc	cmd_put(struct cmd_ctx *, const char *);
enum tx_rc	cmd_equipment(struct cmd_ctx *, const char *);
enum tx_rc	cmd_examine(struct cmd_ctx *, const char *);
enum tx_rc	cmd_wear(struct cmd_ctx *, const char *);
enum tx_rc	cmd_wield(struct cmd_ctx *, const char *);
enum tx_rc	cmd_remove(struct cmd_ctx *, const char *);
/* Give an item (cmd_give hands over when the first word is not a number). */
enum tx_rc	cmd_give_item(struct cmd_ctx *, const char *);
/* cmd_combat.c */
enum tx_rc	cmd_kill(struct cmd_ctx *, const char *);
enum tx_rc	cmd_flee(struct cmd_ctx *, const char *);
enum tx_rc	cmd_consider(struct cmd_ctx *, const char *);
/* cmd_shop.c */
enum tx_rc	cmd_list(struct cmd_ctx *, const char *);
enum tx_rc	cmd_buy(struct cmd_ctx *, const char *);
enum tx_rc	cmd_sell(struct cmd_ctx *, const char *);
enum tx_rc	cmd_value(struct cmd_ctx *, const char *);
enum tx_rc	cmd_heal(struct cmd_ctx *, const char *);

/* Write a room as look shows it; STORE_ERR is passed back as TX_ERROR. */
enum tx_rc	cmd_show_room(struct cmd_ctx *, int32_t room);
/*
 * Parse "N coins to NAME" (also "N coin NAME"); false with a reason for the
 * player in why.  Pure, for unit tests.
 */
bool		cmd_parse_give(const char *args, int64_t *amount, char *name,
		    size_t namesz, const char **why);

#endif
