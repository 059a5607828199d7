/*
 * test_cmd.c — the pure parts of the game layer: command lookup and
 * abbreviations, line splitting, suggestions, give parsing, names and
 * word wrapping.
 */
#include <string.h>

#include "cmd/cmd.h"
#include "game/text.h"
#include "keep_test.h"

/* Look a word up and return the name it matched, or NULL. */
static const char *
lookup(const char *word, bool *refused)
{
	const char		*name;
	const struct cmd_entry	*c = cmd_lookup(word, &name, refused);

	ck_assert((c == NULL) == (name == NULL));
	return name;
}

/* Look a word up and return the name of the row it runs, or NULL. */
static const char *
lookup_row(const char *word)
{
	const char		*name;
	bool			 refused;
	const struct cmd_entry	*c = cmd_lookup(word, &name, &refused);

	return c != NULL ? c->name : NULL;
}

START_TEST(test_lookup_exact_and_abbrev)
{
	static const char	*cases[][2] = {
		{ "n", "north" }, { "e", "east" }, { "s", "south" },
		{ "w", "west" }, { "u", "up" }, { "d", "down" },
		{ "l", "look" }, { "lo", "look" }, { "look", "look" },
		{ "sa", "say" }, { "sc", "score" }, { "who", "who" },
		{ "g", "get" }, { "gi", "give" }, { "h", "help" },
		{ "north", "north" }, { "nor", "north" }, { "i", "inventory" },
		{ "k", "kill" }, { "eq", "equipment" }, { "exa", "examine" },
		{ "dr", "drop" }, { "p", "put" }, { "t", "take" },
		{ "wi", "wield" }, { "wea", "wear" }, { "r", "remove" },
		{ "f", "flee" }, { "c", "consider" }, { "li", "list" },
		{ "b", "buy" }, { "se", "sell" }, { "v", "value" },
		{ "hea", "heal" }, { "a", "attack" },
	};
	bool			 refused;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char	*got = lookup(cases[i][0], &refused);

		ck_assert_msg(got != NULL && strcmp(got, cases[i][1]) == 0,
		    "%s should be %s, got %s", cases[i][0], cases[i][1],
		    got ? got : "(null)");
		ck_assert(!refused);
	}
}
END_TEST

START_TEST(test_lookup_unknown)
{
	bool	refused;

	ck_assert_ptr_null(lookup("xyzzy", &refused));
	ck_assert_ptr_null(lookup("", &refused));
	ck_assert_ptr_null(lookup("northx", &refused));
	ck_assert_ptr_null(lookup("lookk", &refused));
}
END_TEST

START_TEST(test_quit_needs_full_word)
{
	bool	refused;

	ck_assert_str_eq(lookup("q", &refused), "quit");
	ck_assert(refused);
	ck_assert_str_eq(lookup("qui", &refused), "quit");
	ck_assert(refused);
	ck_assert_str_eq(lookup("quit", &refused), "quit");
	ck_assert(!refused);
}
END_TEST

START_TEST(test_split)
{
	char		 word[32];
	const char	*args;

	cmd_split("  SAY   hello there ", word, sizeof word, &args);
	ck_assert_str_eq(word, "say");
	ck_assert_str_eq(args, "hello there ");
	cmd_split("'hi all", word, sizeof word, &args);
	ck_assert_str_eq(word, "say");
	ck_assert_str_eq(args, "hi all");
	cmd_split("look", word, sizeof word, &args);
	ck_assert_str_eq(word, "look");
	ck_assert_str_eq(args, "");
	cmd_split("   ", word, sizeof word, &args);
	ck_assert_str_eq(word, "");
	/* An over-long word is cut, never overflows. */
	cmd_split("abcdefghijklmnopqrstuvwxyzabcdefghijklmnop x", word,
	    sizeof word, &args);
	ck_assert_uint_eq(strlen(word), sizeof word - 1);
	ck_assert_str_eq(args, "x");
}
END_TEST

START_TEST(test_suggest)
{
	ck_assert_str_eq(cmd_suggest("lok"), "look");
	ck_assert_str_eq(cmd_suggest("scroe"), "score");
	ck_assert_str_eq(cmd_suggest("gibe"), "give");
	ck_assert_ptr_null(cmd_suggest("xyzzyplugh"));
}
END_TEST

START_TEST(test_parse_give_ok)
{
	int64_t		 n;
	char		 name[17];
	const char	*why;

	ck_assert(cmd_parse_give("7 coins to bob", &n, name, sizeof name,
	    &why));
	ck_assert_int_eq(n, 7);
	ck_assert_str_eq(name, "Bob");
	ck_assert(cmd_parse_give("1 coin BOB", &n, name, sizeof name, &why));
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(name, "Bob");
	ck_assert(cmd_parse_give("  12  Coins  to  alice ", &n, name,
	    sizeof name, &why));
	ck_assert_int_eq(n, 12);
	ck_assert_str_eq(name, "Alice");
}
END_TEST

