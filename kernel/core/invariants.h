/* Kernel self-checks, run after every system call in test builds. */
#ifndef CORE_INVARIANTS_H
#define CORE_INVARIANTS_H

#include "kernel.h"

struct thread;

/* Walk the derivation tree, the thread table and the run queues; panic
 * (ending a test run as failed) on the first inconsistency. */
void invariants_check(void);

/* The check after a system call of thread `t` (TESS_CHECK builds): the
 * whole walk, unless `t` is a thread of the trusted container. */
void invariants_after_call(const struct thread *t);

/* Trust the threads of container `cid` (`on`), or none (`!on`): their
 * calls are not followed by the check; the state they leave is checked
 * after the next call of any other thread, or by invariants_check.  The
 * fuzzer's harness (debug_coverage COVERAGE_TRUST) is the only user: its
 * bookkeeping between programs would otherwise cost most of a campaign. */
void invariants_trust(u32 cid, bool on);

#endif
