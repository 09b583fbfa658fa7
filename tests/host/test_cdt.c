/*
 * The capability derivation tree (kernel/core/cdt.c): insertion, removal
 * (children spliced into the removed node's place, in order), moving a
 * slot, counting children; cap_is_final for copies, copies of copies,
 * siblings, neighbouring objects, CSpaces holding capabilities to
 * themselves; and revoke deleting exactly the descendants.
 */
#include "kworld.h"

/* Are p's children exactly kids[0..n), in order, with consistent links? */
static int children_are(struct cap *p, struct cap **kids, unsigned n)
{
	struct cap *k = p->child, *prev = NULL;
	for (unsigned i = 0; i < n; i++, prev = k, k = k->next)
		if (k != kids[i] || k->parent != p || k->prev != prev)
			return 0;
	return k == NULL;
}

#define CHILDREN(p, ...)                                                       \
	children_are(p, (struct cap *[]){__VA_ARGS__},                         \
		     sizeof((struct cap *[]){__VA_ARGS__}) /                   \
			 sizeof(struct cap *))

static int unlinked(const struct cap *c)
{
	return !c->parent && !c->child && !c->next && !c->prev;
}

/* Raw tree operations on plain slots (no objects involved). */
static void test_links(void)
{
	static struct cap n[16];
	struct cap *root = &n[0], *a = &n[1], *b = &n[2], *c = &n[3],
		   *d = &n[4];
	struct cap *a1 = &n[5], *a2 = &n[6], *a3 = &n[7], *m = &n[8];

	memset(n, 0, sizeof(n));
	for (unsigned i = 0; i < 16; i++)
		n[i].type = CAP_TIMER;

	cdt_insert_child(root, a);
	cdt_insert_child(root, b);
	cdt_insert_child(root, c);
	t_ok(CHILDREN(root, c, b, a), "insert: each new child goes first");
	T_EQ(cdt_count_children(root), 3, "count_children counts them");
	T_EQ(cdt_count_children(a), 0, "a leaf has no children");

	cdt_insert_child(b, a1);
	cdt_insert_child(b, a2);
	cdt_insert_child(b, a3);
	cdt_remove(b);
	t_ok(CHILDREN(root, c, a3, a2, a1, a),
	     "remove: a middle node's children take its place, in order");
	t_ok(unlinked(b), "remove: the removed node is unlinked");

	cdt_remove(c);
	t_ok(CHILDREN(root, a3, a2, a1, a), "remove: first child (a leaf)");
	cdt_remove(a);
	t_ok(CHILDREN(root, a3, a2, a1), "remove: last child (a leaf)");
	cdt_remove(a2);
	t_ok(CHILDREN(root, a3, a1), "remove: middle leaf");

	/* First child with children. */
	cdt_insert_child(a3, b);
	cdt_insert_child(a3, c);
	cdt_remove(a3);
	t_ok(CHILDREN(root, c, b, a1),
	     "remove: first child's children become first");
	/* Last child with children. */
	cdt_insert_child(a1, d);
	cdt_insert_child(a1, a3);
	cdt_remove(a1);
	t_ok(CHILDREN(root, c, b, a3, d),
	     "remove: last child's children end the list");
	/* Only child with children. */
	cdt_remove(c);
	cdt_remove(b);
	cdt_remove(a3);
	t_ok(CHILDREN(root, d), "down to one child");
	cdt_insert_child(d, a);
	cdt_insert_child(d, a2);
	cdt_remove(d);
	t_ok(CHILDREN(root, a2, a),
	     "remove: an only child's children replace it");
	/* Deep: grandchildren stay below their own parents. */
	cdt_insert_child(a2, b);
	cdt_insert_child(b, c);
	cdt_remove(a2);
	t_ok(CHILDREN(root, b, a) && CHILDREN(b, c),
	     "remove: grandchildren stay put");

	/* Move: b (with child c, between siblings) to the empty slot m. */
	cdt_insert_child(root, d); /* root: d, b, a */
	struct cap saved = *b;
	cdt_move(b, m);
	t_ok(CHILDREN(root, d, m, a) && CHILDREN(m, c),
	     "move: siblings and children follow");
	t_ok(m->type == saved.type && m->rights == saved.rights &&
		 m->obj == saved.obj,
	     "move: the capability's contents go along");
	t_ok(b->type == CAP_NULL && unlinked(b),
	     "move: the source slot is cleared");
	cdt_move(d, b); /* first child */
	t_ok(CHILDREN(root, b, m, a), "move: a first child updates its parent");
	cdt_move(a, d); /* last child */
	t_ok(CHILDREN(root, b, m, d), "move: a last child");
	cdt_remove(m);
	t_ok(CHILDREN(root, b, c, d), "remove after move: children spliced");
}

