/*
 * Containers: the id table and the life of Container objects.
 */
#include "container.h"
#include "thread.h"
#include "root.h"

void container_table_init(void)
{
	memset(container_table, 0, sizeof(container_table));
}

struct container *container_lookup(u32 cid)
{
	return cid < MAX_CONTAINERS ? container_table[cid] : NULL;
}

void container_object_init(struct container *c)
{
	c->configured = false;
}

/* May container `c` take id `cid`?  The checks in the ABI's order. */
int container_check_configure(const struct container *c, u32 cid)
{
	if (c->configured)
		return -E_BUSY;
	if (cid > CID_MAX)
		return -E_RANGE;
	if (container_table[cid])
		return -E_EXISTS;
	return 0;
}

/* Give it the id (checked). */
void container_configure(struct container *c, u32 cid)
{
	c->cid = cid;
	c->configured = true;
	container_table[cid] = c;
}

/*
 * The last capability to the container is going: every thread in it is
 * stopped and loses its id, so the id can never name a stranger's thread
 * later.  Its capability list is emptied by the caller (delete.c).
 */
void container_object_destroy(struct container *c)
{
	if (!c->configured)
		return;
	while (c->threads) {
		struct thread *t = c->threads;
		if (t->flags & THREAD_F_ROOT)
			root_task_exited(-1);
		thread_cancel(t, true); /* senders waiting for it fail */
		if (t->state != TS_DEAD)
			t->state = TS_INACTIVE;
		thread_unbind(t); /* out of c->threads */
	}
	container_table[c->cid] = NULL;
	c->configured = false;
}
