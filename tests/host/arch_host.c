/*
 * The architecture layer for the host unit tests: the hooks kernel/core
 * and kernel/arch/x86_64/vspace.c call (kernel/arch/hooks.h; the inline
 * half is machine.h), over host memory.  Physical address == kernel
 * address == host address.  Page tables are x86_64's (vspace.c makes
 * them), so a space's arch part is x86_64's too (space_arch.h).  Things
 * that need a CPU (switching threads, entering user mode) panic: the
 * tests never get there.
 */
#include <stdio.h>

#include "harness.h"
#include "arch_host.h"
#include "arch/hooks.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/space_arch.h"
#include "arch/x86_64/tlb.h"
#include "core/space.h"
#include "core/thread.h"
#include "tessera/thread.h"

enum host_preempt host_preempt;
unsigned host_preempt_one_in = 4;
u64 host_polls;
u64 host_tlb_flushes;
struct space *host_tlb_flush_space;
vaddr_t host_tlb_flush_va;
u64 host_time_us;
bool host_nx = true;
u64 host_kernel_pml4[512];

/* A thread-sized, thread-aligned block for the default current thread. */
static union {
	struct thread t;
	u8 bytes[THREAD_OBJ_SIZE];
} idle __attribute__((aligned(THREAD_OBJ_SIZE)));
struct percpu host_cpu;
static u64 rng_state = 1;

struct thread *host_idle_thread(void)
{
	return &idle.t;
}

void host_arch_reset(void)
{
	memset(&idle, 0, sizeof(idle));
	arch_thread_init(&idle.t);
	memset(&host_cpu, 0, sizeof(host_cpu));
	host_cpu.current = &idle.t;
	host_preempt = HOST_PREEMPT_NEVER;
	host_preempt_one_in = 4;
	host_polls = 0;
	host_tlb_flushes = 0;
	host_tlb_flush_space = NULL;
	host_tlb_flush_va = 0;
	host_time_us = 0;
	host_nx = true;
	/* A recognizable kernel half: present entries no test may change. */
	for (unsigned i = 256; i < 512; i++)
		host_kernel_pml4[i] =
		    ((u64)i << 12) | 0x8000000000ull | PTE_P | PTE_W;
}

void host_srand(u64 seed)
{
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ull;
}

