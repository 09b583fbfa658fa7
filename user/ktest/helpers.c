/*
 * The kt_* helpers the suites share (declared in ktest.h): threads in this
 * space or in a copy of it, started, waited for with a time limit and
 * reaped; narrow scope capabilities for threads in other spaces; page
 * tables for a suite's addresses; what cap_info says; and the record of
 * the root slots a suite takes.  Threads started by a test never print:
 * stdout's buffer belongs to the root thread.  They report by IPC or by
 * their exit status.
 */
#include <tess_thread.h>

#include "ktest.h"

/* ---------------------------------------------------------------- threads */

static uint32_t root_tid;

/* The root task's thread id (call from the root thread only). */
uint32_t kt_self(void)
{
	struct task_ids ids;
	if (!root_tid && tess_getid(&ids) == 0)
		root_tid = ids.tid;
	return root_tid;
}

uint64_t kt_now_us(void)
{
	struct tess_timeval tv;
	if (tess_time(&tv))
		return 0;
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

/*
 * A new, not yet started thread in the space of thread `space_of` (0: the
 * caller's), with pager `pager` (TID_NIL: the caller), the caller's
 * priority and UTCB address `utcb`.
 */
long kt_create(struct kt_thread *t, uint32_t space_of, uint32_t pager,
	       uint64_t utcb)
{
	cptr_t cap;
	long r;

	t->cap = 0;
	t->tid = 0;
	r = tess_new(ka, CAP_THREAD, 0, &cap);
	if (r)
		return r;
	r = kt_create_obj(t, cap, space_of, pager, utcb);
	if (r)
		tess_delete(ka, cap);
	return r;
}

/*
 * kt_create with a Thread object the caller made (in a root slot of the
 * shared allocator, which kt_destroy deletes and gives back), at priority
 * `prio`.  On failure the object stays the caller's.
 */
long kt_create_obj_prio(struct kt_thread *t, cptr_t cap, uint32_t space_of,
			uint32_t pager, uint64_t utcb, uint32_t prio)
{
	struct task_ids ids;
	struct thread_create tc;
	long r;

	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	t->cap = 0;
	t->tid = 0;
	ids.tid = space_of ? space_of : kt_self();
	tc.thread = cap;
	tc.space = CPTR_NONE;
	tc.cspace = CPTR_NONE;
	tc.utcb = utcb;
	tc.pager = pager;
	tc.cid = TID_CID(ids.tid);
	tc.prio = prio;
	r = tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc);
	if (r)
		return r;
	t->cap = cap;
	t->tid = ids.tid;
	return 0;
}

long kt_create_obj(struct kt_thread *t, cptr_t cap, uint32_t space_of,
		   uint32_t pager, uint64_t utcb)
{
	return kt_create_obj_prio(t, cap, space_of, pager, utcb, PRIO_INHERIT);
}

/* Point `tid` at fn(a0, a1, a2) on `stack` (size bytes), then RUN it. */
long kt_start(uint32_t tid, kt_entry fn, void *stack, size_t size, uint64_t a0,
	      uint64_t a1, uint64_t a2)
{
	/* As if called: rsp + 8 is 16-byte aligned. */
	return tess_thread_start_at(tid, (uint64_t)fn,
				    (uint64_t)stack + size - 8, a0, a1, a2);
}

/* kt_create in the caller's space, paged by the caller, then kt_start. */
long kt_spawn(struct kt_thread *t, kt_entry fn, void *stack, size_t size,
	      uint64_t a0, uint64_t a1, uint64_t a2)
{
	long r = kt_create(t, 0, TID_NIL, 0);
	if (r)
		return r;
	r = kt_start(t->tid, fn, stack, size, a0, a1, a2);
	if (r) {
		tess_delete(ka, t->cap);
		t->cap = 0;
	}
	return r;
}

/* Destroy the thread if it is still there and delete its capability:
 * what the delete returned (0 if there was nothing to delete). */
long kt_destroy(struct kt_thread *t)
{
	long r;
	if (!t->cap)
		return 0;
	kt_tctrl(THREAD_DESTROY, t->tid);
	r = tess_delete(ka, t->cap);
	t->cap = 0;
	return r;
}

