/* User mutexes: the queues of the contended path (mutex.c). */
#ifndef CORE_MUTEX_H
#define CORE_MUTEX_H

#include "kernel.h"

struct thread;

/* The waiters, queued by a hash of their word's physical address (the
 * instance is in state.c). */
#define MUTEX_BUCKETS 64
extern struct thread *mutex_queues[MUTEX_BUCKETS];

/* `t` waits on the word at physical address `key` (the caller then
 * schedules); it resumes in user mode with 0. */
void mutex_wait(struct thread *t, u64 key);
/* Wake the longest waiter on `key`: false if there is none. */
bool mutex_wake(u64 key);
/* thread_cancel's part: out of the queue, its call returns -E_ABORTED. */
void mutex_cancel(struct thread *t);

#endif
