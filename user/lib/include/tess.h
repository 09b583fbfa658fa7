/*
 * libtess: the system call stubs.  One inline function per call, named as
 * the call; see docs/ABI.md for what each does and the errors it returns.
 */
#ifndef TESS_H
#define TESS_H

#include <stddef.h>
#include <stdint.h>
#include <tessera/errors.h>
#include <tessera/syscall.h>
#include <tessera/bootinfo.h>

static inline long tess_syscall0(long nr)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr + TESS_SYS_BASE)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall1(long nr, long a0)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall2(long nr, long a0, long a1)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall3(long nr, long a0, long a1, long a2)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall4(long nr, long a0, long a1, long a2, long a3)
{
	long ret;
	register long r10 __asm__("r10") = a3;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+r"(r10)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall5(long nr, long a0, long a1, long a2, long a3,
				 long a4)
{
	long ret;
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+r"(r10), "+r"(r8)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall6(long nr, long a0, long a1, long a2, long a3,
				 long a4, long a5)
{
	long ret;
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_null(void)
{
	return tess_syscall0(SYS_null);
}

static inline long tess_debug_putstr(const char *s, size_t len)
{
	return tess_syscall2(SYS_debug_putstr, (long)s, (long)len);
}

static inline __attribute__((noreturn)) void tess_exit(int status)
{
	tess_syscall1(SYS_exit, status);
	__builtin_unreachable();
}

/* The boot-info page, for the root task (NULL in other programs). */
extern const struct bootinfo *tess_bootinfo;

/* A name for each E_* code, for messages. */
const char *tess_strerror(long err);

#endif
