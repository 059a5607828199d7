/*
 * test_trade.c — the two-sided trade against the real test database: the
 * commands run through cmd_run as the dispatcher runs them, and what moved
 * is read back with SQL.  Every test checks that coins and items are
 * conserved: the coins of the characters involved sum to the same before
 * and after, and every item has exactly one owner.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "db_test.h"
#include "keep_test.h"

/* Two traders (and a bystander) in a fresh room, with goods. */
struct deal {
	struct world		w;
	int32_t			room;
	struct store_char	a, b, c;
	int64_t			sword, helm, trinket;	/* a, a, b */
	long long		coins;			/* a + b + c */
	long long		ca, cb;			/* a's, b's */
};

/* The fixture: Alice-like a with a sword and a helm, b with a trinket. */
static void
deal_open(struct deal *d)
{
	combat_fixtures();
	world_open(&d->w);
	d->room = new_room(d->w.s, "Trading Post");
	new_char(&d->w, "Tra", d->room, &d->a);
	new_char(&d->w, "Trb", d->room, &d->b);
	new_char(&d->w, "Trc", d->room, &d->c);
	d->sword = item_on("cmb_sword", d->a.id, NULL);
	d->helm = item_on("cmb_helm", d->a.id, NULL);
	d->trinket = item_on("cmb_trinket", d->b.id, NULL);
	d->ca = coins_of(d->a.id);
	d->cb = coins_of(d->b.id);
	d->coins = d->ca + d->cb + coins_of(d->c.id);
}

/* Who carries an item (0: nobody). */
static long long
owner(int64_t item)
{
	return sqlv("SELECT coalesce(carrier_id, 0) FROM items WHERE id = %lld",
	    (long long)item);
}

/* Nothing made or lost: coins summed, each item in one place, once. */
static void
deal_conserved(struct deal *d)
{
	ck_assert_int_eq(coins_of(d->a.id) + coins_of(d->b.id) +
	    coins_of(d->c.id) + sqlv("SELECT coins FROM rooms WHERE id = %d",
	    d->room), d->coins);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id IN (%lld,"
	    " %lld, %lld)", (long long)d->sword, (long long)d->helm,
	    (long long)d->trinket), 3);
}

/* Run cmd for who and check its output holds want. */
static void
said(struct deal *d, const struct store_char *who, const char *cmd,
    const char *args, const char *want)
{
	struct run	r;

	run(d->w.s, who->id, cmd, args, &r);
	ck_assert_msg(strstr(r.out, want) != NULL, "%s %s: got \"%s\", want "
	    "\"%s\"", cmd, args, r.out, want);
}

/* How many messages to id hold needle. */
static long long
told(int64_t id, const char *needle)
{
	char	q[512];
	size_t	n = 0;

	for (const char *c = needle; *c != '\0' && n + 2 < sizeof q; c++) {
		if (*c == '\'')
			q[n++] = '\'';
		q[n++] = *c;
	}
	q[n] = '\0';
	return sqlv("SELECT count(*) FROM messages WHERE %lld = ANY(recipients)"
	    " AND strpos(text, '%s') > 0", (long long)id, q);
}

/* Open a trade between a and b (a asks, b agrees). */
static void
deal_start(struct deal *d)
{
	char		low[17];
	long long	asked, agreed;

	snprintf(low, sizeof low, "%s", d->a.name);
	low[0] = (char)(low[0] + 32);
	asked = told(d->b.id, fmt("type 'trade %s' to accept", low));
	agreed = told(d->a.id, "agrees to trade with you");
	said(d, &d->a, "trade", d->b.name, "You ask");
	ck_assert_int_eq(told(d->b.id, fmt("type 'trade %s' to accept", low)),
	    asked + 1);
	said(d, &d->b, "trade", d->a.name, "You agree to trade with");
	ck_assert_int_eq(told(d->a.id, "agrees to trade with you"), agreed + 1);
}

/* Whether side who has accepted. */
static long long
accepted(int64_t who)
{
	return sqlv("SELECT count(*) FROM trade_sides WHERE char_id = %lld"
	    " AND accepted", (long long)who);
}

