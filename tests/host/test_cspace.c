/*
 * CSpaces (kernel/core/cspace.c, api/memory.c): resolving capability
 * addresses at one, two and three levels (16-bit digits), out-of-range
 * digits, non-CSpace and empty intermediate slots, CPTR_NONE, slot ranges;
 * the rules of copy, mint and move (Untyped never copied, rights only
 * reduced, the badge rules of Console, Window and Timer, zombies refused)
 * and what a failing call leaves behind (nothing); deleting a capability
 * in the middle of a derivation chain.
 */
#include "kworld.h"
#include "core/syscall.h"

static struct kworld w;
static struct cap *b; /* the boot CSpace, the current thread's root */

/* The system calls with their arguments spelled out. */
static long copy(cptr_t s, cptr_t d)
{
	u64 a[6] = {s, d};
	return syscall_call(SYS_cap_copy, a);
}

static long mint(cptr_t s, cptr_t d, u64 rights, u64 badge)
{
	u64 a[6] = {s, d, rights, badge};
	return syscall_call(SYS_cap_mint, a);
}

static long move(cptr_t s, cptr_t d)
{
	u64 a[6] = {s, d};
	return syscall_call(SYS_cap_move, a);
}

static long del(cptr_t c)
{
	u64 a[6] = {c};
	return syscall_call(SYS_cap_delete, a);
}

static long revoke(cptr_t c)
{
	u64 a[6] = {c};
	return syscall_call(SYS_cap_revoke, a);
}

static long retype(cptr_t u, u64 type, u64 bits, cptr_t dest, u64 num)
{
	u64 a[6] = {u, type, bits, dest, num};
	return syscall_call(SYS_retype, a);
}

static struct cap *at(cptr_t c)
{
	struct cap *s = NULL;
	return cspace_lookup(&b[KW_SELF], c, &s) ? NULL : s;
}

/* Byte-for-byte snapshot of the boot CSpace and a second CSpace. */
struct snap {
	struct cap boot[64], other[16];
	u64 tree;
};

static void snap_take(struct snap *s, const struct cap *other)
{
	memcpy(s->boot, b, sizeof(s->boot));
	memcpy(s->other, other, sizeof(s->other));
	s->tree = kw_tree_size();
}

static int snap_same(const struct snap *s, const struct cap *other)
{
	return !memcmp(s->boot, b, sizeof(s->boot)) &&
	       !memcmp(s->other, other, sizeof(s->other)) &&
	       s->tree == kw_tree_size();
}

