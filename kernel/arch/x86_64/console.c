/*
 * The kernel log: every kprintf goes to COM1 and to the log window on the
 * left of the VGA screen.
 */
#include "cpu.h"
#include "arch.h"

static struct vga_window log_window;
static bool console_ready;

void console_init(void)
{
	serial_init();
	vga_init();
	vga_window_init(&log_window, 1, 24, 0, 46, 0x07);
	console_ready = true;
}

void console_putc(char c)
{
	serial_putc(c);
	if (console_ready)
		vga_window_putc(&log_window, c);
}

/*
 * Leave the emulator, or the machine.  isa-debug-exit (QEMU, port 0xf4)
 * turns a write of v into the exit status (v << 1) | 1; without it, try the
 * ACPI power-off ports QEMU's PC machines use, then halt.
 */
void machine_exit(int status)
{
	cli();
	outl(0xf4, (u32)status);
	outw(0x604, 0x2000);  /* QEMU i440fx/q35 ACPI PM1a control */
	outw(0xB004, 0x2000); /* older Bochs/QEMU */
	for (;;)
		hlt();
}
