/* thread_control and exchange_registers. */
#ifndef CORE_TCTRL_H
#define CORE_TCTRL_H

#include "kernel.h"

long sys_thread_control(const u64 *a);
long sys_exchange_registers(const u64 *a);
int utcb_check(vaddr_t utcb);

#endif
