/*
 * session_proto.c — the session's side of the MUD protocols: the offers
 * made on connect, TTYPE/MTTS, NAWS, CHARSET, EOR, GMCP (Core.* and module
 * gating), MSSP framing and MCCP2's start and end (docs/protocol.md).
 * The telnet machine (telnet.c) does RFC 1143 and the SB framing; this
 * file gives the agreed options their meaning.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "net/session.h"
#include "net/session_int.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/util.h"

#define TTYPE_IS		0
#define TTYPE_SEND		1
#define CHARSET_REQUEST		1
#define CHARSET_ACCEPTED	2
#define CHARSET_REJECTED	3
#define CHARSET_TTABLE_IS	4
#define CHARSET_TTABLE_REJECTED	5
#define MSSP_VAR		1
#define MSSP_VAL		2

/* Width of wrapped text: NAWS columns are clamped to this range. */
#define NAWS_MIN_WIDTH		20
#define NAWS_MAX_WIDTH		250

/* The options offered on connect, in this order (b.1): 21 bytes. */
static const struct {
	uint8_t	option;
	bool	local;		/* WILL (ours) or DO (theirs) */
} session_offers[] = {
	{ TELNET_OPT_TTYPE, false },
	{ TELNET_OPT_NAWS, false },
	{ TELNET_OPT_CHARSET, true },
	{ TELNET_OPT_EOR, true },
	{ TELNET_OPT_GMCP, true },
	{ TELNET_OPT_MSSP, true },
	{ TELNET_OPT_MCCP2, true },
};

/*
 * Allocate the negotiation state, agree to the options Keep speaks, and
 * offer them (unless telnet_offers is "none"): every IAC goes into the
 * output buffer before the login dialog's "Name: ", so one write carries
 * them all.  Nothing waits for an answer.
 */
void
session_proto_open(struct session *s)
{
	struct telnet	*t = &s->telnet;
	const char	*offers = session_cfg->telnet_offers;
	size_t		 i;

	s->proto = xcalloc(1, sizeof *s->proto);
	telnet_support(t, TELNET_OPT_TTYPE, false, true);
	telnet_support(t, TELNET_OPT_NAWS, false, true);
	telnet_support(t, TELNET_OPT_CHARSET, true, true);
	telnet_support(t, TELNET_OPT_EOR, true, false);
	telnet_support(t, TELNET_OPT_GMCP, true, false);
	telnet_support(t, TELNET_OPT_MSSP, true, false);
	telnet_support(t, TELNET_OPT_MCCP2, true, false);
	if (offers != NULL && strcmp(offers, "none") == 0)
		return;
	for (i = 0; i < sizeof session_offers / sizeof *session_offers; i++) {
		if (session_offers[i].local)
			telnet_offer(t, session_offers[i].option, true);
		else
			telnet_request(t, session_offers[i].option, true);
	}
}

/* Free the negotiation state (and a compressor left over). */
void
session_proto_free(struct session *s)
{
	if (s->proto == NULL)
		return;
	session_mccp_end(s, false);
	free(s->proto->mods);
	free(s->proto);
	s->proto = NULL;
}

/* Send IAC SB option <payload> IAC SE, doubling IAC in the payload. */
static void
session_sb(struct session *s, uint8_t option, const void *payload,
    size_t len)
{
	const uint8_t	*p = payload;
	uint8_t		*buf = xmalloc(2 * len + 5);
	size_t		 n = 0;

	buf[n++] = TELNET_IAC;
	buf[n++] = TELNET_SB;
	buf[n++] = option;
	for (size_t i = 0; i < len; i++) {
		buf[n++] = p[i];
		if (p[i] == TELNET_IAC)
			buf[n++] = TELNET_IAC;
	}
	buf[n++] = TELNET_IAC;
	buf[n++] = TELNET_SE;
	session_send_raw(s, buf, n);
	free(buf);
}

/* -------------------------------------------------------------------------
 * TTYPE / MTTS (b.3).
 */

/* Ask the client for its (next) terminal type. */
static void
session_ttype_send(struct session *s)
{
	static const uint8_t	send = TTYPE_SEND;

	s->proto->ttype_sent++;
	session_sb(s, TELNET_OPT_TTYPE, &send, 1);
}

