/*
 * hist.h — a log-linear latency histogram: exact below 128 µs, then 64
 * buckets per power of two (about 1.6% relative precision) up to 2^26 µs
 * (67 s).  Fixed size, no allocation; percentiles come from the counts.
 */
#ifndef KEEP_BENCH_HIST_H
#define KEEP_BENCH_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS	6
#define HIST_SUB	(1 << HIST_SUB_BITS)
#define HIST_MAX_BITS	26
#define HIST_BUCKETS	(2 * HIST_SUB + \
			    (HIST_MAX_BITS - HIST_SUB_BITS - 1) * HIST_SUB)

struct hist {
	uint64_t	n;
	uint64_t	sum;		/* µs */
	uint64_t	min;		/* µs, exact */
	uint64_t	max;		/* µs, exact */
	uint64_t	b[HIST_BUCKETS];
};

/* Empty the histogram. */
void		hist_reset(struct hist *);
/* Record one value in microseconds (values past 67 s land in the last
 * bucket; min and max stay exact). */
void		hist_add(struct hist *, uint64_t us);
/* Add every count of src to dst. */
void		hist_merge(struct hist *dst, const struct hist *src);
/* The value at quantile q (0..1) in microseconds; 0 when empty. */
double		hist_quantile(const struct hist *, double q);
/* The mean in microseconds; 0 when empty. */
double		hist_mean(const struct hist *);
/* The bucket a value falls in (exported for the unit checks). */
unsigned	hist_index(uint64_t us);
/* The smallest value of bucket i, and its width, in microseconds. */
uint64_t	hist_lower(unsigned i, uint64_t *width);

#endif
