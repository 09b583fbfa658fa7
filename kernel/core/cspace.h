/*
 * CSpaces: capability addresses, the operations on slots (copy, mint,
 * move: cspace.c), and deleting and revoking (delete.c).  The system
 * calls are api/memory.c's.
 */
#ifndef CORE_CSPACE_H
#define CORE_CSPACE_H

#include "kernel.h"
#include "cap.h"

#include "preempt.h"

/* The CSpace capabilities an address passes through (at most one per
 * 16-bit digit of a 64-bit address). */
struct cap_path {
	struct cap *slot[64 / CPTR_DIGIT_BITS];
	unsigned n;
};

int cspace_lookup(struct cap *root, cptr_t cptr, struct cap **out);
int cspace_lookup_path(struct cap *root, cptr_t cptr, struct cap **out,
		       struct cap_path *path);
int cap_lookup_path(cptr_t cptr, struct cap **out, struct cap_path *path);
/* Look up in the calling thread's root CSpace. */
int cap_lookup(cptr_t cptr, struct cap **out);
/* As cap_lookup, and the slot must hold a capability of `type`. */
int cap_lookup_type(cptr_t cptr, u8 type, struct cap **out);
/* The slots `count` consecutive from the one `cptr` names, all in one
 * CSpace; -E_RANGE if they run past its end. */
int cap_lookup_range(cptr_t cptr, u64 count, struct cap **first);

/* The largest badges a mint may give (docs/ABI.md, cap_mint). */
#define CONSOLE_BADGE_MAX 0xffull      /* a colour attribute */
#define WINDOW_BADGE_MAX 0xffffffffull /* a message length */
#define TIMER_BADGE_MAX 63ull	       /* hidden low bits */

/* Copy, mint, move: the check (0 or -E_*) and the change. */
int cspace_check_copy(const struct cap *src, const struct cap *dst);
void cspace_copy(struct cap *src, struct cap *dst);
int cspace_check_mint(const struct cap *src, const struct cap *dst, u64 badge);
void cspace_mint(struct cap *src, struct cap *dst, u32 rights, u64 badge);
int cspace_check_move(const struct cap *src, const struct cap *dst);
void cspace_move(struct cap *src, struct cap *dst);

/* delete.c */
int cap_delete(struct cap *slot);
/* Delete every descendant of `c`; those on `path` (the address `c` was
 * found by, if given) go last, so that a restarted revoke finds it again. */
int cap_revoke(struct cap *c, const struct cap_path *path);

#endif
