/*
 * Spaces (address spaces).  A Space object holds the root page table (the
 * PML4 on x86_64) and the bookkeeping the kernel keeps for the space.
 */
#ifndef CORE_SPACE_H
#define CORE_SPACE_H

#include "kernel.h"
#include "arch/x86_64/space_arch.h"

struct space {
	struct arch_space arch;
	u32 spid;
	u32 nthreads;
};

#endif
