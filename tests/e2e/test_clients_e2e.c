/*
 * test_clients_e2e.c — Keep as Mudlet sees it (suite "clients"): a client
 * that answers keepd's offers byte for byte as Mudlet 4.19 does
 * (docs/protocol.md, "Tested with clients"; reference/clients.md b.1-b.10)
 * — WILL TTYPE/NAWS (100x45), DO CHARSET/EOR/GMCP/MSSP/COMPRESS2, the TTYPE
 * cycle MUDLET, ANSI-TRUECOLOR, MTTS 2349, CHARSET UTF-8 accepted,
 * Core.Hello and Mudlet's default Core.Supports.Set — reads everything
 * through MCCP2 and checks, each GMCP message parsed with jansson, what a
 * Mudlet profile and its scripts get: Room.Info at login and after a move
 * matching the text's title and Exits: line, Char.Vitals, Char.Status
 * updated after a give, Char.Items.List after drop and get,
 * Comm.Channel.Text only after Core.Supports.Add (to the speaker and to a
 * listener), the state sent at once when a module is enabled, colour by
 * MTTS, EOR prompts, and every GMCP message one line of JSON before its
 * command's prompt.  A client in the same room that refuses everything
 * gets no ESC and no subnegotiation.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "keep_test.h"
#include "zclient.h"

#define CL_PASSWORD	"mudlet and more"
#define CL_WAIT_MS	15000
#define GA		"\xff\xf9"
#define EOR		"\xff\xef"
/* The end of the default prompt at full hp, with EOR. */
#define CL_PROMPT	"/20hp> " EOR
#define TTYPE_SEND	"\xff\xfa\x18\x01\xff\xf0"
#define CHARSET_REQ	"\xff\xfa\x2a\x01 UTF-8\xff\xf0"
#define MSSP_SB		"\xff\xfa\x46\x01NAME\x02"

/* Mudlet's answers to the offers, in their order (ctelnet.cpp): WILL
 * TTYPE; WILL NAWS and its size; DO CHARSET; DO EOR; DO GMCP with
 * Core.Hello and its default Core.Supports.Set; DO MSSP; DO COMPRESS2. */
#define MUDLET_ANSWERS \
	"\xff\xfb\x18" \
	"\xff\xfb\x1f" "\xff\xfa\x1f\x00\x64\x00\x2d\xff\xf0" \
	"\xff\xfd\x2a" \
	"\xff\xfd\x19" \
	"\xff\xfd\xc9" \
	"\xff\xfa\xc9" "Core.Hello {\"client\":\"Mudlet\"," \
	    "\"version\":\"4.19.1\"}\xff\xf0" \
	"\xff\xfa\xc9" "Core.Supports.Set [\"Char 1\",\"Char.Skills 1\"," \
	    "\"Char.Items 1\",\"Room 1\",\"IRE.Rift 1\",\"IRE.Composer 1\"," \
	    "\"External.Discord 1\",\"Client.Media 1\",\"Char.Login 1\"]" \
	    "\xff\xf0" \
	"\xff\xfd\x46"
#define DO_MCCP2	"\xff\xfd\x56"

#define SEND_RAW(c, lit)	client_send_raw(c, lit, sizeof lit - 1)

/* A Mudlet-like session: the socket and what it decoded. */
struct mudlet {
	struct client	c;
	struct zclient	zc;
	char		name[17];
};

/* A GMCP message seen in a chunk of output. */
struct gmsg {
	char	package[64];
	json_t	*body;			/* NULL: none */
	size_t	at;			/* offset in the chunk */
};

#define GMAX	128

/* The GMCP messages of a chunk, and its text. */
struct chunk {
	struct gmsg	msg[GMAX];
	int		n;
	char		text[65536];	/* telnet and GMCP taken out */
	char		plain[65536];	/* ANSI SGR taken out too */
};

static char	got[262144];

/* Send a GMCP message as Mudlet frames it. */
static void
gmcp_send(struct client *c, const char *msg)
{
	char	buf[1024];
	int	n = snprintf(buf, sizeof buf, "\xff\xfa\xc9%s\xff\xf0", msg);

	client_send_raw(c, buf, (size_t)n);
}

