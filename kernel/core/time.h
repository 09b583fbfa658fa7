/* Clocks and the deadlines of timed waits (time.c; the calls time and
 * sleep are api/time.c's). */
#ifndef CORE_TIME_H
#define CORE_TIME_H

#include "kernel.h"
#include "thread.h"
#include "arch/hooks.h"

/* The deadline heap and the realtime clock's offset (the instance is in
 * state.c). */
struct deadlines {
	struct thread *heap[MAX_THREADS];
	u32 n;
	u64 epoch_us; /* realtime - monotonic */
};
extern struct deadlines deadlines;

/* The clock's time (TIME_MONOTONIC or TIME_REALTIME), microseconds. */
u64 time_now_us(u32 clock);

/* Boot: the wall clock read from the hardware, in seconds since 1970
 * (0: none); the realtime clock is this plus the monotonic clock. */
void time_set_epoch(u64 unix_seconds);

/* Has `deadline` (monotonic microseconds) passed?  Never for
 * DEADLINE_NEVER, which does not read the clock. */
static inline bool deadline_passed(u64 deadline)
{
	return deadline != DEADLINE_NEVER && deadline <= arch_time_us();
}

/*
 * Timed waits.  timer_arm puts a thread that has just blocked into the
 * deadline heap (nothing for DEADLINE_NEVER); when the deadline passes,
 * timer_expire ends its wait: a sleep returns 0, an IPC -E_TIMEOUT.
 * timer_remove takes it out (its wait ended some other way: thread_wake
 * calls it).  timer_cancel is thread_cancel's part: out of the heap, and
 * a sleep cut short returns -E_ABORTED.  timer_park and timer_unpark take
 * a thread out of the heap while an extended copy into or out of it runs
 * (the copy is not cut short) and put it back after, deadline kept.
 */
void timer_insert(struct thread *t, u64 deadline);
void timer_remove(struct thread *t);
void timer_cancel(struct thread *t);
void timer_park_slow(struct thread *t);
void timer_unpark_slow(struct thread *t);

/* The untimed case is the common one: decided inline. */
static inline void timer_arm(struct thread *t, u64 deadline)
{
	if (unlikely(deadline != DEADLINE_NEVER))
		timer_insert(t, deadline);
}

static inline void timer_park(struct thread *t)
{
	if (unlikely(t->flags & THREAD_F_TIMED))
		timer_park_slow(t);
}

static inline void timer_unpark(struct thread *t)
{
	if (unlikely(t->flags & THREAD_F_TIMER_PARKED))
		timer_unpark_slow(t);
}

/* The timer interrupt: end the waits whose deadline has passed. */
void timer_expire(void);

/* Test builds: the heap is a heap and holds exactly the timed waits. */
void timer_check_invariants(void);

#endif
