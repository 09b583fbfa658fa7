/*
 * The TLB rules of kernel/arch/x86_64/tlb.c, run against a model of a
 * CPU's TLB, since QEMU's TCG has no PCIDs (and flushes its whole
 * software TLB at every CR3 load, so a missed flush never shows there).
 *
 * The model is what the SDM says a CPU may do: it caches the translations
 * it uses, each tagged with the PCID that was in CR3 (0 without
 * CR4.PCIDE), and keeps them until a flush removes them: a CR3 load
 * without the no-flush bit (that PCID's entries; every entry without
 * PCIDs), invlpg (one page of the current PCID), INVPCID (one address or
 * all of one PCID).  An access looks in the cache first and walks the
 * loaded tables only on a miss.  So a translation the kernel forgot to
 * flush is used again, as a real CPU may.
 *
 * Each scenario runs three times: without PCIDs, with PCIDs but no
 * INVPCID (stale marks), with both.  Spaces are made and mapped by the
 * kernel's own code (retype, vspace.c, space.c); "running in a space" is
 * a switch as the kernel makes it (tlb_load_space) followed by accesses
 * through the model.  A first scenario shows the model catches a missed
 * flush, so the others can fail.
 */
#include "kworld.h"
#include "core/vspace.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"

static struct kworld w;
static struct cap *b;

struct cpu cpu0;
static u64 kernel_tables[512] __attribute__((aligned(4096)));

paddr_t kernel_pml4_phys(void)
{
	return (paddr_t)kernel_tables;
}

/* ---------------------------------------------------------------- model */

#define MODEL_ENTRIES 64

struct model_entry {
	bool valid;
	u64 pcid;
	vaddr_t base; /* the page (4 KiB or 2 MiB) */
	u64 size;
	paddr_t pa;
	bool writable;
};

static struct model_entry tlb[MODEL_ENTRIES];
static unsigned tlb_next;
static bool pcide;
static u64 cr3; /* without the no-flush bit */
static u64 loads, flushing_loads, hits;

static u64 cur_pcid(void)
{
	return pcide ? cr3 & CR3_PCID_MASK : 0;
}

static void drop(bool (*match)(const struct model_entry *, u64, vaddr_t),
		 u64 pcid, vaddr_t va)
{
	for (unsigned i = 0; i < MODEL_ENTRIES; i++)
		if (tlb[i].valid && match(&tlb[i], pcid, va))
			tlb[i].valid = false;
}

static bool same_pcid(const struct model_entry *e, u64 pcid, vaddr_t va)
{
	return e->pcid == pcid;
}

static bool same_page(const struct model_entry *e, u64 pcid, vaddr_t va)
{
	return e->pcid == pcid && va >= e->base && va - e->base < e->size;
}

void tlb_cpu_write_cr3(u64 v)
{
	if (!pcide && (v & (CR3_NOFLUSH | CR3_PCID_MASK)))
		panic("CR3 %lx has PCID bits without CR4.PCIDE (#GP)", v);
	loads++;
	if (!(v & CR3_NOFLUSH)) {
		flushing_loads++;
		drop(same_pcid, pcide ? v & CR3_PCID_MASK : 0, 0);
	}
	cr3 = v & ~CR3_NOFLUSH;
}

void tlb_cpu_invlpg(vaddr_t va)
{
	drop(same_page, cur_pcid(), va);
}

void tlb_cpu_invpcid(u64 type, u64 pcid, vaddr_t va)
{
	if (!pcide || pcid > CR3_PCID_MASK)
		panic("INVPCID of PCID %lx (#GP)", pcid);
	if (type == INVPCID_ADDRESS)
		drop(same_page, pcid, va);
	else if (type == INVPCID_CONTEXT)
		drop(same_pcid, pcid, 0);
	else
		panic("INVPCID type %lu", type);
}

/* Walk the loaded tables for a user access: the frame's base, its size
 * and whether every level allows writing; 0 if not mapped. */
