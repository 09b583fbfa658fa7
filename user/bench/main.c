/*
 * bench: microbenchmarks of the kernel's fast paths, run as the root task.
 *
 * Each benchmark times one operation many times with rdtsc and prints
 *   bench NAME median=N min=N max=N n=N
 * tools/bench.sh runs it under QEMU with -icount shift=0, where rdtsc
 * counts guest instructions, so the figures repeat from run to run.  The
 * cost of reading the counter (two back-to-back rdtsc) is measured and
 * subtracted from every sample, before any halving.
 *
 * One-way IPC figures follow sel4bench's method: the sending thread reads
 * the counter just before its system call, the receiving thread just after
 * its own returns, and the difference is one direction.
 *
 * On the bench kernel (built with event counters; tools/bench.sh boots it
 * after the plain one) the program counts instead of timing: CR3 writes,
 * TLB flushes and FPU saves and restores over n operations, printed as
 *   count NAME n=N cr3_writes=N tlb_flushes=N ... fpu_traps=N
 * totals that tools/bench.sh divides by n.  Instruction figures from that
 * kernel would include the counting, so it prints none.
 */
#include <bench.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <tess.h>
#include <tess_alloc.h>
#include <tess_thread.h>

#define N 2000
#define WARMUP 50

static uint64_t samples[N];
static struct tess_alloc *ba;
static uint64_t overhead;

static void report(const char *name, int n)
{
	bench_report(name, samples, n, overhead);
}

static void bench_null(void)
{
	for (int i = 0; i < N + WARMUP; i++) {
		uint64_t t0 = rdtsc();
		tess_null();
		uint64_t t1 = rdtsc();
		if (i >= WARMUP)
			samples[i - WARMUP] = t1 - t0;
	}
	report("null_syscall", N);
}

/* ------------------------------------------------------------ IPC */

static char server_stack[16384] __attribute__((aligned(16)));
static char client_stack[16384] __attribute__((aligned(16)));
static uint8_t xbuf_server[IPC_EXTENDED_MAX], xbuf_client[IPC_EXTENDED_MAX];

/* Answers every call and waits for the next: a short reply with
 * IPC_REPLY (what servers use), an extended one as a plain send. */
static void echo_server(void *arg)
{
	struct tess_msg m;
	uint32_t flags = (uint32_t)(uintptr_t)arg;
	if (flags == IPC_SHORT)
		flags |= IPC_REPLY;
	memset(&m, 0, sizeof(m));
	tess_ipc(TID_NIL, TID_ANY, flags, &m, xbuf_server);
	for (;;) {
		m.mr[0]++;
		tess_ipc(m.sender, TID_ANY, flags, &m, xbuf_server);
	}
}

static void bench_roundtrip(const char *name, uint32_t server, uint32_t flags)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < N + WARMUP; i++) {
		uint64_t t0 = rdtsc();
		tess_ipc(server, server, flags, &m, xbuf_client);
		uint64_t t1 = rdtsc();
		if (i >= WARMUP)
			samples[i - WARMUP] = t1 - t0;
	}
	report(name, N);
}

/*
 * One-way halves, sel4bench style.  The client sends its counter in MR0
 * with a call; the server reads the counter as its receive returns (the
 * call's one-way cost), and answers, with a ReplyRecv-shaped ipc, the
 * call's cost in MR1 and its own counter, read just before, in MR2; the
 * client reads the counter as its call returns (the reply's cost).  The
 * reply is a reply and wait (IPC_REPLY), seL4's ReplyRecv.
 */
static void stamp_server(void *arg)
{
	struct tess_msg m;
	(void)arg;
	memset(&m, 0, sizeof(m));
	tess_ipc(TID_NIL, TID_ANY, IPC_SHORT, &m, NULL);
	for (;;) {
		uint64_t t1 = rdtsc();
		m.mr[1] = t1 - m.mr[0];
		m.mr[2] = rdtsc();
		tess_reply_wait(m.sender, &m);
	}
}

static uint64_t reply_samples[N];

