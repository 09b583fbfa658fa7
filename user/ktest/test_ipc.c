/*
 * IPC: short, full (UTCB) and extended messages; extended copies that
 * fault on either side and are served by a pager thread, in one space and
 * across two; copies that fail, or lose a side, while a fault waits, and a
 * third thread's copy that only it could page; a call whose `from` dies,
 * and a copier whose space is destroyed, while the copy waits for a page;
 * open and closed receives,
 * receives from a thread that is gone, and the order of queued senders;
 * IPC_NONBLOCK; the sender's tid as the kernel gives it; every error of
 * ipc(); the IPC capability a send needs; call/reply-wait servers; the
 * fast path against the slow path; and 100 threads in 10 spaces sending
 * numbered messages to one collector, nothing lost or doubled.
 */
#include "ktest.h"

#define STACK_SIZE 8192
#define NSTACKS 6
static char stacks[NSTACKS][STACK_SIZE] __attribute__((aligned(16)));
#define STACK(i) stacks[i], STACK_SIZE

#define VA_UTCB_ME (KT_VA_IPC + 0x10000)     /* my UTCB during the full tests */
#define VA_UTCB_ECHO (KT_VA_IPC + 0x11000)   /* the full echo thread's */
#define VA_UTCB_ABSENT (KT_VA_IPC + 0x12000) /* never mapped */
#define VA_PF (KT_VA_IPC + 0x200000)	     /* pages mapped by the pager */
#define NO_SUCH_TID 0x00fff123u

static uint32_t me;
static cptr_t copy_untyped; /* memory for the copied spaces */
static cptr_t tables[3], tables_pf[3];

static uint8_t pattern(uint32_t i, uint32_t seed)
{
	return (uint8_t)(i * 7 + seed * 31 + (i >> 8));
}

static void fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = pattern(i, seed);
}

static uint32_t mismatches(const uint8_t *p, uint32_t n, uint32_t seed)
{
	uint32_t bad = 0;
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != pattern(i, seed))
			bad++;
	return bad;
}

/* ---------------------------------------------------------------- threads */

/* What the echo threads last saw (they share my space). */
static volatile uint32_t seen_sender, seen_info;

/* Answer each message with every MR inverted; note who sent it and how. */
static void echo_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	long r;

	memset(&m, 0, sizeof(m));
	r = tess_receive(TID_ANY, &m);
	while (r == 0) {
		seen_sender = m.sender;
		seen_info = m.info;
		for (int i = 0; i < IPC_SHORT_MRS; i++)
			m.mr[i] = ~m.mr[i];
		r = tess_reply_wait(m.sender, &m);
	}
	tess_exit((int)r);
}

/* Send `count` messages to `to`, MR0 = `tag`, MR1 = the sequence number;
 * report failures in the exit status. */
static void sender_main(uint64_t to, uint64_t tag, uint64_t count)
{
	struct tess_msg m;
	int bad = 0;
	for (uint64_t i = 0; i < count; i++) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = tag;
		m.mr[1] = i;
		if (tess_send((uint32_t)to, &m))
			bad++;
	}
	tess_exit(bad);
}

/* Send once to `to` and report to `report` what the send returned. */
static void send_report_main(uint64_t to, uint64_t report, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_send((uint32_t)to, &m);
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0x5e;
	m.mr[1] = (uint64_t)r;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

/* Receive from `from` and report what arrived to `report`. */
static void recv_report_main(uint64_t from, uint64_t report, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_receive((uint32_t)from, &m);
	m.mr[4] = m.sender;
	m.mr[5] = (uint64_t)r;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

/*
 * Send to `to` and receive from `from` alone (to_from: to | from << 32):
 * an extended message of `size` bytes from and into `buf` (size 0: a short
 * one); report the result to `report` (size_report: size | report << 32).
 */
static void call_from_main(uint64_t to_from, uint64_t buf, uint64_t size_report)
{
	uint32_t size = (uint32_t)size_report;
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0xca;
	long r = tess_ipc((uint32_t)to_from, (uint32_t)(to_from >> 32),
			  size ? IPC_EXTENDED | IPC_SIZE(size) : IPC_SHORT, &m,
			  (void *)buf);
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0x5e;
	m.mr[1] = (uint64_t)r;
	tess_send((uint32_t)(size_report >> 32), &m);
	tess_exit(0);
}

/* ---------------------------------------------------------------- short */

static void test_short(void)
{
	struct kt_thread e = {0, 0};
	struct tess_msg m;
	int ok = 1;

	if (!tap_eq(kt_spawn(&e, echo_main, STACK(0), 0, 0, 0), 0,
		    "start an echo thread"))
		return;
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < IPC_SHORT_MRS; i++)
		m.mr[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
	tap_eq(tess_call(e.tid, &m), 0, "a short call");
	for (int i = 0; i < IPC_SHORT_MRS; i++)
		if (m.mr[i] != ~(0x1111111111111111ull * (uint64_t)(i + 1)))
			ok = 0;
	tap_ok(ok, "all six message registers go there and back");
	tap_eq(m.sender, e.tid, "the answer's sender is the echo thread");
	tap_eq(m.info, IPC_SHORT, "the answer is a short message");
	tap_eq(seen_sender, me, "the echo thread saw me as the sender");
	tap_eq(seen_info, IPC_SHORT, "and a short message");

	memset(&m, 0, sizeof(m));
	tap_eq(tess_ipc(TID_NIL, TID_NIL, IPC_SHORT, &m, NULL), 0,
	       "ipc(NIL, NIL) does nothing");
	tap_eq(tess_ipc(me, TID_NIL, IPC_SHORT, &m, NULL), -E_SELF,
	       "a send to myself is E_SELF");
	tap_eq(tess_ipc(TID_NIL, me, IPC_SHORT, &m, NULL), -E_SELF,
	       "a receive from myself is E_SELF");
	tap_eq(tess_call(me, &m), -E_SELF, "a call to myself is E_SELF");
	tap_eq(tess_send(NO_SUCH_TID, &m), -E_NOTHREAD,
	       "a send to an unknown tid is E_NOTHREAD");
	tap_eq(tess_receive(NO_SUCH_TID, &m), -E_NOTHREAD,
	       "a receive from an unknown tid is E_NOTHREAD");
	tap_eq(tess_call(NO_SUCH_TID, &m), -E_NOTHREAD,
	       "a call to an unknown tid is E_NOTHREAD");
	tap_eq(tess_ipc(e.tid, TID_NIL, 1u << 3, &m, NULL), -E_INVAL,
	       "an unknown flag is E_INVAL");
	tap_eq(tess_ipc(e.tid, TID_NIL, 3, &m, NULL), -E_INVAL,
	       "message type 3 is E_INVAL");
	tap_eq(tess_syscall3(SYS_ipc, e.tid, TID_NIL, 1l << 32), -E_INVAL,
	       "flags above 32 bits are E_INVAL");
	tap_eq(tess_syscall3(SYS_ipc, (1l << 32) | e.tid, TID_NIL, IPC_SHORT),
	       -E_NOTHREAD, "a destination tid above 32 bits names no thread");
	tap_eq(tess_syscall3(SYS_ipc, TID_NIL, (1l << 32) | e.tid, IPC_SHORT),
	       -E_NOTHREAD, "a source tid above 32 bits names no thread");

	memset(&m, 0, sizeof(m));
	m.mr[0] = 5;
	tap_ok(tess_call(e.tid, &m) == 0 && m.mr[0] == ~5ull,
	       "after all the refusals the echo thread still answers");
	kt_destroy(&e);
}

/* The receiver learns the sender from the kernel, whatever the MRs say. */
static void forge_main(uint64_t to, uint64_t claim, uint64_t a2)
{
	struct tess_msg m;
	for (int i = 0; i < IPC_SHORT_MRS; i++)
		m.mr[i] = claim;
	m.sender = (uint32_t)claim;
	tess_send((uint32_t)to, &m);
	tess_exit(0);
}

static void test_sender_id(void)
{
	struct kt_thread f = {0, 0}, e = {0, 0};
	struct tess_msg m;
	int status;

	if (kt_spawn(&e, echo_main, STACK(0), 0, 0, 0) ||
	    kt_spawn(&f, forge_main, STACK(1), me, e.tid, 0)) {
		tap_ok(0, "threads for the sender-id test");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(TID_ANY, &m), 0,
	       "receive a message claiming in every MR to be another thread's");
	tap_eq(m.sender, f.tid, "the sender is the thread that sent it");
	tap_eq(m.mr[0], e.tid, "(the claim arrives as plain data)");
	kt_reap(f.tid, &status);
out:
	kt_destroy(&f);
	kt_destroy(&e);
}

static void test_nonblock(void)
{
	struct kt_thread r = {0, 0}, s = {0, 0};
	struct tess_msg m;
	int status;

	if (!tap_eq(kt_spawn(&r, recv_report_main, STACK(0), me, me, 0), 0,
		    "start a thread that receives from me"))
		return;
	memset(&m, 0, sizeof(m));
	tap_eq(tess_ipc(TID_NIL, TID_ANY, IPC_NONBLOCK, &m, NULL),
	       -E_WOULDBLOCK,
	       "a non-blocking receive with nobody sending is E_WOULDBLOCK");
	tap_eq(
	    tess_ipc(TID_NIL, r.tid, IPC_NONBLOCK, &m, NULL), -E_WOULDBLOCK,
	    "a non-blocking receive from a thread not sending is E_WOULDBLOCK");
	tap_eq(kt_wait_state(r.tid, THREAD_STATE_BLOCKED), 0,
	       "the receiver waits");
	m.mr[0] = 0xabc;
	tap_eq(tess_ipc(r.tid, TID_NIL, IPC_NONBLOCK, &m, NULL), 0,
	       "a non-blocking send to a waiting receiver is delivered");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(r.tid, &m), 0, "it reports");
	tap_ok(m.mr[0] == 0xabc && m.mr[4] == me && m.mr[5] == 0,
	       "the message arrived, from me");
	kt_reap(r.tid, &status);
	kt_destroy(&r);

	/* A thread that is not receiving. */
	if (!tap_eq(kt_spawn(&s, sender_main, STACK(0), me, 1, 1), 0,
		    "start a thread that sends to me"))
		return;
	tap_eq(kt_wait_state(s.tid, THREAD_STATE_BLOCKED), 0,
	       "it waits for me");
	tap_eq(tess_ipc(s.tid, TID_NIL, IPC_NONBLOCK, &m, NULL), -E_WOULDBLOCK,
	       "a non-blocking send to a thread that is not receiving is "
	       "E_WOULDBLOCK");
	tap_eq(tess_ipc(TID_NIL, s.tid, IPC_NONBLOCK, &m, NULL), 0,
	       "a non-blocking receive takes the queued message");
	tap_ok(m.sender == s.tid && m.mr[0] == 1, "(its message)");
	kt_reap(s.tid, &status);
	tap_eq(tess_send(s.tid, &m), -E_NOTHREAD,
	       "a send to a dead thread is E_NOTHREAD");
	kt_destroy(&s);
}

/* A closed receive takes only its sender; the others wait, in order. */
static void test_receive_from(void)
{
	struct kt_thread t[3] = {{0, 0}, {0, 0}, {0, 0}};
	struct tess_msg m;
	int status, ok = 1;

	for (int i = 0; i < 3; i++) {
		if (kt_spawn(&t[i], sender_main, STACK(i), me, 10 + (uint64_t)i,
			     2)) {
			tap_ok(0, "senders for the closed-receive test");
			goto out;
		}
		kt_wait_state(t[i].tid,
			      THREAD_STATE_BLOCKED); /* queued in this order */
	}
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(t[2].tid, &m), 0,
	       "receive from the last of three queued senders");
	tap_ok(m.sender == t[2].tid && m.mr[0] == 12 && m.mr[1] == 0,
	       "its first message arrives");
	tap_eq(kt_state(t[0].tid), THREAD_STATE_BLOCKED,
	       "the first sender still waits");
	tap_eq(kt_state(t[1].tid), THREAD_STATE_BLOCKED,
	       "the second sender still waits");
	tap_eq(kt_recv(t[1].tid, &m), 0, "receive from the second");
	tap_ok(m.sender == t[1].tid && m.mr[0] == 11, "its message arrives");
	/* Now the queue holds t0, t2 (sent again), t1 (sent again). */
	uint32_t want[4] = {t[0].tid, t[2].tid, t[1].tid, t[0].tid};
	for (int i = 0; i < 4; i++) {
		if (kt_recv(TID_ANY, &m) || m.sender != want[i])
			ok = 0;
	}
	tap_ok(
	    ok,
	    "open receives take the queued senders first come, first served");
	for (int i = 0; i < 3; i++) {
		kt_reap(t[i].tid, &status);
		tap_eq(status, 0, "sender %d: every send succeeded", i);
	}
out:
	for (int i = 0; i < 3; i++)
		kt_destroy(&t[i]);
}

