/*
 * User mutexes across fork: Codezero's user_mutex_test.  A parent and
 * its forked child share a MAP_SHARED anonymous page holding a
 * tess_mutex and a counter; each adds to the counter many times under the
 * lock, yielding inside the critical section so that the other contends
 * (and sleeps in the kernel, keyed by the page's physical address).  The
 * total is exact and the two were never inside together.
 */
#include <sys/mman.h>

#include "test0.h"

#define ROUNDS 2000 /* per side, as Codezero's test */

struct shared {
	struct tess_mutex lock;
	volatile int counter;
	volatile int inside;	/* processes in the critical section now */
	volatile int overlaps;	/* times one found the other inside */
	volatile int contended; /* times a holder found waiters (word 2) */
	volatile int ready;
};

static void add_rounds(struct shared *s)
{
	for (int i = 0; i < ROUNDS; i++) {
		tess_mutex_lock(&s->lock);
		if (s->inside++)
			s->overlaps++;
		int c = s->counter;
		/* The other may try the lock now (and must sleep). */
		tess_thread_switch(TID_NIL);
		s->counter = c + 1;
		s->inside--;
		if (s->lock.word == 2)
			s->contended++;
		tess_mutex_unlock(&s->lock);
	}
}

void test_mutex(void)
{
	struct shared *s = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(s != MAP_FAILED, "mutex: a MAP_SHARED anonymous page"))
		return;
	tess_mutex_init(&s->lock);
	expect_eq(tess_mutex_control((void *)&s->lock.word, MUTEX_UNLOCK), 0,
		  "mutex: mutex_control is allowed to a POSIX process (no "
		  "waiter to wake)");

	pid_t pid = fork();
	if (pid == 0) {
		s->ready = 1;
		add_rounds(s);
		_exit(0);
	}
	for (int i = 0; i < 100000 && !s->ready; i++)
		tess_thread_switch(TID_NIL);
	add_rounds(s);
	expect_eq(wait_exit_status(pid), 0,
		  "mutex: the child finished its rounds");
	expect_eq(s->counter, 2 * ROUNDS,
		  "mutex: the shared counter is exactly %d", 2 * ROUNDS);
	expect_eq(s->overlaps, 0,
		  "mutex: the two were never inside the lock together");
	tap_ok(s->contended > 0,
	       "mutex: the lock was contended, so waiters slept");
	tap_diag("mutex: contended %d times", s->contended);
	expect_eq(s->lock.word, 0, "mutex: the lock is free at the end");
	munmap(s, PAGE_SIZE);
}
