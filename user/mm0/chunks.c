/*
 * mm0's memory in chunks: how memory given back comes back, to any use.
 *
 * The kernel reuses an Untyped's memory only whole: when nothing made
 * from it is left, its watermark reads 0 again (ABI.md, "watermark and
 * reset").  Objects deleted one by one leave their memory dead until
 * then.  So mm0 cuts its untyped into chunks, child Untypeds of
 * 2^chunk_bits bytes (256 KiB up to a 256 MiB container), made as they
 * are needed, and a chunk serves one kind of object at a time:
 *
 *   an object chunk (frames, mm0's heap pages, page tables of each
 *     level, threads, spaces) gets a CSpace of 2^obj_bits slots at its
 *     start when it is taken, then objects of its kind, object j's
 *     capability in slot j of that CSpace (so an object's capability
 *     address names its chunk).  The objects are retyped a batch of
 *     about RETYPE_BATCH bytes at a time, as they are first wanted: the
 *     kernel zeroes what it retypes, and a whole chunk at once would
 *     stall the page fault that happens to want it (tens of thousands
 *     of instructions) where a batch costs about what clearing the same
 *     pages would anyway.  Likewise the next chunk of a kind is taken
 *     (as its spare) a little before the last one runs out
 *     (chunk_prepare), so that no take makes a chunk and a batch at once;
 *   a slot chunk is one CSpace of 4096 slots for mm0's other capabilities
 *     (slots.c).
 *
 * Objects of a chunk that are given back wait in the chunk, alive, for
 * the next request of that kind (taken lowest chunk first, so that the
 * objects in use gather in few chunks).  When none of a chunk's objects
 * is in use any more, mm0 revokes the chunk: the kernel deletes its
 * CSpace and every object in it and resets it, and the chunk can serve
 * any kind next.  Against churn at a boundary each kind keeps one unused
 * chunk (its spare) unrevoked; spares, and mm0's heap pages waiting to be
 * released (frames.c), are given back when a chunk is wanted and none is
 * free, and before PX_STATS reports (mem_settle).  While mm0 serves a
 * request, it does not take the last RESERVE_CHUNKS free chunks: those
 * are for page faults, which cannot be refused.
 *
 * Root CSpace slots: chunk c's Untyped is in CHUNK_UT_BASE + c, its
 * CSpace in CHUNK_CS_BASE + c.  Nothing here uses the heap, which is
 * itself made of chunk objects: these functions run inside malloc.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm0.h"

#define OBJ_MAX 256 /* objects per chunk, at most: 2^obj_bits */
#define RETYPE_BATCH (16u << 10)
#define PREPARE_LOW 8 /* objects left when the next chunk is taken ahead */

struct chunk {
	uint8_t kind;	/* CK_NONE: reset (no objects), free for any kind */
	uint16_t nobj;	/* objects 1..nobj fit in it... */
	uint16_t made;	/* ...and 1..made of them exist (retyped) */
	uint16_t live;	/* of those, in use (or dropped: see chunk_obj_drop) */
	uint16_t nfree; /* of those, waiting in the chunk */
	uint64_t free[OBJ_MAX / 64];  /* object j waits in the chunk */
	uint64_t fresh[OBJ_MAX / 64]; /* object j never used: as retyped */
};

static struct chunk chunks[CHUNKS_MAX];
static uint32_t nchunks;			  /* carved so far */
static uint32_t chunks_max;			  /* what the untyped holds */
static uint64_t avail[CK_KINDS][CHUNKS_MAX / 64]; /* a free object */
static uint32_t spare[CK_KINDS];		  /* chunk + 1, or 0 */
static uint32_t chunks_used;	/* of a kind (spares included) */
static uint64_t frames_waiting; /* frames not in use, in frame chunks */
unsigned chunk_bits, obj_bits;

static const struct {
	unsigned type, size_bits;
} kinds[CK_KINDS] = {
    [CK_FRAME] = {CAP_PAGE, 12},  [CK_HEAP] = {CAP_PAGE, 12},
    [CK_PT] = {CAP_PT, 12},	  [CK_PD] = {CAP_PD, 12},
    [CK_PDPT] = {CAP_PDPT, 12},	  [CK_THREAD] = {CAP_THREAD, 13},
    [CK_SPACE] = {CAP_SPACE, 13}, [CK_SLOTS] = {CAP_CSPACE, 0},
};

