/*
 * Kernel entry and exit: the syscall instruction, exceptions, interrupts,
 * the return to user mode, and the kernel context switch.
 *
 * Every entry from user mode saves the user registers as a struct
 * trapframe (regs.h) at the top of the current thread's kernel stack, so a
 * thread's user state is always at the same place.  The kernel runs with
 * interrupts off; only the idle loop and the preemption points of long
 * deletions (arch_poll_interrupts) let them in.
 */
#include "asm.h"
#include "regs.h"

/* Push the general registers in trapframe order (rdi ends lowest). */
.macro SAVE_GPRS
	pushq %rax
	pushq %rcx
	pushq %r11
	pushq %rbp
	pushq %rbx
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r9
	pushq %r8
	pushq %r10
	pushq %rdx
	pushq %rsi
	pushq %rdi
.endm

.macro RESTORE_GPRS
	popq %rdi
	popq %rsi
	popq %rdx
	popq %r10
	popq %r8
	popq %r9
	popq %r12
	popq %r13
	popq %r14
	popq %r15
	popq %rbx
	popq %rbp
	popq %r11
	popq %rcx
	popq %rax
.endm

	.text

/*
 * syscall: rcx = user rip, r11 = user rflags; FMASK has cleared IF, TF,
 * DF, AC and NT.  The kernel stack top of the current thread is in the
 * per-CPU block.
 */
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_SCRATCH
	movq %gs:CPU_KSTACK_TOP, %rsp
	pushq $SEL_UDATA              /* ss */
	pushq %gs:CPU_SCRATCH         /* rsp */
	pushq %r11                    /* rflags */
	pushq $SEL_UCODE              /* cs */
	pushq %rcx                    /* rip */
	pushq $0                      /* error */
	pushq $VEC_SYSCALL            /* vector */
	SAVE_GPRS
	movq %rsp, %rdi
	xorl %ebp, %ebp
	/* ipc to its fast path before anything else; the rest to the table */
	cmpq $SYSCALL_RAX_IPC, %rax
	je syscall_ipc_entry
	call syscall_slow
	/* fall through: return to user from the frame at rsp */

/*
 * Return to user mode from the trapframe at %rsp.  Also the continuation
 * of every thread that is resumed "to user" (new threads, threads woken
 * from IPC): see arch_thread_resume_to_user in cpu.c.
 */
	.globl ret_to_user
ret_to_user:
	cmpq $VEC_SYSCALL, TF_VECTOR(%rsp)
	jne 1f
	/* A syscall frame: sysretq, which loads rcx and r11 from rip and
	 * rflags (their slots are skipped). */
	popq %rdi
	popq %rsi
	popq %rdx
	popq %r10
	popq %r8
	popq %r9
	popq %r12
	popq %r13
	popq %r14
sysret_rest:                          /* ipc_sysret joins here */
	popq %r15
	popq %rbx
	popq %rbp
	addq $16, %rsp                /* r11, rcx */
	popq %rax
	movq TF_RIP - TF_VECTOR(%rsp), %rcx
	movq TF_RFLAGS - TF_VECTOR(%rsp), %r11
	movq TF_RSP - TF_VECTOR(%rsp), %rsp
	swapgs
	sysretq
1:	RESTORE_GPRS
	addq $16, %rsp                /* vector, error */
	swapgs
	iretq

/* ipc: the fast path leaves for user mode itself, or comes back through
 * the dispatcher (syscall_ipc). */
syscall_ipc_entry:
	call ipc_fastpath
	jmp ret_to_user

/*
 * void ipc_sysret(struct trapframe *tf, const u64 *mrs): the IPC fast
 * path's return to user mode from `tf`, a frame the syscall instruction
 * made (cpu.c checks), with the message registers MR0..MR5 (r10, r8, r9,
 * r12, r13, r14: regs.h) loaded from `mrs`, the sender's frame, instead of
 * `tf`: the message is never copied.  The current kernel stack is
 * abandoned.
 */
	.globl ipc_sysret
