/*
 * The root task's messages: one line each on the boot console, prefixed
 * "root: ".  Both root threads print, so a line is formatted on the stack
 * and written with one system call, never through printf's shared buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include "root.h"

void root_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n = snprintf(line, sizeof(line), "root: ");

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	tess_console_write(BOOT_SLOT_CONSOLE, line, n);
}
