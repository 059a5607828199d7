/*
 * test_items_e2e.c — the item commands over TCP against a real keepd:
 * a player's get, wear, give and drop as others see them; twenty players
 * grabbing the same things at the same moment, a hundred times (exactly
 * one gets each); and a kill -9 in the middle of gets, drops and wears
 * (everything confirmed survives, nothing is duplicated).
 *
 * Each test makes its own item prototype and a private room (900000 and
 * up, no exits) that nobody else enters, and moves its players there with
 * SQL, so other tests' traffic never reaches them.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include "db_test.h"
#include "keep_test.h"

#define PASSWORD	"items and more"
#define WAIT_MS		10000
#define RACERS		20
#define RACE_ITEMS	100
#define DURABLE_GEMS	8

/* tests/keep-test.json with more workers, so gets really overlap. */
#define RACE_CONFIG	"{\"listen_address\": \"127.0.0.1\", \"workers\": 8," \
			" \"argon2_ops\": 1, \"argon2_mem_kib\": 64," \
			" \"log_level\": \"info\"" TEST_LIMITS "}"

/* A fresh item prototype "tst_<tag>_<n>" into id. */
static void
proto(char id[49], const char *tag, const char *name, const char *kw,
    const char *type, const char *slot)
{
	snprintf(id, 49, "tst_%s_%d", tag, rand31());
	sqlf("INSERT INTO item_protos (id, name, keywords, long_desc,"
	    " description, type, weight, wear_slot) VALUES ('%s', '%s', '%s',"
	    " 'Something lies here.', 'A thing made by a test.', '%s', 1,"
	    " %s%s%s)", id, name, kw, type, slot ? "'" : "",
	    slot ? slot : "NULL", slot ? "'" : "");
}

/* Create a player, move it to room with SQL, and wait until it is there. */
static void
player_in(struct client *c, int port, char name[17], const char *prefix,
    int room)
{
	char	out[8192];

	client_player(c, port, name, prefix, PASSWORD);
	sqlf("UPDATE characters SET room_id = %d WHERE name = '%s'", room,
	    name);
	ck_assert(client_cmd(c, "look", out, sizeof out));
}

/* Send a line and wait for needle, or fail showing what came. */
static void
send_want(struct client *c, const char *line, const char *needle)
{
	client_send_want(c, line, needle, WAIT_MS);
}

/* A player's own get, wear, give and drop, as the room sees them. */
START_TEST(test_e2e_get_wear_give_drop)
{
	struct keepd	k;
	struct client	a, b;
	char		an[17], bn[17], cap[49], line[128], out[8192];
	int		room;
	long long	item;

	keepd_start(&k, NULL);
	room = sql_room("testarea", "Cloakroom", "A room made by a test.");
	proto(cap, "cap", "a leather cap", "leather cap", "armor", "head");
	item = sqlv("INSERT INTO items (proto_id, room_id) VALUES ('%s', %d)"
	    " RETURNING id", cap, room);
	player_in(&a, k.port, an, "Ita", room);
	player_in(&b, k.port, bn, "Itb", room);
	client_quiet(&a, 100);
	client_quiet(&b, 100);
	ck_assert(client_cmd(&a, "look", out, sizeof out));
	ck_assert_msg(strstr(out, "Something lies here.\r\n") != NULL, "%s",
	    out);

	send_want(&a, "get cap", "You get a leather cap.\r\n");
	ck_assert(client_expect(&b, "gets a leather cap.", WAIT_MS, NULL, 0));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items i JOIN characters c"
	    " ON c.id = i.carrier_id WHERE i.id = %lld AND c.name = '%s'",
	    item, an), 1);
	send_want(&a, "wear cap", "You wear a leather cap on your head.\r\n");
	ck_assert(client_expect(&b, "wears a leather cap.", WAIT_MS, NULL, 0));
	send_want(&a, "eq", "<worn on head>        a leather cap\r\n");
	send_want(&a, "i", "You are carrying nothing.\r\n");
	send_want(&a, "remove cap", "You stop using a leather cap.\r\n");
	snprintf(line, sizeof line, "give cap to %s", bn);
	send_want(&a, line, "You give a leather cap to ");
	snprintf(line, sizeof line, "%s gives you a leather cap.", an);
	ck_assert(client_expect(&b, line, WAIT_MS, NULL, 0));
	send_want(&b, "drop cap", "You drop a leather cap.\r\n");
	snprintf(line, sizeof line, "%s drops a leather cap.", bn);
	ck_assert(client_expect(&a, line, WAIT_MS, NULL, 0));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE id = %lld AND"
	    " room_id = %d", item, room), 1);
	send_want(&b, "drop 7 coins", "You drop 7 coins.\r\n");
	send_want(&a, "look", "There are 7 coins here.\r\n");
	send_want(&a, "get all", "You get 7 coins.\r\n");
	ck_assert_int_eq(sqlv("SELECT coins FROM characters WHERE name ="
	    " '%s'", an), 107);
	client_close(&a);
	client_close(&b);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/*
 * Read from c until one of two needles arrives; consume through it.
 * Returns 1 or 2 for the needle, 0 on timeout.
 */