static void bench_oneway(void)
{
	struct tess_thread s;
	struct tess_msg m;
	if (tess_thread_spawn_copy(ba, stamp_server, NULL,
				   server_stack + sizeof(server_stack), TID_NIL,
				   22, &s))
		return;
	tess_thread_switch(s.tid);
	for (int i = 0; i < N + WARMUP; i++) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = rdtsc();
		tess_ipc(s.tid, s.tid, IPC_SHORT, &m, NULL);
		uint64_t t3 = rdtsc();
		if (i >= WARMUP) {
			samples[i - WARMUP] = m.mr[1];
			reply_samples[i - WARMUP] = t3 - m.mr[2];
		}
	}
	report("ipc_call_oneway_xspace", N);
	bench_report("ipc_replyrecv_oneway_xspace", reply_samples, N, overhead);
	tess_thread_free(ba, &s);
}

static void bench_ipc(void)
{
	struct tess_thread s;
	long r =
	    tess_thread_spawn(ba, echo_server, (void *)(uintptr_t)IPC_SHORT,
			      server_stack + sizeof(server_stack), TID_NIL, &s);
	if (r) {
		printf("bench ipc: spawn failed: %s\n", tess_strerror(r));
		return;
	}
	tess_thread_switch(s.tid); /* let it reach its receive */
	bench_roundtrip("ipc_roundtrip_same_space", s.tid, IPC_SHORT);
	tess_thread_free(ba, &s);

	r = tess_thread_spawn_copy(
	    ba, echo_server, (void *)(uintptr_t)IPC_SHORT,
	    server_stack + sizeof(server_stack), TID_NIL, 22, &s);
	if (r) {
		printf("bench ipc: spawn in a copied space failed: %s\n",
		       tess_strerror(r));
		return;
	}
	tess_thread_switch(s.tid);
	bench_roundtrip("ipc_roundtrip_xspace", s.tid, IPC_SHORT);
	tess_thread_free(ba, &s);

	bench_oneway();

	r = tess_thread_spawn_copy(
	    ba, echo_server,
	    (void *)(uintptr_t)(IPC_EXTENDED | IPC_SIZE(IPC_EXTENDED_MAX)),
	    server_stack + sizeof(server_stack), TID_NIL, 22, &s);
	if (r)
		return;
	tess_thread_switch(s.tid);
	memset(xbuf_client, 0x5a, sizeof(xbuf_client));
	bench_roundtrip("ipc_extended_2k_each_way_xspace", s.tid,
			IPC_EXTENDED | IPC_SIZE(IPC_EXTENDED_MAX));
	tess_thread_free(ba, &s);
}

/* ------------------------------------------------------------ faults */

/* Takes an invalid-opcode fault again and again; its pager moves it on.
 * Then tells the pager it is done. */
static void faulter(void *arg)
{
	struct tess_msg done;
	uint32_t pager = (uint32_t)(uintptr_t)arg;
	for (int i = 0; i < N + WARMUP; i++) {
		uint64_t t0 = rdtsc();
		__asm__ volatile("ud2" ::: "memory");
		uint64_t t1 = rdtsc();
		if (i >= WARMUP)
			samples[i - WARMUP] = t1 - t0;
	}
	memset(&done, 0, sizeof(done));
	tess_send(pager, &done);
}

/* The exception round trip: ud2 in a thread of the pager's own space, the
 * pager's reply moves it past the instruction (seL4's fault benchmark is
 * the same shape). */
static void bench_exception(void)
{
	struct tess_thread f;
	struct tess_msg m;
	struct task_ids me;

	tess_getid(&me);
	long r =
	    tess_thread_spawn(ba, faulter, (void *)(uintptr_t)me.tid,
			      client_stack + sizeof(client_stack), me.tid, &f);
	if (r)
		return;
	memset(&m, 0, sizeof(m));
	tess_receive(f.tid, &m);
	while (m.mr[0] == IPC_TAG_EXCEPTION) {
		/* Skip the two-byte ud2 and resume. */
		m.mr[1] = m.mr[3] + 2;
		m.mr[0] = FAULT_RESUME_AT;
		if (tess_reply_wait(f.tid, &m))
			break;
	}
	report("exception_ud2_roundtrip_same_space", N);
	tess_thread_free(ba, &f);
}

/* A real page fault, served by a pager in another space: the faulting
 * thread (in a copy of this space) reads a page that is not mapped; the
 * pager maps a page there and answers; the thread's load completes.  Its
 * own samples are in its own (copied) memory: it sends the figures. */
