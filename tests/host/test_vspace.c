/*
 * Mapping paging objects (kernel/arch/x86_64/vspace.c) on x86_64 tables
 * held in host memory: PDPT, PD, PT, 4 KiB and 2 MiB pages, the entries
 * they get, E_NOTMAPPED / E_MAPPED / E_ALIGN / E_RANGE / E_RIGHTS /
 * E_INVAL / E_CAPTYPE; mapping records going stale when a table above is
 * unmapped or the space is deleted; tables cleared when mapped again and
 * when unmapped; a table mapped at one place at most, whichever capability
 * maps it; a copy of a table or page never bringing back an old mapping,
 * and a stale record never taking over a copy's mapping; deletion
 * unmapping; cap_info, map and unmap as system calls, user copies through
 * the mappings; the kernel half never touched.
 */
#include "kworld.h"
#include "core/vspace.h"
#include "core/syscall.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/space_arch.h"

static struct kworld w;
static struct cap *b;

#define GiB (1ull << 30)
#define MiB (1ull << 20)

static u64 *table(const struct cap *c)
{
	return (u64 *)c->obj;
}

static int table_clear(const struct cap *c)
{
	for (unsigned i = 0; i < 512; i++)
		if (table(c)[i])
			return 0;
	return 1;
}

static int mapped_at(const struct cap *c, struct space *s, vaddr_t va)
{
	struct space *ms;
	vaddr_t mva;
	return vspace_mapping(c, &ms, &mva) && ms == s && mva == va;
}

/* What the MMU would reach at `va` in `s` (user access), or 0. */
static u64 reach(struct space *s, vaddr_t va)
{
	paddr_t pa;
	return arch_user_phys(s, va, false, &pa) ? 0 : pa;
}

static struct space *new_space(struct cap *u, struct cap *slot)
{
	if (kw_retype(u, CAP_SPACE, 0, slot, 1))
		panic("new_space");
	return (struct space *)slot->obj;
}

/* Tables for [0, 1 GiB) in `s`: PDPT at va 0, PD at va 0. */
static void map_top(struct cap *u, struct space *s, struct cap *pdpt,
		    struct cap *pd)
{
	if (kw_retype(u, CAP_PDPT, 0, pdpt, 1) ||
	    kw_retype(u, CAP_PD, 0, pd, 1) || kw_map(pdpt, s, 0, 0) ||
	    kw_map(pd, s, 0, 0))
		panic("map_top");
}

