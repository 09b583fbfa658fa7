/*
 * Linux futexes: WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE,
 * CMP_REQUEUE and WAKE_OP, private and shared.
 *
 * A waiter is a parked thread (LX_PARK_FUTEX) in one queue, oldest first.
 * Its key names the word: for FUTEX_PRIVATE_FLAG, or a word in private
 * memory, the address space and the address; for a word in shared memory
 * (MAP_SHARED, shm), the shared object and the offset in it, so that
 * processes mapping the same page at different addresses meet on it,
 * across fork too.  mm0 is single-threaded and every store a WAKE could
 * race with goes through it, so reading the word and parking are one
 * step, as FUTEX_WAIT requires.
 *
 * A wait with a timeout also ends with -ETIMEDOUT at its deadline
 * (FUTEX_WAIT: relative; WAIT_BITSET: absolute, on CLOCK_REALTIME with
 * FUTEX_CLOCK_REALTIME, else CLOCK_MONOTONIC): time.c makes the call
 * again then.
 */
#include <string.h>

#include "lx.h"

static struct task *queue; /* every waiter, oldest first */

struct futex_key {
	const void *space; /* the struct mm, or the shared object */
	uint64_t off;	   /* the address, or the offset in the object */
};

static long key_of(struct task *t, uint64_t uaddr, bool private_,
		   struct futex_key *k)
{
	if (uaddr & 3)
		return -EINVAL;
	if (uaddr >= TASK_USER_END)
		return -EFAULT;
	struct vma *v = vma_find(t->proc->mm, uaddr);
	if (!v)
		return -EFAULT;
	if (!private_ && v->kind == VMA_SHARED) {
		k->space = v->obj;
		k->off = v->obj_offset + (uaddr - v->start);
	} else {
		k->space = t->proc->mm;
		k->off = uaddr;
	}
	return 0;
}

static bool waits_on(const struct task *w, const struct futex_key *k)
{
	return w->lx.park == LX_PARK_FUTEX && w->lx.park_key == k->space &&
	       w->lx.futex_off == k->off;
}

static void enqueue(struct task *t)
{
	struct task **pp = &queue;
	while (*pp)
		pp = &(*pp)->lx.futex_next;
	t->lx.futex_next = NULL;
	*pp = t;
}

void lx_futex_forget(struct task *t)
{
	for (struct task **pp = &queue; *pp; pp = &(*pp)->lx.futex_next)
		if (*pp == t) {
			*pp = t->lx.futex_next;
			t->lx.futex_next = NULL;
			return;
		}
}

/* Wake up to n waiters on k whose bitset meets `bits`.  Each is taken
 * off the queue before it is answered, and the search starts again from
 * the head: answering one may end a process and its other waiters. */
static long wake(const struct futex_key *k, long n, uint32_t bits)
{
	long woken = 0;
	while (woken < n) {
		struct task **pp = &queue;
		while (*pp &&
		       (!waits_on(*pp, k) || !((*pp)->lx.futex_bitset & bits)))
			pp = &(*pp)->lx.futex_next;
		struct task *w = *pp;
		if (!w)
			break;
		*pp = w->lx.futex_next;
		w->lx.futex_next = NULL;
		lx_unpark(w);
		lx_answer(w, 0);
		woken++;
	}
	return woken;
}

/* Move up to n waiters from k to k2. */
static long requeue(const struct futex_key *k, const struct futex_key *k2,
		    long n)
{
	long moved = 0;
	for (struct task *w = queue; w && moved < n; w = w->lx.futex_next)
		if (waits_on(w, k)) {
			w->lx.park_key = k2->space;
			w->lx.futex_off = k2->off;
			moved++;
		}
	return moved;
}

long lx_futex_wake(struct task *t, uint64_t uaddr, int n, bool private_)
{
	struct futex_key k;
	if (key_of(t, uaddr, private_, &k))
		return 0;
	return wake(&k, n, LX_FUTEX_BITSET_MATCH_ANY);
}

static long word_in(struct task *t, uint64_t uaddr, uint32_t *v)
{
	return mm_copy_in(t->proc->mm, v, uaddr, 4) ? -EFAULT : 0;
}

/* FUTEX_WAIT and WAIT_BITSET: park while the word holds `val`, until a
 * wake, a signal, or the deadline of the timeout at `uts` (relative, or
 * absolute on `clock`).  Made again only when the deadline passes. */
static long futex_wait(struct task *t, uint64_t uaddr, uint32_t val,
		       uint32_t bits, bool priv, uint64_t uts, bool absolute,
		       int clock)
{
	struct futex_key k;
	uint32_t cur;
	long r;

	if (t->lx.redoing) {
		if (lx_now_us() >= t->lx.deadline) {
			lx_futex_forget(t);
			return -LX_ETIMEDOUT;
		}
		if ((r = key_of(t, uaddr, priv, &k)))
			return r;
		return lx_park(t, LX_PARK_FUTEX, k.space); /* still queued */
	}
	if (!bits)
		return -EINVAL;
	if ((r = key_of(t, uaddr, priv, &k)) || (r = word_in(t, uaddr, &cur)))
		return r;
	if (cur != val)
		return -EAGAIN;
	if ((r = lx_timeout_in(t, uts, absolute, clock, &t->lx.deadline)))
		return r;
	if (t->lx.deadline && lx_now_us() >= t->lx.deadline)
		return -LX_ETIMEDOUT;
	t->lx.futex_off = k.off;
	t->lx.futex_bitset = bits;
	enqueue(t);
	return lx_park(t, LX_PARK_FUTEX, k.space);
}

