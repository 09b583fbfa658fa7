/*
 * The areas (VMAs) of an address space: finding them, adding them,
 * replacing, removing and re-protecting parts of them.
 *
 * A space's areas are disjoint, page aligned, and kept two ways: an array
 * sorted by address (mm->areas, searched by bisection: a lookup costs
 * log n) and, for walkers, a list in the same order (mm->vmas, v->next).
 * Neighbours that could be one area are one: an area added or changed is
 * merged with those beside it that have the same rights, flags and kind
 * and continue its backing (the same file or object at the following
 * offset), so growing the break page by page leaves one area.  A space
 * holds at most VMA_MAX areas (ENOMEM beyond).
 *
 * Every change is decided before it is made: what it may need (area
 * records for the pieces of a split, room in the array) is taken first,
 * so that a failure leaves the areas as they were.
 *
 * An area holds references to what backs it (vma_hold): its file, its
 * shared object, and, for a shared writable mapping of a file, a writer
 * count on the file (ETXTBSY, fs.h).  The UTCB area (VMA_UTCB) belongs to
 * mm0: requests may not unmap, replace or re-protect it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm0.h"

/* ------------------------------------------------------------ references */

/* A shared mapping of a file that may write it: the file counts it as
 * a writer (no process may run it meanwhile: ETXTBSY). */
static bool writes_file(const struct vma *v)
{
	return v->kind == VMA_SHARED && v->obj && vmo_inode(v->obj) &&
	       (v->prot & PX_PROT_WRITE);
}

/* Take the references an area's fields name. */
static void vma_hold(struct vma *v)
{
	if (v->ino)
		fs_inode_get(v->ino);
	if (v->obj)
		vmo_get(v->obj);
	if (writes_file(v))
		fs_write_begin(vmo_inode(v->obj)); /* checked by the caller */
}

static void vma_release(struct vma *v)
{
	if (v->ino)
		fs_inode_put(v->ino);
	if (writes_file(v))
		fs_write_end(vmo_inode(v->obj));
	if (v->obj)
		vmo_put(v->obj);
	free(v);
}

/* ------------------------------------------------------------ the array */

