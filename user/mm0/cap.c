/*
 * mm0's capabilities: what it shares with the processes it pages, and the
 * capability-request protocol.
 *
 * At start every process may send to mm0 and nothing else: mm0 replicates
 * its container-wide IPC capability, deduces the copy to itself (one
 * thread) and shares it with the spaces it pages.  It shares a mutex
 * capability the same way, for user mutexes.  A process that wants to
 * talk to another asks mm0 (PX_REQUEST_CAPABILITY): mm0 checks both are
 * its processes, replicates a wide IPC capability of its own, deduces the
 * copy to exactly the target thread, and grants it, immutable, to the
 * asker; if a deduce fails it destroys the copy and tries its next
 * suitable capability.  A granted capability lives in the asker's space
 * list, owned by that space, until the space is deleted when the process
 * ends (vm.c mm_put): it is never handed on with a reused space.
 */
#include <errno.h>
#include <string.h>

#include "mm0.h"

#define MAX_CAPS 64

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

long caps_setup(void)
{
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

long cap_request(struct task *t, uint32_t target)
{
	struct capability c[8];
	long n;

	if (target == t->tid)
		return -EINVAL;
	if (!task_find(target))
		return -ESRCH; /* only between mm0's own processes */
	n = own_caps(CAP_IPC, c, 8);
	for (long i = 0; i < n; i++) {
		uint32_t id = replicate_deduce(&c[i], SCOPE_THREAD, target,
					       CAP_IPC_ALL | CAP_TRANSFERABLE |
						   CAP_CHANGEABLE);
		if (!id)
			continue; /* a deduce refused: try the next one */
		struct capability g = c[i];
		g.capid = id;
		g.owner = t->tid;
		if (tess_capability_control(
			CAP_CONTROL_GRANT,
			CAP_GRANT_SINGLE | CAP_GRANT_IMMUTABLE, &g) == 0) {
			t->proc->mm->has_grants = true; /* see mm_put */
			return 0;
		}
		tess_capability_control(CAP_CONTROL_DESTROY, 0, &g);
	}
	return -ENOSPC;
}
