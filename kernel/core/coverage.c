/*
 * Kernel coverage, for the fuzzer and for `make coverage`: the state
 * both keep, which is their own (state.c lists it as such), and the
 * code that reads it.
 *
 * Only the instrumented builds collect anything; in the ordinary kernels
 * coverage_counted() is false (debug_coverage answers E_NOSYS) and
 * coverage_dump() prints nothing.
 *
 * kfuzz (TESS_COVERAGE): every kernel C file but the invariant checker is
 * compiled with GCC's -fprofile-arcs, which counts the runs of the edges
 * of every function's control-flow graph (the arcs gcov needs; the
 * others follow from them) in counters the linker script gathers into one
 * array, [__cov_counters_start, __cov_counters_end): the fuzzer's edge
 * map.  Counters are incremented inline, which costs little even under
 * emulation (a call at every block, as -fsanitize-coverage=trace-pc
 * makes, costs the fuzzer most of its speed).  The map is global, not per
 * thread: the fuzzer judges a whole multi-threaded program, and much of
 * the kernel work a call causes runs in another thread's context (a
 * receiver finishing a sender's IPC, a pager's reply resuming a faulting
 * thread, a revoke tearing down a thread blocked in IPC); a per-thread
 * buffer would lose it.  What other threads add (the timer, the idle
 * loop) is seen once and is then no longer new.  debug_coverage
 * (api/debug.c) reads and resets the map; only the holder of the Debug
 * capability may.
 *
 * `make coverage` (TESS_GCOV, every kernel of the build under build/cov):
 * the kernel's C files are compiled with -fprofile-arcs and
 * -fprofile-info-section, and the dispatcher and the scheduler tell us
 * the result of every system call (coverage.h): call_results below, and
 * per thread id the call it is in.  When the root task ends,
 * coverage_dump() writes the (call, result) pairs seen and every file's
 * profile to the console as text (lib/gcov.h); tools/coverage.py turns
 * the logs into gcda files and its report.
 *
 * What must hold: the counters and call_results are written with
 * interrupts off, like the rest of the kernel's state (state.c), except
 * the counters' own increments, which any code path makes and which are
 * only ever counts.
 */
#include "kernel.h"
#include "coverage.h"
#include "thread.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"
#include "lib/gcov.h"

#ifdef TESS_COVERAGE

/* The arc counters, every function's, gathered by the linker script. */
extern u64 __cov_counters_start[], __cov_counters_end[];

bool coverage_counted(void)
{
	return true;
}

u64 coverage_size(void)
{
	return (u64)(__cov_counters_end - __cov_counters_start);
}

u64 coverage_edges(void)
{
	u64 n = 0;
	for (const u64 *c = __cov_counters_start; c < __cov_counters_end; c++)
		n += *c != 0;
	return n;
}

void coverage_bytes(u8 *dst, u64 off, u64 n)
{
	for (u64 i = 0; i < n; i++)
		dst[i] = (u8)MIN(__cov_counters_start[off + i], 255);
}

void coverage_reset(void)
{
	memset(__cov_counters_start, 0, coverage_size() * sizeof(u64));
}

#ifndef TESS_GCOV
/* Every file's profile names its counters' merge function, which only
 * libgcov calls; `make coverage` links lib/gcov.c's, kfuzz this. */
void __gcov_merge_add(u64 *counters, unsigned n);
void __gcov_merge_add(u64 *counters, unsigned n)
{
}
#endif

#else

bool coverage_counted(void)
{
	return false;
}

u64 coverage_size(void)
{
	return 0;
}

u64 coverage_edges(void)
{
	return 0;
}

void coverage_bytes(u8 *dst, u64 off, u64 n)
{
}

void coverage_reset(void)
{
}

#endif

#ifdef TESS_GCOV

/* (call, result) pairs seen: result 0 for success, else the error. */
static u8 call_results[SYS_COUNT][E_ERROR_MAX];
/* Per thread-id index: the call it is in (+1; 0: none) and its tid. */
static u8 call_nr[MAX_THREADS];
static u32 call_tid[MAX_THREADS];

void coverage_call_begin(const struct thread *t, u64 nr)
{
	u32 i = TID_INDEX(t->tid);
	call_nr[i] = nr < SYS_COUNT ? (u8)(nr + 1) : 0;
	call_tid[i] = t->tid;
}

void coverage_call_end(const struct thread *t, u64 result)
{
	u32 i = TID_INDEX(t->tid);
	long r = (long)result;
	if (!call_nr[i] || call_tid[i] != t->tid)
		return;
	if (r >= 0)
		call_results[call_nr[i] - 1][0] = 1;
	else if (-r < E_ERROR_MAX)
		call_results[call_nr[i] - 1][-r] = 1;
	call_nr[i] = 0;
}

void coverage_call_resumed(struct thread *t)
{
	if (t->flags & THREAD_F_USER_CONT)
		coverage_call_end(t, arch_result(arch_thread_tf(t)));
}

static void put_str(const char *s)
{
	while (*s)
		arch_console_putc(*s++);
}

/* "GCOV-RESULTS nr:err nr:err ...", 16 pairs to a line. */
static void dump_results(void)
{
	char buf[16];
	unsigned n = 0;
	for (u32 nr = 0; nr < SYS_COUNT; nr++)
		for (u32 e = 0; e < E_ERROR_MAX; e++) {
			if (!call_results[nr][e])
				continue;
			put_str(n % 16 ? " " : "GCOV-RESULTS ");
			ksnprintf(buf, sizeof(buf), "%u:%u", nr, e);
			put_str(buf);
			if (++n % 16 == 0)
				put_str("\n");
		}
	if (n % 16)
		put_str("\n");
}

void coverage_dump(void)
{
	arch_interrupts_off();
	dump_results();
	gcov_write_all(arch_console_putc, "kernel");
}

#else

void coverage_dump(void)
{
}

#endif
