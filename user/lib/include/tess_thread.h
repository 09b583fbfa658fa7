/*
 * Starting threads from user code: a Thread object from an allocator,
 * thread_control CREATE, registers set with exchange_registers, RUN.
 * entry(arg) runs on the given stack; returning from it exits the thread
 * with status 0.
 */
#ifndef TESS_THREAD_H
#define TESS_THREAD_H

#include <tess_alloc.h>

struct tess_thread {
	uint32_t tid;
	cptr_t thread_cap; /* the Thread object */
	cptr_t space_cap;  /* a copied space: its Space object (else 0) */
	cptr_t
	    copy_cspace; /* a copied space: the CSpace with its objects' caps */
	cptr_t copy_untyped; /* a copied space: the untyped they came from */
};

typedef void (*tess_entry_fn)(void *arg);

/* Set a stopped thread's rip, rsp and first three argument registers (rdi,
 * rsi, rdx), then RUN it: the last step of starting any thread. */
long tess_thread_start_at(uint32_t tid, uint64_t rip, uint64_t rsp, uint64_t a0,
			  uint64_t a1, uint64_t a2);

/* A thread in the caller's space.  pager TID_NIL: the caller. */
long tess_thread_spawn(struct tess_alloc *a, tess_entry_fn entry, void *arg,
		       void *stack_top, uint32_t pager, struct tess_thread *t);

/*
 * A thread in a new space that is a deep copy of the caller's (code, data,
 * stacks: everything mapped now), its copied objects made from a private
 * untyped of 2^untyped_bits bytes.  It shares the caller's root CSpace, so
 * it sees the same capabilities (printf to the console works).
 */
long tess_thread_spawn_copy(struct tess_alloc *a, tess_entry_fn entry,
			    void *arg, void *stack_top, uint32_t pager,
			    unsigned untyped_bits, struct tess_thread *t);

/* Another thread in the space of `t` (or of thread `in_tid`). */
long tess_thread_spawn_in(struct tess_alloc *a, uint32_t in_tid,
			  tess_entry_fn entry, void *arg, void *stack_top,
			  uint32_t pager, struct tess_thread *t);

/* Destroy the thread and delete everything made for it. */
void tess_thread_free(struct tess_alloc *a, struct tess_thread *t);

#endif
