/*
 * Faults: a user page fault (read, write, execute; not present and
 * protection), #UD, #GP, #DE, int3, single-step #DB, a bad stack, and an
 * unknown system call become messages to the thread's pager with their
 * data; the pager's answer resumes the thread (after mapping a page or
 * moving its rip), resumes it elsewhere, or kills it; faults in a copied
 * space; two faults queued at one pager; a thread with no pager, one that
 * is its own pager, and a pager that faults while serving: each dies with
 * one kernel log line (checked with "# expect:" lines) while others go on.
 *
 * Unless a test says otherwise the root thread is the pager.
 */
#include "ktest.h"

/*
 * The faulting instructions, each at a label so the fault's rip can be
 * checked exactly.  Each stub is a function; after the pager's fix it
 * returns a marker.
 */
long fl_load(const long *addr);
void fl_store(long *addr, long value);
long fl_ud(void), fl_gp(void), fl_de(void), fl_bp(void);
long fl_sys(long nr, long a, long b, long c);
void fl_push(void), fl_step(void);
extern const char fl_load_insn[], fl_store_insn[], fl_ud_insn[], fl_gp_insn[],
    fl_de_insn[], fl_bp_after[], fl_sys_after[], fl_push_insn[], fl_step_2[];

__asm__(".text\n"
	".p2align 4\n"
	"fl_load:\n"
	"fl_load_insn:\n"
	"	movq (%rdi), %rax\n"
	"	ret\n"
	"fl_store:\n"
	"fl_store_insn:\n"
	"	movq %rsi, (%rdi)\n"
	"	ret\n"
	"fl_ud:\n"
	"	xorl %eax, %eax\n"
	"fl_ud_insn:\n"
	"	ud2\n" /* 2 bytes */
	"	movl $0x5a, %eax\n"
	"	ret\n"
	"fl_gp:\n"
	"	xorl %eax, %eax\n"
	"fl_gp_insn:\n"
	"	cli\n" /* 1 byte, privileged: #GP(0) */
	"	movl $0x6b, %eax\n"
	"	ret\n"
	"fl_de:\n"
	"	xorl %eax, %eax\n"
	"	xorl %edx, %edx\n"
	"	xorl %ecx, %ecx\n"
	"fl_de_insn:\n"
	"	divl %ecx\n" /* 2 bytes */
	"	movl $0x7c, %eax\n"
	"	ret\n"
	"fl_bp:\n"
	"	xorl %eax, %eax\n"
	"	int3\n"
	"fl_bp_after:\n"
	"	movl $0x8d, %eax\n"
	"	ret\n"
	"fl_sys:\n" /* syscall number rdi, arguments rsi, rdx, rcx, */
	"	movq %rdi, %rax\n" /* then 0x44, 0x55, 0x66 in r10, r8, r9 */
	"	movq %rsi, %rdi\n"
	"	movq %rdx, %rsi\n"
	"	movq %rcx, %rdx\n"
	"	movl $0x44, %r10d\n"
	"	movl $0x55, %r8d\n"
	"	movl $0x66, %r9d\n"
	"	syscall\n"
	"fl_sys_after:\n"
	"	ret\n"
	"fl_push:\n" /* a thread entry: rsp is not canonical */
	"fl_push_insn:\n"
	"	pushq %rax\n"
	"	ud2\n"
	"fl_step:\n" /* a thread entry, started single-stepping */
	"	nop\n"
	"fl_step_2:\n"
	"	movl $0x9e, %edi\n"
	"	movl $0x1002, %eax\n" /* exit(0x9e) */
	"	syscall\n"
	"	ud2\n");

#define STACK_SIZE 8192
#define NSTACKS 4
static char stacks[NSTACKS][STACK_SIZE] __attribute__((aligned(16)));
#define STACK(i) stacks[i], STACK_SIZE

#define VA(k)                                                                  \
	(KT_VA_FAULTS + 0x1000 * (uintptr_t)(k)) /* unmapped until served */
#define VA_FILL (KT_VA_FAULTS + 0x100000)	 /* where I fill pages */
#define VA_MY_UTCB (KT_VA_FAULTS + 0x200000)	 /* my UTCB, for a while */
#define NONCANONICAL 0x1000000000000000ull

static uint32_t me;
static cptr_t copy_untyped; /* memory for the copied spaces */
static cptr_t tables[3];

enum fault_kind { F_LOAD, F_STORE, F_EXEC, F_UD, F_GP, F_DE, F_BP, F_SYS };

