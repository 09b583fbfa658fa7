/*
 * Basic types, macros and the few services every kernel file uses:
 * kprintf, panic, and the memory primitives.
 *
 * This header is portable: kernel/core is also compiled on the host for the
 * unit tests, where kprintf and panic are supplied by the test harness.
 */
#ifndef CORE_KERNEL_H
#define CORE_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tessera/errors.h"
#include "tessera/syscall.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef u64 paddr_t; /* a physical address */
typedef u64 vaddr_t; /* a user virtual address */

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define BIT(n) (1ull << (n))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define PAGE_SIZE 4096ull

/* Formatted output to the kernel console (serial, and the VGA log window). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A kernel bug: print, dump state, stop the machine.  Never for user input. */
void panic(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

#include "lib/string.h" /* shared with libc */

/* Let the compiler inline copies of known small sizes (a freestanding
 * build otherwise calls the functions for every one). */
#ifndef HOST_TEST
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))
#endif

#endif
