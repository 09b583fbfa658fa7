/*
 * Untyped memory and retype (kernel/core/untyped.c, object.c): every
 * object type with its size and its zeroed, set-up contents; the argument
 * checks (type, bits, num); alignment padding; E_NOMEM exactly at the
 * boundary; nothing changed by a failing retype; remaining() as a
 * watermark that falls back to the whole block once every child is gone
 * (deleted or revoked); nested Untypeds; the space id limit; zeroing
 * preempted and restarted, with other retypes and a reset in between.
 */
#include "kworld.h"
#include "core/syscall.h"
#include "arch/x86_64/space_arch.h"

static struct kworld w;
static struct cap *b;

#define KiB 1024ull
#define MiB (1024ull * 1024)

/* A fresh untyped of 2^bits bytes from the big one, in boot slot `slot`,
 * its memory filled with junk. */
static struct cap *fresh_untyped(unsigned slot, u32 bits)
{
	if (!cap_is_null(&b[slot]) &&
	    (cap_revoke(&b[slot], NULL) || cap_delete(&b[slot])))
		panic("fresh_untyped: delete failed");
	if (kw_retype(w.ut, CAP_UNTYPED, bits, &b[slot], 1))
		panic("fresh_untyped: no room for 2^%u", bits);
	memset((void *)b[slot].obj, 0xa5, 1ull << bits);
	return &b[slot];
}

static int all_zero(const void *p, u64 n)
{
	const u8 *c = p;
	for (u64 i = 0; i < n; i++)
		if (c[i])
			return 0;
	return 1;
}

static int thread_fresh(const struct thread *t)
{
	const u8 *stack =
	    (const u8 *)(thread_stack_canary((struct thread *)t) + 1);
	const u8 *tf = (const u8 *)arch_thread_tf((struct thread *)t);
	return t->tid == 0 && t->state == TS_INACTIVE && t->pager == TID_NIL &&
	       !t->space && !t->container && !t->rq_next && !t->sendq_head &&
	       all_zero(t->slots, sizeof(t->slots)) &&
	       all_zero(t->name, sizeof(t->name)) &&
	       *thread_stack_canary((struct thread *)t) ==
		   THREAD_STACK_CANARY &&
	       all_zero(stack, tf - stack);
}

static int space_fresh(const struct space *s)
{
	const u64 *pml4 = (const u64 *)((u64)s - PAGE_SIZE);
	const struct arch_space *a = space_arch((struct space *)s);
	return all_zero(pml4, 256 * 8) &&
	       !memcmp(pml4 + 256, host_kernel_pml4 + 256, 256 * 8) &&
	       a->pml4 == pml4 && s->spid && space_by_id(s->spid) == s &&
	       !s->threads && !s->nthreads &&
	       all_zero(s->slots, sizeof(s->slots)) &&
	       all_zero(s + 1, (const u8 *)a - (const u8 *)(s + 1));
}

