/*
 * Per-CPU state: everything one CPU has of its own, in the one structure
 * SMP will replicate.  The architecture embeds it in its per-CPU block
 * (with what only it needs: the kernel stack top, the loaded page tables)
 * and percpu() finds the running CPU's (machine.h; on x86_64 `current` is
 * what arch_current() reads at %gs:CPU_CURRENT).  The state every CPU
 * shares is in state.c.
 *
 * Today there is one CPU: nothing here is locked, and the kernel runs
 * with interrupts off, so nothing here changes under a reader's feet
 * except where an interrupt handler writes (need_resched, from the tick).
 */
#ifndef CORE_PERCPU_H
#define CORE_PERCPU_H

#include "kernel.h"
#include "sched.h"

struct thread;

struct percpu {
	struct thread *current; /* the running thread: first (arch entry) */
	struct thread *idle;	/* this CPU's idle thread */
	bool need_resched;	/* switch threads on the way out */
	u32 preempt_polls;	/* preemption points passed (delete.c) */
	struct runqueues rq;	/* sched.c */
	u64 idle_entries;	/* debug_dump DUMP_COUNTERS: times the idle */
	u64 idle_ticks;		/* thread was chosen, ticks it ran */
};

#endif
