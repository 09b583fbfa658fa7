/*
 * Kernel coverage (coverage.c): the edge counters the fuzzer reads
 * through debug_coverage (api/debug.c), and `make coverage`'s profile
 * and record of the results system calls give.  In builds that count
 * nothing every hook here is empty.
 */
#ifndef CORE_COVERAGE_H
#define CORE_COVERAGE_H

#include "kernel.h"

struct thread;

/* Does this kernel count edges (kfuzz)?  If not, the others below are
 * never called. */
bool coverage_counted(void);
/* The number of counters: the size of the map COVERAGE_READ copies. */
u64 coverage_size(void);
/* The number of counters that are not 0. */
u64 coverage_edges(void);
/* Counters [off, off + n) as bytes (each count capped at 255). */
void coverage_bytes(u8 *dst, u64 off, u64 n);
/* Every counter to 0. */
void coverage_reset(void);

/* Write the profile to the console before power-off (TESS_GCOV). */
void coverage_dump(void);

/*
 * The results system calls give, for `make coverage`'s list of the
 * documented errors no test sees (TESS_GCOV).  The dispatcher calls
 * coverage_call_begin when `t` enters call `nr` and coverage_call_end
 * when the call returns `result`; the scheduler calls
 * coverage_call_resumed when it makes `t` runnable: if `t` blocked in a
 * call that another thread has finished for it (its result in its saved
 * registers, it resumes in user mode), that is the call's end.
 */
#ifdef TESS_GCOV
void coverage_call_begin(const struct thread *t, u64 nr);
void coverage_call_end(const struct thread *t, u64 result);
void coverage_call_resumed(struct thread *t);
#else
static inline void coverage_call_begin(const struct thread *t, u64 nr)
{
}
static inline void coverage_call_end(const struct thread *t, u64 result)
{
}
static inline void coverage_call_resumed(struct thread *t)
{
}
#endif

#endif
