/*
 * mm0's memory, on top of its chunks (chunks.c): frames, its own paged
 * memory (the heap and the maps of the slot chunks), and kernel objects
 * for processes.
 *
 * A frame is a Page object of a frame chunk.  Its id (chunk << obj_bits
 * | index) places it in mm0's frame window: the first use maps it there,
 * at frame_va(f), with the master capability, for as long as it exists;
 * processes get copies of that capability, one per mapping.  A frame
 * with no references waits in its chunk, and is cleared when it is handed
 * out again.
 *
 * Paged memory is address space in mm0's own space whose pages come and
 * go: malloc (with its pager hooks) commits the pages it writes and
 * releases the pages of free blocks.  A released page waits mapped (a
 * commit of it again costs nothing) until PAGED_SLACK of them wait, or
 * memory is wanted (heap_flush): then they go back to their chunks.
 *
 * The page tables of mm0's own windows are all made at the start, so
 * that nothing mm0 does later for itself holds a table.
 */
#include <stdlib.h>
#include <string.h>
#include <tess_alloc.h>

#include "mm0.h"

#define PAGED_SLACK 256
#define SLOT_MAPS_SIZE (CHUNKS_MAX * 512ul) /* 4096 bits per slot chunk */
#define PAGED_MAX (SLOT_MAPS_SIZE + MM0_HEAP_MAX)

static uint32_t *frame_refs_v; /* indexed by frame id */
frame_t zero_frame = NO_FRAME;

/* ------------------------------------------------------------ own space */

static enum chunk_kind table_kind(unsigned type)
{
	return type == CAP_PT ? CK_PT : type == CAP_PD ? CK_PD : CK_PDPT;
}

/* mm0's own tables: objects of the table chunks, kept for good. */
static long own_take_table(void *ctx, unsigned type, cptr_t *out)
{
	uint32_t id;
	long r = chunk_obj_take(table_kind(type), &id, NULL);
	(void)ctx;
	if (!r)
		*out = chunk_obj_cap(id);
	return r;
}

static void own_give_table(void *ctx, unsigned type, cptr_t cap)
{
	(void)ctx;
	(void)type;
	chunk_obj_give(chunk_obj_id(cap));
}

