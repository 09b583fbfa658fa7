/*
 * Replies (IPC_REPLY): a send phase that goes only to a thread waiting for
 * a reply from the caller (in a call to it, or for its pager's answer to a
 * fault) and is otherwise dropped at once, the receive phase following
 * either way.  Delivered to a caller, through the fast path and the slow
 * one; every error of the reply-only form (not waiting, waiting in an open
 * receive, waiting for someone else, dead, gone, the caller itself, an
 * extended reply); a reply and wait whose reply is dropped still receives;
 * a fault answered by its pager (slow and fast path), and not by another
 * thread, nor before the pager took the message; a hostile client that
 * sends without waiting, and keeps sending, never blocks the server.
 */
#include "ktest.h"
#include <stdbool.h>

#define STACK_SIZE 8192
static char stacks[3][STACK_SIZE] __attribute__((aligned(16)));
#define STACK(i) stacks[i], STACK_SIZE

#define NO_SUCH_TID 0x00fff321u
#define TAG_DONE 0xd0e
#define TAG_SPAM 0x5a

static uint32_t me;

/* Call `server` `n` times with MR0 = i, MR1 = ~i; exit with the number of
 * answers that were not MR0 = i + 1 from the server. */
static void caller_main(uint64_t server, uint64_t n, uint64_t a2)
{
	struct tess_msg m;
	int bad = 0;
	for (uint64_t i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = i;
		m.mr[1] = ~i;
		if (tess_call((uint32_t)server, &m) || m.mr[0] != i + 1 ||
		    m.sender != (uint32_t)server)
			bad++;
	}
	tess_exit(bad);
}

/* Receive from `from` (a tid or TID_ANY) once; exit with MR0 of what
 * arrived, or 0x100 + the error. */
static void receiver_main(uint64_t from, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_receive((uint32_t)from, &m);
	tess_exit(r ? 0x100 - (int)r : (int)m.mr[0]);
}

/* A hostile client: sends to `server` without ever waiting for an answer,
 * `n` times, each send blocking until the server takes it. */
static void spammer_main(uint64_t server, uint64_t n, uint64_t a2)
{
	struct tess_msg m;
	for (uint64_t i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = TAG_SPAM;
		m.mr[1] = i;
		tess_send((uint32_t)server, &m);
	}
	tess_exit(0);
}

/* Reply-only to `to` with MR0 = 1 (FAULT_KILL, were it a fault); exit with
 * what the reply returned, as 0x100 - it. */
static void replier_main(uint64_t to, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = FAULT_KILL;
	tess_exit(0x100 - (int)tess_reply((uint32_t)to, &m));
}

/* Two ud2 faults for its pager (`pager`), then a message saying so. */
static void faulter_main(uint64_t pager, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	__asm__ volatile("ud2" ::: "memory");
	__asm__ volatile("ud2" ::: "memory");
	memset(&m, 0, sizeof(m));
	m.mr[0] = TAG_DONE;
	tess_send((uint32_t)pager, &m);
	tess_exit(0);
}

static void reply_msg(struct tess_msg *m, uint64_t mr0)
{
	memset(m, 0, sizeof(*m));
	m->mr[0] = mr0;
}

/* A client in a call: the reply reaches it, by the fast path (exactly
 * IPC_REPLY, reply and wait) and the slow one (reply only; with
 * IPC_NONBLOCK), every answer right. */
static void test_reply_to_caller(void)
{
	struct kt_thread c = {0, 0};
	struct tess_msg m;
	int status, served = 0;
	long r;

	if (!tap_eq(kt_spawn(&c, caller_main, STACK(0), me, 30, 0), 0,
		    "a client that calls me 30 times"))
		return;
	r = kt_recv(c.tid, &m);
	for (int i = 0; r == 0 && m.sender == c.tid && i < 30; i++) {
		uint64_t want = i + 1;
		served += m.mr[0] == (uint64_t)i && m.mr[1] == ~(uint64_t)i;
		reply_msg(&m, want);
		if (i == 29) {
			r = tess_reply(c.tid, &m);
			break;
		}
		if (i % 3 == 0)
			r = tess_reply_wait(c.tid, &m);
		else if (i % 3 == 1)
			r = tess_ipc(c.tid, TID_ANY,
				     IPC_SHORT | IPC_REPLY | IPC_NONBLOCK, &m,
				     NULL) == -E_WOULDBLOCK
				? kt_recv(c.tid, &m)
				: -1;
		else
			r = tess_reply(c.tid, &m) ?: kt_recv(c.tid, &m);
	}
	tap_eq(r, 0, "each reply delivered, each next call received");
	tap_eq(served, 30, "every call arrived as sent");
	tap_eq(kt_reap(c.tid, &status), 0, "the client ends");
	tap_eq(status, 0, "every answer reached it, from me, as sent");
	kt_destroy(&c);
}

