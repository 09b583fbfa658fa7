/*
 * mmap, munmap, msync, brk, and System V shared memory for processes.
 *
 * Anonymous private memory and private file mappings are per process
 * (copied on write after fork); MAP_SHARED anonymous memory and shm
 * segments are shared objects whose frames every mapper sees; MAP_SHARED
 * file mappings share one object per file, written back to the file by
 * msync and when the last mapping goes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm0.h"

#define SHM_MAX 64

struct shm_seg {
	bool used;
	long key;
	uint64_t size;
	struct vm_object *obj;
};

static struct shm_seg segs[SHM_MAX];

/* The first free range of `len` bytes in [from, TASK_USER_END), or 0. */
static uint64_t find_free(struct mm *mm, uint64_t from, uint64_t len)
{
	uint64_t a = from;
	while (a + len > a && a + len <= TASK_USER_END) {
		if (vma_range_free(mm, a, a + len))
			return a;
		/* Step past the first area that overlaps [a, a + len). */
		struct vma *v = mm->vmas;
		while (v && v->end <= a)
			v = v->next;
		a = v ? v->end : a + PAGE;
	}
	return 0;
}

/* A free range of `len` bytes (a multiple of PAGE): the hint if it is
 * free user memory, else the next free range after the last one picked,
 * else the first one above the mmap base (so ranges given back by munmap
 * are used again). */
static uint64_t pick_range(struct mm *mm, uint64_t hint, uint64_t len)
{
	if (hint && !(hint & (PAGE - 1)) && hint + len > hint &&
	    hint + len <= TASK_USER_END && vma_range_free(mm, hint, hint + len))
		return hint;
	uint64_t a = find_free(mm, mm->mmap_next, len);
	if (!a && mm->mmap_next != TASK_MMAP_BASE)
		a = find_free(mm, TASK_MMAP_BASE, len);
	if (a)
		mm->mmap_next = a + len;
	return a;
}

long sys_mmap(struct task *t, uint64_t addr, uint64_t len, uint32_t prot,
	      uint32_t flags, int fd, uint64_t off)
{
	struct mm *mm = t->proc->mm;
	uint32_t share = flags & (PX_MAP_SHARED | PX_MAP_PRIVATE);
	struct inode *ino = NULL;
	int oflags = 0;

	if (!len || len > (1ul << 40) ||
	    (share != PX_MAP_SHARED && share != PX_MAP_PRIVATE))
		return -EINVAL;
	if (prot & ~(PX_PROT_READ | PX_PROT_WRITE | PX_PROT_EXEC))
		return -EINVAL;
	if (flags & ~(PX_MAP_SHARED | PX_MAP_PRIVATE | PX_MAP_FIXED |
		      PX_MAP_ANONYMOUS | PX_MAP_GROWSDOWN))
		return -EINVAL;
	len = PAGE_UP(len);
	if (!(flags & PX_MAP_ANONYMOUS)) {
		if (off & (PAGE - 1))
			return -EINVAL;
		ino = fs_fd_inode(&t->proc->fs, fd, &oflags);
		if (!ino)
			return -EBADF;
		if (!fs_inode_is_reg(ino))
			return -ENODEV;
		if ((oflags & PX_O_ACCMODE) == PX_O_WRONLY)
			return -EACCES;
		if (share == PX_MAP_SHARED && (prot & PX_PROT_WRITE) &&
		    (oflags & PX_O_ACCMODE) != PX_O_RDWR)
			return -EACCES;
	}
	if (flags & PX_MAP_FIXED) {
		if (addr & (PAGE - 1) || addr < PAGE || addr + len < addr ||
		    addr + len > TASK_USER_END)
			return -EINVAL;
		if (vma_remove(mm, addr, addr + len))
			return -ENOMEM;
	} else {
		addr = pick_range(mm, addr, len);
		if (!addr)
			return -ENOMEM;
	}

	struct vm_object *obj = NULL;
	enum vma_kind kind = VMA_ANON;
	if (share == PX_MAP_SHARED) {
		obj = vmo_new(ino ? off + len : len, ino);
		if (!obj)
			return -ENOMEM;
		kind = VMA_SHARED;
	} else if (ino) {
		kind = VMA_FILE;
	}
	long r = vma_add(mm, addr, addr + len, prot, flags, kind);
	if (r) {
		if (obj)
			vmo_put(obj);
		return -ENOMEM;
	}
	struct vma *v = vma_find(mm, addr);
	if (kind == VMA_SHARED) {
		v->obj = obj;
		v->obj_offset = ino ? off : 0;
	} else if (kind == VMA_FILE) {
		uint64_t size = fs_inode_size(ino);
		v->ino = ino;
		fs_inode_get(ino);
		v->offset = off;
		v->file_end = size > off ? addr + (size - off) : addr;
	}
	return (long)addr;
}

