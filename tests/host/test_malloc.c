/*
 * The libc allocator (user/lib/libc/malloc.c) on the host.
 *
 * host.mk compiles malloc.c with its public names changed (malloc becomes
 * libc_malloc, and so on) so that it does not replace the C library's
 * allocator, which the sanitizers and this test itself use.  Its memory
 * comes from arenas the test owns, handed out sbrk-style by morecore
 * hooks that count their calls.
 *
 * Checked: failures without a hook and for absurd sizes; random malloc,
 * calloc, realloc and free sequences against a model (contents kept, no
 * two live blocks overlap, 16-byte alignment, the in-use count); realloc
 * in place; coalescing (once everything is freed, one free block spans
 * the whole arena again, and in_use is 0).
 */
#include <stdint.h>
#include <string.h>

#include "harness.h"

void *libc_malloc(size_t n);
void libc_free(void *p);
void *libc_calloc(size_t count, size_t size);
void *libc_realloc(void *p, size_t n);
void libc_malloc_stats(size_t *in_use, size_t *free_bytes);
void malloc_set_morecore(void *(*morecore)(size_t increment));

/* ------------------------------------------------------------ arenas */

struct arena {
	unsigned char *mem;  /* from the host's malloc */
	unsigned char *base; /* what morecore hands out first */
	size_t cap, used;
	unsigned calls, refusals;
};

static struct arena arena_a, arena_b;

static void arena_init(struct arena *a, size_t cap, size_t misalign)
{
	a->mem = malloc(cap + 64);
	a->base = (unsigned char *)(((uintptr_t)a->mem + 31) & ~(uintptr_t)31) +
		  misalign;
	a->cap = cap;
	a->used = a->calls = a->refusals = 0;
}

static void *arena_more(struct arena *a, size_t n)
{
	a->calls++;
	if (n > a->cap - a->used) {
		a->refusals++;
		return NULL;
	}
	void *p = a->base + a->used;
	a->used += n;
	return p;
}

static void *more_a(size_t n)
{
	return arena_more(&arena_a, n);
}

static void *more_b(size_t n)
{
	return arena_more(&arena_b, n);
}

/* The free bytes of one segment spanning all an arena gave: a 16-aligned
 * start, a 16-byte fence at the end, one 16-byte header. */
static size_t whole_arena_free(const struct arena *a)
{
	uintptr_t start = ((uintptr_t)a->base + 15) & ~(uintptr_t)15;
	uintptr_t fence = ((uintptr_t)a->base + a->used - 16) & ~(uintptr_t)15;
	return fence - start - 16;
}

static size_t stat_in_use(void)
{
	size_t u, f;
	libc_malloc_stats(&u, &f);
	return u;
}

static size_t stat_free(void)
{
	size_t u, f;
	libc_malloc_stats(&u, &f);
	return f;
}

/* ------------------------------------------------------------ the model */

#define SLOTS 256

struct slot {
	unsigned char *p;
	size_t n;
	unsigned char fill;
};

static struct slot slots[SLOTS];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Mostly small, some pages, a few large blocks. */
static size_t rnd_size(void)
{
	unsigned r = rnd() % 100;
	if (r < 70)
		return rnd() % 129;
	if (r < 95)
		return 129 + rnd() % 4000;
	return 4097 + rnd() % 40000;
}

static void fill(struct slot *s, size_t from)
{
	for (size_t i = from; i < s->n; i++)
		s->p[i] = (unsigned char)(s->fill + i * 7);
}

static int intact(const struct slot *s, size_t upto)
{
	for (size_t i = 0; i < upto && i < s->n; i++)
		if (s->p[i] != (unsigned char)(s->fill + i * 7))
			return 0;
	return 1;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return (uintptr_t)x->p < (uintptr_t)y->p
		   ? -1
		   : (uintptr_t)x->p > (uintptr_t)y->p;
}

/* Live blocks do not overlap (headers included: 16 bytes below each). */
static int no_overlap(void)
{
	static struct slot live[SLOTS];
	unsigned n = 0;
	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].p)
			live[n++] = slots[i];
	qsort(live, n, sizeof(live[0]), cmp_slot);
	for (unsigned i = 1; i < n; i++) {
		size_t len = live[i - 1].n < 16 ? 16 : live[i - 1].n;
		if (live[i - 1].p + len + 16 > live[i].p)
			return 0;
	}
	return 1;
}