/* The reply-only form's errors; the target never sees the reply. */
static void test_reply_errors(void)
{
	struct kt_thread a = {0, 0}, b = {0, 0}, o = {0, 0};
	struct tess_msg m;
	int status;

	reply_msg(&m, 7);
	tap_eq(tess_reply(me, &m), -E_SELF, "a reply to myself is E_SELF");
	tap_eq(tess_reply(NO_SUCH_TID, &m), -E_NOTHREAD,
	       "a reply to no thread is E_NOTHREAD");
	tap_eq(tess_syscall3(SYS_ipc, (1l << 32) | NO_SUCH_TID, TID_NIL,
			     IPC_REPLY),
	       -E_NOTHREAD,
	       "a reply to a tid with bits above 31 is E_NOTHREAD");
	tap_eq(tess_ipc(NO_SUCH_TID, TID_NIL,
			IPC_EXTENDED | IPC_SIZE(8) | IPC_REPLY, &m, NULL),
	       -E_INVAL, "an extended reply is E_INVAL");

	/* Waiting for anyone (an open receive) is not waiting for a reply. */
	if (!tap_eq(kt_spawn(&a, receiver_main, STACK(0), TID_ANY, 0, 0), 0,
		    "a thread in an open receive") ||
	    !tap_eq(kt_wait_state(a.tid, THREAD_STATE_BLOCKED), 0,
		    "(it waits)"))
		goto out;
	tap_eq(tess_reply(a.tid, &m), -E_WOULDBLOCK,
	       "a reply to a thread in an open receive is E_WOULDBLOCK");
	tap_eq(kt_state(a.tid), THREAD_STATE_BLOCKED, "and it still waits");

	/* Waiting for someone else. */
	if (!tap_eq(kt_spawn(&o, receiver_main, STACK(1), a.tid, 0, 0), 0,
		    "a thread receiving from another thread alone") ||
	    !tap_eq(kt_wait_state(o.tid, THREAD_STATE_BLOCKED), 0,
		    "(it waits)"))
		goto out;
	tap_eq(tess_reply(o.tid, &m), -E_WOULDBLOCK,
	       "a reply to a thread waiting for someone else is E_WOULDBLOCK");
	tap_eq(kt_state(o.tid), THREAD_STATE_BLOCKED, "and it still waits");
	kt_destroy(&o);

	/* An ordinary send still reaches the open receiver: nothing was
	 * delivered by the replies. */
	reply_msg(&m, 0x33);
	tap_eq(tess_send(a.tid, &m), 0,
	       "an ordinary send to the open receiver");
	tap_eq(kt_reap(a.tid, &status), 0, "it ends");
	tap_eq(status, 0x33, "with that message, not a reply");

	/* A thread that is running, not in IPC, and one that is dead. */
	if (!tap_eq(kt_spawn(&b, receiver_main, STACK(2), me, 0, 0), 0,
		    "a thread receiving from me alone"))
		goto out;
	tap_eq(kt_wait_state(b.tid, THREAD_STATE_BLOCKED), 0, "(it waits)");
	reply_msg(&m, 0x44);
	tap_eq(tess_reply(b.tid, &m), 0,
	       "a reply to a thread in a closed receive from me is delivered");
	tap_eq(kt_reap(b.tid, &status), 0, "it ends");
	tap_eq(status, 0x44, "with my reply");
	kt_destroy(&b);
	if (!tap_eq(kt_spawn(&b, receiver_main, STACK(2), NO_SUCH_TID, 0, 0), 0,
		    "a thread that exits at once"))
		goto out;
	tap_eq(kt_wait_state(b.tid, THREAD_STATE_DEAD), 0, "(it is dead)");
	tap_eq(tess_reply(b.tid, &m), -E_NOTHREAD,
	       "a reply to a dead thread is E_NOTHREAD");
	tap_eq(kt_reap(b.tid, &status), 0, "(reaped)");
	tap_eq(tess_reply(b.tid, &m), -E_NOTHREAD,
	       "a reply to a reaped thread is E_NOTHREAD");
out:
	kt_destroy(&o);
	kt_destroy(&b);
	kt_destroy(&a);
}

