/*
 * fuzz_telnet.c — libFuzzer target for the telnet state machine
 * (server/net/telnet.c): arbitrary bytes from a "peer", server-side option
 * requests interleaved, and invariants checked on every event.
 *
 *   - events are well-formed: lines NUL-terminated, at most TELNET_MAX_LINE
 *     bytes, no control bytes (a line with a NUL is refused whole);
 *     subnegotiations bounded and only for options
 *     that are on; option events report real changes of telnet_enabled;
 *     replies are IAC WILL/WONT/DO/DONT or the AYT answer, never a WILL for
 *     an option already on, never more replies than bytes received;
 *   - the same input fed whole, in chunks and byte by byte gives the same
 *     events and the same final state;
 *   - every line survives telnet_escape and a second decoder unchanged;
 *   - telnet_escape (chunked into small buffers too) and telnet_utf8_valid
 *     agree with plain reference implementations;
 *   - two machines negotiating with each other (RFC 1143) always fall quiet
 *     and agree on every option.
 *
 * Input: a header, then the peer's bytes.
 *   [0] options we support locally: bit i is fuzz_opts[i]
 *   [1] options we let the peer enable
 *   [2] chunk size of the first run (0: everything at once)
 *   [3] bits 0-2: number of request bytes that follow the header;
 *       bit 3: answer every line with telnet_announce(ECHO), as the
 *       password prompt does, from inside the callback
 *   [4] [5] the local/remote masks of the second machine (negotiation run)
 *   then the request bytes (see fuzz_request and pp_request), then the body.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/telnet.h"
#include "fuzz.h"

#define HEADER		6
#define NOPTS		8
#define PP_MAX		1024	/* bytes in flight between the two machines */
#define PP_ROUNDS	16	/* exchanges before negotiation must be quiet */

/* ECHO, SGA, TTYPE, EOR, NAWS, GMCP, CHARSET and 255. */
static const uint8_t fuzz_opts[NOPTS] = {
	TELNET_OPT_ECHO, TELNET_OPT_SGA, TELNET_OPT_TTYPE, TELNET_OPT_EOR,
	TELNET_OPT_NAWS, TELNET_OPT_GMCP, TELNET_OPT_CHARSET, 255
};

struct run {
	struct telnet	 t;
	uint64_t	 hash;		/* FNV-1a of every event, in order */
	size_t		 events;
	size_t		 fed;		/* bytes fed so far */
	size_t		 sends;		/* SEND events so far */
	size_t		 asks;		/* our own calls that may send */
	bool		 on[2][256];	/* enabled as last reported, [local] */
	bool		 asked[2][256];	/* we asked for it on at some point */
	bool		 echo_lines;	/* telnet_announce(ECHO) on each line */
	bool		 echo_off;
	size_t		 rt_step;	/* round-trip lines, escaping so (0: no) */
};

/* The second decoder of the round trip, and what it saw. */
static struct telnet	rt;
static struct {
	size_t		 lines;
	size_t		 others;
	size_t		 len;
	uint8_t		 line[TELNET_MAX_LINE + 1];
} rt_got;

/* Mix bytes into an FNV-1a hash. */
static void
fuzz_hash(uint64_t *h, const void *p, size_t n)
{
	const uint8_t	*b = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 1099511628211ULL;
	}
}

/* Well-formed UTF-8, decoded the plain way: the reference for the fast one. */
static bool
ref_utf8_valid(const uint8_t *s, size_t n)
{
	static const uint32_t	min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t			i = 0, len, k;
	uint32_t		cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = s[i] & 0x07;
		} else
			return false;
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min[len] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* telnet_escape done the plain way: IAC doubled, LF without CR gets one. */
static size_t
ref_escape(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t	w = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i] == TELNET_IAC)
			out[w++] = TELNET_IAC;
		else if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[w++] = '\r';
		out[w++] = in[i];
	}
	return w;
}

/*
 * Escape in[0..n) into out (capacity cap) through a window of step bytes
 * (step >= 4), one telnet_escape call per window, checking each call.
 */
