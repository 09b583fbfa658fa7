/*
 * Invariant checks for test builds.  After every system call the kernel
 * walks the whole capability derivation tree from its anchor and checks:
 *  - shape: links agree (child->parent, next->prev, a first child has no
 *    prev, siblings share their parent), and every capability is reached
 *    once (a cycle or a node linked twice would come round again);
 *  - form: a known type, sizes in range, a zombie's cursor in its object;
 *  - derivation: a capability naming an object hangs below the anchor, an
 *    Untyped (or an Untyped's zombie) or a capability to the same object;
 *    any other below the anchor or one of its own type; an Untyped's
 *    children all name objects;
 *  - untyped accounting: an Untyped's children lie in its used part (a
 *    zombie's: in its block), naturally aligned, at strictly decreasing
 *    addresses in sibling order (retype allocates above the watermark and
 *    inserts at the head; removal keeps the order), except that the
 *    capabilities of one object (never an Untyped: those are not copied)
 *    sit side by side.  So no two objects overlap and the used part
 *    covers them all;
 *  - homes: every capability in a slot of a live object (CSpace, Thread,
 *    Space, Container) is in the tree, and every capability in the tree
 *    lives in such a slot, except zombies (one may be left in the memory
 *    of an object destroyed under it while a loop was taken apart: it
 *    still holds its Untyped's memory and the tree still reaches it);
 *  - Space and Thread objects are where the id tables say; the tid table
 *    and the run queues are consistent, and so is the deadline heap;
 *    every bound thread's tgid names itself or a bound leader, whose
 *    group_size counts its members;
 *  - the lists of threads (thread.h) hold exactly what their relations
 *    say; every thread's waiting state is one docs/ipc-states.md allows.
 * A failure panics, which the test runner reports.
 *
 * The walks mark capabilities (CAP_MARK_SEEN, CAP_MARK_HOMED in
 * cap.marks) and clear the marks before returning: the check is linear in the
 * number of capabilities plus the slots of live objects.
 */
#include "invariants.h"
#include "cap.h"
#include "object.h"
#include "untyped.h"
#include "thread.h"
#include "time.h"
#include "space.h"
#include "container.h"
#include "input.h"

/* The capability after `n` in a pre-order walk of the whole tree (its
 * shape checked by the first walk). */
static struct cap *walk_next(struct cap *n)
{
	return cdt_walk_next(n, &cdt_anchor);
}

static void check_links(struct cap *c)
{
	if (c->marks & CAP_MARK_SEEN)
		panic("invariant: cap %p reached twice (a cycle)", c);
	c->marks |= CAP_MARK_SEEN;
	if (c->child && c->child->parent != c)
		panic("invariant: cap %p: first child's parent is %p", c,
		      c->child->parent);
	if (c->child && c->child->prev)
		panic("invariant: cap %p: first child has a prev", c);
	if (c->next && c->next->prev != c)
		panic("invariant: cap %p: next->prev broken", c);
	if (c->next && c->next->parent != c->parent)
		panic("invariant: cap %p: sibling with another parent", c);
	if (c->type == CAP_NULL && c != &cdt_anchor)
		panic("invariant: empty slot %p linked in the tree", c);
}

static bool has_slots(u8 type)
{
	return type == CAP_CSPACE || type == CAP_THREAD || type == CAP_SPACE ||
	       type == CAP_CONTAINER;
}

/* An Untyped, or the zombie of one being emptied of what was made from it. */
static bool is_untyped(const struct cap *c)
{
	return cap_object_type(c) == CAP_UNTYPED;
}

