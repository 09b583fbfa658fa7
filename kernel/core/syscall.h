/* System call entry from the architecture layer. */
#ifndef CORE_SYSCALL_H
#define CORE_SYSCALL_H

struct trapframe;
void syscall_dispatch(struct trapframe *tf);

#endif