/* A reply and wait whose reply is dropped still receives; with
 * IPC_NONBLOCK and nothing queued, the receive's E_WOULDBLOCK. */
static void test_reply_dropped_receive(void)
{
	struct kt_thread s = {0, 0};
	struct tess_msg m;
	int status;

	reply_msg(&m, 1);
	tap_eq(
	    tess_ipc(NO_SUCH_TID, TID_ANY, IPC_REPLY | IPC_NONBLOCK, &m, NULL),
	    -E_WOULDBLOCK,
	    "reply to no thread, then an empty non-blocking receive: "
	    "E_WOULDBLOCK");
	tap_eq(tess_ipc(TID_NIL, TID_ANY, IPC_REPLY | IPC_NONBLOCK, &m, NULL),
	       -E_WOULDBLOCK, "IPC_REPLY with no `to` is a plain receive");
	if (!tap_eq(kt_spawn(&s, spammer_main, STACK(0), me, 1, 0), 0,
		    "a thread that sends me one message") ||
	    !tap_eq(kt_wait_state(s.tid, THREAD_STATE_BLOCKED), 0,
		    "(queued to send)"))
		goto out;
	reply_msg(&m, 1);
	tap_eq(tess_reply_wait(NO_SUCH_TID, &m), 0,
	       "a reply and wait to no thread still receives");
	tap_ok(m.sender == s.tid && m.mr[0] == TAG_SPAM,
	       "the queued message arrives");
	tap_eq(kt_reap(s.tid, &status), 0, "the sender ends");
out:
	kt_destroy(&s);
}

/* A client that sends without waiting, again and again: replying to it
 * never blocks me, and its next message is what I receive. */
static void test_hostile_client(void)
{
	struct kt_thread h = {0, 0};
	struct tess_msg m;
	int status, got = 0;
	long r;

	if (!tap_eq(kt_spawn(&h, spammer_main, STACK(0), me, 5, 0), 0,
		    "a client that sends 5 times and never waits"))
		return;
	r = kt_recv(h.tid, &m);
	for (int i = 0; r == 0 && i < 5; i++) {
		got += m.sender == h.tid && m.mr[1] == (uint64_t)i;
		reply_msg(&m, 0x77);
		if (i == 4)
			break;
		/* With a deadline, so that a reply that blocked would end in
		 * E_TIMEOUT rather than hang the suite. */
		r = tess_ipc_until(h.tid, TID_ANY, IPC_REPLY, &m, NULL,
				   kt_now_us() + 1000000);
	}
	tap_eq(r, 0,
	       "each reply and wait to it returned with its next message");
	tap_eq(got, 5, "all five messages, in order");
	tap_eq(kt_reap(h.tid, &status), 0, "it ends");
	reply_msg(&m, 0x77);
	tap_eq(tess_reply(h.tid, &m), -E_NOTHREAD, "(a reply now: E_NOTHREAD)");
	kt_destroy(&h);
}

/* The pager answers a fault with a reply: the reply-only form (slow path)
 * and a reply and wait (fast path).  Before the pager has taken the fault
 * message, and from a thread that is not the pager, the reply is
 * dropped. */
static void test_fault_reply(void)
{
	struct kt_thread f = {0, 0}, x = {0, 0};
	struct tess_msg m;
	int status;

	if (!tap_eq(kt_create(&f, 0, me, 0), 0, "a thread I page") ||
	    !tap_eq(kt_start(f.tid, faulter_main, STACK(0), me, 0, 0), 0,
		    "(started: it takes two exceptions)"))
		goto out;
	tap_eq(kt_wait_state(f.tid, THREAD_STATE_BLOCKED), 0,
	       "it waits for its pager");
	reply_msg(&m, FAULT_RESUME);
	tap_eq(tess_reply(f.tid, &m), -E_WOULDBLOCK,
	       "a reply before I took its fault message is E_WOULDBLOCK");
	if (!tap_eq(kt_recv(f.tid, &m), 0, "I take its fault") ||
	    !tap_ok(m.mr[0] == IPC_TAG_EXCEPTION && (m.info & IPC_FROM_KERNEL),
		    "(an exception)"))
		goto out;
	uint64_t rip = m.mr[3];

	if (!tap_eq(kt_spawn(&x, replier_main, STACK(1), f.tid, 0, 0), 0,
		    "a thread that is not its pager replies"))
		goto out;
	tap_eq(kt_reap(x.tid, &status), 0, "(it ends)");
	tap_eq(status, 0x100 + E_WOULDBLOCK,
	       "its reply to the fault is E_WOULDBLOCK");
	tap_eq(kt_state(f.tid), THREAD_STATE_BLOCKED,
	       "and the thread still waits for me");

	reply_msg(&m, FAULT_RESUME_AT);
	m.mr[1] = rip + 2;
	tap_eq(tess_reply(f.tid, &m), 0, "my reply (reply only) answers it");
	if (!tap_eq(kt_recv(f.tid, &m), 0, "its second fault arrives") ||
	    !tap_ok(m.mr[0] == IPC_TAG_EXCEPTION && m.mr[3] == rip + 2,
		    "(the next ud2)"))
		goto out;
	reply_msg(&m, FAULT_RESUME_AT);
	m.mr[1] = rip + 4;
	tap_eq(tess_reply_wait(f.tid, &m), 0,
	       "a reply and wait answers the second and receives");
	tap_ok(m.sender == f.tid && m.mr[0] == TAG_DONE &&
		   !(m.info & IPC_FROM_KERNEL),
	       "what arrives is its message after both faults");
	tap_eq(kt_reap(f.tid, &status), 0, "it ends");
	tap_eq(status, 0, "normally");
out:
	kt_destroy(&x);
	kt_destroy(&f);
}

