/*
 * The CPU boundary between user and kernel mode, as a hostile thread sees
 * it: the local descriptor table (the kernel loads a null one, so a call
 * gate or segment a thread writes into its own memory is never used);
 * privileged, descriptor-table (UMIP), I/O and FS/GS-base instructions,
 * far transfers to ring 0 and IOPL through popf, each a fault to the
 * pager; execution from pages without the execute right; the registers a
 * thread sees at its start, after exchange_registers, after system calls,
 * IPC, exceptions and interrupts (its own values, the documented results,
 * never a kernel address); the direction flag left set by a thread across
 * system calls and interrupts; kernel and non-canonical pointers in system
 * calls (E_FAULT, with SMAP and SMEP on).
 *
 * Each probe is a stub with a label at the instruction that must fault and
 * one after it.  A child thread paged by the root thread runs the stub;
 * the root thread receives the fault message, checks it, moves the child
 * past the instruction with FAULT_RESUME_AT and receives the child's
 * report: what the stub returned.
 */
#include "ktest.h"

/* Stacks for the children and a page to send from: pages mapped for the
 * suite at VA_PAGES (not in the program's bss, which every copy of my
 * space made by other suites would copy). */
#define STACK_SIZE 4096
#define VA_PAGES (KT_VA_CPU + 0x10000)
#define NPAGES 4
static char *stack, *stack2, *stack3;
static uint8_t *send_page;

#define VEC_UD 6
#define VEC_NP 11
#define VEC_GP 13
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
 * child at `after`, or with FAULT_KILL if `after` is NULL.  *report gets
 * the stub's return value (-1 if it never reported).  Returns 0, or what
 * went wrong with the child itself.
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
		m.mr[0] = after ? FAULT_RESUME_AT : FAULT_KILL;
		m.mr[1] = (uint64_t)after;
		r = tess_send(t.tid, &m);
		if (r == 0 && after)
			r = kt_recv(t.tid, &m);
		if (r == 0 && after && m.mr[0] == REPORT)
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

/* ------------------------------------------------- instructions that fault */

/*
 * Probes: each X(name, setup, insn, post, vector, what) is a stub that
 * runs `setup`, then `insn` (which must fault with `vector`), and, when
 * resumed after it, `post` and returns 0x600d.  rdi points to 64 bytes of
 * scratch memory.
 */
