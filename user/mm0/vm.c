/*
 * Address spaces of POSIX processes: areas (VMAs), the pages in them, page
 * faults, copy-on-write, and copying to and from process memory.
 *
 * A process's pages are a hash table from page address to a frame.  A
 * page is mapped in the process lazily, on its first fault: an untouched
 * anonymous page reads as the shared zero page, mapped read-only; the
 * first write gets a frame of its own.  After fork both processes share
 * every private page copy-on-write: mapped read-only, copied on the first
 * write by either (or just made writable again when the other copy has
 * gone).  UTCB pages are the exception: the kernel uses a UTCB only while
 * it is mapped, so they are never shared or left unmapped (mm_clone).  mm0
 * itself reads and writes process memory through the same fault logic, so the
 * protections hold for it too: it never writes into the zero page or into a
 * page the process may only read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm0.h"
#include "pagemap.h"

/* ------------------------------------------------------------ shared objects
 */

struct vm_object {
	uint32_t refs;
	uint64_t npages;      /* its size */
	struct pagemap pages; /* frame + 1 of each page touched */
	struct inode *ino; /* a file's shared pages, or NULL (shm, anonymous) */
	struct vm_object *next_file;
};

static struct vm_object *file_objects; /* one per file mapped shared */

/* The shared object of file `ino`, if it is mapped shared anywhere. */
static struct vm_object *file_object(struct inode *ino)
{
	for (struct vm_object *o = file_objects; o; o = o->next_file)
		if (o->ino == ino)
			return o;
	return NULL;
}

