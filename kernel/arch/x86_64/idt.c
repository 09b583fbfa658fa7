/*
 * The IDT: the 32 exception vectors, 16 IRQ vectors (the timer is 32) and
 * the LAPIC spurious vector.  All are interrupt gates (interrupts off on
 * entry); only #BP is reachable from user mode with int3, so that a user
 * breakpoint is an exception we report rather than a #GP.
 */
#include "cpu.h"
#include "arch.h"

struct idt_entry {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, zero;
} __attribute__((packed));

static struct idt_entry idt[256];
extern const u64 trap_stubs[48];
extern const u64 trap_stub_spurious;

static void set_gate(int vec, u64 handler, int dpl, int ist)
{
	idt[vec].off_lo = handler & 0xffff;
	idt[vec].sel = SEL_KCODE;
	idt[vec].ist = (u8)ist;
	idt[vec].type = (u8)(0x8e | (dpl << 5)); /* present, interrupt gate */
	idt[vec].off_mid = (handler >> 16) & 0xffff;
	idt[vec].off_hi = (u32)(handler >> 32);
	idt[vec].zero = 0;
}

void idt_init(void)
{
	for (int v = 0; v < 48; v++)
		set_gate(v, trap_stubs[v], v == 3 ? 3 : 0, v == 8 ? 1 : 0);
	set_gate(255, trap_stub_spurious, 0, 0);

	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) p = {sizeof(idt) - 1, (u64)idt};
	__asm__ volatile("lidt %0" : : "m"(p));
}
