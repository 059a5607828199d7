/*
 * test_proto_e2e.c — the proto suite over telnet: a builder on a real keepd
 * makes an item prototype, conjures one (the player beside them reads it),
 * renames the prototype and sees the instance renamed, and reads help by
 * keyword prefix; a player typing the same commands gets Huh?.
 */
#include <signal.h>
#include <string.h>

#include <check.h>

#include "keep_test.h"
#include "db/test_proto.h"

#define HUH	"Huh? (type 'help' for the commands)"

/* A builder and a player, each over telnet, in the start room. */
START_TEST(test_proto_e2e_builder)
{
	struct keepd	k;
	struct client	b, p;
	char		bname[17], pname[17], out[8192];
	long long	before;

	keepd_start(&k, NULL);
	client_player(&b, k.port, bname, "Peb", "secret-pass");
	client_player(&p, k.port, pname, "Pep", "secret-pass");
	sqlf("UPDATE characters SET role = 'builder' WHERE name = '%s'", bname);
	sqlf("DELETE FROM items WHERE proto_id = 'pte_orb';"
	    " DELETE FROM item_protos WHERE id = 'pte_orb'");

	client_quiet(&b, 300);
	client_quiet(&p, 300);
	before = proto_fingerprint();
	client_send_want(&p, "iedit pte_orb new treasure an orb", HUH, 5000);
	client_send_want(&p, "spawn item corpse", HUH, 5000);
	client_send_want(&p, "hedit look delete", HUH, 5000);
	client_send_want(&p, "reset now", HUH, 5000);
	client_send_want(&p, "purge", HUH, 5000);
	ck_assert_int_eq(proto_fingerprint(), before);
	client_quiet(&p, 200);
	client_quiet(&b, 200);

	ck_assert(client_cmd(&b, "iedit pte_orb new treasure a glowing orb",
	    out, sizeof out));
	ck_assert_msg(strstr(out, "Item prototype pte_orb created: a glowing "
	    "orb (treasure)") != NULL, "%s", out);
	ck_assert(client_cmd(&b, "spawn item pte_orb", out, sizeof out));
	ck_assert_msg(strstr(out, "You conjure a glowing orb (#") != NULL,
	    "%s", out);
	client_want(&p, fmt("%s conjures a glowing orb.", bname), 5000, NULL,
	    0);
	ck_assert(client_cmd(&b, "iedit pte_orb name a dull orb", out,
	    sizeof out));
	ck_assert_msg(strstr(out, "pte_orb name: a glowing orb -> a dull orb "
	    "(1 items of it exist") != NULL, "%s", out);
	ck_assert(client_cmd(&b, "inventory", out, sizeof out));
	ck_assert_msg(strstr(out, "a dull orb") != NULL, "%s", out);
	ck_assert(client_cmd(&b, "help sp", out, sizeof out));
	ck_assert_msg(strstr(out, "Usage: spawn item|npc <proto> [<count>]") !=
	    NULL, "%s", out);
	client_quiet(&p, 200);
	ck_assert(client_cmd(&p, "help sp", out, sizeof out));
	ck_assert_msg(strstr(out, "There is no help on 'sp'.") != NULL, "%s",
	    out);
	client_close(&p);
	client_close(&b);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The proto suite's end-to-end case. */
TCase *
proto_e2e_tcase(void)
{
	TCase	*tc = tcase_create("e2e");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_proto_e2e_builder);
	return tc;
}
