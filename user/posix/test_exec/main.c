/*
 * The program test0's exec test runs: it checks that execve passed it
 * the arguments and environment test0 gave, prints the verdict, and exits
 * 0 if they are right, 1 if not.  With the one argument "wait" it waits
 * for a child instead (see wait_for_child); with "children PID CHILD
 * FILE" it checks what an exec by a process with a live child keeps (see
 * kept_children).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const want_argv[] = {
    "/bin/test_exec", "FIRST ARG", "SECOND ARG", "THIRD ARG", "FOURTH ARG",
};
#define WANT_ARGC (int)(sizeof(want_argv) / sizeof(want_argv[0]))

static int check_args(int argc, char **argv)
{
	int ok = 1;
	if (argc != WANT_ARGC) {
		printf("test_exec: argc is %d, want %d\n", argc, WANT_ARGC);
		ok = 0;
	}
	for (int i = 0; i < argc && i < WANT_ARGC; i++) {
		if (!argv[i] || strcmp(argv[i], want_argv[i])) {
			printf("test_exec: argv[%d] is \"%s\", want \"%s\"\n",
			       i, argv[i] ? argv[i] : "(null)", want_argv[i]);
			ok = 0;
		}
	}
	if (argc >= 0 && argv[argc]) {
		printf("test_exec: argv[%d] is not NULL\n", argc);
		ok = 0;
	}
	return ok;
}

static int check_env(char **envp)
{
	int parent = 0, pager = 0;
	for (char **e = envp; e && *e; e++) {
		if (!strcmp(*e, "parent_of_all=yes"))
			parent = 1;
		else if (!strncmp(*e, "pagerid=", 8))
			pager = 1;
	}
	if (!parent)
		printf(
		    "test_exec: no \"parent_of_all=yes\" in the environment\n");
	if (!pager)
		printf("test_exec: no \"pagerid=...\" in the environment\n");
	if (envp != environ) {
		printf("test_exec: environ is not main's envp\n");
		return 0;
	}
	return parent && pager;
}

/* "test_exec wait": exec'd while another thread of the old program was
 * blocked in wait; the child the old program made exits 5. */
static int wait_for_child(void)
{
	int st = 0;
	pid_t pid = wait(&st);
	if (pid <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 5) {
		printf("test_exec: wait gave %d (status %x)\n", pid, st);
		return 1;
	}
	return 0;
}

/*
 * "test_exec children PID CHILD FILE": exec'd by process PID, which had
 * forked CHILD before and left it running.  The process keeps its pid and
 * its child: CHILD waits until FILE exists (so it is alive across the
 * exec), then exits 7, and this program reaps it.  The exit status says
 * what was wrong: 1 the pid changed, 2 FILE could not be made, 4 CHILD
 * was not a child any more, 8 its status was not 7.
 */
static int kept_children(char **argv)
{
	int st = 0, bad = 0;
	pid_t child = (pid_t)atoi(argv[3]);
	if (getpid() != (pid_t)atoi(argv[2]))
		bad |= 1;
	int fd = open(argv[4], O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		bad |= 2;
	close(fd);
	if (waitpid(child, &st, 0) != child)
		bad |= 4;
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 7)
		bad |= 8;
	return bad;
}

int main(int argc, char **argv, char **envp)
{
	if (argc == 2 && !strcmp(argv[1], "wait"))
		return wait_for_child();
	if (argc == 5 && !strcmp(argv[1], "children"))
		return kept_children(argv);
	int ok = check_args(argc, argv);
	ok &= check_env(envp);
	printf("EXECVE TEST -- %s --\n", ok ? "PASSED" : "FAILED");
	return ok ? 0 : 1;
}
