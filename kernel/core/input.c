/*
 * Console input: the bytes typed on the serial line (COM1) and on the
 * PS/2 keyboard, gathered by their interrupt handlers into one ring of
 * INPUT_RING_SIZE bytes, in the order they came, and handed out by
 * input_read to the holder of the Input capability.
 *
 * The ring is bounded: what arrives while it is full is dropped and
 * counted, never blocking an interrupt handler and never overwriting
 * bytes nobody has read (a megabyte pasted at once keeps the first
 * INPUT_RING_SIZE bytes).  A key that makes several bytes (ESC [ A) goes
 * in whole or not at all.
 *
 * One thread at a time may wait in input_read (`input.reader`).  It
 * blocks with its kernel stack kept, woken by the interrupt that brings
 * bytes, and then copies them out itself; stopped meanwhile
 * (thread_cancel), it leaves `input.reader` and its call returns
 * E_ABORTED.  The kernel runs with interrupts off, so the handlers never
 * meet a half-done read.
 */
#include "input.h"
#include "cspace.h"
#include "thread.h"
#include "space.h"
#include "usercopy.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

void input_push_quiet(const u8 *bytes, u32 n)
{
	input.received += n;
	if (n > INPUT_RING_SIZE - input.count) {
		input.dropped += n;
		return;
	}
	for (u32 i = 0; i < n; i++)
		input.ring[(input.head + input.count + i) % INPUT_RING_SIZE] =
		    bytes[i];
	input.count += n;
}

void input_kick(void)
{
	if (input.reader && input.count) {
		struct thread *t = input.reader;
		input.reader = NULL;
		thread_wake(t);
	}
}

void input_push(const u8 *bytes, u32 n)
{
	input_push_quiet(bytes, n);
	input_kick();
}

void input_cancel(struct thread *t)
{
	if (input.reader == t) {
		input.reader = NULL;
		t->fault_result = -E_ABORTED;
	}
}

/* Move up to `len` buffered bytes to `buf` (checked writable). */
static long ring_take(struct space *s, vaddr_t buf, u64 len)
{
	u32 n = (u32)MIN(len, input.count);
	u32 first = MIN(n, INPUT_RING_SIZE - input.head);

	user_write(s, buf, &input.ring[input.head], first);
	user_write(s, buf + first, input.ring, n - first);
	input.head = (input.head + n) % INPUT_RING_SIZE;
	input.count -= n;
	return n;
}

/*
 * input_read(input, buf, len, flags): the bytes buffered, at most `len`
 * (and at most INPUT_RING_SIZE); with none, wait for some, unless
 * INPUT_NONBLOCK.  Returns how many were read.
 */
long sys_input_read(const u64 *a)
{
	struct thread *cur = arch_current();
	vaddr_t buf = a[1];
	u64 len = MIN(a[2], INPUT_RING_SIZE), flags = a[3];
	struct cap *c;
	int r = cap_lookup_type(a[0], CAP_INPUT, &c);

	if (r)
		return r;
	if (flags & ~(u64)INPUT_NONBLOCK)
		return -E_INVAL;
	if (user_check(cur->space, buf, len, true))
		return -E_FAULT;
	if (len == 0)
		return 0;
	while (!input.count) {
		if (flags & INPUT_NONBLOCK)
			return -E_WOULDBLOCK;
		if (input.reader)
			return -E_BUSY;
		input.reader = cur;
		cur->fault_result = 0;
		thread_block(cur, WAIT_INPUT);
		schedule();
		if (cur->fault_result)
			return cur->fault_result; /* stopped while waiting */
		/* Its space may have changed while it waited. */
		if (user_check(cur->space, buf, len, true))
			return -E_FAULT;
	}
	return ring_take(cur->space, buf, len);
}

/* input_info(input, info): counts since boot and the buffer now. */
long sys_input_info(const u64 *a)
{
	struct thread *cur = arch_current();
	struct cap *c;
	int r = cap_lookup_type(a[0], CAP_INPUT, &c);

	if (r)
		return r;
	struct input_info info = {input.received, input.dropped, input.count,
				  INPUT_RING_SIZE};
	if (user_write(cur->space, a[1], &info, sizeof(info)))
		return -E_FAULT;
	return 0;
}

void input_make_boot_cap(struct cap *c)
{
	memset(c, 0, sizeof(*c));
	c->type = CAP_INPUT;
	cdt_insert_child(&cdt_anchor, c);
}
