/*
 * Unit tests of the lab's capio library (capio.h), and the proof that the
 * lab's own syscalls.h (user/llp/demo) and llp.h agree: both are included
 * here, the lab's first, so the compiler checks every prototype.  A file
 * with capio.h cannot have <stdio.h>: results go to unit_check (main.c).
 * Window output is checked by the runner ("# expect:" lines).
 */
#include "../demo/syscalls.h"
#include <llp.h>
#include <capio.h>
#include <tess.h>
#include "unit.h"

/* Windows with fewer rights than the manifest's (every right). */
static void make_windows(void)
{
	tess_cap_mint(DEFAULT_WINDOW_CAP, U_SETATTR_ONLY, CAN_setAttr, 0);
	tess_cap_mint(DEFAULT_WINDOW_CAP, U_NO_CLS, CAN_putchar | CAN_setAttr,
		      0);
}

void capio_tests(void)
{
	make_windows();
	capcls(DEFAULT_WINDOW_CAP);
	unit_check(llpLastError() == 0, llpLastError(),
		   "capio: capcls with CAN_cls");
	capcls(U_NO_CLS);
	unit_check(llpLastError() == -E_RIGHTS, llpLastError(),
		   "capio: capcls without CAN_cls does nothing (E_RIGHTS)");
	capputchar(DEFAULT_WINDOW_CAP, '>');
	unit_check(llpLastError() == 0, llpLastError(),
		   "capio: capputchar with CAN_putchar");
	capputs(DEFAULT_WINDOW_CAP, " llp-unit: capputs\n");
	unit_check(llpLastError() == 0, llpLastError(), "capio: capputs");
	capprintf(DEFAULT_WINDOW_CAP, "llp-unit: capprintf %d %x %s %c\n", -42,
		  0xbeefu, "str", '!');
	unit_check(llpLastError() == 0, llpLastError(),
		   "capio: capprintf formats as printf");
	printf("llp-unit: printf is capprintf in slot %d\n",
	       DEFAULT_WINDOW_CAP);
	puts("llp-unit: puts writes no newline of its own");
	putchar('\n');
	unit_check(llpLastError() == 0, llpLastError(),
		   "capio: printf, puts, putchar write in DEFAULT_WINDOW_CAP");
	capputchar(U_SETATTR_ONLY, 'x');
	unit_check(llpLastError() == -E_RIGHTS, llpLastError(),
		   "capio: capputchar without CAN_putchar does nothing");
	capputchar(U_UNTYPED, 'x');
	unit_check(llpLastError() == -E_CAPTYPE, llpLastError(),
		   "capio: capputchar through an untyped does nothing");
	capputs(0x0500 | U_NO_CLS, "llp-unit: the low byte names the slot\n");
	unit_check(llpLastError() == 0, llpLastError(),
		   "capio: a window capability is read directly (low byte)");
	setAttr(0x1f);
	unit_check(llpLastError() == 0, llpLastError(),
		   "capio: capsetAttr with CAN_setAttr");
	capsetAttr(DEFAULT_WINDOW_CAP, 256);
	unit_check(llpLastError() == -E_RANGE, llpLastError(),
		   "capio: capsetAttr(256) is out of range");
	capsetAttr(DEFAULT_WINDOW_CAP, -1);
	unit_check(llpLastError() == -E_RANGE, llpLastError(),
		   "capio: capsetAttr(-1) is out of range");
	capsetAttr(U_UNTYPED, 0x1f);
	unit_check(llpLastError() == -E_CAPTYPE, llpLastError(),
		   "capio: capsetAttr needs a WindowCap");
	cls();
	unit_check(llpLastError() == 0, llpLastError(),
		   "capio: cls() clears DEFAULT_WINDOW_CAP");
	tess_cap_delete(U_SETATTR_ONLY);
	tess_cap_delete(U_NO_CLS);
}
