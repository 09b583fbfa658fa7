/*
 * The lab layer's capability calls: kputc, capmove, capclear, retype and
 * the allocators over it (as the lab's Step 8 suggests), remaining,
 * getTicks; and the helpers every lab call uses (lab.h).
 *
 * Each call decodes the lab's arguments first (addresses, type codes, the
 * lab's own limits), failing with a Tessera error and no system call,
 * then makes one Tessera call that does the work, so a failing call
 * changes nothing, as in the lab.
 */
#include "lab.h"

static long last_error;

long llp_record(long r)
{
	last_error = r < 0 ? r : 0;
	return r;
}

unsigned llp_ok(long r)
{
	return llp_record(r) < 0 ? 0 : 1;
}

long llpLastError(void)
{
	return last_error;
}

cptr_t llp_direct(unsigned w)
{
	return w & (LAB_SLOTS - 1);
}

long llp_type(cptr_t slot, uint32_t *type)
{
	struct cap_info info;
	long r = tess_cap_info(slot, &info);
	if (r == 0)
		*type = info.type;
	return r;
}

long llp_two_level(unsigned w, cptr_t *out)
{
	cptr_t index = (w >> 8) & (LAB_SLOTS - 1), slot = w & (LAB_SLOTS - 1);
	uint32_t type;

	if (index) {
		/* Tessera checks that root slot `index` is a CSpace. */
		*out = (index << CPTR_DIGIT_BITS) | slot;
		return 0;
	}
	/* The lab goes through slot 0 for 0x00CC: it must be a CSpace. */
	if (llp_type(LAB_SLOT_CSPACE, &type) || type != CAP_CSPACE)
		return -E_BADCAP;
	*out = slot;
	return 0;
}

struct tess_alloc *llp_own(void)
{
	static struct tess_alloc own;
	static int ready;

	if (!ready) {
		tess_alloc_init(&own, LAB_SLOT_RESERVE, LAB_SLOT_FREE,
				1ul << PAGER_CSPACE_BITS);
		ready = 1;
	}
	return &own;
}

long llp_own_copy(cptr_t src, cptr_t *out)
{
	struct tess_alloc *own = llp_own();

	for (;;) {
		cptr_t s = tess_slot(own);
		long r;
		if (!s)
			return -E_LIMIT;
		r = tess_cap_copy(src, s);
		if (r == -E_OCCUPIED)
			continue; /* not ours: leave it marked used */
		if (r) {
			tess_slot_free(own, s);
			return r;
		}
		*out = s;
		return 0;
	}
}

uint32_t llp_self(void)
{
	static uint32_t tid;
	struct task_ids ids;

	if (!tid && tess_getid(&ids) == 0)
		tid = ids.tid;
	return tid ? tid : 1;
}

/* ------------------------------------------------------------ the calls */

unsigned kputc(unsigned cap, unsigned ch)
{
	long r = tess_console_putc(llp_direct(cap), (int)(ch & 0xff));
	return llp_record(r) < 0 ? 0 : llp_self();
}

unsigned capmove(unsigned src, unsigned dst, enum Capmove copy)
{
	cptr_t s, d;
	uint32_t type;
	long r;

	if ((r = llp_two_level(src, &s)) || (r = llp_two_level(dst, &d)))
		return llp_ok(r);
	/* The lab's destination must be empty: moving a slot onto itself,
	 * which Tessera allows, fails here. */
	if ((r = llp_type(d, &type)))
		return llp_ok(r);
	if (type != CAP_NULL)
		return llp_ok(-E_OCCUPIED);
	r = copy != MOVE ? tess_cap_copy(s, d) : tess_cap_move(s, d);
	return llp_ok(r);
}

unsigned capclear(unsigned src)
{
	cptr_t s;
	long r = llp_two_level(src, &s);

	if (r == 0)
		r = tess_cap_delete(s);
	return llp_ok(r);
}

/* The Tessera object type and size for a lab type code. */
static long decode_type(unsigned type, unsigned bits, unsigned *ttype,
			unsigned *tbits)
{
	*tbits = 0;
	switch (type) {
	case CspaceCap:
		*ttype = CAP_CSPACE;
		*tbits = LAB_CSPACE_BITS;
		return 0;
	case UntypedCap:
		if (bits < LAB_UNTYPED_MIN_BITS || bits > LAB_UNTYPED_MAX_BITS)
			return -E_RANGE;
		*ttype = CAP_UNTYPED;
		*tbits = bits; /* Tessera refuses 10 and 11 itself: E_RANGE */
		return 0;
	case PageCap:
		*ttype = CAP_PAGE;
		return 0;
	case PageTableCap:
		*ttype = CAP_PT;
		return 0;
	default: /* NullCap, ConsoleCap, WindowCap, TimerCap: not made so */
		return -E_INVAL;
	}
}

unsigned retype(unsigned ucap, unsigned type, unsigned bits, unsigned slot,
		unsigned num)
{
	unsigned ttype, tbits;
	cptr_t dest;
	long r;

	if ((r = decode_type(type, bits, &ttype, &tbits)))
		return llp_ok(r);
	/* The slots slot..slot+num-1 lie in one lab CSpace of 256. */
	if (num == 0 || (slot & (LAB_SLOTS - 1)) + (uint64_t)num > LAB_SLOTS)
		return llp_ok(-E_RANGE);
	if ((r = llp_two_level(slot, &dest)))
		return llp_ok(r);
	r = tess_retype(llp_direct(ucap), ttype, tbits, dest, num);
	return llp_ok(r);
}

unsigned allocUntyped(unsigned ucap, unsigned slot, unsigned bits)
{
	return retype(ucap, UntypedCap, bits, slot, 1);
}

unsigned allocCspace(unsigned ucap, unsigned slot)
{
	return retype(ucap, CspaceCap, 0, slot, 1);
}

unsigned allocPage(unsigned ucap, unsigned slot)
{
	return retype(ucap, PageCap, 0, slot, 1);
}

unsigned allocPageTable(unsigned ucap, unsigned slot)
{
	return retype(ucap, PageTableCap, 0, slot, 1);
}

unsigned remaining(unsigned ucap)
{
	long r = llp_record(tess_remaining(llp_direct(ucap)));
	if (r < 0)
		return 0;
	return r > 0xffffffffl ? 0xffffffffu : (unsigned)r;
}

unsigned getTicks(unsigned tcap)
{
	long r = llp_record(tess_timer_ticks(llp_direct(tcap)));
	return r < 0 ? 0 : (unsigned)r;
}