/* The whole deal: items and coins both ways. */
START_TEST(test_trade_happy)
{
	struct deal	d;

	deal_open(&d);
	deal_start(&d);
	said(&d, &d.a, "offer", "sword", "You offer: a test sword.");
	ck_assert_int_eq(told(d.b.id, "offers: a test sword."), 1);
	said(&d, &d.a, "offer", "helm", "a test sword and a test helm");
	said(&d, &d.a, "offer", "30 coins", "and 30 coins.");
	said(&d, &d.b, "offer", "trinket", "You offer: a test trinket.");
	said(&d, &d.b, "offer", "5 coins", "a test trinket and 5 coins.");
	said(&d, &d.a, "trade", "", "Nobody has accepted yet.");
	said(&d, &d.a, "accept", "", "You accept the trade.");
	ck_assert_int_eq(told(d.b.id, "type accept to complete"), 1);
	said(&d, &d.b, "trade", "", "has accepted; type accept");
	/* Nothing has moved yet. */
	ck_assert_int_eq(owner(d.sword), d.a.id);
	ck_assert_int_eq(coins_of(d.a.id), d.ca);
	said(&d, &d.b, "accept", "", "You get a test sword, a test helm and "
	    "30 coins.");
	ck_assert_int_eq(told(d.a.id, "You get a test trinket and 5 coins."),
	    1);
	ck_assert_int_eq(owner(d.sword), d.b.id);
	ck_assert_int_eq(owner(d.helm), d.b.id);
	ck_assert_int_eq(owner(d.trinket), d.a.id);
	ck_assert_int_eq(coins_of(d.a.id), d.ca - 30 + 5);
	ck_assert_int_eq(coins_of(d.b.id), d.cb - 5 + 30);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM trade_sides WHERE char_id"
	    " IN (%lld, %lld)", (long long)d.a.id, (long long)d.b.id), 0);
	said(&d, &d.a, "trade", "", "You are not trading with anyone.");
	deal_conserved(&d);
	world_close(&d.w);
}
END_TEST

/* Bad input changes nothing and says why. */
START_TEST(test_trade_refusals)
{
	struct deal	d;

	deal_open(&d);
	said(&d, &d.a, "offer", "sword", "You are not trading with anyone.");
	said(&d, &d.a, "trade", d.a.name, "You can't trade with yourself.");
	said(&d, &d.a, "trade", "Nobodyhere", "There is no one called");
	said(&d, &d.a, "trade", "x!", "There is no one by that name here.");
	said(&d, &d.a, "trade", fmt("  %s  ", d.b.name), "You ask");
	said(&d, &d.a, "cancel", "", "You cancel the trade with");
	said(&d, &d.a, "trade", d.b.name, "You ask");
	said(&d, &d.a, "offer", "sword", "has not agreed to trade yet.");
	said(&d, &d.c, "trade", d.a.name, "You ask");
	said(&d, &d.a, "trade", d.c.name, "You are already trading with");
	said(&d, &d.b, "trade", d.a.name, "You agree");
	said(&d, &d.a, "accept", "", "Nothing is on the table yet.");
	said(&d, &d.a, "offer", "nothing", "You aren't carrying that.");
	said(&d, &d.a, "offer", "0 coins", "positive number");
	said(&d, &d.a, "offer", "100000 coins", "You only have");
	said(&d, &d.a, "offer", "sword", "You offer: a test sword.");
	said(&d, &d.a, "offer", "sword", "That is on the table already.");
	said(&d, &d.a, "withdraw", "helm", "You don't offer that.");
	said(&d, &d.a, "withdraw", "sword", "You offer: nothing.");
	said(&d, &d.a, "withdraw", "", "You offer nothing.");
	/* c's request is turned down by a's cancel only once a is free. */
	said(&d, &d.a, "cancel", "", "You cancel the trade with");
	ck_assert_int_eq(told(d.b.id, "cancels the trade."), 2);
	said(&d, &d.a, "cancel", "", "You turn down 1 request to trade.");
	ck_assert_int_eq(told(d.c.id, "does not want to trade."), 1);
	said(&d, &d.c, "trade", "", "You are not trading with anyone.");
	ck_assert_int_eq(owner(d.sword), d.a.id);
	deal_conserved(&d);
	world_close(&d.w);
}
END_TEST