u64 host_rand(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---------------------------------------------------------------- hooks */

void arch_console_putc(char c)
{
	fputc(c, stdout);
}

void arch_console_putc_attr(char c, u8 attr)
{
	fputc(c, stdout);
}

void arch_machine_exit(int status)
{
	panic("arch_machine_exit(%d) on the host", status);
}

u64 arch_time_us(void)
{
	return host_time_us;
}

struct thread *arch_current(void)
{
	return host_cpu.current;
}

void arch_set_current(struct thread *t)
{
	host_cpu.current = t ? t : &idle.t;
}

void arch_thread_init(struct thread *t)
{
	memset(arch_thread_tf(t), 0, sizeof(struct trapframe));
	*thread_stack_canary(t) = THREAD_STACK_CANARY;
}

void arch_thread_destroy(struct thread *t)
{
}

struct trapframe *arch_thread_tf(struct thread *t)
{
	return (struct trapframe *)((u64)t + THREAD_OBJ_SIZE) - 1;
}

void arch_switch(struct thread *prev, struct thread *next)
{
	panic("arch_switch on the host (%p to %p)", (void *)prev, (void *)next);
}

void arch_poll_interrupts(void)
{
	host_polls++;
	if (host_preempt == HOST_PREEMPT_ALWAYS ||
	    (host_preempt == HOST_PREEMPT_RANDOM &&
	     host_rand_below(host_preempt_one_in) == 0))
		host_cpu.need_resched = true;
}

bool arch_has_nx(void)
{
	return host_nx;
}

/* The flushes are recorded; test_tlb links kernel/arch/x86_64/tlb.c,
 * whose hooks take the place of these weak ones. */
__attribute__((weak)) void arch_tlb_flush_page(struct space *s, vaddr_t va)
{
	host_tlb_flushes++;
	host_tlb_flush_space = s;
	host_tlb_flush_va = va;
}

__attribute__((weak)) void arch_tlb_flush_space(struct space *s)
{
	host_tlb_flushes++;
	host_tlb_flush_space = s;
	host_tlb_flush_va = HOST_TLB_ALL;
}

__attribute__((weak)) void tlb_space_init(struct space *s)
{
}

void arch_space_init(struct space *s, void *root_table)
{
	u64 *pml4 = root_table;
	memset(pml4, 0, 256 * sizeof(u64));
	memcpy(pml4 + 256, host_kernel_pml4 + 256, 256 * sizeof(u64));
	space_arch(s)->pml4 = pml4;
	space_arch(s)->pml4_phys = (u64)pml4;
	tlb_space_init(s);
}

__attribute__((weak)) void arch_space_unload(struct space *s)
{
}

/* Walk `s` for user address `va` as the MMU would (user, and writable). */
static u8 *translate(struct space *s, vaddr_t va, bool write)
{
	u64 need = PTE_P | PTE_U | (write ? PTE_W : 0);
	u64 *t = s ? space_arch(s)->pml4 : NULL;

	if (!t || va >= USER_TOP)
		return NULL;
	for (int level = 0; level < 4; level++) {
		u64 e = t[(va >> (39 - 9 * level)) & 511];
		if ((e & need) != need)
			return NULL;
		if (level == 3)
			return (u8 *)(e & PTE_ADDR) + (va & (PAGE_SIZE - 1));
		if (e & PTE_PS) {
			u64 span = 1ull << (39 - 9 * level);
			return (u8 *)((e & PTE_ADDR & ~(span - 1)) +
				      (va & (span - 1)));
		}
		t = (u64 *)(e & PTE_ADDR);
	}
	return NULL;
}

int arch_user_phys(struct space *s, vaddr_t va, bool write, paddr_t *pa)
{
	u8 *p = translate(s, va, write);
	*pa = (paddr_t)p;
	return p ? 0 : -E_FAULT;
}

/* ------------------------------------------------------------ the rest
 * What the core calls that the tests never reach, or reach only to see it
 * called: plain stand-ins. */

void arch_window_putc(unsigned w, char c)
{
}

void arch_window_cls(unsigned w)
{
}

void arch_window_set_attr(unsigned w, u8 attr)
{
}

void arch_interrupts_off(void)
{
}

void arch_panic_stop(void)
{
	panic("arch_panic_stop on the host");
}

u64 arch_ticks(void)
{
	return host_time_us / 10000;
}

void arch_thread_resume_to_user(struct thread *t)
{
}

void arch_idle_wait(void)
{
	panic("arch_idle_wait on the host");
}

void arch_regs_read(struct thread *t, struct exregs *x)
{
	const struct trapframe *tf = arch_thread_tf(t);
	x->rip = tf->pc;
	x->rsp = tf->sp;
}

int arch_regs_check(const struct exregs *x)
{
	return x->valid & EXREGS_SET_PC && !arch_user_pc_ok(x->rip) ? -E_RANGE
								    : 0;
}

void arch_regs_write(struct thread *t, const struct exregs *x)
{
	struct trapframe *tf = arch_thread_tf(t);
	if (x->valid & EXREGS_SET_PC)
		tf->pc = x->rip;
	if (x->valid & EXREGS_SET_SP)
		tf->sp = x->rsp;
}

void arch_fpu_read(struct thread *t, u8 image[512])
{
	memset(image, 0, 512);
}

int arch_fpu_check(const u8 image[512])
{
	return 0;
}

void arch_fpu_write(struct thread *t, const u8 image[512])
{
}

void arch_syscall_fault_msg(const struct trapframe *tf,
			    u64 msg[FAULT_MSG_WORDS])
{
	msg[1] = tf->nr;
	for (int i = 0; i < 6; i++)
		msg[2 + i] = tf->args[i];
	msg[8] = tf->pc;
	msg[9] = tf->sp;
}

const char *arch_exception_name(u64 number)
{
	return "exception";
}

void arch_counters(struct tess_counters *c)
{
}