/* The index of the first area ending above `addr` (nareas if none). */
static uint32_t first_above(const struct mm *mm, uint64_t addr)
{
	uint32_t lo = 0, hi = mm->nareas;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (mm->areas[mid]->end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vma *vma_find(struct mm *mm, uint64_t addr)
{
	uint32_t i = first_above(mm, addr);
	return i < mm->nareas && mm->areas[i]->start <= addr ? mm->areas[i]
							     : NULL;
}

struct vma *vma_next(struct mm *mm, uint64_t addr)
{
	uint32_t i = first_above(mm, addr);
	return i < mm->nareas ? mm->areas[i] : NULL;
}

bool vma_range_free(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v = vma_next(mm, start);
	return !v || v->start >= end;
}

/* Room in the array for `more` areas: 0 or -ENOMEM. */
static long reserve(struct mm *mm, uint32_t more)
{
	if (mm->nareas + more > VMA_MAX)
		return -ENOMEM;
	if (mm->nareas + more <= mm->areas_cap)
		return 0;
	uint32_t cap = mm->areas_cap ? mm->areas_cap : 16;
	while (cap < mm->nareas + more)
		cap *= 2;
	struct vma **a = realloc(mm->areas, cap * sizeof(*a));
	if (!a)
		return -ENOMEM;
	mm->areas = a;
	mm->areas_cap = cap;
	return 0;
}

/* Put v at index i (room reserved), linking it into the list. */
static void insert_at(struct mm *mm, uint32_t i, struct vma *v)
{
	memmove(&mm->areas[i + 1], &mm->areas[i], (mm->nareas - i) * sizeof(v));
	mm->areas[i] = v;
	mm->nareas++;
	v->next = i + 1 < mm->nareas ? mm->areas[i + 1] : NULL;
	if (i)
		mm->areas[i - 1]->next = v;
	else
		mm->vmas = v;
}

/* Take the area at index i out (not released). */
static void remove_at(struct mm *mm, uint32_t i)
{
	struct vma *next = mm->areas[i]->next;
	memmove(&mm->areas[i], &mm->areas[i + 1],
		(mm->nareas - i - 1) * sizeof(next));
	mm->nareas--;
	if (i)
		mm->areas[i - 1]->next = next;
	else
		mm->vmas = next;
}

/* ------------------------------------------------------------ merging */

/* Whether `b` continues `a`: next to it, alike, the backing going on. */
static bool continues(const struct vma *a, const struct vma *b)
{
	uint64_t len = a->end - a->start;
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->kind != b->kind || (a->flags & VMA_UTCB))
		return false;
	switch (a->kind) {
	case VMA_ANON:
		return true;
	case VMA_FILE:
		return a->ino == b->ino && b->offset == a->offset + len &&
		       a->file_end == b->file_end;
	case VMA_SHARED:
		return a->obj == b->obj && b->obj_offset == a->obj_offset + len;
	}
	return false;
}

/* Merge the area at index i with the ones beside it where they continue
 * each other.  Returns the index of what it became. */
static uint32_t merge_at(struct mm *mm, uint32_t i)
{
	if (i + 1 < mm->nareas && continues(mm->areas[i], mm->areas[i + 1])) {
		struct vma *b = mm->areas[i + 1];
		mm->areas[i]->end = b->end;
		remove_at(mm, i + 1);
		vma_release(b);
	}
	if (i > 0 && continues(mm->areas[i - 1], mm->areas[i])) {
		struct vma *b = mm->areas[i];
		mm->areas[i - 1]->end = b->end;
		remove_at(mm, i);
		vma_release(b);
		i--;
	}
	return i;
}

/* ------------------------------------------------------------ adding */

static struct vma *vma_make(uint64_t start, uint64_t end, uint32_t prot,
			    uint32_t flags, const struct vm_backing *b)
{
	struct vma *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	if (b) {
		v->kind = b->kind;
		v->ino = b->kind == VMA_FILE ? b->ino : NULL;
		v->offset = b->offset;
		v->file_end = b->file_end;
		v->obj = b->kind == VMA_SHARED ? b->obj : NULL;
		v->obj_offset = b->obj_offset;
	}
	return v;
}

long vm_map(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot,
	    uint32_t flags, const struct vm_backing *b)
{
	struct vma *v = vma_make(start, end, prot, flags, b);
	if (!v || reserve(mm, 1)) {
		free(v);
		return -ENOMEM;
	}
	vma_hold(v);
	insert_at(mm, first_above(mm, start), v);
	merge_at(mm, first_above(mm, start));
	return 0;
}

long vma_add(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot,
	     uint32_t flags, enum vma_kind kind)
{
	struct vm_backing b = {.kind = kind};
	struct vma *v = vma_make(start, end, prot, flags, &b);
	if (!v || reserve(mm, 1)) {
		free(v);
		return -ENOMEM;
	}
	uint32_t i = first_above(mm, start);
	insert_at(mm, i, v);
	if (kind == VMA_ANON) /* the others get their backing next */
		merge_at(mm, i);
	return 0;
}

/* ------------------------------------------------------------ cutting */

/* Move the start of v up to `at` (its backing's offset with it). */
static void cut_front(struct vma *v, uint64_t at)
{
	if (v->kind == VMA_FILE)
		v->offset += at - v->start;
	if (v->kind == VMA_SHARED)
		v->obj_offset += at - v->start;
	v->start = at;
}

/* Whether [start, end) touches the UTCB area. */
static bool hits_utcb(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = vma_next(mm, start); v && v->start < end;
	     v = v->next)
		if (v->flags & VMA_UTCB)
			return true;
	return false;
}

/* Whether taking [start, end) out splits an area in three (one area
 * reaching past both ends): that needs a record and a place more. */
static bool splits(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v = vma_find(mm, start);
	return v && v->start < start && v->end > end;
}

/*
 * Take [start, end) out of the areas (their pages stay: the caller's
 * business).  `spare` is a record for the one case that needs one (see
 * splits), with its place in the array reserved; it is used or freed.
 */
static void cut(struct mm *mm, uint64_t start, uint64_t end, struct vma *spare)
{
	uint32_t i = first_above(mm, start);
	while (i < mm->nareas && mm->areas[i]->start < end) {
		struct vma *v = mm->areas[i];
		if (v->start < start && v->end > end) {
			*spare = *v;
			cut_front(spare, end);
			vma_hold(spare);
			v->end = start;
			insert_at(mm, i + 1, spare);
			return;
		}
		if (v->start < start) {
			v->end = start;
			i++;
		} else if (v->end > end) {
			cut_front(v, end);
			break;
		} else {
			remove_at(mm, i);
			vma_release(v);
		}
	}
	free(spare);
}

long vma_remove(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *spare = malloc(sizeof(*spare));
	if (!spare || reserve(mm, splits(mm, start, end))) {
		free(spare);
		return -ENOMEM;
	}
	cut(mm, start, end, spare);
	mm_drop_pages(mm, start, end);
	return 0;
}

long vm_unmap(struct mm *mm, uint64_t start, uint64_t end)
{
	if (hits_utcb(mm, start, end))
		return -EINVAL;
	return vma_remove(mm, start, end);
}

