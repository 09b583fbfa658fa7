/* Tessera libc: the general utilities. */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

void exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));
int atoi(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int abs(int x);

/* Memory (malloc.c): first fit with coalescing free, 16-byte aligned. */
void *malloc(size_t size);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);
/* Where malloc gets memory: morecore(n) returns n more bytes, contiguous
 * with the last ones when it can (like sbrk), or NULL.  Unset: none. */
void malloc_set_morecore(void *(*morecore)(size_t increment));
/* A heap whose pages come and go: malloc_pager.h. */
#include <malloc_pager.h>
/* Payload bytes in blocks in use, and free bytes (for leak checks). */
void malloc_stats(size_t *in_use, size_t *free_bytes);

#endif
