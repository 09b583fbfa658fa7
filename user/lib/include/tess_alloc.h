/*
 * User-level allocation over capabilities: a slot allocator for a range
 * of the root CSpace, object creation from an Untyped, and mapping pages
 * with the page tables made on demand (the kernel never makes a table).
 * The root task and the test suites use it; a pager would too.
 */
#ifndef TESS_ALLOC_H
#define TESS_ALLOC_H

#include <tess.h>

struct tess_alloc {
	cptr_t untyped;   /* where objects come from */
	cptr_t next_slot; /* next free slot (root CSpace, one-level address) */
	cptr_t end_slot;  /* one past the last slot we may use */
};

/* Use `untyped` and root slots [first, end) (first free after boot:
 * tess_bootinfo->first_free_slot). */
void tess_alloc_init(struct tess_alloc *a, cptr_t untyped, cptr_t first, cptr_t end);
/* The root task's default: its largest untyped, slots after the boot caps
 * up to 0x0c00. */
struct tess_alloc *tess_alloc_default(void);

/* A free slot (0 if none left). */
cptr_t tess_slot(struct tess_alloc *a);
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

#endif
