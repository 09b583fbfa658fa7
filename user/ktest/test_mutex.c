/*
 * ktest: user mutexes (mutex_control and libtess's tess_mutex).
 *
 * The errors of mutex_control (bad operation, unaligned, unmapped and
 * read-only words, no MUTEX scope capability), the uncontended path that
 * never enters the kernel, MUTEX_UNLOCK's count of woken threads and the
 * order and cancellation of waiters, and contended counting: several
 * threads of one space, then two spaces sharing a page at the same or at a
 * different address (the kernel keys waiters by physical address), each
 * adding to a shared counter under the lock with a yield inside the
 * critical section, so that any lapse of mutual exclusion loses counts.
 *
 * The thread in the second space is an agent (agent.c): it takes orders
 * by IPC and leaves results in a mailbox page mapped at the same address
 * in both spaces.  Every object comes from an arena (one Untyped, one
 * CSpace) emptied at the end.
 */
#include "ktest.h"
#include <tess_thread.h>

#define ARENA_BITS 23 /* 8 MiB */
#define ARENA_SLOT_BITS 10
#define STACK_SIZE 8192
#define NWORKERS 4
#define LOOPS 100

#define VA_MB(i) (KT_VA_MUTEX + 0x1000ul * (1 + (i)))
#define VA_SHARED (KT_VA_MUTEX + 0x10000ul)
#define VA_SHARED2 (KT_VA_MUTEX + 0x18000ul) /* the agent's other address */
#define VA_RO (KT_VA_MUTEX + 0x20000ul)
#define VA_UNMAPPED (KT_VA_MUTEX + 0x100000ul)

enum agent_op { OP_MUTEX = 1, OP_LOOP, OP_LIBLOCK };

/* The page the counting threads share.  `next` is the same mutex's
 * neighbour one hash bucket cycle away (256 bytes: same kernel bucket,
 * different word). */
struct shared {
	struct tess_mutex m;
	volatile uint32_t counter;
	volatile uint32_t inside;    /* threads in the critical section */
	volatile uint32_t overlap;   /* times another was found inside */
	volatile uint32_t contended; /* times the holder saw waiters (word 2) */
	volatile uint32_t done;
	char pad[256 - 6 * 4];
	struct tess_mutex next;
};

/* An agent's mailbox (see ktest.h). */
struct mbox {
	struct kt_mbox k;
	volatile uint32_t word_held, word_after; /* OP_LIBLOCK */
	struct tess_mutex own; /* a word in the agent's mailbox */
};
_Static_assert(sizeof(struct mbox) <= 4096, "a mailbox is one page");

/* A thread of the root task's space that makes one MUTEX_LOCK call. */
struct waiter {
	struct tess_thread t;
	volatile uint32_t *word;
	volatile long result;
	volatile uint32_t done; /* 0, then its place in the order of wake-ups */
};

static char thread_stack[NWORKERS][STACK_SIZE] __attribute__((aligned(16)));

static struct tess_alloc al;
static cptr_t arena_ut, arena_cs, root_tables[3], ro_page;
static uint32_t root_tid, mutex_capid;
/* In the root task's own memory; aligned so that m and next share a page. */
static struct shared local __attribute__((aligned(512)));
static volatile uint32_t wake_order;

/* ------------------------------------------------------------ in other threads
 */

/* Add `n` to the shared counter, one at a time, under the mutex, with a
 * yield between reading and writing the counter. */
static void count_loop(struct shared *sh, int n)
{
	for (int i = 0; i < n; i++) {
		tess_mutex_lock(&sh->m);
		if (sh->inside++)
			sh->overlap++;
		uint32_t v = sh->counter;
		tess_thread_switch(TID_NIL);
		sh->counter = v + 1;
		if (sh->m.word == 2)
			sh->contended++;
		sh->inside--;
		tess_mutex_unlock(&sh->m);
	}
	__atomic_add_fetch(&sh->done, 1, __ATOMIC_RELEASE);
}

static void worker_main(void *sh)
{
	count_loop(sh, LOOPS);
}

