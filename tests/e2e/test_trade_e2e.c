/*
 * test_trade_e2e.c — the trade over TCP between two telnet clients, and
 * the two kill -9 tests: keepd killed between the two accepts (the trade
 * is still open with one acceptance after the restart) and keepd killed
 * right after the last accept was sent (afterwards the whole swap happened
 * or none of it).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include <libpq-fe.h>

#include "db_test.h"
#include "keep_test.h"

#define PASSWORD	"fair trade"

/* Two players in the start room, a holding a sword. */
struct pair {
	struct keepd	k;
	struct client	a, b;
	char		an[17], bn[17];
	int64_t		aid, bid, sword;
	long long	ca, cb;		/* their coins before */
};

/* A character's id by name. */
static int64_t
id_of(const char *name)
{
	return sqlv("SELECT id FROM characters WHERE name = '%s'", name);
}

/* Who carries an item (0: nobody). */
static long long
carrier(int64_t item)
{
	return sqlv("SELECT coalesce(carrier_id, 0) FROM items WHERE id = %lld",
	    (long long)item);
}

/* The lower-case form of a name, as typed after trade. */
static const char *
lower(const char *name)
{
	static char	out[17];

	snprintf(out, sizeof out, "%s", name);
	out[0] = (char)(out[0] + 32);
	return out;
}

/* Start keepd, make both players, give a a sword. */
static void
pair_open(struct pair *p)
{
	combat_fixtures();
	keepd_start(&p->k, NULL);
	client_player(&p->a, p->k.port, p->an, "Tea", PASSWORD);
	client_player(&p->b, p->k.port, p->bn, "Teb", PASSWORD);
	p->aid = id_of(p->an);
	p->bid = id_of(p->bn);
	p->sword = item_on("cmb_sword", p->aid, NULL);
	p->ca = coins_of(p->aid);
	p->cb = coins_of(p->bid);
}

/* Open the trade: a sword from a for 10 coins from b; a accepts. */
static void
pair_deal(struct pair *p)
{
	client_send_want(&p->a, fmt("trade %s", lower(p->bn)), "You ask", 5000);
	client_want(&p->b, fmt("type 'trade %s' to accept", lower(p->an)),
	    5000, NULL, 0);
	client_send_want(&p->b, fmt("trade %s", lower(p->an)), "You agree",
	    5000);
	client_want(&p->a, "agrees to trade with you", 5000, NULL, 0);
	client_send_want(&p->a, "offer sword", "You offer: a test sword.",
	    5000);
	client_want(&p->b, "offers: a test sword.", 5000, NULL, 0);
	client_send_want(&p->b, "offer 10 coins", "You offer: 10 coins.",
	    5000);
	client_send_want(&p->a, "accept", "You accept the trade.", 5000);
	client_want(&p->b, "accepts the trade.", 5000, NULL, 0);
}

/* Whether the swap happened whole (true) or not at all (false); fails on
 * anything in between. */
static bool
pair_swapped(struct pair *p)
{
	long long	owner = carrier(p->sword);
	long long	ca = coins_of(p->aid), cb = coins_of(p->bid);
	long long	open = sqlv("SELECT count(*) FROM trades WHERE asker_id"
			    " = %lld", (long long)p->aid);

	ck_assert_int_eq(ca + cb, p->ca + p->cb);
	if (owner == p->bid) {
		ck_assert_int_eq(ca, p->ca + 10);
		ck_assert_int_eq(open, 0);
		return true;
	}
	ck_assert_int_eq(owner, p->aid);
	ck_assert_int_eq(ca, p->ca);
	ck_assert_int_eq(open, 1);
	return false;
}

/* kill -9, restart on the same database, both log in again. */
static void
pair_crash(struct pair *p)
{
	int	status = keepd_stop(&p->k, SIGKILL);

	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	client_close(&p->a);
	client_close(&p->b);
	keepd_start(&p->k, NULL);
	client_connect(&p->a, p->k.port);
	client_login(&p->a, p->an, PASSWORD);
	client_connect(&p->b, p->k.port);
	client_login(&p->b, p->bn, PASSWORD);
}

/* Close the clients and stop keepd. */
static void
pair_close(struct pair *p)
{
	client_close(&p->a);
	client_close(&p->b);
	keepd_stop(&p->k, SIGTERM);
}

/* Two telnet clients trade: a sword for 10 coins. */
START_TEST(test_trade_tcp)
{
	struct pair	p;
	char		out[4096];

	pair_open(&p);
	pair_deal(&p);
	ck_assert(client_cmd(&p.b, "trade", out, sizeof out));
	ck_assert_msg(strstr(out, "has accepted; type accept") != NULL, "%s",
	    printable(out));
	/* The title's colour markup is stripped for a client that did not
	 * ask for colour. */
	ck_assert_msg(strstr(out, "You are trading with ") != NULL &&
	    strchr(out, '\001') == NULL && strchr(out, '\033') == NULL, "%s",
	    printable(out));
	client_send_want(&p.b, "accept", "You get a test sword.", 5000);
	client_want(&p.a, "You get 10 coins.", 5000, NULL, 0);
	ck_assert(pair_swapped(&p));
	/* quit ends a new trade and tells the other side. */
	client_send_want(&p.a, fmt("trade %s", lower(p.bn)), "You ask", 5000);
	client_send_want(&p.a, "quit", "Goodbye.", 5000);
	client_want(&p.b, "left the game.", 5000, NULL, 0);
	pair_close(&p);
}
END_TEST

