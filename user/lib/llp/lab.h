/*
 * What the lab layer's files share: reading the lab's capability
 * addresses, recording results for llpLastError(), and the lab layer's own
 * slots (LAB_SLOT_FREE and up, beyond the 256 a lab address reaches) with
 * the kmapPage reserve (LAB_SLOT_RESERVE).  See llp.h for the rules.
 */
#ifndef LLP_LAB_H
#define LLP_LAB_H

#include <tess.h>
#include <tess_alloc.h>
#include <tessera/pager.h>
#include <llp.h>

#define LAB_CSPACE_BITS 8 /* a lab CSpace: 256 slots */
#define LAB_UNTYPED_MIN_BITS 10
#define LAB_UNTYPED_MAX_BITS 31
#define LAB_PT_SPAN (1ull << 21)
#define LAB_PAGE_SPAN (1ull << 12)

/* Record r (0 or more: success; -E_*: failure) for llpLastError(). */
long llp_record(long r);
/* Record r and turn it into the lab's result: 1 success, 0 failure. */
unsigned llp_ok(long r);

/* A lab capability address read directly: its low byte, a root slot. */
cptr_t llp_direct(unsigned w);
/* A lab address 0xIICC read as the lab reads a slot to fill or clear. */
long llp_two_level(unsigned w, cptr_t *out);
/* The type of the capability in `slot` (CAP_NULL if empty). */
long llp_type(cptr_t slot, uint32_t *type);

/* The lab layer's own slots, and the reserve as their untyped. */
struct tess_alloc *llp_own(void);
/* A copy of `src` in one of the lab layer's own slots. */
long llp_own_copy(cptr_t src, cptr_t *out);

/* The process's thread id (kputc's result). */
uint32_t llp_self(void);

#endif
