/*
 * The deadline heap (kernel/core/time.c) on the host, with the clock in
 * the test's hands (host_time_us): timed waits end in deadline order,
 * exactly when their deadline has passed; a wait that ends otherwise, a
 * stopped thread and a thread parked in a copy leave the heap; a sleep
 * ends with 0, an IPC with -E_TIMEOUT, a stopped sleep with -E_ABORTED;
 * and the invariant checker agrees after every step.
 */
#include <string.h>

#include "kworld.h"
#include "core/ipc.h"
#include "core/time.h"

#define N 64

static struct kworld w;
static struct thread *th[N];
static u64 when[N];

/* N bound threads, all inactive. */
static void build(void)
{
	kw_init(&w, 22, 8);
	kw_task(&w);
	for (int i = 0; i < N; i++) {
		struct cap *c = &w.boot[16 + i];
		if (kw_retype(w.ut, CAP_THREAD, 0, c, 1))
			panic("build: retype");
		th[i] = (struct thread *)c->obj;
		thread_set_space(th[i], w.space);
		if (thread_bind(th[i], 0))
			panic("build: bind");
	}
}

/* `t` waits: asleep (result 0, as sys_sleep leaves it) or receiving;
 * both resume in user mode (THREAD_F_USER_CONT), as the kernel's do. */
static void wait_timed(struct thread *t, u8 wait, u64 deadline)
{
	arch_thread_tf(t)->result = 0x5a5a;
	if (wait == WAIT_SLEEP)
		arch_thread_tf(t)->result = 0;
	t->ipc_from = TID_ANY;
	t->flags |= THREAD_F_USER_CONT;
	thread_block(t, wait);
	timer_arm(t, deadline);
}

static bool woken(const struct thread *t)
{
	return t->state == TS_RUNNABLE;
}

static void stop_all(void)
{
	for (int i = 0; i < N; i++)
		thread_stop(th[i]);
}

/* Random distinct deadlines, armed in random order; the clock moves in
 * random steps and each step wakes exactly the passed ones. */
static void test_order(void)
{
	bool ok = true, inv = true;
	host_srand(7);
	for (int i = 0; i < N; i++) {
		when[i] = 1000 + 10 * (u64)i;
		int j = (int)host_rand_below((u64)i + 1);
		u64 tmp = when[i];
		when[i] = when[j];
		when[j] = tmp;
	}
	for (int i = 0; i < N; i++)
		wait_timed(th[i], i % 2 ? WAIT_SLEEP : WAIT_RECV, when[i]);
	inv = kw_invariants_ok();
	for (host_time_us = 0; host_time_us < 1000 + 10 * N + 50;
	     host_time_us += host_rand_below(25)) {
		timer_expire();
		for (int i = 0; i < N; i++)
			if (woken(th[i]) != (when[i] <= host_time_us))
				ok = false;
	}
	t_ok(inv, "invariants hold with %d timed waits", N);
	t_ok(ok, "each step wakes exactly the waits whose deadline passed");
	bool rax = true;
	for (int i = 0; i < N; i++)
		if (arch_thread_tf(th[i])->result !=
		    (u64)(i % 2 ? 0 : -E_TIMEOUT))
			rax = false;
	t_ok(rax, "a sleep ends with 0, a receive with -E_TIMEOUT");
	t_ok(!(th[0]->flags & (THREAD_F_TIMED | THREAD_F_TIMER_PARKED)),
	     "an expired wait has left the heap");
	stop_all();
	t_ok(kw_invariants_ok(), "invariants hold after");
}

/* Waits that end otherwise (thread_wake, thread_stop) leave the heap, in
 * any order, and are never woken again by their deadline. */
