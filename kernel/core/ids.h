/*
 * Free indices of a 4096-entry id table (threads, spaces): a bitmap, and
 * a cursor that goes round, so that an index is reused as late as it can
 * be (an id's generation then changes as seldom as possible).  Taking an
 * index is a search of at most 64 words from the cursor; index 0 is never
 * free.
 */
#ifndef CORE_IDS_H
#define CORE_IDS_H

#include "kernel.h"

#define IDS_MAX 4096
#define IDS_WORDS (IDS_MAX / 64)

struct ids {
	u64 free[IDS_WORDS]; /* bit i: index i is free */
	u32 next;	     /* where the search starts */
	u32 count;	     /* free indices */
};

/* Every index free but 0. */
static inline void ids_init(struct ids *s)
{
	memset(s->free, 0xff, sizeof(s->free));
	s->free[0] &= ~1ull;
	s->next = 1;
	s->count = IDS_MAX - 1;
}

static inline void ids_put(struct ids *s, u32 i)
{
	s->free[i / 64] |= BIT(i % 64);
	s->count++;
}

/* The first free index at or after the cursor, round to the start; it is
 * taken.  There must be one (count > 0). */
static inline u32 ids_take(struct ids *s)
{
	u32 w = s->next / 64;
	u64 bits = s->free[w] & (~0ull << (s->next % 64));
	for (u32 k = 0; !bits && k < IDS_WORDS; k++) {
		w = (w + 1) % IDS_WORDS;
		bits = s->free[w];
	}
	u32 i = w * 64 + (u32)__builtin_ctzll(bits);
	s->free[w] &= ~BIT(i % 64);
	s->count--;
	s->next = i + 1 < IDS_MAX ? i + 1 : 1;
	return i;
}

#endif
