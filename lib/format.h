/*
 * printf-style formatting shared by the kernel (kprintf) and the user libc
 * (printf, snprintf).  It has no state and calls nothing but `put`.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_put_fn)(void *ctx, char c);

/*
 * Formats `fmt` with `ap`, calling put(ctx, c) for each output character.
 * Conversions: d i u x X o p s c %, flags - 0 + space #, width and
 * precision (numbers or *), length modifiers hh h l ll z t j.
 * Returns the number of characters produced.
 */
int format(format_put_fn put, void *ctx, const char *fmt, va_list ap);

/* snprintf semantics on top of format(): always NUL-terminates if size > 0. */
int format_buf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
