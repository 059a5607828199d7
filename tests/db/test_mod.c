/*
 * test_mod.c — the moderation commands (kick, ban, unban, bans, freeze,
 * mute, wall, users, last, wizlock) against the real test database: each
 * one's effect, its refusals, and that a player typing it reads the same
 * "Huh?" as for an unknown command and changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/store.h"
#include "cmd/cmd.h"
#include "cmd/cmd_mod.h"
#include "net/color.h"
#include "db_test.h"
#include "keep_test.h"
#include "ops/util.h"


/* An online character with role (and a session address unless NULL). */
static void
mod_char(struct world *w, const char *prefix, const char *role,
    const char *addr, struct store_char *c)
{
	new_char(w, prefix, 0, c);
	sqlf("UPDATE characters SET role = '%s', session_addr = %s%s%s"
	    " WHERE id = %lld", role, addr != NULL ? "'" : "",
	    addr != NULL ? addr : "NULL", addr != NULL ? "'" : "",
	    (long long)c->id);
}

/* Whether a character is online. */
static bool
online(int64_t id)
{
	return sqlv("SELECT count(*) FROM characters WHERE id = %lld AND"
	    " session_instance IS NOT NULL", (long long)id) == 1;
}

/* Run and check that the reply starts with want. */
static void
run_prefix(struct store *s, int64_t id, const char *cmd, const char *args,
    const char *want, enum tx_result result, struct run *r)
{
	run(s, id, cmd, args, r);
	ck_assert_msg(strncmp(r->out, want, strlen(want)) == 0,
	    "%s %s: got \"%s\", want \"%s...\"", cmd, args, r->out, want);
	ck_assert_msg(r->result == result, "%s %s: result %d", cmd, args,
	    (int)r->result);
}

/* A player typing any moderation command reads Huh? and changes nothing. */
START_TEST(test_mod_player_huh)
{
	static const char	*cmds[][2] = {
		{ "kick", "" }, { "ban", " 1d spam" },
		{ "ban", "-10.250.0.0/16 1d spam" }, { "unban", "" },
		{ "bans", "-" }, { "freeze", " perm x" },
		{ "unfreeze", "" }, { "mute", " perm x" },
		{ "unmute", "" }, { "wall", "-hello" }, { "users", "-" },
		{ "last", "" }, { "wizlock", "-staff" } };
	struct world		 w;
	struct store_char	 me, them;
	long long		 bans = sqlv("SELECT count(*) FROM bans");
	long long		 msgs = sqlv("SELECT count(*) FROM messages");
	char			 args[64];

	world_open(&w);
	mod_char(&w, "Mpl", "player", NULL, &me);
	mod_char(&w, "Mpt", "player", NULL, &them);
	for (size_t i = 0; i < nitems(cmds); i++) {
		/* "-": the rest as it is; else the name, then the rest. */
		if (cmds[i][1][0] == '-')
			snprintf(args, sizeof args, "%s", cmds[i][1] + 1);
		else
			snprintf(args, sizeof args, "%s%s", them.name,
			    cmds[i][1]);
		run_want(w.s, me.id, cmds[i][0], args,
		    huh_of(cmds[i][0], ROLE_PLAYER), TXR_ROLLED_BACK);
	}
	ck_assert_int_eq(sqlv("SELECT count(*) FROM bans"), bans);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages"), msgs);
	ck_assert(online(them.id));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE id = %lld"
	    " AND (frozen_until IS NOT NULL OR muted_until IS NOT NULL)",
	    (long long)them.id), 0);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM game WHERE lock = 'open'"),
	    1);
	world_close(&w);
}
END_TEST

