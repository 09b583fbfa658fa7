/*
 * Exceptions and interrupts.  An exception in user mode is the faulting
 * thread's problem: it goes to the thread's pager (fault.c).  An exception
 * in kernel mode is a kernel bug: register dump and panic.  The timer
 * tick (vector 32) ends the timed waits that are due and wakes an input
 * reader with bytes buffered; device interrupts (33..47) go to irq.c.
 */
#include "cpu.h"
#include "arch.h"
#include "regs.h"
#include "core/thread.h"
#include "core/time.h"
#include "core/input.h"
#include "core/fault.h"
#include "arch/hooks.h"

void timer_eoi(void);
void lapic_eoi(void);

static const char *const exception_names[32] = {
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

const char *exception_name(unsigned vec)
{
	return vec < 32 ? exception_names[vec] : "interrupt";
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
		exception_name(tf->vector), tf->rip);
	if (tf->vector == 14)
		kprintf(", address %016lx", read_cr2());
	kprintf("\n");
	dump_trapframe(tf);
	struct thread *t = arch_current();
	if (t)
		kprintf("  current thread %x (%s)\n", t->tid, t->name);
	arch_panic_stop();
}

void trap_dispatch(struct trapframe *tf)
{
	bool from_user = tf->cs & 3;

	if (tf->vector == 32) {
		timer_ticks++;
		timer_eoi();
		vga_spin(timer_ticks);
		timer_expire();
		input_kick();
		sched_tick();
	} else if (tf->vector == 255) {
		/* LAPIC spurious: no EOI. */
	} else if (tf->vector >= 33 && tf->vector < 48) {
		irq_dispatch((unsigned)tf->vector - 32);
	} else if (!from_user) {
		kernel_exception(tf);
	} else {
		struct fault_info fi = {
		    .vector = (u32)tf->vector,
		    .error = tf->error,
		    .addr = tf->vector == 14 ? read_cr2() : 0,
		    .ip = tf->rip,
		};
		fault_user_exception(arch_current(), &fi);
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