/* Wait until the decoded text from offset from holds needle n times. */
static void
zc_count(struct zclient *zc, size_t from, const char *needle, long n)
{
	long long	end = now_ms() + CL_WAIT_MS;

	while (str_count(zc->text + from, needle) < n) {
		ck_assert_msg(now_ms() < end && !zc->eof, "wanted %ld of \"%s\","
		    " decoded \"%s\"", n, printable(needle),
		    printable(zc->text + from));
		zc_read(zc, 50);
	}
}

/* Wait for needle, then read until nothing comes for 300 ms; all that came
 * from the start goes to got and is consumed. */
static void
zc_settle(struct zclient *zc, const char *needle)
{
	size_t	from = zc->pos;

	zc_want(zc, needle, CL_WAIT_MS, NULL, 0);
	while (zc_read(zc, 300))
		;
	ck_assert_uint_lt(zc->len - from, sizeof got);
	memcpy(got, zc->text + from, zc->len - from);
	got[zc->len - from] = '\0';
	zc->pos = zc->len;
}

/* Release the bodies of a chunk. */
static void
chunk_free(struct chunk *ch)
{
	for (int i = 0; i < ch->n; i++)
		json_decref(ch->msg[i].body);
	ch->n = 0;
}

/*
 * Split raw output into its GMCP messages and text.  Every GMCP message
 * must be one line with a well-formed package name, no raw control byte,
 * and a body (if any) that parses as JSON.
 */
static void
chunk_parse(struct chunk *ch, const char *raw)
{
	size_t	len = strlen(raw), t = 0, pl = 0;

	chunk_free(ch);		/* what it held before (static: none yet) */
	memset(ch, 0, sizeof *ch);
	for (size_t i = 0; i < len; i++) {
		unsigned char	b = (unsigned char)raw[i];
		const char	*end, *sp;
		json_error_t	 err;
		struct gmsg	*m;

		if (b != 0xff) {
			ck_assert_uint_lt(t, sizeof ch->text - 1);
			ch->text[t++] = raw[i];
			continue;
		}
		if (i + 1 >= len)
			break;
		b = (unsigned char)raw[i + 1];
		if (b >= 0xfb && b <= 0xfe) {		/* WILL..DONT opt */
			i += 2;
			continue;
		}
		if (b != 0xfa) {			/* GA, EOR */
			i++;
			continue;
		}
		end = memmem(raw + i, len - i, "\xff\xf0", 2);
		ck_assert_msg(end != NULL, "unended SB: %s", printable(raw + i));
		if ((unsigned char)raw[i + 2] != 0xc9) {	/* not GMCP */
			i = (size_t)(end - raw) + 1;
			continue;
		}
		ck_assert_int_lt(ch->n, GMAX);
		m = &ch->msg[ch->n++];
		m->at = i;
		for (const char *p = raw + i + 3; p < end; p++)
			ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f,
			    "a control byte in GMCP: %.*s", (int)(end - raw -
			    i), printable(raw + i));
		sp = memchr(raw + i + 3, ' ', (size_t)(end - raw - i - 3));
		snprintf(m->package, sizeof m->package, "%.*s",
		    (int)((sp != NULL ? sp : end) - raw - i - 3), raw + i + 3);
		ck_assert_msg(strspn(m->package, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789._-") ==
		    strlen(m->package) && m->package[0] != '\0', "package "
		    "\"%s\"", printable(m->package));
		if (sp != NULL) {
			m->body = json_loadb(sp + 1, (size_t)(end - sp - 1),
			    JSON_DECODE_ANY, &err);
			ck_assert_msg(m->body != NULL, "%s: not JSON (%s): %.*s",
			    m->package, err.text, (int)(end - sp - 1), sp + 1);
		}
		i = (size_t)(end - raw) + 1;
	}
	ch->text[t] = '\0';
	for (size_t i = 0; i < t; i++) {
		if (ch->text[i] == '\x1b') {
			while (i < t && ch->text[i] != 'm')
				i++;
			continue;
		}
		ch->plain[pl++] = ch->text[i];
	}
	ch->plain[pl] = '\0';
}

