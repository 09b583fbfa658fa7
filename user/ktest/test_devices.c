/*
 * The device capabilities of the LLP lab through real system calls: the
 * console (putc, write, colour badge), windows (putc, cls and setAttr each
 * needing its right), the timer (hidden low bits), the IPC buffer calls
 * (alloc_buffer, print_buffer) and print_string, debug_dump, and the lab's
 * "two programs, each with its own window" run as two threads in two
 * spaces copied from this one.
 *
 * Window output is mirrored on the serial line as "[wN] text" lines; the
 * suite prints "# expect: [wN] text" and the runner checks the line is in
 * the log.  Objects come from a private untyped, revoked at the end;
 * mappings stay in KT_VA_DEVICES.
 */
#include "ktest.h"

#define DEV_UNTYPED_BITS 22
#define VA_DEV KT_VA_DEVICES	     /* a PT made here covers 2 MiB */
#define VA_STR (VA_DEV + 0x10000)    /* strings; the next page is unmapped */
#define VA_MAPPED (VA_DEV + 0x20000) /* a mapped page */
#define VA_BUF (VA_DEV + 0x30000)    /* the buffer thread's buffer */
#define VA_NOTABLE (VA_DEV + (1ul << 30)) /* no PD entry there */
#define VA_LONG (VA_DEV + 0x40000) /* two mapped pages; the next unmapped */
#define PRINT_MAX 4096		   /* print_string's cut */
#define W0 BOOT_SLOT_WINDOW0

static cptr_t ud; /* the suite's private untyped */
static uint32_t root_tid, root_spid;

static cptr_t mint_slot(cptr_t src, uint32_t rights, uint64_t badge)
{
	cptr_t s = kt_slot();
	long r = tess_cap_mint(src, s, rights, badge);
	if (r)
		tap_diag("mint failed: %s", tess_strerror(r));
	return s;
}

/* Window output: a whole line through `w`, ended by '\n'. */
static void wputs(cptr_t w, const char *s)
{
	while (*s)
		tess_window_putc(w, *s++);
}

/* ------------------------------------------------------------ threads */

/* Start fn on `stack` in a new thread: sharing this space (space == 0) or
 * in a copy of it.  Its pager is TID_NIL, so a fault ends it with status -1
 * rather than waiting for us.  Returns the tid, 0 on failure. */
static uint32_t start_thread(cptr_t thread, cptr_t space, cptr_t cspace,
			     cptr_t dest, void (*fn)(void), char *stack,
			     size_t size, uint32_t *copied)
{
	struct task_ids ids = {root_tid, 0, 0, 0};
	struct thread_create tc;
	struct exregs x;
	long r;

	memset(&tc, 0, sizeof(tc));
	tc.thread = thread;
	tc.space = space;
	tc.cspace = space ? cspace : CPTR_NONE;
	tc.untyped = ud;
	tc.dest = dest;
	tc.pager = TID_NIL;
	tc.cid = 0;
	tc.prio = PRIO_INHERIT;
	r = tess_thread_control(THREAD_CREATE |
				    (space ? TC_COPY_SPACE : TC_SHARE_SPACE),
				&ids, &tc);
	if (r) {
		tap_diag("thread_control(CREATE): %s", tess_strerror(r));
		return 0;
	}
	if (copied)
		*copied = tc.copied;
	memset(&x, 0, sizeof(x));
	x.rip = (uint64_t)fn;
	x.rsp = (uint64_t)(stack + size - 8);
	x.pager = TID_NIL;
	x.valid = EXREGS_SET_PC | EXREGS_SET_SP | EXREGS_SET_PAGER;
	r = tess_exchange_registers(&x, ids.tid);
	if (r) {
		tap_diag("exchange_registers: %s", tess_strerror(r));
		return 0;
	}
	return ids.tid;
}

/* Wait for `tid` to end; its exit status, or -1000 if the wait fails. */
static long wait_thread(uint32_t tid)
{
	struct task_ids ids = {tid, 0, 0, 0};
	long r = tess_thread_control(THREAD_WAIT, &ids, NULL);
	if (r) {
		tap_diag("thread_control(WAIT): %s", tess_strerror(r));
		return -1000;
	}
	return ids.status;
}

/* ------------------------------------------------------------ console */

