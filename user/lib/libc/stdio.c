/*
 * Tessera libc: formatted output over one sink, line-buffered.
 */
#include <stdio.h>
#include <string.h>
#include <tess.h>
#include "lib/format.h"

/* Output goes to a Console capability (by default root slot 1, where the
 * root task has the boot console) or to a Window capability. */
static cptr_t out_cap = BOOT_SLOT_CONSOLE;
static int out_is_window;

static void cap_sink(const char *s, size_t n)
{
	if (!out_is_window) {
		tess_console_write(out_cap, s, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		tess_window_putc(out_cap, s[i]);
}

void tess_use_console(cptr_t ccap)
{
	fflush_stdout();
	out_cap = ccap;
	out_is_window = 0;
}

void tess_use_window(cptr_t wcap)
{
	fflush_stdout();
	out_cap = wcap;
	out_is_window = 1;
}

static stdio_sink_fn sink = cap_sink;
static char outbuf[256];
static size_t outlen;

void stdio_set_sink(stdio_sink_fn fn)
{
	fflush_stdout();
	sink = fn ? fn : cap_sink;
}

void fflush_stdout(void)
{
	if (outlen) {
		sink(outbuf, outlen);
		outlen = 0;
	}
}

static void out_put(void *ctx, char c)
{
	(void)ctx;
	outbuf[outlen++] = c;
	if (c == '\n' || outlen == sizeof(outbuf))
		fflush_stdout();
}

int vprintf(const char *fmt, va_list ap)
{
	return format(out_put, NULL, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return format_buf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = format_buf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = format_buf(buf, (size_t)-1 / 2, fmt, ap);
	va_end(ap);
	return n;
}

int putchar(int c)
{
	out_put(NULL, (char)c);
	return (unsigned char)c;
}

int puts(const char *s)
{
	while (*s)
		out_put(NULL, *s++);
	out_put(NULL, '\n');
	return 0;
}