/* Take one fault of `kind`, then report to `report` what came back. */
static void fault_main(uint64_t kind, uint64_t arg, uint64_t report)
{
	struct tess_msg m;
	long v = 0;

	switch (kind) {
	case F_LOAD:
		v = fl_load((const long *)arg);
		break;
	case F_STORE:
		fl_store((long *)arg, 0x5709e);
		v = *(volatile long *)arg;
		break;
	case F_EXEC:
		v = ((long (*)(void))arg)();
		break;
	case F_UD:
		v = fl_ud();
		break;
	case F_GP:
		v = fl_gp();
		break;
	case F_DE:
		v = fl_de();
		break;
	case F_BP:
		v = fl_bp();
		break;
	case F_SYS:
		v = fl_sys((long)arg, 0x11, 0x22, 0x33);
		break;
	}
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0x5e;
	m.mr[1] = (uint64_t)v;
	tess_send((uint32_t)report, &m);
	tess_exit(0);
}

/* A child paged by me that takes fault `kind`: its fault message in *m. */
static long fault_start(struct kt_thread *t, int stack, int kind, uint64_t arg,
			struct tess_msg *m)
{
	long r = kt_spawn(t, fault_main, STACK(stack), (uint64_t)kind, arg, me);
	if (r)
		return r;
	memset(m, 0, sizeof(*m));
	return kt_recv(t->tid, m);
}

/* Answer the fault with MR0, MR1; then receive the child's next message
 * (its report, or another fault). */
static long fault_answer(struct kt_thread *t, uint64_t mr0, uint64_t mr1,
			 struct tess_msg *m)
{
	long r;
	memset(m, 0, sizeof(*m));
	m->mr[0] = mr0;
	m->mr[1] = mr1;
	r = tess_send(t->tid, m);
	if (r)
		return r;
	memset(m, 0, sizeof(*m));
	return kt_recv(t->tid, m);
}

static int on_stack(uint64_t sp, int i)
{
	return sp > (uint64_t)stacks[i] &&
	       sp <= (uint64_t)stacks[i] + STACK_SIZE;
}

static int is_report(const struct tess_msg *m, uint64_t value)
{
	return m->mr[0] == 0x5e && m->mr[1] == value;
}

/* Fill `page` with `value` in every word, through a mapping that goes again. */
static void prefill(cptr_t page, uint64_t value)
{
	if (tess_map(page, SPACE_SELF, VA_FILL,
		     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE))
		return;
	for (int i = 0; i < 512; i++)
		((volatile uint64_t *)VA_FILL)[i] = value;
	tess_unmap(page);
}

/* Print the line the kernel must have logged, for the runner to check. */
static void expect_log(uint32_t tid, const char *what, const char *why)
{
	printf("# expect: fault: thread %x (t%x): %s: %s\n", tid, tid, what,
	       why);
}

/* ---------------------------------------------------------------- paging */

