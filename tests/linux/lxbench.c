/*
 * lxbench: Linux system-call microbenchmarks, one static musl binary run
 * unmodified under Linux booted in QEMU and under Tessera (mm0's Linux
 * personality), for `make bench` (tools/lxbench.sh prints the table).
 *
 *	lxbench [TINY]          TINY: the program to exec, default /bin/lxtiny
 *
 * Each figure is measured REPS times after one warm-up round; a round
 * times BATCH operations with rdtsc, which under QEMU's
 * `-icount shift=0,sleep=off` counts guest instructions.  One line per
 * figure, the cost of one operation:
 *
 *	lxbench NAME median=N min=N max=N n=REPS
 *
 * and "lxbench done" at the end.  The figures:
 *
 *	getppid          a system call that does nothing
 *	write_devnull    write(2) of 1 byte to /dev/null
 *	pipe_roundtrip   1 byte to another process and 1 byte back, by pipes
 *	sched_yield      a sched_yield that switches to a second process,
 *	                 which yields back (SCHED_FIFO where allowed, see
 *	                 yield_figure)
 *	page_touch       the first write to a fresh anonymous page
 *	fork_exit_wait   fork, the child _exits, the parent waits
 *	fork_exec_wait   fork, the child execs TINY, the parent waits
 *
 * As process 1 (Linux's init) it mounts devtmpfs for /dev/null if needed
 * and powers off at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MAX_REPS 101
#define PAGES 256

static const char *tiny = "/bin/lxtiny";

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, (size_t)n) < 0)
		return;
}

static void fail(const char *what)
{
	say("lxbench: %s: %s", what, strerror(errno));
	exit(1);
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *name, uint64_t *s, int reps)
{
	qsort(s, (size_t)reps, sizeof(s[0]), by_value);
	say("lxbench %s median=%llu min=%llu max=%llu n=%d", name,
	    (unsigned long long)s[reps / 2], (unsigned long long)s[0],
	    (unsigned long long)s[reps - 1], reps);
}

/* One round: `batch` operations; returns the cost of one. */
typedef uint64_t (*round_fn)(int batch);

static void figure(const char *name, round_fn f, int batch, int reps)
{
	uint64_t s[MAX_REPS];

	f(batch); /* warm-up: caches, lazily mapped pages */
	for (int i = 0; i < reps; i++)
		s[i] = f(batch);
	report(name, s, reps);
}

/* ------------------------------------------------------------ figures */

static uint64_t getppid_round(int batch)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < batch; i++)
		syscall(SYS_getppid);
	return (rdtsc() - t0) / (uint64_t)batch;
}

static int devnull = -1;

static uint64_t write_round(int batch)
{
	char c = 'x';
	uint64_t t0 = rdtsc();
	for (int i = 0; i < batch; i++)
		if (write(devnull, &c, 1) != 1)
			fail("write /dev/null");
	return (rdtsc() - t0) / (uint64_t)batch;
}

static int to_child[2], to_parent[2];

static uint64_t pipe_round(int batch)
{
	char c = 'x';
	uint64_t t0 = rdtsc();
	for (int i = 0; i < batch; i++) {
		if (write(to_child[1], &c, 1) != 1 ||
		    read(to_parent[0], &c, 1) != 1)
			fail("pipe round trip");
	}
	return (rdtsc() - t0) / (uint64_t)batch;
}

static void pipe_figure(void)
{
	pid_t pid;
	char c;

	if (pipe(to_child) || pipe(to_parent))
		fail("pipe");
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		while (read(to_child[0], &c, 1) == 1)
			if (write(to_parent[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(to_child[0]);
	close(to_parent[1]);
	figure("pipe_roundtrip", pipe_round, 200, 11);
	close(to_child[1]);
	close(to_parent[0]);
	waitpid(pid, NULL, 0);
}

/* Each of our yields runs one of the other process's: two per round. */
static uint64_t yield_round(int batch)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < batch; i++)
		sched_yield();
	return (rdtsc() - t0) / (2 * (uint64_t)batch);
}

/* Both processes yield in turn.  Linux's fair scheduler may give the CPU
 * straight back to the yielding process, so where it can (as root) the
 * pair runs SCHED_FIFO, where a yield always goes to the other one.  (musl's
 * sched_setscheduler is a stub: the system call directly.) */
static void yield_figure(void)
{
	struct sched_param fifo = {.sched_priority = 1}, other = {0};
	pid_t pid;

	syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &fifo);
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0)
		for (;;)
			sched_yield();
	figure("sched_yield", yield_round, 200, 11);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &other);
}

static uint64_t touch_round(int batch)
{
	size_t size = (size_t)batch * 4096;
	volatile char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0, t1;

	if (p == MAP_FAILED)
		fail("mmap");
	t0 = rdtsc();
	for (int i = 0; i < batch; i++)
		p[(size_t)i * 4096] = 1;
	t1 = rdtsc();
	munmap((void *)p, size);
	return (t1 - t0) / (uint64_t)batch;
}

static uint64_t fork_round(int batch)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < batch; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, NULL, 0) != pid)
			fail("fork + exit + wait");
	}
	return (rdtsc() - t0) / (uint64_t)batch;
}

static uint64_t exec_round(int batch)
{
	char *argv[] = {(char *)tiny, NULL}, *envp[] = {NULL};
	uint64_t t0 = rdtsc();
	for (int i = 0; i < batch; i++) {
		int status;
		pid_t pid = fork();
		if (pid == 0) {
			execve(tiny, argv, envp);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			fail("fork + exec + wait");
	}
	return (rdtsc() - t0) / (uint64_t)batch;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		tiny = argv[1];
	if (getpid() == 1 && access("/dev/null", F_OK)) {
		mkdir("/dev", 0755);
		if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL))
			fail("mount /dev");
	}
	devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0)
		fail("open /dev/null");
	figure("getppid", getppid_round, 1000, 11);
	figure("write_devnull", write_round, 1000, 11);
	pipe_figure();
	yield_figure();
	figure("page_touch", touch_round, PAGES, 11);
	figure("fork_exit_wait", fork_round, 1, 51);
	figure("fork_exec_wait", exec_round, 1, 31);
	say("lxbench done");
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return 0;
}
