/* User mutexes: the contended path (mutex_control). */
#ifndef CORE_MUTEX_H
#define CORE_MUTEX_H

#include "kernel.h"

struct thread;

long sys_mutex_control(const u64 *a);
void mutex_cancel(struct thread *t);

#endif
