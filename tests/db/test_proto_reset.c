/*
 * test_proto_reset.c — the proto suite's reset, help and hedit cases:
 * resets listed, added, changed, deleted and run, `reset now` never
 * running alongside the ticker's reset of the same area, help found by
 * keyword prefix with topics above the reader's role hidden, and hedit.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <libpq-fe.h>

#include "cmd/tick.h"
#include "keep_test.h"
#include "test_proto.h"

/* reset list, add, change, delete and now, with their refusals. */
START_TEST(test_proto_reset_edit)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	int32_t			room = sql_room("ptrarea", "Nest", "A nest.");
	int32_t			far = sql_room("ptrother", "Far", "Far.");
	int			id;

	world_open(&w);
	proto_char(&w, "Pbr", "builder", room, &me);
	test_sql("INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description) VALUES ('ptr_imp', 'ptrarea', 'an imp', 'imp',"
	    " 'An imp is here.', 'An imp.') ON CONFLICT DO NOTHING");
	run(w.s, me.id, "reset", "", &r);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);	/* a look */
	ck_assert_msg(strncmp(r.out, "Resets of ptrarea (every 120 s, next in ",
	    39) == 0 && strstr(r.out, "\n  none\n") != NULL, "%s", r.out);
	run_want(w.s, me.id, "reset", "add npc ptr_none",
	    "There is no prototype 'ptr_none'.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "reset", "add npc ptr_imp 0",
	    "Max is 1 to 100.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "reset", "add goblin ptr_imp",
	    "Usage: reset add npc|item <proto> [<max>]\n", TXR_ROLLED_BACK);
	run(w.s, me.id, "reset", "add npc ptr_imp 2", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	id = (int)sqlv("SELECT max(id) FROM resets WHERE area = 'ptrarea'");
	ck_assert_str_eq(r.out, fmt("Reset #%d added: npc ptr_imp in %d, up to "
	    "2.\n", id, room));
	run_want(w.s, me.id, "reset", fmt("change %d max 3", id),
	    fmt("Reset #%d: npc ptr_imp in %d, up to 3.\n", id, room),
	    TXR_COMMITTED);
	run_want(w.s, me.id, "reset", fmt("change %d max 200", id),
	    "Max is 1 to 100.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "reset", fmt("change %d room %d", id, far),
	    fmt("Room %d is in area ptrother, not ptrarea.\n", far),
	    TXR_ROLLED_BACK);
	run_want(w.s, me.id, "reset", "change 2000000000 max 1",
	    "There is no reset #2000000000.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "reset", "now",
	    "Reset ptrarea: 3 NPCs (with 0 items of gear), 0 items and 0 "
	    "items of shop stock spawned.\n", TXR_COMMITTED);
	run_want(w.s, me.id, "reset", "now",
	    "Reset ptrarea: 0 NPCs (with 0 items of gear), 0 items and 0 "
	    "items of shop stock spawned.\n", TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE reset_id ="
	    " %d AND room_id = %d", id, room), 3);
	run(w.s, me.id, "reset", "list", &r);
	ck_assert_msg(strstr(r.out, fmt("#%-4d npc   ptr_imp", id)) != NULL &&
	    strstr(r.out, "max 3   live 3\n") != NULL, "%s", r.out);
	run_want(w.s, me.id, "reset", fmt("delete %d", id),
	    fmt("Reset #%d deleted; its 3 live NPCs stay ('purge' them if "
	    "unwanted).\n", id), TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM resets WHERE id = %d", id),
	    0);
	run_want(w.s, me.id, "reset", "bogus",
	    "Usage: reset [list|add|change|delete|now] ...\n", TXR_ROLLED_BACK);
	world_close(&w);
}
END_TEST

static volatile int	race_claimed;

/* The ticker's reset, held open 1.5 s after it has spawned. */
static enum tx_rc
race_slow_tick(struct store *s, void *arg)
{
	enum tx_rc	rc = reset_tick_tx(s, arg);

	race_claimed = 1;
	usleep(1500 * 1000);
	return rc;
}

/* A thread: run the ticker's reset task once. */
static void *
race_ticker(void *arg)
{
	struct store	*s = test_store();

	(void)arg;
	ck_assert_int_eq(store_tx(s, false, 1, race_slow_tick, NULL),
	    TXR_COMMITTED);
	store_close(s);
	return NULL;
}

