/*
 * Address spaces of POSIX processes: areas (VMAs), the pages in them, page
 * faults, copy-on-write, and copying to and from process memory.
 *
 * A process's pages map page addresses to frames (in leaves of 64 pages:
 * "page table" below).  A page is mapped in the process lazily, on its
 * first fault: an untouched anonymous page reads as the shared zero page,
 * mapped read-only; the first write gets a frame of its own.  After fork both
 * processes share every private page copy-on-write: mapped read-only, copied on
 * the first write by either (or just made writable again when the other copy
 * has gone).  UTCB pages are the exception: the kernel uses a UTCB only while
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
		char *dst = v ? (char *)frame_va((frame_t)(v - 1)) + in : NULL;
		/* buf may be in a shared mapping of this very file (a write
		 * from it): the two ranges can then overlap. */
		if (dst && (dst + chunk <= b || b + chunk <= dst))
			memcpy(dst, b, chunk);
		else if (dst)
			memmove(dst, b, chunk);
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

/*
 * A process's pages come in leaves of LEAF_PAGES entries, one leaf for
 * each run of 64 pages (256 KiB) that has any page, found through a
 * small open-addressing hash table of leaves (the directory) by
 * page >> LEAF_BITS.  No step ever moves many entries: a leaf is made
 * when its first page comes and freed when its last goes, and only the
 * directory grows by doubling, about 64 times less often and less far
 * than a table of pages would (a page fault that grew a table of pages
 * rehashed every page: 25,000 instructions at 400 pages).  An entry's
 * place never changes while it exists.
 */
#define LEAF_BITS 6
#define LEAF_PAGES (1u << LEAF_BITS)

struct pe_leaf {
	uint64_t index;			 /* page >> LEAF_BITS of its pages */
	uint32_t count;			 /* entries in use */
	struct page_entry e[LEAF_PAGES]; /* by page % LEAF_PAGES; page 0:
					    empty (the NULL page is never a
					    process's, see mm_fault) */
};

static uint32_t hash_leaf(uint64_t index, uint32_t nslots)
{
	return (uint32_t)((index * 0x9e3779b97f4a7c15ull) >> 32) & (nslots - 1);
}

/* The directory slot of leaf `index`, or the empty one where it would
 * go (the directory is never full). */
static uint32_t leaf_slot(const struct mm *mm, uint64_t index)
{
	uint32_t i = hash_leaf(index, mm->leaf_slots);
	while (mm->leaves[i] && mm->leaves[i]->index != index)
		i = (i + 1) & (mm->leaf_slots - 1);
	return i;
}

static struct pe_leaf *leaf_find(const struct mm *mm, uint64_t index)
{
	return mm->leaf_slots ? mm->leaves[leaf_slot(mm, index)] : NULL;
}

static struct pe_leaf *leaf_of(struct page_entry *e)
{
	struct page_entry *first = e - (e->page & (LEAF_PAGES - 1));
	return (struct pe_leaf *)((char *)first -
				  __builtin_offsetof(struct pe_leaf, e));
}

static struct page_entry *pe_lookup(struct mm *mm, uint64_t page)
{
	struct pe_leaf *l = page ? leaf_find(mm, page >> LEAF_BITS) : NULL;
	if (!l)
		return NULL;
	struct page_entry *e = &l->e[page & (LEAF_PAGES - 1)];
	return e->page ? e : NULL;
}

/* Room in the directory for one more leaf (at most 3/4 full). */
static long leaves_reserve(struct mm *mm)
{
	if ((mm->nleaves + 1) * 4 <= mm->leaf_slots * 3)
		return 0;
	uint32_t old_n = mm->leaf_slots, n = old_n ? old_n * 2 : 16;
	struct pe_leaf **old = mm->leaves, **t = calloc(n, sizeof(*t));
	if (!t)
		return -ENOMEM;
	mm->leaves = t;
	mm->leaf_slots = n;
	for (uint32_t i = 0; i < old_n; i++)
		if (old[i])
			t[leaf_slot(mm, old[i]->index)] = old[i];
	free(old);
	return 0;
}

