/*
 * Threads: thread_control (CREATE in a shared, new or copied space, in
 * another container, with a shared group or UTCB; RUN, SUSPEND, DESTROY,
 * RECYCLE, WAIT; every argument error), thread ids and getid,
 * exchange_registers (reads, writes, each right, running targets, TLS
 * bases seen by the thread, also after another thread zeroed its own with
 * a null selector), priorities, thread_switch and time.
 *
 * Threads are made, started and reaped with the kt_* helpers (helpers.c).
 */
#include "ktest.h"

#define STACK_SIZE 8192
#define NSTACKS 6
static char stacks[NSTACKS][STACK_SIZE] __attribute__((aligned(16)));
#define STACK(i) stacks[i], STACK_SIZE

#define VA_SCRATCH (KT_VA_THREADS + 0x10000) /* root's view of a page */
#define VA_EXTRA (KT_VA_THREADS + 0x11000)   /* one more mapping (copy count) */
#define VA_UTCB (KT_VA_THREADS + 0x20000)    /* a UTCB address (not mapped) */
#define VA_NEWSPACE_CODE (KT_VA_THREADS + 0x200000)

#define KERNEL_ADDR 0xffffffff80100000ul
#define NO_SUCH_TID 0x00fff123u

static uint32_t me, my_spid;
static cptr_t copy_untyped; /* 4 MiB for the TC_COPY_SPACE children */
static cptr_t tables[3];    /* my page tables for KT_VA_THREADS */

/* The CREATE arguments the tests start from: Thread object `cap`, no
 * Space or CSpace object, no pager (TID_NIL), the creator's priority. */
static void create_args(struct thread_create *tc, cptr_t cap)
{
	memset(tc, 0, sizeof(*tc));
	tc->thread = cap;
	tc->space = tc->cspace = CPTR_NONE;
	tc->pager = TID_NIL;
	tc->prio = PRIO_INHERIT;
}

/* From a thread of my space: make Thread `cap` a child of the caller in
 * this space and start fn(a0) on `stack`.  Its tid, or 0. */
static uint32_t start_child(cptr_t cap, kt_entry fn, void *stack, uint64_t a0)
{
	struct task_ids ids;
	struct thread_create tc;

	memset(&ids, 0, sizeof(ids));
	tess_getid(&ids);
	create_args(&tc, cap);
	if (tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc) ||
	    kt_start(ids.tid, fn, stack, STACK_SIZE, a0, 0, 0))
		return 0;
	return ids.tid;
}

/* ---------------------------------------------------------------- threads */

/* Answer calls: MR0 + 1, and what getid says (tid, spid, tgid). */
static void echo_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	struct task_ids ids;
	long r;

	memset(&m, 0, sizeof(m));
	memset(&ids, 0, sizeof(ids));
	tess_getid(&ids);
	r = tess_receive(TID_ANY, &m);
	while (r == 0) {
		m.mr[0]++;
		m.mr[1] = ids.tid;
		m.mr[2] = ids.spid;
		m.mr[3] = ids.tgid;
		r = tess_reply_wait(m.sender, &m);
	}
	tess_exit((int)r);
}

/* Yield `yields` times, then exit with `status`. */
static void exit_main(uint64_t status, uint64_t yields, uint64_t a2)
{
	for (uint64_t i = 0; i < yields; i++)
		tess_thread_switch(TID_NIL);
	tess_exit((int)status);
}

/* Count up forever, yielding each time. */
static void spin_main(uint64_t counter, uint64_t a1, uint64_t a2)
{
	volatile uint64_t *n = (volatile uint64_t *)counter;
	for (;;) {
		(*n)++;
		tess_thread_switch(TID_NIL);
	}
}

/* Receive from `from`; report what the receive returned to `from`. */
static void recv_report_main(uint64_t from, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_receive((uint32_t)from, &m);
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0x5e;
	m.mr[1] = (uint64_t)r;
	tess_send((uint32_t)from, &m);
	tess_exit(0);
}

/* Send once to `to`; then report what that send returned. */
static void send_report_main(uint64_t to, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = 1;
	long r = tess_send((uint32_t)to, &m);
	memset(&m, 0, sizeof(m));
	m.mr[0] = 2;
	m.mr[1] = (uint64_t)r;
	tess_send((uint32_t)to, &m);
	tess_exit(0);
}

/* ---------------------------------------------------------------- getid */

static void test_getid(void)
{
	struct task_ids ids;

	memset(&ids, 0xff, sizeof(ids));
	tap_eq(tess_getid(&ids), 0, "getid succeeds");
	tap_eq(ids.tid, tess_bootinfo->root_tid,
	       "getid: the tid is the boot info's root tid");
	tap_eq(TID_CID(ids.tid), 0,
	       "getid: the root task's tid has container 0 in its top byte");
	tap_ok(TID_RAW(ids.tid) != 0 &&
		   TID_MAKE(TID_CID(ids.tid), TID_RAW(ids.tid)) == ids.tid,
	       "TID_CID and TID_RAW split the tid and TID_MAKE joins it again");
	tap_eq(ids.tgid, ids.tid,
	       "getid: the root thread leads its own thread group");
	tap_ok(ids.spid != 0, "getid: the root task has a space id (%u)",
	       ids.spid);
	me = ids.tid;
	my_spid = ids.spid;
	tap_eq(tess_getid(NULL), -E_FAULT, "getid(NULL) is E_FAULT");
	tap_eq(tess_getid((struct task_ids *)tess_bootinfo), -E_FAULT,
	       "getid into the read-only boot-info page is E_FAULT");
	tap_eq(tess_getid((struct task_ids *)KERNEL_ADDR), -E_FAULT,
	       "getid into the kernel's half is E_FAULT");
}

/* ---------------------------------------------------------------- create */

/* CREATE in my space, RUN, and a call/reply loop (the first smoke test). */
static void test_create_share_space(void)
{
	struct task_ids ids;
	struct thread_create tc;
	struct kt_thread t = {0, 0};
	struct tess_msg m;
	int ok = 1;

	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	if (!tap_eq(tess_new(ka, CAP_THREAD, 0, &t.cap), 0,
		    "retype a Thread object"))
		return;
	ids.tid = me;
	tc.thread = t.cap;
	tc.space = CPTR_NONE;
	tc.cspace = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.prio = PRIO_INHERIT;
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc),
	       0, "CREATE with TC_SHARE_SPACE");
	t.tid = ids.tid;
	tap_ok(t.tid != me && TID_CID(t.tid) == 0 && TID_RAW(t.tid) != 0,
	       "the new thread has a fresh tid in container 0 (%x)", t.tid);
	tap_eq(ids.spid, my_spid, "CREATE reports the shared space's id");
	tap_eq(ids.tgid, t.tid,
	       "a thread created without TC_SHARE_GROUP leads its own group");
	tap_eq(kt_state(t.tid), THREAD_STATE_INACTIVE,
	       "a created thread is inactive until RUN");

	struct exregs x;
	kt_read(t.tid, &x);
	tap_eq(x.pager, me,
	       "pager TID_NIL in CREATE makes the creator the pager");

	tap_eq(kt_start(t.tid, echo_main, STACK(0), 0, 0, 0), 0,
	       "exchange_registers sets pc and sp, RUN starts it");
	memset(&m, 0, sizeof(m));
	m.mr[0] = 41;
	tap_eq(tess_call(t.tid, &m), 0, "call the new thread");
	tap_eq(m.mr[0], 42, "it answers with MR0 + 1");
	tap_eq(m.sender, t.tid, "the answer comes from its tid");
	tap_eq(m.mr[1], t.tid, "getid in the thread gives the tid CREATE gave");
	tap_eq(m.mr[2], my_spid,
	       "getid in the thread gives the shared space id");
	tap_eq(m.mr[3], t.tid, "getid in the thread gives its own group");
	for (int i = 0; i < 1000 && ok; i++) {
		m.mr[0] = (uint64_t)i * 3;
		if (tess_call(t.tid, &m) || m.mr[0] != (uint64_t)i * 3 + 1 ||
		    m.sender != t.tid)
			ok = 0;
	}
	tap_ok(ok, "1000 calls, each answered with MR0 + 1");
	tap_eq(kt_state(t.tid), THREAD_STATE_BLOCKED,
	       "a thread waiting for a message is blocked");
	tap_eq(kt_tctrl(THREAD_RUN, t.tid), -E_ACTIVE,
	       "RUN of a blocked thread is E_ACTIVE");
	kt_destroy(&t);
}

