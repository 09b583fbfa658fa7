/*
 * Agents (see ktest.h): threads in copies of the root task's space that
 * carry out the root task's orders one at a time, so that a test can make
 * a system call as a thread with other authority (in another space, with
 * only the scope capabilities granted to it) and read the result.
 *
 * Each agent has its own space (TC_COPY_SPACE, its copied tables and pages
 * from the caller's allocator, their capabilities in a CSpace of their
 * own) and a mailbox page mapped in both spaces after the copy, so that
 * both see one page.  The agent receives an order from the root task only,
 * runs the suite's order function, writes the result to the mailbox and
 * bumps its sequence number; the root task posts an order and waits for
 * the number, each with a time limit instead of hanging the suite.
 */
#include "ktest.h"

/* Every agent runs on this stack: each in its own copy of it, since the
 * copy is made before the agent starts and the root task never uses it. */
static char agent_stack[8192] __attribute__((aligned(16)));

/* The agent's loop: orders from mb->k.boss only, one at a time. */
static void __attribute__((noreturn))
agent_main(uint64_t mbox, uint64_t order, uint64_t a2)
{
	struct kt_mbox *k = (struct kt_mbox *)mbox;
	struct tess_msg m;
	for (;;) {
		memset(&m, 0, sizeof(m));
		if (tess_receive(k->boss, &m))
			continue;
		k->result = ((kt_order_fn)order)((struct mbox *)mbox, &m);
		__atomic_add_fetch(&k->seq, 1, __ATOMIC_RELEASE);
	}
}

/* Map a copy of `page` (in a new slot, *copy) read-write in `space` at
 * `va`, with the tables it needs (made from `al`, recorded in tables[]). */
long kt_map_copy(struct tess_alloc *al, cptr_t page, cptr_t space, uintptr_t va,
		 cptr_t *copy, cptr_t tables[3])
{
	long r;
	*copy = tess_slot(al);
	r = tess_cap_copy(page, *copy);
	if (r) {
		tess_slot_free(al, *copy);
		*copy = 0;
		return r;
	}
	r = tess_map(*copy, space, va, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	if (r == -E_NOTMAPPED) {
		r = kt_tables_make(al, space, va, tables);
		if (!r)
			r = tess_map(*copy, space, va,
				     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	}
	return r;
}

/*
 * An agent in container `cid`, paged by `pager` (TID_NIL: the root task),
 * in a copy of the root task's space made from `al`, with root CSpace
 * `cspace` (or CPTR_NONE) and its mailbox at `mb_va`, taking orders with
 * `order`.  It starts with no scope capability in its own list.  Whatever
 * happens, kt_agent_free undoes it.
 */
long kt_agent_make(struct kt_agent *a, struct tess_alloc *al, uintptr_t mb_va,
		   uint32_t cid, uint32_t pager, cptr_t cspace,
		   kt_order_fn order)
{
	return kt_agent_make_in_group(a, al, mb_va, cid, pager, cspace, order,
				      TID_NIL);
}

/* The same, joining the thread group of thread `tgid` (TID_NIL: a group
 * of its own). */
long kt_agent_make_in_group(struct kt_agent *a, struct tess_alloc *al,
			    uintptr_t mb_va, uint32_t cid, uint32_t pager,
			    cptr_t cspace, kt_order_fn order, uint32_t tgid)
{
	struct task_ids ids;
	struct thread_create tc;
	struct kt_mbox *k;
	long r;

	memset(a, 0, sizeof(*a));
	a->al = al;
	if ((r = tess_new(al, CAP_THREAD, 0, &a->thread)) ||
	    (r = tess_new(al, CAP_SPACE, 0, &a->space)) ||
	    (r = tess_new(al, CAP_CSPACE, KT_COPY_CNODE_BITS, &a->copies)))
		return r;
	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	ids.tid = kt_self();
	tc.thread = a->thread;
	tc.space = a->space;
	tc.cspace = cspace;
	tc.untyped = al->untyped;
	tc.dest = kt_addr2(a->copies, 0);
	tc.pager = pager;
	tc.cid = cid;
	tc.prio = PRIO_INHERIT;
	ids.tgid = tgid;
	r = tess_thread_control(THREAD_CREATE | TC_COPY_SPACE |
				    (tgid != TID_NIL ? TC_SHARE_GROUP : 0),
				&ids, &tc);
	if (r)
		return r;
	a->tid = ids.tid;
	a->spid = ids.spid;

	/* The mailbox, mapped after the copy so that both see one page. */
	if ((r = tess_new(al, CAP_PAGE, 0, &a->page)) ||
	    (r = tess_map(a->page, SPACE_SELF, mb_va,
			  RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)) ||
	    (r = kt_map_copy(al, a->page, a->space, mb_va, &a->page2,
			     a->tables)))
		return r;
	k = (struct kt_mbox *)mb_va;
	memset(k, 0, 1ul << PAGE_BITS_4K);
	k->boss = kt_self();
	a->mb = (struct mbox *)mb_va;
	return kt_start(a->tid, agent_main, agent_stack, sizeof(agent_stack),
			mb_va, (uint64_t)order, 0);
}

/* Delete the agent (and with its space the capabilities granted to it),
 * its mailbox and tables: the errors or'ed together, 0 if all went. */
long kt_agent_free(struct kt_agent *a)
{
	long bad = 0;
	cptr_t *c[] = {&a->thread, &a->space, &a->page2, &a->page, &a->copies};
	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (*c[i]) {
			long r = tess_delete(a->al, *c[i]);
			if (r && r != -E_EMPTY)
				bad = r;
			*c[i] = 0;
		}
	if (a->al)
		bad |= kt_tables_free(a->al, a->tables);
	return bad;
}

/* Give the agent an order; 0 once it has taken it. */
long kt_agent_post(struct kt_agent *a, uint64_t op, uint64_t a1, uint64_t a2,
		   uint64_t a3, uint64_t a4)
{
	struct tess_msg m;
	uint64_t end = kt_now_us() + KT_TIMEOUT_US;
	long r;
	for (;;) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = op;
		m.mr[1] = a1;
		m.mr[2] = a2;
		m.mr[3] = a3;
		m.mr[4] = a4;
		r = tess_ipc(a->tid, TID_NIL, IPC_SHORT | IPC_NONBLOCK, &m, 0);
		if (r != -E_WOULDBLOCK || kt_now_us() > end)
			return r == -E_WOULDBLOCK ? KT_AGENT_TIMEOUT : r;
		tess_thread_switch(TID_NIL);
	}
}

/* Wait until the agent's sequence number is `seq` (one more than when the
 * order was posted): that order's result. */
long kt_agent_wait(struct kt_agent *a, uint32_t seq)
{
	struct kt_mbox *k = (struct kt_mbox *)a->mb;
	uint64_t end = kt_now_us() + KT_TIMEOUT_US;
	while (__atomic_load_n(&k->seq, __ATOMIC_ACQUIRE) != seq) {
		if (kt_now_us() > end)
			return KT_AGENT_TIMEOUT;
		tess_thread_switch(TID_NIL);
	}
	return k->result;
}

/* Post an order and wait for its result. */
long kt_agent_do(struct kt_agent *a, uint64_t op, uint64_t a1, uint64_t a2,
		 uint64_t a3, uint64_t a4)
{
	uint32_t seq = ((struct kt_mbox *)a->mb)->seq + 1;
	long r = kt_agent_post(a, op, a1, a2, a3, a4);
	return r ? r : kt_agent_wait(a, seq);
}
