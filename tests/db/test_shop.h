/*
 * test_shop.h — what the shop tests share: fixtures made with SQL (a shop
 * in a private room with a keeper NPC, players, items) and running a
 * handler in store_tx as the dispatcher does.  See test_shop_fixture.c.
 */
#ifndef KEEP_TEST_SHOP_H
#define KEEP_TEST_SHOP_H

#include <stdbool.h>
#include <stdint.h>

#include <check.h>

#include "db/store.h"
#include "db_test.h"
#include "cmd/cmd.h"

/* A shop made by a test: its room, keeper and keeper prototype. */
struct shop {
	int32_t	 room;
	int64_t	 keeper;
	char	 proto[32];
};

/* Make the shared prototypes, open a store, register an instance. */
void		 shopt_world_open(struct world *);
/* Create a room in the private range (900000 and up); returns its id. */
int32_t		 shopt_room(struct store *);
/* Create an online player in room with coins. */
void		 shopt_char(struct world *, int32_t room, long long coins,
		    struct store_char *);
/*
 * A shop in a new room: a keeper NPC called name with coins, and a shops
 * row with the given terms (types is an array literal like '{weapon}').
 */
void		 shopt_shop(struct world *, struct shop *, const char *name,
		    long long coins, int buy, int sell, const char *types,
		    bool heals, int heal_price);
/* A plain shop: 120% to buy, 50% to sell, every type, no healing. */
void		 shopt_plain_shop(struct world *, struct shop *,
		    long long coins);
/* How many items of proto a character carries ("" for any). */
long long	 shopt_items_of(int64_t who, const char *proto);
/* Run cmd for character id in one transaction, as the dispatcher does. */
void		 shopt_run(struct store *, int64_t id, const char *cmd,
		    const char *args, struct run *);
/* Run cmd and check it was refused with exactly want. */
void		 shopt_refused(struct store *, int64_t id, const char *cmd,
		    const char *args, const char *want);
/* Run cmd and check it committed with exactly want. */
void		 shopt_done(struct store *, int64_t id, const char *cmd,
		    const char *args, const char *want);
/* A fingerprint of every item's place and every purse of the two. */
long long	 shopt_fingerprint(const struct shop *, int64_t player);

/* The test cases of test_shop_rules.c. */
TCase		*shop_store_tcase(void);

#endif
