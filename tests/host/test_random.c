/*
 * Randomized test of the capability machinery: thousands of random system
 * calls (retype, cap_copy, cap_mint, cap_move, cap_delete, cap_revoke,
 * remaining) with random capability addresses over a root CSpace, nested
 * CSpaces, Untypeds and device capabilities, plus capabilities installed
 * in Space and Thread objects (making loops).  Three runs of 10000 calls:
 * without preemption, preempted at random, and preempted at every
 * preemption point, each -E_RESTART re-run as the kernel re-runs the
 * system call.
 *
 * After every call:
 *  - invariants_check() (every cap's parent exists, no cycle, every cap in
 *    a live object's slot, untyped accounting, ...);
 *  - an independent model, written from the ABI rather than from the
 *    kernel's code, predicts the call's result and the whole derivation
 *    tree (slots, order, types, rights, objects, badges, parents), where
 *    each object lands, and what remaining() returns: the size minus the
 *    model's watermark, or the whole size once the model says no child is
 *    left.
 *
 * The seed is printed; TESSERA_SEED=n reruns with another.  A failure
 * prints the step and the call.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kworld.h"
#include "core/syscall.h"

#define MEM_BITS 23
#define BOOT_BITS 6
#define NBOOT (1u << BOOT_BITS)
#define NONE (-1)
#define ANCHOR 0

static struct kworld w;
static struct cap *b;

/* ------------------------------------------------------------ the model */

/* One slot, as the model sees it. */
struct mnode {
	struct cap *slot;
	u8 type; /* CAP_NULL: empty */
	u32 rights;
	u64 obj;    /* what the capability names (a Space: its struct space) */
	u64 data0;  /* Untyped, CSpace: size bits; devices: badge */
	u64 mark;   /* Untyped: where the next object may go */
	bool dying; /* its object is being destroyed (a zombie in the kernel) */
	s32 parent, child, next, prev;
};

static struct mnode *pool; /* pool[0] is the anchor */
static s32 npool, pool_cap;
static s32 *where; /* slot address / 8 -> pool index (0: none yet) */
static u64 nwhere;

static struct mnode *N(s32 i)
{
	return &pool[i];
}

/* The model node for a slot (every slot address is 8-byte aligned, in
 * the boot CSpace or in memory). */
static s32 node(struct cap *slot)
{
	u64 a = (u64)slot, key;

	if (slot == &cdt_anchor)
		return ANCHOR;
	if (a >= (u64)b && a < (u64)(b + NBOOT))
		key = (a - (u64)b) / 8;
	else if (a >= (u64)w.mem &&
		 a + sizeof(struct cap) <= (u64)w.mem + (1ull << MEM_BITS))
		key = NBOOT * sizeof(struct cap) / 8 + (a - (u64)w.mem) / 8;
	else
		panic("model: slot %p outside the world", slot);
	if (a % 8)
		panic("model: slot %p not aligned", slot);
	if (!where[key]) {
		if (npool == pool_cap) {
			pool_cap *= 2;
			pool = realloc(pool, pool_cap * sizeof(*pool));
		}
		memset(&pool[npool], 0, sizeof(pool[npool]));
		pool[npool].slot = slot;
		pool[npool].parent = pool[npool].child = NONE;
		pool[npool].next = pool[npool].prev = NONE;
		where[key] = npool++;
	}
	return where[key];
}

static void model_init(void)
{
	nwhere = (NBOOT * sizeof(struct cap) + (1ull << MEM_BITS)) / 8;
	where = calloc(nwhere, sizeof(*where));
	pool_cap = 4096;
	pool = calloc(pool_cap, sizeof(*pool));
	npool = 1;
	pool[ANCHOR].slot = &cdt_anchor;
	pool[ANCHOR].parent = pool[ANCHOR].child = pool[ANCHOR].next =
	    pool[ANCHOR].prev = NONE;
}

static void model_fini(void)
{
	free(where);
	free(pool);
}

/* The children of p, in order, into kids[]; their number. */
static u32 kids_of(s32 p, s32 *kids)
{
	u32 n = 0;
	for (s32 k = N(p)->child; k != NONE; k = N(k)->next)
		kids[n++] = k;
	return n;
}

static s32 *scratch; /* room for any sibling list */

