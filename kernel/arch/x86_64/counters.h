/*
 * The event counters of the bench kernel (built with TESS_BENCH_COUNTERS,
 * booted only by `make bench`): page-table root loads, TLB flushes and
 * FPU/SSE saves and restores, which cost hundreds of cycles on a real CPU
 * but one instruction each in the guest instruction counts `make bench`
 * reports.  debug_dump(DUMP_COUNTERS) reads them (arch_counters, cpu.c).
 * Other kernels count nothing: BENCH_COUNT is empty there.
 */
#ifndef ARCH_COUNTERS_H
#define ARCH_COUNTERS_H

#include "tessera/syscall.h"

#ifdef TESS_BENCH_COUNTERS
extern struct tess_counters bench_counters;
#define BENCH_COUNT(field) (bench_counters.field++)
#else
#define BENCH_COUNT(field) ((void)0)
#endif

#endif
