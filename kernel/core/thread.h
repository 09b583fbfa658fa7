/*
 * Threads: the schedulable objects.
 *
 * A Thread object is THREAD_OBJ_SIZE bytes of untyped memory: struct thread
 * at the bottom, the thread's kernel stack above it, and the trapframe
 * (the saved user registers) at the very top.
 */
#ifndef CORE_THREAD_H
#define CORE_THREAD_H

#include "kernel.h"
#include "arch/x86_64/thread_arch.h"

#define THREAD_OBJ_BITS 13
#define THREAD_OBJ_SIZE (1ull << THREAD_OBJ_BITS)
#define NPRIO 256

enum thread_state {
	TS_INACTIVE = 0, /* made, not started (or suspended) */
	TS_RUNNABLE,     /* running or in a run queue */
	TS_BLOCKED,      /* waiting (IPC, a fault reply, a child) */
	TS_DEAD,         /* exited or killed; waits to be reaped */
};

struct space;

struct thread {
	struct arch_thread arch; /* first: entry code finds it at offset 0 */
	u32 tid;
	u8 state;
	u8 prio;
	u16 flags;
	u32 timeslice; /* ticks left before round robin moves on */
	int exit_status;
	struct space *space;
	struct thread *rq_next, *rq_prev; /* run queue (when runnable) */
	char name[16];
};

#define THREAD_TIMESLICE 5 /* ticks */

/* Stack canary at the lowest word of the kernel stack (checked at switch). */
#define THREAD_STACK_CANARY 0x57acc0de57acc0deull

static inline u64 *thread_stack_canary(struct thread *t)
{
	return (u64 *)ALIGN_UP((u64)(t + 1), 16);
}

static inline u64 thread_kstack_top(struct thread *t)
{
	return (u64)t + THREAD_OBJ_SIZE;
}

/* sched.c */
void sched_init(struct thread *idle);
void sched_make_runnable(struct thread *t);
void sched_remove(struct thread *t);
void schedule(void);
void sched_yield(void);
void sched_tick(void);
void sched_check_preempt(void);
struct thread *sched_idle_thread(void);
extern bool need_resched;


/* thread.c */
void thread_exit(struct thread *t, int status);
#endif
