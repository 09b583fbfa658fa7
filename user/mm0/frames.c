/*
 * mm0's memory: the frame pool, its own mappings and heap, and pools of
 * kernel objects.
 *
 * A frame is a Page object.  Its master capability maps it at
 * frame_va(f) in mm0's own space for as long as mm0 runs, so mm0 can fill
 * and copy frames directly; processes get copies of that capability, one
 * per mapping.  A frame with no references goes back to the free list and
 * is cleared when handed out again.  Objects (threads, spaces, tables)
 * given back are kept for the next process: mm0 retypes from its Untyped
 * only when a pool is empty, so a steady load does not use more memory.
 */
#include <stdlib.h>
#include <string.h>
#include <tess_alloc.h>

#include "mm0.h"

struct frame {
	cptr_t cap;
	uint32_t refs;
	uint32_t next_free;
};

static struct frame *frames;
static uint32_t nframes, frames_cap, free_head = NO_FRAME;
frame_t zero_frame = NO_FRAME;

/* ------------------------------------------------------------ own space */

/* mm0's own tables come straight from its untyped, not from the pools:
 * the heap grows through here, and the pools' bookkeeping uses the heap. */
static long own_take_table(void *ctx, unsigned type, cptr_t *out)
{
	(void)ctx;
	return object_new(type, 0, out);
}

static void own_give_table(void *ctx, unsigned type, cptr_t cap)
{
	(void)ctx;
	(void)type;
	slot_delete(cap);
}

/* Map `page` at `va` in mm0's own space, making tables as needed. */
static long map_own(cptr_t page, uint64_t va, unsigned rights)
{
	static const struct tess_tables own = {own_take_table, own_give_table,
					       NULL, NULL};
	return tess_tables_map(page, SPACE_SELF, va, rights, &own);
}

/* ------------------------------------------------------------ heap */

static uint64_t heap_end = MM0_HEAP_BASE, heap_mapped = MM0_HEAP_BASE;

/* malloc's morecore: more bytes at the end of mm0's heap. */
static void *heap_more(size_t n)
{
	uint64_t old = heap_end;
	while (heap_mapped < heap_end + n) {
		cptr_t p;
		if (object_new(CAP_PAGE, 0, &p))
			return NULL;
		if (map_own(p, heap_mapped,
			    RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)) {
			slot_delete(p);
			return NULL;
		}
		heap_mapped += PAGE;
	}
	heap_end += n;
	return (void *)old;
}

/* ------------------------------------------------------------ frames */

void *frame_va(frame_t f)
{
	return (void *)(MM0_FRAME_WINDOW + (uint64_t)f * PAGE);
}

cptr_t frame_cap(frame_t f)
{
	return frames[f].cap;
}

uint32_t frame_refs(frame_t f)
{
	return frames[f].refs;
}

static long frame_make(frame_t *out)
{
	if (nframes == frames_cap) {
		uint32_t n = frames_cap ? frames_cap * 2 : 1024;
		struct frame *bigger = realloc(frames, n * sizeof(*frames));
		if (!bigger)
			return -E_NOMEM;
		frames = bigger;
		frames_cap = n;
	}
	frame_t f = nframes;
	cptr_t cap;
	long r = object_new(CAP_PAGE, 0, &cap);
	if (r)
		return r;
	r = map_own(cap, (uint64_t)frame_va(f),
		    RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	if (r) {
		slot_delete(cap);
		return r;
	}
	frames[f].cap = cap;
	frames[f].refs = 0;
	frames[f].next_free = NO_FRAME;
	nframes++;
	mm0.stats.frames_total++;
	*out = f;
	return 0;
}

long frame_alloc(bool zero, frame_t *out)
{
	frame_t f;
	if (free_head != NO_FRAME) {
		f = free_head;
		free_head = frames[f].next_free;
		mm0.stats.frames_free--;
		if (zero)
			memset(frame_va(f), 0, PAGE);
	} else {
		long r = frame_make(&f); /* new frames come zeroed */
		if (r)
			return r;
	}
	frames[f].refs = 1;
	*out = f;
	return 0;
}

void frame_get(frame_t f)
{
	frames[f].refs++;
}

void frame_put(frame_t f)
{
	if (f == NO_FRAME || !frames[f].refs)
		return;
	if (--frames[f].refs == 0 && f != zero_frame) {
		frames[f].next_free = free_head;
		free_head = f;
		mm0.stats.frames_free++;
	}
}

void frames_init(void)
{
	malloc_set_morecore(heap_more);
	if (frame_alloc(true, &zero_frame))
		mm0_log("cannot make the zero page");
}

/* ------------------------------------------------------------ pools */

#define POOL_TYPES 16

struct pool {
	cptr_t *caps;
	uint32_t n, cap;
};
static struct pool pools[POOL_TYPES];

long pool_take(unsigned type, cptr_t *out)
{
	struct pool *p = &pools[type];
	if (p->n) {
		*out = p->caps[--p->n];
		return 0;
	}
	return object_new(type, 0, out);
}

void pool_give(unsigned type, cptr_t cap)
{
	struct pool *p = &pools[type];
	if (p->n == p->cap) {
		uint32_t n = p->cap ? p->cap * 2 : 64;
		cptr_t *bigger = realloc(p->caps, n * sizeof(cptr_t));
		if (!bigger) {
			/* Cannot keep it: let the object go (its memory stays
			 * used until the untyped is reset). */
			slot_delete(cap);
			return;
		}
		p->caps = bigger;
		p->cap = n;
	}
	p->caps[p->n++] = cap;
}

/* The pools as the source of page tables for tess_tables_map. */
static long pool_take_table(void *ctx, unsigned type, cptr_t *out)
{
	(void)ctx;
	return pool_take(type, out);
}

static void pool_give_table(void *ctx, unsigned type, cptr_t cap)
{
	(void)ctx;
	pool_give(type, cap);
}

long map_with_tables(cptr_t page, cptr_t space, uint64_t va, unsigned rights,
		     void (*mapped)(void *ctx, unsigned type, cptr_t cap),
		     void *ctx)
{
	struct tess_tables src = {pool_take_table, pool_give_table, mapped,
				  ctx};
	return tess_tables_map(page, space, va, rights, &src);
}