/* Each type: size, where it lands, what it holds, and remaining(). */
static void test_types(void)
{
	static const struct {
		u32 type;
		u64 bits;
		u64 size;
		const char *name;
	} types[] = {
	    {CAP_UNTYPED, 12, 4 * KiB, "Untyped (4 KiB)"},
	    {CAP_UNTYPED, 20, 1 * MiB, "Untyped (1 MiB)"},
	    {CAP_CSPACE, 1, 128, "CSpace (2 slots)"},
	    {CAP_CSPACE, 12, 256 * KiB, "CSpace (4096 slots)"},
	    {CAP_THREAD, 0, 8 * KiB, "Thread"},
	    {CAP_SPACE, 0, 8 * KiB, "Space"},
	    {CAP_PDPT, 0, 4 * KiB, "PDPT"},
	    {CAP_PD, 0, 4 * KiB, "PD"},
	    {CAP_PT, 0, 4 * KiB, "PT"},
	    {CAP_PAGE, 0, 4 * KiB, "Page"},
	    {CAP_LARGE_PAGE, 0, 2 * MiB, "Large page"},
	    {CAP_CONTAINER, 0, 4 * KiB, "Container"},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(types); i++) {
		struct cap *u = fresh_untyped(8, 22), *c = &b[9];
		u64 base = u->obj, size = types[i].size;
		int zeroed;

		/* A page first, so the object lands after alignment padding. */
		kw_retype(u, CAP_PAGE, 0, &b[10], 1);
		u64 at = ALIGN_UP(4 * KiB, size);
		T_EQ(kw_retype(u, types[i].type, types[i].bits, c, 1), 0,
		     "retype one %s", types[i].name);
		T_EQ(c->type, types[i].type, "... the capability has its type");
		u64 start, extent;
		object_extent(c, &start, &extent);
		t_ok(start == base + at && extent == size,
		     "... %llu bytes at offset %llu", (unsigned long long)size,
		     (unsigned long long)at);
		T_EQ(untyped_remaining(u), (4 * MiB) - at - size,
		     "... remaining() is what is above it");
		t_ok(c->parent == u && u->child == c,
		     "... a child of the untyped");
		switch (types[i].type) {
		case CAP_UNTYPED:
			zeroed = c->data[0] == types[i].bits &&
				 untyped_remaining(c) == size;
			break;
		case CAP_THREAD:
			zeroed = thread_fresh((struct thread *)c->obj);
			break;
		case CAP_SPACE:
			zeroed = c->obj == start + PAGE_SIZE &&
				 space_fresh((struct space *)c->obj);
			break;
		case CAP_PAGE:
		case CAP_LARGE_PAGE:
			zeroed = all_zero((void *)start, size) &&
				 c->rights == RIGHT_PAGE_ALL && !c->data[0];
			break;
		case CAP_CSPACE:
			zeroed = all_zero((void *)start, size) &&
				 c->data[0] == types[i].bits;
			break;
		default:
			zeroed = all_zero((void *)start, size);
			break;
		}
		t_ok(zeroed,
		     "... set up fresh (zeroed where it is not initialized)");
		t_ok(kw_invariants_ok(), "... invariants hold");
		T_EQ(cap_revoke(u, NULL), 0, "... revoke");
		T_EQ(untyped_remaining(u), 4 * MiB, "... whole again");
	}
}

/* Arguments, alignment and the boundary; failures change nothing. */
struct snap {
	struct cap u, dest[8];
	u64 tree;
	u8 *mem;
};

static void snap_take(struct snap *s, const struct cap *u,
		      const struct cap *dest)
{
	s->u = *u;
	memcpy(s->dest, dest, sizeof(s->dest));
	s->tree = kw_tree_size();
	s->mem = malloc(untyped_size(u));
	memcpy(s->mem, (void *)u->obj, untyped_size(u));
}

static int snap_same(struct snap *s, const struct cap *u,
		     const struct cap *dest)
{
	int same = !memcmp(&s->u, u, sizeof(*u)) &&
		   !memcmp(s->dest, dest, sizeof(s->dest)) &&
		   s->tree == kw_tree_size() &&
		   !memcmp(s->mem, (void *)u->obj, untyped_size(u));
	free(s->mem);
	return same;
}

