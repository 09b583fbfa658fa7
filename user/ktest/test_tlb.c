/*
 * The TLB: a translation the CPU has cached never outlives its mapping.
 * A thread touches pages; the root task changes their mappings (unmaps a
 * page, deletes its capability, maps it again read-only, unmaps the table
 * above it, destroys the space and has a new space take its index, which
 * is its PCID); the thread touches again and must fault, or see the new
 * page.  The thread shares the root task's space, which then stays loaded
 * throughout, or lives in a space of its own, loaded and unloaded by the
 * switches in between.
 *
 * Under QEMU's TCG, which has no PCIDs and empties its emulated TLB at
 * every CR3 load, only the first kind can catch a missed flush; the
 * second exercises the PCID rules on a CPU that has them.  Those rules
 * are checked against a model of a PCID-tagged TLB on the host
 * (tests/host/test_tlb.c).
 *
 * The thread (a toucher) is a few instructions of assembly in a page of
 * their own, which needs no stack: in a space of its own it has that page
 * (a copy, at the same address) and the pages under test, nothing else.
 * It takes orders by IPC, reads or writes one word, and reports; when the
 * access faults, the root task, its pager, notes the fault and resumes it
 * past the instruction (FAULT_RESUME_AT).
 */
#include <tess_thread.h>

#include "ktest.h"

#define VA_SAME KT_VA_TLB		     /* in my own space */
#define VA_OTHER (KT_VA_TLB + (1ul << 30))   /* in a toucher's space */
#define VA_REUSE (KT_VA_TLB + (2ul << 30))   /* in a reused PCID's */
#define VA_SCRATCH (KT_VA_TLB + (3ul << 30)) /* mine, to fill pages */
#define PAGE 4096ul
#define RW (RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)

/* The toucher's protocol: MR0 the operation, MR1 the address, MR2 the
 * value to write; the report's MR0 REPORT, MR1 what was read (0 after a
 * write), or FAULTED when the access faulted and was skipped. */
#define OP_WRITE 2
#define REPORT 0x7e57
#define FAULTED 0xfa017ed0fa017ed0
#define SYSCALL_IPC 0x1003
_Static_assert(SYSCALL_IPC == TESS_SYS_BASE + SYS_ipc, "ipc's number");
_Static_assert(IPC_SHORT == 0 && TID_NIL == 0xffffffffu, "ipc arguments");
#define STR(x) #x
#define XSTR(x) STR(x)

void tlb_toucher(uint64_t boss);
extern const char tlb_read_after[], tlb_write_after[], tlb_toucher_end[];
__asm__(
    ".pushsection .text.tlb_toucher, \"ax\"\n"
    ".balign 4096\n"
    "tlb_toucher:\n"
    "	movq %rdi, %rbx\n" /* the boss */
    "1:	movl $0xffffffff, %edi\n"
    "	movq %rbx, %rsi\n"
    "	xorl %edx, %edx\n"
    "	movl $" XSTR(
	SYSCALL_IPC) ", %eax\n"
		     "	syscall\n" /* receive an order from the boss */
		     "	testq %rax, %rax\n"
		     "	jnz 1b\n"
		     "	movabsq $" XSTR(
			 FAULTED) ", %rax\n"
				  "	cmpq $" XSTR(
				      OP_WRITE) ", %r10\n"
						"	je 2f\n"
						"	movq (%r8), %rax\n"
						"tlb_read_after:\n"
						"	jmp 3f\n"
						"2:	movq %r9, (%r8)\n"
						"	xorl %eax, %eax\n"
						"tlb_write_after:\n"
						"3:	movq %rax, %r8\n"
						"	movl $" XSTR(
						    REPORT) ", %r10d\n"
							    "	movq %rbx, "
							    "%rdi\n"
							    "	movl "
							    "$0xffffffff, "
							    "%esi\n"
							    "	xorl %edx, "
							    "%edx\n"
							    "	movl $" XSTR(
								SYSCALL_IPC) ","
									     " "
									     "%"
									     "e"
									     "a"
									     "x"
									     "\n"
									     "	syscall\n" /* report */
									     "	jmp 1b\n"
									     "t"
									     "l"
									     "b"
									     "_"
									     "t"
									     "o"
									     "u"
									     "c"
									     "h"
									     "e"
									     "r"
									     "_"
									     "e"
									     "n"
									     "d"
									     ":"
									     "\n"
									     "."
									     "p"
									     "o"
									     "p"
									     "s"
									     "e"
									     "c"
									     "t"
									     "i"
									     "o"
									     "n"
									     "\n");

