/*
 * Thread ids and the life of Thread objects.
 *
 * A thread id is TID_MAKE(container id, generation << 12 | index): the index
 * picks an entry of the tid table, the generation makes a recycled entry
 * give a different id, so a stale id finds nothing rather than a stranger.
 */
#include "thread.h"
#include "time.h"
#include "space.h"
#include "container.h"
#include "cspace.h"
#include "ipc.h"
#include "mutex.h"
#include "input.h"
#include "root.h"
#include "arch/hooks.h"

struct thread *tid_table[MAX_THREADS];
static u16 tid_gen[MAX_THREADS];
static u32 tid_next = 1;
static u32 tid_used;

void thread_table_init(void)
{
	memset(tid_table, 0, sizeof(tid_table));
	tid_next = 1;
	tid_used = 0;
}

bool thread_id_available(void)
{
	return tid_used < MAX_THREADS - 1;
}

u32 thread_count(void)
{
	return MAX_THREADS;
}

struct thread *thread_by_index(u32 i)
{
	return i < MAX_THREADS ? tid_table[i] : NULL;
}

/* Give `t` an id in container `cid`.  -E_LIMIT if the table is full. */
int thread_bind(struct thread *t, u32 cid)
{
	u32 i = tid_next;
	for (u32 tries = 0; tid_table[i]; tries++) {
		if (tries == MAX_THREADS)
			return -E_LIMIT;
		i = i + 1 < MAX_THREADS ? i + 1 : 1;
	}
	tid_next = i + 1 < MAX_THREADS ? i + 1 : 1;
	tid_gen[i] = (u16)((tid_gen[i] + 1) & 0xfff);
	t->tid = TID_MAKE(cid, ((u32)tid_gen[i] << TID_INDEX_BITS) | i);
	t->container = container_lookup(cid);
	if (t->container)
		t->container->nthreads++;
	tid_table[i] = t;
	tid_used++;
	return 0;
}

static void notify_parent(struct thread *t);

void thread_unbind(struct thread *t)
{
	if (!t->tid)
		return;
	notify_parent(t); /* a parent waiting for it must look again */
	tid_table[TID_INDEX(t->tid)] = NULL;
	tid_used--;
	if (t->container)
		t->container->nthreads--;
	t->container = NULL;
	t->tid = 0;
	cap_epoch++; /* threads it paged no longer see its space's shared list
		      */
}

void thread_set_space(struct thread *t, struct space *s)
{
	if (t->space) {
		struct space *old = t->space;
		if (t->space_prev)
			t->space_prev->space_next = t->space_next;
		else
			old->threads = t->space_next;
		if (t->space_next)
			t->space_next->space_prev = t->space_prev;
		old->nthreads--;
	}
	t->space = s;
	t->space_next = t->space_prev = NULL;
	if (s) {
		t->space_next = s->threads;
		if (s->threads)
			s->threads->space_prev = t;
		s->threads = t;
		s->nthreads++;
	}
}

/* A freshly retyped (zeroed) Thread object: unbound and inactive. */
void thread_object_init(struct thread *t)
{
	arch_thread_init(t);
	t->state = TS_INACTIVE;
	t->pager = TID_NIL;
	t->parent = TID_NIL;
	t->prio = 100;
}

/*
 * Take `t` off the run queue and out of any IPC, mutex, child wait,
 * sleep or input wait, and its deadline out of the heap.  If `dying`,
 * the threads waiting for it fail too (see ipc_cancel).
 */
void thread_cancel(struct thread *t, bool dying)
{
	sched_remove(t);
	ipc_cancel(t, dying);
	mutex_cancel(t);
	timer_cancel(t);
	input_cancel(t);
	t->wait = WAIT_NONE;
}

/* Stop `t`, leaving it inactive.  Threads waiting to send to it stay
 * queued: it may run again. */
void thread_stop(struct thread *t)
{
	thread_cancel(t, false);
	if (t->state != TS_DEAD)
		t->state = TS_INACTIVE;
}

/* The last capability to the thread is going, or THREAD_DESTROY: stop it
 * and free its id. */
void thread_object_destroy(struct thread *t)
{
	thread_cancel(t, true);
	t->state = TS_INACTIVE;
	thread_set_space(t, NULL);
	thread_unbind(t);
	if (t == root_thread)
		root_task_exited(-1);
}

/* Wake the parent if it waits for this child (or any child). */
static void notify_parent(struct thread *t)
{
	struct thread *p = thread_lookup(t->parent);
	if (p && p->state == TS_BLOCKED && p->wait == WAIT_CHILD &&
	    (p->ipc_from == TID_ANY || p->ipc_from == t->tid))
		thread_wake(p);
}

/*
 * `t` has finished with `status`.  It keeps its id (a zombie) until its
 * parent reaps it with THREAD_WAIT or someone destroys it.  If `t` is the
 * running thread this does not return.  The root task's first thread
 * ending ends the system.
 */
void thread_exit(struct thread *t, int status)
{
	thread_cancel(t, true);
	t->state = TS_DEAD;
	t->exit_status = status;
	if (t->flags & THREAD_F_ROOT)
		root_task_exited(status);
	notify_parent(t);
	if (t == arch_current())
		schedule();
}

/* Stop `t` for good with one log line saying why. */
void thread_kill(struct thread *t, const char *why)
{
	kprintf("kill: thread %x (%s): %s\n", t->tid, t->name, why);
	thread_exit(t, -1);
}
