/*
 * execve: Codezero's exectest.  A forked child runs /bin/test_exec with
 * argv "FIRST ARG".."FOURTH ARG" and an environment with
 * "parent_of_all=yes" and "pagerid=<mm0's tid>"; test_exec checks them,
 * prints "EXECVE TEST -- PASSED --" and exits 0, which the parent's wait
 * sees.  Also what a failed execve must leave (the caller, unchanged),
 * and an exec from a process with two threads, one of them perhaps
 * blocked in wait.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "test0.h"

#define TEST_EXEC "/bin/test_exec"

static void exec_test_exec(void)
{
	char pager_env[32];
	char *const argv[] = {TEST_EXEC,   "FIRST ARG",	 "SECOND ARG",
			      "THIRD ARG", "FOURTH ARG", NULL};
	char *const envp[] = {"parent_of_all=yes", pager_env, NULL};

	snprintf(pager_env, sizeof(pager_env), "pagerid=%u", posix_pager());
	pid_t pid = fork();
	if (pid == 0) {
		execve(TEST_EXEC, argv, envp);
		_exit(100 + errno); /* execve came back: it failed */
	}
	expect_eq(wait_exit_status(pid), 0,
		  "exec: a child execs %s with 4 arguments and 2 variables; it "
		  "exits 0",
		  TEST_EXEC);
}

static void exec_failures(void)
{
	char *const argv[] = {"nothing", NULL};

	expect_err(execve("/bin/no_such_program", argv, NULL), ENOENT,
		   "exec: execve of a missing file is ENOENT");
	expect_err(execve("/bin", argv, NULL), EACCES,
		   "exec: execve of a directory is EACCES");
	int fd = open("/tmp/not_elf", O_CREAT | O_RDWR | O_TRUNC, 0755);
	write(fd, "#!/bin/sh\necho not an ELF file\n", 31);
	close(fd);
	expect_err(execve("/tmp/not_elf", argv, NULL), ENOEXEC,
		   "exec: execve of a file that is not ELF is ENOEXEC");
	unlink("/tmp/not_elf");
	/* In a child: if mm0 took the bad pointer, the child runs test_exec
	 * (which exits 1 on its empty argv), not test0. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(px_raw(PX_EXECVE, (long)TEST_EXEC, 8, 0, 0, 0) == -EFAULT
			  ? 0
			  : 2);
	expect_eq(
	    wait_exit_status(pid), 0,
	    "exec: execve with an argv pointer into the NULL page is EFAULT");
	pid = fork();
	if (pid == 0)
		_exit(px_raw(PX_EXECVE, (long)TEST_EXEC, (long)argv,
			     0xffff800000000000l, 0, 0) == -EFAULT
			  ? 0
			  : 2);
	expect_eq(wait_exit_status(pid), 0,
		  "exec: execve with an envp in the kernel half is EFAULT");
}

/* Arguments beyond PX_ARG_MAX bytes: E2BIG, and the caller lives on. */
static void exec_too_big(void)
{
	static char big[3][4000];
	char *argv[] = {big[0], big[1], big[2], NULL};
	for (int i = 0; i < 3; i++) {
		memset(big[i], 'a' + i, sizeof(big[i]) - 1);
		big[i][sizeof(big[i]) - 1] = 0;
	}
	expect_err(
	    execve(TEST_EXEC, argv, NULL), E2BIG,
	    "exec: 12,000 bytes of arguments (more than PX_ARG_MAX) is E2BIG");
}

/* execve from a process with a second thread: the thread goes, the
 * program runs, nothing is left behind. */
static void exec_from_threads(void)
{
	struct px_stats before, now;
	char *const argv[] = {TEST_EXEC,   "FIRST ARG",	 "SECOND ARG",
			      "THIRD ARG", "FOURTH ARG", NULL};
	char pager_env[32];
	char *const envp[] = {"parent_of_all=yes", pager_env, NULL};

	snprintf(pager_env, sizeof(pager_env), "pagerid=%u", posix_pager());
	posix_stats(&before);
	pid_t pid = fork();
	if (pid == 0) {
		void *stack = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (stack == MAP_FAILED ||
		    clone(spin_forever, (char *)stack + 4 * PAGE_SIZE,
			  CLONE_VM | CLONE_THREAD, NULL) <= 0)
			_exit(120);
		tess_thread_switch(TID_NIL);
		execve(TEST_EXEC, argv, envp);
		_exit(121);
	}
	expect_eq(wait_exit_status(pid), 0,
		  "exec: a process with a second thread execs test_exec, which "
		  "exits 0");
	posix_stats(&now);
	expect_eq(now.tasks, before.tasks,
		  "exec: the second thread ended with the old program");
}

static pid_t wait_target;
static volatile int waiting;

static int waiter(void *arg)
{
	(void)arg;
	waiting = 1;
	waitpid(wait_target, NULL, 0);
	return 0;
}

/* execve while another thread is blocked in wait: that wait goes with the
 * old program, and the new one (test_exec "wait") can wait for the child
 * itself instead of being told another thread waits already. */
static void exec_while_waiting(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *const argv[] = {TEST_EXEC, "wait", NULL};
		wait_target = fork();
		if (wait_target == 0) {
			for (int i = 0; i < 2000; i++)
				tess_thread_switch(TID_NIL);
			_exit(5);
		}
		void *stack = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (wait_target < 0 || stack == MAP_FAILED ||
		    clone(waiter, (char *)stack + 4 * PAGE_SIZE,
			  CLONE_VM | CLONE_THREAD, NULL) <= 0)
			_exit(120);
		while (!waiting)
			tess_thread_switch(TID_NIL);
		tess_thread_switch(TID_NIL); /* into its wait */
		execve(TEST_EXEC, argv, NULL);
		_exit(121);
	}
	expect_eq(wait_exit_status(pid), 0,
		  "exec: a thread blocked in wait goes with the old program; "
		  "the new one waits for the child");
}

void test_exec(void)
{
	exec_failures();
	exec_too_big();
	exec_test_exec();
	exec_from_threads();
	exec_while_waiting();
}