#define PROBES(X)                                                              \
	X(sgdt, "", "sgdt (%rdi)", "", VEC_GP, "sgdt (UMIP)")                  \
	X(sidt, "", "sidt (%rdi)", "", VEC_GP, "sidt (UMIP)")                  \
	X(sldt, "", "sldt %ax", "", VEC_GP, "sldt (UMIP)")                     \
	X(smsw, "", "smsw %ax", "", VEC_GP, "smsw (UMIP)")                     \
	X(str, "", "str %ax", "", VEC_GP, "str (UMIP)")                        \
	X(cli, "", "cli", "", VEC_GP, "cli")                                   \
	X(sti, "", "sti", "", VEC_GP, "sti")                                   \
	X(hlt, "", "hlt", "", VEC_GP, "hlt")                                   \
	X(rdcr0, "", "movq %cr0, %rax", "", VEC_GP, "mov from cr0")            \
	X(rdcr3, "", "movq %cr3, %rax", "", VEC_GP, "mov from cr3")            \
	X(wrcr4, "", "movq %rax, %cr4", "", VEC_GP, "mov to cr4")              \
	X(rddr7, "", "movq %dr7, %rax", "", VEC_GP, "mov from dr7")            \
	X(rdmsr, "movl $0xc0000080, %ecx", "rdmsr", "", VEC_GP, "rdmsr")       \
	X(wrmsr, "movl $0xc0000082, %ecx; xorl %edx, %edx", "wrmsr", "",       \
	  VEC_GP, "wrmsr (LSTAR)")                                             \
	X(lgdt, "", "lgdt (%rdi)", "", VEC_GP, "lgdt")                         \
	X(lidt, "", "lidt (%rdi)", "", VEC_GP, "lidt")                         \
	X(lldt, "", "lldt %ax", "", VEC_GP, "lldt")                            \
	X(ltr, "movl $0x28, %eax", "ltr %ax", "", VEC_GP, "ltr")               \
	X(invlpg, "", "invlpg (%rdi)", "", VEC_GP, "invlpg")                   \
	X(wbinvd, "", "wbinvd", "", VEC_GP, "wbinvd")                          \
	X(clts, "", "clts", "", VEC_GP, "clts")                                \
	X(swapgs, "", "swapgs", "", VEC_GP, "swapgs")                          \
	X(sysret, "", "sysretq", "", VEC_GP, "sysret")                         \
	X(rdpmc, "xorl %ecx, %ecx", "rdpmc", "", VEC_GP, "rdpmc")              \
	X(int80, "", "int $0x80", "", VEC_GP, "int $0x80")                     \
	X(int14, "", "int $14", "", VEC_GP, "int $14 (a DPL 0 gate)")          \
	X(inimm, "", "inb $0x80, %al", "", VEC_GP, "inb $0x80")                \
	X(outimm, "", "outb %al, $0x80", "", VEC_GP, "outb $0x80")             \
	X(indx, "movl $0x3f8, %edx", "inb (%dx), %al", "", VEC_GP,             \
	  "inb from the serial port")                                          \
	X(inl, "movl $0xcfc, %edx", "inl (%dx), %eax", "", VEC_GP,             \
	  "inl from PCI configuration")                                        \
	X(outdx, "movl $0xf4, %edx; movl $1, %eax", "outb %al, (%dx)", "",     \
	  VEC_GP, "outb to the debug-exit port")                               \
	X(insb, "movl $0x3f8, %edx", "insb", "", VEC_GP, "insb")               \
	X(outsb, "movl $0xf4, %edx; movq %rdi, %rsi", "outsb", "", VEC_GP,     \
	  "outsb")                                                             \
	X(rdfsbase, "", "rdfsbase %rax", "", VEC_UD, "rdfsbase")               \
	X(wrfsbase, "", "wrfsbase %rax", "", VEC_UD, "wrfsbase")               \
	X(rdgsbase, "", "rdgsbase %rax", "", VEC_UD, "rdgsbase")               \
	X(wrgsbase, "", "wrgsbase %rax", "", VEC_UD, "wrgsbase")               \
	X(lcallk, "movl $0, (%rdi); movw $0x08, 4(%rdi)", "lcall *(%rdi)", "", \
	  VEC_GP, "a far call to the kernel code segment")                     \
	X(ljmpk, "movl $0, (%rdi); movw $0x08, 4(%rdi)", "ljmp *(%rdi)", "",   \
	  VEC_GP, "a far jump to the kernel code segment")                     \
	X(iretk,                                                               \
	  "movq %rsp, %rax; pushq $0x10; pushq %rax; pushfq; pushq $0x08;"     \
	  "leaq cpu_p_iretk_after(%rip), %rax; pushq %rax",                    \
	  "iretq", "addq $40, %rsp", VEC_GP, "an iretq to ring 0")             \
	X(ssk, "movl $0x10, %eax", "movw %ax, %ss", "", VEC_GP,                \
	  "loading the kernel data selector into SS")                          \
	X(dstss, "movl $0x2b, %eax", "movw %ax, %ds", "", VEC_GP,              \
	  "loading the TSS selector into DS")

#define PROBE_ASM(n, setup, insn, post, vec, what)                             \
	"cpu_p_" #n ":\n"                                                      \
	"	xorl %eax, %eax\n"                                                   \
	"	" setup "\n"                                                   \
	"cpu_p_" #n "_insn:\n"                                                 \
	"	" insn "\n"                                                    \
	"cpu_p_" #n "_after:\n"                                                \
	"	" post "\n"                                                    \
	"	movl $0x600d, %eax\n"                                                \
	"	ret\n"
#define PROBE_DECL(n, setup, insn, post, vec, what)                            \
	long cpu_p_##n(uint64_t);                                              \
	extern const char cpu_p_##n##_insn[], cpu_p_##n##_after[];
#define PROBE_ENTRY(n, setup, insn, post, vec, what)                           \
	{cpu_p_##n, cpu_p_##n##_insn, cpu_p_##n##_after, vec, what},

PROBES(PROBE_DECL)
__asm__(".text\n" PROBES(PROBE_ASM));

/* pushf/popf: try to take IOPL 3 and clear IF; return the flags after. */
long cpu_popf_iopl(uint64_t unused);
__asm__(".text\n"
	"cpu_popf_iopl:\n"
	"	pushfq\n"
	"	orq $0x3000, (%rsp)\n"
	"	andq $~0x200, (%rsp)\n"
	"	popfq\n"
	"	pushfq\n"
	"	popq %rax\n"
	"	ret\n");

static void test_instructions(void)
{
	static const struct {
		long (*stub)(uint64_t);
		const char *insn, *after;
		uint64_t vector;
		const char *what;
	} probes[] = {PROBES(PROBE_ENTRY)};
	static uint8_t scratch[64] __attribute__((aligned(16)));
	struct tess_msg m;
	long v;

	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		long r = probe(probes[i].stub, (uint64_t)scratch,
			       probes[i].after, &m, &v);
		int ok = r == 0 &&
			 is_exception(&m, probes[i].vector, probes[i].insn) &&
			 v == 0x600d;
		/* QEMU pops iretq's frame as a supervisor read, which SMAP
		 * refuses: a page fault on the stack, at the iretq. */
		if (probes[i].stub == cpu_p_iretk && r == 0 && v == 0x600d &&
		    m.mr[0] == IPC_TAG_PAGEFAULT &&
		    m.mr[3] == (uint64_t)cpu_p_iretk_insn)
			ok = 1;
		tap_ok(ok,
		       "%s from user mode is %s at the instruction, "
		       "and the thread goes on",
		       probes[i].what,
		       probes[i].vector == VEC_UD ? "#UD" : "#GP");
		if (!ok)
			tap_diag("  probe %ld, message %lx vector %lu error "
				 "%lx rip %lx, report %lx",
				 r, (unsigned long)m.mr[0],
				 (unsigned long)m.mr[1], (unsigned long)m.mr[2],
				 (unsigned long)m.mr[3], (unsigned long)v);
	}
	tap_eq(probe(cpu_popf_iopl, 0, NULL, &m, &v), 0,
	       "popf asking for IOPL 3 and IF clear runs");
	tap_ok(m.mr[0] == REPORT && (v & 0x3000) == 0 && (v & 0x200),
	       "popf changed neither IOPL (still 0) nor IF (flags %lx)",
	       (unsigned long)v);
}

