/*
 * test_ops.c — the ops commands against the test database (suite "ops"):
 * set, restore and transfer (effects, refusals, the rank rule, players
 * answered "Huh?"), `shutdown` (schedule, show, cancel, refusals), and the
 * watcher's countdown claim.  The end-to-end cases (two keepd counting
 * down and draining) are in tests/e2e/test_ops_e2e.c, the world dump's
 * round trip in tests/db/test_ops_dump.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "db/store.h"
#include "db/store_ops.h"
#include "cmd/cmd.h"
#include "db_test.h"
#include "keep_test.h"

#define OPS_FIELDS	"Fields: hp, max_hp, level, xp, coins, room.\n"

/* Give a character a role. */
static void
ops_role(const struct store_char *c, const char *role)
{
	sqlf("UPDATE characters SET role = '%s' WHERE id = %lld", role,
	    (long long)c->id);
}

/* A column of a character, as a number. */
static long long
ops_col(const struct store_char *c, const char *col)
{
	return sqlv("SELECT %s FROM characters WHERE id = %lld", col,
	    (long long)c->id);
}

/* Run cmd args as id; want exactly want, rolled back. */
static void
ops_refused(struct store *s, int64_t id, const char *cmd, const char *args,
    const char *want)
{
	(void)run_want(s, id, cmd, args, want, TXR_ROLLED_BACK);
}

/*
 * Run cmd args as id, a role too low for it: the answer to an unknown
 * word ("Huh?", perhaps with a suggestion of the role's own commands).
 */
static void
ops_huh(struct store *s, int64_t id, const char *cmd, const char *args)
{
	struct run	r;

	run(s, id, cmd, args, &r);
	ck_assert_msg(strncmp(r.out, "Huh?", 4) == 0 && strstr(r.out, cmd) ==
	    NULL, "%s %s: %s", cmd, args, r.out);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
}

