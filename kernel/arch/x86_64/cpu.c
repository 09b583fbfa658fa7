/*
 * Per-CPU set-up: the per-CPU block reached through %gs in the kernel,
 * the syscall MSRs, the protections the CPU enforces between user and
 * kernel mode, the FPU/SSE state for user threads, and the thread context
 * operations (switch, start, resume to user).
 *
 * What must hold for user mode (docs/ABI.md, "The CPU state a user thread
 * sees"): the kernel runs with DF and AC clear (FMASK on syscall, entry.S
 * on exceptions and interrupts); a user thread never runs with IOPL > 0
 * (every rflags the kernel builds or accepts goes through
 * arch_user_rflags, and popf cannot raise IOPL in ring 3); it starts with
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

/* Per-CPU block; offsets are in regs.h (CPU_*). */
struct cpu {
	u64 scratch;	/* user rsp during syscall entry */
	u64 kstack_top; /* current thread's kernel stack top */
	struct thread *current;
	u64 cr3; /* the page-table root now loaded */
};

_Static_assert(offsetof(struct cpu, scratch) == CPU_SCRATCH, "cpu layout");
_Static_assert(offsetof(struct cpu, kstack_top) == CPU_KSTACK_TOP,
	       "cpu layout");
_Static_assert(offsetof(struct cpu, current) == CPU_CURRENT, "cpu layout");
_Static_assert(CPU_CURRENT == 16, "arch_current in hooks.h reads %gs:16");
_Static_assert(offsetof(struct trapframe, rax) == TF_RAX, "tf layout");
_Static_assert(offsetof(struct trapframe, vector) == TF_VECTOR, "tf layout");
_Static_assert(offsetof(struct trapframe, rip) == TF_RIP, "tf layout");
_Static_assert(offsetof(struct trapframe, ss) == TF_SS, "tf layout");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "tf layout");
_Static_assert(offsetof(struct thread, arch.kernel_rsp) == 0, "thread layout");

static struct cpu cpu0;
static u8 fpu_initial[512] __attribute__((aligned(16)));
static u32 mxcsr_mask; /* MXCSR bits the CPU accepts (FXSAVE bytes 28..31) */

extern void syscall_entry(void);
extern void ret_to_user(void);
extern void arch_switch_stack(u64 *save_rsp, u64 new_rsp);
extern void arch_return_to_user(struct trapframe *tf) __attribute__((noreturn));

void arch_set_current(struct thread *t)
{
	cpu0.current = t;
}

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
	      (1 << 9) | (1 << 8) | (1 << 10) | (1 << 18) | (1 << 14));

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
	cpuid(0, 0, &a, &b, &c, &d);
	if (a >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		cr4 |= (b & (1u << 7) ? CR4_SMEP : 0) |
		       (b & (1u << 20) ? CR4_SMAP : 0) |
		       (c & (1u << 2) ? CR4_UMIP : 0);
	}

	/* FPU and SSE for user code: the kernel itself never uses them. */
	write_cr0((read_cr0() & ~(CR0_TS | CR0_EM)) | CR0_MP | CR0_NE | CR0_WP);
	write_cr4(cr4);
	kprintf("cpu: protections%s%s%s%s WP\n", arch_has_nx() ? " NX" : "",
		cr4 & CR4_SMEP ? " SMEP" : "", cr4 & CR4_SMAP ? " SMAP" : "",
		cr4 & CR4_UMIP ? " UMIP" : "");

	/* A new thread's FPU state: as after fninit, with every x87 and SSE
	 * register 0 (fninit leaves their contents; they are the firmware's)
	 * and MXCSR's default, all exceptions masked. */
	__asm__ volatile("fninit; fxsave %0" : "=m"(fpu_initial));
	mxcsr_mask = *(u32 *)&fpu_initial[28];
	if (!mxcsr_mask)
		mxcsr_mask = 0xffbf; /* the architectural default */
	memset(fpu_initial + 32, 0, sizeof(fpu_initial) - 32);
	*(u32 *)&fpu_initial[24] = 0x1f80;
}

bool arch_has_nx(void)
{
	return rdmsr(MSR_EFER) & EFER_NXE;
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
	t->arch.kernel_rsp = (u64)sp;
}

void arch_thread_init(struct thread *t)
{
	struct trapframe *tf = arch_thread_tf(t);
	memset(tf, 0, sizeof(*tf));
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = RFLAGS_IF | 0x2;
	tf->vector = VEC_RESUME;
	memcpy(t->arch.fpu, fpu_initial, sizeof(fpu_initial));
	t->arch.fs_base = t->arch.gs_base = 0;
	t->arch.tls = 0;
	*thread_stack_canary(t) = THREAD_STACK_CANARY;
	arch_thread_resume_to_user(t);
}

