/*
 * A sparse map from page index to a 64-bit value (0: none): the pages of
 * a file (fs.c) and of a shared memory object (vm.c).
 *
 * A radix tree of 256-way nodes, as tall as the largest index set needs:
 * what it costs follows the pages present, never the size of the range
 * (one page at index 2^28 costs four nodes).  Nodes come from malloc.
 * Also built on the host, with fs.c, for its tests.
 */
#ifndef MM0_PAGEMAP_H
#define MM0_PAGEMAP_H

#include <stdint.h>

struct pm_node;

struct pagemap {
	struct pm_node *root;
	unsigned height; /* 0: empty; else indices below 2^(8 * height) */
};

/* The value at index i, or 0. */
uint64_t pagemap_get(const struct pagemap *m, uint64_t i);
/* Set index i (below 2^48) to v (not 0): 0, or -1 with nothing changed
 * if a node could not be made. */
int pagemap_set(struct pagemap *m, uint64_t i, uint64_t v);
/* Index i holds nothing any more (its nodes stay). */
void pagemap_clear(struct pagemap *m, uint64_t i);
/* The first index >= from with a value (its value), or 0 if none. */
uint64_t pagemap_next(const struct pagemap *m, uint64_t from, uint64_t *at);
/* Empty the map: fn(ctx, value) for every value, then free every node. */
void pagemap_free(struct pagemap *m, void (*fn)(void *ctx, uint64_t v),
		  void *ctx);

#endif