/* Make p's children exactly kids[0..n), in that order. */
static void set_kids(s32 p, const s32 *kids, u32 n)
{
	N(p)->child = n ? kids[0] : NONE;
	for (u32 i = 0; i < n; i++) {
		N(kids[i])->parent = p;
		N(kids[i])->prev = i ? kids[i - 1] : NONE;
		N(kids[i])->next = i + 1 < n ? kids[i + 1] : NONE;
	}
}

/* A new capability in the empty slot c: the first child of p. */
static void m_insert(s32 p, s32 c)
{
	u32 n = kids_of(p, scratch + 1);
	scratch[0] = c;
	N(c)->child = NONE;
	set_kids(p, scratch, n + 1);
}

/* c leaves the tree; its children take its place, in order. */
static void m_remove(s32 c)
{
	s32 p = N(c)->parent;
	u32 n = kids_of(p, scratch), m = 0;
	s32 *out = scratch + n;
	for (u32 i = 0; i < n; i++) {
		if (scratch[i] != c) {
			out[m++] = scratch[i];
			continue;
		}
		for (s32 k = N(c)->child; k != NONE; k = N(k)->next)
			out[m++] = k;
	}
	set_kids(p, out, m);
	struct cap *slot = N(c)->slot;
	memset(N(c), 0, sizeof(struct mnode));
	N(c)->slot = slot;
	N(c)->parent = N(c)->child = N(c)->next = N(c)->prev = NONE;
}

/* The capability in `from` goes to the empty slot `to`, links and all. */
static void m_move(s32 from, s32 to)
{
	s32 p = N(from)->parent;
	u32 n = kids_of(p, scratch);
	for (u32 i = 0; i < n; i++)
		if (scratch[i] == from)
			scratch[i] = to;
	struct cap *slot = N(to)->slot;
	*N(to) = *N(from);
	N(to)->slot = slot;
	u32 m = kids_of(to, scratch + n);
	set_kids(to, scratch + n, m);
	set_kids(p, scratch, n);
	slot = N(from)->slot;
	memset(N(from), 0, sizeof(struct mnode));
	N(from)->slot = slot;
	N(from)->parent = N(from)->child = N(from)->next = N(from)->prev = NONE;
}

static bool has_slots(u8 type)
{
	return type == CAP_CSPACE || type == CAP_THREAD || type == CAP_SPACE ||
	       type == CAP_CONTAINER;
}

/* The slots inside the object node i names (kernel layouts). */
static u32 obj_slots(s32 i, struct cap **slots)
{
	switch (N(i)->type) {
	case CAP_CSPACE:
		*slots = (struct cap *)N(i)->obj;
		return 1u << N(i)->data0;
	case CAP_THREAD:
		*slots = ((struct thread *)N(i)->obj)->slots;
		return THREAD_SLOTS;
	case CAP_SPACE:
		*slots = ((struct space *)N(i)->obj)->slots;
		return SPACE_SLOTS;
	case CAP_CONTAINER:
		*slots = ((struct container *)N(i)->obj)->slots;
		return CONTAINER_LIST_SLOTS;
	default:
		return 0;
	}
}

static bool same_object(s32 a, s32 c)
{
	return N(a)->type && N(a)->obj && N(a)->obj == N(c)->obj &&
	       N(a)->type == N(c)->type;
}

static bool inside(const struct cap *slot, s32 obj)
{
	struct cap *s;
	u32 n = obj_slots(obj, &s);
	return n && slot >= s && slot < s + n;
}

/* The pre-order successor of i in the model tree. */
static s32 m_next(s32 i)
{
	if (N(i)->child != NONE)
		return N(i)->child;
	while (i != ANCHOR && N(i)->next == NONE)
		i = N(i)->parent;
	return i == ANCHOR ? NONE : N(i)->next;
}

/* The last capability to its object?  Others count unless they are
 * inside the object itself (a CSpace's capabilities to itself). */
static bool m_final(s32 c)
{
	if (!N(c)->obj)
		return false;
	for (s32 k = N(ANCHOR)->child; k != NONE; k = m_next(k)) {
		if (k == c || !same_object(k, c))
			continue;
		if (N(c)->type == CAP_CSPACE && inside(N(k)->slot, c))
			continue;
		return false;
	}
	return true;
}

/* Delete the capability in slot c.  An Untyped first deletes what was
 * made from it (its children); the last capability to an object with
 * slots first empties them.  Capabilities already being deleted further
 * up are left to finish there.  (Recursion is fine in the model.) */