/* Every way CREATE refuses, and the Thread object is still unused after. */
static void test_create_errors(void)
{
	struct task_ids ids;
	struct thread_create tc, good;
	cptr_t th = 0, sp = 0, small_u = 0, cn = 0, tiny_cn = 0, con2 = 0;
	struct kt_thread other = {0, 0};

	long left;

	if (tess_new(ka, CAP_THREAD, 0, &th) ||
	    tess_new(ka, CAP_SPACE, 0, &sp) ||
	    tess_new(ka, CAP_UNTYPED, 12, &small_u) ||
	    tess_new(ka, CAP_CSPACE, KT_COPY_CNODE_BITS, &cn) ||
	    tess_new(ka, CAP_CSPACE, 4, &tiny_cn) ||
	    kt_create(&other, 0, TID_NIL, 0)) {
		tap_ok(0, "objects for the CREATE error tests");
		goto out;
	}
	create_args(&good, th);

#define RESET()                                                                \
	do {                                                                   \
		memset(&ids, 0, sizeof(ids));                                  \
		ids.tid = me;                                                  \
		tc = good;                                                     \
	} while (0)
#define CREATE(flags) tess_thread_control(THREAD_CREATE | (flags), &ids, &tc)

	RESET();
	tap_eq(tess_syscall3(SYS_thread_control,
			     (long)(1ul << 32) | THREAD_CREATE | TC_SHARE_SPACE,
			     (long)&ids, (long)&tc),
	       -E_INVAL,
	       "thread_control with bits above 32 in the action is E_INVAL");
	tap_eq(CREATE(TC_SHARE_SPACE | 0x20), -E_INVAL,
	       "CREATE with an unknown flag is E_INVAL");
	tap_eq(CREATE(0), -E_INVAL, "CREATE with no space flag is E_INVAL");
	tap_eq(CREATE(TC_SHARE_SPACE | TC_NEW_SPACE), -E_INVAL,
	       "CREATE with TC_SHARE_SPACE and TC_NEW_SPACE is E_INVAL");
	tap_eq(CREATE(TC_SHARE_SPACE | TC_COPY_SPACE), -E_INVAL,
	       "CREATE with TC_SHARE_SPACE and TC_COPY_SPACE is E_INVAL");
	tap_eq(CREATE(TC_COPY_SPACE | TC_NEW_SPACE), -E_INVAL,
	       "CREATE with TC_COPY_SPACE and TC_NEW_SPACE is E_INVAL");
	tc.cid = CID_MAX + 1;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_INVAL,
	       "CREATE in container id 255 is E_INVAL");
	RESET();
	tc.cid = 200;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_INVAL,
	       "CREATE in a container that does not exist is E_INVAL");

	RESET();
	tc.thread = tess_slot(ka); /* an empty slot */
	tap_eq(CREATE(TC_SHARE_SPACE), -E_EMPTY,
	       "CREATE with an empty Thread slot is E_EMPTY");
	tess_slot_free(ka, tc.thread);
	tc.thread = BOOT_SLOT_CONSOLE;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_CAPTYPE,
	       "CREATE with a Console capability is E_CAPTYPE");
	tc.thread = 0x1000;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_BADCAP,
	       "CREATE with a slot beyond the CSpace is E_BADCAP");
	tc.thread = BOOT_SLOT_THREAD;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_BUSY,
	       "CREATE with the caller's own Thread object is E_BUSY");
	tc.thread = other.cap;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_BUSY,
	       "CREATE with a Thread object already in use is E_BUSY");

	RESET();
	ids.tid = NO_SUCH_TID;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_NOTHREAD,
	       "TC_SHARE_SPACE with an unknown tid is E_NOTHREAD");
	ids.tid = TID_NIL;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_NOTHREAD,
	       "TC_SHARE_SPACE with TID_NIL is E_NOTHREAD");
	RESET();
	tc.pager = NO_SUCH_TID;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_NOTHREAD,
	       "CREATE with an unknown pager is E_NOTHREAD");
	RESET();
	tc.prio = 201;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_PERM,
	       "CREATE with a priority above the caller's (200) is E_PERM");
	tc.prio = 256;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_RANGE,
	       "CREATE with priority 256 is E_RANGE");
	RESET();
	ids.tgid = NO_SUCH_TID;
	tap_eq(CREATE(TC_SHARE_SPACE | TC_SHARE_GROUP), -E_NOTHREAD,
	       "TC_SHARE_GROUP with an unknown group tid is E_NOTHREAD");
	RESET();
	tc.utcb = VA_UTCB + 4;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_ALIGN,
	       "CREATE with an unaligned UTCB is E_ALIGN");
	tc.utcb = USER_ADDR_TOP;
	tap_eq(CREATE(TC_SHARE_SPACE), -E_RANGE,
	       "CREATE with a UTCB outside user space is E_RANGE");

	RESET();
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, NULL, &tc),
	       -E_FAULT, "CREATE with ids NULL is E_FAULT");
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, NULL),
	       -E_FAULT, "CREATE with the create block NULL is E_FAULT");
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE,
				   (struct task_ids *)tess_bootinfo, &tc),
	       -E_FAULT, "CREATE with ids in a read-only page is E_FAULT");
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids,
				   (struct thread_create *)KERNEL_ADDR),
	       -E_FAULT,
	       "CREATE with the create block in the kernel is E_FAULT");

	RESET();
	tc.space = tess_slot(ka);
	tap_eq(CREATE(TC_NEW_SPACE), -E_EMPTY,
	       "TC_NEW_SPACE with an empty Space slot is E_EMPTY");
	tess_slot_free(ka, tc.space);
	tc.space = th;
	tap_eq(CREATE(TC_NEW_SPACE), -E_CAPTYPE,
	       "TC_NEW_SPACE with a Thread as the space is E_CAPTYPE");
	tc.space = BOOT_SLOT_SPACE;
	tap_eq(CREATE(TC_NEW_SPACE), -E_BUSY,
	       "TC_NEW_SPACE with a space in use is E_BUSY");
	tc.space = sp;
	tc.cspace = BOOT_SLOT_CONSOLE;
	tap_eq(CREATE(TC_NEW_SPACE), -E_CAPTYPE,
	       "TC_NEW_SPACE with a Console as the CSpace is E_CAPTYPE");

	RESET();
	left = tess_remaining(copy_untyped);
	tc.space = sp;
	tc.untyped = BOOT_SLOT_CONSOLE;
	tc.dest = cn << CPTR_DIGIT_BITS;
	tap_eq(CREATE(TC_COPY_SPACE), -E_CAPTYPE,
	       "TC_COPY_SPACE with a Console as untyped is E_CAPTYPE");
	tc.untyped = small_u;
	tap_eq(CREATE(TC_COPY_SPACE), -E_NOMEM,
	       "TC_COPY_SPACE from a 4 KiB untyped is E_NOMEM");
	tc.untyped = copy_untyped;
	tc.dest = tiny_cn << CPTR_DIGIT_BITS;
	tap_eq(CREATE(TC_COPY_SPACE), -E_RANGE,
	       "TC_COPY_SPACE with a 16-slot CSpace for the copies is E_RANGE");
	con2 = (cn << CPTR_DIGIT_BITS) | 5;
	tap_eq(tess_cap_copy(BOOT_SLOT_CONSOLE, con2), 0,
	       "put a capability in the copy CSpace");
	tc.dest = cn << CPTR_DIGIT_BITS;
	tap_eq(CREATE(TC_COPY_SPACE), -E_OCCUPIED,
	       "TC_COPY_SPACE with an occupied destination slot is E_OCCUPIED");
	tess_cap_delete(con2);
	tc.dest = 0x0fff;
	tap_eq(CREATE(TC_COPY_SPACE), -E_RANGE,
	       "TC_COPY_SPACE with the copies running past the root CSpace is "
	       "E_RANGE");
	tap_ok(tess_remaining(copy_untyped) == left &&
		   tess_remaining(small_u) == 4096,
	       "the refused copies took no memory");

	RESET();
	tap_eq(CREATE(TC_SHARE_SPACE), 0,
	       "after all that, the same Thread object is created fine");
	uint32_t made = ids.tid;
	tap_eq(kt_tctrl(THREAD_RUN | TC_SHARE_SPACE, made), -E_INVAL,
	       "RUN with CREATE flags is E_INVAL");
	tap_eq(kt_tctrl(0x60000000u, made), -E_INVAL,
	       "thread_control action 6 is E_INVAL");
	tap_eq(kt_tctrl(0xf0000000u, made), -E_INVAL,
	       "thread_control action 15 is E_INVAL");
	tap_eq(kt_tctrl(THREAD_RUN, NO_SUCH_TID), -E_NOTHREAD,
	       "RUN of an unknown tid is E_NOTHREAD");
	tap_eq(kt_tctrl(THREAD_SUSPEND, TID_NIL), -E_NOTHREAD,
	       "SUSPEND of TID_NIL is E_NOTHREAD");
	tap_eq(tess_thread_control(THREAD_RUN, NULL, NULL), -E_FAULT,
	       "RUN with ids NULL is E_FAULT");
	kt_tctrl(THREAD_DESTROY, made);
#undef RESET
#undef CREATE
out:
	kt_destroy(&other);
	if (th)
		tess_delete(ka, th);
	if (sp)
		tess_delete(ka, sp);
	if (small_u)
		tess_delete(ka, small_u);
	if (cn)
		tess_delete(ka, cn);
	if (tiny_cn)
		tess_delete(ka, tiny_cn);
}

/* TC_SHARE_GROUP and TC_SHARE_UTCB. */
static void test_group_and_utcb(void)
{
	struct kt_thread a = {0, 0}, b = {0, 0}, c = {0, 0}, d = {0, 0};
	struct task_ids ids;
	struct thread_create tc;
	struct exregs x;
	struct tess_msg m;

	if (!tap_eq(kt_create(&a, 0, TID_NIL, VA_UTCB), 0,
		    "create a thread with UTCB address set"))
		return;
	kt_read(a.tid, &x);
	tap_eq(x.utcb, VA_UTCB, "its UTCB address is the one CREATE was given");

	/* b: shares a's group and a's UTCB. */
	memset(&ids, 0, sizeof(ids));
	tess_new(ka, CAP_THREAD, 0, &b.cap);
	ids.tid = a.tid;
	ids.tgid = a.tid;
	create_args(&tc, b.cap);
	tc.utcb = 0x1234567; /* ignored with TC_SHARE_UTCB */
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE |
				       TC_SHARE_GROUP | TC_SHARE_UTCB,
				   &ids, &tc),
	       0, "CREATE with TC_SHARE_GROUP and TC_SHARE_UTCB");
	b.tid = ids.tid;
	tap_eq(ids.tgid, a.tid,
	       "TC_SHARE_GROUP: the new thread's tgid is the group's");
	kt_read(b.tid, &x);
	tap_eq(x.utcb, VA_UTCB,
	       "TC_SHARE_UTCB: the reference thread's UTCB address is used");

	/* c: joins the group by naming b, a member: the tgid stays a's. */
	memset(&ids, 0, sizeof(ids));
	tess_new(ka, CAP_THREAD, 0, &c.cap);
	ids.tid = me;
	ids.tgid = b.tid;
	tc.thread = c.cap;
	tc.utcb = 0;
	tap_eq(tess_thread_control(
		   THREAD_CREATE | TC_SHARE_SPACE | TC_SHARE_GROUP, &ids, &tc),
	       0, "CREATE joining the group through a member");
	c.tid = ids.tid;
	tap_eq(
	    ids.tgid, a.tid,
	    "joining through a member gives the group's id, not the member's");
	kt_read(c.tid, &x);
	tap_eq(x.utcb, 0,
	       "without TC_SHARE_UTCB the UTCB is the one given (none)");

	/* d: TC_SHARE_UTCB with myself as reference: my UTCB address. */
	struct exregs mine;
	kt_read(me, &mine);
	memset(&ids, 0, sizeof(ids));
	tess_new(ka, CAP_THREAD, 0, &d.cap);
	ids.tid = me;
	tc.thread = d.cap;
	tc.utcb = VA_UTCB + 8;
	tap_eq(tess_thread_control(
		   THREAD_CREATE | TC_SHARE_SPACE | TC_SHARE_UTCB, &ids, &tc),
	       0, "CREATE sharing the creator's UTCB");
	d.tid = ids.tid;
	kt_read(d.tid, &x);
	tap_eq(x.utcb, mine.utcb,
	       "TC_SHARE_UTCB with the creator as reference takes its UTCB");

	tap_eq(kt_start(c.tid, echo_main, STACK(0), 0, 0, 0), 0,
	       "start the group member");
	memset(&m, 0, sizeof(m));
	tap_eq(tess_call(c.tid, &m), 0, "call the group member");
	tap_eq(m.mr[3], a.tid, "getid in the member reports the group's tgid");
	kt_destroy(&a);
	kt_destroy(&b);
	kt_destroy(&c);
	kt_destroy(&d);
}

/*
 * Code for a thread alone in a new space: exit(42).
 *   mov $0x1002, %eax; mov $42, %edi; syscall; jmp .
 */
static const uint8_t newspace_code[] = {
    0xb8, 0x02, 0x10, 0x00, 0x00, 0xbf, 0x2a,
    0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xfe,
};

