/*
 * Device interrupts: the two 8259 PICs, remapped to vectors 32..47 and
 * reaching the CPU through the local APIC's LINT0 in ExtINT mode (the
 * "virtual wire" the BIOS leaves, which timer.c sets again).  Every line
 * starts masked; a driver unmasks its own with irq_enable.  The lines in
 * use: IRQ 0, the PIT, when there is no local APIC (timer.c); IRQ 1, the
 * PS/2 keyboard (keyboard.c); IRQ 4, COM1 (serial.c).
 *
 * An interrupt is acknowledged at the PICs after its handler has run.
 * IRQ 7 and 15 may be spurious (a line that dropped before the CPU took
 * it): the in-service register says, and a spurious one gets no EOI of
 * its own.
 */
#include "cpu.h"
#include "arch.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_EOI 0x20
#define PIC_READ_ISR 0x0B

/* Remap the 8259s to vectors 32..47 and mask every line. */
void pic_init(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: edge, cascade, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 32); /* ICW2: vector base */
	outb(PIC2_DATA, 40);
	outb(PIC1_DATA, 4); /* ICW3: the slave on IRQ 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1); /* ICW4: 8086 mode */
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

void irq_enable(unsigned irq)
{
	if (irq < 8) {
		outb(PIC1_DATA, inb(PIC1_DATA) & ~(1u << irq));
	} else {
		outb(PIC2_DATA, inb(PIC2_DATA) & ~(1u << (irq - 8)));
		outb(PIC1_DATA, inb(PIC1_DATA) & ~(1u << 2)); /* the cascade */
	}
}

static bool in_service(unsigned irq)
{
	u16 port = irq < 8 ? PIC1_CMD : PIC2_CMD;
	outb(port, PIC_READ_ISR);
	return inb(port) & (1u << (irq & 7));
}

/* Vectors 33..47 (32 is the tick: trap.c). */
void irq_dispatch(unsigned irq)
{
	if ((irq == 7 || irq == 15) && !in_service(irq)) {
		if (irq == 15)
			outb(PIC1_CMD,
			     PIC_EOI); /* the master saw the cascade */
		return;
	}
	switch (irq) {
	case 1:
		keyboard_irq();
		break;
	case 4:
		serial_irq();
		break;
	default:
		break;
	}
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
