/*
 * Linux signals: handlers and their siginfo, SA_RESETHAND, SA_NODEFER,
 * masks (rt_sigprocmask, the mask during a handler, sigreturn restoring
 * it), rt_sigsuspend, kill to self and to others, a signal to a process
 * running user code, SIGCHLD with its siginfo, a blocked read ended with
 * EINTR or restarted (SA_RESTART), default actions (terminate, ignore,
 * stop and continue with WUNTRACED), CPU exceptions caught by handlers
 * (SIGSEGV with si_addr, SIGFPE, SIGILL, SIGTRAP), registers kept across
 * a handler, bad arguments.
 */
#include "lxt.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

static volatile int hits, last_sig, last_code, nested;
static volatile void *last_addr;
static volatile pid_t last_pid;
static volatile int last_status;
static sigjmp_buf jump;

static void on_sig(int sig)
{
	hits++;
	last_sig = sig;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_status = si->si_status;
	last_addr = si->si_addr;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	last_sig = sig;
	last_code = si->si_code;
	last_addr = si->si_addr;
	siglongjmp(jump, 1);
}

static int close_on_signal = -1;
static void on_close(int sig)
{
	hits++;
	close(close_on_signal);
}

static void on_nest(int sig)
{
	hits++;
	if (nested++ == 0)
		raise(sig); /* with SA_NODEFER it runs again inside */
}

