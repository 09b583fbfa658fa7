/*
 * Thread ids, thread groups, the lists of threads, and the life of Thread
 * objects.
 *
 * A thread id is TID_MAKE(container id, generation << 12 | index): the index
 * picks an entry of the tid table, the generation makes a recycled entry
 * give a different id, so a stale id finds nothing rather than a stranger.
 * Free indices are taken round from a cursor (ids.h).
 *
 * The lists (thread.h) are kept here, where the relations they follow
 * change: a thread joins its container's list when it gets its id and
 * leaves it when the id goes; its pager's list when its pager is set
 * (thread_set_pager), its parent's count when it is created
 * (thread_set_parent) and its parent's zombies when it dies.  A thread
 * losing its id leaves every list it is in and empties those it heads:
 * no list ever holds a thread without an id, or is headed by one.
 *
 * A thread group is a leader (a thread whose tgid is its own tid) and the
 * threads that joined it at creation (TC_SHARE_GROUP), in any spaces.  The
 * leader's Thread object holds the group's capability list (the slots from
 * THREAD_SLOT_GROUP), which every member sees.  Invariant: a bound
 * thread's tgid is its own tid or the tid of a bound leader, whose
 * group_size counts its other members.  When a leader's id goes, so does
 * its group: the list's capabilities are deleted and each remaining member
 * leads a group of its own, so no tgid outlives the id it names.
 */
#include "thread.h"
#include "time.h"
#include "space.h"
#include "container.h"
#include "cspace.h"
#include "ipc.h"
#include "scope.h"
#include "mutex.h"
#include "input.h"
#include "root.h"
#include "arch/hooks.h"

void thread_table_init(void)
{
	memset(&thread_ids, 0, sizeof(thread_ids));
	ids_init(&thread_ids.free); /* index 0 is never used */
}

bool thread_id_available(void)
{
	return thread_ids.free.count > 0;
}

/* ------------------------------------------------------------ lists */

void thread_list_append(struct thread **head, struct thread *t, size_t link)
{
	struct thread_link *l = thread_link_of(t, link);
	l->next = NULL;
	if (!*head) {
		l->prev = t;
		*head = t;
	} else {
		struct thread_link *h = thread_link_of(*head, link);
		thread_link_of(h->prev, link)->next = t;
		l->prev = h->prev;
		h->prev = t;
	}
}

void thread_list_remove(struct thread **head, struct thread *t, size_t link)
{
	struct thread_link *l = thread_link_of(t, link);
	if (t == *head) {
		*head = l->next;
		if (*head)
			thread_link_of(*head, link)->prev = l->prev;
	} else {
		thread_link_of(l->prev, link)->next = l->next;
		if (l->next)
			thread_link_of(l->next, link)->prev = l->prev;
		else
			thread_link_of(*head, link)->prev = l->prev;
	}
	l->next = l->prev = NULL;
}

struct thread *thread_next_bound(u32 *i)
{
	while (*i < MAX_THREADS) {
		u32 w = *i / 64;
		u64 used = ~thread_ids.free.free[w] & (~0ull << (*i % 64));
		if (!used) {
			*i = (w + 1) * 64;
			continue;
		}
		u32 k = w * 64 + (u32)__builtin_ctzll(used);
		*i = k + 1;
		if (thread_ids.table[k])
			return thread_ids.table[k];
	}
	return NULL;
}

/* Give `t` an id in container `cid`, and a group of its own.  -E_LIMIT if
 * the table is full. */
int thread_bind(struct thread *t, u32 cid)
{
	if (!thread_ids.free.count)
		return -E_LIMIT;
	u32 i = ids_take(&thread_ids.free);
	thread_ids.gen[i] = (u16)((thread_ids.gen[i] + 1) & TID_GEN_MASK);
	t->tid = TID_MAKE(cid, ((u32)thread_ids.gen[i] << TID_INDEX_BITS) | i);
	t->tgid = t->tid; /* it leads a group of its own until it joins one */
	t->group_size = 0;
	t->container = container_lookup(cid);
	if (t->container) {
		t->container->nthreads++;
		thread_list_append(&t->container->threads, t,
				   THREAD_LINK(container_link));
	}
	thread_ids.table[i] = t;
	return 0;
}

