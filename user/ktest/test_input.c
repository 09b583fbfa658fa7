/*
 * ktest: console input (input_read, input_info, the Input capability).
 *
 * test_input, in the ordinary run (nothing typed): the errors of both
 * calls, that only a holder of the capability reads (a thread in another
 * space whose CSpace lacks it is refused), a non-blocking read with
 * nothing buffered, a blocked reader that waits without spinning, the
 * one-reader rule, and a blocked reader suspended and destroyed.
 *
 * test_input_driven, the "input" suite (kernel command line
 * "suite=input"), run under tools/input-driver.py, which feeds the serial
 * line and presses keys when the guest asks with a line "#> REQUEST":
 * a flood of serial input much larger than the buffer (the first
 * INPUT_RING_SIZE bytes kept, the rest dropped and counted, the system
 * responsive throughout, and the lines printed meanwhile all intact, as
 * the driver checks and answers over the serial line), a blocked reader
 * woken by the serial interrupt, and PS/2 key presses (QEMU's sendkey)
 * read back as the bytes a terminal sends.
 */
#include "ktest.h"

static struct kt_stacks stacks;
#define STACK(i) kt_stack(&stacks, i), KT_STACK_SIZE

#define FLOOD_BYTES (1u << 20)
#define OUT_LINES 100
#define WAIT_US 60000000ull /* the longest any input is waited for */

static volatile long read_r;
static volatile uint32_t read_n;
static char read_buf[64];

/* Read until `want` bytes are in read_buf (or an error); exit with the
 * last result. */
static void reader_main(uint64_t want, uint64_t flags, uint64_t a2)
{
	long r = 0;
	read_n = 0;
	while (read_n < want) {
		r = tess_input_read(BOOT_SLOT_INPUT, read_buf + read_n,
				    want - read_n, (unsigned)flags);
		if (r < 0)
			break;
		read_n += (uint32_t)r;
	}
	read_r = r;
	tess_exit((int)r);
}

/* ---------------------------------------------------------------- errors */

static void test_errors(void)
{
	char buf[4096];
	struct input_info info;

	memset(&info, 0xa5, sizeof(info));
	tap_eq(tess_input_info(BOOT_SLOT_INPUT, &info), 0,
	       "input_info on the boot Input capability");
	tap_ok(info.size == 4096 && info.buffered == 0 && info.received == 0 &&
		   info.dropped == 0,
	       "a 4096-byte buffer; nothing typed, nothing buffered");
	tap_eq(kt_cap_type(BOOT_SLOT_INPUT), CAP_INPUT,
	       "boot slot %d holds the Input capability", BOOT_SLOT_INPUT);
	tap_eq(tess_input_read(BOOT_SLOT_INPUT, buf, 16, INPUT_NONBLOCK),
	       -E_WOULDBLOCK, "a non-blocking read with nothing buffered");
	tap_eq(tess_input_read(BOOT_SLOT_INPUT, buf, 0, 0), 0,
	       "a read of 0 bytes returns 0 at once");
	tap_eq(tess_input_read(BOOT_SLOT_INPUT, buf, 1ul << 40, INPUT_NONBLOCK),
	       -E_WOULDBLOCK, "a huge length is cut to the buffer's size");
	tap_eq(tess_input_read(BOOT_SLOT_INPUT, buf, 16, 2), -E_INVAL,
	       "an unknown flag is E_INVAL");
	tap_eq(tess_input_read(BOOT_SLOT_INPUT, NULL, 16, INPUT_NONBLOCK),
	       -E_FAULT, "a NULL buffer is E_FAULT");
	tap_eq(tess_input_read(BOOT_SLOT_INPUT, (void *)tess_bootinfo, 16, 0),
	       -E_FAULT, "a read-only buffer is E_FAULT, without waiting");
	tap_eq(tess_input_read(BOOT_SLOT_INPUT, (void *)(USER_ADDR_TOP - 8), 16,
			       INPUT_NONBLOCK),
	       -E_FAULT, "a buffer running off user space is E_FAULT");
	tap_eq(tess_input_read(BOOT_SLOT_CONSOLE, buf, 16, INPUT_NONBLOCK),
	       -E_CAPTYPE, "input_read on the Console is E_CAPTYPE");
	tap_eq(tess_input_read(15, buf, 16, INPUT_NONBLOCK), -E_EMPTY,
	       "input_read on an empty slot is E_EMPTY");
	tap_eq(tess_input_read(0xffffffffull, buf, 16, INPUT_NONBLOCK),
	       -E_BADCAP, "input_read on a bad address is E_BADCAP");
	tap_eq(tess_input_info(BOOT_SLOT_TIMER, &info), -E_CAPTYPE,
	       "input_info on the Timer is E_CAPTYPE");
	tap_eq(tess_input_info(15, &info), -E_EMPTY,
	       "input_info on an empty slot is E_EMPTY");
	tap_eq(tess_input_info(0xffffffffull, &info), -E_BADCAP,
	       "input_info on a bad address is E_BADCAP");
	tap_eq(tess_input_info(BOOT_SLOT_INPUT, (void *)tess_bootinfo),
	       -E_FAULT, "input_info into a read-only page is E_FAULT");

	cptr_t copy = kt_slot(), minted = kt_slot();
	tap_eq(tess_cap_copy(BOOT_SLOT_INPUT, copy), 0, "copy the capability");
	tap_eq(tess_input_read(copy, buf, 16, INPUT_NONBLOCK), -E_WOULDBLOCK,
	       "the copy reads too");
	tap_eq(tess_cap_mint(BOOT_SLOT_INPUT, minted, 0, 3), -E_INVAL,
	       "the capability takes no badge");
	tess_cap_delete(copy);
}

