/*
 * Tessera libc: formatted output over one sink, line-buffered.
 */
#include <stdio.h>
#include <string.h>
#include <tess.h>
#include "lib/format.h"

static void debug_sink(const char *s, size_t n)
{
	tess_debug_putstr(s, n);
}

static stdio_sink_fn sink = debug_sink;
static char outbuf[256];
static size_t outlen;

void stdio_set_sink(stdio_sink_fn fn)
{
	fflush_stdout();
	sink = fn ? fn : debug_sink;
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