/* Threads leave IPC: a queued sender destroyed, a receiver destroyed. */
static void test_partner_gone(void)
{
	struct kt_thread d = {0, 0}, q = {0, 0}, s = {0, 0};
	struct tess_msg m;
	int status;

	if (kt_create(&d, 0, TID_NIL, 0) ||
	    kt_spawn(&q, send_report_main, STACK(0), d.tid, me, 0)) {
		tap_ok(0, "threads for the partner-gone tests");
		goto out;
	}
	tap_eq(kt_wait_state(q.tid, THREAD_STATE_BLOCKED), 0,
	       "a thread blocks sending to one that never receives");
	tap_eq(kt_tctrl(THREAD_DESTROY, d.tid), 0,
	       "destroy the one it sends to");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(q.tid, &m), 0, "the sender reports");
	tap_ok(m.mr[0] == 0x5e && (long)m.mr[1] == -E_ABORTED,
	       "its send failed with E_ABORTED when the receiver went away");
	kt_reap(q.tid, &status);

	tap_eq(kt_spawn(&s, sender_main, STACK(0), me, 3, 1), 0,
	       "a thread blocks sending to me");
	kt_wait_state(s.tid, THREAD_STATE_BLOCKED);
	tap_eq(kt_tctrl(THREAD_DESTROY, s.tid), 0, "destroy it while it waits");
	tap_eq(tess_ipc(TID_NIL, TID_ANY, IPC_NONBLOCK, &m, NULL),
	       -E_WOULDBLOCK, "its message is gone from my queue");
out:
	kt_destroy(&d);
	kt_destroy(&q);
	kt_destroy(&s);
}

/* Call `server`; report to `report` what the call returned. */
static void call_report_main(uint64_t server, uint64_t report, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = 1;
	long r = tess_call((uint32_t)server, &m);
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0x5e;
	m.mr[1] = (uint64_t)r;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

static volatile int sink_took;

/* Take one request and never answer it: exit, or wait for `from`. */
static void sink_main(uint64_t from, uint64_t exit_after, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	tess_receive(TID_ANY, &m);
	sink_took = 1;
	if (exit_after)
		tess_exit(5);
	tess_receive((uint32_t)from, &m);
	tess_exit(0);
}

/* A client waits for the answer of a server that goes away. */
static void test_server_gone(void)
{
	for (int exits = 0; exits < 2; exits++) {
		struct kt_thread x = {0, 0}, c = {0, 0};
		const char *how = exits ? "exits" : "is destroyed";
		struct tess_msg m;
		int status;

		sink_took = 0;
		if (kt_spawn(&x, sink_main, STACK(0), me, (uint64_t)exits, 0) ||
		    kt_spawn(&c, call_report_main, STACK(1), x.tid, me, 0)) {
			tap_ok(0, "threads for the server-gone test");
			goto next;
		}
		uint64_t end = kt_now_us() + 5000000;
		while (!sink_took && kt_now_us() < end)
			tess_thread_switch(TID_NIL);
		tap_ok(sink_took, "a server takes a call and does not answer");
		kt_wait_state(x.tid,
			      exits ? THREAD_STATE_DEAD : THREAD_STATE_BLOCKED);
		if (!exits)
			kt_tctrl(THREAD_DESTROY, x.tid);
		memset(&m, 0, sizeof(m));
		tap_eq(kt_recv(c.tid, &m), 0,
		       "the client goes on when the server %s", how);
		tap_eq((long)m.mr[1], -E_ABORTED,
		       "its call fails with E_ABORTED when the server %s", how);
		kt_reap(c.tid, &status);
		if (exits)
			kt_reap(x.tid, &status);
	next:
		kt_destroy(&c);
		kt_destroy(&x);
	}
}

/* Exit with `status` at once. */
static void exit_main(uint64_t status, uint64_t a1, uint64_t a2)
{
	tess_exit((int)status);
}

/* Receive one message from `from`, then exit. */
static void wait_exit_main(uint64_t from, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	tess_receive((uint32_t)from, &m);
	tess_exit(7);
}

/*
 * A receive from one thread alone, which is dead (exited, not reaped) or
 * goes while the receiver waits to send first: it fails, it does not
 * wait for good.
 */
static void test_from_gone(void)
{
	struct kt_thread d = {0, 0}, h = {0, 0};
	struct tess_msg m;
	int status;

	if (kt_spawn(&d, exit_main, STACK(1), 3, 0, 0) ||
	    kt_wait_state(d.tid, THREAD_STATE_DEAD)) {
		tap_ok(0, "a thread that exits at once");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	tap_eq(tess_ipc(TID_NIL, d.tid, IPC_NONBLOCK, &m, NULL), -E_NOTHREAD,
	       "a receive from an exited, unreaped thread is E_NOTHREAD");
	tap_eq(tess_call(d.tid, &m), -E_NOTHREAD, "so is a call to it");
	if (!tap_eq(kt_spawn(&h, recv_report_main, STACK(2), d.tid, me, 0), 0,
		    "a thread makes a blocking receive from it"))
		goto out;
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(h.tid, &m), 0, "it does not wait for good: it reports");
	tap_eq((long)m.mr[5], -E_NOTHREAD, "its receive was E_NOTHREAD");
	kt_reap(h.tid, &status);
	kt_reap(d.tid, &status);
out:
	kt_destroy(&h);
	kt_destroy(&d);

	/* A call-like ipc(to me, from f) queued for me; f goes before I take
	 * the send. */
	for (int exits = 0; exits < 2; exits++) {
		struct kt_thread f = {0, 0}, c = {0, 0};
		const char *how = exits ? "exited" : "was destroyed";

		if (kt_spawn(&f, wait_exit_main, STACK(1), me, 0, 0) ||
		    kt_spawn(&c, call_from_main, STACK(2),
			     me | ((uint64_t)f.tid << 32), 0,
			     (uint64_t)me << 32)) {
			tap_ok(0, "threads for the gone-source test");
			goto next;
		}
		tap_eq(kt_wait_state(c.tid, THREAD_STATE_BLOCKED), 0,
		       "a thread queues to send to me, then to receive from f");
		kt_wait_state(f.tid, THREAD_STATE_BLOCKED);
		if (exits) {
			memset(&m, 0, sizeof(m));
			tess_send(f.tid, &m);
			kt_wait_state(f.tid, THREAD_STATE_DEAD);
		} else {
			kt_tctrl(THREAD_DESTROY, f.tid);
		}
		memset(&m, 0, sizeof(m));
		tap_eq(kt_recv(c.tid, &m), 0, "f %s; I take the queued send",
		       how);
		tap_eq(m.mr[0], 0xca, "(its message)");
		memset(&m, 0, sizeof(m));
		tap_eq(kt_recv(c.tid, &m), 0, "the thread goes on");
		tap_ok(m.mr[0] == 0x5e && (long)m.mr[1] == -E_ABORTED,
		       "its receive from f, which %s, failed with E_ABORTED",
		       how);
		kt_reap(c.tid, &status);
		if (exits)
			kt_reap(f.tid, &status);
	next:
		kt_destroy(&c);
		kt_destroy(&f);
	}
}

/* ---------------------------------------------------------------- full */

static void full_echo_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct utcb *u = (struct utcb *)VA_UTCB_ECHO;
	struct tess_msg m;
	long r;

	memset(&m, 0, sizeof(m));
	r = tess_receive(TID_ANY, &m);
	while (r == 0) {
		seen_sender = m.sender;
		seen_info = m.info;
		for (int i = 0; i < IPC_SHORT_MRS; i++)
			m.mr[i] = ~m.mr[i];
		for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
			u->mr[i] = ~u->mr[i];
		r = tess_ipc(m.sender, TID_ANY,
			     (m.info & IPC_TYPE_MASK) == IPC_FULL ? IPC_FULL
								  : IPC_SHORT,
			     &m, NULL);
	}
	tess_exit((int)r);
}

