/*
 * IPC between POSIX processes: Codezero's ipc_full_test and
 * ipc_extended_test, between a forked parent and child.  The child may
 * at first send only to mm0 (its send to the parent is refused with
 * E_NOCAP); it asks mm0 for a capability (PX_REQUEST_CAPABILITY), then
 * sends a full message straight from the UTCB fork gave it (a copy of the
 * parent's, kept mapped by mm0: the kernel never asks a pager for a
 * UTCB), one with new words (MR0..MR5 and UTCB words 6..63), and a 2 KiB
 * extended message.  The parent's receive buffer for the latter spans a
 * page boundary on freshly mapped anonymous pages it never touched, so
 * the kernel's copy faults on both pages and mm0 serves those faults in
 * the middle of the IPC.
 */
#include <sys/mman.h>

#include "test0.h"

#define XSIZE IPC_EXTENDED_MAX
#define FULL_WORD(i) (0xF0110000ull + (i))
#define SHORT_WORD(i) (0x5A0000ull + (i))
/* The parent's UTCB words at the fork. */
#define SENTINEL(i) (0x5E000000ull + (i))

/* The child's failures, as bits of its exit status. */
#define BAD_NOCAP 1	/* its first send was not refused with E_NOCAP */
#define BAD_REQUEST 2	/* PX_REQUEST_CAPABILITY failed */
#define BAD_INHERIT 4	/* the full send of its inherited UTCB failed */
#define BAD_FULL 8	/* the full send failed */
#define BAD_EXTENDED 16 /* the extended send failed */

static unsigned char xsend[XSIZE];

static unsigned char xbyte(int i)
{
	return (unsigned char)(i * 7 + (i >> 8) + 1);
}

static void child(uint32_t parent)
{
	struct tess_msg m = {.mr = {0xBAD}};
	int bad = 0;

	if (tess_ipc(parent, TID_NIL, IPC_SHORT | IPC_NONBLOCK, &m, NULL) !=
	    -E_NOCAP)
		bad |= BAD_NOCAP;
	if (posix_request_cap(parent) != 0)
		bad |= BAD_REQUEST;

	/* First the UTCB as fork left it, untouched here: the kernel reads
	 * it only if mm0 has it mapped. */
	if (tess_ipc(parent, TID_NIL, IPC_FULL, &m, NULL))
		bad |= BAD_INHERIT;

	for (int i = 0; i < XSIZE; i++)
		xsend[i] = xbyte(i);
	struct utcb *u = posix_utcb();
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		u->mr[i] = FULL_WORD(i);
	for (int i = 0; i < IPC_SHORT_MRS; i++)
		m.mr[i] = SHORT_WORD(i);
	if (tess_ipc(parent, TID_NIL, IPC_FULL, &m, NULL))
		bad |= BAD_FULL;
	if (tess_ipc(parent, TID_NIL, IPC_EXTENDED | IPC_SIZE(XSIZE), &m,
		     xsend))
		bad |= BAD_EXTENDED;
	_exit(bad);
}

