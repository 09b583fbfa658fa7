/*
 * Timing helpers for the benchmark programs (user/bench,
 * user/posix/posixbench).
 *
 * Under QEMU with -icount shift=0 rdtsc counts guest instructions; without
 * it, TCG cycles.  A figure is reported as the median, min and max of its
 * samples, less the cost of the two rdtsc reads themselves.
 */
#ifndef TESS_BENCH_H
#define TESS_BENCH_H

#include <stdint.h>
#include <stdio.h>

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Insertion sort: the sample arrays are small and mostly in order. */
static inline void bench_sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint64_t x = v[i];
		int j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static inline uint64_t bench_less(uint64_t v, uint64_t overhead)
{
	return v > overhead ? v - overhead : 0;
}

/* The cost of reading the counter: the median of `n` back-to-back pairs
 * (v is scratch space for n samples). */
static inline uint64_t bench_counter_cost(uint64_t *v, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t t0 = rdtsc();
		uint64_t t1 = rdtsc();
		v[i] = t1 - t0;
	}
	bench_sort(v, n);
	return v[n / 2];
}

/* Sort the samples and print `bench NAME median=N min=N max=N n=N`. */
static inline void bench_report(const char *name, uint64_t *v, int n,
				uint64_t overhead)
{
	bench_sort(v, n);
	printf("bench %s median=%lu min=%lu max=%lu n=%d\n", name,
	       (unsigned long)bench_less(v[n / 2], overhead),
	       (unsigned long)bench_less(v[0], overhead),
	       (unsigned long)bench_less(v[n - 1], overhead), n);
}

#endif
