/*
 * Finding 11, many areas: 20,000 calls of sbrk(4096) make one area, not
 * 20,000 (neighbours with the same rights and backing merge), so every
 * later lookup stays cheap; before the fix each call added an area and
 * the calls took seconds.  Anonymous mappings placed one after another
 * merge the same way, and stay apart where their rights differ.
 */
#include <sys/mman.h>

#include "mm0test.h"

#define SBRKS 20000

static void many_sbrks(void)
{
	uint64_t a0 = stats().areas;
	char *first = sbrk(PAGE_SIZE), *p = first;
	int ok = first != (void *)-1;
	for (int i = 1; ok && i < SBRKS; i++)
		ok = (p = sbrk(PAGE_SIZE)) == first + i * PAGE_SIZE;
	tap_ok(ok, "areas: %d calls of sbrk(4096) all grow the break", SBRKS);
	if (ok) {
		first[0] = 1;
		p[PAGE_SIZE - 1] = 2;
	}
	uint64_t a1 = stats().areas;
	tap_ok(a0 > 0 && a1 <= a0 + 1,
	       "areas: ...and make at most one area more (%lu, then %lu)",
	       (unsigned long)a0, (unsigned long)a1);
	tap_ok(sbrk(-(long)SBRKS * (long)PAGE_SIZE) != (void *)-1 &&
		   stats().areas == a0,
	       "areas: moved back down, the areas are as they were");
}

static void neighbours(void)
{
	uint64_t a0 = stats().areas;
	char *base = mmap(NULL, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(base != MAP_FAILED, "areas: 64 pages of room"))
		return;
	munmap(base, 64 * PAGE_SIZE);
	int ok = 1;
	for (int i = 0; i < 64; i++)
		ok &= mmap(base + i * PAGE_SIZE, PAGE_SIZE,
			   PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			   0) == base + i * PAGE_SIZE;
	tap_ok(ok && stats().areas == a0 + 1,
	       "areas: 64 one-page mappings side by side are one area");
	for (int i = 0; i < 64; i += 2)
		mmap(base + i * PAGE_SIZE, PAGE_SIZE, PROT_READ,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	expect_eq(stats().areas, a0 + 64,
		  "areas: with every other one read-only, 64");
	munmap(base, 64 * PAGE_SIZE);
	expect_eq(stats().areas, a0, "areas: unmapped, none");
}

#define VMA_MAX 16384 /* mm0.h */

/* Areas that cannot merge (a page apart) until refused: ENOMEM at mm0's
 * limit per process, and all of them go with one munmap. */
static void too_many(void)
{
	uint64_t a0 = stats().areas;
	char *base = mmap(NULL, 2ul * VMA_MAX * PAGE_SIZE, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(base, 2ul * VMA_MAX * PAGE_SIZE);
	long n = 0;
	while (n < VMA_MAX &&
	       mmap(base + 2 * n * PAGE_SIZE, PAGE_SIZE, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		    0) != MAP_FAILED)
		n++;
	tap_ok(n == VMA_MAX - (long)a0 && errno == ENOMEM,
	       "areas: one process gets %ld areas more, then ENOMEM (limit "
	       "%d)",
	       n, VMA_MAX);
	munmap(base, 2ul * VMA_MAX * PAGE_SIZE);
	expect_eq(stats().areas, a0, "areas: one munmap takes them all away");
}

void test_areas(void)
{
	many_sbrks();
	neighbours();
	too_many();
}