static void console(void)
{
	static const char line[] = "# console_putc writes this line\n";
	cptr_t col = mint_slot(BOOT_SLOT_CONSOLE, 0, 0x1e), e = kt_slot();
	long r = 0;

	for (const char *p = line; *p; p++)
		r |= tess_console_putc(BOOT_SLOT_CONSOLE, *p);
	tap_eq(r, 0, "console_putc of a line");
	printf("# expect: # console_putc writes this line\n");
	r = tess_console_write(col, "# in colour 0x1e\n", 17);
	tap_eq(r, 17, "console_write through a console minted with a colour");
	tap_eq(tess_console_putc(W0, 'x'), -E_CAPTYPE,
	       "console_putc through a Window is E_CAPTYPE");
	tap_eq(tess_console_putc(e, 'x'), -E_EMPTY,
	       "console_putc through an empty slot is E_EMPTY");
	tap_eq(tess_console_putc(0x1000, 'x'), -E_BADCAP,
	       "console_putc through a bad address is E_BADCAP");
	tap_eq(tess_console_write(W0, "x\n", 2), -E_CAPTYPE,
	       "console_write through a Window is E_CAPTYPE");
	tap_eq(tess_console_write(e, "x\n", 2), -E_EMPTY,
	       "console_write through an empty slot is E_EMPTY");
	tap_eq(tess_console_write(0xdead0001, "x\n", 2), -E_BADCAP,
	       "console_write through a bad address is E_BADCAP");
}

/* ------------------------------------------------------------ windows */

static void windows(void)
{
	cptr_t pc = mint_slot(W0, CAN_putchar, 0),
	       cls = mint_slot(W0, CAN_cls, 0);
	cptr_t attr = mint_slot(W0, CAN_setAttr, 0), none = mint_slot(W0, 0, 0),
	       e = kt_slot();
	long r;

	tap_eq(tess_window_cls(W0), 0, "window_cls with every right");
	tap_eq(tess_window_set_attr(W0, 0x1e), 0,
	       "window_set_attr with every right");
	tap_eq(tess_window_set_attr(W0, 0x100), -E_RANGE,
	       "window_set_attr of 0x100 is E_RANGE");
	tap_eq(tess_window_set_attr(W0, 0x1f), 0,
	       "window_set_attr back to the window's colour");

	/* "AB" through the caps that may, "X" through those that may not. */
	wputs(W0, "window rights: ");
	r = tess_window_putc(W0, 'A');
	tap_eq(r, 0, "window_putc with every right");
	tap_eq(tess_window_putc(cls, 'X'), -E_RIGHTS,
	       "window_putc without CAN_putchar is E_RIGHTS");
	tap_eq(tess_window_putc(attr, 'X'), -E_RIGHTS,
	       "window_putc with only CAN_setAttr is E_RIGHTS");
	tap_eq(tess_window_putc(none, 'X'), -E_RIGHTS,
	       "window_putc with no rights is E_RIGHTS");
	tap_eq(tess_window_putc(pc, 'B'), 0,
	       "window_putc with only CAN_putchar");
	tess_window_putc(W0, '\n');
	printf("# expect: [w0] window rights: AB\n");

	tap_eq(tess_window_cls(pc), -E_RIGHTS,
	       "window_cls without CAN_cls is E_RIGHTS");
	tap_eq(tess_window_cls(attr), -E_RIGHTS,
	       "window_cls with only CAN_setAttr is E_RIGHTS");
	tap_eq(tess_window_cls(none), -E_RIGHTS,
	       "window_cls with no rights is E_RIGHTS");
	tap_eq(tess_window_cls(cls), 0, "window_cls with only CAN_cls");
	tap_eq(tess_window_set_attr(pc, 0x1f), -E_RIGHTS,
	       "window_set_attr without CAN_setAttr is E_RIGHTS");
	tap_eq(tess_window_set_attr(cls, 0x1f), -E_RIGHTS,
	       "window_set_attr with only CAN_cls is E_RIGHTS");
	tap_eq(tess_window_set_attr(none, 0x1f), -E_RIGHTS,
	       "window_set_attr with no rights is E_RIGHTS");
	tap_eq(tess_window_set_attr(attr, 0x1f), 0,
	       "window_set_attr with only CAN_setAttr");

	tap_eq(tess_window_putc(BOOT_SLOT_CONSOLE, 'x'), -E_CAPTYPE,
	       "window_putc through the console is E_CAPTYPE");
	tap_eq(tess_window_putc(e, 'x'), -E_EMPTY,
	       "window_putc through an empty slot is E_EMPTY");
	tap_eq(tess_window_putc(0x1000, 'x'), -E_BADCAP,
	       "window_putc through a bad address is E_BADCAP");
	tap_eq(tess_window_cls(BOOT_SLOT_TIMER), -E_CAPTYPE,
	       "window_cls through the timer is E_CAPTYPE");
	tap_eq(tess_window_cls(e), -E_EMPTY,
	       "window_cls through an empty slot is E_EMPTY");
	tap_eq(tess_window_cls(0x1000), -E_BADCAP,
	       "window_cls through a bad address is E_BADCAP");
	tap_eq(tess_window_set_attr(BOOT_SLOT_CONSOLE, 7), -E_CAPTYPE,
	       "window_set_attr through the console is E_CAPTYPE");
	tap_eq(tess_window_set_attr(e, 7), -E_EMPTY,
	       "window_set_attr through an empty slot is E_EMPTY");
	tap_eq(tess_window_set_attr(0x1000, 7), -E_BADCAP,
	       "window_set_attr through a bad address is E_BADCAP");
}