static size_t
escape_all(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t step)
{
	uint8_t	*win = malloc(step);	/* exact size: ASan sees overruns */
	bool	 valid = ref_utf8_valid(in, n);
	size_t	 i = 0, w = 0, used, k;

	FUZZ_CHECK(win != NULL);
	while (i < n) {
		k = telnet_escape((const char *)in + i, n - i, win, step, &used);
		FUZZ_CHECK(k <= step);
		FUZZ_CHECK(used > 0 && used <= n - i);
		FUZZ_CHECK(k >= used && w + k <= cap);
		i += used;
		if (i < n) {
			/* Never split CR LF, nor a character of valid text. */
			FUZZ_CHECK(!(in[i - 1] == '\r' && in[i] == '\n'));
			FUZZ_CHECK(!valid || (in[i] & 0xc0) != 0x80);
		}
		memcpy(out + w, win, k);
		w += k;
	}
	free(win);
	return w;
}

/* telnet_escape against the reference, whole, windowed and into tiny buffers. */
static void
check_escape(const uint8_t *in, size_t n, size_t step)
{
	size_t	 cap = 2 * n + 1, rlen, olen, used;
	uint8_t	*ref = malloc(cap), *out = malloc(cap), *tiny;

	FUZZ_CHECK(ref != NULL && out != NULL);
	rlen = ref_escape(in, n, ref);
	olen = escape_all(in, n, out, cap, step);
	FUZZ_CHECK(olen == rlen && memcmp(out, ref, rlen) == 0);
	olen = telnet_escape((const char *)in, n, out, rlen, &used);
	FUZZ_CHECK(olen == rlen && used == n);
	for (size_t sz = 0; sz < 4; sz++) {
		tiny = malloc(sz);
		olen = telnet_escape((const char *)in, n, tiny, sz, &used);
		FUZZ_CHECK(olen <= sz && used <= n);
		free(tiny);
	}
	free(ref);
	free(out);
}

/* What the round trip's decoder saw. */
static void
rt_cb(const struct telnet_event *ev, void *arg)
{
	(void)arg;
	if (ev->type != TELNET_EV_LINE) {
		rt_got.others++;
		return;
	}
	if (rt_got.lines++ == 0 && ev->len <= TELNET_MAX_LINE) {
		rt_got.len = ev->len;
		memcpy(rt_got.line, ev->data, ev->len);
	}
}

/* A line, escaped for the wire and decoded again, is the same line. */
static void
check_roundtrip(const uint8_t *line, size_t len, size_t step)
{
	uint8_t	wire[2 * TELNET_MAX_LINE + 2];
	size_t	n;

	n = escape_all(line, len, wire, sizeof wire - 2, step);
	wire[n++] = '\r';
	wire[n++] = '\n';
	memset(&rt_got, 0, sizeof rt_got);
	telnet_init(&rt, rt_cb, NULL);
	telnet_feed(&rt, wire, n);
	FUZZ_CHECK(rt_got.lines == 1 && rt_got.others == 0);
	FUZZ_CHECK(rt_got.len == len && memcmp(rt_got.line, line, len) == 0);
	telnet_free(&rt);
}

/* A LINE event: bounded, terminated, printable; answered like a prompt. */
static void
check_line(struct run *r, const struct telnet_event *ev)
{
	FUZZ_CHECK(ev->data != NULL && ev->len <= TELNET_MAX_LINE);
	FUZZ_CHECK(ev->data[ev->len] == '\0');
	for (size_t i = 0; i < ev->len; i++)
		FUZZ_CHECK(ev->data[i] >= 0x20 && ev->data[i] != 0x7f);
	FUZZ_CHECK(telnet_utf8_valid(ev->data, ev->len) ==
	    ref_utf8_valid(ev->data, ev->len));
	if (r->rt_step > 0)
		check_roundtrip(ev->data, ev->len, r->rt_step);
	if (r->echo_lines) {
		r->echo_off = !r->echo_off;
		if (r->echo_off)
			r->asked[1][TELNET_OPT_ECHO] = true;
		r->asks++;
		telnet_announce(&r->t, TELNET_OPT_ECHO, r->echo_off);
	}
}

