/* The scheduler (sched.c): run queues, choosing the next thread. */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include "kernel.h"

#define NPRIO 256
#define THREAD_TIMESLICE 5 /* ticks */

struct thread;

/* A CPU's run queues (in its struct percpu): one circular list per
 * priority, a bitmap of the non-empty ones, and a summary of the bitmap
 * (bit w: word w has a bit set), so that the most urgent is two
 * bit scans away. */
struct runqueues {
	struct thread *head[NPRIO];
	u64 bitmap[NPRIO / 64];
	u64 summary;
};

void sched_init(struct thread *idle);
void sched_make_runnable(struct thread *t);
void sched_remove(struct thread *t);
void schedule(void);
void sched_yield(void);
void sched_tick(void);
bool sched_queued(const struct thread *t);
void sched_run_next(struct thread *t);
void sched_check_invariants(void);

#endif