/* TC_NEW_SPACE: an empty space; I page it, mapping its one code page. */
static void test_new_space(void)
{
	struct task_ids ids;
	struct thread_create tc;
	struct kt_thread t = {0, 0};
	cptr_t sp = 0, code = 0, tab[3] = {0, 0, 0};
	struct exregs x;
	struct tess_msg m;
	int status;

	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	if (tess_new(ka, CAP_THREAD, 0, &t.cap) ||
	    tess_new(ka, CAP_SPACE, 0, &sp) ||
	    tess_new(ka, CAP_PAGE, 0, &code) ||
	    tess_new(ka, CAP_PDPT, 0, &tab[0]) ||
	    tess_new(ka, CAP_PD, 0, &tab[1]) ||
	    tess_new(ka, CAP_PT, 0, &tab[2])) {
		tap_ok(0, "objects for the new-space test");
		goto out;
	}
	tc.thread = t.cap;
	tc.space = sp;
	tc.cspace = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.prio = PRIO_INHERIT;
	tap_eq(tess_thread_control(THREAD_CREATE | TC_NEW_SPACE, &ids, &tc), 0,
	       "CREATE with TC_NEW_SPACE");
	t.tid = ids.tid;
	tap_ok(ids.spid != 0 && ids.spid != my_spid,
	       "the new space has its own id (%u)", ids.spid);
	tap_eq(tess_thread_control(THREAD_CREATE | TC_NEW_SPACE, &ids, &tc),
	       -E_BUSY, "a second TC_NEW_SPACE with the same Space is E_BUSY");

	memset(&x, 0, sizeof(x));
	x.rip = VA_NEWSPACE_CODE;
	x.rsp = 0x7000;
	x.rbx = 0xb0b;
	x.rflags = 0x202;
	x.valid = EXREGS_SET_PC | EXREGS_SET_SP | EXREGS_SET_REGS;
	tap_eq(tess_exchange_registers(&x, t.tid), 0,
	       "set the registers of a thread in an empty space");
	kt_read(t.tid, &x);
	tap_ok(x.rip == VA_NEWSPACE_CODE && x.rsp == 0x7000 && x.rbx == 0xb0b,
	       "read them back");

	/* Its code page: filled through my view, then mapped on its fault. */
	if (tess_map_page(ka, code, SPACE_SELF, VA_SCRATCH,
			  RIGHT_PAGE_READ | RIGHT_PAGE_WRITE) == 0) {
		memcpy((void *)VA_SCRATCH, newspace_code,
		       sizeof(newspace_code));
		tess_unmap(code);
	}
	tap_eq(kt_tctrl(THREAD_RUN, t.tid), 0,
	       "RUN the thread in the empty space");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(t.tid, &m), 0, "its pager (me) gets its first fault");
	tap_ok(m.mr[0] == IPC_TAG_PAGEFAULT && m.mr[1] == VA_NEWSPACE_CODE &&
		   (m.mr[2] & FAULT_EXEC) && !(m.mr[2] & FAULT_PROTECTION) &&
		   m.mr[3] == VA_NEWSPACE_CODE,
	       "an instruction fetch fault at its entry, page not present");
	tap_ok(tess_map(tab[0], sp, VA_NEWSPACE_CODE & ~((1ul << 39) - 1), 0) ==
		       0 &&
		   tess_map(tab[1], sp, VA_NEWSPACE_CODE & ~((1ul << 30) - 1),
			    0) == 0 &&
		   tess_map(tab[2], sp, VA_NEWSPACE_CODE & ~((1ul << 21) - 1),
			    0) == 0,
	       "map page tables into the new space");
	tap_eq(tess_map(code, sp, VA_NEWSPACE_CODE,
			RIGHT_PAGE_READ | RIGHT_PAGE_EXEC),
	       0, "map the code page into the new space");
	memset(&m, 0, sizeof(m));
	m.mr[0] = FAULT_RESUME;
	tap_eq(tess_send(t.tid, &m), 0, "resume it");
	tap_eq(kt_reap(t.tid, &status), 0, "it runs its code and exits");
	tap_eq(status, 42, "the exit status is the one its code passed (42)");

	/* The space outlives its thread: a new one runs the mapped code. */
	memset(&ids, 0, sizeof(ids));
	tc.space = sp;
	tap_eq(
	    tess_thread_control(THREAD_CREATE | TC_NEW_SPACE, &ids, &tc), 0,
	    "the emptied space takes a new thread (the reaped Thread object)");
	t.tid = ids.tid;
	memset(&x, 0, sizeof(x));
	x.rip = VA_NEWSPACE_CODE;
	x.valid = EXREGS_SET_PC;
	tess_exchange_registers(&x, t.tid);
	tap_eq(kt_tctrl(THREAD_RUN, t.tid), 0, "RUN it");
	tap_eq(kt_reap(t.tid, &status), 0,
	       "it exits without faulting: the page is still mapped");
	tap_eq(status, 42, "(status 42 again)");

	memset(&ids, 0, sizeof(ids));
	tap_eq(tess_thread_control(THREAD_CREATE | TC_NEW_SPACE, &ids, &tc), 0,
	       "and another, left inactive");
	t.tid = ids.tid;
	tap_eq(tess_delete(ka, sp), 0, "delete its Space");
	sp = 0;
	tap_eq(kt_tctrl(THREAD_RUN, t.tid), -E_INVAL,
	       "RUN of a thread whose space is gone is E_INVAL");
	memset(&m, 0, sizeof(m));
	tap_eq(tess_ipc(t.tid, TID_NIL, IPC_NONBLOCK, &m, NULL), -E_NOTHREAD,
	       "IPC to a thread with no space is E_NOTHREAD");
out:
	kt_destroy(&t);
	if (sp)
		tess_delete(ka, sp);
	if (code)
		tess_delete(ka, code);
	for (int i = 0; i < 3; i++)
		if (tab[i])
			tess_delete(ka, tab[i]);
}

/* ---------------------------------------------------------------- copy */

static volatile uint64_t copy_probe, copy_after;

/* In the copied space: report by exit status what it sees; bits are
 * failures (see test_copy_space). */
static void copy_child_main(uint64_t want_tid, uint64_t want_spid, uint64_t a2)
{
	struct task_ids ids;
	int fails = 0;

	memset(&ids, 0, sizeof(ids));
	if (tess_getid(&ids))
		fails |= 1;
	if (ids.tid != want_tid)
		fails |= 2;
	if (ids.spid != want_spid)
		fails |= 4;
	if (copy_probe != 1234)
		fails |= 8;
	copy_probe = 0xc0de;
	if (copy_probe != 0xc0de)
		fails |= 16;
	if (copy_after != 0)
		fails |= 32;
	tess_exit(fails ? fails : 0x600d);
}

static void test_copy_space(void)
{
	struct kt_child c, c2, c3;
	struct cap_info ci;
	cptr_t extra = 0;
	long before;
	int status, fails;

	copy_probe = 1234;
	copy_after = 0;
	before = tess_remaining(copy_untyped);
	if (!tap_eq(kt_copy_child(&c, copy_untyped, TID_NIL, 0), 0,
		    "CREATE with TC_COPY_SPACE"))
		return;
	copy_after = 99; /* written after the copy: the child must not see it */
	tap_ok(c.copied > 10 && c.copied <= (1u << KT_COPY_CNODE_BITS),
	       "the copy reports the tables and pages it made (%u)", c.copied);
	tap_ok(tess_remaining(copy_untyped) <= before - (long)c.copied * 4096,
	       "the copies came from the untyped given (4 KiB or more each)");
	tap_ok(c.spid != 0 && c.spid != my_spid,
	       "the copy is a different space (%u)", c.spid);

	int all = 1, found = 0;
	for (uint32_t i = 0; i < c.copied; i++) {
		cptr_t s = (c.cnode << CPTR_DIGIT_BITS) | i;
		if (tess_cap_info(s, &ci) ||
		    (ci.type != CAP_PAGE && ci.type != CAP_LARGE_PAGE &&
		     ci.type != CAP_PT && ci.type != CAP_PD &&
		     ci.type != CAP_PDPT) ||
		    !ci.mapped || ci.spid != c.spid)
			all = 0;
		else if (ci.type == CAP_PAGE &&
			 ci.vaddr == ((uintptr_t)&copy_probe & ~0xffful))
			found = 1;
	}
	tap_ok(all, "the first `copied` destination slots hold tables and "
		    "pages mapped in the copy");
	tap_ok(tess_cap_info((c.cnode << CPTR_DIGIT_BITS) | c.copied, &ci) ==
		       0 &&
		   ci.type == CAP_NULL,
	       "the slot after them is empty");
	tap_ok(found,
	       "one of them is the copy of the page holding a global variable");

	tap_eq(kt_start(c.t.tid, copy_child_main, STACK(0), c.t.tid, c.spid, 0),
	       0, "start the thread in the copied space");
	tap_eq(kt_reap(c.t.tid, &status), 0, "reap it");
	tap_eq(status, 0x600d,
	       "the child ran to its end and found everything below right");
	fails = status == 0x600d ? 0 : status < 0 ? 0x3f : status;
	tap_ok(
	    !(fails & 7),
	    "getid in the copied space gives the tid and space id CREATE gave");
	tap_ok(!(fails & 8),
	       "the copy holds the parent's memory as it was at CREATE");
	tap_ok(!(fails & 16), "the child can write its copy");
	tap_ok(!(fails & 32),
	       "the parent's writes after CREATE are not seen by the child");
	tap_eq(copy_probe, 1234, "the child's write is not seen by the parent");

	/* The count: the same for an unchanged space, one more for a page
	 * more. */
	if (tap_eq(kt_copy_child(&c2, copy_untyped, TID_NIL, 0), 0,
		   "copy the space again")) {
		tap_eq(c2.copied, c.copied,
		       "an unchanged space copies to as many objects");
		if (tess_new(ka, CAP_PAGE, 0, &extra) == 0 &&
		    tess_map_page(ka, extra, SPACE_SELF, VA_EXTRA,
				  RIGHT_PAGE_READ) == 0 &&
		    tap_eq(kt_copy_child(&c3, copy_untyped, TID_NIL, 0), 0,
			   "copy it once more after mapping one more page")) {
			tap_eq(c3.copied, c.copied + 1,
			       "one more page mapped: one more object copied");
			kt_child_destroy(&c3);
		}
		kt_child_destroy(&c2);
	}
	if (extra)
		tess_delete(ka, extra);
	kt_child_destroy(&c);
}

/* A second container: tids carry its id in the top byte. */
static void getid_exit_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct task_ids ids;
	memset(&ids, 0, sizeof(ids));
	if (tess_getid(&ids))
		tess_exit(-2);
	tess_exit((int)ids.tid);
}

static void test_container(void)
{
	const uint32_t cid = 77;
	cptr_t cont = 0;
	struct kt_child c;
	struct kt_thread t = {0, 0};
	struct task_ids ids;
	struct thread_create tc;
	int status;

	memset(&c, 0, sizeof(c));
	if (!tap_eq(tess_new(ka, CAP_CONTAINER, 0, &cont), 0,
		    "retype a Container") ||
	    !tap_eq(tess_container_control(CONTAINER_CONFIGURE, cont, cid), 0,
		    "configure it as container %u", cid) ||
	    !tap_eq(kt_copy_child(&c, copy_untyped, TID_NIL, cid), 0,
		    "CREATE a thread with a copied space in container %u", cid))
		goto out;
	tap_eq(TID_CID(c.t.tid), cid,
	       "its tid has the container id in its top byte (%x)", c.t.tid);

	memset(&ids, 0, sizeof(ids));
	tess_new(ka, CAP_THREAD, 0, &t.cap);
	ids.tid = me;
	create_args(&tc, t.cap);
	tc.cid = cid;
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc),
	       -E_INVAL,
	       "sharing a container-0 space from container %u is E_INVAL", cid);
	ids.tid = c.t.tid;
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc),
	       0, "a second thread in the container-%u space", cid);
	t.tid = ids.tid;
	tap_ok(TID_CID(t.tid) == cid && TID_RAW(t.tid) != TID_RAW(c.t.tid),
	       "it too has container %u in its tid, with another raw id", cid);
	tap_eq(ids.spid, c.spid, "and the same space id");

	tap_eq(kt_start(c.t.tid, getid_exit_main, STACK(0), 0, 0, 0), 0,
	       "start the first thread of container %u", cid);
	tap_eq(kt_reap(c.t.tid, &status), 0, "reap it");
	tap_eq((uint32_t)status, c.t.tid,
	       "getid in container %u gives the tid CREATE gave", cid);
	tap_eq(tess_delete(ka, cont), 0, "delete the container");
	cont = 0;
	tap_eq(kt_state(t.tid), -E_NOTHREAD,
	       "deleting a container ends the threads in it");
