/*
 * Thread-local storage with initial values (the TLS image from PT_TLS,
 * arch_prctl(ARCH_SET_FS) and CLONE_SETTLS): every thread starts from the
 * initial values, and a change stays in its thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static __thread int number = 42;
static __thread char word[16] = "initial";
static __thread long table[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static __thread int zeroed[100];
static __thread double ratio = 2.5;

static int check(const char *who)
{
	long sum = 0;
	int zeros = 0;

	for (int i = 0; i < 8; i++)
		sum += table[i];
	for (int i = 0; i < 100; i++)
		zeros += zeroed[i] == 0;
	printf("%s: number %d word %s table sum %ld zeros %d ratio %.2f\n", who,
	       number, word, sum, zeros, ratio);
	return number == 42 && !strcmp(word, "initial") && sum == 36 &&
	       zeros == 100;
}

static void change(int k)
{
	number = 1000 + k;
	snprintf(word, sizeof(word), "thread%d", k);
	table[0] = 100 * k;
	zeroed[50] = k;
	ratio = k / 4.0;
}

static void *thread(void *arg)
{
	long k = (long)arg;
	char name[16];
	int fresh;

	snprintf(name, sizeof(name), "thread %ld", k);
	fresh = check(name);
	change((int)k);
	printf("thread %ld after change: number %d word %s table[0] %ld "
	       "ratio %.2f\n",
	       k, number, word, table[0], ratio);
	return (void *)(long)fresh;
}

int main(void)
{
	check("main");
	change(0);
	for (long k = 1; k <= 4; k++) {
		pthread_t t;
		void *fresh;
		pthread_create(&t, NULL, thread, (void *)k);
		pthread_join(t, &fresh);
		printf("thread %ld saw initial values: %s\n", k,
		       fresh ? "yes" : "no");
	}
	printf("main keeps its own: number %d word %s zeroed[50] %d\n", number,
	       word, zeroed[50]);
	return 0;
}
