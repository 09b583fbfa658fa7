/*
 * ktest: the kernel API test suite, run as the root task.  Each test_*.c
 * file is one area; main.c runs them in order.  Every check is a real
 * system call and prints one TAP line.
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdio.h>
#include <string.h>
#include <tap.h>
#include <tess.h>
#include <tess_alloc.h>

/* The allocator every suite shares: the root task's largest untyped and
 * the free root CSpace slots. */
extern struct tess_alloc *ka;

/* Address ranges tests may use for their own mappings (one per suite, so
 * suites do not collide). */
#define KT_VA_BOOT 0x0000010000000000ul
#define KT_VA_CAPS 0x0000020000000000ul
#define KT_VA_MEMORY 0x0000030000000000ul
#define KT_VA_DEVICES 0x0000040000000000ul
#define KT_VA_THREADS 0x0000050000000000ul
#define KT_VA_IPC 0x0000060000000000ul
#define KT_VA_FAULTS 0x0000070000000000ul
#define KT_VA_CAPCTRL 0x0000080000000000ul
#define KT_VA_MUTEX 0x0000090000000000ul

void test_boot(void);
void test_caps(void);
void test_memory(void);
void test_devices(void);
void test_threads(void);
void test_ipc(void);
void test_faults(void);
void test_capctrl(void);
void test_mutex(void);

#endif