/* Changing an offer clears both acceptances. */
START_TEST(test_trade_change_clears)
{
	struct deal	d;

	deal_open(&d);
	deal_start(&d);
	said(&d, &d.a, "offer", "sword", "You offer");
	said(&d, &d.b, "offer", "10 coins", "You offer");
	said(&d, &d.a, "accept", "", "You accept");
	ck_assert_int_eq(accepted(d.a.id), 1);
	said(&d, &d.b, "offer", "trinket", "Nobody has accepted yet.");
	ck_assert_int_eq(accepted(d.a.id), 0);
	ck_assert_int_eq(told(d.a.id, "changes the offer."), 2);
	/* b accepts: only b has now, nothing moves. */
	said(&d, &d.b, "accept", "", "You accept");
	ck_assert_int_eq(owner(d.sword), d.a.id);
	ck_assert_int_eq(owner(d.trinket), d.b.id);
	said(&d, &d.a, "offer", "5 coins", "You are trading");
	ck_assert_int_eq(accepted(d.b.id), 0);
	said(&d, &d.b, "withdraw", "5 coins", "You offer: a test trinket and "
	    "5 coins.");
	said(&d, &d.b, "accept", "", "You accept");
	said(&d, &d.a, "withdraw", "", "You offer: nothing.");
	ck_assert_int_eq(accepted(d.b.id), 0);
	ck_assert_int_eq(owner(d.sword), d.a.id);
	deal_conserved(&d);
	world_close(&d.w);
}
END_TEST

/* Both accept after an offered item moved: refused, nothing moves. */
static void
deal_moved_item(const char *how)
{
	struct deal	d;

	deal_open(&d);
	deal_start(&d);
	said(&d, &d.a, "offer", "sword", "You offer");
	said(&d, &d.b, "offer", "20 coins", "You offer");
	said(&d, &d.a, "accept", "", "You accept");
	if (strcmp(how, "drop") == 0)
		said(&d, &d.a, "drop", "sword", "You drop a test sword.");
	else if (strcmp(how, "give") == 0)
		said(&d, &d.a, "give", fmt("sword to %s", d.c.name),
		    "You give a test sword");
	else
		said(&d, &d.a, "wield", "sword", "You wield");
	said(&d, &d.b, "accept", "", "The trade did not happen:");
	ck_assert_int_eq(told(d.a.id, "no longer has a test sword"), 1);
	ck_assert_int_eq(owner(d.sword), strcmp(how, "drop") == 0 ? 0 :
	    strcmp(how, "give") == 0 ? d.c.id : d.a.id);
	ck_assert_int_eq(coins_of(d.a.id), d.ca);
	ck_assert_int_eq(coins_of(d.b.id), d.cb);
	/* Still open, acceptances cleared, the stale offer withdrawn. */
	ck_assert_int_eq(accepted(d.a.id) + accepted(d.b.id), 0);
	said(&d, &d.a, "trade", "", "You offer: nothing.");
	deal_conserved(&d);
	world_close(&d.w);
}

START_TEST(test_trade_item_dropped)
{
	deal_moved_item("drop");
}
END_TEST

START_TEST(test_trade_item_given)
{
	deal_moved_item("give");
}
END_TEST

START_TEST(test_trade_item_worn)
{
	deal_moved_item("wield");
}
END_TEST

/* An offered item deleted between the accepts: new terms, nothing moves. */
START_TEST(test_trade_item_deleted)
{
	struct deal	d;

	deal_open(&d);
	deal_start(&d);
	said(&d, &d.a, "offer", "sword", "You offer");
	said(&d, &d.a, "offer", "helm", "You offer");
	said(&d, &d.b, "offer", "20 coins", "You offer");
	said(&d, &d.a, "accept", "", "You accept");
	sqlf("DELETE FROM items WHERE id = %lld", (long long)d.sword);
	ck_assert_int_eq(accepted(d.a.id), 0);
	said(&d, &d.b, "accept", "", "You accept the trade.");
	ck_assert_int_eq(owner(d.helm), d.a.id);
	ck_assert_int_eq(coins_of(d.b.id), d.cb);
	world_close(&d.w);
}
END_TEST

/* Coins spent before the second accept: refused, nothing moves. */
START_TEST(test_trade_coins_spent)
{
	struct deal	d;
	long long	ca, cb;

	deal_open(&d);
	deal_start(&d);
	said(&d, &d.a, "offer", "60 coins", "You offer: 60 coins.");
	said(&d, &d.b, "offer", "trinket", "You offer");
	said(&d, &d.a, "accept", "", "You accept");
	said(&d, &d.a, "give", fmt("50 coins to %s", d.c.name), "You give 50");
	ca = coins_of(d.a.id);
	cb = coins_of(d.b.id);
	said(&d, &d.b, "accept", "", "has only 50 coins, not the 60 offered");
	ck_assert_int_eq(told(d.a.id, "has only 50 coins"), 1);
	ck_assert_int_eq(coins_of(d.a.id), ca);
	ck_assert_int_eq(coins_of(d.b.id), cb);
	ck_assert_int_eq(owner(d.trinket), d.b.id);
	ck_assert_int_eq(accepted(d.a.id) + accepted(d.b.id), 0);
	deal_conserved(&d);
	world_close(&d.w);
}
END_TEST

