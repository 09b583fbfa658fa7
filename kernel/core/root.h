/* The root task: the first user program, loaded by the kernel at boot. */
#ifndef CORE_ROOT_H
#define CORE_ROOT_H

#include "kernel.h"

struct thread;
struct boot_params;

extern struct thread *root_thread;

struct root_image {
	const u8 *elf; /* the module's bytes (kernel address) */
	u64 size;
};

void root_task_exited(int status) __attribute__((noreturn));

#endif
