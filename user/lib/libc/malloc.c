/*
 * Tessera libc: malloc, free, calloc and realloc.
 *
 * A first-fit allocator with coalescing free.  Its memory comes from one
 * hook, morecore (set with malloc_set_morecore): like sbrk, morecore(n)
 * returns n more bytes, normally right after the ones it gave last, or
 * NULL.  Until a program sets the hook, malloc fails.
 *
 * The heap is a sequence of blocks.  Each begins with a 16-byte header:
 * the size of the block just below it (the boundary tag that lets free
 * find its lower neighbour; 0 for the first block of a segment) and its
 * own size, whose low bit says "in use".  Sizes are multiples of 16 and
 * blocks start 16-aligned, so every payload is 16-byte aligned.  A free
 * block keeps its free-list links in its payload, so the smallest block is
 * 32 bytes.
 *
 * A segment is one run of contiguous memory from morecore.  It ends with
 * a fence: a header of size 0 marked in use, so that the walk to the upper
 * neighbour never leaves the segment.  When morecore hands out memory just
 * past the last segment's end (the usual case), the fence becomes the
 * header of the new space and the segment grows; otherwise a new segment
 * starts and the old one keeps its fence.
 *
 * Invariants: no two free blocks are neighbours (free merges them at
 * once); every free block is on the free list; a header's prev_size equals
 * the size of the block below it.
 *
 * With a pager (malloc_set_pager), morecore gives address space only and
 * pages are made present on demand: malloc commits what it will write
 * before writing it (a block it hands out, with room for the header of
 * what is split off) and, when a block is freed, releases every whole
 * page of the free block it ends up in, except those holding the free
 * block's first MIN_BLOCK bytes (header and links) and the next block's
 * header.  A free block at the top of the heap is cut to MIN_BLOCK and
 * the heap's end moves down to its new fence (shrink).  So the pages a
 * heap holds depend only on the blocks in use, never on what was freed.
 *
 * Not thread-safe: a program whose threads share a heap must serialise
 * its calls.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../include/malloc_pager.h"

struct block {
	size_t prev_size; /* size of the block below; 0: first of a segment */
	size_t size;	  /* this block's size, header included; | IN_USE */
	/* free blocks only: */
	struct block *next_free, *prev_free;
};

#define HDR 16ul /* prev_size and size */
#define ALIGN 16ul
#define IN_USE 1ul
#define MIN_BLOCK 32ul /* a header and the two free-list links */
#define CHUNK 65536ul  /* ask morecore for at least this much at a time */
#define PAGE 4096ul    /* a pager's unit */
#define TRIM_MIN (128ul << 10) /* free trims a top block this large */
/* Larger requests fail before any arithmetic on them can overflow. */
#define MAX_REQUEST (SIZE_MAX / 4)

static void *(*morecore)(size_t increment);
static const struct malloc_pager *pager;
static struct block *free_list;
static struct block *top_fence; /* the fence of the segment made last */
static uintptr_t top_end;	/* where morecore's last memory ended */
static size_t in_use_bytes;	/* payload bytes of blocks in use */

void malloc_set_morecore(void *(*fn)(size_t increment))
{
	morecore = fn;
}

void malloc_set_pager(const struct malloc_pager *p)
{
	pager = p;
}

static uintptr_t page_down(uintptr_t a)
{
	return a & ~(PAGE - 1);
}

