/*
 * Unit tests of Tessera's LLP lab layer (user/lib/llp): each lab call,
 * its translation to Tessera's calls and its failures, checked through
 * Tessera's own view of what it did (cap_info, remaining, memory).  The
 * program is a pager started with the lab layout (user/llp/manifest-
 * unit.txt: 1 MiB, window 0 with every right, a TimerCap in slot 9
 * hiding 4 bits); it prints TAP on its console, and "# expect:" lines for
 * what it writes in its window and on the console.
 *
 * A lab call returns 1 or 0 (kputc the process id); the checks of a
 * failure also check llpLastError(), the reason, and where the lab says
 * what a failure leaves behind (nothing), that too.
 */
#include <stdio.h>
#include <string.h>
#include <tap.h>
#include <tess.h>
#include <tessera/pager.h>
#include <llp.h>
#include "unit.h"

#define VA 0x80000000u
#define PAGE 4096u

static uint32_t my_tid;

void unit_check(int ok, long err, const char *what)
{
	if (!tap_ok(ok, "%s", what))
		tap_diag("  llpLastError() = %ld (%s)", err,
			 tess_strerror(err));
}

/* The call returned `got`; it should have failed with `err`. */
static void fails(unsigned got, long err, const char *what)
{
	long e = llpLastError();
	if (!tap_ok(got == 0 && e == err, "%s", what))
		tap_diag(
		    "  got %u, llpLastError() %ld (%s), want 0 and %ld (%s)",
		    got, e, tess_strerror(e), err, tess_strerror(err));
}

static void succeeds(unsigned got, const char *what)
{
	long e = llpLastError();
	if (!tap_ok(got == 1 && e == 0, "%s", what))
		tap_diag("  got %u, llpLastError() %ld (%s)", got, e,
			 tess_strerror(e));
}

static struct cap_info info(cptr_t slot)
{
	struct cap_info in;
	memset(&in, 0, sizeof(in));
	if (tess_cap_info(slot, &in))
		in.type = 0xffff;
	return in;
}

static uint32_t type_of(cptr_t slot)
{
	return info(slot).type;
}

/* Slot `s` of the CSpace in root slot `cs`, in Tessera's addresses. */
static cptr_t in(cptr_t cs, cptr_t s)
{
	return (cs << CPTR_DIGIT_BITS) | s;
}

/* The lab layer's own slots in use (it keeps its mapped copies there). */
static unsigned own_slots(void)
{
	unsigned n = 0;
	for (cptr_t s = LAB_SLOT_FREE; s < LAB_SLOT_FREE + 0x100; s++)
		n += type_of(s) != CAP_NULL;
	return n;
}

/* ------------------------------------------------------------ layout */

static void layout(void)
{
	struct cap_info c = info(LAB_SLOT_CSPACE), w = info(LAB_SLOT_WINDOW);
	unsigned empty = 1;

	tap_ok(c.type == CAP_CSPACE, "layout: slot 0 is the process's cspace");
	tap_eq(type_of(CONSOLE), CAP_CONSOLE, "layout: slot 1 is the console");
	tap_ok(w.type == CAP_WINDOW && w.rights == RIGHT_WINDOW_ALL,
	       "layout: slot 2 is its window, with the manifest's perms 7");
	tap_ok(info(U_UNTYPED).type == CAP_UNTYPED &&
		   info(U_UNTYPED).bits == 20,
	       "layout: slot 3 is its memory, 1 MiB");
	tap_ok(info(U_TIMER).type == CAP_TIMER &&
		   info(U_TIMER).badge == U_TIMER_BITS,
	       "layout: slot 9 is the manifest's TimerCap, 4 bits hidden");
	for (cptr_t s = 4; s < LAB_SLOTS; s++)
		if (s != U_TIMER && type_of(s) != CAP_NULL)
			empty = 0;
	tap_ok(empty, "layout: the other lab slots are empty");
	tap_ok(type_of(LAB_SLOT_SPACE) == CAP_SPACE &&
		   type_of(LAB_SLOT_THREAD) == CAP_THREAD,
	       "layout: its Space and Thread lie beyond the lab's 256 slots");
	tap_ok(info(LAB_SLOT_RESERVE).type == CAP_UNTYPED &&
		   info(LAB_SLOT_RESERVE).bits == LAB_RESERVE_BITS,
	       "layout: the kmapPage reserve too");
}