static void test_checks(void)
{
	struct cap *u = fresh_untyped(8, 16), *d = &b[16];
	struct snap sn;

	kw_retype(u, CAP_PAGE, 0, &b[9], 1);
	static const struct {
		u32 type;
		u64 bits, num;
		int err;
		const char *what;
	} bad[] = {
	    {CAP_NULL, 0, 1, -E_INVAL, "type Null"},
	    {CAP_CONSOLE, 0, 1, -E_INVAL, "type Console"},
	    {CAP_IPC, 0, 1, -E_INVAL, "type IPC (a scope cap)"},
	    {CAP_ZOMBIE, 0, 1, -E_INVAL, "the zombie type"},
	    {99, 0, 1, -E_INVAL, "type 99"},
	    {CAP_CSPACE, 0, 1, -E_RANGE, "CSpace of 2^0 slots"},
	    {CAP_CSPACE, 13, 1, -E_RANGE, "CSpace of 2^13 slots"},
	    {CAP_UNTYPED, 11, 1, -E_RANGE, "Untyped of 2^11 bytes"},
	    {CAP_UNTYPED, 48, 1, -E_RANGE, "Untyped of 2^48 bytes"},
	    {CAP_UNTYPED, 1ull << 32, 1, -E_RANGE, "Untyped of 2^(2^32) bytes"},
	    {CAP_PAGE, 0, 0, -E_RANGE, "no objects"},
	    {CAP_PAGE, 0, 4097, -E_RANGE, "4097 objects"},
	    {CAP_PAGE, 0, 1ull << 40, -E_RANGE, "2^40 objects"},
	    {CAP_UNTYPED, 17, 1, -E_NOMEM, "an Untyped bigger than the source"},
	    {CAP_LARGE_PAGE, 0, 1, -E_NOMEM, "a large page from 64 KiB"},
	    {CAP_PAGE, 0, 16, -E_NOMEM, "16 pages where 15 are free"},
	    {CAP_THREAD, 0, 8, -E_NOMEM, "8 threads after a page (padding)"},
	    {CAP_CSPACE, 10, 1, -E_NOMEM, "a 64 KiB CSpace after a page"},
	};
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		snap_take(&sn, u, d);
		T_EQ(kw_retype(u, bad[i].type, bad[i].bits, d, bad[i].num),
		     bad[i].err, "retype %s: refused", bad[i].what);
		t_ok(snap_same(&sn, u, d), "... nothing changed");
	}
	T_EQ(kw_retype(u, CAP_PAGE, 7, d, 1), 0,
	     "bits are ignored for a fixed-size type");
	T_EQ(d->obj, u->obj + 4 * KiB, "... a page at offset 4 KiB");
	cap_delete(d);

	/* Exactly full, then one byte too many.  The deleted page's memory
	 * stays below the watermark: 14 pages are left. */
	T_EQ(kw_retype(u, CAP_PAGE, 0, d, 15), -E_NOMEM,
	     "15 pages where 14 are left");
	T_EQ(kw_retype(u, CAP_PAGE, 0, d, 14), 0,
	     "14 pages fill what is left exactly");
	T_EQ(untyped_remaining(u), 0, "... remaining 0");
	snap_take(&sn, u, &b[40]);
	T_EQ(kw_retype(u, CAP_CSPACE, 1, &b[40], 1), -E_NOMEM,
	     "even 128 bytes more: E_NOMEM");
	t_ok(snap_same(&sn, u, &b[40]), "... nothing changed");
	for (unsigned i = 0; i < 14; i++)
		t_ok(d[i].obj == u->obj + (i + 2) * 4 * KiB && d[i].parent == u,
		     "page %u at offset %u KiB", i, (i + 2) * 4);
	t_ok(u->child == &d[13], "the last made is the first child");

	/* Padding: a fixed sequence and its offsets. */
	u = fresh_untyped(8, 16);
	static const struct {
		u32 type;
		u64 bits, offset;
	} seq[] = {
	    {CAP_PAGE, 0, 0},
	    {CAP_THREAD, 0, 8 * KiB},
	    {CAP_CSPACE, 1, 16 * KiB},
	    {CAP_CSPACE, 1, 16 * KiB + 128},
	    {CAP_PAGE, 0, 20 * KiB},
	    {CAP_SPACE, 0, 24 * KiB},
	    {CAP_UNTYPED, 14, 32 * KiB},
	    {CAP_CONTAINER, 0, 48 * KiB},
	    {CAP_THREAD, 0, 56 * KiB},
	};
	for (unsigned i = 0; i < ARRAY_SIZE(seq); i++) {
		struct cap *c = &b[16 + i];
		u64 start, size;
		T_EQ(kw_retype(u, seq[i].type, seq[i].bits, c, 1), 0,
		     "padding sequence %u: retype type %u", i, seq[i].type);
		object_extent(c, &start, &size);
		T_EQ(start - u->obj, seq[i].offset,
		     "... lands at its aligned offset");
	}
	T_EQ(untyped_remaining(u), 0, "the sequence ends exactly at the top");
	T_EQ(kw_retype(u, CAP_CSPACE, 1, &b[30], 1), -E_NOMEM,
	     "nothing more fits");
	t_ok(kw_invariants_ok(), "invariants hold");
	cap_revoke(u, NULL);

	/* An Untyped as big as its source. */
	T_EQ(kw_retype(u, CAP_UNTYPED, 16, &b[30], 1), 0,
	     "an untyped of its source's size");
	T_EQ(untyped_remaining(u), 0, "... takes it all");
	T_EQ(untyped_remaining(&b[30]), 64 * KiB, "... and has it all");
	cap_delete(&b[30]);
	T_EQ(untyped_remaining(u), 64 * KiB,
	     "deleted: the source is whole again");
}

