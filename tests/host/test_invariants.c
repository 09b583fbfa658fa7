/*
 * The invariant checker (kernel/core/invariants.c) catches corruption: a
 * sound world passes; then, each in a fresh world, one injected fault
 * (broken links, a cycle, a capability outside the tree or in freed
 * memory, an object outside its untyped or overlapping another, a bad
 * derivation, wrong id tables, malformed capabilities, broken thread
 * groups, lists of threads and containers, a waiting state that
 * docs/ipc-states.md does not allow) must make it panic with the matching
 * message.
 */
#include <string.h>

#include "kworld.h"
#include "core/input.h"
#include "core/ipc.h"

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

/* A fresh world.  The input reader is kernel state kw_init does not
 * reset: it must not name a thread in the memory freed. */
static void rebuild(void)
{
	input.reader = NULL;
	kw_fini(&w);
	build();
}

/* Does `msg` hold the pieces of `what` (separated by '*') in order? */
static int says(const char *msg, const char *what)
{
	char piece[128];

	while (*what) {
		size_t n = strcspn(what, "*");
		if (n >= sizeof(piece))
			return 0;
		memcpy(piece, what, n);
		piece[n] = 0;
		msg = strstr(msg, piece);
		if (!msg)
			return 0;
		msg += n;
		what += n + (what[n] == '*');
	}
	return 1;
}