static void waiter_main(void *arg)
{
	struct waiter *w = arg;
	w->result = tess_mutex_control((void *)w->word, MUTEX_LOCK);
	w->done = __atomic_add_fetch(&wake_order, 1, __ATOMIC_ACQ_REL);
}

/* An agent's order (kt_order_fn). */
static long agent_order(struct mbox *mb, struct tess_msg *m)
{
	switch (m->mr[0]) {
	case OP_MUTEX:
		return tess_mutex_control((void *)m->mr[1], (unsigned)m->mr[2]);
	case OP_LOOP:
		count_loop((struct shared *)m->mr[1], (int)m->mr[2]);
		return 0;
	case OP_LIBLOCK: {
		struct tess_mutex *mx = (struct tess_mutex *)m->mr[1];
		tess_mutex_lock(mx);
		mb->word_held = mx->word;
		tess_mutex_unlock(mx);
		mb->word_after = mx->word;
		return 0;
	}
	default:
		return KT_AGENT_UNKNOWN;
	}
}

/* ------------------------------------------------------------ helpers */

/* An agent in a copy of the root task's space, mailbox `idx`, with no
 * scope capability of its own. */
static long agent_make(struct kt_agent *a, int idx)
{
	return kt_agent_make(a, &al, VA_MB(idx), 0, TID_NIL, CPTR_NONE,
			     agent_order);
}

/* A thread in the root task's space running fn(arg) on thread_stack[i]. */
static long thread_in_root(struct tess_thread *t, tess_entry_fn fn, void *arg,
			   int i)
{
	return tess_thread_spawn(&al, fn, arg, thread_stack[i] + STACK_SIZE,
				 TID_NIL, t);
}

static long cc(unsigned req, unsigned long flags, struct capability *c)
{
	return tess_capability_control(req, flags, c);
}

/* Give agent `a` a replica of the root's MUTEX cap narrowed to
 * ops/scope/resid (made below a temporary parent, so that a failure can be
 * revoked away). */
static long give_mutex(struct kt_agent *a, uint32_t ops, uint32_t scope,
		       uint32_t resid)
{
	struct capability p, c;
	long r;
	memset(&p, 0, sizeof(p));
	p.capid = mutex_capid;
	r = cc(CAP_CONTROL_REPLICATE, 0, &p);
	if (r)
		return r;
	c = p;
	r = cc(CAP_CONTROL_REPLICATE, 0, &c);
	if (!r) {
		c.rights = ops | CAP_TRANSFERABLE;
		c.scope = scope;
		c.resid = resid;
		r = cc(CAP_CONTROL_DEDUCE, 0, &c);
	}
	if (!r) {
		c.owner = a->tid;
		r = cc(CAP_CONTROL_GRANT,
		       CAP_GRANT_SINGLE | CAP_GRANT_IMMUTABLE, &c);
	}
	if (r)
		cc(CAP_CONTROL_REVOKE, 0, &p);
	cc(CAP_CONTROL_DESTROY, 0, &p);
	return r;
}

/* ------------------------------------------------------------ set-up */

static int setup(void)
{
	struct capability list[40];
	struct task_ids ids;
	cptr_t slot;
	long n, r;

	tess_getid(&ids);
	root_tid = ids.tid;
	if (tess_new(ka, CAP_UNTYPED, ARENA_BITS, &arena_ut) ||
	    tess_new(ka, CAP_CSPACE, ARENA_SLOT_BITS, &arena_cs))
		return tap_ok(0, "mutex: make the arena (untyped and CSpace)");
	slot = arena_cs << CPTR_DIGIT_BITS;
	tess_alloc_init(&al, arena_ut, slot, slot + (1u << ARENA_SLOT_BITS));

	n = cc(CAP_CONTROL_READ, 40, list);
	for (long i = 0; i < n; i++)
		if (list[i].type == CAP_MUTEX &&
		    list[i].scope == SCOPE_SYSTEM &&
		    list[i].list == CAP_LIST_SPACE &&
		    (list[i].rights & CAP_MUTEX_ALL) == CAP_MUTEX_ALL)
			mutex_capid = list[i].capid;
	if (!tap_ok(mutex_capid != 0,
		    "mutex: the root task has a system-wide MUTEX cap"))
		return 0;

	r = kt_tables_make(&al, SPACE_SELF, KT_VA_MUTEX, root_tables);
	if (!r && !(r = tess_new(&al, CAP_PAGE, 0, &ro_page)))
		r = tess_map(ro_page, SPACE_SELF, VA_RO, RIGHT_PAGE_READ);
	return tap_eq(r, 0,
		      "mutex: map the suite's tables and a read-only page");
}

