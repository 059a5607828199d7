/*
 * telnet.c — the telnet protocol as a pure state machine.
 *
 * Input bytes are split into data (assembled into lines) and telnet commands
 * (option negotiation, subnegotiation, the odd AYT or IP).  Everything that
 * comes out goes through the event callback; nothing here touches a socket
 * or allocates, so every path can be driven byte by byte from a unit test.
 */
#include <stdlib.h>
#include <string.h>

#include "telnet.h"

#define TELNET_CR	'\r'
#define TELNET_LF	'\n'
#define TELNET_NUL	'\0'
#define TELNET_BS	0x08
#define TELNET_TAB	'\t'
#define TELNET_DEL	0x7f

/* Deliver one event to the owner. */
static void
telnet_emit(struct telnet *t, const struct telnet_event *ev)
{
	if (t->cb != NULL)
		t->cb(ev, t->cb_arg);
}

/* Ask the owner to write bytes to the peer. */
static void
telnet_send(struct telnet *t, const uint8_t *data, size_t len)
{
	struct telnet_event	ev = { .type = TELNET_EV_SEND };

	ev.data = data;
	ev.len = len;
	telnet_emit(t, &ev);
}

/* Send IAC verb option. */
static void
telnet_send_cmd(struct telnet *t, uint8_t verb, uint8_t option)
{
	uint8_t	buf[3] = { TELNET_IAC, verb, option };

	telnet_send(t, buf, sizeof buf);
}

/* Emit an event that carries no payload. */
static void
telnet_emit_simple(struct telnet *t, enum telnet_event_type type)
{
	struct telnet_event	ev = { .type = type };

	telnet_emit(t, &ev);
}

/* Reset the state machine; every option starts off and refused. */
void
telnet_init(struct telnet *t, telnet_event_cb cb, void *arg)
{
	memset(t, 0, sizeof *t);
	t->state = TELNET_S_DATA;
	t->cb = cb;
	t->cb_arg = arg;
}

/* Free what a long subnegotiation allocated. */
void
telnet_free(struct telnet *t)
{
	free(t->sb_big);
	t->sb_big = NULL;
}

/* Allow an option to be enabled on our side (WILL) or the peer's (DO). */
void
telnet_support(struct telnet *t, uint8_t option, bool local, bool remote)
{
	t->local_ok[option] = local;
	t->remote_ok[option] = remote;
}

/* Whether an option is on, locally (we WILL) or remotely (they WILL). */
bool
telnet_enabled(const struct telnet *t, uint8_t option, bool local)
{
	const uint8_t	*q = local ? t->local_q : t->remote_q;

	return (q[option] == TELNET_Q_YES);
}

/* -------------------------------------------------------------------------
 * Option negotiation (RFC 1143).  Both sides share one table-free
 * implementation: "local" is our side of the option (the peer says DO/DONT,
 * we answer WILL/WONT), "remote" is theirs (WILL/WONT answered by DO/DONT).
 */

/* The verb that says yes (enable) or no for a side. */
static uint8_t
telnet_verb(bool local, bool yes)
{
	if (local)
		return (yes ? TELNET_WILL : TELNET_WONT);
	return (yes ? TELNET_DO : TELNET_DONT);
}

/* Move an option to a new Q state, reporting a change of enabled-ness. */
static void
telnet_set_q(struct telnet *t, uint8_t option, bool local, enum telnet_q q)
{
	uint8_t			*slot = local ? &t->local_q[option] :
				    &t->remote_q[option];
	bool			 was = (*slot == TELNET_Q_YES);
	struct telnet_event	 ev = { .type = TELNET_EV_OPTION };

	*slot = (uint8_t)q;
	if (was == (q == TELNET_Q_YES))
		return;
	ev.option = option;
	ev.local = local;
	ev.enabled = (q == TELNET_Q_YES);
	telnet_emit(t, &ev);
}

/* The peer asked again for an option already on: tell the owner only. */
static void
telnet_emit_repeat(struct telnet *t, uint8_t option, bool local)
{
	struct telnet_event	ev = { .type = TELNET_EV_REPEAT };

	ev.option = option;
	ev.local = local;
	ev.enabled = true;
	telnet_emit(t, &ev);
}