/* The watermark: reset only when every child is gone. */
static void test_watermark(void)
{
	struct cap *u = fresh_untyped(8, 16), *d = &b[16];

	T_EQ(kw_retype(u, CAP_PAGE, 0, d, 3), 0, "three pages");
	T_EQ(untyped_remaining(u), 52 * KiB, "... remaining 52 KiB");
	cap_delete(&d[2]);
	T_EQ(untyped_remaining(u), 52 * KiB,
	     "delete the last made: the watermark stays");
	cap_delete(&d[0]);
	T_EQ(untyped_remaining(u), 52 * KiB, "delete the first made: it stays");
	T_EQ(kw_retype(u, CAP_PAGE, 0, &d[0], 1), 0, "another page");
	T_EQ(d[0].obj, u->obj + 12 * KiB,
	     "... goes above the watermark, not into a hole");
	cap_delete(&d[0]);
	kw_copy(&d[1], &b[30]);
	cap_delete(&d[1]);
	T_EQ(untyped_remaining(u), 48 * KiB,
	     "a copy of the last page keeps the watermark");
	cap_delete(&b[30]);
	T_EQ(untyped_remaining(u), 64 * KiB,
	     "every child deleted: whole again");
	T_EQ(kw_retype(u, CAP_PAGE, 0, d, 1), 0, "a page after the reset");
	T_EQ(d->obj, u->obj, "... at offset 0");
	t_ok(all_zero((void *)d->obj, PAGE_SIZE), "... zeroed again");

	/* Revoke brings remaining() back to its first value. */
	u64 first = untyped_remaining(fresh_untyped(8, 20));
	u = &b[8];
	kw_retype(u, CAP_CSPACE, 4, &b[17], 1);
	struct cap *cs = kw_slots(&b[17]);
	kw_retype(u, CAP_THREAD, 0, &cs[1], 2);
	kw_retype(u, CAP_SPACE, 0, &cs[3], 1);
	kw_retype(u, CAP_PAGE, 0, &cs[4], 5);
	kw_copy(&b[17], &cs[0]);
	kw_copy(&cs[4], &b[18]);
	kw_retype(u, CAP_UNTYPED, 14, &cs[10], 1);
	kw_retype(&cs[10], CAP_PT, 0, &b[19], 2);
	u32 spid = ((struct space *)cs[3].obj)->spid;
	t_ok(untyped_remaining(u) < first,
	     "an untyped with a CSpace of objects");
	T_EQ(cap_revoke(u, NULL), 0, "revoke it");
	T_EQ(untyped_remaining(u), first,
	     "... remaining() is back to its first value");
	t_ok(!u->child && cap_is_null(&b[17]) && cap_is_null(&b[18]) &&
		 cap_is_null(&b[19]),
	     "... nothing is left below it");
	t_ok(space_by_id(spid) == NULL, "... the space's id is free");
	t_ok(kw_invariants_ok(), "invariants hold");
}

static void test_nested(void)
{
	struct cap *u = fresh_untyped(8, 20);

	T_EQ(kw_retype(u, CAP_UNTYPED, 16, &b[16], 1), 0,
	     "a 64 KiB untyped from 1 MiB");
	T_EQ(kw_retype(&b[16], CAP_UNTYPED, 12, &b[17], 1), 0,
	     "a 4 KiB one from that");
	T_EQ(kw_retype(&b[17], CAP_PAGE, 0, &b[18], 1), 0,
	     "a page from the smallest");
	T_EQ(kw_retype(&b[16], CAP_PAGE, 0, &b[19], 1), 0,
	     "a page from the middle one");
	t_ok(b[17].obj == u->obj && b[18].obj == u->obj &&
		 b[19].obj == u->obj + 4 * KiB,
	     "nested untypeds start at their parent's watermark");
	T_EQ(untyped_remaining(u), 1 * MiB - 64 * KiB,
	     "outer: the middle one is used");
	T_EQ(untyped_remaining(&b[16]), 56 * KiB, "middle: 8 KiB used");
	T_EQ(untyped_remaining(&b[17]), 0, "inner: full");
	T_EQ(cap_revoke(&b[16], NULL), 0, "revoke the middle one");
	t_ok(cap_is_null(&b[17]) && cap_is_null(&b[18]) && cap_is_null(&b[19]),
	     "... its untyped, and the objects of both, are gone");
	T_EQ(untyped_remaining(&b[16]), 64 * KiB, "... it is whole");
	T_EQ(untyped_remaining(u), 1 * MiB - 64 * KiB,
	     "... the outer still holds it");
	cap_delete(&b[16]);
	T_EQ(untyped_remaining(u), 1 * MiB, "delete it: the outer is whole");

	/* Revoke from the top takes every level. */
	kw_retype(u, CAP_UNTYPED, 19, &b[16], 1);
	kw_retype(&b[16], CAP_UNTYPED, 18, &b[17], 2);
	kw_retype(&b[17], CAP_UNTYPED, 12, &b[20], 3);
	kw_retype(&b[21], CAP_CSPACE, 2, &b[23], 1);
	kw_retype(&b[18], CAP_PAGE, 0, &kw_slots(&b[23])[1], 1);
	t_ok(kw_invariants_ok(), "four levels of untyped: invariants hold");
	T_EQ(cap_revoke(u, NULL), 0, "revoke the outermost");
	T_EQ(untyped_remaining(u), 1 * MiB, "... whole again");
	T_EQ(kw_tree_size(), 3,
	     "... only the boot caps and the test's untyped are left");
}