/* Send a full message to `to`; report what the send returned. */
static void full_send_main(uint64_t to, uint64_t report, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_ipc((uint32_t)to, TID_NIL, IPC_FULL, &m, NULL);
	m.mr[0] = 0x5e;
	m.mr[1] = (uint64_t)r;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

static void test_full(void)
{
	struct utcb *u = (struct utcb *)VA_UTCB_ME;
	struct kt_thread f = {0, 0}, e = {0, 0}, n = {0, 0}, a = {0, 0};
	cptr_t p_me = 0, p_echo = 0;
	struct exregs x, mine;
	struct tess_msg m;
	int ok = 1, status;

	if (tess_new_page_at(ka, SPACE_SELF, VA_UTCB_ME, &p_me) ||
	    tess_new_page_at(ka, SPACE_SELF, VA_UTCB_ECHO, &p_echo)) {
		tap_ok(0, "pages for the UTCBs");
		goto out;
	}
	kt_read(me, &mine);
	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_UTCB;
	x.utcb = VA_UTCB_ME;
	tap_eq(tess_exchange_registers(&x, me), 0,
	       "give myself a UTCB for the full tests");
	if (kt_create(&f, 0, TID_NIL, VA_UTCB_ECHO) ||
	    kt_start(f.tid, full_echo_main, STACK(0), 0, 0, 0) ||
	    kt_spawn(&e, echo_main, STACK(1), 0, 0, 0)) {
		tap_ok(0, "echo threads for the full tests");
		goto out;
	}

	memset(&m, 0, sizeof(m));
	for (int i = 0; i < IPC_SHORT_MRS; i++)
		m.mr[i] = 0x100 + (uint64_t)i;
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		u->mr[i] = 0xf00d000000000000ull + (uint64_t)i;
	tap_eq(tess_ipc(f.tid, f.tid, IPC_FULL, &m, NULL), 0, "a full call");
	tap_eq(m.info, IPC_FULL, "the answer is a full message");
	tap_eq(seen_info, IPC_FULL, "the echo thread got a full message");
	tap_eq(seen_sender, me, "from me");
	for (int i = 0; i < IPC_SHORT_MRS; i++)
		if (m.mr[i] != ~(0x100 + (uint64_t)i))
			ok = 0;
	tap_ok(ok, "MR0..MR5 go there and back in registers");
	ok = 1;
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		if (u->mr[i] != ~(0xf00d000000000000ull + (uint64_t)i))
			ok = 0;
	tap_ok(ok, "MR6..MR63 go there and back through the UTCBs");
	tap_eq(u->mr[0], 0, "the UTCB's MR0..MR5 are not used");

	/* A short message does not touch the receiver's UTCB. */
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		u->mr[i] = 7;
	memset(&m, 0, sizeof(m));
	tap_eq(tess_call(f.tid, &m), 0, "a short call to the same thread");
	ok = 1;
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		if (u->mr[i] != 7)
			ok = 0;
	tap_ok(ok && m.info == IPC_SHORT,
	       "a short answer leaves my UTCB alone");

	tap_eq(tess_ipc(e.tid, TID_NIL, IPC_FULL, &m, NULL), -E_NOBUF,
	       "a full message to a thread with no UTCB is E_NOBUF");
	if (tap_eq(kt_create(&n, 0, TID_NIL, VA_UTCB_ABSENT), 0,
		   "a thread whose UTCB is not mapped")) {
		kt_start(n.tid, echo_main, STACK(2), 0, 0, 0);
		kt_wait_state(n.tid, THREAD_STATE_BLOCKED);
		tap_eq(tess_ipc(n.tid, TID_NIL, IPC_FULL, &m, NULL), -E_FAULT,
		       "a full message to a thread whose UTCB is not mapped is "
		       "E_FAULT");
		memset(&m, 0, sizeof(m));
		tap_ok(tess_call(n.tid, &m) == 0 && m.mr[0] == ~0ull,
		       "that receiver still waits and takes a short message");
	}
	tap_eq(kt_spawn(&a, full_send_main, STACK(3), f.tid, me, 0), 0,
	       "a thread with no UTCB sends a full message");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(a.tid, &m), 0, "it reports");
	tap_eq((long)m.mr[1], -E_NOBUF,
	       "a full send without a UTCB is E_NOBUF");
	kt_reap(a.tid, &status);
	kt_destroy(&a);
	tap_eq(kt_create(&a, 0, TID_NIL, VA_UTCB_ABSENT), 0,
	       "a thread whose UTCB is not mapped");
	kt_start(a.tid, full_send_main, STACK(3), f.tid, me, 0);
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(a.tid, &m), 0, "sends a full message and reports");
	tap_eq((long)m.mr[1], -E_FAULT,
	       "a full send from an unmapped UTCB is E_FAULT");
	kt_reap(a.tid, &status);
out:
	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_UTCB;
	x.utcb = mine.utcb;
	tess_exchange_registers(&x, me);
	kt_destroy(&f);
	kt_destroy(&e);
	kt_destroy(&n);
	kt_destroy(&a);
	if (p_me)
		tess_delete(ka, p_me);
	if (p_echo)
		tess_delete(ka, p_echo);
}

/* ---------------------------------------------------------------- extended */

static uint8_t xbuf_echo[IPC_EXTENDED_MAX];
static uint8_t xbuf_me[IPC_EXTENDED_MAX + 16];

/* Receive up to 2 KiB; answer with the same bytes xor 0x5a. */
static void ext_echo_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	long r;

	for (;;) {
		memset(&m, 0, sizeof(m));
		r = tess_ipc(TID_NIL, TID_ANY,
			     IPC_EXTENDED | IPC_SIZE(IPC_EXTENDED_MAX), &m,
			     xbuf_echo);
		if (r)
			tess_exit((int)r);
		uint32_t n = (m.info & IPC_SIZE_MASK) >> IPC_SIZE_SHIFT;
		seen_info = m.info;
		seen_sender = m.sender;
		for (uint32_t i = 0; i < n; i++)
			xbuf_echo[i] ^= 0x5a;
		m.mr[0] = n;
		tess_ipc(m.sender, TID_NIL, IPC_EXTENDED | IPC_SIZE(n), &m,
			 xbuf_echo);
	}
}

/* Receive one extended message of at most `room` bytes from `from` into
 * `buf`; report the result, what arrived and how much of it was wrong
 * (pattern seed 9) to `report`. */
static void ext_recv_main(uint64_t from, uint64_t buf, uint64_t room_report)
{
	uint32_t room = (uint32_t)room_report,
		 report = (uint32_t)(room_report >> 32);
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_ipc(TID_NIL, (uint32_t)from,
			  IPC_EXTENDED | IPC_SIZE(room), &m, (void *)buf);
	uint32_t n = (m.info & IPC_SIZE_MASK) >> IPC_SIZE_SHIFT;
	m.mr[0] = (uint64_t)r;
	m.mr[1] = m.info;
	m.mr[2] = r ? ~0u : mismatches((const uint8_t *)buf, n, 9);
	m.mr[3] = m.sender;
	tess_send(report, &m);
	tess_exit(0);
}

/* Send `size` bytes from `buf` to `to`; the exit status is the result. */
static void ext_send_main(uint64_t to, uint64_t buf, uint64_t size)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0xe5;
	tess_exit((int)tess_ipc((uint32_t)to, TID_NIL,
				IPC_EXTENDED | IPC_SIZE(size), &m,
				(void *)buf));
}