static void test_page_faults(void)
{
	struct kt_thread t = {0, 0};
	cptr_t p[3] = {0, 0, 0};
	struct tess_msg m;
	int status;
	/* mov $0x77, %eax; ret */
	static const uint8_t code[] = {0xb8, 0x77, 0x00, 0x00, 0x00, 0xc3};

	for (int i = 0; i < 3; i++)
		if (tess_new(ka, CAP_PAGE, 0, &p[i])) {
			tap_ok(0, "pages for the page-fault tests");
			goto out;
		}
	prefill(p[0], 0x1234abcd);

	/* Read of a page not present. */
	tap_eq(fault_start(&t, 0, F_LOAD, VA(1), &m), 0,
	       "a read of an unmapped page faults to me");
	tap_ok(m.sender == t.tid && m.info == (IPC_SHORT | IPC_FROM_KERNEL) &&
		   m.mr[0] == IPC_TAG_PAGEFAULT,
	       "a page-fault message in the thread's name, marked as the "
	       "kernel's");
	tap_eq(m.mr[1], VA(1), "with the faulting address");
	tap_eq(m.mr[2], 0, "access: a read, page not present");
	tap_eq(m.mr[3], (uint64_t)fl_load_insn,
	       "rip: the faulting instruction");
	tap_ok(on_stack(m.mr[4], 0), "rsp: on the thread's stack");
	tap_eq(kt_state(t.tid), THREAD_STATE_BLOCKED,
	       "the thread waits for my answer");
	tap_eq(tess_map(p[0], SPACE_SELF, VA(1), RIGHT_PAGE_READ), 0,
	       "map a page there");
	tap_eq(fault_answer(&t, FAULT_RESUME, 0, &m), 0, "answer FAULT_RESUME");
	tap_ok(is_report(&m, 0x1234abcd),
	       "the load is retried and reads the page");
	tap_eq(kt_reap(t.tid, &status), 0, "the thread goes on to its end");
	tap_eq(status, 0, "(normally)");
	kt_destroy(&t);

	/* Write: not present, then read-only. */
	tap_eq(fault_start(&t, 0, F_STORE, VA(2), &m), 0,
	       "a write to an unmapped page faults");
	tap_ok(m.mr[0] == IPC_TAG_PAGEFAULT && m.mr[1] == VA(2) &&
		   m.mr[2] == FAULT_WRITE && m.mr[3] == (uint64_t)fl_store_insn,
	       "access: a write, page not present, at the store");
	tess_map(p[1], SPACE_SELF, VA(2), RIGHT_PAGE_READ);
	tap_eq(fault_answer(&t, FAULT_RESUME, 0, &m), 0,
	       "map it read-only and resume");
	tap_ok(m.mr[0] == IPC_TAG_PAGEFAULT && m.mr[1] == VA(2) &&
		   m.mr[2] == (FAULT_WRITE | FAULT_PROTECTION) &&
		   m.mr[3] == (uint64_t)fl_store_insn,
	       "the retried store faults again: a write, protection");
	tess_unmap(p[1]);
	tess_map(p[1], SPACE_SELF, VA(2), RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	tap_eq(fault_answer(&t, FAULT_RESUME, 0, &m), 0,
	       "map it writable and resume");
	tap_ok(is_report(&m, 0x5709e), "the store went through");
	tap_eq(*(volatile long *)VA(2), 0x5709e, "and I see it in the page");
	kt_reap(t.tid, &status);
	kt_destroy(&t);

	/* Execute: not present, then present but not executable. */
	if (tess_map(p[2], SPACE_SELF, VA_FILL,
		     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE) == 0) {
		memcpy((void *)VA_FILL, code, sizeof(code));
		tess_unmap(p[2]);
	}
	tap_eq(fault_start(&t, 0, F_EXEC, VA(3), &m), 0,
	       "a call to an unmapped page faults");
	tap_ok(
	    m.mr[0] == IPC_TAG_PAGEFAULT && m.mr[1] == VA(3) &&
		m.mr[3] == VA(3) && (m.mr[2] & FAULT_EXEC) &&
		!(m.mr[2] & (FAULT_WRITE | FAULT_PROTECTION)),
	    "access: an instruction fetch, page not present, rip the address");
	tess_map(p[2], SPACE_SELF, VA(3), RIGHT_PAGE_READ);
	tap_eq(fault_answer(&t, FAULT_RESUME, 0, &m), 0,
	       "map it without execute right and resume");
	tap_ok(m.mr[0] == IPC_TAG_PAGEFAULT && m.mr[1] == VA(3) &&
		   m.mr[2] == (FAULT_EXEC | FAULT_PROTECTION),
	       "the fetch faults again: execute, protection");
	tess_unmap(p[2]);
	tess_map(p[2], SPACE_SELF, VA(3), RIGHT_PAGE_READ | RIGHT_PAGE_EXEC);
	tap_eq(fault_answer(&t, FAULT_RESUME, 0, &m), 0,
	       "map it executable and resume");
	tap_ok(is_report(&m, 0x77), "the code on the page ran");
	kt_reap(t.tid, &status);
out:
	kt_destroy(&t);
	for (int i = 0; i < 3; i++)
		if (p[i])
			tess_delete(ka, p[i]);
}

/* ---------------------------------------------------------------- exceptions
 */

static void test_exceptions(void)
{
	static const struct {
		int kind;
		const char *name;
		uint64_t vector;
		const char *insn;
		uint64_t
		    skip; /* bytes to move rip past; 0: rip is already past */
		uint64_t marker;
	} ex[] = {
	    {F_UD, "#UD", 6, fl_ud_insn, 2, 0x5a},
	    {F_GP, "#GP", 13, fl_gp_insn, 1, 0x6b},
	    {F_DE, "#DE", 0, fl_de_insn, 2, 0x7c},
	    {F_BP, "int3 (#BP)", 3, fl_bp_after, 0, 0x8d},
	};
	struct kt_thread t = {0, 0};
	struct tess_msg m;
	struct exregs x;
	int status;

	for (unsigned i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		tap_eq(fault_start(&t, 0, ex[i].kind, 0, &m), 0,
		       "%s in a thread is a message to its pager", ex[i].name);
		tap_ok(m.sender == t.tid && m.mr[0] == IPC_TAG_EXCEPTION &&
			   m.mr[1] == ex[i].vector && m.mr[2] == 0,
		       "%s: an exception message with vector %lu, error code 0",
		       ex[i].name, (unsigned long)ex[i].vector);
		tap_eq(m.mr[3], (uint64_t)ex[i].insn, "%s: rip %s", ex[i].name,
		       ex[i].skip ? "of the faulting instruction"
				  : "after the int3");
		tap_ok(on_stack(m.mr[4], 0), "%s: rsp on the thread's stack",
		       ex[i].name);
		if (ex[i].skip) {
			memset(&x, 0, sizeof(x));
			x.rip = (uint64_t)ex[i].insn + ex[i].skip;
			x.valid = EXREGS_SET_PC;
			tap_eq(tess_exchange_registers(&x, t.tid), 0,
			       "%s: the pager moves rip past the instruction",
			       ex[i].name);
		}
		tap_eq(fault_answer(&t, FAULT_RESUME, 0, &m), 0,
		       "%s: answer FAULT_RESUME", ex[i].name);
		tap_ok(is_report(&m, ex[i].marker),
		       "%s: the thread goes on after the instruction",
		       ex[i].name);
		tap_eq(kt_reap(t.tid, &status), 0, "%s: and ends normally",
		       ex[i].name);
		kt_destroy(&t);
	}

	/* FAULT_RESUME_AT: the answer names where to go on. */
	tap_eq(fault_start(&t, 0, F_UD, 0, &m), 0, "#UD again");
	tap_eq(fault_answer(&t, FAULT_RESUME_AT, (uint64_t)fl_ud_insn + 2, &m),
	       0, "answer FAULT_RESUME_AT the next instruction");
	tap_ok(is_report(&m, 0x5a), "the thread goes on there");
	kt_reap(t.tid, &status);
	kt_destroy(&t);
}

/* Killing: FAULT_KILL, any unknown answer, a non-canonical resume address. */
static void test_fault_kill(void)
{
	static const struct {
		uint64_t mr0, mr1;
		const char *name;
	} kill[] = {
	    {FAULT_KILL, 0, "FAULT_KILL"},
	    {77, 0, "an unknown answer (77)"},
	    {FAULT_RESUME_AT, NONCANONICAL,
	     "FAULT_RESUME_AT a non-canonical address"},
	};
	struct kt_thread t = {0, 0};
	struct tess_msg m;
	char what[64];
	int status;

	for (unsigned i = 0; i < sizeof(kill) / sizeof(kill[0]); i++) {
		tap_eq(fault_start(&t, 0, F_UD, 0, &m), 0,
		       "a thread takes #UD");
		memset(&m, 0, sizeof(m));
		m.mr[0] = kill[i].mr0;
		m.mr[1] = kill[i].mr1;
		tap_eq(tess_send(t.tid, &m), 0, "answer %s", kill[i].name);
		tap_eq(kt_reap(t.tid, &status), 0, "%s: the thread dies",
		       kill[i].name);
		tap_eq(status, -1, "%s: its exit status is -1", kill[i].name);
		snprintf(what, sizeof(what), "#UD invalid opcode, rip %lx",
			 (unsigned long)fl_ud_insn);
		expect_log(t.tid, what, "killed by its pager");
		kt_destroy(&t);
	}

	/* A page fault killed, and a thread destroyed before the answer. */
	tap_eq(fault_start(&t, 0, F_LOAD, VA(9), &m), 0,
	       "a thread takes a page fault");
	memset(&m, 0, sizeof(m));
	m.mr[0] = FAULT_KILL;
	tap_eq(tess_send(t.tid, &m), 0, "answer FAULT_KILL");
	tap_eq(kt_reap(t.tid, &status), 0, "the thread dies");
	tap_eq(status, -1, "its exit status is -1");
	kt_destroy(&t);
	tap_eq(fault_start(&t, 0, F_LOAD, VA(9), &m), 0,
	       "a thread takes a page fault");
	uint32_t old = t.tid;
	kt_destroy(&t);
	memset(&m, 0, sizeof(m));
	tap_eq(tess_send(old, &m), -E_NOTHREAD,
	       "destroyed before the answer: the answer is E_NOTHREAD");
}

/* ---------------------------------------------------------------- syscalls */

static void test_unknown_syscall(void)
{
	static const uint64_t nrs[] = {39, 0, TESS_SYS_BASE + SYS_COUNT,
				       TESS_SYS_BASE - 1, (uint64_t)-1};
	struct kt_thread t = {0, 0};
	struct tess_msg m;
	char what[64];
	int status;

	for (unsigned i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		tap_eq(fault_start(&t, 0, F_SYS, nrs[i], &m), 0,
		       "system call 0x%lx is a message to the pager",
		       (unsigned long)nrs[i]);
		tap_ok(m.sender == t.tid && m.mr[0] == IPC_TAG_SYSCALL &&
			   m.mr[1] == nrs[i],
		       "a system-call message with the number 0x%lx",
		       (unsigned long)nrs[i]);
		tap_ok(m.mr[2] == 0x11 && m.mr[3] == 0x22 && m.mr[4] == 0x33,
		       "its first three arguments (rdi, rsi, rdx)");
		tap_eq(m.mr[5], (uint64_t)fl_sys_after,
		       "and the rip after the syscall instruction");
		tap_eq(m.info, IPC_SHORT | IPC_FROM_KERNEL,
		       "a short message to a pager with no UTCB");
		tap_eq(fault_answer(&t, FAULT_RESUME, 4200 + i, &m), 0,
		       "answer FAULT_RESUME, MR1 %u", 4200 + i);
		tap_ok(is_report(&m, 4200 + i),
		       "the system call returns MR1 in rax");
		kt_reap(t.tid, &status);
		kt_destroy(&t);
	}

	tap_eq(fault_start(&t, 0, F_SYS, 39, &m), 0, "system call 39 again");
	tap_eq(fault_answer(&t, FAULT_RESUME_AT, (uint64_t)fl_sys_after, &m), 0,
	       "answer FAULT_RESUME_AT the instruction after it");
	tap_ok(is_report(&m, 39),
	       "the thread goes on there with rax unchanged");
	kt_reap(t.tid, &status);
	kt_destroy(&t);

	/* Withdrawn: stopped while its pager has the message, the thread
	 * makes the call again when it runs. */
	tap_eq(fault_start(&t, 0, F_SYS, 39, &m), 0,
	       "system call 39: a message");
	tap_ok(kt_tctrl(THREAD_SUSPEND, t.tid) == 0 &&
		   kt_tctrl(THREAD_RUN, t.tid) == 0,
	       "the thread is stopped and run again before the answer");
	memset(&m, 0, sizeof(m));
	tap_ok(kt_recv(t.tid, &m) == 0 && m.mr[0] == IPC_TAG_SYSCALL &&
		   m.mr[1] == 39 && m.mr[5] == (uint64_t)fl_sys_after,
	       "it makes the system call again: the same message");
	tap_eq(fault_answer(&t, FAULT_RESUME, 4300, &m), 0,
	       "answer that one with FAULT_RESUME");
	tap_ok(is_report(&m, 4300), "the system call returns MR1 once");
	kt_reap(t.tid, &status);
	kt_destroy(&t);

	tap_eq(fault_start(&t, 0, F_SYS, 39, &m), 0,
	       "system call 39 once more");
	memset(&m, 0, sizeof(m));
	m.mr[0] = FAULT_KILL;
	tap_eq(tess_send(t.tid, &m), 0, "answer FAULT_KILL");
	tap_eq(kt_reap(t.tid, &status), 0, "the thread dies");
	tap_eq(status, -1, "its exit status is -1");
	snprintf(what, sizeof(what), "unknown system call 27 at rip %lx",
		 (unsigned long)fl_sys_after);
	expect_log(t.tid, what, "killed by its pager");
	kt_destroy(&t);
}

/* A pager with a UTCB gets a syscall fault as a full message: r10, r8, r9
 * and rsp in its UTCB; with its UTCB unmapped, the short message. */
static void test_syscall_full(void)
{
	struct utcb *u = (struct utcb *)VA_MY_UTCB;
	struct kt_thread t = {0, 0};
	struct exregs x, mine;
	struct tess_msg m;
	cptr_t page = 0;
	int status;

	kt_read(me, &mine);
	if (tess_new_page_at(ka, SPACE_SELF, VA_MY_UTCB, &page)) {
		tap_ok(0, "a page for my UTCB");
		return;
	}
	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_UTCB;
	x.utcb = VA_MY_UTCB;
	tap_eq(tess_exchange_registers(&x, me), 0, "give myself a UTCB");
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		u->mr[i] = 0xdead;
	tap_eq(fault_start(&t, 0, F_SYS, 39, &m), 0,
	       "system call 39 to a pager with a UTCB");
	tap_eq(m.info, IPC_FULL | IPC_FROM_KERNEL, "arrives as a full message");
	tap_ok(m.mr[1] == 39 && m.mr[2] == 0x11 && m.mr[3] == 0x22 &&
		   m.mr[4] == 0x33 && m.mr[5] == (uint64_t)fl_sys_after,
	       "MR1..MR5 as in the short message");
	tap_ok(u->mr[FAULT_SYSCALL_R10] == 0x44 &&
		   u->mr[FAULT_SYSCALL_R8] == 0x55 &&
		   u->mr[FAULT_SYSCALL_R9] == 0x66,
	       "r10, r8, r9 in mr[6..8] of my UTCB");
	tap_ok(on_stack(u->mr[FAULT_SYSCALL_RSP], 0),
	       "the thread's rsp in mr[9]");
	tap_eq(u->mr[FAULT_MSG_WORDS], 0xdead, "nothing written beyond mr[9]");
	tap_eq(fault_answer(&t, FAULT_RESUME, 77, &m), 0,
	       "answer FAULT_RESUME");
	tap_ok(is_report(&m, 77), "the system call returns MR1");
	kt_reap(t.tid, &status);
	kt_destroy(&t);

	tess_unmap(page);
	tap_eq(fault_start(&t, 0, F_SYS, 40, &m), 0,
	       "system call 40 to a pager whose UTCB is not mapped");
	tap_ok(m.info == (IPC_SHORT | IPC_FROM_KERNEL) && m.mr[1] == 40,
	       "arrives as the short message");
	tap_eq(fault_answer(&t, FAULT_RESUME, 78, &m), 0, "answer it");
	tap_ok(is_report(&m, 78), "the system call returns MR1");
	kt_reap(t.tid, &status);
	kt_destroy(&t);

	memset(&x, 0, sizeof(x));
	x.valid = EXREGS_SET_UTCB;
	x.utcb = mine.utcb;
	tess_exchange_registers(&x, me);
	tess_delete(ka, page);
}

/* ---------------------------------------------------------------- odd starts
 */

/* Single-step: TF set with exchange_registers; #DB after one instruction. */
static void test_single_step(void)
{
	struct kt_thread t = {0, 0};
	struct exregs x;
	struct tess_msg m;
	int status;

	if (kt_create(&t, 0, TID_NIL, 0)) {
		tap_ok(0, "a thread to single-step");
		return;
	}
	memset(&x, 0, sizeof(x));
	x.rip = (uint64_t)fl_step;
	x.rflags = 0x302; /* TF */
	x.valid = EXREGS_SET_PC | EXREGS_SET_REGS;
	tap_eq(tess_exchange_registers(&x, t.tid), 0,
	       "start a thread with the trap flag set");
	kt_tctrl(THREAD_RUN, t.tid);
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(t.tid, &m), 0, "it faults to me");
	tap_ok(m.mr[0] == IPC_TAG_EXCEPTION && m.mr[1] == 1 &&
		   m.mr[3] == (uint64_t)fl_step_2,
	       "#DB (vector 1) after its first instruction");
	kt_read(t.tid, &x);
	tap_ok(x.rflags & 0x100, "its saved flags still hold TF");
	x.rflags &= ~0x100ull;
	x.valid = EXREGS_SET_REGS;
	x.flags = 0;
	tap_eq(tess_exchange_registers(&x, t.tid), 0, "clear TF");
	memset(&m, 0, sizeof(m));
	m.mr[0] = FAULT_RESUME;
	tap_eq(tess_send(t.tid, &m), 0, "resume it");
	tap_eq(kt_reap(t.tid, &status), 0, "it runs to its exit call");
	tap_eq(status, 0x9e, "without stepping further");
	kt_destroy(&t);
}

