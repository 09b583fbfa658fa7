/* IPC between threads, and kernel-made fault messages to pagers. */
#ifndef CORE_IPC_H
#define CORE_IPC_H

#include "kernel.h"
#include "tessera/ipc.h"

struct thread;
struct trapframe;

/* ipc from the running thread: the short-IPC fast path, or, when it does
 * not apply, the dispatcher proper (syscall_ipc). */
void ipc_fastpath(struct trapframe *tf);

/* The system call (its decode, then the rendezvous). */
long sys_ipc(const u64 *a);

/*
 * Send a fault message in `victim`'s name to its pager and wait (the
 * calling thread waits, which may be `victim` itself or a thread copying
 * an extended message for it) for the reply.  Returns the reply's MR0
 * (FAULT_RESUME, FAULT_KILL) or -E_ABORTED if the fault could not be
 * answered (no pager, the pager or the victim went away).  *reply1 gets
 * the reply's MR1.
 */
long fault_ipc(struct thread *victim, const u64 msg[FAULT_MSG_WORDS],
	       u64 *reply1);

/* Take `t` out of IPC: queues, pending copies, fault messages.  If `dying`
 * the threads that wait for it fail with E_ABORTED too: senders queued for
 * it, the sides of a copy it was doing, threads receiving from it alone,
 * faults it was to answer as a pager. */
void ipc_cancel(struct thread *t, bool dying);

/* `s` waits at the tail of `r`'s send queue, r its partner (ipc.c; the
 * host tests build queues with it). */
void ipc_sendq_append(struct thread *r, struct thread *s);

/* `t` loses its id (thread.c): out of the receivers' lists it is in or
 * heads. */
void ipc_forget(struct thread *t);

/* `t`'s deadline passed while it waited to send or receive (time.c):
 * out of any queue, and its IPC returns -E_TIMEOUT. */
void ipc_timeout(struct thread *t);

#endif
