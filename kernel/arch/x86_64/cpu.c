/*
 * Per-CPU set-up: the per-CPU block reached through %gs in the kernel
 * (struct cpu, arch.h, which holds the core's struct percpu), the syscall
 * MSRs, the protections the CPU enforces between user and kernel mode,
 * the thread context operations (switch, start, resume to user), and a
 * thread's register file as exchange_registers and the fault messages see
 * it (arch_regs_*, arch_syscall_fault_msg).  A switch loads the kernel
 * stack and the space (tlb.h); what only some threads need, TLS bases and
 * FPU state (fpu.c), is behind one test of their work bits.
 *
 * What must hold for user mode (docs/ABI.md, "The CPU state a user thread
 * sees"): the kernel runs with DF and AC clear (FMASK on syscall, entry.S
 * on exceptions and interrupts); a user thread never runs with IOPL > 0
 * (every rflags the kernel builds or accepts goes through user_rflags,
 * and popf cannot raise IOPL in ring 3); it starts with
 * zeroed general registers and the initial FPU state, never another
 * thread's or the kernel's values.
 */
#include "cpu.h"
#include "arch.h"
#include "regs.h"
#include "core/thread.h"
#include "core/space.h"
#include "arch/hooks.h"
#include "paging.h"
#include "tlb.h"
#include "fpu.h"
#include "machine_ipc.h"
#include "tessera/thread.h"
#include "tessera/syscall.h"

_Static_assert(offsetof(struct cpu, scratch) == CPU_SCRATCH, "cpu layout");
_Static_assert(offsetof(struct cpu, kstack_top) == CPU_KSTACK_TOP,
	       "cpu layout");
_Static_assert(offsetof(struct cpu, core.current) == CPU_CURRENT, "cpu layout");
_Static_assert(offsetof(struct trapframe, vector) == TF_VECTOR, "tf layout");
_Static_assert(offsetof(struct trapframe, rip) == TF_RIP, "tf layout");
_Static_assert(offsetof(struct trapframe, cs) == TF_CS, "tf layout");
_Static_assert(offsetof(struct trapframe, rflags) == TF_RFLAGS, "tf layout");
_Static_assert(offsetof(struct trapframe, rsp) == TF_RSP, "tf layout");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "tf layout");
_Static_assert(TF_SIZE % 16 == 0, "the trapframe keeps the stack aligned");
_Static_assert(SYSCALL_RAX_IPC == TESS_SYS_BASE + SYS_ipc,
	       "entry.S finds ipc by its number");
_Static_assert(THREAD_KERNEL_RSP ==
		   THREAD_OBJ_SIZE - sizeof(struct arch_thread) +
		       offsetof(struct arch_thread, kernel_rsp),
	       "entry.S finds kernel_rsp at THREAD_KERNEL_RSP");
/* The Thread object: struct thread, its stack canary, at least a page of
 * kernel stack, the trapframe and the arch part (thread_arch.h). */
_Static_assert(sizeof(struct thread) + 16 + PAGE_SIZE + TF_SIZE +
		       sizeof(struct arch_thread) <=
		   THREAD_OBJ_SIZE,
	       "thread object layout");

struct cpu cpu0;
#ifdef TESS_BENCH_COUNTERS
struct tess_counters bench_counters;
#endif

extern void syscall_entry(void);
extern void ret_to_user(void);
extern void arch_switch_stack(struct thread *prev, struct thread *next);
extern void arch_switch_to_user(struct thread *prev, struct trapframe *tf);

void arch_set_current(struct thread *t)
{
	cpu0.core.current = t;
}

/* Whether cpu_init turned NX on (EFER.NXE), read once: every mapping
 * asks. */
static bool cpu_nx;