static void test_extended(void)
{
	static const uint32_t sizes[] = {0, 1, 255, 256, 257, 1000, 2047, 2048};
	static uint8_t rbuf[256];
	struct kt_thread x = {0, 0}, r = {0, 0}, e = {0, 0};
	struct tess_msg m;
	int status;

	if (!tap_eq(kt_spawn(&x, ext_echo_main, STACK(0), 0, 0, 0), 0,
		    "start an extended echo thread"))
		return;
	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint32_t n = sizes[k];
		int ok = 1;
		fill(xbuf_me, IPC_EXTENDED_MAX + 16, k);
		memset(&m, 0, sizeof(m));
		long ret = tess_ipc(x.tid, x.tid, IPC_EXTENDED | IPC_SIZE(n),
				    &m, xbuf_me);
		for (uint32_t i = 0; i < n; i++)
			if (xbuf_me[i] != (pattern(i, k) ^ 0x5a))
				ok = 0;
		for (uint32_t i = n; i < IPC_EXTENDED_MAX + 16; i++)
			if (xbuf_me[i] != pattern(i, k))
				ok = 0;
		tap_ok(ret == 0 && ok && m.mr[0] == n &&
			   m.info == (IPC_EXTENDED | IPC_SIZE(n)) &&
			   seen_info == (IPC_EXTENDED | IPC_SIZE(n)),
		       "an extended call of %u bytes: the bytes go there and "
		       "back, no byte more",
		       n);
	}
	memset(&m, 0, sizeof(m));
	tap_eq(tess_ipc(x.tid, x.tid,
			IPC_EXTENDED | IPC_SIZE(IPC_EXTENDED_MAX + 1), &m,
			xbuf_me),
	       -E_INVAL, "an extended message of 2049 bytes is E_INVAL");
	tap_eq(
	    tess_ipc(x.tid, x.tid, IPC_EXTENDED | IPC_SIZE(4095), &m, xbuf_me),
	    -E_INVAL, "an extended message of 4095 bytes is E_INVAL");
	tap_eq(tess_ipc(x.tid, x.tid, IPC_EXTENDED | (1u << 28), &m, xbuf_me),
	       -E_INVAL, "a size beyond the size field is E_INVAL");

	/* A receiver with too little room. */
	if (!tap_eq(kt_spawn(&r, ext_recv_main, STACK(1), me, (uint64_t)rbuf,
			     100 | ((uint64_t)me << 32)),
		    0, "start a thread that receives at most 100 bytes"))
		goto out;
	kt_wait_state(r.tid, THREAD_STATE_BLOCKED);
	fill(xbuf_me, 200, 9);
	memset(&m, 0, sizeof(m));
	tap_eq(
	    tess_ipc(r.tid, TID_NIL, IPC_EXTENDED | IPC_SIZE(200), &m, xbuf_me),
	    -E_TOOBIG, "sending 200 bytes to it is E_TOOBIG");
	tap_eq(kt_state(r.tid), THREAD_STATE_BLOCKED,
	       "the receiver still waits");
	tap_eq(
	    tess_ipc(r.tid, TID_NIL, IPC_EXTENDED | IPC_SIZE(100), &m, xbuf_me),
	    0, "sending 100 bytes works");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(r.tid, &m), 0, "it reports");
	tap_ok(m.mr[0] == 0 && m.mr[1] == (IPC_EXTENDED | IPC_SIZE(100)) &&
		   m.mr[2] == 0 && m.mr[3] == me,
	       "it got my 100 bytes intact");
	kt_reap(r.tid, &status);

	/* A receiver not taking extended messages. */
	if (tap_eq(kt_spawn(&e, echo_main, STACK(1), 0, 0, 0), 0,
		   "start a short echo thread")) {
		kt_wait_state(e.tid, THREAD_STATE_BLOCKED);
		tap_eq(tess_ipc(e.tid, TID_NIL, IPC_EXTENDED | IPC_SIZE(10), &m,
				xbuf_me),
		       -E_TOOBIG,
		       "10 extended bytes to a short receive are E_TOOBIG");
		tap_eq(
		    tess_ipc(e.tid, TID_NIL, IPC_EXTENDED, &m, xbuf_me),
		    -E_TOOBIG,
		    "even an empty extended message needs an extended receive");
	}
out:
	kt_destroy(&x);
	kt_destroy(&r);
	kt_destroy(&e);
}

/* ---------------------------------------------------------------- pager */

/*
 * A pager thread: for each page fault it maps the page set up for that
 * thread and address (pg_map) and answers pg_answer; it logs every fault.
 * It never allocates: the root thread made everything beforehand.
 */
struct pg_map {
	uint32_t tid;
	cptr_t space; /* where to map: SPACE_SELF or a copy's Space */
	uintptr_t va;
	cptr_t page;
};
struct pg_fault {
	uint32_t tid;
	uint64_t tag, addr, access;
};
#define PG_MAX 16
static struct pg_map pg_map[PG_MAX];
static volatile int pg_nmap, pg_nlog;
static struct pg_fault pg_log[PG_MAX];
static volatile uint64_t pg_answer;

static void pager_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	long r;

	memset(&m, 0, sizeof(m));
	r = tess_receive(TID_ANY, &m);
	for (;;) {
		if (r) {
			r = tess_receive(TID_ANY, &m);
			continue;
		}
		uint64_t answer = FAULT_KILL;
		int n = pg_nlog;
		if (n < PG_MAX) {
			pg_log[n].tid = m.sender;
			pg_log[n].tag = m.mr[0];
			pg_log[n].addr = m.mr[1];
			pg_log[n].access = m.mr[2];
			pg_nlog = n + 1;
		}
		for (int i = 0; i < pg_nmap && m.mr[0] == IPC_TAG_PAGEFAULT;
		     i++)
			if (pg_map[i].tid == m.sender &&
			    pg_map[i].va == (m.mr[1] & ~0xffful) &&
			    tess_map(pg_map[i].page, pg_map[i].space,
				     pg_map[i].va,
				     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE) == 0)
				answer = pg_answer;
		memset(&m.mr, 0, sizeof(m.mr));
		m.mr[0] = answer;
		r = tess_reply_wait(m.sender, &m);
	}
}

static void pg_reset(void)
{
	pg_nmap = 0;
	pg_nlog = 0;
	pg_answer = FAULT_RESUME;
}

static void pg_add(uint32_t tid, cptr_t space, uintptr_t va, cptr_t page)
{
	pg_map[pg_nmap].tid = tid;
	pg_map[pg_nmap].space = space;
	pg_map[pg_nmap].va = va;
	pg_map[pg_nmap].page = page;
	pg_nmap = pg_nmap + 1;
}

/* Did the pager see exactly one fault of `tid` on page `va`, with `access`? */
static int pg_logged(uint32_t tid, uintptr_t va, uint64_t access)
{
	int n = 0;
	for (int i = 0; i < pg_nlog; i++)
		if (pg_log[i].tid == tid && (pg_log[i].addr & ~0xffful) == va &&
		    pg_log[i].tag == IPC_TAG_PAGEFAULT &&
		    pg_log[i].access == access)
			n++;
	return n == 1;
}

/* Fill `page` with the pattern for `seed` (at byte offset `off` of the
 * two-page buffer it starts), through a mapping of mine that goes again. */
static void pg_prefill(cptr_t page, uintptr_t va, uint32_t off, uint32_t seed)
{
	if (tess_map(page, SPACE_SELF, va, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE))
		return;
	uint8_t *p = (uint8_t *)va;
	for (uint32_t i = 0; i < 4096; i++)
		p[i] = i + off >= 3096 ? pattern(i + off - 3096, seed) : 0;
	tess_unmap(page);
}

/*
 * Extended IPC whose buffers are on pages not mapped yet.  Four two-page
 * areas: A my receiver's, B my sender's (in my space), C the receiver's
 * and D the sender's in two copies of my space.  Each buffer starts 1000
 * bytes before its area's second page, so 2048 bytes span both pages.
 */
#define AREA(k) (VA_PF + (uintptr_t)(k)*0x2000)
#define BUF(k) (AREA(k) + 4096 - 1000)

