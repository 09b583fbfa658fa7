/*
 * FPU and SSE state as threads see it, the kernel switching it lazily
 * (kernel/arch/x86_64/fpu.c: saved only for threads that used it, loaded
 * at their first use in a time slice or, for steady users, at once).
 *
 * A thread's registers survive every way the CPU passes between threads:
 * IPC, yield, preemption in the middle of a busy loop, another thread
 * reading and writing them with exchange_registers while it waits, its
 * own exchange_registers on itself while they are live; with other
 * threads using the FPU in between, the root task among them (its
 * compiled code uses SSE).  A thread that never used the FPU sees only
 * the initial state, to exchange_registers and at its first FPU
 * instruction, never a value of the threads that ran before it.  A thread
 * destroyed while its state is live in the registers takes it with it.
 * Steady use through many IPCs (the kernel's eager loading, and its
 * periodic return to trapping) keeps the registers too.
 *
 * Each check is one assembly block: fxrstor of the thread's image, the
 * operation, fxsave.  No compiled code runs between the two, so the image
 * saved is what the kernel kept across the operation.  An image is
 * compared without MXCSR_MASK (the CPU's), the x87 last-instruction
 * pointers (FOP, FIP, FDP), which describe the last x87 operation, and
 * the reserved bytes (fxsave leaves them as they were).
 */
#include <tess_thread.h>

#include "ktest.h"

#define FX_SIZE 512
#define FX_COMPARED 416	       /* legacy and XMM areas; the rest is reserved */
#define SPIN_TSC 2000000000ull /* ~2 s at 1 GHz: a limit, never reached */
#define ROUNDS 2
#define NWORKERS 4 /* worker 0 never uses the FPU */
#define PINGS 600  /* past 2 x 256 slices of eager loading */
#define CALL 0xfca11u
#define REPORT 0xf4e9u

typedef uint8_t fx_t[FX_SIZE] __attribute__((aligned(16)));

static uint32_t me;
static struct kt_stacks stacks; /* NWORKERS + 1 */

/* Thread `id`'s image number `v`: every register distinct. */
static void image(uint8_t *f, unsigned id, unsigned v)
{
	uint16_t fcw = (v & 1) ? 0x027f : 0x037f;	/* precision control */
	uint32_t mxcsr = 0x1f80 | ((id + v) & 3) << 13; /* rounding */
	memset(f, 0, FX_SIZE);
	memcpy(f, &fcw, 2);
	f[4] = 0xff; /* abridged tag word: all eight registers in use */
	memcpy(f + 24, &mxcsr, 4);
	for (unsigned i = 0; i < 8; i++) /* ST0-7: 80 bits each */
		for (unsigned k = 0; k < 10; k++)
			f[32 + 16 * i + k] = (uint8_t)(0x10 * id + v + i + k);
	for (unsigned i = 0; i < 16; i++) /* XMM0-15 */
		for (unsigned k = 0; k < 16; k++)
			f[160 + 16 * i + k] =
			    (uint8_t)(0x40 * id + 0x11 * v + 3 * i + k + 1);
}

/* The state a thread starts with (docs/ABI.md). */
static void initial(uint8_t *f)
{
	uint16_t fcw = 0x037f;
	uint32_t mxcsr = 0x1f80;
	memset(f, 0, FX_SIZE);
	memcpy(f, &fcw, 2);
	memcpy(f + 24, &mxcsr, 4);
}

