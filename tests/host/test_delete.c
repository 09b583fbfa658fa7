/*
 * Deletion without recursion (kernel/core/delete.c): a chain of 100000
 * CSpaces, each holding the only capability to the next, deleted and
 * revoked on a thread with a small stack; cycles (CSpaces holding the only
 * capabilities to each other or to themselves, a Space whose root CSpace
 * holds the only capability to the Space) taken apart by revoking their
 * Untyped; Threads, Spaces and Containers losing their ids; an Untyped
 * deep inside a dying CSpace taking what was made from it along; all of
 * it with preemption forced at every preemption point, the call repeated
 * after each -E_RESTART until done (progress on chains far deeper than
 * the preemption interval), the invariants checked after every try; and
 * restarted system calls whose own work deleted a capability on the path
 * of their capability address.
 */
#include <pthread.h>

#include "kworld.h"
#include "core/syscall.h"

static struct kworld w;
static struct cap *b;

/* Try budget for a preempted operation: far more than it needs if every
 * try gets on with the work (each try runs 64 preemption points). */
#define TRIES 5000

/* A chain of n 2-slot CSpaces: slot 1 of each holds the only capability
 * to the next.  Built from the bottom up, so the top CSpace is the
 * untyped's first child; its capability ends in b[slot]. */
static void make_chain(struct cap *u, unsigned slot, u64 n)
{
	struct cap *top = &b[slot], *tmp = &b[slot + 1];

	if (kw_retype(u, CAP_CSPACE, 1, top, 1))
		panic("make_chain: retype");
	for (u64 i = 1; i < n; i++) {
		if (kw_retype(u, CAP_CSPACE, 1, tmp, 1) ||
		    kw_move(top, &kw_slots(tmp)[1]) || kw_move(tmp, top))
			panic("make_chain: step %llu", (unsigned long long)i);
	}
}

static u64 chain_depth(const struct cap *c)
{
	u64 n = 0;
	for (; c->type == CAP_CSPACE; c = &kw_slots(c)[1])
		n++;
	return n;
}

struct small_stack_call {
	int (*op)(struct cap *);
	struct cap *c;
	int result;
};

static void *small_stack_main(void *arg)
{
	struct small_stack_call *call = arg;
	call->result = call->op(call->c);
	return NULL;
}

/* Run op(c) on a thread with a 256 KiB stack: a recursive walk of a deep
 * chain would overflow it (and crash the test). */
static int revoke_all(struct cap *c)
{
	return cap_revoke(c, NULL);
}

static int on_small_stack(int (*op)(struct cap *), struct cap *c)
{
	struct small_stack_call call = {op, c, -1};
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	if (pthread_create(&t, &attr, small_stack_main, &call))
		panic("pthread_create");
	pthread_join(t, NULL);
	pthread_attr_destroy(&attr);
	return call.result;
}

static void test_deep(void)
{
	struct cap *u = &b[8];
	const u64 n = 100000;

	kw_retype(w.ut, CAP_UNTYPED, 24, u, 1);
	make_chain(u, 10, n);
	T_EQ(chain_depth(&b[10]), n, "a chain of 100000 CSpaces");
	t_ok(kw_invariants_ok(), "... invariants hold");
	T_EQ(on_small_stack(cap_delete, &b[10]), 0,
	     "delete its top on a 256 KiB stack");
	t_ok(!u->child && untyped_remaining(u) == 1ull << 24,
	     "... every CSpace is gone, the untyped is whole");
	t_ok(kw_invariants_ok(), "... invariants hold");

	make_chain(u, 10, n);
	T_EQ(on_small_stack(revoke_all, u), 0,
	     "build it again; revoke the untyped");
	t_ok(!u->child && cap_is_null(&b[10]) &&
		 untyped_remaining(u) == 1ull << 24,
	     "... every CSpace is gone, the untyped is whole");
	cap_delete(u);
}

/* A - B: each holds the only capability to the other. */
static void make_pair(struct cap *u, unsigned slot)
{
	struct cap *a = &b[slot], *bb = &b[slot + 1];
	kw_retype(u, CAP_CSPACE, 2, a, 1);
	kw_retype(u, CAP_CSPACE, 2, bb, 1);
	kw_retype(u, CAP_PAGE, 0, &kw_slots(a)[2], 1);
	kw_retype(u, CAP_PAGE, 0, &kw_slots(bb)[2], 1);
	kw_copy(a, &kw_slots(bb)[1]);
	kw_move(bb, &kw_slots(a)[1]);
	cap_delete(a); /* not final: B holds a copy */
}

