/* System calls on slots, untyped memory and mappings (sys_memory.c). */
#ifndef CORE_SYS_MEMORY_H
#define CORE_SYS_MEMORY_H

#include "kernel.h"

long sys_retype(const u64 *a);
long sys_remaining(const u64 *a);
long sys_cap_copy(const u64 *a);
long sys_cap_mint(const u64 *a);
long sys_cap_move(const u64 *a);
long sys_cap_delete(const u64 *a);
long sys_cap_revoke(const u64 *a);
long sys_cap_info(const u64 *a);
long sys_map(const u64 *a);
long sys_unmap(const u64 *a);
long sys_page_copy(const u64 *a);

#endif
