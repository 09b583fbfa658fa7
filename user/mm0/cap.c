/*
 * mm0's capabilities: what it shares with the processes it pages, and the
 * capability-request protocol.
 *
 * At start every process may send to mm0 and nothing else: mm0 replicates
 * its container-wide IPC capability, deduces the copy to itself (one
 * thread) and shares it with the spaces it pages.  It shares a mutex
 * capability the same way, for user mutexes.
 *
 * A process that wants to talk to another asks mm0 (PX_REQUEST_CAPABILITY):
 * mm0 checks both are its processes, replicates the process's grant root,
 * deduces the copy to exactly the target thread, and grants it, immutable,
 * to the asker.  The grant root is a replica of mm0's IPC capability over
 * its own container (the root task may give it others first: it passes
 * them over), made for that process at its first request, kept in mm0's
 * own space list: every capability granted to the process descends from
 * it.  When the process ends or execs, mm0 revokes the root (the kernel
 * deletes every grant, wherever it is) and destroys it, so a process's
 * requests cost nothing once it is gone, its new program starts without
 * them, and its space is reused like any other.  mm0's space list has 28
 * places, so at most GRANT_ROOTS processes hold grants at a time; a
 * request beyond that is EAGAIN.
 */
#include <errno.h>
#include <string.h>

#include "mm0.h"

#define MAX_CAPS 64
/* mm0's space list holds 28 capabilities: its five from the root task,
 * one for a copy on its way to a grantee, the rest grant roots. */
#define GRANT_ROOTS 21

static struct capability ipc_source; /* mm0's container-wide IPC cap */
static uint32_t grant_roots;	     /* roots now in mm0's list */

/* Replicate `c`, deduce the copy to (scope, resid, rights); the copy's
 * capid on success, 0 if not (the copy is destroyed again). */
static uint32_t replicate_deduce(const struct capability *c, uint32_t scope,
				 uint32_t resid, uint32_t rights)
{
	struct capability r = *c;
	if (tess_capability_control(CAP_CONTROL_REPLICATE, 0, &r))
		return 0;
	struct capability d = r;
	d.scope = scope;
	d.resid = resid;
	d.rights = rights;
	if (tess_capability_control(CAP_CONTROL_DEDUCE, 0, &d)) {
		tess_capability_control(CAP_CONTROL_DESTROY, 0, &r);
		return 0;
	}
	return r.capid;
}

/* Read mm0's own capabilities of `type` (in its space's list). */
static long own_caps(uint32_t type, struct capability *out, long max)
{
	struct capability all[MAX_CAPS];
	long n = tess_capability_control(CAP_CONTROL_READ, MAX_CAPS, all),
	     k = 0;
	for (long i = 0; i < n && k < max; i++)
		if (all[i].type == type && all[i].list == CAP_LIST_SPACE &&
		    all[i].scope >= SCOPE_CONTAINER)
			out[k++] = all[i];
	return k;
}

/* Share a copy of our `type` capability, narrowed, with our children. */
static long share_narrowed(uint32_t type, uint32_t scope, uint32_t resid,
			   uint32_t rights)
{
	struct capability c[4];
	long n = own_caps(type, c, 4);
	for (long i = 0; i < n; i++) {
		uint32_t id = replicate_deduce(&c[i], scope, resid,
					       rights | CAP_TRANSFERABLE |
						   CAP_CHANGEABLE);
		if (!id)
			continue;
		struct capability s = c[i];
		s.capid = id;
		if (tess_capability_control(CAP_CONTROL_SHARE, CAP_SHARE_CHILD,
					    &s) == 0)
			return 0;
		tess_capability_control(CAP_CONTROL_DESTROY, 0, &s);
	}
	return -ENOENT;
}

/* The first of mm0's IPC capabilities that covers its own container
 * (the root task may give it others first: `caps ipc@ID`): grant roots
 * are made from it.  0, or -ENOENT. */
static long find_ipc_source(void)
{
	struct capability c[8];
	long n = own_caps(CAP_IPC, c, 8);
	for (long i = 0; i < n; i++)
		if (c[i].scope == SCOPE_SYSTEM ||
		    (c[i].scope == SCOPE_CONTAINER && c[i].resid == mm0.cid)) {
			ipc_source = c[i];
			return 0;
		}
	return -ENOENT;
}

long caps_setup(void)
{
	if (find_ipc_source()) {
		mm0_log("no IPC capability over its own container");
		return -ENOENT;
	}
	long r = share_narrowed(CAP_IPC, SCOPE_THREAD, mm0.tid, CAP_IPC_ALL);
	if (r) {
		mm0_log(
		    "cannot share an IPC capability to mm0 with its processes");
		return r;
	}
	if (share_narrowed(CAP_MUTEX, SCOPE_CONTAINER, mm0.cid, CAP_MUTEX_ALL))
		mm0_log("no mutex capability to share: user mutexes will not "
			"block");
	return 0;
}

/* The process's grant root, made at its first request: 0 or -EAGAIN. */
static long grant_root(struct process *p)
{
	if (p->grant_root)
		return 0;
	if (grant_roots == GRANT_ROOTS)
		return -EAGAIN;
	struct capability r = ipc_source;
	if (tess_capability_control(CAP_CONTROL_REPLICATE, 0, &r))
		return -EAGAIN;
	p->grant_root = r.capid;
	grant_roots++;
	return 0;
}

long cap_request(struct task *t, uint32_t target)
{
	struct process *p = t->proc;
	long r;

	if (target == t->tid)
		return -EINVAL;
	if (!task_find(target))
		return -ESRCH; /* only between mm0's own processes */
	if ((r = grant_root(p)))
		return r;
	struct capability root = ipc_source;
	root.capid = p->grant_root;
	uint32_t id =
	    replicate_deduce(&root, SCOPE_THREAD, target,
			     CAP_IPC_ALL | CAP_TRANSFERABLE | CAP_CHANGEABLE);
	if (!id)
		return -EAGAIN;
	struct capability g = ipc_source;
	g.capid = id;
	g.owner = t->tid;
	if (tess_capability_control(CAP_CONTROL_GRANT,
				    CAP_GRANT_SINGLE | CAP_GRANT_IMMUTABLE,
				    &g)) {
		tess_capability_control(CAP_CONTROL_DESTROY, 0, &g);
		return -ENOSPC; /* the asker's list is full */
	}
	return 0;
}

void cap_drop_grants(struct process *p)
{
	if (!p->grant_root)
		return;
	struct capability root = ipc_source;
	root.capid = p->grant_root;
	long r = tess_capability_control(CAP_CONTROL_REVOKE, 0, &root);
	if (!r)
		r = tess_capability_control(CAP_CONTROL_DESTROY, 0, &root);
	if (r) {
		mm0_log("cannot take back process %x's capabilities: %s",
			p->pid, tess_strerror(r));
		if (p->mm)
			p->mm->tainted = true;
	}
	p->grant_root = 0;
	grant_roots--;
}
