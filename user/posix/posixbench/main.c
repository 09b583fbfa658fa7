/*
 * posixbench: what POSIX calls cost in the POSIX container, for `make
 * bench` (tools/bench.sh boots it under -icount shift=0, where rdtsc
 * counts guest instructions).  Each figure prints as
 *   bench NAME median=N min=N max=N n=N
 * like the kernel benchmarks; the counter's own cost is subtracted.
 *
 *   getppid_mm0            a null request: a call to mm0 and its answer
 *   anon_touch_new_frame   first write to a fresh anonymous page, mm0 has
 *                          to make (retype) the frame first
 *   anon_touch_pooled      the same, with frames already made (freed by
 *                          an earlier munmap into mm0's pool)
 *   read_4k_of_1m_file     read(2) of 4 KiB at a page-aligned offset of a
 *                          1 MiB file in mm0's in-memory file system
 *   fork_exit_wait         fork of a minimal process, the child exits at
 *                          once, the parent waits
 *   fork_exit_wait_1000p   the same with 1,000 resident written pages
 *   fork_exec_wait         fork, exec of /bin/exit0, wait
 *   sbrk_4k_x20000         sbrk(4096), per call, in 20 batches of 1,000
 *                          calls in a row: grows if each adds an area
 */
#include <bench.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 200
#define WARMUP 10
#define PAGE 4096ul
#define TOUCH_PAGES 512
#define RESIDENT 1000
#define FILE_SIZE (1ul << 20)

static uint64_t samples[N + TOUCH_PAGES];
static uint64_t overhead;
static char iobuf[PAGE];

static void bench_getppid(void)
{
	for (int i = 0; i < N + WARMUP; i++) {
		uint64_t t0 = rdtsc();
		getppid();
		uint64_t t1 = rdtsc();
		if (i >= WARMUP)
			samples[i - WARMUP] = t1 - t0;
	}
	bench_report("getppid_mm0", samples, N, overhead);
}

/* Touch TOUCH_PAGES fresh anonymous pages, one sample each. */
static int touch_all(const char *name)
{
	char *p = mmap(NULL, TOUCH_PAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("posixbench: mmap failed\n");
		return -1;
	}
	for (int i = 0; i < TOUCH_PAGES; i++) {
		volatile char *q = p + i * PAGE;
		uint64_t t0 = rdtsc();
		*q = 1;
		uint64_t t1 = rdtsc();
		samples[i] = t1 - t0;
	}
	bench_report(name, samples, TOUCH_PAGES, overhead);
	return munmap(p, TOUCH_PAGES * PAGE);
}

static void bench_read(void)
{
	int fd = open("/posixbench.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("posixbench: open failed\n");
		return;
	}
	memset(iobuf, 0x5a, sizeof(iobuf));
	for (unsigned long off = 0; off < FILE_SIZE; off += PAGE)
		if (write(fd, iobuf, PAGE) != (ssize_t)PAGE) {
			printf("posixbench: write failed\n");
			close(fd);
			return;
		}
	for (int i = 0; i < N + WARMUP; i++) {
		lseek(fd, (off_t)((i * 37ul % (FILE_SIZE / PAGE)) * PAGE),
		      SEEK_SET);
		uint64_t t0 = rdtsc();
		ssize_t got = read(fd, iobuf, PAGE);
		uint64_t t1 = rdtsc();
		if (got != (ssize_t)PAGE) {
			printf("posixbench: read failed\n");
			break;
		}
		if (i >= WARMUP)
			samples[i - WARMUP] = t1 - t0;
	}
	bench_report("read_4k_of_1m_file", samples, N, overhead);
	close(fd);
	unlink("/posixbench.dat");
}

/* fork, then the child execs `path` (or exits at once if NULL). */
static int bench_fork(const char *name, const char *path)
{
	char *argv[] = {(char *)path, NULL}, *envp[] = {NULL};
	for (int i = 0; i < N + WARMUP; i++) {
		uint64_t t0 = rdtsc();
		pid_t pid = fork();
		if (pid == 0) {
			if (path)
				execve(path, argv, envp);
			_exit(0);
		}
		if (pid < 0) {
			printf("posixbench: fork failed\n");
			return -1;
		}
		int status;
		waitpid(pid, &status, 0);
		uint64_t t1 = rdtsc();
		if (i >= WARMUP)
			samples[i - WARMUP] = t1 - t0;
	}
	bench_report(name, samples, N, overhead);
	return 0;
}

static void bench_fork_resident(void)
{
	char *p = mmap(NULL, RESIDENT * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("posixbench: mmap failed\n");
		return;
	}
	for (int i = 0; i < RESIDENT; i++)
		p[i * PAGE] = (char)i;
	bench_fork("fork_exit_wait_1000p", NULL);
	munmap(p, RESIDENT * PAGE);
}

static void bench_sbrk(void)
{
	for (int b = 0; b < 20; b++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < 1000; i++)
			if (sbrk(PAGE) == (void *)-1) {
				printf("posixbench: sbrk failed\n");
				return;
			}
		samples[b] = (rdtsc() - t0) / 1000;
	}
	bench_report("sbrk_4k_x20000", samples, 20, 0);
	sbrk(-20000 * (intptr_t)PAGE);
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	printf("# posixbench: the POSIX container's costs\n");
	overhead = bench_counter_cost(samples, N);
	bench_getppid();
	if (touch_all("anon_touch_new_frame") == 0)
		touch_all("anon_touch_pooled");
	bench_read();
	bench_fork("fork_exit_wait", NULL);
	bench_fork_resident();
	bench_fork("fork_exec_wait", "/bin/exit0");
	bench_sbrk();
	printf("# posixbench done\n");
	return 0;
}
