/*
 * The Linux unit tests' helpers: TAP lines without numbers (the runner,
 * lxunit.c, numbers them), and raw system calls for the cases the libc
 * would not let through (bad pointers, odd flags).
 *
 * Each test program is an ordinary Linux program built with musl-gcc
 * -static: it runs unmodified under mm0's Linux personality, and as
 * well on the Linux build machine (where every test passes too).
 */
#ifndef LXT_H
#define LXT_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sched.h>
#include <unistd.h>

static int lxt_failed;

static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%s - ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		lxt_failed++;
	return cond;
}

/* ok() for "this call failed with errno e". */
#define ERR(call, e, ...) ok((call) == -1 && errno == (e), __VA_ARGS__)
/* A raw system call's result: -errno on failure. */
#define RAW(...) lxt_raw(__VA_ARGS__)
static inline long lxt_raw(long nr, long a, long b, long c, long d, long e,
			   long f)
{
	long r = syscall(nr, a, b, c, d, e, f);
	return r == -1 ? -errno : r;
}

static inline void diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* An address in the kernel half: every call must say EFAULT. */
#define KADDR ((void *)0xffff800000001000ul)
/* An address no program maps. */
#define NOADDR ((void *)0x10)

/* Whether this runs under Tessera (mm0 says so in uname's version): for
 * the few rules where Tessera is stricter than Linux run as root. */
#include <sys/utsname.h>
static inline int on_tessera(void)
{
	struct utsname u;
	return uname(&u) == 0 && strstr(u.version, "Tessera") != NULL;
}

static inline int done(void)
{
	return lxt_failed ? 1 : 0;
}

#endif
