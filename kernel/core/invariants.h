/* Kernel self-checks, run after every system call in test builds. */
#ifndef CORE_INVARIANTS_H
#define CORE_INVARIANTS_H

/* Walk the derivation tree, the thread table and the run queues; panic
 * (ending a test run as failed) on the first inconsistency. */
void invariants_check(void);

#endif
