/*
 * Containers: a group of spaces and threads with an 8-bit id (the top byte
 * of their thread ids) and a capability list shared by all of them.  The
 * root task's container, id 0, is made at boot; others are Container
 * objects given an id with container_control(CONTAINER_CONFIGURE).
 */
#ifndef CORE_CONTAINER_H
#define CORE_CONTAINER_H

#include "kernel.h"
#include "cap.h"

#define CONTAINER_LIST_SLOTS 48
#define MAX_CONTAINERS 256

struct thread;

struct container {
	u32 cid;
	bool configured;
	u32 nthreads;
	struct thread *threads; /* its bound threads (thread.c) */
	struct cap slots[CONTAINER_LIST_SLOTS];
};

/* Container ids to Container objects (the instance is in state.c). */
extern struct container *container_table[MAX_CONTAINERS];

void container_table_init(void);
struct container *container_lookup(u32 cid);
void container_object_init(struct container *c);
int container_check_configure(const struct container *c, u32 cid);
void container_configure(struct container *c, u32 cid);
void container_object_destroy(struct container *c);

#endif
