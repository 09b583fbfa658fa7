/*
 * Time: the two clocks `time` reads, and the deadlines of timed waits
 * (`sleep`, IPC_TIMEOUT; the calls are api/time.c's and api/ipc.c's).
 *
 * The monotonic clock counts microseconds since boot (arch_time_us, from
 * the TSC); every deadline is a point on it.  The realtime clock is the
 * monotonic clock plus the boot epoch, the wall-clock time the CMOS clock
 * gave at boot (to the second).
 *
 * A thread waits with a deadline in `sleep` or in an IPC with IPC_TIMEOUT.
 * Its deadline goes into a binary min-heap, one slot per possible thread,
 * so no kernel memory is needed; a thread in it knows its slot.  Every
 * timer tick looks at the top: the waits whose deadline has passed end
 * (timer_expire), a tick's precision.  Insert and remove are O(log n) and
 * nothing scans the threads.
 *
 * Invariants: a thread has THREAD_F_TIMED iff it is in the heap, at
 * timer_slot, and then it is BLOCKED in WAIT_SLEEP, WAIT_SEND or
 * WAIT_RECV.  THREAD_F_TIMER_PARKED marks a thread taken out for an
 * extended copy (WAIT_COPY), to go back in when the copy ends.  Any other
 * end of the wait (the message came, the thread was stopped) takes it out.
 */
#include "time.h"
#include "thread.h"
#include "ipc.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

void time_set_epoch(u64 unix_seconds)
{
	deadlines.epoch_us = unix_seconds * 1000000 - arch_time_us();
}

u64 time_now_us(u32 clock)
{
	u64 mono = arch_time_us();
	return clock == TIME_REALTIME ? deadlines.epoch_us + mono : mono;
}

/* ------------------------------------------------------------ the heap */

static void heap_put(u32 i, struct thread *t)
{
	deadlines.heap[i] = t;
	t->timer_slot = i;
}

static void sift_up(u32 i)
{
	struct thread *t = deadlines.heap[i];
	while (i > 0 && t->deadline < deadlines.heap[(i - 1) / 2]->deadline) {
		heap_put(i, deadlines.heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_put(i, t);
}

static void sift_down(u32 i)
{
	struct thread *t = deadlines.heap[i];
	for (;;) {
		u32 c = 2 * i + 1;
		if (c >= deadlines.n)
			break;
		if (c + 1 < deadlines.n && deadlines.heap[c + 1]->deadline <
					       deadlines.heap[c]->deadline)
			c++;
		if (deadlines.heap[c]->deadline >= t->deadline)
			break;
		heap_put(i, deadlines.heap[c]);
		i = c;
	}
	heap_put(i, t);
}

static void heap_insert(struct thread *t)
{
	heap_put(deadlines.n++, t);
	sift_up(t->timer_slot);
	t->flags |= THREAD_F_TIMED;
}

static void heap_delete(struct thread *t)
{
	u32 i = t->timer_slot;
	struct thread *last = deadlines.heap[--deadlines.n];

	t->flags &= ~THREAD_F_TIMED;
	deadlines.heap[deadlines.n] = NULL;
	if (last == t)
		return;
	heap_put(i, last);
	if (i > 0 && last->deadline < deadlines.heap[(i - 1) / 2]->deadline)
		sift_up(i);
	else
		sift_down(i);
}

/* ------------------------------------------------------------ timed waits */

void timer_insert(struct thread *t, u64 deadline)
{
	t->deadline = deadline;
	heap_insert(t);
}

void timer_remove(struct thread *t)
{
	if (t->flags & THREAD_F_TIMED)
		heap_delete(t);
	t->flags &= ~THREAD_F_TIMER_PARKED;
}

void timer_cancel(struct thread *t)
{
	timer_remove(t);
	if (t->state == TS_BLOCKED && t->wait == WAIT_SLEEP)
		thread_set_result(t, -E_ABORTED);
}

void timer_park_slow(struct thread *t)
{
	heap_delete(t);
	t->flags |= THREAD_F_TIMER_PARKED;
}

void timer_unpark_slow(struct thread *t)
{
	t->flags &= ~THREAD_F_TIMER_PARKED;
	heap_insert(t);
}

void timer_expire(void)
{
	if (!deadlines.n)
		return;
	u64 now = arch_time_us();
	while (deadlines.n && deadlines.heap[0]->deadline <= now) {
		struct thread *t = deadlines.heap[0];
		heap_delete(t);
		if (t->wait == WAIT_SLEEP)
			thread_wake(t); /* its result is 0 already */
		else
			ipc_timeout(t);
	}
}

/* ------------------------------------------------------------ checks */

void timer_check_invariants(void)
{
	u32 timed = 0;

	for (u32 i = 0; i < deadlines.n; i++) {
		struct thread *t = deadlines.heap[i];
		if (!t || t->timer_slot != i || !(t->flags & THREAD_F_TIMED))
			panic("invariant: deadline heap slot %u is wrong", i);
		if (i > 0 &&
		    deadlines.heap[(i - 1) / 2]->deadline > t->deadline)
			panic("invariant: deadline heap out of order at %u", i);
		if (!t->tid || t->state != TS_BLOCKED ||
		    (t->wait != WAIT_SLEEP && t->wait != WAIT_SEND &&
		     t->wait != WAIT_RECV))
			panic("invariant: thread %x (state %d, wait %d) has a "
			      "deadline",
			      t->tid, t->state, t->wait);
	}
	struct thread *t;
	for (u32 i = 0; (t = thread_next_bound(&i));) {
		if (t->flags & THREAD_F_TIMED)
			timed++;
		if ((t->flags & THREAD_F_TIMER_PARKED) &&
		    ((t->flags & THREAD_F_TIMED) || t->wait != WAIT_COPY))
			panic("invariant: thread %x parked out of the deadline "
			      "heap outside a copy",
			      t->tid);
	}
	if (timed != deadlines.n)
		panic("invariant: %u threads are timed, the heap holds %u",
		      timed, deadlines.n);
}
