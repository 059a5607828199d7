/*
 * test_gate.c — the role gate and the audit (issue 9) against the test
 * database: audit rows of a staff command (old and new values), none for
 * a rolled-back one, psql edits recorded as source sql, undo and its
 * refusals, dry, at, the role command's rank rules, a builder's areas,
 * what a player meets when typing staff commands, help by role, and a
 * chain of concurrent edits of one row.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/store.h"
#include "db/store_gate_audit.h"
#include "cmd/cmd.h"
#include "cmd/cmd_gate.h"
#include "ops/buf.h"
#include "db_test.h"
#include "keep_test.h"

/* Give a character a role (as psql would: audited as sql). */
static void
set_role(int64_t id, const char *role)
{
	sqlf("UPDATE characters SET role = '%s' WHERE id = %lld", role,
	    (long long)id);
}

/*
 * Run a statement as psql would: a plain connection without keepd's
 * keep.audit = off, so the triggers record it (source sql).
 */
static void __attribute__((format(printf, 1, 2)))
psql(const char *f, ...)
{
	PGconn		*c = PQconnectdb(test_db_url());
	PGresult	*res;
	char		 sql[512];
	va_list		 ap;

	va_start(ap, f);
	vsnprintf(sql, sizeof sql, f, ap);
	va_end(ap);
	res = PQexec(c, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
	    PQerrorMessage(c));
	PQclear(res);
	PQfinish(c);
}

/* Set the role a ctx's actor was read with. */
static void
ctx_role(struct cmd_ctx *ctx, const char *role)
{
	snprintf(ctx->me.role, sizeof ctx->me.role, "%s", role);
}

/* The newest audit entry's id (0: none). */
static long long
last_entry(void)
{
	return sqlv("SELECT coalesce(max(id), 0) FROM audit_log");
}

/*
 * A staff command is one entry of its actor, with the row's old and new
 * values; a refused one (rolled back) leaves no entry.
 */
START_TEST(test_gate_audit_staff)
{
	struct world		 w;
	struct store_char	 ann, bob;
	struct run		 r;
	long long		 e, before;

	world_open(&w);
	new_char(&w, "Ann", 0, &ann);
	new_char(&w, "Bob", 0, &bob);
	set_role(ann.id, "admin");
	before = last_entry();
	run(w.s, ann.id, "role", fmt("%s builder", bob.name), &r);
	ck_assert_str_eq(r.out, fmt("%s is now a builder.\n", bob.name));
	e = last_entry();
	ck_assert_int_gt(e, before);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_log WHERE id = %lld"
	    " AND source = 'game' AND actor_id = %lld AND actor_role = 'admin'"
	    " AND action = 'role' AND command = 'role %s builder'"
	    " AND instance = '%s'", e, (long long)ann.id, bob.name,
	    ann.session_instance), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_change WHERE"
	    " audit_id = %lld AND tbl = 'characters' AND op = 'U'"
	    " AND pk = '{\"id\": %lld}' AND old = '{\"role\": \"player\"}'"
	    " AND new = '{\"role\": \"builder\"}'", e, (long long)bob.id), 1);
	/* Refused: rolled back, nothing recorded. */
	run(w.s, ann.id, "role", fmt("%s admin", bob.name), &r);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	ck_assert_int_eq(last_entry(), e);
	/* A player command leaves nothing either (keep.audit is off). */
	run(w.s, bob.id, "say", "hello", &r);
	ck_assert_int_eq(last_entry(), e);
	world_close(&w);
}
END_TEST

