/*
 * A program for the LLP capabilities lab, written from the lab's text
 * (shared/seeds/llp-capabilities-lab.txt, steps 3 to 9) and built against
 * Tessera's llp.h and capio.h, as a student's would be.  It checks what
 * the lab says each call does and prints TAP lines in its window.
 *
 * Two processes run it, as the lab's kernel runs two (user/llp/
 * manifest-lab.txt): the first has the console (slot 1), a 1 MiB untyped,
 * the lab's window rights (no CAN_cls) in window 1 and a TimerCap in slot
 * 5 with 3 bits hidden; the second has no console, 512 KiB, every window
 * right in window 2 and a TimerCap with none hidden.  The second runs
 * first and alone (a higher priority), then the first: so kputc's
 * characters on the console never cut a window's line on the serial
 * mirror.  The first prints the plan for both.
 *
 * The lab's calls return 1 or 0; where the lab's own call returns nothing
 * (capcls, capsetAttr) the program asks llpLastError(), Tessera's one
 * addition, what happened.
 */
#include <llp.h>
#include <capio.h>

#define UNTYPED 3 /* the lab's memoryPool */
#define TIMER 5	  /* where the manifest puts the TimerCap */
#define KERNEL_SPACE 0xc0000000u
#define PAGESIZE 4096
#define SECOND_PROCESS_CHECKS 11

static unsigned tests, failed;

static void check(int ok, const char *what)
{
	tests++;
	if (!ok)
		failed++;
	printf("%sok %u - %s\n", ok ? "" : "not ", tests, what);
}

/* Each line of console output ends before any window output (the
 * console's characters reach the serial line one by one). */
static unsigned kputs(unsigned cap, const char *s)
{
	unsigned id = 0;
	while (*s)
		id = kputc(cap, *s++);
	return id;
}

/* Wait for the timer to move on; the first new reading. */
static unsigned next_tick(unsigned tcap)
{
	unsigned t0 = getTicks(tcap), t;
	while ((t = getTicks(tcap)) == t0)
		;
	return t;
}

/* ------------------------------------------------------------ process 2 */

static void second_process(void)
{
	unsigned t, odd = 0, windows = 0;

	check(kputc(CONSOLE, '!') == 0,
	      "process 2: kputc without a console capability returns 0");
	check(remaining(UNTYPED) == 512 * 1024,
	      "process 2: its own untyped, 512 KiB");
	cls();
	check(llpLastError() == 0, "process 2: cls with CAN_cls");
	setAttr(0x2e);
	check(llpLastError() == 0, "process 2: setAttr with CAN_setAttr");
	check(printString(DEFAULT_WINDOW_CAP, "lab: the window of process 2\n"),
	      "process 2: printString in its window");
	for (unsigned slot = 0; slot < 256; slot++)
		windows += printString(slot, "");
	check(windows == 1, "process 2: one window capability, in slot 2");
	check(capmove(DEFAULT_WINDOW_CAP, 7, COPY) &&
		  printString(7, "lab: process 2 through a copy\n") &&
		  capclear(7),
	      "process 2: a copy of its window capability writes there too");
	for (int i = 0; i < 8; i++)
		odd |= next_tick(TIMER) & 7;
	check(odd != 0, "process 2: a TimerCap hiding no bits shows every "
			"tick");
	t = getTicks(TIMER);
	check(next_tick(TIMER) > t, "process 2: the timer advances");
	check(getTicks(DEFAULT_WINDOW_CAP) == 0,
	      "process 2: getTicks of a window is 0");
	check(kputs(CONSOLE, "x\n") == 0,
	      "process 2: still no console after all that");
}

/* ------------------------------------------------------------ step 3 */

static void windows_and_rights(void)
{
	cls();
	check(llpLastError() == -E_RIGHTS,
	      "step 3: cls is refused without CAN_cls (the lab's perms)");
	setAttr(0x1e);
	check(llpLastError() == 0, "step 3: setAttr with CAN_setAttr");
	putchar('\n');
	check(llpLastError() == 0, "step 3: putchar with CAN_putchar");
	printf("lab: the window of process 1\n");
}