/* A new entry for `page` (not present): NULL if there is no memory. */
static struct page_entry *pe_insert(struct mm *mm, uint64_t page, frame_t f,
				    uint16_t flags)
{
	uint64_t index = page >> LEAF_BITS;
	struct pe_leaf *l = leaf_find(mm, index);
	if (!l) {
		if (leaves_reserve(mm) || !(l = calloc(1, sizeof(*l))))
			return NULL;
		l->index = index;
		mm->leaves[leaf_slot(mm, index)] = l;
		mm->nleaves++;
	}
	struct page_entry *e = &l->e[page & (LEAF_PAGES - 1)];
	e->page = page;
	e->frame = f;
	e->flags = flags;
	e->cap = 0;
	l->count++;
	mm->npages++;
	return e;
}

/* Take leaf l out of the directory, keeping every probe chain whole
 * (backward shift), and free it.  A leaf further on may move back into
 * its slot, never one from before it. */
static void leaf_remove(struct mm *mm, struct pe_leaf *l)
{
	uint32_t n = mm->leaf_slots, i = leaf_slot(mm, l->index), j = i;
	free(l);
	mm->leaves[i] = NULL;
	mm->nleaves--;
	for (;;) {
		j = (j + 1) & (n - 1);
		if (!mm->leaves[j])
			return;
		uint32_t home = hash_leaf(mm->leaves[j]->index, n);
		/* Can the leaf at j move back to the hole at i? */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			mm->leaves[i] = mm->leaves[j];
			mm->leaves[j] = NULL;
			i = j;
		}
	}
}

/* Remove an entry; its leaf goes with its last one.  Whether the leaf
 * went. */
