/*
 * The IPC fast path's exit, inline (kernel/core/ipc.c includes this, found
 * by the include path like machine.h; the host tests' is
 * tests/host/machine_ipc.h).  It needs struct thread and the TLB's rules,
 * which machine.h cannot see (core/thread.h includes it), so it is apart.
 *
 * arch_ipc_enter_user(prev, next, mrs): leave the kernel for `next`, which
 * runs in place of `prev` with its message registers MR0..MR5 loaded from
 * `mrs` (the sender's frame), abandoning the current kernel stack.  The
 * common case, `next` blocked in the ipc system call and neither thread
 * with switch work (thread_arch.h), is a load of the stack and the space
 * and a sysretq that takes the registers straight from `mrs` (entry.S,
 * ipc_sysret): the message is never copied.  Anything else goes through
 * cpu.c (arch_ipc_enter_user_slow), which writes the frame first.
 * arch_resume_user(prev, next) is the same exit for a thread whose
 * registers are all in its frame (below).
 */
#ifndef ARCH_X86_64_MACHINE_IPC_H
#define ARCH_X86_64_MACHINE_IPC_H

#include "core/thread.h"
#include "../tlb.h"

void ipc_sysret(struct trapframe *tf, const u64 *mrs) __attribute__((noreturn));
void arch_ipc_enter_user_slow(struct thread *prev, struct thread *next,
			      const u64 *mrs) __attribute__((noreturn));
void arch_return_to_user(struct trapframe *tf) __attribute__((noreturn));
void arch_switch_work(struct thread *prev, struct thread *next);

/* Load the stack and the space of `next`, to run in place of `prev`
 * (blocked in IPC, so it has a space: a thread without one never runs);
 * true if either has switch work to do. */
static inline __attribute__((always_inline)) bool
ipc_load_thread(struct thread *prev, struct thread *next)
{
	u64 top = thread_kstack_top(next);
	next->flags &= ~THREAD_F_USER_CONT;
	cpu0.kstack_top = top;
	cpu0.core.current = next;
	tss.rsp[0] = top;
	tlb_load_space(next->space);
	return thread_arch(prev)->work | thread_arch(next)->work;
}

static inline __attribute__((always_inline, noreturn)) void
arch_ipc_enter_user(struct thread *prev, struct thread *next, const u64 *mrs)
{
	struct trapframe *tf = arch_thread_tf(next);
	if (unlikely(ipc_load_thread(prev, next) || tf->vector != VEC_SYSCALL))
		arch_ipc_enter_user_slow(prev, next, mrs);
	ipc_sysret(tf, mrs);
}

/* arch_resume_user(prev, next): the same for a thread whose registers
 * are all in its frame already (a fault answered: whatever its kernel
 * stack held is abandoned too). */
static inline __attribute__((always_inline, noreturn)) void
arch_resume_user(struct thread *prev, struct thread *next)
{
	if (unlikely(ipc_load_thread(prev, next)))
		arch_switch_work(prev, next);
	arch_return_to_user(arch_thread_tf(next));
}

#endif
