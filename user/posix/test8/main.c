/*
 * test8: the whole suite in eight processes at once, as Codezero's test0
 * ran it (its forktest made the processes and every one of them went on
 * with the rest of the tests).  test0 makes the shared board (board.h)
 * and execs this program, which is small, so that its forks are cheap.
 * Three nested forks make eight processes; each runs a round of the
 * suite's areas at the same time, on names of its own: file I/O, a
 * directory, a shared file mapping, an shm segment, 20 threads (160 in
 * all, held asleep until all are alive at once), a user mutex shared by
 * all eight, and a fork+exec of test_exec (eight execs at once) whose
 * child stays a zombie until the round is over; another child is never
 * reaped by its parent at all.  Each process records what failed on the
 * board; exits 0 once its own children (in the fork tree) have ended.
 */
#include <errno.h>
#include <pxtest.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"

#define PAGE 4096ul
#define STACK_PAGES 2
#define SPIN_LIMIT 100000
#define TEST_EXEC "/bin/test_exec"

static struct test8_board *board;
static volatile int slot[TEST8_THREADS];
static volatile int finished;
/* This process's: held until its last thread is done (its main thread
 * waits on it asleep). */
static struct tess_mutex all_done;

static unsigned char pattern(int k, long i)
{
	return (unsigned char)(k * 37 + i * 11 + (i >> 10));
}

static int check_pattern(const unsigned char *p, long n, int k)
{
	for (long i = 0; i < n; i++)
		if (p[i] != pattern(k, i))
			return 0;
	return 1;
}

static void fill(unsigned char *p, long n, int k)
{
	for (long i = 0; i < n; i++)
		p[i] = pattern(k, i);
}

static int area_file(int k)
{
	static unsigned char out[3000], in[3000];
	char path[32];
	snprintf(path, sizeof(path), "/tmp/c8file%d", k);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	fill(out, sizeof(out), k);
	int ok = fd >= 0 && write(fd, out, sizeof(out)) == sizeof(out) &&
		 lseek(fd, 0, SEEK_SET) == 0 &&
		 read(fd, in, sizeof(in)) == sizeof(in) &&
		 check_pattern(in, sizeof(in), k);
	close(fd);
	return ok && unlink(path) == 0;
}

static int area_dir(int k)
{
	char path[32], cwd[64];
	struct stat st;
	snprintf(path, sizeof(path), "/tmp/c8dir%d", k);
	int ok = mkdir(path, 0755) == 0 && chdir(path) == 0 &&
		 getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, path);
	int fd = open("here", O_CREAT | O_WRONLY, 0644);
	ok &= fd >= 0;
	close(fd);
	snprintf(cwd, sizeof(cwd), "%s/here", path);
	ok &= stat(cwd, &st) == 0 && unlink("here") == 0 && chdir("/") == 0;
	return ok && rmdir(path) == 0;
}

static int area_mmap(int k)
{
	static unsigned char zeros[PAGE], in[4 * PAGE];
	char path[32];
	snprintf(path, sizeof(path), "/tmp/c8map%d", k);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644), ok = fd >= 0;
	for (int i = 0; ok && i < 4; i++)
		ok = write(fd, zeros, PAGE) == PAGE;
	unsigned char *m =
	    ok ? mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
	       : MAP_FAILED;
	if (m == MAP_FAILED) {
		close(fd);
		return 0;
	}
	fill(m, 4 * PAGE, k);
	ok = msync(m, 4 * PAGE, MS_SYNC) == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	     read(fd, in, sizeof(in)) == sizeof(in) &&
	     check_pattern(in, sizeof(in), k);
	ok &= munmap(m, 4 * PAGE) == 0;
	close(fd);
	return ok && unlink(path) == 0;
}

static int area_shm(int k)
{
	int id = shmget(0xC800 + k, 2 * PAGE, IPC_CREAT | 0666);
	unsigned char *a = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
	if (a == (void *)-1)
		return 0;
	fill(a, 2 * PAGE, k);
	int ok = shmdt(a) == 0;
	a = shmat(id, NULL, 0);
	ok &= a != (void *)-1 && check_pattern(a, 2 * PAGE, k);
	return ok && shmdt(a) == 0;
}

/* A thread: counts itself alive, waits (asleep on the gate) until all
 * 160 are, then leaves; the last of its process wakes the main thread. */
