/*
 * Time: the two clocks `time` reads, `sleep`, and the deadlines of timed
 * waits.
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
#include "arch/x86_64/regs.h"
#include "tessera/syscall.h"

static struct thread *heap[MAX_THREADS];
static u32 heap_n;
static u64 epoch_us; /* realtime - monotonic */

void time_set_epoch(u64 unix_seconds)
{
	epoch_us = unix_seconds * 1000000 - arch_time_us();
}

/* time(tv, clock): the clock's time as seconds and microseconds. */
long sys_time(const u64 *a)
{
	struct thread *cur = arch_current();
	u64 us;

	if (a[1] == TIME_MONOTONIC)
		us = arch_time_us();
	else if (a[1] == TIME_REALTIME)
		us = epoch_us + arch_time_us();
	else
		return -E_INVAL;
	struct tess_timeval tv = {(long)(us / 1000000), (long)(us % 1000000)};
	if (arch_copy_to_user(cur->space, a[0], &tv, sizeof(tv), NULL))
		return -E_FAULT;
	return 0;
}

/* ------------------------------------------------------------ the heap */

static void heap_put(u32 i, struct thread *t)
{
	heap[i] = t;
	t->timer_slot = i;
}

static void sift_up(u32 i)
{
	struct thread *t = heap[i];
	while (i > 0 && t->deadline < heap[(i - 1) / 2]->deadline) {
		heap_put(i, heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_put(i, t);
}

static void sift_down(u32 i)
{
	struct thread *t = heap[i];
	for (;;) {
		u32 c = 2 * i + 1;
		if (c >= heap_n)
			break;
		if (c + 1 < heap_n && heap[c + 1]->deadline < heap[c]->deadline)
			c++;
		if (heap[c]->deadline >= t->deadline)
			break;
		heap_put(i, heap[c]);
		i = c;
	}
	heap_put(i, t);
}

static void heap_insert(struct thread *t)
{
	heap_put(heap_n++, t);
	sift_up(t->timer_slot);
	t->flags |= THREAD_F_TIMED;
}

static void heap_delete(struct thread *t)
{
	u32 i = t->timer_slot;
	struct thread *last = heap[--heap_n];

	t->flags &= ~THREAD_F_TIMED;
	heap[heap_n] = NULL;
	if (last == t)
		return;
	heap_put(i, last);
	if (i > 0 && last->deadline < heap[(i - 1) / 2]->deadline)
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
		arch_thread_tf(t)->rax = (u64)-E_ABORTED;
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
	if (!heap_n)
		return;
	u64 now = arch_time_us();
	while (heap_n && heap[0]->deadline <= now) {
		struct thread *t = heap[0];
		heap_delete(t);
		if (t->wait == WAIT_SLEEP)
			thread_wake(t); /* rax is 0 already */
		else
			ipc_timeout(t);
	}
}

/*
 * sleep(deadline): block until the monotonic clock reaches `deadline`,
 * then return 0; at once if it has passed; never with DEADLINE_NEVER
 * (until stopped).  Stopped while asleep: -E_ABORTED (timer_cancel).
 */
long sys_sleep(const u64 *a)
{
	struct thread *cur = arch_current();
	u64 deadline = a[0];

	if (deadline_passed(deadline))
		return 0;
	arch_thread_tf(cur)->rax = 0;
	cur->flags |= THREAD_F_USER_CONT;
	thread_block(cur, WAIT_SLEEP);
	timer_arm(cur, deadline);
	schedule();
	return 0; /* not reached: resumes in user mode */
}

/* ------------------------------------------------------------ checks */

void timer_check_invariants(void)
{
	u32 timed = 0;

	for (u32 i = 0; i < heap_n; i++) {
		struct thread *t = heap[i];
		if (!t || t->timer_slot != i || !(t->flags & THREAD_F_TIMED))
			panic("invariant: deadline heap slot %u is wrong", i);
		if (i > 0 && heap[(i - 1) / 2]->deadline > t->deadline)
			panic("invariant: deadline heap out of order at %u", i);
		if (!t->tid || t->state != TS_BLOCKED ||
		    (t->wait != WAIT_SLEEP && t->wait != WAIT_SEND &&
		     t->wait != WAIT_RECV))
			panic("invariant: thread %x (state %d, wait %d) has a "
			      "deadline",
			      t->tid, t->state, t->wait);
	}
	for (u32 i = 0; i < thread_count(); i++) {
		struct thread *t = thread_by_index(i);
		if (!t)
			continue;
		if (t->flags & THREAD_F_TIMED)
			timed++;
		if ((t->flags & THREAD_F_TIMER_PARKED) &&
		    ((t->flags & THREAD_F_TIMED) || t->wait != WAIT_COPY))
			panic("invariant: thread %x parked out of the deadline "
			      "heap outside a copy",
			      t->tid);
	}
	if (timed != heap_n)
		panic("invariant: %u threads are timed, the heap holds %u",
		      timed, heap_n);
}
