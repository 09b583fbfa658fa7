/*
 * capreq: the capability-request protocol when mm0's first IPC capability
 * cannot make what is asked.  It runs as the first program of the capreq
 * suite, whose manifest (user/root/manifest-capreq.txt) gives mm0 `caps
 * ipc@9 ipc ...`: an IPC capability over container 9 ahead of the one
 * over its own container.  A replica of the first cannot be deduced to a
 * thread here (container 9 does not cover it): mm0 must destroy that
 * replica and go on with its next capability, for its own set-up (the
 * capability to mm0 it shares with every process) and for every request.
 * More requests than mm0's list has slots show that the failed replicas
 * are destroyed, not left behind.  Prints TAP; exits 0 if all passed.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <tap.h>
#include <tess.h>
#include <unistd.h>

#define CHILDREN 40 /* more than a space list's 28 slots */

/* Bits of a child's exit status. */
#define BAD_BEFORE 1  /* its send before asking was not refused */
#define BAD_REQUEST 2 /* the request failed */
#define BAD_AFTER 4   /* its send after it was refused */

static int child(uint32_t parent)
{
	struct tess_msg m = {.mr = {0xCA9}};
	int bad = 0;
	/* The parent is not receiving: an authorized send would block, so
	 * it is made non-blocking: E_WOULDBLOCK means allowed. */
	if (tess_ipc(parent, TID_NIL, IPC_SHORT | IPC_NONBLOCK, &m, NULL) !=
	    -E_NOCAP)
		bad |= BAD_BEFORE;
	if (posix_request_cap(parent) != 0)
		bad |= BAD_REQUEST;
	if (tess_ipc(parent, TID_NIL, IPC_SHORT | IPC_NONBLOCK, &m, NULL) !=
	    -E_WOULDBLOCK)
		bad |= BAD_AFTER;
	return bad;
}

int main(void)
{
	uint32_t me = (uint32_t)getpid();
	int refused = 0, granted = 0, usable = 0, reaped = 0;

	tap_ok(posix_sync() == 0,
	       "mm0 answers (its set-up went past the capability "
	       "over container 9 to share one to itself)");
	for (int i = 0; i < CHILDREN; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(child(me));
		int st = -1;
		if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st)) {
			reaped++;
			st = WEXITSTATUS(st);
			refused += !(st & BAD_BEFORE);
			granted += !(st & BAD_REQUEST);
			usable += !(st & BAD_AFTER);
		}
	}
	tap_eq(reaped, CHILDREN, "%d children forked and reaped", CHILDREN);
	tap_eq(refused, CHILDREN, "before asking, none may send to the parent");
	tap_eq(granted, CHILDREN,
	       "every request is granted: mm0 falls back past the "
	       "capability that cannot serve it, %d times (more than its "
	       "list's slots: the failed replicas are destroyed)",
	       CHILDREN);
	tap_eq(usable, CHILDREN, "with it each child may send to the parent");
	tap_eq(posix_request_cap(me), -EINVAL,
	       "a request naming the asker itself is EINVAL");
	tap_eq(posix_request_cap(0x7fffff), -ESRCH,
	       "a request naming no process of mm0's is ESRCH");
	return tap_finish();
}