/* ---------------------------------------------------- execution rights */

/* mov $0x77, %eax; ret */
static uint8_t data_code[16] = {0xb8, 0x77, 0x00, 0x00, 0x00, 0xc3};

static long call_at(uint64_t addr)
{
	return ((long (*)(void))addr)();
}

static void test_exec(void)
{
	struct tess_msg m;
	uint8_t on_stack[16];
	long v;
	struct {
		const char *what;
		uint64_t addr;
	} where[] = {
	    {"the program's data (an ELF segment without PF_X)",
	     (uint64_t)data_code},
	    {"the root task's stack", (uint64_t)on_stack},
	    {"the boot-info page", (uint64_t)tess_bootinfo},
	};

	memcpy(on_stack, data_code, sizeof(on_stack));
	for (unsigned i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		tap_eq(probe(call_at, where[i].addr, NULL, &m, &v), 0,
		       "NX: a thread calls code in %s", where[i].what);
		tap_ok(m.mr[0] == IPC_TAG_PAGEFAULT &&
			   m.mr[1] == where[i].addr &&
			   m.mr[2] == (FAULT_EXEC | FAULT_PROTECTION) &&
			   m.mr[3] == where[i].addr,
		       "NX: an instruction fetch fault at that address "
		       "(FAULT_EXEC, page present)");
	}
}

/* --------------------------------------------------------------- registers */

/* All general registers, as the stubs load and store them. */
struct regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13,
	    r14, r15, rflags;
};
#define NREGS 16
static const char *const reg_name[NREGS] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
    "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rflags"};

/*
 * cpu_regs_syscall(r): load every register from *r, syscall, store every
 * register back into *r.  cpu_regs_ud2: the same around a ud2 (resumed at
 * cpu_regs_ud2_after by the pager).  cpu_regs_spin: the same around a
 * loop of at least r->rflags TSC cycles (rax and rdx are the loop's).
 */
long cpu_regs_syscall(struct regs *r), cpu_regs_ud2(struct regs *r),
    cpu_regs_spin(struct regs *r);
extern const char cpu_regs_syscall_ret[], cpu_regs_ud2_insn[],
    cpu_regs_ud2_after[];
#define REGS_LOAD                                                              \
	"	pushq %rbx; pushq %rbp; pushq %r12; pushq %r13; pushq %r14; "        \
	"pushq %r15\n"                                                         \
	"	pushq %rdi\n"                                                        \
	"	movq 0(%rdi), %rax; movq 8(%rdi), %rbx; movq 16(%rdi), %rcx\n"       \
	"	movq 24(%rdi), %rdx; movq 32(%rdi), %rsi; movq 48(%rdi), "           \
	"%rbp\n"                                                               \
	"	movq 56(%rdi), %r8; movq 64(%rdi), %r9; movq 72(%rdi), %r10\n"       \
	"	movq 80(%rdi), %r11; movq 88(%rdi), %r12; movq 96(%rdi), "           \
	"%r13\n"                                                               \
	"	movq 104(%rdi), %r14; movq 112(%rdi), %r15\n"                        \
	"	movq 40(%rdi), %rdi\n"
#define REGS_STORE                                                             \
	"	xchgq %rdi, (%rsp)\n"                                                \
	"	movq %rax, 0(%rdi); movq %rbx, 8(%rdi); movq %rcx, 16(%rdi)\n"       \
	"	movq %rdx, 24(%rdi); movq %rsi, 32(%rdi); movq %rbp, "               \
	"48(%rdi)\n"                                                           \
	"	movq %r8, 56(%rdi); movq %r9, 64(%rdi); movq %r10, 72(%rdi)\n"       \
	"	movq %r11, 80(%rdi); movq %r12, 88(%rdi); movq %r13, "               \
	"96(%rdi)\n"                                                           \
	"	movq %r14, 104(%rdi); movq %r15, 112(%rdi)\n"                        \
	"	pushfq; popq 120(%rdi)\n"                                            \
	"	popq 40(%rdi)\n"                                                     \
	"	popq %r15; popq %r14; popq %r13; popq %r12; popq %rbp; "             \
	"popq %rbx\n"                                                          \
	"	ret\n"