/* kick closes the session on its keepd; refusals. */
START_TEST(test_mod_kick)
{
	struct world		 w;
	struct store_char	 adm, p, peer, own;
	char			 want[128], args[300];

	world_open(&w);
	mod_char(&w, "Mka", "admin", NULL, &adm);
	mod_char(&w, "Mkp", "player", NULL, &p);
	mod_char(&w, "Mkq", "admin", NULL, &peer);
	mod_char(&w, "Mko", "owner", NULL, &own);
	snprintf(want, sizeof want, "You kick %s (keepd %.6s).\n", p.name,
	    w.inst);
	run_want(w.s, adm.id, "kick", fmt("%s spamming", p.name), want,
	    TXR_COMMITTED);
	ck_assert(!online(p.id));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE kind ="
	    " 'kick' AND kick_session = %lld AND text = 'You have been"
	    " disconnected by %s: spamming\n'", (long long)p.session_id,
	    adm.name), 1);
	run_want(w.s, adm.id, "kick", p.name, fmt("%s is not online.\n",
	    p.name), TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "kick", "Zzqxnobody", "There is no player "
	    "called Zzqxnobody.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "kick", peer.name, fmt("You can't do that to "
	    "%s (admin): only to lower roles.\n", peer.name), TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "kick", own.name, fmt("You can't do that to "
	    "%s (owner): only to lower roles.\n", own.name), TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "kick", adm.name, "Not on yourself.\n",
	    TXR_ROLLED_BACK);
	memset(args, 'x', sizeof args - 1);
	args[sizeof args - 1] = '\0';
	memcpy(args, peer.name, strlen(peer.name));
	args[strlen(peer.name)] = ' ';
	run_want(w.s, own.id, "kick", args, "A reason is at most 200 "
	    "characters.\n", TXR_ROLLED_BACK);
	ck_assert(online(peer.id));
	/* An owner may kick an admin. */
	run_want(w.s, own.id, "kick", peer.name, fmt("You kick %s (keepd "
	    "%.6s).\n", peer.name, w.inst), TXR_COMMITTED);
	ck_assert(!online(peer.id));
	world_close(&w);
}
END_TEST

/* ban by name kicks, lists, refuses at once; unban lifts. */
START_TEST(test_mod_ban_name)
{
	struct world		 w;
	struct store_char	 adm, p;
	struct run		 r;
	long long		 id;

	world_open(&w);
	mod_char(&w, "Mba", "admin", "10.251.0.1", &adm);
	mod_char(&w, "Mbp", "player", NULL, &p);
	run_want(w.s, adm.id, "ban", fmt("%s spam", p.name), "Give a duration"
	    " (30m, 12h, 7d or perm) and a reason.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "ban", fmt("%s 1d", p.name), "Give a duration"
	    " (30m, 12h, 7d or perm) and a reason.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "ban", fmt("%s 1y x", p.name), "Give a "
	    "duration (30m, 12h, 7d or perm) and a reason.\n",
	    TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "ban", fmt("%s new 1d x", p.name), "A name ban "
	    "covers every login; 'new' is for addresses.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "ban", "Zzqxnobody 1d x", "There is no player "
	    "called Zzqxnobody.\n", TXR_ROLLED_BACK);
	ck_assert(online(p.id));
	run_prefix(w.s, adm.id, "ban", fmt("%s 1d spamming the square",
	    p.name), "Ban #", TXR_COMMITTED, &r);
	id = sqlv("SELECT max(id) FROM bans WHERE character_id = %lld",
	    (long long)p.id);
	ck_assert_msg(strstr(r.out, fmt("Ban #%lld: name %s, every login, "
	    "for 1d (until ", id, p.name)) != NULL, "%s", r.out);
	ck_assert(strstr(r.out, " UTC): spamming the square. 1 session "
	    "kicked.\n") != NULL);
	ck_assert(!online(p.id));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM bans WHERE id = %lld AND"
	    " expires_at BETWEEN now() + interval '23 hours' AND now() +"
	    " interval '25 hours' AND by_name = '%s' AND scope = 'all'", id,
	    adm.name), 1);
	run(w.s, adm.id, "bans", "", &r);
	ck_assert_msg(strstr(r.out, fmt("#%-4lld name %-18s all", id,
	    p.name)) != NULL, "%s", r.out);
	run_want(w.s, adm.id, "unban", p.name, fmt("Ban #%lld lifted.\n", id),
	    TXR_COMMITTED);
	run_want(w.s, adm.id, "unban", fmt("%lld", id), fmt("There is no "
	    "active ban #%lld.\n", id), TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "unban", "300.1.1.1", "That is not a ban id, a "
	    "name, an address or a network: 300.1.1.1.\n", TXR_ROLLED_BACK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM bans WHERE id = %lld AND"
	    " lifted_by = '%s'", id, adm.name), 1);
	world_close(&w);
}
END_TEST