static bool bit(const uint64_t *m, uint32_t i)
{
	return m[i / 64] >> (i % 64) & 1;
}

static void set(uint64_t *m, uint32_t i, bool v)
{
	if (v)
		m[i / 64] |= 1ull << (i % 64);
	else
		m[i / 64] &= ~(1ull << (i % 64));
}

/* The lowest set bit of m (n bits), or n. */
static uint32_t first(const uint64_t *m, uint32_t n)
{
	for (uint32_t w = 0; w * 64 < n; w++)
		if (m[w])
			return w * 64 + (uint32_t)__builtin_ctzll(m[w]);
	return n;
}

void chunks_init(void)
{
	unsigned ub = mm0.boot->untyped_bits;
	chunk_bits = ub > 28 ? ub - 10 : 18;
	if (chunk_bits > 20)
		chunk_bits = 20; /* OBJ_MAX objects */
	if (chunk_bits > ub)
		chunk_bits = ub;
	obj_bits = chunk_bits - 12;
	uint64_t n = (1ull << ub) >> chunk_bits;
	chunks_max = n > CHUNKS_MAX ? CHUNKS_MAX : (uint32_t)n;
	if (n > CHUNKS_MAX)
		mm0_log("using %u MiB of the untyped's %llu MiB",
			chunks_max << (chunk_bits - 20),
			(unsigned long long)(1ull << (ub - 20)));
}

uint32_t chunk_count_max(void)
{
	return chunks_max;
}

cptr_t chunk_cspace(uint32_t c)
{
	return CHUNK_CS_BASE + c;
}

enum chunk_kind chunk_kind_of(uint32_t c)
{
	return c < nchunks ? chunks[c].kind : CK_NONE;
}

/* Retype chunk c (reset) for `kind`: 0, or a kernel error. */
static long chunk_fill(uint32_t c, enum chunk_kind kind)
{
	struct chunk *k = &chunks[c];
	cptr_t ut = CHUNK_UT_BASE + c;
	long r;
	if (kind == CK_SLOTS)
		return tess_retype(ut, CAP_CSPACE, 12, CHUNK_CS_BASE + c, 1);
	r = tess_retype(ut, CAP_CSPACE, obj_bits, CHUNK_CS_BASE + c, 1);
	if (r)
		return r;
	/* The CSpace takes the first 2^(obj_bits + 6) bytes (64-byte slots);
	 * the objects fill the rest from the first offset aligned to their
	 * size. */
	uint64_t size = 1ull << kinds[kind].size_bits;
	uint64_t first = ((1ull << (obj_bits + 6)) + size - 1) & ~(size - 1);
	uint32_t n = (uint32_t)(((1ull << chunk_bits) - first) / size);
	k->nobj = k->nfree = (uint16_t)n;
	k->made = 0;
	memset(k->free, 0, sizeof(k->free));
	for (uint32_t j = 1; j <= n; j++)
		set(k->free, j, true);
	memcpy(k->fresh, k->free, sizeof(k->free));
	set(avail[kind], c, true);
	return 0;
}

/* Make the next batch of chunk c's objects, from object `j` on (the
 * kernel places them after the last ones made): 0, or a kernel error. */
static long chunk_make(uint32_t c, enum chunk_kind kind, uint32_t j)
{
	struct chunk *k = &chunks[c];
	uint32_t n = RETYPE_BATCH >> kinds[kind].size_bits;
	if (n == 0)
		n = 1;
	if (n > (uint32_t)(k->nobj - k->made))
		n = (uint32_t)(k->nobj - k->made);
	long r = tess_retype(CHUNK_UT_BASE + c, kinds[kind].type, 0,
			     (chunk_cspace(c) << CPTR_DIGIT_BITS) | j, n);
	if (!r)
		k->made = (uint16_t)(k->made + n);
	return r;
}

/* Give chunk c back to the kernel: everything made from it goes. */
static void chunk_release(uint32_t c)
{
	struct chunk *k = &chunks[c];
	enum chunk_kind kind = k->kind;
	if (spare[kind] == c + 1)
		spare[kind] = 0;
	set(avail[kind], c, false);
	if (kind == CK_SLOTS)
		slots_chunk_gone(c);
	if (kind == CK_FRAME)
		frames_waiting -= k->nfree;
	chunks_used--;
	tess_cap_revoke(CHUNK_UT_BASE + c);
	memset(k, 0, sizeof(*k));
	k->kind = CK_NONE;
}

