/*
 * fork: Codezero's forktest.  Three nested forks make eight processes;
 * each writes its own value into a global and, after its children have
 * written theirs, still reads its own: every process has a private copy
 * (copy-on-write).  Each process exits with the number of processes in
 * its subtree whose check held, so the first one learns how many of the
 * eight were right.  Also getpid/getppid across fork, and wait's errors.
 */
#include <sys/wait.h>

#include "test0.h"

#define FORKS 3
#define MAGIC 0x5ee0000

static volatile int global_value = MAGIC;

/* Run in each of the eight processes; returns how many were right below
 * and including this one. */
static int fork_tree(int *is_child)
{
	pid_t kids[FORKS];
	int nkids = 0, mine = 0;

	*is_child = 0;
	for (int i = 0; i < FORKS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			mine |= 1 << i; /* which forks returned 0 here */
			nkids = 0;
			*is_child = 1;
		} else if (pid > 0) {
			kids[nkids++] = pid;
		}
	}
	int ok = global_value == MAGIC;
	global_value = MAGIC + mine;
	tess_thread_switch(TID_NIL); /* let the others write theirs */
	int right = 0;
	for (int i = 0; i < nkids; i++) {
		int st = wait_exit_status(kids[i]);
		right += st > 0 ? st : 0;
	}
	ok &= global_value == MAGIC + mine;
	return right + ok;
}

static void nested_forks(void)
{
	pid_t me = getpid();
	int is_child;
	int right = fork_tree(&is_child);
	if (is_child)
		_exit(right);
	expect_eq(getpid(), me, "fork: the first process is still itself after the forks");
	expect_eq(right, 1 << FORKS,
		  "fork: %d nested forks make %d processes, each with its own copy of a global",
		  FORKS, 1 << FORKS);
	expect_eq(global_value, MAGIC, "fork: the first process's global is unchanged");
}

static void ids_and_wait(void)
{
	pid_t me = getpid();
	int status;

	pid_t pid = fork();
	if (pid == 0) {
		/* Exit status: 0 if the child sees itself and its parent. */
		_exit(getppid() == me && getpid() != me ? 0 : 1);
	}
	tap_ok(pid > 0 && pid != me, "fork: the parent gets the child's pid");
	expect_eq(wait_exit_status(pid), 0, "fork: the child's getppid is the parent, its getpid its own");
	expect_err(waitpid(pid, &status, 0), ECHILD, "fork: waiting again for a reaped child is ECHILD");
	expect_err(wait(&status), ECHILD, "fork: wait with no children is ECHILD");

	pid = fork();
	if (pid == 0)
		_exit(42);
	pid_t got = wait(&status);
	expect_eq(got, pid, "fork: wait(-1) returns the child that ended");
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 42, "fork: wait gives its exit status 42");
}

void test_fork(void)
{
	nested_forks();
	ids_and_wait();
}
