/*
 * The lab layer's memory calls: mapPage, mapPageTable, kmapPage, and the
 * buffer calls of the lab's Step 7 (allocBuffer, printBuffer,
 * printString).
 *
 * mapPage and mapPageTable map a copy of the lab's capability, kept in one
 * of the lab layer's own slots, never the capability itself: in the lab a
 * capability has no mapping, so moving, copying or clearing it leaves
 * what was mapped in place, and one PageCap may be mapped at several
 * addresses.  kmapPage (no capability in the lab: the kernel's memory)
 * makes its pages, and the page tables they need, from the lab layout's
 * reserve.  Everything they make stays in the lab layer's slots; dump()
 * lists the mappings from there.
 */
#include "lab.h"

/* The lab's user space: below KERNEL_SPACE. */
static long lab_address(unsigned addr)
{
	return addr >= LAB_USER_TOP ? -E_RANGE : 0;
}

/* A capability of exactly `want` in `slot` (the lab has no other page or
 * table types to stand in). */
static long expect(cptr_t slot, uint32_t want)
{
	uint32_t type;
	long r = llp_type(slot, &type);

	if (r)
		return r;
	if (type == CAP_NULL)
		return -E_EMPTY;
	return type == want ? 0 : -E_CAPTYPE;
}

static long map_copy(unsigned cap, unsigned addr, uint32_t type)
{
	uint64_t span = type == CAP_PAGE ? LAB_PAGE_SPAN : LAB_PT_SPAN;
	unsigned rights =
	    type == CAP_PAGE ? RIGHT_PAGE_READ | RIGHT_PAGE_WRITE : 0;
	cptr_t copy;
	long r;

	if ((r = lab_address(addr)) || (r = expect(llp_direct(cap), type)))
		return r;
	if ((r = llp_own_copy(llp_direct(cap), &copy)))
		return r;
	r = tess_map(copy, SPACE_SELF, addr & ~(span - 1), rights);
	if (r)
		tess_delete(llp_own(), copy);
	return r;
}

unsigned mapPage(unsigned cap, unsigned addr)
{
	return llp_ok(map_copy(cap, addr, CAP_PAGE));
}

unsigned mapPageTable(unsigned cap, unsigned addr)
{
	return llp_ok(map_copy(cap, addr, CAP_PT));
}

unsigned kmapPage(unsigned addr)
{
	/* A page that could not be mapped is kept for the next call: the
	 * reserve's memory comes back only when all of it is free. */
	static cptr_t spare;
	struct tess_alloc *own = llp_own();
	long r;

	if ((r = lab_address(addr)))
		return llp_ok(r);
	if (!spare && (r = tess_new(own, CAP_PAGE, 0, &spare)))
		return llp_ok(r);
	r = tess_map_page(own, spare, SPACE_SELF, addr & ~(LAB_PAGE_SPAN - 1),
			  RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	if (r == 0)
		spare = 0;
	return llp_ok(r);
}

unsigned allocBuffer(unsigned ucap, unsigned addr)
{
	long r = lab_address(addr);

	if (r == 0)
		r = tess_alloc_buffer(llp_direct(ucap), addr);
	return llp_ok(r);
}

unsigned printBuffer(unsigned wcap)
{
	return llp_ok(tess_print_buffer(llp_direct(wcap)));
}

unsigned printString(unsigned wcap, const char *addr)
{
	return llp_ok(tess_print_string(llp_direct(wcap), addr));
}