static void test_map(void)
{
	struct cap *u = &b[8];
	kw_retype(w.ut, CAP_UNTYPED, 22, u, 1);
	struct space *s = new_space(u, &b[10]);
	struct cap *pdpt = &b[11], *pd = &b[12], *pt = &b[13], *pg = &b[14];
	kw_retype(u, CAP_PDPT, 0, pdpt, 1);
	kw_retype(u, CAP_PD, 0, pd, 1);
	kw_retype(u, CAP_PT, 0, pt, 1);
	kw_retype(u, CAP_PAGE, 0, pg, 4); /* b[14..17] */
	kw_retype(u, CAP_PDPT, 0, &b[19], 1);
	kw_retype(u, CAP_CSPACE, 2, &b[20], 1);
	kw_retype(u, CAP_LARGE_PAGE, 0, &b[18], 1);
	t_ok(b[18].type == CAP_LARGE_PAGE && b[19].type == CAP_PDPT &&
		 b[20].type == CAP_CSPACE,
	     "a space, tables, pages, a large page and a CSpace");

	T_EQ(kw_map(pg, s, 0x200000, RIGHT_PAGE_READ), -E_NOTMAPPED,
	     "a page with no tables: E_NOTMAPPED");
	T_EQ(kw_map(pt, s, 0x200000, 0), -E_NOTMAPPED,
	     "a PT with no PD: E_NOTMAPPED");
	T_EQ(kw_map(pd, s, 0, 0), -E_NOTMAPPED,
	     "a PD with no PDPT: E_NOTMAPPED");
	T_EQ(kw_map(pdpt, s, 0x1000, 0), -E_ALIGN, "a PDPT at 4 KiB: E_ALIGN");
	T_EQ(kw_map(pdpt, s, 0x800000000000ull, 0), -E_RANGE,
	     "a PDPT in the kernel half: E_RANGE");
	T_EQ(kw_map(pdpt, s, 0xffff800000000000ull, 0), -E_RANGE,
	     "a PDPT at a kernel address: E_RANGE");
	T_EQ(kw_map(&b[20], s, 0, 0), -E_CAPTYPE, "a CSpace: E_CAPTYPE");
	t_ok(!vspace_mapping(pdpt, NULL, NULL), "nothing is mapped yet");

	T_EQ(kw_map(pdpt, s, 0, 0), 0, "map the PDPT at 0");
	T_EQ(space_arch(s)->pml4[0], b[11].obj | PTE_P | PTE_W | PTE_U,
	     "... PML4 entry 0 points at it, present, writable, user");
	t_ok(mapped_at(pdpt, s, 0), "... its record says where");
	T_EQ(kw_map(pdpt, s, 512 * GiB, 0), -E_MAPPED,
	     "the same PDPT again elsewhere: E_MAPPED");
	T_EQ(kw_map(&b[19], s, 0, 0), -E_MAPPED, "another PDPT at 0: E_MAPPED");
	T_EQ(kw_map(pd, s, 512 * MiB, 0), -E_ALIGN, "a PD at 512 MiB: E_ALIGN");
	T_EQ(kw_map(pd, s, 0, 0), 0, "map the PD at 0");
	T_EQ(table(pdpt)[0], pd->obj | PTE_P | PTE_W | PTE_U,
	     "... PDPT entry 0");
	T_EQ(kw_map(pt, s, 0x201000, 0), -E_ALIGN,
	     "a PT at 2 MiB + 4 KiB: E_ALIGN");
	T_EQ(kw_map(pt, s, 0x200000, 0), 0, "map the PT at 2 MiB");
	T_EQ(table(pd)[1], pt->obj | PTE_P | PTE_W | PTE_U, "... PD entry 1");

	T_EQ(kw_map(&pg[0], s, 0x200000, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE), 0,
	     "map a page read-write at 2 MiB");
	T_EQ(table(pt)[0], pg[0].obj | PTE_P | PTE_U | PTE_W | PTE_NX,
	     "... present, user, writable, not executable");
	T_EQ(kw_map(&pg[1], s, 0x201000, RIGHT_PAGE_READ | RIGHT_PAGE_EXEC), 0,
	     "map a page read-exec");
	T_EQ(table(pt)[1], pg[1].obj | PTE_P | PTE_U,
	     "... read-only, executable");
	host_nx = false;
	T_EQ(kw_map(&pg[2], s, 0x202000, RIGHT_PAGE_READ), 0,
	     "map a read-only page on a CPU without NX");
	T_EQ(table(pt)[2], pg[2].obj | PTE_P | PTE_U, "... no NX bit");
	host_nx = true;
	t_ok(mapped_at(&pg[0], s, 0x200000) && mapped_at(&pg[1], s, 0x201000),
	     "the pages' records say where");
	T_EQ(reach(s, 0x201234), pg[1].obj + 0x234,
	     "a user address reaches the page");

	T_EQ(kw_map(&pg[3], s, 0x203000, 0), -E_INVAL, "no rights: E_INVAL");
	T_EQ(kw_map(&pg[3], s, 0x203000, RIGHT_PAGE_WRITE), -E_INVAL,
	     "write without read: E_INVAL");
	T_EQ(kw_map(&pg[3], s, 0x203000, RIGHT_PAGE_READ | 8), -E_INVAL,
	     "an unknown right: E_INVAL");
	T_EQ(kw_map(&pg[3], s, 0x203001, RIGHT_PAGE_READ), -E_ALIGN,
	     "a page at an odd address");
	T_EQ(kw_map(&pg[3], s, 0x200000, RIGHT_PAGE_READ), -E_MAPPED,
	     "a page where one is mapped: E_MAPPED");
	T_EQ(kw_map(&pg[0], s, 0x203000, RIGHT_PAGE_READ), -E_MAPPED,
	     "a mapped page again: E_MAPPED");
	T_EQ(kw_map(&pg[3], s, USER_TOP, RIGHT_PAGE_READ), -E_RANGE,
	     "a page at the user top: E_RANGE");
	T_EQ(kw_map(&pg[3], s, 0x800000000000ull, RIGHT_PAGE_READ), -E_RANGE,
	     "a page in the kernel half: E_RANGE");
	T_EQ(kw_map(&b[18], s, 0x7fffffe00000ull, RIGHT_PAGE_READ), -E_RANGE,
	     "a large page across the user top: E_RANGE");
	kw_mint(&pg[3], &b[21], RIGHT_PAGE_READ, 0);
	T_EQ(kw_map(&b[21], s, 0x203000, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE),
	     -E_RIGHTS, "writable through a read-only cap: E_RIGHTS");
	T_EQ(kw_map(&b[21], s, 0x203000, RIGHT_PAGE_READ), 0,
	     "readable through it: fine");

	T_EQ(kw_map(&b[18], s, 0x401000, RIGHT_PAGE_READ), -E_ALIGN,
	     "a large page at 4 MiB + 4 KiB: E_ALIGN");
	T_EQ(kw_map(&b[18], s, 0x200000, RIGHT_PAGE_READ), -E_MAPPED,
	     "a large page where a PT is: E_MAPPED");
	T_EQ(kw_map(&b[18], s, 0x400000, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE), 0,
	     "a large page at 4 MiB");
	T_EQ(table(pd)[2], b[18].obj | PTE_P | PTE_U | PTE_W | PTE_PS | PTE_NX,
	     "... a PS entry in the PD");
	T_EQ(reach(s, 0x5fffff), b[18].obj + 0x1fffff,
	     "... reaching its last byte");
	T_EQ(kw_map(&pg[3], s, 0x400000, RIGHT_PAGE_READ), -E_MAPPED,
	     "a page inside the large page: E_MAPPED");
	T_EQ(kw_map(&b[22], s, 0x400000, 0), -E_CAPTYPE,
	     "(an empty slot: E_CAPTYPE)");

	/* Unmap. */
	u64 flushes = host_tlb_flushes;
	T_EQ(kw_unmap(&pg[0]), 0, "unmap the first page");
	t_ok(table(pt)[0] == 0 && !vspace_mapping(&pg[0], NULL, NULL) &&
		 !pg[0].data[0],
	     "... entry and record cleared");
	t_ok(host_tlb_flushes == flushes + 1 && host_tlb_flush_space == s &&
		 host_tlb_flush_va == 0x200000,
	     "... the TLB was flushed: that page, in that space");
	T_EQ(kw_unmap(&pg[0]), -E_NOTMAPPED, "unmap it again: E_NOTMAPPED");
	T_EQ(kw_unmap(&b[20]), -E_NOTMAPPED, "unmap a CSpace: nothing mapped");
	T_EQ(kw_map(&pg[0], s, 0x204000, RIGHT_PAGE_READ), 0,
	     "map it at another place");

	/* Unmapping a table clears it; what was below goes stale. */
	flushes = host_tlb_flushes;
	T_EQ(kw_unmap(pt), 0, "unmap the PT");
	t_ok(host_tlb_flushes == flushes + 1 && host_tlb_flush_space == s &&
		 host_tlb_flush_va == HOST_TLB_ALL,
	     "... the whole space's TLB entries were flushed");
	t_ok(table(pd)[1] == 0 && table_clear(pt),
	     "... its PD entry and its contents are cleared");
	t_ok(!vspace_mapping(&pg[1], NULL, NULL) && pg[1].data[0],
	     "... a page mapped through it: record kept but stale");
	T_EQ(kw_unmap(&pg[1]), -E_NOTMAPPED, "unmap that page: E_NOTMAPPED");
	T_EQ(kw_map(pt, s, 0x600000, 0), 0, "map the PT at 6 MiB");
	T_EQ(kw_map(&pg[1], s, 0x600000, RIGHT_PAGE_READ), 0,
	     "the stale page maps again");
	t_ok(mapped_at(&pg[1], s, 0x600000), "... recorded at its new place");

	/* Unmapping a PD: the PT below goes stale with its entries; mapped
	 * again it is cleared first. */
	T_EQ(kw_map(&pg[2], s, 0x601000, RIGHT_PAGE_READ), 0,
	     "another page in the PT");
	T_EQ(kw_unmap(pd), 0, "unmap the PD");
	t_ok(!vspace_mapping(pt, NULL, NULL) &&
		 !vspace_mapping(&pg[1], NULL, NULL) &&
		 !vspace_mapping(&b[18], NULL, NULL),
	     "... the PT, its pages and the large page are no longer mapped");
	t_ok(!table_clear(pt), "... the PT still holds its entries");
	T_EQ(reach(s, 0x600000), 0, "... which no address reaches");
	T_EQ(kw_map(pd, s, 0, 0), 0, "map the PD again");
	T_EQ(reach(s, 0x600000), 0,
	     "... the PD was cleared: still nothing below");
	T_EQ(kw_map(pt, s, 0x800000, 0), 0, "map the stale PT at 8 MiB");
	t_ok(table_clear(pt), "... it was cleared first");
	T_EQ(reach(s, 0x800000), 0, "... its old pages are not reachable");
	t_ok(!vspace_mapping(&pg[1], NULL, NULL) &&
		 !vspace_mapping(&pg[2], NULL, NULL),
	     "... and their records stay stale");

	/* Deleting capabilities unmaps. */
	T_EQ(kw_map(&pg[1], s, 0x800000, RIGHT_PAGE_READ), 0,
	     "map a page at 8 MiB");
	kw_copy(&pg[1], &b[22]);
	t_ok(!vspace_mapping(&b[22], NULL, NULL) && !b[22].data[0],
	     "a copy of a mapped page is not mapped");
	cap_delete(&b[22]);
	t_ok(mapped_at(&pg[1], s, 0x800000),
	     "deleting the copy leaves the mapping");
	flushes = host_tlb_flushes;
	cap_delete(&pg[1]);
	t_ok(table(pt)[0] == 0 && host_tlb_flushes == flushes + 1 &&
		 host_tlb_flush_space == s && host_tlb_flush_va == 0x800000,
	     "deleting the mapped page clears its entry and flushes the TLB "
	     "(that page, in that space)");
	cap_delete(pt);
	t_ok(table(pd)[4] == 0, "deleting a mapped PT clears its PD entry");
	t_ok(kw_invariants_ok(), "invariants hold");

	t_ok(
	    !memcmp(space_arch(s)->pml4 + 256, host_kernel_pml4 + 256, 256 * 8),
	    "the kernel half of the PML4 was never touched");
	T_EQ(cap_revoke(u, NULL), 0, "revoke the untyped under it all");
	cap_delete(u);
}

