/*
 * What the POSIX test programs (test0, mm0test, test8) share: checks of a
 * libc call's result and errno in TAP form, waiting for a child's exit
 * status, and a raw request to mm0 that bypasses libposix's own checks.
 * Header-only, so a program that uses none of it pays nothing.
 */
#ifndef PXTEST_H
#define PXTEST_H

#include <errno.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <tap.h>
#include <tess.h>
#include <tessera/posix.h>
#include <unistd.h>

/* Record a check of `got == want`; on failure print both and errno. */
#define expect_eq(got, want, ...)                                              \
	({                                                                     \
		long _g = (long)(got), _w = (long)(want);                      \
		int _r = tap_ok(_g == _w, __VA_ARGS__);                        \
		if (!_r)                                                       \
			tap_diag("  got %ld, want %ld (errno %d)", _g, _w,     \
				 errno);                                       \
		_r;                                                            \
	})

/* A failed call: -1 with errno `err`. */
#define expect_err(got, err, ...)                                              \
	({                                                                     \
		long _g = (long)(got);                                         \
		int _e = errno;                                                \
		int _r = tap_ok(_g == -1 && _e == (err), __VA_ARGS__);         \
		if (!_r)                                                       \
			tap_diag("  got %ld errno %d, want -1 errno %d", _g,   \
				 _e, (int)(err));                              \
		_r;                                                            \
	})

/* Wait for child `pid`: its exit status (0..255), or -1 if the wait
 * failed or the child did not exit normally. */
static inline int wait_exit_status(pid_t pid)
{
	int status = 0;
	pid_t r = waitpid(pid, &status, 0);
	if (r != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* A raw request to mm0 (tessera/posix.h): its answer (>= 0 or -errno),
 * or -1000 - E_* if the IPC itself failed. */
static inline long px_raw(long req, long a1, long a2, long a3, long a4, long a5)
{
	struct tess_msg m = {
	    .mr = {(uint64_t)req, (uint64_t)a1, (uint64_t)a2, (uint64_t)a3,
		   (uint64_t)a4, (uint64_t)a5},
	};
	long r = tess_call(posix_pager(), &m);
	if (r)
		return -1000 + r;
	return (long)m.mr[0];
}

#endif
