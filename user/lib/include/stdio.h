/*
 * Tessera libc: formatted output.  Output goes through one sink, set with
 * stdio_set_sink (the debug console until a program chooses a window or
 * console capability).  stdout is line-buffered.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*stdio_sink_fn)(const char *s, size_t n);
void stdio_set_sink(stdio_sink_fn fn);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int sprintf(char *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int puts(const char *s);
int putchar(int c);
void fflush_stdout(void);

/* POSIX programs only (libposix): prints "s: <what errno means>". */
void perror(const char *s);

#endif