/* ------------------------------------------------------------ kputc */

static void test_kputc(void)
{
	unsigned id = kputc(CONSOLE, 'k');

	kputc(CONSOLE, '\n');
	tap_ok(id == my_tid && id != 0,
	       "kputc returns the process id (0x%x), as the lab's does", id);
	printf("# expect: k\n");
	tap_eq(kputc(0x0700 | CONSOLE, '\n'), my_tid,
	       "kputc reads its capability directly (the low byte)");
	fails(kputc(LAB_SLOT_WINDOW, 'x'), -E_CAPTYPE,
	      "kputc through a window: 0 (E_CAPTYPE)");
	fails(kputc(4, 'x'), -E_EMPTY, "kputc through an empty slot: 0");
	fails(kputc(LAB_SLOT_SPACE, 'x'), -E_CAPTYPE,
	      "kputc cannot reach beyond slot 255: 0x100 reads as slot 0");
}

/* ------------------------------------------------------------ capmove */

static void test_capmove(void)
{
	succeeds(capmove(LAB_SLOT_WINDOW, 4, COPY), "capmove COPY");
	tap_ok(type_of(4) == CAP_WINDOW && info(4).rights == RIGHT_WINDOW_ALL &&
		   type_of(LAB_SLOT_WINDOW) == CAP_WINDOW,
	       "capmove COPY: both slots hold the window, same perms");
	succeeds(capmove(4, 5, MOVE), "capmove MOVE");
	tap_ok(type_of(4) == CAP_NULL && type_of(5) == CAP_WINDOW,
	       "capmove MOVE: the source is empty after");
	succeeds(capmove(5, 6, (enum Capmove)7),
		 "capmove with any non-zero flag copies, as in the lab");
	tap_ok(type_of(5) == CAP_WINDOW && type_of(6) == CAP_WINDOW,
	       "capmove 7: the source stays");
	fails(capmove(4, 7, COPY), -E_EMPTY, "capmove from an empty slot");
	fails(capmove(5, 6, MOVE), -E_OCCUPIED, "capmove into a full slot");
	tap_ok(type_of(5) == CAP_WINDOW && type_of(6) == CAP_WINDOW,
	       "a refused capmove changes neither slot");
	fails(capmove(5, 5, MOVE), -E_OCCUPIED,
	      "capmove of a slot onto itself fails (Tessera's cap_move "
	      "allows it)");
	tap_eq(type_of(5), CAP_WINDOW, "and leaves it");
	fails(capmove(U_UNTYPED, 7, COPY), -E_CAPTYPE,
	      "capmove COPY of an UntypedCap fails");
	succeeds(capmove(U_UNTYPED, 7, MOVE), "capmove MOVE of an UntypedCap");
	succeeds(capmove(7, U_UNTYPED, MOVE), "and back");
	fails(capmove(0x0201, 7, COPY), -E_BADCAP,
	      "capmove from 0x0201: slot 2 is no CspaceCap");
	fails(capmove(5, 0x0901, COPY), -E_BADCAP,
	      "capmove to 0x0901: slot 9 is no CspaceCap");
}