long sys_munmap(struct task *t, uint64_t addr, uint64_t len)
{
	if (!len || addr & (PAGE - 1) || addr + len < addr ||
	    addr + len > TASK_USER_END)
		return -EINVAL;
	return vma_remove(t->proc->mm, addr, addr + PAGE_UP(len));
}

long sys_msync(struct task *t, uint64_t addr, uint64_t len, int flags)
{
	uint64_t end = addr + PAGE_UP(len);
	(void)flags;
	if (addr & (PAGE - 1) || end < addr)
		return -EINVAL;
	if (end > TASK_USER_END)
		return -ENOMEM;
	/* Every page of the range must be mapped: walk the areas, not the
	 * pages (the range may be huge). */
	for (uint64_t a = addr; a < end;) {
		struct vma *v = vma_find(t->proc->mm, a);
		if (!v)
			return -ENOMEM;
		a = v->end;
	}
	mm_sync(t->proc->mm, addr, end);
	return 0;
}

long sys_brk(struct task *t, uint64_t end)
{
	struct mm *mm = t->proc->mm;
	uint64_t old_top = PAGE_UP(mm->brk), new_top = PAGE_UP(end);

	/* Bounded first, so that rounding up cannot wrap to 0. */
	if (end == 0 || end < mm->brk_start || end > TASK_MMAP_BASE)
		return (long)mm->brk;
	if (new_top > old_top) {
		if (!vma_range_free(mm, old_top, new_top) ||
		    vma_add(mm, old_top, new_top, PX_PROT_READ | PX_PROT_WRITE,
			    PX_MAP_PRIVATE, VMA_ANON))
			return (long)mm->brk;
	} else if (new_top < old_top && vma_remove(mm, new_top, old_top)) {
		return (long)mm->brk;
	}
	mm->brk = end;
	return (long)end;
}

long sys_shmget(struct task *t, long key, uint64_t size, int flags)
{
	(void)t;
	if (key != PX_IPC_PRIVATE)
		for (int i = 0; i < SHM_MAX; i++)
			if (segs[i].used && segs[i].key == key) {
				if ((flags & PX_IPC_CREAT) &&
				    (flags & PX_IPC_EXCL))
					return -EEXIST;
				if (size > segs[i].size)
					return -EINVAL;
				return i;
			}
	if (!(flags & PX_IPC_CREAT) && key != PX_IPC_PRIVATE)
		return -ENOENT;
	if (!size || size > (256ul << 20))
		return -EINVAL;
	for (int i = 0; i < SHM_MAX; i++)
		if (!segs[i].used) {
			segs[i].obj = vmo_new(size, NULL);
			if (!segs[i].obj)
				return -ENOMEM;
			segs[i].used = true;
			segs[i].key = key;
			segs[i].size = PAGE_UP(size);
			return i;
		}
	return -ENOSPC;
}

long sys_shmat(struct task *t, long id, uint64_t addr, int flags)
{
	struct mm *mm = t->proc->mm;
	(void)flags;
	if (id < 0 || id >= SHM_MAX || !segs[id].used)
		return -EINVAL;
	uint64_t len = segs[id].size;
	if (addr) {
		if (addr & (PAGE - 1) || addr + len < addr ||
		    addr + len > TASK_USER_END ||
		    !vma_range_free(mm, addr, addr + len))
			return -EINVAL;
	} else {
		addr = pick_range(mm, 0, len);
		if (!addr)
			return -ENOMEM;
	}
	if (vma_add(mm, addr, addr + len, PX_PROT_READ | PX_PROT_WRITE,
		    PX_MAP_SHARED, VMA_SHARED))
		return -ENOMEM;
	struct vma *v = vma_find(mm, addr);
	v->obj = segs[id].obj;
	vmo_get(v->obj);
	v->obj_offset = 0;
	return (long)addr;
}

long sys_shmdt(struct task *t, uint64_t addr)
{
	struct mm *mm = t->proc->mm;
	struct vma *v = vma_find(mm, addr);
	if (!v || v->start != addr || v->kind != VMA_SHARED)
		return -EINVAL;
	for (int i = 0; i < SHM_MAX; i++)
		if (segs[i].used && segs[i].obj == v->obj)
			return vma_remove(mm, v->start,
					  v->end); /* whole: no split */
	return -EINVAL;
}
