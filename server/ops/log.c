/*
 * log.c — levelled log lines on stderr, with control bytes escaped so a
 * player's input can never forge a log line or a terminal escape.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"

static enum log_level	 log_min = LOG_INFO;
static pthread_mutex_t	 log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char	*log_names[] = { "debug", "info", "warn", "error" };

/* Set the lowest level written; returns false for an unknown name. */
bool
log_set_level(const char *name)
{
	for (size_t i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
		if (strcmp(name, log_names[i]) == 0) {
			log_min = (enum log_level)i;
			return true;
		}
	}
	return false;
}

/* Write one formatted line with an optional prefix, escaping control bytes. */
static void
log_write(enum log_level level, const char *prefix, const char *fmt,
    va_list ap)
{
	char		 raw[2048], clean[4096], stamp[32];
	struct timespec	 ts;
	struct tm	 tm;
	size_t		 o = 0;

	if (level < log_min)
		return;
	vsnprintf(raw, sizeof raw, fmt, ap);
	for (const unsigned char *p = (const unsigned char *)raw;
	    *p != '\0' && o < sizeof clean - 5; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(clean + o, sizeof clean - o,
			    "\\x%02x", *p);
		else
			clean[o++] = (char)*p;
	}
	clean[o] = '\0';
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s.%03ldZ %-5s %s%s\n", stamp, ts.tv_nsec / 1000000,
	    log_names[level], prefix, clean);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}

/* Write one line at a level. */
void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_write(level, "", fmt, ap);
	va_end(ap);
}

/* Write one line prefixed with a session id. */
void
log_session(enum log_level level, uint64_t sid, const char *fmt, ...)
{
	char	prefix[32];
	va_list	ap;

	snprintf(prefix, sizeof prefix, "[s%llu] ", (unsigned long long)sid);
	va_start(ap, fmt);
	log_write(level, prefix, fmt, ap);
	va_end(ap);
}

/* Stop the process after logging. */
void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_write(LOG_ERROR, "fatal: ", fmt, ap);
	va_end(ap);
	exit(1);
}

/* libevent's log callback: map its severities onto ours. */
static void
log_libevent_cb(int severity, const char *msg)
{
	enum log_level	level = LOG_DEBUG;

	if (severity == EVENT_LOG_MSG)
		level = LOG_INFO;
	else if (severity == EVENT_LOG_WARN)
		level = LOG_WARN;
	else if (severity == EVENT_LOG_ERR)
		level = LOG_ERROR;
	log_msg(level, "libevent: %s", msg);
}

/* Route libevent's own messages into this module. */
void
log_hook_libevent(void)
{
	event_set_log_callback(log_libevent_cb);
}