out:
	kt_destroy(&t);
	kt_child_destroy(&c);
	if (cont)
		tess_delete(ka, cont);
}

/* ---------------------------------------------------------------- life */

/* Parent of a grandchild: WAIT(ANY) in a thread with exactly one child. */
static void waiter_main(uint64_t gcap, uint64_t report, uint64_t gstack)
{
	struct task_ids w;
	struct tess_msg m;
	long r1, r2, r3;
	uint32_t g = start_child(gcap, exit_main, (void *)gstack, 5);

	if (!g)
		tess_exit(1);
	memset(&m, 0, sizeof(m));
	m.mr[0] = g;
	memset(&w, 0, sizeof(w));
	w.tid = TID_ANY;
	r1 = tess_thread_control(THREAD_WAIT, &w, NULL);
	m.mr[1] = (uint64_t)r1;
	m.mr[2] = w.tid;
	m.mr[3] = (uint64_t)(int64_t)w.status;
	w.tid = TID_ANY;
	r2 = tess_thread_control(THREAD_WAIT, &w, NULL);
	w.tid = g;
	r3 = tess_thread_control(THREAD_WAIT, &w, NULL);
	m.mr[4] = (uint64_t)r2;
	m.mr[5] = (uint64_t)r3;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

static void test_exit_and_wait(void)
{
	struct kt_thread a = {0, 0}, b = {0, 0}, w = {0, 0};
	cptr_t gcap = 0;
	struct task_ids ids;
	struct tess_msg m;
	int status;

	tap_eq(kt_spawn(&a, exit_main, STACK(0), 7, 0, 0), 0,
	       "start a thread that exits with 7");
	tap_eq(kt_spawn(&b, exit_main, STACK(1), (uint64_t)-42, 3, 0), 0,
	       "start one that exits with -42");
	tap_eq(kt_wait_state(a.tid, THREAD_STATE_DEAD), 0,
	       "an exited thread is dead until reaped");
	tap_eq(kt_wait_state(b.tid, THREAD_STATE_DEAD), 0, "(both)");
	tap_eq(kt_tctrl(THREAD_RUN, a.tid), -E_BUSY,
	       "RUN of a dead thread is E_BUSY");
	tap_eq(kt_tctrl(THREAD_SUSPEND, a.tid), -E_BUSY,
	       "SUSPEND of a dead thread is E_BUSY");
	memset(&ids, 0, sizeof(ids));
	ids.tid = b.tid;
	tap_eq(tess_thread_control(THREAD_WAIT, &ids, NULL), 0,
	       "WAIT for the second child by tid");
	tap_ok(ids.tid == b.tid && ids.status == -42 && ids.tgid == b.tid,
	       "WAIT reports that child's tid, group and exit status -42");
	tap_eq(tess_thread_control(THREAD_WAIT, &ids, NULL), -E_NOTHREAD,
	       "WAIT again for the reaped child is E_NOTHREAD");
	tap_eq(kt_state(b.tid), -E_NOTHREAD,
	       "a reaped thread's tid names nothing");
	tap_eq(tess_thread_control(THREAD_WAIT | TC_SHARE_SPACE, &ids, NULL),
	       -E_INVAL, "WAIT with CREATE flags is E_INVAL");
	tap_eq(tess_thread_control(THREAD_WAIT, NULL, NULL), -E_FAULT,
	       "WAIT with ids NULL is E_FAULT");
	ids.tid = a.tid;
	tap_eq(tess_thread_control(THREAD_WAIT, &ids, NULL), 0,
	       "WAIT for the first child");
	tap_eq(ids.status, 7, "its exit status is 7");
	kt_destroy(&a);
	kt_destroy(&b);

	/* Blocking WAIT: the child is alive when the wait starts. */
	tap_eq(kt_spawn(&a, exit_main, STACK(0), 9, 20, 0), 0,
	       "start a thread that exits later");
	memset(&ids, 0, sizeof(ids));
	ids.tid = a.tid;
	tap_eq(tess_thread_control(THREAD_WAIT, &ids, NULL), 0,
	       "WAIT blocks until it exits");
	tap_eq(ids.status, 9, "and gives its status (9)");
	kt_destroy(&a);

	/* WAIT(ANY) and E_NOCHILD, in a thread whose only child I make it make.
	 */
	if (tess_new(ka, CAP_THREAD, 0, &gcap) ||
	    !tap_eq(kt_spawn(&w, waiter_main, STACK(0), gcap, me,
			     (uint64_t)stacks[1]),
		    0,
		    "start a thread that creates a child and waits for it")) {
		goto out;
	}
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(w.tid, &m), 0, "it reports");
	tap_eq((long)m.mr[1], 0, "WAIT(TID_ANY) in it returns its child");
	tap_ok(m.mr[2] == m.mr[0] && m.mr[0] != 0,
	       "WAIT(TID_ANY) names that child");
	tap_eq((long)m.mr[3], 5, "with its exit status (5)");
	tap_eq((long)m.mr[4], -E_NOCHILD,
	       "a second WAIT(TID_ANY) with no child left is E_NOCHILD");
	tap_eq((long)m.mr[5], -E_NOTHREAD,
	       "WAIT for the reaped child's tid is E_NOTHREAD");
	tap_eq(kt_reap(w.tid, &status), 0, "reap the waiting thread");
	tap_eq(status, 0, "it ended normally");
out:
	kt_destroy(&w);
	if (gcap)
		tess_delete(ka, gcap);
}

/* WAIT for a thread that is someone else's child is E_NOCHILD. */
static void not_my_child_main(uint64_t report, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	struct task_ids ids;
	memset(&m, 0, sizeof(m));
	memset(&ids, 0, sizeof(ids));
	ids.tid = (uint32_t)a1;
	m.mr[0] = (uint64_t)tess_thread_control(THREAD_WAIT, &ids, NULL);
	ids.tid = TID_ANY;
	m.mr[1] = (uint64_t)tess_thread_control(THREAD_WAIT, &ids, NULL);
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

static void test_wait_not_child(void)
{
	struct kt_thread z = {0, 0}, o = {0, 0};
	struct tess_msg m;
	int status;

	tap_eq(kt_spawn(&z, exit_main, STACK(0), 3, 0, 0), 0,
	       "a child of mine exits");
	kt_wait_state(z.tid, THREAD_STATE_DEAD);
	tap_eq(kt_spawn(&o, not_my_child_main, STACK(1), me, z.tid, 0), 0,
	       "another thread tries to WAIT for it");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(o.tid, &m), 0, "it reports");
	tap_eq((long)m.mr[0], -E_NOCHILD,
	       "WAIT for a dead thread that is not the caller's child is "
	       "E_NOCHILD");
	tap_eq((long)m.mr[1], -E_NOCHILD,
	       "WAIT(TID_ANY) in a thread with no children is E_NOCHILD");
	kt_reap(o.tid, &status);
	tap_eq(kt_reap(z.tid, &status), 0, "the real parent still reaps it");
	tap_eq(status, 3, "with its status");
	kt_destroy(&o);
	kt_destroy(&z);
}

/* Make a child that blocks for good, tell `report` its tid, then WAIT
 * for it (by tid, or any child) and report what the WAIT returned. */
