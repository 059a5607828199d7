/*
 * session_input.c — what happens to each line the telnet machine delivers
 * before it may reach the session's queue: the command rate (a token
 * bucket: a warning, then refusals, then a cut-off), lines refused for
 * their bytes (too long, not UTF-8, a NUL), and the log of all that, which
 * a flood must not be able to turn into a log line per line it sends.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "net/session.h"
#include "net/session_int.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/util.h"

/* Log what was refused since the last summary, if anything was. */
static void
session_input_summary(struct session *s)
{
	char		line[256];
	uint64_t	secs = (util_now_us() - s->refused_since + 999999) /
			    1000000;

	if (limit_log_summary(&s->refused, (int)secs, line, sizeof line))
		log_session(LOG_WARN, s->id, "%s", line);
}

/* The summary interval is over. */
static void
session_input_summary_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	session_input_summary(arg);
}

/*
 * Count a refused line.  The first few of a session get a log line each
 * (fmt); after that they are only counted, and a timer writes one summary
 * line per LIMIT_LOG_SECS while they go on.
 */
void
session_input_refused(struct session *s, enum limit_reason r,
    const char *fmt, ...)
{
	struct timeval	 tv = { LIMIT_LOG_SECS, 0 };
	va_list		 ap;
	char		*text;

	if (limit_log_count(&s->refused, r)) {
		va_start(ap, fmt);
		text = xvasprintf(fmt, ap);
		va_end(ap);
		log_session(LOG_INFO, s->id, "%s%s", text,
		    s->refused.logged == LIMIT_LOG_FIRST ? " (further "
		    "refusals are summarised)" : "");
		free(text);
		return;
	}
	if (s->refused_timer == NULL)
		s->refused_timer = evtimer_new(session_base,
		    session_input_summary_cb, s);
	if (!evtimer_pending(s->refused_timer, NULL)) {
		s->refused_since = util_now_us();
		evtimer_add(s->refused_timer, &tv);
	}
}

/* The session is closing: log the last summary, stop its timer. */
void
session_input_end(struct session *s)
{
	if (s->refused_timer == NULL)
		return;
	session_input_summary(s);
	event_free(s->refused_timer);
	s->refused_timer = NULL;
}

/* Tell the player a line was refused, and prompt again. */
static void __attribute__((format(printf, 2, 3)))
session_input_tell(struct session *s, const char *fmt, ...)
{
	va_list	ap;

	/* A password's line end was not echoed: start a line of our own. */
	if (s->echo_off)
		session_write(s, "\n");
	va_start(ap, fmt);
	session_vprintf(s, fmt, ap);
	va_end(ap);
	session_reprompt(s);
}

/*
 * Whether the session is within its command rate; if not, the line is
 * refused here.  A session over the rate is warned once, then each
 * refused line is answered briefly, and after command_rate_refusals lines
 * with no pause (a pause: the bucket filled up again) it is cut off.
 */
static bool
session_input_rate(struct session *s)
{
	const struct config	*cfg = session_cfg;

	if (limit_refill(&s->rate, util_now_us(), cfg->command_rate,
	    cfg->command_burst)) {
		s->rate_refused = 0;
		s->rate_warned = false;
	}
	if (limit_take(&s->rate))
		return true;
	session_input_refused(s, LIMIT_RATE, "line over the command rate "
	    "(%d a second) refused", cfg->command_rate);
	if (++s->rate_refused > cfg->command_rate_refusals) {
		log_session(LOG_WARN, s->id, "over the command rate for %d "
		    "lines; disconnected", s->rate_refused - 1);
		session_close(s, "You kept sending commands too fast. "
		    "Goodbye.\n");
		return false;
	}
	if (!s->rate_warned) {
		s->rate_warned = true;
		session_input_tell(s, "You are sending commands too fast (more"
		    " than %d a second); that line was ignored. Slow down or "
		    "you will be cut off.\n", cfg->command_rate);
	} else
		session_input_tell(s, "%s", "Too fast; that line was "
		    "ignored.\n");
	return false;
}

/* A line event from the telnet machine: refuse it, or queue it. */
void
session_input_line(struct session *s, const struct telnet_event *ev)
{
	/* Every line counts against the rate, refused or not. */
	if (!session_input_rate(s))
		return;
	switch (ev->type) {
	case TELNET_EV_LINE_TOO_LONG:
		session_input_refused(s, LIMIT_TOO_LONG, "line over %d bytes "
		    "refused", TELNET_MAX_LINE);
		session_input_tell(s, "That line is too long (at most %d "
		    "bytes); it was ignored.\n", TELNET_MAX_LINE);
		break;
	case TELNET_EV_LINE_NUL:
		session_input_refused(s, LIMIT_NUL, "line with a NUL byte "
		    "refused");
		session_input_tell(s, "%s", "That line contained a NUL byte; "
		    "it was ignored.\n");
		break;
	case TELNET_EV_LINE:
		if (!telnet_utf8_valid(ev->data, ev->len)) {
			session_input_refused(s, LIMIT_UTF8, "invalid UTF-8 "
			    "line refused");
			session_input_tell(s, "%s", "That line was not valid "
			    "UTF-8 text; it was ignored.\n");
			break;
		}
		s->last_input = util_now_us();
		session_enqueue(s, (const char *)ev->data);
		break;
	default:
		break;
	}
}