void cpu_init(void)
{
	u32 a, b, c, d;

	wrmsr(MSR_GS_BASE, (u64)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);

	/* syscall/sysret */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, ((u64)0x10 << 48) | ((u64)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	/* Mask IF, TF, DF, AC, NT on entry. */
	wrmsr(MSR_FMASK,
	      RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);

	/*
	 * The protections the CPU has (QEMU -cpu max has them all): no-execute
	 * pages; SMEP and SMAP (the kernel never executes or touches a user
	 * page through a user address: it reaches user memory only through
	 * its map of physical memory, paging.c, so it never needs stac/clac);
	 * UMIP (sgdt, sidt, sldt, smsw, str fault in user mode); WP (read-only
	 * pages are read-only for the kernel too).
	 */
	u64 cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PGE;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	if (d & (1u << 20))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	cpu_nx = rdmsr(MSR_EFER) & EFER_NXE;
	cpuid(0, 0, &a, &b, &c, &d);
	if (a >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		cr4 |= (b & (1u << 7) ? CR4_SMEP : 0) |
		       (b & (1u << 20) ? CR4_SMAP : 0) |
		       (c & (1u << 2) ? CR4_UMIP : 0);
	}

	/* TLB entries tagged by space (tlb.c). */
	cr4 |= tlb_init();

	/* FPU and SSE for user code, switched lazily (fpu.c): the kernel
	 * itself never uses them. */
	write_cr0((read_cr0() & ~(CR0_TS | CR0_EM)) | CR0_MP | CR0_NE | CR0_WP);
	write_cr4(cr4);
	fpu_init();
	kprintf("cpu: protections%s%s%s%s WP\n", arch_has_nx() ? " NX" : "",
		cr4 & CR4_SMEP ? " SMEP" : "", cr4 & CR4_SMAP ? " SMAP" : "",
		cr4 & CR4_UMIP ? " UMIP" : "");
	kprintf("cpu: TLB %s\n",
		!tlb_has_pcid() ? "flushed at every switch of space (no PCID)"
		: tlb_has_invpcid() ? "tagged by space (PCID, INVPCID)"
				    : "tagged by space (PCID)");
}

bool arch_has_nx(void)
{
	return cpu_nx;
}

/*
 * Give `t` a saved kernel context that "returns" into ret_to_user with rsp
 * at its trapframe: six callee-saved slots, then the return address.
 */
void arch_thread_resume_to_user(struct thread *t)
{
	u64 *sp = (u64 *)arch_thread_tf(t);
	*--sp = (u64)ret_to_user;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	thread_arch(t)->kernel_rsp = (u64)sp;
}

void arch_thread_init(struct thread *t)
{
	struct trapframe *tf = arch_thread_tf(t);
	memset(tf, 0, sizeof(*tf));
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = RFLAGS_IF | RFLAGS_RESERVED;
	tf->vector = VEC_RESUME;
	fpu_thread_init(t);
	thread_arch(t)->fs_base = thread_arch(t)->gs_base = 0;
	thread_arch(t)->work = 0;
	*thread_stack_canary(t) = THREAD_STACK_CANARY;
	arch_thread_resume_to_user(t);
}

/* What a switch must do when either thread has work bits set: TLS bases
 * and FPU state. */
void arch_switch_work(struct thread *prev, struct thread *next)
{
	/* A thread can zero its own FS or GS base without the kernel knowing
	 * (by loading a null selector), so the MSRs hold prev's bases or 0:
	 * only when both threads have none are they sure to hold next's. */
	struct arch_thread *p = thread_arch(prev), *n = thread_arch(next);
	if ((p->work | n->work) & ARCH_WORK_TLS) {
		wrmsr(MSR_FS_BASE, n->fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, n->gs_base);
	}
	if ((p->work | n->work) & (ARCH_WORK_FPU_LIVE | ARCH_WORK_FPU_EAGER))
		fpu_switch(prev, next);
}

/* Load what the CPU needs to run `next` in user mode later.  (The IPC
 * fast path does the same inline: machine_ipc.h.) */
static inline __attribute__((always_inline)) void
load_thread_state(struct thread *prev, struct thread *next)
{
	u64 top = thread_kstack_top(next);
	cpu0.kstack_top = top;
	cpu0.core.current = next;
	tss.rsp[0] = top;
	if (next->space)
		tlb_load_space(next->space);
	if (unlikely(thread_arch(prev)->work | thread_arch(next)->work))
		arch_switch_work(prev, next);
}

void arch_switch(struct thread *prev, struct thread *next)
{
	if (*thread_stack_canary(prev) != THREAD_STACK_CANARY)
		panic("kernel stack overflow in thread %x", prev->tid);
	load_thread_state(prev, next);
	/* A thread blocked with a user-mode continuation kept nothing on its
	 * kernel stack: resume it by returning to user from its trapframe. */
	if (next->flags & THREAD_F_USER_CONT) {
		next->flags &= ~THREAD_F_USER_CONT;
		arch_switch_to_user(prev, arch_thread_tf(next));
	} else {
		arch_switch_stack(prev, next);
	}
}

/* The IPC fast path's exit when a switch has work to do or `next`'s frame
 * is not a syscall's (machine_ipc.h): the work, then the message written
 * into a frame that returns with iretq. */
void arch_ipc_enter_user_slow(struct thread *prev, struct thread *next,
			      const u64 *mrs)
{
	struct trapframe *tf = arch_thread_tf(next);
	if (thread_arch(prev)->work | thread_arch(next)->work)
		arch_switch_work(prev, next);
	if (tf->vector != VEC_SYSCALL) {
		memcpy(arch_msg_regs(tf), mrs, IPC_SHORT_MRS * 8);
		arch_return_to_user(tf);
	}
	ipc_sysret(tf, mrs);
}

void arch_poll_interrupts(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

void arch_idle_wait(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_interrupts_off(void)
{
	cli();
}

void arch_console_putc(char c)
{
	console_putc(c);
}

void arch_machine_exit(int status)
{
	machine_exit(status);
}

/* exchange_registers may set the arithmetic flags (CF, PF, AF, ZF, SF,
 * OF), TF, DF and AC; the kernel keeps IF on, the reserved bit 1 set, and
 * IOPL, NT, VM and the rest clear. */
#define RFLAGS_USER                                                            \
	(RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF |           \
	 RFLAGS_TF | RFLAGS_DF | RFLAGS_OF | RFLAGS_AC)
static u64 user_rflags(u64 requested)
{
	return (requested & RFLAGS_USER) | RFLAGS_IF | RFLAGS_RESERVED;
}

static void set_tls(struct thread *t, u64 fs_base, u64 gs_base)
{
	struct arch_thread *a = thread_arch(t);
	a->fs_base = fs_base;
	a->gs_base = gs_base;
	if (fs_base | gs_base)
		a->work |= ARCH_WORK_TLS;
	else
		a->work &= ~ARCH_WORK_TLS;
	if (t == cpu0.core.current) {
		wrmsr(MSR_FS_BASE, fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, gs_base);
	}
}

void arch_regs_read(struct thread *t, struct exregs *x)
{
	const struct trapframe *tf = arch_thread_tf(t);
	x->rax = tf->rax;
	x->rbx = tf->rbx;
	x->rcx = tf->rcx;
	x->rdx = tf->rdx;
	x->rsi = tf->rsi;
	x->rdi = tf->rdi;
	x->rbp = tf->rbp;
	x->rsp = tf->rsp;
	x->r8 = tf->r8;
	x->r9 = tf->r9;
	x->r10 = tf->r10;
	x->r11 = tf->r11;
	x->r12 = tf->r12;
	x->r13 = tf->r13;
	x->r14 = tf->r14;
	x->r15 = tf->r15;
	x->rip = tf->rip;
	x->rflags = tf->rflags;
	x->fs_base = thread_arch(t)->fs_base;
	x->gs_base = thread_arch(t)->gs_base;
}

/* rip and the TLS bases must be canonical user addresses. */
int arch_regs_check(const struct exregs *x)
{
	if (x->valid & EXREGS_SET_PC && x->rip >= USER_CANONICAL_END)
		return -E_RANGE;
	if (x->valid & EXREGS_SET_REGS && (x->fs_base >= USER_CANONICAL_END ||
					   x->gs_base >= USER_CANONICAL_END))
		return -E_RANGE;
	return 0;
}

void arch_regs_write(struct thread *t, const struct exregs *x)
{
	struct trapframe *tf = arch_thread_tf(t);
	if (x->valid & EXREGS_SET_REGS) {
		tf->rax = x->rax;
		tf->rbx = x->rbx;
		tf->rcx = x->rcx;
		tf->rdx = x->rdx;
		tf->rsi = x->rsi;
		tf->rdi = x->rdi;
		tf->rbp = x->rbp;
		tf->r8 = x->r8;
		tf->r9 = x->r9;
		tf->r10 = x->r10;
		tf->r11 = x->r11;
		tf->r12 = x->r12;
		tf->r13 = x->r13;
		tf->r14 = x->r14;
		tf->r15 = x->r15;
		tf->rflags = user_rflags(x->rflags);
		set_tls(t, x->fs_base, x->gs_base);
	}
	if (x->valid & EXREGS_SET_SP)
		tf->rsp = x->rsp;
	if (x->valid & EXREGS_SET_PC)
		tf->rip = x->rip;
	/* Return with iretq: any rip, any rflags. */
	if (x->valid & (EXREGS_SET_REGS | EXREGS_SET_SP | EXREGS_SET_PC))
		tf->vector = VEC_RESUME;
}

/* The unknown system call's message (tessera/ipc.h): rax (the number),
 * rdi, rsi, rdx, rip, r10, r8, r9, rsp. */
void arch_syscall_fault_msg(const struct trapframe *tf,
			    u64 msg[FAULT_MSG_WORDS])
{
	msg[1] = tf->rax;
	msg[2] = tf->rdi;
	msg[3] = tf->rsi;
	msg[4] = tf->rdx;
	msg[5] = tf->rip;
	msg[6] = tf->r10;
	msg[7] = tf->r8;
	msg[8] = tf->r9;
	msg[9] = tf->rsp;
}

void arch_counters(struct tess_counters *c)
{
#ifdef TESS_BENCH_COUNTERS
	c->events = 1;
	c->cr3_writes = bench_counters.cr3_writes;
	c->tlb_flushes = bench_counters.tlb_flushes;
	c->tlb_page_flushes = bench_counters.tlb_page_flushes;
	c->fpu_saves = bench_counters.fpu_saves;
	c->fpu_restores = bench_counters.fpu_restores;
	c->fpu_traps = bench_counters.fpu_traps;
#else
	(void)c;
#endif
}