static void check_form(const struct cap *c)
{
	u8 t = c->type;

	if (t == CAP_ZOMBIE) {
		u32 n;
		bool ut = c->zombie_type == CAP_UNTYPED;
		if (!(has_slots(c->zombie_type) || ut) || !c->obj)
			panic("invariant: zombie %p of type %d", c,
			      c->zombie_type);
		if (ut)
			return;
		cap_object_slots(c, &n);
		if (c->zombie.cursor > n)
			panic("invariant: zombie %p: cursor %u past %u slots",
			      c, c->zombie.cursor, n);
		return;
	}
	if (t == CAP_NULL || t >= CAP_TYPE_COUNT)
		panic("invariant: cap %p has type %d", c, t);
	if (t == CAP_UNTYPED &&
	    (untyped_bits(c) < UNTYPED_MIN_BITS ||
	     untyped_bits(c) > UNTYPED_MAX_BITS ||
	     c->untyped.used > untyped_size(c) ||
	     (c->untyped.info & ~UNTYPED_BITS_MASK & (PAGE_SIZE - 1)) ||
	     (c->untyped.info & ~(PAGE_SIZE - 1)) > untyped_size(c)))
		panic("invariant: untyped %p: %llu (bits, zeroed end), %llu "
		      "used",
		      c, (unsigned long long)c->untyped.info,
		      (unsigned long long)c->untyped.used);
	if (t == CAP_CSPACE && (c->cspace.bits < CSPACE_MIN_BITS ||
				c->cspace.bits > CSPACE_MAX_BITS))
		panic("invariant: cspace %p of %llu bits", c,
		      (unsigned long long)c->cspace.bits);
	if (object_type_retypeable(t) && !c->obj)
		panic("invariant: cap %p of type %d names no object", c, t);
}

static void check_derivation(const struct cap *c)
{
	const struct cap *p = c->parent;

	if (p == &cdt_anchor)
		return;
	if (c->obj) {
		if (!is_untyped(p) && !cap_same_object(p, c))
			panic("invariant: cap %p (type %d) derived from cap %p "
			      "(type %d) of another object",
			      c, cap_object_type(c), p, cap_object_type(p));
	} else if (p->type != c->type) {
		panic("invariant: cap %p (type %d) derived from cap %p "
		      "(type %d)",
		      c, c->type, p, p->type);
	}
}

/* An Untyped's children: inside its used part (a zombie's: inside it),
 * ordered, not overlapping. */
static void check_untyped(const struct cap *u)
{
	const struct cap *prev = NULL;
	u64 lo, hi, prev_start = 0;

	object_extent(u, &lo, &hi);
	hi = u->type == CAP_ZOMBIE ? lo + hi : lo + untyped_used(u);

	for (const struct cap *k = u->child; k; k = k->next) {
		u64 start, size;
		u8 t = cap_object_type(k);
		if (!k->obj || !object_type_retypeable(t))
			panic("invariant: untyped %p has a child %p of type %d",
			      u, k, k->type);
		object_extent(k, &start, &size);
		if (start < lo || size > hi - start || hi < lo)
			panic("invariant: object %p (type %d) outside its "
			      "untyped's used range [%p, %p)",
			      (void *)start, t, (void *)lo, (void *)hi);
		if (!IS_ALIGNED(start, size))
			panic("invariant: object %p (type %d) not aligned to "
			      "its size %llu",
			      (void *)start, t, (unsigned long long)size);
		if (prev && !(t != CAP_UNTYPED && cap_same_object(prev, k)) &&
		    start + size > prev_start)
			panic("invariant: untyped %p: objects %p and %p "
			      "(type %d) overlap or are out of order",
			      u, (void *)prev_start, (void *)start, t);
		prev = k;
		prev_start = start;
	}
}

/* The first capability of its object met by the walk: the object's slots
 * and tables are checked once per object. */
static bool run_start(const struct cap *c)
{
	return !(c->parent && cap_same_object(c->parent, c)) &&
	       !(c->prev && cap_same_object(c->prev, c));
}

static void check_object(const struct cap *c)
{
	u32 n = 0;
	struct cap *slots = cap_object_slots(c, &n);

	for (u32 i = 0; slots && i < n; i++) {
		if (cap_is_null(&slots[i]))
			continue;
		if (!(slots[i].marks & CAP_MARK_SEEN))
			panic("invariant: slot %p (%u of object %p) holds a "
			      "cap of type %d not in the derivation tree",
			      &slots[i], i, (void *)c->obj, slots[i].type);
		slots[i].marks |= CAP_MARK_HOMED;
	}
	if (c->type == CAP_SPACE) {
		struct space *s = (struct space *)c->obj;
		u32 k = 0;
		if (space_by_id(s->spid) != s)
			panic("invariant: space %p has id %u, which names %p",
			      s, s->spid, space_by_id(s->spid));
		for (struct thread *t = s->threads; t; t = t->space_next, k++)
			if (t->space != s || k > MAX_THREADS)
				panic("invariant: space %u: thread list broken",
				      s->spid);
		if (k != s->nthreads)
			panic("invariant: space %u counts %u threads, has %u",
			      s->spid, s->nthreads, k);
	}
	if (c->type == CAP_THREAD) {
		struct thread *t = (struct thread *)c->obj;
		if (t->tid && thread_lookup(t->tid) != t)
			panic("invariant: thread %p: its id %x names another",
			      t, t->tid);
	}
}

