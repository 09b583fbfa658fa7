/*
 * ktest: the kernel API test suite, run as the root task.  Every check goes
 * through real system calls and prints one TAP line.
 */
#include <stdio.h>
#include <string.h>
#include <tap.h>
#include <tess.h>

#define KERNEL_HALF 0xffff800000000000ul
#define UNMAPPED 0x10000000ul

static void test_boot(void)
{
	tap_ok(1, "boot reaches user mode");
	tap_ok(tess_bootinfo != NULL, "boot-info page is mapped and valid");
	if (tess_bootinfo)
		tap_ok(tess_bootinfo->n_untyped > 0 && tess_bootinfo->mem_total > 0,
		       "boot info lists untyped memory (%u blocks)",
		       tess_bootinfo->n_untyped);
}

static void test_syscall(void)
{
	tap_eq(tess_null(), 0, "null system call round trip returns 0");
	long r = 0;
	for (int i = 0; i < 1000; i++)
		r |= tess_null();
	tap_eq(r, 0, "1000 null system calls");
}

static void test_debug_putstr(void)
{
	static const char msg[] = "# debug_putstr says hello\n";
	char stackbuf[32];
	uintptr_t stack_top = ROOT_STACK_TOP;

	tap_eq(tess_debug_putstr(msg, sizeof(msg) - 1), sizeof(msg) - 1,
	       "debug_putstr prints a valid string");
	tap_eq(tess_debug_putstr(msg, 0), 0, "debug_putstr with length 0");
	tap_eq(tess_debug_putstr(NULL, 5), -E_FAULT, "debug_putstr(NULL) is refused");
	tap_eq(tess_debug_putstr((const char *)KERNEL_HALF, 8), -E_FAULT,
	       "debug_putstr of a kernel-half address is refused");
	tap_eq(tess_debug_putstr((const char *)0xffffffff80100000ul, 8), -E_FAULT,
	       "debug_putstr of the kernel image is refused");
	tap_eq(tess_debug_putstr((const char *)UNMAPPED, 8), -E_FAULT,
	       "debug_putstr of an unmapped address is refused");
	tap_eq(tess_debug_putstr((const char *)(stack_top - 4), 8), -E_FAULT,
	       "debug_putstr straddling the end of a mapping is refused");
	tap_eq(tess_debug_putstr((const char *)(0x00007ffffffffff0ul), 32), -E_FAULT,
	       "debug_putstr crossing into the non-canonical hole is refused");
	tap_eq(tess_debug_putstr((const char *)0xfffffffffffffff0ul, 64), -E_FAULT,
	       "debug_putstr with a wrapping range is refused");
	tap_eq(tess_debug_putstr(msg, 1ul << 40), -E_TOOBIG,
	       "debug_putstr with a huge length is refused");
	tap_eq(tess_debug_putstr(msg, (size_t)-1), -E_TOOBIG,
	       "debug_putstr with length -1 is refused");
	memcpy(stackbuf, "# from the stack\n", 18);
	tap_eq(tess_debug_putstr(stackbuf, 17), 17, "debug_putstr from the stack");
	tap_eq(tess_debug_putstr((const char *)tess_bootinfo, 0), 0,
	       "debug_putstr from a read-only page with length 0");
}

int main(long arg)
{
	(void)arg;
	printf("# ktest: kernel API tests\n");
	test_boot();
	test_syscall();
	test_debug_putstr();
	return tap_finish();
}
