/*
 * The architecture hooks (kernel/arch/hooks.h) as the host tests provide
 * them, and the knobs the tests turn.
 *
 * Physical and kernel addresses are the same on the host: "physical memory"
 * is a buffer from the C library, and page tables in it hold host
 * addresses.  There is no context switch: the current thread is whatever
 * the test says it is.
 */
#ifndef HOST_ARCH_HOST_H
#define HOST_ARCH_HOST_H

#include "core/kernel.h"

struct thread;
struct space;

/*
 * Preemption at the kernel's preemption points (arch_poll_interrupts):
 * HOST_PREEMPT_NEVER, HOST_PREEMPT_ALWAYS (every poll asks for a
 * reschedule, so every long operation returns -E_RESTART after its first
 * preemption interval), or HOST_PREEMPT_RANDOM (one poll in
 * host_preempt_one_in, from host_rand()).
 */
enum host_preempt {
	HOST_PREEMPT_NEVER,
	HOST_PREEMPT_ALWAYS,
	HOST_PREEMPT_RANDOM,
};
extern enum host_preempt host_preempt;
extern unsigned host_preempt_one_in;
extern u64 host_polls;	     /* arch_poll_interrupts calls */
extern u64 host_tlb_flushes; /* arch_tlb_flush_page and _space calls */
/* The last flush: its space, and the page (HOST_TLB_ALL: the whole space). */
extern struct space *host_tlb_flush_space;
extern vaddr_t host_tlb_flush_va;
#define HOST_TLB_ALL (~0ull)
extern u64 host_time_us;	  /* what arch_time_us answers */
extern bool host_nx;		  /* what arch_has_nx answers */
extern u64 host_kernel_pml4[512]; /* kernel half copied into every space */

/* The thread arch_current() returns when no test has set one. */
struct thread *host_idle_thread(void);

/* Reset the knobs and the current thread (start of a test world). */
void host_arch_reset(void);

/* A small deterministic generator (xorshift64*), shared by the tests. */
void host_srand(u64 seed);
u64 host_rand(void);
static inline u64 host_rand_below(u64 n)
{
	return n ? host_rand() % n : 0;
}

#endif