static void test_two_level(void)
{
	unsigned r = remaining(U_UNTYPED);

	succeeds(allocCspace(U_UNTYPED, 14), "allocCspace into slot 14");
	tap_ok(type_of(14) == CAP_CSPACE && info(14).bits == 8,
	       "allocCspace makes a CSpace of 256 slots");
	tap_eq(r - remaining(U_UNTYPED), 16384,
	       "a 256-slot CSpace takes 16 KiB (the lab's took 4)");
	succeeds(capmove(5, 0x0e05, MOVE), "capmove to 0x0e05");
	tap_eq(type_of(in(14, 5)), CAP_WINDOW,
	       "0x0e05 is slot 5 of the CSpace in slot 14");
	succeeds(capmove(0x0e05, 0x0eff, MOVE),
		 "capmove from 0x0e05 to 0x0eff");
	tap_ok(type_of(in(14, 255)) == CAP_WINDOW && type_of(in(14, 5)) == 0,
	       "0x0eff is its last slot");
	succeeds(capclear(0x10eff),
		 "bits above the two bytes are ignored: 0x10eff is 0x0eff");
	tap_eq(type_of(in(14, 255)), CAP_NULL, "capclear(0x10eff) emptied it");
	succeeds(capmove(0x000e, 0x0e0e, COPY),
		 "0x000e goes through slot 0, the process's own cspace");
	tap_eq(type_of(in(14, 14)), CAP_CSPACE,
	       "a CspaceCap copied into "
	       "itself");
	succeeds(capclear(0x0e0e), "capclear 0x0e0e");
	/* Without a CspaceCap in slot 0 the lab cannot rearrange its own
	 * cspace: every 0x00CC address fails, direct ones still work. */
	succeeds(capmove(6, 0x0e06, MOVE), "capmove from 6 to 0x0e06");
	tap_eq(tess_cap_move(LAB_SLOT_CSPACE, 200), 0,
	       "(Tessera moves slot 0's CspaceCap away)");
	fails(capmove(4, 7, COPY), -E_BADCAP, "no slot 0: capmove fails");
	fails(capclear(LAB_SLOT_WINDOW), -E_BADCAP,
	      "no slot 0: capclear fails");
	tap_eq(type_of(LAB_SLOT_WINDOW), CAP_WINDOW, "and clears nothing");
	fails(allocPage(U_UNTYPED, 7), -E_BADCAP, "no slot 0: allocPage fails");
	tap_eq(type_of(7), CAP_NULL, "and made nothing");
	tap_eq(kputc(CONSOLE, '\n'), my_tid, "no slot 0: kputc still works");
	succeeds(capclear(0x0e06),
		 "no slot 0: addresses through slot 14 still work");
	tap_eq(tess_cap_move(200, LAB_SLOT_CSPACE), 0,
	       "(Tessera puts it back)");
	fails(capclear(0x0e06), -E_EMPTY, "capclear of an empty slot: 0");
	fails(capclear(0x0100), -E_BADCAP,
	      "capclear(0x100) is no way to Tessera's slot 0x100");
	tap_eq(type_of(LAB_SLOT_SPACE), CAP_SPACE, "which stays");
	fails(capclear(0x1500), -E_BADCAP,
	      "capclear through an empty slot 0x15");
}

/* ------------------------------------------------------------ retype */

