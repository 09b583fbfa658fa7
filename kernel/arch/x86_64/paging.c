/*
 * Kernel page tables and walks of user page tables.
 *
 * The kernel half is the same in every space: PML4 entries 256..511 point
 * to kernel-owned PDPTs made at boot (the physical-memory window at
 * PHYSMAP_BASE, the kernel image at KERNEL_VBASE) and copied into each new
 * PML4.  The kernel reads user memory only through user_translate() and
 * the physical window, so a bad user pointer is an error code, never a
 * kernel page fault.
 */
#include "cpu.h"
#include "arch.h"
#include "paging.h"
#include "core/bootmem.h"
#include "core/space.h"
#include "arch/hooks.h"

extern u64 boot_pml4[512];
#define BOOT_PHYS(sym) ((u64)(sym))

static u64 *kpml4;

u64 *kernel_pml4(void)
{
	return kpml4;
}

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
			u64 f = PTE_P | PTE_W | PTE_PS | PTE_G;
			if (pa >= (3ull << 30) && pa < (4ull << 30))
				f |= PTE_PCD | PTE_PWT;
			pd[i] = pa | f;
		}
		pdpt[gb] = virt_to_phys(pd) | PTE_P | PTE_W;
	}
	kpml4[256] = virt_to_phys(pdpt) | PTE_P | PTE_W;
	/* Drop the identity map: user spaces own the lower half. */
	kpml4[0] = 0;
	write_cr3(read_cr3());
}

/* A new space's PML4: empty user half, the shared kernel half. */
void arch_space_init(struct space *s, void *root_table)
{
	u64 *pml4 = root_table;
	memset(pml4, 0, 256 * sizeof(u64));
	memcpy(pml4 + 256, kpml4 + 256, 256 * sizeof(u64));
	s->arch.pml4 = pml4;
	s->arch.pml4_phys = virt_to_phys(pml4);
}

u64 arch_phys_to_kernel(paddr_t p)
{
	return (u64)phys_to_virt(p);
}

paddr_t arch_kernel_to_phys(u64 kaddr)
{
	return virt_to_phys((const void *)kaddr);
}

void arch_flush_tlb(void)
{
	write_cr3(read_cr3());
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
	u64 *pdpt = next_level(s->arch.pml4, PML4_INDEX(va));
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
	e = s->arch.pml4[PML4_INDEX(va)];
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

/*
 * Copy between kernel memory and user memory of `s`, page by page.  A
 * write checks every page before it writes any, so a failed copy changes
 * nothing (reads need no such care).
 */
static int user_copy(struct space *s, vaddr_t uva, void *kbuf, size_t n,
		     bool to_user, vaddr_t *fault_addr)
{
	u8 *k = kbuf;
	if (to_user && n) {
		vaddr_t last = uva + n - 1;
		if (last < uva)
			return -E_FAULT;
		for (vaddr_t a = uva;;
		     a = ALIGN_DOWN(a, PAGE_SIZE) + PAGE_SIZE) {
			bool ok;
			user_translate(s, a, true, &ok);
			if (!ok) {
				if (fault_addr)
					*fault_addr = a;
				return -E_FAULT;
			}
			if (ALIGN_DOWN(a, PAGE_SIZE) ==
			    ALIGN_DOWN(last, PAGE_SIZE))
				break;
		}
	}
	while (n > 0) {
		bool ok;
		paddr_t pa = user_translate(s, uva, to_user, &ok);
		size_t chunk = MIN(n, PAGE_SIZE - (uva & (PAGE_SIZE - 1)));
		if (!ok) {
			if (fault_addr)
				*fault_addr = uva;
			return -E_FAULT;
		}
		if (to_user)
			memcpy(phys_to_virt(pa), k, chunk);
		else
			memcpy(k, phys_to_virt(pa), chunk);
		k += chunk;
		uva += chunk;
		n -= chunk;
	}
	return 0;
}

int arch_copy_from_user(struct space *s, void *dst, vaddr_t src, size_t n,
			vaddr_t *fault_addr)
{
	return user_copy(s, src, dst, n, false, fault_addr);
}

int arch_copy_to_user(struct space *s, vaddr_t dst, const void *src, size_t n,
		      vaddr_t *fault_addr)
{
	return user_copy(s, dst, (void *)src, n, true, fault_addr);
}

int arch_user_phys(struct space *s, vaddr_t va, bool write, paddr_t *pa)
{
	bool ok;
	*pa = user_translate(s, va, write, &ok);
	return ok ? 0 : -E_FAULT;
}
