/*
 * Signals: handlers with siginfo, masks and pending signals, sa_mask,
 * SA_NODEFER, SA_RESETHAND, sigsuspend, SIGCHLD, SIGPIPE, default actions,
 * kill's errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static volatile int hits[65], depth, max_depth, last_code, last_status;
static volatile int from_self;
static char order[64];
static volatile int order_len;

static void note(const char *s)
{
	while (*s && order_len < (int)sizeof(order) - 1)
		order[order_len++] = *s++;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits[sig]++;
	last_code = si->si_code;
	from_self = si->si_pid == getpid();
	if (sig == SIGCHLD)
		last_status = si->si_status;
}

static void on_usr1_masked(int sig)
{
	(void)sig;
	note("[usr1 ");
	raise(SIGUSR2); /* blocked by sa_mask: runs after we return */
	note("usr1] ");
}

static void on_usr2(int sig)
{
	(void)sig;
	note("usr2 ");
}

/* Raises its own signal once: with SA_NODEFER the second run nests in
 * the first, without it the second waits until the first returns. */
static volatile int raised;
static void on_nested(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (!raised) {
		raised = 1;
		raise(sig);
	}
	depth--;
	hits[sig]++;
}

static void handle(int sig, void (*h)(int), int flags, int masked)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	if (sigaction(sig, &sa, NULL))
		printf("sigaction %d: %s\n", sig, strerror(errno));
}

static void handle_info(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void block(int sig, int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

static int is_pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig);
}

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

int main(void)
{
	struct sigaction old;
	int p[2], st;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);

	/* siginfo: raise() is tgkill (SI_TKILL), kill() is SI_USER. */
	handle_info(SIGUSR1);
	raise(SIGUSR1);
	printf("raise: handler ran %d, si_code %d, si_pid is ours %d\n",
	       hits[SIGUSR1], last_code, from_self);
	kill(getpid(), SIGUSR1);
	printf("kill: handler ran %d, si_code %d, si_pid is ours %d\n",
	       hits[SIGUSR1], last_code, from_self);

	/* Blocked: pending, not run; standard signals do not queue. */
	block(SIGUSR1, SIG_BLOCK);
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("blocked: handler ran %d, pending %d\n", hits[SIGUSR1],
	       is_pending(SIGUSR1));
	block(SIGUSR1, SIG_UNBLOCK);
	printf("unblocked: handler ran %d, pending %d\n", hits[SIGUSR1],
	       is_pending(SIGUSR1));

	/* sa_mask: USR2 raised inside the USR1 handler waits for it. */
	handle(SIGUSR1, on_usr1_masked, 0, SIGUSR2);
	handle(SIGUSR2, on_usr2, 0, 0);
	raise(SIGUSR1);
	order[order_len] = '\0';
	printf("sa_mask order: %s\n", order);

	/* SA_NODEFER lets the handler be interrupted by its own signal. */
	handle(SIGHUP, on_nested, SA_NODEFER, 0);
	raise(SIGHUP);
	printf("SA_NODEFER: depth %d, ran %d\n", max_depth, hits[SIGHUP]);
	max_depth = 0;
	hits[SIGHUP] = 0;
	raised = 0;
	handle(SIGHUP, on_nested, 0, 0);
	raise(SIGHUP);
	printf("without it: depth %d, ran %d\n", max_depth, hits[SIGHUP]);

	/* SA_RESETHAND: one delivery, then the default action again. */
	handle(SIGWINCH, on_usr2, SA_RESETHAND, 0);
	order_len = 0;
	raise(SIGWINCH);
	sigaction(SIGWINCH, NULL, &old);
	printf("SA_RESETHAND: now %s\n",
	       old.sa_handler == SIG_DFL ? "default" : "still caught");

	/* sigsuspend: the child's USR1 ends it with EINTR; the mask is
	 * restored after. */
	handle_info(SIGUSR1);
	hits[SIGUSR1] = 0;
	block(SIGUSR1, SIG_BLOCK);
	pid = fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigset_t none;
	sigemptyset(&none);
	int r = sigsuspend(&none);
	printf("sigsuspend: %d %s, handler ran %d, still blocked %d\n", r,
	       errno == EINTR ? "EINTR" : strerror(errno), hits[SIGUSR1], ({
		       sigset_t m;
		       sigprocmask(SIG_BLOCK, NULL, &m);
		       sigismember(&m, SIGUSR1);
	       }));
	waitpid(pid, NULL, 0);
	block(SIGUSR1, SIG_UNBLOCK);

	/* SIGCHLD: blocked while three children exit and are reaped, then
	 * delivered once. */
	handle_info(SIGCHLD);
	block(SIGCHLD, SIG_BLOCK);
	for (int i = 0; i < 3; i++) {
		pid = fork();
		if (pid == 0)
			_exit(5 + i);
		waitpid(pid, &st, 0);
	}
	printf("SIGCHLD pending after 3 exits: %d\n", is_pending(SIGCHLD));
	block(SIGCHLD, SIG_UNBLOCK);
	printf("SIGCHLD delivered %d time(s), si_code %d (CLD_EXITED %d), "
	       "si_status %d\n",
	       hits[SIGCHLD], last_code, CLD_EXITED, last_status);

	/* SIGPIPE: default kills the writer; ignored, write fails EPIPE. */
	if (pipe(p))
		return 1;
	close(p[0]);
	pid = fork();
	if (pid == 0) {
		if (write(p[1], "x", 1) < 0)
			_exit(1);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	status("writer to a closed pipe", st);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	r = (int)write(p[1], "x", 1);
	printf("ignored SIGPIPE: write %d %s\n", r, strerror(errno));
	handle_info(SIGPIPE);
	r = (int)write(p[1], "x", 1);
	printf("caught SIGPIPE: write %d %s, handler ran %d\n", r,
	       strerror(errno), hits[SIGPIPE]);
	close(p[1]);

	/* Default actions seen by the parent. */
	int sigs[] = {SIGTERM, SIGUSR2, SIGINT, SIGKILL};
	for (int i = 0; i < 4; i++) {
		pid = fork();
		if (pid == 0) {
			signal(SIGUSR2, SIG_DFL);
			raise(sigs[i]);
			_exit(99);
		}
		waitpid(pid, &st, 0);
		char what[32];
		snprintf(what, sizeof(what), "child raising %d", sigs[i]);
		status(what, st);
	}
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_IGN);
		raise(SIGTERM);
		raise(SIGCHLD);
		raise(SIGWINCH);
		_exit(3);
	}
	waitpid(pid, &st, 0);
	status("child ignoring TERM, default CHLD and WINCH", st);

	/* Errors. */
	r = kill(getpid(), 999);
	printf("kill signal 999: %d %s\n", r, strerror(errno));
	r = kill(pid, SIGTERM);
	printf("kill reaped pid: %d %s\n", r, strerror(errno));
	printf("kill signal 0 to self: %d\n", kill(getpid(), 0));
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	r = sigaction(SIGKILL, &sa, NULL);
	printf("catch SIGKILL: %d %s\n", r, strerror(errno));
	r = sigaction(SIGSTOP, &sa, NULL);
	printf("catch SIGSTOP: %d %s\n", r, strerror(errno));
	return 0;
}
