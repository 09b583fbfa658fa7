/*
 * mmap, munmap, msync, brk, and System V shared memory for processes.
 *
 * Anonymous private memory and private file mappings are per process
 * (copied on write after fork); MAP_SHARED anonymous memory and shm
 * segments are shared objects whose frames every mapper sees; MAP_SHARED
 * file mappings share one object per file, written back to the file by
 * msync and when the last mapping goes.  A shm segment lives until
 * IPC_RMID and its last detach; one process may have made at most
 * SHM_PER_PROCESS of the SHM_MAX segments (docs/posix.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm0.h"

#define SHM_MAX 64	   /* segments, in all (Linux's SHMMNI is 4096) */
#define SHM_PER_PROCESS 16 /* made by one process and not removed */

struct shm_seg {
	bool used;
	long key;
	uint64_t size;
	struct vm_object *obj; /* holds one reference; attachments more */
	uint32_t cpid, lpid;   /* its maker; the last to attach or detach */
};

static struct shm_seg segs[SHM_MAX];

/* The first free range of `len` bytes in [from, TASK_USER_END), or 0:
 * walk the gaps between the areas from `from` up. */
static uint64_t find_free(struct mm *mm, uint64_t from, uint64_t len)
{
	uint64_t a = from;
	for (struct vma *v = vma_next(mm, from);
	     a + len > a && a + len <= TASK_USER_END; v = v->next) {
		if (!v || v->start >= a + len)
			return a;
		if (v->end > a)
			a = v->end;
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
	struct vm_backing b = {.kind = VMA_ANON};
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
	uint32_t vflags =
	    flags & (PX_MAP_SHARED | PX_MAP_PRIVATE | PX_MAP_GROWSDOWN);
	if (!(flags & PX_MAP_ANONYMOUS)) {
		if (off & (PAGE - 1) || off + len < off)
			return -EINVAL;
		b.ino = fs_fd_inode(&t->proc->fs, fd, &oflags);
		if (!b.ino)
			return -EBADF;
		if (!fs_inode_is_reg(b.ino))
			return -ENODEV;
		if ((oflags & PX_O_ACCMODE) == PX_O_WRONLY)
			return -EACCES;
		if (share == PX_MAP_SHARED &&
		    (oflags & PX_O_ACCMODE) == PX_O_RDWR)
			vflags |= VMA_MAYWRITE;
		else if (share == PX_MAP_SHARED && (prot & PX_PROT_WRITE))
			return -EACCES;
	}
	if ((flags & PX_MAP_FIXED) &&
	    (addr & (PAGE - 1) || addr < PAGE || addr + len < addr ||
	     addr + len > TASK_USER_END))
		return -EINVAL;
	/* Only private anonymous memory never written costs nothing (it
	 * reads as the zero page); the rest must fit in what is free. */
	if ((share == PX_MAP_SHARED || (prot & PX_PROT_WRITE) || b.ino) &&
	    len > mem_available())
		return -ENOMEM;
	if (!(flags & PX_MAP_FIXED) && !(addr = pick_range(mm, addr, len)))
		return -ENOMEM;

	if (share == PX_MAP_SHARED) {
		b.obj = vmo_new(b.ino ? off + len : len, b.ino);
		if (!b.obj)
			return -ENOMEM;
		b.kind = VMA_SHARED;
		b.obj_offset = b.ino ? off : 0;
	} else if (b.ino) {
		uint64_t size = fs_inode_size(b.ino);
		b.kind = VMA_FILE;
		b.offset = off;
		b.file_end = size > off ? addr + (size - off) : addr;
	}
	long r = flags & PX_MAP_FIXED
		     ? vm_map_fixed(mm, addr, addr + len, prot, vflags, &b)
		     : vm_map(mm, addr, addr + len, prot, vflags, &b);
	if (b.obj)
		vmo_put(b.obj); /* the area holds its own reference */
	return r ? r : (long)addr;
}

long sys_munmap(struct task *t, uint64_t addr, uint64_t len)
{
	if (!len || addr & (PAGE - 1) || addr + len < addr ||
	    addr + len > TASK_USER_END)
		return -EINVAL;
	return vm_unmap(t->proc->mm, addr, addr + PAGE_UP(len));
}

long sys_mprotect(struct task *t, uint64_t addr, uint64_t len, uint32_t prot)
{
	if (addr & (PAGE - 1) ||
	    prot & ~(PX_PROT_READ | PX_PROT_WRITE | PX_PROT_EXEC))
		return -EINVAL;
	if (!len)
		return 0;
	if (addr + len < addr || PAGE_UP(addr + len) > TASK_USER_END)
		return -ENOMEM;
	return vm_protect(t->proc->mm, addr, PAGE_UP(addr + len), prot);
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
		if (new_top - old_top > mem_available() ||
		    !vma_range_free(mm, old_top, new_top) ||
		    vma_add(mm, old_top, new_top, PX_PROT_READ | PX_PROT_WRITE,
			    PX_MAP_PRIVATE, VMA_ANON))
			return (long)mm->brk;
	} else if (new_top < old_top && vma_remove(mm, new_top, old_top)) {
		return (long)mm->brk;
	}
	mm->brk = end;
	return (long)end;
}

