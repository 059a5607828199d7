/*
 * store_trade.h — the two-sided trade between players (trade, offer,
 * withdraw, accept, cancel), kept in the tables trades, trade_sides and
 * trade_offers (migration 0019), so an open trade survives a restart.
 *
 * Every trade command locks the trades row first (store_trade_lock), so the
 * commands of one trade run one after another.  The swap then locks both
 * characters and every offered item, each in id order, re-reads them, and
 * moves everything or nothing (store_trade_lock_goods, store_trade_swap).
 */
#ifndef KEEP_STORE_TRADE_H
#define KEEP_STORE_TRADE_H

#include "db/store.h"
#include "db/store_item.h"

/* The most items one side may have on the table. */
#define STORE_TRADE_OFFERS_MAX	20

/* One side of a trade, as read with the trade locked. */
struct store_trade_side {
	int64_t	 id;			/* the character */
	char	 name[STORE_NAME_MAX + 1];
	int32_t	 room_id;		/* where the character is */
	bool	 online;
	int64_t	 purse;			/* the coins it has */
	int32_t	 level;
	bool	 joined;		/* has a trade_sides row */
	int64_t	 coins;			/* the coins it offers */
	bool	 accepted;
};

/* One offered item. */
struct store_trade_offer {
	int64_t	 item_id;
	int64_t	 char_id;		/* the offerer */
	char	 name[STORE_ITEM_NAME_MAX + 1];
	char	 keywords[STORE_ITEM_KW_MAX + 1];
	bool	 there;			/* carried by the offerer, not worn,
					 * holding nothing */
	int64_t	 weight;
};

/* A trade, locked; side[0] is the character that loaded it. */
struct store_trade {
	int64_t				 id;
	int32_t				 room_id;	/* where it was opened */
	bool				 open;		/* agreed to */
	int64_t				 asker_id;
	struct store_trade_side		 side[2];
	struct store_trade_offer	*offers;
	int				 noffers;
};

/* Free a trade's offers. */
void		 store_trade_free(struct store_trade *);
/* The id of the trade me takes part in (asked or open); STORE_NONE. */
enum store_rc	 store_trade_of(struct store *, int64_t me, int64_t *id)
		    STORE_MUST_CHECK;
/* The trade asker asked of asked in room, not yet opened; STORE_NONE. */
enum store_rc	 store_trade_asked_by(struct store *, int64_t asker,
		    int64_t asked, int32_t room, int64_t *id) STORE_MUST_CHECK;
/*
 * Lock trade id (FOR UPDATE) and read it as me sees it: both sides and the
 * offers.  STORE_NONE when it is gone or me takes no part in it.
 */
enum store_rc	 store_trade_lock(struct store *, int64_t id, int64_t me,
		    struct store_trade *) STORE_MUST_CHECK;
/*
 * Lock both characters, then every offered item, each in id order, and
 * read the trade again (purses, offers and whether they are still there).
 */
enum store_rc	 store_trade_lock_goods(struct store *, struct store_trade *)
		    STORE_MUST_CHECK;
/* Lock two characters in id order (before asking or joining a trade). */
enum store_rc	 store_trade_lock_pair(struct store *, int64_t a, int64_t b)
		    STORE_MUST_CHECK;
/* Ask them to trade in room: a trade and me's side; its id. */
enum store_rc	 store_trade_ask(struct store *, int64_t me, int64_t them,
		    int32_t room, int64_t *id) STORE_MUST_CHECK;
/* The asked one agrees: its side is added and the trade opens. */
enum store_rc	 store_trade_join(struct store *, int64_t id, int64_t me)
		    STORE_MUST_CHECK;
/* Delete a trade, its sides and offers (cancel, or after the swap). */
enum store_rc	 store_trade_close(struct store *, int64_t id)
		    STORE_MUST_CHECK;
/*
 * Delete every trade me asked, was asked or takes part in; the other
 * characters' ids (up to max) into others, their count into *n.
 */
enum store_rc	 store_trade_leave(struct store *, int64_t me, int64_t *others,
		    int max, int *n) STORE_MUST_CHECK;
/* Offer an item (STORE_NONE: it is on the table already). */
enum store_rc	 store_trade_offer(struct store *, int64_t id, int64_t me,
		    int64_t item) STORE_MUST_CHECK;
/* Withdraw me's offers of the listed items (NULL: all of them). */
enum store_rc	 store_trade_withdraw(struct store *, int64_t me,
		    const int64_t *items, int n) STORE_MUST_CHECK;
/* Set the coins me offers. */
enum store_rc	 store_trade_coins(struct store *, int64_t me, int64_t coins)
		    STORE_MUST_CHECK;
/* Set whether me accepts the terms as they stand. */
enum store_rc	 store_trade_accept(struct store *, int64_t me, bool accepted)
		    STORE_MUST_CHECK;
/* Clear both acceptances and withdraw offers of items no longer there. */
enum store_rc	 store_trade_refuse(struct store *, int64_t id)
		    STORE_MUST_CHECK;
/*
 * The swap, after store_trade_lock_goods found everything there: every
 * offered item to the other side, both coin offers, and the trade closed.
 * STORE_NONE (roll back) if any row was not where the check saw it.
 */
enum store_rc	 store_trade_swap(struct store *, const struct store_trade *)
		    STORE_MUST_CHECK;

#endif