/* The caches: spare chunks, heap pages waiting.  Safe inside malloc. */
static void release_caches(void)
{
	heap_flush();
	for (unsigned kind = 1; kind < CK_KINDS; kind++)
		if (spare[kind])
			chunk_release(spare[kind] - 1);
}

void mem_settle(void)
{
	malloc_trim();
	release_caches();
}

/* Chunks nobody uses now: reset, or not cut from the untyped yet. */
static uint32_t chunks_unused(void)
{
	return chunks_max - chunks_used;
}

/* A chunk for `kind`: a reset one, or a new one cut from the untyped.
 * While mm0 serves a request, the last RESERVE_CHUNKS stay for page
 * faults (docs/posix.md).  Its index, or -E_NOMEM. */
static long chunk_get(enum chunk_kind kind)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		uint32_t c;
		if (mm0.in_request && chunks_unused() <= RESERVE_CHUNKS) {
			if (attempt == 0) {
				release_caches();
				continue;
			}
			return -E_NOMEM;
		}
		for (c = 0; c < nchunks; c++)
			if (chunks[c].kind == CK_NONE)
				break;
		if (c == nchunks && nchunks < chunks_max &&
		    !tess_retype(PAGER_SLOT_UNTYPED, CAP_UNTYPED, chunk_bits,
				 CHUNK_UT_BASE + nchunks, 1))
			nchunks++;
		if (c < nchunks) {
			long r = chunk_fill(c, kind);
			if (r == 0) {
				chunks[c].kind = (uint8_t)kind;
				chunks_used++;
				if (kind == CK_FRAME)
					frames_waiting += chunks[c].nfree;
				return c;
			}
			if (r != -E_NOMEM && r != -E_LIMIT) {
				mm0_log("cannot retype a chunk: %s",
					tess_strerror(r));
				return r;
			}
		}
		/* Nothing free: give back the caches, once. */
		release_caches();
	}
	return -E_NOMEM;
}

long chunk_take(enum chunk_kind kind, uint32_t *c)
{
	long r = chunk_get(kind);
	if (r < 0)
		return r;
	*c = (uint32_t)r;
	return 0;
}

/* Chunk c has nothing in use: keep it as its kind's spare, or let it go
 * (the higher of the two, so that what stays is low). */
void chunk_unused(uint32_t c)
{
	enum chunk_kind kind = chunks[c].kind;
	uint32_t s = spare[kind];
	if (!s) {
		spare[kind] = c + 1;
		return;
	}
	if (s - 1 == c)
		return;
	if (s - 1 > c) {
		spare[kind] = c + 1;
		chunk_release(s - 1);
	} else {
		chunk_release(c);
	}
}

void chunk_used(uint32_t c)
{
	enum chunk_kind kind = chunks[c].kind;
	if (spare[kind] == c + 1)
		spare[kind] = 0;
}

/* Whether a chunk of `kind` other than c has an object to take. */
static bool avail_elsewhere(enum chunk_kind kind, uint32_t c)
{
	for (uint32_t w = 0; w * 64 < nchunks; w++) {
		uint64_t m = avail[kind][w];
		if (w == c / 64)
			m &= ~(1ull << (c % 64));
		if (m)
			return true;
	}
	return false;
}

/*
 * Chunk c, the last of its kind with objects to take, is made whole and
 * nearly used up: take the next chunk of the kind now, as its spare (its
 * CSpace made, no object yet), in a take that made no batch, rather than
 * in the take that first needs it, which would make the chunk and a batch
 * at once.  Not when the kind has a spare already, nor from the reserve.
 */
static void chunk_prepare(enum chunk_kind kind, uint32_t c)
{
	if (spare[kind] || avail_elsewhere(kind, c) ||
	    chunks_unused() <= RESERVE_CHUNKS + 1)
		return;
	long r = chunk_get(kind);
	if (r >= 0)
		spare[kind] = (uint32_t)r + 1;
}