static void test_lookup(void)
{
	struct cap *s;

	T_EQ(retype(KW_UT, CAP_CSPACE, 4, 14, 1), 0,
	     "retype a 16-slot CSpace into root slot 14");
	T_EQ(retype(KW_UT, CAP_PAGE, 0, 5, 1), 0,
	     "retype a page into root slot 5");
	struct cap *cs = kw_slots(&b[14]);

	t_ok(at(0) == &b[0] && at(5) == &b[5] && at(63) == &b[63],
	     "one level: slots 0, 5 and 63 of a 64-slot root");
	T_EQ(cspace_lookup(&b[KW_SELF], 64, &s), -E_BADCAP,
	     "one level: slot 64 is out of range");
	T_EQ(cspace_lookup(&b[KW_SELF], 0xffff, &s), -E_BADCAP,
	     "one level: digit 0xffff");
	t_ok(at(0x000e0005) == &cs[5] && at(0x000e0000) == &cs[0] &&
		 at(0x000e000f) == &cs[15],
	     "two levels: 0x000e0005 is slot 5 of the CSpace in root slot 14");
	T_EQ(cspace_lookup(&b[KW_SELF], 0x000e0010, &s), -E_BADCAP,
	     "two levels: last digit past the nested CSpace");
	T_EQ(cspace_lookup(&b[KW_SELF], 0x00400001, &s), -E_BADCAP,
	     "two levels: first digit past the root");
	T_EQ(cspace_lookup(&b[KW_SELF], 0x00050001, &s), -E_BADCAP,
	     "two levels: intermediate slot holds a Page");
	T_EQ(cspace_lookup(&b[KW_SELF], 0x00010001, &s), -E_BADCAP,
	     "two levels: intermediate slot holds an Untyped");
	T_EQ(cspace_lookup(&b[KW_SELF], 0x00140001, &s), -E_BADCAP,
	     "two levels: intermediate slot is empty");
	T_EQ(cspace_lookup(&b[KW_SELF], CPTR_NONE, &s), -E_BADCAP,
	     "CPTR_NONE resolves to nothing");
	T_EQ(cspace_lookup(&b[5], 1, &s), -E_BADCAP,
	     "a root that is not a CSpace");

	T_EQ(retype(KW_UT, CAP_CSPACE, 3, 0x000e0002, 1), 0,
	     "retype an 8-slot CSpace through a two-level address");
	struct cap *e = kw_slots(&cs[2]);
	t_ok(at(0x000e00020007) == &e[7], "three levels: 0x000e_0002_0007");
	T_EQ(cspace_lookup(&b[KW_SELF], 0x000e00020008, &s), -E_BADCAP,
	     "three levels: last digit out of range");
	T_EQ(copy(14, 0x000e0000), 0,
	     "copy the nested CSpace's cap into its own slot 0");
	t_ok(at(0x000e00000005) == &cs[5] && at(0x0000000e0005) == &cs[5],
	     "through a self-capability: 0x000e_0000_0005 is 0x000e_0005");
	t_ok(at(0x00000000000e0005) == &cs[5],
	     "leading zero digits do not count");

	struct cap *first;
	T_EQ(cap_lookup_range(5, 59, &first), 0,
	     "range: slots 5..63 of the root");
	t_ok(first == &b[5], "... starting at slot 5");
	T_EQ(cap_lookup_range(5, 60, &first), -E_RANGE,
	     "range: one slot past the root's end");
	T_EQ(cap_lookup_range(0x000e0003, 13, &first), 0,
	     "range: slots 3..15 of the nested CSpace");
	t_ok(first == &cs[3], "... starting at its slot 3");
	T_EQ(cap_lookup_range(0x000e0003, 14, &first), -E_RANGE,
	     "range: one past the nested CSpace's end");
	T_EQ(cap_lookup_range(0x00050003, 1, &first), -E_BADCAP,
	     "range: a bad address");
	T_EQ(retype(KW_UT, CAP_PAGE, 0, 0x000e000e, 3), -E_RANGE,
	     "retype into a range running past the CSpace");
	T_EQ(retype(KW_UT, CAP_PAGE, 0, 0x000e0001, 2), -E_OCCUPIED,
	     "retype into a range with an occupied slot");
	t_ok(cap_is_null(&cs[1]), "... leaves the free slot empty");

	struct cap *c;
	T_EQ(cap_lookup_type(20, CAP_PAGE, &c), -E_EMPTY,
	     "lookup_type: empty slot");
	T_EQ(cap_lookup_type(14, CAP_PAGE, &c), -E_CAPTYPE,
	     "lookup_type: wrong type");
	T_EQ(cap_lookup_type(5, CAP_PAGE, &c), 0, "lookup_type: right type");
	arch_set_current(NULL);
	T_EQ(cap_lookup(5, &c), -E_BADCAP,
	     "a thread with no space resolves nothing");
	arch_set_current(w.thread);
	t_ok(kw_invariants_ok(), "invariants hold");
}

