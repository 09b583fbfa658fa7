/*
 * ktest: the kernel API test suite, run as the root task.  Each test_*.c
 * file is one area; main.c runs them in order.  Every check is a real
 * system call and prints one TAP line.  What several suites use lives in
 * helpers.c (threads, tables, capabilities, slots) and agent.c (threads
 * in other spaces that take orders), declared here.
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdio.h>
#include <string.h>
#include <tap.h>
#include <tess.h>
#include <tess_alloc.h>

/* The allocator every suite shares: the root task's largest untyped and
 * the free root CSpace slots. */
extern struct tess_alloc *ka;

/* Address ranges tests may use for their own mappings (one per suite, so
 * suites do not collide). */
#define KT_VA_BOOT 0x0000010000000000ul
#define KT_VA_CAPS 0x0000020000000000ul
#define KT_VA_MEMORY 0x0000030000000000ul
#define KT_VA_DEVICES 0x0000040000000000ul
#define KT_VA_THREADS 0x0000050000000000ul
#define KT_VA_IPC 0x0000060000000000ul
#define KT_VA_FAULTS 0x0000070000000000ul
#define KT_VA_CAPCTRL 0x0000080000000000ul
#define KT_VA_MUTEX 0x0000090000000000ul
#define KT_VA_CPU 0x00000a0000000000ul
#define KT_VA_TIME 0x00000b0000000000ul
#define KT_VA_INPUT 0x00000c0000000000ul
#define KT_VA_TLB 0x00000d0000000000ul
#define KT_VA_FPU 0x00000e0000000000ul

/* ---------------------------------------------------------------- helpers.c
 * Threads in this space or in a copy of it, started on a stack of the
 * caller's with up to three arguments, waited for with a time limit. */
struct kt_thread {
	cptr_t cap; /* the Thread object (0: none) */
	uint32_t tid;
};
struct kt_child {
	struct kt_thread t; /* the first thread of the copied space */
	cptr_t space;	    /* its Space object */
	cptr_t cnode;	    /* a CSpace holding the copied tables and pages */
	uint32_t spid;
	uint32_t copied; /* thread_create.copied */
};
#define KT_COPY_CNODE_BITS 10	 /* room for the copied objects of one space */
#define KT_TIMEOUT_US 5000000ull /* how long a helper waits for a thread */
typedef void (*kt_entry)(uint64_t a0, uint64_t a1, uint64_t a2);
uint32_t kt_self(void);
uint64_t kt_now_us(void);
long kt_create(struct kt_thread *t, uint32_t space_of, uint32_t pager,
	       uint64_t utcb);
long kt_create_obj(struct kt_thread *t, cptr_t cap, uint32_t space_of,
		   uint32_t pager, uint64_t utcb);
/* The same at priority `prio` (PRIO_INHERIT: the creator's). */
long kt_create_obj_prio(struct kt_thread *t, cptr_t cap, uint32_t space_of,
			uint32_t pager, uint64_t utcb, uint32_t prio);
long kt_start(uint32_t tid, kt_entry fn, void *stack, size_t size, uint64_t a0,
	      uint64_t a1, uint64_t a2);
long kt_spawn(struct kt_thread *t, kt_entry fn, void *stack, size_t size,
	      uint64_t a0, uint64_t a1, uint64_t a2);
long kt_destroy(struct kt_thread *t);
long kt_tctrl(uint32_t action, uint32_t tid);
long kt_read(uint32_t tid, struct exregs *x);
long kt_state(uint32_t tid);
long kt_wait_state(uint32_t tid, long state);
long kt_wait_count(volatile uint32_t *v, uint32_t want);
long kt_reap(uint32_t tid, int *status);
long kt_recv(uint32_t from, struct tess_msg *m);
long kt_copy_child(struct kt_child *c, cptr_t untyped, uint32_t pager,
		   uint32_t cid);
long kt_copy_child_in(struct kt_child *c, cptr_t space, cptr_t untyped,
		      uint32_t pager, uint32_t cid);
void kt_child_destroy(struct kt_child *c);
long kt_grant(uint32_t to, unsigned type, unsigned scope, uint32_t resid,
	      uint32_t ops);

/* Space objects at a given index of the kernel's space table (the low
 * bits of a space id). */
#define KT_SPID_INDEX_MASK 0xfffu
#define KT_SPACE_BATCH_BITS 8
long kt_space_at_index(cptr_t ut, cptr_t cs, uint32_t index, cptr_t *space);

/* Stacks for a suite's threads, mapped at `va` (a suite's range) for
 * the suite only: in the .bss they would make every copy of the root
 * task's space bigger (other suites make many).  KT_STACK_SIZE each. */
