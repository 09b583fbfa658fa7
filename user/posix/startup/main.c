/*
 * The POSIX container's init (the manifest's args line: /bin/startup;
 * /bin/init is busybox's).  It starts test0 in the background (a native
 * program, its output in the container's window; its pid is its thread's id,
 * which its IPC tests need) and the login shell, busybox's sh -l, on the
 * console: the terminal, whose session is init's (linux/tty.c).  When the shell
 * ends
 * (`exit`, or ctrl-D at the prompt) init ends test0 if it still runs,
 * and itself: mm0 exits and the machine powers off.  `/bin/startup --no-test0`
 * starts the shell alone.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *const env[] = {"HOME=/", "PATH=/bin", "TERM=vt100", NULL};

static pid_t start(char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, env);
		printf("startup: cannot run %s\n", argv[0]);
		_exit(127);
	}
	if (pid < 0)
		printf("startup: cannot fork for %s\n", argv[0]);
	return pid;
}

int main(int argc, char **argv)
{
	static char *const test0[] = {"/bin/test0", NULL};
	static char *const shell[] = {"/bin/sh", "-l", NULL};
	int status = 0;

	pid_t t0 = -1;
	if (!(argc > 1 && !strcmp(argv[1], "--no-test0")))
		t0 = start(test0);
	pid_t sh = start(shell);
	if (sh < 0)
		return 1;
	if (waitpid(sh, &status, 0) != sh)
		return 1;
	if (t0 > 0 && kill(t0, SIGKILL) == 0)
		waitpid(t0, &status, 0);
	return 0;
}
