/*
 * capability_control(req, flags, buf): Codezero's operations on the scope
 * capabilities in a thread's capability lists.
 *
 * A thread sees four lists, searched in this order whenever a thread id
 * must be authorized: its space's list, its thread group's list
 * (CAP_SHARE_GROUP), the list its pager's space shares with the spaces it
 * pages (CAP_SHARE_CHILD, CAP_SHARE_SIBLINGS), and its container's list.
 * Each capability in a list has a kernel-assigned capid.
 */
#ifndef TESSERA_CAPCTRL_H
#define TESSERA_CAPCTRL_H

#include <stdint.h>

#define CAP_CONTROL_NCAPS 0
#define CAP_CONTROL_READ 1
#define CAP_CONTROL_SHARE 2
#define CAP_CONTROL_GRANT 3
#define CAP_CONTROL_REPLICATE 4
#define CAP_CONTROL_SPLIT 5
#define CAP_CONTROL_DEDUCE 6
#define CAP_CONTROL_DESTROY 7
#define CAP_CONTROL_REVOKE 8

/* SHARE destinations. */
#define CAP_SHARE_CONTAINER 1 /* every space of the caller's container */
#define CAP_SHARE_CHILD 2     /* every space the caller's space pages */
#define CAP_SHARE_SIBLINGS 3  /* every space paged by the caller's pager */
#define CAP_SHARE_GROUP 4     /* every thread of the caller's thread group */

/* GRANT flags. */
#define CAP_GRANT_SINGLE 1
#define CAP_GRANT_IMMUTABLE 2 /* clear the generic bits on the way */

/* Which list a capability is in (struct capability.list). */
#define CAP_LIST_SPACE 1
/* CAP_LIST_CHILD: the list a pager shares with the spaces it pages. */
#define CAP_LIST_CHILD 2
#define CAP_LIST_PAGER 3 /* seen by the caller: its pager's shared list */
#define CAP_LIST_CONTAINER 4
#define CAP_LIST_GROUP 5 /* the list of the caller's thread group */

struct capability {
	uint32_t capid;
	uint32_t
	    owner; /* GRANT: the grantee's tid; READ: the owner's space id */
	uint32_t type;	 /* enum cap_type (a scope type) */
	uint32_t scope;	 /* enum cap_scope */
	uint32_t resid;	 /* the thread, space or container id in scope */
	uint32_t rights; /* operation bits | generic bits */
	uint32_t list;	 /* CAP_LIST_* (READ) */
	uint32_t spare;
};

#endif
