/* Tessera libc: malloc over memory whose pages come and go (malloc.c). */
#ifndef _MALLOC_PAGER_H
#define _MALLOC_PAGER_H

#include <stddef.h>

/*
 * A heap whose pages come and go (a pager's, say): with a malloc_pager
 * set, memory from morecore is only address space.  malloc commits the
 * pages it is about to write (commit returns 0, or -1 when there is no
 * memory: the malloc fails and nothing changes), releases the whole pages
 * of free blocks (their contents are lost; free blocks keep only their
 * first 32 bytes and the next block's header), and gives the top of the
 * heap back when it is large, or at malloc_trim: after shrink(end),
 * morecore hands out addresses from `end` again.  Set it before the first
 * malloc.
 */
struct malloc_pager {
	int (*commit)(void *start, size_t len);
	void (*release)(void *start, size_t len); /* whole 4 KiB pages */
	void (*shrink)(void *end);
};
void malloc_set_pager(const struct malloc_pager *pager);
/* Give the top of the heap back now, however small (free does it only
 * for a large free block at the top). */
void malloc_trim(void);

#endif
