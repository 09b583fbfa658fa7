/*
 * Linux processes: fork, vfork (shared memory until exec or exit),
 * clone(CLONE_VM | CLONE_VFORK) on its own stack (posix_spawn's way),
 * clone as glibc's fork (CHILD_SETTID | CHILD_CLEARTID), execve (argv,
 * envp, "#!" scripts, /proc/self/exe, failures), wait4 (status words,
 * WNOHANG, a pid, a process group, ECHILD), orphans adopted by init,
 * getpid/getppid/gettid, setpgid/getpgid/setsid/getsid.
 */
#include "lxt.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

static int wait_status(pid_t pid)
{
	int st = -1;
	return waitpid(pid, &st, 0) == pid ? st : -1;
}

static void fork_wait(void)
{
	pid_t me = getpid();
	ok(me > 0 && gettid() == me,
	   "getpid == gettid in a one-thread process (%d)", me);
	pid_t pid = fork();
	if (pid == 0)
		_exit(getppid() == me && getpid() != me && gettid() == getpid()
			  ? 7
			  : 1);
	int st = wait_status(pid);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 7,
	   "fork: the child sees its parent; exit 7 -> 0x%x", st);
	ok(st == 7 << 8, "the wait status word is exit << 8");
	pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGKILL);
		_exit(0);
	}
	st = wait_status(pid);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && st == SIGKILL,
	   "killed by SIGKILL: the status is the signal number (0x%x)", st);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 50; i++)
			sched_yield();
		_exit(3);
	}
	ok(waitpid(pid, &st, WNOHANG) == 0 || WEXITSTATUS(st) == 3,
	   "WNOHANG while it runs: 0");
	ok(waitpid(-1, &st, 0) == pid && WEXITSTATUS(st) == 3,
	   "wait4(-1) reaps it");
	ERR(waitpid(-1, &st, 0), ECHILD, "no children: ECHILD");
	ERR(waitpid(-1, &st, 0x4000000), EINVAL, "bad options: EINVAL");
	ok(RAW(SYS_wait4, -1, (long)KADDR, 0, 0, 0, 0) == -ECHILD,
	   "no children beats a bad pointer");
	pid = fork();
	if (pid == 0)
		_exit(4);
	ok(RAW(SYS_wait4, pid, (long)KADDR, 0, 0, 0, 0) == -EFAULT,
	   "a status pointer into the kernel half: EFAULT");
	ERR(waitpid(pid, &st, 0), ECHILD,
	    "the child was reaped all the same (as Linux does)");

	/* Several children: each reaped once, by pid. */
	pid_t kids[5];
	for (int i = 0; i < 5; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(10 + i);
	}
	int good = 1;
	for (int i = 4; i >= 0; i--)
		good &= WEXITSTATUS(wait_status(kids[i])) == 10 + i;
	ok(good, "five children reaped by pid in reverse order");
}

static void vfork_clone(void)
{
	volatile int shared = 0;
	pid_t pid = vfork();
	if (pid == 0) {
		shared = 42; /* the parent's memory: it waits meanwhile */
		_exit(5);
	}
	ok(shared == 42, "vfork: the child ran first in the parent's memory");
	int st = wait_status(pid);
	ok(WEXITSTATUS(st) == 5, "vfork child exit status");

	pid = vfork();
	if (pid == 0) {
		execl("/proc/self/exe", "lxt-proc", "exit", "9", NULL);
		_exit(1);
	}
	ok(WEXITSTATUS(wait_status(pid)) == 9, "vfork then execve");

	/* posix_spawn: clone(CLONE_VM | CLONE_VFORK) on a stack of its own. */
	char *args[] = {"lxt-proc", "exit", "11", NULL};
	ok(posix_spawn(&pid, "/bin/lxt-proc", NULL, NULL, args, environ) == 0 &&
	       WEXITSTATUS(wait_status(pid)) == 11,
	   "posix_spawn runs the program");
	ok(posix_spawn(&pid, "/bin/no-such", NULL, NULL, args, environ) ==
	       ENOENT,
	   "posix_spawn of a missing program reports ENOENT");
	if (pid > 0)
		wait_status(pid);

	/* glibc's fork: clone(CHILD_SETTID | CHILD_CLEARTID | SIGCHLD). */
	static volatile int ctid = -1;
	long r =
	    RAW(SYS_clone, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
		0, 0, (long)&ctid, 0, 0);
	if (r == 0)
		_exit(ctid == syscall(SYS_gettid) ? 0 : 1);
	ok(r > 0 && ctid == -1,
	   "clone as fork: the parent's word is untouched");
	ok(WEXITSTATUS(wait_status(r)) == 0,
	   "CLONE_CHILD_SETTID wrote the child's tid in its copy");
	ok(RAW(SYS_clone, CLONE_THREAD, 0, 0, 0, 0, 0) == -EINVAL,
	   "CLONE_THREAD without CLONE_SIGHAND: EINVAL");
	ok(RAW(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0, 0) == -EINVAL,
	   "CLONE_SIGHAND without CLONE_VM: EINVAL");
}