/* `n` ud2 faults at one place for its pager, then exit(TAG_FAULTS_DONE). */
#define TAG_FAULTS_DONE 0x61
static void faults_main(uint64_t n, uint64_t a1, uint64_t a2)
{
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("ud2" ::: "memory");
	tess_exit(TAG_FAULTS_DONE);
}

static bool is_ud2_from(const struct tess_msg *m, uint32_t tid)
{
	return m->sender == tid && m->mr[0] == IPC_TAG_EXCEPTION &&
	       m->mr[1] == 6 /* #UD */ && (m->info & IPC_FROM_KERNEL);
}

/* A pager that first receives from `from` alone, then takes a fault and
 * moves the thread past its ud2; exits with 1 if all came in that order. */
static void closed_pager_main(uint64_t from, uint64_t faulter, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_receive((uint32_t)from, &m);
	bool first = r == 0 && m.sender == (uint32_t)from && m.mr[0] == 0x55;
	r = tess_receive(TID_ANY, &m);
	bool fault = r == 0 && is_ud2_from(&m, (uint32_t)faulter);
	uint64_t rip = m.mr[3];
	reply_msg(&m, FAULT_RESUME_AT);
	m.mr[1] = rip + 2;
	r = tess_reply((uint32_t)faulter, &m);
	tess_exit(first && fault && r == 0);
}

/* Wait until thread `watch` is dead, then send `to` TAG_DONE. */
static void late_sender_main(uint64_t watch, uint64_t to, uint64_t a2)
{
	struct tess_msg m;
	kt_wait_state((uint32_t)watch, THREAD_STATE_DEAD);
	reply_msg(&m, TAG_DONE);
	tess_exit((int)tess_send((uint32_t)to, &m));
}

/*
 * A fault answered by a reply and wait (the fast path) with a resume that
 * the fault path must refuse: FAULT_RESUME_AT a kernel address kills the
 * thread, as by the slow path, and the reply and wait goes on receiving.
 */
static void test_fault_reply_kill(void)
{
	struct kt_thread f = {0, 0}, l = {0, 0};
	struct tess_msg m;
	int status;
	long r;

	if (!tap_eq(kt_create(&f, 0, me, 0), 0, "a thread I page") ||
	    !tap_eq(kt_start(f.tid, faults_main, STACK(0), 1, 0, 0), 0,
		    "(started: it takes an exception)") ||
	    !tap_eq(kt_spawn(&l, late_sender_main, STACK(1), f.tid, me, 0), 0,
		    "a thread that sends me a message once it is dead"))
		goto out;
	memset(&m, 0, sizeof(m));
	r = tess_receive(f.tid, &m);
	if (!tap_ok(r == 0 && is_ud2_from(&m, f.tid), "I take its fault"))
		goto out;
	uint64_t rip = m.mr[3];
	reply_msg(&m, FAULT_RESUME_AT);
	m.mr[1] = 0xffff800000000000ull;
	r = tess_reply_wait(f.tid, &m);
	tap_ok(r == 0 && m.sender == l.tid && m.mr[0] == TAG_DONE,
	       "my reply and wait resumes it at a kernel address, then "
	       "receives the next message");
	tap_eq(kt_reap(f.tid, &status), 0, "it is dead");
	tap_eq(status, -1, "killed by the fault path");
	printf("# expect: fault: thread %x (t%x): #UD invalid opcode, rip "
	       "%lx: killed by its pager\n",
	       f.tid, f.tid, (unsigned long)rip);
	tap_eq(kt_reap(l.tid, &status), 0, "(the sender ends)");
out:
	kt_destroy(&l);
	kt_destroy(&f);
}

