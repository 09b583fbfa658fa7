/* The x86_64 part of a space: its PML4. */
#ifndef ARCH_SPACE_ARCH_H
#define ARCH_SPACE_ARCH_H

#include <stdint.h>

struct arch_space {
	uint64_t pml4_phys;
	uint64_t *pml4; /* kernel (physmap) address of the PML4 */
};

#endif
