/*
 * Processes with several threads: the first thread ending while another
 * goes on, execve from a second thread (it takes the process's pid),
 * fork from a second thread, SIGKILL and exit_group ending every thread
 * (one of them blocked in a read), tgkill to one thread, a futex wait
 * ended by a signal; and mm0 giving back what processes took: after
 * warming up, rounds of fork, threads, pipes and exec leave its free
 * memory where it was.
 */
#include "lxt.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>

static int wait_status(pid_t pid)
{
	int st = -1;
	return waitpid(pid, &st, 0) == pid ? st : -1;
}

static void *exit_later(void *arg)
{
	for (int i = 0; i < 50; i++)
		sched_yield();
	_exit(5); /* exit_group */
	return NULL;
}

static void *exec_from_thread(void *arg)
{
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", getpid());
	execl("/proc/self/exe", "lxt-mt", "pidcheck", pid, NULL);
	_exit(99);
	return NULL;
}

static void *fork_from_thread(void *arg)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(syscall(SYS_gettid) == getpid() ? 0 : 1);
	return (void *)(intptr_t)wait_status(pid);
}

static void *block_in_read(void *arg)
{
	char c;
	read(*(int *)arg, &c, 1);
	return NULL;
}

static volatile pid_t handler_tid;
static void on_usr1(int sig)
{
	handler_tid = (pid_t)syscall(SYS_gettid);
}

static volatile pid_t target_tid;
static volatile int futex_word, futex_result;
static void *futex_waiter(void *arg)
{
	target_tid = (pid_t)syscall(SYS_gettid);
	long r = syscall(SYS_futex, &futex_word, 128, 0, NULL, NULL, 0);
	futex_result = r == -1 ? errno : 0;
	return NULL;
}

static void *spin(void *arg)
{
	target_tid = (pid_t)syscall(SYS_gettid);
	while (!handler_tid)
		;
	return NULL;
}

static void threads_and_processes(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t;
		pthread_create(&t, NULL, exit_later, NULL);
		pthread_exit(NULL); /* the first thread ends, the process not */
	}
	int st = wait_status(pid);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 5,
	   "the first thread ends; another's exit_group(5) ends the process "
	   "(0x%x)",
	   st);

	pid = fork();
	if (pid == 0) {
		pthread_t t;
		pthread_create(&t, NULL, exec_from_thread, NULL);
		for (;;)
			pause();
	}
	st = wait_status(pid);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "execve from a second thread: the program runs as the process's pid "
	   "(0x%x)",
	   st);

	pthread_t t;
	void *res;
	pthread_create(&t, NULL, fork_from_thread, NULL);
	pthread_join(t, &res);
	ok((intptr_t)res == 0,
	   "fork from a second thread: the child's one thread has tid == pid");

	pid = fork();
	if (pid == 0) {
		int p[2];
		pipe(p);
		pthread_create(&t, NULL, block_in_read, &p[0]);
		pthread_create(&t, NULL, spin, NULL);
		for (;;)
			pause();
	}
	for (int i = 0; i < 50; i++)
		sched_yield();
	kill(pid, SIGKILL);
	st = wait_status(pid);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	   "SIGKILL ends a process whose threads block, spin and pause");

	pid = fork();
	if (pid == 0) {
		int p[2];
		pipe(p);
		pthread_create(&t, NULL, block_in_read, &p[0]);
		for (int i = 0; i < 50; i++)
			sched_yield();
		exit(3);
	}
	st = wait_status(pid);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 3,
	   "exit with a thread blocked in read: status 3");

	/* tgkill picks the thread: the handler runs in it. */
	signal(SIGUSR1, on_usr1);
	handler_tid = 0;
	target_tid = 0;
	pthread_create(&t, NULL, spin, NULL);
	while (!target_tid)
		sched_yield();
	ok(syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1) == 0,
	   "tgkill to a spinning thread");
	pthread_join(t, NULL);
	ok(handler_tid == target_tid, "its handler ran in that thread");

	/* A futex wait ended by a signal without SA_RESTART: EINTR. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	target_tid = 0;
	pthread_create(&t, NULL, futex_waiter, NULL);
	while (syscall(SYS_futex, &futex_word, 4 | 128, 0, 0x7fffffff,
		       &futex_word, 0) < 1)
		sched_yield(); /* until it waits (CMP_REQUEUE onto itself
				  counts) */
	syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1);
	pthread_join(t, NULL);
	ok(futex_result == EINTR, "a futex wait ended by a signal: EINTR (%d)",
	   futex_result);
	ERR(syscall(SYS_tgkill, getpid(), 999999, SIGUSR1), ESRCH,
	    "tgkill of no thread: ESRCH");
	ERR(syscall(SYS_tgkill, 999999, getpid(), SIGUSR1), ESRCH,
	    "tgkill with the wrong group: ESRCH");
}

static void *nothing(void *arg)
{
	return arg;
}

/* One round of work that makes and ends processes, threads and pipes. */
static void round_of_work(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t[2];
		int p[2];
		pipe(p);
		write(p[1], "x", 1);
		for (int i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, nothing, NULL);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		execl("/proc/self/exe", "lxt-mt", "exit", NULL);
		_exit(1);
	}
	wait_status(pid);
}

static unsigned long free_memory(void)
{
	struct sysinfo si;
	sysinfo(&si);
	return si.freeram * si.mem_unit;
}

static void no_leaks(void)
{
	for (int i = 0; i < 10; i++)
		round_of_work();
	unsigned long before = free_memory();
	for (int i = 0; i < 20; i++)
		round_of_work();
	unsigned long after = free_memory();
	ok(after == before,
	   "20 rounds of fork, threads, pipes and exec leave mm0's free memory "
	   "as it was "
	   "(%lu -> %lu)",
	   before, after);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exit"))
		return 0;
	if (argc > 2 && !strcmp(argv[1], "pidcheck"))
		return getpid() == atoi(argv[2]) &&
			       syscall(SYS_gettid) == getpid()
			   ? 0
			   : 1;
	threads_and_processes();
	no_leaks();
	return done();
}
