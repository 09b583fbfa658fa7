/*
 * IPC: synchronous rendezvous between threads.
 *
 * ipc(to, from, flags) sends to `to`, then receives from `from`; either may
 * be TID_NIL.  A sender whose receiver is not waiting for it queues in the
 * receiver's send queue; a receiver with nobody queued blocks.  The
 * message moves when the second party arrives, done by that party.
 *
 * Continuations.  A thread blocked in a send or receive keeps nothing on
 * its kernel stack: whoever completes its IPC writes the results into its
 * trapframe, and it resumes by returning to user mode (THREAD_F_USER_CONT).
 * Only the slow cases keep a kernel stack: a thread waiting for a fault
 * reply, or copying an extended message and waiting for a fault on either
 * side to be served.
 *
 * Deadlines (IPC_TIMEOUT): a thread that blocks in either phase with a
 * deadline also waits in the deadline heap (time.c); when it passes, the
 * IPC ends with E_TIMEOUT (ipc_timeout).  Any other end of the wait takes
 * it out of the heap (thread_wake, thread_cancel).
 *
 * The short round trip has a fast path (ipc_fastpath): one capability check
 * from a cache and a direct switch to the receiver, whose six message
 * registers are loaded from the sender's frame as it leaves the kernel.
 *
 * What must hold: a thread's state, wait, flags and IPC pointers are in
 * one of the combinations docs/ipc-states.md tabulates (with the
 * transitions between them, and where each is made); the test builds
 * check them after every system call (invariants.c, check_waits).
 */
#include "ipc.h"
#include "thread.h"
#include "time.h"
#include "space.h"
#include "cspace.h"
#include "scope.h"
#include "syscall.h"
#include "usercopy.h"
#include "fault.h"
#include "arch/hooks.h"
#include "machine_ipc.h"
#include "tessera/thread.h"
#include "tessera/ipc.h"

/* A message on its way: where its words come from. */
struct msg {
	u64 mr[IPC_SHORT_MRS];
	u32 type;
	u32 size;     /* extended: bytes */
	vaddr_t xbuf; /* extended: the sender's buffer */
};

static u32 ipc_type(u32 flags)
{
	return flags & IPC_TYPE_MASK;
}

static u32 ipc_size(u32 flags)
{
	return (flags & IPC_SIZE_MASK) >> IPC_SIZE_SHIFT;
}

static bool is_fault_sender(const struct thread *s)
{
	return s->flags & THREAD_F_FAULTING;
}

/* ------------------------------------------------------------ queues */

void ipc_sendq_append(struct thread *r, struct thread *s)
{
	s->sendq_next = NULL;
	s->ipc_partner = r;
	if (!r->sendq_head) {
		s->sendq_prev = s; /* the head's prev is the tail */
		r->sendq_head = s;
	} else {
		struct thread *tail = r->sendq_head->sendq_prev;
		tail->sendq_next = s;
		s->sendq_prev = tail;
		r->sendq_head->sendq_prev = s;
	}
}

static void sendq_remove(struct thread *r, struct thread *s)
{
	struct thread *head = r->sendq_head;
	if (s == head) {
		r->sendq_head = s->sendq_next;
		if (r->sendq_head)
			r->sendq_head->sendq_prev = s->sendq_prev;
	} else {
		s->sendq_prev->sendq_next = s->sendq_next;
		if (s->sendq_next)
			s->sendq_next->sendq_prev = s->sendq_prev;
		else
			head->sendq_prev = s->sendq_prev;
	}
	s->sendq_next = s->sendq_prev = NULL;
	s->ipc_partner = NULL;
}

static bool in_sendq(const struct thread *s)
{
	return s->sendq_prev != NULL;
}

/*
 * Closed receivers.  A thread that receives from one thread alone is in
 * that thread's recv_waiters list (recv_on names it), so that the end of
 * that thread finds it (ipc_cancel).  Membership is kept after the wait
 * ends (a thread calling one server again and again stays in its list at
 * no cost): the list holds every such waiter and perhaps others, and its
 * readers check.  A thread leaves the list when it waits on another, or
 * either of them loses its id (ipc_forget).
 */
static void recv_delist(struct thread *t)
{
	thread_list_remove(&t->recv_on->recv_waiters, t,
			   THREAD_LINK(recv_link));
	t->recv_on = NULL;
	t->recv_on_tid = 0;
}

static __attribute__((noinline)) void recv_enlist(struct thread *t, u32 from)
{
	struct thread *x = thread_lookup(from);
	if (t->recv_on)
		recv_delist(t);
	thread_list_append(&x->recv_waiters, t, THREAD_LINK(recv_link));
	t->recv_on = x;
	t->recv_on_tid = x->tid;
}

