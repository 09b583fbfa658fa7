/*
 * forkbench: the cost of fork + exit + waitpid in the POSIX container,
 * for `make bench` (see tools/bench.sh): the child exits at once, the
 * parent waits.  Printed as "bench NAME median=N min=N max=N n=N" like
 * the kernel benchmarks.
 */
#include <bench.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/wait.h>

#define N 200
#define WARMUP 10

static uint64_t samples[N];

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
	return 0;
}
