/*
 * FPU and SSE state (x87, MMX, XMM0-15, MXCSR: the fxsave image), switched
 * lazily: saved and loaded only for threads that use it.  The kernel
 * itself never touches it (-mgeneral-regs-only; its memcpy and memset are
 * rep movs and rep stos), and enables only what fxsave saves (no XSAVE).
 *
 * What must hold while a thread runs in user mode:
 *  - The registers hold either its own state (ARCH_WORK_FPU_LIVE set,
 *    CR0.TS clear) or no thread's: the initial image, with CR0.TS set, so
 *    that its first FPU or SSE instruction traps (#NM) and fpu_trap loads
 *    its state.  Never another thread's values: a switch away from the
 *    thread whose state is live saves it and, unless the next thread's
 *    state is loaded at once, scrubs the registers (fxrstor of the
 *    initial image).  So only the running thread is ever live, and a CPU
 *    that lets code read FPU registers speculatively under CR0.TS
 *    (LazyFP, CVE-2018-3665) has nothing of another thread to show.
 *  - A thread's save area holds its state whenever it is not live:
 *    exchange_registers reads and writes the area, or the registers for
 *    the running thread when its state is live (arch_fpu_read, _write).
 *  - A thread that used the FPU in FPU_EAGER_AFTER of its time slices
 *    has its state loaded as it is switched to (no trap each slice),
 *    until its count wraps at 256 slices and the next slice finds out
 *    again (ARCH_WORK_FPU_EAGER).
 *  - A thread destroyed or reset while live (it can only be the running
 *    one) is dropped: the registers are scrubbed, its state not saved.
 * A switch between threads that are neither live nor eager costs no FPU
 * instruction and no CR0 write: cpu.c tests one byte of each thread (the
 * work bits, shared with the TLS flag) and runs fpu_switch (fpu.h) only if
 * one is set.  CR0.TS is written only when it must change (cpu0.fpu_ts).
 *
 * The system's own servers and libraries (mm0, the root task, libc,
 * libtess, libposix) are built without FPU or SSE instructions (the
 * Makefile), and libtess's IPC stub stores what arrives itself: a call
 * to mm0 switches no FPU state.
 */
#include "fpu.h"
#include "arch.h"
#include "cpu.h"
#include "core/thread.h"
#include "arch/hooks.h"

static u8 fpu_initial[512] __attribute__((aligned(16)));
static u32 mxcsr_mask; /* MXCSR bits the CPU accepts (FXSAVE bytes 28..31) */

static void ts_clear(void)
{
	if (cpu0.fpu_ts) {
		__asm__ volatile("clts" ::: "memory");
		cpu0.fpu_ts = false;
	}
}

static void ts_set(void)
{
	if (!cpu0.fpu_ts) {
		write_cr0(read_cr0() | CR0_TS);
		cpu0.fpu_ts = true;
	}
}

void fpu_scrub(void)
{
	fpu_fxrstor(fpu_initial);
	ts_set();
}

/*
 * A new thread's FPU state: as after fninit, with every x87 and SSE
 * register 0 (fninit leaves their contents; they are the firmware's) and
 * MXCSR's default, all exceptions masked.  Called with CR0.TS clear;
 * leaves the registers scrubbed and CR0.TS set: no thread is live.
 */
void fpu_init(void)
{
	__asm__ volatile("fninit; fxsave %0" : "=m"(fpu_initial));
	mxcsr_mask = *(u32 *)&fpu_initial[FXSAVE_MXCSR_MASK];
	if (!mxcsr_mask)
		mxcsr_mask = MXCSR_MASK_DEFAULT; /* the architecture's */
	memset(fpu_initial + FXSAVE_LEGACY_END, 0,
	       sizeof(fpu_initial) - FXSAVE_LEGACY_END);
	*(u32 *)&fpu_initial[FXSAVE_MXCSR] = MXCSR_DEFAULT;
	cpu0.fpu_ts = false;
	fpu_scrub();
}

/* `t`'s state in the registers is of no use any more: scrub them. */
static void drop(struct thread *t)
{
	if (thread_arch(t)->work & ARCH_WORK_FPU_LIVE)
		fpu_scrub();
	thread_arch(t)->work &= ~(ARCH_WORK_FPU_LIVE | ARCH_WORK_FPU_EAGER);
	thread_arch(t)->fpu_used = 0;
}

void fpu_thread_init(struct thread *t)
{
	drop(t);
	memcpy(thread_arch(t)->fpu, fpu_initial, sizeof(fpu_initial));
}

void arch_thread_destroy(struct thread *t)
{
	drop(t);
}

void fpu_trap(struct thread *t)
{
	BENCH_COUNT(fpu_traps);
	ts_clear();
	if (!(thread_arch(t)->work & ARCH_WORK_FPU_LIVE)) {
		fpu_fxrstor(thread_arch(t)->fpu);
		thread_arch(t)->work |= ARCH_WORK_FPU_LIVE;
	}
}

/* The state of a thread that is not live is in its save area; the live
 * one's (the running thread's) is in the registers. */
void arch_fpu_read(struct thread *t, u8 image[512])
{
	if (thread_arch(t)->work & ARCH_WORK_FPU_LIVE)
		fpu_fxsave(thread_arch(t)->fpu);
	memcpy(image, thread_arch(t)->fpu, sizeof(thread_arch(t)->fpu));
}

/* fxrstor takes a #GP for MXCSR bits the CPU does not have: refuse them. */
int arch_fpu_check(const u8 image[512])
{
	u32 mxcsr;
	memcpy(&mxcsr, image + FXSAVE_MXCSR, sizeof(mxcsr));
	return mxcsr & ~mxcsr_mask ? -E_INVAL : 0;
}

void arch_fpu_write(struct thread *t, const u8 image[512])
{
	memcpy(thread_arch(t)->fpu, image, sizeof(thread_arch(t)->fpu));
	/* What is ours to set: MXCSR_MASK is read-only (fxrstor ignores it). */
	memcpy(thread_arch(t)->fpu + FXSAVE_MXCSR_MASK, &mxcsr_mask,
	       sizeof(mxcsr_mask));
	if (thread_arch(t)->work & ARCH_WORK_FPU_LIVE)
		fpu_fxrstor(thread_arch(t)->fpu);
}