/* Does the checker panic, saying `what` ('*': any text)? */
static void caught(const char *corruption, const char *what)
{
	int ok = kw_invariants_ok();
	t_ok(!ok && says(panic_message, what), "caught: %s (\"%s\")",
	     corruption, what);
	if (ok || !says(panic_message, what))
		printf("#   the checker said: %s\n",
		       ok ? "nothing" : panic_message);
	rebuild();
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

/* A new thread in boot slot b[i], in the space sp, with an id in
 * container `cid`. */
static struct thread *new_thread(int i, u32 cid)
{
	struct thread *t;

	kw_retype(u, CAP_THREAD, 0, &b[i], 1);
	t = (struct thread *)b[i].obj;
	thread_set_space(t, sp);
	thread_bind(t, cid);
	return t;
}

/* The fuzzer's harness (invariants_trust): the calls of the trusted
 * container's threads are not followed by the check; every other
 * thread's are, and a check asked for is made. */
static void trusted(void)
{
	struct thread *t;

	kw_retype(u, CAP_CONTAINER, 0, &b[11], 1);
	container_configure((struct container *)b[11].obj, 5);
	t = new_thread(12, 5);
	t_ok(t->container && kw_invariants_ok(), "a thread in container 5");
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
	rebuild();
}

/* The threads of family(), besides th. */
static struct thread *member, *zombie, *receiver, *waiter, *parked, *copier,
    *sender, *faulter, *reader, *parked2, *copier2;

/*
 * Threads in every relation the checker follows, all in states
 * docs/ipc-states.md allows.  th leads a group that `member` joined;
 * th pages `member` and `faulter`; `zombie` is th's dead child; `receiver`
 * is blocked receiving from th alone (in th's list of receivers);
 * `waiter` waits for its child `member`; `copier`, running, copies for
 * `parked` (BLOCKED in COPY); `sender` waits to send to th and `faulter`,
 * its own fault not yet delivered, waits in th's queue too, for the
 * reply; `reader` waits for console input; `copier2` waits for the
 * reply to the fault it raised in the name of its parked side `parked2`
 * (queued in th's queue, th being its pager).
 */
static void family(void)
{
	member = new_thread(11, 0);
	zombie = new_thread(12, 0);
	receiver = new_thread(13, 0);
	waiter = new_thread(14, 0);
	parked = new_thread(15, 0);
	copier = new_thread(16, 0);
	sender = new_thread(17, 0);
	faulter = new_thread(18, 0);
	reader = new_thread(19, 0);

	thread_join_group(member, th);
	thread_set_pager(member, th->tid);
	thread_set_pager(faulter, th->tid);

	thread_set_parent(zombie, th);
	thread_exit(zombie, 0);

	receiver->state = TS_BLOCKED;
	receiver->wait = WAIT_RECV;
	receiver->flags = THREAD_F_USER_CONT;
	receiver->ipc_from = th->tid;
	thread_list_append(&th->recv_waiters, receiver, THREAD_LINK(recv_link));
	receiver->recv_on = th;
	receiver->recv_on_tid = th->tid;

	thread_set_parent(member, waiter);
	waiter->state = TS_BLOCKED;
	waiter->wait = WAIT_CHILD;
	waiter->ipc_from = member->tid;

	parked->state = TS_BLOCKED;
	parked->wait = WAIT_COPY;
	parked->flags = THREAD_F_USER_CONT;
	parked->copy_partner = copier;
	copier->state = TS_RUNNABLE;
	copier->copy_from = parked;
	copier->copy_to = copier;
	arch_set_current(copier);

	sender->state = TS_BLOCKED;
	sender->wait = WAIT_SEND;
	sender->flags = THREAD_F_USER_CONT;
	ipc_sendq_append(th, sender);

	faulter->state = TS_BLOCKED;
	faulter->wait = WAIT_FAULT_REPLY;
	faulter->flags = THREAD_F_FAULTING;
	faulter->fault_waiter = faulter;
	ipc_sendq_append(th, faulter);

	reader->state = TS_BLOCKED;
	reader->wait = WAIT_INPUT;
	input.reader = reader;

	parked2 = new_thread(20, 0);
	copier2 = new_thread(21, 0);
	thread_set_pager(parked2, th->tid);
	parked2->state = TS_BLOCKED;
	parked2->wait = WAIT_COPY;
	parked2->flags = THREAD_F_USER_CONT | THREAD_F_FAULTING;
	parked2->copy_partner = copier2;
	parked2->fault_waiter = copier2;
	ipc_sendq_append(th, parked2);
	copier2->state = TS_BLOCKED;
	copier2->wait = WAIT_FAULT_REPLY;
	copier2->copy_from = parked2;
	copier2->copy_to = copier2;
}

/* Thread groups, the thread table and the spaces' lists of threads. */
static void groups(void)
{
	th->tid = 0;
	caught("a thread in the tid table without an id", "tid table entry");

	kw_retype(u, CAP_SPACE, 0, &b[11], 1);
	th->space = (struct space *)b[11].obj;
	caught("a thread in a space's list naming another space",
	       "thread list broken");

	th->space_next = th;
	caught("a space's list of threads in a loop", "thread list broken");

	sp->threads = NULL;
	sp->nthreads = 0;
	caught("a thread naming a space whose list dropped it",
	       "in a space with no threads");

	th->group_size = 1;
	caught("a leader counting a member it does not have",
	       "threads in others' groups, leaders count");

	family();
	member->tgid = th->tid + (1u << TID_INDEX_BITS); /* a stale id */
	caught("a member of a group whose leader's id is stale",
	       "has no leader");

	family();
	th->group_size = 0;
	receiver->group_size = 1;
	caught("a member counted by another leader than its own",
	       "group * counts * members, has");

	family();
	th->members = NULL;
	caught("a leader's list of members missing one",
	       "lists another count than its");

	family();
	thread_list_append(&th->members, receiver, THREAD_LINK(group_link));
	caught("a thread of another group in a leader's members",
	       "group list is wrong at");
}

/* The lists of threads (thread.h) against the relations they follow. */
static void thread_lists(void)
{
	family();
	receiver->pager = th->tid; /* not thread_set_pager: no paged_by */
	caught("a pager set without joining the pager's list",
	       "paged by * is in the list of");

	family();
	member->state = TS_DEAD;
	caught("a dead thread left out of its parent's zombies",
	       "is not a zombie child");

	family();
	zombie->parent = waiter->tid;
	caught("a zombie listed under a thread that is not its parent",
	       "zombie list is wrong at");

	family();
	receiver->recv_on_tid = 0;
	caught("a receiver listed whose recv_on_tid names nobody",
	       "receivers list is wrong at");

	family();
	th->recv_waiters = NULL;
	receiver->recv_on = NULL;
	receiver->recv_on_tid = 0;
	caught("a thread receiving from th alone not in th's list",
	       "receives from * alone and is not in its list");

	family();
	faulter->paged_link.prev = NULL;
	caught("a list of paged threads broken in the middle",
	       "paged list is wrong at");

	family();
	member->paged_link.prev = member;
	caught("a list whose head's prev is not its tail",
	       "the head's prev is not the tail");

	family();
	receiver->pager = th->tid;
	receiver->paged_by = th;
	caught("a thread paged by th missing from th's list",
	       "4 paged threads, 3 listed");

	family();
	th->nchildren = 2;
	caught("a parent counting a child it does not have",
	       "counts 2 children, has 1");
}

/* A Container (cid 5) with a thread in it. */
static void containers(void)
{
	struct container *c;
	struct thread *t;

	kw_retype(u, CAP_CONTAINER, 0, &b[11], 1);
	c = (struct container *)b[11].obj;
	container_configure(c, 5);
	t = new_thread(12, 5);
	t_ok(t->container == c && kw_invariants_ok(),
	     "a container with a thread passes");
	c->nthreads = 2;
	caught("a container counting a thread it does not list",
	       "container 5 lists 1 threads, counts 2");

	kw_retype(u, CAP_CONTAINER, 0, &b[11], 1);
	container_configure((struct container *)b[11].obj, 5);
	t = new_thread(12, 5);
	t->container = NULL;
	caught("a container listing a thread that is in none",
	       "container 5 lists a thread not in it");
}

/* Each rule of check_wait, broken in a world that keeps the rules before
 * it (they are tried in order). */
static void waits(void)
{
	family();
	member->state = TS_BLOCKED;
	caught("a thread blocked waiting for nothing",
	       "blocked iff it waits for something");

	family();
	member->ipc_partner = th;
	caught("a thread naming a receiver, in no send queue",
	       "in a send queue iff it has a partner");

	family();
	sender->state = TS_INACTIVE;
	sender->wait = WAIT_NONE;
	sender->flags = 0;
	caught("a thread stopped but left in a send queue",
	       "in a send queue: a send, or a fault not yet delivered");

	family();
	member->state = TS_BLOCKED;
	member->wait = WAIT_SEND;
	member->flags = THREAD_F_USER_CONT;
	caught("a thread blocked sending, in no queue",
	       "a send waits in its receiver's queue");

	family();
	member->flags = THREAD_F_FAULT_DELIVERED;
	caught("a fault delivered that the thread does not have",
	       "a fault delivered is a fault");

	family();
	member->flags = THREAD_F_FAULTING;
	member->fault_waiter = member;
	caught("a fault neither delivered nor queued",
	       "a fault not delivered waits in its pager's queue");

	family();
	member->fault_waiter = th;
	caught("a waiter for a fault the thread does not have",
	       "a fault has a waiter");

	family();
	member->flags = THREAD_F_FAULTING | THREAD_F_FAULT_DELIVERED;
	member->fault_waiter = member;
	caught("a thread whose fault was delivered not waiting for the reply",
	       "a thread waits for its own fault's reply");

	family();
	member->flags = THREAD_F_FAULTING | THREAD_F_FAULT_DELIVERED;
	member->fault_waiter = copier;
	caught("a fault waited for by a copier that does not copy for it",
	       "a fault waited for by another: a parked side of its copy");

	family();
	member->flags = THREAD_F_FAULTING | THREAD_F_FAULT_DELIVERED;
	member->fault_waiter = copier;
	copier->copy_to = member;
	caught("a fault waited for by its copier, the side not parked",
	       "a fault waited for by another: a parked side of its copy");

	family();
	member->copy_partner = copier;
	caught("a thread with a copier, not parked",
	       "parked in a copy iff it has a copier");

	family();
	copier->copy_from = copier;
	caught("a parked thread its copier no longer names",
	       "a parked side is one of its copier's");

	family();
	arch_set_current(NULL);
	copier->state = TS_BLOCKED;
	copier->wait = WAIT_SLEEP;
	copier->flags = THREAD_F_USER_CONT;
	caught("a copier asleep in the middle of its copy",
	       "a copier runs, waits for a fault, or was stopped");

	family();
	receiver->flags = 0;
	caught("a receiver without its user continuation",
	       "a user continuation iff it waits in send, receive");

	family();
	parked->flags = 0;
	caught("a parked side without its user continuation",
	       "a parked side resumes in user mode");

	family();
	receiver->ipc_from = TID_NIL;
	caught("a receive from nobody", "a receive names whom from");

	/* (The running thread may copy: the DEAD rule is the one left.) */
	family();
	copier->state = TS_DEAD;
	caught("the running copier dead in the middle of its copy",
	       "a dead thread takes part in no IPC");

	family();
	member->state = TS_BLOCKED;
	member->wait = WAIT_INPUT;
	caught("a thread waiting for input that is not the reader",
	       "waits for input iff it is the reader");

	family();
	th->state = TS_BLOCKED;
	th->wait = WAIT_CHILD;
	th->ipc_from = TID_ANY;
	caught("a parent waiting for any child with a dead one to reap",
	       "waits for any child: it has one, none dead");

	family();
	waiter->ipc_from = receiver->tid;
	caught("a thread waiting for a child that is not its own",
	       "waits for a child: its own, alive");

	/* An input reader outside the tid table is not met by the walk of
	 * the bound threads: the last check finds it. */
	kw_retype(u, CAP_THREAD, 0, &b[11], 1);
	input.reader = (struct thread *)b[11].obj;
	caught("an input reader without an id that does not wait for input",
	       "the input reader * does not wait for input");
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

	/* The walks mark what they reach and clear the marks when done: a
	 * mark left behind looks like a capability reached twice.  (A real
	 * cycle breaks one of the link checks before it comes round.) */
	cs[1].marks |= CAP_MARK_SEEN;
	caught("a capability still marked by an unfinished walk",
	       "reached twice");

	cdt_anchor.parent = w.ut;
	caught("the anchor hung below a capability",
	       "the anchor has a parent or siblings");

	u->child->next->parent = w.ut;
	caught("a sibling naming another parent",
	       "sibling with another parent");

	b[6].type = CAP_ZOMBIE;
	b[6].zombie_type = CAP_PAGE;
	caught("a zombie of a page (an object without slots)",
	       "zombie * of type");

	b[5].cspace.bits = 0;
	caught("a CSpace of 0 bits", "cspace * of 0 bits");

	b[6].obj = 0;
	caught("a page capability naming no object", "names no object");

	kw_device_cap(&b[11], CAP_TIMER, 0, 0);
	cdt_remove(&b[11]);
	cdt_insert_child(u, &b[11]);
	caught("a timer capability (no object) below an untyped",
	       "untyped * has a child");

	family();
	t_ok(kw_invariants_ok(), "threads in every relation and waiting "
				 "state the rules allow pass");
	rebuild();

	groups();
	thread_lists();
	containers();
	waits();

	kw_fini(&w);
	return t_finish();
}
