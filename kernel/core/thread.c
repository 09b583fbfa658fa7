/*
 * Thread life cycle.
 */
#include "thread.h"
#include "root.h"
#include "arch/hooks.h"

/*
 * Stop `t` for good with `status`.  If `t` is the running thread this does
 * not return.  The root task's first thread ending ends the system.
 */
void thread_exit(struct thread *t, int status)
{
	t->state = TS_DEAD;
	t->exit_status = status;
	sched_remove(t);
	if (t == root_thread)
		root_task_exited(status);
	if (t == arch_current())
		schedule();
}