/* in_use is the requested bytes, rounded up per block by at most 31. */
static int in_use_plausible(void)
{
	size_t sum = 0, count = 0, u = stat_in_use();
	for (unsigned i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			sum += slots[i].n;
			count++;
		}
	}
	return u >= sum && u <= sum + 31 * count;
}

struct tally {
	unsigned bad_align, bad_data, bad_zero, failed;
};

static void random_ops(unsigned ops, struct tally *t)
{
	for (unsigned k = 0; k < ops; k++) {
		struct slot *s = &slots[rnd() % SLOTS];
		unsigned what = rnd() % 10;
		if (!s->p) {
			size_t n = rnd_size();
			if (what < 2) {
				s->p = libc_calloc(1, n);
				for (size_t i = 0; s->p && i < n; i++)
					t->bad_zero += s->p[i] != 0;
			} else {
				s->p = libc_malloc(n);
			}
			if (!s->p) {
				t->failed++;
				continue;
			}
			s->n = n;
			s->fill = (unsigned char)rnd();
			fill(s, 0);
		} else if (what < 6) {
			t->bad_data += !intact(s, s->n);
			libc_free(s->p);
			s->p = NULL;
			continue;
		} else {
			size_t n = what < 8 ? rnd_size() : s->n + rnd() % 64;
			unsigned char *q = libc_realloc(s->p, n ? n : 1);
			if (!q) {
				t->failed++;
				continue;
			}
			n = n ? n : 1;
			s->p = q;
			t->bad_data += !intact(s, n);
			size_t old = s->n;
			s->n = n;
			if (n > old)
				fill(s, old);
		}
		t->bad_align += ((uintptr_t)s->p & 15) != 0;
	}
}

static void free_all(struct tally *t)
{
	for (unsigned i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			t->bad_data += !intact(&slots[i], slots[i].n);
			libc_free(slots[i].p);
			slots[i].p = NULL;
		}
	}
}

/* ------------------------------------------------------------ tests */

static void test_limits(void)
{
	t_ok(libc_malloc(16) == NULL,
	     "malloc fails before a morecore hook is set");

	malloc_set_morecore(more_a);
	unsigned char *p = libc_malloc(0);
	t_ok(p && ((uintptr_t)p & 15) == 0, "malloc(0) gives an aligned block");
	libc_free(p);
	libc_free(NULL);
	t_ok(1, "free(NULL) does nothing");

	t_ok(libc_malloc(SIZE_MAX) == NULL, "malloc(SIZE_MAX) is NULL");
	t_ok(libc_malloc(SIZE_MAX - 15) == NULL,
	     "malloc(SIZE_MAX - 15) is NULL");
	t_ok(libc_malloc(SIZE_MAX / 2) == NULL, "malloc(SIZE_MAX / 2) is NULL");
	t_ok(libc_calloc(SIZE_MAX / 2, 3) == NULL,
	     "calloc whose product overflows is NULL");
	t_ok(libc_calloc((size_t)1 << 33, (size_t)1 << 33) == NULL,
	     "calloc(2^33, 2^33) is NULL");
	t_ok(libc_malloc(arena_a.cap) == NULL,
	     "malloc larger than morecore can give is NULL");

	p = libc_malloc(40);
	memset(p, 0x5a, 40);
	t_ok(libc_realloc(p, SIZE_MAX) == NULL,
	     "realloc(p, SIZE_MAX) is NULL...");
	int kept = 1;
	for (int i = 0; i < 40; i++)
		kept &= p[i] == 0x5a;
	t_ok(kept, "... and p is untouched");
	t_ok(libc_realloc(p, 0) == NULL, "realloc(p, 0) frees p");
	T_EQ(stat_in_use(), 0, "nothing in use after the limits");
}

static void test_in_place(void)
{
	unsigned char *p = libc_malloc(100), *q = libc_malloc(100);
	memset(p, 1, 100);
	libc_free(q);
	unsigned char *r = libc_realloc(p, 300);
	t_ok(r == p, "realloc grows in place into a free upper neighbour");
	int kept = 1;
	for (int i = 0; i < 100; i++)
		kept &= r[i] == 1;
	t_ok(kept, "... keeping the contents");

	r = libc_realloc(p, 20);
	t_ok(r == p, "realloc shrinks in place");
	/* p's block is now 48 bytes (16 of header): the next block's
	 * payload starts 48 bytes above p, in the space given back. */
	unsigned char *guard = libc_malloc(16);
	t_ok(guard == p + 48, "the space a shrink gave back is reused");

	memset(p, 2, 20);
	r = libc_realloc(p, 5000);
	kept = r && r != p;
	for (int i = 0; r && i < 20; i++)
		kept &= r[i] == 2;
	t_ok(kept, "realloc with a used neighbour moves the data");

	libc_free(r);
	libc_free(guard);
	T_EQ(stat_in_use(), 0, "in_use is 0 again");
}