/* The swap keeps give's carry limits, counting what each side gives. */
START_TEST(test_trade_carry)
{
	struct deal	d;
	const int	room = 10 + 2 * 1;	/* things in hand at level 1 */

	deal_open(&d);
	sqlf("UPDATE characters SET level = 1 WHERE id = %lld",
	    (long long)d.b.id);
	/* b's hands are full: one more thing is one too many. */
	give_items(d.b.id, "cmb_trinket", room - 1);
	deal_start(&d);
	said(&d, &d.a, "offer", "sword", "You offer");
	said(&d, &d.b, "offer", "10 coins", "You offer");
	said(&d, &d.a, "accept", "", "You accept");
	said(&d, &d.b, "accept", "", fmt("%s can't "
	    "carry that many things.", d.b.name));
	ck_assert_int_eq(owner(d.sword), d.a.id);
	ck_assert_int_eq(coins_of(d.b.id), d.cb);
	/* Giving one thing back in the same trade makes room. */
	said(&d, &d.b, "offer", "trinket", "You offer");
	said(&d, &d.a, "accept", "", "You accept");
	said(&d, &d.b, "accept", "", "You get a test sword.");
	ck_assert_int_eq(owner(d.sword), d.b.id);
	ck_assert_int_eq(owner(d.trinket), d.a.id);
	deal_conserved(&d);
	world_close(&d.w);
}
END_TEST

/* One side leaves the room (or the game): the trade is off. */
START_TEST(test_trade_left)
{
	struct deal	d;
	int32_t		other;

	deal_open(&d);
	other = new_room(d.w.s, "Elsewhere");
	deal_start(&d);
	said(&d, &d.a, "offer", "sword", "You offer");
	said(&d, &d.b, "offer", "trinket", "You offer");
	said(&d, &d.a, "accept", "", "You accept");
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", other,
	    (long long)d.a.id);
	said(&d, &d.b, "accept", "", fmt("The trade with %s is off: %s left.",
	    d.a.name, d.a.name));
	ck_assert_int_eq(told(d.a.id, "you left the room where it began"), 1);
	ck_assert_int_eq(owner(d.sword), d.a.id);
	ck_assert_int_eq(owner(d.trinket), d.b.id);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM trade_sides WHERE char_id"
	    " IN (%lld, %lld)", (long long)d.a.id, (long long)d.b.id), 0);

	/* Quit ends the trade at once and tells the other side. */
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", d.room,
	    (long long)d.a.id);
	deal_start(&d);
	said(&d, &d.a, "quit", "", "Goodbye.");
	ck_assert_int_eq(told(d.b.id, fmt("The trade with %s is off: %s left "
	    "the game.", d.a.name, d.a.name)), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM trades WHERE asker_id ="
	    " %lld", (long long)d.a.id), 0);
	deal_conserved(&d);
	world_close(&d.w);
}
END_TEST

/*
 * A request made in another room is not agreed to: the asked one's
 * `trade` asks anew, and the old request ends when its asker next acts.
 */
START_TEST(test_trade_ask_elsewhere)
{
	struct deal	d;
	int32_t		other;

	deal_open(&d);
	other = new_room(d.w.s, "Elsewhere");
	said(&d, &d.a, "trade", d.b.name, "You ask");
	sqlf("UPDATE characters SET room_id = %d WHERE id IN (%lld, %lld)",
	    other, (long long)d.a.id, (long long)d.b.id);
	said(&d, &d.b, "trade", d.a.name, "You ask");
	said(&d, &d.a, "trade", d.b.name, "You agree to trade with");
	said(&d, &d.a, "trade", "", "You are trading with");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM trades WHERE %lld IN"
	    " (asker_id, asked_id)", (long long)d.a.id), 1);
	world_close(&d.w);
}
END_TEST

