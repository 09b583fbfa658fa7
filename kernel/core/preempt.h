/* Preemptible system calls: the protocol (preempt.c). */
#ifndef CORE_PREEMPT_H
#define CORE_PREEMPT_H

#include "kernel.h"

struct thread;
struct cap;

/* Internal return code: the call was preempted; the dispatcher makes it
 * again.  Never seen by user code. */
#define E_RESTART 1000

/* A preemption point: true if the work must stop now (and return
 * -E_RESTART, everything consistent). */
bool preempt_check(void);

/* A deletion stops at a preemption point, `top` (the capability it was
 * asked to delete) a zombie still: keep it in the running thread's
 * pending slot, where the restarted call finds it. */
void preempt_keep_pending(struct cap *top);

/* Finish the deletion the running thread had to leave: 0 when done,
 * -E_RESTART if preempted again. */
int preempt_finish_pending(void);

/* The dispatcher's part, around every preemptible call (api/syscall.c):
 * finish pending work, run `call`, telling it whether it is the repeat of
 * the one this thread left (`again`), and remember it if it is left
 * again. */
long preempt_run(u32 nr, const u64 *args,
		 long (*call)(const u64 *args, bool again));

/* `t` will not make the call it was preempted in again (its registers
 * were rewritten, or it was recycled or bound anew). */
void preempt_forget(struct thread *t);

#endif
