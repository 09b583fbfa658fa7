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

/* Thread helpers shared by the suites (defined in test_threads.c). */
struct kt_thread {
	cptr_t cap; /* the Thread object (0: none) */
	uint32_t tid;
};
struct kt_child {
	struct kt_thread t; /* the first thread of the copied space */
	cptr_t space;       /* its Space object */
	cptr_t cnode;       /* a CSpace holding the copied tables and pages */
	uint32_t spid;
	uint32_t copied;    /* thread_create.copied */
};
typedef void (*kt_entry)(uint64_t a0, uint64_t a1, uint64_t a2);
uint32_t kt_self(void);
uint64_t kt_now_us(void);
long kt_create(struct kt_thread *t, uint32_t space_of, uint32_t pager,
	       uint64_t utcb);
long kt_start(uint32_t tid, kt_entry fn, void *stack, size_t size, uint64_t a0,
	      uint64_t a1, uint64_t a2);
long kt_spawn(struct kt_thread *t, kt_entry fn, void *stack, size_t size,
	      uint64_t a0, uint64_t a1, uint64_t a2);
void kt_destroy(struct kt_thread *t);
long kt_read(uint32_t tid, struct exregs *x);
long kt_state(uint32_t tid);
long kt_wait_state(uint32_t tid, long state);
long kt_reap(uint32_t tid, int *status);
long kt_recv(uint32_t from, struct tess_msg *m);
long kt_copy_child(struct kt_child *c, cptr_t untyped, uint32_t pager,
		   uint32_t cid);
void kt_child_destroy(struct kt_child *c);
long kt_tables_make(uintptr_t va, cptr_t tab[3]);
void kt_tables_free(cptr_t tab[3]);
long kt_grant(uint32_t to, unsigned type, unsigned scope, uint32_t resid,
	      uint32_t ops);

void test_boot(void);
void test_caps(void);
void test_memory(void);
void test_devices(void);
void test_threads(void);
void test_ipc(void);
void test_faults(void);
void test_capctrl(void);
void test_mutex(void);
void test_fuzz(void);

#endif
