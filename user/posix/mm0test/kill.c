/*
 * Finding 6: who may kill whom.  A process may signal itself, its
 * descendants and its session (docs/posix.md); init ignores signals, so
 * killing it ends nothing.
 *
 * init forks A and B.  A starts a session of its own (setsid) and forks
 * A1.  B may not kill A (another session, not its descendant): EPERM; A
 * may not kill B either.  A may kill A1 (its child), init may kill A (its
 * child, in another session), B may kill C (a sibling in its session).
 * B's kill of init returns 0 and init goes on, as does init's own.
 */
#include <signal.h>
#include <sys/mman.h>

#include "mm0test.h"

struct kill_report {
	volatile int a_ready, a_b, a_a1, a_a1_status;
};

static void wait_for(volatile int *flag)
{
	while (!*flag)
		tess_thread_switch(TID_NIL);
}

void test_kill(void)
{
	struct kill_report *r = shared_page();
	pid_t me = getpid();

	expect_eq(getsid(0), me, "kill: init leads its session");
	expect_err(setsid(), EPERM,
		   "kill: setsid by a session leader is EPERM");
	pid_t b = fork();
	if (b == 0)
		sleep_forever();
	pid_t c = fork();
	if (c == 0)
		sleep_forever();
	pid_t a = fork();
	if (a == 0) {
		if (setsid() != getpid())
			_exit(1);
		pid_t a1 = fork();
		if (a1 == 0)
			sleep_forever();
		r->a_b = kill(b, SIGKILL) ? errno : 0;
		r->a_a1 = kill(a1, SIGKILL) ? errno : 0;
		r->a_a1_status = wait_exit_status(a1);
		r->a_ready = 1;
		sleep_forever();
	}
	wait_for(&r->a_ready);
	expect_eq(getsid(a), a, "kill: A's setsid made a session of its own");
	expect_eq(getsid(b), me, "kill: B is in init's session");
	expect_eq(r->a_b, EPERM,
		  "kill: A may not kill B (another session, not its child)");
	expect_eq(r->a_a1, 0, "kill: A may kill A1, its child");
	expect_eq(r->a_a1_status, PX_STATUS_KILL, "kill: ...and A1 ends (137)");

	/* B's turn: from B itself, through a raw request, reported by its
	 * exit status; so B is forked again for it. */
	pid_t b2 = fork();
	if (b2 == 0) {
		int bad = 0;
		if (px_raw(PX_KILL, a, 9, 0, 0, 0) != -EPERM)
			bad |= 1;
		if (px_raw(PX_KILL, me, 9, 0, 0, 0) != 0)
			bad |= 2;
		if (px_raw(PX_KILL, c, 9, 0, 0, 0) != 0)
			bad |= 4;
		_exit(bad);
	}
	int st = wait_exit_status(b2);
	tap_ok(st >= 0 && !(st & 1),
	       "kill: a process of init's session may not kill A (EPERM)");
	tap_ok(st >= 0 && !(st & 2),
	       "kill: ...its kill of init returns 0 (ignored)");
	tap_ok(st >= 0 && !(st & 4),
	       "kill: ...and it may kill C, in its session");
	expect_eq(wait_exit_status(c), PX_STATUS_KILL, "kill: C ended (137)");
	expect_eq(kill(me, SIGKILL), 0,
		  "kill: init's kill of itself returns 0");
	tap_ok(getpid() == me, "kill: and init goes on");
	expect_eq(kill(a, SIGKILL), 0,
		  "kill: init may kill A, its child in another session");
	expect_eq(wait_exit_status(a), PX_STATUS_KILL, "kill: A ended (137)");
	expect_eq(kill(b, SIGKILL), 0, "kill: init kills B, its child");
	expect_eq(wait_exit_status(b), PX_STATUS_KILL, "kill: B ended (137)");
	expect_err(kill(0x7fffff, SIGKILL), ESRCH,
		   "kill: a process that is not: ESRCH");
	munmap(r, PAGE_SIZE);
}
