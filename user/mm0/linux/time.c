/*
 * Linux clocks and randomness: clock_gettime and friends, time,
 * gettimeofday, times, the sleeps, getrandom.
 *
 * CLOCK_MONOTONIC counts from boot on the TSC (the root task measured its
 * rate, tsc_hz in the boot info).  CLOCK_REALTIME is that plus a fixed
 * epoch (2025-01-01 00:00:00 UTC): the machine has no wall clock mm0 can
 * read yet.  Process and thread CPU clocks read the monotonic clock.
 *
 * Sleeping: mm0 has no timer to wake a thread at a deadline yet, so
 * nanosleep and clock_nanosleep return at once, as if the time had
 * passed (0, nothing remaining).  Programs that sleep to wait for
 * something go on at once; none waits forever.
 *
 * getrandom reads mm0's generator (random.c), which never blocks once
 * seeded (it is seeded before the first process starts).
 */
#include <string.h>

#include "lx.h"

#define EPOCH_2025 1735689600ull
#define NSEC 1000000000ull

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

uint64_t lx_monotonic_ns(void)
{
	uint64_t hz = mm0.boot->tsc_hz, tsc = rdtsc();
	if (!hz) {
		struct tess_timeval tv;
		tess_time(&tv);
		return (uint64_t)tv.tv_sec * NSEC + (uint64_t)tv.tv_usec * 1000;
	}
	return tsc / hz * NSEC + tsc % hz * NSEC / hz;
}

uint64_t lx_realtime_ns(void)
{
	return EPOCH_2025 * NSEC + lx_monotonic_ns();
}

static long clock_ns(int clk, uint64_t *ns)
{
	switch (clk) {
	case LX_CLOCK_REALTIME:
	case LX_CLOCK_REALTIME_COARSE:
		*ns = lx_realtime_ns();
		return 0;
	case LX_CLOCK_MONOTONIC:
	case LX_CLOCK_MONOTONIC_RAW:
	case LX_CLOCK_MONOTONIC_COARSE:
	case LX_CLOCK_BOOTTIME:
	case LX_CLOCK_PROCESS_CPUTIME_ID:
	case LX_CLOCK_THREAD_CPUTIME_ID:
		*ns = lx_monotonic_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

long lx_sys_clock_gettime(struct task *t, struct lx_call *c)
{
	uint64_t ns;
	long r = clock_ns((int)c->a[0], &ns);
	if (r)
		return r;
	struct lx_timespec ts = {(int64_t)(ns / NSEC), (int64_t)(ns % NSEC)};
	return mm_copy_out(t->proc->mm, c->a[1], &ts, sizeof(ts)) ? -EFAULT : 0;
}

long lx_sys_clock_getres(struct task *t, struct lx_call *c)
{
	uint64_t ns;
	long r = clock_ns((int)c->a[0], &ns);
	if (r)
		return r;
	struct lx_timespec ts = {0, 1};
	if (c->a[1] && mm_copy_out(t->proc->mm, c->a[1], &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

long lx_sys_gettimeofday(struct task *t, struct lx_call *c)
{
	uint64_t ns = lx_realtime_ns();
	struct lx_timeval tv = {(int64_t)(ns / NSEC),
				(int64_t)(ns % NSEC / 1000)};
	int32_t tz[2] = {0, 0};
	if (c->a[0] && mm_copy_out(t->proc->mm, c->a[0], &tv, sizeof(tv)))
		return -EFAULT;
	if (c->a[1] && mm_copy_out(t->proc->mm, c->a[1], tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

long lx_sys_time(struct task *t, struct lx_call *c)
{
	int64_t s = (int64_t)(lx_realtime_ns() / NSEC);
	if (c->a[0] && mm_copy_out(t->proc->mm, c->a[0], &s, 8))
		return -EFAULT;
	return s;
}

/* times: no CPU time is accounted; the answer is clock ticks (100 Hz)
 * since boot. */
long lx_sys_times(struct task *t, struct lx_call *c)
{
	struct lx_tms tms;
	memset(&tms, 0, sizeof(tms));
	if (c->a[0] && mm_copy_out(t->proc->mm, c->a[0], &tms, sizeof(tms)))
		return -EFAULT;
	return (long)(lx_monotonic_ns() / (NSEC / 100));
}

static long sleep_check(struct task *t, uint64_t ureq, uint64_t urem)
{
	struct lx_timespec ts;
	if (mm_copy_in(t->proc->mm, &ts, ureq, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC)
		return -EINVAL;
	if (urem) {
		struct lx_timespec zero = {0, 0};
		if (mm_copy_out(t->proc->mm, urem, &zero, sizeof(zero)))
			return -EFAULT;
	}
	return 0;
}

long lx_sys_nanosleep(struct task *t, struct lx_call *c)
{
	return sleep_check(t, c->a[0], c->a[1]);
}

/* clock_nanosleep(clock, flags, request, remain). */
long lx_sys_clock_nanosleep(struct task *t, struct lx_call *c)
{
	uint64_t ns;
	if (clock_ns((int)c->a[0], &ns) ||
	    c->a[0] == LX_CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if (c->a[1] & ~(uint64_t)LX_TIMER_ABSTIME)
		return -EINVAL;
	return sleep_check(t, c->a[2],
			   (c->a[1] & LX_TIMER_ABSTIME) ? 0 : c->a[3]);
}

long lx_sys_getrandom(struct task *t, struct lx_call *c)
{
	uint64_t buf = c->a[0], len = c->a[1], flags = c->a[2];
	uint8_t chunk[256];

	if (flags &
	    ~(uint64_t)(LX_GRND_NONBLOCK | LX_GRND_RANDOM | LX_GRND_INSECURE))
		return -EINVAL;
	if ((flags & LX_GRND_RANDOM) && (flags & LX_GRND_INSECURE))
		return -EINVAL;
	if (len > 0x1ffffff)
		len = 0x1ffffff; /* Linux's cap on one call */
	for (uint64_t done = 0; done < len;) {
		size_t n =
		    len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		random_bytes(chunk, n);
		if (mm_copy_out(t->proc->mm, buf + done, chunk, n)) {
			memset(chunk, 0, sizeof(chunk));
			return done ? (long)done : -EFAULT;
		}
		done += n;
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)len;
}