/* A SEND event: an option reply that is not redundant, or the AYT answer. */
static void
check_send(struct run *r, const struct telnet_event *ev)
{
	const uint8_t	*d = ev->data;

	FUZZ_CHECK(d != NULL && ev->len > 0);
	r->sends++;
	if (ev->len == 3 && d[0] == TELNET_IAC) {
		FUZZ_CHECK(d[1] >= TELNET_WILL && d[1] <= TELNET_DONT);
		if (d[1] == TELNET_WILL)
			FUZZ_CHECK(!telnet_enabled(&r->t, d[2], true));
		if (d[1] == TELNET_DO)
			FUZZ_CHECK(!telnet_enabled(&r->t, d[2], false));
		return;
	}
	FUZZ_CHECK(ev->len == 7 && memcmp(d, "[Yes]\r\n", 7) == 0);
}

/* An OPTION event: a real change, allowed by telnet_support or asked for. */
static void
check_option(struct run *r, const struct telnet_event *ev)
{
	const bool	*ok = ev->local ? r->t.local_ok : r->t.remote_ok;

	FUZZ_CHECK(ev->enabled == telnet_enabled(&r->t, ev->option, ev->local));
	FUZZ_CHECK(ev->enabled != r->on[ev->local][ev->option]);
	r->on[ev->local][ev->option] = ev->enabled;
	if (ev->enabled)
		FUZZ_CHECK(ok[ev->option] || r->asked[ev->local][ev->option]);
}

/* Every event of the main runs: check it and fold it into the hash. */
static void
fuzz_cb(const struct telnet_event *ev, void *arg)
{
	struct run	*r = arg;
	uint8_t		 head[4] = { (uint8_t)ev->type, ev->option, ev->local,
			    ev->enabled };

	r->events++;
	fuzz_hash(&r->hash, head, sizeof head);
	fuzz_hash(&r->hash, &ev->len, sizeof ev->len);
	if (ev->data != NULL)
		fuzz_hash(&r->hash, ev->data, ev->len);
	switch (ev->type) {
	case TELNET_EV_LINE:
		check_line(r, ev);
		break;
	case TELNET_EV_LINE_TOO_LONG:
	case TELNET_EV_LINE_NUL:
	case TELNET_EV_INTERRUPT:
		FUZZ_CHECK(ev->data == NULL && ev->len == 0);
		break;
	case TELNET_EV_REPEAT:
		FUZZ_CHECK(ev->data == NULL && ev->len == 0 && ev->enabled);
		FUZZ_CHECK(telnet_enabled(&r->t, ev->option, ev->local));
		break;
	case TELNET_EV_SEND:
		check_send(r, ev);
		break;
	case TELNET_EV_SUBNEG:
		FUZZ_CHECK(ev->data != NULL && ev->len <= TELNET_MAX_SB);
		FUZZ_CHECK(telnet_enabled(&r->t, ev->option, true) ||
		    telnet_enabled(&r->t, ev->option, false));
		break;
	case TELNET_EV_OPTION:
		check_option(r, ev);
		break;
	default:
		FUZZ_CHECK(!"unknown event type");
	}
}

/* Apply a support mask: bit i allows fuzz_opts[i]. */
static void
fuzz_support(struct telnet *t, uint8_t local, uint8_t remote)
{
	for (int i = 0; i < NOPTS; i++)
		telnet_support(t, fuzz_opts[i], (local >> i) & 1,
		    (remote >> i) & 1);
}

/*
 * A server-side request between two chunks of input.  Bits 0-1: offer,
 * request, announce, request; bit 2: enable; bits 3-5: the option.
 */
