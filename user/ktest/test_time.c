/*
 * ktest: time.  The two clocks of `time` (monotonic, and realtime from the
 * CMOS clock: checked against the host's clock when the runner passes
 * "now=SECONDS" on the command line); `sleep` until a deadline: how long
 * it lasts (never early, within a tick or two), deadlines in the past, at
 * 0 and never, sleepers suspended and destroyed, many sleepers woken in
 * deadline order; IPC with a deadline (IPC_TIMEOUT): receives and sends
 * that time out, messages that come first (also where the fast path would
 * otherwise take them, and an extended copy that outlasts the deadline
 * waiting for a pager), a call whose reply does not come, a timeout
 * against the partner's death, timed receivers suspended and destroyed.
 *
 * "Did not block" is seen, not timed: a probe thread of lower priority
 * than the root task counts whenever it runs, which is only while the
 * root task waits.  After every system call the kcheck kernel checks the
 * deadline heap, so a thread that leaves it dirty is caught at once.
 */
#include <stdbool.h>

#include "ktest.h"

#define NSTACKS 16
#define NSLEEPERS 12
#define MS 1000ull

static struct kt_stacks stacks;
#define STACK(i) kt_stack(&stacks, i), KT_STACK_SIZE

static uint64_t tick_us;
static struct kt_thread probe;
static volatile uint64_t probe_runs;

/* ---------------------------------------------------------------- helpers */

/* A thread of my space at priority `prio`, started on fn(a0, a1, a2). */
static long spawn_prio(struct kt_thread *t, uint32_t prio, kt_entry fn,
		       void *stack, size_t size, uint64_t a0, uint64_t a1,
		       uint64_t a2)
{
	struct task_ids ids;
	struct thread_create tc;
	cptr_t cap;
	long r = tess_new(ka, CAP_THREAD, 0, &cap);

	t->cap = 0;
	t->tid = 0;
	if (r)
		return r;
	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	ids.tid = kt_self();
	tc.thread = cap;
	tc.space = tc.cspace = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.cid = TID_CID(ids.tid);
	tc.prio = prio;
	r = tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc);
	if (r) {
		tess_delete(ka, cap);
		return r;
	}
	t->cap = cap;
	t->tid = ids.tid;
	r = kt_start(t->tid, fn, stack, size, a0, a1, a2);
	if (r)
		kt_destroy(t);
	return r;
}

static void probe_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	for (;;)
		probe_runs++;
}

/* Did the root task wait (let the probe run) during `call`? */
#define WAITED(call, result)                                                   \
	({                                                                     \
		uint64_t _before = probe_runs;                                 \
		*(result) = (call);                                            \
		probe_runs != _before;                                         \
	})

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			uint64_t x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	return v[n / 2];
}

/* ---------------------------------------------------------------- clocks */

