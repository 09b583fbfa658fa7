/*
 * test0: the POSIX suite, run by mm0 as the POSIX container's first
 * program (Codezero's test0, re-created).  Each file tests one area and
 * exports one function that runs its scenarios; main.c calls them in
 * Codezero's order.  Only the first process prints TAP lines: a child a
 * test forks reports through its exit status (or through memory shared
 * with its parent), and the parent turns that into results.
 */
#ifndef TEST0_H
#define TEST0_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <tap.h>
#include <tess.h>
#include <tessera/posix.h>
#include <unistd.h>

#define PAGE_SIZE 4096ul

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

/* Wait for child `pid`: its exit status (0..255), or -1 if wait failed. */
int wait_exit_status(pid_t pid);

/* A clone() thread body that yields for ever (until its process ends). */
int spin_forever(void *arg);

/* A raw request to mm0 (tessera/posix.h): its answer, or -1000 - E_* if
 * the IPC itself failed.  Bypasses libposix's checks. */
long px_raw(long req, long a1, long a2, long a3, long a4, long a5);

/* The tests, in the order main runs them. */
void test_fileio_small(void);
void test_dirs(void);
void test_mmap(void);
void test_shm(void);
void test_fileio_seek(void);
void test_fork(void);
void test_clone(void);
void test_undef(void);
void test_ipc(void);
void test_mutex(void);
void test_exec(void);
void test_codezero(void);
void test_zero_page(void);
void test_malformed(void);
void test_fork_cost(void);
void test_concurrent(void);

#endif