/* The space id table bounds how many spaces exist. */
static void test_space_limit(void)
{
	struct kworld w2;
	kw_init(&w2, 26, 6);
	struct cap *bb = w2.boot, *u = &bb[2], *cs;
	struct snap sn;

	kw_retype(w2.ut, CAP_UNTYPED, 25, u, 1);
	kw_retype(w2.ut, CAP_CSPACE, 12, &bb[3], 1);
	cs = kw_slots(&bb[3]);
	snap_take(&sn, u, cs);
	T_EQ(kw_retype(u, CAP_SPACE, 0, cs, 4096), -E_LIMIT,
	     "4096 spaces at once: more than the id table holds");
	t_ok(snap_same(&sn, u, cs), "... nothing changed");
	T_EQ(kw_retype(u, CAP_SPACE, 0, cs, 4095), 0, "4095 spaces: every id");
	T_EQ(kw_retype(w2.ut, CAP_SPACE, 0, &bb[4], 1), -E_LIMIT,
	     "one more: E_LIMIT");
	struct space *old = (struct space *)cs[100].obj;
	u32 id = old->spid, gen = old->gen;
	cap_delete(&cs[100]);
	t_ok(space_by_id(id) == NULL, "delete one: its id is free");
	T_EQ(kw_retype(w2.ut, CAP_SPACE, 0, &bb[4], 1), 0, "now one more fits");
	struct space *s = (struct space *)bb[4].obj;
	t_ok(SPID_INDEX(s->spid) == SPID_INDEX(id) && s->spid != id &&
		 s->gen != gen && space_lookup(id, gen) == NULL &&
		 space_lookup(s->spid, s->gen) == s && space_by_id(id) == NULL,
	     "... it has the freed entry, with a new generation in its id: "
	     "the old id names nothing");
	t_ok(kw_invariants_ok(), "invariants hold");
	kw_fini(&w2);
}

/* retype as a system call: the capability checks before anything else. */
static void test_syscall(void)
{
	u64 a[6] = {9, CAP_PAGE, 0, 20, 1};
	kw_task(&w);
	cap_delete(&b[9]);
	T_EQ(syscall_call(SYS_retype, a), -E_EMPTY,
	     "retype from an empty slot");
	kw_retype(w.ut, CAP_PAGE, 0, &b[9], 1);
	T_EQ(syscall_call(SYS_retype, a), -E_CAPTYPE, "retype from a page");
	a[0] = 64;
	T_EQ(syscall_call(SYS_retype, a), -E_BADCAP,
	     "retype from a bad address");
	a[0] = 8;
	a[3] = 62;
	a[4] = 3;
	T_EQ(syscall_call(SYS_retype, a), -E_RANGE,
	     "retype into slots running past the CSpace");
	a[3] = 8;
	a[4] = 1;
	T_EQ(syscall_call(SYS_retype, a), -E_OCCUPIED,
	     "retype into the untyped's own slot");
	u64 r[6] = {8};
	T_EQ(syscall_call(SYS_remaining, r), (long)untyped_remaining(&b[8]),
	     "remaining as a system call");
	r[0] = 9;
	T_EQ(syscall_call(SYS_remaining, r), -E_CAPTYPE, "remaining of a page");
}

/*
 * retype's zeroing, preempted at every poll and made again as the kernel
 * does (with the same arguments), until it completes: nothing is made and
 * nothing taken before that; a retype of another object in between, and
 * a reset in between (whose object was scribbled on), do not leave a
 * byte of junk in the objects made at last.
 */
