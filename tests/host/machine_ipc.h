/*
 * The host unit tests' IPC fast-path exits (kernel/arch/x86_64/include/
 * machine_ipc.h says what they do): the host tests never take the fast
 * path's switch, so they stop the test.
 */
#ifndef HOST_MACHINE_IPC_H
#define HOST_MACHINE_IPC_H

#include "core/thread.h"

static inline __attribute__((noreturn)) void
arch_ipc_enter_user(struct thread *prev, struct thread *next, const u64 *mrs)
{
	(void)mrs;
	panic("arch_ipc_enter_user on the host (%p to %p)", (void *)prev,
	      (void *)next);
}

static inline __attribute__((noreturn)) void
arch_resume_user(struct thread *prev, struct thread *next)
{
	panic("arch_resume_user on the host (%p to %p)", (void *)prev,
	      (void *)next);
}

#endif