/* The peer asks to enable an option (DO for our side, WILL for theirs). */
static void
telnet_recv_yes(struct telnet *t, uint8_t option, bool local)
{
	uint8_t	q = local ? t->local_q[option] : t->remote_q[option];
	bool	ok = local ? t->local_ok[option] : t->remote_ok[option];

	switch (q) {
	case TELNET_Q_NO:
		if (ok) {
			telnet_send_cmd(t, telnet_verb(local, true), option);
			telnet_set_q(t, option, local, TELNET_Q_YES);
		} else
			telnet_send_cmd(t, telnet_verb(local, false), option);
		break;
	case TELNET_Q_WANTNO:
		/* Our "no" answered with "yes": a broken peer; stay off. */
		telnet_set_q(t, option, local, TELNET_Q_NO);
		break;
	case TELNET_Q_WANTNO_OPP:
	case TELNET_Q_WANTYES:
		telnet_set_q(t, option, local, TELNET_Q_YES);
		break;
	case TELNET_Q_WANTYES_OPP:
		/* We changed our mind while the request was in flight. */
		telnet_send_cmd(t, telnet_verb(local, false), option);
		telnet_set_q(t, option, local, TELNET_Q_WANTNO);
		break;
	default:	/* YES: already on, nothing to say */
		telnet_emit_repeat(t, option, local);
		break;
	}
}

/* The peer asks to disable an option (DONT for our side, WONT for theirs). */
static void
telnet_recv_no(struct telnet *t, uint8_t option, bool local)
{
	uint8_t	q = local ? t->local_q[option] : t->remote_q[option];

	/* The answer to an announced WONT: a WILL announced since (the next
	 * password prompt) is still waiting for its own answer. */
	if (local && t->local_ack_due[option]) {
		t->local_ack_due[option] = false;
		return;
	}
	switch (q) {
	case TELNET_Q_YES:
		telnet_send_cmd(t, telnet_verb(local, false), option);
		telnet_set_q(t, option, local, TELNET_Q_NO);
		break;
	case TELNET_Q_WANTNO_OPP:
		/* Off as we asked, but we want it back on meanwhile. */
		telnet_send_cmd(t, telnet_verb(local, true), option);
		telnet_set_q(t, option, local, TELNET_Q_WANTYES);
		break;
	case TELNET_Q_WANTNO:
	case TELNET_Q_WANTYES:
	case TELNET_Q_WANTYES_OPP:
		telnet_set_q(t, option, local, TELNET_Q_NO);
		break;
	default:	/* NO: already off, never acknowledge */
		break;
	}
}

/* We want an option on or off: send a request unless one is pointless. */
static void
telnet_ask(struct telnet *t, uint8_t option, bool local, bool enable)
{
	uint8_t	q = local ? t->local_q[option] : t->remote_q[option];

	if (enable && q == TELNET_Q_NO) {
		telnet_send_cmd(t, telnet_verb(local, true), option);
		telnet_set_q(t, option, local, TELNET_Q_WANTYES);
	} else if (enable && q == TELNET_Q_WANTNO)
		telnet_set_q(t, option, local, TELNET_Q_WANTNO_OPP);
	else if (enable && q == TELNET_Q_WANTYES_OPP)
		telnet_set_q(t, option, local, TELNET_Q_WANTYES);
	else if (!enable && q == TELNET_Q_YES) {
		telnet_send_cmd(t, telnet_verb(local, false), option);
		telnet_set_q(t, option, local, TELNET_Q_WANTNO);
	} else if (!enable && q == TELNET_Q_WANTNO_OPP)
		telnet_set_q(t, option, local, TELNET_Q_WANTNO);
	else if (!enable && q == TELNET_Q_WANTYES)
		telnet_set_q(t, option, local, TELNET_Q_WANTYES_OPP);
}

/*
 * Say WILL or WONT for our side now, even while an earlier offer is still
 * unanswered.  Password prompts need the pair every time, also for clients
 * that never answer; a late DO for an option we no longer want is refused
 * (WONT) by telnet_recv_yes, which such clients ignore, so nothing loops.
 * A WONT for an option the peer had agreed to is answered by its DONT,
 * which may come after the next WILL (WONT then WILL between the two
 * password prompts): that DONT is taken as the answer to the WONT, so the
 * WILL's DO turns the option on again instead of being refused.
 */
