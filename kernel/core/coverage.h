/*
 * Coverage builds (coverage.c): the kernel's side of `make fuzz` and
 * `make coverage`.  In other builds every hook here is empty.
 */
#ifndef CORE_COVERAGE_H
#define CORE_COVERAGE_H

#include "kernel.h"

struct thread;

long sys_debug_coverage(const u64 *a);

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
void coverage_call_resumed(const struct thread *t);
#else
static inline void coverage_call_begin(const struct thread *t, u64 nr)
{
}
static inline void coverage_call_end(const struct thread *t, u64 result)
{
}
static inline void coverage_call_resumed(const struct thread *t)
{
}
#endif

#endif