static void test_retype(void)
{
	unsigned r = remaining(U_UNTYPED);
	unsigned none = 1;

	succeeds(retype(U_UNTYPED, PageCap, 0, 20, 2), "retype 2 PageCaps");
	tap_ok(type_of(20) == CAP_PAGE && type_of(21) == CAP_PAGE,
	       "the lab's PageCap (5) makes Pages, not Tessera's type 5 "
	       "(PDPT)");
	tap_eq(r - remaining(U_UNTYPED), 2 * PAGE, "two pages: 8 KiB");
	succeeds(retype(U_UNTYPED, PageTableCap, 0, 22, 1),
		 "retype a PageTableCap (6)");
	tap_eq(type_of(22), CAP_PT, "it is a page table (Tessera's PT)");
	succeeds(retype(U_UNTYPED, CspaceCap, 99, 23, 1),
		 "retype a CspaceCap (3); bits ignored");
	tap_ok(type_of(23) == CAP_CSPACE && info(23).bits == 8,
	       "it has the lab's 256 slots");
	succeeds(retype(U_UNTYPED, UntypedCap, 12, 24, 1),
		 "retype an UntypedCap (4) of 2^12");
	tap_ok(type_of(24) == CAP_UNTYPED && info(24).bits == 12,
	       "it is an untyped of 4 KiB");
	r = remaining(U_UNTYPED);
	fails(retype(U_UNTYPED, NullCap, 0, 30, 1), -E_INVAL, "retype NullCap");
	fails(retype(U_UNTYPED, ConsoleCap, 0, 30, 1), -E_INVAL,
	      "retype ConsoleCap");
	fails(retype(U_UNTYPED, WindowCap, 0, 30, 1), -E_INVAL,
	      "retype WindowCap");
	fails(retype(U_UNTYPED, TimerCap, 0, 30, 1), -E_INVAL,
	      "retype TimerCap");
	fails(retype(U_UNTYPED, 8, 0, 30, 1), -E_INVAL,
	      "retype 8: the lab has no such type (Tessera's 8 is a Page)");
	fails(retype(U_UNTYPED, UntypedCap, 9, 30, 1), -E_RANGE,
	      "retype an untyped of 2^9: below the lab's 10");
	fails(retype(U_UNTYPED, UntypedCap, 10, 30, 1), -E_RANGE,
	      "retype an untyped of 2^10: the lab's minimum, below Tessera's "
	      "12");
	fails(retype(U_UNTYPED, UntypedCap, 32, 30, 1), -E_RANGE,
	      "retype an untyped of 2^32: above the lab's 31");
	fails(retype(U_UNTYPED, UntypedCap, 21, 30, 1), -E_NOMEM,
	      "retype an untyped larger than the memory");
	fails(retype(U_UNTYPED, PageCap, 0, 30, 0), -E_RANGE,
	      "retype 0 objects");
	fails(retype(U_UNTYPED, PageCap, 0, 250, 7), -E_RANGE,
	      "retype past slot 255 (Tessera's root has 4096)");
	for (cptr_t s = 250; s < LAB_SLOTS; s++)
		if (type_of(s) != CAP_NULL)
			none = 0;
	tap_ok(none, "and made nothing there");
	succeeds(retype(U_UNTYPED, PageCap, 0, 250, 6), "retype up to 255");
	fails(retype(U_UNTYPED, PageCap, 0, 19, 2), -E_OCCUPIED,
	      "retype into slots one of which is full");
	fails(retype(LAB_SLOT_WINDOW, PageCap, 0, 30, 1), -E_CAPTYPE,
	      "retype from a window");
	fails(retype(30, PageCap, 0, 31, 1), -E_EMPTY,
	      "retype from an empty slot");
	fails(retype(U_UNTYPED, PageCap, 0, 0x0230, 1), -E_BADCAP,
	      "retype into 0x0230: slot 2 is no CspaceCap");
	tap_eq(remaining(U_UNTYPED), r - 6 * PAGE,
	       "the refused retypes took no memory");
	succeeds(retype(U_UNTYPED, PageCap, 0, 0x1730, 3),
		 "retype into the CSpace in slot 23");
	tap_eq(type_of(in(23, 0x32)), CAP_PAGE, "0x1732 holds a page");
	for (cptr_t s = 250; s < 256; s++)
		tess_cap_delete(s);
}

