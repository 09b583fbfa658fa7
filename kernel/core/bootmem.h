/*
 * Boot memory: the free physical ranges found at boot, the allocator the
 * kernel uses for its own boot-time objects (before the root task exists),
 * and the split of what is left into naturally aligned power-of-two
 * blocks, the future Untyped objects.  After boot the kernel allocates
 * nothing; bootmem_alloc panics if called then.
 */
#ifndef CORE_BOOTMEM_H
#define CORE_BOOTMEM_H

#include "kernel.h"

#define BOOTMEM_MAX_RANGES 64
#define UNTYPED_MIN_BITS 12
#define UNTYPED_MAX_BITS 47

struct phys_range {
	paddr_t start, end; /* [start, end) */
};

struct untyped_block {
	paddr_t phys;
	u32 bits;
};

void bootmem_add(paddr_t start, paddr_t end);
void bootmem_reserve(paddr_t start, paddr_t end);
paddr_t bootmem_alloc(u64 size, u64 align);
void bootmem_finish(void);
u64 bootmem_total(void);
unsigned bootmem_ranges(struct phys_range *out, unsigned max);

/*
 * Split [start, end) (page aligned) into maximal naturally aligned
 * power-of-two blocks of at least 2^UNTYPED_MIN_BITS bytes.  Writes at most
 * `max` blocks to out[] and returns how many it wrote.
 */
unsigned untyped_split(paddr_t start, paddr_t end, struct untyped_block *out,
		       unsigned max);

#endif
