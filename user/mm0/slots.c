/*
 * Capability slots for mm0.  The root CSpace's slots from PAGER_SLOT_FREE
 * to SLOTS_DIRECT_END hold what mm0 keeps for itself; beyond that, root
 * slots hold nested CSpaces of 4096 slots each (at most MAX_NESTED), made
 * when needed.  A nested slot's address is (root slot << 16) | index.
 * The bookkeeping is static: the heap itself needs slots to grow.
 */
#include <string.h>

#include "mm0.h"

#define SLOTS_DIRECT_END 256
#define NESTED_BITS 12
#define NESTED_SLOTS (1u << NESTED_BITS)
#define MAX_NESTED 64
#define ROOT_SLOTS (SLOTS_DIRECT_END + MAX_NESTED)

struct nested {
	uint64_t used[NESTED_SLOTS / 64];
	uint32_t nfree;
};

static uint64_t direct_used[SLOTS_DIRECT_END / 64];
static struct nested nested_store[MAX_NESTED];
static struct nested *nested[ROOT_SLOTS];
static uint32_t nested_count; /* nested CSpaces made so far */
static uint32_t hint;	      /* the nested CSpace to try first */

void slots_init(void)
{
	for (unsigned i = 0; i < PAGER_SLOT_FREE; i++)
		direct_used[i / 64] |= 1ull << (i % 64);
}

static cptr_t direct_alloc(void)
{
	for (unsigned i = PAGER_SLOT_FREE; i < SLOTS_DIRECT_END; i++)
		if (!(direct_used[i / 64] & (1ull << (i % 64)))) {
			direct_used[i / 64] |= 1ull << (i % 64);
			return i;
		}
	return 0;
}

static cptr_t nested_take(unsigned root)
{
	struct nested *n = nested[root];
	for (unsigned w = 0; w < NESTED_SLOTS / 64; w++) {
		if (n->used[w] == ~0ull)
			continue;
		unsigned b = (unsigned)__builtin_ctzll(~n->used[w]);
		n->used[w] |= 1ull << b;
		n->nfree--;
		return ((cptr_t)root << CPTR_DIGIT_BITS) | (w * 64 + b);
	}
	return 0;
}

/* Make the nested CSpace for root slot `root`. */
static bool nested_make(unsigned root)
{
	long r =
	    tess_retype(PAGER_SLOT_UNTYPED, CAP_CSPACE, NESTED_BITS, root, 1);
	if (r) {
		mm0_log("cannot make a CSpace: %s", tess_strerror(r));
		return false;
	}
	nested[root] = &nested_store[root - SLOTS_DIRECT_END];
	nested[root]->nfree = NESTED_SLOTS;
	nested_count++;
	return true;
}

cptr_t slot_alloc(void)
{
	unsigned first = SLOTS_DIRECT_END;
	if (hint >= first && nested[hint] && nested[hint]->nfree)
		return nested_take(hint);
	for (unsigned r = first; r < ROOT_SLOTS; r++) {
		if (!nested[r] && !nested_make(r))
			return direct_alloc();
		if (nested[r]->nfree) {
			hint = r;
			return nested_take(r);
		}
	}
	return direct_alloc();
}

void slot_free(cptr_t slot)
{
	if (slot < SLOTS_DIRECT_END) {
		if (slot >= PAGER_SLOT_FREE)
			direct_used[slot / 64] &= ~(1ull << (slot % 64));
		return;
	}
	unsigned root = (unsigned)(slot >> CPTR_DIGIT_BITS), i = slot & 0xffff;
	if (root >= ROOT_SLOTS || !nested[root] || i >= NESTED_SLOTS)
		return;
	if (nested[root]->used[i / 64] & (1ull << (i % 64))) {
		nested[root]->used[i / 64] &= ~(1ull << (i % 64));
		nested[root]->nfree++;
		if (root < hint || !nested[hint] || !nested[hint]->nfree)
			hint = root;
	}
}

void slot_delete(cptr_t slot)
{
	tess_cap_delete(slot);
	slot_free(slot);
}

long object_new(unsigned type, unsigned bits, cptr_t *out)
{
	cptr_t s = slot_alloc();
	if (!s)
		return -E_LIMIT;
	long r = tess_retype(PAGER_SLOT_UNTYPED, type, bits, s, 1);
	if (r) {
		slot_free(s);
		return r;
	}
	*out = s;
	return 0;
}
