/*
 * Linux time: the clocks, nanosleep and clock_nanosleep (relative,
 * absolute, interrupted, stopped and continued), alarm and setitimer (SIGALRM
 * once and periodically), and the timeouts of poll, select, ppoll and futex.
 * The waits are short (tens of milliseconds) and only their lower bound is
 * checked: a loaded host may stretch them.
 */
#include "lxt.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static volatile int alarms, usr1;

static void on_alarm(int sig)
{
	alarms++;
}

static void on_usr1(int sig)
{
	usr1++;
}

static void clocks(void)
{
	struct timespec a, b, res;
	ok(clock_gettime(CLOCK_MONOTONIC, &a) == 0 &&
	       clock_gettime(CLOCK_MONOTONIC, &b) == 0 &&
	       (b.tv_sec > a.tv_sec ||
		(b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec)),
	   "CLOCK_MONOTONIC does not go back");
	int r = clock_gettime(CLOCK_REALTIME, &a);
	ok(r == 0 && a.tv_sec > 1600000000,
	   "CLOCK_REALTIME is after 2020 (%ld)", (long)a.tv_sec);
	struct timeval tv;
	ok(gettimeofday(&tv, NULL) == 0 && tv.tv_sec - a.tv_sec < 5 &&
	       a.tv_sec - tv.tv_sec < 5,
	   "gettimeofday agrees with it");
	ok(labs((long)time(NULL) - (long)a.tv_sec) < 5, "time() too");
	ok(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 &&
	       res.tv_nsec > 0,
	   "clock_getres");
	ERR(clock_gettime(99, &a), EINVAL, "an unknown clock: EINVAL");
}

static void sleeps(void)
{
	uint64_t t0 = now_ms();
	struct timespec d = {0, 50 * 1000000};
	int r = nanosleep(&d, NULL);
	uint64_t took = now_ms() - t0;
	ok(r == 0 && took >= 50, "nanosleep 50 ms sleeps at least that (%lu)",
	   (unsigned long)took);
	/* t0 before the deadline is read: a pause between the two (a
	 * loaded host) must not shorten what is measured. */
	struct timespec abs;
	t0 = now_ms();
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 30 * 1000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	ok(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0 &&
	       now_ms() - t0 >= 25,
	   "clock_nanosleep until an absolute time");
	struct timespec past = {1, 0};
	ok(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL) == 0,
	   "an absolute time already past: at once");
	struct timespec bad = {0, 2000000000};
	ERR(nanosleep(&bad, NULL), EINVAL,
	    "nanosleep with nsec >= 1e9: EINVAL");
	ok(RAW(SYS_nanosleep, (long)KADDR, 0, 0, 0, 0, 0) == -EFAULT,
	   "nanosleep of a kernel pointer: EFAULT");

	/* Interrupted: EINTR and what was left (musl's signal() sets
	 * SA_RESTART, and a sleep is still not restarted, as on Linux). */
	signal(SIGUSR1, on_usr1);
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec longer = {5, 0}, rem = {0, 0};
		int r = nanosleep(&longer, &rem);
		_exit(r == -1 && errno == EINTR && usr1 == 1 && rem.tv_sec >= 1
			  ? 0
			  : 1);
	}
	d.tv_nsec = 100 * 1000000;
	nanosleep(&d, NULL);
	kill(pid, SIGUSR1);
	int st;
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "a signal ends a sleep: EINTR, the rest in rem");
}