static int
expect_either(struct client *c, const char *n1, const char *n2, int ms,
    char *hit, size_t hitsz)
{
	long long	end = time(NULL) + (ms + 999) / 1000;

	for (;;) {
		char	*p1 = memmem(c->buf, c->len, n1, strlen(n1));
		char	*p2 = memmem(c->buf, c->len, n2, strlen(n2));
		char	*p = p1 == NULL ? p2 :
			    (p2 == NULL || p1 < p2 ? p1 : p2);

		if (p != NULL) {
			size_t	nl = p == p1 ? strlen(n1) : strlen(n2);
			char	*eol = memmem(p, c->len - (size_t)(p - c->buf),
				    "\r\n", 2);
			size_t	upto = eol != NULL ?
				    (size_t)(eol - c->buf) + 2 :
				    (size_t)(p - c->buf) + nl;

			snprintf(hit, hitsz, "%.*s", (int)(upto -
			    (size_t)(p - c->buf)), p);
			memmove(c->buf, c->buf + upto, c->len - upto);
			c->len -= upto;
			return p == p1 ? 1 : 2;
		}
		struct pollfd	pfd = { .fd = c->fd, .events = POLLIN };
		ssize_t		n;

		if (time(NULL) > end || c->len == sizeof c->buf)
			return 0;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
		if (n <= 0)
			return 0;
		c->len += (size_t)n;
	}
}

/* The keyword of race item i: "rk" and two letters. */
static void
race_kw(int i, char out[8])
{
	snprintf(out, 8, "rk%c%c", 'a' + i / 26, 'a' + i % 26);
}

/*
 * Twenty players in one room send "get <kw>" for the same item at the
 * same moment, for a hundred items: each time exactly one reads "You
 * get", the others "You don't see that here.", and the item ends with
 * exactly that one.
 */