static void test_alloc(void)
{
	unsigned r = remaining(U_UNTYPED);

	succeeds(allocUntyped(U_UNTYPED, 25, 12), "allocUntyped");
	tap_ok(type_of(25) == CAP_UNTYPED && info(25).bits == 12 &&
		   remaining(25) == PAGE,
	       "allocUntyped makes a 2^12 untyped");
	tap_eq(r - remaining(U_UNTYPED), PAGE, "it takes 4 KiB");
	fails(allocUntyped(U_UNTYPED, 26, 11), -E_RANGE,
	      "allocUntyped of 2^11 (Tessera's smallest is 2^12)");
	fails(allocUntyped(U_UNTYPED, 26, 40), -E_RANGE,
	      "allocUntyped of 2^40 (the lab's largest is 2^31)");
	succeeds(allocCspace(U_UNTYPED, 26), "allocCspace");
	tap_eq(type_of(26), CAP_CSPACE, "allocCspace makes a CSpace");
	r = remaining(U_UNTYPED);
	succeeds(allocPage(U_UNTYPED, 27), "allocPage");
	tap_eq(type_of(27), CAP_PAGE, "allocPage makes a Page");
	succeeds(allocPageTable(U_UNTYPED, 28), "allocPageTable");
	tap_eq(type_of(28), CAP_PT, "allocPageTable makes a page table");
	tap_eq(r - remaining(U_UNTYPED), 2 * PAGE, "a page and a table: 8 KiB");
	fails(allocPage(U_UNTYPED, 27), -E_OCCUPIED,
	      "allocPage into a full slot");
	succeeds(allocPage(25, 40), "allocPage from the 4 KiB untyped");
	fails(allocPage(25, 41), -E_NOMEM, "allocPage from a full untyped");
	fails(allocPageTable(LAB_SLOT_WINDOW, 41), -E_CAPTYPE,
	      "allocPageTable from a window");
	tap_eq(remaining(0x0500 | U_UNTYPED), remaining(U_UNTYPED),
	       "remaining reads its capability directly (the low byte)");
	tap_eq(remaining(U_UNTYPED), tess_remaining(U_UNTYPED),
	       "remaining is Tessera's remaining");
	tap_eq(remaining(25), 0, "remaining of a full untyped is 0");
	fails(remaining(LAB_SLOT_WINDOW), -E_CAPTYPE, "remaining of a window");
	fails(remaining(29), -E_EMPTY, "remaining of an empty slot");
}

/* ------------------------------------------------------------ timer */

static void test_timer(void)
{
	unsigned low = 0, t = getTicks(U_TIMER), u;
	long native;

	for (int i = 0; i < 200; i++)
		low |= getTicks(U_TIMER) & ((1u << U_TIMER_BITS) - 1);
	tap_eq(low, 0, "getTicks: the TimerCap's 4 hidden bits read 0");
	while ((u = getTicks(U_TIMER)) == t)
		;
	tap_ok(u > t && (u - t) % (1u << U_TIMER_BITS) == 0,
	       "getTicks moves on 16 ticks at a time (%u to %u)", t, u);
	native = tess_timer_ticks(U_TIMER);
	tap_ok(native >= (long)u && (native & ((1 << U_TIMER_BITS) - 1)) == 0,
	       "getTicks is Tessera's timer_ticks");
	fails(getTicks(LAB_SLOT_WINDOW), -E_CAPTYPE, "getTicks of a window");
	fails(getTicks(29), -E_EMPTY, "getTicks of an empty slot");
}

/* ------------------------------------------------------------ mapping */