void
telnet_announce(struct telnet *t, uint8_t option, bool enable)
{
	uint8_t	q = t->local_q[option];
	bool	on = q == TELNET_Q_YES || q == TELNET_Q_WANTYES ||
		    q == TELNET_Q_WANTNO_OPP;

	if (enable == on)
		return;
	if (!enable && q == TELNET_Q_YES)
		t->local_ack_due[option] = true;
	telnet_send_cmd(t, telnet_verb(true, enable), option);
	telnet_set_q(t, option, true, enable ? TELNET_Q_WANTYES : TELNET_Q_NO);
}

/* Ask to enable/disable an option on our side: emits IAC WILL/WONT via SEND. */
void
telnet_offer(struct telnet *t, uint8_t option, bool enable)
{
	telnet_ask(t, option, true, enable);
}

/* Ask the peer to enable/disable an option: emits IAC DO/DONT via SEND. */
void
telnet_request(struct telnet *t, uint8_t option, bool enable)
{
	telnet_ask(t, option, false, enable);
}

/* Handle a complete IAC WILL/WONT/DO/DONT option. */
static void
telnet_negotiate(struct telnet *t, uint8_t verb, uint8_t option)
{
	switch (verb) {
	case TELNET_WILL:
		telnet_recv_yes(t, option, false);
		break;
	case TELNET_WONT:
		telnet_recv_no(t, option, false);
		break;
	case TELNET_DO:
		telnet_recv_yes(t, option, true);
		break;
	default:
		telnet_recv_no(t, option, true);
		break;
	}
}

/* -------------------------------------------------------------------------
 * Line assembly.
 */

/* Append one byte to the current line, or mark the line over-long. */
static void
telnet_line_add(struct telnet *t, uint8_t c)
{
	if (t->line_overflow)
		return;
	if (t->line_len >= TELNET_MAX_LINE) {
		t->line_overflow = true;
		return;
	}
	t->line[t->line_len++] = c;
}

/* Erase the last character of the line: a whole UTF-8 sequence if any. */
static void
telnet_line_erase(struct telnet *t)
{
	size_t	n = t->line_len, cont = 0;

	if (t->line_overflow || n == 0)
		return;
	while (cont < 3 && cont < n && (t->line[n - 1 - cont] & 0xc0) == 0x80)
		cont++;
	if (cont > 0 && cont < n && t->line[n - 1 - cont] >= 0xc0)
		t->line_len = n - 1 - cont;
	else
		t->line_len = n - 1;
}

/* Forget the current line, over-long or not. */
static void
telnet_line_clear(struct telnet *t)
{
	t->line_len = 0;
	t->line_overflow = false;
	t->line_nul = false;
}

/* A line end arrived: deliver the line (or its refusal) and start anew. */
static void
telnet_line_end(struct telnet *t)
{
	struct telnet_event	ev = { .type = TELNET_EV_LINE };

	if (t->line_overflow)
		ev.type = TELNET_EV_LINE_TOO_LONG;
	else if (t->line_nul)
		ev.type = TELNET_EV_LINE_NUL;
	else {
		t->line[t->line_len] = '\0';
		ev.data = t->line;
		ev.len = t->line_len;
	}
	telnet_line_clear(t);
	telnet_emit(t, &ev);
}

/* One data byte outside any telnet command. */
static void
telnet_data(struct telnet *t, uint8_t c)
{
	switch (c) {
	case TELNET_IAC:
		t->state = TELNET_S_IAC;
		break;
	case TELNET_CR:
		t->state = TELNET_S_CR;
		telnet_line_end(t);
		break;
	case TELNET_LF:
		telnet_line_end(t);
		break;
	case TELNET_BS:
	case TELNET_DEL:
		telnet_line_erase(t);
		break;
	case TELNET_TAB:
		telnet_line_add(t, ' ');
		break;
	case TELNET_NUL:
		/*
		 * Not dropped: "pass\0word" must not quietly become the
		 * password "password".  The whole line is refused.
		 */
		t->line_nul = true;
		break;
	default:
		if (c >= 0x20)
			telnet_line_add(t, c);
		break;
	}
}