START_TEST(test_parse_give_refused)
{
	static const char	*bad[][2] = {
		{ "0 coins to bob", "positive" },
		{ "-5 coins to bob", "positive" },
		{ "five coins to bob", "Usage" },
		{ "5 swords to bob", "Usage" },
		{ "5 coins to", "Usage" },
		{ "5 coins", "Usage" },
		{ "5", "Usage" },
		{ "5 coins to bob and carol", "Usage" },
		{ "99999999999999999999 coins to bob", "more coins" },
		{ "5 coins to b0b", "no one" },
		{ "5x coins to bob", "Usage" },
	};
	int64_t			 n;
	char			 name[17];
	const char		*why;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(!cmd_parse_give(bad[i][0], &n, name, sizeof name,
		    &why), "accepted \"%s\"", bad[i][0]);
		ck_assert_msg(strstr(why, bad[i][1]) != NULL,
		    "\"%s\": reason \"%s\" lacks \"%s\"", bad[i][0], why,
		    bad[i][1]);
	}
}
END_TEST

START_TEST(test_name_rules)
{
	char	out[17];

	ck_assert(text_name_normalise("alice", out, sizeof out));
	ck_assert_str_eq(out, "Alice");
	ck_assert(text_name_normalise("ALICE", out, sizeof out));
	ck_assert_str_eq(out, "Alice");
	ck_assert(text_name_normalise("Bob", out, sizeof out));
	ck_assert(text_name_normalise("abcdefghijklmnop", out, sizeof out));
	ck_assert(!text_name_normalise("Al", out, sizeof out));
	ck_assert(!text_name_normalise("abcdefghijklmnopq", out, sizeof out));
	ck_assert(!text_name_normalise("Al1ce", out, sizeof out));
	ck_assert(!text_name_normalise("Al ice", out, sizeof out));
	ck_assert(!text_name_normalise("", out, sizeof out));
	ck_assert(!text_name_normalise("\xc3\xa9lise", out, sizeof out));
}
END_TEST

START_TEST(test_wrap)
{
	struct buf	 b = { 0 };
	const char	*p, *nl;

	text_wrap(&b, "one two three four five six seven eight nine ten "
	    "eleven twelve thirteen fourteen fifteen sixteen", 20, 2);
	for (p = buf_str(&b); *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_int_le(nl - p, 20);
		ck_assert(strncmp(p, "  ", 2) == 0);
		ck_assert(p[2] != ' ');
	}
	ck_assert(strstr(buf_str(&b), "sixteen\n") != NULL);
	buf_reset(&b);
	/* A word longer than the width stands alone, unbroken. */
	text_wrap(&b, "a supercalifragilisticexpialidocious b", 10, 0);
	ck_assert_str_eq(buf_str(&b), "a\nsupercalifragilisticexpialidocious\n"
	    "b\n");
	buf_free(&b);
}
END_TEST

START_TEST(test_roles)
{
	enum role	r;

	ck_assert(cmd_role_parse("admin", &r));
	ck_assert_int_eq(r, ROLE_ADMIN);
	ck_assert(cmd_role_parse("builder", &r));
	ck_assert_int_eq(r, ROLE_BUILDER);
	ck_assert(cmd_role_parse("player", &r));
	ck_assert_int_eq(r, ROLE_PLAYER);
	ck_assert(cmd_role_parse("owner", &r));
	ck_assert_int_eq(r, ROLE_OWNER);
	ck_assert(ROLE_PLAYER < ROLE_BUILDER && ROLE_BUILDER < ROLE_ADMIN &&
	    ROLE_ADMIN < ROLE_OWNER);
	ck_assert(!cmd_role_parse("god", &r));
	ck_assert(!cmd_role_parse("Owner", &r));
}
END_TEST

START_TEST(test_table_sane)
{
	int			 n;
	const struct cmd_entry	*t = cmd_table(&n);

	ck_assert_int_gt(n, 10);
	for (int i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(t[i].handler);
		ck_assert_ptr_nonnull(t[i].usage);
		ck_assert_ptr_nonnull(t[i].help);
		ck_assert(strncmp(t[i].usage, t[i].name,
		    strlen(t[i].name)) == 0);
		for (int a = 0; t[i].aliases && t[i].aliases[a].name; a++) {
			int	after = 0;

			for (int j = 0; j < n; j++)
				after += strcmp(t[i].aliases[a].after,
				    t[j].name) == 0;
			ck_assert_int_eq(after, 1);
		}
	}
}
END_TEST

/* No two names in the table (rows or aliases) are the same. */
START_TEST(test_names_unique)
{
	struct cmd_cursor	 c = CMD_CURSOR_INIT, d;
	const struct cmd_entry	*cmd;
	const char		*name, *other;

	while (cmd_next(&c, &name, &cmd)) {
		d = c;
		while (cmd_next(&d, &other, &cmd))
			ck_assert_str_ne(name, other);
	}
}
END_TEST

