/*
 * libposix's own header: how a POSIX call reaches mm0.
 *
 * Every call is one short IPC call to mm0 (tessera/posix.h): MR0 the
 * request, MR1..MR5 the arguments; the reply's MR0 is the result, >= 0 or
 * a negated errno value.
 */
#ifndef LIBPOSIX_H
#define LIBPOSIX_H

#include <errno.h>
#include <stdint.h>
#include <tess.h>
#include <tessera/posix.h>

/* mm0's thread id, from the process's start (crt0). */
extern uint32_t posix_pager_tid;

/*
 * Ask mm0 and return its answer.  A failed IPC (mm0 gone, no capability
 * to reach it) is -EIO: the kernel's E_* codes are not errno values.
 */
static inline long px_call(long req, long a1, long a2, long a3, long a4,
			   long a5)
{
	struct tess_msg m = {
	    .mr = {(uint64_t)req, (uint64_t)a1, (uint64_t)a2, (uint64_t)a3,
		   (uint64_t)a4, (uint64_t)a5},
	};
	if (tess_call(posix_pager_tid, &m))
		return -EIO;
	return (long)m.mr[0];
}

/* The POSIX convention: a negative answer sets errno and becomes -1. */
static inline long px_ret(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

#endif