/*
 * The ticker resets an area and has not committed yet when a builder types
 * `reset now` there: the builder waits for the ticker's claim of the areas
 * row, then counts what it spawned, so the area ends at max, not twice.
 */
START_TEST(test_proto_reset_now_vs_ticker)
{
	struct world		w;
	struct store_char	me;
	struct run		r;
	pthread_t		t;
	int32_t			room = sql_room("ptrace", "Race", "A room.");

	world_open(&w);
	proto_char(&w, "Pbt", "builder", room, &me);
	sqlf("INSERT INTO npc_protos (id, area, name, keywords, long_desc,"
	    " description) VALUES ('ptt_bee', 'ptrace', 'a bee', 'bee',"
	    " 'A bee is here.', 'A bee.') ON CONFLICT DO NOTHING;"
	    "INSERT INTO resets (id, area, kind, npc_proto, room_id, max_count)"
	    " SELECT coalesce(max(id), 0) + 1, 'ptrace', 'npc', 'ptt_bee', %d,"
	    " 2 FROM resets;"
	    "UPDATE areas SET next_reset_at = now() - interval '1 s'"
	    " WHERE id = 'ptrace'", room);
	race_claimed = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, race_ticker, NULL), 0);
	while (!race_claimed)
		usleep(10 * 1000);
	run(w.s, me.id, "reset", "now", &r);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_str_eq(r.out, "Reset ptrace: 0 NPCs (with 0 items of gear), "
	    "0 items and 0 items of shop stock spawned.\n");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE proto_id"
	    " = 'ptt_bee'"), 2);
	/* After `reset now` the area is not due: the ticker skips it. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM areas WHERE id = 'ptrace'"
	    " AND next_reset_at > now() + interval '60 s'"), 1);
	world_close(&w);
}
END_TEST

/* help <word>: by topic or keyword prefix; hidden above the role. */
START_TEST(test_proto_help_lookup)
{
	struct world		w;
	struct store_char	pl, ad;
	struct run		r;

	world_open(&w);
	proto_char(&w, "Php", "player", 0, &pl);
	proto_char(&w, "Pha", "admin", 0, &ad);
	run_want(w.s, pl.id, "help", "look", "Usage: look [<target>]\nLook "
	    "around the room, or at something (l).\n", TXR_COMMITTED);
	run_want(w.s, pl.id, "help", "atta", "Usage: kill <target>\nAttack "
	    "someone (k).\n", TXR_COMMITTED);
	run_want(w.s, pl.id, "help", "dbstats",
	    "There is no help on 'dbstats'.\n", TXR_ROLLED_BACK);
	run_want(w.s, pl.id, "help", "iedit", "There is no help on 'iedit'.\n",
	    TXR_ROLLED_BACK);
	run_want(w.s, ad.id, "help", "dbstats", "Usage: dbstats\nDatabase "
	    "statement counters of this keepd (admin).\n", TXR_COMMITTED);
	run_want(w.s, pl.id, "help", "x;DROP", "There is no help on that.\n",
	    TXR_ROLLED_BACK);
	run(w.s, pl.id, "help", "", &r);
	ck_assert_msg(strncmp(r.out, "Commands:\n  north ", 18) == 0, "%s",
	    r.out);
	/* A command without a row is answered from the command table. */
	test_sql("DELETE FROM help WHERE topic = 'heal'");
	run_want(w.s, pl.id, "help", "heal", "Usage: heal\nPay a healer to "
	    "mend your wounds.\n", TXR_COMMITTED);
	test_sql("INSERT INTO help VALUES ('heal', 'heal', 'player',"
	    " E'Usage: heal\\nPay a healer to mend your wounds.')");
	/* psql cannot store an escape sequence in a body either. */
	{
		PGconn		*c = PQconnectdb(test_db_url());
		PGresult	*res = PQexec(c, "INSERT INTO help VALUES"
		    " ('ptesc', 'ptesc', 'player', E'red \\x1b[31m')");

		ck_assert_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE),
		    "23514");
		PQclear(res);
		PQfinish(c);
	}
	world_close(&w);
}
END_TEST

