/*
 * Linux clocks, timers and randomness: clock_gettime and friends, time,
 * gettimeofday, times, nanosleep and clock_nanosleep, alarm and the
 * ITIMER_REAL timer, getrandom; and the deadlines of every timed wait.
 *
 * Clocks.  CLOCK_MONOTONIC (and BOOTTIME, and the CPU-time clocks, which
 * read it too) is the kernel's monotonic clock, microseconds since boot,
 * the unit of every deadline.  CLOCK_REALTIME adds the offset of the
 * kernel's realtime clock (the CMOS clock at boot), read once.
 *
 * Deadlines.  A timed wait (nanosleep, a futex or poll with a timeout)
 * parks its thread with t->lx.deadline set when the call is first made;
 * mm0's receive gives up at the earliest deadline (lx_timer_next) and
 * lx_timers_run makes each expired call again, which sees its deadline
 * has passed and answers (0, -ETIMEDOUT, no descriptor ready).  An alarm
 * is a process's deadline: SIGALRM, then again every interval.
 *
 * getrandom reads mm0's generator (random.c), which never blocks.
 */
#include <string.h>

#include "lx.h"

#define NSEC 1000000000ull
#define ITIMER_REAL 0

static uint64_t realtime_offset_us; /* realtime - monotonic, read once */

uint64_t lx_now_us(void)
{
	return tess_now_us();
}

uint64_t lx_monotonic_ns(void)
{
	return lx_now_us() * 1000;
}