/* How many messages of a package a chunk holds. */
static int
chunk_count(const struct chunk *ch, const char *package)
{
	int	n = 0;

	for (int i = 0; i < ch->n; i++)
		n += strcmp(ch->msg[i].package, package) == 0;
	return n;
}

/* The body of the last message of a package, or fail. */
static json_t *
chunk_body(const struct chunk *ch, const char *package, const char *raw)
{
	for (int i = ch->n - 1; i >= 0; i--) {
		if (strcmp(ch->msg[i].package, package) == 0) {
			ck_assert_msg(ch->msg[i].body != NULL, "%s without a "
			    "body", package);
			return ch->msg[i].body;
		}
	}
	ck_abort_msg("no %s in \"%s\"", package, printable(raw));
	return NULL;
}

/* The items of the last Char.Items.List of a location, or fail. */
static json_t *
chunk_items(const struct chunk *ch, const char *location, const char *raw)
{
	for (int i = ch->n - 1; i >= 0; i--) {
		json_t	*b = ch->msg[i].body, *items;

		if (strcmp(ch->msg[i].package, "Char.Items.List") != 0 ||
		    !json_is_string(json_object_get(b, "location")) ||
		    strcmp(json_string_value(json_object_get(b, "location")),
		    location) != 0)
			continue;
		items = json_object_get(b, "items");
		ck_assert_msg(json_is_array(items), "items: %s",
		    printable(raw));
		return items;
	}
	ck_abort_msg("no Char.Items.List of %s in \"%s\"", location,
	    printable(raw));
	return NULL;
}

/* A member that must be an integer. */
static json_int_t
int_of(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "\"%s\" is not an integer in %s",
	    key, json_dumps(o, JSON_COMPACT));
	return json_integer_value(v);
}

/* A member that must be a string. */
static const char *
str_of(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	ck_assert_msg(json_is_string(v), "\"%s\" is not a string in %s", key,
	    json_dumps(o, JSON_COMPACT));
	return json_string_value(v);
}

/* The first line that is not empty after the line holding prefix (the
 * room title after "Welcome, <name>."). */
static void
line_after(const char *text, const char *prefix, char *out, size_t outsz)
{
	const char	*p = strstr(text, prefix), *eol;

	ck_assert_msg(p != NULL, "no \"%s\" in %s", prefix, printable(text));
	eol = strstr(p, "\r\n");
	ck_assert_ptr_nonnull(eol);
	do {
		p = eol + 2;
		eol = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(eol);
	} while (eol == p);
	snprintf(out, outsz, "%.*s", (int)(eol - p), p);
}

/*
 * Room.Info against the text it came with: name is the title line (the
 * line after the one starting with before, or the first line if before is
 * NULL), the exits are those of the Exits: line and of the database.
 * Returns num; the short directions go to exits.
 */
