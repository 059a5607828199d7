/*
 * store_shop.h — shops in the database: the shopkeeper NPC in a room and
 * its terms (shops), its wares (the items it carries), and the moves of a
 * sale: coins and one item, between two characters locked in id order.
 *
 * Targets are given as lower-case words ("long sword"); an item matches
 * when every word begins one of its keywords (the instance's keywords, or
 * its prototype's).  nth picks the nth match (1-based).
 */
#ifndef KEEP_STORE_SHOP_H
#define KEEP_STORE_SHOP_H

#include "db/store.h"

#define STORE_SHOP_NAME_MAX	80
#define STORE_SHOP_PROTO_MAX	48
#define STORE_SHOP_TYPES_MAX	128

/* A shopkeeper in a room, with its shop's terms. */
struct store_shop {
	int64_t	 keeper_id;
	char	 keeper[STORE_SHOP_NAME_MAX + 1];	/* "the shopkeeper" */
	char	 proto[STORE_SHOP_PROTO_MAX + 1];	/* shops.npc_proto */
	int64_t	 coins;
	int64_t	 fighting_id;		/* 0 when not fighting */
	int32_t	 buy_percent;
	int32_t	 sell_percent;
	char	 buys_types[STORE_SHOP_TYPES_MAX + 1];	/* "weapon armor" */
	bool	 heals;
	int32_t	 heal_price;
	bool	 trades;	/* sells and buys: a healer trades only if it
				 * has stock rows */
};

/* Wares of a keeper by prototype, or one item of a character. */
struct store_shop_item {
	int64_t	 item_id;	/* ware: the lowest id of the group */
	char	 proto[STORE_SHOP_PROTO_MAX + 1];
	char	 name[STORE_SHOP_NAME_MAX + 1];
	char	 type[16];
	int64_t	 value;
	int32_t	 count;		/* ware: how many the keeper has */
	int64_t	 weight;	/* of item_id with its contents (ware and
				 * carried; 0 in wares lists) */
	bool	 worn;
	bool	 has_contents;	/* items or coins inside */
};

/* One side of a deal, as locked. */
struct store_shop_party {
	int64_t	 id;
	int64_t	 coins;
	int32_t	 room_id;
	int32_t	 hp;		/* as of now (char_hp) */
	int32_t	 max_hp;
	int64_t	 fighting_id;
	int32_t	 level;
};

/*
 * The shopkeeper in a room (the lowest id when several): trading shops
 * first, or only healers when healer.  STORE_NONE when there is none.
 */
enum store_rc	 store_shop_find(struct store *, int32_t room, bool healer,
		    struct store_shop *) STORE_MUST_CHECK;
/*
 * A keeper's wares grouped by prototype, cheapest first, up to max, in one
 * query; *n gets how many were written, *more how many groups did not fit.
 */
enum store_rc	 store_shop_wares(struct store *, int64_t keeper,
		    struct store_shop_item *, int max, int *n, int *more)
		    STORE_MUST_CHECK;
/* The nth ware (in list order) matching words; STORE_NONE if none. */
enum store_rc	 store_shop_ware(struct store *, int64_t keeper,
		    const char *words, int nth, struct store_shop_item *)
		    STORE_MUST_CHECK;
/*
 * The name of a prototype the shop stocks (shop_stock) that matches words
 * and that the keeper has none of left; STORE_NONE if there is none.
 */
enum store_rc	 store_shop_sold_out(struct store *, const char *shop_proto,
		    int64_t keeper, const char *words, char *name,
		    size_t namesz) STORE_MUST_CHECK;
/*
 * The nth item a character carries matching words: loose items first,
 * then worn ones, each by id.  STORE_NONE if none.
 */
enum store_rc	 store_shop_carried(struct store *, int64_t owner,
		    const char *words, int nth, struct store_shop_item *)
		    STORE_MUST_CHECK;
/*
 * Lock a player and a keeper in id order (one statement) and read both;
 * STORE_NONE when either is gone.
 */
enum store_rc	 store_shop_lock(struct store *, int64_t player,
		    int64_t keeper, struct store_shop_party *p,
		    struct store_shop_party *k) STORE_MUST_CHECK;
/*
 * Move an item from the keeper's inventory to the buyer's if the keeper
 * still has it, loose; STORE_NONE if not.
 */
enum store_rc	 store_shop_hand_over(struct store *, int64_t keeper,
		    int64_t item, int64_t buyer) STORE_MUST_CHECK;
/*
 * Move an item from the seller's inventory to the keeper's, if it is
 * still there, loose and empty; STORE_NONE if not.
 */
enum store_rc	 store_shop_take_in(struct store *, int64_t seller,
		    int64_t item, int64_t keeper) STORE_MUST_CHECK;
/*
 * Move amount coins from one locked character to another; STORE_NONE if
 * either is gone.  A purse below zero is refused by the CHECK (an error).
 */
enum store_rc	 store_shop_pay(struct store *, int64_t from, int64_t to,
		    int64_t amount) STORE_MUST_CHECK;
/* Move price coins from patient to healer and restore the patient's hp. */
enum store_rc	 store_shop_heal(struct store *, int64_t patient,
		    int64_t healer, int64_t price) STORE_MUST_CHECK;

#endif