/* `t` is about to wait to receive from `from`: a closed receive enlists
 * it with that thread (alive: checked by the caller), unless it is there
 * already (a thread receives from the same one again and again). */
static inline void recv_wait_on(struct thread *t, u32 from)
{
	if (from != TID_ANY && t->recv_on_tid != from)
		recv_enlist(t, from);
}

/* The first queued sender `r` will accept (from == TID_ANY: anyone).  No
 * walk of the queue: a thread is in at most one send queue, and
 * ipc_partner names the receiver whose queue it is in. */
static struct thread *sendq_find(struct thread *r, u32 from)
{
	if (from == TID_ANY)
		return r->sendq_head;
	struct thread *s = thread_lookup(from);
	return s && s->ipc_partner == r ? s : NULL;
}

/* ------------------------------------------------------------ blocking */

static void block(struct thread *t, u8 wait, bool user_cont)
{
	if (user_cont)
		t->flags |= THREAD_F_USER_CONT;
	thread_block(t, wait);
}

/* Finish a user-continuation IPC of `t` with `status` (if `t` was taken
 * out of IPC meanwhile, it keeps the status and stays stopped). */
static void wake_with(struct thread *t, long status)
{
	thread_set_result(t, status);
	if (t->state == TS_BLOCKED)
		thread_wake(t);
}

/* Is `from`, the one thread a receive accepts, one that will never send
 * (gone, or dead)? */
static bool sender_gone(u32 from)
{
	if (from == TID_ANY || from == TID_NIL)
		return false;
	struct thread *f = thread_lookup(from);
	return !f || f->state == TS_DEAD;
}

/* ------------------------------------------------------------ transfer */

static void msg_from_sender(struct thread *s, struct msg *m)
{
	if (is_fault_sender(s)) {
		memcpy(m->mr, s->fault_msg, sizeof(m->mr));
		m->type = IPC_SHORT;
		m->size = 0;
		return;
	}
	struct trapframe *tf = arch_thread_tf(s);
	memcpy(m->mr, arch_msg_regs(tf), sizeof(m->mr));
	m->type = ipc_type(s->ipc_flags);
	m->size = m->type == IPC_EXTENDED ? ipc_size(s->ipc_flags) : 0;
	m->xbuf = arch_ipc_buffer(tf);
}

/* Can receiver `r` take message `m`?  0 or the sender's error. */
static int check_fits(const struct thread *r, const struct msg *m)
{
	if (r->flags & THREAD_F_FAULT_DELIVERED)
		return 0; /* a fault reply: only MR0, MR1 are read */
	if (m->type == IPC_FULL && (!r->utcb))
		return -E_NOBUF;
	if (m->type == IPC_EXTENDED &&
	    (ipc_type(r->ipc_flags) != IPC_EXTENDED ||
	     ipc_size(r->ipc_flags) < m->size))
		return -E_TOOBIG;
	return 0;
}

/* A syscall fault's words beyond MR5 (the last four argument registers)
 * go to the pager's UTCB, making it a full message; a pager whose UTCB is
 * not mapped gets the short message and reads them with
 * exchange_registers. */
static u32 fault_extra_to(const struct thread *s, struct thread *r)
{
	const u64 *extra = s->fault_msg + IPC_SHORT_MRS;
	if (s->fault_msg[0] != IPC_TAG_SYSCALL || !r->utcb)
		return IPC_SHORT;
	if (user_write(r->space, r->utcb + IPC_SHORT_MRS * 8, extra,
		       (FAULT_MSG_WORDS - IPC_SHORT_MRS) * 8))
		return IPC_SHORT;
	return IPC_FULL;
}

/* Copy the UTCB message registers 6..63 from `s` to `r`. */
static int copy_full(struct thread *s, struct thread *r)
{
	u64 words[UTCB_MRS - IPC_SHORT_MRS];
	if (!s->utcb)
		return -E_NOBUF;
	if (user_read(s->space, words, s->utcb + IPC_SHORT_MRS * 8,
		      sizeof(words)))
		return -E_FAULT;
	if (user_write(r->space, r->utcb + IPC_SHORT_MRS * 8, words,
		       sizeof(words)))
		return -E_FAULT;
	return 0;
}

/*
 * Extended copies.  The current thread copies (the sender, the receiver,
 * or a third thread completing a queued sender's IPC for a receiver, see
 * sender_done); the side(s) not running are parked in WAIT_COPY with
 * copy_partner naming the copier, and the copier holds them in copy_from
 * and copy_to.  The copier may block on a page fault of either side.  A
 * parked side taken out of IPC meanwhile (ipc_cancel) is unlinked from the
 * copier: its slot becomes NULL and the copier never touches it again (it
 * may be gone for good).
 */