static int same(const uint8_t *a, const uint8_t *b)
{
	for (unsigned i = 0; i < FX_COMPARED; i++) {
		if ((i >= 6 && i < 24) || (i >= 28 && i < 32))
			continue; /* FOP, FIP, FDP; MXCSR_MASK */
		if (i >= 32 && i < 160 && i % 16 >= 10)
			continue; /* past an x87 register's 80 bits */
		if (a[i] != b[i])
			return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- asm */

struct sys {
	uint64_t rax, rdi, rsi, rdx, r10, r8, r9, r12, r13, r14, r15;
};

#define FPU_CLOBBERS                                                           \
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",        \
	    "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",       \
	    "xmm15", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)",        \
	    "st(6)", "st(7)"

/* fxrstor `in`, the system call in *s (its results back in *s), fxsave
 * `out`. */
static void around_syscall(const uint8_t *in, uint8_t *out, struct sys *s)
{
	fx_t i, o;
	memcpy(i, in, FX_SIZE); /* before the register variables: a call
				   may clobber them */
	register uint64_t r10 __asm__("r10") = s->r10;
	register uint64_t r8 __asm__("r8") = s->r8;
	register uint64_t r9 __asm__("r9") = s->r9;
	register uint64_t r12 __asm__("r12") = s->r12;
	register uint64_t r13 __asm__("r13") = s->r13;
	register uint64_t r14 __asm__("r14") = s->r14;
	register uint64_t r15 __asm__("r15") = s->r15;
	uint64_t rax = s->rax, rdi = s->rdi, rsi = s->rsi, rdx = s->rdx;
	__asm__ volatile("fxrstor %[i]\n\tsyscall\n\tfxsave %[o]"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx),
			   "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r12), "+r"(r13),
			   "+r"(r14), "+r"(r15), [o] "=m"(o)
			 : [i] "m"(i)
			 : "rcx", "r11", "memory", FPU_CLOBBERS);
	memcpy(out, o, FX_SIZE);
	s->rax = rax;
	s->rsi = rsi;
	s->rdx = rdx;
	s->r10 = r10;
	s->r8 = r8;
	s->r9 = r9;
	s->r12 = r12;
	s->r13 = r13;
	s->r14 = r14;
}

/* Work done by other threads (and by me, serving them), to see that a
 * spin was preempted. */
static volatile uint32_t progress;

/* fxrstor `in`, spin until another thread has made progress (it was
 * preempted) or `tsc` counts have passed, fxsave `out`.  1 if it was
 * preempted. */
static int around_spin(const uint8_t *in, uint8_t *out, uint64_t tsc)
{
	fx_t i, o;
	uint32_t before = progress;
	memcpy(i, in, FX_SIZE);
	__asm__ volatile(
	    "fxrstor %[i]\n\t"
	    "rdtsc\n\tshlq $32, %%rdx\n\torq %%rdx, %%rax\n\t"
	    "addq %[t], %%rax\n\tmovq %%rax, %%rcx\n"
	    "1:\tcmpl %[b], %[p]\n\tjne 2f\n\t"
	    "rdtsc\n\tshlq $32, %%rdx\n\torq %%rdx, %%rax\n\t"
	    "cmpq %%rcx, %%rax\n\tjb 1b\n"
	    "2:\tfxsave %[o]"
	    : [o] "=m"(o)
	    : [i] "m"(i), [t] "r"(tsc), [b] "r"(before), [p] "m"(progress)
	    : "rax", "rcx", "rdx", "memory", FPU_CLOBBERS);
	memcpy(out, o, FX_SIZE);
	return progress != before;
}

/* The first FPU instruction of a thread: what does it find? */
static void first_fxsave(uint8_t *out)
{
	fx_t o;
	__asm__ volatile("fxsave %0" : "=m"(o));
	memcpy(out, o, FX_SIZE);
}

static struct sys sys_ipc(uint32_t to, uint32_t from, uint64_t mr0,
			  uint64_t mr1)
{
	struct sys s;
	memset(&s, 0, sizeof(s));
	s.rax = TESS_SYS_BASE + SYS_ipc;
	s.rdi = to;
	s.rsi = from;
	s.rdx = IPC_SHORT;
	s.r10 = mr0;
	s.r8 = mr1;
	return s;
}

/* ---------------------------------------------------------------- workers */

/*
 * An FPU worker: ROUNDS of a call to me (I read, and every other time
 * rewrite, its state meanwhile), a yield, a spin, a read and a write of
 * its own state with exchange_registers; each checked.  Reports the
 * mismatches (MR1) and how many spins were preempted (MR2).
 */
static void fpu_worker(uint64_t id, uint64_t boss, uint64_t unused)
{
	static fx_t mine[NWORKERS], out[NWORKERS], kern[NWORKERS];
	uint8_t *m = mine[id], *o = out[id], *k = kern[id];
	unsigned v = 0, bad = 0, preempted = 0;
	struct task_ids ids;
	struct exregs x;
	struct sys s;

	tess_getid(&ids);
	image(m, (unsigned)id, v);
	for (unsigned r = 0; r < ROUNDS; r++) {
		s = sys_ipc((uint32_t)boss, (uint32_t)boss, CALL, v);
		around_syscall(m, o, &s);
		if (s.rax)
			bad++;
		else if (s.r10 != v) /* it wrote my state */
			image(m, (unsigned)id, v = (unsigned)s.r10);
		bad += !same(o, m);
		progress++;

		memset(&s, 0, sizeof(s));
		s.rax = TESS_SYS_BASE + SYS_thread_switch;
		s.rdi = TID_NIL;
		around_syscall(m, o, &s);
		bad += !same(o, m);
		progress++;

		preempted += around_spin(m, o, SPIN_TSC);
		bad += !same(o, m);
		progress++;

		/* My own state, live in the registers: read (a new image, in
		 * no save area yet), then write. */
		image(m, (unsigned)id, v += 50);
		memset(&x, 0, sizeof(x));
		x.flags = EXREGS_READ_FPU;
		x.fpu = (uint64_t)k;
		memset(&s, 0, sizeof(s));
		s.rax = TESS_SYS_BASE + SYS_exchange_registers;
		s.rdi = (uint64_t)&x;
		s.rsi = ids.tid;
		around_syscall(m, o, &s);
		bad += s.rax != 0 || !same(k, m) || !same(o, m);

		image(k, (unsigned)id, v + 100);
		memset(&x, 0, sizeof(x));
		x.valid = EXREGS_SET_FPU;
		x.fpu = (uint64_t)k;
		s.rax = TESS_SYS_BASE + SYS_exchange_registers;
		s.rdi = (uint64_t)&x;
		s.rsi = ids.tid;
		around_syscall(m, o, &s);
		bad += s.rax != 0;
		image(m, (unsigned)id, v += 100);
		bad += !same(o, m);
		progress++;
	}
	s = sys_ipc((uint32_t)boss, TID_NIL, REPORT, bad);
	s.r9 = preempted;
	around_syscall(m, o, &s);
	tess_exit(0);
}

__attribute__((target("general-regs-only"))) static inline uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* A raw system call: no compiled code around it touches the FPU. */
__attribute__((target("general-regs-only"))) static long
raw_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t mr0,
	    uint64_t mr1, uint64_t mr2)
{
	register uint64_t r10 __asm__("r10") = mr0;
	register uint64_t r8 __asm__("r8") = mr1;
	register uint64_t r9 __asm__("r9") = mr2;
	register uint64_t r12 __asm__("r12") = 0;
	register uint64_t r13 __asm__("r13") = 0;
	register uint64_t r14 __asm__("r14") = 0;
	register uint64_t r15 __asm__("r15") = 0;
	uint64_t rax = nr;
	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10),
			   "+r"(r8), "+r"(r9), "+r"(r12), "+r"(r13), "+r"(r14),
			   "+r"(r15)
			 :
			 : "rcx", "r11", "memory");
	return (long)rax;
}