/* Make the tables for [va, va + len) in mm0's own space. */
static long own_tables(uint64_t va, uint64_t len)
{
	static const struct tess_tables own = {own_take_table, own_give_table,
					       NULL, NULL};
	for (uint64_t a = va; a < va + len; a += 1ul << 21) {
		long r = tess_tables_ensure(SPACE_SELF, a, &own);
		if (r)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ paged memory */

static uint32_t paged_obj[PAGED_MAX / PAGE]; /* object id + 1, or 0 */
static uint64_t paged_waiting[PAGED_MAX / PAGE / 64];
static uint32_t waiting[PAGED_SLACK], nwaiting;
static uint64_t paged_limit; /* bytes of paged memory usable */
static uint64_t heap_end;    /* malloc's morecore */

void *slot_map(uint32_t c)
{
	return (void *)(MM0_PAGED_BASE + (uint64_t)c * 512);
}

void heap_flush(void)
{
	for (uint32_t k = 0; k < nwaiting; k++) {
		uint32_t i = waiting[k];
		if (!(paged_waiting[i / 64] >> (i % 64) & 1))
			continue; /* committed again meanwhile */
		paged_waiting[i / 64] &= ~(1ull << (i % 64));
		uint32_t id = paged_obj[i] - 1;
		tess_unmap(chunk_obj_cap(id));
		paged_obj[i] = 0;
		chunk_obj_give(id);
	}
	nwaiting = 0;
}

int paged_commit(void *start, size_t len)
{
	uint64_t a = PAGE_DOWN((uint64_t)start), end = (uint64_t)start + len;
	uint32_t first = (uint32_t)((a - MM0_PAGED_BASE) / PAGE);
	if (end - a <= PAGE && paged_obj[first] &&
	    !(paged_waiting[first / 64] >> (first % 64) & 1))
		return 0; /* the usual case: one page, present */
	for (; a < end; a += PAGE) {
		uint32_t i = (uint32_t)((a - MM0_PAGED_BASE) / PAGE), id;
		if (a - MM0_PAGED_BASE >= paged_limit)
			return -1;
		if (paged_obj[i]) {
			paged_waiting[i / 64] &= ~(1ull << (i % 64));
			continue;
		}
		if (chunk_obj_take(CK_HEAP, &id, NULL))
			return -1;
		if (tess_map(chunk_obj_cap(id), SPACE_SELF, a,
			     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)) {
			chunk_obj_give(id);
			return -1;
		}
		paged_obj[i] = id + 1;
	}
	return 0;
}

void paged_release(void *start, size_t len)
{
	uint64_t a = PAGE_UP((uint64_t)start),
		 end = PAGE_DOWN((uint64_t)start + len);
	for (; a < end; a += PAGE) {
		uint32_t i = (uint32_t)((a - MM0_PAGED_BASE) / PAGE);
		if (!paged_obj[i] || (paged_waiting[i / 64] >> (i % 64) & 1))
			continue;
		if (nwaiting == PAGED_SLACK)
			heap_flush();
		paged_waiting[i / 64] |= 1ull << (i % 64);
		waiting[nwaiting++] = i;
	}
}

/* malloc's morecore: address space only, pages come by commit. */
static void *heap_more(size_t n)
{
	uint64_t old = heap_end;
	if (n > MM0_PAGED_BASE + paged_limit - heap_end)
		return NULL;
	heap_end += n;
	return (void *)old;
}

static void heap_shrink(void *end)
{
	heap_end = (uint64_t)end;
}

static const struct malloc_pager heap_pager = {paged_commit, paged_release,
					       heap_shrink};

/* ------------------------------------------------------------ frames */

void *frame_va(frame_t f)
{
	return (void *)(MM0_FRAME_WINDOW + (uint64_t)f * PAGE);
}

cptr_t frame_cap(frame_t f)
{
	return chunk_obj_cap(f);
}

uint32_t frame_refs(frame_t f)
{
	return frame_refs_v[f];
}

long frame_alloc(bool zero, frame_t *out)
{
	uint32_t f;
	bool fresh;
	long r = chunk_obj_take(CK_FRAME, &f, &fresh);
	if (r)
		return r;
	if (fresh) {
		/* As retyped: zeroed, and not yet in the window. */
		r = tess_map(frame_cap(f), SPACE_SELF, (uint64_t)frame_va(f),
			     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
		if (r) {
			chunk_obj_drop(f);
			return r;
		}
	} else if (zero) {
		memset(frame_va(f), 0, PAGE);
	}
	frame_refs_v[f] = 1;
	*out = f;
	return 0;
}

void frame_get(frame_t f)
{
	frame_refs_v[f]++;
}

void frame_put(frame_t f)
{
	if (f == NO_FRAME || !frame_refs_v[f])
		return;
	if (--frame_refs_v[f] == 0 && f != zero_frame)
		chunk_obj_give(f);
}

void *file_page_alloc(void)
{
	frame_t f;
	return frame_alloc(true, &f) ? NULL : frame_va(f);
}

void file_page_free(void *page)
{
	frame_put((frame_t)(((uint64_t)page - MM0_FRAME_WINDOW) / PAGE));
}

/* ------------------------------------------------------------ start */

long frames_init(void)
{
	uint64_t window = (uint64_t)chunk_count_max() << chunk_bits;
	paged_limit =
	    SLOT_MAPS_SIZE +
	    (mm0.untyped_size < MM0_HEAP_MAX ? mm0.untyped_size : MM0_HEAP_MAX);
	heap_end = MM0_PAGED_BASE + SLOT_MAPS_SIZE;
	long r = own_tables(MM0_FRAME_WINDOW, window);
	if (!r)
		r = own_tables(MM0_PAGED_BASE, paged_limit);
	if (r) {
		mm0_log("cannot make its own page tables: %s",
			tess_strerror(r));
		return r;
	}
	malloc_set_morecore(heap_more);
	malloc_set_pager(&heap_pager);
	frame_refs_v =
	    calloc((size_t)chunk_count_max() << obj_bits, sizeof(uint32_t));
	if (!frame_refs_v || frame_alloc(true, &zero_frame)) {
		mm0_log("cannot make the frame table and the zero page");
		return -E_NOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------ objects */

static enum chunk_kind object_kind(unsigned type)
{
	switch (type) {
	case CAP_THREAD:
		return CK_THREAD;
	case CAP_SPACE:
		return CK_SPACE;
	default:
		return table_kind(type);
	}
}

long pool_take(unsigned type, cptr_t *out)
{
	uint32_t id;
	long r = chunk_obj_take(object_kind(type), &id, NULL);
	if (!r)
		*out = chunk_obj_cap(id);
	return r;
}

void pool_give(unsigned type, cptr_t cap)
{
	(void)type;
	chunk_obj_give(chunk_obj_id(cap));
}

void pool_drop(cptr_t cap)
{
	chunk_obj_drop(chunk_obj_id(cap));
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
