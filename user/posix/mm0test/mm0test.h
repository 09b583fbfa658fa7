/*
 * mm0test: mm0 under abuse (issue 8, findings 4 to 11, and the mprotect
 * and MAP_FIXED machinery).  It runs as the first program of a POSIX
 * container of its own (user/root/manifest-mm0test.txt, 16 MiB, so that
 * running out of memory is quick), booted by `make test` as the suite
 * "mm0".  Each file tests one finding and exports one function; main.c
 * runs them.  Only the first process prints TAP lines: children report
 * through their exit status or through a shared page.
 */
#ifndef MM0TEST_H
#define MM0TEST_H

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

/* A raw request to mm0: its answer (>= 0 or -errno), or -1000 - E_* if
 * the IPC itself failed. */
long px_raw(long req, long a1, long a2, long a3, long a4, long a5);

/* mm0's counters (PX_STATS); the suite stops if they cannot be read. */
struct px_stats stats(void);

/* A page shared with the children forked after it (MAP_SHARED). */
void *shared_page(void);

/* Block for ever without using the processor (until killed). */
void sleep_forever(void) __attribute__((noreturn));

/* Touch `n` pages from `p` for writing. */
void touch_pages(volatile char *p, size_t n);

void test_oom(void);
void test_memory_returns(void);
void test_sizes(void);
void test_kill(void);
void test_cap_requests(void);
int sendto_main(const char *to);
void test_exec_checks(void);
void test_smaller(void);
void test_io(void);
void test_areas(void);
void test_protect(void);

#endif
