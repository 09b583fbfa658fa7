/*
 * Threads (musl pthreads: clone, futex, set_tid_address): 8 threads
 * contending on a mutex and a condition variable, join and detach, a
 * bounded queue between a producer and consumers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready, go, active = THREADS;

/* Everyone waits at the start line, then all increment under the lock;
 * every 100 rounds a thread also waits until another thread has moved the
 * counter on (while another is still at work). */
static void *contend(void *arg)
{
	long id = (long)arg;

	pthread_mutex_lock(&lock);
	ready++;
	pthread_cond_broadcast(&turn);
	while (!go)
		pthread_cond_wait(&turn, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		long seen = counter++;
		pthread_cond_broadcast(&turn);
		if (i % 100 == 99)
			while (counter == seen + 1 && active > 1)
				pthread_cond_wait(&turn, &lock);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	active--;
	pthread_cond_broadcast(&turn);
	pthread_mutex_unlock(&lock);
	return (void *)(id * 10);
}

#define QSIZE 4
#define ITEMS 400
static int queue[QSIZE], head, tail, count;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static long consumed_sum;
static int consumed;

static void *consume(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (count == 0)
			pthread_cond_wait(&not_empty, &lock);
		int v = queue[head];
		head = (head + 1) % QSIZE;
		count--;
		pthread_cond_signal(&not_full);
		if (v < 0) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		consumed_sum += v;
		consumed++;
		pthread_mutex_unlock(&lock);
	}
}

static void put(int v)
{
	pthread_mutex_lock(&lock);
	while (count == QSIZE)
		pthread_cond_wait(&not_full, &lock);
	queue[tail] = v;
	tail = (tail + 1) % QSIZE;
	count++;
	pthread_cond_signal(&not_empty);
	pthread_mutex_unlock(&lock);
}

static volatile int detached_ran;
static void *detached(void *arg)
{
	(void)arg;
	detached_ran = 1;
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS], c[3], d;
	long sum = 0;

	for (long i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, contend, (void *)i)) {
			printf("pthread_create failed\n");
			return 1;
		}
	pthread_mutex_lock(&lock);
	while (ready < THREADS)
		pthread_cond_wait(&turn, &lock);
	go = 1;
	pthread_cond_broadcast(&turn);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	printf("%d threads x %d rounds: counter %ld (want %d)\n", THREADS,
	       ROUNDS, counter, THREADS * ROUNDS);
	printf("join values sum %ld (want %d)\n", sum, 10 * 28);

	for (int i = 0; i < 3; i++)
		pthread_create(&c[i], NULL, consume, NULL);
	for (int v = 1; v <= ITEMS; v++)
		put(v);
	for (int i = 0; i < 3; i++)
		put(-1);
	for (int i = 0; i < 3; i++)
		pthread_join(c[i], NULL);
	printf("queue: %d items, sum %ld (want %d)\n", consumed, consumed_sum,
	       ITEMS * (ITEMS + 1) / 2);

	pthread_create(&d, NULL, detached, NULL);
	printf("detach: %d\n", pthread_detach(d));
	while (!detached_ran)
		sched_yield();
	printf("detached thread ran\n");
	return counter == THREADS * ROUNDS ? 0 : 1;
}