#define KT_STACK_SIZE 8192
#define KT_STACKS_MAX 20
struct kt_stacks {
	uintptr_t va;
	cptr_t tables[3];
	cptr_t pages[KT_STACKS_MAX * (KT_STACK_SIZE / 4096)];
};
long kt_stacks_map(struct kt_stacks *s, uintptr_t va, unsigned n);
void kt_stacks_unmap(struct kt_stacks *s);
static inline void *kt_stack(const struct kt_stacks *s, unsigned i)
{
	return (void *)(s->va + (uintptr_t)i * KT_STACK_SIZE);
}

/* Page tables, capabilities, root slots. */
long kt_tables_make(struct tess_alloc *a, cptr_t space, uintptr_t va,
		    cptr_t tab[3]);
long kt_tables_free(struct tess_alloc *a, cptr_t tab[3]);
struct cap_info kt_cap_info(cptr_t c);
uint32_t kt_cap_type(cptr_t c);
cptr_t kt_slot(void);
cptr_t kt_new_obj(cptr_t ut, unsigned type, unsigned bits);
void kt_slots_free(void);

/* Slot `slot` of the CSpace in root slot `cs` (a two-digit address). */
static inline cptr_t kt_addr2(cptr_t cs, unsigned slot)
{
	return (cs << CPTR_DIGIT_BITS) | slot;
}

/* ---------------------------------------------------------------- agent.c
 * Agents: threads in copies of the root task's space (TC_COPY_SPACE) that
 * take orders from the root task by IPC and carry out each with the
 * suite's `order` function, typically one system call.  A mailbox page
 * mapped at the same address in both spaces (so that pointers into it are
 * good in both) holds what they report: it is the suite's own struct mbox,
 * which each suite with agents defines with a struct kt_mbox `k` first.
 */

/* What kt_agent_* return when the agent did not answer in time, and what
 * an order function returns for an order it does not know: no E_* code. */
#define KT_AGENT_TIMEOUT (-1000)
#define KT_AGENT_UNKNOWN (-1001)

struct kt_mbox {
	volatile uint32_t seq; /* bumped by the agent after each order */
	uint32_t boss;	       /* the only thread it takes orders from */
	volatile long result;  /* of the last order */
};
struct mbox;
/* Carry out the order in m (MR0 the operation, MR1-MR4 its arguments) in
 * the agent's thread; the result goes to the mailbox's k.result. */
typedef long (*kt_order_fn)(struct mbox *mb, struct tess_msg *m);

struct kt_agent {
	cptr_t thread, space; /* its Thread and Space objects */
	cptr_t copies;	      /* a CSpace holding its copied tables and pages */
	cptr_t page;	      /* the mailbox page, mapped in my space */
	cptr_t page2;	      /* a copy of its cap, mapped in the agent's */
	cptr_t tables[3];     /* tables made to map page2 in its space */
	uint32_t tid, spid;
	struct mbox *mb;       /* the mailbox, at one address in both spaces */
	struct tess_alloc *al; /* where its objects came from */
};
long kt_agent_make(struct kt_agent *a, struct tess_alloc *al, uintptr_t mb_va,
		   uint32_t cid, uint32_t pager, cptr_t cspace,
		   kt_order_fn order);
long kt_agent_make_in_group(struct kt_agent *a, struct tess_alloc *al,
			    uintptr_t mb_va, uint32_t cid, uint32_t pager,
			    cptr_t cspace, kt_order_fn order, uint32_t tgid);
long kt_agent_free(struct kt_agent *a);
long kt_agent_post(struct kt_agent *a, uint64_t op, uint64_t a1, uint64_t a2,
		   uint64_t a3, uint64_t a4);
long kt_agent_wait(struct kt_agent *a, uint32_t seq);
long kt_agent_do(struct kt_agent *a, uint64_t op, uint64_t a1, uint64_t a2,
		 uint64_t a3, uint64_t a4);
long kt_map_copy(struct tess_alloc *al, cptr_t page, cptr_t space, uintptr_t va,
		 cptr_t *copy, cptr_t tables[3]);

void test_boot(void);
void test_caps(void);
void test_memory(void);
void test_devices(void);
void test_threads(void);
void test_ipc(void);
void test_reply(void);
void test_faults(void);
void test_cpu(void);
void test_tlb(void);
void test_fpu(void);
void test_capctrl(void);
void test_mutex(void);
void test_deadlines(void);
void test_input(void);
void test_input_driven(void);

#endif