static void m_delete(s32 c)
{
	if (!N(c)->type)
		return;
	if (N(c)->type == CAP_UNTYPED) {
		N(c)->dying = true;
		for (;;) {
			s32 k = N(c)->child;
			while (k != NONE && N(k)->dying)
				k = N(k)->next;
			if (k == NONE)
				break;
			m_delete(k);
		}
	} else if (has_slots(N(c)->type) && m_final(c)) {
		struct cap *slots;
		u32 n = obj_slots(c, &slots);
		N(c)->dying = true;
		for (u32 i = 0; i < n; i++) {
			s32 k = node(&slots[i]);
			if (N(k)->type && !N(k)->dying)
				m_delete(k);
		}
	}
	m_remove(c);
}

static void m_revoke(s32 c)
{
	while (N(c)->type && N(c)->child != NONE)
		m_delete(N(c)->child);
}

static s32 m_root(void)
{
	return node(space_root_cspace(w.space));
}

static int m_lookup(cptr_t cptr, s32 *out)
{
	int digit = cptr ? (63 - __builtin_clzll(cptr)) / 16 : 0;
	s32 cs = m_root();
	for (;; digit--) {
		u64 idx = (cptr >> (16 * digit)) & 0xffff;
		if (N(cs)->type != CAP_CSPACE || idx >= (1ull << N(cs)->data0))
			return -E_BADCAP;
		s32 s = node((struct cap *)N(cs)->obj + idx);
		if (!digit) {
			*out = s;
			return 0;
		}
		cs = s;
	}
}

static u64 m_size_bits(u64 type, u64 bits)
{
	switch (type) {
	case CAP_UNTYPED:
		return bits >= 12 && bits <= 47 ? bits : 0;
	case CAP_CSPACE:
		return bits >= 1 && bits <= 12 ? bits + 6 : 0;
	case CAP_THREAD:
	case CAP_SPACE:
		return 13;
	case CAP_PDPT:
	case CAP_PD:
	case CAP_PT:
	case CAP_PAGE:
	case CAP_CONTAINER:
		return 12;
	case CAP_LARGE_PAGE:
		return 21;
	default:
		return 0;
	}
}

static u64 m_remaining(s32 u)
{
	return (1ull << N(u)->data0) - (N(u)->child != NONE ? N(u)->mark : 0);
}

/* ------------------------------------------------- predicted system calls */

static char failure[256];

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;
	if (failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(failure, sizeof(failure), fmt, ap);
	va_end(ap);
}

static void m_new_object(s32 c, s32 u, u64 type, u64 sb, u64 base)
{
	struct cap *slot = N(c)->slot;
	/* No live capability may sit in memory handed out again. */
	for (u64 a = base; a < base + (1ull << sb); a += 8) {
		u64 key = NBOOT * sizeof(struct cap) / 8 + (a - (u64)w.mem) / 8;
		if (where[key] && N(where[key])->type)
			fail("retype over a live capability at %p", (void *)a);
	}
	N(c)->type = (u8)type;
	N(c)->obj = type == CAP_SPACE ? base + PAGE_SIZE : base;
	N(c)->rights =
	    type == CAP_PAGE || type == CAP_LARGE_PAGE ? RIGHT_PAGE_ALL : 0;
	N(c)->data0 = type == CAP_UNTYPED  ? sb
		      : type == CAP_CSPACE ? sb - CAP_SLOT_BITS
					   : 0;
	N(c)->mark = 0;
	N(c)->dying = false;
	N(c)->slot = slot;
	m_insert(u, c);
}

static long m_retype(cptr_t uc, u64 type, u64 bits, cptr_t dc, u64 num)
{
	s32 u, d, cs;
	int r = m_lookup(uc, &u);
	if (r)
		return r;
	if (!N(u)->type)
		return -E_EMPTY;
	if (N(u)->type != CAP_UNTYPED)
		return -E_CAPTYPE;
	if (type == CAP_NULL || type > CAP_CONTAINER)
		return -E_INVAL;
	u64 sb = m_size_bits(type, bits);
	if (!sb || num == 0 || num > 4096)
		return -E_RANGE;
	if (sb > N(u)->data0)
		return -E_NOMEM;
	u64 used = N(u)->child != NONE ? N(u)->mark : 0;
	u64 first = ALIGN_UP(used, 1ull << sb);
	if (first + (num << sb) > 1ull << N(u)->data0)
		return -E_NOMEM;
	r = m_lookup(dc, &d);
	if (r)
		return r;
	cs = m_root();
	if (dc >> 16 && (r = m_lookup(dc >> 16, &cs)))
		return r;
	if (num > (1ull << N(cs)->data0) - (dc & 0xffff))
		return -E_RANGE;
	for (u64 i = 0; i < num; i++)
		if (N(node(N(d)->slot + i))->type)
			return -E_OCCUPIED;
	for (u64 i = 0; i < num; i++)
		m_new_object(node(N(d)->slot + i), u, type, sb,
			     N(u)->obj + first + (i << sb));
	N(u)->mark = first + (num << sb);
	return 0;
}

