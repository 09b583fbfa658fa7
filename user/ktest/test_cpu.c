/*
 * The CPU boundary between user and kernel mode, as a hostile thread sees
 * it: the local descriptor table (the kernel loads a null one, so a call
 * gate or segment a thread writes into its own memory is never used).
 *
 * Each probe is a stub with a label at the instruction that must fault and
 * one after it.  A child thread paged by the root thread runs the stub;
 * the root thread receives the fault message, checks it, moves the child
 * past the instruction with FAULT_RESUME_AT and receives the child's
 * report: what the stub returned.
 */
#include "ktest.h"

#define STACK_SIZE 8192
static char stack[STACK_SIZE] __attribute__((aligned(16)));

#define VEC_NP 11
#define VEC_GP 13
#define VEC_PF 14
#define LDT_SELECTOR 0x0f /* LDT index 1 (linear address 8), TI, RPL 3 */
#define REPORT 0xc9u

/*
 * The stubs.  Each takes its argument in rdi and returns a marker in rax
 * when it gets past the probed instruction.
 *   cpu_load_ds: load selector rdi into DS (then put the user data
 *     selector back);
 *   cpu_lcall: far call through the far pointer at rdi;
 *   cpu_gate_target: where the test's call gate points: if it ever runs,
 *     it runs in ring 0 and its ud2 is a kernel exception.
 */
long cpu_load_ds(uint64_t sel), cpu_lcall(uint64_t ptr);
extern const char cpu_load_ds_insn[], cpu_load_ds_after[], cpu_lcall_insn[],
    cpu_lcall_after[], cpu_gate_target[];

__asm__(".text\n"
	"cpu_load_ds:\n"
	"	movl %edi, %eax\n"
	"cpu_load_ds_insn:\n"
	"	movw %ax, %ds\n"
	"cpu_load_ds_after:\n"
	"	movl $0x1b, %eax\n"
	"	movw %ax, %ds\n"
	"	movl $0x1d5, %eax\n"
	"	ret\n"
	"cpu_lcall:\n"
	"	xorl %eax, %eax\n"
	"cpu_lcall_insn:\n"
	"	lcall *(%rdi)\n"
	"cpu_lcall_after:\n"
	"	movl $0x1ca, %eax\n"
	"	ret\n"
	"cpu_gate_target:\n"
	"	ud2\n");

static uint32_t me;

/* Run stub(arg) in this thread, report what it returned to `to`, end. */
static void probe_main(uint64_t stub, uint64_t arg, uint64_t to)
{
	struct tess_msg m;
	long v = ((long (*)(uint64_t))stub)(arg);
	memset(&m, 0, sizeof(m));
	m.mr[0] = REPORT;
	m.mr[1] = (uint64_t)v;
	tess_send((uint32_t)to, &m);
	tess_exit(0);
}

/*
 * Run stub(arg) in a child.  *fault gets the first message it sends me
 * (its fault, if the stub faults); a fault is answered by resuming the
 * child at `after`.  *report gets the stub's return value (-1 if it never
 * reported).  Returns 0, or what went wrong with the child itself.
 */
static long probe(long (*stub)(uint64_t), uint64_t arg, const char *after,
		  struct tess_msg *fault, long *report)
{
	struct kt_thread t = {0, 0};
	struct tess_msg m;
	int status;
	long r;

	*report = -1;
	memset(fault, 0, sizeof(*fault));
	r = kt_spawn(&t, probe_main, stack, STACK_SIZE, (uint64_t)stub, arg,
		     me);
	if (r)
		return r;
	r = kt_recv(t.tid, fault);
	if (r == 0 && fault->mr[0] == REPORT) {
		*report = (long)fault->mr[1];
	} else if (r == 0) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = FAULT_RESUME_AT;
		m.mr[1] = (uint64_t)after;
		r = tess_send(t.tid, &m);
		if (r == 0)
			r = kt_recv(t.tid, &m);
		if (r == 0 && m.mr[0] == REPORT)
			*report = (long)m.mr[1];
	}
	if (r == 0)
		r = kt_reap(t.tid, &status);
	kt_destroy(&t);
	return r;
}