/* Thread groups (thread.c), when some thread has joined another's group:
 * each member's leader exists, and counts its members right. */
static void check_groups(void)
{
	static u32 members[MAX_THREADS];

	struct thread *t;

	memset(members, 0, sizeof(members));
	for (u32 i = 0; (t = thread_next_bound(&i));) {
		if (t->tgid == t->tid)
			continue;
		struct thread *g = thread_lookup(t->tgid);
		if (!g || g->tgid != g->tid)
			panic(
			    "invariant: thread %x: its group %x has no leader",
			    t->tid, t->tgid);
		members[TID_INDEX(g->tid)]++;
	}
	for (u32 i = 0; (t = thread_next_bound(&i));)
		if (t->tgid == t->tid &&
		    t->group_size != members[TID_INDEX(t->tid)])
			panic("invariant: group %x counts %u members, has %u",
			      t->tid, t->group_size,
			      members[TID_INDEX(t->tid)]);
}

/* A list of threads headed by `owner` (thread.h): well linked, bounded,
 * every member bound and `ok` about it.  Returns its length. */
static u32 check_list(const struct thread *owner, struct thread *head,
		      size_t link, const char *name,
		      bool (*ok)(const struct thread *m,
				 const struct thread *o))
{
	u32 n = 0;
	struct thread *prev = NULL;

	for (struct thread *m = head; m; m = thread_link_of(m, link)->next) {
		if (++n > MAX_THREADS || !m->tid || !ok(m, owner) ||
		    (prev && thread_link_of(m, link)->prev != prev))
			panic("invariant: thread %x's %s list is wrong at %x",
			      owner->tid, name, m->tid);
		prev = m;
	}
	if (head && thread_link_of(head, link)->prev != prev)
		panic("invariant: thread %x's %s list: the head's prev is "
		      "not the tail",
		      owner->tid, name);
	return n;
}

static bool paged_ok(const struct thread *m, const struct thread *o)
{
	return m->paged_by == o && m->pager == o->tid;
}

static bool zombie_ok(const struct thread *m, const struct thread *o)
{
	return m->zombie_of == o && m->parent == o->tid && m->state == TS_DEAD;
}

static bool member_ok(const struct thread *m, const struct thread *o)
{
	return m->tgid == o->tid && m != o;
}

static bool recv_ok(const struct thread *m, const struct thread *o)
{
	return m->recv_on == o && m->recv_on_tid == o->tid;
}

/*
 * The lists of threads (thread.h): every relation has its list entry and
 * every entry its relation.  A thread's pager (when bound) heads the list
 * it is in; a dead thread whose parent is bound is in the parent's
 * zombies, and a parent counts its bound children; a thread blocked
 * receiving from one live thread alone is in that thread's list; a
 * leader's members are the threads in its group.
 */
static void check_thread_lists(void)
{
	static u32 children[MAX_THREADS];
	u32 paged = 0, paged_listed = 0, zombies = 0, zombies_listed = 0;

	struct thread *t;

	memset(children, 0, sizeof(children));
	for (u32 i = 0; (t = thread_next_bound(&i));) {
		struct thread *p = thread_lookup(t->pager);
		struct thread *par = thread_lookup(t->parent);
		if (t->paged_by != p)
			panic("invariant: thread %x paged by %x is in the "
			      "list of %x",
			      t->tid, t->pager,
			      t->paged_by ? t->paged_by->tid : 0);
		paged += p != NULL;
		if (par)
			children[TID_INDEX(par->tid)]++;
		if ((t->state == TS_DEAD && par) != (t->zombie_of != NULL))
			panic("invariant: thread %x (state %u, parent %x) is "
			      "%sa zombie child",
			      t->tid, t->state, t->parent,
			      t->zombie_of ? "" : "not ");
		zombies += t->zombie_of != NULL;
		if (t->state == TS_BLOCKED && t->wait == WAIT_RECV &&
		    t->ipc_from != TID_ANY && t->ipc_from != TID_NIL) {
			struct thread *x = thread_lookup(t->ipc_from);
			if (x && x->state != TS_DEAD && t->recv_on != x)
				panic("invariant: thread %x receives from %x "
				      "alone and is not in its list",
				      t->tid, t->ipc_from);
		}
		paged_listed += check_list(t, t->paged, THREAD_LINK(paged_link),
					   "paged", paged_ok);
		zombies_listed +=
		    check_list(t, t->zombies, THREAD_LINK(zombie_link),
			       "zombie", zombie_ok);
		if (check_list(t, t->members, THREAD_LINK(group_link), "group",
			       member_ok) !=
		    (t->tgid == t->tid ? t->group_size : 0))
			panic("invariant: group %x lists another count than "
			      "its %u members",
			      t->tid, t->group_size);
		check_list(t, t->recv_waiters, THREAD_LINK(recv_link),
			   "receivers", recv_ok);
	}
	if (paged != paged_listed || zombies != zombies_listed)
		panic("invariant: %u paged threads, %u listed; %u zombies, %u "
		      "listed",
		      paged, paged_listed, zombies, zombies_listed);
	for (u32 i = 0; (t = thread_next_bound(&i));)
		if (t->nchildren != children[TID_INDEX(t->tid)])
			panic("invariant: thread %x counts %u children, has %u",
			      t->tid, t->nchildren,
			      children[TID_INDEX(t->tid)]);
}