/* A deleted space: every record naming it goes stale; its tables, mapped
 * again elsewhere, come clean. */
static void test_space_gone(void)
{
	struct cap *u = &b[8];
	kw_retype(w.ut, CAP_UNTYPED, 22, u, 1);
	struct space *s = new_space(u, &b[10]);
	u32 spid = s->spid;
	struct cap *pdpt = &b[11], *pd = &b[12], *pt = &b[13], *pg = &b[14];
	map_top(u, s, pdpt, pd);
	kw_retype(u, CAP_PT, 0, pt, 1);
	kw_retype(u, CAP_PAGE, 0, pg, 1);
	kw_map(pt, s, 0, 0);
	T_EQ(kw_map(pg, s, 0x1000, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE), 0,
	     "a space with a page mapped at 4 KiB");
	T_EQ(cap_delete(&b[10]), 0, "delete the space");
	t_ok(!vspace_mapping(pdpt, NULL, NULL) &&
		 !vspace_mapping(pd, NULL, NULL) &&
		 !vspace_mapping(pt, NULL, NULL) &&
		 !vspace_mapping(pg, NULL, NULL),
	     "... every record naming it is stale");
	T_EQ(kw_unmap(pg), -E_NOTMAPPED, "... unmap says so");
	struct space *s2 = new_space(u, &b[10]);
	t_ok(!space_by_id(spid) || space_by_id(spid) == s2, "a new space");
	t_ok(!vspace_mapping(pdpt, NULL, NULL) &&
		 !vspace_mapping(pg, NULL, NULL),
	     "... the old records stay stale");
	T_EQ(kw_map(pdpt, s2, 0, 0), 0, "map the old PDPT in the new space");
	t_ok(table_clear(pdpt), "... it was cleared first");
	T_EQ(kw_map(pd, s2, 0, 0), 0, "map the old PD");
	t_ok(table_clear(pd), "... it was cleared first");
	T_EQ(kw_map(pt, s2, 0, 0), 0, "map the old PT");
	t_ok(table_clear(pt), "... it was cleared first");
	T_EQ(reach(s2, 0x1000), 0,
	     "the old page is not reachable in the new space");
	T_EQ(kw_map(pg, s2, 0x1000, RIGHT_PAGE_READ), 0,
	     "map the old page afresh");
	T_EQ(reach(s2, 0x1000), pg->obj, "... now it is");
	T_EQ(cap_revoke(u, NULL), 0, "revoke the untyped");
	cap_delete(u);
	t_ok(kw_invariants_ok(), "invariants hold");
}