/* ban by address: kicks the network's sessions; width and own address. */
START_TEST(test_mod_ban_addr)
{
	struct world		 w;
	struct store_char	 adm, own, p, q, peer;
	struct run		 r;
	long long		 id;

	world_open(&w);
	sqlf("UPDATE bans SET lifted_at = now() WHERE addr <<= '10.252.0.0/16'"
	    " OR addr <<= '2001:db8:252::/48'");
	mod_char(&w, "Maa", "admin", "10.252.1.1", &adm);
	mod_char(&w, "Mao", "owner", "10.252.1.2", &own);
	mod_char(&w, "Map", "player", "10.252.9.5", &p);
	mod_char(&w, "Maq", "player", "10.252.8.5", &q);
	mod_char(&w, "Mar", "admin", "10.252.9.6", &peer);
	run_want(w.s, adm.id, "ban", "300.1.1.1 1d x", "That is not a name, "
	    "an address or a network: 300.1.1.1.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "ban", "10.0.0.0/8 1d x", "That network is too "
	    "wide (/8); only an owner can ban more than a /16 (IPv4) or /32 "
	    "(IPv6).\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "ban", "2001:db8::/16 1d x", "That network is "
	    "too wide (/16); only an owner can ban more than a /16 (IPv4) or "
	    "/32 (IPv6).\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "ban", "10.252.0.0/16 1d x", "That network "
	    "holds your own address.\n", TXR_ROLLED_BACK);
	run_want(w.s, own.id, "ban", "10.252.0.0/16 1d x", "That network "
	    "holds your own address.\n", TXR_ROLLED_BACK);
	ck_assert(online(p.id));
	run_prefix(w.s, adm.id, "ban", "10.252.9.77/24 2h flood",
	    "Ban #", TXR_COMMITTED, &r);
	ck_assert_msg(strstr(r.out, ": address 10.252.9.0/24, every login, "
	    "for 2h (until ") != NULL, "%s", r.out);
	ck_assert(strstr(r.out, "): flood. 1 session kicked.\n") != NULL);
	ck_assert(!online(p.id));
	ck_assert(online(q.id));
	/* The rank rule: another admin in the network stays online. */
	ck_assert(online(peer.id));
	/* new: only creation, kicks nobody, may hold one's own address. */
	run_prefix(w.s, adm.id, "ban", "10.252.1.0/24 new perm bot sign-ups",
	    "Ban #", TXR_COMMITTED, &r);
	ck_assert_msg(strstr(r.out, ": address 10.252.1.0/24, new characters"
	    " only, permanent: bot sign-ups.\n") != NULL, "%s", r.out);
	ck_assert(online(adm.id));
	/* An IPv6 address is banned with its /64; owners may go wide. */
	run_prefix(w.s, adm.id, "ban", "2001:db8:252:2::7 7d flood", "Ban #",
	    TXR_COMMITTED, &r);
	ck_assert_msg(strstr(r.out, "address 2001:db8:252:2::/64,") != NULL,
	    "%s", r.out);
	run_prefix(w.s, own.id, "ban", "2001:db8::/16 30m wide", "Ban #",
	    TXR_COMMITTED, &r);
	/* Host bits are cleared: 2001:db8::/16 is 2001::/16. */
	id = sqlv("SELECT max(id) FROM bans WHERE addr = '2001::/16'");
	run_want(w.s, adm.id, "unban", "2001:db8::/16", fmt("Ban #%lld "
	    "lifted.\n", id), TXR_COMMITTED);
	run_want(w.s, adm.id, "unban", "10.252.9.0/24", fmt("Ban #%lld "
	    "lifted.\n", sqlv("SELECT max(id) FROM bans WHERE addr ="
	    " '10.252.9.0/24'")), TXR_COMMITTED);
	sqlf("UPDATE bans SET lifted_at = now() WHERE addr <<= '10.252.0.0/16'"
	    " OR addr <<= '2001:db8:252::/48'");
	world_close(&w);
}
END_TEST