static void alarms_and_timers(void)
{
	signal(SIGALRM, on_alarm);
	alarms = 0;
	ok(alarm(1) == 0, "alarm(1): no alarm before");
	ok(alarm(1) == 1, "alarm again: about 1 s left");
	uint64_t t0 = now_ms();
	pause();
	ok(alarms == 1 && now_ms() - t0 >= 500, "pause until SIGALRM");
	ok(alarm(0) == 0, "none left after it rang");

	struct itimerval it = {{0, 20000}, {0, 20000}}, old;
	alarms = 0;
	ok(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer: every 20 ms");
	while (alarms < 3)
		pause();
	int gr = getitimer(ITIMER_REAL, &old);
	ok(gr == 0 && old.it_interval.tv_sec == 0 &&
	       old.it_interval.tv_usec == 20000,
	   "getitimer: the interval (%d, %ld.%06ld)", gr,
	   (long)old.it_interval.tv_sec, (long)old.it_interval.tv_usec);
	memset(&it, 0, sizeof(it));
	ok(setitimer(ITIMER_REAL, &it, &old) == 0 && alarms >= 3,
	   "it rang three times; stopped");
	ERR(setitimer(9, &it, NULL), EINVAL, "an unknown timer: EINVAL");
	signal(SIGALRM, SIG_DFL);

	pid_t pid = fork();
	if (pid == 0) {
		alarm(1);
		for (;;)
			pause();
	}
	int st;
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM,
	   "an alarm nobody handles ends the process");
}

static long futex(volatile int *w, int op, int val, const struct timespec *ts)
{
	return RAW(SYS_futex, (long)w, op, val, (long)ts, 0, 0);
}

static void timeouts(void)
{
	int p[2];
	pipe(p);
	struct pollfd pf = {p[0], POLLIN, 0};
	uint64_t t0 = now_ms();
	ok(poll(&pf, 1, 40) == 0 && now_ms() - t0 >= 40,
	   "poll of an empty pipe, 40 ms: 0 after 40 ms");
	ok(poll(&pf, 1, 0) == 0, "poll with timeout 0: at once");
	struct timeval tv = {0, 30000};
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	t0 = now_ms();
	ok(select(p[0] + 1, &rs, NULL, NULL, &tv) == 0 && now_ms() - t0 >= 30,
	   "select, 30 ms: 0");
	struct timespec ts = {0, 30000000};
	t0 = now_ms();
	ok(ppoll(&pf, 1, &ts, NULL) == 0 && now_ms() - t0 >= 30,
	   "ppoll, 30 ms: 0");

	/* A writer that comes before the deadline wakes the poll. */
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec d = {0, 20000000};
		nanosleep(&d, NULL);
		write(p[1], "x", 1);
		_exit(0);
	}
	t0 = now_ms();
	ok(poll(&pf, 1, 5000) == 1 && (pf.revents & POLLIN) &&
	       now_ms() - t0 < 4000,
	   "poll, 5 s: woken by the data");
	waitpid(pid, NULL, 0);

	static volatile int word;
	struct timespec ft = {0, 30000000}, zero = {0, 0};
	t0 = now_ms();
	ok(futex(&word, 128, 0, &ft) == -ETIMEDOUT && now_ms() - t0 >= 30,
	   "FUTEX_WAIT with 30 ms: ETIMEDOUT after 30 ms");
	ok(futex(&word, 128, 0, &zero) == -ETIMEDOUT,
	   "a zero timeout: ETIMEDOUT at once");
	ok(futex(&word, 128, 1, &zero) == -EAGAIN,
	   "the wrong value still comes first: EAGAIN");
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 20000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	ok(RAW(SYS_futex, (long)&word, 9 | 128, 0, (long)&abs, 0, -1) ==
	       -ETIMEDOUT,
	   "FUTEX_WAIT_BITSET until an absolute time: ETIMEDOUT");
	close(p[0]);
	close(p[1]);
}

/* A sleep stopped (SIGSTOP) and continued goes on sleeping, as on Linux:
 * stop and continue have no handler, so nothing interrupts the call. */
static void stopped_sleep(void)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec d = {0, 600 * 1000000};
		_exit(nanosleep(&d, NULL) == 0 ? 0 : 1);
	}
	struct timespec d = {0, 100 * 1000000};
	nanosleep(&d, NULL);
	kill(pid, SIGSTOP);
	nanosleep(&d, NULL);
	kill(pid, SIGCONT);
	int st;
	waitpid(pid, &st, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long took = (t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && took >= 600,
	   "a sleep stopped and continued goes on to its end (0x%x, %ld ms)",
	   st, took);
}

int main(void)
{
	clocks();
	sleeps();
	alarms_and_timers();
	timeouts();
	stopped_sleep();
	return done();
}
