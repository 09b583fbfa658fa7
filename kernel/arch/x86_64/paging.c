/*
 * Kernel page tables and walks of user page tables.
 *
 * The kernel half is the same in every space: PML4 entries 256..511 point
 * to kernel-owned PDPTs made at boot (the physical-memory window at
 * PHYSMAP_BASE, the kernel image at KERNEL_VBASE) and copied into each new
 * PML4.  The kernel reads user memory only through user_translate()
 * (arch_user_phys, for core/usercopy.c) and the physical window, so a bad
 * user pointer is an error code, never a kernel page fault, and SMAP never
 * stands in the way.
 *
 * What must hold (W^X): no kernel page is both writable and executable.
 * The kernel image is mapped page by page: text read and execute, rodata
 * read only, data and bss read and write; the physical window is read and
 * write, never executable (with NX), except its view of the kernel's text
 * and read-only data, which is read only.  Kernel entries are global and
 * never user-accessible.  A checking kernel verifies this at boot.
 */
#include "cpu.h"
#include "arch.h"
#include "paging.h"
#include "space_arch.h"
#include "tlb.h"
#include "core/bootmem.h"
#include "core/space.h"
#include "arch/hooks.h"

/* The arch part sits at the end of the page struct space is in. */
_Static_assert(sizeof(struct space) + sizeof(struct arch_space) <= PAGE_SIZE,
	       "space object layout");

extern u64 boot_pml4[512];
extern char _text_start[], _text_end[], _rodata_end[], _bss_end[];
#define BOOT_PHYS(sym) ((u64)(sym))

static u64 *kpml4;

paddr_t kernel_pml4_phys(void)
{
	return virt_to_phys(kpml4);
}

static u64 *alloc_table(void)
{
	paddr_t p = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
	u64 *t = phys_to_virt(p);
	memset(t, 0, PAGE_SIZE);
	return t;
}

static u64 nx_bit(void)
{
	return arch_has_nx() ? PTE_NX : 0;
}

/*
 * The kernel image at KERNEL_VBASE, in 4 KiB pages with the rights of
 * their section, replacing boot.S's 1 GiB of writable, executable 2 MiB
 * pages.  Nothing else is mapped in that GiB.
 */
static void map_kernel_image(void)
{
	u64 *pdpt = phys_to_virt(kpml4[PML4_INDEX(KERNEL_VBASE)] & PTE_ADDR);
	u64 *pd = alloc_table();

	for (u64 va = (u64)_text_start; va < (u64)_bss_end; va += PAGE_SIZE) {
		u64 f = PTE_P | PTE_G;
		if (!(pd[PD_INDEX(va)] & PTE_P))
			pd[PD_INDEX(va)] =
			    virt_to_phys(alloc_table()) | PTE_P | PTE_W;
		if (va >= (u64)_rodata_end)
			f |= PTE_W | nx_bit(); /* data, bss */
		else if (va >= (u64)_text_end)
			f |= nx_bit(); /* rodata */
		u64 *pt = phys_to_virt(pd[PD_INDEX(va)] & PTE_ADDR);
		pt[PT_INDEX(va)] = virt_to_phys((void *)va) | f;
	}
	pdpt[PDPT_INDEX(KERNEL_VBASE)] = virt_to_phys(pd) | PTE_P | PTE_W;
}

/*
 * The physical map's view of the kernel's text and read-only data is read
 * only too: the 2 MiB pages that hold them are split into 4 KiB pages.
 */
static void protect_image_alias(u64 *physmap_pdpt)
{
	paddr_t lo = virt_to_phys(_text_start), hi = virt_to_phys(_rodata_end);
	const u64 large = 1ull << 21;

	for (paddr_t big = ALIGN_DOWN(lo, large); big < hi; big += large) {
		u64 *pd = phys_to_virt(physmap_pdpt[big >> 30] & PTE_ADDR);
		u64 *pt = alloc_table();
		for (unsigned i = 0; i < 512; i++) {
			paddr_t pa = big + (u64)i * PAGE_SIZE;
			bool ro = pa >= lo && pa < hi;
			pt[i] =
			    pa | PTE_P | PTE_G | nx_bit() | (ro ? 0 : PTE_W);
		}
		pd[PD_INDEX(big)] = virt_to_phys(pt) | PTE_P | PTE_W;
	}
}

#ifdef TESS_CHECK
/* W^X over every kernel mapping below `t` (a table of `level`, 0 = PML4),
 * and no writable mapping of the kernel's text or read-only data. */
static void check_wx(const u64 *t, int level, u64 base)
{
	for (unsigned i = level ? 0 : 256; i < 512; i++) {
		u64 e = t[i], va = base | ((u64)i << (39 - 9 * level));
		if (!(e & PTE_P))
			continue;
		if (level == 0)
			va |= 0xffff000000000000ull; /* canonical */
		if (e & PTE_U)
			panic("kernel mapping at %lx is user-accessible", va);
		if (level < 3 && !(e & PTE_PS)) {
			check_wx(phys_to_virt(e & PTE_ADDR), level + 1, va);
			continue;
		}
		bool text = va >= (u64)_text_start && va < (u64)_text_end;
		u64 span = 1ull << (39 - 9 * level);
		paddr_t pa = e & PTE_ADDR & ~(span - 1);
		if ((e & PTE_W) && pa < virt_to_phys(_rodata_end) &&
		    pa + span > virt_to_phys(_text_start))
			panic(
			    "kernel mapping at %lx writes the kernel's text or "
			    "read-only data",
			    va);
		if ((e & PTE_W) && !(e & PTE_NX) && arch_has_nx())
			panic(
			    "kernel mapping at %lx is writable and executable",
			    va);
		if (text && (e & PTE_W))
			panic("kernel text at %lx is writable", va);
		if (!text && !(e & PTE_NX) && arch_has_nx())
			panic("kernel data at %lx is executable", va);
	}
}
#endif

