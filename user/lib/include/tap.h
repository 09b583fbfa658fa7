/*
 * TAP output for the in-guest test suites: each check prints
 * "ok N - name" or "not ok N - name" on the console; the runner
 * (tools/run-suite.sh) counts them.
 */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>

extern int tap_passed, tap_failed;

/* Record one test; returns cond so callers can stop early on failure. */
int tap_ok(int cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print a diagnostic line ("# ...") that does not count as a test. */
#define tap_diag(...)                                                          \
	do {                                                                   \
		printf("# ");                                                  \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
	} while (0)

/* Check that expression `got` equals `want`; names the values if not. */
#define tap_eq(got, want, ...)                                                 \
	({                                                                     \
		long _g = (long)(got), _w = (long)(want);                      \
		int _r = tap_ok(_g == _w, __VA_ARGS__);                        \
		if (!_r)                                                       \
			tap_diag("  got %ld (%s), want %ld (%s)", _g,          \
				 _g < 0 ? tess_strerror(_g) : "", _w,          \
				 _w < 0 ? tess_strerror(_w) : "");             \
		_r;                                                            \
	})

/* Print the plan's end: "# N passed, N failed"; returns the exit status. */
int tap_finish(void);

#endif
