/* Host test harness (see harness.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "core/kernel.h"
#include "lib/format.h"

int t_passed, t_failed;
jmp_buf *panic_jmp;
char panic_message[256];

void t_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", cond ? "" : "not ", t_passed + t_failed + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cond)
		t_passed++;
	else
		t_failed++;
}

int t_finish(void)
{
	printf("1..%d\n# %d passed, %d failed\n", t_passed + t_failed, t_passed,
	       t_failed);
	return t_failed ? 1 : 0;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return format_buf(buf, size, fmt, ap);
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
	va_start(ap, fmt);
	vsnprintf(panic_message, sizeof(panic_message), fmt, ap);
	va_end(ap);
	printf("# panic: %s", panic_message);
	printf("\n");
	fflush(stdout);
	if (panic_jmp)
		longjmp(*panic_jmp, 1);
	abort();
}