static void test_coalescing(void)
{
	unsigned char *a = libc_malloc(100), *b = libc_malloc(200),
		      *c = libc_malloc(300), *d = libc_malloc(400);
	libc_free(a);
	libc_free(c);
	libc_free(b); /* merges with a below and c above */
	unsigned char *e = libc_malloc(100 + 200 + 300 + 32);
	t_ok(e == a, "freeing the middle block merges it with both neighbours");
	libc_free(e);
	libc_free(d);
	T_EQ(stat_free(), whole_arena_free(&arena_a),
	     "after freeing everything, the free bytes are the whole arena's");

	size_t calls = arena_a.calls, all = stat_free();
	unsigned char *whole = libc_malloc(all);
	t_ok(whole && arena_a.calls == calls,
	     "... in one block: malloc(all free bytes) needs no more memory");
	t_ok(whole && ((uintptr_t)whole & 15) == 0, "... aligned");
	libc_free(whole);
	T_EQ(stat_in_use(), 0, "in_use is 0");
}

static void test_random(void)
{
	struct tally t = {0};
	int overlap_ok = 1, in_use_ok = 1;
	unsigned refusals = arena_a.refusals;
	for (unsigned round = 0; round < 40; round++) {
		random_ops(5000, &t);
		overlap_ok &= no_overlap();
		in_use_ok &= in_use_plausible();
	}
	T_EQ(t.failed, 0,
	     "200000 random malloc/calloc/realloc/free: none failed");
	T_EQ(t.bad_align, 0, "... every block 16-byte aligned");
	T_EQ(t.bad_data, 0, "... contents kept through realloc and until free");
	T_EQ(t.bad_zero, 0, "... calloc memory zeroed");
	t_ok(overlap_ok, "... no two live blocks overlap");
	t_ok(in_use_ok, "... in_use matches the live requests");

	free_all(&t);
	T_EQ(t.bad_data, 0, "freeing the rest: contents intact");
	T_EQ(stat_in_use(), 0, "free of leaks: in_use back to 0");
	T_EQ(stat_free(), whole_arena_free(&arena_a),
	     "everything coalesced into one block of the whole arena");
	T_EQ(arena_a.refusals - refusals, 0, "morecore never ran out");
}

/* morecore runs dry, then memory comes from elsewhere: a new segment. */
static void test_segments(void)
{
	size_t left = arena_a.cap - arena_a.used;
	unsigned char *big = libc_malloc(stat_free() + left + 4096);
	t_ok(big == NULL, "a request morecore cannot meet fails...");
	unsigned char *p = libc_malloc(64);
	t_ok(p != NULL, "... and the heap still works");
	libc_free(p);

	malloc_set_morecore(more_b);
	size_t want = stat_free() + left + 4096;
	big = libc_malloc(want);
	t_ok(big && big >= arena_b.base && big < arena_b.base + arena_b.cap,
	     "a new, non-contiguous segment serves it");
	memset(big, 3, want);
	libc_free(big);
	T_EQ(stat_in_use(), 0, "in_use is 0 with two segments");
	T_EQ(stat_free(),
	     whole_arena_free(&arena_a) + whole_arena_free(&arena_b),
	     "each segment is one free block again");

	/* The second segment grows contiguously like the first did. */
	struct tally t = {0};
	random_ops(20000, &t);
	free_all(&t);
	T_EQ(t.failed + t.bad_data + t.bad_align + t.bad_zero, 0,
	     "random operations over two segments");
	T_EQ(stat_in_use(), 0, "... free of leaks");
	T_EQ(stat_free(),
	     whole_arena_free(&arena_a) + whole_arena_free(&arena_b),
	     "... and fully coalesced");
}

int main(void)
{
	/* Misaligned by 8: the allocator must align what morecore gives. */
	arena_init(&arena_a, 16u << 20, 8);
	arena_init(&arena_b, 40u << 20, 0);

	test_limits();
	test_in_place();
	test_coalescing();
	test_random();
	test_segments();

	free(arena_a.mem);
	free(arena_b.mem);
	return t_finish();
}