/* A stack pointer that is not canonical: a user fault, not a kernel one. */
static void test_bad_stack(void)
{
	struct kt_thread t = {0, 0};
	struct exregs x;
	struct tess_msg m;
	int status;

	if (kt_create(&t, 0, TID_NIL, 0)) {
		tap_ok(0, "a thread for the bad-stack test");
		return;
	}
	memset(&x, 0, sizeof(x));
	x.rip = (uint64_t)fl_push;
	x.rsp = NONCANONICAL;
	x.valid = EXREGS_SET_PC | EXREGS_SET_SP;
	tap_eq(tess_exchange_registers(&x, t.tid), 0,
	       "start a thread with rsp not canonical");
	kt_tctrl(THREAD_RUN, t.tid);
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(t.tid, &m), 0, "its first push faults to me");
	tap_ok(m.mr[0] == IPC_TAG_EXCEPTION &&
		   (m.mr[1] == 12 || m.mr[1] == 13) &&
		   m.mr[3] == (uint64_t)fl_push_insn && m.mr[4] == NONCANONICAL,
	       "a #SS or #GP at the push, with the bad rsp (vector %lu)",
	       (unsigned long)m.mr[1]);
	memset(&m, 0, sizeof(m));
	m.mr[0] = FAULT_KILL;
	tess_send(t.tid, &m);
	tap_eq(kt_reap(t.tid, &status), 0, "killed by me");
	tap_eq(status, -1, "(status -1)");
	kt_destroy(&t);
}

