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
 * are destroyed, not left behind.
 *
 * The container's id is 200: its thread ids have their top bit set.  Pids
 * come from the container's own pid space (init is 1) and stay positive;
 * fork, wait and kill work by pid, and IPC by the thread ids that
 * posix_self_tid and PX_PID_TID give.  Prints TAP; exits 0 if all passed.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <tap.h>
#include <tess.h>
#include <unistd.h>

#define CID 200 /* user/root/manifest-capreq.txt */
#define PAGE_SIZE 4096

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

/* ------------------------------------------------------------ pids */

/* A child's checks of its own ids, as bits of its exit status. */
#define BAD_PID 1      /* getpid not positive, or init's */
#define BAD_PPID 2     /* getppid is not init's 1 */
#define BAD_MAIN_TID 4 /* PX_PID_TID(0) is not its own thread */
#define BAD_SEND_PID 8 /* its message to the parent failed */

/* Ask for a capability to the parent's thread `parent` and send it the
 * child's pid and thread id. */
static int pid_child(uint32_t parent)
{
	pid_t me = getpid();
	int bad = 0;
	if (me <= 1)
		bad |= BAD_PID;
	if (getppid() != 1)
		bad |= BAD_PPID;
	if (posix_pid_tid(0) != (long)posix_self_tid())
		bad |= BAD_MAIN_TID;
	struct tess_msg m = {.mr = {0x91D, (uint64_t)me, posix_self_tid()}};
	if (posix_request_cap(parent) ||
	    tess_ipc(parent, TID_NIL, IPC_SHORT, &m, NULL))
		bad |= BAD_SEND_PID;
	return bad;
}

/* Yield until the process ends (thread_switch(TID_NIL) does not fail). */
static int spin(void *arg)
{
	(void)arg;
	while (tess_thread_switch(TID_NIL) == 0)
		;
	return 1;
}

static void pids(void)
{
	uint32_t me = posix_self_tid();

	tap_eq(TID_CID(me), CID,
	       "the container's id is %d: its thread ids (%x) have the top "
	       "bit set",
	       CID, me);
	tap_eq(getpid(), 1, "init's pid is 1, not its thread id");
	tap_eq(getppid(), 0, "init has no parent (ppid 0)");
	tap_eq(posix_pid_tid(0), (long)me,
	       "PX_PID_TID(0) is the caller's first thread");
	tap_eq(posix_pid_tid(1), (long)me, "PX_PID_TID(1) is init's thread");

	pid_t pid = fork();
	if (pid == 0)
		_exit(pid_child(me));
	tap_ok(pid > 1, "fork gives a positive pid (%d)", pid);
	long kid = posix_pid_tid(pid);
	tap_ok(kid > 0 && TID_CID((uint32_t)kid) == CID && kid != pid,
	       "PX_PID_TID(the child's pid) is a thread id of the container "
	       "(%lx)",
	       kid);
	struct tess_msg m = {.mr = {0}};
	long r = tess_ipc(TID_NIL, (uint32_t)kid, IPC_SHORT, &m, NULL);
	tap_ok(r == 0 && m.sender == (uint32_t)kid && m.mr[0] == 0x91D &&
		   m.mr[1] == (uint64_t)pid && m.mr[2] == (uint64_t)kid,
	       "a message received from that thread is the child's: its pid "
	       "and thread id (r %ld)",
	       r);
	int st = -1;
	tap_eq(waitpid(pid, &st, 0), pid, "waitpid(the child's pid) reaps it");
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "the child saw a positive pid of its own, ppid 1 and its own "
	       "thread from PX_PID_TID(0) (status %d)",
	       WEXITSTATUS(st));
	tap_eq(posix_pid_tid(pid), -1, "PX_PID_TID of a reaped child fails");
	tap_eq(errno, ESRCH, "...with ESRCH");
	errno = 0;
	tap_ok(posix_pid_tid(-1) == -1 && errno == ESRCH,
	       "PX_PID_TID(-1) is ESRCH");
	errno = 0;
	tap_ok(posix_pid_tid(0x7fffffff) == -1 && errno == ESRCH,
	       "PX_PID_TID of a pid no process has is ESRCH");
	errno = 0;
	tap_ok(posix_pid_tid((pid_t)me) == -1 && errno == ESRCH,
	       "PX_PID_TID of a thread id (not a pid) is ESRCH");

	pid = fork();
	if (pid == 0)
		_exit(spin(NULL));
	tap_eq(kill(pid, SIGKILL), 0, "kill(the child's pid, SIGKILL)");
	st = -1;
	tap_ok(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		   WEXITSTATUS(st) == 128 + SIGKILL,
	       "...ends it: wait reports 137");
	errno = 0;
	tap_ok(kill(pid, SIGKILL) == -1 && errno == ESRCH,
	       "kill of the reaped pid is ESRCH");

	unsigned char *stack = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int tid = stack == MAP_FAILED ? -1
				      : clone(spin, stack + PAGE_SIZE,
					      CLONE_VM | CLONE_THREAD, NULL);
	tap_ok(tid != -1 && TID_CID((uint32_t)tid) == CID &&
		   (uint32_t)tid != me && getpid() == 1,
	       "clone gives a thread id of the container (%x); the pid stays "
	       "1",
	       (uint32_t)tid);
	tap_eq(posix_pid_tid(0), (long)me,
	       "PX_PID_TID still names the first thread, not the new one");
}

int main(void)
{
	uint32_t me = posix_self_tid();
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
	pids();
	tap_eq(posix_request_cap(0x7fffff), -ESRCH,
	       "a request naming no process of mm0's is ESRCH");
	return tap_finish();
}