/* Costs nothing but the object itself: pages come when touched. */
struct vm_object *vmo_new(uint64_t size, struct inode *ino)
{
	struct vm_object *o = ino ? file_object(ino) : NULL;
	if (o) {
		if (PAGE_UP(size) / PAGE > o->npages)
			o->npages = PAGE_UP(size) / PAGE;
		o->refs++;
		return o;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->npages = PAGE_UP(size) / PAGE;
	o->refs = 1;
	o->ino = ino;
	if (ino) {
		fs_inode_get(ino);
		o->next_file = file_objects;
		file_objects = o;
	}
	return o;
}

void vmo_get(struct vm_object *o)
{
	o->refs++;
}

uint32_t vmo_refs(const struct vm_object *o)
{
	return o->refs;
}

struct inode *vmo_inode(const struct vm_object *o)
{
	return o->ino;
}

/* Write a file object's pages in [first, last) back to the file (msync,
 * last unmap). */
static void vmo_writeback(struct vm_object *o, uint64_t first, uint64_t last)
{
	if (!o->ino)
		return;
	uint64_t size = fs_inode_size(o->ino), i, v;
	for (; (v = pagemap_next(&o->pages, first, &i)) && i < last;
	     first = i + 1) {
		if (i * PAGE >= size)
			break;
		uint64_t n = size - i * PAGE < PAGE ? size - i * PAGE : PAGE;
		fs_inode_write(o->ino, i * PAGE, frame_va((frame_t)(v - 1)), n);
	}
}

void vmo_file_flush(struct inode *ino)
{
	struct vm_object *o = file_object(ino);
	if (o)
		vmo_writeback(o, 0, o->npages);
}

void vmo_file_update(struct inode *ino, uint64_t off, const void *buf, size_t n)
{
	struct vm_object *o = file_object(ino);
	const char *b = buf;
	while (o && n) {
		uint64_t i = off / PAGE, in = off % PAGE;
		size_t chunk = PAGE - in < n ? PAGE - in : n;
		uint64_t v = pagemap_get(&o->pages, i);
		if (v)
			memcpy((char *)frame_va((frame_t)(v - 1)) + in, b,
			       chunk);
		off += chunk;
		b += chunk;
		n -= chunk;
	}
}

static void vmo_frame_put(void *ctx, uint64_t v)
{
	(void)ctx;
	frame_put((frame_t)(v - 1));
}

void vmo_put(struct vm_object *o)
{
	if (--o->refs)
		return;
	vmo_writeback(o, 0, o->npages);
	pagemap_free(&o->pages, vmo_frame_put, NULL);
	if (o->ino) {
		struct vm_object **pp = &file_objects;
		while (*pp != o)
			pp = &(*pp)->next_file;
		*pp = o->next_file;
		fs_inode_put(o->ino);
	}
	free(o);
}

/* The frame for page `i` of `o`, made (zeroed or read from the file) if
 * it was never touched. */
static long vmo_page(struct vm_object *o, uint64_t i, frame_t *out)
{
	if (i >= o->npages)
		return -EFAULT;
	uint64_t v = pagemap_get(&o->pages, i);
	if (!v) {
		frame_t f;
		if (frame_alloc(true, &f))
			return -ENOMEM;
		if (o->ino)
			fs_inode_read(o->ino, i * PAGE, frame_va(f), PAGE);
		if (pagemap_set(&o->pages, i, (uint64_t)f + 1)) {
			frame_put(f);
			return -ENOMEM;
		}
		v = (uint64_t)f + 1;
	}
	*out = (frame_t)(v - 1);
	return 0;
}

/* ------------------------------------------------------------ page table */

static uint32_t hash_page(uint64_t page, uint32_t nslots)
{
	return (uint32_t)((page * 0x9e3779b97f4a7c15ull) >> 32) & (nslots - 1);
}

static struct page_entry *pe_lookup(struct mm *mm, uint64_t page)
{
	/* Page 0 marks an empty slot: it is never a process's page (the
	 * NULL page is never mapped, see mm_fault). */
	if (!mm->npages_slots || !page)
		return NULL;
	for (uint32_t i = hash_page(page, mm->npages_slots);;
	     i = (i + 1) & (mm->npages_slots - 1)) {
		struct page_entry *e = &mm->pages[i];
		if (e->page == page)
			return e;
		if (!e->page)
			return NULL;
	}
}

static long pe_grow(struct mm *mm)
{
	uint32_t n = mm->npages_slots ? mm->npages_slots * 2 : 64;
	struct page_entry *old = mm->pages, *t = calloc(n, sizeof(*t));
	uint32_t old_n = mm->npages_slots;
	if (!t)
		return -ENOMEM;
	mm->pages = t;
	mm->npages_slots = n;
	for (uint32_t i = 0; i < old_n; i++)
		if (old[i].page) {
			uint32_t j = hash_page(old[i].page, n);
			while (t[j].page)
				j = (j + 1) & (n - 1);
			t[j] = old[i];
		}
	free(old);
	return 0;
}

static struct page_entry *pe_insert(struct mm *mm, uint64_t page, frame_t f,
				    uint16_t flags)
{
	if ((mm->npages + 1) * 4 > mm->npages_slots * 3 && pe_grow(mm))
		return NULL;
	uint32_t i = hash_page(page, mm->npages_slots);
	while (mm->pages[i].page)
		i = (i + 1) & (mm->npages_slots - 1);
	struct page_entry *e = &mm->pages[i];
	e->page = page;
	e->frame = f;
	e->flags = flags;
	e->cap = 0;
	mm->npages++;
	return e;
}

/* Remove an entry, keeping every probe chain whole (backward shift). */
static void pe_erase(struct mm *mm, struct page_entry *e)
{
	uint32_t n = mm->npages_slots, i = (uint32_t)(e - mm->pages), j = i;
	mm->pages[i].page = 0;
	mm->npages--;
	for (;;) {
		j = (j + 1) & (n - 1);
		if (!mm->pages[j].page)
			return;
		uint32_t home = hash_page(mm->pages[j].page, n);
		/* Can the entry at j move back to the hole at i? */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			mm->pages[i] = mm->pages[j];
			mm->pages[j].page = 0;
			i = j;
		}
	}
}

/* ------------------------------------------------------------ mapping */