static void m_derive(s32 s, s32 d)
{
	struct cap *slot = N(d)->slot;
	*N(d) = *N(s);
	N(d)->slot = slot;
	N(d)->dying = false;
	m_insert(s, d);
}

static long m_copy(cptr_t sc, cptr_t dc)
{
	s32 s, d;
	int r = m_lookup(sc, &s);
	if (r || (r = m_lookup(dc, &d)))
		return r;
	if (!N(s)->type)
		return -E_EMPTY;
	if (N(s)->type == CAP_UNTYPED)
		return -E_CAPTYPE;
	if (N(d)->type)
		return -E_OCCUPIED;
	m_derive(s, d);
	return 0;
}

static long m_mint(cptr_t sc, cptr_t dc, u64 rights, u64 badge)
{
	s32 s, d;
	int r = m_lookup(sc, &s);
	if (r || (r = m_lookup(dc, &d)))
		return r;
	if (rights >> 32)
		return -E_INVAL;
	if (!N(s)->type)
		return -E_EMPTY;
	if (N(s)->type == CAP_UNTYPED)
		return -E_CAPTYPE;
	if (N(d)->type)
		return -E_OCCUPIED;
	u64 old = N(s)->data0, nb = old;
	if (badge) {
		switch (N(s)->type) {
		case CAP_CONSOLE: /* a colour, set once */
			if (badge > 0xff)
				return -E_RANGE;
			if (old && badge != old)
				return -E_PERM;
			break;
		case CAP_WINDOW: /* a length limit that only shrinks */
			if (badge > 0xffffffffull)
				return -E_RANGE;
			if (old && badge > old)
				return -E_PERM;
			break;
		case CAP_TIMER: /* hidden bits that only grow */
			if (badge > 63)
				return -E_RANGE;
			if (badge < old)
				return -E_PERM;
			break;
		default:
			return -E_INVAL;
		}
		nb = badge;
	}
	m_derive(s, d);
	N(d)->rights &= (u32)rights;
	N(d)->data0 = nb;
	return 0;
}

static long m_move_call(cptr_t sc, cptr_t dc)
{
	s32 s, d;
	int r = m_lookup(sc, &s);
	if (r || (r = m_lookup(dc, &d)))
		return r;
	if (!N(s)->type)
		return -E_EMPTY;
	if (s == d)
		return 0;
	if (N(d)->type)
		return -E_OCCUPIED;
	m_move(s, d);
	return 0;
}

static long m_delete_call(cptr_t c)
{
	s32 s;
	int r = m_lookup(c, &s);
	if (r)
		return r;
	if (!N(s)->type)
		return -E_EMPTY;
	m_delete(s);
	return 0;
}

static long m_revoke_call(cptr_t c)
{
	s32 s;
	int r = m_lookup(c, &s);
	if (r)
		return r;
	if (!N(s)->type)
		return -E_EMPTY;
	m_revoke(s);
	return 0;
}

/* ------------------------------------------------------------ comparing */

static void compare_node(s32 m, const struct cap *k)
{
	const struct mnode *n = N(m);
	if (n->slot != k) {
		fail("tree order: kernel has slot %p where the model has %p",
		     (void *)k, (void *)n->slot);
		return;
	}
	if (k->type != n->type || k->rights != n->rights || k->obj != n->obj)
		fail("slot %p: kernel type %d rights %x obj %p, model type %d "
		     "rights %x obj %p",
		     (void *)k, k->type, k->rights, (void *)k->obj, n->type,
		     n->rights, (void *)n->obj);
	else if (k->parent != N(n->parent)->slot)
		fail("slot %p: kernel parent %p, model parent %p", (void *)k,
		     (void *)k->parent, (void *)N(n->parent)->slot);
	else if ((k->type == CAP_UNTYPED || k->type == CAP_CSPACE ||
		  k->type == CAP_CONSOLE || k->type == CAP_WINDOW ||
		  k->type == CAP_TIMER) &&
		 k->data[0] != n->data0)
		fail("slot %p (type %d): kernel data %llu, model %llu",
		     (void *)k, k->type, (unsigned long long)k->data[0],
		     (unsigned long long)n->data0);
	else if (k->type == CAP_UNTYPED &&
		 untyped_remaining(k) != m_remaining(m))
		fail("untyped %p: remaining %llu, model says %llu", (void *)k,
		     (unsigned long long)untyped_remaining(k),
		     (unsigned long long)m_remaining(m));
}

