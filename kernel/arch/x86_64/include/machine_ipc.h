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
 */
#ifndef ARCH_X86_64_MACHINE_IPC_H
#define ARCH_X86_64_MACHINE_IPC_H

#include "core/thread.h"
#include "../tlb.h"

void ipc_sysret(struct trapframe *tf, const u64 *mrs) __attribute__((noreturn));
void arch_ipc_enter_user_slow(struct thread *prev, struct thread *next,
			      const u64 *mrs) __attribute__((noreturn));

static inline __attribute__((always_inline, noreturn)) void
arch_ipc_enter_user(struct thread *prev, struct thread *next, const u64 *mrs)
{
	struct trapframe *tf = arch_thread_tf(next);
	u64 top = thread_kstack_top(next);
	next->flags &= ~THREAD_F_USER_CONT;
	cpu0.kstack_top = top;
	cpu0.core.current = next;
	tss.rsp[0] = top;
	tlb_load_space(next->space);
	if (unlikely((thread_arch(prev)->work | thread_arch(next)->work) ||
		     tf->vector != VEC_SYSCALL))
		arch_ipc_enter_user_slow(prev, next, mrs);
	ipc_sysret(tf, mrs);
}

#endif