static void exec(void)
{
	int p[2];
	char out[256];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		char *argv[] = {"name0", "echo", "a b", "", "c", NULL};
		char *envp[] = {"ONE=1", "TWO=2", NULL};
		execve("/bin/lxt-proc", argv, envp);
		_exit(1);
	}
	close(p[1]);
	ssize_t n = read(p[0], out, sizeof(out) - 1);
	out[n > 0 ? n - 1 : 0] = 0;
	close(p[0]);
	wait_status(pid);
	ok(!strcmp(out, "argc=5 [name0] [echo] [a b] [] [c] | ONE=1 TWO=2"),
	   "execve passes argv and envp exactly: %s", out);

	int fd = open("/tmp/script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	const char *text = "#!/bin/lxt-proc  echo  \nexit 1\n";
	write(fd, text, strlen(text));
	close(fd);
	pipe(p);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		char *argv[] = {"scriptname", "x", NULL};
		char *envp[] = {NULL};
		execve("/tmp/script", argv, envp);
		_exit(1);
	}
	close(p[1]);
	n = read(p[0], out, sizeof(out) - 1);
	out[n > 0 ? n - 1 : 0] = 0;
	close(p[0]);
	wait_status(pid);
	ok(!strcmp(out, "argc=4 [/bin/lxt-proc] [echo] [/tmp/script] [x] |"),
	   "#! script: interpreter, its argument, the script, the rest: %s",
	   out);

	fd = open("/tmp/noexec", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "#!/bin/lxt-proc\n", 16);
	close(fd);
	char *argv[] = {"x", NULL};
	ERR(execve("/tmp/noexec", argv, environ), EACCES,
	    "execve of a file without x bits: EACCES");
	ERR(execve("/tmp", argv, environ), EACCES,
	    "execve of a directory: EACCES");
	ERR(execve("/tmp/nothing", argv, environ), ENOENT,
	    "execve of nothing: ENOENT");
	fd = open("/tmp/badinterp", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	write(fd, "#!/no/such\n", 11);
	close(fd);
	ERR(execve("/tmp/badinterp", argv, environ), ENOENT,
	    "#! with a missing interpreter: ENOENT");
	char self[256];
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	ok(!strcmp(self, "/bin/lxt-proc"), "readlink /proc/self/exe: %s", self);
	symlink("/bin/lxt-proc", "/tmp/via-link");
	pipe(p);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl("/tmp/via-link", "l", "self", NULL);
		_exit(1);
	}
	close(p[1]);
	n = read(p[0], out, sizeof(out) - 1);
	out[n > 0 ? n - 1 : 0] = 0;
	close(p[0]);
	wait_status(pid);
	ok(!strcmp(out, "/bin/lxt-proc"),
	   "/proc/self/exe of a program run through a link: %s", out);
}

static void groups(void)
{
	pid_t me = getpid();
	ok(getpgid(0) == getpgrp(), "getpgid(0) == getpgrp()");
	ok(getsid(0) == getsid(me) && getsid(99999) == -1 && errno == ESRCH,
	   "getsid");
	int p[2];
	pipe(p);
	pid_t a = fork();
	if (a == 0) {
		char c;
		read(p[0], &c, 1);
		_exit(0);
	}
	ok(setpgid(a, a) == 0 && getpgid(a) == a,
	   "setpgid: the child leads a new group");
	pid_t b = fork();
	if (b == 0) {
		char c;
		read(p[0], &c, 1);
		_exit(0);
	}
	ok(setpgid(b, a) == 0 && getpgid(b) == a,
	   "a second child joins that group");
	ERR(setpgid(b, 99999), EPERM, "a group that does not exist: EPERM");
	ERR(setpgid(99999, 0), ESRCH, "not a child: ESRCH");
	int st;
	ERR(waitpid(-me, &st, WNOHANG), ECHILD,
	    "wait for our own group: none there");
	write(p[1], "xx", 2);
	ok(waitpid(-a, &st, 0) > 0 && waitpid(-a, &st, 0) > 0,
	   "wait4(-pgid) reaps both");
	close(p[0]);
	close(p[1]);
	pid_t c = fork();
	if (c == 0) {
		pid_t s = setsid();
		_exit(s == getpid() && getsid(0) == s && getpgrp() == s ? 0
									: 1);
	}
	ok(WEXITSTATUS(wait_status(c)) == 0,
	   "setsid in a child: a new session and group");
	ok(setpgid(0, 0) == 0 && getpgrp() == me,
	   "setpgid(0, 0): lead a group of our own");
	ERR(setsid(), EPERM, "setsid by a group leader: EPERM");
}

/* An orphan is adopted by init (the runner, pid 1), which reaps it. */
static void orphans(void)
{
	int p[2], q[2];
	char c = '?';
	pipe(p);
	pipe(q);
	pid_t mid = fork();
	if (mid == 0) {
		if (fork() == 0) {
			close(p[1]);
			close(q[0]);
			read(p[0], &c,
			     1); /* end of file: the middle one is gone */
			c = getppid() == 1 ? 'y' : 'n';
			write(q[1], &c, 1);
			_exit(0);
		}
		_exit(0);
	}
	close(p[0]);
	close(q[1]);
	wait_status(mid);
	close(p[1]);
	read(q[0], &c, 1);
	close(q[0]);
	ok(c == 'y', "an orphan's parent is init, pid 1 (%c)", c);
	/* Init takes only the signals it handles: the runner is init. */
	ok(kill(1, SIGUSR2) == 0 && kill(1, SIGKILL) == 0 &&
	       kill(1, SIGSTOP) == 0,
	   "SIGUSR2, SIGKILL and SIGSTOP to init are accepted...");
	ok(kill(1, 0) == 0, "...and change nothing: init lives on, running");
}

int main(int argc, char **argv, char **envp)
{
	if (argc > 1 && !strcmp(argv[1], "exit"))
		return atoi(argv[2]);
	if (argc > 1 && !strcmp(argv[1], "self")) {
		char self[256];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = 0;
		printf("%s\n", self);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "echo")) {
		printf("argc=%d", argc);
		for (int i = 0; i < argc; i++)
			printf(" [%s]", argv[i]);
		printf(" |");
		for (char **e = envp; *e; e++)
			printf(" %s", *e);
		printf("\n");
		return 0;
	}
	mkdir("/tmp", 01777);
	fork_wait();
	vfork_clone();
	exec();
	groups();
	orphans();
	return done();
}
