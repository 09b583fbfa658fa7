/*
 * Threads: the schedulable objects.
 *
 * A Thread object is 2^THREAD_BITS bytes of untyped memory: struct thread
 * at the bottom, the thread's kernel stack above it, and the trapframe (the
 * saved user registers) at the very top.  A thread made by retype is
 * unbound (no id, no space); thread_control CREATE binds it.
 */
#ifndef CORE_THREAD_H
#define CORE_THREAD_H

#include "kernel.h"
#include "cap.h"
#include "arch/x86_64/thread_arch.h"
#include "tessera/thread.h"
#include "tessera/ipc.h"

#define THREAD_OBJ_BITS THREAD_BITS
#define THREAD_OBJ_SIZE (1ull << THREAD_OBJ_BITS)
#define NPRIO 256
#define THREAD_TIMESLICE 5 /* ticks */
#define MAX_THREADS 4096   /* live thread ids at once (the tid table) */

enum thread_state {
	TS_INACTIVE = THREAD_STATE_INACTIVE, /* unbound, new, or suspended */
	TS_RUNNABLE = THREAD_STATE_RUNNABLE, /* running or in a run queue */
	TS_BLOCKED = THREAD_STATE_BLOCKED,   /* waiting (see `wait`) */
	TS_DEAD = THREAD_STATE_DEAD,	     /* exited; waits to be reaped */
};

/* What a blocked thread waits for. */
enum thread_wait {
	WAIT_NONE = 0,
	WAIT_SEND,	  /* in the send queue of `ipc_partner` */
	WAIT_RECV,	  /* for a message from `ipc_from` */
	WAIT_FAULT_REPLY, /* for its pager's reply to a fault message */
	WAIT_COPY,	  /* an extended copy in another thread's hands */
	WAIT_CHILD, /* THREAD_WAIT: for child `ipc_from` (or any) to end */
	WAIT_MUTEX, /* in a user mutex's queue */
	WAIT_SLEEP, /* sleep: for its deadline */
	WAIT_INPUT, /* input_read: for console input */
};

#define THREAD_SLOTS 2
#define THREAD_SLOT_BUFFER 0  /* the IPC buffer page made by alloc_buffer */
#define THREAD_SLOT_PENDING 1 /* a deletion preempted midway (delete.c) */

struct space;
struct container;

struct thread {
	struct arch_thread arch; /* first: entry code finds it at offset 0 */
	u32 tid;		 /* 0: not bound */
	u8 state;		 /* enum thread_state */
	u8 wait;		 /* enum thread_wait, when TS_BLOCKED */
	u8 prio;
	u8 flags; /* THREAD_F_* */
	u32 timeslice;
	int exit_status;
	u32 tgid;
	u32 pager;  /* pager tid, or TID_NIL */
	u32 parent; /* creator's tid, for THREAD_WAIT */
	vaddr_t utcb;
	struct space *space;
	struct container *container;
	struct thread *rq_next, *rq_prev;	/* run queue */
	struct thread *space_next, *space_prev; /* threads of one space */

	/* IPC */
	u32 ipc_from;		    /* WAIT_RECV: expected sender, or TID_ANY */
	u32 ipc_flags;		    /* the flags of the call in progress */
	struct thread *ipc_partner; /* in a send queue: the receiver */
	struct thread *copy_partner; /* WAIT_COPY: the thread copying for us */
	struct thread *copy_from, *copy_to; /* copying: the two sides (ipc.c) */
	struct thread *sendq_head;	    /* threads waiting to send to us */
	struct thread *sendq_next, *sendq_prev;
	u32 ipc_cache_tid;    /* last send target authorized... */
	u32 ipc_cache_rights; /* ...its allowed IPC operations... */
	u64 ipc_cache_epoch;  /* ...valid while cap_epoch is unchanged */
	u64 fault_msg[FAULT_MSG_WORDS]; /* a kernel-made message (faults) */
	u64 fault_reply[2];		/* MR0, MR1 of the pager's reply */
	struct thread
	    *fault_waiter; /* thread resumed when our fault is answered */
	long fault_result; /* 0 when a fault we wait for was answered */

	/* A system call preempted and to be restarted (syscall.c). */
	u32 restart_nr;
	u64 restart_arg;

	/* WAIT_MUTEX */
	u64 mutex_key;
	struct thread *mutex_next;

	/* A timed wait (THREAD_F_TIMED or THREAD_F_TIMER_PARKED: time.c) */
	u64 deadline;	/* monotonic microseconds */
	u32 timer_slot; /* THREAD_F_TIMED: its index in the deadline heap */

	struct cap slots[THREAD_SLOTS];
	char name[16];
};

#define THREAD_F_FAULTING (1u << 0)  /* a fault message is in flight */
#define THREAD_F_ROOT (1u << 1)	     /* the root task's first thread */
#define THREAD_F_USER_CONT (1u << 2) /* resumes by returning to user */
/* The pager has the fault message. */
#define THREAD_F_FAULT_DELIVERED (1u << 3)
#define THREAD_F_TIMED (1u << 4)	/* its deadline is in the heap */
#define THREAD_F_TIMER_PARKED (1u << 5) /* out of the heap during a copy */

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
bool sched_queued(const struct thread *t);
void sched_run_next(struct thread *t);
void sched_check_invariants(void);
extern bool need_resched;

/* `t` waits for `wait` (the caller then schedules, if `t` is running). */
static inline void thread_block(struct thread *t, u8 wait)
{
	t->state = TS_BLOCKED;
	t->wait = wait;
	sched_remove(t);
}

void timer_remove(struct thread *t); /* time.h */

/* What `t` waited for has happened: it is runnable again (and its
 * deadline, if it had one, is forgotten). */
static inline void thread_wake(struct thread *t)
{
	if (unlikely(t->flags & (THREAD_F_TIMED | THREAD_F_TIMER_PARKED)))
		timer_remove(t);
	t->wait = WAIT_NONE;
	sched_make_runnable(t);
}

/* On the way out of the kernel: switch if the scheduler asked for it. */
static inline void sched_check_preempt(void)
{
	if (unlikely(need_resched))
		schedule();
}

/* thread.c */
#define TID_INDEX_BITS 12
#define TID_INDEX(tid) ((tid) & ((1u << TID_INDEX_BITS) - 1))
extern struct thread *tid_table[MAX_THREADS];

/* The live thread with id `tid`, or NULL (special ids find nothing). */
static inline struct thread *thread_lookup(u32 tid)
{
	struct thread *t = tid_table[TID_INDEX(tid)];
	return t && t->tid == tid ? t : NULL;
}

void thread_table_init(void);
int thread_bind(struct thread *t, u32 cid);
bool thread_id_available(void);
void thread_unbind(struct thread *t);
void thread_object_init(struct thread *t);
void thread_object_destroy(struct thread *t);
void thread_cancel(struct thread *t, bool dying);
void thread_stop(struct thread *t);
void thread_exit(struct thread *t, int status);
void thread_kill(struct thread *t, const char *why);
void thread_set_space(struct thread *t, struct space *s);
u32 thread_count(void);
struct thread *thread_by_index(u32 i);
#endif