/* hedit: create, append, keywords, role, show, delete, refusals. */
START_TEST(test_proto_hedit)
{
	struct world		w;
	struct store_char	me, pl;

	world_open(&w);
	proto_char(&w, "Phb", "builder", 0, &me);
	proto_char(&w, "Phq", "player", 0, &pl);
	run_want(w.s, me.id, "hedit", "ptwarren text The warren is deep.",
	    "Help topic 'ptwarren' created (keywords: ptwarren; role "
	    "player).\n", TXR_COMMITTED);
	run_want(w.s, me.id, "hedit", "ptwarren text+ Beware.",
	    "Help topic 'ptwarren': 1 -> 2 lines.\n", TXR_COMMITTED);
	run_want(w.s, me.id, "hedit", "ptwarren keywords ptwarren Burrow",
	    "Help topic 'ptwarren' keywords: ptwarren burrow.\n",
	    TXR_COMMITTED);
	run_want(w.s, me.id, "hedit", "ptwarren keywords bad words!",
	    "Keywords are words of a-z, 0-9, _ or -, one space apart, 200 "
	    "characters at most.\n", TXR_ROLLED_BACK);
	run_want(w.s, pl.id, "help", "burr", "The warren is deep.\nBeware.\n",
	    TXR_COMMITTED);
	run_want(w.s, me.id, "hedit", "ptwarren role admin",
	    "The role is player, builder, admin or owner, and not above your "
	    "own.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "hedit", "ptwarren role builder",
	    "Help topic 'ptwarren' role: builder.\n", TXR_COMMITTED);
	run_want(w.s, pl.id, "help", "burr", "There is no help on 'burr'.\n",
	    TXR_ROLLED_BACK);
	run_want(w.s, me.id, "help", "burr", "The warren is deep.\nBeware.\n",
	    TXR_COMMITTED);
	run_want(w.s, me.id, "hedit", "ptwarren",
	    "Help topic 'ptwarren' (keywords: ptwarren burrow; role builder):\n"
	    "The warren is deep.\nBeware.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "hedit", "ptwarren text Short now.",
	    "Help topic 'ptwarren': 2 -> 1 lines.\n", TXR_COMMITTED);
	run_want(w.s, me.id, "hedit", "Bad!topic text x",
	    "A help topic is a letter, then letters, digits, _ or -, 32 at "
	    "most.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "hedit", "ptnone", "There is no help topic "
	    "'ptnone'.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "hedit", "ptnone keywords a",
	    "There is no help topic 'ptnone'.\n", TXR_ROLLED_BACK);
	test_sql("INSERT INTO help VALUES ('ptsecret', 'ptsecret', 'admin',"
	    " 'Secret.') ON CONFLICT DO NOTHING");
	run_want(w.s, me.id, "hedit", "ptsecret delete", "Help topic 'ptsecret'"
	    " is not yours to edit.\n", TXR_ROLLED_BACK);
	run_want(w.s, me.id, "hedit", "ptwarren delete",
	    "Help topic 'ptwarren' deleted.\n", TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM help WHERE topic IN"
	    " ('ptwarren', 'ptsecret')"), 1);
	world_close(&w);
}
END_TEST

/*
 * help <name> answers every command of the table: from its seeded topic,
 * or (commands added since) from the table itself.
 */
START_TEST(test_proto_help_every_command)
{
	struct world		 w;
	struct store_char	 me;
	struct run		 r;
	int			 n;
	const struct cmd_entry	*t = cmd_table(&n);

	world_open(&w);
	proto_char(&w, "Pho", "owner", 0, &me);
	for (int i = 0; i < n; i++) {
		run(w.s, me.id, "help", t[i].name, &r);
		ck_assert_msg(strncmp(r.out, fmt("Usage: %s\n", t[i].usage),
		    strlen(t[i].usage) + 8) == 0, "help %s: %s", t[i].name,
		    r.out);
	}
	world_close(&w);
}
END_TEST

/* The reset and help cases of the proto suite. */
TCase *
proto_reset_tcase(void)
{
	TCase	*tc = tcase_create("resets_help");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_proto_reset_edit);
	tcase_add_test(tc, test_proto_reset_now_vs_ticker);
	tcase_add_test(tc, test_proto_help_lookup);
	tcase_add_test(tc, test_proto_hedit);
	tcase_add_test(tc, test_proto_help_every_command);
	return tc;
}