/* The kernel's tree and the model's, walked side by side; then every slot
 * of every live CSpace (and the boot CSpace) holds what the model says. */
static void compare(void)
{
	const struct cap *k = cdt_anchor.child;
	s32 m = N(ANCHOR)->child;

	while (!failure[0] && (k || m != NONE)) {
		if (!k || m == NONE) {
			fail("tree size: the %s has more capabilities",
			     k ? "kernel" : "model");
			break;
		}
		compare_node(m, k);
		if (k->child) {
			k = k->child;
		} else {
			while (k != &cdt_anchor && !k->next)
				k = k->parent;
			k = k == &cdt_anchor ? NULL : k->next;
		}
		m = m_next(m);
	}
	for (m = N(ANCHOR)->child; !failure[0] && m != NONE; m = m_next(m)) {
		struct cap *slots;
		u32 n = obj_slots(m, &slots);
		for (u32 i = 0; i < n; i++)
			if (slots[i].type != N(node(&slots[i]))->type)
				fail("slot %p: kernel type %d, model type %d",
				     (void *)&slots[i], slots[i].type,
				     N(node(&slots[i]))->type);
	}
}

/* ------------------------------------------------------------ the world */

/* Boot slots: 0 self, 1 all memory, 2 thread, 3 space (never deleted or
 * moved: they keep the test's thread and root CSpace alive); then devices,
 * untypeds and CSpaces to start with. */
#define FIRST_FREE 4

static void make_world(void)
{
	kw_init(&w, MEM_BITS, BOOT_BITS);
	b = w.boot;
	kw_task(&w);
	kw_device_cap(&b[4], CAP_CONSOLE, 0, 0);
	kw_device_cap(&b[5], CAP_WINDOW, RIGHT_WINDOW_ALL, 0);
	kw_device_cap(&b[6], CAP_TIMER, 0, 0);
	static const u32 ut_bits[] = {21, 20, 19, 18};
	for (unsigned i = 0; i < 4; i++)
		kw_retype(w.ut, CAP_UNTYPED, ut_bits[i], &b[7 + i], 1);
	for (unsigned i = 0; i < 3; i++)
		kw_retype(w.ut, CAP_CSPACE, 6, &b[11 + i], 1);
}

/* The model learns the world from the kernel once, at the start. */
static void model_learn(void)
{
	for (const struct cap *k = cdt_anchor.child; k;) {
		s32 m = node((struct cap *)k);
		N(m)->type = k->type;
		N(m)->rights = k->rights;
		N(m)->obj = k->obj;
		N(m)->data0 = k->data[0];
		N(m)->mark = k->type == CAP_UNTYPED ? k->data[1] : 0;
		if (k->child) {
			k = k->child;
		} else {
			while (k != &cdt_anchor && !k->next)
				k = k->parent;
			k = k == &cdt_anchor ? NULL : k->next;
		}
	}
	/* Links, from the kernel's tree once. */
	for (const struct cap *k = cdt_anchor.child; k;) {
		s32 m = node((struct cap *)k);
		N(m)->parent = node(k->parent);
		N(m)->child = k->child ? node(k->child) : NONE;
		N(m)->next = k->next ? node(k->next) : NONE;
		N(m)->prev = k->prev ? node(k->prev) : NONE;
		if (k->child) {
			k = k->child;
		} else {
			while (k != &cdt_anchor && !k->next)
				k = k->parent;
			k = k == &cdt_anchor ? NULL : k->next;
		}
	}
	N(ANCHOR)->child = node(cdt_anchor.child);
}

/* ------------------------------------------------------------ the calls */