void thread_set_pager(struct thread *t, u32 tid)
{
	if (t->paged_by)
		thread_list_remove(&t->paged_by->paged, t,
				   THREAD_LINK(paged_link));
	t->pager = tid;
	t->paged_by = thread_lookup(tid);
	if (t->paged_by)
		thread_list_append(&t->paged_by->paged, t,
				   THREAD_LINK(paged_link));
}

void thread_set_parent(struct thread *t, struct thread *parent)
{
	t->parent = parent->tid;
	parent->nchildren++;
}

struct thread *thread_zombie_child(struct thread *p)
{
	return p->zombies;
}

/* `t` is dead: its parent may reap it. */
static void zombie_enlist(struct thread *t)
{
	struct thread *p = thread_lookup(t->parent);
	if (p && !t->zombie_of) {
		t->zombie_of = p;
		thread_list_append(&p->zombies, t, THREAD_LINK(zombie_link));
	}
}

static void zombie_delist(struct thread *t)
{
	if (t->zombie_of) {
		thread_list_remove(&t->zombie_of->zombies, t,
				   THREAD_LINK(zombie_link));
		t->zombie_of = NULL;
	}
}

void thread_revive(struct thread *t)
{
	zombie_delist(t);
}

/* The leader of `t`'s group (`t` itself if it leads), or NULL if unbound. */
struct thread *thread_group_leader(const struct thread *t)
{
	struct thread *g = thread_lookup(t->tgid);
	return g && g->tgid == g->tid ? g : NULL;
}

/* `t`, being bound, joins the group `leader` leads. */
void thread_join_group(struct thread *t, struct thread *leader)
{
	t->tgid = leader->tid;
	leader->group_size++;
	thread_list_append(&leader->members, t, THREAD_LINK(group_link));
}

/* `t` loses its id: it leaves its group, or, leading one, ends it. */
static void group_leave(struct thread *t)
{
	struct thread *g = thread_group_leader(t);
	if (g && g != t) {
		g->group_size--;
		thread_list_remove(&g->members, t, THREAD_LINK(group_link));
	} else if (g) {
		for (u32 i = 0; i < GROUP_LIST_SLOTS; i++)
			cap_delete(&t->slots[THREAD_SLOT_GROUP + i]);
		while (t->members) {
			struct thread *m = t->members;
			thread_list_remove(&t->members, m,
					   THREAD_LINK(group_link));
			m->tgid = m->tid;
			t->group_size--;
		}
	}
	t->tgid = 0;
	t->group_size = 0;
}

/* `t` loses its id: out of the lists it is in, and those it heads
 * emptied (their members keep the stale id in pager or parent, which
 * names nothing now). */
static void lists_leave(struct thread *t)
{
	struct thread *p = thread_lookup(t->parent);

	if (t->container)
		thread_list_remove(&t->container->threads, t,
				   THREAD_LINK(container_link));
	if (t->paged_by) {
		thread_list_remove(&t->paged_by->paged, t,
				   THREAD_LINK(paged_link));
		t->paged_by = NULL;
	}
	zombie_delist(t);
	if (p)
		p->nchildren--;
	while (t->paged) {
		struct thread *v = t->paged;
		thread_list_remove(&t->paged, v, THREAD_LINK(paged_link));
		v->paged_by = NULL;
	}
	while (t->zombies) {
		struct thread *z = t->zombies;
		thread_list_remove(&t->zombies, z, THREAD_LINK(zombie_link));
		z->zombie_of = NULL;
	}
	t->nchildren = 0;
	ipc_forget(t);
}

static void notify_parent(struct thread *t);

void thread_unbind(struct thread *t)
{
	if (!t->tid)
		return;
	notify_parent(t); /* a parent waiting for it must look again */
	group_leave(t);
	lists_leave(t);
	u32 i = TID_INDEX(t->tid);
	thread_ids.table[i] = NULL;
	ids_put(&thread_ids.free, i);
	if (t->container)
		t->container->nthreads--;
	t->container = NULL;
	t->tid = 0;
	/* Threads it paged no longer see its space's shared list, nor its
	 * group the group's list. */
	scope_authority_changed();
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

int thread_utcb_check(vaddr_t utcb)
{
	if (utcb & 7)
		return -E_ALIGN;
	if (utcb >= USER_ADDR_TOP - sizeof(struct utcb))
		return -E_RANGE;
	return 0;
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
	arch_thread_destroy(t);
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
	zombie_enlist(t);
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