/* C holds the only capability to itself. */
static void make_self(struct cap *u, unsigned slot)
{
	struct cap *c = &b[slot];
	kw_retype(u, CAP_CSPACE, 3, c, 1);
	kw_retype(u, CAP_PAGE, 0, &kw_slots(c)[5], 2);
	kw_move(c, &kw_slots(c)[0]);
}

/* S's root CSpace C holds the only capability to S; S holds C's. */
static u32 make_space_loop(struct cap *u, unsigned slot)
{
	struct cap *s = &b[slot], *c = &b[slot + 1];
	kw_retype(u, CAP_SPACE, 0, s, 1);
	kw_retype(u, CAP_CSPACE, 3, c, 1);
	struct space *sp = (struct space *)s->obj;
	kw_retype(u, CAP_PAGE, 0, &kw_slots(c)[4], 1);
	kw_retype(u, CAP_THREAD, 0, &kw_slots(c)[5], 1);
	thread_set_space((struct thread *)kw_slots(c)[5].obj, sp);
	kw_move(c, space_root_cspace(sp));
	kw_move(s, &kw_slots(space_root_cspace(sp))[2]);
	return sp->spid;
}

static void test_cycles(int preempt)
{
	struct cap *u = &b[8];
	const char *how = preempt ? " (preempted)" : "";
	u64 tries;

	kw_retype(w.ut, CAP_UNTYPED, 20, u, 1);
	host_preempt = preempt ? HOST_PREEMPT_ALWAYS : HOST_PREEMPT_NEVER;

	make_pair(u, 10);
	t_ok(cap_is_null(&b[10]) && u->child,
	     "A and B hold the only caps to each other%s", how);
	t_ok(kw_invariants_ok(), "... invariants hold");
	T_EQ(kw_revoke(u, TRIES, &tries), 0, "... revoke their untyped%s", how);
	t_ok(!u->child && untyped_remaining(u) == 1ull << 20,
	     "... both are gone");

	make_self(u, 10);
	t_ok(cap_is_null(&b[10]) && u->child,
	     "C holds the only cap to itself%s", how);
	t_ok(kw_invariants_ok(), "... invariants hold");
	T_EQ(kw_revoke(u, TRIES, &tries), 0, "... revoke its untyped%s", how);
	t_ok(!u->child && untyped_remaining(u) == 1ull << 20, "... it is gone");

	u32 spid = make_space_loop(u, 10);
	t_ok(cap_is_null(&b[10]) && cap_is_null(&b[11]) && space_by_id(spid),
	     "a Space's root CSpace holds the only cap to the Space%s", how);
	t_ok(kw_invariants_ok(), "... invariants hold");
	T_EQ(kw_revoke(u, TRIES, &tries), 0, "... revoke their untyped%s", how);
	t_ok(!u->child && untyped_remaining(u) == 1ull << 20 &&
		 !space_by_id(spid),
	     "... all gone, the space id is free");

	/* The same loop, reached: deleting the Space's cap from inside. */
	spid = make_space_loop(u, 10);
	struct space *sp = space_by_id(spid);
	struct cap *root = space_root_cspace(sp);
	struct cap *in = &kw_slots(root)[2];
	struct thread *t = (struct thread *)kw_slots(root)[5].obj;
	T_EQ(kw_delete(in, TRIES, &tries), 0,
	     "delete the Space's cap held in its root CSpace%s", how);
	t_ok(!u->child && untyped_remaining(u) == 1ull << 20 &&
		 !space_by_id(spid),
	     "... Space, CSpace, Thread and Page are gone");
	t_ok(kw_invariants_ok() && t->space == NULL, "... invariants hold");
	host_preempt = HOST_PREEMPT_NEVER;
	cap_delete(u);
}