static bool copy_intact(const struct thread *cur)
{
	return cur->copy_from && cur->copy_to;
}

/* Withdraw `t`'s fault message: out of its pager's queue, or no longer
 * awaited.  Wakes nobody. */
static void withdraw_fault(struct thread *t)
{
	if (in_sendq(t) && t->ipc_partner)
		sendq_remove(t->ipc_partner, t);
	t->flags &= ~(THREAD_F_FAULTING | THREAD_F_FAULT_DELIVERED);
	t->fault_waiter = NULL;
}

/* A page of side `t` is missing: ask t's pager, in t's name.  Returns
 * FAULT_RESUME to go on. */
static long page_fault_for(struct thread *t, vaddr_t addr, bool write)
{
	struct thread *cur = arch_current();
	struct trapframe *tf = arch_thread_tf(t);
	/* A pager taking part in this copy cannot serve the fault (it is
	 * busy in this very IPC): that would wait forever. */
	struct thread *p = thread_lookup(t->pager);
	if (p && (p == cur->copy_from || p == cur->copy_to || p == cur))
		return -E_FAULT;
	u64 msg[FAULT_MSG_WORDS] = {IPC_TAG_PAGEFAULT, addr,
				    FAULT_KERNEL | (write ? FAULT_WRITE : 0),
				    arch_user_pc(tf), arch_user_sp(tf)};
	long f = fault_ipc(t, msg, NULL);
	/* If the copier was stopped while the parked side t waited for its
	 * pager, t's fault may still be there: nobody waits for it now. */
	if ((t == cur->copy_from || t == cur->copy_to) &&
	    t->fault_waiter == cur)
		withdraw_fault(t);
	return f;
}

/* Copy `size` bytes from `src` in the sender's space to `dst` in the
 * receiver's, frame to frame, faulting pages in through their owners'
 * pagers. */
static int copy_extended(struct thread *cur, vaddr_t src, vaddr_t dst, u32 size)
{
	struct thread *s = cur->copy_from, *r = cur->copy_to;
	u32 off = 0;

	while (off < size) {
		paddr_t sp, dp;
		long f;
		if (arch_user_phys(s->space, src + off, false, &sp)) {
			f = page_fault_for(s, src + off, false);
		} else if (arch_user_phys(r->space, dst + off, true, &dp)) {
			f = page_fault_for(r, dst + off, true);
		} else {
			u32 n = size - off;
			n = MIN(n, PAGE_SIZE - ((src + off) & (PAGE_SIZE - 1)));
			n = MIN(n, PAGE_SIZE - ((dst + off) & (PAGE_SIZE - 1)));
			memcpy((void *)arch_phys_to_kernel(dp),
			       (const void *)arch_phys_to_kernel(sp), n);
			off += n;
			continue;
		}
		if (!copy_intact(cur))
			return -E_ABORTED; /* a side went while we waited */
		if (f != FAULT_RESUME)
			return f == -E_FAULT ? -E_FAULT : -E_ABORTED;
	}
	return 0;
}

/* Park side `t` while `cur` copies (not if it is `cur`).  A deadline
 * does not cut a copy short: it waits outside the heap meanwhile. */
static void park(struct thread *t, struct thread *cur)
{
	if (t != cur) {
		t->wait = WAIT_COPY;
		t->copy_partner = cur;
		timer_park(t);
	}
}

/* The copy is over: side `t` (NULL if it was taken out of IPC) goes back
 * to waiting for `wait`.  A receiver from one thread alone whose thread
 * went meanwhile would wait for good: its receive fails. */
static void unpark(struct thread *t, struct thread *cur, u8 wait)
{
	if (t && t != cur) {
		t->wait = wait;
		t->copy_partner = NULL;
		timer_unpark(t);
		if (wait == WAIT_RECV && sender_gone(t->ipc_from))
			wake_with(t, -E_ABORTED);
	}
}

/* The extended part of *sp's message `m` to *rp.  A side taken out of IPC
 * during the copy comes back NULL. */
static int transfer_extended(struct thread **sp, struct thread **rp,
			     const struct msg *m)
{
	struct thread *cur = arch_current(), *s = *sp, *r = *rp;
	u8 s_wait = s->wait, r_wait = r->wait;

	park(s, cur);
	park(r, cur);
	cur->copy_from = s;
	cur->copy_to = r;
	int err = copy_extended(cur, m->xbuf,
				arch_ipc_buffer(arch_thread_tf(r)), m->size);
	*sp = s = cur->copy_from;
	*rp = r = cur->copy_to;
	cur->copy_from = cur->copy_to = NULL;
	unpark(s, cur, s_wait);
	unpark(r, cur, r_wait);
	return s && r ? err : -E_ABORTED;
}