/* ------------------------------------------------------------ timer */

static void timer(void)
{
	cptr_t t3 = mint_slot(BOOT_SLOT_TIMER, 0, 3),
	       all = mint_slot(BOOT_SLOT_TIMER, 0, 63);
	cptr_t fewer = kt_slot(), e = kt_slot();
	long t0 = tess_timer_ticks(BOOT_SLOT_TIMER), t1 = t0, raw0, masked,
	     raw1;

	tap_ok(t0 >= 0, "timer_ticks reads the tick counter (%ld)", t0);
	for (long i = 0; i < 1000000 && t1 == t0; i++)
		t1 = tess_timer_ticks(BOOT_SLOT_TIMER);
	tap_ok(t1 > t0, "the tick counter advances");

	raw0 = tess_timer_ticks(BOOT_SLOT_TIMER);
	masked = tess_timer_ticks(t3);
	raw1 = tess_timer_ticks(BOOT_SLOT_TIMER);
	tap_ok(masked >= 0 && masked % 8 == 0,
	       "a timer hiding 3 bits reads a multiple of 8 (%ld)", masked);
	tap_ok((raw0 & ~7l) <= masked && masked <= raw1,
	       "it is the tick count with its low 3 bits cleared (%ld <= %ld "
	       "<= %ld)",
	       raw0 & ~7l, masked, raw1);
	tap_eq(tess_timer_ticks(all), 0, "a timer hiding 63 bits reads 0");
	tap_eq(tess_cap_mint(t3, fewer, 0, 2), -E_PERM,
	       "minting a timer hiding fewer bits than its source is E_PERM");
	tap_eq(tess_cap_mint(t3, fewer, 0, 64), -E_RANGE,
	       "minting a timer hiding 64 bits is E_RANGE");
	tap_eq(tess_timer_ticks(BOOT_SLOT_CONSOLE), -E_CAPTYPE,
	       "timer_ticks through the console is E_CAPTYPE");
	tap_eq(tess_timer_ticks(e), -E_EMPTY,
	       "timer_ticks through an empty slot is E_EMPTY");
	tap_eq(tess_timer_ticks(0x1000), -E_BADCAP,
	       "timer_ticks through a bad address is E_BADCAP");
}

/* ------------------------------------------------------------ debug */

static void debug(void)
{
	cptr_t d = mint_slot(BOOT_SLOT_DEBUG, 0, 0), e = kt_slot();

	tap_eq(tess_debug_dump(BOOT_SLOT_DEBUG, DUMP_THREADS), 0,
	       "debug_dump of the threads");
	printf("# expect: --- dump for thread %x (root)\n", root_tid);
	printf("# expect: --- end of dump\n");
	tap_eq(
	    tess_debug_dump(d, DUMP_CSPACE | DUMP_CDT | DUMP_CAPLISTS |
				   DUMP_THREADS),
	    0,
	    "debug_dump of everything through a copy of the Debug capability");
	tap_eq(tess_debug_dump(BOOT_SLOT_DEBUG, DUMP_COUNTERS << 1), -E_INVAL,
	       "debug_dump with an unknown flag is E_INVAL");
	{
		struct tess_counters c;
		memset(&c, 0xa5, sizeof(c));
		tap_ok(tess_debug_counters(BOOT_SLOT_DEBUG, &c) == 0 &&
			   c.events == 0 && c.cr3_writes == 0 &&
			   c.fpu_saves == 0 && c.fpu_traps == 0,
		       "debug_dump DUMP_COUNTERS: this kernel counts no events "
		       "(only the bench kernel does)");
		tap_eq(tess_debug_counters(BOOT_SLOT_TIMER, &c), -E_CAPTYPE,
		       "debug_dump DUMP_COUNTERS needs the Debug capability");
	}
	tap_eq(tess_debug_dump(BOOT_SLOT_DEBUG, ~0u), -E_INVAL,
	       "debug_dump with every bit set is E_INVAL");
	tap_eq(tess_debug_dump(BOOT_SLOT_TIMER, DUMP_THREADS), -E_CAPTYPE,
	       "debug_dump without the Debug capability is E_CAPTYPE");
	tap_eq(tess_debug_dump(BOOT_SLOT_TIMER, DUMP_CAPTREE), -E_CAPTYPE,
	       "debug_dump of every capability needs the Debug capability");
	tap_eq(tess_debug_dump(e, DUMP_THREADS), -E_EMPTY,
	       "debug_dump through an empty slot is E_EMPTY");
	tap_eq(tess_debug_dump(0x1000, DUMP_THREADS), -E_BADCAP,
	       "debug_dump through a bad address is E_BADCAP");

	/* This kernel (kcheck) counts no coverage: only kfuzz does, and
	 * the fuzz suite tests it there. */
	for (unsigned op = COVERAGE_EDGES; op <= COVERAGE_CHECK; op++)
		tap_eq(tess_debug_coverage(BOOT_SLOT_DEBUG, op, NULL, 0),
		       -E_NOSYS,
		       "debug_coverage %u on a kernel without coverage is "
		       "E_NOSYS",
		       op);
	tap_eq(tess_debug_coverage(d, COVERAGE_CHECK + 1, NULL, 0), -E_INVAL,
	       "debug_coverage with an unknown operation is E_INVAL");
	tap_eq(tess_debug_coverage(BOOT_SLOT_TIMER, COVERAGE_EDGES, NULL, 0),
	       -E_CAPTYPE,
	       "debug_coverage without the Debug capability is "
	       "E_CAPTYPE");
	tap_eq(tess_debug_coverage(e, COVERAGE_EDGES, NULL, 0), -E_EMPTY,
	       "debug_coverage through an empty slot is E_EMPTY");
	tap_eq(tess_debug_coverage(0x1000, COVERAGE_EDGES, NULL, 0), -E_BADCAP,
	       "debug_coverage through a bad address is E_BADCAP");
}