/* freeze refuses every command but quit; unfreeze; mute refuses say. */
START_TEST(test_mod_freeze_mute)
{
	struct world		 w;
	struct store_char	 adm, p;
	struct run		 r;

	world_open(&w);
	mod_char(&w, "Mfa", "admin", NULL, &adm);
	mod_char(&w, "Mfp", "player", NULL, &p);
	run_want(w.s, adm.id, "freeze", p.name, "Give a duration (30s, 10m, "
	    "2h, 7d or perm), then a reason if you like.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "freeze", fmt("%s griefing", p.name), "Give a "
	    "duration (30s, 10m, 2h, 7d or perm), then a reason if you "
	    "like.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "unfreeze", p.name, fmt("%s is not frozen.\n",
	    p.name), TXR_ROLLED_BACK);
	run_prefix(w.s, adm.id, "freeze", fmt("%s 1h griefing", p.name),
	    fmt("%s is frozen for 1h (until ", p.name), TXR_COMMITTED, &r);
	ck_assert(strstr(r.out, " UTC): griefing.\n") != NULL);
	run_prefix(w.s, p.id, "look", "", "You are frozen and can't do that "
	    "(until ", TXR_ROLLED_BACK, &r);
	run_prefix(w.s, p.id, "say", "hi", "You are frozen and can't do that "
	    "(until ", TXR_ROLLED_BACK, &r);
	run_want(w.s, adm.id, "unfreeze", p.name, fmt("%s is no longer "
	    "frozen.\n", p.name), TXR_COMMITTED);
	run_prefix(w.s, p.id, "score", "", "", TXR_COMMITTED, &r);
	run_want(w.s, adm.id, "freeze", fmt("%s perm", p.name), fmt("%s is "
	    "frozen until lifted.\n", p.name), TXR_COMMITTED);
	run_want(w.s, p.id, "score", "", "You are frozen and can't do that "
	    "(until lifted).\n", TXR_ROLLED_BACK);
	/* quit still works. */
	run(w.s, p.id, "quit", "", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert(!online(p.id));

	mod_char(&w, "Mmp", "player", NULL, &p);
	run_want(w.s, adm.id, "mute", fmt("%s perm shouting", p.name),
	    fmt("%s is muted until lifted: shouting.\n", p.name),
	    TXR_COMMITTED);
	run_want(w.s, p.id, "say", "hello", "You are muted and can't speak "
	    "(until lifted).\n", TXR_ROLLED_BACK);
	run_prefix(w.s, p.id, "look", "", "", TXR_COMMITTED, &r);
	run_want(w.s, adm.id, "unmute", p.name, fmt("%s is no longer muted.\n",
	    p.name), TXR_COMMITTED);
	run_want(w.s, p.id, "say", "hello", "You say, 'hello'" 
	    "\n", TXR_COMMITTED);
	run_want(w.s, adm.id, "mute", fmt("%s 10m", adm.name),
	    "Not on yourself.\n", TXR_ROLLED_BACK);
	world_close(&w);
}
END_TEST

