/*
 * mutex_control(addr, op): the contended half of a user mutex (mutex.c
 * has the queues; docs/ABI.md, User mutexes, the protocol).
 *
 *   MUTEX_LOCK   if the word still reads MUTEX_WORD_CONTENDED, wait;
 *                otherwise return at once (the holder let go meanwhile;
 *                the caller tries again)
 *   MUTEX_UNLOCK wake the longest waiter, if any: 1, or 0
 */
#include "syscalls.h"
#include "core/mutex.h"
#include "core/scope.h"
#include "core/thread.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

/* The lock word's value with waiters (0 free, 1 held: docs/ABI.md). */
#define MUTEX_WORD_CONTENDED 2

struct mutex_args {
	u64 op;
	paddr_t key; /* the word's physical address */
};

static int decode_mutex_control(const u64 *a, struct mutex_args *x)
{
	struct thread *cur = arch_current();
	vaddr_t addr = a[0];

	x->op = a[1];
	if (x->op != MUTEX_LOCK && x->op != MUTEX_UNLOCK)
		return -E_INVAL;
	if (addr & 3)
		return -E_ALIGN;
	if (!scope_authorized(cur, CAP_MUTEX, cur,
			      x->op == MUTEX_LOCK ? CAP_MUTEX_LOCK
						  : CAP_MUTEX_UNLOCK))
		return -E_NOCAP;
	if (arch_user_phys(cur->space, addr, true, &x->key))
		return -E_FAULT;
	return 0;
}

static long invoke_mutex_control(const struct mutex_args *x)
{
	if (x->op == MUTEX_UNLOCK)
		return mutex_wake(x->key);
	/* The word is aligned: it lies in one page. */
	if (*(volatile u32 *)arch_phys_to_kernel(x->key) !=
	    MUTEX_WORD_CONTENDED)
		return 0; /* released meanwhile: try again in user mode */
	mutex_wait(arch_current(), x->key);
	schedule();
	return 0; /* not reached: resumes in user mode */
}

long sys_mutex_control(const u64 *a)
{
	struct mutex_args x;
	int r = decode_mutex_control(a, &x);
	return r ? r : invoke_mutex_control(&x);
}