/*
 * Worker 0 never uses the FPU: the same calls, yields and spins, in code
 * built without FPU or SSE instructions, and at the end its first FPU
 * instruction: it must find the initial state (MR1: 1 if so).
 */
__attribute__((target("general-regs-only"))) static void
plain_worker(uint64_t id, uint64_t boss, uint64_t unused)
{
	const uint64_t ipc = TESS_SYS_BASE + SYS_ipc;
	unsigned bad = 0, preempted = 0;
	for (unsigned r = 0; r < ROUNDS; r++) {
		bad += raw_syscall(ipc, boss, boss, IPC_SHORT, CALL, 0, 0) != 0;
		progress++;
		raw_syscall(TESS_SYS_BASE + SYS_thread_switch, TID_NIL, 0, 0, 0,
			    0, 0);
		progress++;
		uint32_t before = progress;
		uint64_t end = tsc() + SPIN_TSC;
		while (progress == before && tsc() < end)
			;
		preempted += progress != before;
		progress++;
	}
	raw_syscall(ipc, boss, TID_NIL, IPC_SHORT, REPORT, bad, preempted);
	tess_exit(0);
}

/* Worker 0's last act: its first FPU instruction, reported. */
static void plain_first_use(uint64_t boss, uint64_t a1, uint64_t a2)
{
	fx_t f, init;
	first_fxsave(f);
	initial(init);
	raw_syscall(TESS_SYS_BASE + SYS_ipc, boss, TID_NIL, IPC_SHORT, REPORT,
		    same(f, init), 0);
	tess_exit(0);
}