/*
 * Deliver the message of *sp to *rp, both known ready.  On success the
 * receiver's registers hold the message and it is runnable (or, for a
 * fault reply, its waiter is); the sender is left for the caller to
 * continue.  On failure nothing reached the receiver and the error is the
 * sender's.  Only an extended copy blocks: a side taken out of IPC
 * meanwhile comes back as NULL, not to be touched again.
 */
static int transfer(struct thread **sp, struct thread **rp)
{
	struct thread *s = *sp, *r = *rp;
	struct msg m;
	int err;

	msg_from_sender(s, &m);
	err = check_fits(r, &m);
	if (err)
		return err;

	if (r->flags & THREAD_F_FAULT_DELIVERED) {
		/* The pager answers r's fault. */
		r->fault_reply[0] = m.mr[0];
		r->fault_reply[1] = m.mr[1];
		r->flags &= ~(THREAD_F_FAULTING | THREAD_F_FAULT_DELIVERED);
		struct thread *w = r->fault_waiter;
		r->fault_waiter = NULL;
		if (w && w->state == TS_BLOCKED) {
			w->fault_result = 0;
			thread_wake(w);
		}
		return 0;
	}

	if (is_fault_sender(s))
		m.type = fault_extra_to(s, r);
	else if (m.type == IPC_FULL)
		err = copy_full(s, r);
	else if (m.type == IPC_EXTENDED && m.size)
		err = transfer_extended(sp, rp, &m);
	if (err)
		return err;

	struct trapframe *rtf = arch_thread_tf(r);
	memcpy(arch_msg_regs(rtf), m.mr, sizeof(m.mr));
	arch_ipc_set_received(rtf, s->tid,
			      m.type | ((u64)m.size << IPC_SIZE_SHIFT) |
				  (is_fault_sender(s) ? IPC_FROM_KERNEL : 0));
	arch_set_result(rtf, 0);
	if (r != arch_current())
		thread_wake(r);
	return 0;
}

/* After its message went, `s` goes on: to its receive phase, or done. */
static void sender_done(struct thread *s)
{
	/* A loop, not recursion: a chain of threads each queued to send to
	 * the next, each with a receive phase, completes one by one here,
	 * however long it is, on a bounded kernel stack. */
	while (s) {
		struct thread *next = NULL, *q;
		if (is_fault_sender(s)) {
			s->flags |= THREAD_F_FAULT_DELIVERED; /* now wait for
								 the reply */
			return;
		}
		if (s->ipc_from == TID_NIL) {
			wake_with(s, 0);
			return;
		}
		if (sender_gone(s->ipc_from)) {
			wake_with(s,
				  -E_ABORTED); /* it went while s was queued */
			return;
		}
		s->wait = WAIT_RECV;
		recv_wait_on(s, s->ipc_from);
		/* A sender may have queued for it meanwhile. */
		while (!next && s && (q = sendq_find(s, s->ipc_from))) {
			sendq_remove(s, q);
			int err = transfer(&q, &s);
			if (!err)
				next = q;
			else if (q)
				wake_with(q, err); /* did not fit: fail it, try
						      the next */
		}
		s = next;
	}
}

/* ------------------------------------------------------------ phases */

static bool ready_to_receive(const struct thread *r, const struct thread *s)
{
	if (r->state != TS_BLOCKED)
		return false;
	if (r->flags & THREAD_F_FAULT_DELIVERED)
		return s->tid == r->pager && !is_fault_sender(s);
	return r->wait == WAIT_RECV &&
	       (r->ipc_from == TID_ANY || r->ipc_from == s->tid);
}

/* Is `r` waiting for a reply from `s`: in a receive from `s` alone (the
 * receive phase of a call to `s`), or holding a fault message `s` took as
 * its pager? */
static bool awaits_reply(const struct thread *r, const struct thread *s)
{
	if (r->state != TS_BLOCKED)
		return false;
	if (r->flags & THREAD_F_FAULT_DELIVERED)
		return r->pager == s->tid;
	return r->wait == WAIT_RECV && r->ipc_from == s->tid;
}

/* The reply phase (IPC_REPLY) of `cur` to `dst` (NULL: no thread has the
 * id): delivered now, to a thread waiting for it, or not at all.  Never
 * blocks: an extended reply is refused by the decode, so the transfer
 * waits for no pager.  0 or why nothing was delivered. */
