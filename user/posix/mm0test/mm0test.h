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
#include <pxtest.h>
#include <tap.h>
#include <tess.h>
#include <tessera/posix.h>
#include <unistd.h>

#define PAGE_SIZE 4096ul

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
void test_fork_tables(void);

#endif
