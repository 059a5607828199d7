/*
 * bot_read.c — what a bot receives: telnet is stripped byte by byte (IAC GA
 * and IAC EOR end a block; negotiations get no answer, which keepd
 * tolerates), the text is cut into lines, and each line sets flags in its
 * block and, for room output, notes the title, the exits and the players
 * present.  bot_block (bot.c) decides what a finished block means.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bench.h"

#define TELNET_IAC	255
#define TELNET_SB	250
#define TELNET_SE	240
#define TELNET_GA	249
#define TELNET_EOR	239
#define TELNET_WILL	251
#define TELNET_DONT	254

enum bot_telnet { TS_DATA, TS_IAC, TS_OPT, TS_SB, TS_SB_IAC };

struct bot_marker {
	const char	*text;
	size_t		 len;
	uint32_t	 flags;
};

#define M(s, f)	{ s, sizeof s - 1, f }
/* Lines that mean something, matched at the start of a line. */
static const struct bot_marker bot_markers[] = {
	M("Exits: ", BLK_ROOM),
	M("You say, '", BLK_SAY),
	M("HP: ", BLK_SCORE),
	M("Players online: ", BLK_WHO),
	M("You give ", BLK_GIVE),
	M("You are carrying", BLK_INV),
	M("You get ", BLK_GET),
	M("You drop ", BLK_GET),
	M("You flee ", BLK_FLEE),
	M("You panic but can't get away!", BLK_FLEE),
	M("round trips: ", BLK_DBSTATS),
	M("You can't go that way.", BLK_REF_MOVE),
	M("You are fighting for your life!", BLK_REF_MOVE | BLK_FIGHTING),
	M("There is no one called ", BLK_REF_GIVE),
	M("There is no one by that name here.", BLK_REF_GIVE),
	M("You only have ", BLK_REF_GIVE),
	M("You can't give coins to yourself.", BLK_REF_GIVE),
	M("You can only give ", BLK_REF_GIVE),
	M("Usage: give", BLK_REF_GIVE),
	M("There is nothing here.", BLK_REF_GET),
	M("There are no coins here.", BLK_REF_GET),
	M("You aren't carrying anything.", BLK_REF_GET),
	M("You can't carry ", BLK_REF_GET),
	M("That is too heavy", BLK_REF_GET),
	M("You don't see that here.", BLK_REF_GET),
	M("You aren't fighting anyone.", BLK_REF_FLEE),
	M("You panic, but there is nowhere to run!", BLK_REF_FLEE),
	M("The world resists; try again.", BLK_ERROR),
	M("Huh?", BLK_ERROR),
	M("Your character no longer exists.", BLK_ERROR),
	M("You have logged in from somewhere else", BLK_ERROR),
	M("Someone logged in as you from elsewhere", BLK_ERROR),
	M("You are sending commands faster", BLK_ERROR),
	M("You sent too much too fast.", BLK_ERROR),
	M("That line ", BLK_ERROR),
	M("Keep is shutting down.", BLK_ERROR),
	M("The server is restarting; please reconnect.", BLK_ERROR),
	M("Wrong password.", BLK_BADPW),
	M("Too many failed attempts.", BLK_BADPW),
	M("A name is 3 to 16 letters", BLK_BADNAME),
};
#undef M

/* Forget everything about the last connection's stream. */
void
bot_read_reset(struct bot *bot)
{
	bot->tstate = TS_DATA;
	bot->linelen = 0;
	bot->blk_lines = 0;
	bot->blk_flags = 0;
	bot->in_room = false;
	bot->first[0] = '\0';
	bot->name_prompts = 0;
	bot->head = 0;
	bot->npend = 0;
	bot->must_flee = false;
}

/* The flags of one line. */
static uint32_t
bot_read_classify(const char *l, size_t n)
{
	uint32_t	f = 0;

	for (size_t i = 0; i < sizeof bot_markers / sizeof bot_markers[0];
	    i++) {
		const struct bot_marker	*m = &bot_markers[i];

		if (n >= m->len && l[0] == m->text[0] &&
		    memcmp(l, m->text, m->len) == 0)
			f |= m->flags;
	}
	if (n > 19 && memcmp(l + n - 19, " is no longer here.", 19) == 0)
		f |= BLK_REF_GIVE;
	return f;
}

/* Note the exits of an "Exits: north, east" line. */
static void
bot_read_exits(struct bot *bot, const char *s, size_t len)
{
	const char	*end = s + len, *q;
	int		 d;

	bot->exits = 0;
	while (s < end) {
		for (q = s; q < end && *q != ','; q++)
			;
		if ((d = map_dir(s, (size_t)(q - s))) >= 0)
			bot->exits |= (uint8_t)(1u << d);
		for (s = q; s < end && (*s == ',' || *s == ' '); s++)
			;
	}
}

/* Crowd mode: which room of the map the title just seen belongs to. */
static void
bot_read_locate(struct bot *bot)
{
	const struct map	*m = &bot->bench->map;
	const struct map_room	*cur = map_room(m, bot->room), *r;

	if (cur != NULL && strcmp(cur->title, bot->plain) == 0)
		return;
	for (int d = 0; cur != NULL && d < MAP_DIRS; d++) {
		r = map_room(m, cur->exit[d]);
		if (r != NULL && strcmp(r->title, bot->plain) == 0) {
			bot->room = r->id;
			return;
		}
	}
	r = map_by_title(m, bot->plain);
	bot->room = r != NULL ? r->id : 0;
}