static void teardown(void)
{
	long bad = tess_delete(&al, ro_page);
	bad |= kt_tables_free(&al, root_tables);
	tap_eq(tess_remaining(arena_ut), 1l << ARENA_BITS,
	       "mutex: every object made from the arena is gone");
	bad |= tess_delete(ka, arena_cs);
	bad |= tess_delete(ka, arena_ut);
	tap_eq(bad, 0,
	       "mutex: the suite's pages, tables and arena are deleted");
}

/* ------------------------------------------------------------ scenarios */

static void test_errors(void)
{
	volatile uint32_t *w = &local.m.word;

	local.m.word = 0;
	tap_eq(tess_mutex_control((void *)w, 0), -E_INVAL,
	       "mutex_control op 0 is E_INVAL");
	tap_eq(tess_mutex_control((void *)w, 3), -E_INVAL,
	       "mutex_control op 3 is E_INVAL");
	tap_eq(tess_mutex_control((void *)w, 0x101), -E_INVAL,
	       "mutex_control op 0x101 is E_INVAL");
	tap_eq(tess_mutex_control((char *)w + 1, MUTEX_LOCK), -E_ALIGN,
	       "a word 1 byte off alignment is E_ALIGN");
	tap_eq(tess_mutex_control((char *)w + 2, MUTEX_UNLOCK), -E_ALIGN,
	       "a word 2 bytes off alignment is E_ALIGN");
	tap_eq(tess_mutex_control((void *)VA_UNMAPPED, MUTEX_LOCK), -E_FAULT,
	       "an unmapped word is E_FAULT (LOCK)");
	tap_eq(tess_mutex_control((void *)VA_UNMAPPED, MUTEX_UNLOCK), -E_FAULT,
	       "an unmapped word is E_FAULT (UNLOCK)");
	tap_eq(tess_mutex_control(NULL, MUTEX_LOCK), -E_FAULT,
	       "the word at address 0 is E_FAULT");
	tap_eq(tess_mutex_control((void *)0xffff800000001000ul, MUTEX_LOCK),
	       -E_FAULT, "a word in the kernel half is E_FAULT");
	tap_eq(tess_mutex_control((void *)(USER_ADDR_TOP - 4), MUTEX_UNLOCK),
	       -E_FAULT,
	       "the last word below the user top (unmapped) is E_FAULT");
	tap_eq(tess_mutex_control((void *)VA_RO, MUTEX_LOCK), -E_FAULT,
	       "a word in a read-only page is E_FAULT");
	tap_eq(local.m.word, 0, "failed calls leave the word alone");
}

static void test_uncontended(void)
{
	struct tess_mutex *m = &local.m;
	int ok = 1;

	tess_mutex_init(m);
	tess_mutex_lock(m);
	tap_eq(m->word, 1,
	       "an uncontended lock leaves the word at 1 (held, no waiters)");
	tess_mutex_unlock(m);
	tap_eq(m->word, 0, "an uncontended unlock leaves the word at 0");
	for (int i = 0; i < 1000; i++) {
		tess_mutex_lock(m);
		ok &= m->word == 1;
		tess_mutex_unlock(m);
		ok &= m->word == 0;
	}
	tap_ok(ok, "1000 uncontended lock/unlock pairs: 1 while held, 0 after");

	m->word = 0;
	tap_eq(tess_mutex_control((void *)&m->word, MUTEX_LOCK), 0,
	       "MUTEX_LOCK on a free word (0) returns 0 at once");
	tap_eq(m->word, 0, "... and leaves the word at 0");
	m->word = 1;
	tap_eq(
	    tess_mutex_control((void *)&m->word, MUTEX_LOCK), 0,
	    "MUTEX_LOCK on a word held without waiters (1) returns 0 at once");
	tap_eq(m->word, 1, "... and leaves the word at 1");
	m->word = 3;
	tap_eq(tess_mutex_control((void *)&m->word, MUTEX_LOCK), 0,
	       "MUTEX_LOCK on a word that is not 2 returns 0 at once");
	m->word = 2;
	tap_eq(tess_mutex_control((void *)&m->word, MUTEX_UNLOCK), 0,
	       "MUTEX_UNLOCK with nobody waiting wakes 0 threads");
	tap_eq(m->word, 2, "the kernel never writes the word");
	m->word = 0;
}

