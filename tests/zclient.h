/*
 * zclient.h — the client side of an MCCP2 stream for the end-to-end
 * tests: what a telnet client reads, plain until the server's start
 * sequence (IAC SB COMPRESS2 IAC SE) and inflated after it, as one decoded
 * stream to wait in (tests/e2e/test_telnet_e2e.c, test_clients_e2e.c).
 */
#ifndef ZCLIENT_H
#define ZCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <zlib.h>

struct client;

/* The start sequence of an MCCP2 stream. */
#define ZC_START	"\xff\xfa\x56\xff\xf0"

struct zclient {
	struct client	*c;
	z_stream	 z;
	bool		 on;		/* inflating (the start sequence seen) */
	bool		 end;		/* Z_STREAM_END seen */
	bool		 eof;
	size_t		 step;		/* bytes a recv (0: as many as come) */
	char		 text[256 * 1024];	/* decoded: plain, then inflated */
	size_t		 len, pos;	/* decoded, and consumed */
};

/*
 * Start reading c through zc: compressed from the first byte if on (the
 * start sequence already read), else plain until the start sequence, which
 * stays in the text.  Bytes c has buffered but not consumed come first.
 */
void	zc_init(struct zclient *, struct client *, bool on, size_t step);
/* Read what comes within ms and decode it; false on timeout or EOF. */
bool	zc_read(struct zclient *, int ms);
/* Wait up to ms for needle in the decoded text; copy what came before it
 * into before (if not NULL, NUL-terminated) and consume it.  False on a
 * timeout or EOF. */
bool	zc_expect(struct zclient *, const void *needle, size_t needlelen,
	    int ms, char *before, size_t beforesz);
/* zc_expect of a string, or fail the test showing what came. */
void	zc_want(struct zclient *, const char *needle, int ms, char *before,
	    size_t beforesz);
/* Read until the server closes; true if the stream ended before. */
bool	zc_closed(struct zclient *, int ms);
/* Free the inflater. */
void	zc_free(struct zclient *);

#endif
