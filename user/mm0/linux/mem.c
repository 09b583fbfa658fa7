/*
 * Linux memory calls: brk, mmap, munmap, mprotect, msync, madvise.  The
 * address-space machinery is mm0's (vm.c, mmap.c); this file maps the
 * Linux arguments onto it: flags Linux accepts and mm0 has no use for
 * (MAP_NORESERVE, MAP_STACK, MAP_POPULATE, ...) are dropped,
 * MAP_FIXED_NOREPLACE is MAP_FIXED over a free range, brk answers the
 * old break when it cannot move it, as Linux does, and madvise drops
 * pages for MADV_DONTNEED.
 */
#include "lx.h"

#define MAP_IGNORED                                                            \
	(LX_MAP_DENYWRITE | LX_MAP_EXECUTABLE | LX_MAP_LOCKED |                \
	 LX_MAP_NORESERVE | LX_MAP_POPULATE | LX_MAP_NONBLOCK | LX_MAP_STACK | \
	 LX_MAP_GROWSDOWN)

long lx_sys_brk(struct task *t, struct lx_call *c)
{
	return sys_brk(t, c->a[0]);
}

/* mmap(addr, len, prot, flags, fd, offset). */
long lx_sys_mmap(struct task *t, struct lx_call *c)
{
	uint64_t addr = c->a[0], len = c->a[1], off = c->a[5];
	uint32_t prot = (uint32_t)c->a[2], flags = (uint32_t)c->a[3];
	uint32_t type = flags & LX_MAP_TYPE;
	int fd = (int)(uint32_t)c->a[4];

	if (prot & ~(uint32_t)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))
		return -EINVAL;
	if (type == LX_MAP_SHARED_VALIDATE)
		type = LX_MAP_SHARED;
	if (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE)
		return -EINVAL;
	if (flags & LX_MAP_HUGETLB)
		return -EINVAL;
	if (!len || (off & (PAGE - 1)))
		return -EINVAL;
	if (!PAGE_UP(len))
		return -ENOMEM; /* it wraps */
	if (flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) {
		/* Linux's order: an unaligned address is EINVAL, one whose
		 * range leaves user memory ENOMEM. */
		if (addr & (PAGE - 1))
			return -EINVAL;
		if (addr + PAGE_UP(len) < addr ||
		    addr + PAGE_UP(len) > TASK_USER_END)
			return -ENOMEM;
	}
	if (flags & LX_MAP_FIXED_NOREPLACE) {
		if (!vma_range_free(t->proc->mm, addr, addr + PAGE_UP(len)))
			return -EEXIST;
		flags |= LX_MAP_FIXED;
	}
	flags = (flags & (LX_MAP_FIXED | LX_MAP_ANONYMOUS)) | type;
	if (flags & LX_MAP_ANONYMOUS) {
		fd = -1;
		off = 0;
	}
	return sys_mmap(t, addr, len, prot, flags, fd, off);
}

long lx_sys_munmap(struct task *t, struct lx_call *c)
{
	return sys_munmap(t, c->a[0], c->a[1]);
}

long lx_sys_mprotect(struct task *t, struct lx_call *c)
{
	uint64_t addr = c->a[0], len = PAGE_UP(c->a[1]);
	uint32_t prot = (uint32_t)c->a[2] & ~(uint32_t)LX_PROT_GROWSDOWN;

	if (addr & (PAGE - 1))
		return -EINVAL;
	if (prot & ~(uint32_t)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))
		return -EINVAL;
	if (c->a[1] && !len)
		return -ENOMEM; /* it wrapped */
	if (addr + len < addr || addr + len > TASK_USER_END)
		return -ENOMEM;
	if (!len)
		return 0;
	return vm_protect(t->proc->mm, addr, addr + len, prot);
}

long lx_sys_msync(struct task *t, struct lx_call *c)
{
	if (c->a[2] & ~7ull)
		return -EINVAL;
	return sys_msync(t, c->a[0], c->a[1], (int)c->a[2]);
}

/* Linux's advice values (uapi mman-common.h) that mm0 takes. */
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_DONTNEED_LOCKED 24

/* Whether mm0 takes `advice`: the hints (normal, random, sequential,
 * willneed; merge, huge pages, dump, cold, pageout, populate, collapse:
 * nothing to do) and the calls that drop pages.  MADV_REMOVE,
 * MADV_WIPEONFORK and the poisoning calls are EINVAL: not done here, and
 * not pretended. */
static bool advice_known(uint64_t advice)
{
	switch (advice) {
	case 0: /* NORMAL */
	case 1: /* RANDOM */
	case 2: /* SEQUENTIAL */
	case 3: /* WILLNEED */
	case MADV_DONTNEED:
	case MADV_FREE:
	case 10: /* DONTFORK: fork copies every area anyway */
	case 11: /* DOFORK */
	case 12: /* MERGEABLE */
	case 13: /* UNMERGEABLE */
	case 14: /* HUGEPAGE */
	case 15: /* NOHUGEPAGE */
	case 16: /* DONTDUMP */
	case 17: /* DODUMP */
	case 19: /* KEEPONFORK */
	case 20: /* COLD */
	case 21: /* PAGEOUT */
	case 22: /* POPULATE_READ */
	case 23: /* POPULATE_WRITE */
	case MADV_DONTNEED_LOCKED:
	case 25: /* COLLAPSE */
		return true;
	default:
		return false;
	}
}

/*
 * madvise(addr, len, advice).  MADV_DONTNEED (and MADV_FREE, which Linux
 * may treat so) drops the range's pages: private anonymous memory reads
 * as zeros again, a private file mapping the file's bytes, a shared
 * mapping its object's (which keeps them).  Linux's order of checks; a
 * range with holes is ENOMEM after the advice is applied to the mapped
 * parts, as Linux does.
 */
long lx_sys_madvise(struct task *t, struct lx_call *c)
{
	struct mm *mm = t->proc->mm;
	uint64_t addr = c->a[0], len = PAGE_UP(c->a[1]);
	uint64_t advice = c->a[2];
	bool hole = false;

	if ((addr & (PAGE - 1)) || !advice_known(advice))
		return -EINVAL;
	if (c->a[1] && !len)
		return -EINVAL; /* it wrapped */
	if (addr + len < addr)
		return -EINVAL;
	if (!len)
		return 0;
	uint64_t end = addr + len;
	if (end > TASK_USER_END) {
		hole = true; /* no area there */
		end = addr < TASK_USER_END ? TASK_USER_END : addr;
	}
	for (uint64_t a = addr; a < end;) {
		struct vma *v = vma_next(mm, a);
		if (!v || v->start >= end) {
			hole = true;
			break;
		}
		if (v->start > a)
			hole = true;
		uint64_t s = v->start > a ? v->start : a;
		uint64_t e = v->end < end ? v->end : end;
		if ((advice == MADV_DONTNEED || advice == MADV_FREE ||
		     advice == MADV_DONTNEED_LOCKED) &&
		    !(v->flags & VMA_UTCB))
			mm_drop_pages(mm, s, e);
		a = e;
	}
	return hole ? -ENOMEM : 0;
}