/* Threads, Spaces and Containers give up their ids. */
static void test_ids(void)
{
	struct cap *u = &b[8];
	kw_retype(w.ut, CAP_UNTYPED, 20, u, 1);
	kw_retype(u, CAP_SPACE, 0, &b[10], 1);
	kw_retype(u, CAP_THREAD, 0, &b[11], 2);
	kw_retype(u, CAP_CONTAINER, 0, &b[13], 1);
	struct space *s = (struct space *)b[10].obj;
	struct thread *t1 = (struct thread *)b[11].obj,
		      *t2 = (struct thread *)b[12].obj;
	struct container *c = (struct container *)b[13].obj;

	T_EQ(container_check_configure(c, 7), 0, "container 7");
	container_configure(c, 7);
	T_EQ(thread_bind(t1, 7), 0, "a thread in it");
	T_EQ(thread_bind(t2, 7), 0, "another");
	thread_set_space(t1, s);
	thread_set_space(t2, s);
	kw_retype(u, CAP_PAGE, 0, &t1->slots[0], 1); /* its IPC buffer */
	u32 tid1 = t1->tid, tid2 = t2->tid;
	t_ok(kw_invariants_ok(), "invariants hold");

	T_EQ(cap_delete(&b[11]), 0, "delete the first thread");
	t_ok(!thread_lookup(tid1) && s->nthreads == 1 && s->threads == t2 &&
		 c->nthreads == 1,
	     "... its id is gone, it left its space and container");
	t_ok(cap_is_null(&t1->slots[0]), "... its buffer page cap was deleted");
	T_EQ(cap_delete(&b[10]), 0, "delete the space");
	t_ok(t2->space == NULL && thread_lookup(tid2) == t2,
	     "... its thread has no space");
	T_EQ(cap_delete(&b[13]), 0, "delete the container");
	t_ok(!container_lookup(7) && !thread_lookup(tid2) && t2->tid == 0,
	     "... its id is free, its thread lost its id");
	t_ok(kw_invariants_ok(), "invariants hold");
	cap_revoke(u, NULL);
	cap_delete(u);
}

/* Preemption: each restart keeps what was done; a zombie left behind is
 * finished by whatever meets it next. */
