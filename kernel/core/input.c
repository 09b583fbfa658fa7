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
 * One thread at a time may wait in input_read (`reader`).  It blocks with
 * its kernel stack kept, woken by the interrupt that brings bytes, and
 * then copies them out itself; stopped meanwhile (thread_cancel), it
 * leaves `reader` and its call returns E_ABORTED.  The kernel runs with
 * interrupts off, so the handlers never meet a half-done read.
 */
#include "input.h"
#include "cspace.h"
#include "thread.h"
#include "space.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

static u8 ring[INPUT_RING_SIZE];
static u32 ring_head; /* the oldest byte */
static u32 ring_count;
static u64 received, dropped;
static struct thread *reader;

void input_push_quiet(const u8 *bytes, u32 n)
{
	received += n;
	if (n > INPUT_RING_SIZE - ring_count) {
		dropped += n;
		return;
	}
	for (u32 i = 0; i < n; i++)
		ring[(ring_head + ring_count + i) % INPUT_RING_SIZE] = bytes[i];
	ring_count += n;
}

void input_kick(void)
{
	if (reader && ring_count) {
		struct thread *t = reader;
		reader = NULL;
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
	if (reader == t) {
		reader = NULL;
		t->fault_result = -E_ABORTED;
	}
}

/* Is every byte of [va, va + len) writable by `s`'s thread? */
static bool user_writable(struct space *s, vaddr_t va, u64 len)
{
	paddr_t pa;
	if (va + len < va)
		return false;
	for (vaddr_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len;
	     p += PAGE_SIZE)
		if (arch_user_phys(s, p, true, &pa))
			return false;
	return true;
}

/* Move up to `len` buffered bytes to `buf` (checked writable). */
static long ring_take(struct space *s, vaddr_t buf, u64 len)
{
	u32 n = (u32)MIN(len, ring_count);
	u32 first = MIN(n, INPUT_RING_SIZE - ring_head);

	arch_copy_to_user(s, buf, &ring[ring_head], first, NULL);
	arch_copy_to_user(s, buf + first, ring, n - first, NULL);
	ring_head = (ring_head + n) % INPUT_RING_SIZE;
	ring_count -= n;
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
	if (!user_writable(cur->space, buf, len))
		return -E_FAULT;
	if (len == 0)
		return 0;
	while (!ring_count) {
		if (flags & INPUT_NONBLOCK)
			return -E_WOULDBLOCK;
		if (reader)
			return -E_BUSY;
		reader = cur;
		cur->fault_result = 0;
		thread_block(cur, WAIT_INPUT);
		schedule();
		if (cur->fault_result)
			return cur->fault_result; /* stopped while waiting */
		/* Its space may have changed while it waited. */
		if (!user_writable(cur->space, buf, len))
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
	struct input_info info = {received, dropped, ring_count,
				  INPUT_RING_SIZE};
	if (arch_copy_to_user(cur->space, a[1], &info, sizeof(info), NULL))
		return -E_FAULT;
	return 0;
}

void input_make_boot_cap(struct cap *c)
{
	memset(c, 0, sizeof(*c));
	c->type = CAP_INPUT;
	cdt_insert_child(&cdt_anchor, c);
}
