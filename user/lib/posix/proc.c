/*
 * Processes and threads: fork, clone, execve, wait, kill, getpid, and
 * the Tessera requests (PX_SYNC, PX_REQUEST_CAPABILITY, PX_PID_TID,
 * PX_STATS).  A pid is the process's number in its container's pid space
 * (init is 1); IPC names threads by their thread ids: posix_self_tid for
 * the calling thread's, posix_pid_tid for a process's first thread's.
 *
 * fork and clone make a thread that starts inside this file's IPC, right
 * after its `syscall` instruction.  What mm0 gives that thread (its
 * contract with this file):
 *   rip = the parent's, after the `syscall` of the PX_FORK/PX_CLONE call;
 *   r10 (MR0) = 0: how the code tells the new thread from the parent,
 *       whose r10 is the answer (a pid or tid, never 0, or -errno) or,
 *       if the IPC failed, still the request number;
 *   rsp = the parent's rsp there (fork: the same address in the copied
 *       space), or exactly MR2 (clone).
 * No other register needs any particular value.
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libposix.h"

pid_t getpid(void)
{
	return (pid_t)px_ret(px_call(PX_GETPID, 0, 0, 0, 0, 0));
}

pid_t getppid(void)
{
	return (pid_t)px_ret(px_call(PX_GETPPID, 0, 0, 0, 0, 0));
}

/*
 * The child resumes after `syscall` with nothing but rsp (and r10) to go
 * on, so nothing may live in a register across it: every register the
 * compiler could use is an output or a clobber, except rbp, which it may
 * refuse as a clobber and which is therefore saved on the stack by hand.
 * All the compiler keeps is then in the stack, which the child has a copy
 * of.
 */
pid_t fork(void)
{
	/* A half line in the buffer would otherwise be printed twice.  (No
	 * call may come between the register variables and the asm.) */
	fflush_stdout();

	register long r10 __asm__("r10") = PX_FORK;
	register long r8 __asm__("r8") = 0;
	register long r9 __asm__("r9") = 0;
	register long r12 __asm__("r12") = 0;
	register long r13 __asm__("r13") = 0;
	register long r14 __asm__("r14") = 0;
	register long r15 __asm__("r15") = 0; /* no extended buffer */
	long rax = SYS_ipc + TESS_SYS_BASE;
	long rdi = posix_pager_tid, rsi = posix_pager_tid, rdx = IPC_SHORT;

	__asm__ volatile("pushq %%rbp\n\t"
			 "syscall\n\t"
			 "popq %%rbp"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r8),
			   "+r"(r9), "+r"(r10), "+r"(r12), "+r"(r13), "+r"(r14),
			   "+r"(r15)
			 :
			 : "rbx", "rcx", "r11", "memory", "cc");
	if (r10 == 0)
		return 0; /* the child */
	if (rax)
		return (pid_t)px_ret(-EIO);
	return (pid_t)px_ret(r10);
}

/*
 * The new thread starts on `sp`, where the parent left fn and arg: it
 * pops them (which leaves rsp 16-byte aligned, as a call wants), calls
 * fn(arg), and ends itself with PX_EXIT(fn's result).  All of that is in
 * the assembly, so the new thread never returns into C frames that are
 * the parent's.
 */
int clone(int (*fn)(void *), void *stack, int flags, void *arg)
{
	if (!fn || !stack)
		return (int)px_ret(-EINVAL);

	void **sp = (void **)(((uintptr_t)stack & ~(uintptr_t)15) - 16);
	sp[0] = (void *)fn;
	sp[1] = arg;

	register long r10 __asm__("r10") = PX_CLONE;
	register long r8 __asm__("r8") = flags;	   /* MR1 */
	register long r9 __asm__("r9") = (long)sp; /* MR2: the new rsp */
	register long r15 __asm__("r15") = 0;
	long rax = SYS_ipc + TESS_SYS_BASE;
	long rdi = posix_pager_tid, rsi = posix_pager_tid, rdx = IPC_SHORT;

	__asm__ volatile(
	    "syscall\n\t"
	    "testq %%r10, %%r10\n\t"
	    "jnz 1f\n\t"
	    /* the new thread: rsp = sp */
	    "popq %%rax\n\t"	    /* fn */
	    "popq %%rdi\n\t"	    /* arg */
	    "xorl %%ebp, %%ebp\n\t" /* its outermost frame */
	    "callq *%%rax\n\t"
	    "movslq %%eax, %%r8\n\t"  /* MR1: the status */
	    "movq %[exit], %%r10\n\t" /* MR0: PX_EXIT */
	    "movl %[pager], %%edi\n\t"
	    "movq %%rdi, %%rsi\n\t"
	    "xorl %%edx, %%edx\n\t" /* IPC_SHORT */
	    "xorl %%r15d, %%r15d\n\t"
	    "movl %[sys], %%eax\n\t"
	    "syscall\n\t"
	    "2: ud2\n\t" /* PX_EXIT does not answer */
	    "jmp 2b\n"
	    "1:"
	    : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r8), "+r"(r9),
	      "+r"(r10)
	    : "r"(r15), [exit] "i"(PX_EXIT), [sys] "i"(SYS_ipc + TESS_SYS_BASE),
	      [pager] "m"(posix_pager_tid)
	    : "rcx", "r11", "r12", "r13", "r14", "memory", "cc");
	if (rax)
		return (int)px_ret(-EIO);
	return (int)px_ret(r10);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	/* The new image starts with an empty buffer: print what is pending.
	 * execve returns only if it failed. */
	fflush_stdout();
	return (int)px_ret(
	    px_call(PX_EXECVE, (long)path, (long)argv, (long)envp, 0, 0));
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/* mm0 stores the plain exit status (0..255); programs get it encoded as
 * on Linux, for WIFEXITED and WEXITSTATUS. */
pid_t waitpid(pid_t pid, int *status, int options)
{
	int raw = 0;
	if (options)
		return (pid_t)px_ret(-EINVAL);
	long r = px_ret(px_call(PX_WAIT, pid, (long)&raw, 0, 0, 0));
	if (r >= 0 && status)
		*status = (raw & 0xff) << 8;
	return (pid_t)r;
}

pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}

int kill(pid_t pid, int sig)
{
	return (int)px_ret(px_call(PX_KILL, pid, sig, 0, 0, 0));
}

pid_t setsid(void)
{
	return (pid_t)px_ret(px_call(PX_SETSID, 0, 0, 0, 0, 0));
}

pid_t getsid(pid_t pid)
{
	return (pid_t)px_ret(px_call(PX_GETSID, pid, 0, 0, 0, 0));
}

long posix_sync(void)
{
	return px_ret(px_call(PX_SYNC, 0, 0, 0, 0, 0));
}

long posix_request_cap(uint32_t tid)
{
	long r = px_call(PX_REQUEST_CAPABILITY, tid, 0, 0, 0, 0);
	if (r < 0)
		errno = (int)-r;
	return r;
}

uint32_t posix_self_tid(void)
{
	struct task_ids ids = {0, 0, 0, 0};
	tess_getid(&ids);
	return ids.tid;
}

long posix_pid_tid(pid_t pid)
{
	return px_ret(px_call(PX_PID_TID, pid, 0, 0, 0, 0));
}

long posix_stats(struct px_stats *st)
{
	return px_ret(px_call(PX_STATS, (long)st, 0, 0, 0, 0));
}
