/*
 * bench: microbenchmarks of the kernel's fast paths, run as the root task.
 *
 * Each benchmark times one operation many times with rdtsc and prints
 *   bench NAME median=N min=N max=N n=N
 * Under QEMU with -icount shift=0 rdtsc counts guest instructions, so the
 * figures are instructions and repeat from run to run; without icount they
 * are TCG cycles (QEMU's cost, noisy).  tools/bench.sh runs both.  The cost
 * of the two rdtsc reads themselves is measured and subtracted.
 */
#include <bench.h>
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

static void measure_overhead(void)
{
	for (int i = 0; i < N; i++) {
		uint64_t t0 = rdtsc();
		uint64_t t1 = rdtsc();
		samples[i] = t1 - t0;
	}
	bench_report("rdtsc_overhead", samples, N, 0); /* sorts them */
	overhead = samples[N / 2];
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

/* Answers every call with a short reply and waits for the next. */
static void echo_server(void *arg)
{
	struct tess_msg m;
	uint32_t flags = (uint32_t)(uintptr_t)arg;
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

	r = tess_thread_spawn_copy(
	    ba, echo_server,
	    (void *)(uintptr_t)(IPC_EXTENDED | IPC_SIZE(IPC_EXTENDED_MAX)),
	    server_stack + sizeof(server_stack), TID_NIL, 22, &s);
	if (r)
		return;
	tess_thread_switch(s.tid);
	memset(xbuf_client, 0x5a, sizeof(xbuf_client));
	bench_roundtrip("ipc_extended_2k_xspace", s.tid,
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

static void bench_fault(void)
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
		if (tess_ipc(f.tid, f.tid, IPC_SHORT, &m, 0))
			break;
	}
	report("fault_roundtrip", N);
	tess_thread_free(ba, &f);
}

/* ------------------------------------------------------------ switch */

static volatile uint32_t other_tid;

static void yielder(void *arg)
{
	(void)arg;
	for (;;)
		tess_thread_switch(other_tid);
}

static void bench_switch(void)
{
	struct tess_thread y;
	struct task_ids me;
	tess_getid(&me);
	other_tid = me.tid;
	if (tess_thread_spawn(ba, yielder, NULL,
			      server_stack + sizeof(server_stack), TID_NIL, &y))
		return;
	for (int i = 0; i < N + WARMUP; i++) {
		uint64_t t0 = rdtsc();
		tess_thread_switch(y.tid); /* to it, and it straight back */
		uint64_t t1 = rdtsc();
		if (i >= WARMUP)
			samples[i - WARMUP] = (t1 - t0) / 2;
	}
	report("thread_switch", N);
	tess_thread_free(ba, &y);
}

int main(long arg)
{
	(void)arg;
	ba = tess_alloc_default();
	printf("# bench: kernel microbenchmarks\n");
	/* Threads we page (in other spaces) may answer us. */
	if (tess_cap_share_copy(CAP_IPC, CAP_SHARE_CHILD, NULL))
		printf("# bench: could not share an IPC capability\n");
	measure_overhead();
	bench_null();
	bench_ipc();
	bench_fault();
	bench_switch();
	printf("# bench done\n");
	return 0;
}