/* Room for `n` more records of tables mapped in the process. */
static long tables_reserve(struct mm *mm, uint32_t n)
{
	if (mm->ntables + n <= mm->tables_cap)
		return 0;
	uint32_t cap = mm->tables_cap ? mm->tables_cap * 2 : 16;
	struct table_rec *t = realloc(mm->tables, cap * sizeof(*t));
	if (!t)
		return -ENOMEM;
	mm->tables = t;
	mm->tables_cap = cap;
	return 0;
}

/* A table now mapped in the process: it goes back to the pool with it. */
static void table_mapped(void *ctx, unsigned type, cptr_t cap)
{
	struct mm *mm = ctx;
	mm->tables[mm->ntables].cap = cap;
	mm->tables[mm->ntables].type = type;
	mm->ntables++;
}

/* Map `cap` at `va` in the process, making the page tables it lacks. */
static long map_in(struct mm *mm, cptr_t cap, uint64_t va, unsigned rights)
{
	/* At most three tables per page (PT, PD, PDPT). */
	long r = tables_reserve(mm, 3);
	if (r)
		return -E_NOMEM;
	return map_with_tables(cap, mm->space, va, rights, table_mapped, mm);
}

static void pe_unmap(struct page_entry *e)
{
	if (e->cap) {
		slot_delete(e->cap);
		e->cap = 0;
	}
	e->flags &= ~(PE_MAPPED_RW | PE_MAPPED_X);
}

/* Map the entry's frame in the process, writable or not. */
static long pe_map(struct mm *mm, struct page_entry *e, bool writable,
		   bool exec)
{
	unsigned rights = RIGHT_PAGE_READ | (writable ? RIGHT_PAGE_WRITE : 0) |
			  (exec ? RIGHT_PAGE_EXEC : 0);
	long r;

	if (e->cap) {
		if (writable == !!(e->flags & PE_MAPPED_RW) &&
		    exec == !!(e->flags & PE_MAPPED_X))
			return 0;
		tess_unmap(e->cap);
	} else {
		e->cap = slot_alloc();
		if (!e->cap)
			return -ENOMEM;
		r = tess_cap_copy(frame_cap(e->frame), e->cap);
		if (r) {
			slot_free(e->cap);
			e->cap = 0;
			return -ENOMEM;
		}
	}
	r = map_in(mm, e->cap, e->page << 12, rights);
	if (r) {
		pe_unmap(e);
		return r == -E_NOMEM || r == -E_LIMIT ? -ENOMEM : -EFAULT;
	}
	e->flags &= ~(PE_MAPPED_RW | PE_MAPPED_X);
	e->flags |= (writable ? PE_MAPPED_RW : 0) | (exec ? PE_MAPPED_X : 0);
	return 0;
}

static void pe_drop(struct mm *mm, struct page_entry *e)
{
	pe_unmap(e);
	frame_put(e->frame);
	pe_erase(mm, e);
}

/* ------------------------------------------------------------ pages of a range
 */

/* Drop the pages of [start, end) (page aligned). */
void mm_drop_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	if ((end - start) / PAGE > mm->npages) {
		for (uint32_t i = 0; i < mm->npages_slots; i++) {
			struct page_entry *e = &mm->pages[i];
			if (e->page && e->page << 12 >= start &&
			    e->page << 12 < end) {
				pe_drop(mm, e);
				i--; /* the backward shift may have moved one
					here */
			}
		}
		return;
	}
	for (uint64_t a = start; a < end; a += PAGE) {
		struct page_entry *e = pe_lookup(mm, a >> 12);
		if (e)
			pe_drop(mm, e);
	}
}

/* Unmap the pages of [start, end) that are mapped, keeping them: their
 * next access faults and maps them again as their area now allows. */
void mm_unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	if ((end - start) / PAGE > mm->npages) {
		for (uint32_t i = 0; i < mm->npages_slots; i++) {
			struct page_entry *e = &mm->pages[i];
			if (e->page && e->page << 12 >= start &&
			    e->page << 12 < end)
				pe_unmap(e);
		}
		return;
	}
	for (uint64_t a = start; a < end; a += PAGE) {
		struct page_entry *e = pe_lookup(mm, a >> 12);
		if (e)
			pe_unmap(e);
	}
}