/* ---------------------------------------------------------------- spaces */

/* In a copied space: read an unmapped address; exit with what was read. */
static void copy_load_main(uint64_t addr, uint64_t a1, uint64_t a2)
{
	tess_exit((int)fl_load((const long *)addr));
}

static void test_fault_in_copy(void)
{
	struct kt_child c;
	cptr_t p = 0;
	struct tess_msg m;
	struct cap_info ci;
	int status;

	if (tess_new(ka, CAP_PAGE, 0, &p) ||
	    !tap_eq(kt_copy_child(&c, copy_untyped, me, 0), 0,
		    "a thread in a copy of my space")) {
		if (p)
			tess_delete(ka, p);
		return;
	}
	prefill(p, 0x0c0b1e);
	kt_start(c.t.tid, copy_load_main, STACK(0), VA(5), 0, 0);
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(c.t.tid, &m), 0, "its page fault comes to me");
	tap_ok(m.mr[0] == IPC_TAG_PAGEFAULT && m.mr[1] == VA(5) &&
		   m.mr[2] == 0 && m.mr[3] == (uint64_t)fl_load_insn,
	       "a read of the address, at the load");
	tap_eq(tess_map(p, c.space, VA(5), RIGHT_PAGE_READ), 0,
	       "map a page in its space");
	memset(&m, 0, sizeof(m));
	m.mr[0] = FAULT_RESUME;
	tap_eq(tess_send(c.t.tid, &m), 0, "resume it");
	tap_eq(kt_reap(c.t.tid, &status), 0, "it ends");
	tap_eq(status, 0x0c0b1e, "it read the page I mapped into its space");
	tap_ok(tess_cap_info(p, &ci) == 0 && ci.mapped && ci.spid == c.spid &&
		   ci.vaddr == VA(5),
	       "the page is mapped in its space, not mine");
	tess_delete(ka, p);
	kt_child_destroy(&c);
}

