/* Host test harness (see harness.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "core/kernel.h"

int t_passed, t_failed;
jmp_buf *panic_jmp;

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

void panic(const char *fmt, ...)
{
	va_list ap;
	printf("# panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (panic_jmp)
		longjmp(*panic_jmp, 1);
	abort();
}