/* set: each field, the database's refusals as sentences, the rank rule. */
START_TEST(test_ops_set)
{
	static const char	*bad[][2] = {
		{ "coins -1", "Coins must be a whole number, 0 or more.\n" },
		{ "coins lots", "Coins must be a whole number, 0 or more.\n" },
		{ "hp 41", "HP must be between 0 and max_hp (40).\n" },
		{ "level 101", "Level must be between 1 and 100.\n" },
		{ "level 99999999999", "Level must be between 1 and 100.\n" },
		{ "xp -5", "XP must be a whole number, 0 or more.\n" },
		{ "max_hp 0", "Max_hp must be a whole number, 1 or more.\n" },
		{ "room 99999999", "There is no room 99999999.\n" },
		{ "role admin", "Use 'role' to change roles.\n" },
		{ "password_hash x", OPS_FIELDS },
		{ "coins", OPS_FIELDS },
		{ "coins 5 6", OPS_FIELDS },
	};
	struct world		 w;
	struct store_char	 adm, p, peer, own;
	int32_t			 room;

	world_open(&w);
	new_char(&w, "Osa", 0, &adm);
	new_char(&w, "Osp", 0, &p);
	new_char(&w, "Osq", 0, &peer);
	new_char(&w, "Oso", 0, &own);
	ops_role(&adm, "admin");
	ops_role(&peer, "admin");
	ops_role(&own, "owner");
	room = new_room(w.s, "An Ops Closet");

	run_want(w.s, adm.id, "set", fmt("%s coins 500", p.name),
	    fmt("%s coins: 100 -> 500.\n", p.name), TXR_COMMITTED);
	ck_assert_int_eq(ops_col(&p, "coins"), 500);
	run_want(w.s, adm.id, "set", fmt("%s max_hp 40", p.name),
	    fmt("%s max_hp: 20 -> 40.\n", p.name), TXR_COMMITTED);
	run_want(w.s, adm.id, "set", fmt("%s hp 7", p.name),
	    fmt("%s hp: 20 -> 7.\n", p.name), TXR_COMMITTED);
	ck_assert_int_eq(ops_col(&p, "hp"), 7);
	run_want(w.s, adm.id, "set", fmt("%s level 12", p.name),
	    fmt("%s level: 1 -> 12.\n", p.name), TXR_COMMITTED);
	run_want(w.s, adm.id, "set", fmt("%s xp 999", p.name),
	    fmt("%s xp: 0 -> 999.\n", p.name), TXR_COMMITTED);
	run_want(w.s, adm.id, "set", fmt("%s room %d", p.name, room),
	    fmt("%s room: %d -> %d.\n", p.name, p.room_id, room),
	    TXR_COMMITTED);
	ck_assert_int_eq(ops_col(&p, "room_id"), room);
	ck_assert_int_eq(ops_col(&p, "level"), 12);
	ck_assert_int_eq(ops_col(&p, "xp"), 999);
	/* Each set is an audit entry with the character's changed row. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_log WHERE action ="
	    " 'set' AND actor_id = %lld", (long long)adm.id), 6);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_change c JOIN "
	    "audit_log l ON l.id = c.audit_id WHERE l.actor_id = %lld AND "
	    "c.tbl = 'characters' AND c.new ? 'coins' AND c.pk->>'id' = "
	    "'%lld'", (long long)adm.id, (long long)p.id), 1);

	/* The database's CHECKs and keys, each as its field's sentence. */
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ops_refused(w.s, adm.id, "set", fmt("%s %s", p.name,
		    bad[i][0]), bad[i][1]);
	ops_refused(w.s, adm.id, "set", "Zzqxv coins 5",
	    "There is no one called Zzqxv.\n");
	ops_refused(w.s, adm.id, "set", "x1 coins 5",
	    "There is no one called x1.\n");
	ck_assert_int_eq(ops_col(&p, "coins"), 500);
	ck_assert_int_eq(ops_col(&p, "hp"), 7);
	ck_assert_int_eq(ops_col(&p, "level"), 12);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_log WHERE actor_id ="
	    " %lld", (long long)adm.id), 6);

	/* Rank: not a peer, not oneself; owners anyone else. */
	ops_refused(w.s, adm.id, "set", fmt("%s coins 1", peer.name),
	    fmt("You can't do that to %s (admin).\n", peer.name));
	ops_refused(w.s, adm.id, "set", fmt("%s coins 1", own.name),
	    fmt("You can't do that to %s (owner).\n", own.name));
	ops_refused(w.s, adm.id, "set", fmt("%s coins 1", adm.name),
	    fmt("You can't do that to %s (admin).\n", adm.name));
	ops_refused(w.s, own.id, "set", fmt("%s coins 1", own.name),
	    fmt("You can't do that to %s (owner).\n", own.name));
	ck_assert_int_eq(ops_col(&peer, "coins"), 100);
	run_want(w.s, own.id, "set", fmt("%s coins 3", peer.name),
	    fmt("%s coins: 100 -> 3.\n", peer.name), TXR_COMMITTED);

	/* A player, a builder: Huh?, nothing changes. */
	ops_huh(w.s, p.id, "set", fmt("%s coins 1", p.name));
	ops_role(&p, "builder");
	ops_huh(w.s, p.id, "set", fmt("%s coins 1", adm.name));
	ck_assert_int_eq(ops_col(&p, "coins"), 500);
	ck_assert_int_eq(ops_col(&adm, "coins"), 100);
	world_close(&w);
}
END_TEST

/* restore: full hp, the target told; refusals. */
START_TEST(test_ops_restore)
{
	struct world		 w;
	struct store_char	 adm, p, peer;
	PGconn			*l;
	char			 got[512];

	world_open(&w);
	l = listen_open();
	new_char(&w, "Ora", 0, &adm);
	new_char(&w, "Orp", 0, &p);
	new_char(&w, "Orq", 0, &peer);
	ops_role(&adm, "admin");
	ops_role(&peer, "admin");
	sqlf("UPDATE characters SET hp = 5, max_hp = 40, hp_at = now() "
	    "WHERE id = %lld", (long long)p.id);
	run_want(w.s, adm.id, "restore", p.name,
	    fmt("%s hp: 5 -> 40 (max 40).\n", p.name), TXR_COMMITTED);
	ck_assert_int_eq(ops_col(&p, "hp"), 40);
	expect_to(l, p.id, fmt("%s restores you. You feel whole again.",
	    adm.name), got, sizeof got);
	ops_refused(w.s, adm.id, "restore", "Nobodyhere",
	    "There is no one called Nobodyhere.\n");
	sqlf("UPDATE characters SET hp = 1 WHERE id = %lld",
	    (long long)peer.id);
	ops_refused(w.s, adm.id, "restore", peer.name,
	    fmt("You can't do that to %s (admin).\n", peer.name));
	ck_assert_int_eq(ops_col(&peer, "hp"), 1);
	sqlf("UPDATE characters SET hp = 2 WHERE id = %lld", (long long)p.id);
	ops_huh(w.s, p.id, "restore", p.name);
	ck_assert_int_eq(ops_col(&p, "hp"), 2);
	PQfinish(l);
	world_close(&w);
}
END_TEST