/* A random capability address: mostly good ones, some bad. */
static cptr_t random_cptr(void)
{
	u64 r = host_rand_below(100);
	if (r < 50)
		return host_rand_below(NBOOT + 4);
	if (r < 95) {
		/* Two levels, usually through a slot that holds a CSpace. */
		u64 d1 = host_rand_below(NBOOT + 2);
		for (unsigned tries = 0; tries < 8 && host_rand_below(10) < 8;
		     tries++) {
			u64 t = host_rand_below(NBOOT);
			if (b[t].type == CAP_CSPACE && t) {
				d1 = t;
				break;
			}
		}
		return d1 << 16 | host_rand_below(20);
	}
	if (r < 98)
		return host_rand_below(NBOOT) << 32 |
		       host_rand_below(20) << 16 | host_rand_below(20);
	return CPTR_NONE;
}

/* Slots 0..3, and the first untypeds (revoked, never deleted or moved,
 * so that memory stays to retype from). */
static bool protected(cptr_t c)
{
	s32 s;
	if (m_lookup(c, &s))
		return false;
	for (unsigned i = 0; i < 11; i++)
		if (N(s)->slot == &b[i] && (i < FIRST_FREE || i >= 7))
			return true;
	return false;
}

static bool protected_from_revoke(cptr_t c)
{
	s32 s;
	if (m_lookup(c, &s))
		return false;
	for (unsigned i = 0; i < FIRST_FREE; i++)
		if (N(s)->slot == &b[i])
			return true;
	return false;
}

/* The slots reachable with one- and two-digit addresses, for picking
 * sources that hold something and destinations that are free. */
static struct {
	cptr_t c;
	s32 n;
} reach[NBOOT * 65];
static u32 nreach;

static void collect(void)
{
	nreach = 0;
	for (u32 i = 0; i < NBOOT; i++) {
		s32 n = node(&b[i]);
		reach[nreach].c = i;
		reach[nreach++].n = n;
		if (!i || N(n)->type != CAP_CSPACE)
			continue;
		u32 slots = MIN(1u << N(n)->data0, 64u);
		for (u32 j = 0; j < slots; j++) {
			reach[nreach].c = (cptr_t)i << 16 | j;
			reach[nreach++].n = node((struct cap *)N(n)->obj + j);
		}
	}
}

/* A reachable slot holding `type` (0: any non-empty; -1: an empty one). */
static bool pick(int type, cptr_t *c)
{
	u32 seen = 0;
	for (u32 i = 0; i < nreach; i++) {
		u8 t = N(reach[i].n)->type;
		if (type < 0 ? t != CAP_NULL : type ? t != type : t == CAP_NULL)
			continue;
		if (host_rand_below(++seen) == 0)
			*c = reach[i].c;
	}
	return seen > 0;
}

static cptr_t src_cptr(void)
{
	cptr_t c;
	return host_rand_below(4) && pick(0, &c) ? c : random_cptr();
}

static cptr_t dst_cptr(void)
{
	cptr_t c;
	return host_rand_below(4) && pick(-1, &c) ? c : random_cptr();
}

static u64 random_type(u64 *bits)
{
	u64 r = host_rand_below(100);
	*bits = 0;
	if (r < 25)
		return CAP_PAGE;
	if (r < 45) {
		*bits = 1 + host_rand_below(6);
		return CAP_CSPACE;
	}
	if (r < 58) {
		*bits = 12 + host_rand_below(4);
		return CAP_UNTYPED;
	}
	if (r < 68)
		return CAP_PDPT + host_rand_below(3);
	if (r < 76)
		return CAP_THREAD;
	if (r < 82)
		return CAP_SPACE;
	if (r < 88)
		return CAP_CONTAINER;
	if (r < 92)
		return CAP_LARGE_PAGE;
	if (r < 95) {
		*bits = host_rand_below(2) ? 0 : 13;
		return CAP_CSPACE;
	}
	static const u64 bad[] = {CAP_NULL, CAP_CONSOLE, CAP_IPC, 99};
	return bad[host_rand_below(4)];
}

static u64 random_badge(void)
{
	static const u64 badges[] = {
	    1,	3,   7,	   0x1f,  0x2f,		 50,	    63,
	    64, 100, 0xff, 0x100, 0xffffffffull, 1ull << 32};
	return host_rand_below(2) ? 0
				  : badges[host_rand_below(ARRAY_SIZE(badges))];
}

static u64 restarts;