/* An UPDATE through psql is an entry of source sql, old -> new. */
START_TEST(test_gate_audit_sql)
{
	int32_t		room = sql_room("testarea", "Before", "A room.");
	long long	e;

	psql("UPDATE rooms SET title = 'After' WHERE id = %d", room);
	e = last_entry();
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_log WHERE id = %lld"
	    " AND source = 'sql' AND action = 'sql'"
	    " AND command LIKE 'UPDATE rooms SET title%%'", e), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_change WHERE"
	    " audit_id = %lld AND tbl = 'rooms' AND pk = '{\"id\": %d}'"
	    " AND old = '{\"title\": \"Before\"}'"
	    " AND new = '{\"title\": \"After\"}'", e, room), 1);
	/* A no-op update records nothing. */
	psql("UPDATE rooms SET title = 'After' WHERE id = %d", room);
	ck_assert_int_eq(last_entry(), e);
	/* A password is never copied. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_change WHERE"
	    " old ? 'password_hash' OR new ? 'password_hash'"), 0);
}
END_TEST

/* undo reverts, is an entry itself, and is refused when changed since. */
START_TEST(test_gate_undo)
{
	struct world		 w;
	struct store_char	 ann, bo;
	struct run		 r;
	int32_t			 room = sql_room("testarea", "One", "A room.");
	long long		 e1, e2, u;

	world_open(&w);
	new_char(&w, "Ann", 0, &ann);
	new_char(&w, "Bo", 0, &bo);
	set_role(ann.id, "admin");
	set_role(bo.id, "builder");
	psql("UPDATE rooms SET title = 'Two' WHERE id = %d", room);
	e1 = last_entry();
	psql("UPDATE rooms SET title = 'Three' WHERE id = %d", room);
	e2 = last_entry();
	/* A builder undoes only their own. */
	run(w.s, bo.id, "undo", fmt("#%lld", e2), &r);
	ck_assert_str_eq(r.out, "You can undo only your own changes.\n");
	run(w.s, bo.id, "undo", "", &r);
	ck_assert_str_eq(r.out, "Nothing of yours to undo.\n");
	/* Changed since: refused, naming the later entry. */
	run(w.s, ann.id, "undo", fmt("#%lld", e1), &r);
	ck_assert_msg(strncmp(r.out, fmt("Undo refused: room %d has changed "
	    "since (#%lld by ", room, e2), 40) == 0, "%s", r.out);
	ck_assert_msg(strstr(r.out, fmt(", sql). Undo #%lld first.\n", e2)) !=
	    NULL, "%s", r.out);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	run(w.s, ann.id, "undo", fmt("#%lld", e2), &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_msg(strncmp(r.out, fmt("Undone #%lld (UPDATE rooms", e2),
	    20) == 0, "%s", r.out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d"
	    " AND title = 'Two'", room), 1);
	u = last_entry();
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_log WHERE id = %lld"
	    " AND undoes = %lld AND action = 'undo'", u, e2), 1);
	run(w.s, ann.id, "undo", fmt("#%lld", e2), &r);
	ck_assert_str_eq(r.out, fmt("#%lld was already undone by #%lld.\n",
	    e2, u));
	/* Now the first one can go too. */
	run(w.s, ann.id, "undo", fmt("%lld", e1), &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms WHERE id = %d"
	    " AND title = 'One'", room), 1);
	run(w.s, ann.id, "undo", "#999999999", &r);
	ck_assert_str_eq(r.out, "There is no audit entry #999999999.\n");
	/* A role change is not undone by undo. */
	run(w.s, ann.id, "role", fmt("%s player", bo.name), &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	run(w.s, ann.id, "undo", "", &r);
	ck_assert_str_eq(r.out, fmt("#%lld (role) can't be undone.\n",
	    last_entry()));
	world_close(&w);
}
END_TEST

/* A builder's own undo: a deleted row comes back exactly. */
START_TEST(test_gate_undo_own_delete)
{
	struct world		 w;
	struct store_char	 bo;
	struct run		 r;
	long long		 item;

	world_open(&w);
	new_char(&w, "Bo", 0, &bo);
	set_role(bo.id, "builder");
	give_items(bo.id, "bread", 1);
	item = sqlv("SELECT id FROM items WHERE carrier_id = %lld",
	    (long long)bo.id);
	/* drop through at: a staff entry of Bo's that moved the bread. */
	run(w.s, bo.id, "at", fmt("%d drop bread", bo.room_id), &r);
	ck_assert_msg(r.result == TXR_COMMITTED, "%s", r.out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld AND"
	    " room_id = %d", item, bo.room_id), 1);
	run(w.s, bo.id, "undo", "", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld AND"
	    " carrier_id = %lld", item, (long long)bo.id), 1);
	world_close(&w);
}
END_TEST

