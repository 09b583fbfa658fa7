/*
 * User-level allocation over capabilities: a slot allocator for a range
 * of the root CSpace, object creation from an Untyped, and mapping pages
 * with the page tables made on demand (the kernel never makes a table).
 * The root task and the test suites use it; a pager would too.
 */
#ifndef TESS_ALLOC_H
#define TESS_ALLOC_H

#include <tess.h>

#define TESS_ALLOC_MAX_SLOTS 4096

struct tess_alloc {
	cptr_t untyped;	   /* where objects come from */
	cptr_t first_slot; /* the slot range we own: [first_slot, end_slot) */
	cptr_t end_slot;
	cptr_t next_slot; /* where the search for a free slot starts */
	uint64_t
	    used[TESS_ALLOC_MAX_SLOTS / 64]; /* bit i: first_slot + i in use */
};

/* Use `untyped` and root slots [first, end) (first free after boot:
 * tess_bootinfo->first_free_slot). */
void tess_alloc_init(struct tess_alloc *a, cptr_t untyped, cptr_t first,
		     cptr_t end);
/* The root task's default: its largest untyped, slots after the boot caps
 * up to 0x0c00. */
struct tess_alloc *tess_alloc_default(void);

/* A free slot (0 if none left). */
cptr_t tess_slot(struct tess_alloc *a);
/* Give a slot back (its capability must already be deleted or moved). */
void tess_slot_free(struct tess_alloc *a, cptr_t slot);
/* Delete the capability in `slot` and give the slot back. */
long tess_delete(struct tess_alloc *a, cptr_t slot);
/* A new object of `type` (`bits` for CSpace/Untyped) in a fresh slot. */
long tess_new(struct tess_alloc *a, unsigned type, unsigned bits, cptr_t *out);
/* Map the Page `page` at `va` in `space` (SPACE_SELF: own), making any
 * missing page table from the allocator's untyped. */
long tess_map_page(struct tess_alloc *a, cptr_t page, cptr_t space,
		   uintptr_t va, unsigned rights);
/* A new page, mapped read-write at `va` in `space`. */
long tess_new_page_at(struct tess_alloc *a, cptr_t space, uintptr_t va,
		      cptr_t *page);
/* Make sure the tables for `va` exist in `space`. */
long tess_ensure_tables(struct tess_alloc *a, cptr_t space, uintptr_t va);

/*
 * The same walk for callers with their own way of making tables (a pager's
 * pools, say).  `take` makes (or reuses) a table object of a type (CAP_PT,
 * CAP_PD, CAP_PDPT); `give` takes back one that was not used (one already
 * in place, or after a failure); `mapped`, if not NULL, hears of each table
 * that was mapped, to own it from then on.  The kernel never makes a
 * table, so mapping a page means making the missing ones bottom up.
 */
struct tess_tables {
	long (*take)(void *ctx, unsigned type, cptr_t *out);
	void (*give)(void *ctx, unsigned type, cptr_t cap);
	void (*mapped)(void *ctx, unsigned type, cptr_t cap);
	void *ctx;
};
long tess_tables_ensure(cptr_t space, uintptr_t va,
			const struct tess_tables *src);
/* tess_map, and if a table is missing, tess_tables_ensure and again. */
long tess_tables_map(cptr_t page, cptr_t space, uintptr_t va, unsigned rights,
		     const struct tess_tables *src);

#endif
