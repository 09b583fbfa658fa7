/*
 * The x86_64 part of a space: its PML4, and what loading it takes (tlb.c).
 * kernel/core does not see it: a Space object is the PML4's page followed
 * by the page that holds struct space, and this part sits at the end of
 * that second page (paging.c checks that the two fit).
 */
#ifndef ARCH_SPACE_ARCH_H
#define ARCH_SPACE_ARCH_H

#include "core/kernel.h"

struct space;

struct arch_space {
	paddr_t pml4_phys;
	u64 *pml4;	/* kernel (physmap) address of the PML4 */
	u64 cr3;	/* what a switch loads: the PML4, its PCID, no-flush */
	bool tlb_stale; /* the next load must flush the space's PCID */
};

static inline struct arch_space *space_arch(struct space *s)
{
	return (struct arch_space *)((u64)s + PAGE_SIZE -
				     sizeof(struct arch_space));
}

#endif