/* -------------------------------------------------------------------------
 * Commands and subnegotiation.
 */

/* Answer "Are You There". */
static void
telnet_ayt(struct telnet *t)
{
	static const uint8_t	yes[] = "[Yes]\r\n";

	telnet_send(t, yes, sizeof yes - 1);
}

/* The byte after IAC in data. */
static void
telnet_command(struct telnet *t, uint8_t c)
{
	t->state = TELNET_S_DATA;
	switch (c) {
	case TELNET_IAC:
		telnet_line_add(t, TELNET_IAC);
		break;
	case TELNET_WILL:
	case TELNET_WONT:
	case TELNET_DO:
	case TELNET_DONT:
		t->verb = c;
		t->state = TELNET_S_OPT;
		break;
	case TELNET_SB:
		t->state = TELNET_S_SB;
		break;
	case TELNET_IP:
	case TELNET_BRK:
		telnet_emit_simple(t, TELNET_EV_INTERRUPT);
		break;
	case TELNET_AYT:
		telnet_ayt(t);
		break;
	case TELNET_EC:
		telnet_line_erase(t);
		break;
	case TELNET_EL:
		telnet_line_clear(t);
		break;
	default:	/* GA, NOP, DM, AO, EOR, stray SE, unknown: ignored */
		break;
	}
}

/*
 * Keep one subnegotiation payload byte, or note that it did not fit.  The
 * first SB to outgrow sb_small moves to a TELNET_MAX_SB buffer, which
 * every later one then uses.
 */
static void
telnet_sb_add(struct telnet *t, uint8_t c)
{
	if (t->sb_len >= TELNET_MAX_SB) {
		t->sb_overflow = true;
		return;
	}
	if (t->sb_big == NULL && t->sb_len == TELNET_SB_INLINE) {
		if ((t->sb_big = malloc(TELNET_MAX_SB)) == NULL) {
			t->sb_overflow = true;
			return;
		}
		memcpy(t->sb_big, t->sb_small, TELNET_SB_INLINE);
	}
	if (t->sb_big != NULL)
		t->sb_big[t->sb_len++] = c;
	else
		t->sb_small[t->sb_len++] = c;
}

/* IAC SE closed a subnegotiation: deliver it if it is wanted and whole. */
static void
telnet_sb_end(struct telnet *t)
{
	struct telnet_event	ev = { .type = TELNET_EV_SUBNEG };
	uint8_t			opt = t->sb_option;

	t->state = TELNET_S_DATA;
	if (t->sb_overflow)
		return;
	if (t->local_q[opt] != TELNET_Q_YES && t->remote_q[opt] != TELNET_Q_YES)
		return;
	ev.option = opt;
	ev.data = t->sb_big != NULL ? t->sb_big : t->sb_small;
	ev.len = t->sb_len;
	telnet_emit(t, &ev);
}

/* The byte after IAC inside a subnegotiation. */
static void
telnet_sb_iac(struct telnet *t, uint8_t c)
{
	if (c == TELNET_IAC) {
		telnet_sb_add(t, TELNET_IAC);
		t->state = TELNET_S_SB_DATA;
	} else if (c == TELNET_SE)
		telnet_sb_end(t);
	else {
		/*
		 * A command inside SB means the peer lost track (or never sent
		 * SE): drop the subnegotiation and obey the command, so that a
		 * broken SB cannot swallow the rest of the session.
		 */
		telnet_command(t, c);
	}
}

