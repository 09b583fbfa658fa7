/*
 * The kernel log: every kprintf goes to COM1 and to the log window on the
 * left of the VGA screen.
 */
#include "cpu.h"
#include "arch.h"
#include "arch/hooks.h"

static struct vga_window log_window;
static bool console_ready;

/*
 * The user windows, on the right of the screen.  Each is mirrored on the
 * serial line, a line at a time, tagged "[wN] ", so tests and `make run`
 * see window output too.
 */
struct window {
	struct vga_window vga;
	char line[240];
	unsigned len;
};
static struct window windows[NUM_WINDOWS];

void console_init(void)
{
	static const u8 colours[NUM_WINDOWS] = {0x1f, 0x4f, 0x2f};
	serial_init();
	vga_init();
	vga_window_init(&log_window, 1, 24, 0, 46, 0x07);
	for (unsigned i = 0; i < NUM_WINDOWS; i++) {
		vga_window_init(&windows[i].vga, 1 + i * 8, 7, 47, 33,
				colours[i]);
		vga_window_cls(&windows[i].vga);
	}
	console_ready = true;
}

void console_putc(char c)
{
	serial_putc(c);
	if (console_ready)
		vga_window_putc(&log_window, c);
}

void arch_console_putc_attr(char c, u8 attr)
{
	u8 old = log_window.attr;
	serial_putc(c);
	if (console_ready) {
		if (attr)
			log_window.attr = attr;
		vga_window_putc(&log_window, c);
		log_window.attr = old;
	}
}

static void window_flush(unsigned w)
{
	struct window *win = &windows[w];
	serial_putc('[');
	serial_putc('w');
	serial_putc((char)('0' + w));
	serial_putc(']');
	serial_putc(' ');
	for (unsigned i = 0; i < win->len; i++)
		serial_putc(win->line[i]);
	serial_putc('\n');
	win->len = 0;
}

void arch_window_putc(unsigned w, char c)
{
	struct window *win = &windows[w];
	vga_window_putc(&win->vga, c);
	if (c == '\n') {
		window_flush(w);
		return;
	}
	win->line[win->len++] = c;
	if (win->len == sizeof(win->line))
		window_flush(w);
}

void arch_window_cls(unsigned w)
{
	vga_window_cls(&windows[w].vga);
}

void arch_window_set_attr(unsigned w, u8 attr)
{
	windows[w].vga.attr = attr;
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
