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

#endif
