/*
 * The architecture layer for the host unit tests: the hooks kernel/core
 * and kernel/arch/x86_64/vspace.c call (kernel/arch/hooks.h), over host
 * memory.  Physical address == kernel address == host address.  Things
 * that need a CPU (switching threads, entering user mode) panic: the
 * capability tests never get there.
 */
#include <stdio.h>

#include "harness.h"
#include "arch_host.h"
#include "arch/hooks.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/regs.h"
#include "core/space.h"
#include "core/thread.h"

enum host_preempt host_preempt;
unsigned host_preempt_one_in = 4;
u64 host_polls;
u64 host_tlb_flushes;
u64 host_time_us;
bool host_nx = true;
u64 host_kernel_pml4[512];

/* A thread-sized, thread-aligned block for the default current thread. */
static union {
	struct thread t;
	u8 bytes[THREAD_OBJ_SIZE];
} idle __attribute__((aligned(THREAD_OBJ_SIZE)));
static struct thread *current;
static u64 rng_state = 1;

struct thread *host_idle_thread(void)
{
	return &idle.t;
}

void host_arch_reset(void)
{
	memset(&idle, 0, sizeof(idle));
	arch_thread_init(&idle.t);
	current = &idle.t;
	host_preempt = HOST_PREEMPT_NEVER;
	host_preempt_one_in = 4;
	host_polls = 0;
	host_tlb_flushes = 0;
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
	return current;
}

void arch_set_current(struct thread *t)
{
	current = t ? t : &idle.t;
}

void arch_thread_init(struct thread *t)
{
	memset(arch_thread_tf(t), 0, sizeof(struct trapframe));
	t->arch.fs_base = t->arch.gs_base = 0;
	*thread_stack_canary(t) = THREAD_STACK_CANARY;
}

struct trapframe *arch_thread_tf(struct thread *t)
{
	return (struct trapframe *)(thread_kstack_top(t) -
				    sizeof(struct trapframe));
}

void arch_switch(struct thread *prev, struct thread *next)
{
	panic("arch_switch on the host (%p to %p)", (void *)prev, (void *)next);
}

void arch_enter_user(struct thread *t)
{
	panic("arch_enter_user on the host (%p)", (void *)t);
}

void arch_poll_interrupts(void)
{
	host_polls++;
	if (host_preempt == HOST_PREEMPT_ALWAYS ||
	    (host_preempt == HOST_PREEMPT_RANDOM &&
	     host_rand_below(host_preempt_one_in) == 0))
		need_resched = true;
}

u64 arch_phys_to_kernel(paddr_t p)
{
	return p;
}

paddr_t arch_kernel_to_phys(u64 kaddr)
{
	return kaddr;
}

bool arch_has_nx(void)
{
	return host_nx;
}

void arch_flush_tlb(void)
{
	host_tlb_flushes++;
}

void arch_space_init(struct space *s, void *root_table)
{
	u64 *pml4 = root_table;
	memset(pml4, 0, 256 * sizeof(u64));
	memcpy(pml4 + 256, host_kernel_pml4 + 256, 256 * sizeof(u64));
	s->arch.pml4 = pml4;
	s->arch.pml4_phys = (u64)pml4;
}

void arch_space_unload(struct space *s)
{
}

/* Walk `s` for user address `va` as the MMU would (user, and writable). */
static u8 *translate(struct space *s, vaddr_t va, bool write)
{
	u64 need = PTE_P | PTE_U | (write ? PTE_W : 0);
	u64 *t = s ? s->arch.pml4 : NULL;

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

/* Every byte is checked before any is copied (the ABI's promise). */
static int user_copy(struct space *s, vaddr_t uva, u8 *k, size_t n,
		     bool to_user, vaddr_t *fault_addr)
{
	for (vaddr_t va = uva; va < uva + n;
	     va = ALIGN_DOWN(va, PAGE_SIZE) + PAGE_SIZE) {
		if (!translate(s, va, to_user)) {
			if (fault_addr)
				*fault_addr = va;
			return -E_FAULT;
		}
	}
	while (n > 0) {
		u8 *p = translate(s, uva, to_user);
		size_t chunk = MIN(n, PAGE_SIZE - (uva & (PAGE_SIZE - 1)));
		if (!p) {
			if (fault_addr)
				*fault_addr = uva;
			return -E_FAULT;
		}
		if (to_user)
			memcpy(p, k, chunk);
		else
			memcpy(k, p, chunk);
		k += chunk;
		uva += chunk;
		n -= chunk;
	}
	return 0;
}

int arch_copy_from_user(struct space *s, void *dst, vaddr_t src, size_t n,
			vaddr_t *fault_addr)
{
	return user_copy(s, src, dst, n, false, fault_addr);
}

int arch_copy_to_user(struct space *s, vaddr_t dst, const void *src, size_t n,
		      vaddr_t *fault_addr)
{
	return user_copy(s, dst, (u8 *)src, n, true, fault_addr);
}

int arch_user_phys(struct space *s, vaddr_t va, bool write, paddr_t *pa)
{
	u8 *p = translate(s, va, write);
	*pa = (paddr_t)p;
	return p ? 0 : -E_FAULT;
}