static void test_extended_faults(void)
{
	struct kt_thread pg = {0, 0}, r = {0, 0}, s = {0, 0}, k = {0, 0};
	struct kt_child a, b;
	cptr_t pages[10];
	struct tess_msg m;
	int status, got = 0;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(pages, 0, sizeof(pages));
	for (int i = 0; i < 10; i++)
		if (tess_new(ka, CAP_PAGE, 0, &pages[i]))
			goto out;
	if (kt_spawn(&pg, pager_main, STACK(0), 0, 0, 0)) {
		tap_ok(0, "a pager thread");
		goto out;
	}
	pg_reset();
	pg_prefill(pages[2], AREA(1), 0, 9);
	pg_prefill(pages[3], AREA(1), 4096, 9);
	pg_prefill(pages[6], AREA(3), 0, 9);
	pg_prefill(pages[7], AREA(3), 4096, 9);

	/* A: I send to a thread whose receive buffer is not mapped. */
	tap_eq(kt_create(&r, 0, pg.tid, 0), 0,
	       "a receiver paged by the pager thread");
	pg_add(r.tid, SPACE_SELF, AREA(0), pages[0]);
	pg_add(r.tid, SPACE_SELF, AREA(0) + 4096, pages[1]);
	kt_start(r.tid, ext_recv_main, STACK(1), me, BUF(0),
		 2048 | ((uint64_t)me << 32));
	kt_wait_state(r.tid, THREAD_STATE_BLOCKED);
	fill(xbuf_me, 2048, 9);
	memset(&m, 0, sizeof(m));
	tap_eq(tess_ipc(r.tid, TID_NIL, IPC_EXTENDED | IPC_SIZE(2048), &m,
			xbuf_me),
	       0, "2 KiB to a receive buffer on two unmapped pages");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(r.tid, &m), 0, "the receiver reports");
	tap_ok(m.mr[0] == 0 && m.mr[1] == (IPC_EXTENDED | IPC_SIZE(2048)) &&
		   m.mr[2] == 0,
	       "it got all 2048 bytes intact");
	tap_eq(pg_nlog, 2, "its pager served two faults during the copy");
	tap_ok(pg_logged(r.tid, AREA(0), FAULT_KERNEL | FAULT_WRITE) &&
		   pg_logged(r.tid, AREA(0) + 4096, FAULT_KERNEL | FAULT_WRITE),
	       "one per page, in the receiver's name, kernel write access");
	kt_reap(r.tid, &status);

	/* B: a thread sends to me from a buffer that is not mapped. */
	pg_reset();
	tap_eq(kt_create(&s, 0, pg.tid, 0), 0,
	       "a sender paged by the pager thread");
	pg_add(s.tid, SPACE_SELF, AREA(1), pages[2]);
	pg_add(s.tid, SPACE_SELF, AREA(1) + 4096, pages[3]);
	kt_start(s.tid, ext_send_main, STACK(2), me, BUF(1), 2048);
	memset(xbuf_me, 0, sizeof(xbuf_me));
	memset(&m, 0, sizeof(m));
	uint64_t end = kt_now_us() + 5000000;
	long ret;
	while ((ret = tess_ipc(TID_NIL, s.tid,
			       IPC_EXTENDED | IPC_SIZE(2048) | IPC_NONBLOCK, &m,
			       xbuf_me)) == -E_WOULDBLOCK &&
	       kt_now_us() < end)
		tess_thread_switch(TID_NIL);
	tap_eq(ret, 0, "receive 2 KiB sent from two unmapped pages");
	tap_ok(m.sender == s.tid && m.info == (IPC_EXTENDED | IPC_SIZE(2048)) &&
		   mismatches(xbuf_me, 2048, 9) == 0,
	       "all 2048 bytes arrived intact");
	tap_ok(pg_nlog == 2 && pg_logged(s.tid, AREA(1), FAULT_KERNEL) &&
		   pg_logged(s.tid, AREA(1) + 4096, FAULT_KERNEL),
	       "the sender's pager served one read fault per page, in the "
	       "sender's name");
	tap_eq(kt_reap(s.tid, &status), 0, "the sender ends");
	tap_eq(status, 0, "its send succeeded");

	/* C and D: between two copies of my space, both sides faulting. */
	pg_reset();
	if (!tap_eq(kt_copy_child(&b, copy_untyped, pg.tid, 0), 0,
		    "a receiver in a copy of my space") ||
	    !tap_eq(kt_copy_child(&a, copy_untyped, pg.tid, 0), 0,
		    "a sender in another copy"))
		goto out;
	tap_eq(kt_grant(a.t.tid, CAP_IPC, SCOPE_THREAD, b.t.tid,
			CAP_IPC_SEND | CAP_IPC_EXTENDED),
	       0, "the sender may send extended messages to the receiver only");
	tap_eq(kt_grant(b.t.tid, CAP_IPC, SCOPE_THREAD, me,
			CAP_IPC_SEND | CAP_IPC_SHORT),
	       0, "the receiver may report to me");
	pg_add(b.t.tid, b.space, AREA(2), pages[4]);
	pg_add(b.t.tid, b.space, AREA(2) + 4096, pages[5]);
	pg_add(a.t.tid, a.space, AREA(3), pages[6]);
	pg_add(a.t.tid, a.space, AREA(3) + 4096, pages[7]);
	kt_start(b.t.tid, ext_recv_main, STACK(1), a.t.tid, BUF(2),
		 2048 | ((uint64_t)me << 32));
	kt_wait_state(b.t.tid, THREAD_STATE_BLOCKED);
	kt_start(a.t.tid, ext_send_main, STACK(2), b.t.tid, BUF(3), 2048);
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(b.t.tid, &m), 0, "the receiver reports");
	tap_ok(m.mr[0] == 0 && m.mr[1] == (IPC_EXTENDED | IPC_SIZE(2048)) &&
		   m.mr[2] == 0 && m.mr[3] == a.t.tid,
	       "2 KiB crossed between two spaces, from unmapped pages to "
	       "unmapped pages");
	tap_eq(kt_reap(a.t.tid, &status), 0, "the sender ends");
	tap_eq(status, 0, "its send succeeded");
	tap_ok(pg_nlog == 4 &&
		   pg_logged(b.t.tid, AREA(2), FAULT_KERNEL | FAULT_WRITE) &&
		   pg_logged(b.t.tid, AREA(2) + 4096,
			     FAULT_KERNEL | FAULT_WRITE) &&
		   pg_logged(a.t.tid, AREA(3), FAULT_KERNEL) &&
		   pg_logged(a.t.tid, AREA(3) + 4096, FAULT_KERNEL),
	       "the pager served each page of each side once, in that side's "
	       "name");
	kt_reap(b.t.tid, &status);
	for (int i = 0; i < 2; i++) {
		struct cap_info ci;
		if (tess_cap_info(pages[4 + i], &ci) == 0 && ci.mapped &&
		    ci.spid == b.spid)
			got++;
	}
	tap_eq(got, 2, "the receiver's pages are mapped in its space only");

	/* The pager refuses: the copy stops and the sender is told. */
	pg_reset();
	pg_answer = FAULT_KILL;
	tap_eq(kt_create(&k, 0, pg.tid, 0), 0,
	       "a receiver whose pager will refuse its faults");
	pg_add(k.tid, SPACE_SELF, AREA(4), pages[8]);
	pg_add(k.tid, SPACE_SELF, AREA(4) + 4096, pages[9]);
	kt_start(k.tid, ext_recv_main, STACK(1), me, BUF(4),
		 2048 | ((uint64_t)me << 32));
	kt_wait_state(k.tid, THREAD_STATE_BLOCKED);
	memset(&m, 0, sizeof(m));
	tap_eq(tess_ipc(k.tid, TID_NIL, IPC_EXTENDED | IPC_SIZE(2048), &m,
			xbuf_me),
	       -E_ABORTED,
	       "an extended send whose receive buffer cannot be paged in is "
	       "E_ABORTED");
	tap_eq(pg_nlog, 1, "the copy stopped at the first refused fault");
out:
	kt_destroy(&k);
	kt_destroy(&r);
	kt_destroy(&s);
	kt_child_destroy(&a);
	kt_child_destroy(&b);
	kt_destroy(&pg);
	for (int i = 0; i < 10; i++)
		if (pages[i])
			tess_delete(ka, pages[i]);
}

/* A receiver r paged by me, waiting in an extended receive into `buf`, and
 * a sender s whose 2048-byte copy to it will fault on that buffer. */
static long copy_pair(struct kt_thread *r, struct kt_thread *s, uint64_t buf)
{
	long e;
	if ((e = kt_create(r, 0, me, 0)) ||
	    (e = kt_start(r->tid, ext_recv_main, STACK(1), TID_ANY, buf,
			  2048 | ((uint64_t)me << 32))) ||
	    (e = kt_wait_state(r->tid, THREAD_STATE_BLOCKED)) ||
	    (e = kt_create(s, 0, me, 0)))
		return e;
	return kt_start(s->tid, ext_send_main, STACK(2), r->tid,
			(uint64_t)xbuf_me, 2048);
}

/*
 * One side of an extended copy goes away while the other side's fault is
 * at its pager (me): the copy ends with E_ABORTED for the side left, which
 * then works as before.
 */
static void test_copy_abort(void)
{
	struct kt_thread r = {0, 0}, s = {0, 0};
	struct tess_msg m;
	int status;

	/* The sender (doing the copy) goes. */
	if (copy_pair(&r, &s, BUF(5))) {
		tap_ok(0, "threads for the aborted-copy tests");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(r.tid, &m), 0,
	       "the receiver's buffer faults during the copy; I am its pager");
	tap_ok(m.mr[0] == IPC_TAG_PAGEFAULT &&
		   m.mr[2] == (FAULT_KERNEL | FAULT_WRITE),
	       "(a kernel write fault)");
	tap_eq(kt_tctrl(THREAD_DESTROY, s.tid), 0,
	       "destroy the sender while the fault waits for me");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(r.tid, &m), 0, "the receiver goes on");
	tap_ok(m.mr[0] == (uint64_t)-E_ABORTED && m.mr[2] == ~0u,
	       "its receive failed with E_ABORTED, and it reports normally "
	       "(not a fault message again: %lx)",
	       (unsigned long)m.mr[0]);
	kt_reap(r.tid, &status);
	kt_destroy(&r);
	kt_destroy(&s);

	/* The receiver (whose fault it is) goes. */
	if (copy_pair(&r, &s, BUF(6))) {
		tap_ok(0, "threads for the aborted-copy tests");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(r.tid, &m), 0, "again the receiver's buffer faults");
	uint32_t old = r.tid;
	tap_eq(kt_tctrl(THREAD_DESTROY, old), 0,
	       "destroy the receiver while its fault waits for me");
	tap_eq(kt_reap(s.tid, &status), 0, "the sender goes on");
	tap_eq(status, -E_ABORTED, "its send failed with E_ABORTED");
	memset(&m, 0, sizeof(m));
	tap_eq(tess_send(old, &m), -E_NOTHREAD,
	       "my answer to the gone receiver's fault is E_NOTHREAD");
out:
	kt_destroy(&r);
	kt_destroy(&s);
}

/* Send to `to` until it takes the message (IPC_NONBLOCK, yielding between
 * tries): what the last try returned, E_WOULDBLOCK after a time limit. */
static long send_within(uint32_t to, struct tess_msg *m)
{
	uint64_t end = kt_now_us() + KT_TIMEOUT_US;
	for (;;) {
		long r = tess_ipc(to, TID_NIL, IPC_NONBLOCK, m, NULL);
		if (r != -E_WOULDBLOCK || kt_now_us() > end)
			return r;
		tess_thread_switch(TID_NIL);
	}
}

/* Answer the fault message of `tid` (I am its pager) with `answer`. */
static long fault_answer(uint32_t tid, uint64_t answer)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = answer;
	return tess_send(tid, &m);
}

/*
 * An extended copy fails after the fault of its parked side (the receiver)
 * waited in its pager's send queue (I poll with IPC_NONBLOCK, so it
 * queues): the receiver goes back to its receive and takes a later
 * message.  (It used to stay parked in the copy for good.)
 */
static void test_copy_fail_unparks(void)
{
	struct kt_thread r = {0, 0}, s = {0, 0};
	struct tess_msg m;
	int status;

	if (copy_pair(&r, &s, BUF(7))) {
		tap_ok(0, "threads for the failed-copy test");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(r.tid, &m), 0,
	       "the parked receiver's fault waits in my queue; I take it");
	tap_eq(m.mr[0], IPC_TAG_PAGEFAULT, "(a page fault)");
	tap_eq(fault_answer(r.tid, FAULT_KILL), 0, "I refuse it");
	tap_eq(kt_reap(s.tid, &status), 0, "the sender ends");
	tap_eq(status, -E_ABORTED, "its send failed with E_ABORTED");
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0x77;
	tap_eq(send_within(r.tid, &m), 0,
	       "the receiver is back in its receive: a later message reaches "
	       "it");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(r.tid, &m), 0, "it reports");
	tap_ok(m.mr[0] == 0 && m.mr[1] == IPC_SHORT && m.mr[3] == me,
	       "its receive returned my short message");
	kt_reap(r.tid, &status);
out:
	kt_destroy(&r);
	kt_destroy(&s);
}

#define VA_FREED                                                               \
	(KT_VA_IPC + 0x20000) /* two pages: a freed Thread's memory            \
			       */
static uint8_t rbuf_freed[IPC_EXTENDED_MAX];