/* Two threads fault at once: the faults queue at their pager. */
static void test_two_faults(void)
{
	struct kt_thread t[2] = {{0, 0}, {0, 0}};
	cptr_t p[2] = {0, 0};
	struct tess_msg m;
	int got[2] = {0, 0}, status;

	for (int i = 0; i < 2; i++)
		if (tess_new(ka, CAP_PAGE, 0, &p[i]) ||
		    kt_spawn(&t[i], fault_main, STACK(i), F_LOAD, VA(6 + i),
			     me)) {
			tap_ok(0, "threads for the queued-faults test");
			goto out;
		}
	kt_wait_state(t[0].tid, THREAD_STATE_BLOCKED);
	kt_wait_state(t[1].tid, THREAD_STATE_BLOCKED);
	for (int k = 0; k < 2; k++) {
		memset(&m, 0, sizeof(m));
		if (kt_recv(TID_ANY, &m) || m.mr[0] != IPC_TAG_PAGEFAULT)
			continue;
		for (int i = 0; i < 2; i++)
			if (m.sender == t[i].tid && m.mr[1] == VA(6 + i))
				got[i]++;
	}
	tap_ok(got[0] == 1 && got[1] == 1,
	       "two threads' faults both reach me, one message each");
	for (int i = 0; i < 2; i++) {
		prefill(p[i], 100 + (uint64_t)i);
		tess_map(p[i], SPACE_SELF, VA(6 + i), RIGHT_PAGE_READ);
	}
	for (int i = 1; i >= 0; i--) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = FAULT_RESUME;
		tess_send(t[i].tid, &m);
	}
	for (int i = 0; i < 2; i++) {
		tap_eq(kt_recv(t[i].tid, &m), 0,
		       "thread %d goes on once answered", i);
		tap_ok(is_report(&m, 100 + (uint64_t)i),
		       "thread %d read its own page", i);
		kt_reap(t[i].tid, &status);
	}