static void test_remove(void)
{
	bool inv = true, ok = true;
	host_time_us = 0;
	for (int i = 0; i < N; i++)
		wait_timed(th[i], WAIT_RECV, 100 + host_rand_below(1000));
	for (int i = 0; i < N; i += 2) {
		int k = (int)host_rand_below(N);
		if (th[k]->state != TS_BLOCKED)
			continue;
		if (k % 3)
			thread_wake(th[k]);
		else
			thread_stop(th[k]);
		arch_thread_tf(th[k])->result = 0x77;
		if (!kw_invariants_ok())
			inv = false;
	}
	t_ok(inv, "invariants hold as waits end early, in random order");
	host_time_us = 5000;
	timer_expire();
	for (int i = 0; i < N; i++)
		if (th[i]->state == TS_BLOCKED ||
		    (arch_thread_tf(th[i])->result == 0x77) ==
			(arch_thread_tf(th[i])->result == (u64)-E_TIMEOUT))
			ok = false;
	t_ok(ok, "the early ones are not woken again, the others time out");
	stop_all();
}

static void test_edges(void)
{
	struct thread *t = th[0], *u = th[1];

	host_time_us = 500;
	t_ok(deadline_passed(0) && deadline_passed(500) &&
		 !deadline_passed(501),
	     "a deadline at or before now has passed");
	t_ok(!deadline_passed(DEADLINE_NEVER), "DEADLINE_NEVER never passes");
	wait_timed(t, WAIT_SLEEP, DEADLINE_NEVER);
	t_ok(!(t->flags & THREAD_F_TIMED), "DEADLINE_NEVER is not in the heap");
	host_time_us = ~0ull - 1;
	timer_expire();
	t_ok(t->state == TS_BLOCKED, "... and is never woken");
	thread_stop(t);
	t_ok(t->state == TS_INACTIVE &&
		 arch_thread_tf(t)->result == (u64)-E_ABORTED,
	     "a stopped sleep returns -E_ABORTED");

	host_time_us = 0;
	wait_timed(t, WAIT_SLEEP, 300);
	thread_stop(t);
	t_ok(!(t->flags & THREAD_F_TIMED) && kw_invariants_ok(),
	     "a stopped sleeper leaves the heap");

	/* A receiver parked in a copy is not timed out; back out of the
	 * copy with its deadline passed, it times out at the next tick. */
	wait_timed(u, WAIT_RECV, 100);
	u->wait = WAIT_COPY; /* parked as ipc.c parks a side: the running */
	u->copy_partner = w.thread; /* thread copies into it */
	w.thread->copy_to = u;
	timer_park(u);
	t_ok(kw_invariants_ok(), "invariants hold with a thread parked");
	host_time_us = 200;
	timer_expire();
	t_ok(u->state == TS_BLOCKED, "a parked thread does not time out");
	u->wait = WAIT_RECV;
	u->copy_partner = NULL;
	w.thread->copy_to = NULL;
	timer_unpark(u);
	t_ok(u->flags & THREAD_F_TIMED, "unparked, it is in the heap again");
	timer_expire();
	t_ok(woken(u) && arch_thread_tf(u)->result == (u64)-E_TIMEOUT,
	     "... and times out at the next tick");

	/* Parked and then woken by the copy's end: forgotten. */
	thread_stop(u);
	host_time_us = 0;
	wait_timed(u, WAIT_RECV, 100);
	u->wait = WAIT_COPY;
	timer_park(u);
	thread_wake(u);
	t_ok(!(u->flags & (THREAD_F_TIMED | THREAD_F_TIMER_PARKED)) &&
		 kw_invariants_ok(),
	     "a parked thread woken by its copy forgets its deadline");
	stop_all();
	t_ok(kw_invariants_ok(), "invariants hold at the end");
}

/* The checker catches a thread that claims a deadline it has not got. */
static void test_checker(void)
{
	th[2]->flags |= THREAD_F_TIMED;
	t_ok(!kw_invariants_ok() && strstr(panic_message, "timed"),
	     "caught: a thread marked timed outside the heap");
	th[2]->flags &= ~THREAD_F_TIMED;
}

int main(void)
{
	build();
	test_order();
	test_remove();
	test_edges();
	test_checker();
	kw_fini(&w);
	return t_finish();
}