__asm__(".text\n"
	"cpu_regs_syscall:\n" REGS_LOAD "	syscall\n"
	"cpu_regs_syscall_ret:\n" REGS_STORE "cpu_regs_ud2:\n" REGS_LOAD
	"cpu_regs_ud2_insn:\n"
	"	ud2\n"
	"cpu_regs_ud2_after:\n" REGS_STORE "cpu_regs_spin:\n"
	"	rdtsc; shlq $32, %rdx; orq %rdx, %rax\n"
	"	addq %rax, 120(%rdi)\n" /* r->rflags: now the deadline */
	REGS_LOAD "1:	rdtsc; shlq $32, %rdx; orq %rdx, %rax\n"
	"	xchgq %rdi, (%rsp); cmpq 120(%rdi), %rax; xchgq %rdi, (%rsp)\n"
	"	jb 1b\n" REGS_STORE);

/* In the kernel half (and not a small negative number: an error code). */
static int is_kernel_addr(uint64_t v)
{
	return v >= 0xffff800000000000ull && v < (uint64_t)-4096;
}

/* A register image of user values: each register its own pattern. */
static void patterns(struct regs *r)
{
	uint64_t *w = (uint64_t *)r;
	for (int i = 0; i < NREGS; i++)
		w[i] = 0x0000010000000000ull * (uint64_t)(i + 1) + 0x1111 * i;
}

/*
 * Check *got against *want register by register: equal, except those in
 * `changed` (bit i: register i may differ), which must still not hold a
 * kernel address.  rflags is not compared (the stubs do not load it).
 */
static int regs_match(const struct regs *got, const struct regs *want,
		      unsigned changed, const char *what)
{
	const uint64_t *g = (const uint64_t *)got, *w = (const uint64_t *)want;
	int ok = 1;
	for (int i = 0; i < NREGS; i++) {
		if (i == NREGS - 1)
			break; /* rflags */
		if (is_kernel_addr(g[i])) {
			tap_diag("  %s: %s holds a kernel address %lx", what,
				 reg_name[i], (unsigned long)g[i]);
			ok = 0;
		} else if (!(changed & (1u << i)) && g[i] != w[i]) {
			tap_diag("  %s: %s is %lx, want %lx", what, reg_name[i],
				 (unsigned long)g[i], (unsigned long)w[i]);
			ok = 0;
		}
	}
	return ok;
}

#define R_RAX (1u << 0)
#define R_RCX (1u << 2)
#define R_RDX (1u << 3)
#define R_RSI (1u << 4)
#define R_R8 (1u << 7)
#define R_R9 (1u << 8)
#define R_R10 (1u << 9)
#define R_R11 (1u << 10)
#define R_R12 (1u << 11)
#define R_R13 (1u << 12)
#define R_R14 (1u << 13)
#define R_MRS (R_R10 | R_R8 | R_R9 | R_R12 | R_R13 | R_R14)

/* Answer every call with MR0..MR5 + 1 and nothing else. */
static void regs_echo(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	long r;
	memset(&m, 0, sizeof(m));
	r = tess_receive(TID_ANY, &m);
	while (r == 0) {
		uint32_t from = m.sender;
		for (int i = 0; i < IPC_SHORT_MRS; i++)
			m.mr[i]++;
		r = tess_reply_wait(from, &m);
	}
	tess_exit(0);
}

/* What a new thread's registers are at its first instruction. */
static struct regs first_regs;
static uint8_t first_fx[512] __attribute__((aligned(16)));
static volatile uint32_t first_done;
void cpu_first(void);
__asm__(".text\n"
	"cpu_first:\n"
	"	pushq %rdi\n"
	"	leaq first_regs(%rip), %rdi\n"
	"	movq %rax, 0(%rdi); movq %rbx, 8(%rdi); movq %rcx, 16(%rdi)\n"
	"	movq %rdx, 24(%rdi); movq %rsi, 32(%rdi); movq %rbp, 48(%rdi)\n"
	"	movq %r8, 56(%rdi); movq %r9, 64(%rdi); movq %r10, 72(%rdi)\n"
	"	movq %r11, 80(%rdi); movq %r12, 88(%rdi); movq %r13, 96(%rdi)\n"
	"	movq %r14, 104(%rdi); movq %r15, 112(%rdi)\n"
	"	pushfq; popq 120(%rdi)\n"
	"	popq 40(%rdi)\n"
	"	fxsave first_fx(%rip)\n"
	"	movl $1, first_done(%rip)\n"
	"	xorl %edi, %edi\n"
	"	movl $0x1002, %eax\n" /* exit(0) */
	"	syscall\n"
	"	ud2\n");