/*
 * A thread's fault reaches a pager already waiting for it (the fault fast
 * path, switched to directly): in an open receive, in a receive from the
 * thread alone; in a receive with a deadline (the slow path: a timed wait
 * is not the fast path's) it arrives as well, and the deadline is
 * forgotten.  A pager receiving from another thread alone does not take
 * it: it waits until the pager receives from anyone.
 */
static void test_fault_delivery(void)
{
	struct kt_thread f = {0, 0}, p = {0, 0};
	struct tess_msg m;
	int status;
	long r;

	if (!tap_eq(kt_create(&f, 0, me, 0), 0, "a thread I page") ||
	    !tap_eq(kt_start(f.tid, faults_main, STACK(0), 3, 0, 0), 0,
		    "(started: it takes three exceptions)"))
		goto out;
	memset(&m, 0, sizeof(m));
	r = tess_receive(TID_ANY, &m);
	if (!tap_ok(r == 0 && is_ud2_from(&m, f.tid),
		    "its fault reaches me waiting in an open receive"))
		goto out;
	uint64_t rip = m.mr[3];
	reply_msg(&m, FAULT_RESUME_AT);
	m.mr[1] = rip + 2;
	r = tess_ipc(f.tid, f.tid, IPC_REPLY, &m, NULL);
	tap_ok(r == 0 && is_ud2_from(&m, f.tid) && m.mr[3] == rip,
	       "its next fault reaches me receiving from it alone");
	reply_msg(&m, FAULT_RESUME_AT);
	m.mr[1] = rip + 2;
	r = tess_ipc_until(f.tid, TID_ANY, IPC_REPLY, &m, NULL,
			   kt_now_us() + KT_TIMEOUT_US);
	tap_ok(r == 0 && is_ud2_from(&m, f.tid) && m.mr[3] == rip,
	       "and its third reaches me receiving with a deadline");
	reply_msg(&m, FAULT_RESUME_AT);
	m.mr[1] = rip + 2;
	tap_eq(tess_reply(f.tid, &m), 0, "I answer it");
	tap_eq(kt_reap(f.tid, &status), 0, "it ends");
	tap_eq(status, TAG_FAULTS_DONE, "past its three faults");
	kt_destroy(&f);

	if (!tap_eq(kt_create(&f, 0, TID_NIL, 0), 0, "a second thread") ||
	    !tap_eq(kt_spawn(&p, closed_pager_main, STACK(1), me, f.tid, 0), 0,
		    "its pager, receiving from me alone") ||
	    !tap_eq(kt_wait_state(p.tid, THREAD_STATE_BLOCKED), 0,
		    "(it waits)"))
		goto out;
	struct exregs x;
	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_PAGER;
	x.pager = p.tid;
	if (!tap_eq(tess_exchange_registers(&x, f.tid), 0, "(its pager set)") ||
	    !tap_eq(kt_start(f.tid, faults_main, STACK(0), 1, 0, 0), 0,
		    "(started: it takes one exception)"))
		goto out;
	tap_eq(kt_wait_state(f.tid, THREAD_STATE_BLOCKED), 0,
	       "the thread waits for its pager");
	tap_eq(kt_state(p.tid), THREAD_STATE_BLOCKED,
	       "which still waits for me: the fault is not taken");
	reply_msg(&m, 0x55);
	tap_eq(tess_send(p.tid, &m), 0, "I send to the pager");
	tap_eq(kt_reap(p.tid, &status), 0, "the pager ends");
	tap_eq(status, 1, "having had my message first, then the fault");
	tap_eq(kt_reap(f.tid, &status), 0, "the thread ends");
	tap_eq(status, TAG_FAULTS_DONE, "past its fault");
out:
	kt_destroy(&p);
	kt_destroy(&f);
}

void test_reply(void)
{
	me = kt_self();
	test_reply_to_caller();
	test_reply_errors();
	test_reply_dropped_receive();
	test_hostile_client();
	test_fault_reply();
	test_fault_delivery();
	test_fault_reply_kill();
}
