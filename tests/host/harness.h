/*
 * Host test harness: TAP output and the kernel services kernel/core needs
 * (kprintf, panic) implemented on top of the C library.
 */
#ifndef HOST_HARNESS_H
#define HOST_HARNESS_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

extern int t_passed, t_failed;
extern jmp_buf
    *panic_jmp; /* if set, panic() longjmps here instead of aborting */
extern char panic_message[256]; /* what the last panic() said */

void t_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int t_finish(void);

#define T_EQ(got, want, ...)                                                   \
	do {                                                                   \
		long long _g = (long long)(got), _w = (long long)(want);       \
		t_ok(_g == _w, __VA_ARGS__);                                   \
		if (_g != _w)                                                  \
			printf("#   got %lld, want %lld (%s:%d)\n", _g, _w,    \
			       __FILE__, __LINE__);                            \
	} while (0)

#endif