/* An alias runs its command's row, and abbreviates in its own place. */
START_TEST(test_lookup_alias)
{
	static const char	*cases[][3] = {
		{ "t", "take", "get" }, { "ta", "take", "get" },
		{ "take", "take", "get" }, { "a", "attack", "kill" },
		{ "att", "attack", "kill" }, { "attack", "attack", "kill" },
		{ "g", "get", "get" }, { "k", "kill", "kill" },
	};
	bool			 refused;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char	*got = lookup(cases[i][0], &refused);

		ck_assert_msg(got != NULL && strcmp(got, cases[i][1]) == 0,
		    "%s should be %s", cases[i][0], cases[i][1]);
		ck_assert_str_eq(lookup_row(cases[i][0]), cases[i][2]);
		ck_assert(!refused);
	}
	ck_assert_ptr_null(lookup("takex", &refused));
	ck_assert_str_eq(cmd_suggest("tkae"), "take");
	ck_assert_str_eq(cmd_suggest("atack"), "attack");
}
END_TEST

/* An alias's usage is its own name and its command's arguments. */
START_TEST(test_alias_usage)
{
	const char		*name;
	bool			 refused;
	char			 buf[128];
	const struct cmd_entry	*c = cmd_lookup("take", &name, &refused);

	ck_assert_str_eq(cmd_usage(c, name, buf, sizeof buf),
	    "take <what> [from <container>]");
	ck_assert_str_eq(cmd_usage(c, c->name, buf, sizeof buf), c->usage);
	c = cmd_lookup("a", &name, &refused);
	ck_assert_str_eq(cmd_usage(c, name, buf, sizeof buf),
	    "attack <target>");
}
END_TEST

/* The table's order of names: each alias right after the row it follows. */
START_TEST(test_name_order)
{
	struct cmd_cursor	 c = CMD_CURSOR_INIT;
	const struct cmd_entry	*cmd;
	const char		*name, *prev = NULL;
	int			 n, rows = 0, aliases = 0;

	(void)cmd_table(&n);
	while (cmd_next(&c, &name, &cmd)) {
		if (strcmp(name, "take") == 0)
			ck_assert_str_eq(prev, "put");
		if (strcmp(name, "attack") == 0)
			ck_assert_str_eq(prev, "remove");
		if (strcmp(name, "colour") == 0)
			ck_assert_str_eq(prev, "color");
		if (name == cmd->name)
			rows++;
		else
			aliases++;
		prev = name;
	}
	ck_assert_int_eq(rows, n);
	ck_assert_int_eq(aliases, 3);	/* take, attack, colour */
	ck_assert(!cmd_next(&c, &name, &cmd));
}
END_TEST

/* The six directions are one handler; each row's data is its direction. */
START_TEST(test_move_rows)
{
	static const char	*dirs[] = {
		"north", "east", "south", "west", "up", "down"
	};
	const char		*name;
	bool			 refused;

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		const struct cmd_entry	*c = cmd_lookup(dirs[i], &name,
					    &refused);

		ck_assert(c->handler == cmd_move);
		ck_assert_str_eq(c->data, dirs[i]);
	}
}
END_TEST

/* The trade rows (at the end) take no abbreviation older rows had. */
START_TEST(test_lookup_trade)
{
	static const char	*cases[][3] = {
		/* word, as a player, as an admin */
		{ "tr", "trade", "transfer" }, { "tra", "trade", "transfer" },
		{ "trad", "trade", "trade" }, { "o", "offer", "offer" },
		{ "wit", "withdraw", "withdraw" }, { "wi", "wield", "wield" },
		{ "ac", "accept", "accept" }, { "a", "attack", "attack" },
		{ "ca", "cancel", "cancel" }, { "c", "consider", "consider" },
		{ "w", "west", "west" }, { "t", "take", "take" },
	};
	const struct cmd_entry	*c;
	const char		*name;
	bool			 refused;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c = cmd_lookup_role(cases[i][0], ROLE_PLAYER, &name, &refused);
		ck_assert_msg(c != NULL && strcmp(name, cases[i][1]) == 0,
		    "%s should be %s for a player, got %s", cases[i][0],
		    cases[i][1], c != NULL ? name : "(null)");
		c = cmd_lookup_role(cases[i][0], ROLE_ADMIN, &name, &refused);
		ck_assert_msg(c != NULL && strcmp(name, cases[i][2]) == 0,
		    "%s should be %s for an admin, got %s", cases[i][0],
		    cases[i][2], c != NULL ? name : "(null)");
	}
}
END_TEST

Suite *
cmd_suite(void)
{
	Suite	*s = suite_create("cmd");
	TCase	*tc = tcase_create("cmd");

	tcase_add_test(tc, test_lookup_exact_and_abbrev);
	tcase_add_test(tc, test_lookup_trade);
	tcase_add_test(tc, test_lookup_unknown);
	tcase_add_test(tc, test_quit_needs_full_word);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_suggest);
	tcase_add_test(tc, test_parse_give_ok);
	tcase_add_test(tc, test_parse_give_refused);
	tcase_add_test(tc, test_name_rules);
	tcase_add_test(tc, test_wrap);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_table_sane);
	tcase_add_test(tc, test_lookup_alias);
	tcase_add_test(tc, test_alias_usage);
	tcase_add_test(tc, test_name_order);
	tcase_add_test(tc, test_move_rows);
	tcase_add_test(tc, test_names_unique);
	suite_add_tcase(s, tc);
	return s;
}