/*
 * A space id is given again (with a new generation) after its space died:
 * a record naming the old space must not come alive in the new one, even
 * when the same page is mapped at the same place there through a copy.
 */
static void test_id_reuse(void)
{
	struct cap *u = &b[8], *pg = &b[14];
	kw_retype(w.ut, CAP_UNTYPED, 22, u, 1);
	struct space *s = new_space(u, &b[10]);
	u32 spid = s->spid, gen = s->gen;
	map_top(u, s, &b[11], &b[12]);
	kw_retype(u, CAP_PT, 0, &b[13], 1);
	kw_retype(u, CAP_PAGE, 0, pg, 1);
	kw_map(&b[13], s, 0, 0);
	kw_map(pg, s, 0x5000, RIGHT_PAGE_READ);
	kw_copy(pg, &b[20]);
	cap_delete(&b[10]);
	cap_delete(&b[11]);
	cap_delete(&b[12]);
	cap_delete(&b[13]);

	/* New spaces until one gets the old table entry back. */
	kw_retype(w.ut, CAP_UNTYPED, 14, &b[21], 1);
	struct space *s2 = NULL;
	for (unsigned i = 0; i < MAX_SPACES && !s2; i++) {
		s2 = new_space(&b[21], &b[10]);
		if (SPID_INDEX(s2->spid) != SPID_INDEX(spid)) {
			cap_delete(&b[10]);
			s2 = NULL;
		}
	}
	t_ok(s2 && s2->gen != gen && s2->spid != spid,
	     "a new space gets the old table entry, another generation and "
	     "id");
	if (!s2)
		return;
	map_top(u, s2, &b[11], &b[12]);
	kw_retype(u, CAP_PT, 0, &b[13], 1);
	kw_map(&b[13], s2, 0, 0);
	T_EQ(kw_map(&b[20], s2, 0x5000, RIGHT_PAGE_READ), 0,
	     "a copy of the old page maps at its old place");
	t_ok(!vspace_mapping(pg, NULL, NULL),
	     "... the old page's record stays stale");
	cap_delete(pg);
	t_ok(mapped_at(&b[20], s2, 0x5000),
	     "... deleting it leaves the copy's mapping");
	cap_delete(&b[10]);
	cap_revoke(&b[21], NULL);
	cap_delete(&b[21]);
	T_EQ(cap_revoke(u, NULL), 0, "revoke the untyped");
	cap_delete(u);
}