static void orphaned_waiter_main(uint64_t gcap, uint64_t report,
				 uint64_t any_gstack)
{
	struct task_ids w;
	struct tess_msg m;
	uint32_t g = start_child(gcap, recv_report_main,
				 (void *)(any_gstack & ~1ul), report);

	if (!g)
		tess_exit(1);
	memset(&m, 0, sizeof(m));
	m.mr[0] = g;
	tess_send((uint32_t)report, &m);
	memset(&w, 0, sizeof(w));
	w.tid = any_gstack & 1 ? TID_ANY : g;
	m.mr[0] = (uint64_t)tess_thread_control(THREAD_WAIT, &w, NULL);
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

/* A child destroyed by someone else while its parent waits for it. */
static void test_wait_destroyed(void)
{
	for (int any = 0; any < 2; any++) {
		struct kt_thread w = {0, 0};
		cptr_t gcap = 0;
		struct tess_msg m;
		int status;
		uint32_t g;

		if (tess_new(ka, CAP_THREAD, 0, &gcap) ||
		    kt_spawn(&w, orphaned_waiter_main, STACK(0), gcap, me,
			     (uint64_t)stacks[1] | (uint64_t)any)) {
			tap_ok(0, "threads for the destroyed-child test");
			goto next;
		}
		memset(&m, 0, sizeof(m));
		if (!tap_eq(kt_recv(w.tid, &m), 0,
			    "a thread makes a child (%s)",
			    any ? "WAIT(TID_ANY)" : "WAIT by tid"))
			goto next;
		g = (uint32_t)m.mr[0];
		tap_eq(kt_wait_state(w.tid, THREAD_STATE_BLOCKED), 0,
		       "and blocks waiting for it");
		tap_eq(kt_tctrl(THREAD_DESTROY, g), 0, "I destroy the child");
		memset(&m, 0, sizeof(m));
		tap_eq(kt_recv(w.tid, &m), 0,
		       "the parent's %s returns when its child is destroyed",
		       any ? "WAIT(TID_ANY)" : "WAIT");
		tap_ok((long)m.mr[0] == -E_NOCHILD ||
			   (long)m.mr[0] == -E_NOTHREAD,
		       "with E_NOCHILD or E_NOTHREAD (%ld)", (long)m.mr[0]);
		kt_reap(w.tid, &status);
	next:
		kt_destroy(&w);
		if (gcap)
			tess_delete(ka, gcap);
	}
}

/* A parent stopped while it waits for its child and run again: the WAIT
 * ends with E_ABORTED (the child lives on). */
static void test_wait_aborted(void)
{
	struct kt_thread w = {0, 0};
	cptr_t gcap = 0;
	struct tess_msg m;
	int status;
	uint32_t g;

	if (tess_new(ka, CAP_THREAD, 0, &gcap) ||
	    kt_spawn(&w, orphaned_waiter_main, STACK(0), gcap, me,
		     (uint64_t)stacks[1])) {
		tap_ok(0, "threads for the aborted-WAIT test");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	if (!tap_eq(kt_recv(w.tid, &m), 0, "a thread makes a child"))
		goto out;
	g = (uint32_t)m.mr[0];
	tap_eq(kt_wait_state(w.tid, THREAD_STATE_BLOCKED), 0,
	       "and blocks waiting for it");
	tap_eq(kt_tctrl(THREAD_SUSPEND, w.tid), 0, "I suspend the parent");
	tap_eq(kt_tctrl(THREAD_RUN, w.tid), 0, "and run it again");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(w.tid, &m), 0, "it reports");
	tap_eq((long)m.mr[0], -E_ABORTED,
	       "a WAIT cut short by SUSPEND returns E_ABORTED");
	tap_eq(kt_state(g), THREAD_STATE_BLOCKED, "the child is still there");
	memset(&m, 0, sizeof(m));
	tap_ok(tess_send(g, &m) == 0 && kt_recv(g, &m) == 0 && m.mr[0] == 0x5e,
	       "and still answers");
	kt_reap(w.tid, &status);
out:
	kt_destroy(&w);
	if (gcap)
		tess_delete(ka, gcap);
}

static void test_suspend(void)
{
	static volatile uint64_t counter;
	struct kt_thread s = {0, 0}, r = {0, 0}, q = {0, 0};
	struct tess_msg m;
	uint64_t c1;
	int status;

	counter = 0;
	tap_eq(kt_spawn(&s, spin_main, STACK(0), (uint64_t)&counter, 0, 0), 0,
	       "start a counting thread");
	for (int i = 0; i < 5; i++)
		tess_thread_switch(TID_NIL);
	tap_ok(counter > 0, "it counts (%lu)", (unsigned long)counter);
	tap_eq(kt_tctrl(THREAD_RUN, s.tid), -E_ACTIVE,
	       "RUN of a running thread is E_ACTIVE");
	tap_eq(kt_tctrl(THREAD_SUSPEND, s.tid), 0, "SUSPEND it");
	tap_eq(kt_state(s.tid), THREAD_STATE_INACTIVE,
	       "a suspended thread is inactive");
	c1 = counter;
	for (int i = 0; i < 5; i++)
		tess_thread_switch(TID_NIL);
	tap_eq(counter, c1, "a suspended thread does not run");
	tap_eq(kt_tctrl(THREAD_SUSPEND, s.tid), 0,
	       "SUSPEND of a suspended thread is allowed");
	tap_eq(kt_tctrl(THREAD_RUN, s.tid), 0, "RUN it again");
	for (int i = 0; i < 5; i++)
		tess_thread_switch(TID_NIL);
	tap_ok(counter > c1, "it goes on counting where it stopped");
	kt_destroy(&s);

	/* Blocked in a receive: the receive fails with E_ABORTED. */
	tap_eq(kt_spawn(&r, recv_report_main, STACK(0), me, 0, 0), 0,
	       "start a thread that receives from me");
	tap_eq(kt_wait_state(r.tid, THREAD_STATE_BLOCKED), 0,
	       "it blocks in the receive");
	tap_eq(kt_tctrl(THREAD_SUSPEND, r.tid), 0, "SUSPEND it while it waits");
	tap_eq(kt_state(r.tid), THREAD_STATE_INACTIVE,
	       "it is inactive, out of its IPC");
	memset(&m, 0, sizeof(m));
	tap_eq(tess_ipc(r.tid, TID_NIL, IPC_NONBLOCK, &m, NULL), -E_WOULDBLOCK,
	       "a suspended thread does not take a message");
	tap_eq(kt_tctrl(THREAD_RUN, r.tid), 0, "RUN it");
	tap_eq(kt_recv(r.tid, &m), 0, "it reports");
	tap_ok(m.mr[0] == 0x5e && (long)m.mr[1] == -E_ABORTED,
	       "its interrupted receive returned E_ABORTED");
	tap_eq(kt_reap(r.tid, &status), 0, "it ends");
	kt_destroy(&r);

	/* Blocked in a send: E_ABORTED, and its message is withdrawn. */
	tap_eq(kt_spawn(&q, send_report_main, STACK(0), me, 0, 0), 0,
	       "start a thread that sends to me");
	tap_eq(kt_wait_state(q.tid, THREAD_STATE_BLOCKED), 0,
	       "it blocks in the send");
	tap_eq(kt_tctrl(THREAD_SUSPEND, q.tid), 0, "SUSPEND it");
	tap_eq(tess_ipc(TID_NIL, q.tid, IPC_NONBLOCK, &m, NULL), -E_WOULDBLOCK,
	       "its message is no longer queued for me");
	tap_eq(kt_tctrl(THREAD_RUN, q.tid), 0, "RUN it");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(q.tid, &m), 0, "receive from it");
	tap_ok(m.mr[0] == 2 && (long)m.mr[1] == -E_ABORTED,
	       "the first message I get is its report: the send returned "
	       "E_ABORTED");
	kt_reap(q.tid, &status);
	kt_destroy(&q);
}

static void self_destroy_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct task_ids ids;
	memset(&ids, 0, sizeof(ids));
	tess_getid(&ids);
	tess_thread_control(THREAD_DESTROY, &ids, NULL);
	tess_exit(1); /* not reached */
}

static void test_destroy(void)
{
	struct kt_thread t = {0, 0};
	struct task_ids ids;
	struct thread_create tc;
	struct tess_msg m;
	struct exregs x;
	uint32_t old;

	tap_eq(kt_spawn(&t, echo_main, STACK(0), 0, 0, 0), 0, "start a thread");
	kt_wait_state(t.tid, THREAD_STATE_BLOCKED);
	old = t.tid;
	tap_eq(kt_tctrl(THREAD_DESTROY, old), 0, "DESTROY it");
	tap_eq(kt_tctrl(THREAD_RUN, old), -E_NOTHREAD,
	       "RUN of a destroyed thread is E_NOTHREAD");
	tap_eq(kt_tctrl(THREAD_DESTROY, old), -E_NOTHREAD,
	       "DESTROY again is E_NOTHREAD");
	tap_eq(kt_read(old, &x), -E_NOTHREAD,
	       "exchange_registers on it is E_NOTHREAD");
	memset(&m, 0, sizeof(m));
	tap_eq(tess_send(old, &m), -E_NOTHREAD, "IPC to it is E_NOTHREAD");
	tap_eq(tess_thread_switch(old), -E_NOTHREAD,
	       "thread_switch to it is E_NOTHREAD");
	memset(&ids, 0, sizeof(ids));
	ids.tid = old;
	tap_eq(tess_thread_control(THREAD_WAIT, &ids, NULL), -E_NOTHREAD,
	       "WAIT for a destroyed child is E_NOTHREAD");

	memset(&ids, 0, sizeof(ids));
	ids.tid = me;
	create_args(&tc, t.cap);
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc),
	       0, "the destroyed Thread object can be created again");
	t.tid = ids.tid;
	tap_ok(t.tid != old, "with a new tid (%x, was %x)", t.tid, old);
	tap_eq(kt_state(old), -E_NOTHREAD, "the stale tid still names nothing");
	tap_eq(kt_start(t.tid, self_destroy_main, STACK(0), 0, 0, 0), 0,
	       "start it; it destroys itself");
	uint64_t end = kt_now_us() + KT_TIMEOUT_US;
	while (kt_state(t.tid) != -E_NOTHREAD && kt_now_us() < end)
		tess_thread_switch(TID_NIL);
	tap_eq(kt_state(t.tid), -E_NOTHREAD, "a thread can DESTROY itself");
	kt_destroy(&t);
}

static void test_recycle(void)
{
	static volatile uint64_t counter;
	struct kt_thread t = {0, 0}, z = {0, 0};
	struct exregs x;
	struct tess_msg m;
	uint64_t c1;
	int status;

	counter = 0;
	tap_eq(kt_create(&t, 0, TID_NIL, VA_UTCB), 0,
	       "create a thread with a UTCB address");
	tap_eq(kt_start(t.tid, spin_main, STACK(0), (uint64_t)&counter, 0, 0),
	       0, "start it counting");
	for (int i = 0; i < 3; i++)
		tess_thread_switch(TID_NIL);
	tap_eq(kt_tctrl(THREAD_RECYCLE, t.tid), 0,
	       "RECYCLE the running thread");
	tap_eq(kt_read(t.tid, &x), 0, "its tid still names it");
	tap_ok(x.state == THREAD_STATE_INACTIVE && x.rip == 0 && x.rsp == 0,
	       "it is inactive, with its registers cleared");
	tap_ok(x.pager == me && x.utcb == VA_UTCB, "its pager and UTCB stay");
	c1 = counter;
	for (int i = 0; i < 3; i++)
		tess_thread_switch(TID_NIL);
	tap_eq(counter, c1, "a recycled thread does not run");
	tap_eq(kt_start(t.tid, echo_main, STACK(0), 0, 0, 0), 0,
	       "start it on new code");
	memset(&m, 0, sizeof(m));
	m.mr[0] = 1;
	tap_ok(tess_call(t.tid, &m) == 0 && m.mr[0] == 2,
	       "the recycled thread runs again");
	tap_eq(kt_tctrl(THREAD_RECYCLE, me), -E_SELF,
	       "RECYCLE of oneself is E_SELF");
	tap_eq(kt_tctrl(THREAD_RECYCLE, NO_SUCH_TID), -E_NOTHREAD,
	       "RECYCLE of an unknown tid is E_NOTHREAD");
	kt_destroy(&t);

	tap_eq(kt_spawn(&z, exit_main, STACK(0), 3, 0, 0), 0, "a thread exits");
	kt_wait_state(z.tid, THREAD_STATE_DEAD);
	tap_eq(kt_tctrl(THREAD_RECYCLE, z.tid), 0, "RECYCLE the dead thread");
	tap_eq(kt_state(z.tid), THREAD_STATE_INACTIVE, "it is inactive again");
	tap_eq(kt_start(z.tid, exit_main, STACK(0), 4, 0, 0), 0,
	       "start it again");
	tap_eq(kt_reap(z.tid, &status), 0, "it exits again");
	tap_eq(status, 4, "with its new status");
	kt_destroy(&z);
}

/* ---------------------------------------------------------------- priority */

static volatile int prio_ran;

static void prio_main(uint64_t cap, uint64_t a1, uint64_t a2)
{
	struct task_ids ids;
	struct thread_create tc;
	long r;

	prio_ran = 1;
	memset(&ids, 0, sizeof(ids));
	tess_getid(&ids);
	create_args(&tc, (cptr_t)cap);
	tc.prio = 150;
	r = tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc);
	tess_exit((int)r);
}

static void test_priority(void)
{
	struct kt_thread low = {0, 0};
	struct task_ids ids;
	struct thread_create tc;
	cptr_t cap = 0;

	memset(&ids, 0, sizeof(ids));
	if (tess_new(ka, CAP_THREAD, 0, &low.cap) ||
	    tess_new(ka, CAP_THREAD, 0, &cap)) {
		tap_ok(0, "objects for the priority test");
		goto out;
	}
	ids.tid = me;
	create_args(&tc, low.cap);
	tc.prio = 100;
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc),
	       0, "CREATE a thread at priority 100 (below mine)");
	low.tid = ids.tid;
	prio_ran = 0;
	tap_eq(kt_start(low.tid, prio_main, STACK(0), cap, 0, 0), 0, "RUN it");
	for (int i = 0; i < 10; i++)
		tess_thread_switch(TID_NIL);
	tap_eq(prio_ran, 0,
	       "a lower-priority thread does not run while I am runnable");
	tap_eq(tess_thread_switch(low.tid), 0,
	       "thread_switch to a lower-priority thread just yields");
	tap_eq(prio_ran, 0, "and does not run it");
	memset(&ids, 0, sizeof(ids));
	ids.tid = low.tid;
	tap_eq(tess_thread_control(THREAD_WAIT, &ids, NULL), 0,
	       "it runs while I wait for it");
	tap_eq(prio_ran, 1, "(it ran)");
	tap_eq(ids.status, -E_PERM,
	       "it may not create a thread above its own priority (E_PERM)");