static void test_map(void)
{
	volatile unsigned *p = (volatile unsigned *)(uintptr_t)VA;
	volatile unsigned *q = (volatile unsigned *)(uintptr_t)(VA + PAGE);
	unsigned own;

	succeeds(mapPageTable(28, VA),
		 "mapPageTable at 0x80000000 with no PD made by the program");
	tap_eq(info(28).mapped, 0,
	       "the lab's capability keeps no mapping (a copy is mapped)");
	succeeds(mapPage(27, VA), "mapPage");
	p[0] = 0xfeedbeef;
	tap_eq(p[0], 0xfeedbeef, "the page is memory");
	succeeds(mapPage(27, VA + PAGE), "mapPage of the same page again");
	tap_eq(q[0], 0xfeedbeef, "one page at two addresses, as in the lab");
	succeeds(mapPage(20, VA + 2 * PAGE + 0xabc),
		 "mapPage ignores the offset bits");
	p[2 * 1024] = 3;
	tap_eq(p[2 * 1024], 3, "the page is at 0x80002000");
	succeeds(capclear(27), "capclear of a mapped PageCap");
	tap_eq(q[0], 0xfeedbeef, "what it mapped stays mapped, as in the lab");
	own = own_slots();
	fails(mapPage(21, VA), -E_MAPPED,
	      "mapPage where a page is: 0 (E_MAPPED)");
	tap_eq(own_slots(), own, "a refused mapPage leaves no copy behind");
	fails(mapPage(21, VA + 0x600000), -E_NOTMAPPED,
	      "mapPage with no page table: 0 (E_NOTMAPPED)");
	fails(mapPage(21, 0xc0000000u), -E_RANGE,
	      "mapPage in KERNEL_SPACE: 0 (E_RANGE)");
	fails(mapPage(22, VA + 3 * PAGE), -E_CAPTYPE,
	      "mapPage of a PageTableCap: 0 (E_CAPTYPE)");
	fails(mapPage(29, VA + 3 * PAGE), -E_EMPTY, "mapPage of an empty slot");
	fails(mapPageTable(28, VA + 0x800000), -E_MAPPED,
	      "mapPageTable of a mapped table at a second place: 0 (Tessera "
	      "maps a table in one place)");
	fails(mapPageTable(22, VA + 0x1000), -E_MAPPED,
	      "mapPageTable where a table is: 0 (E_MAPPED)");
	fails(mapPageTable(21, VA + 0x400000), -E_CAPTYPE,
	      "mapPageTable of a PageCap: 0 (E_CAPTYPE)");
	fails(mapPageTable(22, 0xc0000000u), -E_RANGE,
	      "mapPageTable in KERNEL_SPACE: 0 (E_RANGE)");
	tap_eq(own_slots(), own, "no copies left behind");
	succeeds(mapPageTable(22, VA + 0x200000 + 0x1234),
		 "mapPageTable ignores the low 21 bits (a table spans 2 MiB)");
	succeeds(mapPage(21, VA + 0x200000), "a page in that table");
	fails(mapPage(21, VA + 0x400000), -E_NOTMAPPED,
	      "4 MiB on, the lab's table would reach: Tessera's does not");
	succeeds(allocPageTable(U_UNTYPED, 31) && mapPageTable(31, 0x40000000u),
		 "mapPageTable at 1 GiB: the lab layout's PDs cover it");
}

static void test_kmap(void)
{
	unsigned r = remaining(U_UNTYPED);
	long reserve = tess_remaining(LAB_SLOT_RESERVE);
	volatile unsigned *p = (volatile unsigned *)0x601000;

	succeeds(kmapPage(0x601234), "kmapPage with no page table there");
	p[0] = 99;
	tap_eq(p[0], 99, "kmapPage: the page (0x601000) is memory");
	fails(kmapPage(0x601000), -E_MAPPED, "kmapPage where a page is: 0");
	fails(kmapPage(0xc0000000u), -E_RANGE, "kmapPage in KERNEL_SPACE: 0");
	succeeds(kmapPage(0x602000), "kmapPage next to it");
	tap_eq(remaining(U_UNTYPED), r, "kmapPage took none of slot 3");
	tap_eq(reserve - tess_remaining(LAB_SLOT_RESERVE), 3 * PAGE,
	       "it used the reserve: two pages and a page table");
}

/* ------------------------------------------------------------ buffer */