/* thread_control(action) on `tid`, with no thread_create argument. */
long kt_tctrl(uint32_t action, uint32_t tid)
{
	struct task_ids ids;
	memset(&ids, 0, sizeof(ids));
	ids.tid = tid;
	return tess_thread_control(action, &ids, NULL);
}

/* exchange_registers' view of a thread: fills *x, returns 0 or -E_*. */
long kt_read(uint32_t tid, struct exregs *x)
{
	memset(x, 0, sizeof(*x));
	x->flags = EXREGS_READ;
	return tess_exchange_registers(x, tid);
}

/* The thread's state (THREAD_STATE_*), or -E_*. */
long kt_state(uint32_t tid)
{
	struct exregs x;
	long r = kt_read(tid, &x);
	return r ? r : (long)x.state;
}

/* Yield until `tid` is in `state`: 0, -E_WOULDBLOCK after a time limit,
 * or the error that reading its state gave. */
long kt_wait_state(uint32_t tid, long state)
{
	uint64_t end = kt_now_us() + KT_TIMEOUT_US;
	for (;;) {
		long s = kt_state(tid);
		if (s == state)
			return 0;
		if (s < 0)
			return s;
		if (kt_now_us() > end)
			return -E_WOULDBLOCK;
		tess_thread_switch(TID_NIL);
	}
}

/* Yield until *v reaches `want`: 0, or -E_WOULDBLOCK after a time limit.
 * (*v is written by another thread.) */
long kt_wait_count(volatile uint32_t *v, uint32_t want)
{
	uint64_t end = kt_now_us() + KT_TIMEOUT_US;
	while (*v < want) {
		if (kt_now_us() > end)
			return -E_WOULDBLOCK;
		tess_thread_switch(TID_NIL);
	}
	return 0;
}

/* Wait (with a time limit) for child `tid` to end, reap it and give its
 * exit status. */
long kt_reap(uint32_t tid, int *status)
{
	struct task_ids ids;
	long r = kt_wait_state(tid, THREAD_STATE_DEAD);
	*status = -1000;
	if (r)
		return r;
	memset(&ids, 0, sizeof(ids));
	ids.tid = tid;
	r = tess_thread_control(THREAD_WAIT, &ids, NULL);
	if (r == 0)
		*status = ids.status;
	return r;
}

/* Receive from `from` (or TID_ANY), yielding while nothing is there;
 * -E_WOULDBLOCK after a time limit instead of hanging the suite. */
long kt_recv(uint32_t from, struct tess_msg *m)
{
	uint64_t end = kt_now_us() + KT_TIMEOUT_US;
	for (;;) {
		long r = tess_ipc(TID_NIL, from, IPC_NONBLOCK, m, NULL);
		if (r != -E_WOULDBLOCK || kt_now_us() > end)
			return r;
		tess_thread_switch(TID_NIL);
	}
}

/*
 * A thread in a deep copy of the caller's space (TC_COPY_SPACE) in
 * container `cid`, not started, paged by `pager`.  The copied tables and
 * pages come from `untyped`; their capabilities go to a fresh CSpace.
 */
long kt_copy_child(struct kt_child *c, cptr_t untyped, uint32_t pager,
		   uint32_t cid)
{
	cptr_t space;
	long r = tess_new(ka, CAP_SPACE, 0, &space);
	if (r)
		return r;
	r = kt_copy_child_in(c, space, untyped, pager, cid);
	if (r)
		tess_delete(ka, space);
	return r;
}

/* kt_copy_child into the Space object `space` (made by the caller, now the
 * child's; on failure still the caller's). */
