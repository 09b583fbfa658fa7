/*
 * User memory (usercopy.c): every system call reaches it through these,
 * by a space's page tables, never by touching a user address.
 */
#ifndef CORE_USERCOPY_H
#define CORE_USERCOPY_H

#include "kernel.h"

struct space;

/* Is every byte of [va, va + n) user memory of `s` (writable, if
 * `write`)?  0 or -E_FAULT. */
int user_check(struct space *s, vaddr_t va, u64 n, bool write);
/* Copy n bytes from user address `src` to the kernel buffer `dst`. */
int user_read(struct space *s, void *dst, vaddr_t src, u64 n);
/* Copy n bytes to user address `dst`: all or nothing. */
int user_write(struct space *s, vaddr_t dst, const void *src, u64 n);
/* Read a structure the call will write back (an in-out argument): it
 * must be readable and writable, so that a failure is found before the
 * call changes anything. */
int user_read_rw(struct space *s, void *dst, vaddr_t src, u64 n);

#endif
