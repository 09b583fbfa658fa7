/*
 * Untyped memory and paging objects through real system calls: retype of
 * every object type and each of its errors, remaining() and the untyped's
 * watermark, revoke resetting an untyped, memory zeroed on reuse; then the
 * LLP sequence allocPage/allocPageTable/mapPage with x86_64's PD and PDPT
 * levels, every map/unmap error, mapping into another space, what deleting
 * a page, a table or a space undoes, large pages and page_copy; a retype
 * big enough to be preempted, watched by a hostile thread while it zeroes.
 *
 * Everything comes from a private Untyped carved from the shared
 * allocator's; every root slot the suite takes is recorded and given back
 * after that untyped is revoked.  Mappings stay in KT_VA_MEMORY.
 */
#include "ktest.h"

#define MEM_UNTYPED_BITS 24
#define VA0 KT_VA_MEMORY	   /* the LLP sequence's tables; pages PG(n) */
#define VA_PT2 (VA0 + (2ul << 20)) /* a second PT, unmapped and remapped */
#define VA_LARGE (VA0 + (4ul << 20))  /* a large page */
#define VA_COPYPT (VA0 + (6ul << 20)) /* a table copied from a dead space */
#define VA_OLDPT (VA0 + (8ul << 20))  /* the same table's first capability */
#define VA_CUTPT (VA0 + (10ul << 20)) /* a table copied after its PD went */
#define VA_GB1 (VA0 + (1ul << 30))    /* a second PD's range */
#define PG(n) (VA0 + (uintptr_t)(n)*4096)
#define RW (RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)

static cptr_t um;	    /* the suite's private untyped */
static cptr_t pdpt, pd, pt; /* the tables for VA0 in the root space */
static cptr_t seq_page;	    /* the page they map at VA0 */
static cptr_t probe;	    /* the slot va_free() uses */
static uint32_t root_spid;
static char hstack[4096] __attribute__((aligned(16)));

static cptr_t new_untyped(unsigned bits)
{
	return kt_new_obj(um, CAP_UNTYPED, bits);
}

/* Is `va` free in `space`: can a page be mapped there?  0 if so, else the
 * error of the probing map. */
static long va_free(cptr_t space, uintptr_t va)
{
	long r = tess_retype(um, CAP_PAGE, 0, probe, 1);
	if (r)
		return r;
	r = tess_map(probe, space, va, RIGHT_PAGE_READ);
	tess_cap_delete(probe); /* unmaps it */
	return r;
}

static long used_of(cptr_t ut)
{
	return (1l << kt_cap_info(ut).bits) - tess_remaining(ut);
}

static long align_up(long x, long a)
{
	return (x + a - 1) & ~(a - 1);
}

/* ------------------------------------------------------------ untyped */

static void untyped_accounting(void)
{
	cptr_t ut = new_untyped(16), p1, cs, t;

	tap_eq(tess_remaining(ut), 65536,
	       "remaining() of a fresh 64 KiB untyped is 65536");
	p1 = kt_new_obj(ut, CAP_PAGE, 0);
	tap_eq(tess_remaining(ut), 65536 - 4096, "a page takes 4096 bytes");
	cs = kt_new_obj(ut, CAP_CSPACE, 4);
	tap_eq(tess_remaining(ut), 65536 - 4096 - 1024,
	       "a CSpace of 16 slots takes 1024 bytes");
	t = kt_new_obj(ut, CAP_PT, 0);
	tap_eq(tess_remaining(ut), 65536 - 3 * 4096,
	       "a page table is aligned to its size (the padding is skipped)");
	tap_eq(kt_cap_info(t).paddr, kt_cap_info(ut).paddr + 2 * 4096,
	       "the table starts at the next 4 KiB boundary");
	tess_cap_delete(p1);
	tap_eq(tess_remaining(ut), 65536 - 3 * 4096,
	       "deleting one child does not lower the watermark while others "
	       "live");
	tess_cap_delete(t);
	tess_cap_delete(cs);
	tap_eq(tess_remaining(ut), 65536,
	       "deleting every child frees all the memory");
	tap_eq(kt_cap_info(ut).children, 0, "the untyped has no children left");
	tess_cap_delete(ut);
}

struct type_case {
	unsigned type, bits, size_bits, info_bits;
	const char *name;
};

static void retype_every_type(void)
{
	static const struct type_case cases[] = {
	    {CAP_CSPACE, 1, 7, 1, "a CSpace of 2 slots"},
	    {CAP_CSPACE, 12, 18, 12, "a CSpace of 4096 slots"},
	    {CAP_UNTYPED, 12, 12, 12, "an Untyped of 4 KiB"},
	    {CAP_UNTYPED, 14, 14, 14, "an Untyped of 16 KiB"},
	    {CAP_THREAD, 0, THREAD_BITS, THREAD_BITS, "a Thread"},
	    {CAP_SPACE, 0, SPACE_BITS, SPACE_BITS, "a Space"},
	    {CAP_PDPT, 0, 12, 12, "a PDPT"},
	    {CAP_PD, 0, 12, 12, "a PD"},
	    {CAP_PT, 0, 12, 12, "a PT"},
	    {CAP_PAGE, 0, 12, 12, "a Page"},
	    {CAP_CONTAINER, 0, CONTAINER_BITS, CONTAINER_BITS, "a Container"},
	    {CAP_LARGE_PAGE, 0, 21, 21, "a Large page"},
	};
	cptr_t ut = new_untyped(22);

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct type_case *c = &cases[i];
		long used = used_of(ut);
		long want =
		    align_up(used, 1l << c->size_bits) + (1l << c->size_bits);
		cptr_t s = kt_slot();
		if (!tap_eq(tess_retype(ut, c->type, c->bits, s, 1), 0,
			    "retype %s", c->name))
			continue;
		struct cap_info in = kt_cap_info(s);
		tap_ok(in.type == c->type && in.bits == c->info_bits,
		       "cap_info of %s: type %u, bits %u", c->name, in.type,
		       in.bits);
		tap_eq(used_of(ut), want, "%s takes 2^%u bytes, aligned",
		       c->name, c->size_bits);
	}
	tess_cap_revoke(ut);
	tap_eq(tess_remaining(ut), 1l << 22,
	       "revoke gives back the memory of every type");
}

static void retype_many(void)
{
	cptr_t ut = new_untyped(16), cs = kt_new_obj(um, CAP_CSPACE, 3);
	int ok = 1;

	tap_eq(tess_retype(ut, CAP_PAGE, 0, kt_addr2(cs, 2), 4), 0,
	       "retype of 4 pages in one call");
	for (int i = 0; i < 4; i++) {
		struct cap_info in = kt_cap_info(kt_addr2(cs, 2 + i));
		if (in.type != CAP_PAGE ||
		    in.paddr != kt_cap_info(ut).paddr + 4096ul * i)
			ok = 0;
	}
	tap_ok(ok, "the 4 pages fill 4 consecutive slots, in address order");
	tap_ok(kt_cap_type(kt_addr2(cs, 1)) == CAP_NULL &&
		   kt_cap_type(kt_addr2(cs, 6)) == CAP_NULL,
	       "and not the slots around them");
	tap_eq(tess_remaining(ut), 65536 - 4 * 4096, "and take 16 KiB");
	tess_cap_revoke(ut);
	tess_cap_delete(cs);
}