static paddr_t walk(vaddr_t va, u64 *size, bool *writable)
{
	u64 *t = (u64 *)(cr3 & PTE_ADDR);
	*writable = true;
	for (int level = 0; level < 4; level++) {
		u64 e = t[(va >> (39 - 9 * level)) & 511];
		if ((e & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
			return 0;
		*writable = *writable && (e & PTE_W);
		if (level == 3 || (e & PTE_PS)) {
			*size = 1ull << (39 - 9 * level);
			return e & PTE_ADDR & ~(*size - 1);
		}
		t = (u64 *)(e & PTE_ADDR);
	}
	return 0;
}

/* A user access at `va` by the loaded space, as the MMU makes it: the
 * physical address, or 0 for a page fault. */
static paddr_t access(vaddr_t va, bool write)
{
	struct model_entry *e;
	for (unsigned i = 0; i < MODEL_ENTRIES; i++) {
		e = &tlb[i];
		if (e->valid && same_page(e, cur_pcid(), va)) {
			hits++;
			return !write || e->writable ? e->pa + (va - e->base)
						     : 0;
		}
	}
	u64 size;
	bool wr;
	paddr_t pa = walk(va, &size, &wr);
	if (!pa)
		return 0;
	e = &tlb[tlb_next++ % MODEL_ENTRIES];
	*e = (struct model_entry){true, cur_pcid(), va & ~(size - 1),
				  size, pa,	    wr};
	return !write || wr ? pa + (va & (size - 1)) : 0;
}

/* Run in `s` from now on: the switch the kernel makes. */
static void run_in(struct space *s)
{
	tlb_load_space(s);
}

static const char *config;

static void model_reset(bool pcid, bool invpcid)
{
	memset(tlb, 0, sizeof(tlb));
	tlb_next = 0;
	pcide = pcid;
	tlb_configure(pcid, invpcid);
	cr3 = kernel_pml4_phys();
	cpu0.space = NULL;
	loads = flushing_loads = hits = 0;
	config = !pcid ? "no PCID" : invpcid ? "PCID, INVPCID" : "PCID";
}

/* ---------------------------------------------------------------- world */

#define VA 0x5000ull
#define VA_LARGE 0x400000ull
#define VA2 0x6000ull

struct tspace {
	struct cap *space, *pdpt, *pd, *pt;
	struct space *s;
};

/* A space with the tables for [0, 2 MiB) (slots from `slot` on). */
static struct space *make_space(struct cap *u, struct tspace *t, unsigned slot)
{
	t->space = &b[slot];
	t->pdpt = &b[slot + 1];
	t->pd = &b[slot + 2];
	t->pt = &b[slot + 3];
	if (kw_retype(u, CAP_SPACE, 0, t->space, 1) ||
	    kw_retype(u, CAP_PDPT, 0, t->pdpt, 1) ||
	    kw_retype(u, CAP_PD, 0, t->pd, 1) ||
	    kw_retype(u, CAP_PT, 0, t->pt, 1))
		panic("make_space: retype");
	t->s = (struct space *)t->space->obj;
	if (kw_map(t->pdpt, t->s, 0, 0) || kw_map(t->pd, t->s, 0, 0) ||
	    kw_map(t->pt, t->s, 0, 0))
		panic("make_space: map");
	return t->s;
}

static struct cap *new_page(struct cap *u, unsigned slot, u32 type)
{
	if (kw_retype(u, type, 0, &b[slot], 1))
		panic("new_page");
	return &b[slot];
}

#define RW (RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)

static struct cap *world(void)
{
	struct cap *u = &b[8];
	if (kw_retype(w.ut, CAP_UNTYPED, 22, u, 1))
		panic("world");
	return u;
}

static void world_end(struct cap *u)
{
	if (cap_revoke(u, NULL) || cap_delete(u))
		panic("world_end");
}

/* ------------------------------------------------------------ scenarios */

/* The model itself: a translation survives a switch away and back (with
 * PCIDs), so a flush the kernel forgets would show.  (A PTE cleared
 * behind the kernel's back, as a missed flush would leave it.) */
static void model_keeps(void)
{
	struct cap *u = world();
	struct tspace a, bb;
	struct space *sa = make_space(u, &a, 10), *sb = make_space(u, &bb, 14);
	struct cap *p = new_page(u, 20, CAP_PAGE);
	kw_map(p, sa, VA, RW);
	run_in(sa);
	access(VA, false);
	run_in(sb);
	run_in(sa);
	u64 h = hits;
	paddr_t pa = access(VA, false);
	if (pcide)
		t_ok(pa == p->obj && hits == h + 1,
		     "%s: back in a space, its translation is still cached "
		     "(a hit)",
		     config);
	else
		t_ok(pa == p->obj && hits == h,
		     "%s: back in a space, its translations are gone (a miss)",
		     config);
	((u64 *)a.pt->obj)[VA >> 12 & 511] = 0; /* behind the kernel's back */
	run_in(sb);
	run_in(sa);
	if (pcide)
		T_EQ(access(VA, false), p->obj,
		     "%s: the model uses a translation nobody flushed", config);
	else
		T_EQ(access(VA, false), 0,
		     "%s: the model walks again after a switch", config);
	world_end(u);
}

/* A page unmapped (or its capability deleted) while another space runs:
 * the first space's next access faults. */
static void unmap_elsewhere(bool delete_cap)
{
	struct cap *u = world();
	struct tspace a, bb;
	struct space *sa = make_space(u, &a, 10), *sb = make_space(u, &bb, 14);
	struct cap *p = new_page(u, 20, CAP_PAGE);
	struct cap *q = new_page(u, 21, CAP_PAGE);
	kw_map(p, sa, VA, RW);
	kw_map(q, sa, VA2, RW);
	run_in(sa);
	t_ok(access(VA, true) == p->obj && access(VA2, false) == q->obj,
	     "%s: space A uses two pages", config);
	run_in(sb);
	if (delete_cap)
		cap_delete(p);
	else
		kw_unmap(p);
	run_in(sa);
	T_EQ(access(VA, false), 0,
	     "%s: a page %s while B runs: A's access faults", config,
	     delete_cap ? "deleted" : "unmapped");
	T_EQ(access(VA2, false), q->obj, "%s: ... its other page still maps",
	     config);
	world_end(u);
}

/* Rights narrowed (unmap, map read-only) while another space runs. */
static void narrow_elsewhere(void)
{
	struct cap *u = world();
	struct tspace a, bb;
	struct space *sa = make_space(u, &a, 10), *sb = make_space(u, &bb, 14);
	struct cap *p = new_page(u, 20, CAP_PAGE);
	kw_map(p, sa, VA, RW);
	run_in(sa);
	T_EQ(access(VA, true), p->obj, "%s: A writes its page", config);
	run_in(sb);
	kw_unmap(p);
	kw_map(p, sa, VA, RIGHT_PAGE_READ);
	run_in(sa);
	T_EQ(access(VA, true), 0,
	     "%s: mapped read-only again while B ran: A's write faults",
	     config);
	T_EQ(access(VA, false), p->obj, "%s: ... it still reads", config);
	world_end(u);
}

/* A table, or a large page, unmapped while another space runs. */
static void table_elsewhere(void)
{
	struct cap *u = world();
	struct tspace a, bb;
	struct space *sa = make_space(u, &a, 10), *sb = make_space(u, &bb, 14);
	struct cap *p = new_page(u, 20, CAP_PAGE);
	struct cap *q = new_page(u, 21, CAP_PAGE);
	struct cap *l = new_page(u, 22, CAP_LARGE_PAGE);
	kw_map(p, sa, VA, RW);
	kw_map(q, sa, VA2, RW);
	kw_map(l, sa, VA_LARGE, RW);
	run_in(sa);
	t_ok(access(VA, false) && access(VA2, false) &&
		 access(VA_LARGE + 0x1234, true),
	     "%s: A uses two pages under its PT and a large page", config);
	run_in(sb);
	kw_unmap(l);
	run_in(sa);
	T_EQ(access(VA_LARGE + 0x1234, false), 0,
	     "%s: the large page unmapped while B ran: A faults", config);
	access(VA, false);
	run_in(sb);
	kw_unmap(a.pt);
	run_in(sa);
	t_ok(!access(VA, false) && !access(VA2, false),
	     "%s: the PT unmapped while B ran: both pages fault in A", config);
	world_end(u);
}

/* The same changes made to the space that runs. */
static void unmap_here(void)
{
	struct cap *u = world();
	struct tspace a;
	struct space *sa = make_space(u, &a, 10);
	struct cap *p = new_page(u, 20, CAP_PAGE);
	struct cap *q = new_page(u, 21, CAP_PAGE);
	kw_map(p, sa, VA, RW);
	kw_map(q, sa, VA2, RW);
	run_in(sa);
	access(VA, true);
	access(VA2, true);
	kw_unmap(p);
	T_EQ(access(VA, false), 0, "%s: A unmaps its own page: it faults",
	     config);
	kw_map(p, sa, VA, RIGHT_PAGE_READ);
	access(VA, false);
	kw_unmap(q);
	kw_map(q, sa, VA2, RIGHT_PAGE_READ);
	T_EQ(access(VA2, true), 0, "%s: ... maps one read-only: writes fault",
	     config);
	kw_unmap(a.pt);
	t_ok(!access(VA, false) && !access(VA2, false),
	     "%s: ... unmaps their PT: both fault", config);
	world_end(u);
}

/* New spaces from `pool` until one is at `index` in the space table (the
 * pool is reset after each other one); NULL if none in a full round.  Its
 * tables come from the pool too. */
static struct space *space_at(struct cap *pool, struct tspace *t, u32 index)
{
	for (unsigned i = 0; i <= MAX_SPACES; i++) {
		if (kw_retype(pool, CAP_SPACE, 0, &b[24], 1))
			return NULL;
		struct space *s = (struct space *)b[24].obj;
		if (SPID_INDEX(s->spid) != index) {
			cap_revoke(pool, NULL);
			continue;
		}
		t->space = &b[24];
		t->pdpt = &b[25];
		t->pd = &b[26];
		t->pt = &b[27];
		if (kw_retype(pool, CAP_PDPT, 0, t->pdpt, 1) ||
		    kw_retype(pool, CAP_PD, 0, t->pd, 1) ||
		    kw_retype(pool, CAP_PT, 0, t->pt, 1) ||
		    kw_map(t->pdpt, s, 0, 0) || kw_map(t->pd, s, 0, 0) ||
		    kw_map(t->pt, s, 0, 0))
			return NULL;
		t->s = s;
		return s;
	}
	return NULL;
}

/* A space destroyed (loaded, or while another runs) and its index, so its
 * PCID, given to a new space: the new one never sees the old pages. */
static void pcid_reuse(bool loaded)
{
	struct cap *u = world();
	struct tspace a, bb, c;
	struct space *sa = make_space(u, &a, 10), *sb = make_space(u, &bb, 14);
	struct cap *p = new_page(u, 20, CAP_PAGE);
	struct cap *q = new_page(u, 21, CAP_PAGE);
	struct cap *pool = &b[40];
	u32 index = SPID_INDEX(sa->spid);
	if (kw_retype(u, CAP_UNTYPED, 16, pool, 1))
		panic("pcid_reuse");
	kw_map(p, sa, VA, RW);
	run_in(sa);
	access(VA, true);
	if (!loaded)
		run_in(sb);
	cap_delete(a.space);
	struct space *sc = space_at(pool, &c, index);
	t_ok(sc != NULL,
	     "%s: a new space at the index (PCID) of a destroyed one", config);
	if (!sc) {
		world_end(u);
		return;
	}
	run_in(sb);
	run_in(sc);
	T_EQ(access(VA, false), 0,
	     "%s: the old space%s: the new one faults where it had a page",
	     config, loaded ? " was loaded when destroyed" : "");
	kw_map(q, sc, VA, RW);
	T_EQ(access(VA, true), q->obj, "%s: ... and maps its own page there",
	     config);
	world_end(u);
}

/* Spaces made and destroyed through every index of the table (and past
 * it), each mapping its own page at the same address: each sees its
 * own. */
static void cycle(void)
{
	struct cap *u = world();
	struct tspace bb, t;
	struct space *sb = make_space(u, &bb, 14);
	struct cap *pool = &b[40];
	unsigned wrong = 0, n = MAX_SPACES + 16;
	if (kw_retype(u, CAP_UNTYPED, 16, pool, 1))
		panic("cycle");
	for (unsigned i = 0; i < n; i++) {
		struct space *s = make_space(pool, &t, 44);
		struct cap *p = new_page(pool, 48, CAP_PAGE);
		kw_map(p, s, VA, RW);
		run_in(s);
		if (access(VA, true) != p->obj)
			wrong++;
		if (i % 2)
			run_in(sb);
		cap_delete(t.space);
		cap_revoke(pool, NULL);
	}
	T_EQ(wrong, 0,
	     "%s: %u spaces in turn through every PCID, each sees its own "
	     "page",
	     config, n);
	world_end(u);
}

/* With PCIDs a switch between spaces keeps their entries: no flushing
 * load once each has been loaded. */
static void switches_keep(void)
{
	struct cap *u = world();
	struct tspace a, bb;
	struct space *sa = make_space(u, &a, 10), *sb = make_space(u, &bb, 14);
	run_in(sa);
	run_in(sb);
	u64 l = loads, f = flushing_loads;
	for (int i = 0; i < 10; i++) {
		run_in(sa);
		run_in(sb);
	}
	t_ok(loads == l + 20 && flushing_loads == f + (pcide ? 0 : 20),
	     "%s: 20 switches: 20 CR3 loads, %s", config,
	     pcide ? "none flushing" : "each flushing");
	world_end(u);
}

static void run_all(bool pcid, bool invpcid)
{
	model_reset(pcid, invpcid);
	kw_init(&w, 24, 6);
	b = w.boot;
	model_keeps();
	unmap_elsewhere(false);
	unmap_elsewhere(true);
	narrow_elsewhere();
	table_elsewhere();
	unmap_here();
	pcid_reuse(false);
	pcid_reuse(true);
	cycle();
	switches_keep();
	kw_fini(&w);
}

int main(void)
{
	run_all(false, false);
	run_all(true, false);
	run_all(true, true);
	return t_finish();
}