out:
	for (int i = 0; i < 2; i++) {
		kt_destroy(&t[i]);
		if (p[i])
			tess_delete(ka, p[i]);
	}
}

/* ---------------------------------------------------------------- no pager */

/* A bystander: answers MR0 + 1. */
static void echo_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	long r;
	memset(&m, 0, sizeof(m));
	r = tess_receive(TID_ANY, &m);
	while (r == 0) {
		m.mr[0]++;
		r = tess_reply_wait(m.sender, &m);
	}
	tess_exit((int)r);
}

static int bystander_ok(uint32_t tid)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = 41;
	return tess_call(tid, &m) == 0 && m.mr[0] == 42;
}

static void test_no_pager(void)
{
	struct kt_thread e = {0, 0}, p = {0, 0}, c = {0, 0}, n = {0, 0},
			 s = {0, 0};
	struct exregs x;
	char what[96];
	int status;

	if (kt_spawn(&e, echo_main, STACK(0), 0, 0, 0) ||
	    kt_create(&p, 0, TID_NIL, 0) || kt_create(&c, 0, p.tid, 0)) {
		tap_ok(0, "threads for the no-pager tests");
		goto out;
	}
	tap_ok(bystander_ok(e.tid), "a bystander thread answers calls");

	/* Its pager is gone. */
	kt_destroy(&p);
	kt_start(c.tid, fault_main, STACK(1), F_UD, 0, me);
	tap_eq(kt_reap(c.tid, &status), 0,
	       "a thread whose pager was destroyed takes #UD and dies");
	tap_eq(status, -1, "its exit status is -1");
	snprintf(what, sizeof(what), "#UD invalid opcode, rip %lx",
		 (unsigned long)fl_ud_insn);
	expect_log(c.tid, what, "no pager, thread stopped");
	tap_ok(bystander_ok(e.tid), "the bystander still answers");

	/* No pager at all. */
	if (!tap_eq(kt_create(&n, 0, TID_NIL, 0), 0, "another thread"))
		goto out;
	memset(&x, 0, sizeof(x));
	x.pager = TID_NIL;
	x.valid = EXREGS_SET_PAGER;
	tap_eq(tess_exchange_registers(&x, n.tid), 0,
	       "set its pager to TID_NIL");
	kt_start(n.tid, fault_main, STACK(1), F_LOAD, VA(8), me);
	tap_eq(kt_reap(n.tid, &status), 0, "it takes a page fault and dies");
	tap_eq(status, -1, "its exit status is -1");
	snprintf(what, sizeof(what),
		 "#PF page fault at address %lx (read, not mapped), rip %lx",
		 (unsigned long)VA(8), (unsigned long)fl_load_insn);
	expect_log(n.tid, what, "no pager, thread stopped");
	tap_ok(bystander_ok(e.tid), "the bystander still answers");

	/* Its own pager. */
	if (!tap_eq(kt_create(&s, 0, TID_NIL, 0), 0, "a third thread"))
		goto out;
	x.pager = s.tid;
	tap_eq(tess_exchange_registers(&x, s.tid), 0, "make it its own pager");
	kt_start(s.tid, fault_main, STACK(1), F_GP, 0, me);
	tap_eq(kt_reap(s.tid, &status), 0, "it takes #GP and dies");
	tap_eq(status, -1, "its exit status is -1");
	snprintf(what, sizeof(what), "#GP general protection, rip %lx",
		 (unsigned long)fl_gp_insn);
	expect_log(s.tid, what, "faulted while its own pager, thread stopped");
	tap_ok(bystander_ok(e.tid), "the bystander still answers");
out:
	kt_destroy(&e);
	kt_destroy(&p);
	kt_destroy(&c);
	kt_destroy(&n);
	kt_destroy(&s);
}

