/*
 * session_output.c — what a session sends: text with telnet escaping,
 * prompts ending in IAC GA (or EOR), unasked notifications in batches
 * (one prompt after a batch, each message rendered once), the echo
 * switch, and the output bound: keepd's buffer and the kernel's send queue
 * together stay under max_output_kib, or a client that does not read is
 * cut off.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sys/ioctl.h>
#include <sys/socket.h>
#ifdef __linux__
#include <linux/sockios.h>
#endif

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "net/session.h"
#include "net/session_int.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/util.h"

/* Bytes the kernel holds for the peer: sent but not acknowledged, or unsent. */
static size_t
session_kernel_pending(struct session *s)
{
#ifdef SIOCOUTQ
	evutil_socket_t	fd = bufferevent_getfd(s->bev);
	int		n = 0;

	if (fd >= 0 && ioctl(fd, SIOCOUTQ, &n) == 0 && n > 0)
		return (size_t)n;
#else
	(void)s;
#endif
	return 0;
}

/*
 * The client is not reading: drop what waits for it, ours and the
 * kernel's (a reset on close, SO_LINGER 0), and close at once.  A graceful
 * close would leave up to max_output_kib queued in the kernel for a peer
 * that may never read it.  Ours goes with the bufferevent: libevent
 * freezes the start of its output, so it cannot be drained.  A zlib
 * stream is dropped unfinished: nothing more reaches the peer anyway.
 */
