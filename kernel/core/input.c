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
 * meet a half-done read.  (The calls are api/devices.c's.)
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

long input_read(struct thread *cur, vaddr_t buf, u64 len, bool nonblock)
{
	if (len == 0)
		return 0;
	while (!input.count) {
		if (nonblock)
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

void input_make_boot_cap(struct cap *c)
{
	memset(c, 0, sizeof(*c));
	c->type = CAP_INPUT;
	cdt_insert_child(&cdt_anchor, c);
}