/* A muted builder or admin can't wiznet or wall either (issue 9). */
START_TEST(test_mod_mute_staff)
{
	struct world		 w;
	struct store_char	 own, adm, b;
	struct run		 r;
	long long		 n;
	const char		*muted = "You are muted and can't speak (until "
				    "lifted).\n";

	world_open(&w);
	mod_char(&w, "Mso", "owner", NULL, &own);
	mod_char(&w, "Msa", "admin", NULL, &adm);
	mod_char(&w, "Msb", "builder", NULL, &b);
	run_want(w.s, own.id, "mute", fmt("%s perm spam", adm.name),
	    fmt("%s is muted until lifted: spam.\n", adm.name), TXR_COMMITTED);
	run_want(w.s, own.id, "mute", fmt("%s perm spam", b.name),
	    fmt("%s is muted until lifted: spam.\n", b.name), TXR_COMMITTED);
	n = sqlv("SELECT count(*) FROM messages");
	run_want(w.s, adm.id, "wall", "hello all", muted, TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "wiznet", "hello staff", muted, TXR_ROLLED_BACK);
	run_want(w.s, b.id, "wiznet", "hello staff", muted, TXR_ROLLED_BACK);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages"), n);
	/* Listing the staff online is not speaking. */
	run_prefix(w.s, b.id, "wiznet", "", "Staff online: ", TXR_COMMITTED,
	    &r);
	run_want(w.s, own.id, "unmute", adm.name, fmt("%s is no longer "
	    "muted.\n", adm.name), TXR_COMMITTED);
	run(w.s, adm.id, "wall", "hello all", &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_gt(sqlv("SELECT count(*) FROM messages"), n);
	world_close(&w);
}
END_TEST

/*
 * The SQLSTATE of one statement run as psql would (no keepd between), in a
 * transaction rolled back whatever happens: a missing check must not
 * leave the world's prototypes changed for the tests after.
 */
static const char *
raw_sqlstate(const char *sql)
{
	static char	 state[8];
	PGconn		*c = PQconnectdb(test_db_url());
	PGresult	*res;
	const char	*v;
	char		*q = xasprintf("BEGIN; %s; ROLLBACK", sql);

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	res = PQexec(c, q);
	free(q);
	v = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	util_strlcpy(state, v != NULL ? v : "00000", sizeof state);
	PQclear(res);
	PQfinish(c);
	return state;
}

/* Prototype text with a control character is refused by the database. */
START_TEST(test_mod_proto_text_checks)
{
	static const char	*sql[] = {
		"UPDATE item_protos SET name = E'a \\x1b[2Jsword'",
		"UPDATE item_protos SET long_desc = E'A sword\\x1b[31m.'",
		"UPDATE item_protos SET description = E'Red\\x1b[31m.'",
		"UPDATE item_protos SET description = E'Tab\\there.'",
		"UPDATE npc_protos SET name = E'a \\x1b]0;pwned\\x07rat'",
		"UPDATE npc_protos SET long_desc = E'A rat\\r\\nsits.'",
		"UPDATE npc_protos SET description = E'Bell\\x07.'",
	};
	const char		*got;

	ck_assert_int_gt(sqlv("SELECT count(*) FROM item_protos"), 0);
	ck_assert_int_gt(sqlv("SELECT count(*) FROM npc_protos"), 0);
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		got = raw_sqlstate(sql[i]);
		ck_assert_msg(strcmp(got, "23514") == 0, "%s: not refused "
		    "(%s)", sql[i], got);
	}
	/* A description may hold lines; the world's text passes as it is. */
	ck_assert_str_eq(raw_sqlstate("UPDATE npc_protos SET description = "
	    "description WHERE id = (SELECT min(id) FROM npc_protos)"), "00000");
	ck_assert_str_eq(raw_sqlstate("UPDATE item_protos SET "
	    "description = E'Two\\nlines.'"), "00000");
}
END_TEST

