/*
 * forkbench: the cost of fork + exit + waitpid in the POSIX container,
 * for `make bench` (see tools/bench.sh): the child exits at once, the
 * parent waits.  Printed as "bench NAME median=N min=N max=N n=N" like
 * the kernel benchmarks.
 */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/wait.h>

#define N 200
#define WARMUP 10

static uint64_t samples[N];

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

static void sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint64_t x = v[i];
		int j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
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
	sort(samples, N);
	printf("bench fork_exit_wait median=%lu min=%lu max=%lu n=%d\n",
	       (unsigned long)samples[N / 2], (unsigned long)samples[0],
	       (unsigned long)samples[N - 1], N);
	return 0;
}