static int thread_main(void *arg)
{
	int i = (int)(intptr_t)arg;
	int now = __atomic_add_fetch(&board->alive, 1, __ATOMIC_SEQ_CST);
	int most = board->most;
	while (now > most &&
	       !__atomic_compare_exchange_n(&board->most, &most, now, 0,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	if (now < TEST8_PROCS * TEST8_THREADS)
		tess_mutex_lock(&board->gate);
	tess_mutex_unlock(&board->gate);
	slot[i]++;
	__atomic_sub_fetch(&board->alive, 1, __ATOMIC_SEQ_CST);
	if (__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST) == TEST8_THREADS)
		tess_mutex_unlock(&all_done);
	return 0;
}

static int area_clone(void)
{
	size_t size = TEST8_THREADS * STACK_PAGES * PAGE;
	unsigned char *stacks =
	    mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	int made = 0;
	if (stacks == MAP_FAILED)
		return 0;
	tess_mutex_init(&all_done);
	tess_mutex_lock(&all_done);
	for (int i = 0; i < TEST8_THREADS; i++)
		made += clone(thread_main,
			      stacks + (size_t)(i + 1) * STACK_PAGES * PAGE,
			      CLONE_VM | CLONE_THREAD | CLONE_FS | CLONE_FILES,
			      (void *)(intptr_t)i) > 0;
	if (made == TEST8_THREADS) {
		tess_mutex_lock(&all_done); /* until the last one is done */
	} else {
		/* The 160 will never all be alive: open the gate for the
		 * others rather than leave them asleep. */
		tess_mutex_unlock(&board->gate);
		for (int n = 0; n < SPIN_LIMIT && finished < made; n++)
			tess_thread_switch(TID_NIL);
	}
	int ones = 0;
	for (int i = 0; i < TEST8_THREADS; i++)
		ones += slot[i] == 1;
	/* Their stacks stay mapped: a thread may still be on its way out. */
	return made == TEST8_THREADS && finished == TEST8_THREADS &&
	       ones == TEST8_THREADS;
}

static int area_mutex(void)
{
	for (int i = 0; i < TEST8_MUTEX_ROUNDS; i++) {
		tess_mutex_lock(&board->lock);
		int c = board->counter;
		tess_thread_switch(TID_NIL);
		board->counter = c + 1;
		tess_mutex_unlock(&board->lock);
	}
	return 1;
}

static pid_t start_exec(void)
{
	char *const argv[] = {TEST_EXEC,   "FIRST ARG",	 "SECOND ARG",
			      "THIRD ARG", "FOURTH ARG", NULL};
	char *const envp[] = {"parent_of_all=yes", "pagerid=0", NULL};
	pid_t pid = fork();
	if (pid == 0) {
		execve(TEST_EXEC, argv, envp);
		_exit(100 + errno);
	}
	return pid;
}

/* One process's round; the exec'd child is reaped only at its end, and
 * the other child (exit 3) never by this process. */
static void round_of(int k)
{
	unsigned bad = 0;
	pid_t exec_pid = start_exec();
	pid_t zombie = fork();
	if (zombie == 0)
		_exit(3);
	bad |= area_file(k) ? 0 : 1u << A_FILE;
	bad |= area_dir(k) ? 0 : 1u << A_DIR;
	bad |= area_mmap(k) ? 0 : 1u << A_MMAP;
	bad |= area_shm(k) ? 0 : 1u << A_SHM;
	bad |= area_clone() ? 0 : 1u << A_CLONE;
	bad |= area_mutex() ? 0 : 1u << A_MUTEX;
	bad |=
	    exec_pid > 0 && wait_exit_status(exec_pid) == 0 ? 0 : 1u << A_EXEC;
	board->bad[k] = bad;
	board->ran[k] = 1;
	if (k == 0)
		waitpid(zombie, NULL, 0); /* the first reaps its own, late */
}

int main(void)
{
	pid_t kids[TEST8_FORKS];
	int nkids = 0, k = 0;
	int id = shmget(TEST8_KEY, PAGE, 0);

	board = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
	if (board == (void *)-1)
		return 1;
	for (int i = 0; i < TEST8_FORKS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			k |= 1 << i;
			nkids = 0;
		} else if (pid > 0) {
			kids[nkids++] = pid;
		}
	}
	round_of(k);
	for (int i = 0; i < nkids; i++)
		wait_exit_status(kids[i]);
	return 0;
}