static void retype_errors(void)
{
	cptr_t ut = new_untyped(16), cs = kt_new_obj(um, CAP_CSPACE, 4),
	       s = kt_slot();
	cptr_t e = kt_slot();
	long rem;

	tess_retype(ut, CAP_PAGE, 0, s, 1); /* room for 15 more pages */
	rem = tess_remaining(ut);

	tap_eq(tess_retype(ut, CAP_NULL, 0, e, 1), -E_INVAL,
	       "retype to the null type is E_INVAL");
	tap_eq(tess_retype(ut, CAP_CONSOLE, 0, e, 1), -E_INVAL,
	       "retype to a Console is E_INVAL");
	tap_eq(tess_retype(ut, CAP_IPC, 0, e, 1), -E_INVAL,
	       "retype to a scope capability is E_INVAL");
	tap_eq(tess_retype(ut, 99, 0, e, 1), -E_INVAL,
	       "retype to type 99 is E_INVAL");
	tap_eq(tess_retype(ut, CAP_CSPACE, 0, e, 1), -E_RANGE,
	       "a CSpace of 2^0 slots is E_RANGE");
	tap_eq(tess_retype(ut, CAP_CSPACE, CSPACE_MAX_BITS + 1, e, 1), -E_RANGE,
	       "a CSpace of 2^13 slots is E_RANGE");
	tap_eq(tess_retype(ut, CAP_UNTYPED, 11, e, 1), -E_RANGE,
	       "an Untyped of 2^11 bytes is E_RANGE");
	tap_eq(tess_retype(ut, CAP_UNTYPED, UNTYPED_MAX_BITS + 1, e, 1),
	       -E_RANGE, "an Untyped of 2^48 bytes is E_RANGE");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, e, 0), -E_RANGE,
	       "retype of 0 objects is E_RANGE");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, e, RETYPE_MAX_NUM + 1), -E_RANGE,
	       "retype of 4097 objects is E_RANGE");
	tap_eq(tess_retype(ut, CAP_UNTYPED, 17, e, 1), -E_NOMEM,
	       "an Untyped larger than its parent is E_NOMEM");
	tap_eq(tess_retype(ut, CAP_LARGE_PAGE, 0, e, 1), -E_NOMEM,
	       "a Large page from a 64 KiB untyped is E_NOMEM");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, kt_addr2(cs, 0), 16), -E_NOMEM,
	       "16 pages from an untyped with room for 15 is E_NOMEM");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, kt_addr2(cs, 14), 3), -E_RANGE,
	       "a destination range past the nested CSpace's end is E_RANGE");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, 0xffe, 3), -E_RANGE,
	       "a destination range past the root CSpace's end is E_RANGE");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, 0x1000, 1), -E_BADCAP,
	       "a destination beyond the CSpace is E_BADCAP");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, kt_addr2(BOOT_SLOT_TIMER, 0), 1),
	       -E_BADCAP,
	       "a destination through a non-CSpace capability is E_BADCAP");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, s, 1), -E_OCCUPIED,
	       "an occupied destination is E_OCCUPIED");
	tap_eq(tess_retype(BOOT_SLOT_WINDOW0, CAP_PAGE, 0, e, 1), -E_CAPTYPE,
	       "retype from a Window capability is E_CAPTYPE");
	tap_eq(tess_retype(s, CAP_PAGE, 0, e, 1), -E_CAPTYPE,
	       "retype from a Page capability is E_CAPTYPE");
	tap_eq(tess_retype(e, CAP_PAGE, 0, e, 1), -E_EMPTY,
	       "retype from an empty slot is E_EMPTY");
	tap_eq(tess_retype(0x1000, CAP_PAGE, 0, e, 1), -E_BADCAP,
	       "retype from a bad address is E_BADCAP");
	tap_eq(tess_remaining(ut), rem, "no refused retype took any memory");
	tap_eq(kt_cap_type(e), CAP_NULL,
	       "no refused retype filled the destination");
	tap_eq(kt_cap_info(cs).children, 0,
	       "no refused retype made anything in the nested CSpace");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, kt_addr2(cs, 14), 2), 0,
	       "the last two slots of the nested CSpace can be filled");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, kt_addr2(cs, 0), 13), 0,
	       "the untyped can be filled to the last byte");
	tap_eq(tess_remaining(ut), 0, "remaining() of a full untyped is 0");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, e, 1), -E_NOMEM,
	       "retype from a full untyped is E_NOMEM");

	tap_eq(tess_remaining(BOOT_SLOT_WINDOW0), -E_CAPTYPE,
	       "remaining() of a Window is E_CAPTYPE");
	tap_eq(tess_remaining(e), -E_EMPTY,
	       "remaining() of an empty slot is E_EMPTY");
	tap_eq(tess_remaining(0x1000), -E_BADCAP,
	       "remaining() of a bad address is E_BADCAP");
	tess_cap_revoke(ut);
	tess_cap_delete(cs);
}

/* Space ids are a kernel table: a retype of more Spaces than there are
 * free ids is refused before anything is made (an untyped's memory is not
 * touched by retype into Untyped, so 32 MiB for this costs nothing). */
static void retype_space_limit(void)
{
	cptr_t big = kt_slot(), e = kt_slot();
	long rem;

	if (!tap_eq(tess_retype(ka->untyped, CAP_UNTYPED, 25, big, 1), 0,
		    "a 32 MiB untyped, room for 4096 Spaces"))
		return;
	rem = tess_remaining(big);
	tap_eq(
	    tess_retype(big, CAP_SPACE, 0, e, RETYPE_MAX_NUM), -E_LIMIT,
	    "retype of 4096 Spaces, more than there are space ids, is E_LIMIT");
	tap_ok(tess_remaining(big) == rem && kt_cap_type(e) == CAP_NULL,
	       "the refused retype made nothing");
	tess_cap_delete(big);
}