/* ------------------------------------------------------------ mm life */

long mm_new(struct mm **out)
{
	struct mm *mm = calloc(1, sizeof(*mm));
	long r;
	if (!mm)
		return -ENOMEM;
	r = pool_take(CAP_SPACE, &mm->space);
	if (r) {
		free(mm);
		return -ENOMEM;
	}
	mm->refs = 1;
	mm->mmap_next = TASK_MMAP_BASE;
	*out = mm;
	return 0;
}

void mm_clear(struct mm *mm)
{
	vma_clear_all(mm);
	/* The top tables first: unmapping a PDPT empties the space below
	 * it at once, so the pages' capabilities then go without unmapping
	 * each, and the lower tables go back to the pool as they are (a
	 * table is cleared when it is next mapped). */
	for (uint32_t i = 0; i < mm->ntables; i++)
		if (mm->tables[i].type == CAP_PDPT)
			tess_unmap(mm->tables[i].cap);
	for (uint32_t i = 0; i < mm->npages_slots; i++) {
		struct page_entry *e = &mm->pages[i];
		if (e->page) {
			pe_unmap(e);
			frame_put(e->frame);
		}
	}
	free(mm->pages);
	mm->pages = NULL;
	mm->npages = mm->npages_slots = 0;
	for (uint32_t i = 0; i < mm->ntables; i++)
		pool_give(mm->tables[i].type, mm->tables[i].cap);
	mm->ntables = 0;
	mm->brk = mm->brk_start = 0;
	mm->mmap_next = TASK_MMAP_BASE;
	mm->utcb_used = 0;
}

/*
 * The space goes back to its chunk for the next process, empty: the
 * capabilities granted to its process were taken back (cap.c).  Should
 * that have failed, the Space is deleted instead (that empties its lists),
 * so that no other process inherits them.
 */
void mm_put(struct mm *mm)
{
	if (--mm->refs)
		return;
	mm_clear(mm);
	free(mm->tables);
	if (mm->tainted)
		pool_drop(mm->space);
	else
		pool_give(CAP_SPACE, mm->space);
	free(mm);
}

static bool is_utcb_page(uint64_t page)
{
	return page >= TASK_UTCB_BASE >> 12 &&
	       page < (TASK_UTCB_BASE >> 12) + TASK_UTCB_PAGES;
}

/* The child's copy of the forking thread's UTCB page `e`: a frame of its
 * own, mapped writable at once. */
static long utcb_copy(struct mm *mm, const struct page_entry *e)
{
	frame_t f;
	if (frame_alloc(false, &f))
		return -ENOMEM;
	memcpy(frame_va(f), frame_va(e->frame), PAGE);
	struct page_entry *c = pe_insert(mm, e->page, f, 0);
	if (!c) {
		frame_put(f);
		return -ENOMEM;
	}
	return pe_map(mm, c, true, false);
}

