/*
 * The lab's capio library (capio.h): window output through a WindowCap,
 * one system call per character, as in the lab (the cost the lab's Step
 * 7 removes with printBuffer).  Nothing is returned; llpLastError() has
 * the last character's result.
 */
#include <stdarg.h>
#include "lib/format.h"
#include "lab.h"
#include <capio.h>

void capputchar(unsigned cap, int c)
{
	llp_record(tess_window_putc(llp_direct(cap), c));
}

void capcls(unsigned cap)
{
	llp_record(tess_window_cls(llp_direct(cap)));
}

void capsetAttr(unsigned cap, int a)
{
	/* A negative attribute is out of range, as one above 255. */
	llp_record(tess_window_set_attr(llp_direct(cap), (unsigned)a));
}

void capputs(unsigned cap, const char *s)
{
	llp_record(0);
	while (*s)
		capputchar(cap, *s++);
}

static void put(void *ctx, char c)
{
	capputchar(*(unsigned *)ctx, c);
}

void capprintf(unsigned cap, const char *fmt, ...)
{
	va_list ap;

	llp_record(0);
	va_start(ap, fmt);
	format(put, &cap, fmt, ap);
	va_end(ap);
}
