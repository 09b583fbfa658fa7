/*
 * User faults.  An exception (decoded by the architecture: a page fault's
 * address and access, or an exception's number and error code) or an
 * unknown system call in a user thread is sent to the thread's pager as a
 * message in the thread's name (ipc.c: fault_ipc); the pager's reply
 * resumes the thread or kills it.  A thread with no pager is stopped with
 * one log line; a pager faulting on itself is killed.
 */
#include "fault.h"
#include "ipc.h"
#include "thread.h"
#include "arch/hooks.h"
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
		ksnprintf(buf, size, "%s, rip %lx", arch_exception_name(msg[1]),
			  msg[3]);
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
 * Send the fault, taken at `pc`, to the pager and act on the reply:
 * returns FAULT_RESUME or FAULT_RESUME_AT if the thread goes on; otherwise
 * the thread is dead (and this returns only if it is not the running
 * thread).
 */
static long fault_to_pager(struct thread *t, const u64 msg[FAULT_MSG_WORDS],
			   vaddr_t pc, u64 *reply1)
{
	struct thread *p = thread_lookup(t->pager);
	struct trapframe *tf = arch_thread_tf(t);
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
		if (msg[0] == IPC_TAG_SYSCALL && arch_user_pc(tf) == pc)
			arch_syscall_rewind(tf);
		return FAULT_RESUME;
	}
	if (r == FAULT_RESUME_AT && arch_user_pc_ok(r1)) {
		arch_set_user_pc(tf, r1);
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

/* What fault_to_pager does with a resuming answer to an exception or a
 * page fault taken in user mode (not one an extended copy took: those
 * carry FAULT_KERNEL) is no more than this, so it can be done without
 * going back there. */
bool fault_resume_direct(struct thread *t, u64 mr0, u64 mr1)
{
	const u64 *msg = t->fault_msg;
	if (msg[0] != IPC_TAG_EXCEPTION &&
	    (msg[0] != IPC_TAG_PAGEFAULT || (msg[2] & FAULT_KERNEL)))
		return false;
	if (mr0 == FAULT_RESUME)
		return true;
	if (mr0 == FAULT_RESUME_AT && arch_user_pc_ok(mr1)) {
		arch_set_user_pc(arch_thread_tf(t), mr1);
		return true;
	}
	return false;
}

/* The message (tessera/ipc.h): MR1..MR4 = address and access, or the
 * exception's number and error code; then ip and sp. */
void fault_user_exception(struct thread *t, const struct fault_info *fi)
{
	u64 msg[FAULT_MSG_WORDS] = {0};

	if (fi->kind == FAULT_KIND_PAGE) {
		msg[0] = IPC_TAG_PAGEFAULT;
		msg[1] = fi->addr;
		msg[2] = fi->access;
	} else {
		msg[0] = IPC_TAG_EXCEPTION;
		msg[1] = fi->number;
		msg[2] = fi->error;
	}
	msg[3] = fi->ip;
	msg[4] = arch_user_sp(arch_thread_tf(t));
	fault_to_pager(t, msg, fi->ip, NULL);
}

/* An unknown system call: the pager may emulate it and give its result.
 * The message carries the number, all six argument registers, the pc and
 * the stack pointer (the words past MR5 reach the pager in its UTCB:
 * ipc.c, transfer). */
void fault_unknown_syscall(struct thread *t)
{
	struct trapframe *tf = arch_thread_tf(t);
	u64 reply1 = (u64)-E_NOSYS;
	u64 msg[FAULT_MSG_WORDS];

	arch_syscall_fault_msg(tf, msg);
	msg[0] = IPC_TAG_SYSCALL;
	vaddr_t pc = arch_user_pc(tf);
	if (fault_to_pager(t, msg, pc, &reply1) == FAULT_RESUME &&
	    arch_user_pc(tf) == pc)
		arch_set_result(tf, reply1);
}