static void retype_last_slot_occupied(void)
{
	cptr_t ut = new_untyped(16), cs = kt_new_obj(um, CAP_CSPACE, 4);
	long rem;
	int empty = 1;

	tess_cap_copy(BOOT_SLOT_TIMER, kt_addr2(cs, 5));
	rem = tess_remaining(ut);
	tap_eq(tess_retype(ut, CAP_PAGE, 0, kt_addr2(cs, 2), 4), -E_OCCUPIED,
	       "retype of 4 objects whose last slot is occupied is E_OCCUPIED");
	tap_eq(tess_remaining(ut), rem,
	       "retype with the last slot occupied takes no memory");
	for (unsigned i = 0; i < 16; i++)
		if (i != 5 && kt_cap_type(kt_addr2(cs, i)) != CAP_NULL)
			empty = 0;
	tap_ok(empty, "retype with the last slot occupied fills no slot "
		      "before, in or after the range");
	tap_eq(kt_cap_type(kt_addr2(cs, 5)), CAP_TIMER,
	       "the occupying capability is untouched");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, kt_addr2(cs, 1), 4), 0,
	       "the same retype one slot lower succeeds");
	tap_ok(kt_cap_type(kt_addr2(cs, 1)) == CAP_PAGE &&
		   kt_cap_type(kt_addr2(cs, 4)) == CAP_PAGE &&
		   kt_cap_type(kt_addr2(cs, 0)) == CAP_NULL &&
		   kt_cap_type(kt_addr2(cs, 5)) == CAP_TIMER,
	       "it fills exactly slots 1..4");
	tess_cap_delete(cs); /* its timer copy and pages go with it */
	tap_eq(tess_remaining(ut), 65536,
	       "destroying the CSpace deleted the pages in it");
}

static void revoke_resets_untyped(void)
{
	cptr_t ut = new_untyped(16), a, b, c;
	long first = tess_remaining(ut);

	a = kt_new_obj(ut, CAP_PAGE, 0);
	b = kt_new_obj(ut, CAP_CSPACE, 2);
	c = kt_new_obj(ut, CAP_UNTYPED, 13);
	tess_retype(c, CAP_PAGE, 0, kt_addr2(b, 1), 1); /* a grandchild */
	tap_ok(tess_remaining(ut) < first, "retype lowers remaining()");
	tap_eq(tess_cap_revoke(ut), 0, "revoke of an untyped");
	tap_eq(tess_remaining(ut), first,
	       "revoke of an untyped returns remaining() to its first value");
	tap_ok(kt_cap_type(a) == CAP_NULL && kt_cap_type(b) == CAP_NULL &&
		   kt_cap_type(c) == CAP_NULL,
	       "revoke of an untyped deletes every object made from it");
	tap_eq(kt_cap_type(ut), CAP_UNTYPED, "the revoked untyped stays");
	tap_eq(tess_retype(ut, CAP_UNTYPED, 16, a, 1), 0,
	       "the whole untyped can be retyped again");
	tess_cap_revoke(ut);
}

/* Deleting an untyped destroys what was made from it first (DESIGN.md,
 * section 3): nothing may outlive the capability to its memory. */
static void untyped_delete_children(void)
{
	cptr_t ut = new_untyped(16), child = kt_new_obj(ut, CAP_UNTYPED, 14), p;

	p = kt_new_obj(child, CAP_PAGE, 0);
	tap_eq(kt_cap_type(p), CAP_PAGE, "a page made from a child untyped");
	tap_eq(tess_cap_delete(child), 0, "delete the child untyped");
	tap_eq(kt_cap_type(p), CAP_NULL,
	       "deleting an untyped deleted the page made from it");
	tess_cap_delete(p);
	tap_eq(tess_remaining(ut), 65536,
	       "and the parent untyped is whole again");

	/* The same when the untyped goes with a CSpace that holds it. */
	cptr_t cs = kt_new_obj(ut, CAP_CSPACE, 2);
	child = kt_new_obj(ut, CAP_UNTYPED, 14);
	p = kt_new_obj(child, CAP_PAGE, 0);
	tap_eq(tess_cap_move(child, kt_addr2(cs, 1)), 0,
	       "move a child untyped with a page into a CSpace");
	tap_eq(tess_cap_delete(cs), 0, "delete the CSpace holding the untyped");
	tap_eq(kt_cap_type(p), CAP_NULL,
	       "destroying the CSpace deleted the page made from the untyped "
	       "in it");
	tess_cap_delete(p);
	tess_cap_delete(ut);
}

static void zeroed_on_reuse(void)
{
	cptr_t ut = new_untyped(16), p = kt_slot();
	volatile uint64_t *v = (volatile uint64_t *)PG(1);
	uint64_t paddr;
	int zero = 1;

	if (!tap_eq(tess_retype(ut, CAP_PAGE, 0, p, 1), 0, "a page to dirty") ||
	    !tap_eq(tess_map(p, SPACE_SELF, PG(1), RW), 0,
		    "map the page to dirty"))
		return;
	paddr = kt_cap_info(p).paddr;
	for (int i = 0; i < 512; i++)
		v[i] = 0xdeadbeefcafef00dull ^ (uint64_t)i;
	tap_eq(v[511], 0xdeadbeefcafef00dull ^ 511,
	       "the page holds what was written");
	tap_eq(tess_cap_revoke(ut), 0, "revoke its untyped (the page goes)");
	tap_eq(tess_retype(ut, CAP_PAGE, 0, p, 1), 0, "retype a page again");
	tap_eq(kt_cap_info(p).paddr, paddr, "the new page is the same frame");
	tap_eq(tess_map(p, SPACE_SELF, PG(1), RW), 0, "map the new page");
	for (int i = 0; i < 512; i++)
		if (v[i])
			zero = 0;
	tap_ok(zero, "memory is zeroed on reuse");
	tess_cap_revoke(ut);
}

/* ------------------------------------------------------------ paging */

static void paging_sequence(void)
{
	cptr_t page = seq_page = kt_slot();
	volatile uint64_t *v = (volatile uint64_t *)VA0;
	struct cap_info in;

	pt = kt_slot();
	pd = kt_slot();
	pdpt = kt_slot();
	tap_eq(tess_retype(um, CAP_PAGE, 0, page, 1), 0, "allocPage");
	tap_eq(tess_retype(um, CAP_PT, 0, pt, 1), 0, "allocPageTable");
	tap_eq(tess_retype(um, CAP_PD, 0, pd, 1), 0, "allocPageDirectory");
	tap_eq(tess_retype(um, CAP_PDPT, 0, pdpt, 1), 0, "allocPDPT");
	tap_eq(tess_map(page, SPACE_SELF, VA0, RW), -E_NOTMAPPED,
	       "mapPage with no page table there is E_NOTMAPPED");
	tap_eq(tess_map(pt, SPACE_SELF, VA0, 0), -E_NOTMAPPED,
	       "mapPageTable with no PD there is E_NOTMAPPED");
	tap_eq(tess_map(pd, SPACE_SELF, VA0, 0), -E_NOTMAPPED,
	       "mapping a PD with no PDPT there is E_NOTMAPPED");
	tap_eq(tess_map(pdpt, SPACE_SELF, VA0, 0), 0, "map the PDPT");
	tap_eq(tess_map(pd, SPACE_SELF, VA0, 0), 0, "map the PD");
	tap_eq(tess_map(pt, SPACE_SELF, VA0, 0), 0, "map the PT");
	tap_eq(tess_map(page, SPACE_SELF, VA0, RW), 0,
	       "mapPage once the tables are there");
	v[0] = 0x1234567890abcdefull;
	v[511] = 42;
	tap_ok(v[0] == 0x1234567890abcdefull && v[511] == 42,
	       "the mapped page is readable and writable");
	in = kt_cap_info(page);
	tap_ok(in.mapped == 1 && in.vaddr == VA0 && in.spid == root_spid,
	       "cap_info of the page: mapped at %lx in space %u",
	       (unsigned long)in.vaddr, in.spid);
	in = kt_cap_info(pt);
	tap_ok(in.mapped == 1 && in.vaddr == VA0 && in.bits == 12,
	       "cap_info of the page table: mapped at %lx",
	       (unsigned long)in.vaddr);
	tap_eq(kt_cap_info(pdpt).mapped, 1, "cap_info of the PDPT: mapped");
}