/* FUTEX_WAKE_OP's operation on the word at uaddr2: returns the old value
 * in *old, or -EFAULT / -ENOSYS. */
static long wake_op_apply(struct task *t, uint64_t uaddr2, uint32_t encoded,
			  uint32_t *old)
{
	unsigned op = (encoded >> 28) & 7;
	int32_t oparg = (int32_t)(encoded << 8) >> 20;
	uint32_t v;
	long r;

	if (encoded & (8u << 28))
		oparg = (oparg & 31) ? 1 << (oparg & 31) : 1;
	if ((r = word_in(t, uaddr2, &v)))
		return r;
	*old = v;
	switch (op) {
	case 0:
		v = (uint32_t)oparg;
		break;
	case 1:
		v += (uint32_t)oparg;
		break;
	case 2:
		v |= (uint32_t)oparg;
		break;
	case 3:
		v &= ~(uint32_t)oparg;
		break;
	case 4:
		v ^= (uint32_t)oparg;
		break;
	default:
		return -ENOSYS;
	}
	return mm_copy_out(t->proc->mm, uaddr2, &v, 4) ? -EFAULT : 0;
}

static bool wake_op_cmp(uint32_t encoded, uint32_t old)
{
	int32_t cmparg = (int32_t)(encoded << 20) >> 20;
	int32_t o = (int32_t)old;
	switch ((encoded >> 24) & 15) {
	case 0:
		return o == cmparg;
	case 1:
		return o != cmparg;
	case 2:
		return o < cmparg;
	case 3:
		return o <= cmparg;
	case 4:
		return o > cmparg;
	case 5:
		return o >= cmparg;
	default:
		return false;
	}
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3). */
long lx_sys_futex(struct task *t, struct lx_call *c)
{
	uint64_t uaddr = c->a[0], uaddr2 = c->a[4];
	unsigned op = (unsigned)c->a[1];
	unsigned cmd = op & LX_FUTEX_CMD_MASK;
	bool priv = op & LX_FUTEX_PRIVATE_FLAG;
	uint32_t val = (uint32_t)c->a[2], val3 = (uint32_t)c->a[5];
	long val2 = (long)(uint32_t)c->a[3], n = (int32_t)val;
	struct futex_key k, k2;
	long r;

	if ((op & LX_FUTEX_CLOCK_REALTIME) && cmd != LX_FUTEX_WAIT_BITSET &&
	    cmd != LX_FUTEX_WAIT)
		return -ENOSYS;
	int clock = (op & LX_FUTEX_CLOCK_REALTIME) ? LX_CLOCK_REALTIME
						   : LX_CLOCK_MONOTONIC;
	switch (cmd) {
	case LX_FUTEX_WAIT:
		return futex_wait(t, uaddr, val, LX_FUTEX_BITSET_MATCH_ANY,
				  priv, c->a[3], false, clock);
	case LX_FUTEX_WAIT_BITSET:
		return futex_wait(t, uaddr, val, val3, priv, c->a[3], true,
				  clock);
	case LX_FUTEX_WAKE:
	case LX_FUTEX_WAKE_BITSET: {
		uint32_t bits =
		    cmd == LX_FUTEX_WAKE ? LX_FUTEX_BITSET_MATCH_ANY : val3;
		if (!bits)
			return -EINVAL;
		if ((r = key_of(t, uaddr, priv, &k)))
			return r;
		return wake(&k, n < 0 ? 0 : n, bits);
	}
	case LX_FUTEX_REQUEUE:
	case LX_FUTEX_CMP_REQUEUE: {
		if (n < 0 || (int32_t)c->a[3] < 0)
			return -EINVAL;
		if ((r = key_of(t, uaddr, priv, &k)) ||
		    (r = key_of(t, uaddr2, priv, &k2)))
			return r;
		if (cmd == LX_FUTEX_CMP_REQUEUE) {
			uint32_t cur;
			if ((r = word_in(t, uaddr, &cur)))
				return r;
			if (cur != val3)
				return -EAGAIN;
		}
		long woken = wake(&k, n, LX_FUTEX_BITSET_MATCH_ANY);
		return woken + requeue(&k, &k2, val2);
	}
	case LX_FUTEX_WAKE_OP: {
		uint32_t old;
		if ((r = key_of(t, uaddr, priv, &k)) ||
		    (r = key_of(t, uaddr2, priv, &k2)))
			return r;
		if ((r = wake_op_apply(t, uaddr2, val3, &old)))
			return r;
		long woken = wake(&k, n < 0 ? 0 : n, LX_FUTEX_BITSET_MATCH_ANY);
		if (wake_op_cmp(val3, old))
			woken += wake(&k2, val2, LX_FUTEX_BITSET_MATCH_ANY);
		return woken;
	}
	default:
		return -ENOSYS;
	}
}