static int reply_phase(struct thread *cur, struct thread *dst)
{
	struct thread *s = cur;
	if (!dst || !dst->space || dst->state == TS_DEAD)
		return -E_NOTHREAD;
	if (!awaits_reply(dst, cur))
		return -E_WOULDBLOCK;
	return transfer(&s, &dst);
}

/* Check that `cur` may send to `dst` with `flags`. */
static int check_send(struct thread *cur, struct thread *dst, u32 flags)
{
	static const u32 type_right[3] = {CAP_IPC_SHORT, CAP_IPC_FULL,
					  CAP_IPC_EXTENDED};
	if (dst == cur)
		return -E_SELF;
	if (!dst->space || dst->state == TS_DEAD)
		return -E_NOTHREAD;
	/* A pager's reply to a fault message needs no capability. */
	if ((dst->flags & THREAD_F_FAULT_DELIVERED) && dst->pager == cur->tid)
		return 0;
	if (!scope_authorized(cur, CAP_IPC, dst,
			      CAP_IPC_SEND | type_right[ipc_type(flags)]))
		return -E_NOCAP;
	return 0;
}

/* The receive phase of `cur`: take a queued sender or block (until
 * `deadline`). */
static long receive_phase(struct thread *cur, u32 from, u32 flags, u64 deadline)
{
	struct thread *s;

	while ((s = sendq_find(cur, from))) {
		struct thread *r = cur;
		sendq_remove(cur, s);
		int err = transfer(&s, &r);
		if (!err) {
			sender_done(s);
			return 0;
		}
		if (s)
			wake_with(s, err); /* did not fit: fail that sender,
					      look again */
	}
	/* An extended send phase may have waited for a page: `from`, alive
	 * when the call began, may be gone now. */
	if (unlikely(ipc_type(flags) == IPC_EXTENDED) && sender_gone(from))
		return -E_ABORTED;
	if (flags & IPC_NONBLOCK)
		return -E_WOULDBLOCK;
	if (deadline_passed(deadline))
		return -E_TIMEOUT;
	recv_wait_on(cur, from);
	block(cur, WAIT_RECV, true);
	timer_arm(cur, deadline);
	schedule();
	return 0; /* not reached: resumes in user mode */
}

/* ipc, decoded (below). */
struct ipc_args {
	struct thread *dst; /* NULL: no send (IPC_REPLY: perhaps no thread) */
	bool reply;	    /* IPC_REPLY and `to` is not TID_NIL */
	u32 from, flags;
	u64 deadline;
};

/* Send to x->dst (NULL: no send), then receive from x->from (TID_NIL: no
 * receive), blocking until the deadline.  0 or -E_*: the transfer's and
 * the wait's errors; a blocked call returns in user mode. */
static long ipc_call(struct thread *cur, const struct ipc_args *x)
{
	struct thread *dst = x->dst;
	u32 from = x->from, flags = x->flags;
	u64 deadline = x->deadline;
	int err;

	cur->ipc_flags = flags;
	cur->ipc_from = from;
	if (x->reply) {
		/* A reply is delivered or dropped at once; the receive
		 * follows either way and reports nothing of it. */
		err = reply_phase(cur, dst);
		if (from == TID_NIL)
			return err;
	} else if (dst) {
		if (ready_to_receive(dst, cur)) {
			struct thread *s = cur;
			err = transfer(&s, &dst);
			if (err)
				return err;
		} else {
			if (flags & IPC_NONBLOCK)
				return -E_WOULDBLOCK;
			if (deadline_passed(deadline))
				return -E_TIMEOUT;
			ipc_sendq_append(dst, cur);
			block(cur, WAIT_SEND, true);
			timer_arm(cur, deadline);
			schedule();
			return 0; /* not reached */
		}
	}
	if (from == TID_NIL)
		return 0;
	return receive_phase(cur, from, flags, deadline);
}

/*
 * The fast paths.  The dispatcher comes here first for every ipc, before
 * it has done anything; when no fast path applies, this hands the call to
 * the dispatcher proper (syscall_ipc), which does the same work the long
 * way.  Each is a short send to a thread already waiting for it, with a
 * receive phase, nobody queued that the receive phase should take first,
 * and the receiver at least as urgent as the caller:
 *
 *  - a call (from == to) or a send and wait (from == TID_ANY), permission
 *    cached; for a call, the caller already in the receiver's list of
 *    closed receivers (the first call to a new server takes the slow
 *    path, which enlists it);
 *  - a reply and wait (IPC_REPLY, from == TID_ANY) to a thread in a call
 *    to the caller (no capability is needed);
 *  - the same to a thread whose fault message the caller took as its
 *    pager: the fault is answered and the thread resumes in the kernel,
 *    where it waits (fault_ipc), switched to directly.
 *
 * The receiver runs next, its message registers loaded from the caller's
 * frame; the caller waits in its receive phase.  No walk of anything: one
 * lookup of the receiver.
 */