/* dry reports what would change and changes nothing. */
START_TEST(test_gate_dry)
{
	struct world		 w;
	struct store_char	 bo;
	struct run		 r;
	long long		 before;

	world_open(&w);
	new_char(&w, "Bo", 0, &bo);
	set_role(bo.id, "builder");
	give_items(bo.id, "bread", 1);
	before = last_entry();
	run(w.s, bo.id, "dry", "drop bread", &r);
	ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	ck_assert_msg(strstr(r.out, "(dry run, rolled back: it would have "
	    "changed ~1 items.)\n") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, fmt("carrier_id %lld -> null",
	    (long long)bo.id)) != NULL, "%s", r.out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE carrier_id ="
	    " %lld", (long long)bo.id), 1);
	ck_assert_int_eq(last_entry(), before);
	run(w.s, bo.id, "dry", "at 1000 look", &r);
	ck_assert_str_eq(r.out, "You can't use 'dry' with that.\n");
	/* The inner command meets the same gate: role is an admin's. */
	run(w.s, bo.id, "dry", "role x player", &r);
	ck_assert_str_eq(r.out, huh_of("role", ROLE_BUILDER));
	world_close(&w);
}
END_TEST

/* at runs the command in that room and puts the actor back. */
START_TEST(test_gate_at)
{
	struct world		 w;
	struct store_char	 bo;
	struct run		 r;
	int32_t			 room = sql_room("testarea", "Far Away",
				    "A far room.");

	world_open(&w);
	new_char(&w, "Bo", 0, &bo);
	set_role(bo.id, "builder");
	run(w.s, bo.id, "at", fmt("%d look", room), &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_msg(strncmp(r.out, "Far Away\n", 9) == 0, "%s", r.out);
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE id = %lld",
	    (long long)bo.id), bo.room_id);
	run(w.s, bo.id, "at", "999999999 look", &r);
	ck_assert_str_eq(r.out, "There is no room 999999999.\n");
	run(w.s, bo.id, "at", "look", &r);
	ck_assert_str_eq(r.out, "Usage: at <room> <command>\n");
	run(w.s, bo.id, "at", fmt("%d at %d look", room, room), &r);
	ck_assert_str_eq(r.out, "You can't use 'at' with that.\n");
	run(w.s, bo.id, "at", fmt("%d quit", room), &r);
	ck_assert_str_eq(r.out, "You can't use 'at' with that.\n");
	run(w.s, bo.id, "at", fmt("%d dbstats", room), &r);
	ck_assert_str_eq(r.out, huh_of("dbstats", ROLE_BUILDER));
	world_close(&w);
}
END_TEST

