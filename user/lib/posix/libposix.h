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
	/* tess_call without its struct tess_msg: the request goes out from
	 * registers and only the answer's MR0 (r10) is kept, so nothing is
	 * stored to memory and read back on this path of every call. */
	long ret;
	register uint64_t r10 __asm__("r10") = (uint64_t)req;
	register uint64_t r8 __asm__("r8") = (uint64_t)a1;
	register uint64_t r9 __asm__("r9") = (uint64_t)a2;
	register uint64_t r12 __asm__("r12") = (uint64_t)a3;
	register uint64_t r13 __asm__("r13") = (uint64_t)a4;
	register uint64_t r14 __asm__("r14") = (uint64_t)a5;
	register uint64_t r15 __asm__("r15") = 0; /* no extended buffer */
	uint64_t rsi = posix_pager_tid, rdx = IPC_SHORT;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+S"(rsi), "+d"(rdx), "+r"(r8), "+r"(r9),
			   "+r"(r10), "+r"(r12), "+r"(r13), "+r"(r14)
			 : "a"((long)SYS_ipc + TESS_SYS_BASE),
			   "D"((uint64_t)posix_pager_tid), "r"(r15)
			 : "rcx", "r11", "memory");
	if (ret)
		return -EIO;
	return (long)r10;
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
