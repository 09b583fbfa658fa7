/*
 * The TLB: which translations the CPU may still hold, and the rules that
 * flush them when a mapping goes (vspace.c removes mappings and calls the
 * hooks here; space.c destroys spaces).
 *
 * With PCIDs (CPUID.1:ECX.PCID: x86-64 CPUs of the last decade and more;
 * INVPCID, CPUID.7.0:EBX, since 2013) the TLB tags each translation with the
 * PCID that was in CR3 when it was made, and a CR3 load with bit 63 set
 * (CR3_NOFLUSH) keeps the entries of every PCID: a switch back to a space finds
 * its translations still cached.  A space's PCID is its index in the space
 * table (1..4095, space.c): there are exactly as many PCIDs as space-table
 * entries, so no two live spaces share one and none needs recycling.  PCID 0 is
 * the kernel's own tables (at boot, and after the loaded space is destroyed).
 *
 * What must hold: no translation the CPU may use is one of a mapping that
 * is gone.
 *  - Removing a mapping (unmap, deleting the capability, unmapping or
 *    deleting a table) flushes it from its space's PCID at once, whether
 *    or not the space is loaded: a page by invlpg (loaded) or INVPCID of
 *    one address; a table, which takes everything under it, by INVPCID of
 *    the whole PCID (entries and paging-structure caches) or, loaded and
 *    without INVPCID, a flushing CR3 load.  A space that is not loaded,
 *    on a CPU without INVPCID, is marked stale instead (tlb_stale): its
 *    next load flushes its PCID.  Rights are never narrowed in place: a
 *    pager narrows them by unmapping and mapping again, which flushes.
 *  - A space's first load flushes its PCID (tlb_stale is set when it is
 *    made): a destroyed space that had the same index may have left
 *    translations under it, which nothing else flushed.
 *  - The kernel's translations are global (PGE) and never change after
 *    boot: no flush needs to touch them, and none does.
 * Adding a mapping needs no flush: the CPU caches no not-present entry.
 *
 * Without PCIDs every CR3 load flushes every non-global translation, so
 * only the loaded space can have any: its removals flush (invlpg, or a
 * CR3 reload for a table), those of other spaces need nothing.  A space
 * is never marked stale then.
 *
 * QEMU's TCG has neither PCIDs nor INVPCID (and flushes its whole software
 * TLB at every CR3 load): the PCID rules are tested on the host, against
 * a model of a CPU's tagged TLB (tests/host/test_tlb.c), with and
 * without PCIDs and INVPCID.
 */
#include "tlb.h"
#include "paging.h"
#include "arch/hooks.h"

_Static_assert(MAX_SPACES <= 4096,
	       "a space's PCID is its index in the space table");

static bool pcid_on, invpcid_on;

u64 tlb_init(void)
{
	u32 a, b, c, d;
	bool pcid, inv = false;

	cpuid(1, 0, &a, &b, &c, &d);
	pcid = c & (1u << 17);
	cpuid(0, 0, &a, &b, &c, &d);
	if (pcid && a >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		inv = b & (1u << 10);
	}
	tlb_configure(pcid, inv);
	/* CR4.PCIDE may be set only while CR3's PCID is 0: the boot tables'
	 * is. */
	return pcid ? CR4_PCIDE : 0;
}

void tlb_configure(bool pcid, bool invpcid)
{
	pcid_on = pcid;
	invpcid_on = pcid && invpcid;
}

bool tlb_has_pcid(void)
{
	return pcid_on;
}

bool tlb_has_invpcid(void)
{
	return invpcid_on;
}

static u64 space_pcid(const struct space *s)
{
	return pcid_on ? SPID_INDEX(s->spid) : 0;
}

/* ------------------------------------------------------------ flushing */

void tlb_space_init(struct space *s)
{
	space_arch(s)->cr3 = space_arch(s)->pml4_phys | space_pcid(s) |
			     (pcid_on ? CR3_NOFLUSH : 0);
	space_arch(s)->tlb_stale = pcid_on;
}

static void invpcid(u64 type, u64 pcid, vaddr_t va)
{
	if (type == INVPCID_ADDRESS)
		BENCH_COUNT(tlb_page_flushes);
	else
		BENCH_COUNT(tlb_flushes);
	tlb_cpu_invpcid(type, pcid, va);
}

void arch_tlb_flush_page(struct space *s, vaddr_t va)
{
	if (s == this_cpu()->space) {
		BENCH_COUNT(tlb_page_flushes);
		tlb_cpu_invlpg(va);
	} else if (invpcid_on) {
		invpcid(INVPCID_ADDRESS, space_pcid(s), va);
	} else if (pcid_on) {
		space_arch(s)->tlb_stale = true;
	}
}

void arch_tlb_flush_space(struct space *s)
{
	if (invpcid_on)
		invpcid(INVPCID_CONTEXT, space_pcid(s), 0);
	else if (s == this_cpu()->space)
		tlb_write_cr3(space_arch(s)->cr3 & ~CR3_NOFLUSH);
	else if (pcid_on)
		space_arch(s)->tlb_stale = true;
}

/* The space's tables are going away: if loaded, load the kernel's.  Its
 * PCID's entries stay until a new space with its index is first loaded. */
void arch_space_unload(struct space *s)
{
	struct cpu *c = this_cpu();
	if (c->space == s) {
		c->space = NULL;
		tlb_write_cr3(kernel_pml4_phys());
	}
}
