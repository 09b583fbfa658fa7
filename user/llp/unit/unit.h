/*
 * The lab layer's unit tests (a pager started with `layout lab`, see
 * user/llp/manifest-unit.txt): main.c tests every translated call through
 * Tessera's own view of what it did; test_capio.c, which cannot include
 * <stdio.h> beside capio.h, tests the capio library and reports here.
 */
#ifndef LLP_UNIT_H
#define LLP_UNIT_H

/* Slots and sizes the manifest gives. */
#define U_UNTYPED 3
#define U_TIMER 9
#define U_TIMER_BITS 4
#define U_MEMORY (1u << 20)
#define U_WINDOW_NAME "[w0]"

/* Free lab slots the capio tests use (main.c leaves them empty). */
#define U_SETATTR_ONLY 32 /* a window minted with CAN_setAttr only */
#define U_NO_CLS 33	  /* with CAN_putchar | CAN_setAttr */

/* One TAP line for the capio tests. */
void unit_check(int ok, long err, const char *what);
/* The capio tests. */
void capio_tests(void);

#endif