/* role: the rank rules, each refusal, and the areas of a builder. */
START_TEST(test_gate_role_rules)
{
	struct world		 w;
	struct store_char	 ann, al, bo, own;
	struct run		 r;

	world_open(&w);
	new_char(&w, "Ann", 0, &ann);
	new_char(&w, "Al", 0, &al);
	new_char(&w, "Bo", 0, &bo);
	new_char(&w, "Own", 0, &own);
	set_role(ann.id, "admin");
	set_role(al.id, "admin");
	set_role(own.id, "owner");
	run(w.s, ann.id, "role", fmt("%s admin", bo.name), &r);
	ck_assert_str_eq(r.out, "You can grant only roles below your own "
	    "(admin).\n");
	run(w.s, ann.id, "role", fmt("%s owner", bo.name), &r);
	ck_assert_str_eq(r.out, "Owners are made on the server: keepd role "
	    "NAME owner.\n");
	run(w.s, ann.id, "role", fmt("%s player", ann.name), &r);
	ck_assert_str_eq(r.out, "You can't change your own role.\n");
	run(w.s, ann.id, "role", fmt("%s player", al.name), &r);
	ck_assert_str_eq(r.out, fmt("You can't do that to %s (admin).\n",
	    al.name));
	run(w.s, ann.id, "role", fmt("%s player", own.name), &r);
	ck_assert_str_eq(r.out, fmt("You can't do that to %s (owner).\n",
	    own.name));
	run(w.s, ann.id, "role", "Zzznobody player", &r);
	ck_assert_str_eq(r.out, "There is no player called Zzznobody.\n");
	run(w.s, ann.id, "role", fmt("%s wizard", bo.name), &r);
	ck_assert_str_eq(r.out, "Roles: player, builder, admin.\n");
	run(w.s, ann.id, "role", fmt("%s builder nosucharea", bo.name), &r);
	ck_assert_str_eq(r.out, "There is no area 'nosucharea'.\n");
	run(w.s, ann.id, "role", fmt("%s player testarea", bo.name), &r);
	ck_assert_str_eq(r.out, "Only builders have areas.\n");
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND role = 'player'", (long long)bo.id), 1);
	test_area("testarea");
	run(w.s, ann.id, "role", fmt("%s builder TestArea", bo.name), &r);
	ck_assert_str_eq(r.out, fmt("%s is now a builder (areas: testarea).\n",
	    bo.name));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND role = 'builder' AND build_areas = '{testarea}'",
	    (long long)bo.id), 1);
	/* A builder meets role as an unknown word. */
	run(w.s, bo.id, "role", fmt("%s player", ann.name), &r);
	ck_assert_str_eq(r.out, huh_of("role", ROLE_BUILDER));
	/* Owners grant up to admin, and act on admins. */
	run(w.s, own.id, "role", fmt("%s admin", bo.name), &r);
	ck_assert_str_eq(r.out, fmt("%s is now an admin.\n", bo.name));
	run(w.s, own.id, "role", fmt("%s player", al.name), &r);
	ck_assert_str_eq(r.out, fmt("%s is now a player.\n", al.name));
	run(w.s, own.id, "role", fmt("%s player", own.name), &r);
	ck_assert_str_eq(r.out, "You can't change your own role.\n");
	/* A demoted admin's next command meets the gate. */
	set_role(ann.id, "player");
	run(w.s, ann.id, "role", fmt("%s player", bo.name), &r);
	ck_assert_str_eq(r.out, huh_of("role", ROLE_PLAYER));
	world_close(&w);
}
END_TEST

/* cmd_may_build: a builder's areas; NULL is every area; admins all. */
START_TEST(test_gate_build_scope)
{
	struct world		 w;
	struct store_char	 bo;
	struct cmd_ctx		 ctx = { 0 };
	bool			 ok;

	world_open(&w);
	new_char(&w, "Bo", 0, &bo);
	ctx.store = w.s;
	ctx.me = bo;
	ck_assert(!cmd_may_build(&ctx, "testarea"));	/* a player */
	set_role(bo.id, "builder");
	ctx_role(&ctx, "builder");
	ck_assert(cmd_may_build(&ctx, "testarea"));	/* NULL: all */
	sqlf("UPDATE characters SET build_areas = '{wilds}' WHERE id = %lld",
	    (long long)bo.id);
	ck_assert(cmd_may_build(&ctx, "wilds"));
	ck_assert(!cmd_may_build(&ctx, "testarea"));
	ck_assert_int_eq(store_audit_may_build(w.s, bo.id, "testarea", &ok),
	    STORE_OK);
	ck_assert(!ok);
	set_role(bo.id, "admin");
	ctx_role(&ctx, "admin");
	ck_assert(cmd_may_build(&ctx, "testarea"));
	world_close(&w);
}
END_TEST