/* Feed one byte to the state machine. */
static void
telnet_byte(struct telnet *t, uint8_t c)
{
	switch (t->state) {
	case TELNET_S_CR:
		t->state = TELNET_S_DATA;
		if (c != TELNET_LF && c != TELNET_NUL)
			telnet_data(t, c);
		break;
	case TELNET_S_IAC:
		telnet_command(t, c);
		break;
	case TELNET_S_OPT:
		t->state = TELNET_S_DATA;
		telnet_negotiate(t, t->verb, c);
		break;
	case TELNET_S_SB:
		t->sb_option = c;
		t->sb_len = 0;
		t->sb_overflow = false;
		t->state = TELNET_S_SB_DATA;
		break;
	case TELNET_S_SB_DATA:
		if (c == TELNET_IAC)
			t->state = TELNET_S_SB_IAC;
		else
			telnet_sb_add(t, c);
		break;
	case TELNET_S_SB_IAC:
		telnet_sb_iac(t, c);
		break;
	default:
		telnet_data(t, c);
		break;
	}
}

/* Feed received bytes; events are delivered through the callback in order. */
void
telnet_feed(struct telnet *t, const uint8_t *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		telnet_byte(t, buf[i]);
}

/* -------------------------------------------------------------------------
 * Output and UTF-8.
 */

/* Bytes in the UTF-8 sequence led by c (1 for ASCII or a stray byte). */
static size_t
telnet_utf8_seqlen(uint8_t c)
{
	if (c >= 0xc0 && c < 0xe0)
		return (2);
	if (c >= 0xe0 && c < 0xf0)
		return (3);
	if (c >= 0xf0 && c < 0xf8)
		return (4);
	return (1);
}

/*
 * How many input bytes, starting at in[i], form the next unit that must not
 * be split (IAC, LF, CR LF, one UTF-8 character), and how many output bytes
 * it needs.  A LF reaching here is bare: CR LF is taken as one unit.
 */
static size_t
telnet_escape_unit(const uint8_t *in, size_t i, size_t inlen, size_t *need)
{
	size_t	n, k;

	if (in[i] == TELNET_IAC) {
		*need = 2;
		return (1);
	}
	if (in[i] == TELNET_LF) {
		*need = 2;
		return (1);
	}
	if (in[i] == TELNET_CR && i + 1 < inlen && in[i + 1] == TELNET_LF) {
		*need = 2;
		return (2);
	}
	n = telnet_utf8_seqlen(in[i]);
	for (k = 1; k < n && i + k < inlen; k++) {
		if ((in[i + k] & 0xc0) != 0x80)
			break;
	}
	*need = k;
	return (k);
}

/*
 * Copy text for the peer into out (capacity outsz), doubling IAC bytes and
 * turning bare LF into CR LF.  Returns the bytes written; stops early (at a
 * character boundary) rather than overflow.  *consumed receives how much of
 * the input was used.
 */
size_t
telnet_escape(const char *in, size_t inlen, uint8_t *out, size_t outsz,
    size_t *consumed)
{
	const uint8_t	*src = (const uint8_t *)in;
	size_t		 i = 0, w = 0, n, need;

	while (i < inlen) {
		n = telnet_escape_unit(src, i, inlen, &need);
		if (need > outsz - w)
			break;
		if (src[i] == TELNET_IAC)
			out[w++] = TELNET_IAC;
		else if (src[i] == TELNET_LF)
			out[w++] = TELNET_CR;
		memcpy(out + w, src + i, n);
		w += n;
		i += n;
	}
	if (consumed != NULL)
		*consumed = i;
	return (w);
}

/* Whether c2 is allowed right after lead byte c1 (overlongs, surrogates). */
static bool
telnet_utf8_second_ok(uint8_t c1, uint8_t c2)
{
	if ((c2 & 0xc0) != 0x80)
		return (false);
	if (c1 == 0xe0)
		return (c2 >= 0xa0);
	if (c1 == 0xed)
		return (c2 <= 0x9f);
	if (c1 == 0xf0)
		return (c2 >= 0x90);
	if (c1 == 0xf4)
		return (c2 <= 0x8f);
	return (true);
}

/* Whether len bytes are well-formed UTF-8 (no overlongs, no surrogates). */
bool
telnet_utf8_valid(const uint8_t *s, size_t len)
{
	size_t	i = 0, n, k;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] < 0xc2 || s[i] > 0xf4)
			return (false);
		n = telnet_utf8_seqlen(s[i]);
		if (len - i < n || !telnet_utf8_second_ok(s[i], s[i + 1]))
			return (false);
		for (k = 2; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (false);
		}
		i += n;
	}
	return (true);
}