static uintptr_t page_up(uintptr_t a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

/* Make [start, end) present (a pager's commit): 0, or -1. */
static int commit(uintptr_t start, uintptr_t end)
{
	if (!pager || end <= start)
		return 0;
	return pager->commit((void *)start, end - start);
}

static size_t bsize(const struct block *b)
{
	return b->size & ~IN_USE;
}

static int used(const struct block *b)
{
	return b->size & IN_USE;
}

static struct block *next_block(struct block *b)
{
	return (struct block *)((char *)b + bsize(b));
}

static struct block *header_of(void *p)
{
	return (struct block *)((char *)p - HDR);
}

static void *payload(struct block *b)
{
	return (char *)b + HDR;
}

/* Give `b` its size and state, and tell the block above (the boundary
 * tag): the two must never disagree. */
static void set_size(struct block *b, size_t size, size_t in_use)
{
	b->size = size | in_use;
	next_block(b)->prev_size = size;
}

static void list_push(struct block *b)
{
	b->prev_free = NULL;
	b->next_free = free_list;
	if (free_list)
		free_list->prev_free = b;
	free_list = b;
}

static void list_unlink(struct block *b)
{
	if (b->prev_free)
		b->prev_free->next_free = b->next_free;
	else
		free_list = b->next_free;
	if (b->next_free)
		b->next_free->prev_free = b->prev_free;
}

/*
 * `b` has just become free (its IN_USE bit is clear) and is on no list:
 * merge it with a free neighbour on either side and put the result on the
 * free list.  Returns the merged block.
 */
static struct block *release(struct block *b)
{
	struct block *up = next_block(b);
	if (!used(up)) {
		list_unlink(up);
		set_size(b, bsize(b) + bsize(up), 0);
	}
	if (b->prev_size) {
		struct block *down = (struct block *)((char *)b - b->prev_size);
		if (!used(down)) {
			list_unlink(down);
			set_size(down, bsize(down) + bsize(b), 0);
			b = down;
		}
	}
	list_push(b);
	return b;
}

/*
 * [s, e) has just become free and is part of the free block `m`: give the
 * pager the whole pages of m that [s, e) (with the header of the block it
 * may have merged with, at e) newly leaves unused.  m's first MIN_BLOCK
 * bytes and the next block's header stay.
 */
static void give_back(struct block *m, uintptr_t s, uintptr_t e)
{
	if (!pager)
		return;
	uintptr_t lo = page_up((uintptr_t)m + MIN_BLOCK);
	uintptr_t hi = page_down((uintptr_t)next_block(m));
	if (lo < page_down(s))
		lo = page_down(s);
	if (hi > page_up(e + MIN_BLOCK))
		hi = page_up(e + MIN_BLOCK);
	if (lo < hi)
		pager->release((void *)lo, hi - lo);
}

/*
 * With a pager, a free block `m` at the top of the last segment is cut to
 * MIN_BLOCK bytes, the fence moves down behind it and the heap's end with
 * it, so the top of the heap holds no pages it does not use.  free does
 * it only for a top block of TRIM_MIN bytes or more (below that, the
 * interior pages are given back already and only the fence's page stays:
 * not worth growing again for the next malloc); malloc_trim always.
 */
static void trim(struct block *m, size_t min)
{
	if (!pager || next_block(m) != top_fence || bsize(m) <= MIN_BLOCK ||
	    bsize(m) < min)
		return;
	struct block *fence = (struct block *)((char *)m + MIN_BLOCK);
	uintptr_t end = (uintptr_t)fence + HDR;
	if (commit((uintptr_t)fence, end))
		return; /* no page for the new fence: keep the old one */
	uintptr_t old_end = top_end;
	set_size(m, MIN_BLOCK, 0);
	fence->size = IN_USE;
	top_fence = fence;
	top_end = end;
	if (page_up(end) < page_up(old_end))
		pager->release((void *)page_up(end),
			       page_up(old_end) - page_up(end));
	pager->shrink((void *)end);
}

void malloc_trim(void)
{
	if (top_fence && top_fence->prev_size) {
		struct block *m =
		    (struct block *)((char *)top_fence - top_fence->prev_size);
		if (!used(m))
			trim(m, 0);
	}
}

/*
 * Cut `b` (in use, on no list) down to `size` bytes if what is left over
 * makes a block of its own; the rest becomes free.  b's first size +
 * MIN_BLOCK bytes must be present.  `was_used`: the rest was in use until
 * now (a realloc that shrinks), so its pages go back to a pager; else it
 * was part of a free block, whose pages went back already (only its
 * first bytes were committed since).
 */
static void split(struct block *b, size_t size, bool was_used)
{
	size_t total = bsize(b);
	if (total - size < MIN_BLOCK)
		return;
	struct block *rest = (struct block *)((char *)b + size);
	set_size(b, size, IN_USE);
	set_size(rest, total - size, 0);
	struct block *m = release(rest);
	if (was_used)
		give_back(m, (uintptr_t)rest, (uintptr_t)b + total);
	trim(m, TRIM_MIN);
}

/* The block size that holds `n` payload bytes, or 0 if `n` is too big. */
static size_t block_size(size_t n)
{
	if (n > MAX_REQUEST)
		return 0;
	size_t s = (n + HDR + ALIGN - 1) & ~(ALIGN - 1);
	return s < MIN_BLOCK ? MIN_BLOCK : s;
}

/*
 * Get memory for a free block of at least `size` bytes from morecore.
 * Returns that block, already merged and on the free list, or NULL.
 *
 * The request covers the block, a new fence and up to 15 bytes lost to
 * aligning either end (32 more than `size` in the worst case, 48 asked):
 * a free block of at least `size` bytes results whether the memory
 * extends the last segment or starts a new one.
 */
static struct block *grow(size_t size)
{
	size_t need = size + HDR + 2 * ALIGN;
	size_t n = (need + CHUNK - 1) & ~(CHUNK - 1);
	if (!morecore)
		return NULL;

	/* A whole chunk when the hook can give one, else just enough. */
	void *p = morecore(n);
	if (!p) {
		n = need;
		if (!(p = morecore(n)))
			return NULL;
	}

	uintptr_t start = (uintptr_t)p, end = start + n;
	struct block *b, *fence = (struct block *)((end - HDR) & ~(ALIGN - 1));
	bool contiguous = top_fence && start == top_end;
	b = contiguous
		? top_fence /* the old fence becomes the new space's header */
		: (struct block *)((start + ALIGN - 1) & ~(ALIGN - 1));
	/* With a pager: the new free block's first bytes and the fence. */
	if (commit((uintptr_t)b, (uintptr_t)b + MIN_BLOCK) ||
	    commit((uintptr_t)fence, (uintptr_t)fence + HDR)) {
		if (pager)
			pager->shrink(contiguous ? (void *)top_end : p);
		return NULL;
	}
	if (!contiguous)
		b->prev_size = 0;
	set_size(b, (size_t)((uintptr_t)fence - (uintptr_t)b), 0);
	fence->size = IN_USE;
	top_fence = fence;
	top_end = end;
	return release(b);
}

void *malloc(size_t n)
{
	size_t size = block_size(n);
	if (!size)
		return NULL;

	struct block *b = free_list;
	while (b && bsize(b) < size)
		b = b->next_free;
	if (!b && !(b = grow(size)))
		return NULL;
	/* The block, and the header of what split leaves over. */
	size_t used = bsize(b) < size + MIN_BLOCK ? bsize(b) : size + MIN_BLOCK;
	if (commit((uintptr_t)b, (uintptr_t)b + used))
		return NULL;

	list_unlink(b);
	b->size |= IN_USE;
	split(b, size, false);
	in_use_bytes += bsize(b) - HDR;
	return payload(b);
}

void free(void *p)
{
	if (!p)
		return;
	struct block *b = header_of(p);
	/* A pointer malloc never gave, or freed twice: stop here rather than
	 * corrupt the heap and fail somewhere far away. */
	if (!used(b) || bsize(b) < MIN_BLOCK || ((uintptr_t)p & (ALIGN - 1)))
		abort();
	in_use_bytes -= bsize(b) - HDR;
	b->size &= ~IN_USE;
	uintptr_t s = (uintptr_t)b, e = s + bsize(b);
	struct block *m = release(b);
	give_back(m, s, e);
	trim(m, TRIM_MIN);
}

void *calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	void *p = malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

/*
 * Shrinking and growing into a free upper neighbour happen in place; any
 * other growth moves the data to a new block.  realloc(p, 0) frees p and
 * returns NULL.
 */
void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	size_t size = block_size(n);
	if (!size)
		return NULL;

	struct block *b = header_of(p);
	size_t old = bsize(b);
	struct block *up = next_block(b);
	size_t room = size <= old ? old : used(up) ? 0 : old + bsize(up);
	if (room >= size &&
	    !commit((uintptr_t)b,
		    (uintptr_t)b +
			(room < size + MIN_BLOCK ? room : size + MIN_BLOCK))) {
		in_use_bytes -= old - HDR;
		if (size > old) {
			list_unlink(up);
			set_size(b, old + bsize(up), IN_USE);
		}
		split(b, size, size <= old);
		in_use_bytes += bsize(b) - HDR;
		return p;
	}

	void *q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, old - HDR); /* old < size, so old - HDR < n */
	free(p);
	return q;
}

void malloc_stats(size_t *in_use, size_t *free_bytes)
{
	size_t f = 0;
	for (struct block *b = free_list; b; b = b->next_free)
		f += bsize(b) - HDR;
	if (in_use)
		*in_use = in_use_bytes;
	if (free_bytes)
		*free_bytes = f;
}