static void
session_cut_off(struct session *s)
{
	struct linger	lg = { .l_onoff = 1, .l_linger = 0 };
	evutil_socket_t	fd = bufferevent_getfd(s->bev);

	log_session(LOG_WARN, s->id, "output over %d KiB; closing",
	    session_cfg->max_output_kib);
	session_mccp_end(s, false);
	if (fd >= 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	session_close(s, NULL);
	session_release(s);
}

/*
 * Queue bytes on the socket as they are (compressed ones once MCCP2 is
 * on), enforcing the output bound on everything not yet delivered: our
 * buffer and the kernel's send queue (which alone can grow to megabytes).
 * Asking the kernel costs a system call, so out_pending is an upper
 * estimate: the total only grows by what is added here (moving bytes from
 * our buffer to the kernel does not change it, the peer's acknowledgements
 * shrink it), and it is measured again only when the estimate would pass
 * the bound.
 */
static void
session_queue_bytes(struct session *s, const void *data, size_t len)
{
	size_t		 bound = (size_t)session_cfg->max_output_kib * 1024;
	struct evbuffer	*out;

	if (s->bev == NULL || len == 0)
		return;
	out = bufferevent_get_output(s->bev);
	if (s->out_pending + len > bound) {
		s->out_pending = evbuffer_get_length(out) +
		    session_kernel_pending(s);
		if (s->out_pending + len > bound) {
			session_cut_off(s);
			return;
		}
	}
	s->out_pending += len;
	evbuffer_add(out, data, len);
}

/* Whether output goes through the MCCP2 compressor. */
static bool
session_compressing(const struct session *s)
{
	return s->proto != NULL && s->proto->z_on;
}

/*
 * Run bytes through the compressor (flush: Z_NO_FLUSH, Z_SYNC_FLUSH or
 * Z_FINISH) and queue what comes out.  A cut-off on the way ends the
 * stream, and this with it.
 */
static void
session_deflate(struct session *s, const void *data, size_t len, int flush)
{
	z_stream	*z = &s->proto->z;
	uint8_t		 out[4096];
	int		 rc;

	z->next_in = (Bytef *)(uintptr_t)data;
	z->avail_in = (uInt)len;
	do {
		z->next_out = out;
		z->avail_out = sizeof out;
		rc = deflate(z, flush);
		if (rc == Z_STREAM_ERROR)
			return;
		session_queue_bytes(s, out, sizeof out - z->avail_out);
		if (!session_compressing(s))
			return;
	} while (z->avail_out == 0 || z->avail_in > 0);
}

/* Bytes for the peer, compressed once MCCP2 is on (not flushed). */
static void
session_out(struct session *s, const void *data, size_t len)
{
	if (session_compressing(s))
		session_deflate(s, data, len, Z_NO_FLUSH);
	else
		session_queue_bytes(s, data, len);
}

/* The end of a message: make everything compressed so far decodable. */
static void
session_out_flush(struct session *s)
{
	if (session_compressing(s))
		session_deflate(s, NULL, 0, Z_SYNC_FLUSH);
}

/* Raw bytes for the peer, within the output bound; a message of its own
 * (flushed through the compressor). */
void
session_send_raw(struct session *s, const void *data, size_t len)
{
	session_out(s, data, len);
	session_out_flush(s);
}

/*
 * MCCP2 on (the client's DO): everything queued so far stays plain, then
 * IAC SB 86 IAC SE and the zlib header with the first flush go into the
 * same buffer, so one write carries the start sequence and the first
 * compressed bytes.  A 4 KiB window (windowBits 12, memLevel 5) keeps the
 * compressor near 32 KiB a connection instead of zlib's 256 KiB default.
 */
bool
session_mccp_start(struct session *s)
{
	static const uint8_t	start[] = { TELNET_IAC, TELNET_SB,
				    TELNET_OPT_MCCP2, TELNET_IAC, TELNET_SE };
	z_stream		*z = &s->proto->z;

	if (session_compressing(s))
		return true;
	memset(z, 0, sizeof *z);
	if (deflateInit2(z, 6, Z_DEFLATED, 12, 5, Z_DEFAULT_STRATEGY) != Z_OK) {
		log_session(LOG_WARN, s->id, "MCCP2: deflateInit2 failed");
		return false;
	}
	session_queue_bytes(s, start, sizeof start);
	s->proto->z_on = true;
	session_out_flush(s);
	log_session(LOG_DEBUG, s->id, "MCCP2 on");
	return session_compressing(s);
}

/* MCCP2 off: finish the stream (Z_FINISH) if asked, free the compressor. */
void
session_mccp_end(struct session *s, bool finish)
{
	if (!session_compressing(s))
		return;
	if (finish)
		session_deflate(s, NULL, 0, Z_FINISH);
	if (!session_compressing(s))
		return;		/* cut off meanwhile, which ended it */
	deflateEnd(&s->proto->z);
	s->proto->z_on = false;
	s->caps.mccp2 = false;
}

/* Where rendered bytes go: a session's output, or a prepared payload. */
typedef void (*session_sink)(void *, const void *, size_t);

/* Sink: queue bytes on a session (session_out). */
static void
session_sink_out(void *arg, const void *data, size_t len)
{
	session_out(arg, data, len);
}

/* Sink: append bytes to an evbuffer (a payload prepared once). */
static void
session_sink_evbuffer(void *arg, const void *data, size_t len)
{
	evbuffer_add(arg, data, len);
}

/* Plain text to sink: "\n" becomes CR LF, 0xFF is escaped. */
static void
session_write_escaped(session_sink sink, void *arg, const char *text,
    size_t len)
{
	uint8_t	 buf[1024];
	size_t	 used, n;

	while (len > 0) {
		n = telnet_escape(text, len, buf, sizeof buf, &used);
		if (used == 0)
			break;
		sink(arg, buf, n);
		text += used;
		len -= used;
	}
}

/*
 * Text wrapped to width columns (NAWS): code points are counted, colour
 * markup is not; a line breaks at its last space before the width, and
 * only a word longer than the width is cut.  NULL if no line is too long.
 */
static char *
session_wrap(const char *text, int width)
{
	size_t	 len = strlen(text), n = 0, space = 0;
	char	*out = NULL;
	int	 col = 0, col_space = 0;
	bool	 has_space = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)text[i];

		if (out == NULL && col < width) {
			/* Nothing to wrap yet: count without copying. */
		} else if (out == NULL) {
			out = xmalloc(2 * len + 1);
			memcpy(out, text, i);
			n = i;
		}
		if (c == '\n') {
			col = 0;
			has_space = false;
		} else if (c == (unsigned char)COLOR_MARK) {
			size_t	skip = i + 1 < len && text[i + 1] == '#' ?
				    4 : 1;

			skip = skip < len - i ? skip : len - i - 1;
			if (out != NULL)
				memcpy(out + n, text + i, skip + 1);
			n += skip + 1;
			i += skip;
			continue;
		} else if ((c & 0xc0) != 0x80 && c != '\r') {
			if (c == ' ' && col >= width &&
			    (i + 1 == len || text[i + 1] == '\n')) {
				/* A trailing space (a question's "? "):
				 * kept, never a line end before a prompt. */
				out[n++] = ' ';
				continue;
			}
			if (c == ' ' && col >= width) {
				/* A break where the line is full anyway. */
				out[n++] = '\n';
				col = 0;
				has_space = false;
				continue;
			}
			if (c == ' ') {
				has_space = true;
				space = n;
				col_space = col;
			}
			if (++col > width) {
				if (has_space) {
					out[space] = '\n';
					col -= col_space + 1;
					has_space = false;
				} else {
					out[n++] = '\n';
					col = 1;
				}
			}
		}
		if (out != NULL)
			out[n] = (char)c;
		n++;
	}
	if (out != NULL)
		out[n] = '\0';
	return out;
}

