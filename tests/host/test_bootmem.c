/* Boot memory: free-range bookkeeping and the untyped split. */
#include "harness.h"
#include "core/bootmem.h"

static int check_split(u64 start, u64 end)
{
	struct untyped_block b[128];
	unsigned n = untyped_split(start, end, b, 128);
	u64 at = ALIGN_UP(start, 4096);
	for (unsigned i = 0; i < n; i++) {
		if (b[i].phys != at || b[i].bits < UNTYPED_MIN_BITS ||
		    b[i].phys & ((1ull << b[i].bits) - 1))
			return 0;
		/* maximal: the block could not have been twice as big */
		if (b[i].bits < UNTYPED_MAX_BITS &&
		    !(b[i].phys & ((1ull << (b[i].bits + 1)) - 1)) &&
		    b[i].phys + (2ull << b[i].bits) <= ALIGN_DOWN(end, 4096))
			return 0;
		at += 1ull << b[i].bits;
	}
	return at == ALIGN_DOWN(end, 4096) || start >= end;
}

int main(void)
{
	struct untyped_block b[64];
	struct phys_range r[8];
	unsigned n;

	n = untyped_split(0x100000, 0x200000, b, 64);
	T_EQ(n, 1, "an aligned 1 MiB range is one block");
	T_EQ(b[0].bits, 20, "... of 2^20 bytes");

	n = untyped_split(0x101000, 0x104000, b, 64);
	T_EQ(n, 2, "0x101000..0x104000 splits into two blocks");
	t_ok(b[0].phys == 0x101000 && b[0].bits == 12 &&
		 b[1].phys == 0x102000 && b[1].bits == 13,
	     "... 4 KiB at 0x101000 then 8 KiB at 0x102000");

	t_ok(check_split(0x123000, 0x1fff0000),
	     "odd range splits into aligned maximal blocks covering it");
	t_ok(check_split(0x0, 0x20000000),
	     "range from 0 is one block per power");
	n = untyped_split(0x5000, 0x5000, b, 64);
	T_EQ(n, 0, "an empty range makes no blocks");
	n = untyped_split(0x1000, 0x100000, b, 2);
	T_EQ(n, 2, "the block count is bounded by the caller's array");

	srand(1);
	int all = 1;
	for (int i = 0; i < 2000; i++) {
		u64 s = ((u64)rand() << 12) % (1ull << 36);
		u64 e = s + ((u64)rand() << 8) % (1ull << 34);
		all &= check_split(s, e);
	}
	t_ok(all, "2000 random ranges split correctly");

	bootmem_add(0x0, 0x9f000);
	bootmem_add(0x100000, 0x8000000);
	bootmem_reserve(0, 0x100000);
	bootmem_reserve(0x100000, 0x180800);
	n = bootmem_ranges(r, 8);
	T_EQ(n, 1, "reserving low memory and the kernel leaves one range");
	t_ok(r[0].start == 0x181000 && r[0].end == 0x8000000,
	     "... rounded outwards to pages");
	bootmem_reserve(0x200000, 0x300000);
	n = bootmem_ranges(r, 8);
	T_EQ(n, 2, "reserving a hole splits the range");
	u64 p = bootmem_alloc(0x2000, 0x2000);
	T_EQ(p, 0x182000, "an aligned allocation takes the lowest fit");
	n = bootmem_ranges(r, 8);
	T_EQ(n, 3, "... and leaves the padding free");
	T_EQ(bootmem_total(), 0x8000000 - 0x181000 - 0x100000 - 0x2000,
	     "free total adds up");
	bootmem_add(0x200000, 0x300000);
	n = bootmem_ranges(r, 8);
	T_EQ(n, 2, "adding the hole back merges the ranges");
	return t_finish();
}
