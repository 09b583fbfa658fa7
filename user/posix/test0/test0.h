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
#include <pxtest.h>
#include <tap.h>
#include <tess.h>
#include <tessera/posix.h>
#include <unistd.h>

#define PAGE_SIZE 4096ul

/* A clone() thread body that yields for ever (until its process ends). */
int spin_forever(void *arg);

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
