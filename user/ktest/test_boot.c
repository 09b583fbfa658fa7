/*
 * Boot and the basic system call path: the boot-info page, the null call,
 * and console_write with every kind of bad pointer.
 */
#include "ktest.h"

#define KERNEL_HALF 0xffff800000000000ul
#define UNMAPPED 0x10000000ul

void test_boot(void)
{
	static const char msg[] = "# console_write says hello\n";
	char stackbuf[32];
	uintptr_t stack_top = ROOT_STACK_TOP;
	const cptr_t con = BOOT_SLOT_CONSOLE;

	tap_ok(1, "boot reaches user mode");
	if (!tap_ok(tess_bootinfo != NULL,
		    "boot-info page is mapped and valid"))
		return;
	tap_ok(tess_bootinfo->n_untyped > 0 && tess_bootinfo->mem_total > 0,
	       "boot info lists untyped memory (%u blocks)",
	       tess_bootinfo->n_untyped);
	tap_ok(ka != NULL, "the root task has an untyped to allocate from");

	tap_eq(tess_null(), 0, "null system call round trip returns 0");
	long r = 0;
	for (int i = 0; i < 1000; i++)
		r |= tess_null();
	tap_eq(r, 0, "1000 null system calls");

	tap_eq(tess_console_write(con, msg, sizeof(msg) - 1), sizeof(msg) - 1,
	       "console_write prints a valid string");
	tap_eq(tess_console_write(con, msg, 0), 0,
	       "console_write with length 0");
	tap_eq(tess_console_write(con, NULL, 5), -E_FAULT,
	       "console_write(NULL) is refused");
	tap_eq(tess_console_write(con, (const char *)KERNEL_HALF, 8), -E_FAULT,
	       "console_write of a kernel-half address is refused");
	tap_eq(tess_console_write(con, (const char *)0xffffffff80100000ul, 8),
	       -E_FAULT, "console_write of the kernel image is refused");
	tap_eq(tess_console_write(con, (const char *)UNMAPPED, 8), -E_FAULT,
	       "console_write of an unmapped address is refused");
	tap_eq(tess_console_write(con, (const char *)(stack_top - 4), 8),
	       -E_FAULT,
	       "console_write straddling the end of a mapping is refused");
	tap_eq(tess_console_write(con, (const char *)0x00007ffffffffff0ul, 32),
	       -E_FAULT,
	       "console_write crossing into the non-canonical hole is refused");
	tap_eq(tess_console_write(con, (const char *)0xfffffffffffffff0ul, 64),
	       -E_FAULT, "console_write with a wrapping range is refused");
	tap_eq(tess_console_write(con, msg, 1ul << 40), -E_TOOBIG,
	       "console_write with a huge length is refused");
	tap_eq(tess_console_write(con, msg, (size_t)-1), -E_TOOBIG,
	       "console_write with length -1 is refused");
	memcpy(stackbuf, "# from the stack\n", 18);
	tap_eq(tess_console_write(con, stackbuf, 17), 17,
	       "console_write from the stack");
	tap_eq(tess_console_write(con, (const char *)tess_bootinfo, 0), 0,
	       "console_write from a read-only page with length 0");
	tap_eq(tess_console_write(BOOT_SLOT_TIMER, msg, 4), -E_CAPTYPE,
	       "console_write through a Timer capability is refused");
	tap_eq(tess_console_write(0x0fff, msg, 4), -E_EMPTY,
	       "console_write through an empty slot is refused");
	tap_eq(tess_console_write(0x1000, msg, 4), -E_BADCAP,
	       "console_write through a slot beyond the CSpace is refused");
	tap_eq(tess_console_write(0xdead0001, msg, 4), -E_BADCAP,
	       "console_write through a garbage two-level address is refused");
}