static void
fuzz_request(struct run *r, uint8_t b)
{
	uint8_t	opt = fuzz_opts[(b >> 3) & 7];
	bool	enable = (b & 4) != 0;
	bool	local = (b & 3) == 0 || (b & 3) == 2;

	if (enable)
		r->asked[local][opt] = true;
	r->asks++;
	switch (b & 3) {
	case 0:
		telnet_offer(&r->t, opt, enable);
		break;
	case 2:
		telnet_announce(&r->t, opt, enable);
		break;
	default:
		telnet_request(&r->t, opt, enable);
		break;
	}
}

/* Feed n bytes chunk bytes at a time (0: at once); bound the replies. */
static void
fuzz_feed(struct run *r, const uint8_t *p, size_t n, size_t chunk)
{
	while (n > 0) {
		size_t	k = (chunk == 0 || chunk > n) ? n : chunk;

		telnet_feed(&r->t, p, k);
		r->fed += k;
		p += k;
		n -= k;
		FUZZ_CHECK(r->sends <= r->fed + r->asks);
	}
}

/* One session: the body fed in chunks, requests spread evenly through it. */
static void
fuzz_session(struct run *r, const uint8_t *hdr, const uint8_t *req,
    size_t nreq, const uint8_t *body, size_t len, size_t chunk)
{
	size_t	done = 0, at;

	telnet_init(&r->t, fuzz_cb, r);
	fuzz_support(&r->t, hdr[0], hdr[1]);
	r->hash = 14695981039346656037ULL;
	r->echo_lines = (hdr[3] & 8) != 0;
	for (size_t i = 0; i < nreq; i++) {
		at = len * (i + 1) / (nreq + 1);
		fuzz_feed(r, body + done, at - done, chunk);
		done = at;
		fuzz_request(r, req[i]);
	}
	fuzz_feed(r, body + done, len - done, chunk);
}

/* Both runs ended in the same state. */
static void
check_same_state(const struct telnet *a, const struct telnet *b)
{
	FUZZ_CHECK(a->state == b->state && a->verb == b->verb);
	FUZZ_CHECK(a->sb_option == b->sb_option && a->sb_len == b->sb_len);
	FUZZ_CHECK(a->sb_overflow == b->sb_overflow);
	FUZZ_CHECK(memcmp(a->sb_big != NULL ? a->sb_big : a->sb_small,
	    b->sb_big != NULL ? b->sb_big : b->sb_small, a->sb_len) == 0);
	FUZZ_CHECK(a->line_len == b->line_len);
	FUZZ_CHECK(a->line_overflow == b->line_overflow);
	FUZZ_CHECK(memcmp(a->line, b->line, a->line_len) == 0);
	FUZZ_CHECK(memcmp(a->local_q, b->local_q, sizeof a->local_q) == 0);
	FUZZ_CHECK(memcmp(a->remote_q, b->remote_q, sizeof a->remote_q) == 0);
}

/* -------------------------------------------------------------------------
 * Two machines negotiating with each other, nothing else on the wire.
 */

struct peer {
	struct telnet	 t;
	struct peer	*other;
	size_t		 inlen;
	uint8_t		 in[PP_MAX];
};

/* Replies go to the other machine; nothing but negotiation may appear. */
static void
pp_cb(const struct telnet_event *ev, void *arg)
{
	struct peer	*p = arg;
	struct peer	*o = p->other;

	switch (ev->type) {
	case TELNET_EV_SEND:
		FUZZ_CHECK(ev->len == 3 && o->inlen + ev->len <= PP_MAX);
		memcpy(o->in + o->inlen, ev->data, ev->len);
		o->inlen += ev->len;
		break;
	case TELNET_EV_OPTION:
		FUZZ_CHECK(ev->enabled ==
		    telnet_enabled(&p->t, ev->option, ev->local));
		break;
	case TELNET_EV_REPEAT:
		FUZZ_CHECK(telnet_enabled(&p->t, ev->option, ev->local));
		break;
	default:
		FUZZ_CHECK(!"negotiation produced data");
	}
}