static uint32_t me;
static cptr_t code_page; /* a copy of the toucher's page */

/* What one touch did. */
struct touch {
	int faulted;	 /* a page fault came first */
	uint64_t addr;	 /* its address */
	uint64_t access; /* FAULT_* */
	uint64_t value;	 /* what the toucher reported */
};

/* Have toucher `tid` read `va` (or write `v` there): 0, or what went
 * wrong with the toucher itself. */
static long touch(uint32_t tid, int write, uint64_t va, uint64_t v,
		  struct touch *t)
{
	struct tess_msg m;
	long r;

	memset(t, 0, sizeof(*t));
	memset(&m, 0, sizeof(m));
	m.mr[0] = write ? OP_WRITE : 1;
	m.mr[1] = va;
	m.mr[2] = v;
	if ((r = tess_send(tid, &m)) || (r = kt_recv(tid, &m)))
		return r;
	if (m.mr[0] == IPC_TAG_PAGEFAULT && (m.info & IPC_FROM_KERNEL)) {
		t->faulted = 1;
		t->addr = m.mr[1];
		t->access = m.mr[2];
		memset(&m, 0, sizeof(m));
		m.mr[0] = FAULT_RESUME_AT;
		m.mr[1] = (uint64_t)(write ? tlb_write_after : tlb_read_after);
		if ((r = tess_send(tid, &m)) || (r = kt_recv(tid, &m)))
			return r;
	}
	if (m.mr[0] != REPORT)
		return -E_INVAL;
	t->value = m.mr[1];
	return 0;
}

static int reads(uint32_t tid, uint64_t va, uint64_t want)
{
	struct touch t;
	return touch(tid, 0, va, 0, &t) == 0 && !t.faulted && t.value == want;
}

static int writes(uint32_t tid, uint64_t va, uint64_t v)
{
	struct touch t;
	return touch(tid, 1, va, v, &t) == 0 && !t.faulted && t.value == 0;
}

/* The touch faults at `va`: not present, or (protection) a write to a
 * read-only page. */
static int faults(uint32_t tid, int write, uint64_t va, int protection)
{
	struct touch t;
	uint64_t want =
	    (write ? FAULT_WRITE : 0) | (protection ? FAULT_PROTECTION : 0);
	return touch(tid, write, va, 0x5a, &t) == 0 && t.faulted &&
	       t.addr == va && t.access == want && t.value == FAULTED;
}

/* ---------------------------------------------------------------- touchers */

/* A toucher in a space of its own. */
struct toucher {
	cptr_t space, thread, code;
	cptr_t tab[3]; /* tables for its code page */
	uint32_t tid, spid;
};

/* A toucher in Space object `space` (new, empty): its own thread, the code
 * page, the right to report to me.  toucher_free undoes it, whatever
 * happened; the space is the toucher's once its thread is made in it. */
static long toucher_make(struct toucher *t, cptr_t space)
{
	struct task_ids ids;
	struct thread_create tc;
	uint64_t code_va = (uint64_t)tlb_toucher;
	long r;

	memset(t, 0, sizeof(*t));
	if ((r = tess_new(ka, CAP_THREAD, 0, &t->thread)))
		return r;
	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	ids.tid = me;
	tc.thread = t->thread;
	tc.space = space;
	tc.cspace = tc.untyped = tc.dest = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.prio = PRIO_INHERIT;
	r = tess_thread_control(THREAD_CREATE | TC_NEW_SPACE, &ids, &tc);
	if (r) {
		tess_delete(ka, t->thread);
		t->thread = 0;
		return r;
	}
	t->space = space;
	t->tid = ids.tid;
	t->spid = ids.spid;
	t->code = tess_slot(ka);
	if ((r = tess_cap_copy(code_page, t->code)) ||
	    (r = kt_tables_make(ka, space, code_va, t->tab)) ||
	    (r = tess_map(t->code, space, code_va,
			  RIGHT_PAGE_READ | RIGHT_PAGE_EXEC)) ||
	    (r = kt_grant(t->tid, CAP_IPC, SCOPE_THREAD, me,
			  CAP_IPC_SEND | CAP_IPC_SHORT)))
		return r;
	return tess_thread_start_at(t->tid, code_va, 0, me, 0, 0);
}

