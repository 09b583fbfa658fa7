/*
 * A small kernel world on the host for the capability tests: "physical
 * memory" (a buffer aligned to its size), a boot CSpace holding a
 * capability to itself in slot 0 and an Untyped over all the memory in
 * slot 1 (as the kernel's boot code builds the root task's), and helpers
 * to retype, finish preempted operations and snapshot state.
 */
#ifndef HOST_KWORLD_H
#define HOST_KWORLD_H

/* host.mk renames the kernel's sched_yield (it would interpose on the C
 * library's): tests see it under that name too.  System headers go first. */
#define sched_yield kernel_sched_yield

#include "harness.h"
#include "arch_host.h"
#include "core/cap.h"
#include "core/cspace.h"
#include "core/untyped.h"
#include "core/object.h"
#include "core/space.h"
#include "core/thread.h"
#include "core/container.h"
#include "core/invariants.h"
#include "core/vspace.h"
#include "arch/hooks.h"

#define KW_SELF 0   /* boot slot: the boot CSpace's capability to itself */
#define KW_UT 1	    /* boot slot: the Untyped over all of memory */
#define KW_THREAD 2 /* boot slots used by kw_task() */
#define KW_SPACE 3

struct kworld {
	u8 *mem; /* 2^mem_bits bytes, aligned to their size */
	u32 mem_bits;
	struct cap *boot; /* the boot CSpace's 2^boot_bits slots */
	u32 boot_bits;
	struct cap *ut; /* &boot[KW_UT] */
	struct thread
	    *thread; /* kw_task(): the current thread, and its space */
	struct space *space;
};

/* A fresh kernel: every table reset, memory filled with a junk pattern. */
void kw_init(struct kworld *w, u32 mem_bits, u32 boot_bits);
void kw_fini(struct kworld *w);

/*
 * A thread in a space whose root CSpace is the boot CSpace, made current
 * (Thread and Space retyped from the big Untyped into KW_THREAD and
 * KW_SPACE), so the system calls resolve cptrs in the boot CSpace.
 */
void kw_task(struct kworld *w);

/* retype as sys_retype does it, on slots instead of cptrs. */
int kw_retype(struct cap *u, u32 type, u64 bits, struct cap *dest, u64 num);

/* copy, mint and move as the system calls make them: the check, then the
 * change (0 or the check's -E_*). */
static inline int kw_copy(struct cap *src, struct cap *dst)
{
	int r = cspace_check_copy(src, dst);
	if (!r)
		cspace_copy(src, dst);
	return r;
}

static inline int kw_mint(struct cap *src, struct cap *dst, u32 rights,
			  u64 badge)
{
	int r = cspace_check_mint(src, dst, badge);
	if (!r)
		cspace_mint(src, dst, rights, badge);
	return r;
}

static inline int kw_move(struct cap *src, struct cap *dst)
{
	int r = cspace_check_move(src, dst);
	if (!r)
		cspace_move(src, dst);
	return r;
}

/* map and unmap as the system calls make them: the check, then the
 * change (0 or the check's -E_*). */
static inline int kw_map(struct cap *c, struct space *s, vaddr_t va, u32 rights)
{
	struct vspace_slot slot;
	int r = vspace_map_check(c, s, va, rights, &slot);
	if (!r)
		vspace_map_at(c, s, va, rights, &slot);
	return r;
}

static inline int kw_unmap(struct cap *c)
{
	if (!vspace_mapping(c, NULL, NULL))
		return -E_NOTMAPPED;
	vspace_unmap_cap(c);
	return 0;
}

/* The slots of the object a CSpace (or zombie CSpace) capability names. */
static inline struct cap *kw_slots(const struct cap *cs)
{
	return (struct cap *)cs->obj;
}

/*
 * Run cap_delete or cap_revoke on `c` until it stops asking for a restart,
 * as the system call is re-run: need_resched is cleared (the scheduler ran)
 * and the invariants are checked between tries.  Gives up after
 * `max_tries` tries (returns -E_RESTART).  *tries counts them.
 */
int kw_delete(struct cap *c, u64 max_tries, u64 *tries);
int kw_revoke(struct cap *c, u64 max_tries, u64 *tries);

/* Number of capabilities in the derivation tree (anchor excluded). */
u64 kw_tree_size(void);

/* Run invariants_check(); 1 if it passed, 0 if it panicked (message on
 * stdout).  After a 0 the world must be rebuilt (kw_fini, kw_init). */
int kw_invariants_ok(void);

/* A device capability (no object) under the anchor, as boot makes them. */
void kw_device_cap(struct cap *slot, u8 type, u32 rights, u64 badge);

#endif