out:
	kt_destroy(&low);
	if (cap)
		tess_delete(ka, cap);
}

/* ---------------------------------------------------------------- exregs */

/* The general registers but rsp (EXREGS_SET_SP's): rax..r15 lead the
 * struct, rsp is the eighth. */
static void fill_regs(struct exregs *x, uint64_t base)
{
	uint64_t *r = (uint64_t *)(void *)x;
	for (int i = 0; i < 16; i++)
		if (i != 7)
			r[i] = base + (uint64_t)i;
}

static int regs_match(const struct exregs *x, uint64_t base)
{
	const uint64_t *r = (const uint64_t *)(const void *)x;
	for (int i = 0; i < 16; i++)
		if (i != 7 && r[i] != base + (uint64_t)i)
			return 0;
	return 1;
}

static void test_exregs_rw(void)
{
	struct kt_thread t = {0, 0}, p = {0, 0};
	struct exregs x, y;
	const uint64_t A = 0xa0a0a0a0a0a0a000ull, B = 0xb0b0b0b0b0b0b000ull;

	if (!tap_eq(kt_create(&t, 0, TID_NIL, 0), 0,
		    "create a thread for exchange_registers") ||
	    kt_create(&p, 0, TID_NIL, 0))
		goto out;
	tap_eq(kt_read(t.tid, &x), 0, "read a new thread's registers");
	tap_ok(x.state == THREAD_STATE_INACTIVE && x.rip == 0 &&
		   x.pager == me && x.utcb == 0 && x.fs_base == 0 &&
		   x.gs_base == 0 && (x.rflags & 0x200),
	       "a new thread: inactive, rip 0, interrupts on, my pager, no "
	       "UTCB, no TLS");

	memset(&x, 0, sizeof(x));
	fill_regs(&x, A);
	x.rsp = 0xdead0; /* not written: sp has its own bit */
	x.rflags = ~0ull;
	x.fs_base = 0x1000;
	x.gs_base = 0x2000;
	x.valid = EXREGS_SET_REGS;
	tap_eq(tess_exchange_registers(&x, t.tid), 0,
	       "write the general registers, flags, TLS bases");
	memset(&x, 0, sizeof(x));
	fill_regs(&x, B);
	x.rflags = 0x202;
	x.valid = EXREGS_SET_REGS;
	x.flags = EXREGS_READ;
	tap_eq(tess_exchange_registers(&x, t.tid), 0,
	       "write again with EXREGS_READ");
	tap_ok(regs_match(&x, A),
	       "EXREGS_READ returns the values from before the write");
	tap_ok(x.fs_base == 0x1000 && x.gs_base == 0x2000,
	       "including the TLS bases");
	tap_ok((x.rflags & 0x200) && !(x.rflags & 0x3000) &&
		   !(x.rflags & (1u << 14)) && (x.rflags & 0x40dd5) == 0x40dd5,
	       "written flags keep IF on and IOPL, NT clear; arithmetic, DF, "
	       "TF, AC pass");
	kt_read(t.tid, &y);
	tap_ok(regs_match(&y, B) && y.fs_base == 0 && y.gs_base == 0,
	       "the second write took effect");
	tap_eq(y.rsp, 0,
	       "EXREGS_SET_REGS leaves rsp alone (EXREGS_SET_SP writes it)");

	memset(&x, 0, sizeof(x));
	x.rip = 0x401000;
	x.rsp = 0x7fff0000;
	x.valid = EXREGS_SET_PC | EXREGS_SET_SP;
	tap_eq(tess_exchange_registers(&x, t.tid), 0, "write pc and sp");
	kt_read(t.tid, &y);
	tap_ok(y.rip == 0x401000 && y.rsp == 0x7fff0000 && regs_match(&y, B),
	       "pc and sp changed, nothing else");

	x.valid = EXREGS_SET_PAGER;
	x.pager = p.tid;
	tap_eq(tess_exchange_registers(&x, t.tid), 0, "write the pager");
	kt_read(t.tid, &y);
	tap_eq(y.pager, p.tid, "the pager is the one written");
	x.pager = NO_SUCH_TID;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_NOTHREAD,
	       "an unknown pager is E_NOTHREAD");
	x.pager = TID_NIL;
	tap_eq(tess_exchange_registers(&x, t.tid), 0,
	       "pager TID_NIL is allowed");
	kt_read(t.tid, &y);
	tap_eq(y.pager, TID_NIL, "the thread has no pager now");

	x.valid = EXREGS_SET_UTCB;
	x.utcb = VA_UTCB;
	tap_eq(tess_exchange_registers(&x, t.tid), 0, "write the UTCB address");
	kt_read(t.tid, &y);
	tap_eq(y.utcb, VA_UTCB, "the UTCB address is the one written");
	x.utcb = VA_UTCB + 3;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_ALIGN,
	       "an unaligned UTCB is E_ALIGN");
	x.utcb = USER_ADDR_TOP;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_RANGE,
	       "a UTCB outside user space is E_RANGE");

	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_PC;
	x.rip = 0x0000800000000000ull;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_RANGE,
	       "a non-canonical rip is E_RANGE");
	x.rip = 0xffffffff80100000ull;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_RANGE,
	       "a kernel-half rip is E_RANGE");
	memset(&x, 0, sizeof(x));
	fill_regs(&x, A);
	x.valid = EXREGS_SET_REGS;
	x.fs_base = 0x8000000000000000ull;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_RANGE,
	       "a non-canonical fs base is E_RANGE");
	x.fs_base = 0;
	x.gs_base = 0x0000800000000000ull;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_RANGE,
	       "a non-canonical gs base is E_RANGE");
	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_PC | EXREGS_SET_UTCB;
	x.rip = 0x402000;
	x.utcb = 4;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_ALIGN,
	       "a write with one bad value is refused");
	kt_read(t.tid, &y);
	tap_ok(regs_match(&y, B) && y.rip == 0x401000 && y.utcb == VA_UTCB,
	       "refused writes change nothing, not even the good values");

	memset(&x, 0, sizeof(x));
	x.valid = 1u << 6;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_INVAL,
	       "an unknown valid bit is E_INVAL");
	x.valid = 0;
	x.flags = 4;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_INVAL,
	       "an unknown flag is E_INVAL");
	x.flags = EXREGS_READ;
	tap_eq(tess_exchange_registers(&x, NO_SUCH_TID), -E_NOTHREAD,
	       "an unknown tid is E_NOTHREAD");
	tap_eq(tess_exchange_registers(NULL, t.tid), -E_FAULT,
	       "a NULL block is E_FAULT");
	tap_eq(tess_exchange_registers((struct exregs *)tess_bootinfo, t.tid),
	       -E_FAULT, "a block in a read-only page is E_FAULT");

	/* My own registers: readable and writable (the pager, here). */
	struct exregs mine;
	tap_eq(kt_read(me, &mine), 0, "read my own registers");
	tap_eq(mine.state, THREAD_STATE_RUNNABLE, "I am runnable");
	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_PAGER;
	x.pager = p.tid;
	tap_eq(tess_exchange_registers(&x, me), 0, "write my own pager");
	kt_read(me, &y);
	tap_eq(y.pager, p.tid, "it changed");
	x.pager = mine.pager;
	tess_exchange_registers(&x, me);
	kt_read(me, &y);
	tap_eq(y.pager, mine.pager, "and is restored");
out:
	kt_destroy(&t);
	kt_destroy(&p);
}

/* Writes to a running thread: only its pager may. */
static void test_exregs_running(void)
{
	static volatile uint64_t c1, c2;
	struct kt_thread p = {0, 0}, x1 = {0, 0}, y1 = {0, 0};
	struct exregs x;

	if (kt_create(&p, 0, TID_NIL, 0) || kt_create(&x1, 0, p.tid, 0) ||
	    kt_create(&y1, 0, TID_NIL, 0)) {
		tap_ok(0, "threads for the running-target tests");
		goto out;
	}
	/* x1 is paged by p, not by me; y1 by me. */
	kt_start(x1.tid, spin_main, STACK(0), (uint64_t)&c1, 0, 0);
	kt_start(y1.tid, spin_main, STACK(1), (uint64_t)&c2, 0, 0);
	tess_thread_switch(TID_NIL);
	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_PAGER;
	x.pager = me;
	tap_eq(kt_state(x1.tid), THREAD_STATE_RUNNABLE,
	       "a thread I do not page is running");
	tap_eq(tess_exchange_registers(&x, x1.tid), -E_ACTIVE,
	       "writing to it is E_ACTIVE");
	memset(&x, 0, sizeof(x));
	x.flags = EXREGS_READ;
	tap_eq(tess_exchange_registers(&x, x1.tid), 0, "reading it is allowed");
	tap_eq(x.pager, p.tid, "(its pager is the other thread)");
	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_PAGER;
	x.pager = me;
	tap_eq(tess_exchange_registers(&x, y1.tid), 0,
	       "writing to a running thread I page is allowed");
	tap_eq(kt_tctrl(THREAD_SUSPEND, x1.tid), 0, "suspend the other one");
	tap_eq(tess_exchange_registers(&x, x1.tid), 0,
	       "a suspended thread can be written");
out:
	kt_destroy(&x1);
	kt_destroy(&y1);
	kt_destroy(&p);
}

/* In another space, with an exchange-registers capability for pc only. */
static void exregs_rights_main(uint64_t target, uint64_t report, uint64_t newpc)
{
	struct exregs x;
	struct tess_msg m;
	const uint32_t bits[5] = {EXREGS_SET_PC, EXREGS_SET_SP, EXREGS_SET_REGS,
				  EXREGS_SET_PAGER, EXREGS_SET_UTCB};
	struct task_ids ids;
	struct thread_create tc;
	long r;

	memset(&m, 0, sizeof(m));
	memset(&tc, 0, sizeof(tc));
	tc.pager = TID_NIL;
	tc.prio = PRIO_INHERIT;
	for (int i = 0; i < 5; i++) {
		memset(&x, 0, sizeof(x));
		x.rip = newpc;
		x.rflags = 0x202;
		x.pager = TID_NIL;
		x.valid = bits[i];
		r = tess_exchange_registers(&x, (uint32_t)target);
		m.mr[i] = (uint64_t)r;
	}
	memset(&x, 0, sizeof(x));
	x.flags = EXREGS_READ;
	r = tess_exchange_registers(&x, (uint32_t)target);
	memset(&ids, 0, sizeof(ids));
	tess_getid(&ids);
	long s = kt_read(ids.tid, &x);
	m.mr[5] = (uint64_t)r;
	tess_send((uint32_t)report, &m);

	/* No thread-control capability at all. */
	memset(&m, 0, sizeof(m));
	m.mr[0] = (uint64_t)s;
	ids.tid = (uint32_t)target;
	m.mr[1] = (uint64_t)tess_thread_control(THREAD_SUSPEND, &ids, NULL);
	m.mr[2] = (uint64_t)tess_thread_control(THREAD_WAIT, &ids, NULL);
	ids.tid = (uint32_t)report;
	m.mr[3] = (uint64_t)tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE,
						&ids, &tc);
	/* FPU state needs the regs right, to read as to write. */
	static uint8_t image[EXREGS_FPU_SIZE] __attribute__((aligned(16)));
	memset(&x, 0, sizeof(x));
	x.fpu = (uint64_t)image;
	x.flags = EXREGS_READ_FPU;
	m.mr[4] = (uint64_t)tess_exchange_registers(&x, (uint32_t)target);
	x.flags = 0;
	x.valid = EXREGS_SET_FPU;
	m.mr[5] = (uint64_t)tess_exchange_registers(&x, (uint32_t)target);
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

