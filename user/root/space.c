/*
 * Filling a pager's space.  The root cannot write into another space
 * directly: each new page is mapped for a moment at ROOT_SCRATCH_VA in the
 * root's own space, written, unmapped, and then mapped where it belongs
 * with the rights it should have there.  (A Page capability is mapped in
 * one place at a time.)  Pages come zeroed from retype, so a page with
 * nothing to copy skips the scratch mapping.
 */
#include "root.h"

long space_put_page(struct tess_alloc *a, cptr_t space, uint64_t va,
		    unsigned rights, page_fill_fn fill, const void *ctx)
{
	cptr_t page;
	long r = tess_new(a, CAP_PAGE, 0, &page);

	if (r)
		return r;
	if (fill) {
		r = tess_map_page(tess_alloc_default(), page, SPACE_SELF,
				  ROOT_SCRATCH_VA,
				  RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
		if (r)
			goto fail;
		fill(ctx, va, (uint8_t *)ROOT_SCRATCH_VA);
		r = tess_unmap(page);
		if (r)
			goto fail;
	}
	r = tess_map_page(a, page, space, va, rights);
	if (r == 0)
		return 0;
fail:
	tess_delete(a, page); /* unmaps it, wherever it is */
	return r;
}
