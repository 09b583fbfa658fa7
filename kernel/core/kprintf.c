/*
 * kprintf and panic.  Output goes through arch_console_putc (serial and the
 * VGA log window on x86_64).
 */
#include "kernel.h"
#include "arch/hooks.h"
#include "lib/format.h"

static void console_put(void *ctx, char c)
{
	(void)ctx;
	arch_console_putc(c);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = format(console_put, NULL, fmt, ap);
	va_end(ap);
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = format_buf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;
	arch_interrupts_off();
	kprintf("\nKERNEL PANIC: ");
	va_start(ap, fmt);
	format(console_put, NULL, fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_panic_stop();
}
