/*
 * The invariant checker (kernel/core/invariants.c) catches corruption: a
 * sound world passes; then, each in a fresh world, one injected fault
 * (broken links, a cycle, a capability outside the tree or in freed
 * memory, an object outside its untyped or overlapping another, a bad
 * derivation, wrong id tables, malformed capabilities) must make it panic
 * with the matching message.
 */
#include <string.h>

#include "kworld.h"

static struct kworld w;
static struct cap *b, *u, *cs;
static struct space *sp;
static struct thread *th;

/*
 * b[4]: an untyped U; from it a CSpace C (b[5]) with two pages in C[1] and
 * C[2], a copy of C[1] in b[6], a Space (b[7]) with a Thread (b[8]) in it,
 * a nested untyped (b[9]) with a page (b[10]).
 */
static void build(void)
{
	kw_init(&w, 22, 6);
	b = w.boot;
	u = &b[4];
	kw_retype(w.ut, CAP_UNTYPED, 20, u, 1);
	kw_retype(u, CAP_CSPACE, 3, &b[5], 1);
	cs = kw_slots(&b[5]);
	kw_retype(u, CAP_PAGE, 0, &cs[1], 2);
	kw_copy(&cs[1], &b[6]);
	kw_retype(u, CAP_SPACE, 0, &b[7], 1);
	kw_retype(u, CAP_THREAD, 0, &b[8], 1);
	sp = (struct space *)b[7].obj;
	th = (struct thread *)b[8].obj;
	thread_set_space(th, sp);
	thread_bind(th, 0);
	kw_retype(u, CAP_UNTYPED, 14, &b[9], 1);
	kw_retype(&b[9], CAP_PAGE, 0, &b[10], 1);
}

/* Does the checker panic, saying `what`? */
static void caught(const char *corruption, const char *what)
{
	int ok = kw_invariants_ok();
	t_ok(!ok && strstr(panic_message, what), "caught: %s (\"%s\")",
	     corruption, what);
	if (ok || !strstr(panic_message, what))
		printf("#   the checker said: %s\n",
		       ok ? "nothing" : panic_message);
	kw_fini(&w);
	build();
}

/* Does the check after a call of `t` pass (or is it skipped)? */
static int after_call_ok(const struct thread *t)
{
	jmp_buf jb, *saved = panic_jmp;
	volatile int ok = 0;

	if (setjmp(jb) == 0) {
		panic_jmp = &jb;
		invariants_after_call(t);
		ok = 1;
	}
	panic_jmp = saved;
	return ok;
}

/* The fuzzer's harness (invariants_trust): the calls of the trusted
 * container's threads are not followed by the check; every other
 * thread's are, and a check asked for is made. */
static void trusted(void)
{
	struct thread *t;

	kw_retype(u, CAP_CONTAINER, 0, &b[11], 1);
	container_configure((struct container *)b[11].obj, 5);
	kw_retype(u, CAP_THREAD, 0, &b[12], 1);
	t = (struct thread *)b[12].obj;
	thread_set_space(t, sp);
	t_ok(thread_bind(t, 5) == 0 && t->container && kw_invariants_ok(),
	     "a thread in container 5");
	cs[2].type = CAP_NULL; /* broken: an empty slot in the tree */
	t_ok(!after_call_ok(t), "untrusted, a call is followed by the check");
	invariants_trust(5, true);
	t_ok(after_call_ok(t),
	     "container 5 trusted, its thread's call is not checked");
	t_ok(!kw_invariants_ok(), "... a check asked for is made");
	t_ok(!after_call_ok(th), "... a call of a thread of no container is");
	invariants_trust(6, true);
	t_ok(!after_call_ok(t), "another container trusted, it is checked");
	invariants_trust(5, false);
	t_ok(!after_call_ok(t), "trust taken back, every call is checked");
	kw_fini(&w);
	build();
}

int main(void)
{
	build();
	t_ok(kw_invariants_ok(), "a sound world passes");
	cap_delete(&b[6]);
	t_ok(kw_invariants_ok(), "... and after a delete");
	kw_fini(&w);
	build();
	trusted();

	b[6].parent = w.ut;
	caught("a child's parent pointer points elsewhere",
	       "first child's parent");

	cs[2].next->prev = NULL;
	caught("a next->prev link is broken", "next->prev");

	/* Siblings in a ring: the last one's next is the first. */
	{
		struct cap *k = u->child;
		while (k->next)
			k = k->next;
		k->next = u->child;
		u->child->prev = k;
	}
	caught("siblings form a ring", "first child has a prev");

	/* A subtree hung under a second parent as well. */
	b[6].child = &b[10];
	b[10].parent = &b[6];
	caught("a capability linked under two parents", "parent");

	cs[2].type = CAP_NULL;
	caught("an empty slot left in the tree", "empty slot");

	cdt_remove(&cs[2]);
	caught("a capability in a CSpace slot but not in the tree",
	       "not in the derivation tree");

	cdt_remove(&b[5]);
	memset(&b[5], 0, sizeof(b[5]));
	caught("capabilities left in a CSpace whose last cap is gone",
	       "in no live object's slot");

	u->data[1] = 0;
	caught("an untyped's watermark below its objects",
	       "outside its untyped's used range");

	u->data[1] = (1ull << 20) + PAGE_SIZE;
	caught("an untyped's watermark beyond its size", "untyped");

	cs[2].obj = b[5].obj;
	caught("a page placed on a CSpace", "overlap");

	cs[1].obj += 64;
	b[6].obj += 64;
	caught("a misaligned page", "not aligned");

	b[9].obj = b[5].obj;
	caught("a nested untyped over a CSpace", "");

	cdt_remove(&b[6]);
	cdt_insert_child(&b[5], &b[6]);
	caught("a page derived from a CSpace capability", "of another object");

	cdt_remove(&cs[1]);
	cdt_insert_child(u, &cs[1]);
	caught("an untyped's children out of address order", "out of order");

	kw_device_cap(&b[11], CAP_TIMER, 0, 0);
	cdt_remove(&b[11]);
	cdt_insert_child(&b[6], &b[11]);
	caught("a timer capability derived from a page", "derived from");

	b[12] = b[6];
	b[12].type = CAP_TYPE_COUNT;
	b[12].child = NULL;
	cdt_insert_child(&b[6], &b[12]);
	caught("a capability of an unknown type", "has type");

	sp->spid = sp->spid + 1;
	caught("a space whose id names another", "space");

	sp->nthreads = 5;
	caught("a space counting threads it does not have", "threads");

	th->tid ^= 1; /* another index in the tid table */
	caught("a thread whose id names another thread", "id");

	/* A zombie with its cursor past its slots. */
	kw_retype(u, CAP_CSPACE, 7, &b[13], 1);
	kw_retype(u, CAP_PAGE, 0, kw_slots(&b[13]), 100);
	host_preempt = HOST_PREEMPT_ALWAYS;
	int r = cap_delete(&b[13]);
	host_preempt = HOST_PREEMPT_NEVER;
	percpu()->need_resched = false;
	/* (No bound thread here: the zombie stays in its slot.) */
	struct cap *z = &b[13];
	t_ok(r == -E_RESTART && z->type == CAP_ZOMBIE && kw_invariants_ok(),
	     "a zombie left by a preempted delete passes");
	z->data[1] = (z->data[1] & ~0xffffffffull) | 1000;
	caught("a zombie's cursor past its slots", "cursor");

	kw_fini(&w);
	return t_finish();
}
