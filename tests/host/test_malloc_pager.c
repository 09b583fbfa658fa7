/*
 * The libc allocator (user/lib/libc/malloc.c) with a pager, on the host:
 * the heap mm0 uses, whose pages come and go.
 *
 * morecore hands out address space from a reservation made with no
 * access; the pager's commit makes pages readable and writable, its
 * release makes them inaccessible again and drops their contents.  So a
 * byte malloc reads or writes on a page it did not commit, or keeps using
 * after releasing it, is a fault here (and ASan's report), not a silent
 * bug.  Checked: random malloc, calloc, realloc and free against a model;
 * a failed commit fails the malloc and changes nothing; and the pages
 * held depend only on the blocks in use: after everything is freed (and
 * malloc_trim) the heap holds at most two pages and its end is back near
 * its start.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"

void *libc_malloc(size_t n);
void libc_free(void *p);
void *libc_calloc(size_t count, size_t size);
void *libc_realloc(void *p, size_t n);
void libc_malloc_stats(size_t *in_use, size_t *free_bytes);
void malloc_set_morecore(void *(*morecore)(size_t increment));
struct malloc_pager {
	int (*commit)(void *start, size_t len);
	void (*release)(void *start, size_t len);
	void (*shrink)(void *end);
};
void malloc_set_pager(const struct malloc_pager *pager);
void malloc_trim(void);

#define PAGE 4096ul
#define RESERVE (64ul << 20)

static unsigned char *base;
static size_t end; /* morecore's next byte */
static unsigned char present[RESERVE / PAGE];
static size_t npresent, commits, releases, shrinks, bad_release;
static int refuse; /* commits to fail from now on */

static void *more(size_t n)
{
	if (n > RESERVE - end)
		return NULL;
	void *p = base + end;
	end += n;
	return p;
}

static int commit(void *start, size_t len)
{
	size_t first = ((unsigned char *)start - base) / PAGE;
	size_t last = ((unsigned char *)start - base + len - 1) / PAGE;
	commits++;
	if (refuse)
		return -1;
	for (size_t i = first; i <= last; i++) {
		if (present[i])
			continue;
		mprotect(base + i * PAGE, PAGE, PROT_READ | PROT_WRITE);
		present[i] = 1;
		npresent++;
	}
	return 0;
}

static void release(void *start, size_t len)
{
	size_t off = (unsigned char *)start - base;
	releases++;
	if (off % PAGE || len % PAGE)
		bad_release++;
	for (size_t i = off / PAGE; i < (off + len) / PAGE; i++) {
		if (!present[i])
			continue;
		/* The contents go: a later read must not see them. */
		memset(base + i * PAGE, 0xdd, PAGE);
		mprotect(base + i * PAGE, PAGE, PROT_NONE);
		present[i] = 0;
		npresent--;
	}
}

static void shrink(void *e)
{
	shrinks++;
	end = (unsigned char *)e - base;
}

static const struct malloc_pager pager = {commit, release, shrink};

/* ------------------------------------------------------------ the model */

#define SLOTS 512

struct slot {
	unsigned char *p;
	size_t n;
	unsigned char fill;
};

static struct slot slots[SLOTS];
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t rnd_size(void)
{
	unsigned r = rnd() % 100;
	if (r < 60)
		return rnd() % 129;
	if (r < 90)
		return 129 + rnd() % 6000;
	return 6000 + rnd() % 70000;
}

static void fill(struct slot *s, size_t from)
{
	for (size_t i = from; i < s->n; i++)
		s->p[i] = (unsigned char)(s->fill + i * 13);
}

static int intact(const struct slot *s, size_t upto)
{
	for (size_t i = 0; i < upto && i < s->n; i++)
		if (s->p[i] != (unsigned char)(s->fill + i * 13))
			return 0;
	return 1;
}

static size_t in_use(void)
{
	size_t u, f;
	libc_malloc_stats(&u, &f);
	return u;
}

static void test_random(void)
{
	unsigned bad = 0, failed = 0, zero = 0;
	for (unsigned k = 0; k < 300000; k++) {
		struct slot *s = &slots[rnd() % SLOTS];
		unsigned what = rnd() % 10;
		if (!s->p) {
			size_t n = rnd_size();
			s->p = what < 2 ? libc_calloc(1, n) : libc_malloc(n);
			if (!s->p) {
				failed++;
				continue;
			}
			for (size_t i = 0; what < 2 && i < n; i++)
				zero += s->p[i] != 0;
			s->n = n;
			s->fill = (unsigned char)rnd();
			fill(s, 0);
		} else if (what < 6) {
			bad += !intact(s, s->n);
			libc_free(s->p);
			s->p = NULL;
		} else {
			size_t n = rnd_size() + 1;
			unsigned char *q = libc_realloc(s->p, n);
			if (!q) {
				failed++;
				continue;
			}
			s->p = q;
			bad += !intact(s, n);
			size_t old = s->n;
			s->n = n;
			if (n > old)
				fill(s, old);
		}
	}
	T_EQ(failed, 0,
	     "300000 random operations on a paged heap: none failed");
	T_EQ(bad, 0, "... contents kept (no page released under a live block)");
	T_EQ(zero, 0, "... calloc memory zeroed");
	t_ok(releases > 0 && shrinks > 0,
	     "... pages were released (%zu times) "
	     "and the end moved back (%zu)",
	     releases, shrinks);
	T_EQ(bad_release, 0, "... every release is of whole pages");
}

static void test_all_freed(void)
{
	size_t peak = 0;
	for (unsigned i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			libc_free(slots[i].p);
			slots[i].p = NULL;
		}
	}
	T_EQ(in_use(), 0, "everything freed");
	malloc_trim();
	t_ok(npresent <= 2, "... the heap holds %zu page(s), at most two",
	     npresent);
	t_ok(end <= 2 * PAGE, "... and its end is back at %zu bytes", end);

	/* The same again: the pages follow the blocks in use. */
	unsigned char *a[64];
	for (int i = 0; i < 64; i++)
		a[i] = libc_malloc(10000);
	peak = npresent;
	for (int i = 0; i < 64; i++)
		libc_free(a[i]);
	malloc_trim();
	t_ok(peak >= 64 * 10000 / PAGE && npresent <= 2,
	     "64 blocks of 10000 bytes hold %zu pages; freed, %zu", peak,
	     npresent);
}

static void test_refused(void)
{
	unsigned char *keep = libc_malloc(100);
	memset(keep, 7, 100);
	size_t pages = npresent, e = end;
	refuse = 1;
	unsigned char *p = libc_malloc(50000);
	unsigned char *q = libc_realloc(keep, 90000);
	refuse = 0;
	t_ok(p == NULL && q == NULL,
	     "with commit refused, malloc and a growing realloc fail");
	int kept = 1;
	for (int i = 0; i < 100; i++)
		kept &= keep[i] == 7;
	t_ok(kept && npresent == pages && end == e,
	     "... and nothing changed: the block, the pages, the end");
	p = libc_malloc(50000);
	t_ok(p != NULL, "a commit allowed again: malloc works");
	libc_free(p);
	libc_free(keep);
	malloc_trim();
	t_ok(npresent <= 2, "... and all freed, at most two pages again");
}

int main(void)
{
	base = mmap(NULL, RESERVE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return 1;
	malloc_set_morecore(more);
	malloc_set_pager(&pager);
	test_random();
	test_all_freed();
	test_refused();
	munmap(base, RESERVE);
	return t_finish();
}
