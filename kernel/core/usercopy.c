/*
 * User memory.  The kernel reaches user memory only through the space's
 * page tables (arch_user_phys) and its own map of physical memory
 * (arch_phys_to_kernel), a page at a time, so a bad user pointer is
 * -E_FAULT and never a kernel page fault.
 *
 * What must hold (docs/ABI.md, User pointers): a write checks every page
 * it covers before it writes a byte, so a failed write leaves user memory
 * as it was; an in-out structure is checked both ways before the call
 * changes anything (user_read_rw).  A read may fail halfway: it only
 * filled a kernel buffer.
 *
 * The host unit tests run this very code over their own page tables.
 */
#include "usercopy.h"
#include "arch/hooks.h"

/* Bytes from `va` to the end of its page. */
static u64 page_rest(vaddr_t va)
{
	return PAGE_SIZE - (va & (PAGE_SIZE - 1));
}

int user_check(struct space *s, vaddr_t va, u64 n, bool write)
{
	paddr_t pa;
	if (!n)
		return 0;
	vaddr_t last = va + n - 1;
	if (last < va)
		return -E_FAULT; /* wraps around */
	for (vaddr_t p = va;; p = ALIGN_DOWN(p, PAGE_SIZE) + PAGE_SIZE) {
		if (arch_user_phys(s, p, write, &pa))
			return -E_FAULT;
		if (ALIGN_DOWN(p, PAGE_SIZE) == ALIGN_DOWN(last, PAGE_SIZE))
			return 0;
	}
}

/* Copy n bytes between kernel memory `k` and user address `va`, page by
 * page, in the direction `to_user` says. */
static int copy_pages(struct space *s, vaddr_t va, u8 *k, u64 n, bool to_user)
{
	while (n) {
		paddr_t pa;
		u64 chunk = MIN(n, page_rest(va));
		if (arch_user_phys(s, va, to_user, &pa))
			return -E_FAULT;
		void *u = (void *)arch_phys_to_kernel(pa);
		if (to_user)
			memcpy(u, k, chunk);
		else
			memcpy(k, u, chunk);
		k += chunk;
		va += chunk;
		n -= chunk;
	}
	return 0;
}

int user_read(struct space *s, void *dst, vaddr_t src, u64 n)
{
	return copy_pages(s, src, dst, n, false);
}

int user_write(struct space *s, vaddr_t dst, const void *src, u64 n)
{
	if (user_check(s, dst, n, true))
		return -E_FAULT;
	return copy_pages(s, dst, (u8 *)src, n, true);
}

int user_read_rw(struct space *s, void *dst, vaddr_t src, u64 n)
{
	if (user_check(s, src, n, true))
		return -E_FAULT;
	return user_read(s, dst, src, n);
}