static void toucher_free(struct toucher *t)
{
	if (t->thread) {
		kt_tctrl(THREAD_DESTROY, t->tid);
		tess_delete(ka, t->thread);
	}
	if (t->space)
		tess_delete(ka, t->space);
	if (t->code)
		tess_delete(ka, t->code);
	kt_tables_free(ka, t->tab);
	memset(t, 0, sizeof(*t));
}

/* The page the toucher's code lives in, copied into a page of mine. */
static long code_page_make(void)
{
	cptr_t tab[3] = {0, 0, 0};
	long r;

	if ((uint64_t)tlb_toucher % PAGE ||
	    (uint64_t)(tlb_toucher_end - (const char *)tlb_toucher) > PAGE)
		return -E_ALIGN;
	if ((r = tess_new(ka, CAP_PAGE, 0, &code_page)) ||
	    (r = kt_tables_make(ka, SPACE_SELF, VA_SCRATCH, tab)) ||
	    (r = tess_map(code_page, SPACE_SELF, VA_SCRATCH, RW)))
		return r;
	memcpy((void *)VA_SCRATCH, (const void *)tlb_toucher, PAGE);
	r = tess_unmap(code_page);
	kt_tables_free(ka, tab);
	return r;
}

/* ---------------------------------------------------------------- tests */

/*
 * The mapping changes, as toucher `tid` sees them; `space` is its space
 * (SPACE_SELF: mine), `va` a 2 MiB-aligned address with nothing mapped
 * around it, `where` names the case.
 */
static void changes(uint32_t tid, cptr_t space, uintptr_t va, const char *where)
{
	cptr_t tab[3] = {0, 0, 0}, p = 0, p2 = 0;
	long r = kt_tables_make(ka, space, va, tab);
	if (!r)
		r = tess_new(ka, CAP_PAGE, 0, &p);
	if (!r)
		r = tess_new(ka, CAP_PAGE, 0, &p2);
	if (!r)
		r = tess_map(p, space, va, RW);
	if (!r)
		r = tess_map(p2, space, va + PAGE, RW);
	if (!tap_eq(r, 0, "tlb (%s): two pages and their tables", where))
		goto out;

	tap_ok(writes(tid, va, 0x1111) && reads(tid, va, 0x1111),
	       "tlb (%s): the thread writes and reads its page", where);
	tap_eq(tess_unmap(p), 0, "tlb (%s): I unmap it", where);
	tap_ok(faults(tid, 0, va, 0), "tlb (%s): the thread's read faults",
	       where);

	tap_ok(tess_map(p, space, va, RW) == 0 && reads(tid, va, 0x1111) &&
		   writes(tid, va, 0x2222),
	       "tlb (%s): mapped again, it writes", where);
	tap_ok(tess_unmap(p) == 0 &&
		   tess_map(p, space, va, RIGHT_PAGE_READ) == 0,
	       "tlb (%s): I map it read-only instead", where);
	tap_ok(faults(tid, 1, va, 1),
	       "tlb (%s): the thread's write faults (protection)", where);
	tap_ok(reads(tid, va, 0x2222), "tlb (%s): its read does not", where);

	tap_ok(writes(tid, va + PAGE, 0x3333) && reads(tid, va, 0x2222),
	       "tlb (%s): it uses both pages of one page table", where);
	tap_eq(tess_unmap(tab[2]), 0, "tlb (%s): I unmap the page table",
	       where);
	tap_ok(faults(tid, 0, va, 0) && faults(tid, 0, va + PAGE, 0),
	       "tlb (%s): both its reads fault", where);

	tap_ok(tess_map(tab[2], space, va, 0) == 0 &&
		   tess_map(p, space, va, RW) == 0 && reads(tid, va, 0x2222),
	       "tlb (%s): table and page mapped again, it reads", where);
	tap_eq(tess_delete(ka, p), 0,
	       "tlb (%s): I delete the page's capability", where);
	p = 0;
	tap_ok(faults(tid, 0, va, 0), "tlb (%s): the thread's read faults",
	       where);
out:
	if (p)
		tess_delete(ka, p);
	if (p2)
		tess_delete(ka, p2);
	kt_tables_free(ka, tab);
}