/* ---------------------------------------------------------------- holders */

static void outsider_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	char buf[16];
	struct input_info info;
	long r1 = tess_input_read(BOOT_SLOT_INPUT, buf, 16, INPUT_NONBLOCK);
	long r2 = tess_input_read(BOOT_SLOT_INPUT + 1, buf, 16, 0);
	long r3 = tess_input_info(BOOT_SLOT_INPUT, &info);
	tess_exit((int)(-r1 | -r2 << 8 | -r3 << 16));
}

/* A thread in a copy of my space whose root CSpace holds the Console
 * where I hold the Input capability, and nothing after it. */
static void test_outsider(void)
{
	cptr_t u = 0, th = 0, sp = 0, cs = 0, cn = 0;
	struct thread_create tc;
	struct task_ids ids;
	struct kt_thread t = {0, 0};
	int status;

	if (!tap_eq(tess_new(ka, CAP_UNTYPED, 22, &u), 0,
		    "memory for a copied space") ||
	    !tap_eq(tess_new(ka, CAP_THREAD, 0, &th), 0, "a Thread") ||
	    !tap_eq(tess_new(ka, CAP_SPACE, 0, &sp), 0, "a Space") ||
	    !tap_eq(tess_new(ka, CAP_CSPACE, 4, &cs), 0, "a CSpace") ||
	    !tap_eq(tess_new(ka, CAP_CSPACE, KT_COPY_CNODE_BITS, &cn), 0,
		    "a CSpace for the copies"))
		goto out;
	tap_eq(tess_cap_copy(BOOT_SLOT_CONSOLE, kt_addr2(cs, BOOT_SLOT_INPUT)),
	       0, "its CSpace gets the Console where mine has Input");
	memset(&tc, 0, sizeof(tc));
	memset(&ids, 0, sizeof(ids));
	ids.tid = kt_self();
	tc.thread = th;
	tc.space = sp;
	tc.cspace = cs;
	tc.untyped = u;
	tc.dest = cn << CPTR_DIGIT_BITS;
	tc.pager = TID_NIL;
	tc.cid = 0;
	tc.prio = PRIO_INHERIT;
	if (!tap_eq(
		tess_thread_control(THREAD_CREATE | TC_COPY_SPACE, &ids, &tc),
		0, "a thread in a copy of my space, with that CSpace"))
		goto out;
	t.tid = ids.tid;
	tap_eq(kt_start(t.tid, outsider_main, STACK(0), 0, 0, 0), 0,
	       "start it");
	tap_eq(kt_reap(t.tid, &status), 0, "it exits");
	tap_eq(status & 0xff, E_CAPTYPE,
	       "its read where it has the Console is E_CAPTYPE");
	tap_eq((status >> 8) & 0xff, E_EMPTY,
	       "its read of an empty slot is E_EMPTY");
	tap_eq((status >> 16) & 0xff, E_CAPTYPE,
	       "its input_info is E_CAPTYPE: no capability, no input");
	kt_tctrl(THREAD_DESTROY, t.tid);
out:
	for (cptr_t *c = (cptr_t[]){th, sp, cs, cn, u}, *e = c + 5; c < e; c++)
		if (*c)
			tess_delete(ka, *c);
}

/* ---------------------------------------------------------------- readers */