static void test_first_registers(void)
{
	struct kt_thread t = {0, 0};
	struct exregs x;
	int zero = 1;

	first_done = 0;
	memset(&first_regs, 0xa5, sizeof(first_regs));
	memset(first_fx, 0xa5, sizeof(first_fx));
	if (kt_create(&t, 0, TID_NIL, 0)) {
		tap_ok(0, "a thread to start with only rip and rsp set");
		return;
	}
	memset(&x, 0, sizeof(x));
	x.rip = (uint64_t)cpu_first;
	x.rsp = (uint64_t)stack + STACK_SIZE - 8;
	x.valid = EXREGS_SET_PC | EXREGS_SET_SP;
	tap_ok(tess_exchange_registers(&x, t.tid) == 0 &&
		   kt_tctrl(THREAD_RUN, t.tid) == 0 &&
		   kt_wait_count(&first_done, 1) == 0,
	       "a new thread started with only rip and rsp set runs");
	for (int i = 0; i < NREGS - 1; i++)
		if (((uint64_t *)&first_regs)[i]) {
			tap_diag("  %s = %lx", reg_name[i],
				 (unsigned long)((uint64_t *)&first_regs)[i]);
			zero = 0;
		}
	tap_ok(zero, "its general registers start at 0");
	tap_eq(first_regs.rflags, 0x202,
	       "its rflags start as IF alone (IOPL 0, DF clear)");
	uint16_t fcw = *(uint16_t *)first_fx;
	uint32_t mxcsr = *(uint32_t *)(first_fx + 24);
	int fpu_zero = 1;
	for (int i = 32; i < 416; i++) /* ST0-7 (10 bytes in 16), XMM0-15 */
		if (first_fx[i] && (i >= 160 || (i - 32) % 16 < 10)) {
			tap_diag("  fxsave byte %d is %x", i, first_fx[i]);
			fpu_zero = 0;
			break;
		}
	tap_ok(fcw == 0x37f && mxcsr == 0x1f80 && fpu_zero,
	       "its x87 and SSE state is the initial one: control words "
	       "reset, every register 0");
	kt_reap(t.tid, &zero);
	kt_destroy(&t);
}

/* exchange_registers given every rflags bit but TF: what the thread gets. */
long cpu_read_flags(uint64_t unused);
__asm__(".text\n"
	"cpu_read_flags:\n"
	"	pushfq\n"
	"	popq %rax\n"
	"	cld\n"
	"	ret\n");
static volatile uint64_t written_flags;
static volatile uint32_t written_done;
static void flags_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	written_flags = (uint64_t)cpu_read_flags(0);
	written_done = 1;
	tess_exit(0);
}

static void test_written_flags(void)
{
	struct kt_thread t = {0, 0};
	struct exregs x;
	int status;

	written_done = 0;
	if (kt_create(&t, 0, TID_NIL, 0)) {
		tap_ok(0, "a thread for exchange_registers' rflags");
		return;
	}
	memset(&x, 0, sizeof(x));
	x.rip = (uint64_t)flags_main;
	x.rsp = (uint64_t)stack + STACK_SIZE - 8;
	x.rflags = ~(uint64_t)0x100; /* every bit but TF */
	x.valid = EXREGS_SET_REGS | EXREGS_SET_PC | EXREGS_SET_SP;
	tap_ok(tess_exchange_registers(&x, t.tid) == 0 &&
		   kt_tctrl(THREAD_RUN, t.tid) == 0 &&
		   kt_wait_count(&written_done, 1) == 0,
	       "exchange_registers writes rflags with every bit but TF set");
	tap_ok((written_flags & 0x3000) == 0 && (written_flags & 0x200) &&
		   !(written_flags & (1ull << 14)) &&
		   !(written_flags & (1ull << 17)),
	       "the thread runs with IOPL 0, IF set, NT and VM clear (rflags "
	       "%lx)",
	       (unsigned long)written_flags);
	kt_reap(t.tid, &status);
	kt_destroy(&t);
}

/* ud2 with every register loaded; the registers after the pager's resume. */
static void regs_ud2_main(uint64_t a0, uint64_t a1, uint64_t to)
{
	struct tess_msg m;
	struct regs *r = (struct regs *)a0;
	cpu_regs_ud2(r);
	memset(&m, 0, sizeof(m));
	m.mr[0] = REPORT;
	tess_send((uint32_t)to, &m);
	tess_exit(0);
}

static volatile uint32_t other_stop;
/* Another thread with registers of its own, spinning. */
static void regs_other(uint64_t a0, uint64_t a1, uint64_t a2)
{
	__asm__ volatile("movq $-1, %%rbx; movq $-2, %%r12; movq $-3, %%r15\n"
			 "1: cmpl $0, %0\n"
			 "	je 1b\n"
			 :
			 : "m"(other_stop)
			 : "rbx", "r12", "r15", "memory");
	tess_exit(0);
}