/* ------------------------------------------------------------ idle */

/* The idle thread runs when nothing else can (the root task asleep), and
 * not while a thread is runnable (the root task yielding); the scheduler
 * counts both, and debug_dump DUMP_COUNTERS reads the counts. */
static void idle(void)
{
	struct tess_counters a, b, c;

	tap_eq(tess_debug_counters(BOOT_SLOT_DEBUG, NULL), -E_FAULT,
	       "debug_dump DUMP_COUNTERS into NULL is E_FAULT");
	tap_eq(tess_debug_counters(BOOT_SLOT_DEBUG,
				   (struct tess_counters *)VA_MAPPED),
	       -E_FAULT,
	       "debug_dump DUMP_COUNTERS into a read-only page is "
	       "E_FAULT");
	tap_eq(tess_debug_counters(kt_slot(), &a), -E_EMPTY,
	       "debug_dump DUMP_COUNTERS through an empty slot is E_EMPTY");
	if (!tap_eq(tess_debug_counters(BOOT_SLOT_DEBUG, &a), 0,
		    "debug_dump DUMP_COUNTERS reads the scheduler's counters"))
		return;
	b = a;
	while (b.ticks < a.ticks + 3 &&
	       tess_debug_counters(BOOT_SLOT_DEBUG, &b) == 0)
		tess_thread_switch(TID_NIL);
	tap_ok(b.idle_entries == a.idle_entries && b.idle_ticks == a.idle_ticks,
	       "idle: while the root task runs (yielding, 3 ticks) the idle "
	       "thread does not");
	tap_eq(tess_sleep_us(50000), 0,
	       "idle: the root task sleeps 50 ms, nothing else is runnable");
	tess_debug_counters(BOOT_SLOT_DEBUG, &c);
	tap_ok(c.idle_entries > b.idle_entries,
	       "idle: meanwhile the scheduler chose the idle thread");
	if (!tap_ok(c.idle_ticks > b.idle_ticks && c.ticks > b.ticks,
		    "idle: and the idle thread ran through timer ticks"))
		tap_diag("  idle ticks %lu of %lu", c.idle_ticks - b.idle_ticks,
			 c.ticks - b.ticks);
}

/* ------------------------------------------------------------ print_string */