/* cmd_may_act_on: below only; owners on anyone. */
START_TEST(test_gate_may_act_on)
{
	struct cmd_ctx	ctx = { 0 };

	ctx_role(&ctx, "admin");
	ck_assert(cmd_may_act_on(&ctx, "player"));
	ck_assert(cmd_may_act_on(&ctx, "builder"));
	ck_assert(!cmd_may_act_on(&ctx, "admin"));
	ck_assert(!cmd_may_act_on(&ctx, "owner"));
	ctx_role(&ctx, "builder");
	ck_assert(cmd_may_act_on(&ctx, "player"));
	ck_assert(!cmd_may_act_on(&ctx, "builder"));
	ctx_role(&ctx, "owner");
	ck_assert(cmd_may_act_on(&ctx, "owner"));
	ctx_role(&ctx, "player");
	ck_assert(!cmd_may_act_on(&ctx, "player"));
}
END_TEST

/*
 * A player typing any staff command (with or without arguments) gets
 * exactly the unknown-word answer and changes nothing; help lists only
 * what the role allows.
 */
START_TEST(test_gate_player_meets_nothing)
{
	struct world		 w;
	struct store_char	 pl;
	struct run		 r;
	const struct cmd_entry	*rows;
	int			 n;
	long long		 before, msgs;

	world_open(&w);
	new_char(&w, "Pl", 0, &pl);
	rows = cmd_table(&n);
	before = last_entry();
	msgs = sqlv("SELECT count(*) FROM messages");
	for (int i = 0; i < n; i++) {
		if (rows[i].min_role == ROLE_PLAYER)
			continue;
		run(w.s, pl.id, rows[i].name, fmt("%s x", pl.name), &r);
		ck_assert_str_eq(r.out, huh_of(rows[i].name, ROLE_PLAYER));
		ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
		/* The loop's lookup does not find it either. */
		{
			const char	*name;
			bool		 refused;
			const struct cmd_entry	*c = cmd_lookup_role(
			    rows[i].name, ROLE_PLAYER, &name, &refused);

			ck_assert(c == NULL || c->min_role == ROLE_PLAYER);
		}
	}
	ck_assert_int_eq(last_entry(), before);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages"), msgs);
	run(w.s, pl.id, "help", "", &r);
	ck_assert_ptr_null(strstr(r.out, "audit"));
	ck_assert_ptr_null(strstr(r.out, "wiznet"));
	set_role(pl.id, "builder");
	run(w.s, pl.id, "help", "", &r);
	ck_assert_ptr_nonnull(strstr(r.out, "  audit "));
	ck_assert_ptr_nonnull(strstr(r.out, "  undo "));
	ck_assert_ptr_nonnull(strstr(r.out, "  dry "));
	ck_assert_ptr_nonnull(strstr(r.out, "  at "));
	ck_assert_ptr_nonnull(strstr(r.out, "  wiznet "));
	ck_assert_ptr_null(strstr(r.out, "  role "));
	set_role(pl.id, "admin");
	run(w.s, pl.id, "help", "", &r);
	ck_assert_ptr_nonnull(strstr(r.out, "  role "));
	world_close(&w);
}
END_TEST

/* audit: the list, one entry, a row's history; builders see no
 * addresses and no character entries. */
