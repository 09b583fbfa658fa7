/*
 * The x86_64 part of a thread: the saved kernel context, the TLS bases,
 * the FPU/SSE state and the work bits a switch tests (cpu.c, fpu.c).
 * kernel/core does not see it: it lives at the very top of the Thread
 * object, above the trapframe (the saved user registers), and the
 * thread's kernel stack grows down from below the trapframe:
 *
 *   [struct thread | canary | kernel stack ... | trapframe | arch_thread]
 *                                          thread_kstack_top ^
 *
 * Every entry from user mode pushes the trapframe at thread_kstack_top
 * (entry.S: the syscall entry by hand, the CPU and the trap stubs through
 * tss.rsp0), so it must stay 16-byte aligned.
 */
#ifndef ARCH_THREAD_ARCH_H
#define ARCH_THREAD_ARCH_H

#include "core/kernel.h"
#include "tessera/caps.h"

struct thread;

struct arch_thread {
	u64 kernel_rsp; /* saved by arch_switch_stack */
	u64 fs_base, gs_base;
	u8 work;     /* ARCH_WORK_*: what a switch from or to it must do */
	u8 fpu_used; /* time slices it used the FPU in, mod 256 (fpu.c) */
	u8 fpu[512] __attribute__((aligned(16))); /* fxsave area */
};

_Static_assert(sizeof(struct arch_thread) % 16 == 0, "kernel stack alignment");

/* A switch between two threads with none of these bits does no more than
 * load the stack and the space (cpu.c, load_thread_state). */
#define ARCH_WORK_TLS (1u << 0)	      /* fs_base or gs_base is not 0 */
#define ARCH_WORK_FPU_LIVE (1u << 1)  /* its FPU state is in the registers */
#define ARCH_WORK_FPU_EAGER (1u << 2) /* load its FPU state at switch-in */

static inline struct arch_thread *thread_arch(struct thread *t)
{
	return (struct arch_thread *)((u64)t + (1ull << THREAD_BITS) -
				      sizeof(struct arch_thread));
}

/* Where the thread's kernel stack starts (what tss.rsp0 and the syscall
 * entry load): just below its arch part. */
static inline u64 thread_kstack_top(struct thread *t)
{
	return (u64)thread_arch(t);
}

#endif