/* Load what the CPU needs to run `next` in user mode later. */
static inline __attribute__((always_inline)) void
load_thread_state(struct thread *prev, struct thread *next)
{
	u64 top = thread_kstack_top(next);
	cpu0.kstack_top = top;
	cpu0.current = next;
	tss.rsp[0] = top;
	if (next->space && next->space->arch.pml4_phys != cpu0.cr3) {
		cpu0.cr3 = next->space->arch.pml4_phys;
		write_cr3(cpu0.cr3);
	}
	/* A thread can zero its own FS or GS base without the kernel knowing
	 * (by loading a null selector), so the MSRs hold prev's bases or 0:
	 * only when both threads have none are they sure to hold next's. */
	if (prev->arch.tls | next->arch.tls) {
		wrmsr(MSR_FS_BASE, next->arch.fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, next->arch.gs_base);
	}
}

void arch_switch(struct thread *prev, struct thread *next)
{
	if (*thread_stack_canary(prev) != THREAD_STACK_CANARY)
		panic("kernel stack overflow in thread %x", prev->tid);
	__asm__ volatile("fxsave %0" : "=m"(prev->arch.fpu));
	__asm__ volatile("fxrstor %0" : : "m"(next->arch.fpu));
	load_thread_state(prev, next);
	/* A thread blocked with a user-mode continuation kept nothing on its
	 * kernel stack: resume it by returning to user from its trapframe. */
	if (next->flags & THREAD_F_USER_CONT) {
		next->flags &= ~THREAD_F_USER_CONT;
		arch_thread_resume_to_user(next);
	}
	arch_switch_stack(&prev->arch.kernel_rsp, next->arch.kernel_rsp);
}

/* Leave the kernel for `t`, abandoning the current kernel stack. */
void arch_enter_user(struct thread *t)
{
	struct thread *prev = arch_current();
	t->flags &= ~THREAD_F_USER_CONT;
	if (prev != t) {
		__asm__ volatile("fxsave %0" : "=m"(prev->arch.fpu));
		__asm__ volatile("fxrstor %0" : : "m"(t->arch.fpu));
		load_thread_state(prev, t);
	}
	arch_return_to_user(arch_thread_tf(t));
}

void arch_poll_interrupts(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

/* The space's tables are going away: if loaded, load the kernel's. */
void arch_space_unload(struct space *s)
{
	if (cpu0.cr3 == s->arch.pml4_phys) {
		cpu0.cr3 = kernel_pml4_phys();
		write_cr3(cpu0.cr3);
	}
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

/* exchange_registers may set the arithmetic flags, DF, TF and AC; the
 * kernel keeps IF on and IOPL, NT, VM and the rest clear. */
u64 arch_user_rflags(u64 requested)
{
	const u64 user_bits = 0xcd5 | (1ull << 8) | (1ull << 10) | (1ull << 18);
	return (requested & user_bits) | RFLAGS_IF | 0x2;
}

void arch_set_tls(struct thread *t, u64 fs_base, u64 gs_base)
{
	t->arch.fs_base = fs_base;
	t->arch.gs_base = gs_base;
	t->arch.tls = (fs_base | gs_base) != 0;
	if (t == cpu0.current) {
		wrmsr(MSR_FS_BASE, fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, gs_base);
	}
}

/* The FPU state of a thread other than the running one is in its save
 * area (arch_switch saves it); the running thread's is in the CPU. */
void arch_fpu_read(struct thread *t, u8 image[512])
{
	if (t == cpu0.current)
		__asm__ volatile("fxsave %0" : "=m"(t->arch.fpu));
	memcpy(image, t->arch.fpu, sizeof(t->arch.fpu));
}

/* fxrstor takes a #GP for MXCSR bits the CPU does not have: refuse them. */
int arch_fpu_check(const u8 image[512])
{
	u32 mxcsr;
	memcpy(&mxcsr, image + 24, sizeof(mxcsr));
	return mxcsr & ~mxcsr_mask ? -E_INVAL : 0;
}

void arch_fpu_write(struct thread *t, const u8 image[512])
{
	memcpy(t->arch.fpu, image, sizeof(t->arch.fpu));
	/* What is ours to set: MXCSR_MASK is read-only (fxrstor ignores it). */
	memcpy(t->arch.fpu + 28, &mxcsr_mask, sizeof(mxcsr_mask));
	if (t == cpu0.current)
		__asm__ volatile("fxrstor %0" : : "m"(t->arch.fpu));
}