static void print_string(void)
{
	char *page = (char *)VA_STR;
	cptr_t lim = mint_slot(W0, RIGHT_WINDOW_ALL, 9),
	       cls = mint_slot(W0, CAN_cls, 0), e = kt_slot();
	static const char edge[] = "unended";
	static const char end[] = "page-end string";
	char line[64];

	strcpy(page, "print_string stops here");
	page[24] = 'X'; /* after the NUL */
	tap_eq(tess_print_string(W0, page), 23,
	       "print_string returns the length up to the NUL");
	tess_window_putc(W0, '\n');
	printf("# expect: [w0] print_string stops here\n");

	/* A string running into the unmapped next page: refused whole. */
	memcpy(page + 4096 - 7, edge, 7);
	wputs(W0, "before the fault, ");
	tap_eq(tess_print_string(W0, page + 4096 - 7), -E_FAULT,
	       "print_string running into an unmapped page before its NUL is "
	       "E_FAULT");
	wputs(W0, "after it\n");
	printf("# expect: [w0] before the fault, after it\n");

	/* A string whose NUL is the page's last byte. */
	memcpy(page + 4096 - sizeof(end), end, sizeof(end));
	tap_eq(tess_print_string(W0, page + 4096 - sizeof(end)),
	       (long)sizeof(end) - 1,
	       "print_string of a string ending exactly at the end of a mapped "
	       "page");
	tess_window_putc(W0, '\n');
	printf("# expect: [w0] page-end string\n");

	tap_eq(tess_print_string(lim, "truncated string\n"), 9,
	       "print_string through a window of maximum length 9 prints 9 "
	       "characters");
	tess_window_putc(W0, '\n');
	printf("# expect: [w0] truncated\n");

	tap_eq(tess_print_string(W0, NULL), -E_FAULT,
	       "print_string(NULL) is E_FAULT");
	tap_eq(tess_print_string(W0, (const char *)0xffff800000000000ul),
	       -E_FAULT, "print_string of a kernel-half address is E_FAULT");
	tap_eq(tess_print_string(W0, page + 4096), -E_FAULT,
	       "print_string of an unmapped address is E_FAULT");
	tap_eq(tess_print_string(cls, "x\n"), -E_RIGHTS,
	       "print_string without CAN_putchar is E_RIGHTS");
	tap_eq(tess_print_string(BOOT_SLOT_CONSOLE, "x\n"), -E_CAPTYPE,
	       "print_string through the console is E_CAPTYPE");
	tap_eq(tess_print_string(e, "x\n"), -E_EMPTY,
	       "print_string through an empty slot is E_EMPTY");
	tap_eq(tess_print_string(0x1000, "x\n"), -E_BADCAP,
	       "print_string through a bad address is E_BADCAP");
	/* The refused calls printed nothing: this line is whole. */
	snprintf(line, sizeof(line), "print_string refusals printed nothing\n");
	tess_print_string(W0, line);
	printf("# expect: [w0] print_string refusals printed nothing\n");
}

/* print_string stops at 4096 characters: of a longer string, and of one
 * that fills a page with no NUL before an unmapped one (the cut comes
 * first, so nothing past it is read). */
static void print_string_cut(void)
{
	char *p = (char *)VA_LONG;
	cptr_t pg[2] = {kt_new_obj(ud, CAP_PAGE, 0),
			kt_new_obj(ud, CAP_PAGE, 0)};
	int n = 0;

	if (!tap_ok(tess_map(pg[0], SPACE_SELF, VA_LONG,
			     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE) == 0 &&
			tess_map(pg[1], SPACE_SELF, VA_LONG + 4096,
				 RIGHT_PAGE_READ | RIGHT_PAGE_WRITE) == 0,
		    "print_string: two pages for long strings"))
		return;
	/* 80 lines of 64 characters: 5120, then the NUL. */
	for (int line = 0; line < 80; line++) {
		n += snprintf(p + n, 65, "print_string long line %02d ", line);
		while (n % 64 != 63)
			p[n++] = '.';
		p[n++] = '\n';
	}
	p[n] = '\0';
	tap_eq(tess_print_string(W0, p), PRINT_MAX,
	       "print_string of a 5120-character string prints 4096 of them");
	printf("# expect: [w0] %.63s\n", p + 63 * 64);
	/* 64 lines of 64 filling the second page: 4096, and no NUL. */
	for (n = 4096; n < 8192;) {
		n += snprintf(p + n, 65, "print_string page line %02d ",
			      (n - 4096) / 64);
		while (n % 64 != 63)
			p[n++] = ':';
		p[n++] = '\n';
	}
	printf("# expect: [w0] %.63s\n", p + 8192 - 64);
	tap_eq(tess_print_string(W0, p + 4096), PRINT_MAX,
	       "print_string of 4096 characters with no NUL before an "
	       "unmapped page prints them (not E_FAULT)");
	tap_eq(tess_cap_delete(pg[0]) | tess_cap_delete(pg[1]), 0,
	       "print_string: delete the two pages");
}

/* ------------------------------------------------------------ buffers */

static char buf_stack[16384] __attribute__((aligned(16)));
static cptr_t buf_full; /* a full 4 KiB untyped */
static cptr_t buf_ut;	/* the untyped the buffer comes from */
static cptr_t buf_lim10, buf_lim100, buf_lim5000, buf_cls;

