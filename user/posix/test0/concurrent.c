/*
 * The whole suite in eight processes at once (Codezero's test0 ran it in
 * every process its forktest made): test0 makes the shared board, an shm
 * segment, and runs /bin/test8 in a child; test8 forks into eight
 * processes that run a round of the suite's areas at once
 * (user/posix/test8).  Here the board becomes TAP lines, and mm0's task
 * count must come back: every thread, process and zombie gone.
 */
#include <sys/shm.h>

#include "../test8/board.h"
#include "test0.h"

#define SPIN_LIMIT 100000

static const char *const area_name[A_COUNT] = {
    [A_FILE] = "file I/O on a file of its own",
    [A_DIR] = "mkdir, chdir, getcwd and rmdir of a directory of its own",
    [A_MMAP] = "a MAP_SHARED file mapping written and read back",
    [A_SHM] = "an shm segment of its own, attached twice",
    [A_CLONE] = "20 threads on GROWSDOWN stacks, each ran once",
    [A_MUTEX] = "its rounds under the shared user mutex",
    [A_EXEC] = "a child exec'd test_exec, reaped after the round (0)",
};

void test_concurrent(void)
{
	struct px_stats before, now;
	int id = shmget(TEST8_KEY, PAGE_SIZE, IPC_CREAT | 0666);
	struct test8_board *b = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;

	if (!tap_ok(b != (void *)-1, "8 at once: the board, an shm segment"))
		return;
	memset(b, 0, sizeof(*b));
	tess_mutex_init(&b->lock);
	tess_mutex_init(&b->gate);
	tess_mutex_lock(&b->gate);
	posix_stats(&before);
	pid_t pid = fork();
	if (pid == 0) {
		char *const argv[] = {"/bin/test8", NULL};
		execve(argv[0], argv, NULL);
		_exit(100 + errno);
	}
	expect_eq(wait_exit_status(pid), 0,
		  "8 at once: /bin/test8 ran and its processes ended");
	int ran = 0;
	for (int i = 0; i < TEST8_PROCS; i++)
		ran += b->ran[i];
	expect_eq(ran, TEST8_PROCS,
		  "8 at once: three nested forks, %d processes ran a round "
		  "each",
		  TEST8_PROCS);
	for (int a = 0; a < A_COUNT; a++) {
		int good = 0;
		for (int i = 0; i < TEST8_PROCS; i++)
			good += b->ran[i] && !(b->bad[i] & (1u << a));
		expect_eq(good, TEST8_PROCS, "8 at once: %s, in all %d",
			  area_name[a], TEST8_PROCS);
	}
	expect_eq(b->most, TEST8_PROCS * TEST8_THREADS,
		  "8 at once: %d threads were alive at the same time",
		  TEST8_PROCS * TEST8_THREADS);
	expect_eq(b->counter, TEST8_PROCS * TEST8_MUTEX_ROUNDS,
		  "8 at once: the shared counter is exactly %d",
		  TEST8_PROCS * TEST8_MUTEX_ROUNDS);
	int back = 0;
	for (int i = 0; i < SPIN_LIMIT && !back; i++) {
		posix_stats(&now);
		back = now.tasks == before.tasks;
		if (!back)
			tess_thread_switch(TID_NIL);
	}
	tap_ok(back, "8 at once: every thread, process and unreaped zombie "
		     "is gone (mm0's task count is back)");
	shmdt(b);
}
