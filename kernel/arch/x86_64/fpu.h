/*
 * FPU and SSE state, switched lazily (fpu.c has the rules).  The switch
 * itself is here, inline, for cpu.c's switch path.
 */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include "core/kernel.h"
#include "core/thread.h"
#include "arch.h"
#include "counters.h"

/* Slices a thread uses the FPU in before its state is loaded eagerly. */
#define FPU_EAGER_AFTER 4

/* cpu_init: the initial image; the registers hold it, CR0.TS set. */
void fpu_init(void);
/* A new or reset thread: the initial state, nothing live. */
void fpu_thread_init(struct thread *t);
/* #NM from user mode: the running thread's first FPU use in its slice. */
void fpu_trap(struct thread *t);
/* No thread's state stays in the registers: load the initial image, set
 * CR0.TS. */
void fpu_scrub(void);

static inline void fpu_fxsave(u8 *area)
{
	BENCH_COUNT(fpu_saves);
	__asm__ volatile("fxsave %0" : "=m"(*(u8(*)[512])area));
}

static inline void fpu_fxrstor(const u8 *area)
{
	BENCH_COUNT(fpu_restores);
	__asm__ volatile("fxrstor %0" : : "m"(*(const u8(*)[512])area));
}

/*
 * The switch from `prev` to `next`, when either has FPU work bits: save
 * prev's live state, then load next's if it is eager, else scrub.  (With
 * prev live, CR0.TS is clear already.)
 */
static inline __attribute__((always_inline)) void
fpu_switch(struct thread *prev, struct thread *next)
{
	u8 pw = thread_arch(prev)->work, nw = thread_arch(next)->work;

	if (pw & ARCH_WORK_FPU_LIVE) {
		fpu_fxsave(thread_arch(prev)->fpu);
		u8 used = ++thread_arch(prev)->fpu_used;
		pw &= ~ARCH_WORK_FPU_LIVE;
		if (used == FPU_EAGER_AFTER)
			pw |= ARCH_WORK_FPU_EAGER;
		else if (used == 0) /* 256 slices: find out again */
			pw &= ~ARCH_WORK_FPU_EAGER;
		thread_arch(prev)->work = pw;
		if (!(nw & ARCH_WORK_FPU_EAGER)) {
			fpu_scrub();
			return;
		}
	} else if (!(nw & ARCH_WORK_FPU_EAGER)) {
		return;
	} else if (cpu0.fpu_ts) {
		__asm__ volatile("clts" ::: "memory");
		cpu0.fpu_ts = false;
	}
	fpu_fxrstor(thread_arch(next)->fpu);
	thread_arch(next)->work = nw | ARCH_WORK_FPU_LIVE;
}

#endif