static void test_registers(void)
{
	struct regs in, out;
	struct kt_thread echo = {0, 0}, other = {0, 0}, t = {0, 0};
	struct task_ids ids;
	struct tess_msg m;
	int status;

	/* null */
	patterns(&in);
	in.rax = TESS_SYS_BASE + SYS_null;
	out = in;
	cpu_regs_syscall(&out);
	tap_ok(out.rax == 0 && out.rcx == (uint64_t)cpu_regs_syscall_ret &&
		   regs_match(&out, &in, R_RAX | R_RCX | R_R11, "null"),
	       "registers after null(): rax 0, rcx the return address, the "
	       "rest as they were");
	tap_ok((out.r11 & ~0x10000ull) == (out.rflags & ~0x10000ull) &&
		   (out.r11 & 0x200) && !(out.r11 & 0x3000),
	       "r11 after a system call is the caller's rflags (IF set, IOPL "
	       "0)");

	/* a call that writes user memory, and a failing one */
	patterns(&in);
	in.rax = TESS_SYS_BASE + SYS_getid;
	in.rdi = (uint64_t)&ids;
	out = in;
	cpu_regs_syscall(&out);
	tap_ok(out.rax == 0 && ids.tid == me &&
		   regs_match(&out, &in, R_RAX | R_RCX | R_R11, "getid"),
	       "registers after getid(): only rax, rcx, r11 change");
	patterns(&in);
	in.rax = TESS_SYS_BASE + SYS_retype;
	in.rdi = 0xfff0; /* beyond the root CSpace */
	out = in;
	cpu_regs_syscall(&out);
	tap_ok(out.rax == (uint64_t)-E_BADCAP &&
		   regs_match(&out, &in, R_RAX | R_RCX | R_R11, "retype"),
	       "registers after a failing retype(): only rax, rcx, r11 change");

	/* IPC: a call answered by another thread */
	if (kt_spawn(&echo, regs_echo, stack, STACK_SIZE, 0, 0, 0)) {
		tap_ok(0, "an echo thread for the IPC registers");
	} else {
		kt_wait_state(echo.tid, THREAD_STATE_BLOCKED);
		patterns(&in);
		in.rax = TESS_SYS_BASE + SYS_ipc;
		in.rdi = echo.tid;
		in.rsi = echo.tid;
		in.rdx = IPC_SHORT;
		out = in;
		cpu_regs_syscall(&out);
		tap_ok(out.rax == 0 && out.rsi == echo.tid &&
			   out.rdx == IPC_SHORT && out.r10 == in.r10 + 1 &&
			   out.r8 == in.r8 + 1 && out.r9 == in.r9 + 1 &&
			   out.r12 == in.r12 + 1 && out.r13 == in.r13 + 1 &&
			   out.r14 == in.r14 + 1 &&
			   regs_match(&out, &in,
				      R_RAX | R_RCX | R_R11 | R_RSI | R_RDX |
					  R_MRS,
				      "ipc call"),
		       "registers after an IPC call: the reply's MRs, sender "
		       "and type; rbx, rbp, rdi, r15 as they were");
		/* the same through the slow path (a non-blocking receive) */
		patterns(&in);
		in.rax = TESS_SYS_BASE + SYS_ipc;
		in.rdi = echo.tid;
		in.rsi = echo.tid;
		in.rdx = IPC_FULL; /* no UTCB: E_NOBUF, nothing received */
		out = in;
		cpu_regs_syscall(&out);
		tap_ok(out.rax == (uint64_t)-E_NOBUF &&
			   regs_match(&out, &in, R_RAX | R_RCX | R_R11,
				      "failed ipc"),
		       "registers after a failed IPC: only rax, rcx, r11 "
		       "change");
	}
	kt_destroy(&echo);

	/* an exception and the pager's resume (iretq) */
	static struct regs ud_in, ud_out;
	patterns(&ud_in);
	ud_out = ud_in;
	if (kt_spawn(&t, regs_ud2_main, stack, STACK_SIZE, (uint64_t)&ud_out, 0,
		     me) == 0 &&
	    kt_recv(t.tid, &m) == 0 && m.mr[0] == IPC_TAG_EXCEPTION &&
	    m.mr[3] == (uint64_t)cpu_regs_ud2_insn) {
		m.mr[0] = FAULT_RESUME_AT;
		m.mr[1] = (uint64_t)cpu_regs_ud2_after;
		tess_send(t.tid, &m);
		kt_recv(t.tid, &m);
		tap_ok(m.mr[0] == REPORT &&
			   regs_match(&ud_out, &ud_in, 0, "after #UD"),
		       "registers after an exception and the pager's "
		       "FAULT_RESUME_AT: every one as it was");
	} else {
		tap_ok(0, "registers after an exception: the #UD message");
	}
	kt_reap(t.tid, &status);
	kt_destroy(&t);

	/* interrupts and a switch to another thread with its own values */
	other_stop = 0;
	if (kt_spawn(&other, regs_other, stack2, STACK_SIZE, 0, 0, 0)) {
		tap_ok(0, "a spinning thread with registers of its own");
	} else {
		uint64_t t0 = kt_now_us();
		patterns(&in);
		in.rflags = tess_bootinfo->tsc_hz /
			    20; /* 50 ms: timer ticks, a switch */
		out = in;
		cpu_regs_spin(&out);
		tap_ok(kt_now_us() - t0 >= 40000 &&
			   regs_match(&out, &in, R_RAX | R_RDX, "spin"),
		       "registers after 50 ms of interrupts and another "
		       "thread's turn: every one as it was");
		other_stop = 1;
		kt_reap(other.tid, &status);
	}
	kt_destroy(&other);
}