/* cap_is_final on real objects. */
static void test_final(void)
{
	struct kworld w;
	kw_init(&w, 20, 6);
	struct cap *b = w.boot, *u = w.ut;

	kw_retype(u, CAP_PAGE, 0, &b[4], 1);
	t_ok(cap_is_final(&b[4]), "final: the only capability to a page");
	kw_copy(&b[4], &b[5]);
	t_ok(!cap_is_final(&b[4]) && !cap_is_final(&b[5]),
	     "final: neither of two copies");
	kw_copy(&b[5], &b[6]);
	t_ok(!cap_is_final(&b[6]), "final: not a copy of a copy");
	T_EQ(cap_delete(&b[5]), 0, "delete the middle copy");
	t_ok(b[6].parent == &b[4],
	     "... its child hangs below the first copy now");
	t_ok(!cap_is_final(&b[4]) && !cap_is_final(&b[6]),
	     "final: neither, after the middle one is deleted");
	T_EQ(cap_delete(&b[6]), 0, "delete the last copy");
	t_ok(cap_is_final(&b[4]), "final: the original again");

	/* Siblings spliced side by side. */
	kw_copy(&b[4], &b[5]);
	kw_copy(&b[4], &b[6]);
	cap_delete(&b[4]);
	t_ok(b[5].parent == u && b[6].parent == u,
	     "copies spliced under the untyped");
	t_ok(!cap_is_final(&b[5]) && !cap_is_final(&b[6]),
	     "final: neither sibling copy");
	cap_delete(&b[6]);
	t_ok(cap_is_final(&b[5]), "final: the one left");
	cap_delete(&b[5]);

	/* Neighbouring objects do not keep each other alive. */
	kw_retype(u, CAP_PAGE, 0, &b[8], 3);
	t_ok(cap_is_final(&b[8]) && cap_is_final(&b[9]) && cap_is_final(&b[10]),
	     "final: three pages retyped together, each its own");
	kw_copy(&b[9], &b[11]);
	t_ok(cap_is_final(&b[8]) && cap_is_final(&b[10]) &&
		 !cap_is_final(&b[9]),
	     "final: a copy of the middle page changes only the middle page");
	kw_device_cap(&b[12], CAP_TIMER, 0, 0);
	t_ok(!cap_is_final(&b[12]),
	     "final: never for a capability naming no object");

	/* CSpaces and their capabilities to themselves. */
	kw_retype(u, CAP_CSPACE, 2, &b[16], 1);
	struct cap *cs = kw_slots(&b[16]);
	t_ok(cap_is_final(&b[16]), "final: the only capability to a CSpace");
	kw_copy(&b[16], &cs[0]);
	t_ok(cap_is_final(&b[16]),
	     "final: a CSpace whose only other cap is inside itself");
	t_ok(!cap_is_final(&cs[0]),
	     "final: not the self-capability while one outside exists");
	kw_retype(u, CAP_CSPACE, 2, &b[17], 1);
	struct cap *ds = kw_slots(&b[17]);
	kw_copy(&cs[0], &ds[1]);
	t_ok(!cap_is_final(&b[16]),
	     "final: not when another CSpace holds a cap to it");
	cap_delete(&ds[1]);
	t_ok(cap_is_final(&b[16]), "final: again after that cap is deleted");
	kw_copy(&cs[0], &cs[3]);
	t_ok(cap_is_final(&b[16]),
	     "final: two self-capabilities do not keep it alive");
	/* The outside capability a child of the inside one. */
	kw_copy(&cs[3], &b[18]);
	T_EQ(cap_delete(&b[16]), 0,
	     "delete the original (an outside copy remains)");
	t_ok(cs[0].type == CAP_CSPACE && cs[3].type == CAP_CSPACE,
	     "... the CSpace lives on: its self-capabilities stay");
	t_ok(cap_is_final(&b[18]) && !cap_is_final(&cs[0]) &&
		 !cap_is_final(&cs[3]),
	     "final: the outside copy below an inside one, and only it");
	cap_delete(&cs[3]);
	cdt_remove(
	    &b[18]); /* unhook without deleting: only the inside cap is left */
	memset(&b[18], 0, sizeof(b[18]));
	t_ok(cap_is_final(&cs[0]), "final: a CSpace's last cap, inside itself");
	T_EQ(cap_delete(&cs[0]), 0, "delete that cap");
	t_ok(cap_is_null(&cs[0]), "... the slot is empty");
	t_ok(kw_invariants_ok(), "invariants hold");

	/* Deleting a final cap to a CSpace holding caps to itself empties it.
	 */
	kw_retype(u, CAP_UNTYPED, 14, &b[20], 1);
	kw_retype(&b[20], CAP_CSPACE, 3, &b[21], 1);
	cs = kw_slots(&b[21]);
	kw_copy(&b[21], &cs[0]);
	kw_copy(&cs[0], &cs[5]);
	kw_retype(&b[20], CAP_PAGE, 0, &cs[6], 1);
	T_EQ(cap_delete(&b[21]), 0,
	     "delete a CSpace holding two caps to itself and a page");
	t_ok(cap_is_null(&cs[0]) && cap_is_null(&cs[5]) && cap_is_null(&cs[6]),
	     "... its slots are emptied");
	T_EQ(untyped_remaining(&b[20]), 1 << 14,
	     "... and its untyped is whole again");
	t_ok(kw_invariants_ok(), "invariants hold");
	kw_fini(&w);
}