long kt_copy_child_in(struct kt_child *c, cptr_t space, cptr_t untyped,
		      uint32_t pager, uint32_t cid)
{
	struct task_ids ids;
	struct thread_create tc;
	long r;

	memset(c, 0, sizeof(*c));
	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	if ((r = tess_new(ka, CAP_THREAD, 0, &c->t.cap)) ||
	    (r = tess_new(ka, CAP_CSPACE, KT_COPY_CNODE_BITS, &c->cnode)))
		goto fail;
	ids.tid = kt_self();
	tc.thread = c->t.cap;
	tc.space = space;
	tc.cspace = CPTR_NONE;
	tc.untyped = untyped;
	tc.dest = c->cnode << CPTR_DIGIT_BITS; /* slot 0 of the new CSpace */
	tc.pager = pager;
	tc.cid = cid;
	tc.prio = PRIO_INHERIT;
	r = tess_thread_control(THREAD_CREATE | TC_COPY_SPACE, &ids, &tc);
	if (r)
		goto fail;
	c->space = space;
	c->t.tid = ids.tid;
	c->spid = ids.spid;
	c->copied = tc.copied;
	return 0;
fail:
	if (c->t.cap)
		tess_delete(ka, c->t.cap);
	if (c->cnode)
		tess_delete(ka, c->cnode);
	memset(c, 0, sizeof(*c));
	return r;
}

/* The child's thread, its space (and the capabilities granted to it) and
 * the copied pages and tables. */
void kt_child_destroy(struct kt_child *c)
{
	kt_destroy(&c->t);
	if (c->space)
		tess_delete(ka, c->space);
	if (c->cnode)
		tess_delete(ka, c->cnode);
	memset(c, 0, sizeof(*c));
}

/*
 * Give thread `to` (in another space) a scope capability of `type` with
 * operations `ops` over (scope, resid) only: replicate the root task's
 * system-wide capability, deduce the copy, grant it immutable into the
 * space of `to`.  It goes when that space goes.
 */
long kt_grant(uint32_t to, unsigned type, unsigned scope, uint32_t resid,
	      uint32_t ops)
{
	struct capability list[32], c;
	long n = tess_capability_control(CAP_CONTROL_READ, 32, list), r;
	int i;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if (list[i].type == type && list[i].scope == SCOPE_SYSTEM &&
		    list[i].list == CAP_LIST_SPACE)
			break;
	if (i == n)
		return -E_NOCAP;
	c = list[i];
	r = tess_capability_control(CAP_CONTROL_REPLICATE, 0, &c);
	if (r)
		return r;
	c.rights = ops | CAP_CHANGEABLE | CAP_TRANSFERABLE;
	c.scope = scope;
	c.resid = resid;
	r = tess_capability_control(CAP_CONTROL_DEDUCE, 0, &c);
	if (r == 0) {
		c.owner = to;
		r = tess_capability_control(
		    CAP_CONTROL_GRANT, CAP_GRANT_SINGLE | CAP_GRANT_IMMUTABLE,
		    &c);
	}
	if (r)
		tess_capability_control(CAP_CONTROL_DESTROY, 0, &c);
	return r;
}

/* ---------------------------------------------------------------- stacks */

