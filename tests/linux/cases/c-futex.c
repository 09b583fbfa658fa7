/*
 * futex(2) directly: WAIT and WAKE (private and shared across fork),
 * WAIT_BITSET/WAKE_BITSET, REQUEUE, CMP_REQUEUE, WAKE_OP, and the errors.
 * A waiter's arrival cannot be seen from outside, so wake-ups are retried
 * until the expected number has been woken; what is printed does not
 * depend on timing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* From the Linux UAPI (<linux/futex.h>, which musl-gcc does not see). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE (FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP(op, oparg, cmp, cmparg)                                       \
	(((op & 0xf) << 28) | ((cmp & 0xf) << 24) | ((oparg & 0xfff) << 12) |  \
	 (cmparg & 0xfff))

static long futex(void *addr, int op, int val, void *timeout_or_val2,
		  void *addr2, int val3)
{
	return syscall(SYS_futex, addr, op, val, timeout_or_val2, addr2, val3);
}

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static int word1, word2;
static volatile int woken;

/* Wait on word1 until it is non-zero; count the return. */
static void *waiter(void *arg)
{
	int op = (int)(long)arg;
	while (__atomic_load_n(&word1, __ATOMIC_SEQ_CST) == 0)
		futex(&word1, op, 0, NULL, NULL,
		      op == (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG) ? 2 : 0);
	__atomic_fetch_add(&woken, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Wake with `op` until `want` threads have come back, then set word1 and
 * join: returns how many the retried wakes reported woken. */
static long wake_until(int op, int want, int val3)
{
	long total = 0;
	while (woken < want) {
		long r = futex(&word1, op, 1, NULL, NULL, val3);
		if (r < 0)
			return r;
		total += r;
		sched_yield();
	}
	return total;
}

int main(void)
{
	pthread_t t[3];
	long r;

	setvbuf(stdout, NULL, _IONBF, 0);
	/* Errors and the cases that do not sleep. */
	word1 = 5;
	r = futex(&word1, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0);
	printf("wait with a stale value: %ld %s\n", r, err(r));
	r = futex(&word1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	printf("wake with no waiter: %ld\n", r);
	r = futex((char *)&word1 + 1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	printf("unaligned address: %ld %s\n", r, err(r));
	r = futex((void *)8, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	printf("unmapped address: %ld %s\n", r, err(r));
	r = futex(&word1, 99, 0, NULL, NULL, 0);
	printf("unknown operation: %ld %s\n", r, err(r));
	r = futex(&word1, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, NULL, 0);
	printf("wait with an empty bitset: %ld %s\n", r, err(r));
	word1 = 0;
	struct timespec zero = {0, 0};
	r = futex(&word1, FUTEX_WAIT_PRIVATE, 0, &zero, NULL, 0);
	printf("wait with a zero timeout: %ld %s\n", r, err(r));

	/* WAIT / WAKE between threads. */
	woken = 0;
	pthread_create(&t[0], NULL, waiter, (void *)(long)FUTEX_WAIT_PRIVATE);
	__atomic_store_n(&word1, 1, __ATOMIC_SEQ_CST);
	r = wake_until(FUTEX_WAKE_PRIVATE, 1, 0);
	pthread_join(t[0], NULL);
	printf("wait/wake: %d thread(s) came back\n", woken);

	/* Bitsets: a wake with a mask that does not meet the waiter's (2)
	 * wakes nobody; one that does wakes it. */
	word1 = 0;
	woken = 0;
	pthread_create(&t[0], NULL, waiter,
		       (void *)(long)(FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG));
	for (int i = 0; i < 20; i++)
		sched_yield();
	r = futex(&word1, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 1);
	printf("wake_bitset with mask 1 for a waiter on mask 2: %ld\n", r);
	__atomic_store_n(&word1, 1, __ATOMIC_SEQ_CST);
	wake_until(FUTEX_WAKE_BITSET_PRIVATE, 1, 2 | 4);
	pthread_join(t[0], NULL);
	printf("wake_bitset with mask 6: %d came back\n", woken);

	/* CMP_REQUEUE: a wrong expected value is EAGAIN; then three waiters
	 * are moved from word1 to word2 (none woken), word1 has nobody
	 * left, and waking word2 brings them back. */
	word1 = 0;
	word2 = 0;
	woken = 0;
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, waiter,
			       (void *)(long)FUTEX_WAIT_PRIVATE);
	r = futex(&word1, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)3L, &word2, 1);
	printf("cmp_requeue with a wrong value: %ld %s\n", r, err(r));
	long moved = 0;
	while (moved < 3) {
		r = futex(&word1, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)3L,
			  &word2, 0);
		if (r < 0)
			break;
		moved += r;
		sched_yield();
	}
	printf("cmp_requeue moved %ld, woken so far %d\n", moved, woken);
	printf("wake on word1 after the move: %ld\n",
	       futex(&word1, FUTEX_WAKE_PRIVATE, 3, NULL, NULL, 0));
	__atomic_store_n(&word1, 1, __ATOMIC_SEQ_CST);
	long back = 0;
	while (woken < 3) {
		r = futex(&word2, FUTEX_WAKE_PRIVATE, 3, NULL, NULL, 0);
		back += r > 0 ? r : 0;
		sched_yield();
	}
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("woken from word2: %ld, came back %d\n", back, woken);

	/* REQUEUE (without the compare): move both waiters. */
	word1 = 0;
	word2 = 0;
	woken = 0;
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, waiter,
			       (void *)(long)FUTEX_WAIT_PRIVATE);
	long total = 0;
	while (total < 2) {
		r = futex(&word1, FUTEX_REQUEUE_PRIVATE, 0, (void *)2L, &word2,
			  0);
		if (r < 0)
			break;
		total += r;
		sched_yield();
	}
	printf("requeue handled %ld waiter(s)\n", total);
	__atomic_store_n(&word1, 1, __ATOMIC_SEQ_CST);
	while (woken < 2) {
		futex(&word2, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0);
		sched_yield();
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("requeued waiters came back: %d\n", woken);

	/* WAKE_OP: word2 = 7 (OP_SET), and the old value was 0 (CMP_EQ 0). */
	word1 = 0;
	word2 = 0;
	r = futex(&word1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2,
		  FUTEX_OP(FUTEX_OP_SET, 7, FUTEX_OP_CMP_EQ, 0));
	printf("wake_op: %ld, word2 now %d\n", r, word2);
	r = futex(&word1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2,
		  FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 100));
	printf("wake_op add: %ld, word2 now %d\n", r, word2);

	/* Shared futex between processes: a MAP_SHARED word. */
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shared[0] = 0;
	shared[1] = 0;
	pid_t pid = fork();
	if (pid == 0) {
		__atomic_store_n(&shared[1], 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&shared[0], __ATOMIC_SEQ_CST) == 0)
			futex(&shared[0], FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(7);
	}
	while (__atomic_load_n(&shared[1], __ATOMIC_SEQ_CST) == 0)
		sched_yield();
	__atomic_store_n(&shared[0], 1, __ATOMIC_SEQ_CST);
	int st;
	while (waitpid(pid, &st, WNOHANG) == 0) {
		futex(&shared[0], FUTEX_WAKE, 1, NULL, NULL, 0);
		sched_yield();
	}
	printf("shared futex: child exited %d\n", WEXITSTATUS(st));
	return 0;
}