static void test_preempt(void)
{
	struct cap *u = &b[8];
	u64 tries;

	kw_retype(w.ut, CAP_UNTYPED, 24, u, 1);
	host_preempt = HOST_PREEMPT_ALWAYS;

	/* Wide: a 4096-slot CSpace full of pages and copies. */
	kw_retype(u, CAP_CSPACE, 12, &b[10], 1);
	struct cap *cs = kw_slots(&b[10]);
	kw_retype(u, CAP_PAGE, 0, cs, 2048);
	for (unsigned i = 0; i < 2048; i++)
		kw_copy(&cs[i], &cs[2048 + i]);
	T_EQ(kw_delete(&b[10], TRIES, &tries), 0,
	     "delete a CSpace of 4096 caps, preempted");
	t_ok(tries > 10, "... it took %llu tries", (unsigned long long)tries);
	t_ok(!u->child && untyped_remaining(u) == 1ull << 24,
	     "... everything is gone");

	/* Revoke of a page with 1000 copies. */
	kw_retype(u, CAP_CSPACE, 10, &b[10], 1);
	cs = kw_slots(&b[10]);
	kw_retype(u, CAP_PAGE, 0, &b[11], 1);
	for (unsigned i = 0; i < 1000; i++)
		kw_copy(i % 2 ? &cs[i - 1] : &b[11], &cs[i]);
	T_EQ(kw_revoke(&b[11], TRIES, &tries), 0,
	     "revoke a page with 1000 copies, preempted");
	t_ok(tries > 10 && !b[11].child && b[11].type == CAP_PAGE,
	     "... all gone after %llu tries, the page stays",
	     (unsigned long long)tries);
	cap_delete(&b[10]);
	cap_delete(&b[11]);

	/* A chain: the restarts go back down through the zombies. */
	make_chain(u, 10, 300);
	T_EQ(kw_delete(&b[10], TRIES, &tries), 0,
	     "delete a chain of 300 CSpaces, preempted");
	t_ok(tries > 1 && !u->child, "... done after %llu tries",
	     (unsigned long long)tries);

	/* An untyped deep inside: what was made from it goes first. */
	kw_retype(u, CAP_CSPACE, 1, &b[10], 1);
	kw_retype(u, CAP_CSPACE, 1, &kw_slots(&b[10])[1], 1);
	struct cap *deep = &kw_slots(&kw_slots(&b[10])[1])[1];
	kw_retype(u, CAP_UNTYPED, 20, deep, 1);
	kw_retype(deep, CAP_CSPACE, 8, &b[11], 1);
	kw_retype(deep, CAP_PAGE, 0, kw_slots(&b[11]), 200);
	kw_retype(deep, CAP_UNTYPED, 16, &b[12], 1);
	kw_retype(&b[12], CAP_PAGE, 0, &b[13], 16);
	kw_copy(&b[13], &kw_slots(&b[11])[255]);
	T_EQ(kw_delete(&b[10], TRIES, &tries), 0,
	     "delete a CSpace holding (two levels down) an untyped with "
	     "objects, preempted");
	t_ok(!u->child && cap_is_null(&b[11]) && cap_is_null(&b[12]) &&
		 cap_is_null(&b[13]),
	     "... the untyped's objects, nested untyped and copies went too "
	     "(%llu tries)",
	     (unsigned long long)tries);

	/* A zombie left behind is finished by a revoke of the untyped. */
	make_chain(u, 10, 300);
	percpu()->need_resched = false;
	T_EQ(cap_delete(&b[10]), -E_RESTART,
	     "start deleting a chain; preempted");
	t_ok(b[10].type == CAP_ZOMBIE && kw_slots(&b[10])[1].type == CAP_ZOMBIE,
	     "... zombies are left, nested (no thread to keep them: in place)");
	t_ok(kw_invariants_ok(), "... invariants hold with nested zombies");
	T_EQ(kw_revoke(u, TRIES, &tries), 0, "revoke the untyped instead");
	t_ok(!u->child && cap_is_null(&b[10]), "... the zombies are finished");

	/* A zombie inside a CSpace that is deleted later. */
	kw_retype(u, CAP_CSPACE, 1, &b[10], 1);
	kw_retype(u, CAP_CSPACE, 8, &kw_slots(&b[10])[1], 1);
	kw_retype(u, CAP_PAGE, 0, kw_slots(&kw_slots(&b[10])[1]), 256);
	percpu()->need_resched = false;
	T_EQ(cap_delete(&kw_slots(&b[10])[1]), -E_RESTART,
	     "delete a nested CSpace; preempted");
	T_EQ(kw_delete(&b[10], TRIES, &tries), 0,
	     "delete the CSpace holding that zombie");
	t_ok(!u->child, "... everything is gone");

	/* Progress: a chain deeper than the preemption interval. */
	make_chain(u, 10, 1000);
	T_EQ(kw_delete(&b[10], TRIES, &tries), 0,
	     "delete a chain of 1000 CSpaces, preempted at every preemption "
	     "point");
	t_ok(!u->child, "... done after %llu tries", (unsigned long long)tries);
	if (u->child) {
		/* Finish without preemption so the world can be torn down. */
		host_preempt = HOST_PREEMPT_NEVER;
		cap_revoke(u, NULL);
	}
	make_chain(u, 10, 1000);
	host_preempt = HOST_PREEMPT_ALWAYS;
	T_EQ(kw_revoke(u, TRIES, &tries), 0,
	     "revoke a chain of 1000 CSpaces, preempted at every preemption "
	     "point");
	host_preempt = HOST_PREEMPT_NEVER;
	if (u->child)
		cap_revoke(u, NULL);
	t_ok(kw_invariants_ok(), "invariants hold");
	cap_delete(u);
}

/* Re-run a system call after each -E_RESTART, as the kernel does. */
static long syscall_restarting(u64 nr, cptr_t c, u64 *tries)
{
	u64 a[6] = {c};
	long r;
	*tries = 0;
	do {
		percpu()->need_resched = false;
		r = syscall_call(nr, a);
		++*tries;
	} while (r == -E_RESTART && *tries < TRIES);
	percpu()->need_resched = false;
	return r;
}

/*
 * A restarted call resolves its capability address again.  When the work
 * already done deleted a capability on that address's path, the rerun
 * must still finish the job, as an uninterrupted call does.
 */