static void map_errors(void)
{
	cptr_t page = seq_page;
	cptr_t q = kt_new_obj(um, CAP_PAGE, 0), t2 = kt_new_obj(um, CAP_PT, 0);
	cptr_t d2 = kt_new_obj(um, CAP_PD, 0), p2 = kt_new_obj(um, CAP_PDPT, 0);
	cptr_t large = kt_new_obj(um, CAP_LARGE_PAGE, 0),
	       cs = kt_new_obj(um, CAP_CSPACE, 1);
	cptr_t ro = kt_slot(), e = kt_slot();
	volatile uint64_t *v = (volatile uint64_t *)PG(3);

	tap_eq(tess_map(q, SPACE_SELF, VA0, RW), -E_MAPPED,
	       "mapping a page where one is is E_MAPPED");
	tap_eq(tess_map(t2, SPACE_SELF, VA0, 0), -E_MAPPED,
	       "mapping a PT where one is is E_MAPPED");
	tap_eq(tess_map(d2, SPACE_SELF, VA0, 0), -E_MAPPED,
	       "mapping a PD where one is is E_MAPPED");
	tap_eq(tess_map(p2, SPACE_SELF, VA0, 0), -E_MAPPED,
	       "mapping a PDPT where one is is E_MAPPED");
	tap_eq(tess_map(page, SPACE_SELF, PG(3), RW), -E_MAPPED,
	       "mapping an already mapped page capability again is E_MAPPED");
	tap_eq(tess_map(pt, SPACE_SELF, VA_PT2, 0), -E_MAPPED,
	       "mapping an already mapped table capability again is E_MAPPED");

	tap_eq(tess_map(q, SPACE_SELF, 0xffff800000000000ul, RW), -E_RANGE,
	       "mapping a page in the kernel half is E_RANGE");
	tap_eq(tess_map(q, SPACE_SELF, 0xffffffff80000000ul, RW), -E_RANGE,
	       "mapping a page over the kernel image is E_RANGE");
	tap_eq(tess_map(q, SPACE_SELF, 0x0000800000000000ul, RW), -E_RANGE,
	       "mapping a page at a non-canonical address is E_RANGE");
	tap_eq(tess_map(q, SPACE_SELF, USER_ADDR_TOP, RW), -E_RANGE,
	       "mapping a page at USER_ADDR_TOP is E_RANGE");
	tap_eq(
	    tess_map(q, SPACE_SELF, 0xfffffffffffff000ul, RW), -E_RANGE,
	    "mapping a page at the last page of the address space is E_RANGE");
	tap_eq(tess_map(t2, SPACE_SELF, 0x0000800000000000ul, 0), -E_RANGE,
	       "mapping a PT at a non-canonical address is E_RANGE");
	tap_eq(tess_map(p2, SPACE_SELF, 0xffff800000000000ul, 0), -E_RANGE,
	       "mapping a PDPT in the kernel half is E_RANGE");

	tap_eq(tess_map(q, SPACE_SELF, PG(3) + 8, RW), -E_ALIGN,
	       "mapping a page at an unaligned address is E_ALIGN");
	tap_eq(tess_map(t2, SPACE_SELF, VA_PT2 + 4096, 0), -E_ALIGN,
	       "mapping a PT at an address not 2 MiB aligned is E_ALIGN");
	tap_eq(tess_map(d2, SPACE_SELF, VA0 + (1ul << 30) + (2ul << 20), 0),
	       -E_ALIGN,
	       "mapping a PD at an address not 1 GiB aligned is E_ALIGN");
	tap_eq(tess_map(p2, SPACE_SELF, VA0 + (1ul << 30), 0), -E_ALIGN,
	       "mapping a PDPT at an address not 512 GiB aligned is E_ALIGN");
	tap_eq(
	    tess_map(large, SPACE_SELF, VA_LARGE + 4096, RW), -E_ALIGN,
	    "mapping a large page at an address not 2 MiB aligned is E_ALIGN");

	tap_eq(tess_map(q, SPACE_SELF, PG(3), 0), -E_INVAL,
	       "mapping a page with no rights is E_INVAL");
	tap_eq(tess_map(q, SPACE_SELF, PG(3), RIGHT_PAGE_WRITE), -E_INVAL,
	       "mapping a page writable but not readable is E_INVAL");
	tap_eq(tess_map(q, SPACE_SELF, PG(3), RW | 8), -E_INVAL,
	       "mapping a page with an unknown right is E_INVAL");
	tap_eq(tess_syscall4(SYS_map, (long)q, (long)SPACE_SELF, (long)PG(3),
			     (1l << 32) | RW),
	       -E_INVAL, "mapping a page with rights above 32 bits is E_INVAL");

	tap_eq(tess_cap_mint(page, ro, RIGHT_PAGE_READ, 0), 0,
	       "mint a read-only capability to the mapped page");
	tap_eq(tess_map(ro, SPACE_SELF, PG(3), RW), -E_RIGHTS,
	       "mapping a read-only page capability writable is E_RIGHTS");
	tap_eq(
	    tess_map(ro, SPACE_SELF, PG(3), RIGHT_PAGE_READ | RIGHT_PAGE_EXEC),
	    -E_RIGHTS,
	    "mapping a read-only page capability executable is E_RIGHTS");
	tap_eq(tess_map(ro, SPACE_SELF, PG(3), RIGHT_PAGE_READ), 0,
	       "mapping it read-only succeeds");
	tap_eq(v[0], 0x1234567890abcdefull,
	       "the read-only mapping shows the same frame");
	tap_eq(tess_unmap(ro), 0, "unmap the read-only mapping");

	tap_eq(tess_map(BOOT_SLOT_WINDOW0, SPACE_SELF, PG(3), RW), -E_CAPTYPE,
	       "mapping a Window capability is E_CAPTYPE");
	tap_eq(tess_map(cs, SPACE_SELF, PG(3), RW), -E_CAPTYPE,
	       "mapping a CSpace capability is E_CAPTYPE");
	tap_eq(tess_map(um, SPACE_SELF, PG(3), RW), -E_CAPTYPE,
	       "mapping an Untyped capability is E_CAPTYPE");
	tap_eq(tess_map(q, BOOT_SLOT_TIMER, PG(3), RW), -E_CAPTYPE,
	       "mapping into a space named by a Timer capability is E_CAPTYPE");
	tap_eq(tess_map(q, e, PG(3), RW), -E_EMPTY,
	       "mapping into a space named by an empty slot is E_EMPTY");
	tap_eq(tess_map(q, 0x1000, PG(3), RW), -E_BADCAP,
	       "mapping into a space at a bad address is E_BADCAP");
	tap_eq(tess_map(e, SPACE_SELF, PG(3), RW), -E_EMPTY,
	       "mapping an empty slot is E_EMPTY");
	tap_eq(tess_map(0x1000, SPACE_SELF, PG(3), RW), -E_BADCAP,
	       "mapping a bad address is E_BADCAP");
	tap_ok(!kt_cap_info(q).mapped && !kt_cap_info(t2).mapped &&
		   !kt_cap_info(d2).mapped && !kt_cap_info(p2).mapped &&
		   !kt_cap_info(large).mapped,
	       "no refused map mapped anything");
	tap_eq(tess_map(q, SPACE_SELF, PG(3), RW), 0,
	       "the page refused everywhere maps at a free address");
	tess_cap_delete(q);
	tess_cap_delete(t2);
	tess_cap_delete(d2);
	tess_cap_delete(p2);
	tess_cap_delete(large);
	tess_cap_delete(cs);
	tess_cap_delete(ro);
}