static inline __attribute__((always_inline)) void
fast_block(struct thread *cur, u32 flags, u32 from)
{
	cur->ipc_flags = flags;
	cur->ipc_from = from;
	cur->state = TS_BLOCKED;
	cur->wait = WAIT_RECV;
	cur->flags |= THREAD_F_USER_CONT;
}

/* `dst` runs next in place of `cur`. */
static inline __attribute__((always_inline)) void fast_wake(struct thread *dst)
{
	dst->state = TS_RUNNABLE;
	dst->wait = WAIT_NONE;
	if (!dst->timeslice)
		dst->timeslice = THREAD_TIMESLICE;
}

/* The pager `cur` answers the fault of `dst` (its own fault, blocked in
 * fault_ipc), short, and waits for anyone. */
static __attribute__((noinline, noreturn)) void
fast_fault_reply(struct thread *cur, struct thread *dst, const u64 *m)
{
	dst->flags &= ~(THREAD_F_FAULTING | THREAD_F_FAULT_DELIVERED);
	dst->fault_waiter = NULL;
	fast_block(cur, IPC_REPLY, TID_ANY);
	fast_wake(dst);
	/* cur's kernel stack is abandoned: it resumes in user mode.  So is
	 * dst's, if the answer needs nothing more of its fault path. */
	if (fault_resume_direct(dst, m[0], m[1]))
		arch_resume_user(cur, dst);
	dst->fault_reply[0] = m[0];
	dst->fault_reply[1] = m[1];
	dst->fault_result = 0;
	arch_switch(cur, dst);
	__builtin_unreachable();
}

/* The thread whose id is `id`, an argument not checked yet (an id has 32
 * bits: one with a higher bit set names none). */
static inline struct thread *fast_lookup(u64 id)
{
	struct thread *t = thread_ids.table[TID_INDEX((u32)id)];
	return t && t->tid == id ? t : NULL;
}

void ipc_fastpath(struct trapframe *tf)
{
	struct thread *cur = arch_current();
	const u64 *a = arch_syscall_args(tf);
	u64 to = a[0], from = a[1], flags = a[2];
	struct thread *dst;

	if (flags == IPC_REPLY) {
		if (from != TID_ANY || cur->sendq_head)
			goto slow;
		dst = fast_lookup(to);
		if (!dst || dst->prio < cur->prio)
			goto slow;
		if (dst->state != TS_BLOCKED || dst->wait != WAIT_RECV ||
		    dst->ipc_from != cur->tid) {
			if (dst->state == TS_BLOCKED &&
			    dst->wait == WAIT_FAULT_REPLY &&
			    (dst->flags & THREAD_F_FAULT_DELIVERED) &&
			    dst->pager == cur->tid && dst->fault_waiter == dst)
				fast_fault_reply(cur, dst, arch_msg_regs(tf));
			goto slow;
		}
	} else {
		/* The cache names a thread id: `to` has 32 bits. */
		if (flags != IPC_SHORT || !ipc_cache_trusts(cur, to))
			goto slow;
		dst = thread_lookup((u32)to);
		if (!dst || dst->prio < cur->prio)
			goto slow;
		/* A call, already in dst's list of closed receivers, or a
		 * send and wait with nobody queued to send to the caller. */
		if (from == to ? cur->recv_on != dst
			       : from != TID_ANY || cur->sendq_head)
			goto slow;
		/* (Blocked receiving: so not in a send queue, the caller's
		 * included: a call takes nobody queued first.) */
		if (dst->state != TS_BLOCKED || dst->wait != WAIT_RECV ||
		    (dst->ipc_from != TID_ANY && dst->ipc_from != cur->tid))
			goto slow;
	}
	if (dst->flags & THREAD_F_TIMED)
		goto slow;

	/* The message stays in the caller's frame: dst's registers are
	 * loaded from there as it leaves the kernel. */
	struct trapframe *dtf = arch_thread_tf(dst);
	arch_ipc_set_received(dtf, cur->tid, IPC_SHORT);
	arch_set_result(dtf, 0);
	fast_block(cur, (u32)flags, (u32)from);
	fast_wake(dst);
	arch_ipc_enter_user(cur, dst, arch_msg_regs(tf));
slow:
	syscall_ipc(tf);
}