/*
 * Map all of physical memory below mem_top (at least 4 GiB, so the local
 * APIC and other MMIO in the top GiB are reachable) at PHYSMAP_BASE with
 * 2 MiB pages.  The range 3..4 GiB is the PC's MMIO hole: uncached.
 */
void paging_init(u64 mem_top)
{
	u64 top = ALIGN_UP(MAX(mem_top, 4ull << 30), 1ull << 30);
	u64 *pdpt;

	/* The boot PML4 is linked low (in .boot); reach it via the window. */
	kpml4 = phys_to_virt(BOOT_PHYS(boot_pml4));
	pdpt = alloc_table();
	for (u64 gb = 0; gb < top >> 30 && gb < 512; gb++) {
		u64 *pd = alloc_table();
		for (u64 i = 0; i < 512; i++) {
			u64 pa = (gb << 30) | (i << 21);
			u64 f = PTE_P | PTE_W | PTE_PS | PTE_G | nx_bit();
			if (pa >= (3ull << 30) && pa < (4ull << 30))
				f |= PTE_PCD | PTE_PWT;
			pd[i] = pa | f;
		}
		pdpt[gb] = virt_to_phys(pd) | PTE_P | PTE_W;
	}
	kpml4[256] = virt_to_phys(pdpt) | PTE_P | PTE_W;
	protect_image_alias(pdpt);
	map_kernel_image();
	/* Drop the identity map: user spaces own the lower half.  The boot
	 * entries were not global: reloading CR3 drops them all. */
	kpml4[0] = 0;
	tlb_write_cr3(read_cr3());
#ifdef TESS_CHECK
	check_wx(kpml4, 0, 0);
#endif
}

/* A new space's PML4: empty user half, the shared kernel half. */
void arch_space_init(struct space *s, void *root_table)
{
	u64 *pml4 = root_table;
	memset(pml4, 0, USER_PML4_ENTRIES * sizeof(u64));
	memcpy(pml4 + USER_PML4_ENTRIES, kpml4 + USER_PML4_ENTRIES,
	       (PT_ENTRIES - USER_PML4_ENTRIES) * sizeof(u64));
	space_arch(s)->pml4 = pml4;
	space_arch(s)->pml4_phys = virt_to_phys(pml4);
	tlb_space_init(s);
}

static u64 *next_level(u64 *table, unsigned idx)
{
	if (!(table[idx] & PTE_P)) {
		u64 *t = alloc_table();
		table[idx] = virt_to_phys(t) | PTE_P | PTE_W | PTE_U;
	}
	return phys_to_virt(table[idx] & PTE_ADDR);
}

void boot_map_user_page(struct space *s, vaddr_t va, paddr_t pa, u64 flags)
{
	u64 *pdpt = next_level(space_arch(s)->pml4, PML4_INDEX(va));
	u64 *pd = next_level(pdpt, PDPT_INDEX(va));
	u64 *pt = next_level(pd, PD_INDEX(va));
	pt[PT_INDEX(va)] = pa | flags | PTE_P | PTE_U;
}

paddr_t user_translate(struct space *s, vaddr_t va, bool write, bool *ok)
{
	u64 need = PTE_P | PTE_U | (write ? PTE_W : 0);
	u64 e, *t;

	*ok = false;
	if (!s || va >= USER_TOP)
		return 0;
	e = space_arch(s)->pml4[PML4_INDEX(va)];
	if ((e & need) != need)
		return 0;
	t = phys_to_virt(e & PTE_ADDR);
	e = t[PDPT_INDEX(va)];
	if ((e & need) != need)
		return 0;
	if (e & PTE_PS) {
		*ok = true;
		return (e & PTE_ADDR & ~((1ull << 30) - 1)) |
		       (va & ((1ull << 30) - 1));
	}
	t = phys_to_virt(e & PTE_ADDR);
	e = t[PD_INDEX(va)];
	if ((e & need) != need)
		return 0;
	if (e & PTE_PS) {
		*ok = true;
		return (e & PTE_ADDR & ~((1ull << 21) - 1)) |
		       (va & ((1ull << 21) - 1));
	}
	t = phys_to_virt(e & PTE_ADDR);
	e = t[PT_INDEX(va)];
	if ((e & need) != need)
		return 0;
	*ok = true;
	return (e & PTE_ADDR) | (va & (PAGE_SIZE - 1));
}

int arch_user_phys(struct space *s, vaddr_t va, bool write, paddr_t *pa)
{
	bool ok;
	*pa = user_translate(s, va, write, &ok);
	return ok ? 0 : -E_FAULT;
}
