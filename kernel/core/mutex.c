/*
 * User mutexes.  The lock is a 32-bit word in user memory: 0 free, 1 held,
 * 2 held with waiters.  Locking and unlocking without contention are atomic
 * instructions in user code and never enter the kernel; see libtess's
 * tess_mutex_lock.  The kernel only queues and wakes:
 *
 *   MUTEX_LOCK   if the word still reads 2, wait; otherwise return at once
 *                (the holder let go meanwhile; the caller tries again)
 *   MUTEX_UNLOCK wake the longest waiter, if any
 *
 * Waiters are keyed by the word's physical address, so two spaces sharing
 * the page share the mutex.  The queue nodes are the waiting threads
 * themselves: no kernel memory is allocated.  (The call is api/mutex.c's.)
 */
#include "mutex.h"
#include "thread.h"
#include "arch/hooks.h"

static unsigned bucket_of(u64 key)
{
	return (unsigned)((key >> 2) ^ (key >> 12)) % MUTEX_BUCKETS;
}

void mutex_cancel(struct thread *t)
{
	if (t->wait != WAIT_MUTEX)
		return;
	struct thread **pp = &mutex_queues[bucket_of(t->mutex_key)];
	for (; *pp; pp = &(*pp)->mutex_next)
		if (*pp == t) {
			*pp = t->mutex_next;
			break;
		}
	t->mutex_next = NULL;
	thread_set_result(t, -E_ABORTED);
}

void mutex_wait(struct thread *t, u64 key)
{
	struct thread **pp = &mutex_queues[bucket_of(key)];
	while (*pp)
		pp = &(*pp)->mutex_next;
	*pp = t;
	t->mutex_next = NULL;
	t->mutex_key = key;
	t->flags |= THREAD_F_USER_CONT;
	thread_set_result(t, 0);
	thread_block(t, WAIT_MUTEX);
}

bool mutex_wake(u64 key)
{
	for (struct thread **pp = &mutex_queues[bucket_of(key)]; *pp;
	     pp = &(*pp)->mutex_next) {
		struct thread *w = *pp;
		if (w->mutex_key == key) {
			*pp = w->mutex_next;
			w->mutex_next = NULL;
			thread_wake(w);
			return true;
		}
	}
	return false;
}