/* Each configured container lists exactly its bound threads. */
static void check_containers(void)
{
	for (u32 cid = 0; cid < MAX_CONTAINERS; cid++) {
		struct container *c = container_lookup(cid);
		if (!c)
			continue;
		u32 n = 0;
		for (struct thread *t = c->threads; t;
		     t = t->container_link.next)
			if (++n > MAX_THREADS || !t->tid || t->container != c)
				panic("invariant: container %u lists a thread "
				      "not in it",
				      cid);
		if (n != c->nthreads)
			panic("invariant: container %u lists %u threads, "
			      "counts %u",
			      cid, n, c->nthreads);
	}
}

/* One thread's waiting state against the table of docs/ipc-states.md
 * (each message names the rule broken; in a send queue: sendq_prev set,
 * ipc.c). */
static void check_wait(struct thread *t, struct thread *running)
{
	bool queued = t->sendq_prev != NULL,
	     faulting = t->flags & THREAD_F_FAULTING;
	bool delivered = t->flags & THREAD_F_FAULT_DELIVERED;
	bool user_cont = t->flags & THREAD_F_USER_CONT;
	const char *bad = NULL;

	if ((t->state == TS_BLOCKED) != (t->wait != WAIT_NONE))
		bad = "blocked iff it waits for something";
	else if (queued != (t->ipc_partner != NULL))
		bad = "in a send queue iff it has a partner";
	else if (queued && !((t->state == TS_BLOCKED && t->wait == WAIT_SEND &&
			      !faulting) ||
			     (faulting && !delivered)))
		bad = "in a send queue: a send, or a fault not yet delivered";
	else if (t->state == TS_BLOCKED && t->wait == WAIT_SEND && !queued)
		bad = "a send waits in its receiver's queue";
	else if (delivered && !faulting)
		bad = "a fault delivered is a fault";
	else if (faulting && !delivered && !queued)
		bad = "a fault not delivered waits in its pager's queue";
	else if (faulting != (t->fault_waiter != NULL))
		bad = "a fault has a waiter";
	else if (faulting && t->fault_waiter == t &&
		 !(t->state == TS_BLOCKED && t->wait == WAIT_FAULT_REPLY))
		bad = "a thread waits for its own fault's reply";
	else if (faulting && t->fault_waiter != t &&
		 ((t->fault_waiter->copy_from != t &&
		   t->fault_waiter->copy_to != t) ||
		  t->wait != WAIT_COPY))
		bad = "a fault waited for by another: a parked side of its "
		      "copy";
	else if ((t->wait == WAIT_COPY) != (t->copy_partner != NULL))
		bad = "parked in a copy iff it has a copier";
	else if (t->wait == WAIT_COPY && t->copy_partner->copy_from != t &&
		 t->copy_partner->copy_to != t)
		bad = "a parked side is one of its copier's";
	else if ((t->copy_from || t->copy_to) &&
		 !(t == running || t->state == TS_RUNNABLE ||
		   t->state == TS_INACTIVE ||
		   (t->state == TS_BLOCKED && t->wait == WAIT_FAULT_REPLY)))
		bad = "a copier runs, waits for a fault, or was stopped";
	else if (t->state == TS_BLOCKED && t->wait != WAIT_COPY &&
		 user_cont != (t->wait == WAIT_SEND || t->wait == WAIT_RECV ||
			       t->wait == WAIT_MUTEX || t->wait == WAIT_SLEEP))
		bad = "a user continuation iff it waits in send, receive, "
		      "mutex or sleep";
	else if (t->state == TS_BLOCKED && t->wait == WAIT_COPY && !user_cont)
		bad = "a parked side resumes in user mode";
	else if (t->state == TS_BLOCKED && t->wait == WAIT_RECV &&
		 t->ipc_from == TID_NIL)
		bad = "a receive names whom from";
	else if (t->state == TS_DEAD && (queued || faulting || t->copy_from ||
					 t->copy_to || t->copy_partner))
		bad = "a dead thread takes part in no IPC";
	else if (t->state == TS_INACTIVE && (queued || t->copy_partner))
		bad = "a stopped thread is in no queue and no copy";
	else if ((t->wait == WAIT_INPUT) != (input.reader == t))
		bad = "waits for input iff it is the reader";
	else if (t->wait == WAIT_CHILD && t->ipc_from == TID_ANY &&
		 (t->zombies || !t->nchildren))
		bad = "waits for any child: it has one, none dead";
	else if (t->wait == WAIT_CHILD && t->ipc_from != TID_ANY) {
		struct thread *c = thread_lookup(t->ipc_from);
		if (!c || c->parent != t->tid || c->state == TS_DEAD)
			bad = "waits for a child: its own, alive";
	}
	if (bad)
		panic("invariant: thread %x (state %u, wait %u, flags %x): %s",
		      t->tid, t->state, t->wait, t->flags, bad);
}