/* The memory of a deleted Thread object (untyped `ut`, all of it) made
 * into two pages mapped at VA_FREED: 0 or -E_*. */
static long freed_as_pages(cptr_t ut, cptr_t pg[2])
{
	for (int i = 0; i < 2; i++) {
		long r;
		pg[i] = tess_slot(ka);
		if (!pg[i])
			return -E_LIMIT;
		r = tess_retype(ut, CAP_PAGE, 0, pg[i], 1);
		if (!r)
			r = tess_map(pg[i], SPACE_SELF,
				     VA_FREED + (uintptr_t)i * 4096,
				     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
		if (r)
			return r;
	}
	return 0;
}

/* How many bytes of the two pages at VA_FREED are not 0. */
static uint32_t freed_written(void)
{
	const volatile uint8_t *p = (const volatile uint8_t *)VA_FREED;
	uint32_t n = 0;
	for (uint32_t i = 0; i < 2 * 4096; i++)
		n += p[i] != 0;
	return n;
}

/*
 * The parked side of an extended copy is destroyed while the copier
 * sleeps on a page fault of its own, and the parked side's memory is made
 * into pages of mine before the pager (me) answers.  The copy ends, and
 * the copier never touches the gone thread: the pages stay zero.  Twice:
 * the sender copies (its source faults; the receiver goes), and the
 * receiver copies from a queued sender (its buffer faults; the sender
 * goes).  The gone thread's object has an untyped of its own, so that its
 * memory is free again once it is deleted.
 */
static void test_copy_side_freed(void)
{
	for (int recv_copies = 0; recv_copies < 2; recv_copies++) {
		const char *copier = recv_copies ? "receiver" : "sender";
		const char *parked = recv_copies ? "sender" : "receiver";
		struct kt_thread cp = {0, 0}, gone = {0, 0};
		cptr_t ut = 0, tcap = 0, pg[2] = {0, 0};
		struct tess_msg m;
		int status;

		if (tess_new(ka, CAP_UNTYPED, THREAD_BITS, &ut) ||
		    !(tcap = tess_slot(ka)) ||
		    tess_retype(ut, CAP_THREAD, 0, tcap, 1) ||
		    kt_create_obj(&gone, tcap, 0, me, 0) ||
		    kt_create(&cp, 0, me, 0)) {
			tap_ok(0, "threads for the freed-side test");
			goto next;
		}
		fill(xbuf_me, 2048, 9);
		if (!recv_copies) {
			kt_start(gone.tid, ext_recv_main, STACK(1), TID_ANY,
				 (uint64_t)rbuf_freed,
				 2048 | ((uint64_t)me << 32));
			kt_wait_state(gone.tid, THREAD_STATE_BLOCKED);
			kt_start(cp.tid, ext_send_main, STACK(2), gone.tid,
				 BUF(8), 2048);
		} else {
			kt_start(gone.tid, ext_send_main, STACK(2), cp.tid,
				 (uint64_t)xbuf_me, 2048);
			kt_wait_state(gone.tid, THREAD_STATE_BLOCKED);
			kt_start(cp.tid, ext_recv_main, STACK(1), TID_ANY,
				 BUF(9), 2048 | ((uint64_t)me << 32));
		}
		memset(&m, 0, sizeof(m));
		tap_eq(kt_recv(cp.tid, &m), 0,
		       "the copying %s's own buffer faults; I am its pager",
		       copier);
		tap_ok(m.mr[0] == IPC_TAG_PAGEFAULT &&
			   m.mr[2] == (recv_copies ? FAULT_KERNEL | FAULT_WRITE
						   : FAULT_KERNEL),
		       "(a kernel %s fault)", recv_copies ? "write" : "read");
		tap_eq(kt_destroy(&gone), 0,
		       "destroy and delete the parked %s meanwhile", parked);
		tap_eq(tess_remaining(ut), 1l << THREAD_BITS,
		       "its memory is free again");
		tap_eq(freed_as_pages(ut, pg), 0,
		       "make it into two pages of mine before I answer");
		tap_eq(fault_answer(cp.tid, FAULT_RESUME), 0,
		       "then answer the fault");
		if (!recv_copies) {
			tap_eq(kt_reap(cp.tid, &status), 0, "the sender ends");
			tap_eq(status, -E_ABORTED,
			       "its send failed with E_ABORTED");
		} else {
			memset(&m, 0, sizeof(m));
			tap_eq(send_within(cp.tid, &m), 0,
			       "the receiver gave up that sender and still "
			       "receives: my message reaches it");
			memset(&m, 0, sizeof(m));
			tap_eq(kt_recv(cp.tid, &m), 0, "it reports");
			tap_ok(m.mr[0] == 0 && m.mr[1] == IPC_SHORT &&
				   m.mr[3] == me,
			       "its receive returned my short message");
			kt_reap(cp.tid, &status);
		}
		tap_eq(freed_written(), 0,
		       "the copier did not write to the gone %s's memory",
		       parked);
	next:
		for (int i = 0; i < 2; i++)
			if (pg[i])
				tess_delete(ka, pg[i]);
		kt_destroy(&cp);
		kt_destroy(&gone);
		if (!gone.tid && tcap)
			tess_delete(ka, tcap); /* no thread was made of it */
		if (ut)
			tess_delete(ka, ut);
	}
}

static uint8_t xbuf_call[IPC_EXTENDED_MAX], xbuf_third[IPC_EXTENDED_MAX];

/*
 * A third thread's copy: X receives the message of c, queued with a
 * receive phase from q alone, and q is queued sending extended to c, so X
 * copies q's message to c for them (sender_done).  q's buffer is not
 * mapped and X is q's pager: X cannot serve a fault of the copy it is
 * doing, so that copy fails at once with E_FAULT.  (X used to wait for
 * itself for good.)
 */
static void test_copy_by_pager(void)
{
	struct kt_thread x = {0, 0}, c = {0, 0}, q = {0, 0};
	struct tess_msg m;
	int status;

	if (kt_create(&x, 0, me, 0) || kt_create(&c, 0, me, 0) ||
	    kt_create(&q, 0, x.tid, 0)) {
		tap_ok(0, "threads for the third-thread copy test");
		goto out;
	}
	kt_start(q.tid, ext_send_main, STACK(3), c.tid, AREA(10), 64);
	tap_eq(kt_wait_state(q.tid, THREAD_STATE_BLOCKED), 0,
	       "q queues an extended send from an unmapped buffer to c");
	fill(xbuf_call, 64, 9);
	kt_start(c.tid, call_from_main, STACK(2),
		 x.tid | ((uint64_t)q.tid << 32), (uint64_t)xbuf_call,
		 64 | ((uint64_t)me << 32));
	tap_eq(kt_wait_state(c.tid, THREAD_STATE_BLOCKED), 0,
	       "c queues a send to x, to receive from q after");
	kt_start(x.tid, ext_recv_main, STACK(1), TID_ANY, (uint64_t)xbuf_third,
		 64 | ((uint64_t)me << 32));
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(x.tid, &m), 0,
	       "x, q's pager, takes c's message and copies q's to c: it does "
	       "not wait for itself");
	tap_ok(m.mr[0] == 0 && m.mr[2] == 0 && m.mr[3] == c.tid,
	       "x got c's message intact");
	tap_eq(kt_reap(q.tid, &status), 0, "q ends");
	tap_eq(status, -E_FAULT,
	       "its send failed at once with E_FAULT (only x could page it)");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(c.tid, &m), 0, "c goes on");
	tap_ok(m.mr[0] == 0x5e && (long)m.mr[1] == -E_ABORTED,
	       "c's receive from q, which exited, failed with E_ABORTED");
	kt_reap(c.tid, &status);
	kt_reap(x.tid, &status);
out:
	kt_destroy(&q);
	kt_destroy(&x);
	kt_destroy(&c);
}

/*
 * While an extended copy waits for a page of the receiver (I am its
 * pager), what the copy does not depend on goes away:
 *  - the thread the copying caller is to receive from is destroyed: once
 *    the copy is done its receive fails with E_ABORTED (it used to wait
 *    for the dead thread for good);
 *  - the copier's space is destroyed (the copier stops for good): the
 *    parked receiver's receive fails with E_ABORTED (it used to stay
 *    parked in the copy for good).
 * Each receive buffer is on one unmapped page.
 */
