/*
 * Linux threads and futexes: pthread_create/join/detach on musl (clone
 * with CLONE_THREAD | CLONE_SETTLS | CLONE_PARENT_SETTID |
 * CLONE_CHILD_CLEARTID, the tid write and futex wake at exit), TLS per
 * thread, 8 threads on a mutex and a condition variable, a shared futex
 * across fork (MAP_SHARED), and the futex operations one by one with
 * their errors.
 */
#include "lxt.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

/* linux/futex.h's values (musl does not ship the kernel headers). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE)
#define FUTEX_WAKE_OP_PRIVATE (FUTEX_WAKE_OP | FUTEX_PRIVATE)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE)
#define FUTEX_OP_ADD 1
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP(op, oparg, cmp, cmparg)                                       \
	((((op)&0xf) << 28) | (((cmp)&0xf) << 24) | (((oparg)&0xfff) << 12) |  \
	 ((cmparg)&0xfff))

#define THREADS 8
#define ROUNDS 20

static __thread int mine = 7;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int turn;

static void *tls_worker(void *arg)
{
	mine += (int)(intptr_t)arg;
	return (void *)(intptr_t)(mine == 7 + (int)(intptr_t)arg ? gettid()
								 : -1);
}

/* Each thread adds to the counter under the mutex, in turns kept with
 * the condition variable: it waits until `turn` is its number. */
static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&lock);
		while (turn != me)
			pthread_cond_wait(&cond, &lock);
		counter++;
		turn = (turn + 1) % THREADS;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void *detached(void *arg)
{
	__atomic_store_n((int *)arg, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void threads(void)
{
	pthread_t t[THREADS];
	void *res;
	int good = 1;
	for (int i = 0; i < 4; i++)
		good &= pthread_create(&t[i], NULL, tls_worker,
				       (void *)(intptr_t)(i + 1)) == 0;
	for (int i = 0; i < 4; i++) {
		good &= pthread_join(t[i], &res) == 0 && (intptr_t)res > 0 &&
			(intptr_t)res != getpid();
	}
	ok(good && mine == 7,
	   "4 threads, each its own TLS copy and tid; joined");

	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	ok(counter == THREADS * ROUNDS,
	   "%d threads on a mutex and a condition variable: count %ld", THREADS,
	   counter);

	static int flag;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	ok(pthread_create(&t[0], &a, detached, &flag) == 0,
	   "a detached thread");
	for (int i = 0; i < 1000 && !__atomic_load_n(&flag, __ATOMIC_SEQ_CST);
	     i++)
		sched_yield();
	ok(flag == 1, "it ran");
}

static long futex(volatile uint32_t *w, int op, uint32_t val, long t,
		  volatile uint32_t *w2, uint32_t val3)
{
	return RAW(SYS_futex, (long)w, op, val, t, (long)w2, val3);
}

static volatile uint32_t word, word2;

static void *waiter(void *arg)
{
	long r = futex(&word, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
	return (void *)r;
}

static void *bitset_waiter(void *arg)
{
	return (void *)futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, NULL, 2);
}

/* Wait until n threads wait on w: a CMP_REQUEUE from w onto w itself
 * wakes nobody and answers how many wait there. */
static void waiters_parked(volatile uint32_t *w, int n, int shared)
{
	int op = shared ? FUTEX_CMP_REQUEUE : FUTEX_CMP_REQUEUE_PRIVATE;
	while (futex(w, op, 0, 0x7fffffff, w, *w) < n)
		sched_yield();
}

static void futexes(void)
{
	pthread_t t[3];
	void *res;
	ok(futex(&word, FUTEX_WAIT_PRIVATE, 1, 0, NULL, 0) == -EAGAIN,
	   "WAIT with the wrong value: EAGAIN");
	ok(futex((uint32_t *)((char *)&word + 1), FUTEX_WAIT, 0, 0, NULL, 0) ==
	       -EINVAL,
	   "an unaligned word: EINVAL");
	ok(futex(KADDR, FUTEX_WAIT, 0, 0, NULL, 0) == -EFAULT,
	   "a word in the kernel half: EFAULT");
	ok(futex(NOADDR, FUTEX_WAKE, 1, 0, NULL, 0) == -EFAULT,
	   "a word at an unmapped address: EFAULT");
	ok(futex(&word, FUTEX_WAKE_PRIVATE, 5, 0, NULL, 0) == 0,
	   "WAKE with nobody waiting: 0");
	ok(futex(&word, 99, 0, 0, NULL, 0) == -ENOSYS, "an unknown op: ENOSYS");

	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, waiter, NULL);
	waiters_parked(&word, 3, 0);
	long w1 = futex(&word, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
	long w2 = futex(&word, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0);
	int good = 1;
	for (int i = 0; i < 3; i++)
		good &= pthread_join(t[i], &res) == 0 && res == 0;
	ok(w1 == 1 && w2 == 2 && good,
	   "WAKE 1 wakes one, WAKE 10 the other two (%ld, %ld)", w1, w2);

	pthread_create(&t[0], NULL, bitset_waiter, NULL);
	waiters_parked(&word, 1, 0);
	long a = futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, NULL, 1);
	long b = futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, NULL, 2);
	pthread_join(t[0], NULL);
	ok(a == 0 && b == 1,
	   "WAKE_BITSET wakes only a waiter whose bits match");
	ok(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, NULL, 0) == -EINVAL,
	   "bitset 0: EINVAL");

	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, waiter, NULL);
	waiters_parked(&word, 3, 0);
	ok(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word2, 5) == -EAGAIN,
	   "CMP_REQUEUE with the wrong value: EAGAIN");
	long n = futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word2, 0);
	ok(n == 2, "CMP_REQUEUE: one woken, one moved (%ld)", n);
	ok(futex(&word2, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0) == 1,
	   "the moved one waits on the second word");
	ok(futex(&word, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0) == 1,
	   "the last is still on the first");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);

	pthread_create(&t[0], NULL, waiter, NULL);
	waiters_parked(&word, 1, 0);
	word2 = 5;
	/* op: word2 += 1, wake on word2 if the old value == 5. */
	uint32_t op = FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 5);
	n = futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, 1, &word2, op);
	pthread_join(t[0], NULL);
	ok(n == 1 && word2 == 6,
	   "WAKE_OP: the operation done, the first word's waiter woken");

	/* A shared futex across fork, on MAP_SHARED memory. */
	volatile uint32_t *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	*sh = 0;
	pid_t pid = fork();
	if (pid == 0) {
		long r = futex(sh, FUTEX_WAIT, 0, 0, NULL, 0);
		_exit(r == 0 && *sh == 1 ? 0 : 1);
	}
	waiters_parked(sh, 1, 1);
	*sh = 1;
	n = futex(sh, FUTEX_WAKE, 1, 0, NULL, 0);
	int st;
	waitpid(pid, &st, 0);
	ok(n == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "a shared futex wakes a waiter in another process");
}

int main(void)
{
	threads();
	futexes();
	return done();
}
