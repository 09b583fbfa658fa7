/* TAP output for in-guest test suites. */
#include <stdarg.h>
#include <stdio.h>
#include <tap.h>

int tap_passed, tap_failed;

int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int n = tap_passed + tap_failed + 1;
	printf("%sok %d - ", cond ? "" : "not ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cond)
		tap_passed++;
	else
		tap_failed++;
	return cond;
}

int tap_finish(void)
{
	printf("1..%d\n", tap_passed + tap_failed);
	printf("# %d passed, %d failed\n", tap_passed, tap_failed);
	return tap_failed ? 1 : 0;
}