static void test_copy(void)
{
	struct cap *cs = kw_slots(&b[14]);
	struct snap sn;

	snap_take(&sn, cs);
	T_EQ(copy(KW_UT, 30), -E_CAPTYPE, "copy an Untyped: refused");
	T_EQ(copy(31, 30), -E_EMPTY, "copy from an empty slot");
	T_EQ(copy(5, 14), -E_OCCUPIED, "copy onto an occupied slot");
	T_EQ(copy(5, 64), -E_BADCAP, "copy to a bad address");
	T_EQ(copy(0x00050001, 30), -E_BADCAP, "copy from a bad address");
	T_EQ(mint(KW_UT, 30, ~0u, 0), -E_CAPTYPE, "mint an Untyped: refused");
	t_ok(snap_same(&sn, cs), "failed copies and mints change nothing");

	T_EQ(copy(5, 0x000e0004), 0, "copy a page into the nested CSpace");
	t_ok(cs[4].type == CAP_PAGE && cs[4].obj == b[5].obj &&
		 cs[4].rights == b[5].rights,
	     "... same object, same rights");
	t_ok(cs[4].parent == &b[5] && b[5].child == &cs[4],
	     "... a child of its source");
	T_EQ(copy(0x000e0004, 6), 0, "copy the copy");
	t_ok(b[6].parent == &cs[4], "... a grandchild of the original");

	/* Mint: rights only shrink. */
	T_EQ(mint(5, 7, RIGHT_PAGE_READ | RIGHT_PAGE_EXEC, 0), 0,
	     "mint a page read+exec");
	T_EQ(b[7].rights, RIGHT_PAGE_READ | RIGHT_PAGE_EXEC,
	     "... has read+exec");
	T_EQ(mint(7, 8, ~0u, 0), 0, "mint from it asking for every right");
	T_EQ(b[8].rights, RIGHT_PAGE_READ | RIGHT_PAGE_EXEC,
	     "... gets no more than the source");
	T_EQ(mint(8, 9, 0, 0), 0, "mint with no rights");
	T_EQ(b[9].rights, 0, "... has none");
	snap_take(&sn, cs);
	T_EQ(mint(5, 10, RIGHT_PAGE_READ, 7), -E_INVAL,
	     "mint a badge onto a page: refused");
	T_EQ(mint(5, 10, 1ull << 32, 0), -E_INVAL,
	     "mint with rights above 32 bits: refused");
	t_ok(snap_same(&sn, cs), "... nothing changed");

	/* Console: the colour is set once. */
	kw_device_cap(&b[40], CAP_CONSOLE, 0, 0);
	T_EQ(mint(40, 41, ~0u, 0x1f), 0,
	     "console: mint a colour onto a plain console cap");
	T_EQ(b[41].data[0], 0x1f, "... the colour is the badge");
	T_EQ(mint(41, 42, ~0u, 0x1f), 0, "console: the same colour again");
	T_EQ(mint(41, 43, ~0u, 0x2f), -E_PERM,
	     "console: another colour is refused");
	T_EQ(mint(40, 43, ~0u, 0x100), -E_RANGE, "console: colour above 0xff");
	T_EQ(mint(41, 43, ~0u, 0), 0, "console: badge 0 keeps the colour");
	T_EQ(b[43].data[0], 0x1f, "... which is 0x1f");

	/* Window: the maximum message length only shrinks. */
	kw_device_cap(&b[44], CAP_WINDOW, RIGHT_WINDOW_ALL, 0);
	T_EQ(mint(44, 45, CAN_putchar, 100), 0,
	     "window: limit 100 on an unlimited cap");
	t_ok(b[45].data[0] == 100 && b[45].rights == CAN_putchar,
	     "... limit 100, only CAN_putchar");
	T_EQ(mint(45, 46, ~0u, 50), 0, "window: shrink to 50");
	T_EQ(b[46].rights, CAN_putchar, "... rights stay reduced");
	T_EQ(mint(45, 47, ~0u, 101), -E_PERM,
	     "window: growing to 101 is refused");
	T_EQ(mint(44, 47, ~0u, 1ull << 32), -E_RANGE,
	     "window: limit above 32 bits");
	T_EQ(mint(45, 47, ~0u, 0), 0, "window: badge 0 keeps the limit");
	T_EQ(b[47].data[0], 100, "... which is 100");

	/* Timer: hidden low bits only grow. */
	kw_device_cap(&b[48], CAP_TIMER, 0, 0);
	T_EQ(mint(48, 49, 0, 4), 0, "timer: hide 4 bits");
	T_EQ(mint(49, 50, 0, 3), -E_PERM, "timer: hiding fewer is refused");
	T_EQ(mint(49, 50, 0, 4), 0, "timer: the same number again");
	T_EQ(mint(49, 51, 0, 63), 0, "timer: hide 63");
	T_EQ(mint(49, 52, 0, 64), -E_RANGE, "timer: 64 is out of range");
	t_ok(cap_is_null(&b[52]), "... the slot stays empty");
	T_EQ(copy(49, 52), 0, "timer: a copy keeps the badge");
	T_EQ(b[52].data[0], 4, "... 4");
	t_ok(kw_invariants_ok(), "invariants hold");
}

