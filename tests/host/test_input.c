/*
 * The console input buffer (kernel/core/input.c) on the host, through
 * input_read and input_info as system calls of a task with a mapped
 * buffer page: bytes come out in the order they went in, across the
 * ring's wrap-around, in reads of every size; a full buffer drops and
 * counts, keeping what it holds; a multi-byte key goes in whole or not at
 * all; a huge length is cut to the buffer; the errors.  (Waiting needs a
 * CPU: the QEMU suites test it.)
 */
#include <string.h>

#include "kworld.h"
#include "core/syscall.h"
#include "core/input.h"
#include "core/vspace.h"

#define BUF_VA 0x200000ull
#define INPUT_SLOT 5

static struct kworld w;
static u8 *user_buf; /* the page mapped at BUF_VA, as the kernel sees it */

/* A task with a page mapped read-write at BUF_VA and the Input
 * capability in boot slot INPUT_SLOT. */
static void build(void)
{
	struct cap *b, *u;
	kw_init(&w, 22, 6);
	kw_task(&w);
	b = w.boot;
	u = &b[8];
	if (kw_retype(w.ut, CAP_UNTYPED, 20, u, 1) ||
	    kw_retype(u, CAP_PDPT, 0, &b[9], 1) ||
	    kw_retype(u, CAP_PD, 0, &b[10], 1) ||
	    kw_retype(u, CAP_PT, 0, &b[11], 1) ||
	    kw_retype(u, CAP_PAGE, 0, &b[12], 1) ||
	    kw_map(&b[9], w.space, 0, 0) || kw_map(&b[10], w.space, 0, 0) ||
	    kw_map(&b[11], w.space, BUF_VA, 0) ||
	    kw_map(&b[12], w.space, BUF_VA, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE))
		panic("build: tables and page");
	user_buf = (u8 *)vspace_object_phys(&b[12]);
	input_make_boot_cap(&b[INPUT_SLOT]);
}

static long read_input(u64 len, u64 flags)
{
	u64 a[6] = {INPUT_SLOT, BUF_VA, len, flags, 0, 0};
	return syscall_call(SYS_input_read, a);
}

static struct input_info info(void)
{
	u64 a[6] = {INPUT_SLOT, BUF_VA, 0, 0, 0, 0};
	struct input_info i;
	if (syscall_call(SYS_input_info, a))
		panic("input_info failed");
	memcpy(&i, user_buf, sizeof(i));
	return i;
}

/* Empty whatever is buffered. */
static void drain(void)
{
	while (read_input(4096, INPUT_NONBLOCK) > 0)
		;
}

static void test_order(void)
{
	u8 next_in = 0, next_out = 0;
	bool ok = true;
	host_srand(11);
	/* Random pushes and reads, the ring never over-full: every byte
	 * comes out once, in order, across many wrap-arounds. */
	for (int round = 0; round < 2000; round++) {
		u32 n = (u32)host_rand_below(300) + 1;
		if (info().buffered + n <= INPUT_RING_SIZE) {
			u8 bytes[300];
			for (u32 i = 0; i < n; i++)
				bytes[i] = next_in++;
			input_push(bytes, n);
		}
		long r = read_input(host_rand_below(400) + 1, INPUT_NONBLOCK);
		for (long i = 0; i < r; i++)
			if (user_buf[i] != next_out++)
				ok = false;
	}
	drain();
	t_ok(ok, "bytes come out in order, across the ring's wrap-around");
	struct input_info i = info();
	T_EQ(i.dropped, 0, "nothing was dropped");
	T_EQ(i.buffered, 0, "nothing is left");
}

static void test_ring_full(void)
{
	u8 bytes[1000];
	struct input_info before = info();
	for (u32 i = 0; i < sizeof(bytes); i++)
		bytes[i] = (u8)(i * 7);
	for (int k = 0; k < 1000; k++)
		input_push(&bytes[k % 1000], 1); /* 1000 bytes, one at a time */
	for (int k = 0; k < 1000; k++)
		input_push(bytes,
			   sizeof(bytes)); /* a megabyte in 1000 pieces */
	T_EQ(info().buffered, 4000, "whole pieces only: 4000 bytes buffered");
	for (int k = 0; k < 200; k++)
		input_push(&bytes[k % 96], 1); /* then single bytes fill it */
	struct input_info i = info();
	T_EQ(i.received - before.received, 1000 + 1000 * 1000 + 200,
	     "every byte is counted as received");
	T_EQ(i.buffered, INPUT_RING_SIZE, "the buffer is full");
	T_EQ(i.dropped - before.dropped,
	     i.received - before.received - i.buffered,
	     "the rest is counted as dropped");
	T_EQ(read_input(1ull << 40, 0), INPUT_RING_SIZE,
	     "a huge read takes the whole buffer, no more");
	bool ok = true;
	for (u32 k = 0; k < 1000; k++)
		if (user_buf[k] != bytes[k])
			ok = false;
	for (u32 k = 1000; k < 4000; k++)
		if (user_buf[k] != bytes[(k - 1000) % 1000])
			ok = false;
	for (u32 k = 4000; k < INPUT_RING_SIZE; k++)
		if (user_buf[k] != bytes[k - 4000])
			ok = false;
	t_ok(ok, "it holds the first bytes that came, unchanged");

	/* A key's sequence fits whole or not at all. */
	u8 fill[INPUT_RING_SIZE - 2];
	memset(fill, 'x', sizeof(fill));
	input_push(fill, sizeof(fill));
	before = info();
	input_push((const u8 *)"\x1b[A", 3);
	i = info();
	T_EQ(i.buffered, INPUT_RING_SIZE - 2,
	     "a 3-byte key does not go into 2 bytes of room");
	T_EQ(i.dropped - before.dropped, 3, "it is dropped whole");
	input_push((const u8 *)"ab", 2);
	T_EQ(info().buffered, INPUT_RING_SIZE, "2 bytes do");
	drain();
}

static void test_errors(void)
{
	u64 a[6] = {INPUT_SLOT, BUF_VA, 16, INPUT_NONBLOCK, 0, 0};
	T_EQ(syscall_call(SYS_input_read, a), -E_WOULDBLOCK,
	     "nothing buffered: E_WOULDBLOCK");
	a[3] = 4;
	T_EQ(syscall_call(SYS_input_read, a), -E_INVAL,
	     "an unknown flag: E_INVAL");
	a[3] = INPUT_NONBLOCK;
	a[1] = BUF_VA + 4096 - 8;
	T_EQ(syscall_call(SYS_input_read, a), -E_FAULT,
	     "a buffer past the page: E_FAULT");
	a[1] = 0x1000;
	T_EQ(syscall_call(SYS_input_read, a), -E_FAULT,
	     "an unmapped buffer: E_FAULT");
	input_push((const u8 *)"q", 1);
	T_EQ(syscall_call(SYS_input_read, a), -E_FAULT,
	     "... also with input buffered");
	T_EQ(info().buffered, 1, "which stays buffered");
	a[1] = BUF_VA;
	a[2] = 0;
	T_EQ(syscall_call(SYS_input_read, a), 0, "a read of 0 bytes is 0");
	a[0] = 9;
	a[2] = 16;
	T_EQ(syscall_call(SYS_input_read, a), -E_CAPTYPE,
	     "another type of capability");
	a[0] = 40;
	T_EQ(syscall_call(SYS_input_read, a), -E_EMPTY, "an empty slot");
	drain();
}

int main(void)
{
	build();
	test_errors();
	test_order();
	test_ring_full();
	kw_fini(&w);
	return t_finish();
}