static bool pe_erase(struct mm *mm, struct page_entry *e)
{
	struct pe_leaf *l = leaf_of(e);
	e->page = 0;
	mm->npages--;
	if (--l->count)
		return false;
	leaf_remove(mm, l);
	return true;
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

/* Whether the entry's leaf went with it. */
static bool pe_drop(struct mm *mm, struct page_entry *e)
{
	pe_unmap(e);
	frame_put(e->frame);
	return pe_erase(mm, e);
}

/* Whether any of leaf l's pages lies in [start, end). */
static bool leaf_overlaps(const struct pe_leaf *l, uint64_t start, uint64_t end)
{
	uint64_t first = l->index << (LEAF_BITS + 12);
	return first < end && first + ((uint64_t)LEAF_PAGES << 12) > start;
}

/* ------------------------------------------------------------ pages of a range
 */

/* Drop the pages of [start, end) (page aligned): by address, or by leaf
 * when the range has more pages than the process. */
void mm_drop_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	if ((end - start) / PAGE > mm->npages) {
		for (uint32_t i = 0; i < mm->leaf_slots; i++) {
			struct pe_leaf *l = mm->leaves[i];
			if (!l || !leaf_overlaps(l, start, end))
				continue;
			for (uint32_t k = 0; k < LEAF_PAGES; k++) {
				struct page_entry *e = &l->e[k];
				if (e->page && e->page << 12 >= start &&
				    e->page << 12 < end && pe_drop(mm, e)) {
					i--; /* another leaf may be here now */
					break;
				}
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
		for (uint32_t i = 0; i < mm->leaf_slots; i++) {
			struct pe_leaf *l = mm->leaves[i];
			if (!l || !leaf_overlaps(l, start, end))
				continue;
			for (uint32_t k = 0; k < LEAF_PAGES; k++) {
				struct page_entry *e = &l->e[k];
				if (e->page && e->page << 12 >= start &&
				    e->page << 12 < end)
					pe_unmap(e);
			}
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
	for (uint32_t i = 0; i < mm->leaf_slots; i++) {
		struct pe_leaf *l = mm->leaves[i];
		if (!l)
			continue;
		for (uint32_t k = 0; k < LEAF_PAGES; k++) {
			struct page_entry *e = &l->e[k];
			if (e->page) {
				pe_unmap(e);
				frame_put(e->frame);
			}
		}
		free(l);
	}
	free(mm->leaves);
	mm->leaves = NULL;
	mm->npages = mm->nleaves = mm->leaf_slots = 0;
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

/* The child's copy of the forking thread's UTCB page `c` (an entry
 * still sharing the parent's frame): a frame of its own, mapped writable
 * at once. */
static long utcb_own(struct mm *mm, struct page_entry *c)
{
	frame_t f;
	if (frame_alloc(false, &f))
		return -ENOMEM;
	memcpy(frame_va(f), frame_va(c->frame), PAGE);
	frame_put(c->frame);
	c->frame = f;
	c->flags = 0;
	return pe_map(mm, c, true, false);
}

/*
 * The child's page table starts as a copy of the parent's: its directory
 * the same size, each leaf copied whole into the same slot, and each page
 * then takes a reference to its frame and its flags (no hashing, no
 * probing, nothing that grows).  A leaf is copied with its references
 * taken, so that whatever is in the child's table is its own (mm_put
 * undoes a copy cut short).  The UTCB pages are then taken out, but for
 * the forking thread's, which gets a frame of its own.
 */
static long clone_pages(struct mm *mm, struct mm *parent, uint64_t *utcbs,
			uint32_t *nutcb)
{
	uint32_t n = parent->leaf_slots;
	if (!n)
		return 0;
	if (!(mm->leaves = calloc(n, sizeof(*mm->leaves))))
		return -ENOMEM;
	mm->leaf_slots = n;
	for (uint32_t i = 0; i < n; i++) {
		struct pe_leaf *pl = parent->leaves[i], *cl;
		if (!pl)
			continue;
		if (!(cl = malloc(sizeof(*cl))))
			return -ENOMEM;
		memcpy(cl, pl, sizeof(*cl));
		mm->leaves[i] = cl;
		mm->nleaves++;
		mm->npages += cl->count;
		for (uint32_t k = 0; k < LEAF_PAGES; k++) {
			struct page_entry *e = &pl->e[k], *c = &cl->e[k];
			if (!e->page)
				continue;
			frame_get(e->frame);
			c->cap = 0;
			if (is_utcb_page(e->page)) {
				utcbs[(*nutcb)++] = e->page;
				c->flags = 0;
			} else if (e->flags & PE_SHARED) {
				c->flags = PE_SHARED;
			} else {
				/* Private: both share it read-only until one
				 * writes. */
				c->flags = PE_COW;
				e->flags |= PE_COW;
				if (e->flags & PE_MAPPED_RW) {
					struct vma *v =
					    vma_find(parent, e->page << 12);
					pe_map(parent, e, false,
					       v && (v->prot & PX_PROT_EXEC));
				}
			}
		}
	}
	return 0;
}

long mm_clone(struct mm *parent, uint64_t utcb, struct mm **out)
{
	uint64_t utcbs[TASK_UTCB_PAGES];
	uint32_t nutcb = 0;
	struct mm *mm;
	long r = mm_new(&mm);
	if (r)
		return r;
	if (vma_clone_all(mm, parent) ||
	    clone_pages(mm, parent, utcbs, &nutcb)) {
		mm_put(mm);
		return -ENOMEM;
	}
	for (uint32_t k = 0; k < nutcb; k++) {
		struct page_entry *c = pe_lookup(mm, utcbs[k]);
		if (utcbs[k] != utcb >> 12)
			pe_drop(mm, c);
		else if ((r = utcb_own(mm, c))) {
			mm_put(mm);
			return r;
		}
	}
	mm->brk_start = parent->brk_start;
	mm->brk = parent->brk;
	mm->mmap_next = parent->mmap_next;
	mm->utcb_used = utcb ? 1ull << ((utcb - TASK_UTCB_BASE) / PAGE) : 0;
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
	for (uint32_t i = 0; i < mm->leaf_slots; i++) {
		const struct pe_leaf *l = mm->leaves[i];
		for (uint32_t k = 0; l && k < LEAF_PAGES; k++) {
			const struct page_entry *e = &l->e[k];
			if (e->page && e->frame != zero_frame &&
			    frame_refs(e->frame) == 1)
				n++;
		}
	}
	return n;
}

/* ------------------------------------------------------------ copying */

long mm_user_page(struct mm *mm, uint64_t addr, bool write, void **out)
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
		if ((*err = mm_user_page(mm, uaddr + done, out, &p)))
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
		if (mm_user_page(mm, src + i, false, (void **)&p))
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
