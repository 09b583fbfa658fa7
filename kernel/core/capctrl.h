/* Scope capabilities and their lists (Codezero's capability_control). */
#ifndef CORE_CAPCTRL_H
#define CORE_CAPCTRL_H

#include "kernel.h"
#include "cap.h"

struct thread;
struct space;

long sys_capability_control(const u64 *a);

/* A scope capability of `type` with all of `need` over container `cid`? */
bool scope_authorized_container(struct thread *t, u8 type, u32 cid, u32 need);
/* The capid the next scope capability gets (state.c). */
extern u32 next_capid;

/* Fill in a new scope capability. */
void scope_cap_init(struct cap *c, u8 type, u32 rights, u32 scope, u32 resid,
		    u32 owner_spid);

#endif
