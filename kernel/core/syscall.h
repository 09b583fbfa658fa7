/* System call entry from the architecture layer (api/syscall.c). */
#ifndef CORE_SYSCALL_H
#define CORE_SYSCALL_H

#include "kernel.h"

struct trapframe;

/* A system call of the running thread, from its saved registers: the call
 * is made, its result written back, and the thread goes on or another
 * runs.  The architecture's entry sends ipc to its fast path
 * (ipc_fastpath, ipc.h) before it does anything else, every other call to
 * syscall_slow; the fast path hands what it does not take to
 * syscall_ipc. */
void syscall_slow(struct trapframe *tf);
void syscall_ipc(struct trapframe *tf);

/* Call number `nr` (< SYS_COUNT, not ipc's fast path) with `args`, as the
 * dispatcher calls it, restart protocol included; the result. */
long syscall_call(u64 nr, const u64 *args);

#endif