static int is_exception(const struct tess_msg *m, uint64_t vector,
			const char *insn)
{
	return m->mr[0] == IPC_TAG_EXCEPTION && (m->info & IPC_FROM_KERNEL) &&
	       m->mr[1] == vector && m->mr[3] == (uint64_t)insn;
}

/* ---------------------------------------------------------------- the LDT */

/* A 64-bit call gate (16 bytes): DPL 3, present, to `target` in the
 * kernel's code segment. */
static void make_call_gate(volatile uint32_t *d, uint64_t target)
{
	d[0] = (uint32_t)(target & 0xffff) | (0x08u << 16);
	d[1] = (uint32_t)(target & 0xffff0000u) | 0xec00u;
	d[2] = (uint32_t)(target >> 32);
	d[3] = 0;
}

static void test_ldt(void)
{
	struct tess_msg m;
	cptr_t page = 0, tab[3] = {0, 0, 0};
	long v;
	struct {
		uint32_t offset;
		uint16_t sel;
	} __attribute__((packed)) far = {0, LDT_SELECTOR};

	/* Nothing is mapped at address 0: a live LDT based at 0 would make
	 * the processor read its descriptor at 8 and page-fault there. */
	tap_eq(probe(cpu_load_ds, LDT_SELECTOR, cpu_load_ds_after, &m, &v), 0,
	       "LDT: a thread loads selector 0x0f (LDT entry 1) into DS");
	tap_ok(is_exception(&m, VEC_GP, cpu_load_ds_insn) &&
		   m.mr[2] == (LDT_SELECTOR & ~3u),
	       "LDT: #GP(0x0c) at the load: there is no LDT (not a page "
	       "fault at address 8)");
	if (m.mr[0] == IPC_TAG_PAGEFAULT)
		tap_diag("  page fault at %lx", (unsigned long)m.mr[1]);
	tap_eq(v, 0x1d5, "LDT: the thread goes on past it");

	/* A call gate to ring 0 written where a base-0 LDT would find it. */
	if (tess_new(ka, CAP_PAGE, 0, &page) ||
	    kt_tables_make(ka, SPACE_SELF, 0, tab) ||
	    tess_map(page, SPACE_SELF, 0, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)) {
		tap_ok(0, "LDT: a page at address 0 for the call gate");
		goto out;
	}
	uintptr_t at = 8;
	__asm__("" : "+r"(at)); /* a plain address, not a null pointer + 8 */
	make_call_gate((volatile uint32_t *)at, (uint64_t)cpu_gate_target);
	tap_eq(probe(cpu_lcall, (uint64_t)&far, cpu_lcall_after, &m, &v), 0,
	       "LDT: a thread makes a far call through selector 0x0f to a call "
	       "gate it wrote at linear address 8");
	tap_ok(m.mr[0] == IPC_TAG_EXCEPTION && (m.info & IPC_FROM_KERNEL) &&
		   (m.mr[1] == VEC_GP || m.mr[1] == VEC_NP) &&
		   m.mr[3] == (uint64_t)cpu_lcall_insn,
	       "LDT: the far call faults to the pager (#GP or #NP) at the "
	       "lcall, in user mode");
	tap_eq(v, 0x1ca,
	       "LDT: and the thread goes on past it, still in ring 3");
	tap_eq(probe(cpu_load_ds, LDT_SELECTOR, cpu_load_ds_after, &m, &v), 0,
	       "LDT: selector 0x0f into DS with the page at 0 mapped");
	tap_ok(is_exception(&m, VEC_GP, cpu_load_ds_insn) &&
		   m.mr[2] == (LDT_SELECTOR & ~3u),
	       "LDT: #GP(0x0c) again: the page is never read as an LDT");
out:
	if (page)
		tess_delete(ka, page);
	kt_tables_free(ka, tab);
}

void test_cpu(void)
{
	me = kt_self();
	test_ldt();
}
