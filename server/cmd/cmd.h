/*
 * cmd.h — the command table.  A command is a row: its name, the other names
 * it answers to (aliases), flags, the minimum role, whether it takes
 * arguments, a usage line, its handler and a datum for the handler (the
 * direction of a move).  Row order decides abbreviations, as in tbaMUD: the
 * first name in the table's order that starts with what was typed wins ("n"
 * is north, "l" is look).  The dispatcher checks arguments, the session and
 * the role once, from the row (cmd_run); handlers never re-check them, and
 * each sees its own row in ctx->cmd.
 */
#ifndef KEEP_CMD_H
#define KEEP_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "db/store.h"
#include "ops/buf.h"

enum role {
	ROLE_PLAYER,
	ROLE_BUILDER,
	ROLE_ADMIN,
	ROLE_OWNER		/* made only by `keepd role NAME owner` */
};

enum cmd_flags {
	CMD_READ	= 1 << 0,	/* read-only transaction: writes nothing */
	CMD_FULLNAME	= 1 << 1,	/* no abbreviation (quit) */
	CMD_ARGS	= 1 << 2,	/* needs an argument: usage if missing */
	CMD_NOAUDIT	= 1 << 3	/* a staff row that writes no world
					 * rows (wiznet): no audit entry */
};

struct cmd_entry;

/*
 * The GMCP packages the session wants, snapshot on the loop
 * (session_gmcp_wants) before a job is submitted: what is not wanted is
 * not built, so a plain client costs no query for it.
 */
enum cmd_gmcp_want {
	CMD_GMCP_ROOM	= 1 << 0,	/* Room.Info */
	CMD_GMCP_VITALS	= 1 << 1,	/* Char.Vitals */
	CMD_GMCP_STATUS	= 1 << 2,	/* Char.Status, Char.StatusVars */
	CMD_GMCP_ITEMS	= 1 << 3,	/* Char.Items.List */
	CMD_GMCP_COMM	= 1 << 4,	/* Comm.Channel.Text */
	CMD_GMCP_ALL	= (1 << 5) - 1
};

/* An expanded prompt is at most this long (with its NUL). */
#define CMD_PROMPT_OUT	1024

/*
 * What a transaction hands the loop for the screen (cmd_screen.c): the
 * prompt computed from the committed row and the stored colour setting.
 * prompt "" when the transaction did not get that far.
 */
struct cmd_screen {
	char	prompt[CMD_PROMPT_OUT];
	char	color[8];
	int32_t	room;		/* the character's room */
	char	name[STORE_NAME_MAX + 1];	/* the character's name */
};

/*
 * What a handler works with: its row, its transaction's store, the actor,
 * output.
 */
struct cmd_ctx {
	const struct cmd_entry	*cmd;		/* the row being run */
	struct store		*store;
	struct store_char	 me;
	struct buf		*out;		/* reply, sent after COMMIT */
	json_t			*gmcp;		/* GMCP messages, sent after
						 * COMMIT (cmd_gmcp) */
	bool			 close;		/* end the session after reply */
	unsigned		 gmcp_want;	/* enum cmd_gmcp_want bits */
	bool			 room_sent;	/* a Room.Info is queued ... */
	int32_t			 room_sent_id;	/* ... of this room */
};

/*
 * Queue a GMCP message ("Room.Info", a stolen body reference, may be NULL)
 * for the loop to send after COMMIT, before the prompt, if the session
 * wants the package.  Built from the rows the transaction read, like the
 * text beside it; a retried transaction starts with none.
 */
void			 cmd_gmcp(struct cmd_ctx *, const char *package,
			    json_t *body);

typedef enum tx_rc (*cmd_fn)(struct cmd_ctx *, const char *args);

/*
 * Another name of a row's command ("take" for get).  It stands in the
 * table's order right after the row named by after: abbreviations meet it
 * there, and help lists it there as "Same as <command>.".
 */
struct cmd_alias {
	const char	*name;
	const char	*after;
};

struct cmd_entry {
	const char		*name;
	const struct cmd_alias	*aliases;	/* NULL, or up to a NULL name */
	int			 flags;
	enum role		 min_role;
	const char		*usage;		/* starts with the name */
	const char		*help;
	cmd_fn			 handler;
	const char		*data;		/* the handler's: a direction */
};

/* Where a walk through the table's names is (CMD_CURSOR_INIT to start). */
struct cmd_cursor {
	int	row;		/* the row whose name or followers come next */
	int	from;		/* -1: the row's own name; else the row whose */
	int	alias;		/* aliases are being searched, and which one */
};
#define CMD_CURSOR_INIT	{ 0, -1, 0 }

/*
 * The next name in the table's order: each row's name, then the aliases
 * that stand after that row.  Sets *name and *cmd (the row it runs); false
 * at the end.
 */
bool			 cmd_next(struct cmd_cursor *, const char **name,
			    const struct cmd_entry **cmd);
/*
 * Find a command by name or abbreviation; NULL if none matches.  *name is
 * the name matched: the row's own or an alias.
 */
const struct cmd_entry	*cmd_lookup(const char *word, const char **name,
			    bool *abbrev_refused);
/* cmd_lookup among the rows role may run (the others do not exist). */
const struct cmd_entry	*cmd_lookup_role(const char *word, enum role,
			    const char **name, bool *abbrev_refused);
