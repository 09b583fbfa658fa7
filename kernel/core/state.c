/*
 * The kernel's global state, all of it in one place.
 *
 * Per CPU: struct percpu (percpu.h), inside the architecture's per-CPU
 * block: the running thread, the idle thread, the run queues, the flag
 * that asks for a switch, the preemption-point counter, the idle counters.
 *
 * Shared by every CPU, defined here (each declared in the header of the
 * file that owns it, which is the only one to write it):
 *   cdt_anchor      cdt.c       the root of the capability derivation tree
 *   cap_epoch       scope.c     bumped by every change of authority
 *                               (scope_authority_changed): the IPC fast
 *                               path's cached rights are good only while
 *                               it is unchanged
 *   next_capid      scope.c     the capid of the next scope capability
 *   thread_ids      thread.c    thread id -> thread, generations
 *   space_ids       space.c     space id -> space, generations
 *   container_table container.c container id -> container
 *   deadlines       time.c      the deadline heap, the realtime offset
 *   input           input.c     the console input ring and its reader
 *   mutex_queues    mutex.c     threads waiting on user mutexes
 *   root_thread     root.c      the root task's first thread
 *
 * Three files keep state of their own, outside this list: bootmem.c (the
 * free ranges, used only until boot ends), the invariant checker's
 * scratch array (test builds) and coverage.c (the coverage builds' edge
 * counters and record of call results, written by the dispatcher and the
 * scheduler's hooks; nothing in other builds).
 *
 * What must hold: the kernel runs with interrupts off (except at the
 * preemption points of long operations, which touch none of this while
 * interrupts are on), and on one CPU, so none of this is locked.  The
 * interrupt handlers write only input (input_push) and, through the
 * scheduler, this CPU's percpu.  SMP will need a lock, or a per-CPU copy,
 * for each line above.
 */
#include "kernel.h"
#include "cap.h"
#include "scope.h"
#include "container.h"
#include "cspace.h"
#include "input.h"
#include "mutex.h"
#include "root.h"
#include "space.h"
#include "thread.h"
#include "time.h"

struct cap cdt_anchor;
u64 cap_epoch = 1;
u32 next_capid = 1;
struct thread_ids thread_ids;
struct space_ids space_ids;
struct container *container_table[MAX_CONTAINERS];
struct deadlines deadlines;
struct input input;
struct thread *mutex_queues[MUTEX_BUCKETS];
struct thread *root_thread;