/* Runs as a thread of this space that has no buffer yet. */
static void buffer_thread(void)
{
	char *buf = (char *)VA_BUF;
	long rem = tess_remaining(ud);
	char expect[160];
	long r;

	tap_eq(tess_print_buffer(W0), -E_NOBUF,
	       "print_buffer of a thread without a buffer is E_NOBUF");
	tap_eq(tess_alloc_buffer(0x1000, VA_BUF), -E_BADCAP,
	       "alloc_buffer from a bad address is E_BADCAP");
	tap_eq(tess_alloc_buffer(W0, VA_BUF), -E_CAPTYPE,
	       "alloc_buffer from a Window is E_CAPTYPE");
	tap_eq(tess_alloc_buffer(kt_slot(), VA_BUF), -E_EMPTY,
	       "alloc_buffer from an empty slot is E_EMPTY");
	tap_eq(tess_alloc_buffer(ud, 0xffff800000000000ul), -E_RANGE,
	       "alloc_buffer at a kernel-half address is E_RANGE");
	tap_eq(tess_alloc_buffer(ud, 0x0000800000000000ul), -E_RANGE,
	       "alloc_buffer at a non-canonical address is E_RANGE");
	tap_eq(tess_alloc_buffer(ud, USER_ADDR_TOP), -E_RANGE,
	       "alloc_buffer at USER_ADDR_TOP is E_RANGE");
	tap_eq(tess_alloc_buffer(ud, VA_BUF + 8), -E_ALIGN,
	       "alloc_buffer at an unaligned address is E_ALIGN");
	tap_eq(tess_alloc_buffer(buf_full, VA_BUF), -E_NOMEM,
	       "alloc_buffer from a full untyped is E_NOMEM");
	tap_eq(tess_alloc_buffer(ud, VA_MAPPED), -E_MAPPED,
	       "alloc_buffer at an address already mapped is E_MAPPED");
	tap_eq(tess_alloc_buffer(ud, VA_NOTABLE), -E_NOTMAPPED,
	       "alloc_buffer where no page table is is E_NOTMAPPED");
	tap_eq(tess_remaining(ud), rem, "no refused alloc_buffer took memory");
	tap_eq(tess_print_buffer(W0), -E_NOBUF,
	       "no refused alloc_buffer gave the thread a buffer");

	rem = tess_remaining(buf_ut);
	tap_eq(tess_alloc_buffer(buf_ut, VA_BUF), 0, "alloc_buffer");
	tap_eq(tess_remaining(buf_ut), rem - 4096,
	       "the buffer is a page of the untyped");
	tap_ok(buf[0] == 0 && buf[4095] == 0, "the new buffer is zeroed");
	tap_eq(tess_alloc_buffer(ud, VA_BUF + 4096), -E_BUSY,
	       "a second alloc_buffer is E_BUSY");

	strcpy(buf, "print_buffer says hello\n");
	tap_eq(tess_print_buffer(W0), 24,
	       "print_buffer returns the length printed");
	printf("# expect: [w0] print_buffer says hello\n");

	strcpy(buf, "cut at the NUL");
	strcpy(buf + 15, "never printed\n");
	tap_eq(tess_print_buffer(W0), 14, "print_buffer stops at the NUL");
	tess_window_putc(W0, '\n');
	printf("# expect: [w0] cut at the NUL\n");

	strcpy(buf, "maxlen-cut-here\n");
	tap_eq(tess_print_buffer(buf_lim10), 10,
	       "print_buffer honours a window's maximum length (10)");
	tess_window_putc(W0, '\n');
	printf("# expect: [w0] maxlen-cut\n");

	/* No NUL in the whole page (lines of 63 '=' and a newline): the
	 * next page is unmapped, so reading on would fault. */
	for (int i = 0; i < 4096; i++)
		buf[i] = i % 64 == 63 ? '\n' : '=';
	tap_eq(tess_print_buffer(W0), 4096,
	       "print_buffer with no NUL in the page stops at the page end");
	tap_eq(tess_print_buffer(buf_lim5000), 4096,
	       "a window maximum length above the page size still stops at the "
	       "page end");
	r = tess_print_buffer(buf_lim100);
	tess_window_putc(W0, '\n');
	tap_eq(
	    r, 100,
	    "print_buffer with no NUL and a maximum length of 100 prints 100");
	memset(expect, 0, sizeof(expect));
	memset(expect, '=', 100 - 64);
	printf("# expect: [w0] %s\n", expect);

	tap_eq(tess_print_buffer(buf_cls), -E_RIGHTS,
	       "print_buffer without CAN_putchar is E_RIGHTS");
	tap_eq(tess_print_buffer(BOOT_SLOT_CONSOLE), -E_CAPTYPE,
	       "print_buffer through the console is E_CAPTYPE");
	tap_eq(tess_print_buffer(kt_slot()), -E_EMPTY,
	       "print_buffer through an empty slot is E_EMPTY");
	tap_eq(tess_print_buffer(0x1000), -E_BADCAP,
	       "print_buffer through a bad address is E_BADCAP");

	/* The buffer's memory taken back under the thread: the kernel must
	 * not print from the freed page. */
	strcpy(buf, "freed buffer printed\n");
	tap_eq(tess_cap_revoke(buf_ut), 0,
	       "revoke the untyped the buffer came from");
	wputs(W0, "revoked buffer: ");
	r = tess_print_buffer(W0);
	wputs(W0, "nothing\n");
	tap_ok(r == -E_FAULT || r == -E_NOBUF,
	       "print_buffer after the buffer's page was revoked is refused "
	       "(%ld)",
	       r);
	printf("# expect: [w0] revoked buffer: nothing\n");
	tess_exit(0);
}

