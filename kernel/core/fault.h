/* Faults taken by user threads: page faults and exceptions. */
#ifndef CORE_FAULT_H
#define CORE_FAULT_H

#include "kernel.h"

struct thread;

struct fault_info {
	u32 vector; /* the CPU exception vector (14 = page fault) */
	u64 error;  /* the CPU error code */
	u64 addr;   /* the faulting address (page faults) */
	u64 ip;	    /* the instruction pointer */
};

void fault_user_exception(struct thread *t, const struct fault_info *fi);
void fault_unknown_syscall(struct thread *t);
const char *exception_name(unsigned vec);

#endif
