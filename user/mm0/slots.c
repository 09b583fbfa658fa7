/*
 * Capability slots for mm0.
 *
 * The root CSpace's slots from PAGER_SLOT_FREE to CHUNK_UT_BASE are
 * direct slots, for the few capabilities mm0 keeps for itself; the chunk
 * Untypeds and CSpaces have their own root slots (chunks.c).  Every
 * other capability (mostly the copies of frames mapped in processes) goes
 * to a slot chunk: a CSpace of 4096 slots made from a chunk, at root slot
 * chunk_cspace(c); a slot's address is (root slot << 16) | index.  Slots
 * are taken from the lowest slot chunk with room, and a slot chunk with
 * no slot in use goes back to the chunk allocator (chunk_unused).
 *
 * A slot chunk's map of used slots is in mm0's paged memory (frames.c,
 * at slot_map(c)), not in the heap: slots are taken inside the calls
 * malloc makes.
 */
#include <string.h>

#include "mm0.h"

#define SLOT_CHUNK_SLOTS 4096

struct slot_chunk {
	uint16_t nfree;
	uint16_t word; /* no free slot below word `word` of the map */
	bool live;     /* a slot chunk now */
};

static uint64_t direct_used[CHUNK_UT_BASE / 64];
static struct slot_chunk sc[CHUNKS_MAX];
static uint32_t hint = CHUNKS_MAX; /* lowest slot chunk with room, or more */

void slots_init(void)
{
	for (unsigned i = 0; i < PAGER_SLOT_FREE; i++)
		direct_used[i / 64] |= 1ull << (i % 64);
}

cptr_t slot_direct(void)
{
	for (unsigned i = PAGER_SLOT_FREE; i < CHUNK_UT_BASE; i++)
		if (!(direct_used[i / 64] & (1ull << (i % 64)))) {
			direct_used[i / 64] |= 1ull << (i % 64);
			return i;
		}
	return 0;
}

/* A new slot chunk: its index, or CHUNKS_MAX if there is no memory. */
static uint32_t slot_chunk_new(void)
{
	uint32_t c;
	if (chunk_take(CK_SLOTS, &c))
		return CHUNKS_MAX;
	if (paged_commit(slot_map(c), SLOT_CHUNK_SLOTS / 8)) {
		chunk_unused(c);
		return CHUNKS_MAX;
	}
	memset(slot_map(c), 0, SLOT_CHUNK_SLOTS / 8);
	sc[c].nfree = SLOT_CHUNK_SLOTS;
	sc[c].word = 0;
	sc[c].live = true;
	return c;
}

void slots_chunk_gone(uint32_t c)
{
	paged_release(slot_map(c), SLOT_CHUNK_SLOTS / 8);
	sc[c].live = false;
	sc[c].nfree = 0;
	if (hint == c)
		hint = CHUNKS_MAX;
}

static cptr_t take_in(uint32_t c)
{
	uint64_t *used = slot_map(c);
	for (unsigned w = sc[c].word; w < SLOT_CHUNK_SLOTS / 64; w++) {
		if (used[w] == ~0ull)
			continue;
		sc[c].word = (uint16_t)w;
		unsigned b = (unsigned)__builtin_ctzll(~used[w]);
		used[w] |= 1ull << b;
		if (sc[c].nfree-- == SLOT_CHUNK_SLOTS)
			chunk_used(c);
		return (chunk_cspace(c) << CPTR_DIGIT_BITS) | (w * 64 + b);
	}
	return 0;
}

cptr_t slot_alloc(void)
{
	uint32_t n = chunk_count_max();
	if (hint >= n || !sc[hint].live || !sc[hint].nfree) {
		for (hint = 0; hint < n; hint++)
			if (sc[hint].live && sc[hint].nfree)
				break;
	}
	if (hint == n && (hint = slot_chunk_new()) == CHUNKS_MAX)
		return 0;
	return take_in(hint);
}

void slot_free(cptr_t slot)
{
	if (slot < CHUNK_UT_BASE) {
		if (slot >= PAGER_SLOT_FREE)
			direct_used[slot / 64] &= ~(1ull << (slot % 64));
		return;
	}
	uint32_t c = (uint32_t)(slot >> CPTR_DIGIT_BITS) - CHUNK_CS_BASE;
	unsigned i = slot & 0xffff;
	if (c >= CHUNKS_MAX || !sc[c].live || i >= SLOT_CHUNK_SLOTS)
		return;
	uint64_t *used = slot_map(c);
	if (!(used[i / 64] & (1ull << (i % 64))))
		return;
	used[i / 64] &= ~(1ull << (i % 64));
	if (i / 64 < sc[c].word)
		sc[c].word = (uint16_t)(i / 64);
	if (c < hint)
		hint = c;
	if (++sc[c].nfree == SLOT_CHUNK_SLOTS)
		chunk_unused(c);
}

void slot_delete(cptr_t slot)
{
	tess_cap_delete(slot);
	slot_free(slot);
}
