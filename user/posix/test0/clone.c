/*
 * clone: Codezero's clonetest.  Twenty threads made with
 * clone(CLONE_VM|CLONE_THREAD|CLONE_FS|CLONE_FILES) run on stacks from
 * mmap (MAP_GROWSDOWN); each adds one to its own slot of a shared array
 * and checks that its stack and its process id (asked of mm0) are right.
 * All of them finish, every slot is exactly 1, and the threads are gone
 * afterwards (the kernel knows none of their ids: a count of mm0's tasks
 * would also count other processes', which come and go meanwhile when
 * test0 runs beside a shell).  And a process
 * that exits while its threads run ends whole.
 */
#include <sched.h>
#include <sys/mman.h>

#include "test0.h"

#define NTHREADS 20
#define STACK_PAGES 4
#define SPIN_LIMIT 200000

static volatile int slot[NTHREADS];
static volatile int finished;
static volatile int bad_stack;
static volatile int bad_pid;
static pid_t process_pid;
static unsigned char *stacks;

static int thread_main(void *arg)
{
	int i = (int)(intptr_t)arg;
	unsigned char *mine = stacks + (size_t)i * STACK_PAGES * PAGE_SIZE;
	unsigned char here;

	if (&here < mine || &here >= mine + STACK_PAGES * PAGE_SIZE)
		__atomic_fetch_add(&bad_stack, 1, __ATOMIC_SEQ_CST);
	if (getpid() != process_pid) /* a request to mm0 from each thread */
		__atomic_fetch_add(&bad_pid, 1, __ATOMIC_SEQ_CST);
	slot[i]++;
	__atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* Yield until `*v` reaches `want` or the patience runs out. */
static int wait_for(volatile int *v, int want)
{
	for (int i = 0; i < SPIN_LIMIT && *v < want; i++)
		tess_thread_switch(TID_NIL);
	return *v >= want;
}

/* Yield until no live thread has id `tid` (thread_switch to it says
 * E_NOTHREAD); whether that came. */
static int thread_gone(uint32_t tid)
{
	for (int i = 0; i < SPIN_LIMIT; i++) {
		if (tess_thread_switch(tid) == -E_NOTHREAD)
			return 1;
	}
	return 0;
}

/* A process whose main thread exits while another thread runs ends
 * whole: the parent's wait returns, no thread is left. */
static void exit_with_threads(void)
{
	struct px_stats before, now;
	posix_stats(&before);
	pid_t pid = fork();
	if (pid == 0) {
		unsigned char *st = mmap(NULL, 2 * STACK_PAGES * PAGE_SIZE,
					 PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int made = 0;
		for (int i = 0; i < 2 && st != MAP_FAILED; i++)
			made += clone(spin_forever,
				      st + (i + 1) * STACK_PAGES * PAGE_SIZE,
				      CLONE_VM | CLONE_THREAD, NULL) > 0;
		tess_thread_switch(TID_NIL);
		_exit(made == 2 ? 33 : 1);
	}
	expect_eq(wait_exit_status(pid), 33,
		  "clone: a process exits while two of its threads spin");
	posix_stats(&now);
	expect_eq(now.tasks, before.tasks,
		  "clone: its threads ended with it (mm0's task count)");
}

static volatile int forked_status = -2;

/* A thread forks: the child is a copy of the thread (on its stack), and
 * the thread reaps it. */
static int forking_thread(void *arg)
{
	pid_t parent = (pid_t)(intptr_t)arg;
	pid_t pid = fork();
	if (pid == 0)
		_exit(getppid() == parent ? 44 : 1);
	forked_status = pid > 0 ? wait_exit_status(pid) : -1;
	return 0;
}

static void fork_from_thread(void)
{
	unsigned char *st =
	    mmap(NULL, STACK_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int tid = -1;
	if (st != MAP_FAILED)
		tid =
		    clone(forking_thread, st + STACK_PAGES * PAGE_SIZE,
			  CLONE_VM | CLONE_THREAD, (void *)(intptr_t)getpid());
	if (tid == -1) {
		tap_ok(0, "clone: a thread to fork from");
		return;
	}
	for (int i = 0; i < SPIN_LIMIT && forked_status == -2; i++)
		tess_thread_switch(TID_NIL);
	expect_eq(forked_status, 44,
		  "clone: a thread forks, and reaps the child it made");
	/* Its stack goes only once the thread is gone. */
	if (tap_ok(thread_gone((uint32_t)tid),
		   "clone: the forking thread has exited"))
		munmap(st, STACK_PAGES * PAGE_SIZE);
}

static void twenty_threads(void)
{
	int tids[NTHREADS], made = 0, distinct = 1;

	process_pid = getpid();
	stacks = mmap(NULL, NTHREADS * STACK_PAGES * PAGE_SIZE,
		      PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	if (!tap_ok(stacks != MAP_FAILED, "clone: mmap of %d stacks", NTHREADS))
		return;
	for (int i = 0; i < NTHREADS; i++) {
		void *top = stacks + (size_t)(i + 1) * STACK_PAGES * PAGE_SIZE;
		tids[i] =
		    clone(thread_main, top,
			  CLONE_VM | CLONE_THREAD | CLONE_FS | CLONE_FILES,
			  (void *)(intptr_t)i);
		made += tids[i] != -1;
		for (int j = 0; j < i; j++)
			distinct &= tids[j] != tids[i];
	}
	expect_eq(made, NTHREADS, "clone: %d clone() calls return a thread id",
		  NTHREADS);
	tap_ok(distinct, "clone: the ids are all different");
	/* The count is read after the wait (the ISO suite compares these
	 * lines with the -kernel run's, word for word). */
	int all_ran = wait_for(&finished, NTHREADS);
	tap_ok(all_ran, "clone: all %d threads ran to the end (%d did)",
	       NTHREADS, finished);
	int ones = 0;
	for (int i = 0; i < NTHREADS; i++)
		ones += slot[i] == 1;
	expect_eq(ones, NTHREADS,
		  "clone: each thread incremented its own slot once, in shared "
		  "memory");
	expect_eq(bad_stack, 0,
		  "clone: each thread ran on the stack it was given");
	expect_eq(bad_pid, 0, "clone: each thread's getpid is the process's");

	int gone = made == NTHREADS;
	for (int i = 0; i < NTHREADS && gone; i++)
		gone = thread_gone((uint32_t)tids[i]);
	tap_ok(gone, "clone: the threads have exited (no live thread has "
		     "any of their ids)");
	if (!gone)
		return; /* their stacks stay */
	munmap(stacks, NTHREADS * STACK_PAGES * PAGE_SIZE);
	expect_err(clone(thread_main, NULL, CLONE_VM, NULL), EINVAL,
		   "clone: no stack is EINVAL");
}

void test_clone(void)
{
	twenty_threads();
	exit_with_threads();
	fork_from_thread();
}