/* The schema refuses what the commands never do. */
START_TEST(test_trade_constraints)
{
	struct deal	d;
	PGconn		*c;
	PGresult	*r;
	static const char *bad[] = {
		"UPDATE trade_sides SET coins = -1",
		/* an item offered twice */
		"INSERT INTO trade_offers (item_id, trade_id, char_id)"
		" SELECT item_id, trade_id, char_id FROM trade_offers",
		/* one character in two trades */
		"INSERT INTO trade_sides (char_id, trade_id) SELECT char_id,"
		" trade_id FROM trade_sides",
	};

	deal_open(&d);
	deal_start(&d);
	said(&d, &d.a, "offer", "sword", "You offer");
	c = PQconnectdb(test_db_url());
	ck_assert(PQstatus(c) == CONNECTION_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = PQexec(c, fmt("%s WHERE trade_id = "
		    "(SELECT trade_id FROM trade_sides WHERE char_id = %lld)",
		    bad[i], (long long)d.a.id));
		ck_assert_msg(PQresultStatus(r) == PGRES_FATAL_ERROR,
		    "accepted: %s", bad[i]);
		PQclear(r);
	}
	PQfinish(c);
	world_close(&d.w);
}
END_TEST

struct racer {
	pthread_t		 thread;
	struct store		*s;
	const struct store_char	*c;
	const char		*cmd;
	const char		*args;
	pthread_barrier_t	*start;
	struct run		 r;
};

/* Thread: wait for the other, then run the command at the same moment. */
static void *
racer_main(void *arg)
{
	struct racer	*rc = arg;

	memset(&rc->r, 0, sizeof rc->r);
	rc->r.cmd = rc->cmd;
	rc->r.args = rc->args;
	rc->r.id = rc->c->id;
	snprintf(rc->r.inst, sizeof rc->r.inst, "%s", rc->c->session_instance);
	rc->r.sid = rc->c->session_id;
	pthread_barrier_wait(rc->start);
	(void)run_call(rc->s, &rc->r, 10);
	return NULL;
}

/* Run two commands at once on two connections. */
static void
race(const struct store_char *c1, const char *cmd1, const char *args1,
    const struct store_char *c2, const char *cmd2, const char *args2,
    struct racer rc[2])
{
	pthread_barrier_t	start;

	pthread_barrier_init(&start, NULL, 2);
	rc[0] = (struct racer){ .s = test_store(), .c = c1, .cmd = cmd1,
	    .args = args1, .start = &start };
	rc[1] = (struct racer){ .s = test_store(), .c = c2, .cmd = cmd2,
	    .args = args2, .start = &start };
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&rc[i].thread, NULL, racer_main,
		    &rc[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(rc[i].thread, NULL);
		store_close(rc[i].s);
		ck_assert_msg(rc[i].r.result == TXR_COMMITTED ||
		    rc[i].r.result == TXR_ROLLED_BACK, "racer %d: %d", i,
		    rc[i].r.result);
	}
	pthread_barrier_destroy(&start);
}

#define ROUNDS	8

/*
 * Two accepts at once, and the second side accepting twice at once on two
 * connections: exactly one swap each round.
 */
START_TEST(test_trade_accept_race)
{
	struct deal	d;
	struct racer	rc[2];
	long long	ca, cb;

	deal_open(&d);
	for (int round = 0; round < ROUNDS; round++) {
		int64_t			 mine = owner(d.sword) == d.a.id ?
					    d.a.id : d.b.id;
		const struct store_char	*x = mine == d.a.id ? &d.a : &d.b;
		const struct store_char	*y = mine == d.a.id ? &d.b : &d.a;

		ca = coins_of(x->id);
		cb = coins_of(y->id);
		said(&d, x, "trade", y->name, "You ask");
		said(&d, y, "trade", x->name, "You agree");
		said(&d, x, "offer", "sword", "You offer");
		said(&d, x, "offer", "7 coins", "You offer");
		said(&d, y, "offer", "3 coins", "You offer");
		if (round % 2 == 0)
			race(x, "accept", "", y, "accept", "", rc);
		else {
			said(&d, x, "accept", "", "You accept");
			race(y, "accept", "", y, "accept", "", rc);
		}
		ck_assert_int_eq(owner(d.sword), y->id);
		ck_assert_int_eq(coins_of(x->id), ca - 7 + 3);
		ck_assert_int_eq(coins_of(y->id), cb - 3 + 7);
		ck_assert_int_eq(str_count(rc[0].r.out, "You trade with") +
		    str_count(rc[1].r.out, "You trade with"), 1);
		deal_conserved(&d);
	}
	world_close(&d.w);
}
END_TEST