static uint64_t clock_us(unsigned clock)
{
	struct tess_timeval tv;
	if (tess_clock(&tv, clock))
		return 0;
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

/* The number after "now=" on the kernel command line, or 0. */
static uint64_t host_now(void)
{
	const char *p =
	    tess_bootinfo ? strstr(tess_bootinfo->cmdline, "now=") : NULL;
	uint64_t v = 0;
	if (!p)
		return 0;
	for (p += 4; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

static void test_clocks(void)
{
	struct tess_timeval tv;
	const uint64_t y2020 = 1577836800ull; /* 2020-01-01 00:00 UTC */

	tap_eq(tess_clock(&tv, TIME_MONOTONIC), 0, "time(MONOTONIC) succeeds");
	tap_eq(tess_clock(&tv, TIME_REALTIME), 0, "time(REALTIME) succeeds");
	tap_eq(tess_clock(&tv, 2), -E_INVAL, "time with clock 2 is E_INVAL");
	tap_eq(tess_clock(&tv, ~0u), -E_INVAL, "time with clock ~0 is E_INVAL");
	tap_eq(tess_clock(NULL, TIME_REALTIME), -E_FAULT,
	       "time(REALTIME) into NULL is E_FAULT");

	uint64_t rt = clock_us(TIME_REALTIME), host = host_now();
	tap_ok(rt / 1000000 > y2020 && rt / 1000000 < y2020 + 100ull * 31557600,
	       "the realtime clock reads a date from 2020 on (%lu s)",
	       (unsigned long)(rt / 1000000));
	if (host) {
		long diff = (long)(rt / 1000000) - (long)host;
		if (!tap_ok(
			diff > -120 && diff < 300,
			"the CMOS clock agrees with the host's (%ld s apart)",
			diff))
			tap_diag("  host %lu, guest %lu", (unsigned long)host,
				 (unsigned long)(rt / 1000000));
	}
	/* realtime - monotonic, bracketed by two monotonic readings (so a
	 * stall of the emulator between the calls does not matter), is the
	 * same 30 ms later. */
	uint64_t a1 = clock_us(TIME_MONOTONIC), r1 = clock_us(TIME_REALTIME);
	uint64_t b1 = clock_us(TIME_MONOTONIC);
	tess_sleep_us(30 * MS);
	uint64_t a2 = clock_us(TIME_MONOTONIC), r2 = clock_us(TIME_REALTIME);
	uint64_t b2 = clock_us(TIME_MONOTONIC);
	/* offset_k lies in [r_k - b_k, r_k - a_k]; the two ranges meet. */
	tap_ok(r1 - b1 <= r2 - a2 + 1 && r2 - b2 <= r1 - a1 + 1 &&
		   a2 - a1 >= 30 * MS,
	       "realtime moves with the monotonic clock");
}

/* ---------------------------------------------------------------- sleep */

static void test_sleep_length(void)
{
	uint64_t late[5];
	int early = 0;
	long r;

	for (int i = 0; i < 5; i++) {
		uint64_t deadline = kt_now_us() + 30 * MS;
		r = tess_sleep(deadline);
		uint64_t now = kt_now_us();
		if (r || now < deadline)
			early++;
		late[i] = now >= deadline ? now - deadline : 0;
	}
	tap_ok(!early, "sleep returns 0, never before its deadline");
	uint64_t med = median(late, 5);
	tap_ok(med <= 2 * tick_us,
	       "a sleep ends within two ticks of its deadline (median %lu us "
	       "late, max %lu)",
	       (unsigned long)med, (unsigned long)late[4]);

	bool waited = WAITED(tess_sleep(kt_now_us() + 20 * MS), &r);
	tap_ok(waited && r == 0,
	       "a sleeper gives the CPU away (a lower priority thread ran)");
	waited = WAITED(tess_sleep(0), &r);
	tap_ok(!waited && r == 0, "sleep(0) returns 0 at once");
	waited = WAITED(tess_sleep(kt_now_us() - 1), &r);
	tap_ok(!waited && r == 0, "a deadline in the past returns 0 at once");
	waited = WAITED(tess_sleep(kt_now_us()), &r);
	tap_ok(!waited && r == 0, "a deadline of now returns 0 at once");
}

static void sleeper_main(uint64_t deadline, uint64_t a1, uint64_t a2)
{
	tess_exit((int)tess_sleep(deadline));
}

static void test_sleep_stopped(void)
{
	struct kt_thread t;
	int status;

	/* Forever, until suspended: then the sleep ends with E_ABORTED. */
	if (!tap_eq(kt_spawn(&t, sleeper_main, STACK(0), DEADLINE_NEVER, 0, 0),
		    0, "a thread sleeps with DEADLINE_NEVER"))
		return;
	tess_sleep_us(3 * tick_us);
	tap_eq(kt_state(t.tid), THREAD_STATE_BLOCKED, "it is still asleep");
	tap_eq(kt_tctrl(THREAD_SUSPEND, t.tid), 0, "suspend it");
	tap_eq(kt_tctrl(THREAD_RUN, t.tid), 0, "run it again");
	tap_eq(kt_reap(t.tid, &status), 0, "it goes on and exits");
	tap_eq(status, -E_ABORTED, "its sleep returned E_ABORTED");
	kt_destroy(&t);

	/* Suspended before its deadline: the deadline does not wake it. */
	uint64_t deadline = kt_now_us() + 200 * MS;
	if (!tap_eq(kt_spawn(&t, sleeper_main, STACK(0), deadline, 0, 0), 0,
		    "a thread sleeps for 200 ms"))
		return;
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	tap_eq(kt_tctrl(THREAD_SUSPEND, t.tid), 0, "suspend it asleep");
	tess_sleep(deadline + 3 * tick_us);
	tap_eq(kt_state(t.tid), THREAD_STATE_INACTIVE,
	       "past its deadline it stays suspended");
	tap_eq(kt_tctrl(THREAD_RUN, t.tid), 0, "run it");
	tap_eq(kt_reap(t.tid, &status), 0, "it exits");
	tap_eq(status, -E_ABORTED, "its sleep returned E_ABORTED");
	kt_destroy(&t);

	/* Destroyed asleep: its deadline comes and goes (the kernel checks
	 * its deadline heap after every call). */
	deadline = kt_now_us() + 100 * MS;
	if (!tap_eq(kt_spawn(&t, sleeper_main, STACK(0), deadline, 0, 0), 0,
		    "a thread sleeps for 100 ms"))
		return;
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	tap_eq(kt_destroy(&t), 0, "destroy it asleep");
	tess_sleep(deadline + 3 * tick_us);
	tap_eq(
	    kt_spawn(&t, sleeper_main, STACK(0), kt_now_us() + 10 * MS, 0, 0),
	    0, "past its deadline, a new sleeper");
	tap_eq(kt_reap(t.tid, &status), 0, "wakes");
	tap_eq(status, 0, "and its sleep returns 0");
	kt_destroy(&t);
}

static volatile uint32_t woke_n;
static volatile uint32_t woke_order[NSLEEPERS];
static volatile uint64_t woke_late[NSLEEPERS];

static void ordered_main(uint64_t i, uint64_t deadline, uint64_t a2)
{
	long r = tess_sleep(deadline);
	uint64_t now = kt_now_us();
	woke_late[i] = now >= deadline ? now - deadline : ~0ull;
	woke_order[__atomic_fetch_add(&woke_n, 1, __ATOMIC_SEQ_CST)] =
	    (uint32_t)i;
	tess_exit((int)r);
}

/* NSLEEPERS threads started in a shuffled order, deadlines 5 ms apart:
 * they wake in deadline order, none early. */
static void test_sleep_order(void)
{
	struct kt_thread t[NSLEEPERS];
	uint32_t rank[NSLEEPERS];
	uint64_t base = kt_now_us() + 300 * MS;
	int started = 0, bad_order = 0, early = 0, status, bad_status = 0;

	for (uint32_t i = 0; i < NSLEEPERS; i++)
		rank[i] = (i * 7 + 3) % NSLEEPERS; /* a permutation */
	woke_n = 0;
	for (int i = 0; i < NSLEEPERS; i++)
		if (kt_spawn(&t[i], ordered_main, STACK(i), (uint64_t)i,
			     base + rank[i] * 5 * MS, 0) == 0)
			started++;
	tap_eq(started, NSLEEPERS, "%d sleepers started in shuffled order",
	       NSLEEPERS);
	tap_eq(kt_wait_count(&woke_n, NSLEEPERS), 0, "all of them wake");
	for (int k = 0; k < NSLEEPERS; k++) {
		if (rank[woke_order[k]] != (uint32_t)k)
			bad_order++;
		if (woke_late[k] == ~0ull)
			early++;
	}
	tap_ok(!bad_order, "they wake in deadline order");
	tap_ok(!early, "none before its deadline");
	for (int i = 0; i < NSLEEPERS; i++) {
		if (kt_reap(t[i].tid, &status) || status)
			bad_status++;
		kt_destroy(&t[i]);
	}
	tap_ok(!bad_status, "every sleep returned 0");
}

/* ---------------------------------------------------------------- IPC */

static volatile long got_r;
static volatile uint64_t got_mr0, got_at;

/* Receive once with `deadline`; note the result, the MR0 and when. */
static void timed_recv_main(uint64_t from, uint64_t deadline, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_receive_until((uint32_t)from, &m, deadline);
	got_mr0 = m.mr[0];
	got_at = kt_now_us();
	got_r = r;
	tess_exit((int)r);
}

static void test_recv_timeout(void)
{
	struct tess_msg m;
	uint64_t deadline;
	long r;

	memset(&m, 0, sizeof(m));
	deadline = kt_now_us() + 30 * MS;
	bool waited = WAITED(tess_receive_until(TID_ANY, &m, deadline), &r);
	uint64_t now = kt_now_us();
	tap_eq(r, -E_TIMEOUT, "a receive with nothing sent times out");
	tap_ok(waited && now >= deadline && now - deadline <= 20 * tick_us,
	       "after its deadline, not before (%ld us late), waiting",
	       (long)(now - deadline));
	waited = WAITED(tess_receive_until(TID_ANY, &m, 0), &r);
	tap_ok(r == -E_TIMEOUT && !waited,
	       "deadline 0: E_TIMEOUT at once, without blocking");
	waited = WAITED(tess_receive_until(TID_ANY, &m, kt_now_us() - 1), &r);
	tap_ok(r == -E_TIMEOUT && !waited,
	       "a deadline in the past: E_TIMEOUT at once");
	tap_eq(tess_ipc_until(TID_NIL, TID_ANY, IPC_NONBLOCK, &m, 0,
			      DEADLINE_NEVER),
	       -E_INVAL, "IPC_TIMEOUT with IPC_NONBLOCK is E_INVAL");
	tap_eq(tess_ipc_until(TID_NIL, TID_NIL, IPC_SHORT, &m, 0, 0), 0,
	       "no send and no receive: nothing to time out, 0");

	/* DEADLINE_NEVER waits like a plain receive. */
	struct kt_thread t;
	int status;
	got_r = 1;
	if (!tap_eq(kt_spawn(&t, timed_recv_main, STACK(0), TID_ANY,
			     DEADLINE_NEVER, 0),
		    0, "a thread receives with DEADLINE_NEVER"))
		return;
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	tess_sleep_us(3 * tick_us);
	tap_eq(kt_state(t.tid), THREAD_STATE_BLOCKED, "it waits past 3 ticks");
	m.mr[0] = 0x4e4e;
	tap_eq(tess_send(t.tid, &m), 0, "send to it");
	tap_eq(kt_reap(t.tid, &status), 0, "it exits");
	tap_ok(status == 0 && got_mr0 == 0x4e4e, "with the message");
	kt_destroy(&t);
}

/* Receive with a deadline; a message comes first (through a call, which
 * the fast path would take were the receiver not timed); answer it, then
 * a plain receive that must outlive the old deadline. */
static volatile long first_r, second_r = 1;
static void first_main(uint64_t deadline, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	first_r = tess_receive_until(TID_ANY, &m, deadline);
	got_mr0 = m.mr[0];
	m.mr[0] = ~m.mr[0];
	tess_send(m.sender, &m);
	second_r = tess_receive(TID_ANY, &m);
	tess_exit((int)second_r);
}

static void test_message_first(void)
{
	struct kt_thread t;
	struct tess_msg m;
	int status;
	uint64_t deadline = kt_now_us() + 200 * MS;

	memset(&m, 0, sizeof(m));
	second_r = 1;
	if (!tap_eq(kt_spawn(&t, first_main, STACK(0), deadline, 0, 0), 0,
		    "a thread receives with a 200 ms deadline"))
		return;
	/* Fill my send cache for it, so that only its deadline keeps the
	 * call off the fast path. */
	m.mr[0] = 1;
	tap_eq(tess_ipc(t.tid, TID_NIL, IPC_NONBLOCK, &m, 0), -E_WOULDBLOCK,
	       "(a send it is not yet ready for)");
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	m.mr[0] = 0x1234;
	tap_eq(tess_call(t.tid, &m), 0,
	       "a call reaches it before the deadline");
	tap_ok(first_r == 0 && got_mr0 == 0x1234 && m.mr[0] == ~0x1234ull,
	       "it got the message (0), and answered");
	tess_sleep(deadline + 4 * tick_us);
	tap_eq(kt_state(t.tid), THREAD_STATE_BLOCKED,
	       "its next, plain, receive outlives the old deadline");
	tap_eq(second_r, 1, "... and was not cut short");
	tap_eq(tess_send(t.tid, &m), 0, "send to it");
	tap_eq(kt_reap(t.tid, &status), 0, "it exits");
	tap_eq(status, 0, "its plain receive got the message");
	kt_destroy(&t);
}

/* Queue a message for the root task, then exit with the result. */
static void queued_sender_main(uint64_t to, uint64_t mr0, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = mr0;
	tess_exit((int)tess_send((uint32_t)to, &m));
}

/* Sleep, then try once to receive without waiting. */
static void late_receiver_main(uint64_t deadline, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	tess_sleep(deadline);
	memset(&m, 0, sizeof(m));
	tess_exit((int)tess_ipc(TID_NIL, TID_ANY, IPC_NONBLOCK, &m, 0));
}

/* Receive once, note MR0, then sleep forever (never answering). */
static void silent_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	got_r = tess_receive(TID_ANY, &m);
	got_mr0 = m.mr[0];
	tess_sleep(DEADLINE_NEVER);
}

static void test_send_timeout(void)
{
	struct kt_thread t;
	struct tess_msg m;
	int status;
	long r;

	/* A message queued already is taken even with deadline 0. */
	memset(&m, 0, sizeof(m));
	if (!tap_eq(
		kt_spawn(&t, queued_sender_main, STACK(0), kt_self(), 0x51, 0),
		0, "a thread sends to me"))
		return;
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	tap_eq(tess_receive_until(t.tid, &m, 0), 0,
	       "deadline 0 with a sender queued: the message, 0");
	tap_eq(m.mr[0], 0x51, "its MR0");
	kt_reap(t.tid, &status);
	kt_destroy(&t);

	/* A send nobody takes times out and leaves the queue. */
	if (!tap_eq(kt_spawn(&t, late_receiver_main, STACK(0),
			     kt_now_us() + 200 * MS, 0, 0),
		    0, "a thread that receives only later"))
		return;
	uint64_t deadline = kt_now_us() + 20 * MS;
	m.mr[0] = 0x52;
	r = tess_ipc_until(t.tid, TID_NIL, IPC_SHORT, &m, 0, deadline);
	tap_eq(r, -E_TIMEOUT, "a send it does not take times out");
	tap_ok(kt_now_us() >= deadline, "not before the deadline");
	tap_eq(tess_ipc_until(t.tid, TID_NIL, IPC_SHORT, &m, 0, 0), -E_TIMEOUT,
	       "with deadline 0: E_TIMEOUT at once");
	tap_eq(kt_reap(t.tid, &status), 0, "the receiver looks later");
	tap_eq(status, -E_WOULDBLOCK, "and finds no sender queued");
	kt_destroy(&t);

	/* A call: the send goes, the reply does not come. */
	got_r = 1;
	if (!tap_eq(kt_spawn(&t, silent_main, STACK(0), 0, 0, 0), 0,
		    "a thread that receives and never answers"))
		return;
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	m.mr[0] = 0x53;
	r = tess_ipc_until(t.tid, t.tid, IPC_SHORT, &m, 0,
			   kt_now_us() + 20 * MS);
	tap_eq(r, -E_TIMEOUT, "a call without a reply times out");
	tap_ok(got_r == 0 && got_mr0 == 0x53, "its send phase was delivered");
	kt_destroy(&t);
}

static void test_partner_death(void)
{
	struct kt_thread s, t;
	int status;

	/* Receiving from one thread, which dies before the deadline: the
	 * receive ends at once with E_ABORTED, not at the deadline. */
	if (!tap_eq(kt_spawn(&s, sleeper_main, STACK(1), DEADLINE_NEVER, 0, 0),
		    0, "a partner thread"))
		return;
	uint64_t deadline = kt_now_us() + 1000 * MS;
	got_r = 1;
	if (!tap_eq(kt_spawn(&t, timed_recv_main, STACK(0), s.tid, deadline, 0),
		    0, "a thread receives from it alone, 1 s deadline"))
		return;
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	tap_eq(kt_destroy(&s), 0, "the partner is destroyed");
	tap_eq(kt_reap(t.tid, &status), 0, "the receiver goes on");
	tap_ok(status == -E_ABORTED && got_at < deadline,
	       "with E_ABORTED, before its deadline");
	kt_destroy(&t);

	/* The deadline first, then the partner dies: nothing more. */
	kt_spawn(&s, sleeper_main, STACK(1), DEADLINE_NEVER, 0, 0);
	deadline = kt_now_us() + 20 * MS;
	if (!tap_eq(kt_spawn(&t, timed_recv_main, STACK(0), s.tid, deadline, 0),
		    0, "a thread receives from a partner, 20 ms deadline"))
		return;
	tap_eq(kt_reap(t.tid, &status), 0, "it goes on");
	tap_eq(status, -E_TIMEOUT, "with E_TIMEOUT");
	tap_eq(kt_destroy(&s), 0, "then the partner is destroyed, harmlessly");
	kt_destroy(&t);

	/* A timed send whose receiver dies: E_ABORTED at once. */
	if (!tap_eq(kt_spawn(&s, sleeper_main, STACK(1), DEADLINE_NEVER, 0, 0),
		    0, "a receiver that never receives"))
		return;
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	deadline = kt_now_us() + 200 * MS;
	got_r = 1;
	if (!tap_eq(kt_spawn(&t, queued_sender_main, STACK(0), s.tid, 1, 0), 0,
		    "a thread sends to it (no deadline)"))
		return;
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	struct kt_thread u;
	uint64_t u_deadline = kt_now_us() + 200 * MS;
	if (tap_eq(
		kt_spawn(&u, timed_recv_main, STACK(2), TID_ANY, u_deadline, 0),
		0, "a timed receiver besides")) {
		kt_wait_state(u.tid, THREAD_STATE_BLOCKED);
		tap_eq(kt_destroy(&u), 0, "destroy the timed receiver");
	}
	tap_eq(kt_destroy(&s), 0, "destroy the receiver of the send");
	tap_eq(kt_reap(t.tid, &status), 0, "the sender goes on");
	tap_eq(status, -E_ABORTED, "with E_ABORTED");
	kt_destroy(&t);
}

/*
 * An extended message into a timed receive whose buffer is not mapped:
 * the copy waits for the receiver's pager, which answers only after the
 * receiver's deadline.  The copy is not cut short: the message arrives.
 */
#define VA_XBUF (KT_VA_TIME + 0x100000ul)
static cptr_t slow_page;
static volatile uint64_t slow_fault_addr;

static void slow_pager_main(uint64_t delay_us, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_receive(TID_ANY, &m);
	slow_fault_addr = m.mr[0] == IPC_TAG_PAGEFAULT ? m.mr[1] : 0;
	tess_sleep_us(delay_us);
	uint64_t answer =
	    r == 0 && slow_fault_addr &&
		    tess_map(slow_page, SPACE_SELF, VA_XBUF,
			     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE) == 0
		? FAULT_RESUME
		: FAULT_KILL;
	memset(&m.mr, 0, sizeof(m.mr));
	m.mr[0] = answer;
	tess_send(m.sender, &m);
	tess_sleep(DEADLINE_NEVER);
}

static void ext_recv_main(uint64_t deadline, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_ipc_until(TID_NIL, TID_ANY, IPC_EXTENDED | IPC_SIZE(64),
				&m, (void *)VA_XBUF, deadline);
	got_at = kt_now_us();
	got_mr0 = r == 0 ? *(volatile uint64_t *)VA_XBUF : 0;
	tess_exit((int)r);
}

static void test_copy_past_deadline(void)
{
	struct kt_thread pg, t;
	struct tess_msg m;
	uint64_t xbuf[8];
	int status;

	if (!tap_eq(tess_new(ka, CAP_PAGE, 0, &slow_page), 0,
		    "a page for a slow pager"))
		return;
	if (!tap_eq(kt_spawn(&pg, slow_pager_main, STACK(1), 300 * MS, 0, 0), 0,
		    "a pager that answers after 300 ms"))
		goto out;
	uint64_t deadline = kt_now_us() + 100 * MS;
	if (!tap_eq(kt_create(&t, 0, pg.tid, 0), 0, "a thread it pages") ||
	    !tap_eq(
		kt_start(t.tid, ext_recv_main, STACK(0), deadline, 0, 0), 0,
		"receives 64 bytes into an unmapped buffer, 100 ms deadline"))
		goto out;
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < 8; i++)
		xbuf[i] = 0x7100 + (uint64_t)i;
	/* (A deadline of my own, far off, in case it timed out first.) */
	tap_eq(tess_ipc_until(t.tid, TID_NIL, IPC_EXTENDED | IPC_SIZE(64), &m,
			      xbuf, kt_now_us() + 5000 * MS),
	       0, "my extended send waits for its pager, and is delivered");
	tap_eq(slow_fault_addr, VA_XBUF, "(the pager saw the fault)");
	tap_eq(kt_reap(t.tid, &status), 0, "the receiver goes on");
	tap_ok(status == 0 && got_mr0 == 0x7100 && got_at > deadline,
	       "past its deadline, with the message: a copy is not cut short");
	kt_destroy(&t);
out:
	kt_destroy(&pg);
	tess_delete(ka, slow_page);
}

static void test_recv_stopped(void)
{
	struct kt_thread t;
	int status;
	uint64_t deadline = kt_now_us() + 200 * MS;

	if (!tap_eq(
		kt_spawn(&t, timed_recv_main, STACK(0), TID_ANY, deadline, 0),
		0, "a thread receives with a 200 ms deadline"))
		return;
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	tap_eq(kt_tctrl(THREAD_SUSPEND, t.tid), 0, "suspend it");
	tess_sleep(deadline + 3 * tick_us);
	tap_eq(kt_state(t.tid), THREAD_STATE_INACTIVE,
	       "past the deadline it stays suspended");
	tap_eq(kt_tctrl(THREAD_RUN, t.tid), 0, "run it");
	tap_eq(kt_reap(t.tid, &status), 0, "it goes on");
	tap_eq(status, -E_ABORTED, "its receive returned E_ABORTED");
	kt_destroy(&t);
}

void test_deadlines(void)
{
	const struct bootinfo *bi = tess_bootinfo;
	printf("# time: clocks, sleep, IPC deadlines\n");
	tick_us = bi && bi->tick_hz ? 1000000 / bi->tick_hz : 10000;
	if (!tap_eq(kt_stacks_map(&stacks, KT_VA_TIME, NSTACKS + 1), 0,
		    "stacks for the suite's threads") ||
	    !tap_eq(
		spawn_prio(&probe, 100, probe_main, STACK(NSTACKS), 0, 0, 0), 0,
		"a low-priority probe thread")) {
		kt_stacks_unmap(&stacks);
		return;
	}
	test_clocks();
	test_sleep_length();
	test_sleep_stopped();
	test_sleep_order();
	test_recv_timeout();
	test_message_first();
	test_send_timeout();
	test_partner_death();
	test_copy_past_deadline();
	test_recv_stopped();
	kt_destroy(&probe);
	kt_stacks_unmap(&stacks);
}
