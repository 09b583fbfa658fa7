/*
 * The capability derivation tree: insertion, removal, moving a slot, and
 * the "last capability to this object" test.  See cap.h for the shape and
 * the contiguity invariant these functions keep.
 */
#include "cap.h"

void cdt_init(void)
{
	memset(&cdt_anchor, 0, sizeof(cdt_anchor));
}

/* Make `c` (already filled in, not linked) the first child of `parent`. */
void cdt_insert_child(struct cap *parent, struct cap *c)
{
	c->parent = parent;
	c->child = NULL;
	c->prev = NULL;
	c->next = parent->child;
	if (parent->child)
		parent->child->prev = c;
	parent->child = c;
}

/*
 * Unlink `c`.  Its children take its place among its siblings, in order,
 * and become children of its parent.  Costs one step per child.
 */
void cdt_remove(struct cap *c)
{
	struct cap *p = c->parent, *first = c->child, *last = NULL;

	for (struct cap *k = first; k; k = k->next) {
		k->parent = p;
		last = k;
	}
	if (first) {
		first->prev = c->prev;
		last->next = c->next;
		if (c->prev)
			c->prev->next = first;
		else if (p)
			p->child = first;
		if (c->next)
			c->next->prev = last;
	} else {
		if (c->prev)
			c->prev->next = c->next;
		else if (p)
			p->child = c->next;
		if (c->next)
			c->next->prev = c->prev;
	}
	c->parent = c->child = c->next = c->prev = NULL;
}

/* Move the capability in slot `from` to the empty slot `to`, links and all. */
void cdt_move(struct cap *from, struct cap *to)
{
	*to = *from;
	if (to->prev)
		to->prev->next = to;
	else if (to->parent)
		to->parent->child = to;
	if (to->next)
		to->next->prev = to;
	for (struct cap *k = to->child; k; k = k->next)
		k->parent = to;
	memset(from, 0, sizeof(*from));
}

/* Do `a` and `b` name the same object? (Scope and device caps name none.) */
bool cap_same_object(const struct cap *a, const struct cap *b)
{
	return a->obj != 0 && a->obj == b->obj &&
	       cap_object_type(a) == cap_object_type(b);
}

/* Is the slot inside the object's own memory (a CSpace's self-capability)? */
static bool slot_inside(const struct cap *slot, const struct cap *obj_cap)
{
	u32 n = 0;
	struct cap *slots = cap_object_slots(obj_cap, &n);
	return slots && slot >= slots && slot < slots + n;
}

struct cap *cdt_walk_next(const struct cap *n, const struct cap *root)
{
	if (n->child)
		return n->child;
	while (n != root && !n->next)
		n = n->parent;
	return n == root ? NULL : n->next;
}

/* Does `pred` hold for a capability in the subtree below k (k included)
 * other than `c`? */
static bool any_in_subtree(const struct cap *k, const struct cap *c,
			   bool (*pred)(const struct cap *, const struct cap *))
{
	for (const struct cap *n = k; n; n = cdt_walk_next(n, k))
		if (n != c && pred(n, c))
			return true;
	return false;
}

bool cdt_run_any(const struct cap *c,
		 bool (*pred)(const struct cap *k, const struct cap *c))
{
	/* Climb to the top of the run, go to its first sibling, scan. */
	const struct cap *top = c;
	while (top->parent && cap_same_object(top->parent, c))
		top = top->parent;
	while (top->prev && cap_same_object(top->prev, c))
		top = top->prev;
	for (const struct cap *s = top; s && cap_same_object(s, c); s = s->next)
		if (any_in_subtree(s, c, pred))
			return true;
	return false;
}

static bool outside_object(const struct cap *k, const struct cap *c)
{
	return cap_same_object(k, c) && !slot_inside(k, c);
}

/*
 * Is `c` the last capability to its object?  By contiguity the other
 * capabilities to the object can only be its parent, its neighbouring
 * siblings or its children.  A CSpace's capabilities to itself (the slot 0
 * self-capability) do not keep it alive: for CSpaces the whole run is
 * searched for one that lives outside the CSpace.
 */
bool cap_is_final(const struct cap *c)
{
	if (c->obj == 0)
		return false; /* names no object: nothing to destroy */
	if (cap_object_type(c) != CAP_CSPACE) {
		return !((c->parent && cap_same_object(c->parent, c)) ||
			 (c->prev && cap_same_object(c->prev, c)) ||
			 (c->next && cap_same_object(c->next, c)) ||
			 (c->child && cap_same_object(c->child, c)));
	}
	return !cdt_run_any(c, outside_object);
}

u32 cdt_count_children(const struct cap *c)
{
	u32 n = 0;
	for (struct cap *k = c->child; k; k = k->next)
		n++;
	return n;
}