/* A pager that faults while serving a fault: it is its own pager. */
static void bad_pager_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	if (tess_receive(TID_ANY, &m) == 0)
		fl_ud();
	tess_exit(1);
}

static void test_pager_faults(void)
{
	struct kt_thread p = {0, 0}, c = {0, 0}, e = {0, 0};
	struct exregs x;
	char what[64];
	int status;

	if (kt_spawn(&e, echo_main, STACK(0), 0, 0, 0) ||
	    kt_create(&p, 0, TID_NIL, 0) || kt_create(&c, 0, p.tid, 0)) {
		tap_ok(0, "threads for the faulting-pager test");
		goto out;
	}
	memset(&x, 0, sizeof(x));
	x.pager = p.tid;
	x.valid = EXREGS_SET_PAGER;
	tess_exchange_registers(&x, p.tid);
	kt_start(p.tid, bad_pager_main, STACK(1), 0, 0, 0);
	kt_start(c.tid, fault_main, STACK(2), F_LOAD, VA(10), me);
	tap_eq(kt_reap(p.tid, &status), 0,
	       "a pager that faults while serving a fault dies");
	tap_eq(status, -1, "its exit status is -1");
	snprintf(what, sizeof(what), "#UD invalid opcode, rip %lx",
		 (unsigned long)fl_ud_insn);
	expect_log(p.tid, what, "faulted while its own pager, thread stopped");
	tap_eq(kt_reap(c.tid, &status), 0,
	       "its client, whose fault it had taken, dies too");
	tap_eq(status, -1, "the client's exit status is -1");
	tap_ok(bystander_ok(e.tid), "a bystander still answers");
out:
	kt_destroy(&e);
	kt_destroy(&p);
	kt_destroy(&c);
}

/* A thread sends a message that looks like a page fault. */
static void forger_main(uint64_t to, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	(void)a1;
	(void)a2;
	memset(&m, 0, sizeof(m));
	m.mr[0] = IPC_TAG_PAGEFAULT;
	m.mr[1] = 0x1234000;
	tess_send((uint32_t)to, &m);
	for (;;)
		tess_thread_switch(TID_NIL);
}

/* Only the kernel marks a message as its own (IPC_FROM_KERNEL). */
static void test_forged_fault(void)
{
	struct kt_thread f = {0, 0};
	struct tess_msg m;

	if (kt_spawn(&f, forger_main, STACK(0), me, 0, 0)) {
		tap_ok(0, "a thread to forge a fault message");
		return;
	}
	memset(&m, 0, sizeof(m));
	tap_eq(kt_recv(f.tid, &m), 0,
	       "a message tagged as a page fault arrives");
	tap_ok(m.mr[0] == IPC_TAG_PAGEFAULT && !(m.info & IPC_FROM_KERNEL),
	       "it is not marked as made by the kernel: a pager can tell");
	kt_destroy(&f);
}

void test_faults(void)
{
	printf("# faults: exceptions and unknown system calls as messages to "
	       "pagers (%ld KiB left)\n",
	       tess_remaining(ka->untyped) >> 10);
	me = kt_self();
	if (!tap_eq(tess_new(ka, CAP_UNTYPED, 21, &copy_untyped), 0,
		    "an untyped for a copied space"))
		return;
	if (!tap_eq(kt_tables_make(ka, SPACE_SELF, KT_VA_FAULTS, tables), 0,
		    "page tables for my addresses"))
		goto out;
	test_page_faults();
	test_forged_fault();
	test_exceptions();
	test_fault_kill();
	test_unknown_syscall();
	test_syscall_full();
	test_single_step();
	test_bad_stack();
	test_fault_in_copy();
	test_two_faults();
	test_no_pager();
	test_pager_faults();
out:
	kt_tables_free(ka, tables);
	tess_delete(ka, copy_untyped);
}