static void test_move(void)
{
	struct cap *cs = kw_slots(&b[14]);
	struct cap *kid = b[5].child, saved = b[5];

	T_EQ(move(5, 30), 0, "move the page (it has copies) to slot 30");
	t_ok(cap_is_null(&b[5]) && !b[5].parent && !b[5].child,
	     "... the old slot is empty");
	t_ok(b[30].type == CAP_PAGE && b[30].obj == saved.obj &&
		 b[30].rights == saved.rights,
	     "... the new slot has the capability");
	t_ok(b[30].child == kid && kid->parent == &b[30] &&
		 saved.parent->child != &b[5],
	     "... its links point at the new slot");
	T_EQ(move(30, 30), 0, "move onto itself");
	t_ok(b[30].type == CAP_PAGE && b[30].child == kid,
	     "... changes nothing");
	T_EQ(move(5, 31), -E_EMPTY, "move from an empty slot");
	T_EQ(move(30, 14), -E_OCCUPIED, "move onto an occupied slot");
	T_EQ(move(30, 0x000e0010), -E_BADCAP, "move to a bad address");

	/* Untyped memory may be moved; retype then uses the new slot. */
	T_EQ(retype(KW_UT, CAP_UNTYPED, 16, 32, 1), 0,
	     "retype a 64 KiB untyped");
	T_EQ(retype(32, CAP_PAGE, 0, 33, 2), 0, "two pages from it");
	T_EQ(move(32, 0x000e0009), 0,
	     "move the untyped into the nested CSpace");
	t_ok(b[33].parent == &cs[9] && b[34].parent == &cs[9],
	     "... its children follow it");
	T_EQ(retype(0x000e0009, CAP_PAGE, 0, 35, 1), 0,
	     "retype from the moved untyped");
	T_EQ(b[35].obj, cs[9].obj + 2 * PAGE_SIZE,
	     "... continues at its watermark");

	/* A CSpace moved into another CSpace is addressed through it. */
	T_EQ(retype(KW_UT, CAP_CSPACE, 2, 36, 1), 0, "retype a 4-slot CSpace");
	struct cap *f = kw_slots(&b[36]);
	T_EQ(move(36, 0x000e000a), 0, "move it into the nested CSpace");
	T_EQ(copy(33, 0x000e000a0003), 0, "copy into it through three levels");
	t_ok(f[3].type == CAP_PAGE && f[3].parent == &b[33],
	     "... lands in its slot 3");
	t_ok(kw_invariants_ok(), "invariants hold");
}

