/*
 * fork: Codezero's forktest.  Three nested forks make eight processes;
 * each writes its own value into a global and, after its children have
 * written theirs, still reads its own: every process has a private copy
 * (copy-on-write).  Each process exits with the number of processes in
 * its subtree whose check held, so the first one learns how many of the
 * eight were right.  Also getpid/getppid across fork, wait's errors,
 * kill, and an orphan that outlives its parent.
 */
#include <signal.h>
#include <sys/mman.h>
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
	expect_eq(getpid(), me,
		  "fork: the first process is still itself after the forks");
	expect_eq(right, 1 << FORKS,
		  "fork: %d nested forks make %d processes, each with its own "
		  "copy of a global",
		  FORKS, 1 << FORKS);
	expect_eq(global_value, MAGIC,
		  "fork: the first process's global is unchanged");
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
	expect_eq(
	    wait_exit_status(pid), 0,
	    "fork: the child's getppid is the parent, its getpid its own");
	expect_err(waitpid(pid, &status, 0), ECHILD,
		   "fork: waiting again for a reaped child is ECHILD");
	expect_err(wait(&status), ECHILD,
		   "fork: wait with no children is ECHILD");

	pid = fork();
	if (pid == 0)
		_exit(42);
	pid_t got = wait(&status);
	expect_eq(got, pid, "fork: wait(-1) returns the child that ended");
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 42,
	       "fork: wait gives its exit status 42");
}

/* PX_KILL: a child that would spin forever is ended with status 137. */
static void kill_child(void)
{
	pid_t pid = fork();
	if (pid == 0)
		for (;;)
			tess_thread_switch(TID_NIL);
	tess_thread_switch(TID_NIL);
	expect_eq(kill(pid, SIGKILL), 0, "fork: kill(child, SIGKILL)");
	expect_eq(wait_exit_status(pid), PX_STATUS_KILL,
		  "fork: wait sees the killed child's 137");
	expect_err(kill(pid, SIGKILL), ESRCH,
		   "fork: killing the reaped child again is ESRCH");
}

/* A child that exits before its own child: the orphan runs on, ends, and
 * leaves nothing behind. */
static void orphan(void)
{
	struct px_stats before, now;
	volatile int *flag = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(flag != MAP_FAILED,
		    "fork: a shared page for the orphan's report"))
		return;
	posix_stats(&before);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0) {
			/* Wait until its parent is gone, then report. */
			while (!flag[0])
				tess_thread_switch(TID_NIL);
			flag[1] = 1;
			_exit(0);
		}
		_exit(g > 0 ? 0 : 1);
	}
	expect_eq(wait_exit_status(pid), 0,
		  "fork: a child forks a grandchild and exits first");
	flag[0] = 1;
	int gone = 0;
	for (int i = 0; i < 100000 && !gone; i++) {
		posix_stats(&now);
		gone = flag[1] && now.tasks == before.tasks;
		if (!gone)
			tess_thread_switch(TID_NIL);
	}
	tap_ok(gone,
	       "fork: the orphaned grandchild ran on, exited and is gone");
	munmap((void *)flag, PAGE_SIZE);
}

void test_fork(void)
{
	nested_forks();
	ids_and_wait();
	kill_child();
	orphan();
}
