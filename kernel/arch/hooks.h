/*
 * What kernel/core needs from the architecture layer.  x86_64 implements
 * it in kernel/arch/x86_64; the host unit tests implement the parts they
 * use in tests/host.
 */
#ifndef ARCH_HOOKS_H
#define ARCH_HOOKS_H

#include "core/kernel.h"

struct thread;
struct space;
struct trapframe;

/* Console and stopping. */
void arch_console_putc(char c);
void arch_interrupts_off(void);
void arch_panic_stop(void) __attribute__((noreturn));

/* Leave the machine with a status (QEMU exit code (status << 1) | 1). */
void arch_machine_exit(int status) __attribute__((noreturn));

/* The running thread (per CPU). */
struct thread *arch_current(void);
void arch_set_current(struct thread *t);

/* Time. */
u64 arch_ticks(void);        /* timer interrupts since boot */
u64 arch_tick_hz(void);
u64 arch_time_us(void);      /* microseconds since boot (TSC based) */

/*
 * Thread contexts.  arch_thread_init prepares a new thread so that the
 * first switch to it returns to user mode from its trapframe;
 * arch_switch saves the current kernel context and resumes `next`;
 * arch_thread_resume_to_user makes a blocked thread's next resumption a
 * plain return to user mode (its kernel stack is not kept);
 * arch_return_to_user leaves the kernel for `t` directly, abandoning the
 * current kernel stack.
 */
void arch_thread_init(struct thread *t);
void arch_switch(struct thread *prev, struct thread *next);
void arch_thread_resume_to_user(struct thread *t);
void arch_enter_user(struct thread *t) __attribute__((noreturn));
struct trapframe *arch_thread_tf(struct thread *t);

/* Interrupts on and halt until one arrives (the idle loop). */
void arch_idle_wait(void);

/*
 * User memory, reached through the space's page tables, never by touching
 * user addresses directly.  Return 0, or -E_FAULT if any byte is not
 * mapped with the needed access (user, and writable for a write).
 * arch_user_fault_addr (if non-NULL) receives the first bad address.
 */
int arch_copy_from_user(struct space *s, void *dst, vaddr_t src, size_t n,
			vaddr_t *fault_addr);
int arch_copy_to_user(struct space *s, vaddr_t dst, const void *src, size_t n,
		      vaddr_t *fault_addr);

#endif