static void unmap_ops(void)
{
	cptr_t q = kt_new_obj(um, CAP_PAGE, 0),
	       fresh = kt_new_obj(um, CAP_PAGE, 0), e = kt_slot();

	tess_map(q, SPACE_SELF, PG(4), RW);
	tap_eq(tess_unmap(q), 0, "unmap a mapped page");
	tap_eq(kt_cap_info(q).mapped, 0,
	       "cap_info: the page is no longer mapped");
	tap_eq(tess_unmap(q), -E_NOTMAPPED,
	       "unmapping it again is E_NOTMAPPED");
	tap_eq(tess_unmap(fresh), -E_NOTMAPPED,
	       "unmapping a page never mapped is E_NOTMAPPED");
	tap_eq(tess_unmap(BOOT_SLOT_WINDOW0), -E_CAPTYPE,
	       "unmapping a Window capability is E_CAPTYPE");
	tap_eq(tess_unmap(e), -E_EMPTY, "unmapping an empty slot is E_EMPTY");
	tap_eq(tess_unmap(0x1000), -E_BADCAP,
	       "unmapping a bad address is E_BADCAP");
	tap_eq(tess_map(fresh, SPACE_SELF, PG(4), RW), 0,
	       "the unmapped address can be mapped again");
	tap_eq(tess_map(q, SPACE_SELF, PG(5), RW), 0,
	       "the unmapped page can be mapped elsewhere");
	tap_eq(tess_cap_move(q, e), 0, "move the mapped page capability");
	tap_ok(kt_cap_info(e).mapped && kt_cap_info(e).vaddr == PG(5),
	       "a moved page capability keeps its mapping");
	tap_eq(tess_unmap(e), 0, "and can unmap it from its new slot");
	tess_cap_delete(e);
	tess_cap_delete(fresh);
}

static void delete_unmaps(void)
{
	cptr_t p = kt_new_obj(um, CAP_PAGE, 0), c = kt_slot();
	volatile uint64_t *a = (volatile uint64_t *)PG(6),
			  *b = (volatile uint64_t *)PG(7);

	tess_map(p, SPACE_SELF, PG(6), RW);
	a[0] = 77;
	tap_eq(tess_cap_copy(p, c), 0, "copy a mapped page capability");
	tap_eq(kt_cap_info(c).mapped, 0,
	       "the copy of a mapped page capability is not mapped");
	tap_eq(tess_map(c, SPACE_SELF, PG(7), RW), 0,
	       "map the copy at a second address");
	tap_eq(b[0], 77, "both addresses show the same frame");
	tap_eq(tess_cap_delete(p), 0, "delete the first capability");
	tap_eq(va_free(SPACE_SELF, PG(6)), 0,
	       "deleting a capability undoes its mapping");
	tap_ok(kt_cap_info(c).mapped && b[0] == 77,
	       "the other capability's mapping stays");
	tap_eq(tess_cap_delete(c), 0, "delete the last capability to the page");
	tap_eq(va_free(SPACE_SELF, PG(7)), 0,
	       "deleting the last capability unmaps the page");
}

static void table_unmap_clears(void)
{
	cptr_t t2 = kt_new_obj(um, CAP_PT, 0), r = kt_new_obj(um, CAP_PAGE, 0);

	tap_eq(tess_map(t2, SPACE_SELF, VA_PT2, 0), 0,
	       "map a second page table");
	tap_eq(tess_map(r, SPACE_SELF, VA_PT2, RW), 0, "map a page through it");
	tap_eq(tess_unmap(t2), 0, "unmap the page table");
	tap_eq(kt_cap_info(r).mapped, 0,
	       "unmapping a table unmaps the page below it");
	tap_eq(tess_map(r, SPACE_SELF, VA_PT2, RW), -E_NOTMAPPED,
	       "with the table gone the page cannot be mapped there");
	tap_eq(tess_map(t2, SPACE_SELF, VA_PT2, 0), 0, "map the table again");
	tap_eq(tess_map(r, SPACE_SELF, VA_PT2, RW), 0,
	       "the remapped table is empty: the page maps again");
	tap_eq(tess_cap_delete(t2), 0, "delete the mapped page table");
	tap_eq(kt_cap_info(r).mapped, 0,
	       "deleting a table unmaps the page below it");
	t2 = kt_new_obj(um, CAP_PT, 0);
	tap_eq(tess_map(t2, SPACE_SELF, VA_PT2, 0), 0,
	       "the deleted table's place is free");
	tess_cap_delete(r);
	tess_cap_delete(t2);
}

static void large_page(void)
{
	cptr_t l = kt_new_obj(um, CAP_LARGE_PAGE, 0),
	       t2 = kt_new_obj(um, CAP_PT, 0);
	volatile uint64_t *v = (volatile uint64_t *)VA_LARGE;
	struct cap_info in;

	tap_eq(tess_map(l, SPACE_SELF, VA_LARGE, RW), 0,
	       "map a large page at a 2 MiB boundary");
	v[0] = 5;
	v[(2 << 20) / 8 - 1] = 6;
	tap_ok(v[0] == 5 && v[(2 << 20) / 8 - 1] == 6,
	       "both ends of the large page are usable");
	in = kt_cap_info(l);
	tap_ok(in.type == CAP_LARGE_PAGE && in.bits == 21 && in.mapped &&
		   in.vaddr == VA_LARGE,
	       "cap_info of the large page: 2^21 bytes, mapped at %lx",
	       (unsigned long)in.vaddr);
	tap_eq(tess_map(t2, SPACE_SELF, VA_LARGE, 0), -E_MAPPED,
	       "mapping a page table over a large page is E_MAPPED");
	tap_eq(va_free(SPACE_SELF, VA_LARGE + 0x5000), -E_MAPPED,
	       "mapping a 4 KiB page inside a large page is E_MAPPED");
	tap_eq(tess_unmap(l), 0, "unmap the large page");
	tap_eq(tess_map(t2, SPACE_SELF, VA_LARGE, 0), 0,
	       "a page table fits where the large page was");
	tap_eq(tess_map(l, SPACE_SELF, VA_LARGE, RW), -E_MAPPED,
	       "mapping a large page over a page table is E_MAPPED");
	tess_cap_delete(t2);
	tess_cap_delete(l);
}

