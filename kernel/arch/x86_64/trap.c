/*
 * Exceptions and interrupts.  An exception in user mode is the faulting
 * thread's problem: it is decoded here (a page fault's address and
 * access, or the exception's number and error code) and goes to the
 * thread's pager (core/fault.c).  An exception in kernel mode is a kernel
 * bug: register dump and panic.  The timer tick ends the timed waits that
 * are due and wakes an input reader with bytes buffered; device
 * interrupts go to irq.c.
 */
#include "cpu.h"
#include "arch.h"
#include "regs.h"
#include "fpu.h"
#include "core/thread.h"
#include "core/time.h"
#include "core/input.h"
#include "core/fault.h"
#include "arch/hooks.h"

void timer_eoi(void);
void lapic_eoi(void);

/* Vectors: the CPU's exceptions (0..31), then the interrupts as idt.c and
 * irq.c set them up. */
#define VEC_DEVICE_NOT_AVAILABLE 7 /* #NM: an FPU use with CR0.TS set */
#define VEC_PAGE_FAULT 14
#define VEC_EXCEPTIONS 32  /* exceptions are below this */
#define VEC_IRQ0 32	   /* IRQ n is vector VEC_IRQ0 + n (irq.c) */
#define VEC_TIMER VEC_IRQ0 /* the tick (IRQ 0, or the local APIC's) */
#define VEC_IRQ_END (VEC_IRQ0 + 16)
#define VEC_SPURIOUS 255 /* the local APIC's spurious interrupt */

/* A page fault's error code. */
#define PF_ERR_PRESENT (1u << 0) /* a protection fault, not a missing page */
#define PF_ERR_WRITE (1u << 1)
#define PF_ERR_FETCH (1u << 4) /* an instruction fetch */

static const char *const exception_names[VEC_EXCEPTIONS] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved 15",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD error",
    "#VE virtualization",
    "#CP control protection",
    "reserved 22",
    "reserved 23",
    "reserved 24",
    "reserved 25",
    "reserved 26",
    "reserved 27",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security",
    "reserved 31",
};

const char *arch_exception_name(u64 vec)
{
	return vec < VEC_EXCEPTIONS ? exception_names[vec] : "interrupt";
}

void dump_trapframe(const struct trapframe *tf)
{
	kprintf("  rip=%016lx cs=%lx rflags=%lx rsp=%016lx ss=%lx\n", tf->rip,
		tf->cs, tf->rflags, tf->rsp, tf->ss);
	kprintf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", tf->rax,
		tf->rbx, tf->rcx, tf->rdx);
	kprintf("  rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n", tf->rsi,
		tf->rdi, tf->rbp, tf->r8);
	kprintf("  r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n", tf->r9,
		tf->r10, tf->r11, tf->r12);
	kprintf("  r13=%016lx r14=%016lx r15=%016lx\n", tf->r13, tf->r14,
		tf->r15);
	kprintf("  cr2=%016lx cr3=%016lx vector=%lu error=%lx\n", read_cr2(),
		read_cr3(), tf->vector, tf->error);
}

static void kernel_exception(struct trapframe *tf)
{
	kprintf("\nKERNEL EXCEPTION: %s at rip %016lx",
		arch_exception_name(tf->vector), tf->rip);
	if (tf->vector == VEC_PAGE_FAULT)
		kprintf(", address %016lx", read_cr2());
	kprintf("\n");
	dump_trapframe(tf);
	struct thread *t = arch_current();
	if (t)
		kprintf("  current thread %x (%s)\n", t->tid, t->name);
	arch_panic_stop();
}

/* What the pager is told (core/fault.c): a page fault's address and
 * access, or any other exception's number and error code. */
static void user_exception(struct trapframe *tf)
{
	struct fault_info fi;

	fi.ip = tf->rip;
	if (tf->vector == VEC_PAGE_FAULT) {
		fi.kind = FAULT_KIND_PAGE;
		fi.addr = read_cr2();
		fi.access = (tf->error & PF_ERR_WRITE ? FAULT_WRITE : 0) |
			    (tf->error & PF_ERR_FETCH ? FAULT_EXEC : 0) |
			    (tf->error & PF_ERR_PRESENT ? FAULT_PROTECTION : 0);
	} else {
		fi.kind = FAULT_KIND_EXCEPTION;
		fi.number = tf->vector;
		fi.error = tf->error;
	}
	fault_user_exception(arch_current(), &fi);
}

void trap_dispatch(struct trapframe *tf)
{
	bool from_user = tf->cs & 3;

	if (tf->vector == VEC_TIMER) {
		timer_ticks++;
		timer_eoi();
		vga_spin(timer_ticks);
		timer_expire();
		input_kick();
		sched_tick();
	} else if (tf->vector == VEC_SPURIOUS) {
		/* no EOI */
	} else if (tf->vector > VEC_TIMER && tf->vector < VEC_IRQ_END) {
		irq_dispatch((unsigned)(tf->vector - VEC_IRQ0));
	} else if (!from_user) {
		kernel_exception(tf);
	} else if (tf->vector == VEC_DEVICE_NOT_AVAILABLE) {
		fpu_trap(arch_current()); /* #NM: its first FPU use (fpu.c) */
	} else {
		user_exception(tf);
	}
	if (from_user)
		sched_check_preempt();
}

void arch_panic_stop(void)
{
	cli();
	kprintf("System halted.\n");
	machine_exit(0x7f);
}
