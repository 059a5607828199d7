/*
 * limit.h — the arithmetic of input limits, kept pure so it can be
 * unit-tested: a token bucket for a session's command rate, and the
 * accounting that turns a storm of refused lines into a few log lines
 * and one summary per interval.
 */
#ifndef KEEP_LIMIT_H
#define KEEP_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A token bucket: rate tokens a second, at most burst saved up. */
struct limit_bucket {
	double		tokens;
	uint64_t	last_us;	/* 0: never used, starts full */
};

/*
 * Add the tokens earned since the last call (now_us is a monotonic time
 * in microseconds); true if the bucket is now full, i.e. its owner has
 * been within the rate for at least burst / rate seconds.
 */
bool	limit_refill(struct limit_bucket *, uint64_t now_us, int rate,
	    int burst);
/* Take one token if there is one; false if the bucket is empty. */
bool	limit_take(struct limit_bucket *);

/* Why an input line was refused. */
enum limit_reason {
	LIMIT_TOO_LONG,		/* over TELNET_MAX_LINE bytes */
	LIMIT_UTF8,		/* not valid UTF-8 */
	LIMIT_NUL,		/* contained a NUL byte */
	LIMIT_QUEUE,		/* the input queue was full */
	LIMIT_RATE,		/* over the command rate */
	LIMIT_NREASONS
};

/* Refusals a session logs one line each for; later ones are summarised. */
#define LIMIT_LOG_FIRST		5
/* Seconds between summary lines while refusals go on. */
#define LIMIT_LOG_SECS		10

/* Refused lines of one session, for its log. */
struct limit_log {
	unsigned	logged;			/* refusals logged one by one */
	unsigned	count[LIMIT_NREASONS];	/* since the last summary */
};

/* A short name for a reason ("too long", "invalid UTF-8", ...). */
const char	*limit_reason_name(enum limit_reason);
/*
 * Count one refusal: true if it gets a log line of its own (one of the
 * first LIMIT_LOG_FIRST), false if it was only counted for the summary.
 */
bool	limit_log_count(struct limit_log *, enum limit_reason);
/*
 * Write the summary of the counted refusals into out (capacity outsz),
 * "4,210 lines refused in the last 10 s (too long: 4,000, invalid UTF-8:
 * 210)", and start counting afresh; false (out untouched) if none were
 * counted.
 */
bool	limit_log_summary(struct limit_log *, int secs, char *out,
	    size_t outsz);

#endif
