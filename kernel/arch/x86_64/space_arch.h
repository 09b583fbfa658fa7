/* The x86_64 part of a space: its PML4, and what loading it takes (tlb.c). */
#ifndef ARCH_SPACE_ARCH_H
#define ARCH_SPACE_ARCH_H

#include <stdbool.h>
#include <stdint.h>

struct arch_space {
	uint64_t pml4_phys;
	uint64_t *pml4; /* kernel (physmap) address of the PML4 */
	uint64_t cr3;	/* what a switch loads: the PML4, its PCID, no-flush */
	bool tlb_stale; /* the next load must flush the space's PCID */
};

#endif