static json_int_t
check_room(const struct chunk *ch, const char *raw, const char *before,
    json_t **exits)
{
	static const char *const longs[] = { "north", "east", "south", "west",
				   "up", "down" };
	json_t		*ri = chunk_body(ch, "Room.Info", raw), *ex;
	json_int_t	 num = int_of(ri, "num");
	char		 title[256], line[512];
	const char	*p, *eol;
	size_t		 shown = 0;

	if (before != NULL)
		line_after(ch->plain, before, title, sizeof title);
	else {
		eol = strstr(ch->plain, "\r\n");
		ck_assert_ptr_nonnull(eol);
		snprintf(title, sizeof title, "%.*s", (int)(eol -
		    ch->plain), ch->plain);
	}
	ck_assert_int_gt(num, 0);
	ck_assert_str_eq(str_of(ri, "name"), title);
	ck_assert_msg(sqlv("SELECT count(*) FROM rooms r JOIN areas a ON a.id ="
	    " r.area WHERE r.id = %lld AND a.name = $q$%s$q$", (long long)num,
	    str_of(ri, "area")) == 1, "area %s", str_of(ri, "area"));
	ck_assert_msg(sqlv("SELECT count(*) FROM rooms WHERE id = %lld AND "
	    "area = $q$%s$q$", (long long)num, str_of(ri, "zone")) == 1,
	    "zone %s", str_of(ri, "zone"));
	ck_assert_str_eq(str_of(ri, "environment"), "");
	ex = json_object_get(ri, "exits");
	ck_assert(json_is_object(ex));
	/* The Exits: line, direction by direction. */
	p = strstr(ch->plain, "Exits: ");
	ck_assert_msg(p != NULL, "no Exits: line in %s", printable(ch->plain));
	eol = strstr(p, "\r\n");
	snprintf(line, sizeof line, "%.*s", (int)(eol - p), p);
	for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
		char		 k[2] = { longs[i][0], '\0' };
		json_t		*to = json_object_get(ex, k);
		bool		 in_line = strstr(line, longs[i]) != NULL;

		ck_assert_msg(in_line == (to != NULL), "%s: exit %s in the "
		    "text %d, in Room.Info %d", line, longs[i], in_line,
		    to != NULL);
		if (to == NULL)
			continue;
		shown++;
		ck_assert(json_is_integer(to));
		ck_assert_int_eq(sqlv("SELECT to_room FROM exits WHERE "
		    "room_id = %lld AND direction = '%s'", (long long)num,
		    longs[i]), json_integer_value(to));
	}
	ck_assert_uint_eq(json_object_size(ex), shown);
	ck_assert_uint_gt(shown, 0);
	if (exits != NULL)
		*exits = json_incref(ex);
	return num;
}

/* Send a command, wait for its EOR prompt and parse what came before. */
static const char *
m_cmd(struct mudlet *m, const char *line, struct chunk *ch)
{
	client_send(&m->c, line);
	zc_want(&m->zc, CL_PROMPT, CL_WAIT_MS, got, sizeof got);
	ck_assert_msg(strstr(got, GA) == NULL, "GA after EOR was agreed: %s",
	    printable(got));
	chunk_free(ch);
	chunk_parse(ch, got);
	return got;
}

/*
 * Connect as Mudlet does and create a character: answer the offers, the
 * TTYPE cycle and the CHARSET request, then the dialog, with compression
 * if mccp.  Leaves the login's output in ch.
 */
static void
m_create(struct mudlet *m, int port, const char *prefix, bool mccp,
    struct chunk *ch)
{
	static const char *const ttypes[] = { "MUDLET", "ANSI-TRUECOLOR",
				    "MTTS 2349" };
	size_t	from;
	char	buf[128];

	client_connect(&m->c, port);
	zc_init(&m->zc, &m->c, false, 0);
	zc_want(&m->zc, "Name: " GA, CL_WAIT_MS, got, sizeof got);
	ck_assert_msg(strncmp(got, OFFERS, sizeof OFFERS - 1) == 0,
	    "opening: %s", printable(got));
	from = m->zc.pos;
	SEND_RAW(&m->c, MUDLET_ANSWERS);
	if (mccp)
		SEND_RAW(&m->c, DO_MCCP2);
	for (int i = 0; i < 3; i++) {
		int	n;

		zc_count(&m->zc, from, TTYPE_SEND, i + 1);
		n = snprintf(buf, sizeof buf, "\xff\xfa\x18%c%s\xff\xf0", 0,
		    ttypes[i]);
		client_send_raw(&m->c, buf, (size_t)n);
	}
	zc_count(&m->zc, from, CHARSET_REQ, 1);
	SEND_RAW(&m->c, "\xff\xfa\x2a\x02UTF-8\xff\xf0");
	zc_count(&m->zc, from, MSSP_SB, 1);
	if (mccp)
		zc_count(&m->zc, from, ZC_START, 1);
	test_name(m->name, prefix);
	client_send(&m->c, m->name);
	zc_want(&m->zc, "(yes/no) " EOR, CL_WAIT_MS, NULL, 0);
	client_send(&m->c, "yes");
	zc_want(&m->zc, "Choose a password: " EOR, CL_WAIT_MS, NULL, 0);
	client_send(&m->c, CL_PASSWORD);
	zc_want(&m->zc, "Repeat the password: " EOR, CL_WAIT_MS, NULL, 0);
	client_send(&m->c, CL_PASSWORD);
	zc_want(&m->zc, CL_PROMPT, CL_WAIT_MS, got, sizeof got);
	ck_assert_msg(m->zc.on == mccp, "compressed: %d", m->zc.on);
	/* The cycle stopped at MTTS: three requests, no fourth. */
	ck_assert_int_eq(str_count(m->zc.text + from, TTYPE_SEND), 3);
	chunk_parse(ch, got);
}