#define HOLE_SIZE 512
static void test_copy_holes(void)
{
	struct kt_thread r = {0, 0}, c = {0, 0}, f = {0, 0};
	struct kt_child cc;
	cptr_t page = 0;
	struct tess_msg m;
	int status;

	memset(&cc, 0, sizeof(cc));
	if (tess_new(ka, CAP_PAGE, 0, &page) || kt_create(&r, 0, me, 0) ||
	    kt_create(&c, 0, me, 0) || kt_create(&f, 0, me, 0)) {
		tap_ok(0, "threads for the vanished-partner copy tests");
		goto out;
	}
	fill(xbuf_me, HOLE_SIZE, 9);
	kt_start(r.tid, ext_recv_main, STACK(1), TID_ANY, AREA(11),
		 HOLE_SIZE | ((uint64_t)me << 32));
	kt_wait_state(r.tid, THREAD_STATE_BLOCKED);
	kt_start(c.tid, call_from_main, STACK(2),
		 r.tid | ((uint64_t)f.tid << 32), (uint64_t)xbuf_me,
		 HOLE_SIZE | ((uint64_t)me << 32));
	memset(&m, 0, sizeof(m));
	tap_ok(kt_recv(r.tid, &m) == 0 && m.mr[0] == IPC_TAG_PAGEFAULT &&
		   m.mr[1] == AREA(11),
	       "a caller's extended send waits for a page of the receiver");
	tap_eq(kt_tctrl(THREAD_DESTROY, f.tid), 0,
	       "destroy the thread the caller is to receive from");
	tess_map(page, SPACE_SELF, AREA(11),
		 RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	tap_eq(fault_answer(r.tid, FAULT_RESUME), 0,
	       "map the page and answer the fault");
	memset(&m, 0, sizeof(m));
	tap_ok(kt_recv(r.tid, &m) == 0 && m.mr[0] == 0 && m.mr[2] == 0 &&
		   m.mr[3] == c.tid,
	       "the receiver got the message intact");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(c.tid, &m), 0,
	       "the caller's receive phase does not wait for the dead thread");
	tap_ok(m.mr[0] == 0x5e && (long)m.mr[1] == -E_ABORTED,
	       "it fails with E_ABORTED (%ld)", (long)m.mr[1]);
	kt_reap(r.tid, &status);
	kt_reap(c.tid, &status);
	kt_destroy(&r);
	tess_unmap(page);

	/* The copier's space goes. */
	if (kt_create(&r, 0, me, 0) ||
	    kt_copy_child(&cc, copy_untyped, me, 0) ||
	    kt_grant(cc.t.tid, CAP_IPC, SCOPE_THREAD, r.tid, CAP_IPC_ALL)) {
		tap_ok(0, "a receiver, and a sender in a copy of my space");
		goto out;
	}
	kt_start(r.tid, ext_recv_main, STACK(1), TID_ANY, AREA(11),
		 HOLE_SIZE | ((uint64_t)me << 32));
	kt_wait_state(r.tid, THREAD_STATE_BLOCKED);
	kt_start(cc.t.tid, ext_send_main, STACK(2), r.tid, (uint64_t)xbuf_me,
		 HOLE_SIZE);
	memset(&m, 0, sizeof(m));
	tap_ok(kt_recv(r.tid, &m) == 0 && m.mr[0] == IPC_TAG_PAGEFAULT &&
		   m.mr[1] == AREA(11),
	       "a sender in another space copies: it waits for a page of the "
	       "receiver");
	tap_eq(tess_delete(ka, cc.space), 0,
	       "destroy the sender's space (the sender stops for good)");
	cc.space = 0;
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(r.tid, &m), 0, "the parked receiver is released");
	tap_eq((long)m.mr[0], -E_ABORTED, "its receive fails with E_ABORTED");
	tap_ok(kt_reap(r.tid, &status) == 0 && status == 0,
	       "and it ends normally, its fault withdrawn");
out:
	kt_child_destroy(&cc);
	kt_destroy(&r);
	kt_destroy(&c);
	kt_destroy(&f);
	if (page)
		tess_delete(ka, page);
}

/*
 * A third thread's copy into a receiver that receives from the sender
 * alone, and the sender destroyed while the copy waits for its page: the
 * receiver's receive fails with E_ABORTED.  (It used to go back to waiting
 * for the dead sender, for good.)  x takes c's message; c, queued sending
 * to x, is to receive from q alone; q is queued sending an extended
 * message to c from a buffer not mapped; x copies it for them and waits
 * for q's pager, me, to map the page.
 */
static void test_copy_sender_gone(void)
{
	struct kt_thread x = {0, 0}, c = {0, 0}, q = {0, 0};
	struct tess_msg m;
	int status;

	if (kt_create(&x, 0, me, 0) || kt_create(&c, 0, me, 0) ||
	    kt_create(&q, 0, me, 0)) {
		tap_ok(0, "threads for the gone-sender copy test");
		goto out;
	}
	kt_start(q.tid, ext_send_main, STACK(3), c.tid, AREA(12), 64);
	tap_eq(kt_wait_state(q.tid, THREAD_STATE_BLOCKED), 0,
	       "gone sender: q queues an extended send from an unmapped "
	       "buffer to c");
	kt_start(c.tid, call_from_main, STACK(2),
		 x.tid | ((uint64_t)q.tid << 32), (uint64_t)xbuf_call,
		 64 | ((uint64_t)me << 32));
	tap_eq(kt_wait_state(c.tid, THREAD_STATE_BLOCKED), 0,
	       "gone sender: c queues a send to x, to receive from q alone");
	kt_start(x.tid, ext_recv_main, STACK(1), TID_ANY, (uint64_t)xbuf_third,
		 64 | ((uint64_t)me << 32));
	memset(&m, 0, sizeof(m));
	tap_ok(kt_recv(q.tid, &m) == 0 && m.mr[0] == IPC_TAG_PAGEFAULT &&
		   m.mr[1] == AREA(12),
	       "gone sender: x copies q's message to c and waits for q's "
	       "page (its fault reaches me)");
	tap_eq(kt_tctrl(THREAD_DESTROY, q.tid), 0,
	       "gone sender: destroy q without answering");
	memset(&m, 0, sizeof(m));
	tap_ok(kt_recv(x.tid, &m) == 0 && m.mr[0] == 0 && m.mr[3] == c.tid,
	       "gone sender: x got c's message");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(c.tid, &m), 0,
	       "gone sender: c does not wait for the dead sender");
	tap_ok(m.mr[0] == 0x5e && (long)m.mr[1] == -E_ABORTED,
	       "gone sender: c's receive fails with E_ABORTED");
	kt_reap(c.tid, &status);
	kt_reap(x.tid, &status);
out:
	kt_destroy(&q);
	kt_destroy(&x);
	kt_destroy(&c);
}

/* ---------------------------------------------------------------- caps */

/* No IPC capability at all: receive from `from`, then try to answer. */
static void nocap_main(uint64_t from, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	if (tess_receive((uint32_t)from, &m) || m.mr[0] != 77)
		tess_exit(1);
	tess_exit((int)tess_send((uint32_t)from, &m));
}

/* A capability to send short messages to `to` only. */
static void narrow_main(uint64_t to, uint64_t other, uint64_t a2)
{
	struct tess_msg m;
	static uint8_t b[16];
	memset(&m, 0, sizeof(m));
	m.mr[0] = 1;
	long r0 = tess_send((uint32_t)to, &m);
	long r1 = tess_ipc((uint32_t)other, TID_NIL, IPC_NONBLOCK, &m, NULL);
	long r2 = tess_ipc((uint32_t)to, TID_NIL, IPC_FULL, &m, NULL);
	long r3 =
	    tess_ipc((uint32_t)to, TID_NIL, IPC_EXTENDED | IPC_SIZE(16), &m, b);
	memset(&m, 0, sizeof(m));
	m.mr[0] = 2;
	m.mr[1] = (uint64_t)r0;
	m.mr[2] = (uint64_t)r1;
	m.mr[3] = (uint64_t)r2;
	m.mr[4] = (uint64_t)r3;
	tess_send((uint32_t)to, &m);
	tess_exit(0);
}

static void test_ipc_caps(void)
{
	struct kt_child c, d;
	struct kt_thread e = {0, 0};
	struct tess_msg m;
	int status;

	memset(&d, 0, sizeof(d));
	if (!tap_eq(kt_copy_child(&c, copy_untyped, TID_NIL, 0), 0,
		    "a thread in a copied space, with no IPC capability"))
		return;
	kt_start(c.t.tid, nocap_main, STACK(0), me, 0, 0);
	tap_eq(kt_wait_state(c.t.tid, THREAD_STATE_BLOCKED), 0,
	       "it waits to receive from me");
	memset(&m, 0, sizeof(m));
	m.mr[0] = 77;
	tap_eq(tess_send(c.t.tid, &m), 0,
	       "receiving needs no capability: my message is delivered");
	tap_eq(kt_reap(c.t.tid, &status), 0, "it ends");
	tap_eq(status, -E_NOCAP,
	       "its answer, with no IPC capability, was E_NOCAP");

	if (kt_spawn(&e, echo_main, STACK(1), 0, 0, 0) ||
	    !tap_eq(kt_copy_child(&d, copy_untyped, TID_NIL, 0), 0,
		    "another copied-space thread"))
		goto out;
	tap_eq(kt_grant(d.t.tid, CAP_IPC, SCOPE_THREAD, me,
			CAP_IPC_SEND | CAP_IPC_SHORT),
	       0, "grant it short sends to me only");
	kt_start(d.t.tid, narrow_main, STACK(0), me, e.tid, 0);
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(d.t.tid, &m), 0, "its short message to me arrives");
	tap_eq(m.mr[0], 1, "(the first one)");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(d.t.tid, &m), 0, "its report arrives");
	tap_eq((long)m.mr[1], 0, "the short send to me succeeded");
	tap_eq((long)m.mr[2], -E_NOCAP,
	       "a send to a thread outside the capability's scope is E_NOCAP");
	tap_eq((long)m.mr[3], -E_NOCAP,
	       "a full send without the full right is E_NOCAP");
	tap_eq((long)m.mr[4], -E_NOCAP,
	       "an extended send without the extended right is E_NOCAP");
	kt_reap(d.t.tid, &status);
out:
	kt_destroy(&e);
	kt_child_destroy(&c);
	kt_child_destroy(&d);
}

/* ---------------------------------------------------------------- servers */

#define CALLS 300

/* Call `server` CALLS times; report the number of wrong answers. */
static void client_main(uint64_t server, uint64_t report, uint64_t id)
{
	struct tess_msg m;
	struct task_ids ids;
	uint64_t bad = 0;

	memset(&ids, 0, sizeof(ids));
	tess_getid(&ids);
	for (uint64_t i = 0; i < CALLS; i++) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = i;
		m.mr[1] = id;
		if (tess_call((uint32_t)server, &m) || m.sender != server ||
		    m.mr[0] != i + 1 || m.mr[1] != ids.tid || m.mr[2] != id)
			bad++;
	}
	memset(&m, 0, sizeof(m));
	m.mr[0] = bad;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

/* Answer MR0 + 1, the sender's tid as the kernel gave it, and MR1. */
static void server_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	long r;
	memset(&m, 0, sizeof(m));
	r = tess_receive(TID_ANY, &m);
	while (r == 0) {
		m.mr[2] = m.mr[1];
		m.mr[0]++;
		m.mr[1] = m.sender;
		r = tess_reply_wait(m.sender, &m);
	}
	tess_exit((int)r);
}

