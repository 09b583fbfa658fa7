/*
 * Preemptible system calls: the protocol, all of it here.
 *
 * Four calls may run long: retype (zeroing the memory of the objects it
 * makes, untyped.c), cap_delete, cap_revoke and capability_control
 * (deleting what a capability holds, or what was derived from it,
 * delete.c).  The dispatch table marks them preemptible (api/syscall.c),
 * and only their work passes preemption points.  The kernel otherwise
 * runs with interrupts off.
 *
 * 1. A preemption point (preempt_check), every PREEMPT_INTERVAL steps of
 *    the work, lets pending interrupts in.  If the scheduler then wants
 *    the CPU, the work stops with -E_RESTART, leaving everything
 *    consistent and what was done done: zombies in the derivation tree
 *    (delete.c), the zeroed end of an Untyped (untyped.c).
 * 2. The dispatcher rewinds the thread over its system call instruction
 *    and lets the scheduler run: the thread makes the same call again,
 *    with the same registers, when it next runs.
 * 3. A deletion keeps its unfinished zombie in the thread's pending slot
 *    (THREAD_SLOT_PENDING, in its Thread object, reachable by no
 *    capability address): the capability's address may not lead to it
 *    when the call comes back, the deletion having destroyed a CSpace on
 *    the way.  Not so for a thread the deletion destroyed itself (it will
 *    not run again): its zombie stays where it is, for whatever delete or
 *    revoke meets it next.
 * 4. The thread remembers the call it left (its number and first
 *    argument: struct thread's restart).  Every preemptible call first
 *    finishes the thread's pending work, then runs, knowing whether it is
 *    the repeat of the call left (`again`): a repeated cap_delete is done
 *    once its pending zombie is gone; a repeated cap_revoke resolves its
 *    address again, and if that is gone or empty the revoke is done.  A
 *    call left for good (exchange_registers moved the thread's pc; it was
 *    recycled or bound anew: preempt_forget) leaves its pending work to
 *    the thread's next preemptible call, which does it first and then its
 *    own; if it is preempted while doing the old work, the restart is not
 *    its own.
 *
 * What must hold: the dispatcher alone calls preempt_run, for every
 * preemptible call; nothing but preempt_keep_pending fills the pending
 * slot, and only with the top of a deletion the running thread made.
 */
#include "preempt.h"
#include "cspace.h"
#include "thread.h"
#include "arch/hooks.h"

#define PREEMPT_INTERVAL 64

bool preempt_check(void)
{
	struct percpu *cpu = percpu();
	if (++cpu->preempt_polls % PREEMPT_INTERVAL)
		return false;
	arch_poll_interrupts();
	return cpu->need_resched;
}

void preempt_keep_pending(struct cap *top)
{
	struct thread *me = arch_current();
	struct cap *pending = &me->slots[THREAD_SLOT_PENDING];
	if (top != pending && top->type == CAP_ZOMBIE && me->tid &&
	    me->state != TS_DEAD && cap_is_null(pending))
		cdt_move(top, pending);
}

int preempt_finish_pending(void)
{
	struct cap *pending = &arch_current()->slots[THREAD_SLOT_PENDING];
	return cap_is_null(pending) ? 0 : cap_delete(pending);
}

long preempt_run(u32 nr, const u64 *args,
		 long (*call)(const u64 *args, bool again))
{
	struct thread *cur = arch_current();
	bool again = cur->restart.nr == nr && cur->restart.arg == args[0];
	bool own = again; /* is the work a restart leaves this call's? */
	long r = preempt_finish_pending();

	if (r == 0) {
		r = call(args, again);
		own = true;
	}
	cur->restart.nr = r == -E_RESTART && own ? nr : 0;
	cur->restart.arg = args[0];
	return r;
}

void preempt_forget(struct thread *t)
{
	t->restart.nr = 0;
}