long vm_map_fixed(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot,
		  uint32_t flags, const struct vm_backing *b)
{
	if (hits_utcb(mm, start, end))
		return -EINVAL;
	struct vma *v = vma_make(start, end, prot, flags, b);
	struct vma *spare = malloc(sizeof(*spare));
	if (!v || !spare || reserve(mm, 1 + splits(mm, start, end))) {
		free(v);
		free(spare);
		return -ENOMEM;
	}
	vma_hold(v);
	cut(mm, start, end, spare);
	mm_drop_pages(mm, start, end);
	insert_at(mm, first_above(mm, start), v);
	merge_at(mm, first_above(mm, start));
	return 0;
}

/* ------------------------------------------------------------ protection */

/*
 * Decide whether every area of [start, end) may take `prot`: 0, or
 * -ENOMEM (a hole in the range, as Linux), -EINVAL (the UTCB area),
 * -EACCES (write to a shared file mapping whose descriptor could not
 * write), -ETXTBSY (write to a file a process runs), -ENOMEM (private
 * memory made writable beyond what is free).
 */
static long protect_check(struct mm *mm, uint64_t start, uint64_t end,
			  uint32_t prot)
{
	uint64_t at = start, newly_writable = 0;
	for (struct vma *v = vma_next(mm, start); at < end; v = v->next) {
		if (!v || v->start > at)
			return -ENOMEM;
		if (v->flags & VMA_UTCB)
			return -EINVAL;
		uint64_t lo = v->start > start ? v->start : start;
		uint64_t hi = v->end < end ? v->end : end;
		bool adds_write =
		    (prot & PX_PROT_WRITE) && !(v->prot & PX_PROT_WRITE);
		if (adds_write && v->kind == VMA_SHARED && vmo_inode(v->obj)) {
			if (!(v->flags & VMA_MAYWRITE))
				return -EACCES;
			if (fs_write_begin(vmo_inode(v->obj)))
				return -ETXTBSY;
			fs_write_end(vmo_inode(v->obj));
		}
		if (adds_write && v->kind != VMA_SHARED)
			newly_writable += hi - lo;
		at = v->end;
	}
	return newly_writable > mem_available() ? -ENOMEM : 0;
}

long vm_protect(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot)
{
	long r = protect_check(mm, start, end, prot);
	if (r)
		return r;
	/* A piece more where an area reaches past either end. */
	struct vma *lo = vma_find(mm, start), *hi = vma_find(mm, end - 1);
	uint32_t more = (lo->start < start) + (hi->end > end);
	struct vma *s1 = malloc(sizeof(*s1)), *s2 = malloc(sizeof(*s2));
	if (!s1 || !s2 || reserve(mm, more)) {
		free(s1);
		free(s2);
		return -ENOMEM;
	}
	/* Split off what lies outside the range, at both ends. */
	uint32_t i = first_above(mm, start);
	struct vma *v = mm->areas[i];
	if (v->start < start) {
		*s1 = *v;
		cut_front(s1, start);
		vma_hold(s1);
		v->end = start;
		insert_at(mm, ++i, s1);
		s1 = NULL;
	}
	uint32_t last = first_above(mm, end - 1);
	v = mm->areas[last];
	if (v->end > end) {
		*s2 = *v;
		cut_front(s2, end);
		vma_hold(s2);
		v->end = end;
		insert_at(mm, last + 1, s2);
		s2 = NULL;
	}
	free(s1);
	free(s2);
	/* Fewer rights: the pages mapped go, and fault back in as allowed. */
	bool fewer = false;
	for (uint32_t k = i; k <= last; k++) {
		struct vma *a = mm->areas[k];
		fewer |= (a->prot & ~prot) != 0;
		bool was = writes_file(a);
		a->prot = prot;
		if (writes_file(a) && !was)
			fs_write_begin(vmo_inode(a->obj)); /* checked above */
		else if (was && !writes_file(a))
			fs_write_end(vmo_inode(a->obj));
	}
	if (fewer)
		mm_unmap_pages(mm, start, end);
	/* Merge what became alike, from the top down. */
	merge_at(mm, last);
	for (uint32_t k = last; k-- > i;)
		merge_at(mm, k);
	if (i > 0)
		merge_at(mm, i - 1);
	return 0;
}

/* ------------------------------------------------------------ whole spaces */

long vma_clone_all(struct mm *to, struct mm *from)
{
	if (reserve(to, from->nareas))
		return -ENOMEM;
	for (uint32_t i = 0; i < from->nareas; i++) {
		struct vma *c = malloc(sizeof(*c));
		if (!c)
			return -ENOMEM; /* the caller puts `to` */
		*c = *from->areas[i];
		vma_hold(c);
		insert_at(to, to->nareas, c);
	}
	return 0;
}

void vma_clear_all(struct mm *mm)
{
	while (mm->nareas) {
		struct vma *v = mm->areas[mm->nareas - 1];
		remove_at(mm, mm->nareas - 1);
		vma_release(v);
	}
	free(mm->areas);
	mm->areas = NULL;
	mm->areas_cap = 0;
	mm->vmas = NULL;
}
