/*
 * limit.c — token buckets and refused-input accounting (limit.h): pure
 * arithmetic on small structs, no I/O, no clock of its own.
 */
#include <stdio.h>
#include <string.h>

#include "net/limit.h"

/* Add the tokens earned since the last call; true if the bucket is full. */
bool
limit_refill(struct limit_bucket *b, uint64_t now_us, int rate, int burst)
{
	if (b->last_us == 0)
		b->tokens = burst;
	else if (now_us > b->last_us)
		b->tokens += (double)(now_us - b->last_us) * rate / 1e6;
	if (b->tokens >= burst)
		b->tokens = burst;
	if (now_us > b->last_us)
		b->last_us = now_us;
	return b->tokens >= burst;
}

/* Take one token if there is one. */
bool
limit_take(struct limit_bucket *b)
{
	if (b->tokens < 1)
		return false;
	b->tokens -= 1;
	return true;
}

/* A short name for a reason. */
const char *
limit_reason_name(enum limit_reason r)
{
	static const char	*names[LIMIT_NREASONS] = {
		[LIMIT_TOO_LONG] = "too long",
		[LIMIT_UTF8] = "invalid UTF-8",
		[LIMIT_NUL] = "NUL byte",
		[LIMIT_QUEUE] = "queue full",
		[LIMIT_RATE] = "over the command rate",
	};

	return (unsigned)r < LIMIT_NREASONS ? names[r] : "?";
}

/* Count one refusal: true if it gets a log line of its own. */
bool
limit_log_count(struct limit_log *l, enum limit_reason r)
{
	if (l->logged < LIMIT_LOG_FIRST) {
		l->logged++;
		return true;
	}
	if ((unsigned)r < LIMIT_NREASONS)
		l->count[r]++;
	return false;
}

/* Append n with thousands separators ("4,210") at out + *len. */
static void
limit_number(char *out, size_t outsz, size_t *len, unsigned long n)
{
	char	digits[32];
	int	nd = snprintf(digits, sizeof digits, "%lu", n);

	for (int i = 0; i < nd && *len + 1 < outsz; i++) {
		if (i > 0 && (nd - i) % 3 == 0 && *len + 2 < outsz)
			out[(*len)++] = ',';
		out[(*len)++] = digits[i];
	}
	out[*len] = '\0';
}

/* Append text at out + *len, truncating. */
static void
limit_text(char *out, size_t outsz, size_t *len, const char *text)
{
	size_t	n = strlen(text);

	if (n > outsz - 1 - *len)
		n = outsz - 1 - *len;
	memcpy(out + *len, text, n);
	*len += n;
	out[*len] = '\0';
}

/* Write the summary of the counted refusals and start counting afresh. */
bool
limit_log_summary(struct limit_log *l, int secs, char *out, size_t outsz)
{
	unsigned long	total = 0;
	size_t		len = 0;
	char		tail[48];
	bool		first = true;

	for (int r = 0; r < LIMIT_NREASONS; r++)
		total += l->count[r];
	if (total == 0 || outsz == 0)
		return false;
	out[0] = '\0';
	limit_number(out, outsz, &len, total);
	snprintf(tail, sizeof tail, " line%s refused in the last %d s (",
	    total == 1 ? "" : "s", secs);
	limit_text(out, outsz, &len, tail);
	for (int r = 0; r < LIMIT_NREASONS; r++) {
		if (l->count[r] == 0)
			continue;
		if (!first)
			limit_text(out, outsz, &len, ", ");
		first = false;
		limit_text(out, outsz, &len, limit_reason_name(r));
		limit_text(out, outsz, &len, ": ");
		limit_number(out, outsz, &len, l->count[r]);
	}
	limit_text(out, outsz, &len, ")");
	memset(l->count, 0, sizeof l->count);
	return true;
}
