/*
 * container_control(CONTAINER_CONFIGURE, container, cid): give a
 * Container object (container.c) its id.
 */
#include "syscalls.h"
#include "core/container.h"
#include "core/cspace.h"
#include "tessera/syscall.h"

struct container_args {
	struct container *c;
	u32 cid;
};

static int decode_container_control(const u64 *a, struct container_args *x)
{
	struct cap *c;
	int r;

	if (a[0] != CONTAINER_CONFIGURE)
		return -E_INVAL;
	r = cap_lookup_type(a[1], CAP_CONTAINER, &c);
	if (r)
		return r;
	x->c = (struct container *)c->obj;
	x->cid = (u32)a[2];
	return container_check_configure(x->c, x->cid);
}

static long invoke_container_control(const struct container_args *x)
{
	container_configure(x->c, x->cid);
	return 0;
}

long sys_container_control(const u64 *a)
{
	struct container_args x;
	int r = decode_container_control(a, &x);
	return r ? r : invoke_container_control(&x);
}
