#include "ktest.h"

static uint32_t main_tid;
static char stack1[16384] __attribute__((aligned(16)));

static void child(void)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	for (;;) {
		long r = tess_receive(TID_ANY, &m);
		if (r)
			tess_exit(99);
		m.mr[0] += 1;
		tess_send(m.sender, &m);
	}
}

void test_threads(void)
{
	struct task_ids ids;
	struct thread_create tc;
	cptr_t th;
	tess_getid(&ids);
	main_tid = ids.tid;
	tap_ok(ids.tid != 0, "getid %x", ids.tid);
	tap_eq(tess_new(ka, CAP_THREAD, 0, &th), 0, "retype a thread");
	memset(&tc, 0, sizeof(tc));
	tc.thread = th;
	tc.pager = TID_NIL;
	tc.cid = 0;
	tc.prio = PRIO_INHERIT;
	tc.cspace = CPTR_NONE;
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc), 0, "create thread");
	uint32_t ctid = ids.tid;
	struct exregs x;
	memset(&x, 0, sizeof(x));
	x.rip = (uint64_t)child;
	x.rsp = (uint64_t)(stack1 + sizeof(stack1) - 8);
	x.valid = EXREGS_SET_PC | EXREGS_SET_SP;
	tap_eq(tess_exchange_registers(&x, ctid), 0, "exregs pc/sp");
	ids.tid = ctid;
	tap_eq(tess_thread_control(THREAD_RUN, &ids, 0), 0, "run");
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = 41;
	long r = tess_call(ctid, &m);
	tap_eq(r, 0, "call");
	tap_eq(m.mr[0], 42, "reply 42");
	tap_eq(m.sender, ctid, "sender");
	int ok = 1;
	for (int i = 0; i < 1000; i++) {
		m.mr[0] = i;
		if (tess_call(ctid, &m) || m.mr[0] != (uint64_t)i + 1) { ok = 0; break; }
	}
	tap_ok(ok, "1000 calls");
}
