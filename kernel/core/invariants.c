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
 *    and the run queues are consistent, and so is the deadline heap.
 * A failure panics, which the test runner reports.
 *
 * The walks mark capabilities with two bits of `spare` (delete.c uses
 * bit 0) and clear them before returning: the check is linear in the
 * number of capabilities plus the slots of live objects.
 */
#include "invariants.h"
#include "cap.h"
#include "object.h"
#include "untyped.h"
#include "thread.h"
#include "time.h"
#include "space.h"

#define INV_SEEN (1u << 15)  /* reached by the tree walk */
#define INV_HOMED (1u << 14) /* found in a slot of a live object */

/* The capability after `n` in a pre-order walk of the whole tree (its
 * shape checked by the first walk). */
static struct cap *walk_next(struct cap *n)
{
	return cdt_walk_next(n, &cdt_anchor);
}

static void check_links(struct cap *c)
{
	if (c->spare & INV_SEEN)
		panic("invariant: cap %p reached twice (a cycle)", c);
	c->spare |= INV_SEEN;
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
		bool ut = c->flags == CAP_UNTYPED;
		if (!(has_slots(c->flags) || ut) || !c->obj)
			panic("invariant: zombie %p of type %d", c, c->flags);
		if (ut)
			return;
		cap_object_slots(c, &n);
		if ((u32)c->data[1] > n)
			panic("invariant: zombie %p: cursor %u past %u slots",
			      c, (u32)c->data[1], n);
		return;
	}
	if (t == CAP_NULL || t >= CAP_TYPE_COUNT)
		panic("invariant: cap %p has type %d", c, t);
	if (t == CAP_UNTYPED &&
	    (untyped_bits(c) < UNTYPED_MIN_BITS ||
	     untyped_bits(c) > UNTYPED_MAX_BITS ||
	     c->data[1] > untyped_size(c) ||
	     (c->data[0] & ~0xffull & (PAGE_SIZE - 1)) ||
	     (c->data[0] & ~(PAGE_SIZE - 1)) > untyped_size(c)))
		panic("invariant: untyped %p: %llu (bits, zeroed end), %llu "
		      "used",
		      c, (unsigned long long)c->data[0],
		      (unsigned long long)c->data[1]);
	if (t == CAP_CSPACE &&
	    (c->data[0] < CSPACE_MIN_BITS || c->data[0] > CSPACE_MAX_BITS))
		panic("invariant: cspace %p of %llu bits", c,
		      (unsigned long long)c->data[0]);
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
		if (!(slots[i].spare & INV_SEEN))
			panic("invariant: slot %p (%u of object %p) holds a "
			      "cap of type %d not in the derivation tree",
			      &slots[i], i, (void *)c->obj, slots[i].type);
		slots[i].spare |= INV_HOMED;
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
	cdt_anchor.spare &= ~INV_SEEN;
	for (n = cdt_anchor.child; n; n = walk_next(n)) {
		if (!(n->spare & INV_HOMED) && n->type != CAP_ZOMBIE)
			panic("invariant: cap %p (type %d) is in no live "
			      "object's slot",
			      n, n->type);
		n->spare &= ~(INV_SEEN | INV_HOMED);
	}

	for (u32 i = 0; i < thread_count(); i++) {
		struct thread *t = thread_by_index(i);
		if (!t)
			continue;
		if (!t->tid || thread_lookup(t->tid) != t)
			panic("invariant: tid table entry %u names thread %x",
			      i, t->tid);
		if (t->space && t->space->nthreads == 0)
			panic("invariant: thread %x in a space with no threads",
			      t->tid);
	}
	sched_check_invariants();
	timer_check_invariants();
}