START_TEST(test_gate_audit_cmd)
{
	struct world		 w;
	struct store_char	 ann, bo;
	struct run		 r;
	int32_t			 room = sql_room("testarea", "Old", "A room.");
	long long		 e;

	world_open(&w);
	new_char(&w, "Ann", 0, &ann);
	new_char(&w, "Bo", 0, &bo);
	set_role(ann.id, "admin");
	set_role(bo.id, "builder");
	psql("UPDATE rooms SET title = 'New' WHERE id = %d", room);
	e = last_entry();
	run(w.s, ann.id, "audit", fmt("#%lld", e), &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_msg(strstr(r.out, fmt("  room %d: title 'Old' -> 'New'\n",
	    room)) != NULL, "%s", r.out);
	ck_assert_msg(strncmp(r.out, fmt("#%lld ", e), 4) == 0, "%s", r.out);
	run(w.s, bo.id, "audit", fmt("room %d", room), &r);
	ck_assert_msg(strncmp(r.out, fmt("History of room %d:\n", room), 20)
	    == 0, "%s", r.out);
	ck_assert_msg(strstr(r.out, "title 'Old' -> 'New'") != NULL, "%s",
	    r.out);
	run(w.s, ann.id, "audit", "sql 5", &r);
	ck_assert_msg(strncmp(r.out, fmt("#%-5lld ", e), 7) == 0, "%s", r.out);
	ck_assert_msg(strstr(r.out, "~1 rooms") != NULL, "%s", r.out);
	/* A character entry (role change): admins see it, builders not. */
	run(w.s, ann.id, "role", fmt("%s builder", bo.name), &r);
	e = last_entry();
	run(w.s, ann.id, "audit", "1", &r);
	ck_assert_msg(strstr(r.out, fmt("role %s builder", bo.name)) != NULL,
	    "%s", r.out);
	run(w.s, bo.id, "audit", fmt("#%lld", e), &r);
	ck_assert_str_eq(r.out, fmt("There is no audit entry #%lld.\n", e));
	run(w.s, bo.id, "audit", fmt("npc %lld", (long long)bo.id), &r);
	ck_assert_str_eq(r.out, "No entries.\n");
	run(w.s, ann.id, "audit", "zzznobody", &r);
	ck_assert_str_eq(r.out, "No entries.\n");
	world_close(&w);
}
END_TEST

/* wiznet reaches the staff online and not players; alone it lists. */
START_TEST(test_gate_wiznet)
{
	struct world		 w;
	struct store_char	 ann, bo, pl;
	struct run		 r;
	PGconn			*l = listen_open();
	const char		*text;
	int64_t			 to[1];

	world_open(&w);
	new_char(&w, "Ann", 0, &ann);
	new_char(&w, "Bo", 0, &bo);
	new_char(&w, "Pl", 0, &pl);
	set_role(ann.id, "admin");
	set_role(bo.id, "builder");
	text = fmt("[wiz] %s: builders meet at noon %d", bo.name, rand31());
	run(w.s, bo.id, "wiznet", text + strlen(bo.name) + 8, &r);
	ck_assert_str_eq(r.out, fmt("%s\n", text));
	{
		json_t	*m = listen_expect(l, text, 5000);

		ck_assert_ptr_nonnull(m);
		ck_assert(payload_to(m, ann.id));
		ck_assert(!payload_to(m, pl.id));
		ck_assert(!payload_to(m, bo.id));
		json_decref(m);
	}
	run(w.s, bo.id, "wiznet", "", &r);
	ck_assert_msg(strstr(r.out, fmt("%s (admin)", ann.name)) != NULL,
	    "%s", r.out);
	ck_assert_msg(strstr(r.out, fmt("%s (builder)", bo.name)) != NULL,
	    "%s", r.out);
	/* The audit feed: Bo's staff entry reaches Ann after COMMIT. */
	run(w.s, bo.id, "at", fmt("%d look", bo.room_id), &r);
	to[0] = ann.id;
	(void)to;
	{
		json_t	*m = listen_expect(l, fmt("[audit #%lld] %s: at %d look",
		    last_entry(), bo.name, bo.room_id), 5000);

		ck_assert_ptr_nonnull(m);
		ck_assert(payload_to(m, ann.id));
		json_decref(m);
	}
	PQfinish(l);
	world_close(&w);
}
END_TEST

/* One of the concurrent editors: n title updates on its own connection. */
struct chain_arg {
	int32_t	room;
	int	base;
	int	n;
};

/* Update the room's title n times, each its own transaction (psql-like). */
static void *
chain_edit(void *p)
{
	struct chain_arg	*a = p;
	PGconn			*c = PQconnectdb(test_db_url());
	char			 sql[128];

	for (int i = 0; i < a->n; i++) {
		PGresult	*res;

		snprintf(sql, sizeof sql, "UPDATE rooms SET title = 'T%d' "
		    "WHERE id = %d", a->base + i, a->room);
		res = PQexec(c, sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			fprintf(stderr, "chain_edit: %s", PQerrorMessage(c));
		PQclear(res);
	}
	PQfinish(c);
	return NULL;
}

/*
 * 100 concurrent edits of one title (20 connections x 5) leave an
 * unbroken chain in audit_change: ordered by id, each change's old title
 * is the previous one's new.
 */
START_TEST(test_gate_chain)
{
	pthread_t		t[20];
	struct chain_arg	a[20];
	int32_t			room = sql_room("testarea", "T-start",
				    "A room.");

	for (int i = 0; i < 20; i++) {
		a[i] = (struct chain_arg){ room, i * 5, 5 };
		ck_assert_int_eq(pthread_create(&t[i], NULL, chain_edit, &a[i]),
		    0);
	}
	for (int i = 0; i < 20; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_change WHERE"
	    " tbl = 'rooms' AND pk = '{\"id\": %d}'", room), 100);
	/* Every link: old = the previous new; the first from the start. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM (SELECT old->>'title' AS o,"
	    " lag(new->>'title') OVER (ORDER BY id) AS p FROM audit_change"
	    " WHERE tbl = 'rooms' AND pk = '{\"id\": %d}') x"
	    " WHERE o IS DISTINCT FROM coalesce(p, 'T-start')", room), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM rooms r WHERE id = %d AND"
	    " title = (SELECT new->>'title' FROM audit_change WHERE"
	    " tbl = 'rooms' AND pk = '{\"id\": %d}' ORDER BY id DESC LIMIT 1)",
	    room, room), 1);
}
END_TEST

/*
 * Looking with a staff command that can also write (reset list, iedit and
 * hedit of a topic, a bare wizlock) keeps no audit entry: it changed
 * nothing.
 */
START_TEST(test_gate_looks_leave_no_entry)
{
	struct world		w;
	struct store_char	ann;
	struct run		r;
	long long		before;

	world_open(&w);
	new_char(&w, "Ann", 0, &ann);
	set_role(ann.id, "owner");
	before = sqlv("SELECT count(*) FROM audit_log WHERE actor_id = %lld",
	    (long long)ann.id);
	run(w.s, ann.id, "reset", "list", &r);
	ck_assert_msg(strncmp(r.out, "Resets of ", 10) == 0, "%s", r.out);
	run(w.s, ann.id, "hedit", "look", &r);
	ck_assert_msg(strncmp(r.out, "Help topic 'look'", 17) == 0, "%s",
	    r.out);
	run(w.s, ann.id, "wizlock", "", &r);
	ck_assert_msg(strncmp(r.out, "The game", 8) == 0 ||
	    strncmp(r.out, "Only staff", 10) == 0, "%s", r.out);
	run(w.s, ann.id, "iedit", "bread", &r);
	ck_assert_msg(strstr(r.out, "bread") != NULL, "%s", r.out);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_log WHERE"
	    " actor_id = %lld", (long long)ann.id), before);
	world_close(&w);
}
END_TEST

/* The gate suite's database tier. */
Suite *
gate_suite(void)
{
	Suite	*s = suite_create("gate");
	TCase	*tc = tcase_create("gate");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_gate_audit_staff);
	tcase_add_test(tc, test_gate_looks_leave_no_entry);
	tcase_add_test(tc, test_gate_audit_sql);
	tcase_add_test(tc, test_gate_undo);
	tcase_add_test(tc, test_gate_undo_own_delete);
	tcase_add_test(tc, test_gate_dry);
	tcase_add_test(tc, test_gate_at);
	tcase_add_test(tc, test_gate_role_rules);
	tcase_add_test(tc, test_gate_build_scope);
	tcase_add_test(tc, test_gate_may_act_on);
	tcase_add_test(tc, test_gate_player_meets_nothing);
	tcase_add_test(tc, test_gate_audit_cmd);
	tcase_add_test(tc, test_gate_wiznet);
	tcase_add_test(tc, test_gate_chain);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, gate_e2e_tcase());
	return s;
}