START_TEST(test_e2e_race)
{
	static struct client	c[RACERS];
	static char		names[RACERS][17];
	struct keepd		k;
	char			gem[49], kw[8], line[64], hit[256], want[64];
	int			room, wins[RACERS] = { 0 };

	keepd_start(&k, RACE_CONFIG);
	room = sql_room("testarea", "Treasure Vault", "A room made by a test.");
	proto(gem, "gem", "a gem", "gem", "treasure", NULL);
	for (int i = 0; i < RACE_ITEMS; i++) {
		race_kw(i, kw);
		sqlf("INSERT INTO items (proto_id, room_id, name, keywords)"
		    " VALUES ('%s', %d, 'gem %s', '%s')", gem, room, kw, kw);
	}
	for (int i = 0; i < RACERS; i++)
		player_in(&c[i], k.port, names[i], "Rac", room);
	/* Strong enough to carry everything: only the race decides. */
	for (int i = 0; i < RACERS; i++)
		sqlf("UPDATE characters SET level = 50 WHERE name = '%s'",
		    names[i]);
	for (int i = 0; i < RACERS; i++)
		client_quiet(&c[i], 50);

	for (int item = 0; item < RACE_ITEMS; item++) {
		int	got = 0, winner = -1;

		race_kw(item, kw);
		snprintf(line, sizeof line, "get %s", kw);
		for (int i = 0; i < RACERS; i++)
			client_send(&c[i], line);
		snprintf(want, sizeof want, "You get gem %s.", kw);
		for (int i = 0; i < RACERS; i++) {
			int	r = expect_either(&c[i], "You get ",
				    "You don't see that here.", WAIT_MS, hit,
				    sizeof hit);

			ck_assert_msg(r != 0, "%s: no answer to %s", names[i],
			    line);
			if (r == 1) {
				ck_assert_msg(strncmp(hit, want,
				    strlen(want)) == 0, "%s got \"%s\"",
				    names[i], hit);
				got++;
				winner = i;
			}
		}
		ck_assert_msg(got == 1, "%s: %d players got it", kw, got);
		wins[winner]++;
		ck_assert_int_eq(sqlv("SELECT count(*) FROM items i JOIN"
		    " characters c ON c.id = i.carrier_id WHERE i.keywords ="
		    " '%s' AND i.proto_id = '%s' AND c.name = '%s'", kw, gem,
		    names[winner]), 1);
	}
	/* Every item has exactly one carrier, the one told it got it. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE proto_id ="
	    " '%s'", gem), RACE_ITEMS);
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE proto_id ="
	    " '%s' AND carrier_id IS NOT NULL", gem), RACE_ITEMS);
	for (int i = 0; i < RACERS; i++) {
		ck_assert_int_eq(sqlv("SELECT count(*) FROM items i JOIN"
		    " characters c ON c.id = i.carrier_id WHERE i.proto_id ="
		    " '%s' AND c.name = '%s'", gem, names[i]), wins[i]);
		client_close(&c[i]);
	}
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* Where a durability item is. */
enum where {
	AT_ROOM,
	AT_HAND,
	AT_WORN
};

struct durable {
	struct client	*c;
	char		 name[17];
	char		 kw[DURABLE_GEMS + 1][8];	/* the last: the helm */
	enum where	 confirmed[DURABLE_GEMS + 1];
	int		 inflight;		/* the unanswered step's item */
	enum where	 inflight_to;
	long		 steps;			/* confirmed steps */
	long		 sent;
	atomic_bool	*stop;
	atomic_long	*progress;
};

/* Step s of the cycle: the command, its item, where it goes, the reply. */
static void
durable_step(const struct durable *d, long s, char *line, size_t linesz,
    int *item, enum where *to, char *reply, size_t replysz)
{
	int	k = (int)(s % (2 * DURABLE_GEMS + 4));
	int	h = DURABLE_GEMS;

	if (k < DURABLE_GEMS) {
		*item = k;
		*to = AT_HAND;
		snprintf(line, linesz, "get %s", d->kw[k]);
		snprintf(reply, replysz, "You get gem %s.", d->kw[k]);
	} else if (k == DURABLE_GEMS) {
		*item = h;
		*to = AT_HAND;
		snprintf(line, linesz, "get %s", d->kw[h]);
		snprintf(reply, replysz, "You get helm %s.", d->kw[h]);
	} else if (k == DURABLE_GEMS + 1) {
		*item = h;
		*to = AT_WORN;
		snprintf(line, linesz, "wear %s", d->kw[h]);
		snprintf(reply, replysz, "You wear helm %s on your head.",
		    d->kw[h]);
	} else if (k < 2 * DURABLE_GEMS + 2) {
		*item = k - DURABLE_GEMS - 2;
		*to = AT_ROOM;
		snprintf(line, linesz, "drop %s", d->kw[*item]);
		snprintf(reply, replysz, "You drop gem %s.", d->kw[*item]);
	} else if (k == 2 * DURABLE_GEMS + 2) {
		*item = h;
		*to = AT_HAND;
		snprintf(line, linesz, "remove %s", d->kw[h]);
		snprintf(reply, replysz, "You stop using helm %s.", d->kw[h]);
	} else {
		*item = h;
		*to = AT_ROOM;
		snprintf(line, linesz, "drop %s", d->kw[h]);
		snprintf(reply, replysz, "You drop helm %s.", d->kw[h]);
	}
}

/* Client thread: step through the cycle until keepd dies. */
static void *
durable_main(void *arg)
{
	struct durable	*d = arg;
	char		*out = malloc(65536);
	char		 line[64], reply[96];

	if (out == NULL)
		return NULL;
	d->inflight = -1;
	while (!atomic_load(d->stop)) {
		int		item;
		enum where	to;
		bool		ok;

		durable_step(d, d->steps, line, sizeof line, &item, &to, reply,
		    sizeof reply);
		d->inflight = item;
		d->inflight_to = to;
		client_send(d->c, line);
		d->sent++;
		ok = client_expect(d->c, "> \xff\xf9", 5000, out, 65536);
		/* A reply counts even if the prompt never came. */
		if (strstr(out, reply) == NULL)
			break;
		d->confirmed[item] = to;
		d->inflight = -1;
		d->steps++;
		atomic_store(d->progress, d->steps);
		if (!ok)
			break;
	}
	free(out);
	return NULL;
}

/* Where the database says a durability item is (-1: gone or elsewhere). */
static int
durable_where(const struct durable *d, int item, const char *gem,
    const char *helm, int room)
{
	const char	*p = item < DURABLE_GEMS ? gem : helm;

	if (sqlv("SELECT count(*) FROM items WHERE keywords = '%s' AND"
	    " proto_id = '%s' AND room_id = %d", d->kw[item], p, room) == 1)
		return AT_ROOM;
	if (sqlv("SELECT count(*) FROM items i JOIN characters c ON"
	    " c.id = i.carrier_id WHERE i.keywords = '%s' AND i.proto_id ="
	    " '%s' AND c.name = '%s' AND i.worn_slot IS NULL", d->kw[item], p,
	    d->name) == 1)
		return AT_HAND;
	if (sqlv("SELECT count(*) FROM items i JOIN characters c ON"
	    " c.id = i.carrier_id WHERE i.keywords = '%s' AND i.proto_id ="
	    " '%s' AND c.name = '%s' AND i.worn_slot = 'head'", d->kw[item],
	    p, d->name) == 1)
		return AT_WORN;
	return -1;
}

/*
 * kill -9 in the middle of gets, drops, wears and removes: every change a
 * player was told about is in the database, nothing is duplicated, and
 * after a restart the player carries on.
 */
START_TEST(test_e2e_sigkill)
{
	struct keepd	 k;
	struct client	*c = calloc(1, sizeof *c);
	struct durable	 d;
	pthread_t	 th;
	atomic_bool	 stop = false;
	atomic_long	 progress = 0;
	char		 gem[49], helm[49], out[8192];
	int		 room, status;

	ck_assert(c != NULL);
	memset(&d, 0, sizeof d);
	keepd_start(&k, NULL);
	room = sql_room("testarea", "Strongroom", "A room made by a test.");
	proto(gem, "gem", "a gem", "gem", "treasure", NULL);
	proto(helm, "helm", "a helm", "helm", "armor", "head");
	for (int i = 0; i <= DURABLE_GEMS; i++) {
		snprintf(d.kw[i], sizeof d.kw[i], "dk%c%c", 'a' + rand31() % 26,
		    'a' + i);
		sqlf("INSERT INTO items (proto_id, room_id, name, keywords)"
		    " VALUES ('%s', %d, '%s %s', '%s')", i < DURABLE_GEMS ?
		    gem : helm, room, i < DURABLE_GEMS ? "gem" : "helm",
		    d.kw[i], d.kw[i]);
		d.confirmed[i] = AT_ROOM;
	}
	player_in(c, k.port, d.name, "Dur", room);
	client_quiet(c, 50);
	d.c = c;
	d.stop = &stop;
	d.progress = &progress;
	ck_assert(pthread_create(&th, NULL, durable_main, &d) == 0);
	/* Kill once a few cycles are confirmed, at a moment of its own. */
	for (int i = 0; i < 200 && atomic_load(&progress) < 30 +
	    rand31() % 20; i++)
		usleep(20 * 1000);
	status = keepd_stop(&k, SIGKILL);
	atomic_store(&stop, true);
	pthread_join(th, NULL);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "keepd was not killed (status %d)", status);
	ck_assert_msg(d.steps >= 30, "only %ld steps confirmed", d.steps);

	/* Nothing duplicated or lost: each item once, in one place. */
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE proto_id IN"
	    " ('%s', '%s')", gem, helm), DURABLE_GEMS + 1);
	ck_assert_int_eq(sqlv("SELECT count(DISTINCT keywords) FROM items"
	    " WHERE proto_id IN ('%s', '%s')", gem, helm), DURABLE_GEMS + 1);
	for (int i = 0; i <= DURABLE_GEMS; i++) {
		int	at = durable_where(&d, i, gem, helm, room);

		/* The unanswered command may or may not have committed. */
		ck_assert_msg(at == (int)d.confirmed[i] || (i == d.inflight &&
		    at == (int)d.inflight_to), "item %d is at %d, confirmed "
		    "at %d (in flight: %d to %d, step %ld)", i, at,
		    d.confirmed[i], d.inflight, d.inflight_to, d.steps);
	}

	/* Restarted, the player finds things as the database has them. */
	keepd_start(&k, NULL);
	client_close(c);
	client_connect(c, k.port);
	client_login(c, d.name, PASSWORD);
	ck_assert(client_cmd(c, "inventory", out, sizeof out));
	for (int i = 0; i <= DURABLE_GEMS; i++) {
		int	at = durable_where(&d, i, gem, helm, room);

		ck_assert_msg((strstr(out, d.kw[i]) != NULL) == (at == AT_HAND),
		    "%s (at %d) in inventory: %s", d.kw[i], at, out);
	}
	ck_assert(client_cmd(c, "get all", out, sizeof out));
	ck_assert_int_eq(sqlv("SELECT count(*) FROM items WHERE proto_id IN"
	    " ('%s', '%s') AND room_id IS NOT NULL", gem, helm), 0);
	client_close(c);
	free(c);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The items end-to-end suite. */
Suite *
items_e2e_suite(void)
{
	Suite	*s = suite_create("items_e2e");
	TCase	*tc = tcase_create("items_e2e");

	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_e2e_get_wear_give_drop);
	tcase_add_test(tc, test_e2e_race);
	tcase_add_test(tc, test_e2e_sigkill);
	suite_add_tcase(s, tc);
	return s;
}