#define VA_PF 0x0000500000000000ul
#define PF_PAGES (N + WARMUP)
static cptr_t pf_pages[PF_PAGES];

static void page_toucher(void *arg)
{
	struct tess_msg m;
	uint32_t pager = (uint32_t)(uintptr_t)arg;
	for (int i = 0; i < N + WARMUP; i++) {
		volatile const uint64_t *p =
		    (const uint64_t *)(VA_PF + (uint64_t)i * 4096);
		uint64_t t0 = rdtsc();
		(void)*p;
		uint64_t t1 = rdtsc();
		if (i >= WARMUP)
			samples[i - WARMUP] = bench_less(t1 - t0, overhead);
	}
	bench_sort(samples, N);
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0x5e;
	m.mr[1] = samples[N / 2];
	m.mr[2] = samples[0];
	m.mr[3] = samples[N - 1];
	tess_send(pager, &m);
	for (;;)
		tess_thread_switch(TID_NIL);
}

static void bench_page_fault(void)
{
	struct tess_thread f;
	struct tess_msg m;
	struct task_ids me;
	int i, served = 0;

	for (i = 0; i < PF_PAGES; i++)
		if (tess_new(ba, CAP_PAGE, 0, &pf_pages[i])) {
			printf("bench page fault: %d pages only\n", i);
			return;
		}
	tess_getid(&me);
	if (tess_thread_spawn_copy(ba, page_toucher, (void *)(uintptr_t)me.tid,
				   client_stack + sizeof(client_stack), me.tid,
				   22, &f))
		return;
	/* The tables exist beforehand: the figure is the fault, the map and
	 * the two IPCs, not table making. */
	for (i = 0; i < PF_PAGES; i += 512)
		tess_ensure_tables(ba, f.space_cap, VA_PF + (uint64_t)i * 4096);
	memset(&m, 0, sizeof(m));
	tess_receive(f.tid, &m);
	while (m.mr[0] == IPC_TAG_PAGEFAULT && served < PF_PAGES) {
		if (tess_map(pf_pages[served++], f.space_cap,
			     m.mr[1] & ~0xffful, RIGHT_PAGE_READ))
			break;
		m.mr[0] = FAULT_RESUME;
		if (tess_reply_wait(f.tid, &m))
			break;
	}
	if (m.mr[0] == 0x5e)
		printf("bench page_fault_roundtrip_xspace_pager median=%lu "
		       "min=%lu max=%lu n=%d\n",
		       (unsigned long)m.mr[1], (unsigned long)m.mr[2],
		       (unsigned long)m.mr[3], N);
	else
		printf("bench page fault: stopped after %d faults\n", served);
	tess_thread_free(ba, &f);
	for (i = 0; i < PF_PAGES; i++)
		tess_delete(ba, pf_pages[i]);
}

/* ------------------------------------------------------------ switch */

static volatile uint32_t other_tid;

static void directed_yielder(void *arg)
{
	(void)arg;
	for (;;)
		tess_thread_switch(other_tid);
}

static void undirected_yielder(void *arg)
{
	(void)arg;
	for (;;)
		tess_thread_switch(TID_NIL);
}

/* Two threads of one priority hand the CPU to each other: one sample is
 * two switches (there and back), halved after the counter's cost is
 * taken off. */
static void bench_switch(const char *name, tess_entry_fn other, bool directed)
{
	struct tess_thread y;
	struct task_ids me;
	tess_getid(&me);
	other_tid = me.tid;
	if (tess_thread_spawn(ba, other, NULL,
			      server_stack + sizeof(server_stack), TID_NIL, &y))
		return;
	for (int i = 0; i < N + WARMUP; i++) {
		uint64_t t0 = rdtsc();
		tess_thread_switch(directed ? y.tid : TID_NIL);
		uint64_t t1 = rdtsc();
		if (i >= WARMUP)
			samples[i - WARMUP] = bench_less(t1 - t0, overhead) / 2;
	}
	bench_report(name, samples, N, 0);
	tess_thread_free(ba, &y);
}

/* ------------------------------------------------------------ counts */

static struct tess_counters count0;

static void count_begin(void)
{
	tess_debug_counters(BOOT_SLOT_DEBUG, &count0);
}

