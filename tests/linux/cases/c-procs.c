/*
 * Processes: fork, vfork, posix_spawn, execve (argv, envp, errors,
 * "#!" scripts, /proc/self/exe, close-on-exec, signal dispositions),
 * exit statuses, wait4/waitpid with pids, -1 and WNOHANG, orphans.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

/* fork, exec argv[0] from PATH in the child, wait: the status. */
static int spawn_wait(char *const argv[], char *const envp[])
{
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		if (envp)
			execvpe(argv[0], argv, envp);
		else
			execvp(argv[0], argv);
		printf("exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return st;
}

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	int st;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "again")) {
		printf("re-executed through /proc/self/exe with [%s]\n",
		       argc > 2 ? argv[2] : "");
		return 11;
	}
	setvbuf(stdout, NULL, _IONBF, 0);

	/* Exit statuses and the order of waits. */
	pid_t kids[4];
	for (int i = 0; i < 4; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(i * 60);
	}
	for (int i = 3; i >= 0; i--) {
		pid = waitpid(kids[i], &st, 0);
		printf("child %d: right pid %d, ", i, pid == kids[i]);
		status("status", st);
	}
	pid = fork();
	if (pid == 0)
		exit(256 + 3);
	wait(&st);
	status("exit(259)", st);
	long r = wait(&st);
	printf("wait with no children: %ld %s\n", r, err(r));
	r = waitpid(1, &st, 0);
	printf("waitpid of a stranger: %ld %s\n", r, err(r));

	/* WNOHANG while the child waits on a pipe. */
	int p[2];
	if (pipe(p))
		return 1;
	pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? c : 99);
	}
	close(p[0]);
	printf("WNOHANG on a running child: %d\n", waitpid(pid, &st, WNOHANG));
	if (write(p[1], "\x21", 1) != 1)
		return 1;
	close(p[1]);
	waitpid(pid, &st, 0);
	status("after the byte", st);

	/* Many children, reaped with wait(-1). */
	int sum = 0;
	for (int i = 1; i <= 10; i++)
		if (fork() == 0)
			_exit(i);
	for (int i = 0; i < 10; i++) {
		wait(&st);
		sum += WEXITSTATUS(st);
	}
	printf("ten children, statuses sum %d\n", sum);

	/* getppid in the child; an orphan is adopted by someone else.  The
	 * grandchild waits for its parent's exit (EOF on a pipe whose last
	 * writer is the parent), then for getppid() to change, and reports
	 * through a second pipe. */
	pid_t me = getpid();
	int res[2];
	if (pipe(p) || pipe(res))
		return 1;
	pid = fork();
	if (pid == 0) {
		int same = getppid() == me;
		pid_t mid = getpid();
		close(res[0]);
		if (fork() == 0) {
			char c = 0;
			close(p[1]);
			if (read(p[0], &c, 1) != 0)
				_exit(1);
			for (int i = 0; i < 100000 && getppid() == mid; i++)
				sched_yield();
			c = getppid() != mid ? 'y' : 'n';
			if (write(res[1], &c, 1) != 1)
				_exit(1);
			_exit(0);
		}
		_exit(same ? 0 : 1); /* closes p[1], the last writer */
	}
	close(p[0]);
	close(p[1]);
	close(res[1]);
	waitpid(pid, &st, 0);
	status("child saw getppid() == parent", st);
	char adopted = '?';
	if (read(res[0], &adopted, 1) != 1)
		adopted = '?';
	close(res[0]);
	printf("orphan: adopted by another process: %c\n", adopted);

	/* execve: argv and envp as given. */
	char *args[] = {"lxhelp", "args", "one", "two words", "", "last", NULL};
	char *env[] = {"FOO=bar", "EMPTY=", "PATH=/nonexistent", NULL};
	char *path_env = getenv("PATH");
	char lxhelp[512];
	snprintf(lxhelp, sizeof(lxhelp), "%s/lxhelp", path_env);
	pid = fork();
	if (pid == 0) {
		execve(lxhelp, args, env);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	char *envq[] = {"lxhelp", "env", "FOO", "EMPTY", "HOME", NULL};
	pid = fork();
	if (pid == 0) {
		execve(lxhelp, envq, env);
		_exit(127);
	}
	waitpid(pid, &st, 0);

	/* execve errors. */
	r = execve("no-such-program", args, env);
	printf("execve of a missing file: %ld %s\n", r, strerror(errno));
	int fd = open("plain", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (write(fd, "not a program\n", 14) != 14)
		return 1;
	close(fd);
	r = execve("./plain", args, env);
	printf("execve of a file without x: %ld %s\n", r, strerror(errno));
	chmod("plain", 0755);
	r = execve("./plain", args, env);
	printf("execve of text with x: %ld %s\n", r, strerror(errno));
	r = execve(".", args, env);
	printf("execve of a directory: %ld %s\n", r, strerror(errno));

	/* A "#!" script: the interpreter gets the script's path. */
	fd = open("script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	dprintf(fd, "#!%s/sh\necho \"script got $# args: $*\"\nexit 6\n",
		path_env);
	close(fd);
	char *sargs[] = {"script", "a", "b", NULL};
	pid = fork();
	if (pid == 0) {
		execve("./script", sargs, environ);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	status("#! script", st);

	/* /proc/self/exe is this program. */
	pid = fork();
	if (pid == 0) {
		char *again[] = {"c-procs", "again", "arg", NULL};
		execve("/proc/self/exe", again, environ);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	status("/proc/self/exe", st);

	/* Close-on-exec, and what execve does to signal dispositions. */
	int keep = open("plain", O_RDONLY);
	int drop = open("plain", O_RDONLY | O_CLOEXEC);
	int duped = fcntl(keep, F_DUPFD_CLOEXEC, 20);
	printf("fds: keep %d drop %d dup %d\n", keep, drop, duped);
	char *fds[] = {"lxhelp", "fds", NULL};
	status("lxhelp fds", spawn_wait(fds, NULL));
	close(keep);
	close(drop);
	close(duped);
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, SIG_IGN);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGTERM);
	sigprocmask(SIG_BLOCK, &m, NULL);
	raise(SIGTERM);
	char *sigs[] = {"lxhelp", "sigs", NULL};
	status("lxhelp sigs", spawn_wait(sigs, NULL));
	signal(SIGTERM, SIG_IGN); /* discards the pending TERM */
	sigprocmask(SIG_UNBLOCK, &m, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGTERM, SIG_DFL);

	/* vfork: the parent waits until the child execs. */
	volatile int shared = 0;
	pid = vfork();
	if (pid == 0) {
		shared = 1;
		char *ex[] = {"lxhelp", "exit", "21", NULL};
		execvp(ex[0], ex);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	printf("vfork: child wrote our memory %d, ", shared);
	status("status", st);

	/* posix_spawn (musl: clone(CLONE_VM | CLONE_VFORK)). */
	char *sp[] = {"lxhelp", "args", "spawned", NULL};
	if (posix_spawnp(&pid, "lxhelp", NULL, NULL, sp, environ))
		printf("posix_spawnp failed\n");
	waitpid(pid, &st, 0);
	status("posix_spawnp", st);
	int e = posix_spawnp(&pid, "no-such-program", NULL, NULL, sp, environ);
	printf("posix_spawnp of a missing program: %s\n", strerror(e));

	/* A shell pipeline run from C. */
	char *sh[] = {"sh", "-c",
		      "seq 1 10 | sort -rn | head -n 3 | tr '\\n' ' '; echo",
		      NULL};
	status("sh -c pipeline", spawn_wait(sh, NULL));
	return 0;
}