long chunk_obj_take(enum chunk_kind kind, uint32_t *id, bool *fresh)
{
	uint32_t c = first(avail[kind], nchunks);
	if (c == nchunks) {
		long r = chunk_take(kind, &c);
		if (r)
			return r;
	}
	struct chunk *k = &chunks[c];
	unsigned w = 0;
	while (!k->free[w])
		w++;
	uint32_t j = w * 64 + (uint32_t)__builtin_ctzll(k->free[w]);
	bool batch = j > k->made;
	if (batch) {
		/* Every object below j is in use, every one above free. */
		long r = chunk_make(c, kind, j);
		if (r) {
			mm0_log("cannot retype objects of a chunk: %s",
				tess_strerror(r));
			return -E_NOMEM;
		}
	}
	k->free[w] &= k->free[w] - 1; /* the lowest bit: j */
	if (--k->nfree == 0)
		set(avail[kind], c, false);
	if (kind == CK_FRAME)
		frames_waiting--;
	if (fresh)
		*fresh = bit(k->fresh, j);
	if (k->live++ == 0 && spare[kind] == c + 1)
		spare[kind] = 0;
	*id = c << obj_bits | j;
	if (!batch && k->made == k->nobj && k->nfree < PREPARE_LOW)
		chunk_prepare(kind, c);
	return 0;
}

/* Object `id` leaves use: it waits in its chunk (give) or is gone
 * (drop: deleted, its memory dead until the chunk is reset). */
static void obj_end(uint32_t id, bool keep)
{
	uint32_t c = id >> obj_bits, j = id & ((1u << obj_bits) - 1);
	struct chunk *k = &chunks[c];
	set(k->fresh, j, false);
	if (keep) {
		set(k->free, j, true);
		if (k->nfree++ == 0)
			set(avail[k->kind], c, true);
		if (k->kind == CK_FRAME)
			frames_waiting++;
	}
	if (--k->live == 0)
		chunk_unused(c);
}

void chunk_obj_give(uint32_t id)
{
	obj_end(id, true);
}

void chunk_obj_drop(uint32_t id)
{
	tess_cap_delete(chunk_obj_cap(id));
	obj_end(id, false);
}

cptr_t chunk_obj_cap(uint32_t id)
{
	return (chunk_cspace(id >> obj_bits) << CPTR_DIGIT_BITS) |
	       (id & ((1u << obj_bits) - 1));
}

uint32_t chunk_obj_id(cptr_t cap)
{
	uint32_t c = (uint32_t)(cap >> CPTR_DIGIT_BITS) - CHUNK_CS_BASE;
	return c << obj_bits | (uint32_t)(cap & ((1u << obj_bits) - 1));
}

uint64_t mem_available(void)
{
	uint64_t chunks_free = chunks_unused(), frames = frames_waiting;
	for (unsigned kind = 1; kind < CK_KINDS; kind++)
		if (spare[kind])
			chunks_free++;
	chunks_free =
	    chunks_free > RESERVE_CHUNKS ? chunks_free - RESERVE_CHUNKS : 0;
	if (spare[CK_FRAME])
		frames -= chunks[spare[CK_FRAME] - 1].nfree;
	return (chunks_free << chunk_bits) + frames * PAGE;
}

/* PX_STATS: frames of frame chunks (all, and free), and the kernel's
 * remaining() of the untyped and of every chunk cut from it, less the
 * room of a chunk's objects not made yet: that is its kind's (counted
 * as made), so the figure does not depend on how many batches were. */
void chunks_stats(struct px_stats *s)
{
	s->frames_total = s->frames_free = 0;
	s->untyped_remaining = (uint64_t)tess_remaining(PAGER_SLOT_UNTYPED);
	for (uint32_t c = 0; c < nchunks; c++) {
		long r = tess_remaining(CHUNK_UT_BASE + c);
		uint64_t room = 0;
		if (chunks[c].kind != CK_NONE && chunks[c].kind != CK_SLOTS)
			room = (uint64_t)(chunks[c].nobj - chunks[c].made)
			       << kinds[chunks[c].kind].size_bits;
		if (r > 0 && (uint64_t)r > room)
			s->untyped_remaining += (uint64_t)r - room;
		if (chunks[c].kind != CK_FRAME)
			continue;
		s->frames_total += chunks[c].nobj;
		for (uint32_t j = 1; j <= chunks[c].nobj; j++)
			s->frames_free += bit(chunks[c].free, j);
	}
}