/* Wait for the prompt after the listener's copy of a say (a line of its
 * own in the text), parsing all that came up to it. */
static void
m_heard(struct mudlet *m, const char *line, struct chunk *ch)
{
	static char	all[sizeof got];
	char		want[256];

	snprintf(want, sizeof want, "\n%s\r\n", line);
	all[0] = '\0';
	for (;;) {
		zc_want(&m->zc, CL_PROMPT, CL_WAIT_MS, got, sizeof got);
		ck_assert_uint_lt(strlen(all) + strlen(got) + sizeof CL_PROMPT,
		    sizeof all);
		strcat(all, got);
		strcat(all, CL_PROMPT);
		chunk_free(ch);
		chunk_parse(ch, all);
		if (strstr(ch->plain, want) != NULL)
			break;
	}
	strcpy(got, all);
}

/* Check a Comm.Channel.Text of a say. */
static void
check_say(const struct chunk *ch, const char *raw, const char *talker,
    const char *text)
{
	json_t	*b = chunk_body(ch, "Comm.Channel.Text", raw);

	ck_assert_int_eq(chunk_count(ch, "Comm.Channel.Text"), 1);
	ck_assert_str_eq(str_of(b, "channel"), "say");
	ck_assert_str_eq(str_of(b, "talker"), talker);
	ck_assert_str_eq(str_of(b, "text"), text);
}

/* Output for a client that refused everything: no ESC, no SB. */
static void
r_plain(const char *out)
{
	ck_assert_msg(strchr(out, '\x1b') == NULL && strstr(out, "\xff\xfa")
	    == NULL, "ESC or SB for a refusing client: %s", printable(out));
}

/* Connect, refuse every offer and create a character, each reply plain. */
static void
r_create(struct client *r, int port, char name[17])
{
	static const char *const ends[] = { "(yes/no) " GA,
				    "Choose a password: " GA,
				    "Repeat the password: " GA, "> " GA };
	const char	*lines[] = { name, "yes", CL_PASSWORD, CL_PASSWORD };
	char		 out[8192];

	test_name(name, "Clr");
	client_connect(r, port);
	SEND_RAW(r, REFUSE);
	client_want(r, "Name: " GA, CL_WAIT_MS, out, sizeof out);
	r_plain(out);
	for (int i = 0; i < 4; i++) {
		client_send(r, lines[i]);
		client_want(r, ends[i], CL_WAIT_MS, out, sizeof out);
		r_plain(out);
	}
}

