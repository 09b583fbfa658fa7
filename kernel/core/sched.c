/*
 * The scheduler: 256 priorities, round robin within a priority, an O(1)
 * choice of the next thread (a bitmap of non-empty queues), timer
 * preemption after THREAD_TIMESLICE ticks, and an idle thread that runs
 * when nothing else can.
 *
 * The queues, the idle thread and the flag that asks for a switch are
 * per CPU (struct percpu): this CPU's are percpu()'s.
 *
 * Invariant: a thread is in run queue `prio` iff its state is TS_RUNNABLE
 * and it is not the running thread.  The running thread is in no queue.
 */
#include "thread.h"
#include "coverage.h"
#include "arch/hooks.h"

void sched_init(struct thread *idle)
{
	percpu()->idle = idle;
}

static inline __attribute__((always_inline)) void rq_append(struct thread *t)
{
	struct runqueues *rq = &percpu()->rq;
	struct thread **head = &rq->head[t->prio];
	if (!*head) {
		*head = t;
		t->rq_next = t->rq_prev = t;
		rq->bitmap[t->prio / 64] |= BIT(t->prio % 64);
		rq->summary |= BIT(t->prio / 64);
	} else {
		struct thread *last = (*head)->rq_prev;
		t->rq_next = *head;
		t->rq_prev = last;
		last->rq_next = t;
		(*head)->rq_prev = t;
	}
}

static inline __attribute__((always_inline)) void rq_unlink(struct thread *t)
{
	struct runqueues *rq = &percpu()->rq;
	struct thread **head = &rq->head[t->prio];
	if (t->rq_next == t) {
		*head = NULL;
		rq->bitmap[t->prio / 64] &= ~BIT(t->prio % 64);
		if (!rq->bitmap[t->prio / 64])
			rq->summary &= ~BIT(t->prio / 64);
	} else {
		t->rq_prev->rq_next = t->rq_next;
		t->rq_next->rq_prev = t->rq_prev;
		if (*head == t)
			*head = t->rq_next;
	}
	t->rq_next = t->rq_prev = NULL;
}

static int highest_prio(void)
{
	const struct runqueues *rq = &percpu()->rq;
	if (!rq->summary)
		return -1;
	int w = 63 - __builtin_clzll(rq->summary);
	return w * 64 + 63 - __builtin_clzll(rq->bitmap[w]);
}

/* Make `t` runnable; preempt the current thread if `t` is more urgent. */
void sched_make_runnable(struct thread *t)
{
	struct percpu *cpu = percpu();
	struct thread *cur = arch_current();
	t->state = TS_RUNNABLE;
	coverage_call_resumed(t);
	if (t == cur || t == cpu->idle || t->rq_next)
		return;
	rq_append(t);
	if (cur == cpu->idle || t->prio > cur->prio)
		cpu->need_resched = true;
}

/* Take `t` out of the run queue (it blocks, stops or dies). */
void sched_remove(struct thread *t)
{
	if (t->rq_next)
		rq_unlink(t);
}

/*
 * Switch to the most urgent runnable thread.  The current thread, if still
 * runnable, goes to the back of its queue.  Returns when the current thread
 * is next chosen.
 */
void schedule(void)
{
	struct percpu *cpu = percpu();
	struct thread *cur = arch_current(), *next;
	int p;

	cpu->need_resched = false;
	if (cur != cpu->idle && cur->state == TS_RUNNABLE && !cur->rq_next)
		rq_append(cur);
	p = highest_prio();
	if (p < 0) {
		next = cpu->idle;
		if (cur != cpu->idle)
			cpu->idle_entries++;
	} else {
		next = cpu->rq.head[p];
		rq_unlink(next);
	}
	if (next->timeslice == 0)
		next->timeslice = THREAD_TIMESLICE;
	if (next != cur)
		arch_switch(cur, next);
}

void sched_yield(void)
{
	struct thread *cur = arch_current();
	cur->timeslice = 0;
	schedule();
}

/* Timer tick: charge the running thread; round robin when its slice ends. */
void sched_tick(void)
{
	struct percpu *cpu = percpu();
	struct thread *cur = arch_current();
	if (cur == cpu->idle) {
		cpu->idle_ticks++;
		if (highest_prio() >= 0)
			cpu->need_resched = true;
		return;
	}
	if (cur->timeslice > 0)
		cur->timeslice--;
	if (cur->timeslice == 0)
		cpu->need_resched = true;
}

bool sched_queued(const struct thread *t)
{
	return t->rq_next != NULL;
}

/* Run `t` (runnable, queued) next, ahead of its queue; the caller stays
 * runnable at the back of its own. */
void sched_run_next(struct thread *t)
{
	struct thread *cur = arch_current();
	rq_unlink(t);
	if (cur != percpu()->idle && cur->state == TS_RUNNABLE)
		rq_append(cur);
	if (!t->timeslice)
		t->timeslice = THREAD_TIMESLICE;
	arch_switch(cur, t);
}

/* Invariant checks (test builds): queues hold exactly the runnable,
 * not-running threads, and the bitmap matches the queues. */
void sched_check_invariants(void)
{
	struct percpu *cpu = percpu();
	struct thread *cur = arch_current();
	for (int p = 0; p < NPRIO; p++) {
		bool bit = cpu->rq.bitmap[p / 64] & BIT(p % 64);
		if (bit != (cpu->rq.head[p] != NULL))
			panic(
			    "invariant: run-queue bitmap wrong at priority %d",
			    p);
		if (p % 64 == 0 &&
		    !(cpu->rq.summary & BIT(p / 64)) != !cpu->rq.bitmap[p / 64])
			panic("invariant: run-queue summary wrong at word %d",
			      p / 64);
		struct thread *t = cpu->rq.head[p];
		u32 n = 0;
		while (t) {
			if (t->state != TS_RUNNABLE || t->prio != p || t == cur)
				panic("invariant: thread %x in run queue %d is "
				      "state %d",
				      t->tid, p, t->state);
			if (t->rq_next->rq_prev != t || ++n > MAX_THREADS)
				panic("invariant: run queue %d links broken",
				      p);
			t = t->rq_next;
			if (t == cpu->rq.head[p])
				break;
		}
	}
	if (cur != cpu->idle && cur->rq_next)
		panic("invariant: the running thread is queued");
}
