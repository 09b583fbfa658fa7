/*
 * The LLP capabilities lab's capio library: window output through a
 * WindowCap (its slot, read directly: the low byte), one system call per
 * character as in the lab.  Part of Tessera's lab layer (user/lib/llp);
 * it may be included with llp.h, in either order.
 *
 * As in the lab, the calls return nothing: a missing right (CAN_putchar,
 * CAN_cls, CAN_setAttr) or a slot without a WindowCap does nothing.
 * llpLastError() (llp.h) tells what happened to the last character.
 * The macros below make the lab's plain printf, puts, ... write in the
 * window in DEFAULT_WINDOW_CAP: a file that includes capio.h must not
 * include <stdio.h>.
 */
#ifndef CAPIO_H
#define CAPIO_H

void capsetAttr(unsigned cap, int a);
void capcls(unsigned cap);
void capputchar(unsigned cap, int c);
void capputs(unsigned cap, const char *s);
void capprintf(unsigned cap, const char *format, ...);

/* The lab layout puts the process's window in slot 2. */
#define DEFAULT_WINDOW_CAP 2

#define setAttr(a) capsetAttr(DEFAULT_WINDOW_CAP, a)
#define cls() capcls(DEFAULT_WINDOW_CAP)
#define putchar(c) capputchar(DEFAULT_WINDOW_CAP, c)
#define puts(s) capputs(DEFAULT_WINDOW_CAP, s)
#define printf(...) capprintf(DEFAULT_WINDOW_CAP, __VA_ARGS__)

#endif