/* A toucher in my own space: the space stays loaded while I change it. */
static void same_space(void)
{
	struct kt_thread t = {0, 0};
	if (!tap_eq(kt_create(&t, 0, TID_NIL, 0), 0,
		    "tlb: a thread of my space, paged by me") ||
	    !tap_eq(
		tess_thread_start_at(t.tid, (uint64_t)tlb_toucher, 0, me, 0, 0),
		0, "tlb: ... started")) {
		kt_destroy(&t);
		return;
	}
	changes(t.tid, SPACE_SELF, VA_SAME, "my space");
	kt_destroy(&t);
}

/* A toucher in a space of its own: loaded when it runs, not while I make
 * the changes. */
static void other_space(void)
{
	struct toucher t;
	cptr_t space;
	long r = tess_new(ka, CAP_SPACE, 0, &space);
	if (!r && (r = toucher_make(&t, space)))
		toucher_free(&t);
	if (!tap_eq(r, 0, "tlb: a thread in a space of its own, paged by me"))
		return;
	changes(t.tid, t.space, VA_OTHER, "another space");
	toucher_free(&t);
}

/* A toucher whose space is destroyed; a new space takes its index, which
 * is its PCID on a CPU with PCIDs: its thread never sees the old page. */
static void pcid_reuse(void)
{
	struct toucher t, t2;
	cptr_t tab[3] = {0, 0, 0}, tab2[3] = {0, 0, 0}, p = 0, q = 0;
	cptr_t space, sut = 0, scs = 0, sp = 0;
	uint32_t index;
	long r;

	memset(&t2, 0, sizeof(t2));
	r = tess_new(ka, CAP_SPACE, 0, &space);
	if (!r && (r = toucher_make(&t, space)))
		toucher_free(&t);
	if (!tap_eq(r, 0, "tlb reuse: a thread in a space of its own"))
		return;
	index = t.spid & KT_SPID_INDEX_MASK;
	r = kt_tables_make(ka, t.space, VA_REUSE, tab);
	if (!r)
		r = tess_new(ka, CAP_PAGE, 0, &p);
	if (!r)
		r = tess_map(p, t.space, VA_REUSE, RW);
	tap_ok(r == 0 && writes(t.tid, VA_REUSE, 0x4444) &&
		   reads(t.tid, VA_REUSE, 0x4444),
	       "tlb reuse: it writes and reads a page");
	toucher_free(&t);
	kt_tables_free(ka, tab);

	r = tess_new(ka, CAP_UNTYPED, KT_SPACE_BATCH_BITS + SPACE_BITS, &sut);
	if (!r)
		r = tess_new(ka, CAP_CSPACE, KT_SPACE_BATCH_BITS, &scs);
	if (!r)
		r = kt_space_at_index(sut, scs, index, &sp);
	if (!r)
		r = toucher_make(&t2, sp);
	if (!tap_eq(r, 0,
		    "tlb reuse: its space destroyed, a thread in a new space "
		    "at its index (%u)",
		    index))
		goto out;
	tap_ok(faults(t2.tid, 0, VA_REUSE, 0),
	       "tlb reuse: where the old space had its page, the new one "
	       "faults");
	r = kt_tables_make(ka, t2.space, VA_REUSE, tab2);
	if (!r)
		r = tess_new(ka, CAP_PAGE, 0, &q);
	if (!r)
		r = tess_map(q, t2.space, VA_REUSE, RW);
	tap_ok(r == 0 && reads(t2.tid, VA_REUSE, 0),
	       "tlb reuse: a new page mapped there reads as its own (zero)");
out:
	if (sp && !t2.space) /* no toucher was made in it */
		tess_delete(ka, sp);
	toucher_free(&t2);
	kt_tables_free(ka, tab2);
	if (p)
		tess_delete(ka, p);
	if (q)
		tess_delete(ka, q);
	if (scs)
		tess_delete(ka, scs);
	if (sut)
		tess_delete(ka, sut);
}

void test_tlb(void)
{
	me = kt_self();
	if (!tap_eq(code_page_make(), 0,
		    "tlb: a copy of the page of the thread's code"))
		return;
	same_space();
	other_space();
	pcid_reuse();
	tess_delete(ka, code_page);
}
