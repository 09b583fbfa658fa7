/* x86_64 four-level paging: entry bits and the kernel's helpers. */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include "core/kernel.h"
#include "tessera/syscall.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* User addresses are [0, USER_TOP).  The last page below the canonical
 * hole is never mappable, so a syscall instruction cannot sit at its end
 * and make sysret return to a non-canonical address. */
#define USER_TOP USER_ADDR_TOP

#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)
#define PD_INDEX(va) (((va) >> 21) & 511)
#define PT_INDEX(va) (((va) >> 12) & 511)

struct space;

void paging_init(u64 mem_top);
u64 *kernel_pml4(void);
paddr_t kernel_pml4_phys(void);

/* Boot only: map one user page, taking missing tables from bootmem. */
void boot_map_user_page(struct space *s, vaddr_t va, paddr_t pa, u64 flags);

/*
 * Walk `s`'s tables for user address `va`.  Returns the physical address
 * it maps, or 0 with *ok false if it is not mapped for user access (and
 * for writing, when `write`).
 */
paddr_t user_translate(struct space *s, vaddr_t va, bool write, bool *ok);

#endif