static int retype_restarting(u64 *a, void (*between)(int restart),
			     int *restarts)
{
	int r;
	*restarts = 0;
	host_preempt = HOST_PREEMPT_ALWAYS;
	while ((r = (int)syscall_call(SYS_retype, a)) == -E_RESTART) {
		percpu()->need_resched = false;
		invariants_check();
		if (between)
			between(++*restarts);
		if (*restarts > 10000)
			break;
	}
	host_preempt = HOST_PREEMPT_NEVER;
	percpu()->need_resched = false;
	return r;
}

#define ZSLOTS_BITS 9
static struct cap *zu, *zcs;
static int z_made_early;

static void check_nothing_made(int restart)
{
	struct cap *d = kw_slots(zcs);
	if (!cap_is_null(&d[0]) || !cap_is_null(&d[255]))
		z_made_early++;
}

static void take_a_page(int restart)
{
	check_nothing_made(restart);
	if (restart == 1 && kw_retype(zu, CAP_PAGE, 0, &b[13], 1))
		panic("take_a_page");
}

static void page_scribbled_and_reset(int restart)
{
	check_nothing_made(restart);
	if (restart != 2)
		return;
	if (kw_retype(zu, CAP_PAGE, 0, &b[13], 1))
		panic("page_scribbled_and_reset");
	memset((void *)b[13].obj, 0x5a, PAGE_SIZE);
	cap_delete(&b[13]); /* the untyped's only child: a reset */
}

static void test_preempted_zeroing(void)
{
	u64 a[6] = {10, CAP_PAGE, 0, 12ull << CPTR_DIGIT_BITS, 256};
	int restarts;
	struct cap *d;

	for (int i = 12; i <= 13; i++)
		if (!cap_is_null(&b[i]) &&
		    (cap_revoke(&b[i], NULL) || cap_delete(&b[i])))
			panic("test_preempted_zeroing: slot %d", i);
	zu = fresh_untyped(10, 21); /* 2 MiB of junk */
	if (kw_retype(w.ut, CAP_CSPACE, ZSLOTS_BITS, &b[12], 1))
		panic("test_preempted_zeroing: no CSpace");
	zcs = &b[12];
	d = kw_slots(zcs);

	z_made_early = 0;
	T_EQ(retype_restarting(a, check_nothing_made, &restarts), 0,
	     "256 pages, preempted at every poll, made again until done");
	t_ok(restarts > 1 && !z_made_early,
	     "... restarted %d times; no object before the last", restarts);
	int zero = 1;
	for (int i = 0; i < 256; i++)
		zero &= d[i].type == CAP_PAGE &&
			all_zero((void *)d[i].obj, PAGE_SIZE);
	t_ok(zero, "... every page is zero");
	T_EQ(untyped_remaining(zu), MiB, "... and took 1 MiB");
	cap_revoke(zu, NULL);
	memset((void *)zu->obj, 0xa5, 2 * MiB);

	T_EQ(retype_restarting(a, take_a_page, &restarts), 0,
	     "again, and another page taken from the untyped in between");
	zero = !z_made_early;
	for (int i = 0; i < 256; i++)
		zero &= d[i].type == CAP_PAGE &&
			d[i].obj == zu->obj + (u64)(i + 1) * PAGE_SIZE &&
			all_zero((void *)d[i].obj, PAGE_SIZE);
	t_ok(zero, "... the pages come after it, all zero");
	cap_revoke(zu, NULL);
	memset((void *)zu->obj, 0xa5, 2 * MiB);

	T_EQ(retype_restarting(a, page_scribbled_and_reset, &restarts), 0,
	     "again, and a page made, scribbled on and deleted (a reset) in "
	     "between");
	zero = !z_made_early;
	for (int i = 0; i < 256; i++)
		zero &= d[i].type == CAP_PAGE &&
			all_zero((void *)d[i].obj, PAGE_SIZE);
	t_ok(zero, "... every page is zero");
	t_ok(kw_invariants_ok(), "invariants hold");
	cap_revoke(zu, NULL);
	cap_delete(zcs);
	cap_revoke(zu, NULL);
	cap_delete(zu);
}

int main(void)
{
	kw_init(&w, 23, 6);
	b = w.boot;
	test_types();
	test_checks();
	test_watermark();
	test_nested();
	test_syscall();
	test_preempted_zeroing();
	kw_fini(&w);
	test_space_limit();
	return t_finish();
}