/* Run a system call until it stops asking for a restart. */
static long run(u64 nr, const u64 *a)
{
	long r;
	for (unsigned tries = 0;; tries++) {
		percpu()->need_resched = false;
		r = syscall_call(nr, a);
		if (r != -E_RESTART)
			break;
		restarts++;
		invariants_check();
		if (tries == 100000) {
			fail("a call restarts forever");
			break;
		}
	}
	percpu()->need_resched = false;
	return r;
}

static u64 ops[8], successes, max_tree;

/* One random step: a call, its prediction, the comparison. */
static void step(char *what, size_t len)
{
	u64 a[6] = {0};
	long got = 0, want = 0;
	u64 kind = host_rand_below(100);

	collect();
	if (kind < 30) {
		u64 bits, type = random_type(&bits);
		u64 r = host_rand_below(10);
		u64 num = r < 5	  ? 1
			  : r < 9 ? 2 + host_rand_below(40)
				  : host_rand_below(2) * 5000;
		cptr_t u;
		a[0] = host_rand_below(5) && pick(CAP_UNTYPED, &u)
			   ? u
			   : random_cptr();
		a[1] = type;
		a[2] = bits;
		a[3] = dst_cptr();
		a[4] = num;
		snprintf(what, len,
			 "retype(%#llx, type %llu, bits %llu, %#llx, %llu)",
			 (unsigned long long)a[0], (unsigned long long)type,
			 (unsigned long long)bits, (unsigned long long)a[3],
			 (unsigned long long)num);
		want = m_retype(a[0], type, bits, a[3], num);
		got = run(SYS_retype, a);
		ops[0]++;
	} else if (kind < 50) {
		a[0] = src_cptr();
		a[1] = dst_cptr();
		snprintf(what, len, "cap_copy(%#llx, %#llx)",
			 (unsigned long long)a[0], (unsigned long long)a[1]);
		want = m_copy(a[0], a[1]);
		got = run(SYS_cap_copy, a);
		ops[1]++;
	} else if (kind < 60) {
		a[0] = src_cptr();
		a[1] = dst_cptr();
		a[2] = host_rand_below(20) ? host_rand_below(8) : ~0ull;
		a[3] = random_badge();
		snprintf(what, len, "cap_mint(%#llx, %#llx, %#llx, %#llx)",
			 (unsigned long long)a[0], (unsigned long long)a[1],
			 (unsigned long long)a[2], (unsigned long long)a[3]);
		want = m_mint(a[0], a[1], a[2], a[3]);
		got = run(SYS_cap_mint, a);
		ops[2]++;
	} else if (kind < 68) {
		a[0] = src_cptr();
		a[1] = host_rand_below(10) ? dst_cptr() : a[0];
		if (protected(a[0]))
			return;
		snprintf(what, len, "cap_move(%#llx, %#llx)",
			 (unsigned long long)a[0], (unsigned long long)a[1]);
		want = m_move_call(a[0], a[1]);
		got = run(SYS_cap_move, a);
		ops[3]++;
	} else if (kind < 82) {
		a[0] = src_cptr();
		if (protected(a[0]))
			return;
		snprintf(what, len, "cap_delete(%#llx)",
			 (unsigned long long)a[0]);
		want = m_delete_call(a[0]);
		got = run(SYS_cap_delete, a);
		ops[4]++;
	} else if (kind < 86) {
		a[0] = src_cptr();
		if (protected_from_revoke(a[0]))
			return;
		snprintf(what, len, "cap_revoke(%#llx, NULL)",
			 (unsigned long long)a[0]);
		want = m_revoke_call(a[0]);
		got = run(SYS_cap_revoke, a);
		ops[5]++;
	} else if (kind < 93) {
		/* Install a CSpace as a Space's root, or a page in a Thread's
		 * slot (as thread_control and alloc_buffer do), by copy or
		 * move. */
		bool space = host_rand_below(2);
		cptr_t tc, sc;
		s32 t, s;
		if (!pick(space ? CAP_SPACE : CAP_THREAD, &tc) ||
		    !pick(space ? CAP_CSPACE : CAP_PAGE, &sc) || protected(sc))
			return;
		m_lookup(tc, &t);
		m_lookup(sc, &s);
		struct cap *slot;
		if (space && N(t)->obj != (u64)w.space)
			slot = space_root_cspace((struct space *)N(t)->obj);
		else if (!space && N(t)->obj != (u64)w.thread)
			slot = &((struct thread *)N(t)->obj)->slots[0];
		else
			return;
		if (N(node(slot))->type)
			return;
		bool mv = host_rand_below(2);
		snprintf(what, len, "install %s %#llx into object of %#llx",
			 mv ? "(move)" : "(copy)", (unsigned long long)sc,
			 (unsigned long long)tc);
		if (mv) {
			struct cap *src = N(s)->slot;
			m_move(s, node(slot));
			got = kw_move(src, slot);
		} else {
			m_derive(s, node(slot));
			got = kw_copy(N(s)->slot, slot);
		}
		want = 0;
		ops[6]++;
	} else {
		cptr_t u;
		s32 n;
		a[0] = host_rand_below(4) && pick(CAP_UNTYPED, &u)
			   ? u
			   : random_cptr();
		snprintf(what, len, "remaining(%#llx)",
			 (unsigned long long)a[0]);
		int r = m_lookup(a[0], &n);
		want = r			   ? r
		       : !N(n)->type		   ? -E_EMPTY
		       : N(n)->type != CAP_UNTYPED ? -E_CAPTYPE
						   : (long)m_remaining(n);
		got = run(SYS_remaining, a);
		ops[7]++;
	}
	if (got > 0 || got == 0)
		successes++;
	if (got != want)
		fail("%s returned %ld, the model expected %ld", what, got,
		     want);
}