/* ------------------------------------------------------------ the call
 * ipc(to, from, flags).  The decode checks the ids, the flags, the
 * threads named and the right to send: every error the ABI lists before
 * anything moves; ipc_call is the invoke, whose errors are the transfer's
 * and the wait's.  (The call lives here, not in api/: the IPC path is
 * measured to the instruction, and a call across files costs some.) */

static int decode_ipc(const u64 *a, struct ipc_args *x)
{
	struct thread *cur = arch_current(), *f = NULL;
	u32 to = (u32)a[0];
	u64 flags = a[2];

	if (a[0] > UINT32_MAX || a[1] > UINT32_MAX)
		return -E_NOTHREAD;
	if (flags & ~(u64)IPC_FLAGS_MASK ||
	    ipc_type((u32)flags) > IPC_EXTENDED ||
	    (flags & IPC_REPLY && ipc_type((u32)flags) == IPC_EXTENDED) ||
	    ipc_size((u32)flags) > IPC_EXTENDED_MAX ||
	    (flags & (IPC_NONBLOCK | IPC_TIMEOUT)) ==
		(IPC_NONBLOCK | IPC_TIMEOUT))
		return -E_INVAL;
	x->from = (u32)a[1];
	x->flags = (u32)flags;
	x->deadline = flags & IPC_TIMEOUT
			  ? arch_ipc_deadline(arch_thread_tf(cur))
			  : DEADLINE_NEVER;
	if (x->from != TID_NIL && x->from != TID_ANY) {
		f = thread_lookup(x->from);
		if (f == cur)
			return -E_SELF;
		if (!f || f->state == TS_DEAD)
			return -E_NOTHREAD;
	}
	x->dst = NULL;
	x->reply = to != TID_NIL && (flags & IPC_REPLY);
	if (x->reply) {
		/* Whether `to` waits for it is the reply phase's question. */
		x->dst = thread_lookup(to);
		return x->dst == cur ? -E_SELF : 0;
	}
	if (to != TID_NIL) {
		/* a call: found already */
		x->dst = to == x->from ? f : thread_lookup(to);
		if (!x->dst)
			return -E_NOTHREAD;
		return check_send(cur, x->dst, x->flags);
	}
	return 0;
}

long sys_ipc(const u64 *a)
{
	struct ipc_args x;
	int r = decode_ipc(a, &x);
	return r ? r : ipc_call(arch_current(), &x);
}

/* The deadline of `t`, blocked in IPC, has passed: the IPC ends with
 * E_TIMEOUT.  A sender leaves its receiver's queue: nothing was sent in
 * the phase it was in. */
void ipc_timeout(struct thread *t)
{
	if (t->wait == WAIT_SEND && t->ipc_partner)
		sendq_remove(t->ipc_partner, t);
	wake_with(t, -E_TIMEOUT);
}

/* ------------------------------------------------------------ faults */

/*
 * The fault fast path.  A thread's own fault (an exception, a page fault
 * or an unknown system call) to a pager already waiting in a receive that
 * takes it, untimed and at least as urgent: the message goes straight into
 * the pager's registers (a system call's last four words into its UTCB,
 * as on the slow path: fault_extra_to) and the pager runs next, switched
 * to directly (no run queue, no scheduler); the faulting thread waits for
 * the reply in the kernel (fault_ipc), as on the slow path.  The reply
 * comes back the same way (fast_fault_reply).
 */
static bool fast_fault_send_ok(const struct thread *cur,
			       const struct thread *pager)
{
	return ready_to_receive(pager, cur) && pager->prio >= cur->prio &&
	       !(pager->flags & (THREAD_F_TIMED | THREAD_F_TIMER_PARKED));
}

/* Returns when the fault is answered or aborted. */
static void fast_fault_send(struct thread *cur, struct thread *pager)
{
	struct trapframe *ptf = arch_thread_tf(pager);
	memcpy(arch_msg_regs(ptf), cur->fault_msg, IPC_SHORT_MRS * 8);
	arch_ipc_set_received(ptf, cur->tid,
			      fault_extra_to(cur, pager) | IPC_FROM_KERNEL);
	arch_set_result(ptf, 0);
	cur->flags |= THREAD_F_FAULT_DELIVERED;
	cur->state = TS_BLOCKED; /* running: in no run queue */
	cur->wait = WAIT_FAULT_REPLY;
	fast_wake(pager);
	arch_switch(cur, pager);
}