static void set(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static void set_info(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = flags | SA_SIGINFO;
	sigaction(sig, &sa, NULL);
}

static void handlers(void)
{
	set_info(SIGUSR1, on_info, 0);
	hits = 0;
	ok(kill(getpid(), SIGUSR1) == 0 && hits == 1 && last_sig == SIGUSR1,
	   "kill to self runs the handler before kill returns");
	ok(last_code == SI_USER && last_pid == getpid(),
	   "siginfo: SI_USER from our pid");
	ok(raise(SIGUSR1) == 0 && hits == 2 && last_code == SI_TKILL,
	   "raise (tgkill): SI_TKILL");

	set(SIGUSR2, on_sig, SA_RESETHAND);
	hits = 0;
	raise(SIGUSR2);
	struct sigaction old;
	sigaction(SIGUSR2, NULL, &old);
	ok(hits == 1 && old.sa_handler == SIG_DFL,
	   "SA_RESETHAND: back to SIG_DFL after one");

	set(SIGUSR2, on_nest, SA_NODEFER);
	hits = nested = 0;
	raise(SIGUSR2);
	ok(hits == 2, "SA_NODEFER: the handler runs inside itself");
	set(SIGUSR2, on_nest, 0);
	hits = nested = 0;
	raise(SIGUSR2);
	ok(hits == 2 && nested == 2,
	   "without it, the second waits for the first to return");

	/* Blocked signals wait; unblocking delivers. */
	sigset_t s, o;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	set(SIGUSR1, on_sig, 0);
	hits = 0;
	sigprocmask(SIG_BLOCK, &s, &o);
	raise(SIGUSR1);
	ok(hits == 0, "a blocked signal is not delivered");
	sigset_t pend;
	sigpending(&pend);
	ok(sigismember(&pend, SIGUSR1), "sigpending shows it");
	sigprocmask(SIG_SETMASK, &o, NULL);
	ok(hits == 1, "unblocking delivers it");
	sigfillset(&s);
	sigprocmask(SIG_SETMASK, &s, NULL);
	sigprocmask(SIG_SETMASK, NULL, &o);
	ok(!sigismember(&o, SIGKILL) && !sigismember(&o, SIGSTOP),
	   "SIGKILL and SIGSTOP cannot be blocked");
	sigemptyset(&s);
	sigprocmask(SIG_SETMASK, &s, NULL);

	/* sigsuspend: wait with a mask, restore it after. */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	hits = 0;
	raise(SIGUSR1);
	sigset_t none;
	sigemptyset(&none);
	int r = sigsuspend(&none);
	sigprocmask(SIG_SETMASK, NULL, &o);
	ok(r == -1 && errno == EINTR && hits == 1 && sigismember(&o, SIGUSR1),
	   "sigsuspend: EINTR after the handler, the old mask back");
	sigprocmask(SIG_UNBLOCK, &s, NULL);

	ERR(sigaction(SIGKILL, &old, NULL), EINVAL,
	    "a handler for SIGKILL: EINVAL");
	ERR(sigaction(65, &old, NULL), EINVAL, "signal 65: EINVAL");
	ok(RAW(SYS_rt_sigaction, SIGUSR1, 0, 0, 4, 0, 0) == -EINVAL,
	   "sigsetsize 4: EINVAL");
	ok(RAW(SYS_rt_sigaction, SIGUSR1, (long)KADDR, 0, 8, 0, 0) == -EFAULT,
	   "an action in the kernel half: EFAULT");
	ok(RAW(SYS_rt_sigprocmask, SIG_BLOCK, (long)NOADDR, 0, 8, 0, 0) ==
	       -EFAULT,
	   "a mask at an unmapped address: EFAULT");
	ok(RAW(SYS_rt_sigprocmask, 7, (long)&s, 0, 8, 0, 0) == -EINVAL,
	   "bad how: EINVAL");
	ERR(kill(getpid(), 99), EINVAL, "kill with signal 99: EINVAL");
	ERR(kill(999999, SIGUSR1), ESRCH, "kill of nobody: ESRCH");
	ok(kill(getpid(), 0) == 0, "signal 0 checks the process exists");
}

static void children(void)
{
	int st;
	set_info(SIGCHLD, on_info, 0);
	hits = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	while (!hits)
		sched_yield();
	ok(last_sig == SIGCHLD && last_code == CLD_EXITED && last_pid == pid &&
	       last_status == 3,
	   "SIGCHLD: CLD_EXITED, the child's pid and exit code");
	waitpid(pid, &st, 0);

	/* A child in a busy loop, sent a signal it handles. */
	int p[2];
	pipe(p);
	pid = fork();
	if (pid == 0) {
		set(SIGUSR1, on_sig, 0);
		hits = 0;
		close(p[0]);
		write(p[1], "r", 1);
		while (!hits)
			;
		_exit(last_sig == SIGUSR1 ? 0 : 1);
	}
	char c;
	close(p[1]);
	read(p[0], &c, 1);
	close(p[0]);
	kill(pid, SIGUSR1);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "a process running user code gets its handler run (status 0x%x)",
	   st);

	pid = fork();
	if (pid == 0) {
		for (;;)
			;
	}
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	   "SIGTERM's default action ends a busy process");
	hits = 0;
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_IGN);
		raise(SIGTERM);
		kill(getpid(), SIGWINCH); /* ignored by default */
		_exit(6);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 6,
	   "ignored and default-ignored signals do nothing");

	/* Stop and continue. */
	pid = fork();
	if (pid == 0) {
		for (;;)
			sched_yield();
	}
	kill(pid, SIGSTOP);
	ok(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) &&
	       WSTOPSIG(st) == SIGSTOP,
	   "SIGSTOP: wait4 WUNTRACED reports it stopped (0x%x)", st);
	ok(waitpid(pid, &st, WNOHANG | WUNTRACED) == 0, "reported once");
	kill(pid, SIGCONT);
	ok(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st),
	   "SIGCONT: WCONTINUED reports it");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "then SIGKILL ends it");

	/* A stopped process's blocked read gets its data, but the answer
	 * waits for SIGCONT. */
	signal(SIGCHLD, SIG_DFL);
	int in[2], out[2];
	pipe(in);
	pipe2(out, O_NONBLOCK);
	pid = fork();
	if (pid == 0) {
		char c;
		close(in[1]);
		close(out[0]);
		if (read(in[0], &c, 1) == 1)
			write(out[1], &c, 1);
		_exit(0);
	}
	close(in[0]);
	close(out[1]);
	for (int i = 0; i < 30; i++)
		sched_yield();
	kill(pid, SIGSTOP);
	ok(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st),
	   "a child blocked in read, stopped");
	write(in[1], "d", 1);
	for (int i = 0; i < 30; i++)
		sched_yield();
	char got = 0;
	ok(read(out[0], &got, 1) == -1 && errno == EAGAIN,
	   "data for it: while stopped it does not go on");
	kill(pid, SIGCONT);
	waitpid(pid, &st, 0);
	ok(read(out[0], &got, 1) == 1 && got == 'd' && WIFEXITED(st),
	   "after SIGCONT its read returns the data and it goes on");
	close(in[1]);
	close(out[0]);
}

