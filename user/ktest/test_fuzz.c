/*
 * Fuzzing the system call interface.  A thread in a space of its own,
 * with a small CSpace and narrow capabilities (scoped to its own space),
 * makes thousands of system calls with random arguments drawn to hit the
 * edges: slot addresses around its CSpace's size and through nested ones,
 * pointers into, across the end of and far from its mappings and into the
 * kernel half, sizes and bits at their limits, its own and others' thread
 * ids, every flag bit.  The check kernel verifies its invariants after
 * every call (a broken one panics and fails the run); the suite checks
 * that the kernel survives, that revoking the fuzzer's untyped gives back
 * every byte, and that the root task works normally afterwards.
 */
#include "ktest.h"

#define FUZZ_CALLS 5000
#define FUZZ_RUNS 8
#define FUZZ_TIMEOUT_US 30000000ull
#define FUZZ_STACK 16384
#define FUZZ_CSPACE_BITS 6

/* Slots of the fuzzer's CSpace at start. */
#define FS_UNTYPED 1
#define FS_PAGE 2
#define FS_PT 3
#define FS_TIMER 4
#define FS_NESTED 5
#define FS_THREAD 6
#define FS_SPACE 7

static char fuzz_stack[FUZZ_STACK] __attribute__((aligned(16)));
static char fuzz_buf[8192] __attribute__((aligned(4096)));

static uint64_t next(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static uint64_t pick(uint64_t *s, const uint64_t *v, unsigned n)
{
	return v[next(s) % n];
}

/* One argument: a mix of the values that find edges. */
static uint64_t arg(uint64_t *s, uint32_t self, uint32_t root)
{
	const uint64_t interesting[] = {
	    0,
	    1,
	    2,
	    3,
	    7,
	    8,
	    12,
	    13,
	    21,
	    22,
	    47,
	    48,
	    63,
	    64,
	    4095,
	    4096,
	    0xffff,
	    0x10000,
	    0xffffffff,
	    0x100000000ull,
	    (uint64_t)-1,
	    (uint64_t)-2,
	    0x7fffffffffffffffull,
	    0x8000000000000000ull,
	};
	const uint64_t addrs[] = {
	    (uint64_t)fuzz_buf,
	    (uint64_t)fuzz_buf + 4096 - 8,
	    (uint64_t)fuzz_buf + 8192 - 1,
	    (uint64_t)fuzz_buf + 8192,
	    (uint64_t)fuzz_stack,
	    0x1000,
	    0x400000,
	    0x00007ffffffff000ull,
	    0x00007fffffffeff8ull,
	    0x0000800000000000ull,
	    0xffff800000000000ull,
	    0xffffffff80100000ull,
	    KT_VA_BOOT,
	};
	const uint64_t cptrs[] = {
	    0,
	    FS_UNTYPED,
	    FS_PAGE,
	    FS_PT,
	    FS_TIMER,
	    FS_NESTED,
	    FS_THREAD,
	    FS_SPACE,
	    9,
	    63,
	    64,
	    0xffff,
	    (FS_NESTED << 16) | 1,
	    (FS_NESTED << 16) | 15,
	    (FS_NESTED << 16) | 16,
	    (0ull << 16) | 3,
	    (FS_PAGE << 16) | 1,
	    CPTR_NONE,
	    0x0005000500050005ull,
	};
	switch (next(s) % 8) {
	case 0:
	case 1:
		return pick(s, interesting, sizeof(interesting) / 8);
	case 2:
	case 3:
		return pick(s, cptrs, sizeof(cptrs) / 8);
	case 4:
		return pick(s, addrs, sizeof(addrs) / 8) + (next(s) % 3) * 8;
	case 5: {
		const uint64_t tids[] = {
		    self, root, TID_NIL, TID_ANY, self + 1, TID_MAKE(2, 1), 0};
		return pick(s, tids, sizeof(tids) / 8);
	}
	case 6:
		return next(s) % 32;
	default:
		return next(s);
	}
}

/* The fuzzer: FUZZ_CALLS calls, then it exits with how many it made. */
static void fuzz_main(uint64_t seed, uint64_t self, uint64_t root)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
	long calls;
	for (calls = 0; calls < FUZZ_CALLS; calls++) {
		uint64_t a[6];
		long nr =
		    (long)(next(&s) % SYS_COUNT); /* unknown ones kill it */
		for (int i = 0; i < 6; i++)
			a[i] = arg(&s, (uint32_t)self, (uint32_t)root);
		if (nr == SYS_exit)
			continue; /* it would end the run */
		if (nr == SYS_ipc)
			a[2] |= IPC_NONBLOCK; /* never wait for a partner */
		if (nr == SYS_input_read)
			a[3] |= INPUT_NONBLOCK; /* nor for input */
		if (nr == SYS_mutex_control)
			a[1] = MUTEX_UNLOCK; /* a lock could wait forever */
		if (nr == SYS_sleep) /* mostly past; 1 in 20 up to 100 us on */
			a[0] = kt_now_us() + a[0] % 2000 - 1900;
		if (nr == SYS_thread_control) {
			/* Any action, but never on itself (that would end the
			 * run); it has no child, so WAIT is E_NOCHILD. */
			struct task_ids *ids = (struct task_ids *)fuzz_buf;
			ids->tid =
			    (uint32_t)arg(&s, (uint32_t)root, (uint32_t)root);
			if (ids->tid == self)
				ids->tid = TID_NIL;
			a[1] = (uint64_t)ids;
		}
		if (nr == SYS_exchange_registers && (uint32_t)a[1] == self)
			a[1] =
			    root; /* its own registers: it would run astray */
		tess_syscall6(nr, (long)a[0], (long)a[1], (long)a[2],
			      (long)a[3], (long)a[4], (long)a[5]);
	}
	tess_exit((int)(calls / 100));
}