/* cmd_suggest among the names role may run. */
const char		*cmd_suggest_role(const char *word, enum role);
/* The usage line of cmd under name (its own or an alias) into buf. */
const char		*cmd_usage(const struct cmd_entry *, const char *name,
			    char *buf, size_t bufsz);
/* The closest command name to a mistyped word, or NULL. */
const char		*cmd_suggest(const char *word);
/* Split a line into the command word (lower-cased) and its arguments. */
void			 cmd_split(const char *line, char *word, size_t wordsz,
			    const char **args);
/* Parse a role name; false if unknown. */
bool			 cmd_role_parse(const char *, enum role *);
/* The table's rows. */
const struct cmd_entry	*cmd_table(int *n);
/* A row's index in the table (its slot in the metrics). */
int			 cmd_index(const struct cmd_entry *);

/*
 * One command for one session's character (what a job carries), and what
 * running it gave.
 */
struct cmd_call {
	const struct cmd_entry	*cmd;
	int64_t			 char_id;
	const char		*instance;	/* the session's keepd ... */
	uint64_t		 sid;		/* ... and its session id */
	const char		*args;
	const char		*word;		/* as typed (NULL: the name) */
	const char		*addr;		/* the session's peer, or NULL */
	struct buf		*out;		/* reply, sent after COMMIT */
	json_t			*gmcp;		/* set: [[package, body], ...]
						 * (NULL: none; the caller
						 * json_decrefs it) */
	bool			 close;		/* set: end the session */
	enum role		 role;		/* set: the role the tx read */
	bool			 gated;		/* set: refused by the role */
	bool			 afk;		/* set: the actor was away */
	unsigned		 gmcp_want;	/* enum cmd_gmcp_want bits */
	int32_t			 last_room;	/* of the last Room.Info sent
						 * (0: none) */
	struct cmd_screen	 screen;	/* set: prompt, colour */
	int32_t			 guess_room;	/* the actor's room and name */
	const char		*guess_name;	/* as the last command saw
						 * them (0, NULL: unknown) */
};

/*
 * Run a command as one transaction (READ ONLY if the row says CMD_READ),
 * retried up to retries times: load the actor, check that the session
 * still owns the character and that its role allows the row, then call the
 * handler with its row.  The dispatcher and the database tests run every
 * command through here.
 */
enum tx_result		 cmd_run(struct store *, struct cmd_call *,
			    int retries);
/* Set the says a room may hear in a second (room_message_rate). */
void			 cmd_comm_init(int room_message_rate);

/* Handlers, in their themed files. */
enum tx_rc	cmd_look(struct cmd_ctx *, const char *);
/* Walk in the direction the row's data names. */
enum tx_rc	cmd_move(struct cmd_ctx *, const char *);
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

/* cmd_trade.c: the two-sided trade (docs/commands.md, "Trading"). */
enum tx_rc	cmd_trade(struct cmd_ctx *, const char *);
enum tx_rc	cmd_offer(struct cmd_ctx *, const char *);
enum tx_rc	cmd_withdraw(struct cmd_ctx *, const char *);
enum tx_rc	cmd_accept(struct cmd_ctx *, const char *);
enum tx_rc	cmd_cancel(struct cmd_ctx *, const char *);
/*
 * End every trade character id (called name) is in or was asked to, and
 * tell the others "The trade with <name> is off: <name> <how>." (quit,
 * logout).
 */
enum store_rc	cmd_trade_leave(struct store *, int64_t id, const char *name,
		    const char *how) STORE_MUST_CHECK;
/* cmd_screen.c */
enum tx_rc	cmd_color(struct cmd_ctx *, const char *);
enum tx_rc	cmd_prompt(struct cmd_ctx *, const char *);
/* A GMCP-only read: Room.Info, Char.Vitals, Char.Status, Char.Items. */
enum tx_rc	cmd_gmcp_state(struct cmd_ctx *, const char *);
/* The default prompt format. */
#define CMD_PROMPT_DEFAULT	"<%h/%Hhp> "
/*
 * Whether fmt is a prompt format players may store: 1..STORE_PROMPT_MAX
 * bytes, no control byte, only known %-tokens; false with why.
 */
bool		cmd_prompt_valid(const char *fmt, const char **why);
/* Expand a prompt format (or the default for "") for a character. */
void		cmd_prompt_expand(const char *fmt, const struct store_char *,
		    char *out, size_t outsz);
/*
 * The end of a command's (or the login's) transaction for the screen:
 * the prompt and colour into scr from ctx->me, and the GMCP the session
 * wants: Char.Vitals and Char.Status (the loop drops repeats), Room.Info
 * if the room changed since last_room without one, the inventory with
 * inv, Char.StatusVars and the inventory at login.
 */
enum tx_rc	cmd_screen_end(struct cmd_ctx *, struct cmd_screen *scr,
		    int32_t last_room, bool inv, bool login);
/* Queue Room.Info and the room's Char.Items.List if wanted. */
enum tx_rc	cmd_screen_room(struct cmd_ctx *, int32_t room);

/* Write a room as look shows it; STORE_ERR is passed back as TX_ERROR. */
enum tx_rc	cmd_show_room(struct cmd_ctx *, int32_t room);
/*
 * Parse "N coins to NAME" (also "N coin NAME"); false with a reason for the
 * player in why.  Pure, for unit tests.
 */
/* Whether give's args give coins (not an item). */
bool		cmd_give_is_coins(const char *args);
bool		cmd_parse_give(const char *args, int64_t *amount, char *name,
		    size_t namesz, const char **why);

#endif