static void test_restart_path(void)
{
	struct cap *u = &b[8];
	u64 tries;

	kw_task(&w);
	kw_retype(w.ut, CAP_UNTYPED, 20, u, 1);

	/* Revoke x[1] (a cap to X, below X's first cap in root slot 21)
	 * through root slot 20, a copy of it: its first child.  300 more
	 * copies make the revoke long. */
	kw_retype(u, CAP_CSPACE, 2, &b[21], 1);
	struct cap *x = kw_slots(&b[21]);
	kw_retype(u, CAP_CSPACE, 9, &b[22], 1);
	struct cap *y = kw_slots(&b[22]);
	kw_copy(&b[21], &x[1]);
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < 300; i++)
			kw_copy(&x[1], &y[i]);
		kw_copy(&x[1], &b[20]);
		host_preempt = pass ? HOST_PREEMPT_ALWAYS : HOST_PREEMPT_NEVER;
		T_EQ(syscall_restarting(SYS_cap_revoke, 0x00140001, &tries), 0,
		     "revoke through a path its own work deletes%s",
		     pass ? ", preempted and restarted" : "");
		host_preempt = HOST_PREEMPT_NEVER;
		t_ok(x[1].type == CAP_CSPACE && !x[1].child &&
			 cap_is_null(&b[20]),
		     "... every descendant is gone (%u left)",
		     cdt_count_children(&x[1]));
		cap_revoke(&x[1], NULL);
	}
	cap_revoke(u, NULL);

	/* Delete an untyped (its objects go first) through a CSpace made
	 * from it, the untyped's newest object. */
	for (int pass = 0; pass < 2; pass++) {
		kw_retype(w.ut, CAP_UNTYPED, 20, &b[23], 1);
		kw_retype(u, CAP_CSPACE, 9, &b[22], 1);
		y = kw_slots(&b[22]);
		kw_retype(&b[23], CAP_PAGE, 0, y, 200);
		kw_retype(&b[23], CAP_CSPACE, 3, &b[20], 1);
		x = kw_slots(&b[20]);
		kw_move(&b[23], &x[5]);
		host_preempt = pass ? HOST_PREEMPT_ALWAYS : HOST_PREEMPT_NEVER;
		T_EQ(syscall_restarting(SYS_cap_delete, 0x00140005, &tries), 0,
		     "delete an untyped through a CSpace made from it%s",
		     pass ? ", preempted and restarted" : "");
		host_preempt = HOST_PREEMPT_NEVER;
		t_ok(cap_is_null(&y[0]) && cap_is_null(&y[199]) &&
			 cap_is_null(&b[20]),
		     "... its pages and the CSpace are gone");
		t_ok(kw_invariants_ok(), "invariants hold");
		cap_revoke(u, NULL);
		/* A zombie a failed call left below the big untyped. */
		for (struct cap *k = w.ut->child; k; k = k->next)
			if (k->type == CAP_ZOMBIE) {
				cap_delete(k);
				k = w.ut->child;
			}
	}
}

/*
 * A deletion left pending by a call that was abandoned (its thread sent
 * elsewhere, as exchange_registers does: preempt_forget) is finished
 * by the thread's next delete; if that is preempted, its repeat must still
 * delete its own capability, not take the old work for its own.
 */
static void test_abandoned_restart(void)
{
	struct cap *u = &b[9];
	u64 tries;

	kw_retype(w.ut, CAP_UNTYPED, 22, u, 1);
	kw_retype(u, CAP_CSPACE, 9, &b[20], 1);
	kw_retype(u, CAP_PAGE, 0, kw_slots(&b[20]), 400);
	host_preempt = HOST_PREEMPT_ALWAYS;
	percpu()->need_resched = false;
	u64 a[6] = {20};
	T_EQ(syscall_call(SYS_cap_delete, a), -E_RESTART,
	     "delete a big CSpace; preempted");
	t_ok(cap_is_null(&b[20]) &&
		 w.thread->slots[THREAD_SLOT_PENDING].type == CAP_ZOMBIE,
	     "... its zombie waits in the thread's pending slot");
	preempt_forget(w.thread); /* the call is abandoned */
	kw_retype(u, CAP_PAGE, 0, &b[21], 1);
	T_EQ(syscall_restarting(SYS_cap_delete, 21, &tries), 0,
	     "the thread's next delete, preempted and restarted");
	host_preempt = HOST_PREEMPT_NEVER;
	t_ok(cap_is_null(&b[21]), "... deleted its own capability");
	t_ok(cap_is_null(&w.thread->slots[THREAD_SLOT_PENDING]) && !u->child,
	     "... and finished the old work first (%llu tries)",
	     (unsigned long long)tries);
	t_ok(kw_invariants_ok(), "invariants hold");
	cap_revoke(u, NULL);
	cap_delete(u);
}

int main(void)
{
	kw_init(&w, 25, 6);
	b = w.boot;
	test_deep();
	test_cycles(0);
	test_cycles(1);
	test_ids();
	test_preempt();
	test_restart_path();
	test_abandoned_restart();
	kw_fini(&w);
	return t_finish();
}