/* A second space: its own tables, a page mapped in both spaces, and what
 * deleting page capabilities and the space itself undoes. */
static void other_space(void)
{
	cptr_t s2 = kt_new_obj(um, CAP_SPACE, 0);
	cptr_t bpdpt = kt_new_obj(um, CAP_PDPT, 0),
	       bpd = kt_new_obj(um, CAP_PD, 0);
	cptr_t bpt = kt_new_obj(um, CAP_PT, 0);
	cptr_t pa = kt_new_obj(um, CAP_PAGE, 0), pb = kt_slot();
	cptr_t pc = kt_new_obj(um, CAP_PAGE, 0), pdup = kt_slot();
	cptr_t y = kt_new_obj(um, CAP_PAGE, 0), z = kt_new_obj(um, CAP_PAGE, 0);
	cptr_t tcopy = kt_slot();
	struct cap_info in;
	uint32_t spid2;

	spid2 = kt_cap_info(s2).spid;
	tap_ok(spid2 != 0 && spid2 != root_spid,
	       "a new Space has its own id (%u)", spid2);
	tap_eq(tess_map(bpt, s2, VA0, 0), -E_NOTMAPPED,
	       "a new space has no tables: mapping a PT is E_NOTMAPPED");
	tap_eq(tess_map(bpdpt, s2, VA0, 0), 0,
	       "map a PDPT into the other space");
	tap_eq(tess_map(bpd, s2, VA0, 0), 0, "map a PD into the other space");
	tap_eq(tess_map(bpt, s2, VA0, 0), 0, "map a PT into the other space");
	in = kt_cap_info(bpt);
	tap_ok(in.mapped && in.spid == spid2,
	       "cap_info: the PT is mapped in the other space");

	/* One page, a capability mapped in each space. */
	tess_cap_copy(pa, pb);
	tap_eq(tess_map(pa, SPACE_SELF, PG(8), RW), 0,
	       "map a page in the own space");
	tap_eq(tess_map(pb, s2, PG(8), RW), 0,
	       "map a copy of it in the other space");
	tap_ok(kt_cap_info(pa).mapped && kt_cap_info(pa).spid == root_spid &&
		   kt_cap_info(pb).mapped && kt_cap_info(pb).spid == spid2,
	       "cap_info: one capability mapped in each space");
	tap_eq(va_free(s2, PG(8)), -E_MAPPED,
	       "the other space's address is taken");
	tap_eq(tess_cap_delete(pa), 0, "delete the own space's capability");
	tap_eq(va_free(SPACE_SELF, PG(8)), 0,
	       "the own space's address is free");
	tap_eq(kt_cap_info(pb).mapped, 1,
	       "the other space's mapping stays while a capability lives");
	tap_eq(tess_cap_delete(pb), 0,
	       "delete the last capability to the page");
	tap_eq(va_free(s2, PG(8)), 0,
	       "the page is unmapped from the other space too");

	/* Revoke takes the copies' mappings in other spaces with them. */
	tess_cap_copy(pc, pdup);
	tess_map(pc, SPACE_SELF, PG(9), RW);
	tess_map(pdup, s2, PG(9), RW);
	tap_eq(tess_cap_revoke(pc), 0, "revoke a page mapped in two spaces");
	tap_eq(kt_cap_type(pdup), CAP_NULL, "the copy is gone");
	tap_eq(va_free(s2, PG(9)), 0,
	       "and so is its mapping in the other space");
	tap_eq(kt_cap_info(pc).mapped, 1,
	       "the revoked capability's own mapping stays");
	tess_cap_delete(pc);
	tap_eq(va_free(SPACE_SELF, PG(9)), 0,
	       "deleting it frees the own address");

	/* The space dies: its mappings go stale, and none comes back. */
	tess_map(y, s2, PG(10), RW);
	tess_map(z, s2, PG(11), RW);
	tap_ok(kt_cap_info(y).mapped && kt_cap_info(z).mapped,
	       "two pages mapped in the other space");
	tap_eq(tess_cap_delete(s2), 0,
	       "delete the other space's last capability");
	tap_ok(!kt_cap_info(y).mapped && !kt_cap_info(bpt).mapped,
	       "deleting a space leaves its pages and tables unmapped");
	tap_eq(tess_map(y, SPACE_SELF, PG(10), RW), 0,
	       "a page of the dead space can be mapped again");
	tap_eq(tess_cap_delete(z), 0,
	       "delete a page that was mapped in the dead space");
	tap_eq(tess_cap_copy(bpt, tcopy), 0,
	       "copy the dead space's page table");
	tap_eq(tess_map(tcopy, SPACE_SELF, VA_COPYPT, 0), 0,
	       "map the copy in the own space");
	tap_eq(va_free(SPACE_SELF, VA_COPYPT + 11 * 4096), 0,
	       "the copied table holds no stale entry for the deleted page");
	tap_eq(tess_map(bpt, SPACE_SELF, VA_OLDPT, 0), -E_MAPPED,
	       "a table is mapped at one place at most: not through a second "
	       "capability while the copy's mapping lives");
	tap_eq(tess_unmap(tcopy), 0, "unmap the copy");
	tap_eq(tess_map(bpt, SPACE_SELF, VA_OLDPT, 0), 0,
	       "map the dead space's table by its own capability");
	tap_eq(va_free(SPACE_SELF, VA_OLDPT + 11 * 4096), 0,
	       "the table mapped again by its own capability holds no stale "
	       "entry");
	tess_cap_delete(tcopy);
	tess_cap_delete(bpt);
	tess_cap_delete(bpd);
	tess_cap_delete(bpdpt);
	tess_cap_delete(y);
}

/* A page table cut off from its space by unmapping the PD above it keeps
 * its entries; a page deleted meanwhile must still not come back when a
 * copy of that table is mapped. */
static void cut_off_table(void)
{
	cptr_t pd2 = kt_new_obj(um, CAP_PD, 0), t3 = kt_new_obj(um, CAP_PT, 0);
	cptr_t p3 = kt_new_obj(um, CAP_PAGE, 0), t3c = kt_slot();

	tap_eq(tess_map(pd2, SPACE_SELF, VA_GB1, 0), 0, "map a second PD");
	tap_eq(tess_map(t3, SPACE_SELF, VA_GB1, 0), 0, "map a PT below it");
	tap_eq(tess_map(p3, SPACE_SELF, VA_GB1 + 3 * 4096, RW), 0,
	       "map a page in that PT");
	tap_eq(tess_cap_copy(t3, t3c), 0, "copy the PT capability");
	tap_eq(tess_unmap(pd2), 0, "unmap the PD above the PT");
	tap_eq(kt_cap_info(p3).mapped, 0, "the page is no longer mapped");
	tap_eq(tess_cap_delete(p3), 0, "delete the page");
	tap_eq(tess_map(t3c, SPACE_SELF, VA_CUTPT, 0), 0,
	       "map the copy of the cut-off PT");
	tap_eq(va_free(SPACE_SELF, VA_CUTPT + 3 * 4096), 0,
	       "the cut-off table holds no stale entry for the deleted page");
	tess_cap_delete(t3c);
	tess_cap_delete(t3);
	tess_cap_delete(pd2);
}