static void test_call_reply_wait(void)
{
	struct kt_thread srv = {0, 0}, cl[3] = {{0, 0}, {0, 0}, {0, 0}};
	struct tess_msg m;
	int status;

	if (!tap_eq(kt_spawn(&srv, server_main, STACK(0), 0, 0, 0), 0,
		    "start a reply-wait server"))
		return;
	for (int i = 0; i < 3; i++)
		if (kt_spawn(&cl[i], client_main, STACK(1 + i), srv.tid, me,
			     100 + (uint64_t)i)) {
			tap_ok(0, "clients for the server");
			goto out;
		}
	for (int i = 0; i < 3; i++) {
		memset(&m, 0, sizeof(m));
		tap_eq(kt_recv(cl[i].tid, &m), 0,
		       "client %d finishes its %d calls", i, CALLS);
		tap_eq(m.mr[0], 0,
		       "client %d: every answer was its own, and right", i);
		kt_reap(cl[i].tid, &status);
	}
out:
	for (int i = 0; i < 3; i++)
		kt_destroy(&cl[i]);
	kt_destroy(&srv);
}

/* Make and destroy a scope capability: every cached authorization is
 * checked again. */
static void bump_cap_epoch(void)
{
	struct capability list[4];
	if (tess_capability_control(CAP_CONTROL_READ, 4, list) > 0 &&
	    tess_capability_control(CAP_CONTROL_REPLICATE, 0, &list[0]) == 0)
		tess_capability_control(CAP_CONTROL_DESTROY, 0, &list[0]);
}

/*
 * The fast path (a short call to a waiting thread of my priority) and the
 * slow path (the same call to a waiting thread of lower priority, or with
 * a changed capability epoch) must give the same results.
 */
static void test_fast_slow(void)
{
	struct kt_thread fast = {0, 0}, slow = {0, 0};
	struct task_ids ids;
	struct thread_create tc;
	struct tess_msg a, b;
	int same = 1;

	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	if (kt_spawn(&fast, echo_main, STACK(0), 0, 0, 0) ||
	    tess_new(ka, CAP_THREAD, 0, &slow.cap)) {
		tap_ok(0, "threads for the fast/slow test");
		goto out;
	}
	ids.tid = me;
	tc.thread = slow.cap;
	tc.space = tc.cspace = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.prio = 100;
	if (tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc) ||
	    kt_start(ids.tid, echo_main, STACK(1), 0, 0, 0)) {
		tap_ok(0, "a lower-priority echo thread");
		goto out;
	}
	slow.tid = ids.tid;
	/* The cached check covers one target: the first call to a thread
	 * goes the slow way, the second the fast way. */
	for (int i = 0; i < 100 && same; i++) {
		struct tess_msg f1, f2;
		uint32_t sa, ia, sb, ib;
		long r1, r2, rb;
		memset(&f1, 0, sizeof(f1));
		for (int j = 0; j < IPC_SHORT_MRS; j++)
			f1.mr[j] = ((uint64_t)i << 32) | (uint64_t)j * 0x0101;
		f2 = b = f1;
		r1 = tess_call(fast.tid, &f1);
		r2 = tess_call(fast.tid, &f2);
		sa = seen_sender;
		ia = seen_info;
		rb = tess_call(slow.tid, &b);
		sb = seen_sender;
		ib = seen_info;
		if (r1 || r2 || rb || memcmp(f2.mr, b.mr, sizeof(b.mr)) ||
		    memcmp(f1.mr, b.mr, sizeof(b.mr)) || f1.info != b.info ||
		    f2.info != b.info || f1.sender != fast.tid ||
		    f2.sender != fast.tid || b.sender != slow.tid || sa != me ||
		    sb != me || ia != ib)
			same = 0;
		if (i == 50)
			bump_cap_epoch(); /* the cached check goes stale */
		a = f2;
	}
	tap_ok(same,
	       "100 rounds: fast-path and slow-path answers are the same");
	tap_ok(a.info == IPC_SHORT && a.mr[0] == ~(99ull << 32), "(and right)");
out:
	kt_destroy(&fast);
	kt_destroy(&slow);
}

/* ---------------------------------------------------------------- 100 */

#define H_SPACES 10
#define H_THREADS 10
#define H_MSGS 20
#define H_STACK 4096
static char h_stacks[H_THREADS][H_STACK] __attribute__((aligned(16)));

static uint64_t h_check(uint64_t idx, uint64_t seq)
{
	return idx * 1000003u + seq * 7919u + 1;
}

/* One of the hundred: n numbered messages to the collector. */
static void hundred_main(uint64_t idx, uint64_t collector, uint64_t n)
{
	struct tess_msg m;
	int bad = 0;
	for (uint64_t seq = 0; seq < n; seq++) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = idx;
		m.mr[1] = seq;
		m.mr[2] = h_check(idx, seq);
		if (tess_send((uint32_t)collector, &m))
			bad++;
		if (seq % 8 == idx % 8)
			tess_thread_switch(TID_NIL);
	}
	tess_exit(bad);
}

static void test_hundred(void)
{
	static struct kt_child sp[H_SPACES];
	static struct kt_thread th[H_SPACES * H_THREADS];
	static uint8_t seen[H_SPACES * H_THREADS][H_MSGS];
	const int total = H_SPACES * H_THREADS;
	int made = 0, grants = 0, started = 0, recvd = 0, dup = 0, forged = 0,
	    bad = 0, errs = 0, missing = 0, reaped = 0, fine = 0;
	struct tess_msg m;

	memset(sp, 0, sizeof(sp));
	memset(th, 0, sizeof(th));
	memset(seen, 0, sizeof(seen));
	memset(&m, 0, sizeof(m));
	for (int s = 0; s < H_SPACES; s++) {
		if (kt_copy_child(&sp[s], copy_untyped, TID_NIL, 0))
			break;
		th[s * H_THREADS] = sp[s].t;
		sp[s].t.cap = 0; /* th[] owns it now */
		made++;
		if (kt_grant(th[s * H_THREADS].tid, CAP_IPC, SCOPE_THREAD, me,
			     CAP_IPC_SEND | CAP_IPC_SHORT) == 0)
			grants++;
		for (int j = 1; j < H_THREADS; j++)
			if (kt_create(&th[s * H_THREADS + j],
				      th[s * H_THREADS].tid, TID_NIL, 0) == 0)
				made++;
	}
	tap_eq(made, total, "100 threads in 10 copies of my space");
	tap_eq(grants, H_SPACES, "each space may send short messages to me");
	for (int i = 0; i < total; i++)
		if (th[i].cap &&
		    kt_start(th[i].tid, hundred_main, h_stacks[i % H_THREADS],
			     H_STACK, (uint64_t)i, me, H_MSGS) == 0)
			started++;
	tap_eq(started, total, "all of them started");

	uint64_t end = kt_now_us() + 20000000;
	while (recvd < total * H_MSGS && kt_now_us() < end) {
		long r = tess_ipc(TID_NIL, TID_ANY, IPC_NONBLOCK, &m, NULL);
		if (r == -E_WOULDBLOCK) {
			tess_thread_switch(TID_NIL);
			continue;
		}
		if (r) {
			errs++;
			continue;
		}
		recvd++;
		int idx = -1;
		for (int i = 0; i < total; i++)
			if (th[i].tid == m.sender)
				idx = i;
		if (idx < 0 || m.mr[0] != (uint64_t)idx) {
			forged++;
			continue;
		}
		if (m.mr[1] >= H_MSGS || m.mr[2] != h_check(m.mr[0], m.mr[1]) ||
		    m.info != IPC_SHORT)
			bad++;
		else if (seen[idx][m.mr[1]]++)
			dup++;
	}
	for (int i = 0; i < total; i++)
		for (int j = 0; j < H_MSGS; j++)
			if (!seen[i][j])
				missing++;
	tap_eq(recvd, total * H_MSGS, "%d messages arrived", total * H_MSGS);
	tap_eq(errs, 0, "no receive failed");
	tap_eq(
	    forged, 0,
	    "each came from the thread its contents name, as the kernel says");
	tap_eq(bad, 0, "each arrived with its contents intact");
	tap_eq(dup, 0, "none arrived twice");
	tap_eq(missing, 0, "none is missing");
	for (int i = 0; i < total; i++) {
		int status;
		if (th[i].cap && kt_reap(th[i].tid, &status) == 0) {
			reaped++;
			if (status == 0)
				fine++;
		}
	}
	tap_eq(reaped, total, "all 100 exited and were reaped");
	tap_eq(fine, total, "every send of every thread succeeded");
	for (int i = 0; i < total; i++)
		kt_destroy(&th[i]);
	for (int s = 0; s < H_SPACES; s++)
		kt_child_destroy(&sp[s]);
}

void test_ipc(void)
{
	printf("# ipc: short, full, extended, faults in copies, caps, servers, "
	       "100 threads"
	       " (%ld KiB left)\n",
	       tess_remaining(ka->untyped) >> 10);
	me = kt_self();
	if (!tap_eq(tess_new(ka, CAP_UNTYPED, 24, &copy_untyped), 0,
		    "an untyped for copied spaces"))
		return;
	if (!tap_eq(kt_tables_make(ka, SPACE_SELF, KT_VA_IPC, tables), 0,
		    "page tables for my addresses") ||
	    !tap_eq(kt_tables_make(ka, SPACE_SELF, VA_PF, tables_pf), 0,
		    "and for the pager's pages"))
		goto out;
	test_short();
	test_sender_id();
	test_nonblock();
	test_receive_from();
	test_partner_gone();
	test_server_gone();
	test_from_gone();
	test_full();
	test_extended();
	test_extended_faults();
	test_copy_abort();
	test_copy_fail_unparks();
	test_copy_side_freed();
	test_copy_by_pager();
	test_copy_holes();
	test_copy_sender_gone();
	test_ipc_caps();
	test_call_reply_wait();
	test_fast_slow();
	test_hundred();
out:
	kt_tables_free(ka, tables_pf);
	kt_tables_free(ka, tables);
	tess_delete(ka, copy_untyped);
}
