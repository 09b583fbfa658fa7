/* User mutexes: the contended path (mutex_control). */
#ifndef CORE_MUTEX_H
#define CORE_MUTEX_H

#include "kernel.h"

struct thread;

/* The waiters, queued by a hash of their word's physical address (the
 * instance is in state.c). */
#define MUTEX_BUCKETS 64
extern struct thread *mutex_queues[MUTEX_BUCKETS];

long sys_mutex_control(const u64 *a);
void mutex_cancel(struct thread *t);

#endif
