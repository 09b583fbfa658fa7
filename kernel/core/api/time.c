/*
 * The time calls: time (the monotonic or the realtime clock) and sleep
 * (until a deadline on the monotonic clock).  The clocks and the deadline
 * heap are time.c's.
 */
#include "syscalls.h"
#include "core/thread.h"
#include "core/time.h"
#include "core/usercopy.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

#define US_PER_S 1000000

struct time_args {
	vaddr_t tv;
	u32 clock;
};

static int decode_time(const u64 *a, struct time_args *x)
{
	if (a[1] != TIME_MONOTONIC && a[1] != TIME_REALTIME)
		return -E_INVAL;
	x->tv = a[0];
	x->clock = (u32)a[1];
	return user_check(arch_current()->space, x->tv,
			  sizeof(struct tess_timeval), true);
}

/* time(tv, clock): the clock's time as seconds and microseconds. */
static long invoke_time(const struct time_args *x)
{
	u64 us = time_now_us(x->clock);
	struct tess_timeval tv = {(long)(us / US_PER_S), (long)(us % US_PER_S)};
	user_write(arch_current()->space, x->tv, &tv, sizeof(tv));
	return 0;
}

long sys_time(const u64 *a)
{
	struct time_args x;
	int r = decode_time(a, &x);
	return r ? r : invoke_time(&x);
}

/*
 * sleep(deadline): block until the monotonic clock reaches `deadline`,
 * then return 0; at once if it has passed; never with DEADLINE_NEVER
 * (until stopped).  Stopped while asleep: -E_ABORTED (timer_cancel).
 * Any deadline is a good one: nothing to decode.
 */
static long invoke_sleep(u64 deadline)
{
	struct thread *cur = arch_current();

	if (deadline_passed(deadline))
		return 0;
	thread_set_result(cur, 0);
	cur->flags |= THREAD_F_USER_CONT;
	thread_block(cur, WAIT_SLEEP);
	timer_arm(cur, deadline);
	schedule();
	return 0; /* not reached: resumes in user mode */
}

long sys_sleep(const u64 *a)
{
	return invoke_sleep(a[0]);
}