/*
 * Text as the peer gets it, to sink: colour markup rendered for color (or
 * dropped), wrapped to width columns (0: not wrapped), "\n" as CR LF,
 * 0xFF escaped.
 */
static void
session_render(const char *text, enum color_mode color, int width,
    session_sink sink, void *arg)
{
	char	 buf[1024];
	char	*wrapped = NULL;
	size_t	 len = strlen(text), used, n;
	int	 active = 0;

	if (width > 0 && (wrapped = session_wrap(text, width)) != NULL) {
		text = wrapped;
		len = strlen(text);
	}
	if (strchr(text, COLOR_MARK) == NULL && strchr(text, '\x1b') == NULL)
		session_write_escaped(sink, arg, text, len);
	else {
		const char	*p = text;

		while (len > 0) {
			n = color_render(p, len, color, buf, sizeof buf,
			    &used, &active);
			if (used == 0)
				break;
			session_write_escaped(sink, arg, buf, n);
			p += used;
			len -= used;
		}
	}
	free(wrapped);
}

/*
 * Queue text for the peer (not flushed); colour markup is rendered for
 * the session (or dropped), "\n" becomes CR LF, 0xFF is escaped; wrapped
 * to the client's width if it told one (NAWS) and wrap is set.
 */
static void
session_text(struct session *s, const char *text, bool wrap)
{
	if (s->closing || text[0] == '\0')
		return;
	s->at_prompt = false;
	session_render(text, s->color, wrap ? s->caps.width : 0,
	    session_sink_out, s);
}

/*
 * Queue text for the peer; colour markup is rendered for the session (or
 * dropped), "\n" becomes CR LF, 0xFF is escaped, long lines are wrapped
 * to the client's window (NAWS).
 */
void
session_write(struct session *s, const char *text)
{
	session_text(s, text, true);
	session_out_flush(s);
}

/* vprintf into session_write. */
void
session_vprintf(struct session *s, const char *fmt, va_list ap)
{
	char	*text = xvasprintf(fmt, ap);

	session_write(s, text);
	free(text);
}

/* printf into session_write. */
void
session_printf(struct session *s, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	session_vprintf(s, fmt, ap);
	va_end(ap);
}

