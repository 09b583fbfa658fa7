/* x86_64 four-level paging: entry bits and the kernel's helpers. */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include "core/kernel.h"
#include "tessera/syscall.h"
#include "asm.h"

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

/* Four levels of 512-entry tables: level 0 (PML4) to 3 (PT).  A table at
 * `level` is indexed by the 9 address bits from LEVEL_SHIFT(level) up;
 * the user half of an address space is the PML4's first 256 entries. */
#define PT_ENTRIES 512
#define PT_INDEX_BITS 9
#define USER_PML4_ENTRIES (PT_ENTRIES / 2)
#define LEVEL_SHIFT(level) (PAGE_BITS_4K + PT_INDEX_BITS * (3 - (level)))
#define LEVEL_INDEX(level, va) (((va) >> LEVEL_SHIFT(level)) & (PT_ENTRIES - 1))
#define PML4_INDEX(va) LEVEL_INDEX(0, va)
#define PDPT_INDEX(va) LEVEL_INDEX(1, va)
#define PD_INDEX(va) LEVEL_INDEX(2, va)
#define PT_INDEX(va) LEVEL_INDEX(3, va)

struct space;

void paging_init(u64 mem_top);
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