/* mutex_control needs a MUTEX scope cap covering the caller, with the
 * operation's bit; the uncontended path needs none. */
static void test_authority(void)
{
	struct kt_agent a;
	long r;

	r = agent_make(&a, 0);
	if (!tap_eq(r, 0, "authority: start an agent with no capability"))
		goto out;
	uint64_t own = (uint64_t)&a.mb->own.word;
	tap_eq(kt_agent_do(&a, OP_MUTEX, own, MUTEX_LOCK, 0, 0), -E_NOCAP,
	       "MUTEX_LOCK without a MUTEX cap is E_NOCAP");
	tap_eq(kt_agent_do(&a, OP_MUTEX, own, MUTEX_UNLOCK, 0, 0), -E_NOCAP,
	       "MUTEX_UNLOCK without a MUTEX cap is E_NOCAP");
	tap_eq(kt_agent_do(&a, OP_MUTEX, own, 7, 0, 0), -E_INVAL,
	       "a bad operation is E_INVAL even without a cap");
	tap_eq(kt_agent_do(&a, OP_LIBLOCK, own, 0, 0, 0), 0,
	       "the agent locks and unlocks a free mutex");
	tap_ok(a.mb->word_held == 1 && a.mb->word_after == 0,
	       "without any MUTEX cap the uncontended lock and unlock work "
	       "(they never enter the kernel)");

	tap_eq(give_mutex(&a, CAP_MUTEX_ALL, SCOPE_THREAD, root_tid), 0,
	       "grant a MUTEX cap over another thread");
	tap_eq(kt_agent_do(&a, OP_MUTEX, own, MUTEX_LOCK, 0, 0), -E_NOCAP,
	       "a MUTEX cap over another thread does not allow MUTEX_LOCK");
	tap_eq(give_mutex(&a, CAP_MUTEX_LOCK, SCOPE_THREAD, a.tid), 0,
	       "grant a MUTEX cap with LOCK over the agent");
	tap_eq(kt_agent_do(&a, OP_MUTEX, own, MUTEX_LOCK, 0, 0), 0,
	       "MUTEX_LOCK with the LOCK bit works");
	tap_eq(kt_agent_do(&a, OP_MUTEX, own, MUTEX_UNLOCK, 0, 0), -E_NOCAP,
	       "MUTEX_UNLOCK needs the UNLOCK bit");
	tap_eq(give_mutex(&a, CAP_MUTEX_UNLOCK, SCOPE_SPACE, a.spid), 0,
	       "grant a MUTEX cap with UNLOCK over the agent's space");
	tap_eq(kt_agent_do(&a, OP_MUTEX, own, MUTEX_UNLOCK, 0, 0), 0,
	       "MUTEX_UNLOCK with the UNLOCK bit works");
	tap_eq(kt_agent_do(&a, OP_MUTEX, VA_UNMAPPED, MUTEX_LOCK, 0, 0),
	       -E_FAULT, "with a cap, an unmapped word is still E_FAULT");
out:
	tap_eq(kt_agent_free(&a), 0,
	       "authority: the agent and its caps are deleted");
}

/* Start `w` in thread_stack[i] to lock local.m (held, with waiters): 0
 * once it waits in MUTEX_LOCK. */