/* FPU/SSE state through exchange_registers: xmm0 lives at bytes
 * 160..175 of the FXSAVE image, MXCSR at 24..27. */
#define FX_XMM0 160
#define FX_MXCSR 24

/* Put `a` in xmm0, call `report` (an empty short IPC, in assembly so that
 * no compiled code touches xmm0 meanwhile), then report xmm0 and MXCSR as
 * they are after the answer. */
static void fpu_main(uint64_t a, uint64_t report, uint64_t unused)
{
	struct tess_msg m;
	uint64_t lo, nr = TESS_SYS_BASE + SYS_ipc, to = report, from = report,
		     flags = IPC_SHORT;
	uint32_t mxcsr;
	__asm__ volatile("xorl %%r10d, %%r10d\n"
			 "movq %[a], %%xmm0\n"
			 "syscall\n"
			 "movq %%xmm0, %[lo]\n"
			 : [lo] "=r"(lo), "+a"(nr), "+D"(to), "+S"(from),
			   "+d"(flags)
			 : [a] "r"(a)
			 : "rcx", "r11", "r8", "r9", "r10", "r12", "r13", "r14",
			   "r15", "xmm0", "memory");
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	memset(&m, 0, sizeof(m));
	m.mr[0] = lo;
	m.mr[1] = mxcsr;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

static void test_exregs_fpu(void)
{
	static uint8_t image[EXREGS_FPU_SIZE] __attribute__((aligned(16)));
	static uint8_t other[EXREGS_FPU_SIZE] __attribute__((aligned(16)));
	const uint64_t A = 0x1122334455667788ull, B = 0x0badf00dcafe1234ull;
	struct kt_thread t = {0, 0};
	struct tess_msg m;
	struct exregs x;
	uint64_t v;
	uint32_t mx;
	int status;

	if (!tap_eq(kt_spawn(&t, fpu_main, STACK(0), A, me, 0), 0,
		    "a thread that puts a value in xmm0 and calls me"))
		return;
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(t.tid, &m), 0, "it calls");

	memset(&x, 0, sizeof(x));
	memset(image, 0xee, sizeof(image));
	x.fpu = (uint64_t)image;
	x.flags = EXREGS_READ_FPU;
	tap_eq(tess_exchange_registers(&x, t.tid), 0, "EXREGS_READ_FPU");
	memcpy(&v, image + FX_XMM0, 8);
	tap_eq(v, A, "the image holds its xmm0");
	memcpy(&mx, image + FX_MXCSR, 4);
	tap_eq(mx & 0xffff, 0x1f80, "and the default MXCSR");

	memcpy(other, image, sizeof(other));
	memcpy(&mx, other + FX_MXCSR, 4);
	mx |= 0x80000000u; /* a reserved bit */
	memcpy(other + FX_MXCSR, &mx, 4);
	x.flags = 0;
	x.fpu = (uint64_t)other;
	x.valid = EXREGS_SET_FPU;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_INVAL,
	       "an image with a reserved MXCSR bit is E_INVAL");
	x.fpu = 0x10;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_FAULT,
	       "an unmapped image is E_FAULT (write)");
	x.valid = 0;
	x.flags = EXREGS_READ_FPU;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_FAULT,
	       "an unmapped image is E_FAULT (read)");
	x.fpu = 0xffff800000000000ull;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_FAULT,
	       "an image in the kernel half is E_FAULT");
	x.flags = 1u << 7;
	x.fpu = (uint64_t)image;
	tap_eq(tess_exchange_registers(&x, t.tid), -E_INVAL,
	       "an unknown flag (with an image) is E_INVAL");

	/* Swap: the new state goes in, the old comes back in the same image. */
	memcpy(&v, &B, 8);
	memcpy(image + FX_XMM0, &v, 8);
	memcpy(&mx, image + FX_MXCSR, 4);
	mx = (mx & ~0x6000u) | 0x2000u; /* round down */
	memcpy(image + FX_MXCSR, &mx, 4);
	x.flags = EXREGS_READ_FPU;
	x.valid = EXREGS_SET_FPU;
	tap_eq(tess_exchange_registers(&x, t.tid), 0,
	       "EXREGS_SET_FPU with EXREGS_READ_FPU on one image");
	memcpy(&v, image + FX_XMM0, 8);
	tap_eq(v, A,
	       "the image now holds the old xmm0 (the refused writes "
	       "changed nothing)");
	memset(&m, 0, sizeof(m));
	tess_send(t.tid, &m);
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(t.tid, &m), 0, "it goes on and reports");
	tap_eq(m.mr[0], B, "its xmm0 is the value written");
	tap_eq(m.mr[1] & 0x6000, 0x2000, "and its MXCSR the one written");
	kt_reap(t.tid, &status);
	kt_destroy(&t);

	/* Its own state: the one in the CPU, read and written. */
	__asm__ volatile("movq %0, %%xmm1" : : "r"(A) : "xmm1");
	memset(&x, 0, sizeof(x));
	x.fpu = (uint64_t)image;
	x.flags = EXREGS_READ_FPU;
	tap_eq(tess_exchange_registers(&x, me), 0, "read my own FPU state");
	memcpy(&v, image + FX_XMM0 + 16, 8);
	tap_eq(v, A, "it holds my live xmm1");
	memcpy(image + FX_XMM0 + 16, &B, 8);
	x.flags = 0;
	x.valid = EXREGS_SET_FPU;
	tap_eq(tess_exchange_registers(&x, me), 0, "write my own FPU state");
	__asm__ volatile("movq %%xmm1, %0" : "=r"(v));
	tap_eq(v, B, "my xmm1 changed at once");
}

static void test_exregs_rights(void)
{
	struct kt_child c;
	struct kt_thread target = {0, 0};
	struct tess_msg m;
	struct exregs x;
	int status;
	const uint64_t newpc = 0x40abc0;

	if (!tap_eq(kt_create(&target, 0, TID_NIL, 0), 0,
		    "a target thread in my space") ||
	    !tap_eq(kt_copy_child(&c, copy_untyped, TID_NIL, 0), 0,
		    "a thread in a copied space"))
		goto out;
	tap_eq(kt_grant(c.t.tid, CAP_EXREGS, SCOPE_SPACE, my_spid,
			CAP_EXREGS_RW_PC),
	       0, "grant it exchange_registers over my space, pc only");
	tap_eq(kt_grant(c.t.tid, CAP_IPC, SCOPE_THREAD, me,
			CAP_IPC_SEND | CAP_IPC_SHORT),
	       0, "and a capability to send me its results");
	tap_eq(kt_start(c.t.tid, exregs_rights_main, STACK(0), target.tid, me,
			newpc),
	       0, "start it");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(c.t.tid, &m), 0, "it reports");
	tap_eq((long)m.mr[0], 0, "with the pc right, writing pc works");
	tap_eq((long)m.mr[1], -E_NOCAP,
	       "without the sp right, writing sp is E_NOCAP");
	tap_eq((long)m.mr[2], -E_NOCAP,
	       "without the regs right, writing registers is E_NOCAP");
	tap_eq((long)m.mr[3], -E_NOCAP,
	       "without the pager right, writing the pager is E_NOCAP");
	tap_eq((long)m.mr[4], -E_NOCAP,
	       "without the utcb right, writing the UTCB is E_NOCAP");
	tap_eq((long)m.mr[5], 0, "a capability with any right allows reading");
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(c.t.tid, &m), 0, "it reports again");
	tap_eq((long)m.mr[0], -E_NOCAP,
	       "reading a thread outside the capability's scope (itself) is "
	       "E_NOCAP");
	tap_eq((long)m.mr[1], -E_NOCAP,
	       "SUSPEND without a thread-control capability is E_NOCAP");
	tap_eq((long)m.mr[2], -E_NOCHILD,
	       "WAIT needs no capability, but only for its own children: "
	       "E_NOCHILD");
	tap_eq((long)m.mr[3], -E_NOCAP, "CREATE without one is E_NOCAP");
	tap_eq((long)m.mr[4], -E_NOCAP,
	       "without the regs right, reading the FPU state is E_NOCAP");
	tap_eq((long)m.mr[5], -E_NOCAP,
	       "without the regs right, writing the FPU state is E_NOCAP");
	kt_read(target.tid, &x);
	tap_ok(x.rip == newpc && x.rsp == 0 && x.pager == me,
	       "the target got the pc and nothing else");
	tap_eq(kt_reap(c.t.tid, &status), 0,
	       "the thread in the copied space ends");
out:
	kt_destroy(&target);
	kt_child_destroy(&c);
}