static void page_copy(void)
{
	cptr_t p1 = kt_new_obj(um, CAP_PAGE, 0),
	       p2 = kt_new_obj(um, CAP_PAGE, 0);
	cptr_t t2 = kt_new_obj(um, CAP_PT, 0),
	       l = kt_new_obj(um, CAP_LARGE_PAGE, 0);
	cptr_t wo = kt_slot(), ro = kt_slot(), e = kt_slot();
	volatile uint8_t *a = (volatile uint8_t *)PG(12),
			 *b = (volatile uint8_t *)PG(13);
	int same = 1;

	tess_map(p1, SPACE_SELF, PG(12), RW);
	for (int i = 0; i < 4096; i++)
		a[i] = (uint8_t)(i * 7 + 1);
	tap_eq(tess_page_copy(p1, p2), 0, "page_copy");
	tess_map(p2, SPACE_SELF, PG(13), RW);
	for (int i = 0; i < 4096; i++)
		if (b[i] != (uint8_t)(i * 7 + 1))
			same = 0;
	tap_ok(same, "page_copy copied all 4096 bytes");
	tap_eq(tess_page_copy(p1, p1), 0, "page_copy of a page onto itself");
	tap_eq(a[4095], (uint8_t)(4095 * 7 + 1), "leaves it as it was");

	for (int i = 0; i < 4096; i++)
		a[i] = 0xee;
	tess_cap_mint(p1, wo, RIGHT_PAGE_WRITE, 0);
	tess_cap_mint(p2, ro, RIGHT_PAGE_READ, 0);
	tap_eq(tess_page_copy(wo, p2), -E_RIGHTS,
	       "page_copy from a capability without read is E_RIGHTS");
	tap_eq(tess_page_copy(p1, ro), -E_RIGHTS,
	       "page_copy to a capability without write is E_RIGHTS");
	tap_eq(tess_page_copy(p1, t2), -E_CAPTYPE,
	       "page_copy to a page table is E_CAPTYPE");
	tap_eq(tess_page_copy(t2, p2), -E_CAPTYPE,
	       "page_copy from a page table is E_CAPTYPE");
	tap_eq(tess_page_copy(p1, l), -E_CAPTYPE,
	       "page_copy from a page to a large page is E_CAPTYPE");
	tap_eq(tess_page_copy(BOOT_SLOT_WINDOW0, p2), -E_CAPTYPE,
	       "page_copy from a Window is E_CAPTYPE");
	tap_eq(tess_page_copy(e, p2), -E_EMPTY,
	       "page_copy from an empty slot is E_EMPTY");
	tap_eq(tess_page_copy(p1, e), -E_EMPTY,
	       "page_copy to an empty slot is E_EMPTY");
	tap_eq(tess_page_copy(0x1000, p2), -E_BADCAP,
	       "page_copy from a bad address is E_BADCAP");
	tap_eq(tess_page_copy(p1, 0x1000), -E_BADCAP,
	       "page_copy to a bad address is E_BADCAP");
	tap_eq(b[100], (uint8_t)(100 * 7 + 1),
	       "no refused page_copy changed the destination");
	tess_cap_delete(wo);
	tess_cap_delete(ro);
	tess_cap_delete(l);
	tess_cap_delete(t2);
	tess_cap_delete(p2);
	tess_cap_delete(p1);
}

/* ------------------------------------------------------- preemptible retype */

#define VA_BIG (KT_VA_MEMORY + (8ul << 30)) /* a GiB of large pages */
#define LARGE (1ul << 21)
#define BIG_SLOT_BITS 7

/* The hostile thread: at my priority, it looks once per turn, while my
 * retype is under way, at what the retype may not show yet. */
static struct {
	volatile uint32_t stop, in_retype, mid, half, bad_remaining, took;
	cptr_t ut, first, last, own;
	uint64_t size;
} hostile;

static void hostile_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	while (!hostile.stop) {
		if (hostile.in_retype) {
			uint32_t a = kt_cap_type(hostile.first);
			uint32_t b = kt_cap_type(hostile.last);
			long rem = tess_remaining(hostile.ut);
			if (a == CAP_LARGE_PAGE && b == CAP_LARGE_PAGE)
				; /* made, not yet returned */
			else if (a != CAP_NULL || b != CAP_NULL)
				hostile
				    .half++; /* some objects and not others */
			else if (rem !=
				 (long)hostile.size - (hostile.took ? 4096 : 0))
				hostile.bad_remaining++;
			else
				hostile.mid++; /* the call is in the middle */
			if (a == CAP_NULL && !hostile.took) {
				/* Take a page of the same untyped; scribble. */
				if (tess_retype(hostile.ut, CAP_PAGE, 0,
						hostile.own, 1) == 0 &&
				    tess_map(hostile.own, SPACE_SELF,
					     VA_BIG - 4096,
					     RIGHT_PAGE_READ |
						 RIGHT_PAGE_WRITE) == 0) {
					memset((void *)(VA_BIG - 4096), 0xff,
					       4096);
					tess_unmap(hostile.own);
				}
				hostile.took = 1;
			}
		}
		tess_thread_switch(TID_NIL); /* once per turn */
	}
	tess_exit(0);
}

/* Write `v` at a few places in each 4 KiB of the large page at VA_BIG,
 * or count the places that are not 0. */
static uint64_t scribble(uint64_t v, int check)
{
	uint64_t bad = 0;
	for (uintptr_t a = VA_BIG; a < VA_BIG + LARGE; a += 4096)
		for (int k = 0; k < 3; k++) {
			volatile uint64_t *w =
			    (volatile uint64_t *)(a + (uintptr_t)k * 2040);
			if (check)
				bad += *w != 0;
			else
				*w = v;
		}
	return bad;
}

/*
 * A retype of a boot untyped of 64 MiB or more into large pages, after
 * its memory was dirtied: long enough that the timer ends my time slice
 * while it zeroes.  The retype is preempted and restarted (another thread
 * of my priority runs in the middle) and still makes zeroed objects; in
 * the middle the other thread sees no new object, the memory not taken,
 * and can take a page of the same untyped for itself.
 */