static long waiter_start(struct waiter *w, int i)
{
	long r;
	w->word = &local.m.word;
	r = thread_in_root(&w->t, waiter_main, w, i);
	return r ? r : kt_wait_state(w->t.tid, THREAD_STATE_BLOCKED);
}

/* MUTEX_UNLOCK wakes the longest waiter and says how many it woke. */
static void test_wake(void)
{
	struct waiter w[4];
	long r = 0;
	int i;

	memset(w, 0, sizeof(w));
	wake_order = 0;
	local.m.word = 2; /* held, with waiters: MUTEX_LOCK will wait */
	local.next.word = 2;
	for (i = 0; i < 2 && !r; i++)
		r = waiter_start(&w[i], i);
	if (!tap_eq(r, 0,
		    "two threads wait in MUTEX_LOCK, one after the other"))
		goto out;
	tap_eq(tess_mutex_control((void *)&local.next.word, MUTEX_UNLOCK), 0,
	       "MUTEX_UNLOCK of another word (same hash bucket) wakes nobody");
	tap_ok(kt_state(w[0].t.tid) == THREAD_STATE_BLOCKED &&
		   kt_state(w[1].t.tid) == THREAD_STATE_BLOCKED,
	       "both still wait");
	tap_eq(tess_mutex_control((void *)&local.m.word, MUTEX_UNLOCK), 1,
	       "MUTEX_UNLOCK with two waiters wakes 1");
	kt_wait_count(&w[0].done, 1);
	tap_ok(w[0].done == 1 && w[0].result == 0,
	       "the first waiter woke, its MUTEX_LOCK returned 0");
	tap_ok(!w[1].done && kt_state(w[1].t.tid) == THREAD_STATE_BLOCKED,
	       "the second still waits");
	tap_eq(tess_mutex_control((void *)&local.m.word, MUTEX_UNLOCK), 1,
	       "the next MUTEX_UNLOCK wakes 1");
	kt_wait_count(&w[1].done, 1);
	tap_ok(w[1].done == 2 && w[1].result == 0, "the second waiter woke");
	tap_eq(tess_mutex_control((void *)&local.m.word, MUTEX_UNLOCK), 0,
	       "with the queue empty MUTEX_UNLOCK wakes 0");

	/* A waiter taken out of the queue: suspended, then destroyed. */
	tap_eq(waiter_start(&w[2], 2), 0, "a third thread waits");
	tap_eq(kt_tctrl(THREAD_SUSPEND, w[2].t.tid), 0, "suspend the waiter");
	tap_eq(tess_mutex_control((void *)&local.m.word, MUTEX_UNLOCK), 0,
	       "a suspended waiter has left the queue: MUTEX_UNLOCK wakes 0");
	tap_eq(kt_tctrl(THREAD_RUN, w[2].t.tid), 0,
	       "run the suspended waiter again");
	kt_wait_count(&w[2].done, 1);
	tap_ok(w[2].done && w[2].result == -E_ABORTED,
	       "its MUTEX_LOCK returns E_ABORTED (the caller tries again)");

	tap_eq(waiter_start(&w[3], 3), 0, "a fourth thread waits");
	tap_eq(tess_delete(&al, w[3].t.thread_cap), 0,
	       "delete the waiting thread");
	w[3].t.thread_cap = 0;
	tap_eq(tess_mutex_control((void *)&local.m.word, MUTEX_UNLOCK), 0,
	       "a destroyed waiter has left the queue: MUTEX_UNLOCK wakes 0");
out:
	r = 0;
	for (i = 0; i < 4; i++)
		if (w[i].t.thread_cap)
			r |= tess_delete(&al, w[i].t.thread_cap);
	tap_eq(r, 0, "wake: the waiting threads are deleted");
	local.m.word = 0;
	local.next.word = 0;
}