static void test_buffer(void)
{
	char *buf = (char *)(uintptr_t)(VA + 3 * PAGE);

	fails(printBuffer(LAB_SLOT_WINDOW), -E_NOBUF,
	      "printBuffer before allocBuffer: 0 (E_NOBUF)");
	fails(allocBuffer(U_UNTYPED, 0xc0000000u), -E_RANGE,
	      "allocBuffer in KERNEL_SPACE");
	fails(allocBuffer(U_UNTYPED, VA + 3 * PAGE + 8), -E_ALIGN,
	      "allocBuffer needs a page address");
	fails(allocBuffer(LAB_SLOT_WINDOW, VA + 3 * PAGE), -E_CAPTYPE,
	      "allocBuffer from a window");
	fails(allocBuffer(U_UNTYPED, VA), -E_MAPPED,
	      "allocBuffer where a page is");
	fails(allocBuffer(U_UNTYPED, VA + 0x800000), -E_NOTMAPPED,
	      "allocBuffer with no page table there");
	succeeds(allocBuffer(U_UNTYPED, VA + 3 * PAGE),
		 "allocBuffer: the lab layout has no IPC buffer yet");
	fails(allocBuffer(U_UNTYPED, VA + 4 * PAGE), -E_BUSY,
	      "a second allocBuffer: 0 (E_BUSY)");
	strcpy(buf, "llp-unit: printBuffer\n");
	succeeds(printBuffer(LAB_SLOT_WINDOW), "printBuffer");
	printf("# expect: " U_WINDOW_NAME " llp-unit: printBuffer\n");
	tap_eq(tess_cap_mint(LAB_SLOT_WINDOW, 30, CAN_setAttr, 0), 0,
	       "(a window with CAN_setAttr only, in slot 30)");
	fails(printBuffer(30), -E_RIGHTS, "printBuffer needs CAN_putchar");
	fails(printString(30, "x"), -E_RIGHTS, "printString needs CAN_putchar");
	tess_cap_delete(30);
	succeeds(printString(LAB_SLOT_WINDOW, "llp-unit: printString\n"),
		 "printString");
	printf("# expect: " U_WINDOW_NAME " llp-unit: printString\n");
	fails(printString(LAB_SLOT_WINDOW, (const char *)0x90000000ul),
	      -E_FAULT, "printString of an unmapped address: 0 (E_FAULT)");
	fails(printString(29, "x"), -E_EMPTY, "printString of an empty slot");
}

/* ------------------------------------------------------------ dump */

static void test_dump(void)
{
	uint64_t pt = info(28).paddr;
	long to_window, to_none;

	dump();
	tap_eq(llpLastError(), 0, "dump() with a console");
	printf("# expect: dump: process 0x%x, capabilities in slots "
	       "0x00-0xff:\n",
	       my_tid);
	printf("# expect:   0x02 WindowCap: perms 0x7 cls setAttr putchar\n");
	printf("# expect:   0x09 TimerCap: 4 low bits hidden\n");
	printf("# expect:   0x0e CspaceCap: 256 slots\n");
	printf("# expect:   0x%08x PageTableCap at 0x%lx\n", VA,
	       (unsigned long)pt);
	printf("# expect: dump: end\n");
	/* No TAP output while the console is away: it goes through it. */
	fflush_stdout();
	tess_cap_move(CONSOLE, 200);
	dump();
	to_window = llpLastError();
	tess_cap_move(LAB_SLOT_WINDOW, 201);
	dump();
	to_none = llpLastError();
	tess_cap_move(201, LAB_SLOT_WINDOW);
	tess_cap_move(200, CONSOLE);
	tap_eq(to_window, 0, "dump() with no console writes in slot 2");
	printf("# expect: " U_WINDOW_NAME " dump: end\n");
	tap_eq(to_none, -E_EMPTY,
	       "dump() with neither prints nothing (E_EMPTY)");
	tap_ok(type_of(CONSOLE) == CAP_CONSOLE &&
		   type_of(LAB_SLOT_WINDOW) == CAP_WINDOW,
	       "(console and window back in place)");
}

int main(long arg)
{
	struct task_ids ids;

	(void)arg;
	tess_getid(&ids);
	my_tid = ids.tid;
	layout();
	test_kputc();
	test_capmove();
	test_two_level();
	test_retype();
	test_alloc();
	test_timer();
	test_map();
	test_kmap();
	test_buffer();
	capio_tests();
	printf("# expect: " U_WINDOW_NAME " > llp-unit: capputs\n");
	printf("# expect: " U_WINDOW_NAME
	       " llp-unit: capprintf -42 beef str !\n");
	printf("# expect: " U_WINDOW_NAME
	       " llp-unit: printf is capprintf in slot 2\n");
	printf("# expect: " U_WINDOW_NAME
	       " llp-unit: puts writes no newline of its own\n");
	printf("# expect: " U_WINDOW_NAME
	       " llp-unit: the low byte names the slot\n");
	test_dump();
	return tap_finish();
}
