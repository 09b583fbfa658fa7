/*
 * Boot memory.  A sorted list of disjoint free ranges: ranges are added
 * from the firmware memory map, reserved ranges (kernel, modules, low
 * memory) are cut out, boot allocations take the lowest fitting piece.
 */
#include "bootmem.h"

static struct phys_range ranges[BOOTMEM_MAX_RANGES];
static unsigned nranges;
static bool finished;

static void remove_at(unsigned i)
{
	memmove(&ranges[i], &ranges[i + 1],
		(nranges - i - 1) * sizeof(ranges[0]));
	nranges--;
}

static void insert_at(unsigned i, paddr_t start, paddr_t end)
{
	if (nranges == BOOTMEM_MAX_RANGES)
		panic("bootmem: more than %d free ranges", BOOTMEM_MAX_RANGES);
	memmove(&ranges[i + 1], &ranges[i], (nranges - i) * sizeof(ranges[0]));
	ranges[i].start = start;
	ranges[i].end = end;
	nranges++;
}

/* Add a free range (rounded inwards to pages), merging with neighbours. */
void bootmem_add(paddr_t start, paddr_t end)
{
	unsigned i;
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (start >= end)
		return;
	/* Cut out whatever overlaps first, so ranges stay disjoint. */
	bootmem_reserve(start, end);
	for (i = 0; i < nranges && ranges[i].start < start; i++)
		;
	insert_at(i, start, end);
	if (i + 1 < nranges && ranges[i].end == ranges[i + 1].start) {
		ranges[i].end = ranges[i + 1].end;
		remove_at(i + 1);
	}
	if (i > 0 && ranges[i - 1].end == ranges[i].start) {
		ranges[i - 1].end = ranges[i].end;
		remove_at(i);
	}
}

/* Remove [start, end) (rounded outwards to pages) from the free ranges. */
void bootmem_reserve(paddr_t start, paddr_t end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	for (unsigned i = 0; i < nranges;) {
		struct phys_range *r = &ranges[i];
		if (r->end <= start || r->start >= end) {
			i++;
		} else if (r->start >= start && r->end <= end) {
			remove_at(i);
		} else if (r->start < start && r->end > end) {
			paddr_t old_end = r->end;
			r->end = start;
			insert_at(i + 1, end, old_end);
			i += 2;
		} else if (r->start < start) {
			r->end = start;
			i++;
		} else {
			r->start = end;
			i++;
		}
	}
}

paddr_t bootmem_alloc(u64 size, u64 align)
{
	if (finished)
		panic("bootmem_alloc after boot: the kernel must not allocate");
	size = ALIGN_UP(size, PAGE_SIZE);
	for (unsigned i = 0; i < nranges; i++) {
		paddr_t a = ALIGN_UP(ranges[i].start, align);
		if (a >= ranges[i].start && a + size <= ranges[i].end &&
		    a + size > a) {
			bootmem_reserve(a, a + size);
			return a;
		}
	}
	panic("bootmem: out of memory allocating %lu bytes",
	      (unsigned long)size);
}

void bootmem_finish(void)
{
	finished = true;
}

u64 bootmem_total(void)
{
	u64 t = 0;
	for (unsigned i = 0; i < nranges; i++)
		t += ranges[i].end - ranges[i].start;
	return t;
}

unsigned bootmem_ranges(struct phys_range *out, unsigned max)
{
	unsigned n = MIN(max, nranges);
	memcpy(out, ranges, n * sizeof(ranges[0]));
	return n;
}

unsigned untyped_split(paddr_t start, paddr_t end, struct untyped_block *out,
		       unsigned max)
{
	unsigned n = 0;
	start = ALIGN_UP(start, 1ull << UNTYPED_MIN_BITS);
	end = ALIGN_DOWN(end, 1ull << UNTYPED_MIN_BITS);
	while (start < end && n < max) {
		u32 bits =
		    start ? (u32)__builtin_ctzll(start) : UNTYPED_MAX_BITS;
		if (bits > UNTYPED_MAX_BITS)
			bits = UNTYPED_MAX_BITS;
		while ((1ull << bits) > end - start)
			bits--;
		out[n].phys = start;
		out[n].bits = bits;
		n++;
		start += 1ull << bits;
	}
	return n;
}