static void retype_preemptible(void)
{
	const struct bootinfo *bi = tess_bootinfo;
	cptr_t big = 0, cs = 0, tpdpt = 0, tpd = 0;
	struct kt_thread h = {0, 0};
	unsigned bits = 0, n;
	uint64_t bad = 0;
	int status;

	for (unsigned i = 0; i < bi->n_untyped; i++)
		if (bi->untyped[i].cptr != ka->untyped &&
		    bi->untyped[i].bits >= 26 && bi->untyped[i].bits > bits &&
		    tess_remaining(bi->untyped[i].cptr) ==
			1l << bi->untyped[i].bits) {
			big = bi->untyped[i].cptr;
			bits = bi->untyped[i].bits;
		}
	if (!tap_ok(big != 0, "retype: an unused boot untyped of 2^%u bytes",
		    bits))
		return;
	if (bits > 28)
		bits = 28; /* 256 MiB at most: 128 large pages */
	n = (unsigned)((1ul << bits) / LARGE) - 1; /* room for one more */
	memset(&hostile, 0, sizeof(hostile));
	hostile.ut = big;
	hostile.size = 1ul << bi->untyped[0].bits;
	for (unsigned i = 0; i < bi->n_untyped; i++)
		if (bi->untyped[i].cptr == big)
			hostile.size = 1ul << bi->untyped[i].bits;
	long r = tess_new(ka, CAP_CSPACE, BIG_SLOT_BITS, &cs);
	if (!r)
		r = tess_new(ka, CAP_PDPT, 0, &tpdpt);
	if (!r) {
		r = tess_map(tpdpt, SPACE_SELF, VA_BIG & ~((1ul << 39) - 1), 0);
		if (r == -E_MAPPED) {
			tess_delete(ka, tpdpt); /* there is one already */
			tpdpt = 0;
			r = 0;
		}
	}
	if (!r)
		r = tess_new(ka, CAP_PD, 0, &tpd);
	if (!r)
		r = tess_map(tpd, SPACE_SELF, VA_BIG, 0);
	if (r) {
		tap_eq(r, 0, "retype: tables for the large pages");
		goto out;
	}
	hostile.first = kt_addr2(cs, 0);
	hostile.last = kt_addr2(cs, n - 1);
	hostile.own = kt_addr2(cs, (1u << BIG_SLOT_BITS) - 1);

	/* Dirty every large page's memory, then give it back. */
	if (tess_retype(big, CAP_LARGE_PAGE, 0, kt_addr2(cs, 0), n)) {
		tap_ok(0, "retype: %u large pages to dirty", n);
		goto out;
	}
	for (unsigned i = 0; i < n; i++)
		if (tess_map(kt_addr2(cs, i), SPACE_SELF, VA_BIG, RW) == 0) {
			scribble(0x5a5a5a5a5a5a5a5aull + i, 0);
			tess_unmap(kt_addr2(cs, i));
		}
	tap_eq(tess_cap_revoke(big), 0,
	       "retype: %u large pages dirtied and revoked", n);

	/* The big one, with the hostile thread at my priority. */
	if (kt_spawn(&h, hostile_main, hstack, sizeof(hstack), 0, 0, 0)) {
		tap_ok(0, "retype: a hostile thread");
		goto out;
	}
	/* Start the call late in a time slice: yield for a fresh one, then
	 * use most of it (4 of its 5 ticks) in user mode.  Whether a tick
	 * lands inside the call depends on the host (QEMU's timer follows
	 * the host clock): a call that ran whole is made again, at most
	 * three times, each after giving back what it made. */
	uint64_t us = 0;
	for (int attempt = 0; attempt < 3; attempt++) {
		tess_thread_switch(TID_NIL);
		uint64_t t0 = kt_now_us();
		while (kt_now_us() - t0 < 35000)
			;
		t0 = kt_now_us();
		hostile.in_retype = 1;
		r = tess_retype(big, CAP_LARGE_PAGE, 0, kt_addr2(cs, 0), n);
		hostile.in_retype = 0;
		us = kt_now_us() - t0;
		if (r || hostile.mid || hostile.half || hostile.bad_remaining ||
		    hostile.took)
			break;
		tap_diag("retype took %lu us and no tick came in the middle: "
			 "again",
			 (unsigned long)us);
		tess_cap_revoke(big);
	}
	hostile.stop = 1;
	tap_eq(r, 0, "retype: %u large pages (%lu MiB) in one call", n,
	       (unsigned long)(n * LARGE >> 20));
	tap_diag("retype took %lu us; the other thread ran %u times in the "
		 "middle of it (saw half: %u, bad remaining: %u, took: %u)",
		 (unsigned long)us, hostile.mid, hostile.half,
		 hostile.bad_remaining, hostile.took);
	tap_ok(hostile.mid > 0,
	       "retype: it was preempted: another thread of my priority ran "
	       "in the middle of the call");
	tap_ok(hostile.took && !hostile.half && !hostile.bad_remaining,
	       "retype: there it saw none of the objects (never some "
	       "without the others) and none of the memory taken, and took a "
	       "page of the same untyped");
	tap_eq(kt_cap_type(kt_addr2(cs, n - 1)), CAP_LARGE_PAGE,
	       "retype: the call made every object");
	for (unsigned i = 0; i < n; i++)
		if (tess_map(kt_addr2(cs, i), SPACE_SELF, VA_BIG, RW) == 0) {
			bad += scribble(0, 1);
			tess_unmap(kt_addr2(cs, i));
		} else {
			bad++;
		}
	tap_eq(bad, 0, "retype: every large page reads 0 where it was dirty");
	kt_reap(h.tid, &status);
out:
	hostile.stop = 1;
	kt_destroy(&h);
	tap_eq(tess_cap_revoke(big), 0, "retype: revoke the untyped");
	tap_eq(tess_remaining(big), (long)hostile.size,
	       "retype: all of it is free again");
	if (tpd)
		tess_delete(ka, tpd);
	if (tpdpt)
		tess_delete(ka, tpdpt);
	if (cs)
		tess_delete(ka, cs);
}

void test_memory(void)
{
	struct task_ids ids;

	tess_getid(&ids);
	root_spid = ids.spid;
	um = kt_slot();
	probe = kt_slot();
	if (!tap_eq(
		tess_retype(ka->untyped, CAP_UNTYPED, MEM_UNTYPED_BITS, um, 1),
		0, "memory: a private untyped of 2^%d bytes", MEM_UNTYPED_BITS))
		return;

	untyped_accounting();
	retype_every_type();
	retype_many();
	retype_errors();
	retype_space_limit();
	retype_last_slot_occupied();
	revoke_resets_untyped();
	untyped_delete_children();
	paging_sequence();
	zeroed_on_reuse();
	map_errors();
	unmap_ops();
	delete_unmaps();
	table_unmap_clears();
	large_page();
	other_space();
	cut_off_table();
	page_copy();

	/* Everything made here came from um: revoking it unmaps and deletes
	 * it all; then every slot taken is given back. */
	tap_eq(tess_cap_revoke(um), 0, "memory: revoke the private untyped");
	tap_eq(va_free(SPACE_SELF, VA0), -E_NOTMAPPED,
	       "memory: the suite's tables are gone");
	tess_cap_revoke(um);
	tap_eq(tess_remaining(um), 1l << MEM_UNTYPED_BITS,
	       "memory: the private untyped is whole again");
	kt_slots_free();
	retype_preemptible();
}
