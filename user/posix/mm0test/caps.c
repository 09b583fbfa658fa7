/*
 * Finding 7: capability requests cost nothing once the requester has
 * gone, and a granted capability does not survive execve.
 *
 * 2,000 children each ask mm0 for a capability to init and exit, while
 * every 30th child stays (sleeping), as long-lived processes do; before
 * the fix each requester's space was deleted rather than reused, and its
 * memory stayed dead for as long as a neighbour lived, until fork failed.
 * Every fork and request must succeed, and mm0's free memory must be what
 * it was once the sleepers are gone.  A child that asks for a capability
 * and then execs may no longer send to init (E_NOCAP).  At most
 * GRANT_ROOTS processes hold grants at a time (cap.c): the next request
 * is EAGAIN, until one of them has gone.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mm0test.h"

#define REQUESTS 2000
#define STAY_EVERY 30

struct many_report {
	volatile int forks, bad, nstay;
	volatile long used;
};

/* The workload runs in a child of its own, so that init's memory is the
 * same before and after it (a process that forks gets its written pages
 * copied, wherever frames are free at the time). */
static void many_requests(void)
{
	struct many_report *r = shared_page();
	struct px_stats s0 = stats();
	uint32_t me = posix_self_tid(); /* IPC names init's thread */
	pid_t manager = fork();
	if (manager == 0) {
		static pid_t stay[REQUESTS / STAY_EVERY + 1];
		for (int i = 0; i < REQUESTS; i++) {
			pid_t pid = fork();
			if (pid == 0) {
				if (i % STAY_EVERY == 0)
					sleep_forever();
				_exit(posix_request_cap(me) ? 1 : 0);
			}
			if (pid < 0)
				break;
			r->forks++;
			if (i % STAY_EVERY == 0)
				stay[r->nstay++] = pid;
			else
				r->bad += wait_exit_status(pid) != 0;
		}
		r->used =
		    (long)(s0.untyped_remaining - stats().untyped_remaining);
		for (int i = 0; i < r->nstay; i++)
			kill(stay[i], SIGKILL);
		for (int i = 0; i < r->nstay; i++)
			wait_exit_status(stay[i]);
		_exit(0);
	}
	wait_exit_status(manager);
	expect_eq(r->forks, REQUESTS,
		  "caps: %d forks, the children asking for a capability, every "
		  "%dth staying: none refused",
		  REQUESTS, STAY_EVERY);
	expect_eq(r->bad, 0, "caps: ...and every request granted");
	tap_ok(r->used <= r->nstay * (96l << 10),
	       "caps: ...and mm0 spends %ld KiB on them: what the %d sleepers "
	       "(and their parent) hold, nothing for the requests of those "
	       "gone",
	       r->used >> 10, r->nstay);
	munmap(r, PAGE_SIZE);
	expect_eq(stats().untyped_remaining, s0.untyped_remaining,
		  "caps: afterwards mm0's free memory is what it was");
}

static void dropped_at_exec(void)
{
	char tid_text[16];
	snprintf(tid_text, sizeof(tid_text), "%u", posix_self_tid());
	char *const argv[] = {"/bin/mm0test", "sendto", tid_text, NULL};
	pid_t pid = fork();
	if (pid == 0) {
		if (posix_request_cap((uint32_t)strtoul(tid_text, NULL, 10)))
			_exit(2);
		execve(argv[0], argv, NULL);
		_exit(3);
	}
	expect_eq(wait_exit_status(pid), 0,
		  "caps: a child granted a capability to init, after execve, "
		  "may not send to init (E_NOCAP)");
}

/* The new program of dropped_at_exec: 0 if a send to `to` is refused. */
int sendto_main(const char *to)
{
	struct tess_msg m = {.mr = {0xBAD}};
	long r = tess_ipc((uint32_t)strtoul(to, NULL, 10), TID_NIL,
			  IPC_SHORT | IPC_NONBLOCK, &m, NULL);
	return r == -E_NOCAP ? 0 : 1;
}

#define HOLDERS 21 /* cap.c's GRANT_ROOTS */

/* HOLDERS children hold grants; one more asking is refused, and asks
 * again with success when one of them has gone. */
static void holders_limited(void)
{
	pid_t kids[HOLDERS + 1];
	uint32_t me = posix_self_tid();
	volatile int *ok = shared_page();
	for (int i = 0; i <= HOLDERS; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			long r = posix_request_cap(me);
			ok[i] = r == 0 ? 1 : r == -EAGAIN ? 2 : 3;
			if (i < HOLDERS)
				sleep_forever();
			while (ok[HOLDERS + 1] == 0)
				tess_thread_switch(TID_NIL);
			_exit(posix_request_cap(me) ? 1 : 0);
		}
		while (!ok[i])
			tess_thread_switch(TID_NIL);
	}
	int held = 0;
	for (int i = 0; i < HOLDERS; i++)
		held += ok[i] == 1;
	expect_eq(held, HOLDERS, "caps: %d processes hold grants", HOLDERS);
	expect_eq(ok[HOLDERS], 2, "caps: ...one more asking is EAGAIN");
	kill(kids[0], SIGKILL);
	wait_exit_status(kids[0]);
	ok[HOLDERS + 1] = 1;
	expect_eq(wait_exit_status(kids[HOLDERS]), 0,
		  "caps: ...and granted once one of them has gone");
	for (int i = 1; i < HOLDERS; i++)
		kill(kids[i], SIGKILL);
	for (int i = 1; i < HOLDERS; i++)
		wait_exit_status(kids[i]);
	munmap((void *)ok, PAGE_SIZE);
}

void test_cap_requests(void)
{
	dropped_at_exec();
	holders_limited();
	many_requests();
}