static void test_readers(void)
{
	struct kt_thread r, r2, r3;
	int status;
	char buf[16];

	if (!tap_eq(kt_spawn(&r, reader_main, STACK(0), 4, 0, 0), 0,
		    "a thread reads with nothing buffered"))
		return;
	tap_eq(kt_wait_state(r.tid, THREAD_STATE_BLOCKED), 0,
	       "it blocks (it does not spin)");
	tess_sleep_us(30000);
	tap_eq(kt_state(r.tid), THREAD_STATE_BLOCKED, "and stays blocked");
	tap_eq(tess_input_read(BOOT_SLOT_INPUT, buf, 16, INPUT_NONBLOCK),
	       -E_WOULDBLOCK, "a non-blocking read meanwhile: E_WOULDBLOCK");
	if (tap_eq(kt_spawn(&r2, reader_main, STACK(1), 4, 0, 0), 0,
		   "a second thread reads too")) {
		tap_eq(kt_reap(r2.tid, &status), 0, "it returns at once");
		tap_eq(status, -E_BUSY, "with E_BUSY: one reader at a time");
		kt_destroy(&r2);
	}
	tap_eq(kt_tctrl(THREAD_SUSPEND, r.tid), 0, "suspend the reader");
	if (tap_eq(kt_spawn(&r3, reader_main, STACK(1), 4, 0, 0), 0,
		   "another reader")) {
		tap_eq(kt_wait_state(r3.tid, THREAD_STATE_BLOCKED), 0,
		       "takes its place and blocks");
		tap_eq(kt_destroy(&r3), 0, "destroy it while it waits");
	}
	tap_eq(kt_tctrl(THREAD_RUN, r.tid), 0, "run the suspended reader");
	tap_eq(kt_reap(r.tid, &status), 0, "it goes on");
	tap_eq(status, -E_ABORTED, "its read returned E_ABORTED");
	kt_destroy(&r);
	if (tap_eq(kt_spawn(&r, reader_main, STACK(0), 4, 0, 0), 0,
		   "after a destroyed reader, a new one")) {
		tap_eq(kt_wait_state(r.tid, THREAD_STATE_BLOCKED), 0,
		       "can wait again");
		kt_destroy(&r);
	}
}

void test_input(void)
{
	printf("# input: input_read, input_info, the Input capability\n");
	if (!tap_eq(kt_stacks_map(&stacks, KT_VA_INPUT, 2), 0,
		    "stacks for the suite's threads"))
		return;
	test_errors();
	test_outsider();
	test_readers();
	kt_slots_free();
	kt_stacks_unmap(&stacks);
}

/* ---------------------------------------------------------------- driven */

/* What the driver sends for "serial-flood N": byte i is i % 251. */
static uint8_t flood_byte(uint32_t i)
{
	return (uint8_t)(i % 251);
}

static void out_line(int i)
{
	printf("# out %d", i);
	for (int k = 0; k < 8; k++)
		printf(" %08x", (unsigned)(i * 2654435761u + (unsigned)k));
	printf("\n");
}

/* Read exactly `n` bytes within the time limit; how many came. */
static uint32_t read_exactly(char *buf, uint32_t n)
{
	uint64_t end = kt_now_us() + WAIT_US;
	uint32_t got = 0;
	while (got < n && kt_now_us() < end) {
		long r = tess_input_read(BOOT_SLOT_INPUT, buf + got, n - got,
					 INPUT_NONBLOCK);
		if (r > 0)
			got += (uint32_t)r;
		else
			tess_sleep_us(5000);
	}
	return got;
}

static void test_flood(void)
{
	char buf[4096];
	struct input_info info, before;
	uint64_t worst = 0;
	int lines = 0, wrong = 0;

	tess_input_info(BOOT_SLOT_INPUT, &before);
	printf("#> serial-flood %u\n", FLOOD_BYTES);
	uint64_t end = kt_now_us() + WAIT_US;
	do {
		/* Meanwhile: sleep 10 ms at a time (is the system still
		 * responsive?) and print (is the output whole?). */
		uint64_t deadline = kt_now_us() + 10000;
		tess_sleep(deadline);
		if (kt_now_us() - deadline > worst)
			worst = kt_now_us() - deadline;
		if (lines < OUT_LINES)
			out_line(lines++);
		tess_input_info(BOOT_SLOT_INPUT, &info);
	} while (info.received - before.received < FLOOD_BYTES &&
		 kt_now_us() < end);
	while (lines < OUT_LINES)
		out_line(lines++);
	tap_eq(info.received - before.received, FLOOD_BYTES,
	       "a %u-byte flood on the serial line arrives", FLOOD_BYTES);
	tap_eq(info.buffered, info.size, "the buffer is full");
	tap_eq(info.dropped - before.dropped, FLOOD_BYTES - info.size,
	       "the rest was dropped and counted");
	tap_ok(worst < 500000,
	       "the system stayed responsive: 10 ms sleeps at most %lu us late",
	       (unsigned long)worst);
	long r = tess_input_read(BOOT_SLOT_INPUT, buf, sizeof(buf), 0);
	tap_eq(r, (long)sizeof(buf), "one read takes the whole buffer");
	for (uint32_t i = 0; i < sizeof(buf); i++)
		if ((uint8_t)buf[i] != flood_byte(i))
			wrong++;
	tap_eq(wrong, 0, "it holds the first bytes, in order");
	tap_eq(tess_input_read(BOOT_SLOT_INPUT, buf, 16, INPUT_NONBLOCK),
	       -E_WOULDBLOCK, "then nothing is left");

	/* The driver saw every line printed during the flood? */
	printf("#> out-check %d\n", OUT_LINES);
	char verdict = 0;
	read_exactly(&verdict, 1);
	tap_eq(verdict, 'Y',
	       "all %d lines printed during the flood arrived "
	       "intact (the driver says)",
	       OUT_LINES);
}