static void interrupted(void)
{
	int p[2], st;
	char c;
	/* A read blocked on a pipe, a signal without SA_RESTART: EINTR. */
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		set(SIGUSR1, on_sig, 0);
		ssize_t n = read(p[0], &c, 1);
		_exit(n == -1 && errno == EINTR ? 0 : 1);
	}
	for (int i = 0; i < 30; i++)
		sched_yield();
	kill(pid, SIGUSR1);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "a blocked read: EINTR without SA_RESTART");
	close(p[0]);
	close(p[1]);

	/* With SA_RESTART the read goes on and gets the data. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		set(SIGUSR1, on_sig, SA_RESTART);
		hits = 0;
		ssize_t n = read(p[0], &c, 1);
		_exit(n == 1 && c == 'd' && hits == 1 ? 0 : 1);
	}
	for (int i = 0; i < 30; i++)
		sched_yield();
	kill(pid, SIGUSR1);
	for (int i = 0; i < 30; i++)
		sched_yield();
	write(p[1], "d", 1);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "SA_RESTART: the read restarts and gets the data");
	close(p[0]);
	close(p[1]);

	/* wait4 for one child, interrupted by another's SIGCHLD when there
	 * is no SA_RESTART (ash relies on it).  "slow" waits for its pipe
	 * to close; it first lets "quick" end, which sends the SIGCHLD.  The
	 * handler closes the pipe, so nothing hangs if the order differs. */
	pid = fork();
	if (pid == 0) {
		static int pp[2];
		int qq[2];
		pipe(pp);
		pipe(qq);
		pid_t slow = fork();
		if (slow == 0) {
			close(pp[1]);
			close(qq[0]);
			for (int i = 0; i < 50; i++)
				sched_yield();
			write(qq[1], "go", 1);
			read(pp[0], &c, 1);
			_exit(0);
		}
		pid_t quick = fork();
		if (quick == 0) {
			close(qq[1]);
			read(qq[0], &c, 1);
			_exit(0);
		}
		close(pp[0]);
		close(qq[0]);
		close(qq[1]);
		close_on_signal = pp[1];
		set(SIGCHLD, on_close, 0);
		int s2;
		pid_t got = waitpid(slow, &s2, 0);
		int eintr = got == -1 && errno == EINTR;
		close(pp[1]);
		waitpid(slow, &s2, 0);
		waitpid(quick, &s2, 0);
		_exit(eintr ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "wait4 for one child, SIGCHLD from another without SA_RESTART: "
	   "EINTR");
}

/* Addresses the compiler cannot see through. */
static int *volatile unmapped = (int *)0x1000;
static int *volatile null_page = (int *)0x10;

static void exceptions(void)
{
	set_info(SIGSEGV, on_fault, 0);
	if (!sigsetjmp(jump, 1))
		*unmapped = 1;
	ok(last_sig == SIGSEGV && last_code == SEGV_MAPERR &&
	       last_addr == (void *)0x1000,
	   "a write to an unmapped page: SIGSEGV, SEGV_MAPERR, si_addr 0x1000");
	char *ro =
	    mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	last_sig = 0;
	if (!sigsetjmp(jump, 1))
		*(volatile char *)(ro + 8) = 1;
	ok(last_sig == SIGSEGV && last_code == SEGV_ACCERR &&
	       last_addr == ro + 8,
	   "a write to a read-only page: SEGV_ACCERR at its address");
	set_info(SIGFPE, on_fault, 0);
	last_sig = 0;
	if (!sigsetjmp(jump, 1))
		__asm__ volatile(
		    "xor %%ecx, %%ecx; mov $1, %%eax; cltd; idiv %%ecx" ::
			: "eax", "ecx", "edx");
	ok(last_sig == SIGFPE && last_code == FPE_INTDIV,
	   "divide by zero: SIGFPE, FPE_INTDIV");
	set_info(SIGILL, on_fault, 0);
	last_sig = 0;
	if (!sigsetjmp(jump, 1))
		__asm__ volatile("ud2");
	ok(last_sig == SIGILL && last_code == ILL_ILLOPN,
	   "ud2: SIGILL, ILL_ILLOPN");
	set_info(SIGTRAP, on_fault, 0);
	last_sig = 0;
	if (!sigsetjmp(jump, 1))
		__asm__ volatile("int3");
	ok(last_sig == SIGTRAP, "int3: SIGTRAP");
	signal(SIGSEGV, SIG_DFL);

	int st;
	pid_t pid = fork();
	if (pid == 0)
		*null_page = 0;
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	   "without a handler SIGSEGV ends it");
	pid = fork();
	if (pid == 0) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGSEGV);
		set_info(SIGSEGV, on_fault, 0);
		sigprocmask(SIG_BLOCK, &s, NULL);
		*null_page = 0;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	   "a blocked SIGSEGV from a fault still ends it");
}

