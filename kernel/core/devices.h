/* Console, window, timer and IPC-buffer system calls. */
#ifndef CORE_DEVICES_H
#define CORE_DEVICES_H

#include "kernel.h"
#include "cap.h"

long sys_console_putc(const u64 *a);
long sys_console_write(const u64 *a);
long sys_window_putc(const u64 *a);
long sys_window_cls(const u64 *a);
long sys_window_set_attr(const u64 *a);
long sys_timer_ticks(const u64 *a);
long sys_alloc_buffer(const u64 *a);
long sys_print_buffer(const u64 *a);
long sys_print_string(const u64 *a);
long sys_debug_dump(const u64 *a);

/* Boot: the console, window, timer and debug capabilities. */
void device_make_boot_caps(struct cap *console, struct cap *windows,
			   struct cap *timer, struct cap *debug);

#endif