static void test_serial_reader(void)
{
	struct kt_thread r;
	int status;

	if (!tap_eq(kt_spawn(&r, reader_main, STACK(0), 5, 0, 0), 0,
		    "a thread reads 5 bytes"))
		return;
	tap_eq(kt_wait_state(r.tid, THREAD_STATE_BLOCKED), 0,
	       "it blocks with nothing buffered");
	printf("#> serial ping\\r\n");
	tap_eq(kt_reap(r.tid, &status), 0,
	       "the serial interrupt wakes it and it returns");
	tap_ok(status > 0 && read_n == 5 && !memcmp(read_buf, "ping\r", 5),
	       "with what was sent");
	kt_destroy(&r);
}

struct key_case {
	const char *keys; /* QEMU sendkey names */
	const char *bytes;
	const char *what;
};

static const struct key_case key_cases[] = {
    {"a shift-b 1 shift-1 spc", "aB1! ", "letters, digits, shift"},
    {"caps_lock d shift-e caps_lock f", "Def",
     "caps lock (and shift under it)"},
    {"ctrl-c ctrl-d ctrl-shift-z ctrl-bracket_left", "\x03\x04\x1a\x1b",
     "ctrl makes control characters"},
    {"ret backspace tab esc kp_enter", "\r\x7f\t\x1b\r",
     "enter, backspace, tab, escape"},
    {"up down right left", "\x1b[A\x1b[B\x1b[C\x1b[D", "arrows are ESC [ A..D"},
    {"home end delete insert pgup pgdn",
     "\x1b[H\x1b[F\x1b[3~\x1b[2~\x1b[5~\x1b[6~",
     "home, end, delete, insert, page up and down"},
    {"f1 f5 f12", "\x1bOP\x1b[15~\x1b[24~", "function keys"},
    {"minus shift-equal bracket_right semicolon shift-apostrophe "
     "grave_accent backslash comma shift-dot slash",
     "-+];\"`\\,>/", "punctuation"},
    {"kp_7 kp_0 kp_add kp_multiply kp_divide", "70+*/", "the keypad"},
    {"alt-f alt-b",
     "\x1b"
     "f\x1b"
     "b",
     "alt sends ESC first"},
};

static void test_keys(void)
{
	char buf[64];

	for (unsigned i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]);
	     i++) {
		const struct key_case *k = &key_cases[i];
		uint32_t n = (uint32_t)strlen(k->bytes);
		memset(buf, 0, sizeof(buf));
		printf("#> keys %s\n", k->keys);
		uint32_t got = read_exactly(buf, n);
		char extra;
		tess_sleep_us(20000);
		long more =
		    tess_input_read(BOOT_SLOT_INPUT, &extra, 1, INPUT_NONBLOCK);
		if (!tap_ok(got == n && !memcmp(buf, k->bytes, n) &&
				more == -E_WOULDBLOCK,
			    "keyboard: %s", k->what)) {
			tap_diag("  got %u bytes (more: %ld):", got, more);
			for (uint32_t j = 0; j < got; j++)
				tap_diag("  %02x", (unsigned char)buf[j]);
		}
	}
}

void test_input_driven(void)
{
	printf("# input: serial and keyboard input, fed by "
	       "tools/input-driver.py\n");
	if (!tap_eq(kt_stacks_map(&stacks, KT_VA_INPUT, 1), 0,
		    "a stack for a reader thread"))
		return;
	test_flood();
	test_serial_reader();
	test_keys();
	kt_stacks_unmap(&stacks);
}
