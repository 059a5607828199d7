/*
 * test_round_trips.c — what a command costs in round trips (issue 12), as
 * the store counts them (a pipeline is one): look is one, say two, a move
 * two, with the guesses the session passes (the room and name its last
 * command left); and a guess proven wrong (the character moved by someone
 * else, a session taken over) changes the cost, never the outcome.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "db/store.h"
#include "db_test.h"
#include "keep_test.h"

/* Round trips so far (every store of this process). */
static uint64_t
round_trips(void)
{
	uint64_t	rt, c, rb, f;

	store_totals(&rt, &c, &rb, &f);
	return rt;
}

/* Run cmd as c's session with the guesses a session would pass. */
static void
rt_run(struct world *w, const struct store_char *c, const char *cmd,
    const char *args, int32_t guess_room, struct run *r)
{
	memset(r, 0, sizeof *r);
	r->cmd = cmd;
	r->args = args;
	r->id = c->id;
	snprintf(r->inst, sizeof r->inst, "%s", c->session_instance);
	r->sid = c->session_id;
	r->guess_room = guess_room;
	r->guess_name = c->name;
	(void)run_call(w->s, r, 3);
	ck_assert_msg(r->result != TXR_FAILED, "transaction failed: %s (%s)",
	    store_error(w->s), store_sqlstate(w->s));
}

/* Two rooms joined north and south. */
static void
rt_rooms(struct world *w, int32_t *a, int32_t *b)
{
	*a = new_room(w->s, "Round Trip South");
	*b = new_room(w->s, "Round Trip North");
	sqlf("INSERT INTO exits (room_id, direction, to_room) VALUES"
	    " (%d, 'north', %d), (%d, 'south', %d)", *a, *b, *b, *a);
}

/* A world with the two rooms and two characters online in the first. */
static void
rt_setup(struct world *w, int32_t *a, int32_t *b, struct store_char *me,
    struct store_char *other)
{
	world_open(w);
	rt_rooms(w, a, b);
	new_char(w, "Rta", *a, me);
	new_char(w, "Rtb", *a, other);
}

/* N looks cost N round trips, and show what a look without guesses does. */
START_TEST(test_rt_look)
{
	struct world		w;
	struct store_char	me, other;
	struct run		r, plain;
	int32_t			a, b;
	uint64_t		before;

	rt_setup(&w, &a, &b, &me, &other);
	rt_run(&w, &me, "look", "", 0, &plain);
	ck_assert_ptr_nonnull(strstr(plain.out, "Round Trip South"));
	ck_assert_ptr_nonnull(strstr(plain.out, other.name));
	before = round_trips();
	for (int i = 0; i < 10; i++) {
		rt_run(&w, &me, "look", "", a, &r);
		ck_assert_int_eq(r.result, TXR_COMMITTED);
		ck_assert_str_eq(r.out, plain.out);
		ck_assert_str_eq(r.prompt, plain.prompt);
	}
	ck_assert_int_eq(round_trips() - before, 10);
	store_close(w.s);
}
END_TEST

/* score, who, inventory, equipment and exits: one round trip each. */
START_TEST(test_rt_reads)
{
	static const char	*cmds[] = { "score", "who", "inventory",
				    "equipment", "exits" };
	struct world		w;
	struct store_char	me;
	struct run		r, plain;
	int32_t			a, b;
	uint64_t		before;

	world_open(&w);
	rt_rooms(&w, &a, &b);
	new_char(&w, "Rtr", a, &me);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		rt_run(&w, &me, cmds[i], "", 0, &plain);
		before = round_trips();
		rt_run(&w, &me, cmds[i], "", a, &r);
		ck_assert_msg(round_trips() - before == 1, "%s: %llu round "
		    "trips", cmds[i], (unsigned long long)(round_trips() -
		    before));
		ck_assert_int_eq(r.result, TXR_COMMITTED);
		ck_assert_str_eq(r.out, plain.out);
	}
	store_close(w.s);
}
END_TEST

/* N says cost 2N round trips; the room hears every one. */
START_TEST(test_rt_say)
{
	struct world		w;
	struct store_char	me, other;
	struct run		r;
	int32_t			a, b;
	uint64_t		before;
	char			text[64];

	rt_setup(&w, &a, &b, &me, &other);
	snprintf(text, sizeof text, "rt%d", rand31());
	before = round_trips();
	for (int i = 0; i < 10; i++) {
		rt_run(&w, &me, "say", text, a, &r);
		ck_assert_int_eq(r.result, TXR_COMMITTED);
		ck_assert_ptr_nonnull(strstr(r.out, text));
	}
	ck_assert_int_eq(round_trips() - before, 20);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE kind = 'say'"
	    " AND room_id = %d AND strpos(text, '%s') > 0 AND %lld = ANY"
	    " (recipients)", a, text, (long long)other.id), 10);
	store_close(w.s);
}
END_TEST

