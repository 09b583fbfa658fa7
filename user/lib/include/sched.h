/*
 * clone, as on Linux: the new thread runs fn(arg) on `stack` (the top of
 * its stack: stacks grow down) and ends, with fn's result as its exit
 * status, when fn returns.  The parent gets the new thread's id (its
 * kernel thread id, as IPC names it: an int that is negative in a
 * container whose id is 128 or more, so cast it to uint32_t and compare
 * with -1, which no thread id is), or -1 with errno set.
 */
#ifndef _SCHED_H
#define _SCHED_H

#include <tessera/posix.h>

/* The flags mm0 understands (Linux values). */
#define CLONE_VM PX_CLONE_VM
#define CLONE_FS PX_CLONE_FS
#define CLONE_FILES PX_CLONE_FILES
#define CLONE_THREAD PX_CLONE_THREAD

int clone(int (*fn)(void *), void *stack, int flags, void *arg);

#endif
