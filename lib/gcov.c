/*
 * gcov profiles as text (see gcov.h).  libgcov's __gcov_info_to_gcda
 * serializes one file's profile through callbacks; we print its bytes in
 * hex lines.  It needs no memory and no file system.
 */
#include <stddef.h>
#include "lib/gcov.h"

struct gcov_info;
void __gcov_info_to_gcda(const struct gcov_info *info,
			 void (*filename)(const char *, void *),
			 void (*dump)(const void *, unsigned, void *),
			 void *(*allocate)(unsigned, void *), void *arg);
extern const struct gcov_info *const __gcov_info_start[];
extern const struct gcov_info *const __gcov_info_end[];

/* Every file's profile names its counters' merge function, which only a
 * hosted libgcov calls (merging with a gcda file on disk): the serializer
 * only checks that it is there.  libgcov's own would pull in its file
 * I/O. */
void __gcov_merge_add(void *counters, unsigned n)
{
	(void)counters;
	(void)n;
}

/* The serializer's mmap and abort, renamed by the Makefile: mmap would
 * make room for value profiles (not made by -fprofile-arcs), abort is
 * for a profile it cannot write. */
void *gcov_mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
void gcov_abort(void);

void *gcov_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	(void)addr;
	(void)len;
	(void)prot;
	(void)flags;
	(void)fd;
	(void)off;
	return (void *)-1;
}

void gcov_abort(void)
{
	for (;;)
		;
}

static gcov_put_fn gcov_put;
static unsigned char line[32];
static unsigned line_len;

static void put_str(const char *s)
{
	while (*s)
		gcov_put(*s++);
}

static void flush_line(void)
{
	static const char hex[] = "0123456789abcdef";
	if (!line_len)
		return;
	put_str("GCOV-DATA ");
	for (unsigned i = 0; i < line_len; i++) {
		gcov_put(hex[line[i] >> 4]);
		gcov_put(hex[line[i] & 15]);
	}
	gcov_put('\n');
	line_len = 0;
}

static void on_filename(const char *name, void *arg)
{
	(void)arg;
	put_str("GCOV-FILE ");
	put_str(name);
	gcov_put('\n');
}

static void on_data(const void *data, unsigned n, void *arg)
{
	const unsigned char *p = data;
	(void)arg;
	for (unsigned i = 0; i < n; i++) {
		line[line_len++] = p[i];
		if (line_len == sizeof(line))
			flush_line();
	}
}

static void *on_allocate(unsigned n, void *arg)
{
	(void)n;
	(void)arg;
	return NULL;
}

void gcov_write_all(gcov_put_fn put, const char *who)
{
	const struct gcov_info *const *info = __gcov_info_start;
	gcov_put = put;
	put_str("GCOV-BEGIN ");
	put_str(who);
	gcov_put('\n');
	for (; info < __gcov_info_end; info++) {
		__gcov_info_to_gcda(*info, on_filename, on_data, on_allocate,
				    NULL);
		flush_line();
		put_str("GCOV-END\n");
	}
	put_str("GCOV-DONE ");
	put_str(who);
	gcov_put('\n');
}
