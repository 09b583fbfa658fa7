/*
 * Time: the TSC, calibrated against the PIT at boot, and a periodic tick
 * at TIMER_HZ from the local APIC timer (or from the PIT through the 8259
 * when there is no local APIC).  The tick drives preemption and ends the
 * timed waits whose deadline has passed (core/time.c): periodic rather
 * than one-shot, so deadlines have the tick's precision.
 */
#include "cpu.h"
#include "arch.h"
#include "arch/hooks.h"

#define PIT_HZ 1193182
#define TIMER_VECTOR 32

#define LAPIC_EOI 0xB0
#define LAPIC_SVR 0xF0
#define LAPIC_LVT_LINT0 0x350
#define LVT_EXTINT 0x700 /* delivery mode ExtINT: the 8259's interrupts */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0

u64 tsc_hz;
volatile u64 timer_ticks;
static u64 boot_tsc;
static volatile u32 *lapic;

static u32 lapic_read(u32 reg)
{
	return lapic[reg / 4];
}

static void lapic_write(u32 reg, u32 v)
{
	lapic[reg / 4] = v;
}

/* Busy-wait `ms` milliseconds on PIT channel 2 (gate via port 0x61). */
static void pit_wait_start(u32 ms)
{
	u32 count = PIT_HZ * ms / 1000;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xB0); /* channel 2, lo/hi byte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, (count >> 8) & 0xff);
	u8 v = inb(0x61) & ~0x01;
	outb(0x61, v);
	outb(0x61, v | 0x01);
}

static void pit_wait_end(void)
{
	while (!(inb(0x61) & 0x20))
		pause();
}

u64 tsc_to_us(u64 tsc)
{
	return tsc_hz ? tsc / (tsc_hz / 1000000) : 0;
}

void timer_set_boot_tsc(u64 tsc)
{
	boot_tsc = tsc;
}

void timer_init(void)
{
	u32 a, b, c, d;
	const u32 ms = 10;

	pic_init();
	cpuid(1, 0, &a, &b, &c, &d);
	bool have_apic = d & (1u << 9);

	if (have_apic) {
		u64 base = rdmsr(MSR_APIC_BASE);
		wrmsr(MSR_APIC_BASE, base | (1u << 11)); /* global enable */
		lapic = phys_to_virt(base & ~0xfffull);
		lapic_write(LAPIC_SVR, 0x100 | 0xff);
		lapic_write(LAPIC_LVT_LINT0, LVT_EXTINT); /* irq.c's lines */
		lapic_write(LAPIC_TIMER_DIV, 0x3);	  /* divide by 16 */
		lapic_write(LAPIC_LVT_TIMER, 1u << 16);	  /* masked */
		lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	}

	pit_wait_start(ms);
	u64 t0 = rdtsc();
	pit_wait_end();
	u64 t1 = rdtsc();
	tsc_hz = (t1 - t0) * (1000 / ms);
	if (tsc_hz < 1000000)
		tsc_hz = 1000000;

	if (have_apic) {
		u32 lapic_per_ms =
		    (0xffffffff - lapic_read(LAPIC_TIMER_CUR)) / ms;
		lapic_write(LAPIC_LVT_TIMER,
			    TIMER_VECTOR | (1u << 17)); /* periodic */
		lapic_write(LAPIC_TIMER_INIT, lapic_per_ms * 1000 / TIMER_HZ);
	} else {
		u32 div = PIT_HZ / TIMER_HZ;
		outb(0x43, 0x34); /* channel 0, lo/hi, rate generator */
		outb(0x40, div & 0xff);
		outb(0x40, (div >> 8) & 0xff);
		irq_enable(0);
	}
}

/* Acknowledge the interrupt at the controller that raised it. */
void timer_eoi(void)
{
	if (lapic)
		lapic_write(LAPIC_EOI, 0);
	else
		outb(0x20, 0x20);
}

void lapic_eoi(void)
{
	if (lapic)
		lapic_write(LAPIC_EOI, 0);
}

u64 arch_ticks(void)
{
	return timer_ticks;
}

u64 arch_time_us(void)
{
	return tsc_to_us(rdtsc() - boot_tsc);
}