/* transfer: online (both rooms and the target told) and offline. */
START_TEST(test_ops_transfer)
{
	struct world		 w;
	struct store_char	 adm, p, off, a, b, peer;
	int32_t			 here, there;
	PGconn			*l;
	char			 got[4096];

	world_open(&w);
	l = listen_open();
	here = new_room(w.s, "The Ops Desk");
	there = new_room(w.s, "The Far Shed");
	new_char(&w, "Ota", here, &adm);
	new_char(&w, "Otp", there, &p);
	new_char(&w, "Oto", there, &off);
	new_char(&w, "Otw", there, &a);
	new_char(&w, "Otx", here, &b);
	new_char(&w, "Otq", there, &peer);
	ops_role(&adm, "admin");
	ops_role(&peer, "admin");
	ck_assert_int_eq(store_char_end_session(w.s, off.id,
	    off.session_instance, off.session_id), STORE_OK);

	run_want(w.s, adm.id, "transfer", p.name, fmt("You transfer %s to %d"
	    " The Ops Desk.\n", p.name, here), TXR_COMMITTED);
	ck_assert_int_eq(ops_col(&p, "room_id"), here);
	/* In the order they were written. */
	expect_to(l, a.id, fmt("%s vanishes.", p.name), got, sizeof got);
	expect_to(l, b.id, fmt("%s appears.", p.name), got, sizeof got);
	expect_to(l, p.id, fmt("%s has transferred you!\nThe Ops Desk\n",
	    adm.name), got, sizeof got);
	ck_assert_msg(strstr(got, fmt("%s is here.", b.name)) != NULL,
	    "the target's look: %s", got);

	run_want(w.s, adm.id, "transfer", fmt("%s %d", p.name, there),
	    fmt("You transfer %s to %d The Far Shed.\n", p.name, there),
	    TXR_COMMITTED);
	ck_assert_int_eq(ops_col(&p, "room_id"), there);
	run_want(w.s, adm.id, "transfer", off.name, fmt("You transfer %s "
	    "(offline) to %d The Ops Desk.\n", off.name, here), TXR_COMMITTED);
	ck_assert_int_eq(ops_col(&off, "room_id"), here);

	ops_refused(w.s, adm.id, "transfer", off.name,
	    fmt("%s is already there.\n", off.name));
	ops_refused(w.s, adm.id, "transfer", fmt("%s 99999999", p.name),
	    "There is no room 99999999.\n");
	ops_refused(w.s, adm.id, "transfer", fmt("%s north", p.name),
	    "There is no room north.\n");
	ops_refused(w.s, adm.id, "transfer", "Zzqxv",
	    "There is no one called Zzqxv.\n");
	ops_refused(w.s, adm.id, "transfer", peer.name,
	    fmt("You can't do that to %s (admin).\n", peer.name));
	ops_refused(w.s, adm.id, "transfer", fmt("%s %d", adm.name, there),
	    fmt("You can't do that to %s (admin).\n", adm.name));
	ops_huh(w.s, b.id, "transfer", fmt("%s %d", p.name, here));
	ck_assert_int_eq(ops_col(&p, "room_id"), there);
	ck_assert_int_eq(ops_col(&peer, "room_id"), there);
	PQfinish(l);
	world_close(&w);
}
END_TEST