static void capmove_capclear(void)
{
	check(kputs(CONSOLE, "lab: process 1 on the console\n") != 0,
	      "step 3: kputc returns the process id (non-zero)");
	check(capmove(CONSOLE, 4, MOVE), "step 3: move the console to slot 4");
	check(kputs(CONSOLE, "\n") == 0 && kputs(4, "\n") != 0,
	      "step 3: after the move slot 4 has it, slot 1 not");
	check(capmove(4, CONSOLE, COPY), "step 3: copy it back to slot 1");
	check(kputs(CONSOLE, "\n") != 0 && kputs(4, "\n") != 0,
	      "step 3: both copies work");
	check(capclear(CONSOLE), "step 3: capclear slot 1");
	check(kputs(CONSOLE, "\n") == 0,
	      "step 3: a cleared slot is no console");
	check(!capclear(CONSOLE), "step 3: capclear of an empty slot fails");
	check(capmove(4, CONSOLE, MOVE) && kputs(CONSOLE, "\n") != 0 &&
		  kputs(4, "\n") == 0,
	      "step 3: move it home again");
	check(!capmove(9, 10, MOVE), "step 3: capmove from an empty slot "
				     "fails");
	check(!capmove(DEFAULT_WINDOW_CAP, UNTYPED, COPY),
	      "step 3: capmove into a full slot fails");
	check(!capmove(DEFAULT_WINDOW_CAP, DEFAULT_WINDOW_CAP, MOVE),
	      "step 3: capmove of a slot onto itself fails");
	check(!capmove(UNTYPED, 10, COPY),
	      "step 3: an UntypedCap cannot be copied");
	check(capmove(UNTYPED, 10, MOVE) && remaining(10) == 1024 * 1024 &&
		  capmove(10, UNTYPED, MOVE),
	      "step 3: an UntypedCap can be moved, and back");
	check(!capmove(0x0901, 10, COPY) && !capclear(0x0901),
	      "step 3: 0x0901 does not resolve: slot 9 holds no CspaceCap");
}

/* ------------------------------------------------------------ step 4 */

static void timer(void)
{
	unsigned low = 0, t = getTicks(TIMER), u;

	for (int i = 0; i < 1000; i++)
		low |= getTicks(TIMER) & 7;
	check(low == 0, "step 4: 3 hidden bits read as zero");
	u = next_tick(TIMER);
	check(u > t && (u - t) % 8 == 0,
	      "step 4: the timer advances, 8 ticks at a time");
	check(getTicks(DEFAULT_WINDOW_CAP) == 0 && getTicks(40) == 0,
	      "step 4: getTicks needs a TimerCap");
}

/* ------------------------------------------------------------ steps 5, 6 */

static void alloc_and_map(void)
{
	volatile unsigned *p = (volatile unsigned *)0x80000000u;
	unsigned r = remaining(UNTYPED);

	check(r == 1024 * 1024, "step 6: remaining of its fresh untyped");
	check(allocPage(UNTYPED, 12), "step 5: allocPage into slot 12");
	check(remaining(UNTYPED) == r - PAGESIZE,
	      "step 6: remaining is a page less");
	check(!allocPage(UNTYPED, 12), "step 5: allocPage into a full slot "
				       "fails");
	check(!allocPage(DEFAULT_WINDOW_CAP, 30),
	      "step 5: allocPage from a window fails");
	check(!mapPage(12, 0x80000000u),
	      "step 5: mapPage with no page table there fails");
	check(allocPageTable(UNTYPED, 21), "step 5: allocPageTable");
	check(mapPageTable(21, 0x80000000u), "step 5: mapPageTable");
	check(allocPageTable(UNTYPED, 22) && !mapPageTable(22, 0x80000000u),
	      "step 5: a second page table at the same place fails");
	check(mapPage(12, 0x80000000u), "step 5: mapPage");
	p[0] = 0x12345678;
	p[1023] = 42;
	check(p[0] == 0x12345678 && p[1023] == 42,
	      "step 5: the mapped page is memory");
	check(allocPage(UNTYPED, 20) && !mapPage(20, 0x80000000u),
	      "step 5: mapPage where a page is mapped fails");
	check(!mapPage(21, 0x80001000u) && !mapPageTable(12, 0x80400000u),
	      "step 5: mapPage needs a PageCap, mapPageTable a "
	      "PageTableCap");
	check(!mapPage(20, KERNEL_SPACE) && !mapPageTable(22, KERNEL_SPACE),
	      "step 5: nothing maps in KERNEL_SPACE");
	check(allocCspace(UNTYPED, 14), "step 5: allocCspace into slot 14");
	check(capmove(CONSOLE, 0x0e01, COPY) && capmove(0x0e01, 0x0e02, MOVE) &&
		  capclear(0x0e02) && !capclear(0x0e02),
	      "step 5: slots 0x0e01, 0x0e02 are in the new cspace");
	check(!capmove(0x0e05, 6, MOVE), "step 5: its other slots are empty");
	check(allocUntyped(UNTYPED, 16, 12) && remaining(16) == 4096,
	      "step 5: allocUntyped, 4 KiB");
	check(!allocUntyped(UNTYPED, 17, 9) && !allocUntyped(UNTYPED, 17, 32),
	      "step 5: allocUntyped refuses sizes out of range");
	check(kmapPage(0x600000), "kmapPage maps a page without a capability");
	*(volatile unsigned *)0x600000 = 7;
	check(*(volatile unsigned *)0x600000 == 7 && !kmapPage(0x600000),
	      "kmapPage: memory, and only once");
	check(remaining(DEFAULT_WINDOW_CAP) == 0,
	      "step 6: remaining of a window is 0");
}

/* ------------------------------------------------------------ step 7 */

