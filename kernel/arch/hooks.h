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

/* The running thread (per CPU): %gs:16 in the kernel on x86_64. */
#ifdef HOST_TEST
struct thread *arch_current(void);
#else
static inline struct thread *arch_current(void)
{
	struct thread *t;
	__asm__ volatile("movq %%gs:16, %0" : "=r"(t));
	return t;
}
#endif
void arch_set_current(struct thread *t);

/* Time. */
u64 arch_ticks(void);	/* timer interrupts since boot */
u64 arch_time_us(void); /* microseconds since boot (TSC based) */

/*
 * Thread contexts.  arch_thread_init prepares a new thread so that the
 * first switch to it returns to user mode from its trapframe;
 * arch_switch saves the current kernel context and resumes `next`;
 * arch_thread_resume_to_user makes a blocked thread's next resumption a
 * plain return to user mode (its kernel stack is not kept);
 * arch_enter_user leaves the kernel for `t` directly, abandoning the
 * current kernel stack.
 */
void arch_thread_init(struct thread *t);
void arch_switch(struct thread *prev, struct thread *next);
void arch_thread_resume_to_user(struct thread *t);
void arch_enter_user(struct thread *t) __attribute__((noreturn));

/* The saved user registers: at the very top of the thread's kernel stack. */
#ifdef HOST_TEST
struct trapframe *arch_thread_tf(struct thread *t);
#else
#define arch_thread_tf(t)                                                      \
	((struct trapframe *)((u64)(t) + (1ull << THREAD_BITS) -               \
			      sizeof(struct trapframe)))
#endif

/* Interrupts on and halt until one arrives (the idle loop). */
void arch_idle_wait(void);
/* Let pending interrupts in for a moment (preemption points). */
void arch_poll_interrupts(void);

/* Memory: the kernel's address for physical memory, and back. */
u64 arch_phys_to_kernel(paddr_t p);
paddr_t arch_kernel_to_phys(u64 kaddr);
bool arch_has_nx(void);
void arch_flush_tlb(void);

/* User registers: rip and the TLS bases must be below this (canonical);
 * sanitize flags set by exchange_registers; set TLS bases. */
#define USER_CANONICAL_END 0x0000800000000000ull
u64 arch_user_rflags(u64 requested);
void arch_set_tls(struct thread *t, u64 fs_base, u64 gs_base);
/* A thread's FPU/SSE state as a 512-byte FXSAVE image: read it; check that
 * an image is one the CPU will load (0 or -E_INVAL); load it. */
void arch_fpu_read(struct thread *t, u8 image[512]);
int arch_fpu_check(const u8 image[512]);
void arch_fpu_write(struct thread *t, const u8 image[512]);
/* Physical address of user address `va` in `s` (writable if `write`);
 * 0 or -E_FAULT. */
int arch_user_phys(struct space *s, vaddr_t va, bool write, paddr_t *pa);

/* Spaces: set up a new root table (kernel half shared); stop using one. */
void arch_space_init(struct space *s, void *root_table);
void arch_space_unload(struct space *s);

/*
 * User memory, reached through the space's page tables, never by touching
 * user addresses directly.  Return 0, or -E_FAULT if any byte is not
 * mapped with the needed access (user, and writable for a write).
 * `fault_addr` (if non-NULL) receives the first bad address.
 */
int arch_copy_from_user(struct space *s, void *dst, vaddr_t src, size_t n,
			vaddr_t *fault_addr);
int arch_copy_to_user(struct space *s, vaddr_t dst, const void *src, size_t n,
		      vaddr_t *fault_addr);

#endif
