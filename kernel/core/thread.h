/*
 * Threads: the schedulable objects.
 *
 * A Thread object is 2^THREAD_BITS bytes of untyped memory: struct thread
 * at the bottom, the thread's kernel stack above it, and at the top what
 * the architecture keeps: the saved user registers (the trapframe, reached
 * by arch_thread_tf) and its own part (on x86_64 the FPU state and the
 * saved kernel context, kernel/arch/x86_64/thread_arch.h).  A thread made
 * by retype is unbound (no id, no space); thread_control CREATE binds it.
 */
#ifndef CORE_THREAD_H
#define CORE_THREAD_H

#include "kernel.h"
#include "cap.h"
#include "ids.h"
#include "sched.h"
#include "percpu.h"
#include "arch/hooks.h"
#include "tessera/thread.h"
#include "tessera/ipc.h"

#define THREAD_OBJ_BITS THREAD_BITS
#define THREAD_OBJ_SIZE (1ull << THREAD_OBJ_BITS)
#define MAX_THREADS 4096 /* live thread ids at once (the tid table) */

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

#define GROUP_LIST_SLOTS 8 /* a thread group's capability list */
#define THREAD_SLOTS (2 + GROUP_LIST_SLOTS)
#define THREAD_SLOT_BUFFER 0  /* the IPC buffer page made by alloc_buffer */
#define THREAD_SLOT_PENDING 1 /* a deletion preempted midway (preempt.c) */
/* The group's list, used while this thread leads a group (tgid == tid). */
#define THREAD_SLOT_GROUP 2

struct space;
struct container;
struct thread;

/* A thread's place in one of the lists of threads below, doubly linked
 * through the members (the head's prev is the tail); the head is in the
 * list's owner.  thread_list_append and _remove are O(1). */
struct thread_link {
	struct thread *next, *prev;
};

struct thread {
	u32 tid;  /* 0: not bound */
	u8 state; /* enum thread_state */
	u8 wait;  /* enum thread_wait, when TS_BLOCKED */
	u8 prio;
	u8 flags; /* THREAD_F_* */
	u32 timeslice;
	int exit_status;
	u32 tgid;	/* the group's leader (thread.c: thread groups) */
	u32 group_size; /* a leader: the other bound threads of its group */
	u32 pager;	/* pager tid, or TID_NIL */
	u32 parent;	/* creator's tid, for THREAD_WAIT */
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
	u32 ipc_cache_tid;   /* last target authorized for short sends... */
	u64 ipc_cache_epoch; /* ...valid while cap_epoch is unchanged */
	u64 fault_msg[FAULT_MSG_WORDS]; /* a kernel-made message (faults) */
	u64 fault_reply[2];		/* MR0, MR1 of the pager's reply */
	struct thread
	    *fault_waiter; /* thread resumed when our fault is answered */
	long fault_result; /* 0 when a fault we wait for was answered */

	/* The preemptible call this thread left, to be made again
	 * (preempt.c): its number (0: none) and first argument. */
	struct {
		u32 nr;
		u64 arg;
	} restart;

	/* WAIT_MUTEX */
	u64 mutex_key;
	struct thread *mutex_next;

	/* A timed wait (THREAD_F_TIMED or THREAD_F_TIMER_PARKED: time.c) */
	u64 deadline;	/* monotonic microseconds */
	u32 timer_slot; /* THREAD_F_TIMED: its index in the deadline heap */

	/*
	 * The lists that let every operation find the threads it touches
	 * without a walk of the thread table (thread.c; ipc.c for recv):
	 *   container->threads  the bound threads of a container
	 *   members             a leader: the threads that joined its group
	 *   paged               the bound threads whose pager it is (pager
	 *                       names it: paged_by)
	 *   zombies             its dead children, not yet reaped (oldest
	 *                       first; zombie_of is their parent)
	 *   recv_waiters        threads whose last closed receive named it
	 *                       (recv_on): every thread blocked receiving
	 *                       from it alone is there, and some that no
	 *                       longer wait (membership is kept, so the fast
	 *                       path's repeated calls cost no list work)
	 */
	struct thread_link container_link;
	struct thread_link group_link; /* while tgid names another */
	struct thread *members;
	struct thread_link paged_link; /* while paged_by */
	struct thread *paged_by;
	struct thread *paged;
	struct thread_link zombie_link; /* while zombie_of */
	struct thread *zombie_of;
	struct thread *zombies;
	u32 nchildren;		      /* bound threads whose parent it is */
	struct thread_link recv_link; /* while recv_on */
	struct thread *recv_on;
	u32 recv_on_tid; /* recv_on's tid (0: none), for a quick test */
	struct thread *recv_waiters;

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

/* What the system call `t` is in (or blocked in) returns. */
static inline void thread_set_result(struct thread *t, long v)
{
	arch_set_result(arch_thread_tf(t), (u64)v);
}

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
	if (unlikely(percpu()->need_resched))
		schedule();
}

/* thread.c */
#define TID_INDEX_BITS 12
#define TID_INDEX(tid) ((tid) & ((1u << TID_INDEX_BITS) - 1))
#define TID_GEN_MASK 0xfffu /* the generation's 12 bits (docs/ABI.md) */
/* The tid table (its instance is in state.c). */
struct thread_ids {
	struct thread *table[MAX_THREADS]; /* by index; NULL: free */
	u16 gen[MAX_THREADS];		   /* each index's generation */
	struct ids free;		   /* free indices (ids.h) */
};
extern struct thread_ids thread_ids;

void thread_list_append(struct thread **head, struct thread *t, size_t link);
void thread_list_remove(struct thread **head, struct thread *t, size_t link);
#define THREAD_LINK(member) offsetof(struct thread, member)
static inline struct thread_link *thread_link_of(struct thread *t, size_t link)
{
	return (struct thread_link *)((char *)t + link);
}

/* The live thread with id `tid`, or NULL (special ids find nothing). */
static inline struct thread *thread_lookup(u32 tid)
{
	struct thread *t = thread_ids.table[TID_INDEX(tid)];
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
/* May `utcb` be a thread's UTCB address (0: none)?  0, -E_ALIGN (not 8-byte
 * aligned) or -E_RANGE (the UTCB would reach past user memory). */
int thread_utcb_check(vaddr_t utcb);
/* `t` (bound) is paged by thread `tid` (or TID_NIL) from now on. */
void thread_set_pager(struct thread *t, u32 tid);
/* `t` (bound) is a child of `parent` (for THREAD_WAIT). */
void thread_set_parent(struct thread *t, struct thread *parent);
/* A dead child of `p` to reap (its oldest), or NULL. */
struct thread *thread_zombie_child(struct thread *p);
/* RECYCLE: a dead `t` is not dead any more. */
void thread_revive(struct thread *t);
struct thread *thread_group_leader(const struct thread *t);
void thread_join_group(struct thread *t, struct thread *leader);
/* The bound threads, for the invariant checker and debug_dump (never on a
 * path a user can drive at will): the first at table index *i or after,
 * *i moved past it; NULL after the last.  The free-index bitmap skips
 * empty stretches 64 at a time. */
struct thread *thread_next_bound(u32 *i);
#endif