/* Both ask each other at the same moment: one asks, the other agrees. */
START_TEST(test_trade_ask_race)
{
	struct deal	d;
	struct racer	rc[2];

	deal_open(&d);
	for (int round = 0; round < ROUNDS; round++) {
		race(&d.a, "trade", d.b.name, &d.b, "trade", d.a.name, rc);
		ck_assert_int_eq(str_count(rc[0].r.out, "You ask") +
		    str_count(rc[1].r.out, "You ask"), 1);
		ck_assert_int_eq(str_count(rc[0].r.out, "You agree") +
		    str_count(rc[1].r.out, "You agree"), 1);
		ck_assert_int_eq(sqlv("SELECT count(*) FROM trades WHERE"
		    " opened_at IS NOT NULL AND %lld IN (asker_id, asked_id)",
		    (long long)d.a.id), 1);
		said(&d, round % 2 ? &d.a : &d.b, "cancel", "", "You cancel");
	}
	world_close(&d.w);
}
END_TEST

/*
 * The last accept racing a give of an offered item: either the swap
 * happened whole (and the give found nothing) or the give did (and the
 * swap was refused); never both, never half.
 */
START_TEST(test_trade_accept_give_race)
{
	struct deal	d;
	struct racer	rc[2];
	int		swaps = 0, gives = 0;

	deal_open(&d);
	sqlf("DELETE FROM items WHERE id = %lld", (long long)d.helm);
	for (int round = 0; round < ROUNDS; round++) {
		int64_t		item = item_on("cmb_helm", d.a.id, NULL);
		long long	ca = coins_of(d.a.id), cb = coins_of(d.b.id);
		char		give[64];

		d.coins = ca + cb + coins_of(d.c.id);
		said(&d, &d.a, "trade", d.b.name, "You ask");
		said(&d, &d.b, "trade", d.a.name, "You agree");
		said(&d, &d.a, "offer", "helm", "You offer");
		said(&d, &d.b, "offer", "4 coins", "You offer");
		said(&d, &d.b, "accept", "", "You accept");
		snprintf(give, sizeof give, "helm to %s", d.c.name);
		race(&d.a, "accept", "", &d.a, "give", give, rc);
		if (owner(item) == d.b.id) {
			swaps++;
			/* The give lost: it moved nothing (the swap took the
			 * helm from a, not from whoever got it first). */
			ck_assert_msg(strstr(rc[1].r.out, "You give") == NULL,
			    "both won: %s", rc[1].r.out);
			ck_assert_int_eq(coins_of(d.a.id), ca + 4);
			ck_assert_int_eq(coins_of(d.b.id), cb - 4);
			said(&d, &d.a, "trade", "", "not trading");
		} else {
			gives++;
			ck_assert_int_eq(owner(item), d.c.id);
			ck_assert_int_eq(coins_of(d.a.id), ca);
			ck_assert_int_eq(coins_of(d.b.id), cb);
			said(&d, &d.a, "cancel", "", "You cancel");
		}
		ck_assert_int_eq(coins_of(d.a.id) + coins_of(d.b.id) +
		    coins_of(d.c.id), d.coins);
		/* Every helm of these three is in one place. */
		ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id ="
		    " %lld", (long long)item), 1);
	}
	ck_assert_int_eq(swaps + gives, ROUNDS);
	world_close(&d.w);
}
END_TEST

/* The trade suite: the database tier here, end to end in test_trade_e2e. */
Suite *
trade_suite(void)
{
	Suite	*s = suite_create("trade");
	TCase	*tc = tcase_create("db");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_trade_happy);
	tcase_add_test(tc, test_trade_refusals);
	tcase_add_test(tc, test_trade_change_clears);
	tcase_add_test(tc, test_trade_item_dropped);
	tcase_add_test(tc, test_trade_item_given);
	tcase_add_test(tc, test_trade_item_worn);
	tcase_add_test(tc, test_trade_item_deleted);
	tcase_add_test(tc, test_trade_coins_spent);
	tcase_add_test(tc, test_trade_carry);
	tcase_add_test(tc, test_trade_left);
	tcase_add_test(tc, test_trade_ask_elsewhere);
	tcase_add_test(tc, test_trade_constraints);
	tcase_add_test(tc, test_trade_accept_race);
	tcase_add_test(tc, test_trade_ask_race);
	tcase_add_test(tc, test_trade_accept_give_race);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, trade_e2e_tcase());
	return s;
}