ipc_sysret:
	movq %rdi, %rsp
	movq 0(%rsi), %r10
	movq 8(%rsi), %r8
	movq 16(%rsi), %r9
	movq 24(%rsi), %r12
	movq 32(%rsi), %r13
	movq 40(%rsi), %r14
	popq %rdi
	popq %rsi
	popq %rdx
	addq $48, %rsp                /* the frame's MR slots */
	jmp sysret_rest

/*
 * Jump to user mode from the trapframe `tf` (rdi), abandoning the current
 * kernel stack.  Used by the IPC fast path and by threads that block with a
 * user-mode continuation.
 */
	.globl arch_return_to_user
arch_return_to_user:
	movq %rdi, %rsp
	jmp ret_to_user

/*
 * Exceptions and interrupts.  Vectors with a CPU error code push their own;
 * the others push 0 so that every frame has the same shape.
 */
.macro TRAP_NOERR vec
	.globl trap_\vec
trap_\vec:
	pushq $0
	pushq $\vec
	jmp trap_common
.endm
.macro TRAP_ERR vec
	.globl trap_\vec
trap_\vec:
	pushq $\vec
	jmp trap_common
.endm

trap_common:
	/* The kernel runs with DF and AC clear (its memcpy and memset are rep
	 * movs and rep stos; AC set would lift SMAP).  An exception or
	 * interrupt keeps the interrupted code's: a user thread's, or (a
	 * kernel-mode entry) the kernel's own.  IF is already clear (interrupt
	 * gates), and stays so. */
	pushq $0x2
	popfq
	SAVE_GPRS
	testb $3, TF_CS(%rsp)
	jz 1f
	swapgs
1:	movq %rsp, %rdi
	xorl %ebp, %ebp
	call trap_dispatch
	testb $3, TF_CS(%rsp)
	jnz ret_to_user
	/* back to kernel mode (the idle loop, or a kernel fault we survived) */
	RESTORE_GPRS
	addq $16, %rsp
	iretq

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR 29
TRAP_ERR 30
TRAP_NOERR 31
TRAP_NOERR 32   /* timer */
TRAP_NOERR 33
TRAP_NOERR 34
TRAP_NOERR 35
TRAP_NOERR 36
TRAP_NOERR 37
TRAP_NOERR 38
TRAP_NOERR 39
TRAP_NOERR 40
TRAP_NOERR 41
TRAP_NOERR 42
TRAP_NOERR 43
TRAP_NOERR 44
TRAP_NOERR 45
TRAP_NOERR 46
TRAP_NOERR 47
TRAP_NOERR 255  /* LAPIC spurious */

	.section .rodata
	.align 8
	.globl trap_stubs
trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.quad trap_\v
	.endr
	.globl trap_stub_spurious
trap_stub_spurious:
	.quad trap_255

	.text
/*
 * void arch_switch_stack(struct thread *prev, struct thread *next)
 * Save the callee-saved registers and rsp of the current kernel context
 * in prev's arch part, switch to the one saved in next's.  A new or
 * user-resumed thread's saved context returns into ret_to_user (see
 * cpu.c).
 */
	.globl arch_switch_stack
arch_switch_stack:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, THREAD_KERNEL_RSP(%rdi)
	movq THREAD_KERNEL_RSP(%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * void arch_switch_to_user(struct thread *prev, struct trapframe *tf)
 * Save prev's kernel context as arch_switch_stack does (it resumes by
 * returning from this call), then return to user mode from `tf`, the
 * frame of a thread that kept nothing on its kernel stack (a user-mode
 * continuation): no context is made up for it to pop.
 */
	.globl arch_switch_to_user
arch_switch_to_user:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, THREAD_KERNEL_RSP(%rdi)
	movq %rsi, %rsp
	jmp ret_to_user

	.section .note.GNU-stack, "", @progbits