/*
 * kill -9 between the two accepts: after the restart the trade is still
 * open with a's acceptance, nothing moved, and b's accept completes it.
 */
START_TEST(test_trade_kill_between_accepts)
{
	struct pair	p;
	char		out[4096];

	pair_open(&p);
	pair_deal(&p);
	pair_crash(&p);
	ck_assert(!pair_swapped(&p));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM trade_sides WHERE char_id ="
	    " %lld AND accepted", (long long)p.aid), 1);
	ck_assert(client_cmd(&p.b, "trade", out, sizeof out));
	ck_assert_msg(strstr(out, fmt("%s has accepted; type accept", p.an)) !=
	    NULL, "%s", printable(out));
	ck_assert_msg(strstr(out, "offers: a test sword.") != NULL, "%s",
	    printable(out));
	client_send_want(&p.b, "accept", "You get a test sword.", 5000);
	ck_assert(pair_swapped(&p));
	pair_close(&p);
}
END_TEST

/* Run SQL on a connection of the test's own; fails on error. */
static void
hold_sql(PGconn *c, const char *sql)
{
	PGresult	*r = PQexec(c, sql);

	ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql,
	    PQerrorMessage(c));
	PQclear(r);
}

/*
 * kill -9 in the middle of the swap's transaction: the test holds a lock
 * on the offered sword, so the last accept stops inside its transaction
 * (both characters locked, waiting for the item); keepd is killed there,
 * then the lock is let go.  Nothing may have moved, and after the restart
 * the trade is still open and completes.
 */
START_TEST(test_trade_kill_mid_swap)
{
	struct pair	 p;
	PGconn		*hold;
	long long	 end;
	int		 status;

	pair_open(&p);
	pair_deal(&p);
	hold = PQconnectdb(test_db_url());
	ck_assert(PQstatus(hold) == CONNECTION_OK);
	hold_sql(hold, "BEGIN");
	hold_sql(hold, fmt("SELECT id FROM items WHERE id = %lld FOR UPDATE",
	    (long long)p.sword));
	client_send(&p.b, "accept");
	end = now_ms() + 10000;
	while (sqlv("SELECT count(*) FROM pg_stat_activity WHERE"
	    " wait_event_type = 'Lock' AND strpos(query, 'trade_offers') > 0")
	    == 0) {
		ck_assert_msg(now_ms() < end, "the swap never waited");
		usleep(10000);
	}
	status = keepd_stop(&p.k, SIGKILL);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	hold_sql(hold, "ROLLBACK");
	PQfinish(hold);
	/* The orphaned backend ends once it finds its client gone. */
	end = now_ms() + 10000;
	while (sqlv("SELECT count(*) FROM pg_stat_activity WHERE"
	    " strpos(query, 'trade_offers') > 0 AND state <> 'idle' AND pid <>"
	    " pg_backend_pid()") > 0 &&
	    now_ms() < end)
		usleep(10000);
	ck_assert(!pair_swapped(&p));
	keepd_start(&p.k, NULL);
	client_close(&p.a);
	client_close(&p.b);
	client_connect(&p.a, p.k.port);
	client_login(&p.a, p.an, PASSWORD);
	client_connect(&p.b, p.k.port);
	client_login(&p.b, p.bn, PASSWORD);
	ck_assert(!pair_swapped(&p));
	client_send_want(&p.b, "accept", "You get a test sword.", 5000);
	ck_assert(pair_swapped(&p));
	pair_close(&p);
}
END_TEST

/*
 * kill -9 at several moments after the last accept is sent (before it is
 * read, during the transaction, after COMMIT): each time the swap happened
 * whole or not at all, and the trade can be finished after the restart.
 */
START_TEST(test_trade_kill_during_swap)
{
	static const int	delays_us[] = { 0, 2000, 20000, 60000, 100000,
	    300000 };

	for (size_t i = 0; i < sizeof delays_us / sizeof delays_us[0]; i++) {
		struct pair	p;

		pair_open(&p);
		pair_deal(&p);
		client_send(&p.b, "accept");
		usleep((useconds_t)delays_us[i]);
		pair_crash(&p);
		if (!pair_swapped(&p)) {
			client_send_want(&p.b, "accept", "You get a test sword.",
			    5000);
			ck_assert(pair_swapped(&p));
		}
		pair_close(&p);
	}
}
END_TEST

/* The trade suite's end-to-end cases. */
TCase *
trade_e2e_tcase(void)
{
	TCase	*tc = tcase_create("e2e");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_trade_tcp);
	tcase_add_test(tc, test_trade_kill_between_accepts);
	tcase_add_test(tc, test_trade_kill_mid_swap);
	tcase_add_test(tc, test_trade_kill_during_swap);
	return tc;
}