/* Hand one machine what the other sent it. */
static void
pp_deliver(struct peer *p)
{
	uint8_t	buf[PP_MAX];
	size_t	n = p->inlen;

	memcpy(buf, p->in, n);
	p->inlen = 0;
	telnet_feed(&p->t, buf, n);
}

/* Exchange until both are quiet; a negotiation loop never gets there. */
static void
pp_pump(struct peer *a, struct peer *b)
{
	for (int round = 0; a->inlen > 0 || b->inlen > 0; round++) {
		FUZZ_CHECK(round < PP_ROUNDS);
		pp_deliver(a);
		pp_deliver(b);
	}
}

/*
 * A request by one of the machines.  Bits 0-2 and 3-5 as fuzz_request
 * (announce only for options the machine does not support, as the server
 * uses it for ECHO); bit 6: let everything in flight arrive first; bit 7:
 * which machine.
 */
static void
pp_request(struct peer *a, struct peer *b, uint8_t c)
{
	struct peer	*p = (c & 0x80) ? b : a;
	uint8_t		 opt = fuzz_opts[(c >> 3) & 7];
	bool		 enable = (c & 4) != 0;

	if (c & 0x40)
		pp_pump(a, b);
	switch (c & 3) {
	case 0:
		telnet_offer(&p->t, opt, enable);
		break;
	case 2:
		if (!p->t.local_ok[opt])
			telnet_announce(&p->t, opt, enable);
		else
			telnet_offer(&p->t, opt, enable);
		break;
	default:
		telnet_request(&p->t, opt, enable);
		break;
	}
}

/* RFC 1143: requests on both sides settle, and both agree on every option. */
static void
fuzz_negotiation(const uint8_t *hdr, const uint8_t *req, size_t nreq)
{
	static struct peer	a, b;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.other = &b;
	b.other = &a;
	telnet_init(&a.t, pp_cb, &a);
	telnet_init(&b.t, pp_cb, &b);
	fuzz_support(&a.t, hdr[0], hdr[1]);
	fuzz_support(&b.t, hdr[4], hdr[5]);
	for (size_t i = 0; i < nreq; i++)
		pp_request(&a, &b, req[i]);
	pp_pump(&a, &b);
	for (int o = 0; o < 256; o++) {
		FUZZ_CHECK(a.t.local_q[o] <= TELNET_Q_YES);
		FUZZ_CHECK(a.t.remote_q[o] <= TELNET_Q_YES);
		FUZZ_CHECK(b.t.local_q[o] <= TELNET_Q_YES);
		FUZZ_CHECK(b.t.remote_q[o] <= TELNET_Q_YES);
		FUZZ_CHECK(a.t.local_q[o] == b.t.remote_q[o]);
		FUZZ_CHECK(a.t.remote_q[o] == b.t.local_q[o]);
	}
	telnet_free(&a.t);
	telnet_free(&b.t);
}

/* One input: see the top of the file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run	 whole, bytes;
	const uint8_t		*req, *body;
	size_t			 nreq, len, chunk;

	if (size < HEADER)
		return 0;
	nreq = data[3] & 7;
	if (size < HEADER + nreq)
		return 0;
	req = data + HEADER;
	body = req + nreq;
	len = size - HEADER - nreq;
	chunk = data[2];

	memset(&whole, 0, sizeof whole);
	whole.rt_step = 4 + data[2] % 61;
	fuzz_session(&whole, data, req, nreq, body, len, chunk);
	memset(&bytes, 0, sizeof bytes);
	fuzz_session(&bytes, data, req, nreq, body, len, 1);
	FUZZ_CHECK(whole.events == bytes.events && whole.hash == bytes.hash);
	check_same_state(&whole.t, &bytes.t);
	telnet_free(&whole.t);
	telnet_free(&bytes.t);

	FUZZ_CHECK(telnet_utf8_valid(body, len) == ref_utf8_valid(body, len));
	check_escape(body, len, 4 + data[2] % 61);
	fuzz_negotiation(data, req, nreq);
	return 0;
}