long fault_ipc(struct thread *victim, const u64 msg[FAULT_MSG_WORDS],
	       u64 *reply1)
{
	struct thread *cur = arch_current();
	struct thread *pager = thread_lookup(victim->pager);

	if (!pager || pager == victim || !pager->space) {
		thread_kill(victim, pager == victim
					? "faulted while its own pager"
					: "fault with no pager");
		return -E_ABORTED;
	}
	memcpy(victim->fault_msg, msg, sizeof(victim->fault_msg));
	victim->flags |= THREAD_F_FAULTING;
	victim->fault_waiter = cur;
	cur->fault_result = -E_ABORTED;

	if (victim == cur && fast_fault_send_ok(cur, pager)) {
		fast_fault_send(cur, pager);
	} else if (ready_to_receive(pager, victim)) {
		struct thread *s = victim;
		if (transfer(&s, &pager) == 0)
			victim->flags |= THREAD_F_FAULT_DELIVERED;
		block(cur, WAIT_FAULT_REPLY, false);
		schedule();
	} else {
		ipc_sendq_append(pager, victim);
		block(cur, WAIT_FAULT_REPLY, false);
		schedule();
	}
	/* Woken by the reply (fault_result 0) or by an abort. */
	if (cur->fault_result)
		return cur->fault_result;
	if (reply1)
		*reply1 = victim->fault_reply[1];
	return (long)victim->fault_reply[0];
}

/* ------------------------------------------------------------ cancel */

/* A fault message of `t` that will never be answered.  Its waiter sees
 * E_ABORTED; `t` itself is woken only if `wake_self` (it is not the one
 * being stopped). */
static void abort_fault(struct thread *t, bool wake_self)
{
	struct thread *w = t->fault_waiter;
	withdraw_fault(t);
	if (w && (w != t || wake_self) && w->state == TS_BLOCKED) {
		w->fault_result = -E_ABORTED;
		thread_wake(w);
	}
}

/* `t` is parked in a copy: leave it (its copier sees the gap and gives
 * up, and never touches t again). */
static void leave_copy(struct thread *t)
{
	struct thread *c = t->copy_partner;
	if (c->copy_from == t)
		c->copy_from = NULL;
	if (c->copy_to == t)
		c->copy_to = NULL;
	t->copy_partner = NULL;
}

/* `t`, copying for others, will never finish: the sides it parked fail
 * (and a fault of theirs it waited for is withdrawn). */
static void abandon_copy(struct thread *t)
{
	struct thread *side[2] = {t->copy_from, t->copy_to};
	t->copy_from = t->copy_to = NULL;
	for (int i = 0; i < 2; i++) {
		struct thread *v = side[i];
		if (!v || v == t)
			continue;
		if (v->fault_waiter == t)
			withdraw_fault(v);
		v->copy_partner = NULL;
		wake_with(v, -E_ABORTED);
	}
}

void ipc_cancel(struct thread *t, bool dying)
{
	if (t->flags & THREAD_F_FAULTING)
		abort_fault(t, false);
	if (t->state == TS_BLOCKED) {
		switch (t->wait) {
		case WAIT_SEND:
			if (t->ipc_partner)
				sendq_remove(t->ipc_partner, t);
			thread_set_result(t, -E_ABORTED);
			break;
		case WAIT_RECV:
			thread_set_result(t, -E_ABORTED);
			break;
		case WAIT_COPY:
			leave_copy(t);
			thread_set_result(t, -E_ABORTED);
			break;
		default:
			break;
		}
		/* A kernel continuation resumes and sees the abort. */
		t->fault_result = -E_ABORTED;
	}
	t->ipc_partner = NULL;
	if (!dying)
		return;

	/* Senders queued for t fail; so do faults t was to answer, copies t
	 * was doing, and receives from t alone (they would wait forever). */
	while (t->sendq_head) {
		struct thread *s = t->sendq_head;
		sendq_remove(t, s);
		if (is_fault_sender(s))
			abort_fault(s, true);
		else
			wake_with(s, -E_ABORTED);
	}
	abandon_copy(t);
	/* The threads t pages (thread.c keeps the list): a fault of theirs
	 * t holds will not be answered. */
	for (struct thread *v = t->paged; v; v = v->paged_link.next)
		if (v->flags & THREAD_F_FAULT_DELIVERED)
			abort_fault(v, true);
	/* Every thread blocked receiving from t alone is in t's list (and
	 * some that no longer wait: the list is emptied here). */
	while (t->recv_waiters) {
		struct thread *v = t->recv_waiters;
		recv_delist(v);
		if (v->state == TS_BLOCKED && v->wait == WAIT_RECV &&
		    v->ipc_from == t->tid)
			wake_with(v, -E_ABORTED);
	}
}

void ipc_forget(struct thread *t)
{
	if (t->recv_on)
		recv_delist(t);
	while (t->recv_waiters)
		recv_delist(t->recv_waiters);
}
