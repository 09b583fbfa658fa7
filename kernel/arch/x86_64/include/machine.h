/*
 * The machine as kernel/core sees it, inline: the x86_64 half of
 * arch/hooks.h that must cost nothing (the running thread, where a
 * thread's saved registers are, and which register holds what).
 *
 * kernel/core never names a register: it reads and writes a thread's saved
 * user registers (its struct trapframe, opaque to it) only through these
 * accessors.  The build finds this file by its include path
 * (-Ikernel/arch/x86_64/include); the host unit tests have their own
 * (tests/host/machine.h).
 */
#ifndef ARCH_X86_64_MACHINE_H
#define ARCH_X86_64_MACHINE_H

#include "core/kernel.h"
#include "core/percpu.h"
#include "../arch.h"
#include "../asm.h"
#include "../regs.h"
#include "../thread_arch.h"

struct thread;

/* This CPU's per-CPU state: the core's part of its block (arch.h). */
static inline struct percpu *percpu(void)
{
	return &cpu0.core;
}

/* The running thread: its pointer is at %gs:CPU_CURRENT. */
static inline struct thread *arch_current(void)
{
	struct thread *t;
	__asm__ volatile("movq %%gs:%c1, %0" : "=r"(t) : "i"(CPU_CURRENT));
	return t;
}

/* The saved user registers of `t`: just below its arch part, at the top of
 * its Thread object (thread_arch.h). */
static inline struct trapframe *arch_thread_tf(struct thread *t)
{
	return (struct trapframe *)thread_kstack_top(t) - 1;
}

/* ------------------------------------------------------------ system calls
 * rax = TESS_SYS_BASE + number; arguments 0..5 in rdi, rsi, rdx, r10, r8,
 * r9 (contiguous in the frame); the result in rax. */
static inline u64 arch_syscall_nr(const struct trapframe *tf)
{
	return tf->rax - TESS_SYS_BASE;
}

static inline const u64 *arch_syscall_args(const struct trapframe *tf)
{
	return &tf->rdi;
}

static inline void arch_set_result(struct trapframe *tf, u64 v)
{
	tf->rax = v;
}

static inline u64 arch_result(const struct trapframe *tf)
{
	return tf->rax;
}

/* Back over the `syscall` instruction: the call is made again when the
 * thread next runs (a restart, or a fault taken again). */
#define SYSCALL_INSN_BYTES 2
static inline void arch_syscall_rewind(struct trapframe *tf)
{
	tf->rip -= SYSCALL_INSN_BYTES;
}

/* ------------------------------------------------------------ IPC
 * The six message registers MR0..MR5 are r10, r8, r9, r12, r13, r14,
 * contiguous in the frame; r15 holds the extended buffer's address, rbx
 * the deadline of IPC_TIMEOUT; a receive returns the sender in rsi and
 * what arrived in rdx (docs/ABI.md, IPC). */
static inline u64 *arch_msg_regs(struct trapframe *tf)
{
	return &tf->r10;
}

static inline vaddr_t arch_ipc_buffer(const struct trapframe *tf)
{
	return tf->r15;
}

static inline u64 arch_ipc_deadline(const struct trapframe *tf)
{
	return tf->rbx;
}

static inline void arch_ipc_set_received(struct trapframe *tf, u32 from,
					 u64 tag)
{
	tf->rsi = from;
	tf->rdx = tag;
}

/* ------------------------------------------------------------ faults */
static inline vaddr_t arch_user_pc(const struct trapframe *tf)
{
	return tf->rip;
}

static inline vaddr_t arch_user_sp(const struct trapframe *tf)
{
	return tf->rsp;
}

/* Is `pc` an address user code may run at (canonical, lower half:
 * below USER_CANONICAL_END, asm.h)? */
static inline bool arch_user_pc_ok(vaddr_t pc)
{
	return pc < USER_CANONICAL_END;
}

/* Resume at `pc` (checked with arch_user_pc_ok). */
static inline void arch_set_user_pc(struct trapframe *tf, vaddr_t pc)
{
	tf->rip = pc;
}

/* ------------------------------------------------------------ memory
 * All of physical memory is mapped at PHYSMAP_BASE; the kernel image is
 * also at KERNEL_VBASE. */
static inline u64 arch_phys_to_kernel(paddr_t p)
{
	return p + PHYSMAP_BASE;
}

static inline paddr_t arch_kernel_to_phys(u64 kaddr)
{
	return kaddr >= KERNEL_VBASE ? kaddr - KERNEL_VBASE
				     : kaddr - PHYSMAP_BASE;
}

#endif