/* A fuzzer: a thread in a copy of our space, with its own small CSpace. */
static long fuzz_start(cptr_t u, uint64_t seed, struct kt_thread *t,
		       cptr_t *space, cptr_t *cspace, cptr_t *cnode)
{
	struct thread_create tc;
	struct task_ids ids;
	cptr_t cs = tess_slot(ka), sp = tess_slot(ka), th = tess_slot(ka);
	cptr_t cn = tess_slot(ka);
	long r;

	if (!cs || !sp || !th || !cn)
		return -E_LIMIT;
	*cspace = cs;
	*space = sp;
	*cnode = cn;
	t->cap = th;
	if ((r = tess_retype(u, CAP_CSPACE, FUZZ_CSPACE_BITS, cs, 1)) ||
	    (r = tess_retype(u, CAP_SPACE, 0, sp, 1)) ||
	    (r = tess_retype(u, CAP_THREAD, 0, th, 1)) ||
	    (r = tess_retype(u, CAP_CSPACE, 10, cn, 1)) ||
	    (r = tess_retype(u, CAP_UNTYPED, 16, (cs << 16) | FS_UNTYPED, 1)) ||
	    (r = tess_retype(u, CAP_PAGE, 0, (cs << 16) | FS_PAGE, 1)) ||
	    (r = tess_retype(u, CAP_PT, 0, (cs << 16) | FS_PT, 1)) ||
	    (r = tess_retype(u, CAP_CSPACE, 4, (cs << 16) | FS_NESTED, 1)) ||
	    (r = tess_retype(u, CAP_THREAD, 0, (cs << 16) | FS_THREAD, 1)) ||
	    (r = tess_retype(u, CAP_SPACE, 0, (cs << 16) | FS_SPACE, 1)) ||
	    (r = tess_cap_mint(BOOT_SLOT_TIMER, (cs << 16) | FS_TIMER, 0, 4)))
		return r;
	memset(&tc, 0, sizeof(tc));
	memset(&ids, 0, sizeof(ids));
	ids.tid = kt_self();
	tc.thread = th;
	tc.space = sp;
	tc.cspace = cs;
	tc.untyped = u;
	tc.dest = cn << CPTR_DIGIT_BITS;
	tc.pager = TID_NIL;
	tc.cid = 0;
	tc.prio = PRIO_INHERIT;
	if ((r = tess_thread_control(THREAD_CREATE | TC_COPY_SPACE, &ids, &tc)))
		return r;
	t->tid = ids.tid;
	/* No pager: a fault ends it with a log line. */
	struct exregs x;
	memset(&x, 0, sizeof(x));
	x.pager = TID_NIL;
	x.valid = EXREGS_SET_PAGER;
	if ((r = tess_exchange_registers(&x, t->tid)))
		return r;
	/* Narrow authority: its own space only (and its own capabilities). */
	kt_grant(t->tid, CAP_IPC, SCOPE_SPACE, ids.spid, CAP_IPC_ALL);
	kt_grant(t->tid, CAP_TCTRL, SCOPE_SPACE, ids.spid, CAP_TCTRL_ALL);
	kt_grant(t->tid, CAP_EXREGS, SCOPE_SPACE, ids.spid, CAP_EXREGS_ALL);
	kt_grant(t->tid, CAP_CAPCTRL, SCOPE_THREAD, t->tid, CAP_CAPCTRL_ALL);
	kt_grant(t->tid, CAP_MUTEX, SCOPE_SPACE, ids.spid, CAP_MUTEX_ALL);
	return kt_start(t->tid, fuzz_main, fuzz_stack, FUZZ_STACK, seed, t->tid,
			kt_self());
}