/* N moves cost 2N round trips; both rooms are told, the mover walks. */
START_TEST(test_rt_move)
{
	struct world		w;
	struct store_char	me, sa, sb;
	struct run		r;
	int32_t			a, b;
	uint64_t		before;

	rt_setup(&w, &a, &b, &me, &sa);
	new_char(&w, "Rtx", b, &sb);
	before = round_trips();
	for (int i = 0; i < 10; i++) {
		rt_run(&w, &me, i % 2 == 0 ? "north" : "south", "",
		    i % 2 == 0 ? a : b, &r);
		ck_assert_int_eq(r.result, TXR_COMMITTED);
		ck_assert_ptr_nonnull(strstr(r.out, i % 2 == 0 ?
		    "Round Trip North" : "Round Trip South"));
	}
	ck_assert_int_eq(round_trips() - before, 20);
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE id = %lld",
	    (long long)me.id), a);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE room_id = %d"
	    " AND %lld = ANY (recipients) AND strpos(text, '%s leaves') > 0",
	    a, (long long)sa.id, me.name), 5);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE room_id = %d"
	    " AND %lld = ANY (recipients) AND strpos(text, '%s arrives') > 0",
	    b, (long long)sb.id, me.name), 5);
	store_close(w.s);
}
END_TEST

/*
 * give N coins: four round trips (BEGIN with the row and the receiver,
 * the lock, the transfer, the message with the row again and COMMIT),
 * the first time too: a statement's PREPARE rides in its pipeline.
 */
START_TEST(test_rt_give)
{
	struct world		w;
	struct store_char	me, them;
	struct run		r;
	int32_t			a, b;
	uint64_t		before;
	char			args[64];

	rt_setup(&w, &a, &b, &me, &them);
	sqlf("UPDATE characters SET coins = 100 WHERE id = %lld",
	    (long long)me.id);
	snprintf(args, sizeof args, "3 coins to %s", them.name);
	before = round_trips();
	for (int i = 0; i < 6; i++) {
		rt_run(&w, &me, "give", args, a, &r);
		ck_assert_int_eq(r.result, TXR_COMMITTED);
		ck_assert_ptr_nonnull(strstr(r.out, "You give 3 coins"));
	}
	ck_assert_int_eq(round_trips() - before, 24);
	ck_assert_int_eq(coins_of(me.id), 82);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE kind ="
	    " 'char' AND %lld = ANY (recipients)", (long long)them.id), 6);
	store_close(w.s);
}
END_TEST

/*
 * A change made by another connection is what the next command sees: moved
 * elsewhere behind the session's back, look shows the new room, say is
 * heard there (not in the guessed room) and a move starts from there.
 */
START_TEST(test_rt_wrong_guess)
{
	struct world		w;
	struct store_char	me, sa, sb;
	struct run		r;
	int32_t			a, b;
	char			text[64];

	rt_setup(&w, &a, &b, &me, &sa);
	new_char(&w, "Rti", b, &sb);
	sqlf("UPDATE characters SET room_id = %d WHERE id = %lld", b,
	    (long long)me.id);
	rt_run(&w, &me, "look", "", a, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_ptr_nonnull(strstr(r.out, "Round Trip North"));
	ck_assert_ptr_nonnull(strstr(r.out, sb.name));
	snprintf(text, sizeof text, "rw%d", rand31());
	rt_run(&w, &me, "say", text, a, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE"
	    " strpos(text, '%s') > 0 AND room_id = %d", text, b), 1);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE"
	    " strpos(text, '%s') > 0 AND room_id <> %d", text, b), 0);
	rt_run(&w, &me, "north", "", a, &r);
	ck_assert_str_eq(r.out, "You can't go that way.\n");
	rt_run(&w, &me, "south", "", a, &r);
	ck_assert_int_eq(r.result, TXR_COMMITTED);
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE id = %lld",
	    (long long)me.id), a);
	store_close(w.s);
}
END_TEST

/*
 * A session taken over is refused exactly as before, whatever went out
 * early: look, say and a move from the old session change nothing.
 */
START_TEST(test_rt_takeover)
{
	static const char	elsewhere[] = "You have logged in from "
				    "somewhere else; this connection is "
				    "closed.\n";
	struct world		w;
	struct store_char	me, sa;
	struct run		r;
	int32_t			a, b;
	const char		*cmds[] = { "look", "say", "north" };
	char			text[64];

	rt_setup(&w, &a, &b, &me, &sa);
	snprintf(text, sizeof text, "to%d", rand31());
	sqlf("UPDATE characters SET session_id = session_id + 1 WHERE id ="
	    " %lld", (long long)me.id);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		rt_run(&w, &me, cmds[i], text, a, &r);
		ck_assert_str_eq(r.out, elsewhere);
		ck_assert(r.close);
		ck_assert_int_eq(r.result, TXR_ROLLED_BACK);
	}
	ck_assert_int_eq(sqlv("SELECT count(*) FROM messages WHERE"
	    " strpos(text, '%s') > 0 OR (room_id IN (%d, %d) AND"
	    " strpos(text, '%s') > 0)", text, a, b, me.name), 0);
	ck_assert_int_eq(sqlv("SELECT room_id FROM characters WHERE id = %lld",
	    (long long)me.id), a);
	store_close(w.s);
}
END_TEST

/* The round_trips suite. */
Suite *
round_trips_suite(void)
{
	Suite	*s = suite_create("round_trips");
	TCase	*tc = tcase_create("round_trips");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rt_look);
	tcase_add_test(tc, test_rt_reads);
	tcase_add_test(tc, test_rt_say);
	tcase_add_test(tc, test_rt_move);
	tcase_add_test(tc, test_rt_give);
	tcase_add_test(tc, test_rt_wrong_guess);
	tcase_add_test(tc, test_rt_takeover);
	suite_add_tcase(s, tc);
	return s;
}
