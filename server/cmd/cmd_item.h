/*
 * cmd_item.h — what the item handlers (cmd_item.c, cmd_item_put.c,
 * cmd_wear.c) share:
 * choosing among scanned things, carry burdens, and the lines the room
 * reads about what moved.
 */
#ifndef KEEP_CMD_ITEM_H
#define KEEP_CMD_ITEM_H

#include "db/store_item.h"
#include "cmd/cmd.h"
#include "game/rules_item.h"
#include "game/target.h"
#include "game/text.h"

/* How many lines of one command's doings the room reads in full. */
#define CMD_ITEM_NEWS_LINES	10

/* What the room is told about one command, as one notification. */
struct cmd_item_news {
	struct buf	 text;
	int		 lines;
	int		 more;		/* lines left out */
};

/*
 * The things of set the target names, looking through places in order:
 * 'r' floor, 'c' inventory, 'w' equipment, 'i' inside container, 'N'
 * NPCs, 'P' players.  out gets set indexes (the nth match only, for
 * TARGET_ONE); returns how many, at most max.
 */
int		 cmd_item_find(const struct store_item_set *,
		    const struct target *, const char *places,
		    int64_t container, int *out, int max);
/* Whether an item can hold other items (a container or a corpse). */
bool		 cmd_item_holds(const struct store_item *);
/* What the actor carries, from a scan that includes STORE_SCAN_MINE. */
void		 cmd_item_burden(const struct store_item_set *, int32_t level,
		    struct rules_burden *);
/* Add a line for the room (no trailing newline). */
void		 cmd_item_news_add(struct cmd_item_news *, const char *fmt,
		    ...) __attribute__((format(printf, 2, 3)));
/*
 * Tell the room (all but the actor and except2, 0 for none) the lines,
 * if any, and free them.
 */
enum store_rc	 cmd_item_news_send(struct cmd_ctx *, int32_t room,
		    struct cmd_item_news *, int64_t except2);
/* Write the grouped contents of a container ("  a dagger (x2)"). */
void		 cmd_item_contents(struct buf *, const struct store_item_set *,
		    const struct store_item *container);

/* How cmd_item_hand_over words what moved: "You put X in Y.", "Al puts X in Y." */
struct cmd_item_words {
	const char	*mine;		/* "drop", "put" */
	const char	*theirs;	/* "drops", "puts" */
	const char	*prep;		/* "" or " in " */
	const char	*to;		/* "" or the container's name */
};

/* Longest argument word a command copies (what, from, into, whom). */
#define CMD_ITEM_ARG_MAX	256

/* Refuse with a line; the transaction rolls back. */
enum tx_rc	 cmd_item_refuse(struct cmd_ctx *, const char *why);
/*
 * Move the chosen inventory things (set indexes) with how, and say so to
 * the actor and (in news) the room.  Returns how many moved, -1 on error.
 */
int		 cmd_item_hand_over(struct cmd_ctx *,
		    const struct store_item_set *, const int *cand, int k,
		    enum store_item_move how, int64_t to,
		    const struct cmd_item_words *, struct cmd_item_news *);

#endif
