/*
 * telnet.h — the telnet protocol as a pure state machine.
 *
 * Bytes from the socket go in with telnet_feed(); what comes out are events
 * delivered through one callback: complete input lines, refused over-long
 * lines, bytes that must be written back to the peer (option replies), and
 * subnegotiations of options we agreed to.  No sockets, so Check can feed
 * it byte by byte and a fuzzer can hammer it.  One allocation at most: the
 * first subnegotiation longer than TELNET_SB_INLINE bytes (a GMCP Supports
 * list) gets a TELNET_MAX_SB buffer, kept until telnet_free(), so the many
 * sessions that never send one carry 256 bytes for it instead of 8 KiB.
 */
#ifndef KEEP_TELNET_H
#define KEEP_TELNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TELNET_IAC	255
#define TELNET_DONT	254
#define TELNET_DO	253
#define TELNET_WONT	252
#define TELNET_WILL	251
#define TELNET_SB	250
#define TELNET_GA	249
#define TELNET_EL	248
#define TELNET_EC	247
#define TELNET_AYT	246
#define TELNET_AO	245
#define TELNET_IP	244
#define TELNET_BRK	243
#define TELNET_DM	242
#define TELNET_NOP	241
#define TELNET_SE	240
#define TELNET_EOR	239

#define TELNET_OPT_ECHO		1
#define TELNET_OPT_SGA		3
#define TELNET_OPT_TTYPE	24
#define TELNET_OPT_EOR		25
#define TELNET_OPT_NAWS		31
#define TELNET_OPT_CHARSET	42
#define TELNET_OPT_MSSP		70
#define TELNET_OPT_MCCP1	85	/* never offered (hangs Mudlet) */
#define TELNET_OPT_MCCP2	86
#define TELNET_OPT_MCCP3	87	/* refused */
#define TELNET_OPT_GMCP		201

/* Longest input line accepted, in bytes, not counting the line end. */
#define TELNET_MAX_LINE		512
/* Longest subnegotiation payload kept; longer ones are discarded whole.
 * GMCP input needs room: a script's Core.Supports.Set can be kilobytes. */
#define TELNET_MAX_SB		8192
/* Subnegotiation bytes kept inside struct telnet; longer go to the heap. */
#define TELNET_SB_INLINE	256

enum telnet_event_type {
	TELNET_EV_LINE,		/* data/len: one input line, no CR/LF, NUL-terminated */
	TELNET_EV_LINE_TOO_LONG,/* a line over TELNET_MAX_LINE ended; it was dropped */
	TELNET_EV_LINE_NUL,	/* a line with a NUL byte (not CR NUL) ended; dropped */
	TELNET_EV_SEND,		/* data/len: bytes to write to the peer as they are */
	TELNET_EV_SUBNEG,	/* option, data/len: a complete IAC SB ... IAC SE */
	TELNET_EV_OPTION,	/* option, local, enabled: turned on/off */
	TELNET_EV_INTERRUPT,	/* IAC IP or IAC BRK (a client's Ctrl-C) */
	TELNET_EV_REPEAT	/* option, local: the peer asked again for an
				 * option already on (DO MSSP for fresh
				 * figures); nothing is answered */
};

struct telnet_event {
	enum telnet_event_type	 type;
	const uint8_t		*data;
	size_t			 len;
	uint8_t			 option;
	bool			 local;		/* OPTION: our side (WILL) or theirs (DO) */
	bool			 enabled;	/* OPTION: now on */
};

typedef void (*telnet_event_cb)(const struct telnet_event *, void *);

/*
 * Per-option negotiation state, the "Q method" of RFC 1143: besides on and
 * off, remember that we asked and are waiting for the answer (WANT*), and
 * whether we changed our mind meanwhile (*_OPP), so that no request is ever
 * answered twice and no negotiation can loop.  Only YES counts as enabled.
 */
enum telnet_q {
	TELNET_Q_NO,
	TELNET_Q_YES,
	TELNET_Q_WANTNO,
	TELNET_Q_WANTNO_OPP,
	TELNET_Q_WANTYES,
	TELNET_Q_WANTYES_OPP
};

enum telnet_state {
	TELNET_S_DATA,
	TELNET_S_CR,
	TELNET_S_IAC,
	TELNET_S_OPT,
	TELNET_S_SB,
	TELNET_S_SB_DATA,
	TELNET_S_SB_IAC
};

struct telnet {
	enum telnet_state	 state;
	uint8_t			 verb;		/* WILL/WONT/DO/DONT being parsed */
	uint8_t			 sb_option;
	bool			 sb_overflow;
	size_t			 sb_len;
	uint8_t			 sb_small[TELNET_SB_INLINE];
	uint8_t			*sb_big;	/* NULL, or TELNET_MAX_SB bytes
						 * once an SB outgrew sb_small */

	bool			 line_overflow;
	bool			 line_nul;	/* a NUL byte came in this line */
	size_t			 line_len;
	uint8_t			 line[TELNET_MAX_LINE + 1];

	bool			 local_ok[256];	/* options we are willing to enable */
	bool			 remote_ok[256];/* options we let the peer enable */
	uint8_t			 local_q[256];	/* enum telnet_q, our side */
	uint8_t			 remote_q[256];	/* enum telnet_q, theirs */
	/* telnet_announce said WONT for an option the peer had agreed to:
	 * its DONT is the acknowledgement, not a refusal of a later WILL. */
	bool			 local_ack_due[256];

	telnet_event_cb		 cb;
	void			*cb_arg;
};

/* Reset the state machine; every option starts off and refused.  The
 * struct must be new or telnet_free'd. */
void	telnet_init(struct telnet *, telnet_event_cb, void *);
/* Free what a long subnegotiation allocated (telnet_init may follow). */
void	telnet_free(struct telnet *);
/* Allow an option to be enabled on our side (WILL) or the peer's (DO). */
void	telnet_support(struct telnet *, uint8_t option, bool local, bool remote);
/* Feed received bytes; events go to the callback in order (data borrowed). */
void	telnet_feed(struct telnet *, const uint8_t *, size_t);
/*
 * Ask to enable/disable an option on our side: emits IAC WILL/WONT via SEND.
 * Nothing is sent if the option is already so or a request is in flight
 * (the change is then queued, RFC 1143).  An agreeing answer is not replied
 * to.  Turning an option off takes effect at once (OPTION event, disabled).
 */
void	telnet_offer(struct telnet *, uint8_t option, bool enable);
/* Say WILL/WONT for our side now, whatever is pending (ECHO for passwords). */
void	telnet_announce(struct telnet *, uint8_t option, bool enable);
/* Ask the peer to enable/disable an option: IAC DO/DONT, as telnet_offer. */
void	telnet_request(struct telnet *, uint8_t option, bool enable);
/* Whether an option is on, locally (we WILL) or remotely (they WILL). */
bool	telnet_enabled(const struct telnet *, uint8_t option, bool local);

/*
 * Copy text for the peer into out (capacity outsz), doubling IAC bytes and
 * turning bare LF into CR LF.  Returns the bytes written; stops early (at a
 * character boundary) rather than overflow.  *consumed receives how much of
 * the input was used (consumed may be NULL).  With outsz >= 4 every call
 * makes progress.  Don't split CR LF between calls: a leading LF is bare.
 */
size_t	telnet_escape(const char *in, size_t inlen, uint8_t *out, size_t outsz,
	    size_t *consumed);

/* Whether len bytes are well-formed UTF-8 (no overlongs, no surrogates). */
bool	telnet_utf8_valid(const uint8_t *, size_t);

#endif