static void buffers(void)
{
	cptr_t th = kt_new_obj(ud, CAP_THREAD, 0),
	       small = kt_new_obj(ud, CAP_UNTYPED, 12);
	cptr_t probe = kt_slot();
	uint32_t tid;

	buf_full = small;
	kt_new_obj(small, CAP_PAGE, 0);
	buf_ut = kt_new_obj(ud, CAP_UNTYPED, 13);
	buf_lim10 = mint_slot(W0, RIGHT_WINDOW_ALL, 10);
	buf_lim100 = mint_slot(W0, RIGHT_WINDOW_ALL, 100);
	buf_lim5000 = mint_slot(W0, RIGHT_WINDOW_ALL, 5000);
	buf_cls = mint_slot(W0, CAN_cls, 0);
	tid = start_thread(th, 0, 0, 0, buffer_thread, buf_stack,
			   sizeof(buf_stack), NULL);
	if (!tap_ok(tid != 0, "start a thread with no buffer in this space"))
		return;
	/* It prints its own results into stdout's buffer, which is mine too:
	 * I print nothing until it has ended. */
	long run = kt_tctrl(THREAD_RUN, tid);
	long ended = run ? run : wait_thread(tid);
	tap_eq(run, 0, "run the buffer thread");
	tap_eq(ended, 0, "the buffer thread ran to its end");
	tap_eq(tess_cap_delete(th), 0, "delete the buffer thread");
	tap_eq(tess_retype(ud, CAP_PAGE, 0, probe, 1), 0,
	       "a page to probe the buffer's address");
	tap_eq(tess_map(probe, SPACE_SELF, VA_BUF, RIGHT_PAGE_READ), 0,
	       "destroying the thread unmapped its buffer");
	tess_cap_delete(probe);
}

/* ------------------------------------------------------------ programs */

/* The LLP lab's two programs, each with its own window.  Each runs in a
 * copy of this space with a root CSpace of 8 slots holding one window
 * capability, at PROG_WINDOW; it reports by its exit status. */
#define PROG_CSPACE_BITS 3
#define PROG_WINDOW 6
#define PROG_DEST_BITS 9

static const char *prog_msg; /* set before each copy is made */
static long prog_len;
static char prog_stack[8192] __attribute__((aligned(16)));

#define PROG_BAD_PRINT 1      /* print_string to its window failed */
#define PROG_BAD_CSPACE 2     /* cap_info failed on its CSpace */
#define PROG_STRANGER 4	      /* its CSpace holds something besides */
#define PROG_NOT_ONE_WINDOW 8 /* not exactly one window capability */
#define PROG_OTHER_WINDOW 16  /* a window slot of the root's layout works */
#define PROG_SAME_SPACE 32    /* it runs in the root's space */
#define PROG_REACHES_ROOT 64  /* it reaches the root's console or untyped */

static void program_main(void)
{
	struct task_ids ids;
	struct cap_info ci;
	int windows = 0;
	long st = 0;

	if (tess_print_string(PROG_WINDOW, prog_msg) != prog_len)
		st |= PROG_BAD_PRINT;
	for (unsigned i = 0; i < (1u << PROG_CSPACE_BITS); i++) {
		if (tess_cap_info(i, &ci)) {
			st |= PROG_BAD_CSPACE;
			break;
		}
		if (ci.type == CAP_WINDOW)
			windows++;
		else if (ci.type != CAP_NULL &&
			 !(i == 0 &&
			   ci.type == CAP_CSPACE)) /* its self-capability */
			st |= PROG_STRANGER;
	}
	if (windows != 1)
		st |= PROG_NOT_ONE_WINDOW;
	if (tess_print_string(BOOT_SLOT_WINDOW0, "x\n") != -E_EMPTY ||
	    tess_print_string(BOOT_SLOT_WINDOW1, "x\n") != -E_EMPTY ||
	    tess_print_string(BOOT_SLOT_WINDOW2, "x\n") != -E_EMPTY)
		st |= PROG_OTHER_WINDOW;
	if (tess_getid(&ids) || ids.spid == root_spid)
		st |= PROG_SAME_SPACE;
	if (tess_console_putc(BOOT_SLOT_CONSOLE, 'x') != -E_EMPTY ||
	    tess_remaining(BOOT_SLOT_UNTYPED) != -E_BADCAP)
		st |= PROG_REACHES_ROOT;
	tess_exit((int)st);
}

