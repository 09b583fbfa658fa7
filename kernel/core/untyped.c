/*
 * Untyped memory.
 *
 * An Untyped capability names a naturally aligned block of 2^bits bytes of
 * physical memory and allocates from it left to right: `used` (untyped.used) is
 * the watermark.  Each object is aligned to its own size, so padding may
 * be skipped.  Objects are zeroed when made.  When the untyped has no
 * children left (all deleted, or revoked), nothing can refer to its memory
 * any more and the whole block is free again: `used` reads as 0.
 *
 * Zeroing is preemptible, as deletion is: a retype zeroes its objects'
 * memory first (untyped_zero), page by page, and when the scheduler wants
 * the CPU it records how far it got and the call is made again from the
 * start; only then, in one step that cannot fail, are the objects made.
 * No capability to a half-zeroed object ever exists.  The record is the
 * zeroed end, kept in untyped.info above the size bits: [used, zeroed end) is
 * known to hold only zeros.  It stays true because memory above the
 * watermark is never touched (objects live below it): making objects past
 * the mark drops it, and so does a reset (with no children the memory
 * below the old watermark may be dirty).
 */
#include "untyped.h"
#include "cspace.h"
#include "object.h"
#include "space.h"
#include "arch/hooks.h"

#define ZEROED_END_MASK (~(u64)(PAGE_SIZE - 1)) /* in untyped.info */

u64 untyped_size(const struct cap *u)
{
	return 1ull << untyped_bits(u);
}

u64 untyped_used(const struct cap *u)
{
	return u->child ? u->untyped.used : 0;
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
	if (sb > untyped_bits(u))
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

/* The end of the zeroed range above the watermark, or 0 if none is known. */
static u64 zeroed_end(const struct cap *u)
{
	u64 z = u->untyped.info & ZEROED_END_MASK;
	/* Reset (no children, an old watermark): that memory may be dirty. */
	if (!u->child && u->untyped.used)
		return 0;
	return z > u->untyped.used ? z : 0;
}

/* [used, z) is zero (z page-aligned). */
static void set_zeroed_end(struct cap *u, u64 z)
{
	if (!u->child)
		u->untyped.used = 0; /* no object: the watermark is 0 */
	u->untyped.info = untyped_bits(u) | z;
}

int untyped_zero(struct cap *u, u64 offset, u64 end)
{
	u64 used = untyped_used(u), z = zeroed_end(u);
	u64 at = MAX(offset, z);

	while (at < end) {
		u64 next = MIN(ALIGN_DOWN(at, PAGE_SIZE) + PAGE_SIZE, end);
		memset((void *)(u->obj + at), 0, next - at);
		at = next;
		if (at < end && preempt_check()) {
			/* The record starts at the watermark: zero the padding
			 * below `offset` too (less than one object). */
			u64 gap = MAX(used, z);
			if (gap < offset)
				memset((void *)(u->obj + gap), 0, offset - gap);
			set_zeroed_end(u, at);
			return -E_RESTART;
		}
	}
	return 0;
}

void untyped_retype(struct cap *u, u32 type, u32 size_bits, u64 offset,
		    struct cap *dest, u64 num, bool zeroed)
{
	u64 size = 1ull << size_bits, z = zeroed_end(u);
	for (u64 i = 0; i < num; i++) {
		u64 obj = u->obj + offset + i * size;
		/* An untyped's contents are never seen: only objects are
		 * zeroed. */
		if (type != CAP_UNTYPED && !zeroed)
			memset((void *)obj, 0, size);
		object_init(type, size_bits, obj, &dest[i]);
		cdt_insert_child(u, &dest[i]);
	}
	u->untyped.used = offset + num * size;
	if (z <= u->untyped.used)
		u->untyped.info = untyped_bits(u); /* nothing known above now */
}

void untyped_make_boot_cap(struct cap *slot, paddr_t phys, u32 bits)
{
	object_init(CAP_UNTYPED, bits, arch_phys_to_kernel(phys), slot);
	cdt_insert_child(&cdt_anchor, slot);
}
