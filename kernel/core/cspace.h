/*
 * CSpaces: capability addresses, and the operations on slots (copy, mint,
 * move, delete, revoke, info).
 */
#ifndef CORE_CSPACE_H
#define CORE_CSPACE_H

#include "kernel.h"
#include "cap.h"

/* Internal return code: the operation was preempted; the system call is
 * restarted from where it left off.  Never seen by user code. */
#define E_RESTART 1000

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

int cspace_copy(struct cap *src, struct cap *dst);
int cspace_mint(struct cap *src, struct cap *dst, u32 rights, u64 badge);
int cspace_move(struct cap *src, struct cap *dst);

/* delete.c */
int cap_delete(struct cap *slot);
/* Delete every descendant of `c`; those on `path` (the address `c` was
 * found by, if given) go last, so that a restarted revoke finds it again. */
int cap_revoke(struct cap *c, const struct cap_path *path);
/* Finish a deletion this thread had to leave (preempted): 0 when done. */
int cap_finish_pending(void);
bool preempt_check(void);
extern u64 cap_epoch; /* bumped whenever a scope capability changes */

#endif