static void test_delete(void)
{
	/* A chain A -> B -> C of copies; deleting B leaves A -> C. */
	T_EQ(retype(KW_UT, CAP_PAGE, 0, 20, 1), 0, "a fresh page in slot 20");
	copy(20, 21);
	copy(21, 22);
	copy(20, 23);
	T_EQ(del(21), 0, "delete the middle of a copy chain");
	t_ok(cap_is_null(&b[21]) && b[22].parent == &b[20] &&
		 b[23].parent == &b[20],
	     "... its child hangs below the first, beside its sibling");
	t_ok(b[20].child == &b[23] && b[23].next == &b[22],
	     "... in the deleted cap's place among the siblings");
	T_EQ(del(21), -E_EMPTY, "delete an empty slot");
	T_EQ(revoke(21), -E_EMPTY, "revoke an empty slot");
	T_EQ(del(0x00140000), -E_BADCAP, "delete through a bad address");
	T_EQ(del(0x000e000a0003), 0, "delete through three levels");
	t_ok(cap_is_null(at(0x000e000a0003)), "... the slot is empty");
	T_EQ(revoke(20), 0, "revoke the page");
	t_ok(cap_is_null(&b[22]) && cap_is_null(&b[23]) &&
		 b[20].type == CAP_PAGE,
	     "... its copies go, it stays");

	/* An untyped with children: the system call deletes them first. */
	struct cap *u1 = at(0x000e0009);
	T_EQ(del(0x000e0009), 0, "delete an untyped that has children");
	t_ok(cap_is_null(u1) && cap_is_null(&b[33]) && cap_is_null(&b[34]) &&
		 cap_is_null(&b[35]),
	     "... its objects went first, then the untyped");

	/* Reached inside a dying CSpace, an untyped still takes its objects. */
	T_EQ(retype(KW_UT, CAP_CSPACE, 1, 37, 1), 0,
	     "a 2-slot CSpace in slot 37");
	T_EQ(retype(KW_UT, CAP_UNTYPED, 14, 0x00250001, 1), 0,
	     "an untyped in its slot 1");
	T_EQ(retype(0x00250001, CAP_PAGE, 0, 38, 1), 0,
	     "a page from that untyped");
	T_EQ(copy(38, 39), 0, "a copy of the page");
	T_EQ(del(37), 0, "delete the CSpace");
	t_ok(cap_is_null(&b[38]) && cap_is_null(&b[39]),
	     "... the untyped in it took the page and its copy along");
	t_ok(kw_invariants_ok(), "invariants hold");
}

/* Zombies (a delete left unfinished) refuse copy, mint and move. */
static void test_zombie(void)
{
	T_EQ(retype(KW_UT, CAP_CSPACE, 8, 24, 1), 0,
	     "a 256-slot CSpace in slot 24");
	T_EQ(retype(KW_UT, CAP_PAGE, 0, 0x00180000, 256), 0, "256 pages in it");
	host_preempt = HOST_PREEMPT_ALWAYS;
	percpu()->need_resched = false;
	T_EQ(cap_delete(&b[24]), -E_RESTART,
	     "delete it with preemption forced: restart");
	percpu()->need_resched = false;
	host_preempt = HOST_PREEMPT_NEVER;
	struct cap *z =
	    &((struct thread *)arch_current())->slots[THREAD_SLOT_PENDING];
	T_EQ(z->type, CAP_ZOMBIE,
	     "... the unfinished zombie is in the thread's pending slot");
	t_ok(cap_is_null(&b[24]), "... and the capability's own slot is empty");
	t_ok(kw_invariants_ok(), "invariants hold with a zombie CSpace");
	T_EQ(cspace_check_copy(z, &b[25]), -E_BUSY, "copy a zombie: busy");
	T_EQ(cspace_check_mint(z, &b[25], 0), -E_BUSY, "mint a zombie: busy");
	T_EQ(cspace_check_move(z, &b[25]), -E_BUSY, "move a zombie: busy");
	struct cap *s;
	T_EQ(cspace_lookup(&b[KW_SELF], 0x00180001, &s), -E_BADCAP,
	     "a dying CSpace resolves no addresses");
	T_EQ(preempt_finish_pending(), 0, "the repeated call finishes it");
	t_ok(cap_is_null(z), "... the pending slot is empty");
	t_ok(kw_invariants_ok(), "invariants hold");
}

int main(void)
{
	kw_init(&w, 22, 6);
	kw_task(&w);
	b = w.boot;
	test_lookup();
	test_copy();
	test_move();
	test_delete();
	test_zombie();
	kw_fini(&w);
	return t_finish();
}