/* Threads of one space count under the lock. */
static void test_contended_threads(void)
{
	struct tess_thread t[NWORKERS];
	long r = 0;
	int i;

	memset(&local, 0, sizeof(local));
	memset(t, 0, sizeof(t));
	for (i = 0; i < NWORKERS && !r; i++)
		r = thread_in_root(&t[i], worker_main, &local, i);
	tap_eq(r, 0, "start %d threads that each count %d times under the lock",
	       NWORKERS, LOOPS);
	if (!r)
		kt_wait_count(&local.done, NWORKERS);
	tap_eq(local.done, NWORKERS, "every thread finished");
	tap_eq(local.counter, NWORKERS * LOOPS,
	       "the total is exact: no two threads were ever inside together");
	tap_eq(local.overlap, 0,
	       "no thread found another inside the critical section");
	tap_ok(local.contended > 0,
	       "the lock was contended (the holder saw waiters)");
	tap_eq(local.m.word, 0, "the mutex is free at the end");
	r = 0;
	for (i = 0; i < NWORKERS; i++)
		if (t[i].thread_cap)
			r |= tess_delete(&al, t[i].thread_cap);
	tap_eq(r, 0, "contended: the threads are deleted");
}

/* Two spaces share a page: the root task maps it at VA_SHARED, the agent
 * at `va`.  Both count under the mutex in it; then a waiter in the agent's
 * space is woken by an unlock through the root task's mapping. */
static void test_contended_spaces(uintptr_t va, const char *how)
{
	struct kt_agent a;
	cptr_t page = 0, copy = 0, tables[3] = {0, 0, 0};
	long r;

	r = agent_make(&a, 1);
	if (!r)
		r = tess_new(&al, CAP_PAGE, 0, &page);
	if (!r)
		r = tess_map(page, SPACE_SELF, VA_SHARED,
			     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	if (!r)
		r = kt_map_copy(&al, page, a.space, va, &copy, tables);
	if (!r)
		r = give_mutex(&a, CAP_MUTEX_ALL, SCOPE_THREAD, a.tid);
	if (!tap_eq(r, 0, "%s: an agent sharing a page with the root task",
		    how))
		goto out;
	struct shared *sh = (struct shared *)VA_SHARED;
	uintptr_t there = va; /* the same mutex, in the agent's space */
	memset(sh, 0, sizeof(*sh));

	uint32_t seq = a.mb->k.seq + 1;
	r = kt_agent_post(&a, OP_LOOP, there, LOOPS, 0, 0);
	tap_eq(r, 0, "%s: the agent starts counting", how);
	count_loop(sh, LOOPS);
	tap_eq(kt_agent_wait(&a, seq), 0, "%s: the agent finished", how);
	tap_eq(sh->counter, 2 * LOOPS, "%s: the total of both spaces is exact",
	       how);
	tap_eq(sh->overlap, 0, "%s: never two inside the critical section",
	       how);
	tap_ok(sh->contended > 0,
	       "%s: the lock was contended across the spaces", how);
	tap_eq(sh->m.word, 0, "%s: the mutex is free at the end", how);

	sh->m.word = 2;
	seq = a.mb->k.seq + 1;
	r = kt_agent_post(&a, OP_MUTEX, there, MUTEX_LOCK, 0, 0);
	if (!r)
		r = kt_wait_state(a.tid, THREAD_STATE_BLOCKED);
	tap_eq(r, 0, "%s: the agent waits in MUTEX_LOCK through its mapping",
	       how);
	tap_eq(tess_mutex_control((void *)&sh->m.word, MUTEX_UNLOCK), 1,
	       "%s: MUTEX_UNLOCK through the root's mapping wakes it", how);
	tap_eq(kt_agent_wait(&a, seq), 0,
	       "%s: the agent's MUTEX_LOCK returned 0", how);
	sh->m.word = 0;
out:
	r = kt_agent_free(&a);
	if (copy)
		r |= tess_delete(&al, copy);
	if (page)
		r |= tess_delete(&al, page);
	r |= kt_tables_free(&al, tables);
	tap_eq(r, 0, "%s: the agent and the shared page are deleted", how);
}

void test_mutex(void)
{
	printf("# mutex: mutex_control and tess_mutex\n");
	if (!setup())
		return;
	test_errors();
	test_uncontended();
	test_authority();
	test_wake();
	test_contended_threads();
	test_contended_spaces(VA_SHARED, "same address");
	test_contended_spaces(VA_SHARED2, "different address");
	teardown();
}