static void buffer(void)
{
	char *buf = (char *)0x80001000u, *next = (char *)0x80002000u;
	const char *msg = "lab: printed from the buffer\n";
	int i;

	check(!printBuffer(DEFAULT_WINDOW_CAP),
	      "step 7: printBuffer before allocBuffer fails");
	check(!allocBuffer(UNTYPED, KERNEL_SPACE),
	      "step 7: allocBuffer in KERNEL_SPACE fails");
	check(!allocBuffer(UNTYPED, 0x80000000u),
	      "step 7: allocBuffer where a page is mapped fails");
	check(!allocBuffer(DEFAULT_WINDOW_CAP, 0x80001000u),
	      "step 7: allocBuffer needs an UntypedCap");
	check(allocBuffer(UNTYPED, 0x80001000u), "step 7: allocBuffer");
	check(!allocBuffer(UNTYPED, 0x80003000u),
	      "step 7: only one buffer per process");
	for (i = 0; msg[i]; i++)
		buf[i] = msg[i];
	buf[i] = 0;
	check(printBuffer(DEFAULT_WINDOW_CAP), "step 7: printBuffer");
	printf("# expect: [w1] lab: printed from the buffer\n");
	/* No NUL: printBuffer must stop at the end of the page, before
	 * the 'y's of the next one. */
	allocPage(UNTYPED, 13);
	mapPage(13, 0x80002000u);
	for (i = 0; i < PAGESIZE; i++) {
		buf[i] = 'x';
		next[i] = 'y';
	}
	i = printBuffer(DEFAULT_WINDOW_CAP);
	printf("|\n");
	check(i, "step 7: printBuffer of a page with no NUL");
	/* 4096 = 17 window lines of 240, then 16 */
	printf("# expect: [w1] xxxxxxxxxxxxxxxx|\n");
	check(!printBuffer(9), "step 7: printBuffer needs a WindowCap");
	check(printString(DEFAULT_WINDOW_CAP, "lab: printString\n"),
	      "step 7: printString");
	printf("# expect: [w1] lab: printString\n");
	check(!printString(DEFAULT_WINDOW_CAP, (const char *)0x90000000u),
	      "step 7: printString of an unmapped address fails");
	next[PAGESIZE - 1] = 'z';
	check(!printString(DEFAULT_WINDOW_CAP, next + PAGESIZE - 1),
	      "step 7: printString of a string running off the map fails");
}

/* ------------------------------------------------------------ step 8 */

static void retype_objects(void)
{
	unsigned r = remaining(UNTYPED), ok = 1;

	check(retype(UNTYPED, PageCap, 0, 40, 4), "step 8: retype 4 pages");
	check(remaining(UNTYPED) == r - 4 * PAGESIZE,
	      "step 8: they take 4 pages");
	for (unsigned i = 0; i < 4; i++)
		ok &= mapPage(40 + i, 0x80010000u + i * PAGESIZE);
	check(ok, "step 8: slots 40 to 43 hold pages");
	r = remaining(UNTYPED);
	check(!retype(UNTYPED, PageCap, 0, 42, 2) && remaining(UNTYPED) == r,
	      "step 8: an occupied slot fails the whole retype");
	check(retype(UNTYPED, PageTableCap, 0, 50, 1) &&
		  mapPageTable(50, 0x80400000u),
	      "step 8: retype a page table");
	check(retype(UNTYPED, CspaceCap, 0, 60, 1) &&
		  capmove(CONSOLE, 0x3c07, COPY) && capclear(0x3c07),
	      "step 8: retype a cspace");
	check(retype(UNTYPED, UntypedCap, 12, 70, 2) && remaining(70) == 4096 &&
		  remaining(71) == 4096,
	      "step 8: retype 2 untypeds of 2^12");
	check(!retype(UNTYPED, WindowCap, 0, 80, 1) &&
		  !retype(UNTYPED, ConsoleCap, 0, 80, 1) &&
		  !retype(UNTYPED, 99, 0, 80, 1),
	      "step 8: only memory objects are made by retype");
	check(!retype(UNTYPED, PageCap, 0, 254, 4),
	      "step 8: the slots must lie in one cspace");
	check(!retype(UNTYPED, PageCap, 0, 80, 0), "step 8: num 0 fails");
	check(!retype(DEFAULT_WINDOW_CAP, PageCap, 0, 80, 1),
	      "step 8: retype needs an UntypedCap");
}

/* ------------------------------------------------------------ step 9 */

static void two_processes(void)
{
	check(remaining(UNTYPED) < 1024 * 1024 && remaining(UNTYPED) > 0,
	      "step 9: process 1 used its own memory");
	printf("# expect: [w1] lab: the window of process 1\n");
	printf("# expect: [w2] lab: the window of process 2\n");
	printf("# expect: [w2] lab: process 2 through a copy\n");
	printf("# expect: lab: process 1 on the console\n");
}

void cmain(void)
{
	if (!kputc(CONSOLE, '\n')) {
		second_process();
		return;
	}
	windows_and_rights();
	capmove_capclear();
	timer();
	alloc_and_map();
	buffer();
	retype_objects();
	two_processes();
	printf("1..%u\n", tests + SECOND_PROCESS_CHECKS);
	printf("# lab: process 1 made %u checks, %u failed\n", tests, failed);
}
