/*
 * The root task's end.  The system lives as long as the root task's first
 * thread: when it exits (or is killed) the kernel reports the status and
 * powers off, so `make run` and the test suites end on their own.
 */
#include "root.h"
#include "coverage.h"
#include "thread.h"
#include "arch/hooks.h"

void root_task_exited(int status)
{
	kprintf("tessera: root task exited with status %d; powering off\n",
		status);
	coverage_dump();
	arch_machine_exit(status == 0 ? 0 : 1);
}
