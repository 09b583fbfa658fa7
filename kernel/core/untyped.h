/* Untyped memory: retype and remaining. */
#ifndef CORE_UNTYPED_H
#define CORE_UNTYPED_H

#include "kernel.h"
#include "cap.h"

u64 untyped_size(const struct cap *u);
u64 untyped_used(const struct cap *u);
u64 untyped_remaining(const struct cap *u);
paddr_t untyped_phys(const struct cap *u);
/* Check a retype of `num` objects of `type` (retype's `bits`) from `u`;
 * 0 or -E_*.  On success *offset is where the first object goes and
 * *size_bits is log2 of each object's size.  The destination slots are the
 * caller's to check. */
int untyped_check_retype(const struct cap *u, u32 type, u64 bits, u64 num,
			 u64 *offset, u32 *size_bits);
/* Zero [offset, end) of `u` for a retype checked to go there (preemptible:
 * -E_RESTART when the scheduler wants the CPU, the work done is kept;
 * 0 when all of it is zero). */
int untyped_zero(struct cap *u, u64 offset, u64 end);
/* Make the objects (cannot fail once checked).  `zeroed`: untyped_zero
 * has zeroed their memory; otherwise each is zeroed here, at once. */
void untyped_retype(struct cap *u, u32 type, u32 size_bits, u64 offset,
		    struct cap *dest, u64 num, bool zeroed);
/* A boot Untyped capability for [phys, phys + 2^bits). */
void untyped_make_boot_cap(struct cap *slot, paddr_t phys, u32 bits);

#endif