long kt_stacks_map(struct kt_stacks *s, uintptr_t va, unsigned n)
{
	unsigned pages = n * (KT_STACK_SIZE / 4096);
	long r;

	memset(s, 0, sizeof(*s));
	s->va = va;
	if (n > KT_STACKS_MAX)
		return -E_RANGE;
	r = kt_tables_make(ka, SPACE_SELF, va, s->tables);
	for (unsigned i = 0; !r && i < pages; i++) {
		r = tess_new(ka, CAP_PAGE, 0, &s->pages[i]);
		if (!r)
			r = tess_map(s->pages[i], SPACE_SELF, va + i * 4096ul,
				     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	}
	return r;
}

void kt_stacks_unmap(struct kt_stacks *s)
{
	for (unsigned i = 0; i < sizeof(s->pages) / sizeof(s->pages[0]); i++)
		if (s->pages[i])
			tess_delete(ka, s->pages[i]);
	kt_tables_free(ka, s->tables);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------- tables */

/*
 * Page tables for the 2 MiB around `va` in `space` (SPACE_SELF: mine),
 * made from `a` where missing; tab[] gets the ones made here (0 where one
 * was there already), for kt_tables_free.
 */
long kt_tables_make(struct tess_alloc *a, cptr_t space, uintptr_t va,
		    cptr_t tab[3])
{
	static const unsigned type[3] = {CAP_PDPT, CAP_PD, CAP_PT};
	static const int shift[3] = {39, 30, 21};
	long r;

	for (int i = 0; i < 3; i++) {
		tab[i] = 0;
		r = tess_new(a, type[i], 0, &tab[i]);
		if (r)
			return r;
		r = tess_map(tab[i], space, va & ~((1ul << shift[i]) - 1), 0);
		if (r == -E_MAPPED) {
			tess_delete(a, tab[i]);
			tab[i] = 0;
		} else if (r) {
			return r;
		}
	}
	return 0;
}

/* Delete the tables kt_tables_make made (lowest first); the errors of the
 * deletes or'ed together, 0 if all went. */
long kt_tables_free(struct tess_alloc *a, cptr_t tab[3])
{
	long bad = 0;
	for (int i = 2; i >= 0; i--)
		if (tab[i]) {
			bad |= tess_delete(a, tab[i]);
			tab[i] = 0;
		}
	return bad;
}

/*
 * Make Space objects until one gets table entry `index` again; that one is
 * left in *space (a slot of the batch CSpace `cs`, 2^KT_SPACE_BATCH_BITS
 * slots; `ut` holds as many spaces), every other one made is deleted.  Ids
 * go round robin, so it comes back after the others.
 */
long kt_space_at_index(cptr_t ut, cptr_t cs, uint32_t index, cptr_t *space)
{
	const unsigned batch = 1u << KT_SPACE_BATCH_BITS;
	for (unsigned round = 0; round < 2 * 4096 / batch; round++) {
		long r = tess_retype(ut, CAP_SPACE, 0, kt_addr2(cs, 0), batch);
		if (r)
			return r;
		uint32_t first = kt_cap_info(kt_addr2(cs, 0)).spid;
		uint32_t last = kt_cap_info(kt_addr2(cs, batch - 1)).spid;
		first &= KT_SPID_INDEX_MASK;
		last &= KT_SPID_INDEX_MASK;
		int inside = first <= last ? index >= first && index <= last
					   : index >= first || index <= last;
		for (unsigned i = 0; inside && i < batch; i++) {
			cptr_t c = kt_addr2(cs, i);
			if ((kt_cap_info(c).spid & KT_SPID_INDEX_MASK) != index)
				continue;
			for (unsigned k = 0; k < batch; k++)
				if (k != i)
					tess_cap_delete(kt_addr2(cs, k));
			*space = c;
			return 0;
		}
		r = tess_cap_revoke(ut);
		if (r)
			return r;
	}
	return -E_LIMIT;
}

/* ---------------------------------------------------------------- caps */

/* cap_info of `c` (a field it leaves alone reads 0xa5 in every byte);
 * every byte 0xff if cap_info itself fails. */
struct cap_info kt_cap_info(cptr_t c)
{
	struct cap_info i;
	memset(&i, 0xa5, sizeof(i));
	if (tess_cap_info(c, &i))
		memset(&i, 0xff, sizeof(i));
	return i;
}

uint32_t kt_cap_type(cptr_t c)
{
	return kt_cap_info(c).type;
}

/* The root slots taken with kt_slot since the last kt_slots_free. */
static cptr_t taken[512];
static int ntaken;

/* A root slot from the shared allocator, recorded so that kt_slots_free
 * gives it back at the end of the suite. */
cptr_t kt_slot(void)
{
	cptr_t s = tess_slot(ka);
	if (s && ntaken < (int)(sizeof(taken) / sizeof(taken[0])))
		taken[ntaken++] = s;
	return s;
}

/* A new object from `ut` in a new kt_slot.  If that fails the slot stays
 * empty (never 0: a later delete of slot 0 would hit the root CSpace). */
cptr_t kt_new_obj(cptr_t ut, unsigned type, unsigned bits)
{
	cptr_t s = kt_slot();
	long r = tess_retype(ut, type, bits, s, 1);
	if (r)
		tap_diag("retype of type %u (bits %u) failed: %s", type, bits,
			 tess_strerror(r));
	return s;
}

/* Delete whatever is left in the slots kt_slot gave and give them back. */
void kt_slots_free(void)
{
	for (int i = 0; i < ntaken; i++)
		tess_delete(ka, taken[i]);
	ntaken = 0;
}
