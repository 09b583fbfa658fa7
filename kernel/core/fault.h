/* Faults taken by user threads: page faults, exceptions, unknown calls. */
#ifndef CORE_FAULT_H
#define CORE_FAULT_H

#include "kernel.h"

struct thread;

/* An exception a user thread took, as the architecture decoded it. */
enum fault_kind {
	FAULT_KIND_PAGE,      /* a page fault: `addr`, `access` */
	FAULT_KIND_EXCEPTION, /* any other: `number`, `error` */
};

struct fault_info {
	enum fault_kind kind;
	u64 addr;   /* page fault: the address */
	u64 access; /* page fault: FAULT_WRITE, FAULT_EXEC, FAULT_PROTECTION */
	u64 number; /* exception: the CPU's exception number (vector) */
	u64 error;  /* exception: the CPU's error code */
	u64 ip;	    /* the instruction pointer */
};

void fault_user_exception(struct thread *t, const struct fault_info *fi);
void fault_unknown_syscall(struct thread *t);
/* The pager's answer (MR0, MR1) to `t`'s own exception or page fault,
 * applied now if it needs no more of the fault path (the thread resumes,
 * at MR1 for FAULT_RESUME_AT): true if so, and `t` may return to user
 * mode straight away (ipc.c, fast_fault_reply). */
bool fault_resume_direct(struct thread *t, u64 mr0, u64 mr1);

#endif
