/*
 * 16550 UART on COM1: the kernel console, the test protocol's channel, and
 * a source of console input.  Output is polled.  Input comes by the
 * receive interrupt (IRQ 4), which moves every byte waiting in the
 * receive FIFO into the input buffer (core/input.c).
 *
 * Polled output keeps interrupts off for as long as it runs (a 4 KiB
 * console_write is a third of a second at 115200 baud, longer than the
 * 16-byte receive FIFO lasts when someone types or pastes): so the output
 * loop also empties the receive FIFO while it waits for the transmitter,
 * and no input is lost to an overrun.  Those bytes wake their reader at
 * the next timer tick.
 */
#include "cpu.h"
#include "arch.h"
#include "core/input.h"

#define COM1 0x3F8
#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define IER_RX 0x01 /* interrupt when received data is available */
#define MCR_DTR_RTS 0x03
#define MCR_OUT2 0x08 /* gates the UART's interrupt line on PCs */
#define LSR_DATA 0x01 /* a received byte is waiting */
#define LSR_THR_EMPTY 0x20
#define RX_BURST 64 /* bytes taken per interrupt, at most */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);  /* no interrupts yet */
	outb(COM1 + UART_LCR, 0x80);  /* DLAB on */
	outb(COM1 + UART_DATA, 0x01); /* divisor 1: 115200 baud */
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xC7); /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
}

/* Take the bytes waiting in the receive FIFO (at most RX_BURST). */
static void serial_drain(bool wake)
{
	for (int i = 0; i < RX_BURST && (inb(COM1 + UART_LSR) & LSR_DATA);
	     i++) {
		u8 c = inb(COM1 + UART_DATA);
		if (wake)
			input_push(&c, 1);
		else
			input_push_quiet(&c, 1);
	}
}

void serial_input_init(void)
{
	if (inb(COM1 + UART_LSR) == 0xff)
		return;	     /* no UART there */
	serial_drain(false); /* whatever came before boot */
	outb(COM1 + UART_IER, IER_RX);
	irq_enable(4);
}

void serial_irq(void)
{
	serial_drain(true);
}

void serial_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	/* Wait for the transmit holding register; bounded so a missing UART
	 * cannot hang the kernel. */
	for (int i = 0; i < 100000; i++) {
		u8 lsr = inb(COM1 + UART_LSR);
		if (lsr & LSR_THR_EMPTY)
			break;
		if (lsr & LSR_DATA)
			serial_drain(false);
		pause();
	}
	outb(COM1 + UART_DATA, (u8)c);
}
