/*
 * A sparse map from page index to value (pagemap.h): a radix tree.
 *
 * A node has 256 slots: below the top level they hold nodes, at the leaf
 * level values.  The tree grows upwards when an index beyond its reach is
 * set (the old root becomes slot 0 of a new one) and never shrinks: a
 * cleared index leaves its nodes, which go when the map is freed whole (a
 * file truncated to 0, an object that ends).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "pagemap.h"

#define PM_BITS 8
#define PM_FAN (1u << PM_BITS)
#define PM_MAX_HEIGHT 6 /* 48 bits of index */

struct pm_node {
	uint64_t slot[PM_FAN];
};

static unsigned digit(uint64_t i, unsigned level)
{
	return (unsigned)(i >> (PM_BITS * level)) & (PM_FAN - 1);
}

static bool in_reach(unsigned height, uint64_t i)
{
	return height >= PM_MAX_HEIGHT || i >> (PM_BITS * height) == 0;
}

uint64_t pagemap_get(const struct pagemap *m, uint64_t i)
{
	if (!m->height || !in_reach(m->height, i))
		return 0;
	const struct pm_node *n = m->root;
	for (unsigned level = m->height - 1; level > 0; level--) {
		n = (const struct pm_node *)(uintptr_t)n->slot[digit(i, level)];
		if (!n)
			return 0;
	}
	return n->slot[digit(i, 0)];
}

int pagemap_set(struct pagemap *m, uint64_t i, uint64_t v)
{
	struct pm_node *made[2 * PM_MAX_HEIGHT];
	uint64_t
	    *linked[2 * PM_MAX_HEIGHT]; /* where made[k] went; NULL: root */
	struct pm_node *old_root = m->root;
	unsigned old_height = m->height, nmade = 0;

	if (i >> (PM_BITS * PM_MAX_HEIGHT))
		return -1;
	/* Grow upwards until i is in reach, then walk down making what is
	 * missing; a node that cannot be made undoes the others. */
	while (!m->height || !in_reach(m->height, i)) {
		struct pm_node *top = calloc(1, sizeof(*top));
		if (!top)
			goto undo;
		top->slot[0] = (uintptr_t)m->root;
		made[nmade] = top;
		linked[nmade++] = NULL;
		m->root = top;
		m->height++;
	}
	struct pm_node *n = m->root;
	for (unsigned level = m->height - 1; level > 0; level--) {
		uint64_t *s = &n->slot[digit(i, level)];
		if (!*s) {
			struct pm_node *c = calloc(1, sizeof(*c));
			if (!c)
				goto undo;
			*s = (uintptr_t)c;
			made[nmade] = c;
			linked[nmade++] = s;
		}
		n = (struct pm_node *)(uintptr_t)*s;
	}
	n->slot[digit(i, 0)] = v;
	return 0;
undo:
	while (nmade--) {
		if (linked[nmade])
			*linked[nmade] = 0;
		free(made[nmade]);
	}
	m->root = old_root;
	m->height = old_height;
	return -1;
}

void pagemap_clear(struct pagemap *m, uint64_t i)
{
	if (!m->height || !in_reach(m->height, i))
		return;
	struct pm_node *n = m->root;
	for (unsigned level = m->height - 1; level > 0; level--) {
		n = (struct pm_node *)(uintptr_t)n->slot[digit(i, level)];
		if (!n)
			return;
	}
	n->slot[digit(i, 0)] = 0;
}

/* The first value at or after `from` in the subtree n (level `level`,
 * covering indices from `base`). */
static uint64_t next_in(const struct pm_node *n, unsigned level, uint64_t base,
			uint64_t from, uint64_t *at)
{
	unsigned first = from > base ? digit(from, level) : 0;
	for (unsigned d = first; d < PM_FAN; d++) {
		uint64_t s = n->slot[d];
		uint64_t b = base + ((uint64_t)d << (PM_BITS * level));
		if (!s)
			continue;
		if (level == 0) {
			*at = b;
			return s;
		}
		uint64_t v = next_in((const struct pm_node *)(uintptr_t)s,
				     level - 1, b, from > b ? from : b, at);
		if (v)
			return v;
	}
	return 0;
}

uint64_t pagemap_next(const struct pagemap *m, uint64_t from, uint64_t *at)
{
	if (!m->height || !in_reach(m->height, from))
		return 0;
	return next_in(m->root, m->height - 1, 0, from, at);
}

static void free_in(struct pm_node *n, unsigned level,
		    void (*fn)(void *ctx, uint64_t v), void *ctx)
{
	for (unsigned d = 0; d < PM_FAN; d++) {
		uint64_t s = n->slot[d];
		if (!s)
			continue;
		if (level == 0) {
			if (fn)
				fn(ctx, s);
		} else {
			free_in((struct pm_node *)(uintptr_t)s, level - 1, fn,
				ctx);
		}
	}
	free(n);
}

void pagemap_free(struct pagemap *m, void (*fn)(void *ctx, uint64_t v),
		  void *ctx)
{
	if (m->height)
		free_in(m->root, m->height - 1, fn, ctx);
	m->root = NULL;
	m->height = 0;
}