/*
 * A copy of a table carries no mapping record, so nothing marks its
 * object as holding old entries.  Mapped after the original's space is
 * gone, it must not bring the original's pages (possibly freed and reused
 * by then) into the new space.
 */
static void test_table_copy(void)
{
	struct cap *u = &b[8];
	kw_retype(w.ut, CAP_UNTYPED, 22, u, 1);
	struct space *s = new_space(u, &b[10]);
	struct cap *pt = &b[13], *pg = &b[14];
	map_top(u, s, &b[11], &b[12]);
	kw_retype(u, CAP_PT, 0, pt, 1);
	kw_retype(u, CAP_PAGE, 0, pg, 1);
	kw_map(pt, s, 0, 0);
	kw_map(pg, s, 0x5000, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	kw_copy(pt, &b[20]);
	cap_delete(&b[10]);
	cap_delete(pg);
	struct space *s2 = new_space(u, &b[10]);
	map_top(u, s2, &b[15], &b[16]);
	T_EQ(kw_map(&b[20], s2, 0, 0), 0,
	     "map a copy of a PT whose space was deleted");
	T_EQ(reach(s2, 0x5000), 0,
	     "... the page once mapped through the original is not reachable");
	T_EQ(cap_revoke(u, NULL), 0, "revoke the untyped");
	cap_delete(u);
}

/* A table object is mapped at one place at most, whichever capability
 * maps it. */
static void test_table_once(void)
{
	struct cap *u = &b[8];
	kw_retype(w.ut, CAP_UNTYPED, 22, u, 1);
	struct space *s = new_space(u, &b[10]);
	struct space *s2 = new_space(u, &b[9]);
	struct cap *pt = &b[13], *pg = &b[14];
	map_top(u, s, &b[11], &b[12]);
	map_top(u, s2, &b[15], &b[16]);
	kw_retype(u, CAP_PT, 0, pt, 1);
	kw_retype(u, CAP_PAGE, 0, pg, 1);
	kw_map(pt, s, 0, 0);
	kw_map(pg, s, 0x5000, RIGHT_PAGE_READ);
	kw_copy(pt, &b[20]);
	T_EQ(kw_map(&b[20], s, 0x200000, 0), -E_MAPPED,
	     "a copy of a mapped PT, elsewhere in the same space: E_MAPPED");
	T_EQ(kw_map(&b[20], s2, 0, 0), -E_MAPPED,
	     "... in another space: E_MAPPED");
	T_EQ(reach(s, 0x5000), pg->obj, "... the original mapping is intact");
	T_EQ(kw_unmap(pt), 0, "unmap the original");
	T_EQ(kw_map(&b[20], s2, 0, 0), 0, "now the copy maps");
	t_ok(table_clear(&b[20]), "... a clean table");
	T_EQ(kw_map(pt, s, 0, 0), -E_MAPPED,
	     "and the original may not map it again");
	T_EQ(cap_revoke(u, NULL), 0, "revoke the untyped");
	cap_delete(u);
}

/*
 * A record that went stale must stay stale: when a copy maps the same
 * object at the same place, the old capability does not own that mapping,
 * and deleting it must leave the copy's mapping alone.
 */
static void test_stale_revived(void)
{
	struct cap *u = &b[8];
	kw_retype(w.ut, CAP_UNTYPED, 22, u, 1);
	struct space *s = new_space(u, &b[10]);
	struct cap *pt = &b[13], *pg = &b[14];
	map_top(u, s, &b[11], &b[12]);
	kw_retype(u, CAP_PT, 0, pt, 1);
	kw_retype(u, CAP_PAGE, 0, pg, 1);
	kw_map(pt, s, 0, 0);
	kw_map(pg, s, 0x5000, RIGHT_PAGE_READ);
	kw_unmap(pt);
	kw_map(pt, s, 0, 0);
	kw_copy(pg, &b[20]);
	T_EQ(kw_map(&b[20], s, 0x5000, RIGHT_PAGE_READ), 0,
	     "a copy of a page maps where the page's stale record points");
	t_ok(!vspace_mapping(pg, NULL, NULL),
	     "... the page itself is not mapped");
	cap_delete(pg);
	t_ok(mapped_at(&b[20], s, 0x5000) && reach(s, 0x5000) == b[20].obj,
	     "... deleting the page leaves the copy's mapping");
	T_EQ(cap_revoke(u, NULL), 0, "revoke the untyped");
	cap_delete(u);
}

/* cap_info and user copies go through the current space's mappings. */
static void test_user_copy(void)
{
	struct cap *u = &b[8];
	struct cap_info info;
	kw_task(&w);
	kw_retype(w.ut, CAP_UNTYPED, 22, u, 1);
	map_top(u, w.space, &b[11], &b[12]);
	kw_retype(u, CAP_PT, 0, &b[13], 1);
	kw_retype(u, CAP_PAGE, 0, &b[14], 2);
	kw_map(&b[13], w.space, 0, 0);
	kw_map(&b[14], w.space, 0x3000, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	kw_map(&b[15], w.space, 0x4000, RIGHT_PAGE_READ);

	u64 a[6] = {14, 0x3ff0};
	T_EQ(syscall_call(SYS_cap_info, a), -E_FAULT,
	     "cap_info into a buffer running off the page: E_FAULT");
	a[1] = 0x3800;
	T_EQ(syscall_call(SYS_cap_info, a), 0,
	     "cap_info into the writable page");
	memcpy(&info, (void *)(b[14].obj + 0x800), sizeof(info));
	t_ok(info.type == CAP_PAGE && info.mapped == 1 &&
		 info.vaddr == 0x3000 && info.spid == w.space->spid &&
		 info.paddr == b[14].obj && info.bits == 12 &&
		 info.rights == RIGHT_PAGE_ALL,
	     "... it reads back: a page mapped at 0x3000 in our space");
	a[1] = 0x4000;
	T_EQ(syscall_call(SYS_cap_info, a), -E_FAULT,
	     "cap_info into the read-only page: E_FAULT");
	a[1] = 0x5000;
	T_EQ(syscall_call(SYS_cap_info, a), -E_FAULT,
	     "cap_info to an unmapped address: E_FAULT");
	u64 m[6] = {15, SPACE_SELF, 0x5000, RIGHT_PAGE_READ};
	T_EQ(syscall_call(SYS_map, m), -E_MAPPED,
	     "map as a system call: the mapped page again");
	m[0] = 30;
	T_EQ(syscall_call(SYS_map, m), -E_EMPTY, "map an empty slot");
	m[0] = KW_SPACE;
	T_EQ(syscall_call(SYS_map, m), -E_CAPTYPE, "map a Space");
	m[0] = 14;
	m[1] = 15;
	T_EQ(syscall_call(SYS_map, m), -E_CAPTYPE,
	     "map into a page (not a space)");
	u64 um[6] = {15};
	T_EQ(syscall_call(SYS_unmap, um), 0, "unmap as a system call");
	T_EQ(syscall_call(SYS_unmap, um), -E_NOTMAPPED,
	     "... twice: E_NOTMAPPED");
	T_EQ(cap_revoke(u, NULL), 0, "revoke the untyped");
	cap_delete(u);
	t_ok(kw_invariants_ok(), "invariants hold");
}

int main(void)
{
	kw_init(&w, 24, 6);
	b = w.boot;
	test_map();
	test_space_gone();
	test_id_reuse();
	test_table_copy();
	test_table_once();
	test_stale_revived();
	test_user_copy();
	kw_fini(&w);
	return t_finish();
}
