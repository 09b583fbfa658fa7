/*
 * The trap frame: a thread's user registers, saved at the top of its kernel
 * stack on every entry to the kernel (syscall, exception, interrupt).
 *
 * The layout is shared with entry.S.  The six system call arguments (rdi,
 * rsi, rdx, r10, r8, r9) come first and contiguous, so the dispatcher hands
 * the handler a pointer, and the six message registers (r10, r8, r9, r12,
 * r13, r14: MR0..MR5) overlap their tail, contiguous too, so IPC moves them
 * with one copy (the accessors are in include/machine.h).  The hardware
 * part (rip..ss) is the iretq frame; the syscall entry builds the same
 * shape by hand.
 */
#ifndef ARCH_REGS_H
#define ARCH_REGS_H

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trapframe {
	uint64_t rdi, rsi, rdx, r10, r8, r9, r12, r13, r14;
	uint64_t r15, rbx, rbp, r11, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};
#endif

/* Offsets entry.S uses (checked by static asserts in cpu.c). */
#define TF_VECTOR 120
#define TF_RIP 136
#define TF_CS 144
#define TF_RFLAGS 152
#define TF_RSP 160
#define TF_SIZE 176

/*
 * tf->vector of a frame made by the syscall instruction.  Only such a frame,
 * unmodified, returns with sysretq; anything else (exceptions, interrupts,
 * frames rewritten by exchange_registers or a fault reply) returns with
 * iretq, which tolerates any user rip and rflags.
 */
#define VEC_SYSCALL 0x100
#define VEC_RESUME 0x101

/* rax on entry for ipc (TESS_SYS_BASE + SYS_ipc; cpu.c checks): entry.S
 * sends it to the fast path. */
#define SYSCALL_RAX_IPC 0x1003

/* A thread's saved kernel rsp, from the start of its Thread object: its
 * arch part's first word (thread_arch.h; cpu.c checks). */
#define THREAD_KERNEL_RSP (8192 - 544)

/* Per-CPU block offsets (struct cpu in arch.h), reached through %gs. */
#define CPU_SCRATCH 0
#define CPU_KSTACK_TOP 8
#define CPU_CURRENT 16

#endif