struct program {
	const char *name, *msg;
	cptr_t window;
	cptr_t thread, space, cspace, dest;
	uint32_t tid, copied;
};

static void make_program(struct program *p)
{
	p->thread = kt_new_obj(ud, CAP_THREAD, 0);
	p->space = kt_new_obj(ud, CAP_SPACE, 0);
	p->cspace = kt_new_obj(ud, CAP_CSPACE, PROG_CSPACE_BITS);
	p->dest = kt_new_obj(ud, CAP_CSPACE, PROG_DEST_BITS);
	tap_eq(tess_cap_mint(p->window, kt_addr2(p->cspace, PROG_WINDOW),
			     CAN_putchar, 0),
	       0, "program %s: its window capability in slot %d of its CSpace",
	       p->name, PROG_WINDOW);
	prog_msg = p->msg;
	prog_len = (long)strlen(p->msg);
	p->tid = start_thread(p->thread, p->space, p->cspace,
			      kt_addr2(p->dest, 0), program_main, prog_stack,
			      sizeof(prog_stack), &p->copied);
	tap_ok(
	    p->tid != 0 && p->copied > 0,
	    "program %s: a thread in a copy of this space (%u objects copied)",
	    p->name, p->copied);
	tap_ok(p->copied > 0 && p->copied < (1u << PROG_DEST_BITS) &&
		   kt_cap_type(kt_addr2(p->dest, 0)) != CAP_NULL &&
		   kt_cap_type(kt_addr2(p->dest, p->copied - 1)) != CAP_NULL &&
		   kt_cap_type(kt_addr2(p->dest, p->copied)) == CAP_NULL,
	       "program %s: the copy's capabilities fill exactly the slots "
	       "reported",
	       p->name);
}

static void two_programs(void)
{
	struct program a = {
	    "A", "hello from program A\n", BOOT_SLOT_WINDOW1, 0, 0, 0, 0, 0, 0};
	struct program b = {
	    "B", "hello from program B\n", BOOT_SLOT_WINDOW2, 0, 0, 0, 0, 0, 0};

	make_program(&a);
	make_program(&b);
	if (!a.tid || !b.tid)
		return;
	tap_eq(kt_tctrl(THREAD_RUN, a.tid), 0, "run program A");
	tap_eq(kt_tctrl(THREAD_RUN, b.tid), 0, "run program B");
	tap_eq(wait_thread(a.tid), 0,
	       "program A printed to its window and saw no other window");
	tap_eq(wait_thread(b.tid), 0,
	       "program B printed to its window and saw no other window");
	printf("# expect: [w1] hello from program A\n");
	printf("# expect: [w2] hello from program B\n");
	tap_eq(tess_cap_delete(a.space), 0, "delete program A's space");
	tap_eq(tess_cap_delete(b.space), 0, "delete program B's space");
}

/* ------------------------------------------------------------ set-up */

static int map_area(void)
{
	cptr_t pdpt = kt_new_obj(ud, CAP_PDPT, 0);
	cptr_t pd = kt_new_obj(ud, CAP_PD, 0);
	cptr_t pt = kt_new_obj(ud, CAP_PT, 0);
	cptr_t str = kt_new_obj(ud, CAP_PAGE, 0);
	cptr_t mapped = kt_new_obj(ud, CAP_PAGE, 0);

	return tess_map(pdpt, SPACE_SELF, VA_DEV, 0) == 0 &&
	       tess_map(pd, SPACE_SELF, VA_DEV, 0) == 0 &&
	       tess_map(pt, SPACE_SELF, VA_DEV, 0) == 0 &&
	       tess_map(str, SPACE_SELF, VA_STR,
			RIGHT_PAGE_READ | RIGHT_PAGE_WRITE) == 0 &&
	       tess_map(mapped, SPACE_SELF, VA_MAPPED, RIGHT_PAGE_READ) == 0;
}

void test_devices(void)
{
	struct task_ids ids;

	tess_getid(&ids);
	root_tid = ids.tid;
	root_spid = ids.spid;
	ud = kt_slot();
	if (!tap_eq(
		tess_retype(ka->untyped, CAP_UNTYPED, DEV_UNTYPED_BITS, ud, 1),
		0, "devices: a private untyped of 2^%d bytes",
		DEV_UNTYPED_BITS))
		return;
	if (!tap_ok(map_area(),
		    "devices: tables and pages in the suite's address range"))
		return;

	console();
	windows();
	timer();
	debug();
	idle();
	print_string();
	print_string_cut();
	buffers();
	two_programs();

	tap_eq(tess_cap_revoke(ud), 0, "devices: revoke the private untyped");
	tap_eq(tess_remaining(ud), 1l << DEV_UNTYPED_BITS,
	       "devices: the private untyped is whole again");
	kt_slots_free();
}