static void phase(u64 seed, unsigned steps, enum host_preempt preempt,
		  const char *name)
{
	char what[160] = "(setup)";
	jmp_buf jb;
	volatile unsigned i = 0;

	host_srand(seed);
	make_world();
	model_init();
	scratch = malloc(2 * 65536 * sizeof(*scratch));
	model_learn();
	memset(ops, 0, sizeof(ops));
	restarts = successes = max_tree = 0;
	failure[0] = 0;
	host_preempt = preempt;
	host_preempt_one_in = 2;
	printf("# %s: seed %llu (TESSERA_SEED=%llu reruns it)\n", name,
	       (unsigned long long)seed, (unsigned long long)seed);

	if (setjmp(jb) == 0) {
		panic_jmp = &jb;
		compare();
		for (i = 0; i < steps && !failure[0]; i++) {
			what[0] = 0;
			step(what, sizeof(what));
			invariants_check();
			compare();
			max_tree = MAX(max_tree, kw_tree_size());
		}
	} else {
		fail("the kernel panicked (above) after %s", what);
	}
	panic_jmp = NULL;
	if (failure[0])
		printf("# step %u: %s\n# %s\n", i, what, failure);
	t_ok(!failure[0],
	     "%s: %u random calls agree with the model, invariants hold", name,
	     i);
	printf("# calls: %llu retype, %llu copy, %llu mint, %llu move, %llu "
	       "delete, "
	       "%llu revoke, %llu install, %llu remaining; %llu succeeded; "
	       "%llu restarts; "
	       "up to %llu caps, %llu at the end\n",
	       (unsigned long long)ops[0], (unsigned long long)ops[1],
	       (unsigned long long)ops[2], (unsigned long long)ops[3],
	       (unsigned long long)ops[4], (unsigned long long)ops[5],
	       (unsigned long long)ops[6], (unsigned long long)ops[7],
	       (unsigned long long)successes, (unsigned long long)restarts,
	       (unsigned long long)max_tree,
	       (unsigned long long)kw_tree_size());
	if (preempt)
		t_ok(failure[0] || restarts > 0,
		     "%s: calls were preempted and restarted", name);

	/* Tear down through the kernel: revoke the memory, all must go. */
	host_preempt = HOST_PREEMPT_NEVER;
	if (!failure[0]) {
		for (unsigned k = 7; k < 11; k++)
			if (b[k].type == CAP_UNTYPED)
				cap_revoke(&b[k], NULL);
		t_ok(kw_invariants_ok(),
		     "%s: revoking the first untypeds leaves a sound tree",
		     name);
	}
	free(scratch);
	model_fini();
	kw_fini(&w);
}

int main(void)
{
	u64 seed = 20240611;
	const char *env = getenv("TESSERA_SEED");
	if (env)
		seed = strtoull(env, NULL, 0);
	phase(seed, 10000, HOST_PREEMPT_NEVER, "no preemption");
	phase(seed + 1, 10000, HOST_PREEMPT_RANDOM, "random preemption");
	phase(seed + 2, 10000, HOST_PREEMPT_ALWAYS,
	      "preemption at every point");
	return t_finish();
}