/* wall reaches everyone online; users lists sessions; last, wizlock. */
START_TEST(test_mod_wall_users_last_wizlock)
{
	struct world		 w;
	struct store_char	 adm, p;
	struct run		 r;

	world_open(&w);
	mod_char(&w, "Mwa", "admin", "10.253.0.1", &adm);
	mod_char(&w, "Mwp", "player", "10.253.0.2", &p);
	run_want(w.s, adm.id, "wall", "reboot soon", "", TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE kind ="
	    " 'char' AND text = '[announcement] %s: reboot soon' AND"
	    " recipients @> ARRAY[%lld, %lld]::bigint[]", adm.name,
	    (long long)adm.id, (long long)p.id), 1);

	/* Idle: since the last input the heartbeat recorded (or the login,
	 * if later), rounded down to its largest unit. */
	sqlf("UPDATE characters SET last_login_at = now() - interval '1 day',"
	    " last_input_at = now() - interval '330 seconds' WHERE id = %lld",
	    (long long)p.id);
	run(w.s, adm.id, "users", "", &r);
	ck_assert_msg(strstr(r.out, fmt("%-16s %-7s %-15s %-5s %.6s (", p.name,
	    "player", "10.253.0.2", "5m", w.inst)) != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, fmt("%-16s %-7s %-15s %-5s %s\n", "Name",
	    "Role", "Address", "Idle", "Process (host)")) == r.out, "%s",
	    r.out);
	sqlf("UPDATE characters SET last_login_at = now() - interval '2 hours',"
	    " last_input_at = NULL WHERE id = %lld", (long long)p.id);
	run(w.s, adm.id, "users", "", &r);
	ck_assert_msg(strstr(r.out, fmt("%-16s %-7s %-15s %-5s %.6s (", p.name,
	    "player", "10.253.0.2", "2h", w.inst)) != NULL, "%s", r.out);
	ck_assert(strstr(r.out, " online on ") != NULL);

	sqlf("INSERT INTO logins (character_id, name, addr, outcome, at)"
	    " VALUES (%lld, '%s', '10.253.0.2', 'wrong_password', now() -"
	    " interval '1 minute'), (%lld, '%s', '10.253.0.2', 'ok', now())",
	    (long long)p.id, p.name, (long long)p.id, p.name);
	run(w.s, adm.id, "last", p.name, &r);
	ck_assert_msg(strstr(r.out, fmt("Logins of %s:\n", p.name)) == r.out,
	    "%s", r.out);
	ck_assert(strstr(r.out, " ok\n") != NULL);
	ck_assert(strstr(r.out, " ok\n") < strstr(r.out, " wrong password\n"));
	run(w.s, adm.id, "last", "10.253.0.0/24 1", &r);
	ck_assert_msg(strstr(r.out, "Logins from 10.253.0.0/24:\n") == r.out,
	    "%s", r.out);
	ck_assert_int_eq(str_count(r.out, "\n"), 2);
	run_want(w.s, adm.id, "last", "10.253.0.0/24 0", "Give a count from 1 "
	    "to 100.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "last", "Zzqxnobody", "Logins of Zzqxnobody:\n"
	    "  none recorded.\n", TXR_COMMITTED);
	run_want(w.s, adm.id, "last", "1.2.3.4.5", "That is not a name, an "
	    "address or a network: 1.2.3.4.5.\n", TXR_ROLLED_BACK);

	run_want(w.s, adm.id, "wizlock", "", "The game is open.\n",
	    TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "wizlock", "new", "The game is closed to new "
	    "characters.\n", TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM game WHERE lock = 'new'"),
	    1);
	run_want(w.s, adm.id, "wizlock", "", "The game is closed to new "
	    "characters.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "wizlock", "staff", "Only staff can log in.\n",
	    TXR_COMMITTED);
	run_want(w.s, adm.id, "wizlock", "closed", "Say wizlock open, new or "
	    "staff.\n", TXR_ROLLED_BACK);
	run_want(w.s, adm.id, "wizlock", "open", "The game is open.\n",
	    TXR_COMMITTED);
	world_close(&w);
}
END_TEST

/* Durations: N followed by s, m, h, d, or perm; bounded. */
START_TEST(test_mod_duration)
{
	int64_t	s;

	ck_assert(mod_duration("30s", &s) && s == 30);
	ck_assert(mod_duration("10m", &s) && s == 600);
	ck_assert(mod_duration("2h", &s) && s == 7200);
	ck_assert(mod_duration("7d", &s) && s == 7 * 86400);
	ck_assert(mod_duration("perm", &s) && s == -1);
	ck_assert(mod_duration("3650d", &s));
	ck_assert(!mod_duration("3651d", &s));
	ck_assert(!mod_duration("0m", &s));
	ck_assert(!mod_duration("-5m", &s));
	ck_assert(!mod_duration("5", &s));
	ck_assert(!mod_duration("5mm", &s));
	ck_assert(!mod_duration("m", &s));
	ck_assert(!mod_duration("", &s));
}
END_TEST

Suite *
mod_suite(void)
{
	Suite	*s = suite_create("mod");
	TCase	*tc = tcase_create("db");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_mod_duration);
	tcase_add_test(tc, test_mod_player_huh);
	tcase_add_test(tc, test_mod_kick);
	tcase_add_test(tc, test_mod_ban_name);
	tcase_add_test(tc, test_mod_ban_addr);
	tcase_add_test(tc, test_mod_freeze_mute);
	tcase_add_test(tc, test_mod_mute_staff);
	tcase_add_test(tc, test_mod_proto_text_checks);
	tcase_add_test(tc, test_mod_wall_users_last_wizlock);
	suite_add_tcase(s, tc);
	mod_e2e_tests(s);
	return s;
}
