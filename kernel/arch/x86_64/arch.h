/*
 * The x86_64 layer's interface to the rest of the kernel: devices, boot
 * memory, traps.  kernel/core includes only "arch/hooks.h" (the portable
 * contract); this header is for the x86_64 files themselves.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include "core/kernel.h"
#include "core/percpu.h"

/* serial.c */
void serial_init(void);
void serial_putc(char c);
void serial_input_init(void); /* receive interrupts on */
void serial_irq(void);

/* keyboard.c: the PS/2 keyboard */
void keyboard_init(void);
void keyboard_irq(void);

/* irq.c: the 8259 PICs */
void pic_init(void);
void irq_enable(unsigned irq);
void irq_dispatch(unsigned irq);

/* vga.c */
struct vga_window {
	int top, height, left, width;
	int row, col;
	u8 attr;
};
void vga_init(void);
void vga_window_init(struct vga_window *w, int top, int height, int left,
		     int width, u8 attr);
void vga_window_putc(struct vga_window *w, char ch);
void vga_window_cls(struct vga_window *w);
void vga_put_at(int row, int col, char ch, u8 attr);
void vga_spin(u64 ticks);

/* console.c: the kernel log (serial + a VGA window) */
void console_init(void);
void console_putc(char c);

/* gdt.c */
struct tss {
	u32 reserved0;
	u64 rsp[3]; /* rsp[0]: the stack for interrupts from user mode */
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __attribute__((packed));
extern struct tss tss;
void gdt_init(void);

/* idt.c, trap.c */
void idt_init(void);
struct trapframe;
void trap_dispatch(struct trapframe *tf);
void dump_trapframe(const struct trapframe *tf);

/* timer.c */
void timer_init(void);
extern u64 tsc_hz;
extern volatile u64 timer_ticks;
#define TIMER_HZ 100
u64 tsc_to_us(u64 tsc);

/* rtc.c: the CMOS clock's time, seconds since 1970 (0 if unreadable) */
u64 rtc_read_unix(void);

/* cpu setup: syscall MSRs, FPU, per-CPU block (cpu.c) */
struct thread;
struct space;
/*
 * The per-CPU block, reached through %gs in the kernel: what entry.S
 * needs at fixed offsets (regs.h: CPU_*), the core's per-CPU state (its
 * `current` at CPU_CURRENT, where arch_current() reads it), and what only
 * x86_64 needs.  One CPU today: cpu0.
 */
struct cpu {
	u64 scratch;	     /* CPU_SCRATCH: user rsp during syscall entry */
	u64 kstack_top;	     /* CPU_KSTACK_TOP: the running thread's */
	struct percpu core;  /* the core's (percpu.h) */
	struct space *space; /* whose page tables are loaded (NULL: the
				kernel's own); tlb.c */
	bool fpu_ts;	     /* CR0.TS is set (fpu.c) */
};
extern struct cpu cpu0;
static inline struct cpu *this_cpu(void)
{
	return &cpu0;
}
void cpu_init(void);
bool arch_has_nx(void);

/* exit QEMU (isa-debug-exit) or power off; never returns */
void machine_exit(int status) __attribute__((noreturn));

#endif