/* Revoke deletes every descendant and nothing else. */
static void test_revoke(void)
{
	struct kworld w;
	kw_init(&w, 20, 6);
	struct cap *b = w.boot, *u = w.ut;

	kw_retype(u, CAP_CSPACE, 3, &b[4], 1);
	struct cap *cs = kw_slots(&b[4]);
	kw_retype(u, CAP_PAGE, 0, &b[5], 2); /* b[5], b[6]: two pages */
	kw_copy(&b[5], &b[8]);
	kw_copy(&b[5], &cs[1]);
	kw_copy(&b[8], &b[9]);
	kw_mint(&b[8], &cs[2], RIGHT_PAGE_READ, 0);
	kw_copy(&cs[1], &b[10]);
	kw_copy(&b[6], &b[11]);
	u64 before = kw_tree_size();
	T_EQ(cap_revoke(&b[9], NULL), 0, "revoke a cap with no children");
	T_EQ(kw_tree_size(), before, "... changes nothing");
	T_EQ(cap_revoke(&b[5], NULL), 0, "revoke a page with five descendants");
	t_ok(cap_is_null(&b[8]) && cap_is_null(&b[9]) && cap_is_null(&b[10]) &&
		 cap_is_null(&cs[1]) && cap_is_null(&cs[2]),
	     "... every descendant is gone, in both CSpaces");
	t_ok(b[5].type == CAP_PAGE && !b[5].child,
	     "... the revoked cap stays, childless");
	t_ok(b[6].type == CAP_PAGE && b[11].type == CAP_PAGE &&
		 b[11].parent == &b[6],
	     "... the neighbouring page and its copy are untouched");
	T_EQ(kw_tree_size(), before - 5, "... exactly five caps went");

	/* Revoke of an untyped: objects, nested objects and copies. */
	kw_retype(u, CAP_UNTYPED, 16, &b[12], 1);
	struct cap *u1 = &b[12];
	u64 full = untyped_remaining(u1);
	kw_retype(u1, CAP_CSPACE, 4, &b[13], 1);
	struct cap *cs2 = kw_slots(&b[13]);
	kw_retype(u1, CAP_PAGE, 0, &cs2[1], 4);
	kw_copy(&cs2[1], &cs[3]);
	kw_copy(&b[13], &cs2[0]);
	kw_retype(u1, CAP_UNTYPED, 12, &cs2[7], 1);
	kw_retype(&cs2[7], CAP_PT, 0, &cs[4], 1);
	t_ok(untyped_remaining(u1) < full, "the untyped is in use");
	T_EQ(cap_revoke(u1, NULL), 0, "revoke the untyped");
	t_ok(!u1->child && untyped_remaining(u1) == full,
	     "... it is whole again");
	t_ok(
	    cap_is_null(&b[13]) && cap_is_null(&cs[3]) && cap_is_null(&cs[4]),
	    "... its objects' caps are gone, also those held in other CSpaces");
	t_ok(b[5].type == CAP_PAGE && b[6].type == CAP_PAGE &&
		 b[4].type == CAP_CSPACE,
	     "... objects from other untyped memory stay");
	t_ok(kw_invariants_ok(), "invariants hold");
	kw_fini(&w);
}

int main(void)
{
	test_links();
	test_final();
	test_revoke();
	return t_finish();
}