/* Send a prompt ending in IAC GA (or IAC EOR when the client agreed). */
void
session_prompt(struct session *s, const char *prompt)
{
	uint8_t	ga[2] = { TELNET_IAC, TELNET_GA };

	if (s->closing)
		return;
	if (telnet_enabled(&s->telnet, TELNET_OPT_EOR, true))
		ga[1] = TELNET_EOR;
	/* Never wrapped; marker and text in one flush. */
	session_text(s, prompt, false);
	session_out(s, ga, sizeof ga);
	session_out_flush(s);
	s->at_prompt = true;
}

/*
 * A batch of notifications (session_batch_*).  One message's bytes are
 * rendered once per distinct (colour mode, width) among its recipients
 * (usually one or two variants) and copied to each; a session that got
 * text is queued on the batch and gets one prompt and one compressor
 * flush when the batch ends, however many messages it got.
 */
#define SESSION_VARIANTS	8

struct session_variant {
	enum color_mode	 color;
	int		 width;
	struct evbuffer	*bytes;	/* the text and its line end, rendered */
};

static struct {
	const char		*text;	/* the message (borrowed) */
	struct session_variant	 v[SESSION_VARIANTS];
	size_t			 nv;
	struct session		*head;	/* sessions that got text */
} session_batch;

/* The bytes of the current message for s's colour mode and width. */
static struct evbuffer *
session_batch_variant(const struct session *s)
{
	struct session_variant	*v;
	size_t			 i;

	for (i = 0; i < session_batch.nv; i++) {
		v = &session_batch.v[i];
		if (v->color == s->color && v->width == s->caps.width)
			return v->bytes;
	}
	if (i == SESSION_VARIANTS)
		return NULL;
	v = &session_batch.v[session_batch.nv++];
	v->color = s->color;
	v->width = s->caps.width;
	v->bytes = evbuffer_new();
	session_render(session_batch.text, v->color, v->width,
	    session_sink_evbuffer, v->bytes);
	evbuffer_add(v->bytes, "\r\n", 2);
	return v->bytes;
}

/* Start the next message of a batch: text (borrowed until the next call or
 * session_batch_end) is what session_batch_text sends. */
void
session_batch_message(const char *text)
{
	for (size_t i = 0; i < session_batch.nv; i++)
		evbuffer_free(session_batch.v[i].bytes);
	session_batch.nv = 0;
	session_batch.text = text;
}

/*
 * Unasked text for s (the batch's current message): its own line, with
 * no prompt yet: session_batch_end shows the prompt again once.
 */
void
session_batch_text(struct session *s)
{
	struct evbuffer	*b;

	if (s->closing || session_batch.text == NULL)
		return;
	if (s->at_prompt)
		session_out(s, "\r\n", 2);
	s->at_prompt = false;
	if ((b = session_batch_variant(s)) == NULL) {
		/* More variants than kept: rendered for this session alone. */
		session_text(s, session_batch.text, true);
		session_out(s, "\r\n", 2);
	} else
		session_out(s, evbuffer_pullup(b, -1), evbuffer_get_length(b));
	if (!s->batched && !s->closing) {
		s->batched = true;
		s->batch_next = session_batch.head;
		session_batch.head = s;
	}
}

/* The batch is over: each session that got text gets its prompt again and
 * its compressed output flushed, once. */
void
session_batch_end(void)
{
	struct session	*s, *next;

	session_batch_message(NULL);
	for (s = session_batch.head; s != NULL; s = next) {
		next = s->batch_next;
		s->batched = false;
		s->batch_next = NULL;
		if (s->closing)
			continue;
		session_reprompt(s);
		/* A prompt flushed; a busy session got none. */
		if (!s->at_prompt)
			session_out_flush(s);
	}
	session_batch.head = NULL;
}

/* Turn the client's local echo off (for a password) or back on. */
void
session_echo(struct session *s, bool off)
{
	if (s->echo_off == off)
		return;
	s->echo_off = off;
	telnet_announce(&s->telnet, TELNET_OPT_ECHO, off);
}
