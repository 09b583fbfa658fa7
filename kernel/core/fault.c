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

/* No one to tell: stop the thread with one line of log. */
static bool no_pager(struct thread *t, const char *what)
{
	struct thread *p = thread_lookup(t->pager);
	if (p && p != t && p->space)
		return false;
	kprintf("fault: thread %x (%s): %s: %s, thread stopped\n", t->tid, t->name,
		what, p == t ? "faulted while its own pager" : "no pager");
	thread_exit(t, -1);
	return true;
}

/* Send the fault and act on the reply; returns only if the thread goes on. */
static void fault_to_pager(struct thread *t, const u64 msg[6], const char *what,
			   u64 *reply1)
{
	if (no_pager(t, what))
		return;
	long r = fault_ipc(t, msg, reply1);
	if (r == FAULT_RESUME)
		return;
	if (r == -E_ABORTED && t->state == TS_DEAD)
		return; /* already gone */
	kprintf("fault: thread %x (%s): %s: killed by its pager\n", t->tid,
		t->name, what);
	thread_exit(t, -1);
}

void fault_user_exception(struct thread *t, const struct fault_info *fi)
{
	struct trapframe *tf = arch_thread_tf(t);
	char what[96];
	u64 msg[6];

	if (fi->vector == 14) {
		u32 access = (fi->error & 2 ? FAULT_WRITE : 0) |
			     (fi->error & 16 ? FAULT_EXEC : 0) |
			     (fi->error & 1 ? FAULT_PROTECTION : 0);
		ksnprintf(what, sizeof(what),
			  "#PF page fault at address %lx (%s, %s), rip %lx", fi->addr,
			  fi->error & 2 ? "write" : "read",
			  fi->error & 1 ? "protection" : "not mapped", fi->ip);
		u64 m[6] = { IPC_TAG_PAGEFAULT, fi->addr, access, fi->ip, tf->rsp, 0 };
		memcpy(msg, m, sizeof(msg));
	} else {
		ksnprintf(what, sizeof(what), "%s, rip %lx",
			  exception_name(fi->vector), fi->ip);
		u64 m[6] = { IPC_TAG_EXCEPTION, fi->vector, fi->error, fi->ip, tf->rsp, 0 };
		memcpy(msg, m, sizeof(msg));
	}
	/* The faulting frame returns with iretq, whatever the pager does. */
	tf->vector = VEC_RESUME;
	fault_to_pager(t, msg, what, NULL);
}

/* An unknown system call: the pager may emulate it and give rax. */
void fault_unknown_syscall(struct thread *t)
{
	struct trapframe *tf = arch_thread_tf(t);
	char what[64];
	u64 rax = tf->rax, reply1 = (u64)-E_NOSYS;
	u64 msg[6] = { IPC_TAG_SYSCALL, rax, tf->rdi, tf->rsi, tf->rdx, tf->rip };

	ksnprintf(what, sizeof(what), "unknown system call %lx at rip %lx", rax,
		  tf->rip);
	fault_to_pager(t, msg, what, &reply1);
	if (t->state != TS_DEAD)
		tf->rax = reply1;
}
