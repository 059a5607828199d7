/*
 * hist.c — the log-linear latency histogram of keep-bench.
 *
 * Bucket i < 128 holds exactly the value i.  Above that, a value with its
 * highest set bit at position m (m >= 7) is shifted right by m - 6 so that
 * 64 sub-buckets cover each power of two: the width of a bucket is at most
 * 1/64 of its lower bound.  This is HdrHistogram's layout with one
 * significant figure and a half, small enough (1344 counters) to keep one
 * per command kind plus one per progress second.
 */
#include <string.h>

#include "hist.h"

/* Empty the histogram. */
void
hist_reset(struct hist *h)
{
	memset(h, 0, sizeof *h);
}

/* The bucket a value falls in. */
unsigned
hist_index(uint64_t us)
{
	unsigned	msb, shift;

	if (us >= (1ULL << HIST_MAX_BITS))
		us = (1ULL << HIST_MAX_BITS) - 1;
	if (us < 2 * HIST_SUB)
		return (unsigned)us;
	msb = 63 - (unsigned)__builtin_clzll(us);
	shift = msb - HIST_SUB_BITS;
	return 2 * HIST_SUB + (shift - 1) * HIST_SUB +
	    (unsigned)((us >> shift) - HIST_SUB);
}

/* The smallest value of bucket i and its width. */
uint64_t
hist_lower(unsigned i, uint64_t *width)
{
	unsigned	shift;

	if (i < 2 * HIST_SUB) {
		*width = 1;
		return i;
	}
	shift = (i - 2 * HIST_SUB) / HIST_SUB + 1;
	*width = 1ULL << shift;
	return (uint64_t)((i - 2 * HIST_SUB) % HIST_SUB + HIST_SUB) << shift;
}

/* Record one value in microseconds. */
void
hist_add(struct hist *h, uint64_t us)
{
	h->b[hist_index(us)]++;
	if (h->n == 0 || us < h->min)
		h->min = us;
	if (us > h->max)
		h->max = us;
	h->n++;
	h->sum += us;
}

/* Add every count of src to dst. */
void
hist_merge(struct hist *dst, const struct hist *src)
{
	if (src->n == 0)
		return;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	if (dst->n == 0 || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->n += src->n;
	dst->sum += src->sum;
}

/*
 * The value at quantile q: the middle of the bucket holding the
 * ceil(q * n)-th smallest value, kept within the exact min and max.
 */
double
hist_quantile(const struct hist *h, double q)
{
	uint64_t	rank, seen = 0, lower, width;
	double		v;

	if (h->n == 0)
		return 0;
	if (q >= 1)
		return (double)h->max;
	rank = (uint64_t)(q * (double)h->n);
	if ((double)rank < q * (double)h->n)
		rank++;
	if (rank == 0)
		rank = 1;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen < rank)
			continue;
		lower = hist_lower(i, &width);
		v = (double)lower + (double)(width - 1) / 2;
		if (v < (double)h->min)
			v = (double)h->min;
		if (v > (double)h->max)
			v = (double)h->max;
		return v;
	}
	return (double)h->max;
}

/* The mean in microseconds. */
double
hist_mean(const struct hist *h)
{
	return h->n == 0 ? 0 : (double)h->sum / (double)h->n;
}