/* ---------------------------------------------------------- the direction flag
 */

/* std, then a system call with up to three arguments, then cld. */
long cpu_std_syscall(long nr, long a0, long a1, long a2);
__asm__(".text\n"
	"cpu_std_syscall:\n"
	"	movq %rdi, %rax\n"
	"	movq %rsi, %rdi\n"
	"	movq %rdx, %rsi\n"
	"	movq %rcx, %rdx\n"
	"	std\n"
	"	syscall\n"
	"	cld\n"
	"	ret\n");

static volatile uint32_t df_stop;
/* Spin with DF (and AC) set until told to stop. */
static void df_spin(uint64_t a0, uint64_t a1, uint64_t a2)
{
	__asm__ volatile("pushfq; orq $0x40000, (%%rsp); popfq; std" ::
			     : "memory");
	while (!df_stop)
		;
	__asm__ volatile("cld; pushfq; andq $~0x40000, (%%rsp); popfq" ::
			     : "memory");
	tess_exit(0);
}

static int guard_intact(const uint8_t *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (g[i] != 0x5a)
			return 0;
	return 1;
}

/*
 * An extended message whose copy waits for a page of the receiver: the
 * sender copies, blocked in the kernel until I map the page; then the DF
 * spinner's time slice ends in a timer interrupt and the sender goes on in
 * the kernel from there.  Both buffers start half way into their pages,
 * so a copy made backwards stays inside them and shows.
 */
#define XBUF_VA (KT_VA_CPU + 0x2000)
#define XBUF_OFF 2048
#define XSIZE 2048

static void x_receiver(uint64_t a0, uint64_t a1, uint64_t to)
{
	struct tess_msg m;
	uint8_t *buf = (uint8_t *)(XBUF_VA + XBUF_OFF);
	long r, bad = 0;

	memset(&m, 0, sizeof(m));
	r = tess_ipc(TID_NIL, TID_ANY, IPC_EXTENDED | IPC_SIZE(XSIZE), &m, buf);
	for (int i = 0; i < XSIZE; i++)
		bad += buf[i] != (uint8_t)(i * 7 + 1);
	memset(&m, 0, sizeof(m));
	m.mr[0] = REPORT;
	m.mr[1] = r ? (uint64_t)r : (uint64_t)bad;
	tess_send((uint32_t)to, &m);
	tess_exit(0);
}

static void x_sender(uint64_t to, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	long r = tess_ipc((uint32_t)to, TID_NIL, IPC_EXTENDED | IPC_SIZE(XSIZE),
			  &m, send_page + XBUF_OFF);
	tess_exit(r == 0 ? 0x11 : 0x22);
}