/* TLS: read %fs:0 and %gs:0, many times, across switches. */
static void tls_main(uint64_t report, uint64_t rounds, uint64_t a2)
{
	uint64_t fs0, gs0, f, g, bad = 0;
	struct tess_msg m;

	__asm__ volatile("movq %%fs:0, %0" : "=r"(fs0));
	__asm__ volatile("movq %%gs:0, %0" : "=r"(gs0));
	for (uint64_t i = 0; i < rounds; i++) {
		tess_thread_switch(TID_NIL);
		__asm__ volatile("movq %%fs:0, %0" : "=r"(f));
		__asm__ volatile("movq %%gs:0, %0" : "=r"(g));
		if (f != fs0 || g != gs0)
			bad++;
	}
	memset(&m, 0, sizeof(m));
	m.mr[0] = fs0;
	m.mr[1] = gs0;
	m.mr[2] = bad;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

static void test_tls(void)
{
	static uint64_t tls[4] = {0xf5f5000011110001ull, 0x6565000011110002ull,
				  0xf5f5000022220001ull, 0x6565000022220002ull};
	struct kt_thread t[2] = {{0, 0}, {0, 0}};
	struct exregs x;
	struct tess_msg m;
	int status;

	for (int i = 0; i < 2; i++) {
		if (kt_create(&t[i], 0, TID_NIL, 0)) {
			tap_ok(0, "threads for the TLS test");
			goto out;
		}
		memset(&x, 0, sizeof(x));
		x.rdi = me;
		x.rsi = 50;
		x.rflags = 0x202;
		x.fs_base = (uint64_t)&tls[2 * i];
		x.gs_base = (uint64_t)&tls[2 * i + 1];
		x.rip = (uint64_t)tls_main;
		x.rsp = (uint64_t)stacks[i] + STACK_SIZE - 8;
		x.valid = EXREGS_SET_REGS | EXREGS_SET_PC | EXREGS_SET_SP;
		tess_exchange_registers(&x, t[i].tid);
	}
	for (int i = 0; i < 2; i++)
		kt_tctrl(THREAD_RUN, t[i].tid);
	for (int i = 0; i < 2; i++) {
		memset(&m, 0, sizeof(m));
		tap_eq(kt_recv(t[i].tid, &m), 0, "TLS thread %d reports", i);
		tap_ok(m.mr[0] == tls[2 * i] && m.mr[1] == tls[2 * i + 1],
		       "thread %d reads %%fs:0 and %%gs:0 from the bases set "
		       "with exchange_registers",
		       i);
		tap_eq(m.mr[2], 0,
		       "thread %d sees its own bases after 50 switches", i);
		kt_reap(t[i].tid, &status);
	}
	kt_read(me, &x);
	tap_ok(x.fs_base == 0 && x.gs_base == 0,
	       "my own TLS bases are untouched");
out:
	kt_destroy(&t[0]);
	kt_destroy(&t[1]);
}

/*
 * Null selectors.  A thread can zero its own FS and GS bases without the
 * kernel knowing, by loading a null selector.  Two threads with the same
 * recorded bases (8) take turns: one zeroes its bases and switches
 * straight to the other, which reads through %fs and %gs.  With the right
 * base it reads nsel_word[1]; with base 0, nsel_word[0].  (The kernel used
 * to skip loading bases equal to the last thread's recorded ones.)
 */
#define NSEL_ROUNDS 20
#define NSEL_BASE 8 /* from nsel_word[0] to nsel_word[1] */
static const uint64_t nsel_word[2] = {0xba5e000000000000ull,
				      0xba5e0000000000f5ull};
static volatile uint32_t nsel_zeroed, nsel_read;

static void nsel_zero_main(uint64_t other, uint64_t a1, uint64_t a2)
{
	for (uint32_t i = 0; i < NSEL_ROUNDS; i++) {
		while (nsel_read != i)
			tess_thread_switch((uint32_t)other);
		nsel_zeroed = i + 1;
		__asm__ volatile("mov %0, %%fs\n\tmov %0, %%gs"
				 :
				 : "r"((uint16_t)0)
				 : "memory");
		tess_thread_switch((uint32_t)other);
	}
	tess_exit(0);
}

static void nsel_read_main(uint64_t other, uint64_t report, uint64_t a2)
{
	uint64_t off = (uint64_t)&nsel_word[0], f, g, good_fs = 0, good_gs = 0;
	struct tess_msg m;

	for (uint32_t i = 0; i < NSEL_ROUNDS; i++) {
		while (nsel_zeroed != i + 1)
			tess_thread_switch((uint32_t)other);
		__asm__ volatile("movq %%fs:(%1), %0" : "=r"(f) : "r"(off));
		__asm__ volatile("movq %%gs:(%1), %0" : "=r"(g) : "r"(off));
		good_fs += f == nsel_word[1];
		good_gs += g == nsel_word[1];
		nsel_read = i + 1;
	}
	memset(&m, 0, sizeof(m));
	m.mr[0] = good_fs;
	m.mr[1] = good_gs;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

static void test_tls_null_selector(void)
{
	struct kt_thread t[2] = {{0, 0}, {0, 0}};
	kt_entry fn[2] = {nsel_zero_main, nsel_read_main};
	struct exregs x;
	struct tess_msg m;
	int status;

	nsel_zeroed = nsel_read = 0;
	for (int i = 0; i < 2; i++)
		if (kt_create(&t[i], 0, TID_NIL, 0)) {
			tap_ok(0, "threads for the null-selector test");
			goto out;
		}
	for (int i = 0; i < 2; i++) {
		memset(&x, 0, sizeof(x));
		x.rdi = t[1 - i].tid;
		x.rsi = me;
		x.rflags = 0x202;
		x.fs_base = x.gs_base = NSEL_BASE;
		x.rip = (uint64_t)fn[i];
		x.rsp = (uint64_t)stacks[i] + STACK_SIZE - 8;
		x.valid = EXREGS_SET_REGS | EXREGS_SET_PC | EXREGS_SET_SP;
		if (tess_exchange_registers(&x, t[i].tid) ||
		    kt_tctrl(THREAD_RUN, t[i].tid)) {
			tap_ok(0, "start the null-selector threads");
			goto out;
		}
	}
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(t[1].tid, &m), 0,
	       "two threads with the same TLS bases: one zeroes its own with "
	       "null selectors and switches to the other, %d times",
	       NSEL_ROUNDS);
	tap_eq(m.mr[0], NSEL_ROUNDS,
	       "the other reads through %%fs with its own base every time");
	tap_eq(m.mr[1], NSEL_ROUNDS, "and through %%gs");
	for (int i = 0; i < 2; i++)
		kt_reap(t[i].tid, &status);
out:
	kt_destroy(&t[0]);
	kt_destroy(&t[1]);
}

/* ---------------------------------------------------------------- switch */

static volatile uint32_t sw_first;
static volatile int sw_armed;

static void switch_main(uint64_t id, uint64_t a1, uint64_t a2)
{
	for (;;) {
		if (sw_armed) {
			sw_armed = 0;
			sw_first = (uint32_t)id;
		}
		tess_thread_switch(TID_NIL);
	}
}

static void test_thread_switch(void)
{
	static volatile uint64_t counter;
	struct kt_thread a = {0, 0}, b = {0, 0}, s = {0, 0}, r = {0, 0};
	uint64_t c0;

	tap_eq(tess_thread_switch(TID_NIL), 0, "thread_switch(TID_NIL) yields");
	tap_eq(tess_thread_switch(me), 0, "thread_switch to myself yields");
	tap_eq(tess_thread_switch(NO_SUCH_TID), -E_NOTHREAD,
	       "thread_switch to an unknown tid is E_NOTHREAD");

	counter = 0;
	if (kt_spawn(&s, spin_main, STACK(0), (uint64_t)&counter, 0, 0)) {
		tap_ok(0, "a counting thread");
		return;
	}
	c0 = counter;
	tess_thread_switch(TID_NIL);
	tap_ok(counter > c0, "yielding lets a thread of my priority run");
	kt_destroy(&s);

	sw_armed = 0;
	if (kt_spawn(&a, switch_main, STACK(0), 1, 0, 0) ||
	    kt_spawn(&b, switch_main, STACK(1), 2, 0, 0)) {
		tap_ok(0, "two switching threads");
		goto out;
	}
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 2; i++) {
			struct kt_thread *to = i ? &a : &b;
			tess_thread_switch(TID_NIL); /* a fresh time slice */
			sw_first = 0;
			sw_armed = 1;
			tap_eq(tess_thread_switch(to->tid), 0,
			       "thread_switch to a runnable thread");
			tap_eq(sw_first, i ? 1 : 2,
			       "the thread named runs first (round %d)", round);
		}
	}
	tap_eq(kt_spawn(&r, recv_report_main, STACK(2), me, 0, 0), 0,
	       "a thread blocks receiving");
	kt_wait_state(r.tid, THREAD_STATE_BLOCKED);
	tap_eq(tess_thread_switch(r.tid), 0,
	       "thread_switch to a blocked thread just yields");
	tap_eq(kt_state(r.tid), THREAD_STATE_BLOCKED, "and leaves it blocked");
out:
	kt_destroy(&a);
	kt_destroy(&b);
	kt_destroy(&r);
}

/* ---------------------------------------------------------------- time */

static void test_time(void)
{
	struct tess_timeval tv, prev;
	int mono = 1, range = 1;

	tap_eq(tess_time(&prev), 0, "time succeeds");
	for (int i = 0; i < 200; i++) {
		if (tess_time(&tv))
			mono = 0;
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			range = 0;
		if (tv.tv_sec < prev.tv_sec ||
		    (tv.tv_sec == prev.tv_sec && tv.tv_usec < prev.tv_usec))
			mono = 0;
		prev = tv;
	}
	tap_ok(mono, "200 readings never go back");
	tap_ok(range, "the microseconds are always below one million");
	uint64_t t0 = kt_now_us(), t1 = t0;
	for (int i = 0; i < 100000 && t1 == t0; i++)
		t1 = kt_now_us();
	tap_ok(t1 > t0, "time moves on");
	tap_eq(tess_time(NULL), -E_FAULT, "time(NULL) is E_FAULT");
	tap_eq(tess_time((struct tess_timeval *)tess_bootinfo), -E_FAULT,
	       "time into a read-only page is E_FAULT");
	tap_eq(tess_time((struct tess_timeval *)(USER_ADDR_TOP - 8)), -E_FAULT,
	       "time at the top of user space is E_FAULT");
}

/* ---------------------------------------------------------------- limits */

/* Every thread id in use: CREATE is E_LIMIT, and works again once one is
 * freed.  (4,095 ids; the Thread objects, 8 KiB each, come from an
 * Untyped of their own, revoked at the end.) */
static void test_tid_limit(void)
{
	const unsigned max = 4096;
	struct task_ids ids;
	struct thread_create tc;
	cptr_t u = 0, cs = 0;
	unsigned made = 0;
	long r = 0;

	if (!tap_eq(tess_new(ka, CAP_UNTYPED, 26, &u), 0,
		    "64 MiB for 4,096 Thread objects") ||
	    !tap_eq(tess_retype(u, CAP_CSPACE, 12, cs = kt_slot(), 1), 0,
		    "a CSpace for them") ||
	    !tap_eq(tess_retype(u, CAP_THREAD, 0, kt_addr2(cs, 0), max), 0,
		    "4,096 Thread objects"))
		goto out;
	for (made = 0; made < max; made++) {
		memset(&ids, 0, sizeof(ids));
		ids.tid = me;
		create_args(&tc, kt_addr2(cs, made));
		r = tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids,
					&tc);
		if (r)
			break;
	}
	tap_eq(r, -E_LIMIT,
	       "CREATE with every thread id in use is E_LIMIT "
	       "(after %u more threads)",
	       made);
	tap_ok(made > 4000 && made < max, "the table holds 4,095 threads");
	memset(&ids, 0, sizeof(ids));
	ids.tid = me;
	create_args(&tc, kt_addr2(cs, made - 1));
	tap_ok(tess_cap_delete(kt_addr2(cs, made - 1)) == 0 &&
		   tess_retype(u, CAP_THREAD, 0, kt_addr2(cs, made - 1), 1) ==
		       0 &&
		   tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids,
				       &tc) == 0,
	       "one thread destroyed, CREATE works again");
out:
	tap_eq(u ? tess_cap_revoke(u) : -1, 0, "all of them destroyed");
	if (u)
		tess_delete(ka, u);
}

void test_threads(void)
{
	printf("# threads: thread_control, getid, exchange_registers, switch, "
	       "time (%ld KiB left)\n",
	       tess_remaining(ka->untyped) >> 10);
	test_getid();
	kt_self();
	if (!tap_eq(tess_new(ka, CAP_UNTYPED, 22, &copy_untyped), 0,
		    "an untyped for copied spaces"))
		return;
	if (!tap_eq(kt_tables_make(ka, SPACE_SELF, KT_VA_THREADS, tables), 0,
		    "page tables for my addresses"))
		return;
	test_create_share_space();
	test_create_errors();
	test_group_and_utcb();
	test_new_space();
	test_copy_space();
	test_container();
	test_exit_and_wait();
	test_wait_not_child();
	test_wait_aborted();
	test_wait_destroyed();
	test_suspend();
	test_destroy();
	test_recycle();
	test_priority();
	test_exregs_rw();
	test_exregs_running();
	test_exregs_fpu();
	test_exregs_rights();
	test_tls();
	test_tls_null_selector();
	test_thread_switch();
	test_time();
	test_tid_limit();
	tess_delete(ka, copy_untyped);
	kt_tables_free(ka, tables);
}