/* shutdown: schedule, show, cancel, and every refusal. */
START_TEST(test_ops_shutdown_cmd)
{
	struct world		 w;
	struct store_char	 adm, own, p;
	struct run		 r;
	PGconn			*l;
	char			 got[512];

	test_sql("DELETE FROM shutdown_schedule");
	world_open(&w);
	l = listen_open();
	new_char(&w, "Oda", 0, &adm);
	new_char(&w, "Odo", 0, &own);
	new_char(&w, "Odp", 0, &p);
	ops_role(&adm, "admin");
	ops_role(&own, "owner");

	ops_refused(w.s, adm.id, "shutdown", "", "No shutdown is scheduled.\n");
	ops_refused(w.s, adm.id, "shutdown", "cancel",
	    "No shutdown is scheduled.\n");
	ops_refused(w.s, adm.id, "shutdown", "now reboot",
	    "Only an owner can shut down now.\n");
	ops_refused(w.s, adm.id, "shutdown", "9 reboot",
	    "Give the players at least 10 seconds.\n");
	ops_refused(w.s, adm.id, "shutdown", "300", "Give a reason.\n");
	ops_refused(w.s, adm.id, "shutdown", "soon reboot",
	    "Usage: shutdown <seconds>|now|cancel [<reason>] (seconds: 10 to"
	    " 86400).\n");
	ops_refused(w.s, adm.id, "shutdown", "86401 reboot",
	    "Usage: shutdown <seconds>|now|cancel [<reason>] (seconds: 10 to"
	    " 86400).\n");
	ops_huh(w.s, p.id, "shutdown", "300 reboot");
	ck_assert_int_eq(test_sql_value("SELECT count(*) FROM "
	    "shutdown_schedule"), 0);

	run(w.s, adm.id, "shutdown", "300 new release", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_msg(strncmp(r.out, "Shutdown at ", 12) == 0 &&
	    strstr(r.out, fmt(" UTC (in 5m) by %s: new release.\n",
	    adm.name)) != NULL, "%s", r.out);
	expect_to(l, p.id, fmt("*** The game shuts down in 5 minutes (%s: new"
	    " release). ***", adm.name), got, sizeof got);
	ops_huh(w.s, p.id, "shutdown", "");
	run(w.s, adm.id, "shutdown", "", &r);
	ck_assert_msg(strstr(r.out, fmt(" by %s: new release.\n", adm.name))
	    != NULL, "%s", r.out);
	run(w.s, own.id, "shutdown", "60 another", &r);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	ck_assert_msg(strstr(r.out, "A shutdown is already scheduled at ") ==
	    r.out && strstr(r.out, fmt(" UTC by %s; 'shutdown cancel' first."
	    "\n", adm.name)) != NULL, "%s", r.out);
	ops_huh(w.s, p.id, "shutdown", "cancel");
	ck_assert_int_eq(test_sql_value("SELECT count(*) FROM "
	    "shutdown_schedule"), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_log WHERE action ="
	    " 'shutdown' AND actor_id = %lld", (long long)adm.id), 1);
	run_want(w.s, own.id, "shutdown", "cancel", "Shutdown cancelled.\n",
	    TXR_COMMITTED);
	expect_to(l, p.id, fmt("*** Shutdown cancelled by %s. ***", own.name),
	    got, sizeof got);
	ck_assert_int_eq(test_sql_value("SELECT count(*) FROM "
	    "shutdown_schedule"), 0);

	/* A past schedule does not block a new one; it is replaced. */
	test_sql("INSERT INTO shutdown_schedule (at, reason, by_name, "
	    "announced) VALUES (now() - interval '1 hour', 'old', 'Someone',"
	    " 0)");
	ops_refused(w.s, adm.id, "shutdown", "", "No shutdown is scheduled.\n");
	run(w.s, own.id, "shutdown", "5 quick", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_msg(strstr(r.out, "(in 5s)") != NULL, "%s", r.out);
	ck_assert_int_eq(test_sql_value("SELECT count(*) FROM "
	    "shutdown_schedule WHERE reason = 'quick'"), 1);
	test_sql("DELETE FROM shutdown_schedule");
	PQfinish(l);
	world_close(&w);
}
END_TEST

/*
 * The watcher: a countdown mark is claimed once however many keepd look;
 * marks passed between looks are skipped; a schedule older than the
 * keepd's start is not its to fire; start-up clears a past schedule.
 */
START_TEST(test_ops_shutdown_watch)
{
	struct store			*s = test_store();
	struct store_shutdown_watch	 w;
	char				 started[64];
	bool				 cleared;

	test_sql("DELETE FROM shutdown_schedule");
	ck_assert_int_eq(store_ops_shutdown_clear_stale(s, &cleared, started,
	    sizeof started), STORE_OK);
	ck_assert(!cleared);
	ck_assert_int_eq(store_ops_shutdown_watch(s, started, &w), STORE_OK);
	ck_assert(!w.scheduled);
	test_sql("INSERT INTO shutdown_schedule (at, reason, by_name, "
	    "announced) VALUES (now() + interval '8 seconds', 'r', 'Ann',"
	    " 300)");
	ck_assert_int_eq(store_ops_shutdown_watch(s, started, &w), STORE_OK);
	ck_assert(w.scheduled && w.mine);
	ck_assert_int_eq(w.announced, 10);
	ck_assert_int_eq(store_ops_shutdown_watch(s, started, &w), STORE_OK);
	ck_assert_int_eq(w.announced, 0);
	ck_assert_int_eq(test_sql_value("SELECT announced FROM "
	    "shutdown_schedule"), 10);
	ck_assert_int_eq(test_sql_value("SELECT count(*) FROM messages WHERE"
	    " text = '*** The game shuts down in 10 seconds. ***' AND"
	    " created_at > now() - interval '1 minute'"), 1);

	/* Passed: not for a keepd started later, and cleared at start. */
	sqlf("UPDATE shutdown_schedule SET at = '%s'", started);
	ck_assert_int_eq(store_ops_shutdown_watch(s, started, &w), STORE_OK);
	ck_assert(w.scheduled && w.mine && w.left <= 0);
	ck_assert_int_eq(store_ops_shutdown_clear_stale(s, &cleared, started,
	    sizeof started), STORE_OK);
	ck_assert(cleared);
	ck_assert_int_eq(store_ops_shutdown_watch(s, started, &w), STORE_OK);
	ck_assert(!w.scheduled);
	test_sql("INSERT INTO shutdown_schedule (at, reason, by_name, "
	    "announced) VALUES (now() - interval '5 seconds', 'r', 'Ann', 0)");
	ck_assert_int_eq(store_ops_shutdown_watch(s, started, &w), STORE_OK);
	ck_assert(w.scheduled && !w.mine);
	test_sql("DELETE FROM shutdown_schedule");
	store_close(s);
}
END_TEST

/* A second keepd's watcher, on a thread of its own. */
struct ops_racer {
	struct store			*s;
	const char			*started;
	struct store_shutdown_watch	 w;
	enum store_rc			 rc;
};

/* Thread: one look at the schedule. */
static void *
ops_racer_main(void *arg)
{
	struct ops_racer	*r = arg;

	r->rc = store_ops_shutdown_watch(r->s, r->started, &r->w);
	return NULL;
}

/*
 * Two keepd see the same mark due at once: the one whose claim commits
 * second finds it claimed (the UPDATE waits for the first's row lock, then
 * re-reads the row) and writes no line, so the line goes out once.
 */
START_TEST(test_ops_shutdown_claim_race)
{
	struct store		*s1 = test_store();
	struct ops_racer	 r = { .s = test_store() };
	struct store_shutdown_watch w;
	char			 started[64], text[96];
	bool			 cleared;
	pthread_t		 t;

	test_sql("DELETE FROM shutdown_schedule");
	ck_assert_int_eq(store_ops_shutdown_clear_stale(s1, &cleared, started,
	    sizeof started), STORE_OK);
	r.started = started;
	snprintf(text, sizeof text, "race %d", rand31());
	sqlf("INSERT INTO shutdown_schedule (at, reason, by_name, announced)"
	    " VALUES (now() + interval '25 seconds', '%s', 'Ann', 300)", text);
	ck_assert(store_exec_script(s1, "BEGIN"));
	ck_assert_int_eq(store_ops_shutdown_watch(s1, started, &w), STORE_OK);
	ck_assert_int_eq(w.announced, 30);
	ck_assert_int_eq(pthread_create(&t, NULL, ops_racer_main, &r), 0);
	/* Until the racer waits for the first claim's row lock. */
	for (int i = 0; i < 200 && sqlv("SELECT count(*) FROM pg_stat_activity"
	    " WHERE wait_event_type = 'Lock' AND query LIKE"
	    " '%%SET announced%%'") == 0; i++)
		usleep(10 * 1000);
	ck_assert(store_exec_script(s1, "COMMIT"));
	pthread_join(t, NULL);
	ck_assert_int_eq(r.rc, STORE_OK);
	ck_assert(r.w.scheduled);
	ck_assert_int_eq(r.w.announced, 0);
	ck_assert_int_eq(test_sql_value("SELECT count(*) FROM messages WHERE"
	    " text = '*** The game shuts down in 30 seconds. ***' AND"
	    " created_at > now() - interval '10 seconds'"), 1);
	test_sql("DELETE FROM shutdown_schedule");
	store_close(r.s);
	store_close(s1);
}
END_TEST

/* The ops suite: these cases, the end-to-end ones and the world dump. */
Suite *
ops_suite(void)
{
	Suite	*s = suite_create("ops");
	TCase	*tc = tcase_create("ops");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ops_set);
	tcase_add_test(tc, test_ops_restore);
	tcase_add_test(tc, test_ops_transfer);
	tcase_add_test(tc, test_ops_shutdown_cmd);
	tcase_add_test(tc, test_ops_shutdown_watch);
	tcase_add_test(tc, test_ops_shutdown_claim_race);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, ops_e2e_tcase());
	suite_add_tcase(s, ops_dump_tcase());
	return s;
}
