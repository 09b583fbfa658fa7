/* The shared printf formatter (lib/format.c). */
#include <string.h>
#include "harness.h"
#include "lib/format.h"

static char buf[128];

static const char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	format_buf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return buf;
}

static int truncated(char *b, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = format_buf(b, size, f, ap);
	va_end(ap);
	return n;
}

#define F_EQ(want, ...)                                                        \
	do {                                                                   \
		const char *g = fmt(__VA_ARGS__);                              \
		t_ok(!strcmp(g, want), "format %-18s -> \"%s\"", #__VA_ARGS__, \
		     want);                                                    \
		if (strcmp(g, want))                                           \
			printf("#   got \"%s\"\n", g);                         \
	} while (0)

int main(void)
{
	F_EQ("42", "%d", 42);
	F_EQ("-42", "%d", -42);
	F_EQ("-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1));
	F_EQ("18446744073709551615", "%lu", 18446744073709551615UL);
	F_EQ("ff", "%x", 255);
	F_EQ("FF", "%X", 255);
	F_EQ("00ff", "%04x", 255);
	F_EQ("  ff", "%4x", 255);
	F_EQ("ff  |", "%-4x|", 255);
	F_EQ("0x1000", "%p", (void *)0x1000);
	F_EQ("deadbeefcafe", "%lx", 0xdeadbeefcafeUL);
	F_EQ("hi", "%s", "hi");
	F_EQ("   hi", "%5s", "hi");
	F_EQ("h", "%.1s", "hi");
	F_EQ("(null)", "%s", (char *)NULL);
	F_EQ("c", "%c", 'c');
	F_EQ("100%", "%d%%", 100);
	F_EQ("-0042", "%05d", -42);
	F_EQ("+7", "%+d", 7);
	F_EQ("0x1f", "%#x", 31);
	F_EQ("017", "%#o", 15);
	F_EQ("   12", "%*d", 5, 12);
	F_EQ("007", "%.3d", 7);
	F_EQ("%y", "%y");
	{
		char small[4];
		int n = truncated(small, sizeof(small), "%s", "abcdef");
		t_ok(n == 6 && !strcmp(small, "abc"),
		     "truncation keeps a NUL and returns the full length");
	}
	return t_finish();
}