uint64_t lx_realtime_ns(void)
{
	if (!realtime_offset_us) {
		struct tess_timeval rt;
		uint64_t mono = lx_now_us();
		if (tess_clock(&rt, TIME_REALTIME) == 0)
			realtime_offset_us = (uint64_t)rt.tv_sec * 1000000 +
					     (uint64_t)rt.tv_usec - mono;
		if (!realtime_offset_us)
			realtime_offset_us = 1; /* no clock: the epoch */
	}
	return (lx_now_us() + realtime_offset_us) * 1000;
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
	struct lx_timespec ts = {0, 1000};
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

/* ------------------------------------------------------------ deadlines */

long lx_timeout_in(struct task *t, uint64_t uts, bool absolute, int clock,
		   uint64_t *deadline)
{
	struct lx_timespec ts;
	*deadline = 0;
	if (!uts)
		return 0;
	if (mm_copy_in(t->proc->mm, &ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC)
		return -EINVAL;
	uint64_t us =
	    (uint64_t)ts.tv_sec * 1000000 + ((uint64_t)ts.tv_nsec + 999) / 1000;
	uint64_t now = lx_now_us();
	if (!absolute)
		us = now + us;
	else if (clock == LX_CLOCK_REALTIME) {
		uint64_t rt_now = lx_realtime_ns() / 1000;
		us = us > rt_now ? now + (us - rt_now) : now;
	}
	*deadline = us ? us : 1; /* 0 means none */
	return 0;
}

/* The earliest deadline, recomputed only after something changed one
 * (a thread parked or unparked, an alarm set or run, a process ended). */
static bool timers_dirty = true;
static uint64_t timers_next;

void lx_timers_changed(void)
{
	timers_dirty = true;
}

uint64_t lx_timer_next(void)
{
	if (!timers_dirty)
		return timers_next;
	uint64_t next = DEADLINE_NEVER;
	for (struct task *t = tasks; t; t = t->next)
		if (t->lx.park != LX_PARK_NONE &&
		    t->lx.park != LX_PARK_STOPPED && t->lx.deadline &&
		    t->lx.deadline < next)
			next = t->lx.deadline;
	for (struct process *p = procs; p; p = p->next)
		if (!p->zombie && p->lx.alarm && p->lx.alarm < next)
			next = p->lx.alarm;
	timers_next = next;
	timers_dirty = false;
	return next;
}

void lx_timers_run(void)
{
	uint64_t now = lx_now_us();
	lx_timers_changed();
	/* One at a time from the start: a signal or an answer may end
	 * other processes and threads. */
	for (int n = 0; n < 1024; n++) {
		struct process *p = procs;
		while (p && !(!p->zombie && p->lx.alarm && p->lx.alarm <= now))
			p = p->next;
		if (!p)
			break;
		if (p->lx.alarm_every) {
			while (p->lx.alarm <= now)
				p->lx.alarm += p->lx.alarm_every;
		} else {
			p->lx.alarm = 0;
		}
		struct lx_sigsource src = {LX_SI_KERNEL, 0, 0, 0};
		lx_signal_process(p, LX_SIGALRM, &src);
	}
	for (int n = 0; n < 1024; n++) {
		struct task *t = tasks;
		while (t && !(t->lx.park != LX_PARK_NONE &&
			      t->lx.park != LX_PARK_STOPPED && t->lx.deadline &&
			      t->lx.deadline <= now))
			t = t->next;
		if (!t)
			break;
		if (lx_redo(t) && t->lx.deadline <= now)
			t->lx.deadline =
			    0; /* cannot be: it would come back here */
	}
}

/* ------------------------------------------------------------ sleeping */

static long sleep_park(struct task *t)
{
	if (lx_now_us() >= t->lx.deadline)
		return 0;
	return lx_park(t, LX_PARK_SLEEP, NULL);
}

long lx_sys_nanosleep(struct task *t, struct lx_call *c)
{
	if (!t->lx.redoing) {
		long r = lx_timeout_in(t, c->a[0], false, 0, &t->lx.deadline);
		if (r)
			return r;
		if (!c->a[0])
			return -EFAULT;
	}
	return sleep_park(t);
}

/* clock_nanosleep(clock, flags, request, remain). */
long lx_sys_clock_nanosleep(struct task *t, struct lx_call *c)
{
	uint64_t ns;
	int clk = (int)c->a[0];
	if (!t->lx.redoing) {
		if (clock_ns(clk, &ns) || clk == LX_CLOCK_THREAD_CPUTIME_ID)
			return -EINVAL;
		if (c->a[1] & ~(uint64_t)LX_TIMER_ABSTIME)
			return -EINVAL;
		long r = lx_timeout_in(t, c->a[2], c->a[1] & LX_TIMER_ABSTIME,
				       clk, &t->lx.deadline);
		if (r)
			return r;
		if (!c->a[2])
			return -EFAULT;
	}
	return sleep_park(t);
}

long lx_sleep_interrupted(struct task *t)
{
	const struct lx_call *c = &t->lx.call;
	uint64_t urem = c->nr == LX_nanosleep	       ? c->a[1]
			: (c->a[1] & LX_TIMER_ABSTIME) ? 0
						       : c->a[3];
	uint64_t now = lx_now_us();
	uint64_t left = t->lx.deadline > now ? t->lx.deadline - now : 0;
	struct lx_timespec rem = {(int64_t)(left / 1000000),
				  (int64_t)(left % 1000000) * 1000};
	if (urem && mm_copy_out(t->proc->mm, urem, &rem, sizeof(rem)))
		return -EFAULT;
	return -EINTR;
}

/* ------------------------------------------------------------ alarms */

struct lx_itimerval {
	struct lx_timeval interval, value;
};

static struct lx_timeval us_to_tv(uint64_t us)
{
	struct lx_timeval tv = {(int64_t)(us / 1000000),
				(int64_t)(us % 1000000)};
	return tv;
}

static struct lx_itimerval itimer_of(struct process *p)
{
	struct lx_itimerval v;
	uint64_t now = lx_now_us();
	v.interval = us_to_tv(p->lx.alarm_every);
	v.value = us_to_tv(p->lx.alarm > now ? p->lx.alarm - now : 0);
	if (p->lx.alarm && p->lx.alarm <= now)
		v.value.tv_usec = 1; /* due: not yet delivered */
	return v;
}

long lx_sys_alarm(struct task *t, struct lx_call *c)
{
	struct process *p = t->proc;
	struct lx_itimerval old = itimer_of(p);
	long left = old.value.tv_sec + (old.value.tv_usec >= 500000);
	if (!left && p->lx.alarm)
		left = 1;
	uint64_t sec = (uint32_t)c->a[0];
	p->lx.alarm = sec ? lx_now_us() + sec * 1000000 : 0;
	p->lx.alarm_every = 0;
	lx_timers_changed();
	return left;
}

long lx_sys_getitimer(struct task *t, struct lx_call *c)
{
	struct lx_itimerval v;
	if (c->a[0] > 2)
		return -EINVAL;
	if (c->a[0] == ITIMER_REAL)
		v = itimer_of(t->proc);
	else
		memset(&v, 0, sizeof(v)); /* no CPU time is accounted */
	return mm_copy_out(t->proc->mm, c->a[1], &v, sizeof(v)) ? -EFAULT : 0;
}

/* setitimer(which, new, old): ITIMER_REAL only; the CPU-time timers are
 * accepted and never fire (mm0 accounts no CPU time). */
long lx_sys_setitimer(struct task *t, struct lx_call *c)
{
	struct process *p = t->proc;
	struct lx_itimerval v, old;
	if (c->a[0] > 2)
		return -EINVAL;
	memset(&v, 0, sizeof(v));
	if (c->a[1] && mm_copy_in(p->mm, &v, c->a[1], sizeof(v)))
		return -EFAULT;
	if (v.value.tv_sec < 0 || v.value.tv_usec < 0 ||
	    v.value.tv_usec >= 1000000 || v.interval.tv_sec < 0 ||
	    v.interval.tv_usec < 0 || v.interval.tv_usec >= 1000000)
		return -EINVAL;
	if (c->a[0] == ITIMER_REAL)
		old = itimer_of(p);
	else
		memset(&old, 0, sizeof(old));
	if (c->a[2] && mm_copy_out(p->mm, c->a[2], &old, sizeof(old)))
		return -EFAULT;
	if (c->a[0] != ITIMER_REAL)
		return 0;
	uint64_t value =
	    (uint64_t)v.value.tv_sec * 1000000 + (uint64_t)v.value.tv_usec;
	uint64_t every = (uint64_t)v.interval.tv_sec * 1000000 +
			 (uint64_t)v.interval.tv_usec;
	p->lx.alarm = value ? lx_now_us() + value : 0;
	p->lx.alarm_every = value ? every : 0;
	lx_timers_changed();
	return 0;
}

/* ------------------------------------------------------------ randomness */

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