/* The segment `id` names: a live one, or NULL. */
static struct shm_seg *seg_of(long id)
{
	return id >= 0 && id < SHM_MAX && segs[id].used ? &segs[id] : NULL;
}

long sys_shmget(struct task *t, long key, uint64_t size, int flags)
{
	int mine = 0, slot = -1;
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
	for (int i = 0; i < SHM_MAX; i++) {
		if (segs[i].used)
			mine += segs[i].cpid == t->proc->pid;
		else if (slot < 0)
			slot = i;
	}
	if (slot < 0 || mine >= SHM_PER_PROCESS)
		return -ENOSPC; /* the table is full, or this process's share */
	if (PAGE_UP(size) > mem_available())
		return -ENOSPC;
	struct shm_seg *s = &segs[slot];
	s->obj = vmo_new(size, NULL);
	if (!s->obj)
		return -ENOMEM;
	s->used = true;
	s->key = key;
	s->size = PAGE_UP(size);
	s->cpid = s->lpid = t->proc->pid;
	return slot;
}

long sys_shmat(struct task *t, long id, uint64_t addr, int flags)
{
	struct mm *mm = t->proc->mm;
	struct shm_seg *s = seg_of(id);
	(void)flags;
	if (!s)
		return -EINVAL;
	uint64_t len = s->size;
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
	struct vm_backing b = {.kind = VMA_SHARED, .obj = s->obj};
	long r = vm_map(mm, addr, addr + len, PX_PROT_READ | PX_PROT_WRITE,
			PX_MAP_SHARED | VMA_SHM, &b);
	if (r)
		return r;
	s->lpid = t->proc->pid;
	return (long)addr;
}

/* Detach the segment attached at `addr`: its areas from there on (the
 * attachment may have been split since). */
long sys_shmdt(struct task *t, uint64_t addr)
{
	struct mm *mm = t->proc->mm;
	struct vma *v = vma_find(mm, addr);
	if (!v || v->start != addr || v->kind != VMA_SHARED ||
	    !(v->flags & VMA_SHM))
		return -EINVAL;
	/* Its pieces follow each other in the object too; the next
	 * attachment of the same segment starts again at offset 0. */
	struct vm_object *obj = v->obj;
	uint64_t end = v->end, next_off = v->obj_offset + (v->end - v->start);
	for (struct vma *n = v->next;
	     n && n->start == end && n->obj == obj && (n->flags & VMA_SHM) &&
	     n->obj_offset == next_off;
	     n = n->next) {
		end = n->end;
		next_off += n->end - n->start;
	}
	for (int i = 0; i < SHM_MAX; i++)
		if (segs[i].used && segs[i].obj == obj)
			segs[i].lpid = t->proc->pid;
	return vma_remove(mm, addr, end);
}

/* IPC_RMID: the segment goes from the table at once (its key and id are
 * free again); its memory goes when its last attachment does. */
long sys_shmctl(struct task *t, long id, int cmd, uint64_t buf)
{
	struct shm_seg *s = seg_of(id);
	if (!s)
		return -EINVAL;
	switch (cmd) {
	case PX_IPC_RMID:
		vmo_put(s->obj);
		memset(s, 0, sizeof(*s));
		return 0;
	case PX_IPC_STAT: {
		struct px_shmid_ds d;
		memset(&d, 0, sizeof(d));
		d.key = s->key;
		d.size = s->size;
		d.nattch = vmo_refs(s->obj) - 1;
		d.cpid = s->cpid;
		d.lpid = s->lpid;
		return mm_copy_out(t->proc->mm, buf, &d, sizeof(d)) ? -EFAULT
								    : 0;
	}
	default:
		return -EINVAL;
	}
}