static void check_waits(void)
{
	struct thread *running = arch_current();

	struct thread *t;
	for (u32 i = 0; (t = thread_next_bound(&i));)
		check_wait(t, running);
	if (input.reader && !(input.reader->state == TS_BLOCKED &&
			      input.reader->wait == WAIT_INPUT))
		panic("invariant: the input reader %x does not wait for input",
		      input.reader->tid);
}

void invariants_check(void)
{
	struct cap *n;

	if (cdt_anchor.parent || cdt_anchor.next || cdt_anchor.prev)
		panic("invariant: the anchor has a parent or siblings");

	/* 1. The shape, and a mark on every capability in the tree. */
	for (n = &cdt_anchor; n; n = walk_next(n))
		check_links(n);

	/* 2. Each capability, each Untyped's children, each object's slots. */
	for (n = cdt_anchor.child; n; n = walk_next(n)) {
		check_form(n);
		check_derivation(n);
		if (is_untyped(n))
			check_untyped(n);
		if (run_start(n))
			check_object(n);
	}

	/* 3. Every capability has a home; the marks come off. */
	cdt_anchor.marks &= ~CAP_MARK_SEEN;
	for (n = cdt_anchor.child; n; n = walk_next(n)) {
		if (!(n->marks & CAP_MARK_HOMED) && n->type != CAP_ZOMBIE)
			panic("invariant: cap %p (type %d) is in no live "
			      "object's slot",
			      n, n->type);
		n->marks &= ~(CAP_MARK_SEEN | CAP_MARK_HOMED);
	}

	u32 joined = 0, counted = 0;
	struct thread *t;
	for (u32 i = 0; (t = thread_next_bound(&i));) {
		if (!t->tid || thread_lookup(t->tid) != t)
			panic("invariant: tid table entry %u names thread %x",
			      i - 1, t->tid);
		if (t->space && t->space->nthreads == 0)
			panic("invariant: thread %x in a space with no threads",
			      t->tid);
		joined += t->tgid != t->tid;
		counted += t->tgid == t->tid ? t->group_size : 0;
	}
	if (joined != counted)
		panic("invariant: %u threads in others' groups, leaders count "
		      "%u",
		      joined, counted);
	if (joined)
		check_groups();
	check_thread_lists();
	check_containers();
	check_waits();
	sched_check_invariants();
	timer_check_invariants();
}

/* The trusted container (invariants_trust), if `trusting`. */
static bool trusting;
static u32 trusted_cid;

void invariants_trust(u32 cid, bool on)
{
	trusting = on;
	trusted_cid = cid;
}

void invariants_after_call(const struct thread *t)
{
	if (trusting && t->container && t->container->cid == trusted_cid)
		return;
	invariants_check();
}