/* Wait for the fuzzer to end (it may also stop itself, or get stuck). */
static long fuzz_wait(uint32_t tid, int *status)
{
	uint64_t end = kt_now_us() + FUZZ_TIMEOUT_US;
	*status = -1000;
	for (;;) {
		long st = kt_state(tid);
		if (st < 0)
			return st; /* it destroyed itself */
		if (st == THREAD_STATE_DEAD) {
			struct task_ids ids = {tid, 0, 0, 0};
			long r = tess_thread_control(THREAD_WAIT, &ids, NULL);
			if (r == 0)
				*status = ids.status;
			return r;
		}
		if (st == THREAD_STATE_INACTIVE)
			return -E_ACTIVE; /* it suspended itself */
		if (kt_now_us() > end)
			return -E_WOULDBLOCK;
		tess_thread_switch(TID_NIL);
	}
}

void test_fuzz(void)
{
	cptr_t u;
	long before;

	printf(
	    "# fuzz: %d runs of %d random system calls in a confined thread\n",
	    FUZZ_RUNS, FUZZ_CALLS);
	if (!tap_eq(tess_new(ka, CAP_UNTYPED, 23, &u), 0,
		    "an untyped for the fuzzer"))
		return;
	before = tess_remaining(u);
	for (int run = 1; run <= FUZZ_RUNS; run++) {
		struct kt_thread t = {0, 0};
		cptr_t space = 0, cspace = 0, cnode = 0;
		int status;
		long r =
		    fuzz_start(u, (uint64_t)run, &t, &space, &cspace, &cnode);
		if (!tap_eq(r, 0, "fuzz run %d: the confined thread starts",
			    run))
			goto clean;
		r = fuzz_wait(t.tid, &status);
		if (r == 0)
			tap_diag("fuzz run %d: %d00 calls made", run, status);
		else
			tap_diag("fuzz run %d: ended early (%s)", run,
				 tess_strerror(r));
		/* Reaching this line at all is the test: a broken invariant
		 * would have stopped the machine with a panic. */
		tap_ok(r == 0 || r == -E_WOULDBLOCK || r == -E_ACTIVE ||
			   r == -E_NOTHREAD,
		       "fuzz run %d: the kernel survived, its invariants held "
		       "after every call",
		       run);
	clean:
		kt_destroy(&t);
		/* Its timer capability came from the boot one: delete it first.
		 */
		tess_cap_delete((cspace << 16) | FS_TIMER);
		tess_cap_revoke(u);
		tap_eq(
		    tess_remaining(u), before,
		    "fuzz run %d: revoking the untyped gives back every byte",
		    run);
		tess_slot_free(ka, space);
		tess_slot_free(ka, cspace);
		tess_slot_free(ka, cnode);
		tess_slot_free(ka, t.cap);
	}
	tess_delete(ka, u);
	tap_eq(tess_null(), 0,
	       "the root task goes on normally after the fuzzing");
}
