/*
 * Object sizes, set-up and finalization, by type.
 */
#include "object.h"
#include "thread.h"
#include "space.h"
#include "container.h"
#include "vspace.h"
#include "arch/hooks.h"

/* Each object's structure fits in the memory retype gives it (a Space's
 * in the page after its root table). */
_Static_assert(sizeof(struct thread) <= 1ull << THREAD_BITS, "thread size");
_Static_assert(sizeof(struct space) <= SPACE_OBJ_SIZE - PAGE_SIZE,
	       "space size");
_Static_assert(sizeof(struct container) <= 1ull << CONTAINER_BITS,
	       "container size");

bool object_type_retypeable(u32 type)
{
	switch (type) {
	case CAP_UNTYPED:
	case CAP_CSPACE:
	case CAP_THREAD:
	case CAP_SPACE:
	case CAP_PDPT:
	case CAP_PD:
	case CAP_PT:
	case CAP_PAGE:
	case CAP_LARGE_PAGE:
	case CAP_CONTAINER:
		return true;
	default:
		return false;
	}
}

u32 object_size_bits(u32 type, u64 bits)
{
	switch (type) {
	case CAP_UNTYPED:
		return bits >= UNTYPED_MIN_BITS && bits <= UNTYPED_MAX_BITS
			   ? (u32)bits
			   : 0;
	case CAP_CSPACE:
		return bits >= CSPACE_MIN_BITS && bits <= CSPACE_MAX_BITS
			   ? (u32)bits + CAP_SLOT_BITS
			   : 0;
	case CAP_THREAD:
		return THREAD_BITS;
	case CAP_SPACE:
		return SPACE_BITS;
	case CAP_PDPT:
	case CAP_PD:
	case CAP_PT:
		return TABLE_BITS;
	case CAP_PAGE:
		return PAGE_BITS_4K;
	case CAP_LARGE_PAGE:
		return LARGE_PAGE_BITS;
	case CAP_CONTAINER:
		return CONTAINER_BITS;
	default:
		return 0;
	}
}

void object_init(u32 type, u32 size_bits, u64 obj, struct cap *c)
{
	memset(c, 0, sizeof(*c));
	c->type = (u8)type;
	c->obj = obj;
	switch (type) {
	case CAP_UNTYPED:
		c->untyped.info = size_bits;
		break;
	case CAP_CSPACE:
		c->cspace.bits = size_bits - CAP_SLOT_BITS;
		break;
	case CAP_THREAD:
		thread_object_init((struct thread *)obj);
		break;
	case CAP_SPACE:
		space_object_init((struct space *)(obj + PAGE_SIZE),
				  (void *)obj);
		c->obj = obj + PAGE_SIZE; /* the cap names struct space */
		break;
	case CAP_PAGE:
	case CAP_LARGE_PAGE:
		c->rights = RIGHT_PAGE_ALL;
		break;
	case CAP_CONTAINER:
		container_object_init((struct container *)obj);
		break;
	default:
		break;
	}
}

void object_finalize(const struct cap *c)
{
	switch (cap_object_type(c)) {
	case CAP_THREAD:
		thread_object_destroy((struct thread *)c->obj);
		break;
	case CAP_SPACE:
		space_object_destroy((struct space *)c->obj);
		break;
	case CAP_CONTAINER:
		container_object_destroy((struct container *)c->obj);
		break;
	default:
		break;
	}
}

struct cap *cap_object_slots(const struct cap *c, u32 *count)
{
	switch (cap_object_type(c)) {
	case CAP_CSPACE:
		*count = c->type == CAP_ZOMBIE ? c->zombie.count
					       : 1u << c->cspace.bits;
		return (struct cap *)c->obj;
	case CAP_THREAD:
		*count = THREAD_SLOTS;
		return ((struct thread *)c->obj)->slots;
	case CAP_SPACE:
		*count = SPACE_SLOTS;
		return ((struct space *)c->obj)->slots;
	case CAP_CONTAINER:
		*count = CONTAINER_LIST_SLOTS;
		return ((struct container *)c->obj)->slots;
	default:
		*count = 0;
		return NULL;
	}
}

void object_extent(const struct cap *c, u64 *start, u64 *size)
{
	u8 t = cap_object_type(c);
	*start = c->obj;
	switch (t) {
	case CAP_UNTYPED:
		/* A zombie's words are its walk's: its size bits are
		 * zombie.count. */
		*size = 1ull << (c->type == CAP_ZOMBIE ? c->zombie.count
						       : untyped_bits(c));
		break;
	case CAP_CSPACE: {
		/* A zombie's slot count is zombie.count. */
		u32 n;
		cap_object_slots(c, &n);
		*size = (u64)n << CAP_SLOT_BITS;
		break;
	}
	case CAP_SPACE:
		*start = c->obj - PAGE_SIZE;
		*size = 1ull << SPACE_BITS;
		break;
	default:
		*size =
		    object_size_bits(t, 0) ? 1ull << object_size_bits(t, 0) : 0;
		break;
	}
}
