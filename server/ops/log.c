/*
 * log.c — levelled log lines on stderr, with control bytes escaped so a
 * player's input can never forge a log line or a terminal escape; or, with
 * log_format json, one JSON object per line (jansson escapes).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "log.h"

static enum log_level	 log_min = LOG_INFO;
static bool		 log_json;
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

/* Choose text or json lines; returns false for an unknown name. */
bool
log_set_format(const char *name)
{
	if (strcmp(name, "text") != 0 && strcmp(name, "json") != 0)
		return false;
	log_json = strcmp(name, "json") == 0;
	return true;
}

/*
 * Write one JSON line: {"ts", "level", "msg", "session"}.  A message that
 * is not UTF-8 (a player's bytes) goes with those bytes as "?".
 */
static void
log_write_json(enum log_level level, const char *stamp, long ms,
    uint64_t sid, const char *prefix, char *raw)
{
	char	 ts[48], msg[2100];
	json_t	*o, *m;
	char	*line;

	snprintf(ts, sizeof ts, "%s.%03ldZ", stamp, ms);
	snprintf(msg, sizeof msg, "%s%s", prefix, raw);
	if ((m = json_string(msg)) == NULL) {
		for (unsigned char *p = (unsigned char *)msg; *p != '\0'; p++)
			if (*p >= 0x80)
				*p = '?';
		m = json_string(msg);
	}
	o = json_pack("{s:s, s:s, s:o}", "ts", ts, "level", log_names[level],
	    "msg", m != NULL ? m : json_string(""));
	if (sid != 0)
		json_object_set_new(o, "session", json_integer((json_int_t)sid));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s\n", line != NULL ? line : "{}");
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
	free(line);
	json_decref(o);
}

/* Write one formatted line with an optional prefix, escaping control bytes. */
static void
log_write(enum log_level level, uint64_t sid, const char *prefix,
    const char *fmt, va_list ap)
{
	char		 raw[2048], clean[4096], stamp[32], sp[32] = "";
	struct timespec	 ts;
	struct tm	 tm;
	size_t		 o = 0;

	if (level < log_min)
		return;
	vsnprintf(raw, sizeof raw, fmt, ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	if (log_json) {
		log_write_json(level, stamp, ts.tv_nsec / 1000000, sid, prefix,
		    raw);
		return;
	}
	if (sid != 0)
		snprintf(sp, sizeof sp, "[s%llu] ", (unsigned long long)sid);
	for (const unsigned char *p = (const unsigned char *)raw;
	    *p != '\0' && o < sizeof clean - 5; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(clean + o, sizeof clean - o,
			    "\\x%02x", *p);
		else
			clean[o++] = (char)*p;
	}
	clean[o] = '\0';
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s.%03ldZ %-5s %s%s%s\n", stamp, ts.tv_nsec / 1000000,
	    log_names[level], sp, prefix, clean);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}

/* Write one line at a level. */
void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_write(level, 0, "", fmt, ap);
	va_end(ap);
}

/* Write one line prefixed with a session id. */
void
log_session(enum log_level level, uint64_t sid, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_write(level, sid, "", fmt, ap);
	va_end(ap);
}

/* Stop the process after logging. */
void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_write(LOG_ERROR, 0, "fatal: ", fmt, ap);
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
