/*
 * log.h — the one log module: levels, an optional session prefix, control
 * bytes escaped.  Thread-safe; writes whole lines to stderr.
 */
#ifndef KEEP_LOG_H
#define KEEP_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Set the lowest level written; returns false for an unknown name. */
bool	log_set_level(const char *);
/* "text" (the default) or "json" lines; returns false for an unknown name. */
bool	log_set_format(const char *);
/* Route libevent's own messages into this module. */
void	log_hook_libevent(void);
/* Write one line at a level. */
void	log_msg(enum log_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Write one line prefixed with a session id ("[s42] ..."). */
void	log_session(enum log_level, uint64_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Stop the process after logging: start-up errors and broken invariants only. */
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...)	log_msg(LOG_ERROR, __VA_ARGS__)

#endif
