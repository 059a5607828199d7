/*
 * test_gate_e2e.c — the role gate over telnet: a player who types any
 * staff command reads exactly what an unknown word gets and changes
 * nothing; a demotion counts on the next command and a promotion at
 * once; wiznet and the audit feed reach staff on another keepd.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_gate.h"
#include "ops/buf.h"
#include "keep_test.h"

#define PASSWORD	"correct horse"
#define WAIT_MS		10000

/* The unknown-word answer for role, as the client reads it (CR LF). */
static const char *
huh_wire(const char *word, enum role role)
{
	static char	text[256];
	struct buf	b = { 0 };
	const char	*p;
	size_t		o = 0;

	cmd_huh(&b, word, role);
	for (p = buf_str(&b); *p != '\0' && o + 2 < sizeof text; p++) {
		if (*p == '\n')
			text[o++] = '\r';
		text[o++] = *p;
	}
	text[o] = '\0';
	buf_free(&b);
	return text;
}

/* Send line, return what came before the prompt (static). */
static const char *
cmd_out(struct client *c, const char *line)
{
	static char	out[16384];

	ck_assert(client_cmd(c, line, out, sizeof out));
	return out;
}

/*
 * A player types every staff row's name (bare and with arguments): each
 * answer is the one a word no row answers gets, and nothing is written.
 */
START_TEST(test_gate_e2e_player)
{
	struct keepd		 k;
	struct client		 c;
	char			 name[17];
	const struct cmd_entry	*rows;
	int			 n;
	long long		 entries, msgs;

	keepd_start(&k, NULL);
	client_player(&c, k.port, name, "Gpl", PASSWORD);
	rows = cmd_table(&n);
	client_quiet(&c, 300);
	entries = sqlv("SELECT count(*) FROM audit_log");
	msgs = sqlv("SELECT count(*) FROM messages");
	for (int i = 0; i < n; i++) {
		const char	*nm, *o;
		bool		 refused;

		if (rows[i].min_role == ROLE_PLAYER)
			continue;
		/* A name that abbreviates a player's row runs that row. */
		if (cmd_lookup_role(rows[i].name, ROLE_PLAYER, &nm,
		    &refused) != NULL)
			continue;
		o = cmd_out(&c, rows[i].name);
		ck_assert_msg(strstr(o, huh_wire(rows[i].name, ROLE_PLAYER))
		    != NULL, "%s: %s", rows[i].name, printable(o));
		o = cmd_out(&c, fmt("%s %s player", rows[i].name, name));
		ck_assert_msg(strstr(o, huh_wire(rows[i].name, ROLE_PLAYER))
		    != NULL, "%s: %s", rows[i].name, printable(o));
	}
	/* A word nobody has answers the same way. */
	ck_assert_ptr_nonnull(strstr(cmd_out(&c, "xyzzyq"),
	    huh_wire("xyzzyq", ROLE_PLAYER)));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM audit_log"), entries);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages"), msgs);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM characters WHERE name ="
	    " '%s' AND role = 'player'", name), 1);
	ck_assert_ptr_null(strstr(cmd_out(&c, "help"), "audit"));
	/* The probing left a trace in the log, not in the game. */
	ck_assert_int_ge(keepd_log_lines(&k, "wiznet refused by the role gate"),
	    2);
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* A promotion counts at once, a demotion on the next command. */
START_TEST(test_gate_e2e_demotion)
{
	struct keepd	k;
	struct client	c;
	char		name[17];
	const char	*o;

	keepd_start(&k, NULL);
	client_player(&c, k.port, name, "Gdm", PASSWORD);
	sqlf("UPDATE characters SET role = 'builder' WHERE name = '%s'", name);
	client_quiet(&c, 300);
	o = cmd_out(&c, "wiznet");
	ck_assert_msg(strstr(o, fmt("Staff online: ")) != NULL &&
	    strstr(o, fmt("%s (builder)", name)) != NULL, "%s", printable(o));
	ck_assert_ptr_nonnull(strstr(cmd_out(&c, "help"), "  audit "));
	sqlf("UPDATE characters SET role = 'player' WHERE name = '%s'", name);
	o = cmd_out(&c, "wiznet");
	ck_assert_msg(strstr(o, huh_wire("wiznet", ROLE_PLAYER)) != NULL,
	    "%s", printable(o));
	o = cmd_out(&c, "wiznet hello");
	ck_assert_msg(strstr(o, huh_wire("wiznet", ROLE_PLAYER)) != NULL,
	    "%s", printable(o));
	ck_assert_ptr_null(strstr(cmd_out(&c, "help"), "audit"));
	client_close(&c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * wiznet reaches staff on another keepd, not players; a staff entry's
 * feed line reaches an admin there after COMMIT.
 */
START_TEST(test_gate_e2e_wiznet)
{
	struct keepd	k1, k2;
	struct client	bo, ann, pl;
	char		nb[17], na[17], np[17];
	const char	*o;

	keepd_start(&k1, NULL);
	keepd_start(&k2, NULL);
	client_player(&bo, k1.port, nb, "Gwb", PASSWORD);
	client_player(&ann, k2.port, na, "Gwa", PASSWORD);
	client_player(&pl, k2.port, np, "Gwp", PASSWORD);
	sqlf("UPDATE characters SET role = 'builder' WHERE name = '%s'", nb);
	sqlf("UPDATE characters SET role = 'admin' WHERE name = '%s'", na);
	client_send_want(&bo, "wiznet the loft is done",
	    fmt("[wiz] %s: the loft is done", nb), WAIT_MS);
	client_want(&ann, fmt("[wiz] %s: the loft is done", nb), WAIT_MS,
	    NULL, 0);
	client_send_want(&bo, "at 1001 look", "Market Street", WAIT_MS);
	client_want(&ann, fmt("] %s: at 1001 look", nb), WAIT_MS, NULL, 0);
	/* The player heard neither. */
	client_quiet(&pl, 300);
	o = cmd_out(&pl, "look");
	ck_assert_ptr_null(strstr(o, "[wiz]"));
	ck_assert_ptr_null(strstr(o, "[audit"));
	client_close(&bo);
	client_close(&ann);
	client_close(&pl);
	keepd_stop(&k1, SIGTERM);
	keepd_stop(&k2, SIGTERM);
}
END_TEST

/* The gate suite's end-to-end tier. */
TCase *
gate_e2e_tcase(void)
{
	TCase	*tc = tcase_create("gate_e2e");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_gate_e2e_player);
	tcase_add_test(tc, test_gate_e2e_demotion);
	tcase_add_test(tc, test_gate_e2e_wiznet);
	return tc;
}