static void test_direction_flag(void)
{
	struct {
		uint8_t before[64];
		struct cap_info ci;
		uint8_t after[64];
	} c;
	struct kt_thread spin = {0, 0}, rx = {0, 0}, tx = {0, 0};
	struct tess_msg m;
	cptr_t page = 0;
	int status = -1;

	/* DF set by the caller of a system call that copies out. */
	memset(&c, 0x5a, sizeof(c));
	tap_eq(cpu_std_syscall(TESS_SYS_BASE + SYS_cap_info, 1, (long)&c.ci, 0),
	       0, "DF: cap_info called with DF set");
	tap_ok(c.ci.type == CAP_CONSOLE && guard_intact(c.before, 64) &&
		   guard_intact(c.after, 64),
	       "DF: the kernel copied the record forwards, exactly into it");

	/* DF set by a thread that the timer interrupts: the kernel must not
	 * inherit it. */
	for (int i = 0; i < XSIZE; i++)
		send_page[XBUF_OFF + i] = (uint8_t)(i * 7 + 1);
	memset(send_page, 0xee, XBUF_OFF);
	df_stop = 0;
	if (tess_new(ka, CAP_PAGE, 0, &page) ||
	    kt_spawn(&spin, df_spin, stack, STACK_SIZE, 0, 0, 0) ||
	    kt_spawn(&rx, x_receiver, stack2, STACK_SIZE, 0, 0, me) ||
	    kt_wait_state(rx.tid, THREAD_STATE_BLOCKED) ||
	    kt_spawn(&tx, x_sender, stack3, STACK_SIZE, rx.tid, 0, 0)) {
		tap_ok(0, "DF: a spinner with DF and AC set, a receiver and a "
			  "sender");
		goto out;
	}
	tap_ok(kt_recv(rx.tid, &m) == 0 && m.mr[0] == IPC_TAG_PAGEFAULT &&
		   m.mr[1] == XBUF_VA + XBUF_OFF && (m.mr[2] & FAULT_KERNEL),
	       "DF: the extended copy waits for the receiver's page");
	tess_map(page, SPACE_SELF, XBUF_VA, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	memset(&m, 0, sizeof(m));
	m.mr[0] = FAULT_RESUME;
	tess_send(rx.tid, &m);
	tap_ok(kt_recv(rx.tid, &m) == 0 && m.mr[0] == REPORT && m.mr[1] == 0,
	       "DF: the copy, resumed in the kernel after a timer interrupt of "
	       "the DF thread, went forwards: the receiver has every byte");
	tap_ok(kt_reap(tx.tid, &status) == 0 && status == 0x11,
	       "DF: the sender's ipc returned 0");
	int below = 0;
	for (int i = 0; i < XBUF_OFF; i++)
		below += ((volatile uint8_t *)XBUF_VA)[i] != 0;
	tap_eq(below, 0, "DF: nothing was written below the receiver's buffer");
	kt_reap(rx.tid, &status);
out:
	df_stop = 1;
	if (spin.tid)
		kt_reap(spin.tid, &status);
	kt_destroy(&spin);
	kt_destroy(&rx);
	kt_destroy(&tx);
	if (page)
		tess_delete(ka, page);
}

/* --------------------------------------------------------- hostile pointers */

static void test_pointers(void)
{
	static const uint64_t bad[] = {
	    0,
	    0xffffffff80100000ull, /* the kernel image */
	    0xffffffff80200000ull,
	    0xffff800000100000ull, /* the kernel's map of physical memory */
	    0xffff800000000000ull,
	    0x0000800000000000ull, /* the first non-canonical address */
	    0x00007ffffffff000ull, /* USER_ADDR_TOP */
	    0xfffffffffffffff0ull,
	    KT_VA_CPU, /* user, unmapped */
	};
	int ok = 1;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t p = bad[i];
		long r[7];
		r[0] = tess_getid((struct task_ids *)p);
		r[1] = tess_time((struct tess_timeval *)p);
		r[2] = tess_cap_info(1, (struct cap_info *)p);
		r[3] = tess_exchange_registers((struct exregs *)p, me);
		r[4] = tess_thread_control(THREAD_WAIT, (struct task_ids *)p,
					   NULL);
		r[5] = tess_capability_control(CAP_CONTROL_READ, 4,
					       (struct capability *)p);
		r[6] = tess_console_write(1, (const char *)p, 16);
		for (int k = 0; k < 7; k++)
			if (r[k] != -E_FAULT) {
				tap_diag("  call %d with %lx: %ld", k,
					 (unsigned long)p, r[k]);
				ok = 0;
			}
	}
	tap_ok(ok, "getid, time, cap_info, exchange_registers, thread_control, "
		   "capability_control, console_write: E_FAULT for kernel, "
		   "non-canonical, top and unmapped pointers");
}

void test_cpu(void)
{
	cptr_t tables[3] = {0, 0, 0}, pages[NPAGES] = {0};
	int ok;

	me = kt_self();
	ok = kt_tables_make(ka, SPACE_SELF, KT_VA_CPU, tables) == 0;
	for (int i = 0; ok && i < NPAGES; i++)
		ok = tess_new(ka, CAP_PAGE, 0, &pages[i]) == 0 &&
		     tess_map(pages[i], SPACE_SELF, VA_PAGES + i * 0x1000ul,
			      RIGHT_PAGE_READ | RIGHT_PAGE_WRITE) == 0;
	if (!tap_ok(ok, "cpu: the suite's page tables, stacks and pages"))
		goto out;
	stack = (char *)VA_PAGES;
	stack2 = stack + 0x1000;
	stack3 = stack + 0x2000;
	send_page = (uint8_t *)stack + 0x3000;
	test_ldt();
	test_instructions();
	test_exec();
	test_first_registers();
	test_written_flags();
	test_registers();
	test_direction_flag();
	test_pointers();
out:
	for (int i = 0; i < NPAGES; i++)
		if (pages[i])
			tess_delete(ka, pages[i]);
	tap_eq(kt_tables_free(ka, tables), 0,
	       "cpu: the suite's pages and tables are deleted");
}