/* ---------------------------------------------------------------- tests */

static int worker_of(const struct kt_thread *w, uint32_t tid)
{
	for (int i = 0; i < NWORKERS; i++)
		if (w[i].tid == tid)
			return i;
	return -1;
}

/* The workers, and me serving their calls with exchange_registers. */
static void mix(void)
{
	struct kt_thread w[NWORKERS];
	unsigned calls[NWORKERS], bad[NWORKERS], pre[NWORKERS];
	unsigned reports = 0, seen_bad = 0, my_bad = 0;
	fx_t got, want, mine, out;
	struct tess_msg m;
	struct exregs x;
	struct sys s;
	long r = 0;

	memset(w, 0, sizeof(w));
	memset(calls, 0, sizeof(calls));
	for (int i = 0; i < NWORKERS; i++) {
		bad[i] = pre[i] = ~0u;
		if (!r)
			r = kt_spawn(&w[i], i ? fpu_worker : plain_worker,
				     kt_stack(&stacks, i), KT_STACK_SIZE, i, me,
				     0);
	}
	if (!tap_eq(r, 0,
		    "fpu: %d threads using the FPU and one that never does",
		    NWORKERS - 1))
		goto out;
	image(mine, 5, 0);
	while (reports < NWORKERS) {
		progress++;
		/* My own state, across a yield to them. */
		memset(&s, 0, sizeof(s));
		s.rax = TESS_SYS_BASE + SYS_thread_switch;
		s.rdi = TID_NIL;
		around_syscall(mine, out, &s);
		my_bad += !same(out, mine);

		memset(&m, 0, sizeof(m));
		if (kt_recv(TID_ANY, &m))
			break;
		int i = worker_of(w, m.sender);
		if (i < 0)
			break;
		if (m.mr[0] == REPORT) {
			bad[i] = (unsigned)m.mr[1];
			pre[i] = (unsigned)m.mr[2];
			reports++;
			continue;
		}
		/* It waits for my answer: its state, read and rewritten. */
		memset(&x, 0, sizeof(x));
		x.flags = EXREGS_READ_FPU;
		x.fpu = (uint64_t)got;
		if (i)
			image(want, i, (unsigned)m.mr[1]);
		else
			initial(want);
		if (tess_exchange_registers(&x, m.sender) || !same(got, want))
			seen_bad++;
		uint64_t v = m.mr[1];
		if (i && calls[i]++ % 2 == 0) {
			image(want, i, (unsigned)++v);
			memset(&x, 0, sizeof(x));
			x.valid = EXREGS_SET_FPU;
			x.fpu = (uint64_t)want;
			if (tess_exchange_registers(&x, m.sender))
				seen_bad++;
		}
		memset(&m, 0, sizeof(m));
		m.mr[0] = v;
		tess_send(w[i].tid, &m);
	}
	tap_eq(reports, NWORKERS, "fpu: every thread finished");
	tap_eq(seen_bad, 0,
	       "fpu: exchange_registers read each waiting thread's state as "
	       "it left it (the initial one for the thread that never used "
	       "the FPU)");
	for (int i = 1; i < NWORKERS; i++) {
		tap_eq(
		    bad[i], 0,
		    "fpu: thread %d: its registers survived every IPC, "
		    "yield, spin, and exchange_registers by me and by itself",
		    i);
		tap_ok(pre[i] == ROUNDS,
		       "fpu: thread %d: preempted in %u of its %d spins", i,
		       pre[i], ROUNDS);
	}
	tap_eq(bad[0], 0,
	       "fpu: the thread that never used the FPU ran as "
	       "the others did");
	tap_eq(my_bad, 0, "fpu: my own registers survived meanwhile");

	/* Worker 0, still never having used the FPU, looks at last. */
	kt_destroy(&w[0]);
	memset(&m, 0, sizeof(m));
	r = kt_spawn(&w[0], plain_first_use, kt_stack(&stacks, 0),
		     KT_STACK_SIZE, me, 0, 0);
	if (!r)
		r = kt_recv(w[0].tid, &m);
	tap_ok(r == 0 && m.mr[0] == REPORT && m.mr[1] == 1,
	       "fpu: a thread's first FPU instruction finds the initial "
	       "state, after three others' values");
out:
	for (int i = 0; i < NWORKERS; i++)
		kt_destroy(&w[i]);
}

