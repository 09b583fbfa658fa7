/*
 * Invariant checks for test builds.  After every system call the kernel
 * walks the whole capability derivation tree from its anchor and checks:
 *  - links agree (child->parent, next->prev, first child has no prev),
 *    and the walk ends (no cycle: bounded by the number of slots that can
 *    exist);
 *  - every object capability lies inside the used part of its nearest
 *    Untyped ancestor, and every Untyped's children fit in it;
 *  - the run queues and the thread table are consistent.
 * A failure panics, which the test runner reports.
 */
#include "invariants.h"
#include "cap.h"
#include "object.h"
#include "untyped.h"
#include "thread.h"
#include "space.h"

#define WALK_LIMIT (1u << 26)

static const struct cap *untyped_ancestor(const struct cap *c)
{
	for (const struct cap *p = c->parent; p; p = p->parent)
		if (p->type == CAP_UNTYPED)
			return p;
	return NULL;
}

static void check_cap(const struct cap *c)
{
	if (c->child && c->child->parent != c)
		panic("invariant: cap %p: first child's parent is %p", c, c->child->parent);
	if (c->child && c->child->prev)
		panic("invariant: cap %p: first child has a prev", c);
	if (c->next && c->next->prev != c)
		panic("invariant: cap %p: next->prev broken", c);
	if (c->next && c->next->parent != c->parent)
		panic("invariant: cap %p: sibling with another parent", c);
	if (c->type == CAP_NULL && c != &cdt_anchor)
		panic("invariant: empty slot %p linked in the tree", c);

	u8 t = cap_object_type(c);
	if (!c->obj || !object_type_retypeable(t))
		return;
	const struct cap *u = untyped_ancestor(c);
	if (!u)
		return; /* a boot object, not from untyped memory */
	u64 start, size;
	object_extent(c, &start, &size);
	if (start < u->obj || start + size > u->obj + untyped_used(u))
		panic("invariant: object %p (type %d) outside its untyped's used range",
		      (void *)start, t);
}

void invariants_check(void)
{
	const struct cap *n = &cdt_anchor;
	u32 count = 0;

	/* Pre-order walk of the whole tree. */
	for (;;) {
		check_cap(n);
		if (++count > WALK_LIMIT)
			panic("invariant: derivation tree walk does not end (cycle?)");
		if (n->child) {
			n = n->child;
			continue;
		}
		while (n != &cdt_anchor && !n->next)
			n = n->parent;
		if (n == &cdt_anchor)
			break;
		n = n->next;
	}

	for (u32 i = 0; i < thread_count(); i++) {
		struct thread *t = thread_by_index(i);
		if (!t)
			continue;
		if (!t->tid || thread_lookup(t->tid) != t)
			panic("invariant: tid table entry %u names thread %x", i, t->tid);
		if (t->space && t->space->nthreads == 0)
			panic("invariant: thread %x in a space with no threads", t->tid);
	}
	sched_check_invariants();
}