/* Registers survive a handler that clobbers them: the frame keeps them. */
static void on_clobber(int sig)
{
	__asm__ volatile("xor %%rbx, %%rbx; xor %%r12, %%r12; xor %%r13, %%r13;"
			 "xor %%r14, %%r14; xor %%r15, %%r15" ::
			     : "rbx", "r12", "r13", "r14", "r15");
	hits++;
}

static void registers(void)
{
	set(SIGUSR1, on_clobber, 0);
	hits = 0;
	uint64_t out[5];
	long nr = SYS_kill, pid = getpid(), sig = SIGUSR1;
	__asm__ volatile(
	    "mov $0x1111, %%rbx; mov $0x1212, %%r12; mov $0x1313, %%r13;"
	    "mov $0x1414, %%r14; mov $0x1515, %%r15;"
	    "mov %[nr], %%rax; mov %[pid], %%rdi; mov %[sig], %%rsi; syscall;"
	    "mov %%rbx, 0(%[out]); mov %%r12, 8(%[out]); mov %%r13, 16(%[out]);"
	    "mov %%r14, 24(%[out]); mov %%r15, 32(%[out])"
	    :
	    : [nr] "r"(nr), [pid] "r"(pid), [sig] "r"(sig), [out] "r"(out)
	    : "rax", "rdi", "rsi", "rcx", "r11", "rbx", "r12", "r13", "r14",
	      "r15", "memory");
	ok(hits == 1 && out[0] == 0x1111 && out[1] == 0x1212 &&
	       out[2] == 0x1313 && out[3] == 0x1414 && out[4] == 0x1515,
	   "callee-saved registers come back after a handler clobbered them");
}

/* A handler that changes the SSE registers of the code it interrupted:
 * they come back, because the frame keeps the FPU/SSE state. */
static volatile int fpu_flag;
static void on_fpu(int sig)
{
	__asm__ volatile("pxor %%xmm0, %%xmm0" ::: "xmm0");
	fpu_flag = 1;
}

static void fpu_state(void)
{
	int p[2], st;
	char c;
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t got;
		set(SIGUSR1, on_fpu, 0);
		close(p[0]);
		write(p[1], "r", 1);
		__asm__ volatile(
		    "movq %[k], %%xmm0\n"
		    "1: cmpl $0, %[flag]\n"
		    "je 1b\n"
		    "movq %%xmm0, %[got]\n"
		    : [got] "=r"(got)
		    : [k] "r"(0x1122334455667788ull), [flag] "m"(fpu_flag)
		    : "xmm0", "cc");
		_exit(got == 0x1122334455667788ull ? 0 : 1);
	}
	close(p[1]);
	read(p[0], &c, 1);
	close(p[0]);
	kill(pid, SIGUSR1);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "xmm0 of interrupted code survives a handler that clears it (status "
	   "0x%x)",
	   st);
}

/* Who may signal whom (mm0's rule, docs/posix.md): a process in a
 * session of its own may not signal its parent or a group of its
 * parent's session (EPERM; Linux lets root), kill(-1) skips what it may
 * not signal (0, as Linux), and the parent may still signal it, its
 * descendant. */
static void permissions(void)
{
	int p[2], st;
	pid_t group = fork(); /* a group of its own, in this session */
	if (group == 0) {
		setpgid(0, 0);
		pause();
		_exit(1);
	}
	setpgid(group, group);
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		setsid();
		char c = 'y';
		if (on_tessera())
			c = kill(getppid(), 0) == -1 && errno == EPERM &&
				    kill(getppid(), SIGUSR1) == -1 &&
				    errno == EPERM && kill(-group, 0) == -1 &&
				    errno == EPERM && kill(-1, 0) == 0
				? 'y'
				: 'n';
		write(p[1], &c, 1);
		pause();
		_exit(1);
	}
	close(p[1]);
	char c = 0;
	read(p[0], &c, 1);
	close(p[0]);
	ok(c == 'y', "a process in a session of its own may not signal its "
		     "parent or a group of its session (EPERM); kill(-1) "
		     "skips them (0)");
	ok(kill(pid, SIGTERM) == 0,
	   "the parent may signal its child in another session");
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	   "and the child ends by it (0x%x)", st);
	kill(group, SIGKILL);
	waitpid(group, &st, 0);
}

int main(void)
{
	handlers();
	fpu_state();
	children();
	interrupted();
	exceptions();
	registers();
	permissions();
	return done();
}