long mm_clone(struct mm *parent, uint64_t utcb, struct mm **out)
{
	struct mm *mm;
	long r = mm_new(&mm);
	if (r)
		return r;
	if (vma_clone_all(mm, parent)) {
		mm_put(mm);
		return -ENOMEM;
	}
	/* The child's page table sized for the parent's pages (not for its
	 * table, which may be mostly empty): no rehashing as they go in. */
	if (parent->npages) {
		uint32_t n = 64;
		while ((parent->npages + 1) * 4 > n * 3)
			n *= 2;
		mm->pages = calloc(n, sizeof(*mm->pages));
		if (!mm->pages) {
			mm_put(mm);
			return -ENOMEM;
		}
		mm->npages_slots = n;
	}
	for (uint32_t i = 0; i < parent->npages_slots; i++) {
		struct page_entry *e = &parent->pages[i];
		if (!e->page)
			continue;
		if (is_utcb_page(e->page)) {
			if (e->page == utcb >> 12 && (r = utcb_copy(mm, e))) {
				mm_put(mm);
				return r;
			}
			continue;
		}
		uint16_t flags = e->flags & PE_SHARED;
		if (!(e->flags & PE_SHARED)) {
			/* Private: both share it read-only until one writes. */
			flags |= PE_COW;
			e->flags |= PE_COW;
			if (e->flags & PE_MAPPED_RW) {
				struct vma *v = vma_find(parent, e->page << 12);
				pe_map(parent, e, false,
				       v && (v->prot & PX_PROT_EXEC));
			}
		}
		frame_get(e->frame);
		if (!pe_insert(mm, e->page, e->frame, flags)) {
			frame_put(e->frame);
			mm_put(mm);
			return -ENOMEM;
		}
	}
	mm->brk_start = parent->brk_start;
	mm->brk = parent->brk;
	mm->mmap_next = parent->mmap_next;
	mm->utcb_used = 1ull << ((utcb - TASK_UTCB_BASE) / PAGE);
	*out = mm;
	return 0;
}

/* ------------------------------------------------------------ faults */

/* A new frame holding the file's bytes for `page` of area `v`. */
static long file_page(struct vma *v, uint64_t page, frame_t *out)
{
	long r = frame_alloc(true, out);
	if (r)
		return -ENOMEM;
	if (page < v->file_end) {
		uint64_t n =
		    v->file_end - page < PAGE ? v->file_end - page : PAGE;
		fs_inode_read(v->ino, v->offset + (page - v->start),
			      frame_va(*out), n);
	}
	return 0;
}

long mm_fault(struct mm *mm, uint64_t addr, uint32_t access)
{
	struct vma *v = vma_find(mm, addr);
	bool write = access & FAULT_WRITE;
	uint64_t page = PAGE_DOWN(addr);
	struct page_entry *e;
	long r;

	if (!v || page == 0)
		return -EFAULT;
	if ((write && !(v->prot & PX_PROT_WRITE)) ||
	    ((access & FAULT_EXEC) && !(v->prot & PX_PROT_EXEC)) ||
	    !(v->prot & (PX_PROT_READ | PX_PROT_WRITE | PX_PROT_EXEC)))
		return -EFAULT;
	bool exec = v->prot & PX_PROT_EXEC;
	bool may_write = v->prot & PX_PROT_WRITE;
	mm0.stats.faults++;

	e = pe_lookup(mm, page >> 12);
	if (!e) {
		frame_t f;
		uint16_t flags = 0;
		if (v->kind == VMA_SHARED) {
			r = vmo_page(v->obj,
				     (v->obj_offset + page - v->start) / PAGE,
				     &f);
			if (r)
				return r;
			frame_get(f);
			flags = PE_SHARED;
		} else if (v->kind == VMA_FILE) {
			r = file_page(v, page, &f);
			if (r)
				return r;
		} else if (!write) {
			f = zero_frame;
			frame_get(f);
			flags = PE_COW;
			mm0.stats.zero_page_maps++;
		} else {
			if (frame_alloc(true, &f))
				return -ENOMEM;
		}
		e = pe_insert(mm, page >> 12, f, flags);
		if (!e) {
			frame_put(f);
			return -ENOMEM;
		}
	} else if (write && (e->flags & PE_COW)) {
		if (e->frame != zero_frame && frame_refs(e->frame) == 1) {
			e->flags &= ~PE_COW; /* the other copy is gone */
		} else {
			/* A copy of the zero page is just a new zeroed frame:
			 * nothing is copied, and page_copies does not count it.
			 */
			bool zero = e->frame == zero_frame;
			frame_t f;
			if (frame_alloc(zero, &f))
				return -ENOMEM;
			if (!zero) {
				memcpy(frame_va(f), frame_va(e->frame), PAGE);
				mm0.stats.page_copies++;
			}
			pe_unmap(e);
			frame_put(e->frame);
			e->frame = f;
			e->flags &= ~PE_COW;
		}
	}
	return pe_map(mm, e, may_write && !(e->flags & PE_COW), exec);
}

