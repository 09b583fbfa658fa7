/*
 * User faults.  A thread that takes an exception is stopped with one log
 * line saying which thread, which exception, where; the kernel goes on.
 */
#include "fault.h"
#include "thread.h"
#include "arch/hooks.h"

void fault_user_exception(struct thread *t, const struct fault_info *fi)
{
	kprintf("fault: thread %x (%s): %s", t->tid, t->name,
		exception_name(fi->vector));
	if (fi->vector == 14)
		kprintf(" at address %lx (%s, %s)", fi->addr,
			fi->error & 2 ? "write" : "read",
			fi->error & 1 ? "protection" : "not mapped");
	kprintf(", rip %lx: thread stopped\n", fi->ip);
	thread_exit(t, -1);
}