/*
 * A "Name is here." line: maybe remember Name as someone to give to
 * (reservoir sampling, so that a crowd spreads its gifts).
 */
static void
bot_read_name(struct bot *bot, const char *l, size_t n)
{
	size_t		nl;
	uint64_t	j;

	if (n <= 9 || memcmp(l + n - 9, " is here.", 9) != 0)
		return;
	nl = n - 9;
	if (nl < 3 || nl >= BOT_NAME)
		return;
	for (size_t i = 0; i < nl; i++) {
		if (!((l[i] >= 'a' && l[i] <= 'z') || (l[i] >= 'A' &&
		    l[i] <= 'Z')))
			return;
	}
	if (strlen(bot->name) == nl && strncasecmp(bot->name, l, nl) == 0)
		return;
	bot->blk_seen++;
	if (bot->nnames < BOT_NAMES)
		j = bot->nnames++;
	else if ((j = bench_rand(&bot->rng) % bot->blk_seen) >= BOT_NAMES)
		return;
	memcpy(bot->names[j], l, nl);
	bot->names[j][nl] = '\0';
}

/* The admin's dbstats: sum the statement calls, read the totals. */
static void
bot_read_dbstats(struct bot *bot, const char *l)
{
	struct db_snap		*s = bot->bench->dbcur;
	unsigned long long	 a, b, c;

	if (s == NULL || bot->npend == 0 ||
	    bot->pend[bot->head].kind != KIND_DBSTATS)
		return;
	if (strncmp(l, "statement ", 10) == 0)
		s->table = true;
	else if (sscanf(l, "transactions: %llu committed, %llu rolled back, "
	    "%llu failed", &a, &b, &c) == 3) {
		s->table = false;
		s->transactions = a + b + c;
	} else if (sscanf(l, "round trips: %llu", &a) == 1)
		s->round_trips = a;
	else if (s->table && sscanf(l, "%*s %llu", &a) == 1)
		s->statements += a;
}

/* Copy n bytes of a line into a smaller buffer, cut if need be. */
static void
bot_read_copy(char *dst, size_t dstsz, const char *src, size_t n)
{
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A whole line arrived (CR LF stripped). */
static void
bot_read_line(struct bot *bot)
{
	char		*l = bot->line;
	size_t		 n = bot->linelen;
	uint32_t	 f;

	l[n] = '\0';
	bot->linelen = 0;
	if (bot->blk_lines++ == 0 && n == 0)
		bot->blk_flags |= BLK_LEAD_BLANK;
	if (n == 0)
		return;
	if (bot->first[0] == '\0')
		bot_read_copy(bot->first, sizeof bot->first, l, n);
	f = bot_read_classify(l, n);
	bot->blk_flags |= f;
	if (bot->admin)
		bot_read_dbstats(bot, l);
	if (f & BLK_ROOM) {
		bot_read_exits(bot, l + 7, n - 7);
		bot->in_room = true;
		bot->nnames = 0;
		bot->blk_seen = 0;
		if (bot->bench->nrooms > 0)
			bot_read_locate(bot);
	} else if (l[0] != ' ') {
		if (bot->in_room)
			bot_read_name(bot, l, n);
		else if (bot->bench->nrooms > 0)
			bot_read_copy(bot->plain, sizeof bot->plain, l, n);
	}
}

/* IAC GA or IAC EOR: the block is complete; what is left is the prompt. */
static void
bot_read_prompt(struct bot *bot)
{
	uint32_t	flags = bot->blk_flags;
	size_t		n = bot->linelen;

	bot->line[n] = '\0';
	bot->linelen = 0;
	bot->blk_flags = 0;
	bot->blk_lines = 0;
	bot->in_room = false;
	bot_block(bot, flags, bot->line, n);
	bot->first[0] = '\0';
}

/* Strip telnet from received bytes and hand on lines and prompts. */
void
bot_read_feed(struct bot *bot, const uint8_t *p, size_t n)
{
	struct bufferevent	*bev = bot->bev;

	for (size_t i = 0; i < n && bot->bev == bev; i++) {
		uint8_t	c = p[i];

		switch (bot->tstate) {
		case TS_DATA:
			if (c == TELNET_IAC)
				bot->tstate = TS_IAC;
			else if (c == '\n')
				bot_read_line(bot);
			else if (c != '\r' && c != '\0' &&
			    bot->linelen < BOT_LINE - 1)
				bot->line[bot->linelen++] = (char)c;
			break;
		case TS_IAC:
			bot->tstate = TS_DATA;
			if (c == TELNET_GA || c == TELNET_EOR)
				bot_read_prompt(bot);
			else if (c >= TELNET_WILL && c <= TELNET_DONT)
				bot->tstate = TS_OPT;
			else if (c == TELNET_SB)
				bot->tstate = TS_SB;
			else if (c == TELNET_IAC && bot->linelen < BOT_LINE - 1)
				bot->line[bot->linelen++] = (char)c;
			break;
		case TS_OPT:
			/* Negotiations get no answer; keepd tolerates that. */
			bot->tstate = TS_DATA;
			break;
		case TS_SB:
			if (c == TELNET_IAC)
				bot->tstate = TS_SB_IAC;
			break;
		case TS_SB_IAC:
			bot->tstate = c == TELNET_SE ? TS_DATA : TS_SB;
			break;
		}
	}
}