static void full_and_extended(void)
{
	struct px_stats s1, s2;
	struct tess_msg m;

	unsigned char *rx = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(rx != MAP_FAILED,
		    "ipc: mmap of two pages for the receive buffer"))
		return;
	/* The receive buffer spans the boundary between the two pages. */
	unsigned char *buf = rx + PAGE_SIZE - XSIZE / 2;
	struct utcb *u = posix_utcb();
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		u->mr[i] = SENTINEL(i);
	/* IPC names threads: the parent's (this thread's) and the child's
	 * first thread's ids, not the pids. */
	uint32_t me = posix_self_tid();
	pid_t pid = fork();
	if (pid == 0)
		child(me);
	if (!tap_ok(pid > 0, "ipc: fork"))
		return;
	long kid = posix_pid_tid(pid);
	if (!tap_ok(kid > 0 && kid != pid,
		    "ipc: PX_PID_TID names the child's thread (pid %d, thread "
		    "%lx)",
		    pid, kid))
		kid = TID_NIL;

	/* The parent does not touch its UTCB after the fork either: the
	 * kernel writes it only if mm0 kept it mapped writable. */
	memset(&m, 0, sizeof(m));
	long r = tess_ipc(TID_NIL, (uint32_t)kid, IPC_FULL, &m, NULL);
	expect_eq(r, 0,
		  "ipc: a full message from the child's UTCB as fork left it "
		  "arrives");
	int words = 0;
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS && r == 0; i++)
		words += u->mr[i] == SENTINEL(i);
	expect_eq(words, UTCB_MRS - IPC_SHORT_MRS,
		  "ipc: the child's UTCB words are a copy of the parent's at "
		  "the fork");

	memset(&m, 0, sizeof(m));
	r = tess_ipc(TID_NIL, (uint32_t)kid, IPC_FULL, &m, NULL);
	expect_eq(r, 0,
		  "ipc: the parent receives a full message from the child");
	tap_ok(r == 0 && m.sender == (uint32_t)kid,
	       "ipc: the kernel names the child as its sender");
	tap_ok(r == 0 && (m.info & IPC_TYPE_MASK) == IPC_FULL,
	       "ipc: it arrives as a full message");
	words = 0;
	for (int i = 0; i < IPC_SHORT_MRS; i++)
		words += m.mr[i] == SHORT_WORD(i);
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		words += u->mr[i] == FULL_WORD(i);
	expect_eq(words, UTCB_MRS,
		  "ipc: all %d message registers (UTCB words 6..63 too) arrive",
		  UTCB_MRS);

	posix_stats(&s1);
	memset(&m, 0, sizeof(m));
	r = tess_ipc(TID_NIL, (uint32_t)kid, IPC_EXTENDED | IPC_SIZE(XSIZE), &m,
		     buf);
	posix_stats(&s2);
	expect_eq(r, 0, "ipc: the parent receives a %d-byte extended message",
		  XSIZE);
	tap_ok(r == 0 && (m.info >> IPC_SIZE_SHIFT) == XSIZE,
	       "ipc: the kernel reports %d bytes received", XSIZE);
	int same = 0;
	for (int i = 0; i < XSIZE; i++)
		same += buf[i] == xbyte(i);
	expect_eq(same, XSIZE,
		  "ipc: every byte arrives, across the page boundary");
	tap_ok(s2.faults - s1.faults >= 2,
	       "ipc: mm0 served the receive buffer's page faults during the "
	       "IPC (%lu)",
	       (unsigned long)(s2.faults - s1.faults));
	tap_ok(rx[0] == 0 && rx[2 * PAGE_SIZE - 1] == 0,
	       "ipc: the rest of the two pages reads as zeros");

	int st = wait_exit_status(pid);
	tap_ok(st >= 0 && !(st & BAD_NOCAP),
	       "ipc: before asking mm0, the child's send to the parent is "
	       "refused (E_NOCAP)");
	tap_ok(st >= 0 && !(st & BAD_REQUEST),
	       "ipc: mm0 grants the child a capability to the parent");
	tap_ok(st >= 0 && !(st & (BAD_INHERIT | BAD_FULL | BAD_EXTENDED)),
	       "ipc: both of the child's sends succeed (status %d)", st);
	expect_eq(posix_request_cap(0x7fffff), -ESRCH,
		  "ipc: asking for a capability to a thread that is not mm0's "
		  "is ESRCH");
	munmap(rx, 2 * PAGE_SIZE);
}

/* The granted capability dies with the process that asked: a new child
 * (mm0 reuses ended processes' address spaces) cannot send to us. */
static void grant_ends_with_process(void)
{
	uint32_t me = posix_self_tid();
	int all_refused = 1;
	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			struct tess_msg m = {.mr = {0xBAD}};
			_exit(tess_ipc(me, TID_NIL, IPC_SHORT | IPC_NONBLOCK,
				       &m, NULL) == -E_NOCAP
				  ? 0
				  : 1);
		}
		all_refused &= wait_exit_status(pid) == 0;
	}
	tap_ok(
	    all_refused,
	    "ipc: children forked later may not send to the parent (E_NOCAP)");
}

void test_ipc(void)
{
	full_and_extended();
	grant_ends_with_process();
}