/* Loads a secret, then destroys itself with it live in the registers. */
static void dying(uint64_t a0, uint64_t a1, uint64_t a2)
{
	fx_t secret, out;
	struct task_ids ids;
	struct sys s;
	tess_getid(&ids);
	image(secret, 7, 7);
	memset(&s, 0, sizeof(s));
	s.rax = TESS_SYS_BASE + SYS_thread_control;
	s.rdi = THREAD_DESTROY;
	s.rsi = (uint64_t)&ids;
	around_syscall(secret, out, &s);
	tess_exit(1); /* not reached */
}

static void owner_dies(void)
{
	struct kt_thread d = {0, 0}, e = {0, 0};
	struct tess_msg m;
	fx_t mine, out;
	unsigned bad = 0, waits = 0;
	struct sys s;

	image(mine, 6, 0);
	if (!tap_eq(kt_spawn(&d, dying, kt_stack(&stacks, 0), KT_STACK_SIZE, 0,
			     0, 0),
		    0, "fpu: a thread that destroys itself, its state live"))
		return;
	while (kt_state(d.tid) != -E_NOTHREAD && waits++ < 1000) {
		memset(&s, 0, sizeof(s));
		s.rax = TESS_SYS_BASE + SYS_thread_switch;
		s.rdi = TID_NIL;
		around_syscall(mine, out, &s);
		bad += !same(out, mine);
	}
	tap_ok(kt_state(d.tid) == -E_NOTHREAD && bad == 0,
	       "fpu: it is gone; my registers survived it");
	kt_destroy(&d);
	memset(&m, 0, sizeof(m));
	long r = kt_spawn(&e, plain_first_use, kt_stack(&stacks, 1),
			  KT_STACK_SIZE, me, 0, 0);
	if (!r)
		r = kt_recv(e.tid, &m);
	tap_ok(r == 0 && m.mr[0] == REPORT && m.mr[1] == 1,
	       "fpu: a new thread's first FPU instruction finds the initial "
	       "state, not the dead thread's");
	kt_destroy(&e);
}

/* Calls me PINGS times, using the FPU around each; reports mismatches. */
static void pinger(uint64_t boss, uint64_t a1, uint64_t a2)
{
	fx_t mine, out;
	unsigned bad = 0;
	struct sys s;
	image(mine, 8, 0);
	for (int i = 0; i < PINGS; i++) {
		s = sys_ipc((uint32_t)boss, (uint32_t)boss, CALL, i);
		around_syscall(mine, out, &s);
		bad += s.rax != 0 || !same(out, mine);
	}
	raw_syscall(TESS_SYS_BASE + SYS_ipc, boss, TID_NIL, IPC_SHORT, REPORT,
		    bad, 0);
	tess_exit(0);
}

/* Both of us use the FPU at every IPC: the kernel comes to load our
 * states eagerly, and every 256 time slices traps again to find out. */
static void steady(void)
{
	struct kt_thread p = {0, 0};
	fx_t mine, out;
	unsigned bad = 0, n = 0;
	struct sys s;

	if (!tap_eq(kt_spawn(&p, pinger, kt_stack(&stacks, 0), KT_STACK_SIZE,
			     me, 0, 0),
		    0, "fpu: a thread that calls me %d times", PINGS))
		return;
	image(mine, 9, 0);
	s = sys_ipc(TID_NIL, p.tid, 0, 0);
	around_syscall(mine, out, &s);
	while (s.rax == 0 && s.r10 == CALL && n < PINGS) {
		bad += !same(out, mine);
		n++;
		s = sys_ipc(p.tid, p.tid, 0, 0);
		around_syscall(mine, out, &s);
	}
	tap_ok(s.rax == 0 && s.r10 == REPORT && s.r8 == 0 && n == PINGS,
	       "fpu: its registers survived %u calls (%lu mismatches)", n,
	       (unsigned long)s.r8);
	tap_eq(bad, 0, "fpu: mine survived its calls");
	kt_destroy(&p);
}

void test_fpu(void)
{
	me = kt_self();
	if (!tap_eq(kt_stacks_map(&stacks, KT_VA_FPU, NWORKERS), 0,
		    "fpu: stacks for the threads")) {
		kt_stacks_unmap(&stacks);
		return;
	}
	mix();
	owner_dies();
	steady();
	kt_stacks_unmap(&stacks);
}