/* Whether name is one of the clients known to show ANSI colour. */
static bool
session_ansi_client(const char *name)
{
	static const char *const known[] = {
		"MUDLET", "TINTIN++", "MUSHCLIENT", "CMUD", "ZMUD", "BEIP",
		"POTATO", "ATLANTIS", "KILDCLIENT", "TINYFUGUE", "PUTTY",
		"BLIGHTMUD", "AXMUD", NULL
	};

	for (int i = 0; known[i] != NULL; i++)
		if (strcasecmp(name, known[i]) == 0)
			return true;
	return false;
}

/* Whether s ends in suffix, ignoring case. */
static bool
session_ends_with(const char *s, const char *suffix)
{
	size_t	n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Whether a terminal type names a colour terminal. */
static bool
session_ansi_term(const char *term)
{
	return strcasestr(term, "ANSI") != NULL ||
	    strcasestr(term, "VT100") != NULL ||
	    strcasestr(term, "XTERM") != NULL ||
	    session_ends_with(term, "-COLOR");
}

/* Derive the colour, UTF-8 and screen-reader bits from what was learnt. */
static void
session_caps_derive(struct session *s)
{
	struct session_caps	*c = &s->caps;
	unsigned		 m = c->mtts;

	c->ansi = (m & 1) || session_ansi_client(c->client) ||
	    session_ansi_client(c->term) || session_ansi_term(c->client) ||
	    session_ansi_term(c->term);
	c->xterm256 = (m & 8) || session_ends_with(c->client, "-256COLOR") ||
	    session_ends_with(c->term, "-256COLOR") ||
	    strcasecmp(c->client, "MUDLET") == 0 ||
	    strcasecmp(c->client, "TINTIN++") == 0;
	c->truecolor = (m & 256) != 0;
	c->utf8 = (m & 4) || s->proto->charset_utf8;
	c->screenreader = (m & 64) != 0;
}

/* Copy the printable ASCII of len bytes into out (at most 64 bytes). */
static void
session_printable(const uint8_t *in, size_t len, char out[65])
{
	size_t	n = 0;

	for (size_t i = 0; i < len && n < 64; i++)
		if (in[i] >= 0x20 && in[i] < 0x7f)
			out[n++] = (char)in[i];
	out[n] = '\0';
}

/*
 * One TTYPE IS reply.  The first is the client's name, the next its
 * terminal, then MTTS; stop when a reply starts with "MTTS ", repeats the
 * previous or the first one, when the first one was "ANSI" (Windows
 * telnet locks up on cycling), or after SESSION_TTYPE_MAX requests.
 */
static void
session_ttype(struct session *s, const uint8_t *data, size_t len)
{
	struct session_proto	*p = s->proto;
	char			 reply[65];
	bool			 stop = false;

	if (len < 1 || data[0] != TTYPE_IS || p->ttype_done ||
	    p->ttype_sent == 0)
		return;
	session_printable(data + 1, len - 1, reply);
	if (strncasecmp(reply, "MTTS ", 5) == 0) {
		s->caps.mtts = (unsigned)strtoul(reply + 5, NULL, 10);
		stop = true;
	} else if (p->ttype_sent == 1) {
		util_strlcpy(p->ttype_first, reply, sizeof p->ttype_first);
		util_strlcpy(s->caps.client, reply, sizeof s->caps.client);
		stop = strcasecmp(reply, "ANSI") == 0;
	} else if (strcasecmp(reply, p->ttype_prev) == 0 ||
	    strcasecmp(reply, p->ttype_first) == 0)
		stop = true;
	else if (s->caps.term[0] == '\0')
		util_strlcpy(s->caps.term, reply, sizeof s->caps.term);
	util_strlcpy(p->ttype_prev, reply, sizeof p->ttype_prev);
	session_caps_derive(s);
	if (stop || p->ttype_sent >= SESSION_TTYPE_MAX) {
		p->ttype_done = true;
		log_session(LOG_INFO, s->id, "client \"%s\" term \"%s\" mtts %u",
		    s->caps.client, s->caps.term, s->caps.mtts);
		return;
	}
	session_ttype_send(s);
}

/* -------------------------------------------------------------------------
 * NAWS (b.4): 4 bytes, IAC doubling already undone by telnet.c.
 */
static void
session_naws(struct session *s, const uint8_t *data, size_t len)
{
	int	w, h;

	if (len != 4)
		return;
	w = data[0] << 8 | data[1];
	h = data[2] << 8 | data[3];
	if (w != 0 && w < NAWS_MIN_WIDTH)
		w = NAWS_MIN_WIDTH;
	if (w > NAWS_MAX_WIDTH)
		w = NAWS_MAX_WIDTH;
	s->caps.width = w;
	s->caps.height = h;
}

/* -------------------------------------------------------------------------
 * CHARSET (b.5): only UTF-8 is ever offered or accepted.
 */

/* Send our REQUEST " UTF-8", once per connection. */
static void
session_charset_request(struct session *s)
{
	static const uint8_t	req[] = { CHARSET_REQUEST, ' ', 'U', 'T', 'F',
				    '-', '8' };

	if (s->proto->charset_sent)
		return;
	s->proto->charset_sent = true;
	session_sb(s, TELNET_OPT_CHARSET, req, sizeof req);
}

/* Whether a REQUEST's list (after the verb) names UTF-8. */
static bool
session_charset_lists_utf8(const uint8_t *p, size_t len)
{
	size_t	i, start;
	uint8_t	sep;

	if (len >= 8 && memcmp(p, "[TTABLE]", 8) == 0) {
		p += 9;		/* the version byte too */
		len = len >= 9 ? len - 9 : 0;
	}
	if (len < 2)
		return false;
	sep = p[0];
	for (start = i = 1; i <= len; i++) {
		if (i < len && p[i] != sep)
			continue;
		if (i - start == 5 && strncasecmp((const char *)p + start,
		    "UTF-8", 5) == 0)
			return true;
		start = i + 1;
	}
	return false;
}

/* One CHARSET subnegotiation. */
static void
session_charset(struct session *s, const uint8_t *data, size_t len)
{
	static const uint8_t	accepted[] = { CHARSET_ACCEPTED, 'U', 'T',
				    'F', '-', '8' };
	static const uint8_t	rejected = CHARSET_REJECTED;
	static const uint8_t	ttable_rejected = CHARSET_TTABLE_REJECTED;

	if (len < 1)
		return;
	switch (data[0]) {
	case CHARSET_ACCEPTED:
		s->proto->charset_utf8 = len == 6 &&
		    strncasecmp((const char *)data + 1, "UTF-8", 5) == 0;
		break;
	case CHARSET_REJECTED:
		s->proto->charset_utf8 = false;
		break;
	case CHARSET_REQUEST:
		s->proto->charset_utf8 = session_charset_lists_utf8(data + 1,
		    len - 1);
		if (s->proto->charset_utf8)
			session_sb(s, TELNET_OPT_CHARSET, accepted,
			    sizeof accepted);
		else
			session_sb(s, TELNET_OPT_CHARSET, &rejected, 1);
		break;
	case CHARSET_TTABLE_IS:
		session_sb(s, TELNET_OPT_CHARSET, &ttable_rejected, 1);
		break;
	default:
		break;
	}
	session_caps_derive(s);
}

/* -------------------------------------------------------------------------
 * GMCP (b.6).
 */

/* The index of a module in the enabled set, or -1. */
static int
session_gmcp_find(const struct session_proto *p, const char *name,
    size_t len)
{
	for (int i = 0; i < p->nmods; i++)
		if (strlen(p->mods[i]) == len &&
		    strncasecmp(p->mods[i], name, len) == 0)
			return i;
	return -1;
}

/*
 * Apply Core.Supports.Set/Add/Remove's list ("Char 1", "Room"): the name
 * is the text before a space, its version is ignored.  Returns whether a
 * module was enabled that was not before (for Set: before the call).
 */
static bool
session_gmcp_supports(struct session *s, json_t *list, char op,
    char old[][SESSION_GMCP_NAME], int nold)
{
	struct session_proto	*p = s->proto;
	bool			 added = false;
	size_t			 i, len;
	json_t			*v;
	const char		*name;
	int			 at;

	json_array_foreach(list, i, v) {
		if (!json_is_string(v))
			continue;
		name = json_string_value(v);
		len = strcspn(name, " ");
		if (len == 0 || len >= SESSION_GMCP_NAME)
			continue;
		at = session_gmcp_find(p, name, len);
		if (op == 'r') {
			if (at >= 0)
				memcpy(p->mods[at], p->mods[--p->nmods],
				    SESSION_GMCP_NAME);
			continue;
		}
		if (at >= 0 || p->nmods == SESSION_GMCP_MODS)
			continue;
		for (size_t k = 0; k < len; k++)
			p->mods[p->nmods][k] = (char)tolower(
			    (unsigned char)name[k]);
		p->mods[p->nmods][len] = '\0';
		p->nmods++;
		at = -1;
		for (int k = 0; k < nold; k++)
			if (strcmp(old[k], p->mods[p->nmods - 1]) == 0)
				at = k;
		added |= at < 0;
	}
	return added;
}

/* The value of a key of an object, the key compared ignoring case. */
static json_t *
session_json_get(json_t *obj, const char *key)
{
	const char	*k;
	json_t		*v;

	json_object_foreach(obj, k, v)
		if (strcasecmp(k, key) == 0)
			return v;
	return NULL;
}

/* Core.Hello: the client's name and version, unless TTYPE gave one. */
static void
session_gmcp_hello(struct session *s, json_t *body)
{
	json_t	*client = session_json_get(body, "client");
	json_t	*version = session_json_get(body, "version");
	char	 text[160];

	if (!json_is_string(client))
		return;
	snprintf(text, sizeof text, "%s%s%s", json_string_value(client),
	    json_is_string(version) ? " " : "",
	    json_is_string(version) ? json_string_value(version) : "");
	log_session(LOG_INFO, s->id, "GMCP Core.Hello: %.100s", text);
	if (s->caps.client[0] == '\0') {
		session_printable((const uint8_t *)text, strlen(text),
		    s->caps.client);
		session_caps_derive(s);
	}
}

/* One GMCP message from the client: "Package.Name[ json]". */
static void
session_gmcp_in(struct session *s, const uint8_t *data, size_t len)
{
	struct session_proto	*p = s->proto;
	char			 pkg[SESSION_GMCP_NAME];
	char			(*old)[SESSION_GMCP_NAME] = NULL;
	size_t			 n = 0;
	json_t			*body = NULL;
	bool			 added = false;
	int			 nold = 0;

	while (n < len && data[n] != ' ' && data[n] != '\n')
		n++;
	if (n == 0 || n >= sizeof pkg)
		return;
	memcpy(pkg, data, n);
	pkg[n] = '\0';
	if (n < len)
		body = json_loadb((const char *)data + n + 1, len - n - 1,
		    JSON_DECODE_ANY, NULL);
	if (strcasecmp(pkg, "Core.Ping") == 0)
		session_gmcp(s, "Core.Ping", NULL);
	else if (strcasecmp(pkg, "Core.Hello") == 0 && json_is_object(body))
		session_gmcp_hello(s, body);
	else if (strncasecmp(pkg, "Core.Supports.", 14) == 0 &&
	    json_is_array(body)) {
		if (p->mods == NULL)
			p->mods = xcalloc(SESSION_GMCP_MODS, sizeof *p->mods);
		old = xmalloc(SESSION_GMCP_MODS * sizeof *p->mods);
		memcpy(old, p->mods, SESSION_GMCP_MODS * sizeof *p->mods);
		nold = p->nmods;
		if (strcasecmp(pkg + 14, "Set") == 0) {
			p->nmods = 0;
			added = session_gmcp_supports(s, body, 's', old, nold);
		} else if (strcasecmp(pkg + 14, "Add") == 0)
			added = session_gmcp_supports(s, body, 'a', old, nold);
		else if (strcasecmp(pkg + 14, "Remove") == 0)
			session_gmcp_supports(s, body, 'r', old, nold);
		free(old);
	}
	/* Core.KeepAlive, unknown packages, bad JSON: nothing to do. */
	json_decref(body);
	if (added && s->key != 0 && session_cb->gmcp_ready != NULL)
		session_cb->gmcp_ready(s);
}

/* Whether a GMCP message of this package would be sent. */
bool
session_gmcp_wants(const struct session *s, const char *package)
{
	const struct session_proto	*p = s->proto;
	size_t				 len = strlen(package);

	if (!s->caps.gmcp || p == NULL)
		return false;
	if (strncasecmp(package, "Core.", 5) == 0)
		return true;
	/* A.B.C is wanted if the set has A.B.C, A.B or A. */
	while (len > 0) {
		if (session_gmcp_find(p, package, len) >= 0)
			return true;
		while (len > 0 && package[len - 1] != '.')
			len--;
		if (len > 0)
			len--;
	}
	return false;
}

/* Send a GMCP message if wanted; body is always consumed. */
void
session_gmcp(struct session *s, const char *package, json_t *body)
{
	char	*json = NULL, *msg;
	size_t	 plen = strlen(package), jlen = 0;

	if (s->closing || !session_gmcp_wants(s, package)) {
		json_decref(body);
		return;
	}
	if (body != NULL && !json_is_null(body)) {
		json = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
		jlen = json != NULL ? strlen(json) : 0;
	}
	json_decref(body);
	msg = xmalloc(plen + jlen + 2);
	memcpy(msg, package, plen);
	if (jlen > 0) {
		msg[plen] = ' ';
		memcpy(msg + plen + 1, json, jlen);
	}
	session_sb(s, TELNET_OPT_GMCP, msg, plen + (jlen > 0 ? jlen + 1 : 0));
	free(msg);
	free(json);
}

/* -------------------------------------------------------------------------
 * MSSP (b.8): the framing; the figures are the layer above's.
 */

/* Append text to buf without the bytes MSSP reserves (00 01 02 FF). */
static size_t
session_mssp_text(uint8_t *buf, const char *text)
{
	size_t	n = 0;

	for (; *text != '\0'; text++) {
		uint8_t	c = (uint8_t)*text;

		if (c > MSSP_VAL && c != TELNET_IAC)
			buf[n++] = c;
	}
	return n;
}

/* Send an MSSP subnegotiation if MSSP is agreed. */
void
session_mssp_send(struct session *s, const char *const *names,
    const char *const *values, size_t n)
{
	size_t	 cap = 0, len = 0;
	uint8_t	*buf;

	if (s->closing || !telnet_enabled(&s->telnet, TELNET_OPT_MSSP, true))
		return;
	for (size_t i = 0; i < n; i++)
		cap += strlen(names[i]) + strlen(values[i]) + 2;
	buf = xmalloc(cap + 1);
	for (size_t i = 0; i < n; i++) {
		buf[len++] = MSSP_VAR;
		len += session_mssp_text(buf + len, names[i]);
		buf[len++] = MSSP_VAL;
		len += session_mssp_text(buf + len, values[i]);
	}
	session_sb(s, TELNET_OPT_MSSP, buf, len);
	free(buf);
}

/* -------------------------------------------------------------------------
 * Events from the telnet machine.
 */

/* An option was turned on or off, or asked for again while on (only
 * MSSP answers that: one subnegotiation per DO). */
void
session_proto_option(struct session *s, const struct telnet_event *ev)
{
	bool	on = ev->enabled;

	if (ev->type == TELNET_EV_REPEAT) {
		if (ev->local && ev->option == TELNET_OPT_MSSP &&
		    session_cb->mssp != NULL)
			session_cb->mssp(s);
		return;
	}
	if (ev->local) {
		switch (ev->option) {
		case TELNET_OPT_EOR:
			s->caps.eor = on;
			break;
		case TELNET_OPT_GMCP:
			s->caps.gmcp = on;
			break;
		case TELNET_OPT_CHARSET:
			if (on)
				session_charset_request(s);
			break;
		case TELNET_OPT_MSSP:
			if (on && session_cb->mssp != NULL)
				session_cb->mssp(s);
			break;
		case TELNET_OPT_MCCP2:
			if (on)
				s->caps.mccp2 = session_mccp_start(s);
			else
				session_mccp_end(s, true);
			break;
		default:
			break;
		}
		return;
	}
	switch (ev->option) {
	case TELNET_OPT_TTYPE:
		if (on && s->proto->ttype_sent == 0)
			session_ttype_send(s);
		break;
	case TELNET_OPT_CHARSET:
		if (on)
			session_charset_request(s);
		break;
	default:
		break;
	}
}

/* A complete subnegotiation of an agreed option. */
void
session_proto_subneg(struct session *s, const struct telnet_event *ev)
{
	switch (ev->option) {
	case TELNET_OPT_TTYPE:
		session_ttype(s, ev->data, ev->len);
		break;
	case TELNET_OPT_NAWS:
		session_naws(s, ev->data, ev->len);
		break;
	case TELNET_OPT_CHARSET:
		session_charset(s, ev->data, ev->len);
		break;
	case TELNET_OPT_GMCP:
		if (telnet_enabled(&s->telnet, TELNET_OPT_GMCP, true))
			session_gmcp_in(s, ev->data, ev->len);
		break;
	default:
		break;
	}
}

/* What negotiation learned about the client. */
const struct session_caps *
session_caps(const struct session *s)
{
	return &s->caps;
}

/* How this session's text is coloured from now on. */
void
session_set_color(struct session *s, enum color_mode mode)
{
	s->color = mode;
}
