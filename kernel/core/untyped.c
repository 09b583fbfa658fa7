/*
 * Untyped memory.
 *
 * An Untyped capability names a naturally aligned block of 2^bits bytes of
 * physical memory and allocates from it left to right: `used` (data[1]) is
 * the watermark.  Each object is aligned to its own size, so padding may
 * be skipped.  Objects are zeroed when made.  When the untyped has no
 * children left (all deleted, or revoked), nothing can refer to its memory
 * any more and the whole block is free again: `used` reads as 0.
 */
#include "untyped.h"
#include "object.h"
#include "space.h"
#include "arch/hooks.h"

u64 untyped_size(const struct cap *u)
{
	return 1ull << u->data[0];
}

u64 untyped_used(const struct cap *u)
{
	return u->child ? u->data[1] : 0;
}

u64 untyped_remaining(const struct cap *u)
{
	return untyped_size(u) - untyped_used(u);
}

paddr_t untyped_phys(const struct cap *u)
{
	return arch_kernel_to_phys(u->obj);
}

int untyped_check_retype(const struct cap *u, u32 type, u64 bits, u64 num,
			 u64 *offset, u32 *size_bits)
{
	u32 sb;
	u64 first, total;

	if (!object_type_retypeable(type))
		return -E_INVAL;
	sb = object_size_bits(type, bits);
	if (!sb)
		return -E_RANGE;
	if (num == 0 || num > RETYPE_MAX_NUM)
		return -E_RANGE;
	if (sb > u->data[0])
		return -E_NOMEM;
	first = ALIGN_UP(untyped_used(u), 1ull << sb);
	total = num << sb; /* num <= 4096, sb <= 47: no overflow */
	if (first > untyped_size(u) || total > untyped_size(u) - first)
		return -E_NOMEM;
	if (type == CAP_SPACE && !space_id_available(num))
		return -E_LIMIT;
	*offset = first;
	*size_bits = sb;
	return 0;
}

void untyped_retype(struct cap *u, u32 type, u32 size_bits, u64 offset,
		    struct cap *dest, u64 num)
{
	u64 size = 1ull << size_bits;
	for (u64 i = 0; i < num; i++) {
		u64 obj = u->obj + offset + i * size;
		/* An untyped's contents are never seen: only objects are
		 * zeroed. */
		if (type != CAP_UNTYPED)
			memset((void *)obj, 0, size);
		object_init(type, size_bits, obj, &dest[i]);
		cdt_insert_child(u, &dest[i]);
	}
	u->data[1] = offset + num * size;
}

void untyped_make_boot_cap(struct cap *slot, paddr_t phys, u32 bits)
{
	object_init(CAP_UNTYPED, bits, arch_phys_to_kernel(phys), slot);
	cdt_insert_child(&cdt_anchor, slot);
}