/* The frames only this space holds: what its end would give back. */
uint64_t mm_private_pages(const struct mm *mm)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < mm->npages_slots; i++) {
		const struct page_entry *e = &mm->pages[i];
		if (e->page && e->frame != zero_frame &&
		    frame_refs(e->frame) == 1)
			n++;
	}
	return n;
}

/* ------------------------------------------------------------ copying */

/* The frame address of `addr`, made present for mm0 to read or write it
 * as the process may (its area's rights): 0, -EFAULT or -ENOMEM. */
static long touch(struct mm *mm, uint64_t addr, bool write, void **out)
{
	struct vma *v = vma_find(mm, addr);
	if (!v ||
	    !(v->prot & (write ? PX_PROT_WRITE
			       : PX_PROT_READ | PX_PROT_WRITE | PX_PROT_EXEC)))
		return -EFAULT;
	struct page_entry *e = pe_lookup(mm, addr >> 12);
	if (!e || (write && (e->flags & PE_COW)) ||
	    (write && !(e->flags & PE_SHARED) && !(e->flags & PE_MAPPED_RW))) {
		long r = mm_fault(mm, addr, write ? FAULT_WRITE : 0);
		if (r)
			return r;
		e = pe_lookup(mm, addr >> 12);
	}
	if (!e)
		return -EFAULT;
	*out = (char *)frame_va(e->frame) + (addr & (PAGE - 1));
	return 0;
}

/* Copy until done or the first page the process may not touch so: the
 * bytes copied, and in *err why it stopped (0 if it did not). */
static size_t copy(struct mm *mm, uint64_t uaddr, void *kbuf, size_t n,
		   bool out, long *err)
{
	char *k = kbuf;
	size_t done = 0;
	*err = 0;
	if (uaddr + n < uaddr || uaddr + n > TASK_USER_END) {
		*err = -EFAULT;
		return 0;
	}
	while (done < n) {
		size_t chunk = PAGE - ((uaddr + done) & (PAGE - 1));
		void *p;
		if (chunk > n - done)
			chunk = n - done;
		if ((*err = touch(mm, uaddr + done, out, &p)))
			break;
		if (out)
			memcpy(p, k + done, chunk);
		else
			memcpy(k + done, p, chunk);
		done += chunk;
	}
	return done;
}

long mm_copy_in(struct mm *mm, void *dst, uint64_t src, size_t n)
{
	long err;
	copy(mm, src, dst, n, false, &err);
	return err ? -EFAULT : 0;
}

long mm_copy_out(struct mm *mm, uint64_t dst, const void *src, size_t n)
{
	long err;
	copy(mm, dst, (void *)src, n, true, &err);
	return err ? -EFAULT : 0;
}

size_t mm_copy_in_some(struct mm *mm, void *dst, uint64_t src, size_t n,
		       long *err)
{
	return copy(mm, src, dst, n, false, err);
}

size_t mm_copy_out_some(struct mm *mm, uint64_t dst, const void *src, size_t n,
			long *err)
{
	return copy(mm, dst, (void *)src, n, true, err);
}

long mm_copy_string(struct mm *mm, char *dst, uint64_t src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		const char *p;
		if (touch(mm, src + i, false, (void **)&p))
			return -EFAULT;
		dst[i] = *p;
		if (!*p)
			return (long)i;
	}
	return -ENAMETOOLONG;
}

void mm_sync(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = vma_next(mm, start); v && v->start < end;
	     v = v->next) {
		if (v->kind != VMA_SHARED || !v->obj->ino)
			continue;
		uint64_t a = v->start > start ? v->start : start;
		uint64_t b = v->end < end ? v->end : end;
		vmo_writeback(v->obj, (v->obj_offset + a - v->start) / PAGE,
			      (v->obj_offset + b - v->start + PAGE - 1) / PAGE);
	}
}
