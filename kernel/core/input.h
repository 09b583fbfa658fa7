/* Console input: the buffer the device interrupts fill, and the Input
 * capability's calls (input.c). */
#ifndef CORE_INPUT_H
#define CORE_INPUT_H

#include "kernel.h"
#include "cap.h"

struct thread;

#define INPUT_RING_SIZE 4096

/* The ring and who waits on it (the instance is in state.c). */
struct input {
	u8 ring[INPUT_RING_SIZE];
	u32 head; /* the oldest byte */
	u32 count;
	u64 received, dropped;
	struct thread *reader; /* the one thread waiting in input_read */
};
extern struct input input;

/*
 * From the interrupt handlers: `n` bytes that arrived together (a key's
 * escape sequence, say) go into the buffer whole, or, if it has no room
 * for all of them, are dropped and counted.  input_push wakes the thread
 * waiting to read; input_push_quiet does not (for callers that may run
 * in the middle of anything, such as the serial line's output loop) and
 * leaves the wake-up to the next timer tick (input_kick).
 */
void input_push(const u8 *bytes, u32 n);
void input_push_quiet(const u8 *bytes, u32 n);
void input_kick(void);

/* thread_cancel's part: a reader stopped while it waits. */
void input_cancel(struct thread *t);

/* input_read, decoded (the buffer checked writable, len at most
 * INPUT_RING_SIZE): the bytes buffered, up to `len`; with none, wait for
 * some unless `nonblock`.  How many were read, or -E_WOULDBLOCK, -E_BUSY
 * (another thread waits already), -E_ABORTED (stopped while waiting),
 * -E_FAULT (the buffer went while it waited). */
long input_read(struct thread *cur, vaddr_t buf, u64 len, bool nonblock);

/* Boot: the Input capability (no object: the console's input). */
void input_make_boot_cap(struct cap *c);

#endif
