/*
 * forkbench: the cost of fork + exit + waitpid in the POSIX container,
 * for `make bench` (see tools/bench.sh): the child exits at once, the
 * parent waits.  Then the cost of sbrk(4096) over 20,000 calls in a row
 * (20 batches of 1,000: each sample is a batch's cost per call), which
 * grows with the calls if each adds a memory area.  Printed as "bench
 * NAME median=N min=N max=N n=N" like the kernel benchmarks.
 */
#include <bench.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/wait.h>

#define N 200
#define WARMUP 10
#define SBRK_BATCHES 20
#define SBRK_BATCH 1000

static uint64_t samples[N];

static int sbrk_bench(void)
{
	uint64_t per_call[SBRK_BATCHES];
	for (int b = 0; b < SBRK_BATCHES; b++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < SBRK_BATCH; i++)
			if (sbrk(4096) == (void *)-1) {
				printf("forkbench: sbrk failed\n");
				return 1;
			}
		per_call[b] = (rdtsc() - t0) / SBRK_BATCH;
	}
	bench_report("sbrk_4k_x20000", per_call, SBRK_BATCHES, 0);
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	for (int i = 0; i < N + WARMUP; i++) {
		uint64_t t0 = rdtsc();
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			printf("forkbench: fork failed\n");
			return 1;
		}
		int status;
		waitpid(pid, &status, 0);
		uint64_t t1 = rdtsc();
		if (i >= WARMUP)
			samples[i - WARMUP] = t1 - t0;
	}
	bench_report("fork_exit_wait", samples, N, 0);
	return sbrk_bench();
}
