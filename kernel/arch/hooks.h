/*
 * What kernel/core needs from the architecture layer: the portable
 * contract.  x86_64 implements it in kernel/arch/x86_64; the host unit
 * tests implement it in tests/host (arch_host.c, machine.h).
 *
 * Two halves.  The functions declared here are out of line.  The part that
 * must cost nothing is inline, in the architecture's "machine.h", found by
 * the include path (kernel/arch/x86_64/include/machine.h; the host tests'
 * tests/host/machine.h); it gives:
 *   percpu()                    this CPU's struct percpu (core/percpu.h)
 *   arch_current()              the running thread
 *   arch_thread_tf(t)           t's saved user registers (struct trapframe,
 *                               opaque to the core)
 *   arch_syscall_nr(tf), arch_syscall_args(tf)
 *                               the call number and its six arguments
 *   arch_set_result(tf, v), arch_result(tf)
 *                               what the call (or the wait it blocked in)
 *                               returns
 *   arch_syscall_rewind(tf)     back over the system call instruction
 *   arch_msg_regs(tf)           the six message registers, MR0..MR5
 *   arch_ipc_buffer(tf), arch_ipc_deadline(tf)
 *                               ipc's extended buffer and deadline
 *   arch_ipc_set_received(tf, from, tag)
 *                               what a receive returns besides the message
 *   arch_user_pc(tf), arch_user_sp(tf), arch_set_user_pc(tf, pc),
 *   arch_user_pc_ok(pc)         the user instruction and stack pointers
 *   arch_phys_to_kernel(p), arch_kernel_to_phys(k)
 *                               the kernel's addresses for physical memory
 * The core never names a register.
 */
#ifndef ARCH_HOOKS_H
#define ARCH_HOOKS_H

#include "core/kernel.h"
#include "tessera/ipc.h"

struct thread;
struct space;
struct trapframe;
struct exregs;

#include "machine.h"

/* Console and stopping. */
void arch_console_putc(char c);
/* One character to the console in a colour (attr 0: the default). */
void arch_console_putc_attr(char c, u8 attr);

/* The screen's windows (boot devices, named by Window capabilities). */
#define NUM_WINDOWS 3
void arch_window_putc(unsigned w, char c);
void arch_window_cls(unsigned w);
void arch_window_set_attr(unsigned w, u8 attr);
void arch_interrupts_off(void);
void arch_panic_stop(void) __attribute__((noreturn));

/* Leave the machine with a status (QEMU exit code (status << 1) | 1). */
void arch_machine_exit(int status) __attribute__((noreturn));

void arch_set_current(struct thread *t);

/* Time. */
u64 arch_ticks(void);	/* timer interrupts since boot */
u64 arch_time_us(void); /* microseconds since boot (TSC based) */

/*
 * Thread contexts.  arch_thread_init prepares a new thread so that the
 * first switch to it returns to user mode from its trapframe, with every
 * register and the FPU state in their initial state (docs/ABI.md);
 * arch_switch saves the current kernel context and resumes `next`;
 * arch_thread_resume_to_user makes a blocked thread's next resumption a
 * plain return to user mode (its kernel stack is not kept);
 * (The IPC fast path's exit, arch_ipc_enter_user, is inline, in the
 * architecture's "machine_ipc.h".)
 */
void arch_thread_init(struct thread *t);
/* The thread object is going away (it may be the running thread). */
void arch_thread_destroy(struct thread *t);
void arch_switch(struct thread *prev, struct thread *next);
void arch_thread_resume_to_user(struct thread *t);

/* Interrupts on and halt until one arrives (the idle loop). */
void arch_idle_wait(void);
/* Let pending interrupts in for a moment (preemption points). */
void arch_poll_interrupts(void);

/* Memory. */
bool arch_has_nx(void);

/* A mapping of `s` is gone (its entry cleared): flush what the TLB may
 * hold of it, whether or not `s` is loaded.  One page (4 KiB or 2 MiB) at
 * `va`, or everything of `s` (a table went, and all under it). */
void arch_tlb_flush_page(struct space *s, vaddr_t va);
void arch_tlb_flush_space(struct space *s);
/* Physical address of user address `va` in `s` (user-accessible, and
 * writable if `write`), from the space's page tables: 0 or -E_FAULT. */
int arch_user_phys(struct space *s, vaddr_t va, bool write, paddr_t *pa);

/* The bench kernel's event counters into `c` (debug_dump DUMP_COUNTERS);
 * other kernels leave them 0. */
void arch_counters(struct tess_counters *c);

/* Spaces: set up a new root table (kernel half shared); stop using one. */
void arch_space_init(struct space *s, void *root_table);
void arch_space_unload(struct space *s);

/*
 * A thread's registers as exchange_registers sees them (struct exregs,
 * tessera/thread.h): arch_regs_read fills the register fields;
 * arch_regs_check says whether the groups x->valid sets hold values the
 * thread may run with (0, or -E_RANGE); arch_regs_write writes those
 * groups (EXREGS_SET_REGS, _SP, _PC), checked.
 */
void arch_regs_read(struct thread *t, struct exregs *x);
int arch_regs_check(const struct exregs *x);
void arch_regs_write(struct thread *t, const struct exregs *x);
/* A thread's FPU/SSE state as a 512-byte FXSAVE image: read it; check that
 * an image is one the CPU will load (0 or -E_INVAL); load it. */
void arch_fpu_read(struct thread *t, u8 image[512]);
int arch_fpu_check(const u8 image[512]);
void arch_fpu_write(struct thread *t, const u8 image[512]);

/* Faults: the words of an unknown system call's fault message after the
 * tag (the registers docs/ABI.md lists, msg[1..]); the name of an
 * exception number, for the log. */
void arch_syscall_fault_msg(const struct trapframe *tf,
			    u64 msg[FAULT_MSG_WORDS]);
const char *arch_exception_name(u64 number);

#endif
