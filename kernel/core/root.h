/* The root task: the first user program, loaded by the kernel at boot. */
#ifndef CORE_ROOT_H
#define CORE_ROOT_H

#include "kernel.h"

struct thread;

extern struct thread *root_thread;

void root_task_exited(int status) __attribute__((noreturn));

#endif
