/*
 * session_output.c — what a session sends: text with telnet escaping,
 * prompts ending in IAC GA (or EOR), unasked notifications, the echo
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
 * freezes the start of its output, so it cannot be drained.
 */
static void
session_cut_off(struct session *s)
{
	struct linger	lg = { .l_onoff = 1, .l_linger = 0 };
	evutil_socket_t	fd = bufferevent_getfd(s->bev);

	log_session(LOG_WARN, s->id, "output over %d KiB; closing",
	    session_cfg->max_output_kib);
	if (fd >= 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	session_close(s, NULL);
	session_release(s);
}

/*
 * Queue raw bytes for the peer, enforcing the output bound on everything
 * not yet delivered: our buffer and the kernel's send queue (which alone
 * can grow to megabytes).  Asking the kernel costs a system call, so
 * out_pending is an upper estimate: the total only grows by what is added
 * here (moving bytes from our buffer to the kernel does not change it, the
 * peer's acknowledgements shrink it), and it is measured again only when
 * the estimate would pass the bound.
 */
void
session_send_raw(struct session *s, const void *data, size_t len)
{
	size_t		 bound = (size_t)session_cfg->max_output_kib * 1024;
	struct evbuffer	*out;

	if (s->bev == NULL)
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

/* Queue plain text for the peer: "\n" becomes CR LF, 0xFF is escaped. */
static void
session_write_escaped(struct session *s, const char *text, size_t len)
{
	uint8_t	 buf[1024];
	size_t	 used, n;

	while (len > 0) {
		n = telnet_escape(text, len, buf, sizeof buf, &used);
		if (used == 0)
			break;
		session_send_raw(s, buf, n);
		text += used;
		len -= used;
	}
}

/*
 * Queue text for the peer; colour markup is rendered for the session (or
 * dropped), "\n" becomes CR LF, 0xFF is escaped.
 */
void
session_write(struct session *s, const char *text)
{
	char	 buf[1024];
	size_t	 len = strlen(text), used, n;
	int	 active = 0;

	if (s->closing || len == 0)
		return;
	s->at_prompt = false;
	if (strchr(text, COLOR_MARK) == NULL && strchr(text, '\x1b') == NULL) {
		session_write_escaped(s, text, len);
		return;
	}
	while (len > 0) {
		n = color_render(text, len, s->color, buf, sizeof buf, &used,
		    &active);
		if (used == 0)
			break;
		session_write_escaped(s, buf, n);
		text += used;
		len -= used;
	}
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
	session_write(s, prompt);
	session_send_raw(s, ga, sizeof ga);
	s->at_prompt = true;
}

/* Unasked text: its own line, then the prompt again. */
void
session_notify(struct session *s, const char *text)
{
	if (s->closing)
		return;
	if (s->at_prompt)
		session_write(s, "\n");
	session_write(s, text);
	session_write(s, "\n");
	session_reprompt(s);
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