/* Print the events since count_begin, over n operations. */
static void count_end(const char *name, int n)
{
	struct tess_counters c;
	tess_debug_counters(BOOT_SLOT_DEBUG, &c);
	printf("count %s n=%d cr3_writes=%lu tlb_flushes=%lu "
	       "tlb_page_flushes=%lu fpu_saves=%lu fpu_restores=%lu "
	       "fpu_traps=%lu\n",
	       name, n, c.cr3_writes - count0.cr3_writes,
	       c.tlb_flushes - count0.tlb_flushes,
	       c.tlb_page_flushes - count0.tlb_page_flushes,
	       c.fpu_saves - count0.fpu_saves,
	       c.fpu_restores - count0.fpu_restores,
	       c.fpu_traps - count0.fpu_traps);
}

/* An SSE instruction: the thread that runs it uses the FPU. */
static inline void touch_fpu(void)
{
	__asm__ volatile("paddq %%xmm1, %%xmm0" ::: "xmm0");
}

/* echo_server, using the FPU between the messages it answers. */
static void echo_server_fpu(void *arg)
{
	struct tess_msg m;
	(void)arg;
	memset(&m, 0, sizeof(m));
	tess_ipc(TID_NIL, TID_ANY, IPC_SHORT, &m, NULL);
	for (;;) {
		touch_fpu();
		m.mr[0]++;
		tess_reply_wait(m.sender, &m);
	}
}

static void count_roundtrips(const char *name, tess_entry_fn server, bool copy,
			     bool fpu)
{
	struct tess_thread s;
	struct tess_msg m;
	long r =
	    copy ? tess_thread_spawn_copy(
		       ba, server, (void *)(uintptr_t)IPC_SHORT,
		       server_stack + sizeof(server_stack), TID_NIL, 22, &s)
		 : tess_thread_spawn(ba, server, (void *)(uintptr_t)IPC_SHORT,
				     server_stack + sizeof(server_stack),
				     TID_NIL, &s);
	if (r) {
		printf("bench %s: spawn failed: %s\n", name, tess_strerror(r));
		return;
	}
	tess_thread_switch(s.tid);
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < WARMUP; i++)
		tess_ipc(s.tid, s.tid, IPC_SHORT, &m, NULL);
	count_begin();
	for (int i = 0; i < N; i++) {
		if (fpu)
			touch_fpu();
		tess_ipc(s.tid, s.tid, IPC_SHORT, &m, NULL);
	}
	count_end(name, N);
	tess_thread_free(ba, &s);
}

/* Both threads yield, n times each: 2n yields, each a switch. */
static void count_yields(void)
{
	struct tess_thread y;
	if (tess_thread_spawn(ba, undirected_yielder, NULL,
			      server_stack + sizeof(server_stack), TID_NIL, &y))
		return;
	for (int i = 0; i < WARMUP; i++)
		tess_thread_switch(TID_NIL);
	count_begin();
	for (int i = 0; i < N; i++)
		tess_thread_switch(TID_NIL);
	count_end("yield_undirected", 2 * N);
	tess_thread_free(ba, &y);
}

static void count_all(void)
{
	count_roundtrips("ipc_roundtrip_same_space", echo_server, false, false);
	count_roundtrips("ipc_roundtrip_xspace", echo_server, true, false);
	count_roundtrips("ipc_roundtrip_xspace_fpu", echo_server_fpu, true,
			 true);
	count_yields();
}

int main(long arg)
{
	struct tess_counters c;
	(void)arg;
	ba = tess_alloc_default();
	printf("# bench: kernel microbenchmarks\n");
	/* Threads we page (in other spaces) may answer us. */
	if (tess_cap_share_copy(CAP_IPC, CAP_SHARE_CHILD, NULL))
		printf("# bench: could not share an IPC capability\n");
	if (tess_debug_counters(BOOT_SLOT_DEBUG, &c) == 0 && c.events) {
		printf("# bench: the kernel counts events: counts only\n");
		count_all();
		printf("# bench done\n");
		return 0;
	}
	overhead = bench_counter_cost(samples, N);
	printf("# bench: reading the counter twice costs %lu (subtracted)\n",
	       (unsigned long)overhead);
	bench_null();
	bench_ipc();
	bench_exception();
	bench_page_fault();
	bench_switch("yield_directed", directed_yielder, true);
	bench_switch("yield_undirected", undirected_yielder, false);
	printf("# bench done\n");
	return 0;
}
