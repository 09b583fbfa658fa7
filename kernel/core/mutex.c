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
 * themselves: no kernel memory is allocated.
 */
#include "mutex.h"
#include "capctrl.h"
#include "ipc.h"
#include "thread.h"
#include "space.h"
#include "arch/hooks.h"
#include "arch/x86_64/regs.h"
#include "tessera/syscall.h"

#define MUTEX_BUCKETS 64

static struct thread *buckets[MUTEX_BUCKETS];

static unsigned bucket_of(u64 key)
{
	return (unsigned)((key >> 2) ^ (key >> 12)) % MUTEX_BUCKETS;
}

void mutex_cancel(struct thread *t)
{
	if (t->wait != WAIT_MUTEX)
		return;
	struct thread **pp = &buckets[bucket_of(t->mutex_key)];
	for (; *pp; pp = &(*pp)->mutex_next)
		if (*pp == t) {
			*pp = t->mutex_next;
			break;
		}
	t->mutex_next = NULL;
	arch_thread_tf(t)->rax = (u64)-E_ABORTED;
}

long sys_mutex_control(const u64 *a)
{
	struct thread *cur = arch_current();
	vaddr_t addr = a[0];
	u64 op = a[1];
	u32 word;
	u64 key;

	if (op != MUTEX_LOCK && op != MUTEX_UNLOCK)
		return -E_INVAL;
	if (addr & 3)
		return -E_ALIGN;
	if (!scope_authorized(cur, CAP_MUTEX, cur,
			      op == MUTEX_LOCK ? CAP_MUTEX_LOCK
					       : CAP_MUTEX_UNLOCK))
		return -E_NOCAP;
	if (arch_user_phys(cur->space, addr, true, &key))
		return -E_FAULT;
	word =
	    *(volatile u32 *)arch_phys_to_kernel(key); /* aligned: one page */

	struct thread **head = &buckets[bucket_of(key)];
	if (op == MUTEX_LOCK) {
		if (word != 2)
			return 0; /* released meanwhile: try again in user mode
				   */
		struct thread **pp = head;
		while (*pp)
			pp = &(*pp)->mutex_next;
		*pp = cur;
		cur->mutex_next = NULL;
		cur->mutex_key = key;
		cur->flags |= THREAD_F_USER_CONT;
		arch_thread_tf(cur)->rax = 0;
		thread_block(cur, WAIT_MUTEX);
		schedule();
		return 0; /* not reached: resumes in user mode */
	}
	for (struct thread **pp = head; *pp; pp = &(*pp)->mutex_next) {
		struct thread *w = *pp;
		if (w->mutex_key == key) {
			*pp = w->mutex_next;
			w->mutex_next = NULL;
			thread_wake(w);
			return 1;
		}
	}
	return 0;
}
