/*
 * User faults.  An exception or an unknown system call in a user thread is
 * sent to the thread's pager as a message in the thread's name (ipc.c:
 * fault_ipc); the pager's reply resumes the thread or kills it.  A thread
 * with no pager is stopped with one log line; a pager faulting on itself
 * is killed.
 */
#include "fault.h"
#include "ipc.h"
#include "thread.h"
#include "arch/hooks.h"
#include "arch/x86_64/regs.h"
#include "tessera/ipc.h"

/* One line saying what the fault was (only built when it is logged). */
static void describe(const u64 msg[FAULT_MSG_WORDS], char *buf, size_t size)
{
	switch (msg[0]) {
	case IPC_TAG_PAGEFAULT:
		ksnprintf(buf, size,
			  "#PF page fault at address %lx (%s, %s), rip %lx",
			  msg[1], msg[2] & FAULT_WRITE ? "write" : "read",
			  msg[2] & FAULT_PROTECTION ? "protection"
						    : "not mapped",
			  msg[3]);
		break;
	case IPC_TAG_EXCEPTION:
		ksnprintf(buf, size, "%s, rip %lx",
			  exception_name((unsigned)msg[1]), msg[3]);
		break;
	default:
		ksnprintf(buf, size, "unknown system call %lx at rip %lx",
			  msg[1], msg[5]);
		break;
	}
}

static void log_fault(struct thread *t, const u64 msg[FAULT_MSG_WORDS],
		      const char *outcome)
{
	char what[96];
	describe(msg, what, sizeof(what));
	kprintf("fault: thread %x (%s): %s: %s\n", t->tid, t->name, what,
		outcome);
}

/*
 * Send the fault to the pager and act on the reply: returns FAULT_RESUME
 * or FAULT_RESUME_AT if the thread goes on; otherwise the thread is dead
 * (and this returns only if it is not the running thread).
 */
static long fault_to_pager(struct thread *t, const u64 msg[FAULT_MSG_WORDS],
			   u64 *reply1)
{
	struct thread *p = thread_lookup(t->pager);
	u64 r1 = 0;

	if (!p || p == t || !p->space) {
		log_fault(t, msg,
			  p == t ? "faulted while its own pager, thread stopped"
				 : "no pager, thread stopped");
		thread_exit(t, -1);
		return FAULT_KILL;
	}
	long r = fault_ipc(t, msg, &r1);
	if (r == -E_ABORTED && t->state != TS_DEAD) {
		/* The wait was cut short: the thread was suspended, or its
		 * pager went away.  When it runs again it takes the fault
		 * again (a syscall fault re-executes the instruction), and
		 * then finds a pager, or dies for want of one. */
		if (msg[0] == IPC_TAG_SYSCALL &&
		    arch_thread_tf(t)->rip == msg[5])
			arch_thread_tf(t)->rip -= 2;
		return FAULT_RESUME;
	}
	if (r == FAULT_RESUME_AT && r1 < USER_CANONICAL_END) {
		arch_thread_tf(t)->rip = r1;
		return r;
	}
	if (r == FAULT_RESUME) {
		if (reply1)
			*reply1 = r1;
		return r;
	}
	if (t->state == TS_DEAD)
		return FAULT_KILL; /* already gone */
	log_fault(t, msg, "killed by its pager");
	thread_exit(t, -1);
	return FAULT_KILL;
}

void fault_user_exception(struct thread *t, const struct fault_info *fi)
{
	struct trapframe *tf = arch_thread_tf(t);
	u64 msg[FAULT_MSG_WORDS] = {0};

	if (fi->vector == 14) {
		msg[0] = IPC_TAG_PAGEFAULT;
		msg[1] = fi->addr;
		msg[2] = (fi->error & 2 ? FAULT_WRITE : 0) |
			 (fi->error & 16 ? FAULT_EXEC : 0) |
			 (fi->error & 1 ? FAULT_PROTECTION : 0);
	} else {
		msg[0] = IPC_TAG_EXCEPTION;
		msg[1] = fi->vector;
		msg[2] = fi->error;
	}
	msg[3] = fi->ip;
	msg[4] = tf->rsp;
	fault_to_pager(t, msg, NULL);
}

/* An unknown system call: the pager may emulate it and give rax.  The
 * message carries all six argument registers and rsp (the last four reach
 * the pager in its UTCB: ipc.c, transfer). */
void fault_unknown_syscall(struct thread *t)
{
	struct trapframe *tf = arch_thread_tf(t);
	u64 reply1 = (u64)-E_NOSYS;
	u64 msg[FAULT_MSG_WORDS] = {IPC_TAG_SYSCALL, tf->rax, tf->rdi, tf->rsi,
				    tf->rdx,	     tf->rip, tf->r10, tf->r8,
				    tf->r9,	     tf->rsp};

	u64 rip = tf->rip;
	if (fault_to_pager(t, msg, &reply1) == FAULT_RESUME && tf->rip == rip)
		tf->rax = reply1;
}