START_TEST(test_clients_e2e_mudlet)
{
	static struct mudlet	m, l;
	static struct chunk	ch;
	static char		rgot[65536];
	struct keepd		k;
	struct client		r;
	char			rname[17], title[512];
	json_t			*b, *exits;
	json_int_t		num, coins;
	const char		*raw;
	long long		mid;

	keepd_start(&k, NULL);
	m_create(&m, k.port, "Cml", true, &ch);
	raw = got;

	/* At login: Room.Info of the start room as the text shows it. */
	num = check_room(&ch, raw, fmt("Welcome, %s.", m.name), &exits);
	ck_assert_int_eq(num, sqlv("SELECT room_id FROM characters WHERE "
	    "name = '%s'", m.name));
	/* Colour by MTTS (colour auto): the title line carries SGR. */
	line_after(ch.text, fmt("Welcome, %s.", m.name), title, sizeof title);
	ck_assert_msg(strncmp(title, "\x1b[", 2) == 0, "no SGR on the title "
	    "line: %s", printable(title));
	b = chunk_body(&ch, "Char.Vitals", raw);
	ck_assert_int_eq(int_of(b, "hp"), 20);
	ck_assert_int_eq(int_of(b, "maxhp"), 20);
	(void)str_of(b, "string");
	b = chunk_body(&ch, "Char.Status", raw);
	ck_assert_str_eq(str_of(b, "name"), m.name);
	ck_assert_int_eq(int_of(b, "level"), 1);
	ck_assert_int_ge(int_of(b, "xpnext"), int_of(b, "xp"));
	ck_assert_str_eq(str_of(b, "role"), "player");
	coins = int_of(b, "coins");
	ck_assert_int_eq(coins, sqlv("SELECT coins FROM characters WHERE "
	    "name = '%s'", m.name));
	/* GMCP of the login went out before its prompt; the text follows. */
	ck_assert_int_ge(ch.n, 3);

	/* A client that refuses everything, in the same room: no colour. */
	r_create(&r, k.port, rname);
	/* The listener: Mudlet again, without compression. */
	m_create(&l, k.port, "Cll", false, &ch);
	zc_want(&m.zc, fmt("%s has entered the game.", l.name), CL_WAIT_MS,
	    NULL, 0);
	zc_want(&m.zc, CL_PROMPT, CL_WAIT_MS, NULL, 0);

	/* Comm.Channel.Text is not in Mudlet's default list: not sent. */
	raw = m_cmd(&m, "say one", &ch);
	ck_assert_msg(strstr(ch.plain, "You say, 'one'") != NULL, "%s",
	    printable(raw));
	ck_assert_int_eq(chunk_count(&ch, "Comm.Channel.Text"), 0);
	m_heard(&l, fmt("%s says, 'one'", m.name), &ch);
	ck_assert_int_eq(chunk_count(&ch, "Comm.Channel.Text"), 0);

	/* Supports.Add enables it; the state comes at once (Room.Info). */
	gmcp_send(&m.c, "Core.Supports.Add [\"Comm.Channel 1\"]");
	zc_settle(&m.zc, "\xff\xfa\xc9Room.Info ");
	gmcp_send(&l.c, "Core.Supports.Add [\"Comm.Channel 1\"]");
	zc_settle(&l.zc, "\xff\xfa\xc9Room.Info ");
	raw = m_cmd(&m, "say two", &ch);
	check_say(&ch, raw, m.name, "You say, 'two'");
	m_heard(&l, fmt("%s says, 'two'", m.name), &ch);
	check_say(&ch, got, m.name, fmt("%s says, 'two'", m.name));
	client_want(&r, fmt("%s says, 'two'", m.name), CL_WAIT_MS, NULL, 0);

	/* Room removed: a look sends none; added: Room.Info with no
	 * command, no text, no prompt (gmcp_ready). */
	gmcp_send(&m.c, "Core.Supports.Remove [\"Room\"]");
	raw = m_cmd(&m, "look", &ch);
	ck_assert_int_eq(chunk_count(&ch, "Room.Info"), 0);
	ck_assert_ptr_nonnull(strstr(ch.plain, "Exits: "));
	gmcp_send(&m.c, "Core.Supports.Add [\"Room 1\"]");
	zc_settle(&m.zc, "\xff\xfa\xc9Room.Info ");
	ck_assert_msg(strncmp(got, "\xff\xfa\xc9Room.Info {", 14) == 0,
	    "not Room.Info first: %s", printable(got));
	chunk_free(&ch);
	chunk_parse(&ch, got);
	ck_assert_msg(ch.text[0] == '\0', "text with the state: %s",
	    printable(got));
	ck_assert_int_eq(int_of(chunk_body(&ch, "Room.Info", got), "num"),
	    num);

	/* Coins: a give updates Char.Status. */
	raw = m_cmd(&m, fmt("give 5 coins to %s", rname), &ch);
	ck_assert_msg(strstr(ch.plain, fmt("You give 5 coins to %s.", rname))
	    != NULL, "%s", printable(raw));
	b = chunk_body(&ch, "Char.Status", raw);
	ck_assert_int_eq(int_of(b, "coins"), coins - 5);
	ck_assert_int_eq(chunk_count(&ch, "Char.Vitals"), 0);	/* same */

	/* Items: Char.Items.List of the inventory after drop and get. */
	mid = sqlv("SELECT id FROM characters WHERE name = '%s'", m.name);
	sqlf("INSERT INTO items (proto_id, carrier_id) VALUES ('bread', %lld)",
	    mid);
	raw = m_cmd(&m, "drop bread", &ch);
	ck_assert_msg(strstr(ch.plain, "You drop a loaf of bread.") != NULL,
	    "%s", printable(raw));
	ck_assert_uint_eq(json_array_size(chunk_items(&ch, "inv", raw)), 0);
	raw = m_cmd(&m, "get bread", &ch);
	b = chunk_items(&ch, "inv", raw);
	ck_assert_uint_eq(json_array_size(b), 1);
	b = json_array_get(b, 0);
	ck_assert_str_eq(str_of(b, "name"), "a loaf of bread");
	ck_assert_int_eq(int_of(b, "id"), sqlv("SELECT id FROM items WHERE "
	    "carrier_id = %lld", mid));

	/* A move: a new Room.Info, the neighbour the exits named, before
	 * the prompt; nothing after the prompt. */
	raw = m_cmd(&m, "north", &ch);
	ck_assert_int_eq(check_room(&ch, raw, NULL, NULL),
	    json_integer_value(json_object_get(exits, "n")));
	ck_assert_str_eq(str_of(chunk_body(&ch, "Room.Info", raw), "name"),
	    "Market Street");
	ck_assert_msg(strncmp(raw, "\xff\xfa\xc9Room.Info ", 13) == 0,
	    "GMCP not first: %s", printable(raw));
	while (zc_read(&m.zc, 300))
		;
	ck_assert_ptr_null(strstr(m.zc.text + m.zc.pos, "Room.Info"));

	/* The refusing client saw, from its login on (the says, the give,
	 * a look), not one ESC and no subnegotiation. */
	client_send(&r, "look");
	client_want(&r, "Exits: ", CL_WAIT_MS, rgot, sizeof rgot);
	ck_assert_ptr_nonnull(strstr(rgot, fmt("%s gives you 5 coins.",
	    m.name)));
	r_plain(rgot);
	client_want(&r, "> " GA, CL_WAIT_MS, rgot, sizeof rgot);
	r_plain(rgot);

	/* Every GMCP message of both sessions, from the first byte on, was
	 * one line of JSON (chunk_parse checks each). */
	chunk_free(&ch);
	chunk_parse(&ch, m.zc.text);
	ck_assert_int_ge(ch.n, 20);
	chunk_free(&ch);
	chunk_parse(&ch, l.zc.text);
	ck_assert_int_ge(ch.n, 5);

	/* Quit ends the compressed stream before the close. */
	client_send(&m.c, "quit");
	ck_assert_msg(zc_closed(&m.zc, CL_WAIT_MS), "stream not ended: %s",
	    printable(m.zc.text + m.zc.pos));
	json_decref(exits);
	chunk_free(&ch);
	zc_free(&m.zc);
	zc_free(&l.zc);
	client_close(&m.c);
	client_close(&l.c);
	client_close(&r);
	keepd_stop(&k, SIGTERM);
}
END_TEST

/* The clients suite. */
Suite *
clients_suite(void)
{
	Suite	*s = suite_create("clients");
	TCase	*tc = tcase_create("mudlet");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_clients_e2e_mudlet);
	suite_add_tcase(s, tc);
	return s;
}
